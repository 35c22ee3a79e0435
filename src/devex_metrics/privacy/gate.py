"""The privacy gate (SPEC §7): the one stage that turns ungated metrics into a
`PublishedReport`.

Rules, applied per metric:
- a person-derived metric (`People.SET`) whose people set has fewer than k members
  is `suppressed`: value, percentiles, tier and details are dropped; the sample
  size and the people *count* stay, so readers see why;
- people sets never leave this module: the report carries counts only;
- the previous window is gated by the same rule before it is attached for trends;
- the health score is computed here, from the gated values only.

The gate logs how many values each rule suppressed, never the data.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from devex_metrics.metrics.catalogue import BY_ID, People
from devex_metrics.metrics.health import health_components, health_score
from devex_metrics.metrics.result import MetricResult, MetricSet, Status
from devex_metrics.model import RepositoryInfo, SourceUse
from devex_metrics.privacy.breakdown import RULE_COMPLEMENTARY, gate_breakdowns
from devex_metrics.privacy.report import (
    _GATE_KEY,
    PrivacySummary,
    PublishedMetric,
    PublishedReport,
    PublishedValue,
)

log = logging.getLogger(__name__)

RULE_MIN_GROUP = "min_group_size"
HEALTH_ID = "health.score"


def _gate_one(result: MetricResult, k: int) -> tuple[PublishedMetric, Counter[str]]:
    """Gate one metric; returns the published metric and how many values each rule
    suppressed (the metric itself, and cells of its breakdowns)."""
    people = len(result.people) if result.people is not None else None
    below_k = result.spec.people is People.SET and (people or 0) < k
    if result.status is Status.OK and below_k:
        return (
            PublishedMetric(
                result.spec,
                Status.SUPPRESSED,
                result.samples,
                people,
                note=f"fewer than {k} people behind this number",
            ),
            Counter({RULE_MIN_GROUP: 1}),
        )
    if result.status is not Status.OK:
        return (
            PublishedMetric(result.spec, result.status, result.samples, people, note=result.note),
            Counter(),
        )
    cells, small, complementary = gate_breakdowns(result.breakdowns, k, total_published=True)
    counts = Counter({RULE_MIN_GROUP: small, RULE_COMPLEMENTARY: complementary})
    return (
        PublishedMetric(
            result.spec,
            Status.OK,
            result.samples,
            people,
            value=result.value,
            p50=result.p50,
            p90=result.p90,
            tier=result.tier,
            details=dict(result.details),
            note=result.note,
            breakdowns=cells,
        ),
        +counts,
    )


def _gate_all(metrics: MetricSet, k: int) -> tuple[dict[str, PublishedMetric], Counter[str]]:
    published: dict[str, PublishedMetric] = {}
    counts: Counter[str] = Counter()
    for metric_id, result in metrics.results.items():
        published[metric_id], suppressed = _gate_one(result, k)
        counts.update(suppressed)
    return published, counts


def _with_health(published: dict[str, PublishedMetric]) -> dict[str, float]:
    ok = {mid: m for mid, m in published.items() if m.ok}
    components = health_components(
        {mid: m.value for mid, m in ok.items() if m.value is not None},
        {mid: m.tier for mid, m in ok.items() if m.tier is not None},
    )
    score = health_score(components)
    spec = BY_ID[HEALTH_ID]
    if score is None:
        published[HEALTH_ID] = PublishedMetric(
            spec,
            Status.INSUFFICIENT_DATA,
            len(components),
            None,
            note=f"{len(components)} of at least 3 components available",
        )
    else:
        published[HEALTH_ID] = PublishedMetric(
            spec,
            Status.OK,
            len(components),
            None,
            value=float(score),
            details={"components": len(components)},
        )
    return components


def apply_gate(
    current: MetricSet,
    previous: MetricSet | None,
    *,
    min_group_size: int,
    opt_out_entries: int,
    generated_at: datetime,
    tool_version: str,
    repository: RepositoryInfo,
    sources: tuple[SourceUse, ...],
    commit_range: tuple[str | None, str | None],
    partial: bool = False,
) -> PublishedReport:
    """Gate the current window (and the previous one, for trends) into a report."""
    published, counts = _gate_all(current, min_group_size)
    components = _with_health(published)
    previous_values: Mapping[str, PublishedMetric] = {}
    if previous is not None:
        previous_published, _ = _gate_all(previous, min_group_size)
        _with_health(previous_published)
        previous_values = previous_published
    for metric_id, metric in list(published.items()):
        before = previous_values.get(metric_id)
        if before is not None:
            published[metric_id] = replace(
                metric, previous=PublishedValue(before.status, before.value)
            )
    suppressed = tuple(mid for mid, m in published.items() if m.status is Status.SUPPRESSED)
    log.info(
        "privacy gate: k=%d, %d value(s) suppressed by the minimum group size, "
        "%d by complementary suppression",
        min_group_size,
        counts[RULE_MIN_GROUP],
        counts[RULE_COMPLEMENTARY],
    )
    return PublishedReport(
        generated_at=generated_at,
        tool_version=tool_version,
        repository=repository,
        window=current.window,
        deployment_source=current.deployment_source,
        metrics=published,
        health_components=components,
        privacy=PrivacySummary(min_group_size, suppressed, dict(counts), opt_out_entries),
        sources=sources,
        deployments=current.deployments,
        commit_range=commit_range,
        partial=partial,
        gate_key=_GATE_KEY,
    )
