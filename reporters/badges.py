"""README badges: offline SVG and shields.io endpoint JSON for the health score and
each DORA metric (SPEC §9).

Invariants:
- a badge shows a number only for a metric whose status is ok; a suppressed,
  unavailable or insufficient-data metric (or one missing from the report) gets a
  neutral grey "n/a" badge, so no ungated or absent value can leak through a badge;
- the SVG looks like shields.io's "flat" style: widths come from a Verdana 11px
  advance-width table, so text fits without a browser measuring it, and
  `textLength` pins each text to its box when another font substitutes;
- all badge text goes through the autoescaping Jinja2 template `badge.svg.j2`;
- the endpoint JSON holds exactly `schemaVersion`, `label`, `message` and `color`,
  the keys shields.io's endpoint badge reads (https://shields.io/badges/endpoint-badge).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, Template

from devex_metrics.artifacts import Artifact
from devex_metrics.privacy.report import PublishedMetric, PublishedReport
from devex_metrics.reporters.numbers import format_hours, short_decimal

HEALTH_ID = "health.score"


@dataclass(frozen=True)
class BadgeSpec:
    """Which metric a badge shows, the file stem it is written to, and its label."""

    metric_id: str
    name: str
    label: str


BADGES: tuple[BadgeSpec, ...] = (
    BadgeSpec(HEALTH_ID, "health", "devex health"),
    BadgeSpec("dora.deployment_frequency", "deployment-frequency", "deployment frequency"),
    BadgeSpec("dora.lead_time", "lead-time", "lead time"),
    BadgeSpec("dora.change_failure_rate", "change-failure-rate", "change failure rate"),
    BadgeSpec("dora.recovery_time", "recovery-time", "recovery time"),
    BadgeSpec("dora.rework_rate", "rework-rate", "rework rate"),
)

# shields.io named colours and the hex values its SVGs use for them.
COLORS: dict[str, str] = {
    "brightgreen": "#4c1",
    "green": "#97ca00",
    "yellow": "#dfb317",
    "red": "#e05d44",
    "blue": "#007ec6",
    "lightgrey": "#9f9f9f",
}
LABEL_FILL = "#555"
TIER_COLORS: dict[str, str] = {
    "elite": "brightgreen",
    "high": "green",
    "medium": "yellow",
    "low": "red",
}
UNTIERED_COLOR = "blue"
NEUTRAL_COLOR = "lightgrey"
NOT_AVAILABLE = "n/a"

# Verdana advance widths in 1/1000 em for ASCII 32 (space) … 126 (~): the font
# shields.io measures with. A character outside the table counts as a full em,
# which can only make a box wider, never clip its text.
_VERDANA_WIDTHS = (
    (351, 393, 458, 818, 635, 1076, 726, 268, 454, 454, 635, 818, 363, 454, 363, 454)
    + (635,) * 10
    + (454, 454, 818, 818, 818, 545, 1000)
    + (683, 685, 698, 770, 632, 574, 775, 751, 420, 454, 692, 556, 842)
    + (748, 787, 603, 787, 695, 683, 616, 731, 683, 988, 685, 615, 685)
    + (454, 454, 454, 818, 635, 635)
    + (600, 623, 520, 623, 595, 351, 623, 632, 274, 344, 591, 274, 972)
    + (632, 606, 623, 623, 426, 520, 394, 632, 591, 818, 591, 591, 525)
    + (634, 454, 634, 818)
)
_FIRST_CHAR = 32
_FALLBACK_WIDTH = 1000
FONT_SIZE_PX = 11
HORIZONTAL_PADDING_PX = 5


@dataclass(frozen=True)
class Badge:
    """What one badge says: the file stem, both texts, and a shields colour name."""

    name: str
    label: str
    message: str
    color: str


@dataclass(frozen=True)
class _Geometry:
    """Pixel layout of a badge, handed to the template."""

    id: str
    width: int
    label_width: int
    message_width: int
    label_x: float
    message_x: float
    label_text: float
    message_text: float
    label_fill: str
    message_fill: str


def text_width(text: str) -> float:
    """Width in pixels of `text` set in Verdana 11px (no kerning, as shields.io)."""
    units = 0
    for char in text:
        index = ord(char) - _FIRST_CHAR
        in_table = 0 <= index < len(_VERDANA_WIDTHS)
        units += _VERDANA_WIDTHS[index] if in_table else _FALLBACK_WIDTH
    return units * FONT_SIZE_PX / 1000


def _geometry(badge: Badge) -> _Geometry:
    label_text = round(text_width(badge.label), 1)
    message_text = round(text_width(badge.message), 1)
    label_width = math.ceil(label_text) + 2 * HORIZONTAL_PADDING_PX
    message_width = math.ceil(message_text) + 2 * HORIZONTAL_PADDING_PX
    return _Geometry(
        id=f"badge-{badge.name}",
        width=label_width + message_width,
        label_width=label_width,
        message_width=message_width,
        label_x=label_width / 2,
        message_x=label_width + message_width / 2,
        label_text=label_text,
        message_text=message_text,
        label_fill=LABEL_FILL,
        message_fill=COLORS.get(badge.color, COLORS[NEUTRAL_COLOR]),
    )


@cache
def _template() -> Template:
    environment = Environment(
        loader=PackageLoader("devex_metrics.templates", ""),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    return environment.get_template("badge.svg.j2")


def render_svg(badge: Badge) -> str:
    """The SVG text of one badge."""
    return _template().render(badge=badge, g=_geometry(badge))


def render_endpoint_json(badge: Badge) -> str:
    """The shields.io endpoint document of one badge, and nothing else."""
    document = {
        "schemaVersion": 1,
        "label": badge.label,
        "message": badge.message,
        "color": badge.color,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def format_ratio(ratio: float) -> str:
    """A percentage with one decimal, without a trailing '.0': '12.5%', '0%'."""
    text = short_decimal(ratio * 100)
    return f"{text.removesuffix('.0')}%"


def format_value(metric_id: str, value: float) -> str:
    """A badge message for an ok value, in the unit a reader expects."""
    if metric_id == HEALTH_ID:
        return f"{round(value)}/100"
    if metric_id == "dora.deployment_frequency":
        return f"{short_decimal(value)}/week"
    if metric_id in ("dora.lead_time", "dora.recovery_time"):
        return format_hours(value)
    return format_ratio(value)


def health_color(score: float) -> str:
    if score >= 80:
        return "green"
    if score >= 60:
        return "yellow"
    return "red"


def _color(metric: PublishedMetric) -> str:
    if metric.id == HEALTH_ID and metric.value is not None:
        return health_color(metric.value)
    return TIER_COLORS.get(metric.tier or "", UNTIERED_COLOR)


def badge_for(spec: BadgeSpec, metric: PublishedMetric | None) -> Badge:
    """The badge of one metric: its value when ok, else the neutral "n/a"."""
    if metric is None or not metric.ok or metric.value is None or not math.isfinite(metric.value):
        return Badge(spec.name, spec.label, NOT_AVAILABLE, NEUTRAL_COLOR)
    message = format_value(spec.metric_id, metric.value)
    return Badge(spec.name, spec.label, message, _color(metric))


def render_badges(report: PublishedReport) -> list[Artifact]:
    """`badges/<name>.svg` and `badges/<name>.json` for every badge, in `BADGES` order."""
    artifacts: list[Artifact] = []
    for spec in BADGES:
        badge = badge_for(spec, report.metrics.get(spec.metric_id))
        artifacts.append(Artifact.text(f"badges/{badge.name}.svg", render_svg(badge)))
        artifacts.append(Artifact.text(f"badges/{badge.name}.json", render_endpoint_json(badge)))
    return artifacts


def badge_figures() -> dict[str, str]:
    """Figure keys the report template uses (`badge:<metric id>`) → SVG paths."""
    figures: dict[str, str] = {}
    for spec in BADGES:
        key = "badge:health" if spec.metric_id == HEALTH_ID else f"badge:{spec.metric_id}"
        figures[key] = f"badges/{spec.name}.svg"
    return figures
