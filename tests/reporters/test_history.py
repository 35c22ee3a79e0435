"""history.jsonl: one line per window end, replaced on re-run, gated values only."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devex_metrics.metrics.result import MetricResult
from devex_metrics.model import Window
from devex_metrics.privacy.report import PublishedReport
from devex_metrics.reporters.history import (
    HISTORY_PATH,
    HistoryEntry,
    entry_from_report,
    parse_history,
    render_history,
)

START = datetime(2024, 1, 2, tzinfo=UTC)


def _entry(end_day: int, value: float = 1.0, version: str = "0.1.0") -> HistoryEntry:
    end = START + timedelta(days=end_day)
    return HistoryEntry(
        window_start=end - timedelta(days=90),
        window_end=end,
        generated_at=end + timedelta(hours=6),
        tool_version=version,
        deployment_source="tags",
        values={"health.score": value},
        tiers={},
    )


def test_entry_holds_only_ok_values_and_tiers(sample_report: PublishedReport) -> None:
    entry = entry_from_report(sample_report)
    ok_ids = {mid for mid, metric in sample_report.metrics.items() if metric.ok}
    assert set(entry.values) == ok_ids
    assert "health.score" in entry.values
    assert "space.communication.reviews_per_pr" not in entry.values
    assert entry.tiers == {
        "dora.deployment_frequency": "high",
        "dora.lead_time": "high",
        "dora.change_failure_rate": "high",
        "dora.recovery_time": "medium",
    }
    assert (entry.window_start, entry.window_end) == (
        sample_report.window.start,
        sample_report.window.end,
    )
    assert entry.deployment_source == "tags"


def test_suppressed_values_never_reach_history(sample_report: PublishedReport) -> None:
    text = render_history([], sample_report).content.decode()
    for distinctive in ("987.654", "9876.54", "4321"):
        assert distinctive not in text


def test_render_is_one_sorted_compact_line_per_window(sample_report: PublishedReport) -> None:
    artifact = render_history([], sample_report)
    assert artifact.path == HISTORY_PATH
    text = artifact.content.decode()
    assert text.endswith("\n") and text.count("\n") == 1
    line = text.rstrip("\n")
    document = json.loads(line)
    assert line == json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert document["window_end"] == "2024-04-01T00:00:00Z"
    assert parse_history(text) == [entry_from_report(sample_report)]


def test_rerun_of_same_window_replaces_its_line(sample_report: PublishedReport) -> None:
    older = _entry(0, 50.0)
    stale = replace_end(_entry(0, 10.0, "0.0.9"), sample_report.window.end)
    text = render_history([stale, older], sample_report).content.decode()
    entries = parse_history(text)
    assert [entry.window_end for entry in entries] == [older.window_end, sample_report.window.end]
    assert entries[1].tool_version == "0.1.0"
    assert entries[1].values["health.score"] == sample_report.metrics["health.score"].value


def replace_end(entry: HistoryEntry, end: datetime) -> HistoryEntry:
    return entry.model_copy(update={"window_end": end})


def test_entries_are_sorted_by_window_end(report_builder: Callable[..., PublishedReport]) -> None:
    early = Window(datetime(2023, 10, 1, tzinfo=UTC), datetime(2023, 12, 30, tzinfo=UTC))
    report = report_builder({}, window=early)
    existing = [_entry(200), _entry(100), _entry(300)]
    ends = [e.window_end for e in parse_history(render_history(existing, report).content.decode())]
    assert ends == sorted(ends)
    assert ends[0] == early.end


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param('{"window_end": "2024-01-01T00:00:00Z"}\n', 1, id="missing-fields"),
        pytest.param("\n\nnot json\n", 3, id="not-json-after-blank-lines"),
        pytest.param("[1, 2]\n", 1, id="not-an-object"),
    ],
)
def test_malformed_line_names_its_number(text: str, line: int) -> None:
    with pytest.raises(ValueError, match=rf"line {line}\b"):
        parse_history(text)


def test_naive_timestamp_and_non_number_value_are_malformed() -> None:
    good = json.loads(render_line(_entry(1)))
    for key, bad in (("window_end", "2024-01-01T00:00:00"), ("values", {"health.score": "80"})):
        line = json.dumps({**good, key: bad})
        with pytest.raises(ValueError, match="line 2"):
            parse_history(render_line(_entry(0)) + "\n" + line)


def render_line(entry: HistoryEntry) -> str:
    return json.dumps(entry.model_dump(mode="json"))


def test_blank_lines_and_unknown_keys_are_tolerated() -> None:
    document = {**json.loads(render_line(_entry(1))), "added_by_a_newer_version": True}
    entries = parse_history("\n  \n" + json.dumps(document) + "\n\n")
    assert entries == [_entry(1)]


def test_offsets_are_normalised_to_utc() -> None:
    document = json.loads(render_line(_entry(1)))
    document["window_end"] = "2024-01-03T02:00:00+02:00"
    (entry,) = parse_history(json.dumps(document))
    assert entry.window_end == START + timedelta(days=1)
    assert entry.window_end.tzinfo is UTC


def test_suppressed_metric_is_absent_not_null(
    report_builder: Callable[..., PublishedReport], ok_result: Callable[..., MetricResult]
) -> None:
    report = report_builder(
        {"space.activity.commits": ok_result("space.activity.commits", 5, 5, 2)}
    )
    (entry,) = parse_history(render_history([], report).content.decode())
    assert entry.values == {}
    assert entry.tiers == {}


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    days=st.lists(st.integers(min_value=0, max_value=3000), max_size=8),
    value=st.floats(allow_nan=False, allow_infinity=False),
)
def test_round_trip_keeps_one_entry_per_end(
    report_builder: Callable[..., PublishedReport], days: list[int], value: float
) -> None:
    """The builder fixture is a pure function, so sharing it across examples is safe."""
    existing = [_entry(day, value) for day in days]
    end = START + timedelta(days=5000)
    report = report_builder({}, window=Window(end - timedelta(days=90), end))
    entries = parse_history(render_history(existing, report).content.decode())
    ends = [entry.window_end for entry in entries]
    assert ends == sorted(set(ends))
    assert len(entries) == len({*days}) + 1
    by_end = {entry.window_end: entry for entry in entries}
    for day in days:
        assert by_end[START + timedelta(days=day)].values == {"health.score": value}


def test_entry_is_immutable(sample_report: PublishedReport) -> None:
    entry = entry_from_report(sample_report)
    with pytest.raises(ValueError, match="frozen"):
        entry.tool_version = "changed"  # type: ignore[misc]


def test_duplicate_windows_in_existing_keep_the_latest_run(sample_report: PublishedReport) -> None:
    first = _entry(1, 10.0)
    rerun = first.model_copy(
        update={"generated_at": first.generated_at + timedelta(days=1), "values": {"x": 2.0}}
    )
    entries = parse_history(render_history([rerun, first], sample_report).content.decode())
    assert [entry.values for entry in entries[:-1]] == [{"x": 2.0}]
