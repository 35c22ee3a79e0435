"""`metrics.prom`: the report's ok values as OpenMetrics text (SPEC §9), for a
Prometheus textfile collector or a Pushgateway.

Invariants:
- only ok values are written; a suppressed, unavailable or insufficient-data metric
  has no sample at all (absence, never a zero);
- every family is a `gauge`: each number describes one report window and can go
  down from one window to the next, which a counter must never do;
- the established names of SPEC §9 are kept exactly. Two of them end in `_total`
  (`space_commits_total`, `space_pull_requests_total`), the suffix OpenMetrics
  reserves for counter samples. Typing them as counters (family `space_commits`,
  sample `space_commits_total`) would keep the sample name but lie about the
  semantics, since a window count resets every run. OpenMetrics 1.0 only asks
  exposers to *avoid* such names (a SHOULD), and prometheus_client's parser accepts
  a gauge family named `…_total`, so they stay gauges under their established name;
- every other metric gets a systematic name: `dora_` or `space_` (its family),
  a stem, `_p90` for the 90th percentile, and the unit as suffix (`_hours`,
  `_minutes`, `_days`, `_ratio`, `_lines`, `_score`; counts and means have none).
  Durations stay in hours like the established `space_lead_time_hours` instead of
  base seconds, so all duration metrics read alike;
- the only label is `repository`: label values never name a person, and the window
  is published as `devex_window_*_timestamp_seconds` gauges rather than as a label,
  because a per-window label would start a new series every run and break every
  trend query over the series;
- the text ends with `# EOF`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from devex_metrics.artifacts import Artifact
from devex_metrics.metrics.catalogue import MetricSpec
from devex_metrics.privacy.report import PublishedMetric, PublishedReport

PROM_PATH = "metrics.prom"

# (metric id, statistic) → the established names of SPEC §9.
ESTABLISHED: dict[tuple[str, str], str] = {
    ("space.satisfaction.nps", "value"): "space_nps_score",
    ("space.satisfaction.rating", "value"): "space_satisfaction_rating",
    ("dora.deployment_frequency", "value"): "space_deployment_frequency",
    ("dora.lead_time", "value"): "space_lead_time_hours",
    ("space.activity.commits", "value"): "space_commits_total",
    ("space.activity.prs_merged", "value"): "space_pull_requests_total",
    ("space.activity.contributors", "value"): "space_active_developers",
    ("space.communication.time_to_first_review", "value"): "space_review_time_hours",
    ("space.efficiency.flow_state_days", "value"): "space_flow_state_days",
    ("space.efficiency.friction_reports", "value"): "space_friction_incidents",
    ("health.score", "value"): "space_devex_health_score",
}

# Stems where the last part of the id would read badly as a metric name.
STEMS: dict[str, str] = {
    "dora.change_failure_rate": "change_failure",
    "dora.rework_rate": "rework",
    "space.performance.build_success_rate": "build_success",
    "space.performance.coverage": "line_coverage",
    "space.activity.reviews": "reviews_submitted",
    "space.activity.ai_assisted_share": "ai_assisted",
    "space.communication.time_to_first_review": "review_time",
}

UNIT_SUFFIXES: dict[str, str] = {
    "hours": "hours",
    "minutes": "minutes",
    "days": "days",
    "ratio": "ratio",
    "lines": "lines",
    "score": "score",
    "per_week": "per_week",
}
# Suffixes that are also OpenMetrics units, declared with `# UNIT`.
_DECLARED_UNITS = frozenset({"hours", "minutes", "days", "ratio", "seconds"})

_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
LABEL = "repository"


@dataclass(frozen=True)
class Sample:
    """One gauge family with its single sample."""

    name: str
    help: str
    value: float
    unit: str = ""


def metric_name(spec: MetricSpec, statistic: str = "value") -> str:
    """The OpenMetrics family name of a metric's `value` or `p90`."""
    established = ESTABLISHED.get((spec.id, statistic))
    if established:
        return established
    family = "dora" if spec.family == "dora" else "space"
    stem = STEMS.get(spec.id, spec.id.rsplit(".", 1)[-1])
    parts = [family, stem]
    if statistic != "value":
        parts.append(statistic)
    suffix = UNIT_SUFFIXES.get(spec.unit)
    if suffix:
        parts.append(suffix)
    name = "_".join(parts)
    if not _NAME.match(name):
        raise ValueError(f"metric id {spec.id!r} gives an invalid OpenMetrics name {name!r}")
    return name


def _unit_of(name: str) -> str:
    unit = name.rsplit("_", 1)[-1]
    return unit if unit in _DECLARED_UNITS else ""


def _help(spec: MetricSpec, statistic: str, *, median: bool) -> str:
    which = " (90th percentile)" if statistic == "p90" else " (median)" if median else ""
    unit = spec.unit.replace("_", " ")
    return f"{spec.title}{which}, {unit}, over the report window ({spec.id})"


def _samples_of(metric: PublishedMetric) -> Iterator[Sample]:
    if not metric.ok:
        return
    statistics = (("value", metric.value), ("p90", metric.p90))
    for statistic, value in statistics:
        if value is not None and math.isfinite(value):
            name = metric_name(metric.spec, statistic)
            about = _help(metric.spec, statistic, median=metric.p50 is not None)
            yield Sample(name, about, value, _unit_of(name))


def _timestamp(moment: datetime) -> float:
    return moment.timestamp()


def _window_samples(report: PublishedReport) -> tuple[Sample, ...]:
    return (
        Sample(
            "devex_window_start_timestamp_seconds",
            "Start of the report window (inclusive), Unix time",
            _timestamp(report.window.start),
            "seconds",
        ),
        Sample(
            "devex_window_end_timestamp_seconds",
            "End of the report window (exclusive), Unix time",
            _timestamp(report.window.end),
            "seconds",
        ),
    )


def collect_samples(report: PublishedReport) -> list[Sample]:
    """Every family to expose, sorted by name so the same report gives the same text."""
    samples = [s for metric in report.metrics.values() for s in _samples_of(metric)]
    samples.extend(_window_samples(report))
    names = [sample.name for sample in samples]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate OpenMetrics names in {sorted(names)}")
    return sorted(samples, key=lambda sample: sample.name)


def escape(text: str) -> str:
    """OpenMetrics escaping, alike for label values and HELP: backslash, newline, quote."""
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def format_number(value: float) -> str:
    """Integers without a fraction ('12'), everything else as Python's shortest repr."""
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def _labels(values: Mapping[str, str]) -> str:
    inner = ",".join(f'{key}="{escape(text)}"' for key, text in values.items())
    return f"{{{inner}}}"


def _family_lines(sample: Sample, labels: str) -> list[str]:
    lines = [f"# HELP {sample.name} {escape(sample.help)}", f"# TYPE {sample.name} gauge"]
    if sample.unit:
        lines.append(f"# UNIT {sample.name} {sample.unit}")
    lines.append(f"{sample.name}{labels} {format_number(sample.value)}")
    return lines


def _info_lines(report: PublishedReport) -> list[str]:
    """`devex_report_info`: the tool version and deployment source, as an info metric."""
    labels = {LABEL: report.repository.name, "tool_version": report.tool_version}
    if report.deployment_source:
        labels["deployment_source"] = report.deployment_source
    return [
        "# HELP devex_report Tool version and deployment source of the report",
        "# TYPE devex_report info",
        f"devex_report_info{_labels(labels)} 1",
    ]


def render_openmetrics(report: PublishedReport) -> Artifact:
    """`metrics.prom` of a report."""
    labels = _labels({LABEL: report.repository.name})
    lines = _info_lines(report)
    for sample in collect_samples(report):
        lines.extend(_family_lines(sample, labels))
    lines.append("# EOF")
    return Artifact.text(PROM_PATH, "\n".join(lines) + "\n")
