"""Trend charts: valid SVG, identical bytes for the same history, gaps not zeros."""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import matplotlib
import pytest
from builders_visual import (
    SUPPRESSED_VALUE,
    entry,
    ok,
    report,
    suppressed,
    weekly_history,
)
from devex_metrics.reporters.charts import (
    chart_figures,
    mermaid_trend,
    render_charts,
    series,
)
from devex_metrics.reporters.history import HistoryEntry, entry_from_report

from devex_metrics.artifacts import Artifact

SVG = "{http://www.w3.org/2000/svg}"
PATHS = ["charts/dora.svg", "charts/health.svg", "charts/activity.svg"]

# Renders the history given on stdin (history.jsonl lines) in a fresh interpreter
# and prints the sha256 of each chart.
_CHILD = """
import hashlib, json, sys
from devex_metrics.reporters.charts import render_charts
from devex_metrics.reporters.history import parse_history
charts = render_charts(parse_history(sys.stdin.read()))
print(json.dumps({a.path: hashlib.sha256(a.content).hexdigest() for a in charts}))
"""


def _digests(artifacts: list[Artifact]) -> dict[str, str]:
    return {artifact.path: hashlib.sha256(artifact.content).hexdigest() for artifact in artifacts}


def _jsonl(history: list[HistoryEntry]) -> str:
    return "".join(f"{item.model_dump_json()}\n" for item in history)


def _text_of(content: bytes) -> str:
    root = ET.fromstring(content)
    return " ".join("".join(node.itertext()) for node in root.iter(f"{SVG}text"))


def test_empty_history_renders_no_chart() -> None:
    assert render_charts([]) == []
    assert chart_figures([]) == {}


@pytest.mark.parametrize("weeks", [1, 2, 12], ids=["single-point", "two-points", "quarter"])
def test_each_chart_is_svg_with_text_kept_as_text(weeks: int) -> None:
    artifacts = render_charts(weekly_history(weeks))
    assert [artifact.path for artifact in artifacts] == PATHS
    for artifact in artifacts:
        root = ET.fromstring(artifact.content)
        assert root.tag == f"{SVG}svg"
        assert root.find(f".//{SVG}text") is not None, artifact.path
    texts = {artifact.path: _text_of(artifact.content) for artifact in artifacts}
    assert "Deployment frequency" in texts["charts/dora.svg"]
    assert "elite" in texts["charts/dora.svg"]
    assert "DevEx health score" in texts["charts/health.svg"]
    assert "Contributors" in texts["charts/activity.svg"]


def test_metadata_has_no_date_and_no_matplotlib_version() -> None:
    for artifact in render_charts(weekly_history(3)):
        assert b"<dc:date>" not in artifact.content
        assert matplotlib.__version__.encode() not in artifact.content
        assert b"devex-metrics" in artifact.content


def test_same_history_renders_identical_bytes_twice() -> None:
    history = weekly_history(8, gap_at=3)
    assert _digests(render_charts(history)) == _digests(render_charts(history))


def test_same_history_renders_identical_bytes_in_another_process(tmp_path: Path) -> None:
    history = weekly_history(8, gap_at=3)
    env = {
        **os.environ,
        "PYTHONHASHSEED": "12345",
        "MPLCONFIGDIR": str(tmp_path / "mplconfig"),
    }
    child = subprocess.run(
        [sys.executable, "-c", _CHILD],
        input=_jsonl(history),
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=120,
    )
    assert json.loads(child.stdout) == _digests(render_charts(history))


def test_input_order_does_not_change_the_bytes() -> None:
    history = weekly_history(5)
    assert _digests(render_charts(history)) == _digests(render_charts(history[::-1]))


def test_missing_window_is_a_gap_not_a_zero() -> None:
    history = weekly_history(4, gap_at=1)
    values = series(history, "dora.lead_time")
    assert math.isnan(values[1])
    assert [values[0], values[2], values[3]] == [200.0, 180.0, 170.0]
    assert _digests(render_charts(history)) != _digests(
        render_charts(
            [*history[:1], entry(history[1].window_end, {"dora.lead_time": 0.0}), *history[2:]]
        )
    )


def test_series_scales_ratios_to_percent() -> None:
    assert series(weekly_history(1), "dora.change_failure_rate", 100.0) == [pytest.approx(20.0)]


def test_chart_figures_name_only_rendered_charts() -> None:
    artifacts = render_charts(weekly_history(2))
    assert chart_figures(artifacts) == {
        "chart:dora": "charts/dora.svg",
        "chart:health": "charts/health.svg",
        "chart:activity": "charts/activity.svg",
    }
    assert chart_figures(artifacts[1:2]) == {"chart:health": "charts/health.svg"}


def test_suppressed_value_reaches_neither_history_nor_charts() -> None:
    gated = report([suppressed("dora.lead_time"), ok("dora.deployment_frequency", 2.0)])
    history = [entry_from_report(gated)]
    assert "dora.lead_time" not in history[0].values
    for artifact in render_charts(history):
        for form in (f"{SUPPRESSED_VALUE}", f"{SUPPRESSED_VALUE:.1f}", f"{SUPPRESSED_VALUE:.0f}"):
            assert form.encode() not in artifact.content, artifact.path
    assert mermaid_trend(history, "dora.lead_time") is None


def _day(day: int) -> datetime:
    return datetime(2024, 3, day, tzinfo=UTC)


def test_mermaid_trend_skips_windows_without_an_ok_value() -> None:
    history = [
        entry(_day(17), {"dora.lead_time": 30.0}),
        entry(_day(3), {"dora.lead_time": 40.25}),
        entry(_day(10), {}),
    ]
    assert mermaid_trend(history, "dora.lead_time") == "\n".join(
        [
            "```mermaid",
            "xychart-beta",
            '    title "Change lead time"',
            '    x-axis ["2024-03-03", "2024-03-17"]',
            '    y-axis "hours"',
            "    line [40.25, 30]",
            "```",
        ]
    )


def test_mermaid_trend_shows_ratios_as_percent() -> None:
    history = [entry(_day(3), {"dora.change_failure_rate": 0.125})]
    block = mermaid_trend(history, "dora.change_failure_rate")
    assert block is not None
    assert 'y-axis "%"' in block
    assert "line [12.5]" in block


def test_mermaid_trend_without_points_is_none() -> None:
    assert mermaid_trend([], "health.score") is None
    assert mermaid_trend([entry(_day(3), {"health.score": 70.0})], "dora.lead_time") is None
