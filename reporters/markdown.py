"""`report.md` and `summary.md`: the human-readable outputs (SPEC §9).

The report is for a product manager reading for one minute and for an auditor
reading for an hour: headline table first, then each section with its sample
sizes, sources, what was suppressed and why, and how every number is defined.
`summary.md` is the short form for the job summary and the PR comment.

Invariants:
- input is a gated `PublishedReport` (plus gated history); the filters below
  render a metric's numbers only when its status is ok (and a trend only when the
  previous window was ok too), so a suppressed value has no path into the text;
- markup lives in `templates/report.md.j2` and `templates/summary.md.j2`; this
  module prepares plain values and formats numbers, and never builds Markdown;
- every table cell goes through `cell`, which escapes `|` and folds newlines, so
  no value can break a table; an image is linked only if its figure key was given.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from devex_metrics.artifacts import Artifact
from devex_metrics.metrics.catalogue import BY_ID, CATALOGUE
from devex_metrics.metrics.result import Status
from devex_metrics.privacy.gate import RULE_MIN_GROUP
from devex_metrics.privacy.report import PublishedMetric, PublishedReport
from devex_metrics.reporters.history import HistoryEntry
from devex_metrics.reporters.mermaid import mermaid_trend
from devex_metrics.reporters.numbers import format_hours, format_minutes, short_decimal
from devex_metrics.reporters.org_table import repository_table

REPORT_PATH = "report.md"
SUMMARY_PATH = "summary.md"
DOCS_URL = "https://github.com/devex-metrics/devex-metrics/blob/main/docs/metrics.md"
HEALTH_ID = "health.score"
HEADLINE_GROUPS = ("health", "dora", "activity")
SPACE_GROUPS = ("satisfaction", "performance", "activity", "communication", "efficiency")
PLACED_CHARTS = ("chart:dora", "chart:health", "chart:activity")
HISTORY_ROWS = 6
HISTORY_COLUMNS = (
    HEALTH_ID,
    "dora.deployment_frequency",
    "dora.lead_time",
    "dora.change_failure_rate",
)
_ORDER = {spec.id: index for index, spec in enumerate(CATALOGUE)}
_BLANK_RUNS = re.compile(r"\n{3,}")


def format_number(value: float, unit: str, metric_id: str = "") -> str:
    """A value in its unit, rounded for reading (metrics.json keeps full precision)."""
    if not math.isfinite(value):
        return "—"
    if metric_id == HEALTH_ID:
        return f"{round(value)} / 100"
    return _FORMATS.get(unit, short_decimal)(value)


_FORMATS: dict[str, Callable[[float], str]] = {
    "hours": format_hours,
    "minutes": format_minutes,
    "ratio": lambda v: f"{short_decimal(v * 100)} %",
    "per_week": lambda v: f"{short_decimal(v)} / week",
    "count": lambda v: f"{round(v):,}",
    "lines": lambda v: f"{round(v):,} lines",
    "days": lambda v: f"{short_decimal(v)} days",
}
"""Unit → display format; any other unit (score, mean) shows one decimal."""


def metric_value(metric: PublishedMetric) -> str:
    """The headline value of an ok metric; empty for any other status."""
    if not metric.ok or metric.value is None:
        return ""
    return format_number(metric.value, metric.spec.unit, metric.id)


def cell_value(value: float | None, metric: PublishedMetric) -> str:
    """A published breakdown cell's value in its metric's unit (a count, or a p50 in
    hours); empty for a suppressed cell, which has no value."""
    if value is None:
        return ""
    return format_number(value, metric.spec.unit, metric.id)


def metric_p90(metric: PublishedMetric) -> str:
    if not metric.ok or metric.p90 is None:
        return ""
    return format_number(metric.p90, metric.spec.unit, metric.id)


def metric_trend(metric: PublishedMetric) -> str:
    """▲/▼ and the previous value, ▬ when equal as displayed; empty unless both are ok."""
    before = metric.previous
    if not metric.ok or metric.value is None or before is None:
        return ""
    if before.status is not Status.OK or before.value is None:
        return ""
    now = format_number(metric.value, metric.spec.unit, metric.id)
    was = format_number(before.value, metric.spec.unit, metric.id)
    if now == was:
        return "▬ unchanged"
    arrow = "▲" if metric.value > before.value else "▼"
    return f"{arrow} from {was}"


def history_value(entry: HistoryEntry, metric_id: str) -> str:
    value = entry.values.get(metric_id)
    spec = BY_ID.get(metric_id)
    if value is None or spec is None:
        return ""
    return format_number(value, spec.unit, metric_id)


def points(value: float) -> str:
    """Health component points: '75', '87.5'."""
    return f"{value:.1f}".removesuffix(".0")


def plain(value: float) -> str:
    """A count or a day span without a needless '.0': '90', '90.5'."""
    return f"{value:,.1f}".removesuffix(".0")


def cell(value: object) -> str:
    """Make text safe inside a Markdown table cell: escape pipes, fold line breaks."""
    text = str(value).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
    return " ".join(text.splitlines())


def day(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d}"


def last_day(end: datetime) -> str:
    """The last day inside a window `[start, end)`."""
    return day(end - timedelta(microseconds=1))


def link_target(path: str) -> str:
    """A link destination that Markdown cannot misread: spaces, parentheses and angle
    brackets are percent-encoded; characters a URL needs, and `%`, are kept."""
    return quote(path, safe="/:@!$&'*+,;=?#%~")


@functools.cache
def _environment() -> Environment:
    """One environment per process; templates come from the package, not the cwd."""
    environment = Environment(
        loader=PackageLoader("devex_metrics.templates", ""),
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html", "svg", "xml"]),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        value=metric_value,
        p90=metric_p90,
        cell_value=cell_value,
        trend=metric_trend,
        cell=cell,
        day=day,
        last_day=last_day,
        points=points,
        plain=plain,
        link=link_target,
        history_value=history_value,
    )
    return environment


def _ordered(report: PublishedReport) -> list[PublishedMetric]:
    """Metrics in catalogue order (unknown ids last, by id), for stable output."""
    return sorted(report.metrics.values(), key=lambda m: (_ORDER.get(m.id, len(_ORDER)), m.id))


def _groups(report: PublishedReport) -> dict[str, list[PublishedMetric]]:
    groups: dict[str, list[PublishedMetric]] = {}
    for metric in _ordered(report):
        groups.setdefault(metric.spec.group, []).append(metric)
    return groups


def _badges(figures: Mapping[str, str]) -> list[tuple[str, str]]:
    """(alt text, path) of badges: health first, then catalogue order, then the rest."""
    keys = [key for key in figures if key.startswith("badge:")]

    def rank(key: str) -> tuple[int, str]:
        if key == "badge:health":
            return (-1, key)
        return (_ORDER.get(key.removeprefix("badge:"), len(_ORDER)), key)

    def alt(key: str) -> str:
        metric_id = HEALTH_ID if key == "badge:health" else key.removeprefix("badge:")
        spec = BY_ID.get(metric_id)
        return spec.title if spec else metric_id

    return [(alt(key), figures[key]) for key in sorted(keys, key=rank)]


def _context(report: PublishedReport, figures: Mapping[str, str]) -> dict[str, Any]:
    groups = _groups(report)
    return {
        "report": report,
        "groups": groups,
        "headline": [m for group in HEADLINE_GROUPS for m in groups.get(group, [])],
        "health": report.metrics.get(HEALTH_ID),
        "figures": figures,
        "badges": _badges(figures),
        "extra_charts": sorted(
            (key, path)
            for key, path in figures.items()
            if key.startswith("chart:") and key not in PLACED_CHARTS
        ),
        "titles": {spec.id: spec.title for spec in CATALOGUE},
        "k": report.privacy.min_group_size,
        "rule_counts": sorted({RULE_MIN_GROUP: 0, **report.privacy.rule_counts}.items()),
    }


def _render(name: str, context: Mapping[str, Any]) -> str:
    """Render a template, collapsing runs of blank lines.

    Markdown reads any run of blank lines as one, so optional sections can each
    open with a blank line without the template tracking which came before.
    """
    text = _environment().get_template(name).render(context)
    return _BLANK_RUNS.sub("\n\n", text)


def render_report(
    report: PublishedReport, *, history: Sequence[HistoryEntry], figures: Mapping[str, str]
) -> Artifact:
    """`report.md`: the full report. `figures` maps figure keys to artifact paths."""
    recent = sorted(history, key=lambda entry: entry.window_end, reverse=True)[:HISTORY_ROWS]
    context = {
        **_context(report, figures),
        "history": recent,
        "history_columns": HISTORY_COLUMNS,
        "space_groups": SPACE_GROUPS,
        "metrics": _ordered(report),
        "docs_url": DOCS_URL,
        "repositories": repository_table(report, format_number),
        "mermaid": _mermaid_trends(history),
    }
    return Artifact.text(REPORT_PATH, _render("report.md.j2", context))


def _mermaid_trends(history: Sequence[HistoryEntry]) -> list[str]:
    """Native GitHub trend charts (Mermaid) for the history table's metrics, once there
    are two windows to draw a line between."""
    if len(history) < 2:
        return []
    blocks = (mermaid_trend(history, metric_id, min_points=2) for metric_id in HISTORY_COLUMNS)
    return [block for block in blocks if block is not None]


def render_summary(report: PublishedReport, *, report_url: str | None = None) -> Artifact:
    """`summary.md`: at most 20 lines, for the job summary and the PR comment."""
    context = {**_context(report, {}), "report_url": report_url}
    return Artifact.text(SUMMARY_PATH, _render("summary.md.j2", context))
