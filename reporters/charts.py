"""Trend charts from `history.jsonl` (SPEC §9): `charts/dora.svg`, `charts/health.svg`
and `charts/activity.svg`, plus a Mermaid block for GitHub-native rendering.

Invariants:
- the input is `HistoryEntry` values, which hold gated ok values only, so a chart
  cannot show a suppressed number; a window without an ok value is a gap in the
  line, never a zero;
- the same history gives the same bytes, in any process and on any machine with
  the same matplotlib: rcParams start from matplotlib's defaults (a user's
  matplotlibrc cannot leak in), `svg.hashsalt` fixes the generated ids, text stays
  text (`svg.fonttype: none`) in the bundled DejaVu Sans, and the SVG metadata
  carries neither a date nor the matplotlib version;
- charts use the object API (`Figure`), never pyplot, so rendering shares no global
  figure state; the Agg backend is selected for any code that does import pyplot.
- no history, no chart: an empty history renders nothing.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib import style
from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from devex_metrics.artifacts import Artifact
from devex_metrics.reporters.history import HistoryEntry

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

matplotlib.use("Agg")

_STYLE: dict[RcKeyType, Any] = {
    "svg.hashsalt": "devex-metrics",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.grid": True,
    "grid.alpha": 0.35,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100.0,
    "savefig.dpi": 100.0,
    "timezone": "UTC",
}
_METADATA: dict[str, str | None] = {"Date": None, "Creator": "devex-metrics"}
_LINE_COLOR = "#1f5fa8"
_TIER_FILL = {"elite": "#4c1", "high": "#97ca00", "medium": "#dfb317", "low": "#e05d44"}
_BAND_ALPHA = 0.14
_NO_DATA = "no published values"
# Around a lone point matplotlib would widen the date axis to years; a week either
# side keeps the tick labels meaningful.
_SINGLE_POINT_DAYS = 7.0

PATHS = {
    "chart:dora": "charts/dora.svg",
    "chart:health": "charts/health.svg",
    "chart:activity": "charts/activity.svg",
}


@dataclass(frozen=True)
class Band:
    """A shaded range `[low, high)` of the y axis, in displayed units."""

    low: float
    high: float
    tier: str


@dataclass(frozen=True)
class Panel:
    """One small chart: the metric, how to show it, and the bands behind its line."""

    metric_id: str
    title: str
    unit: str
    scale: float = 1.0
    bands: tuple[Band, ...] = ()
    y_max: float | None = None
    integer: bool = False


def tier_bands(
    elite: float, high: float, medium: float, *, lower_is_better: bool
) -> tuple[Band, ...]:
    """The four DORA tier bands from the three thresholds between them."""
    if lower_is_better:
        return (
            Band(0.0, elite, "elite"),
            Band(elite, high, "high"),
            Band(high, medium, "medium"),
            Band(medium, math.inf, "low"),
        )
    return (
        Band(elite, math.inf, "elite"),
        Band(high, elite, "high"),
        Band(medium, high, "medium"),
        Band(0.0, medium, "low"),
    )


# DORA 2023 tiers (SPEC §5), in the units each panel shows.
DORA_PANELS: tuple[Panel, ...] = (
    Panel(
        "dora.deployment_frequency",
        "Deployment frequency",
        "per week",
        bands=tier_bands(7.0, 1.0, 12 / 52, lower_is_better=False),
    ),
    Panel(
        "dora.lead_time",
        "Change lead time (p50)",
        "hours",
        bands=tier_bands(24.0, 168.0, 720.0, lower_is_better=True),
    ),
    Panel(
        "dora.change_failure_rate",
        "Change failure rate",
        "%",
        scale=100.0,
        bands=tier_bands(5.0, 10.0, 15.0, lower_is_better=True),
    ),
    Panel(
        "dora.recovery_time",
        "Recovery time (p50)",
        "hours",
        bands=tier_bands(1.0, 24.0, 168.0, lower_is_better=True),
    ),
)

HEALTH_PANEL = Panel(
    "health.score",
    "DevEx health score",
    "0–100",
    bands=(Band(80, 100, "high"), Band(60, 80, "medium"), Band(0, 60, "low")),
    y_max=100.0,
)
ACTIVITY_PANELS: tuple[Panel, ...] = (
    Panel("space.activity.commits", "Commits", "per window", integer=True),
    Panel("space.activity.contributors", "Contributors", "people", integer=True),
)


def _ordered(history: Sequence[HistoryEntry]) -> list[HistoryEntry]:
    return sorted(history, key=lambda entry: entry.window_end)


def series(history: Sequence[HistoryEntry], metric_id: str, scale: float = 1.0) -> list[float]:
    """One value per entry (in `history` order); NaN where the window has no ok value,
    which matplotlib draws as a gap."""
    values: list[float] = []
    for entry in history:
        value = entry.values.get(metric_id, math.nan)
        values.append(value * scale if math.isfinite(value) else math.nan)
    return values


def _y_top(values: Sequence[float], panel: Panel) -> float:
    if panel.y_max is not None:
        return panel.y_max * 1.04  # room for a marker at the maximum
    finite = [value for value in values if math.isfinite(value)]
    top = max(finite, default=0.0)
    return top * 1.2 if top > 0 else 1.0


def _shade(axes: Axes, panel: Panel, top: float) -> None:
    for band in panel.bands:
        if band.low < top:
            high = min(band.high, top)
            axes.axhspan(band.low, high, color=_TIER_FILL[band.tier], alpha=_BAND_ALPHA, lw=0)


def _date_numbers(moments: Sequence[datetime]) -> list[float]:
    """Window ends as matplotlib date numbers (days since its epoch, UTC)."""
    # matplotlib.dates ships without type hints (3.11), hence the ignores here.
    return [float(number) for number in date2num(list(moments))]  # type: ignore[no-untyped-call]


def _date_axis(axes: Axes) -> None:
    locator = AutoDateLocator(minticks=2, maxticks=6)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]


def _draw(axes: Axes, panel: Panel, history: Sequence[HistoryEntry]) -> None:
    """One panel: bands, then the line with a marker on every point, so isolated
    points between gaps (and a single-window history) stay visible."""
    ends = _date_numbers([entry.window_end for entry in history])
    values = series(history, panel.metric_id, panel.scale)
    top = _y_top(values, panel)
    _shade(axes, panel, top)
    axes.plot(ends, values, color=_LINE_COLOR, marker="o", markersize=3.5, linewidth=1.6)
    axes.set_ylim(0, top)
    if panel.integer:
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    if len(ends) == 1:
        axes.set_xlim(ends[0] - _SINGLE_POINT_DAYS, ends[0] + _SINGLE_POINT_DAYS)
    axes.set_title(panel.title, loc="left")
    axes.set_ylabel(panel.unit)
    _date_axis(axes)
    if all(math.isnan(value) for value in values):
        axes.text(0.5, 0.5, _NO_DATA, transform=axes.transAxes, ha="center", color="#666")


def _tier_legend(figure: Figure) -> None:
    handles = [
        Patch(color=color, alpha=_BAND_ALPHA * 2.5, label=tier)
        for tier, color in _TIER_FILL.items()
    ]
    figure.legend(handles=handles, loc="outside lower center", ncols=4, frameon=False)


def _svg(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata=_METADATA)
    return buffer.getvalue()


def _dora(history: Sequence[HistoryEntry]) -> bytes:
    figure = Figure(figsize=(10.0, 6.5), layout="constrained")
    figure.suptitle("DORA metrics by report window", x=0.01, ha="left")
    for axes, panel in zip(figure.subplots(2, 2).flat, DORA_PANELS, strict=True):
        _draw(axes, panel, history)
    _tier_legend(figure)
    return _svg(figure)


def _health(history: Sequence[HistoryEntry]) -> bytes:
    figure = Figure(figsize=(8.0, 3.0), layout="constrained")
    _draw(figure.subplots(), HEALTH_PANEL, history)
    return _svg(figure)


def _activity(history: Sequence[HistoryEntry]) -> bytes:
    figure = Figure(figsize=(8.0, 4.5), layout="constrained")
    for axes, panel in zip(figure.subplots(2, 1, sharex=True), ACTIVITY_PANELS, strict=True):
        _draw(axes, panel, history)
    return _svg(figure)


def render_charts(history: Sequence[HistoryEntry]) -> list[Artifact]:
    """The three trend charts, or none for an empty history."""
    if not history:
        return []
    ordered = _ordered(history)
    with style.context("default"), matplotlib.rc_context(_STYLE):
        return [
            Artifact(PATHS["chart:dora"], _dora(ordered)),
            Artifact(PATHS["chart:health"], _health(ordered)),
            Artifact(PATHS["chart:activity"], _activity(ordered)),
        ]


def chart_figures(artifacts: Sequence[Artifact]) -> dict[str, str]:
    """Figure keys the report template uses (`chart:dora`, ...) → paths of the charts
    that were actually rendered, so a report never links a missing chart."""
    rendered = {artifact.path for artifact in artifacts}
    return {key: path for key, path in PATHS.items() if path in rendered}
