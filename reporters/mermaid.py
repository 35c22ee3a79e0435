"""Mermaid `xychart-beta` trend blocks: trends that GitHub renders natively in
`report.md`, with no image (a light module: no matplotlib)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from devex_metrics.metrics.catalogue import BY_ID
from devex_metrics.reporters.history import HistoryEntry

_LAST_DAY = timedelta(microseconds=1)  # a window `[start, end)` ends the day before `end`


def _mermaid_text(text: str) -> str:
    """Mermaid strings cannot contain a double quote."""
    return text.replace('"', "'")


def _mermaid_number(value: float) -> str:
    return f"{round(value, 2):g}"


def mermaid_trend(
    history: Sequence[HistoryEntry], metric_id: str, *, min_points: int = 1
) -> str | None:
    """A fenced Mermaid `xychart-beta` line chart of one metric over the history's ok
    points (windows without an ok value are skipped), or None with fewer than
    `min_points`. Points are labelled with the window's last day, as in the report's
    history table."""
    points: list[tuple[datetime, float]] = [
        (entry.window_end, entry.values[metric_id])
        for entry in sorted(history, key=lambda entry: entry.window_end)
        if metric_id in entry.values and math.isfinite(entry.values[metric_id])
    ]
    if not points or len(points) < min_points:
        return None
    spec = BY_ID.get(metric_id)
    ratio = spec is not None and spec.unit == "ratio"
    unit = "%" if ratio else (spec.unit.replace("_", " ") if spec else "")
    title = spec.title if spec else metric_id
    scale = 100.0 if ratio else 1.0
    labels = ", ".join(f'"{end - _LAST_DAY:%Y-%m-%d}"' for end, _ in points)
    values = ", ".join(_mermaid_number(value * scale) for _, value in points)
    return "\n".join(
        (
            "```mermaid",
            "xychart-beta",
            f'    title "{_mermaid_text(title)}"',
            f"    x-axis [{labels}]",
            f'    y-axis "{_mermaid_text(unit)}"',
            f"    line [{values}]",
            "```",
        )
    )
