"""Trend charts: valid SVG, identical bytes for the same history, gaps not zeros."""

from __future__ import annotations

import hashlib
import itertools
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

from devex_metrics.artifacts import Artifact
from devex_metrics.reporters.charts import (
    DORA_PANELS,
    Panel,
    chart_figures,
    render_charts,
    series,
)
from devex_metrics.reporters.history import HistoryEntry, entry_from_report
from devex_metrics.reporters.mermaid import mermaid_trend

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


def _parse(content: bytes) -> ET.Element:
    """Parse a chart this test just rendered (our own output, not untrusted input)."""
    root = ET.fromstring(content)  # noqa: S314
    assert root.tag == f"{SVG}svg"
    return root


def _text_of(content: bytes) -> str:
    return " ".join("".join(node.itertext()) for node in _parse(content).iter(f"{SVG}text"))


@pytest.fixture(scope="module")
def history() -> list[HistoryEntry]:
    """Eight weekly windows; the fourth has no ok value at all."""
    return weekly_history(8, gap_at=3)


@pytest.fixture(scope="module")
def charts(history: list[HistoryEntry]) -> list[Artifact]:
    return render_charts(history)


def test_empty_history_renders_no_chart() -> None:
    assert render_charts([]) == []
    assert chart_figures([]) == {}


@pytest.mark.parametrize("weeks", [1, 2], ids=["single-point", "two-points"])
def test_short_history_still_gives_every_chart(weeks: int) -> None:
    artifacts = render_charts(weekly_history(weeks))
    assert [artifact.path for artifact in artifacts] == PATHS
    for artifact in artifacts:
        assert _parse(artifact.content).find(f".//{SVG}path") is not None


def test_each_chart_is_svg_with_text_kept_as_text(charts: list[Artifact]) -> None:
    assert [artifact.path for artifact in charts] == PATHS
    texts = {artifact.path: _text_of(artifact.content) for artifact in charts}
    assert "Deployment frequency" in texts["charts/dora.svg"]
    assert "elite" in texts["charts/dora.svg"]
    assert "DevEx health score" in texts["charts/health.svg"]
    assert "Contributors" in texts["charts/activity.svg"]


def test_metadata_has_no_date_and_no_matplotlib_version(charts: list[Artifact]) -> None:
    for artifact in charts:
        assert b"<dc:date>" not in artifact.content
        assert matplotlib.__version__.encode() not in artifact.content
        assert b"devex-metrics" in artifact.content


def test_same_history_renders_identical_bytes_twice(
    history: list[HistoryEntry], charts: list[Artifact]
) -> None:
    assert render_charts(history) == charts


def test_same_history_renders_identical_bytes_in_another_process(
    tmp_path: Path, history: list[HistoryEntry], charts: list[Artifact]
) -> None:
    """A fresh interpreter, another hash seed and an empty matplotlib config and font
    cache: the bytes must not depend on any of them."""
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
    assert json.loads(child.stdout) == _digests(charts)


def test_input_order_does_not_change_the_bytes(
    history: list[HistoryEntry], charts: list[Artifact]
) -> None:
    assert render_charts(history[::-1]) == charts


def test_missing_window_is_a_gap_not_a_zero(
    history: list[HistoryEntry], charts: list[Artifact]
) -> None:
    values = series(history, "dora.lead_time")
    assert math.isnan(values[3])
    assert values[:3] == [200.0, 190.0, 180.0]
    zero_filled = [
        *history[:3],
        entry(history[3].window_end, {"dora.lead_time": 0.0}),
        *history[4:],
    ]
    assert _digests(render_charts(zero_filled)) != _digests(charts)


@pytest.mark.parametrize("panel", DORA_PANELS, ids=lambda panel: panel.metric_id)
def test_tier_bands_tile_the_axis_once(panel: Panel) -> None:
    bands = sorted(panel.bands, key=lambda band: band.low)
    assert bands[0].low == 0.0
    assert bands[-1].high == math.inf
    assert all(lower.high == upper.low for lower, upper in itertools.pairwise(bands))
    assert sorted(band.tier for band in bands) == ["elite", "high", "low", "medium"]


def test_series_scales_ratios_to_percent() -> None:
    assert series(weekly_history(1), "dora.change_failure_rate", 100.0) == [pytest.approx(20.0)]


def test_chart_figures_name_only_rendered_charts(charts: list[Artifact]) -> None:
    assert chart_figures(charts) == {
        "chart:dora": "charts/dora.svg",
        "chart:health": "charts/health.svg",
        "chart:activity": "charts/activity.svg",
    }
    assert chart_figures(charts[1:2]) == {"chart:health": "charts/health.svg"}


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
            '    x-axis ["2024-03-02", "2024-03-16"]',  # each window's last day
            '    y-axis "hours"',
            "    line [40.25, 30]",
            "```",
        ]
    )


def test_mermaid_trend_needs_min_points() -> None:
    history = [entry(_day(3), {"dora.lead_time": 1.0}), entry(_day(10), {})]
    assert mermaid_trend(history, "dora.lead_time", min_points=2) is None


def test_mermaid_trend_shows_ratios_as_percent() -> None:
    history = [entry(_day(3), {"dora.change_failure_rate": 0.125})]
    block = mermaid_trend(history, "dora.change_failure_rate")
    assert block is not None
    assert 'y-axis "%"' in block
    assert "line [12.5]" in block


def test_mermaid_trend_without_points_is_none() -> None:
    assert mermaid_trend([], "health.score") is None
    assert mermaid_trend([entry(_day(3), {"health.score": 70.0})], "dora.lead_time") is None
