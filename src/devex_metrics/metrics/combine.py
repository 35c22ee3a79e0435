"""Recompute a metric from its (merged) aggregate: the organisation half of SPEC §9.

One recipe per metric says how its value, sample size, percentiles, tier and
details follow from the aggregate's parts. For a single repository's aggregate
the result equals what the metric function computed (a test checks every
metric), so an organisation value is the single-pass value over the union of the
repositories' data: exactly for counts, ratios and means, and within the sketch's
1 % for percentiles. `health.score` has no recipe: the gate recomputes it from
the merged metrics, never as an average of repository scores.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from devex_metrics.metrics import tiers
from devex_metrics.metrics.aggregate import Aggregate
from devex_metrics.metrics.catalogue import MetricSpec
from devex_metrics.metrics.result import Breakdown, MetricResult, Status
from devex_metrics.model import Window

Tier = Callable[[Aggregate, float, Window], str]
"""A DORA tier from the merged parts, the value and the window (exact fractions
where the metric function uses them)."""


@dataclass(frozen=True)
class Recipe:
    """How one metric follows from its aggregate.

    `kind`: count, people, weekly (deployment frequency), ratio, mean, nps,
    coverage or distribution. `numerator_detail` names the detail that repeats a
    ratio's numerator; `details` lists additive counts copied into details;
    `percentiles` is False for a distribution published as a median only.
    """

    kind: str
    tier: Tier | None = None
    numerator_detail: str | None = None
    details: tuple[str, ...] = ()
    percentiles: bool = True


def _weekly_rate(parts: Aggregate, window: Window) -> Fraction:
    from devex_metrics.metrics.dora import weekly_rate

    return weekly_rate(parts.counts.get("deployments", 0), window)


def _frequency_tier(parts: Aggregate, value: float, window: Window) -> str:
    return tiers.frequency_tier(_weekly_rate(parts, window))


def _failure_tier(parts: Aggregate, value: float, window: Window) -> str:
    return tiers.failure_rate_tier(Fraction(parts.counts["numerator"], parts.counts["denominator"]))


def _lead_tier(parts: Aggregate, value: float, window: Window) -> str:
    return tiers.lead_time_tier(value)


def _recovery_tier(parts: Aggregate, value: float, window: Window) -> str:
    return tiers.recovery_tier(value)


_SURVEY = ("invalid_answers",)
RECIPES: Mapping[str, Recipe] = {
    "dora.deployment_frequency": Recipe("weekly", _frequency_tier),
    "dora.lead_time": Recipe("distribution", _lead_tier, details=("dropped_negative",)),
    "dora.change_failure_rate": Recipe("ratio", _failure_tier, numerator_detail="numerator"),
    "dora.recovery_time": Recipe("distribution", _recovery_tier, details=("unrecovered",)),
    "dora.rework_rate": Recipe("ratio", numerator_detail="numerator"),
    "space.satisfaction.rating": Recipe("mean", details=_SURVEY),
    "space.satisfaction.nps": Recipe("nps", details=_SURVEY),
    "space.satisfaction.burnout": Recipe("ratio", details=_SURVEY),
    "space.performance.build_success_rate": Recipe("ratio", numerator_detail="successes"),
    "space.performance.coverage": Recipe("coverage"),
    "space.activity.commits": Recipe("count"),
    "space.activity.contributors": Recipe("people"),
    "space.activity.prs_merged": Recipe("count"),
    "space.activity.reviews": Recipe("count"),
    "space.activity.ai_assisted_share": Recipe("ratio", numerator_detail="ai_assisted"),
    "space.communication.time_to_first_review": Recipe("distribution"),
    "space.communication.review_coverage": Recipe("ratio", numerator_detail="reviewed"),
    "space.communication.reviews_per_pr": Recipe("ratio"),
    "space.efficiency.pr_cycle_time": Recipe("distribution"),
    "space.efficiency.pr_size": Recipe("distribution", percentiles=False),
    "space.efficiency.ci_duration": Recipe("distribution"),
    "space.efficiency.flow_state_days": Recipe("mean", details=_SURVEY),
    "space.efficiency.cognitive_load": Recipe("mean", details=_SURVEY),
    "space.efficiency.friction_reports": Recipe("count"),
}


@dataclass(frozen=True)
class Numbers:
    """What a recipe yields: the sample size and, when it is not empty, the numbers."""

    samples: int
    value: float | None = None
    p50: float | None = None
    p90: float | None = None
    details: Mapping[str, int | float | str] | None = None


def _count(parts: Aggregate, people: int) -> Numbers:
    count = parts.counts.get("count", 0)
    return Numbers(count, float(count) if count else None)


def _people(parts: Aggregate, people: int) -> Numbers:
    return Numbers(people, float(people) if people else None)


def _ratio(parts: Aggregate, people: int) -> Numbers:
    numerator, denominator = parts.counts.get("numerator", 0), parts.counts.get("denominator", 0)
    return Numbers(denominator, numerator / denominator if denominator else None)


def _mean(parts: Aggregate, people: int) -> Numbers:
    n = parts.counts.get("denominator", 0)
    return Numbers(n, parts.sums.get("numerator", 0.0) / n if n else None)


def _nps(parts: Aggregate, people: int) -> Numbers:
    n = parts.counts.get("denominator", 0)
    if not n:
        return Numbers(0)
    net = parts.counts.get("promoters", 0) - parts.counts.get("detractors", 0)
    return Numbers(n, float(Fraction(100 * net, n)))


def _coverage(parts: Aggregate, people: int) -> Numbers:
    covered, valid = parts.counts.get("lines_covered", 0), parts.counts.get("lines_valid", 0)
    if not valid:
        return Numbers(0)
    return Numbers(valid, covered / valid, details={"format": "+".join(sorted(set(parts.tags)))})


def _distribution(parts: Aggregate, people: int) -> Numbers:
    from devex_metrics.metrics.stats import percentile

    if parts.samples is not None:  # one repository: exact, as the metric computes it
        if not parts.samples:
            return Numbers(0)
        p50, p90 = percentile(parts.samples, 0.5), percentile(parts.samples, 0.9)
        return Numbers(len(parts.samples), p50, p50, p90)
    sketch = parts.distribution()
    if sketch is None or sketch.count == 0:
        return Numbers(0)
    p50, p90 = sketch.quantile(0.5), sketch.quantile(0.9)
    return Numbers(sketch.count, p50, p50, p90)


_KINDS: Mapping[str, Callable[[Aggregate, int], Numbers]] = {
    "count": _count,
    "people": _people,
    "ratio": _ratio,
    "mean": _mean,
    "nps": _nps,
    "coverage": _coverage,
    "distribution": _distribution,
}


def _numbers(recipe: Recipe, parts: Aggregate, people: int, window: Window) -> Numbers:
    if recipe.kind == "weekly":
        count = parts.counts.get("deployments", 0)
        return Numbers(count, float(_weekly_rate(parts, window)) if count else None)
    return _KINDS[recipe.kind](parts, people)


def _details(recipe: Recipe, parts: Aggregate, numbers: Numbers) -> dict[str, int | float | str]:
    details: dict[str, int | float | str] = dict(numbers.details or {})
    if recipe.numerator_detail is not None:
        details[recipe.numerator_detail] = parts.counts.get("numerator", 0)
    for name in recipe.details:
        details[name] = parts.counts.get(name, 0)
    return details


def combine(
    spec: MetricSpec,
    parts: Aggregate,
    window: Window,
    *,
    people: frozenset[str] | None,
    people_bound: int | None = None,
    breakdowns: Mapping[str, Breakdown] | None = None,
    note: str = "",
) -> MetricResult:
    """The metric `spec` recomputed from `parts`; `people` (or, when the set is
    unknown, `people_bound`) are the people behind it."""
    recipe = RECIPES[spec.id]
    count = len(people) if people is not None else (people_bound or 0)
    numbers = _numbers(recipe, parts, count, window)
    details = _details(recipe, parts, numbers)
    if numbers.value is None:
        return MetricResult(
            spec,
            Status.INSUFFICIENT_DATA,
            0,
            people=people,
            details=details,
            note=note or "no data in the window",
            aggregate=parts,
            people_bound=people_bound,
        )
    keep = recipe.percentiles and numbers.p50 is not None
    return MetricResult(
        spec,
        Status.OK,
        numbers.samples,
        value=numbers.value,
        people=people,
        p50=numbers.p50 if keep else None,
        p90=numbers.p90 if keep else None,
        tier=recipe.tier(parts, numbers.value, window) if recipe.tier else None,
        details=details,
        note=note,
        breakdowns=breakdowns or {},
        aggregate=parts,
        people_bound=people_bound,
    )
