"""The privacy gate (SPEC §7): the one stage that turns ungated metrics into a
`PublishedReport`.

Rules, applied per metric:
- a person-derived metric (`People.SET`) whose people set has fewer than k members
  is `suppressed`: value, percentiles, tier and details are dropped; the sample
  size and the people *count* stay, so readers see why — except a count's sample
  size, which equals its value and is withheld too;
- people sets never leave this module: the report carries counts only, and the
  aggregates `merge` needs carry pseudonyms or sealed blobs, written by the rule of
  `privacy.aggregates` (threat model: `privacy.orgkeys`);
- the previous window is gated by the same rule before it is attached for trends;
- the health score is computed here, from the gated values only;
- breakdown cells are gated per cell with complementary suppression, by the
  rule of each breakdown's shape (`privacy.breakdown`); an organisation report's
  per-repository cells are gated the same way;
- team cells (`teams` config) never enter an aggregate, so a hidden team cell
  neither seals nor trims the aggregate `merge` reads.

The gate logs how many values each rule suppressed, never the data.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from devex_metrics.metrics.catalogue import BY_ID, People
from devex_metrics.metrics.health import health_components, health_score
from devex_metrics.metrics.result import UNMERGED_DIMENSIONS, MetricResult, MetricSet, Status
from devex_metrics.model import RepositoryInfo, SourceUse, Window
from devex_metrics.privacy.aggregates import Pseudonyms, aggregate_context, publish_aggregate
from devex_metrics.privacy.breakdown import RULE_COMPLEMENTARY, PublishedCell, gate_breakdowns
from devex_metrics.privacy.orgkeys import OrgKeys
from devex_metrics.privacy.report import (
    _GATE_KEY,
    AggregateInfo,
    PrivacySummary,
    PublishedMetric,
    PublishedReport,
    PublishedValue,
)

log = logging.getLogger(__name__)

RULE_MIN_GROUP = "min_group_size"
COUNT_UNIT = "count"
HEALTH_ID = "health.score"


def _people(result: MetricResult) -> tuple[int | None, bool]:
    """The people count to gate and publish, and whether it is only a lower bound."""
    if result.people is not None:
        return len(result.people), False
    return result.people_bound, result.people_bound is not None


def _gate_one(result: MetricResult, k: int) -> tuple[PublishedMetric, Counter[str]]:
    """Gate one metric; returns the published metric and how many values each rule
    suppressed (the metric itself, and cells of its breakdowns)."""
    people, bound = _people(result)
    below_k = result.spec.people is People.SET and (people or 0) < k
    if result.status is Status.OK and below_k:
        # A count's sample size *is* its value (commits counted = commits), so it
        # is withheld with the value; other metrics keep showing theirs.
        samples = None if result.spec.unit == COUNT_UNIT else result.samples
        return (
            PublishedMetric(
                result.spec,
                Status.SUPPRESSED,
                samples,
                people,
                note=f"fewer than {k} people behind this number",
                people_bound=bound,
            ),
            Counter({RULE_MIN_GROUP: 1}),
        )
    if result.status is not Status.OK:
        return (
            PublishedMetric(
                result.spec,
                result.status,
                result.samples,
                people,
                note=result.note,
                people_bound=bound,
            ),
            Counter(),
        )
    by_people = result.spec.people is People.SET
    cells, small, complementary = gate_breakdowns(
        result.breakdowns, k, total_published=True, by_people=by_people, shapes=result.shapes
    )
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
            people_bound=bound,
        ),
        +counts,
    )


@dataclass(frozen=True)
class _AggregateWriter:
    """Attaches to each gated metric the aggregate `metrics.json` may carry."""

    keys: OrgKeys | None
    names: Pseudonyms
    k: int
    repository: str

    def attach(
        self, metric: PublishedMetric, result: MetricResult, window: Window
    ) -> PublishedMetric:
        merged = (cells for dimension, cells in metric.breakdowns.items()
                  if dimension not in UNMERGED_DIMENSIONS)  # fmt: skip
        hidden = any(not cell.published for cells in merged for cell in cells.values())
        stored = publish_aggregate(
            result, ok=metric.ok, hidden_cells=hidden, k=self.k, names=self.names,
            keys=self.keys, context=aggregate_context(self.repository, result.id, window),
        )  # fmt: skip
        return replace(metric, aggregate=stored)


def _gate_all(
    metrics: MetricSet, k: int, writer: _AggregateWriter
) -> tuple[dict[str, PublishedMetric], Counter[str]]:
    published: dict[str, PublishedMetric] = {}
    counts: Counter[str] = Counter()
    for metric_id, result in metrics.results.items():
        if metric_id == HEALTH_ID:
            continue  # recomputed from the gated metrics by `_with_health`
        metric, suppressed = _gate_one(result, k)
        published[metric_id] = writer.attach(metric, result, metrics.window)
        counts.update(suppressed)
    return published, counts


def _health_cells(
    metrics: MetricSet, k: int, published: bool
) -> dict[str, dict[str, PublishedCell]]:
    """Per-repository health scores of an organisation report (published by design)."""
    given = metrics.results.get(HEALTH_ID)
    if given is None:
        return {}
    cells, _, _ = gate_breakdowns(given.breakdowns, k, total_published=published,
                                  by_people=False)  # fmt: skip
    return cells


def _with_health(
    published: dict[str, PublishedMetric], metrics: MetricSet, k: int
) -> dict[str, float]:
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
            breakdowns=_health_cells(metrics, k, published=True),
        )
    return components


def _key_id(keys: OrgKeys | None, current: MetricSet) -> str | None:
    """The org secret behind the report's pseudonyms; refuses a mix of two secrets."""
    given = current.pseudonym_key_id
    if keys is not None and given is not None and keys.key_id != given:
        raise ValueError("the people of this metric set are pseudonyms of another org secret")
    return keys.key_id if keys is not None else given


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
    org_keys: OrgKeys | None = None,
) -> PublishedReport:
    """Gate the current window (and the previous one, for trends) into a report.

    `org_keys` (from the org secret) turns people into pseudonyms and seals the
    aggregates that may not be written in clear; without it no pseudonym is
    written and such aggregates are left out (SPEC §9).
    """
    key_id = _key_id(org_keys, current)
    names = Pseudonyms(org_keys, ready=current.pseudonym_key_id is not None)
    writer = _AggregateWriter(org_keys, names, min_group_size, repository.name)
    published, counts = _gate_all(current, min_group_size, writer)
    components = _with_health(published, current, min_group_size)
    previous_values: Mapping[str, PublishedMetric] = {}
    if previous is not None:
        previous_published, _ = _gate_all(previous, min_group_size, writer)
        _with_health(previous_published, previous, min_group_size)
        previous_values = previous_published
    for metric_id, metric in list(published.items()):
        before = previous_values.get(metric_id)
        if before is not None:
            published[metric_id] = replace(
                metric, previous=PublishedValue(before.status, before.value, before.aggregate)
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
        aggregates=AggregateInfo(key_id),
    )
