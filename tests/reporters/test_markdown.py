"""report.md and summary.md: golden files, well-formed tables, images only for given
figures, a short summary, and no suppressed value anywhere.

Golden files change only with `DEVEX_UPDATE_GOLDEN=1 pytest tests/reporters`;
without it a difference fails the test.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from devex_metrics.artifacts import Artifact
from devex_metrics.metrics.catalogue import BY_ID
from devex_metrics.metrics.result import MetricResult, Status
from devex_metrics.privacy.report import PublishedMetric, PublishedReport, PublishedValue
from devex_metrics.reporters.history import HistoryEntry, entry_from_report, render_history
from devex_metrics.reporters.markdown import (
    DOCS_URL,
    cell,
    format_number,
    metric_trend,
    metric_value,
    render_report,
    render_summary,
)
from devex_metrics.reporters.metrics_json import render_metrics_json

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DEVEX_UPDATE_GOLDEN") == "1"
FIGURES = {
    "badge:health": "badges/health.svg",
    "badge:dora.lead_time": "badges/lead-time.svg",
    "badge:dora.deployment_frequency": "badges/deployment-frequency.svg",
    "chart:dora": "charts/dora.svg",
    "chart:health": "charts/health.svg",
    "chart:activity": "charts/activity.svg",
}
REPORT_URL = "https://github.com/acme/widgets/blob/devex-metrics/report.md"
# the suppressed values of the fixed data set, raw and as the filters would format them
LEAKS = ("987.654", "987.6", "987.7", "9876.54", "411.5 d", "4115.2 d", "4321", "4,321")
Builder = Callable[..., PublishedReport]
ResultsStrategy = st.SearchStrategy[dict[str, MetricResult]]
Results = tuple[dict[str, MetricResult], dict[str, MetricResult]]


def _history(report: PublishedReport) -> list[HistoryEntry]:
    older = entry_from_report(report).model_copy(
        update={
            "window_end": report.window.start,
            "window_start": report.previous_window.start,
            "values": {"health.score": 82.0, "dora.lead_time": 52.0},
        }
    )
    return [older, entry_from_report(report)]


def _artifacts(report: PublishedReport) -> dict[str, Artifact]:
    history = _history(report)
    artifacts = [
        render_report(report, history=history, figures=FIGURES),
        render_summary(report, report_url=REPORT_URL),
        render_metrics_json(report),
        render_history(history[:1], report),
    ]
    return {artifact.path: artifact for artifact in artifacts}


@pytest.mark.parametrize("name", ["report.md", "summary.md"])
def test_matches_golden_file(sample_report: PublishedReport, name: str) -> None:
    content = _artifacts(sample_report)[name].content
    golden = GOLDEN / name
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(content)
    assert golden.exists(), f"{golden} is missing: run with DEVEX_UPDATE_GOLDEN=1 to create it"
    assert content == golden.read_bytes(), (
        f"{name} differs from {golden}; if the change is intended, review it and "
        "regenerate with DEVEX_UPDATE_GOLDEN=1"
    )


def test_suppressed_values_appear_in_no_artifact(sample_report: PublishedReport) -> None:
    for path, artifact in _artifacts(sample_report).items():
        text = artifact.content.decode()
        for leak in LEAKS:
            assert leak not in text, f"{leak!r} leaked into {path}"
        assert "people.example.test" not in text


def _tokens(text: str) -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(text)


def _cells(line: str) -> int:
    """Cells of a table row in the source: split on unescaped pipes."""
    inner = line.strip().removeprefix("|").removesuffix("|")
    return len(re.split(r"(?<!\\)\|", inner))


def _tables(tokens: list[Token]) -> Iterator[tuple[int, int]]:
    for token in tokens:
        if token.type == "table_open" and token.map:
            yield token.map[0], token.map[1]


def _report_variants(report_builder: Builder, ok_result: Callable[..., MetricResult]) -> list[str]:
    sample = report_builder({}, partial=True, deployment_source=None)
    lone = report_builder({"dora.rework_rate": ok_result("dora.rework_rate", 0.5, 2)})
    texts = []
    for report in (sample, lone):
        texts.append(render_report(report, history=[], figures={}).content.decode())
        texts.append(render_summary(report).content.decode())
    return texts


def _assert_tables_parse(text: str) -> None:
    """Every `|` line belongs to a table markdown-it recognises, and every row of a
    table has as many cells as its header (markdown-it itself pads short rows)."""
    lines = text.splitlines()
    covered: set[int] = set()
    tokens = _tokens(text)
    for start, end in _tables(tokens):
        counts = {_cells(line) for line in lines[start:end]}
        assert len(counts) == 1, lines[start:end]
        covered.update(range(start, end))
    pipe_lines = {index for index, line in enumerate(lines) if line.startswith("|")}
    assert pipe_lines <= covered, [lines[index] for index in sorted(pipe_lines - covered)]
    rendered_rows = [t for t in tokens if t.type == "tr_open"]
    assert len(rendered_rows) == len(pipe_lines) - len(list(_tables(tokens)))


def test_every_table_parses_with_equal_cell_counts(
    sample_report: PublishedReport,
    report_builder: Builder,
    ok_result: Callable[..., MetricResult],
) -> None:
    artifacts = _artifacts(sample_report)
    texts = [artifacts["report.md"].content.decode(), artifacts["summary.md"].content.decode()]
    for text in [*texts, *_report_variants(report_builder, ok_result)]:
        _assert_tables_parse(text)


# 987.654 (the marker of `any_results`) as each unit would format it
MARKER_FORMS = ("987.654", "987.7", "988", "41.2 d", "98765.4", "16.5 h")


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_gated_report_renders_without_leaks(
    report_builder: Builder, results_strategy: ResultsStrategy, data: st.DataObject
) -> None:
    """The fixtures are a pure function and a strategy: safe to share across examples."""
    report = report_builder(data.draw(results_strategy), data.draw(results_strategy))
    history = [entry_from_report(report)]
    for text in (
        render_report(report, history=history, figures=FIGURES).content.decode(),
        render_summary(report, report_url=REPORT_URL).content.decode(),
    ):
        _assert_tables_parse(text)
        for form in MARKER_FORMS:
            assert form not in text
    assert len(render_summary(report).content.decode().splitlines()) <= 20


def _images(text: str) -> list[str]:
    """Image sources as written (markdown-it percent-encodes spaces)."""
    sources = []
    for token in _tokens(text):
        for child in token.children or []:
            if child.type == "image":
                sources.append(unquote(str(child.attrs["src"])))
    return sources


def test_images_point_only_at_given_figures(sample_report: PublishedReport) -> None:
    artifacts = _artifacts(sample_report)
    images = _images(artifacts["report.md"].content.decode())
    assert sorted(images) == sorted(FIGURES.values())
    assert _images(artifacts["summary.md"].content.decode()) == []


@pytest.mark.parametrize(
    "figures",
    [
        pytest.param({}, id="no-figures"),
        pytest.param({"chart:dora": "charts/dora.svg"}, id="one-chart"),
        pytest.param({"badge:health": "b/h (1).svg", "chart:extra": "c/x.svg"}, id="odd-keys"),
    ],
)
def test_image_only_when_its_key_is_present(
    sample_report: PublishedReport, figures: dict[str, str]
) -> None:
    text = render_report(sample_report, history=[], figures=figures).content.decode()
    assert sorted(_images(text)) == sorted(figures.values())


@pytest.mark.parametrize("partial", [False, True])
@pytest.mark.parametrize("url", [None, REPORT_URL])
def test_summary_is_at_most_20_lines(
    report_builder: Builder, sample_results: Results, partial: bool, url: str | None
) -> None:
    report = report_builder(*sample_results, partial=partial)
    text = render_summary(report, report_url=url).content.decode()
    assert len(text.splitlines()) <= 20
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert (REPORT_URL in text) is (url is not None)


def test_report_sections_a_reader_needs(sample_report: PublishedReport) -> None:
    text = _artifacts(sample_report)["report.md"].content.decode()
    for needle in (
        "# Developer experience report: acme/widgets",
        "2024-01-02 to 2024-03-31",
        "DORA 2023 clusters, as Apache DevLake encodes them",
        "Deployments come from **tags**",
        "suppressed: fewer than 5 people (96 merged PRs)",
        "not measured: needs a coverage file",
        "Unrecovered failures (no remedy before the window's end): 1",
        "Negative lead times dropped (change time after its deployment): 2",
        "devex-metrics opt-out-hash LOGIN_OR_EMAIL",
        ".github/devex-metrics-optout",
        "No names, logins or emails appear in this report",
        "| minimum group size (k = 5) | 4 |",
        "| github-rest | 37 |  |",
        f"[docs/metrics.md]({DOCS_URL})",
        "**77 / 100** (▼ from 82 / 100)",
    ):
        assert needle in text
    assert "Partial data" not in text


def test_partial_report_says_so(report_builder: Builder) -> None:
    report = report_builder({}, partial=True)
    assert "**Partial data.**" in render_report(report, history=[], figures={}).content.decode()
    assert "Partial data" in render_summary(report).content.decode()


@pytest.mark.parametrize(
    ("value", "unit", "metric_id", "text"),
    [
        pytest.param(3.2, "hours", "", "3.2 h", id="hours"),
        pytest.param(50.4, "hours", "", "2.1 d", id="hours-as-days"),
        pytest.param(0.75, "hours", "", "45 min", id="hours-as-minutes"),
        pytest.param(7.5, "minutes", "", "7.5 min", id="minutes"),
        pytest.param(90, "minutes", "", "1.5 h", id="minutes-as-hours"),
        pytest.param(0.125, "ratio", "", "12.5 %", id="ratio"),
        pytest.param(0.0004, "ratio", "", "0.04 %", id="small-ratio-not-zero"),
        pytest.param(4.2, "per_week", "", "4.2 / week", id="per-week"),
        pytest.param(1234.0, "count", "", "1,234", id="count"),
        pytest.param(85.0, "lines", "", "85 lines", id="lines"),
        pytest.param(2.4, "days", "", "2.4 days", id="days"),
        pytest.param(3.75, "score", "", "3.8", id="score"),
        pytest.param(77.0, "score", "health.score", "77 / 100", id="health"),
        pytest.param(float("nan"), "ratio", "", "—", id="not-a-number"),
    ],
)
def test_number_formats(value: float, unit: str, metric_id: str, text: str) -> None:
    assert format_number(value, unit, metric_id) == text


def test_cell_escapes_pipes_and_line_breaks() -> None:
    assert cell("a|b\nc\r\nd") == "a\\|b c d"


def _metric(
    status: Status, value: float | None, previous: PublishedValue | None
) -> PublishedMetric:
    return PublishedMetric(BY_ID["dora.lead_time"], status, 10, 6, value=value, previous=previous)


@pytest.mark.parametrize(
    ("status", "value", "previous", "trend"),
    [
        pytest.param(Status.OK, 30.0, PublishedValue(Status.OK, 20.0), "▲ from 20.0 h", id="up"),
        pytest.param(Status.OK, 10.0, PublishedValue(Status.OK, 20.0), "▼ from 20.0 h", id="down"),
        pytest.param(Status.OK, 20.01, PublishedValue(Status.OK, 20.0), "▬ unchanged", id="same"),
        pytest.param(Status.OK, 10.0, PublishedValue(Status.SUPPRESSED, None), "", id="prev-gone"),
        pytest.param(Status.OK, 10.0, None, "", id="no-previous"),
        pytest.param(Status.SUPPRESSED, 5.0, PublishedValue(Status.OK, 20.0), "", id="now-gone"),
    ],
)
def test_trend_only_when_both_windows_are_ok(
    status: Status, value: float, previous: PublishedValue | None, trend: str
) -> None:
    assert metric_trend(_metric(status, value, previous)) == trend


def test_value_filter_never_renders_a_non_ok_value() -> None:
    assert metric_value(_metric(Status.SUPPRESSED, 987.654, None)) == ""
    assert metric_value(_metric(Status.OK, 12.0, None)) == "12.0 h"
