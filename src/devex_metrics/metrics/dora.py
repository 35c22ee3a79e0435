"""The five DORA metrics (SPEC §5) over one window.

Inputs are derived facts (deployments with the commits they ship, failure info),
so every function here is pure arithmetic on them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from fractions import Fraction

from devex_metrics.derive.deployments import ShippedDeployment
from devex_metrics.derive.failures import FailureInfo
from devex_metrics.derive.people import Person
from devex_metrics.derive.teams import Teams
from devex_metrics.metrics import tiers
from devex_metrics.metrics.aggregate import count_parts, ratio_parts, sample_parts
from devex_metrics.metrics.catalogue import spec
from devex_metrics.metrics.result import MetricResult, Status
from devex_metrics.metrics.stats import p50_p90
from devex_metrics.metrics.teams import lead_time_by_team, with_team_breakdown
from devex_metrics.model import Commit, Window

HOUR = timedelta(hours=1)
_NO_DEPLOYMENTS = "no deployment in the window"


def _in_window(shipped: Sequence[ShippedDeployment], window: Window) -> list[ShippedDeployment]:
    return [s for s in shipped if window.contains(s.deployment.time)]


def _ratio(numerator: int, denominator: int, metric_id: str, tier: str | None) -> MetricResult:
    return MetricResult(spec(metric_id), Status.OK, denominator,
                        value=numerator / denominator, tier=tier,
                        details={"numerator": numerator},
                        aggregate=ratio_parts(numerator, denominator))  # fmt: skip


def _no_deployments(metric_id: str) -> MetricResult:
    """No deployment in the window: measured, with an empty sample."""
    frequency = metric_id == "dora.deployment_frequency"
    aggregate = count_parts(deployments=0) if frequency else ratio_parts(0, 0)
    return MetricResult(spec(metric_id), Status.INSUFFICIENT_DATA, 0, note=_NO_DEPLOYMENTS,
                        aggregate=aggregate)  # fmt: skip


def deployment_frequency(shipped: Sequence[ShippedDeployment], window: Window) -> MetricResult:
    count = len(_in_window(shipped, window))
    if count == 0:
        return _no_deployments("dora.deployment_frequency")
    per_week = weekly_rate(count, window)
    return MetricResult(spec("dora.deployment_frequency"), Status.OK, count,
                        value=float(per_week), tier=tiers.frequency_tier(per_week),
                        aggregate=count_parts(deployments=count))  # fmt: skip


def weekly_rate(count: int, window: Window) -> Fraction:
    """`count` events over the window, per week, exactly."""
    seconds = int((window.end - window.start).total_seconds())
    return Fraction(count * 7 * 86_400, seconds)


def lead_time(
    shipped: Sequence[ShippedDeployment],
    window: Window,
    person_of: Callable[[Commit], Person],
    change_time: Callable[[Commit], datetime],
    teams: Teams | None = None,
) -> MetricResult:
    """p50/p90 of deployment time − change time over measured changes; the first
    known deployment has no baseline; bots, AI agents and opted-out people's
    changes are not measured; negative values are dropped and counted. With teams,
    each team's p50 over its changes is a breakdown."""
    hours: list[float] = []
    measured: list[tuple[Commit, Person, float]] = []
    people: set[str] = set()
    dropped = 0
    for deployment in _in_window(shipped, window):
        if deployment.first_known:
            continue
        for change in deployment.changes:
            person = person_of(change)
            if not person.counted:
                continue
            value = (deployment.deployment.time - change_time(change)) / HOUR
            if value < 0:
                dropped += 1
                continue
            hours.append(value)
            people.add(person.key)
            if teams is not None:
                measured.append((change, person, value))
    details = {"dropped_negative": dropped}
    aggregate = sample_parts(hours, dropped_negative=dropped)
    if not hours:
        return MetricResult(spec("dora.lead_time"), Status.INSUFFICIENT_DATA, 0,
                            people=frozenset(people), details=details,
                            note="no measured change in the window's deployments",
                            aggregate=aggregate)  # fmt: skip
    p50, p90 = p50_p90(hours)
    result = MetricResult(spec("dora.lead_time"), Status.OK, len(hours), value=p50,
                          people=frozenset(people), p50=p50, p90=p90,
                          tier=tiers.lead_time_tier(p50), details=details,
                          aggregate=aggregate)  # fmt: skip
    if teams is None:
        return result
    return with_team_breakdown(result, lead_time_by_team(measured, teams))


def change_failure_rate(
    shipped: Sequence[ShippedDeployment], failures: Sequence[FailureInfo], window: Window
) -> MetricResult:
    inside = _in_window(shipped, window)
    if not inside:
        return _no_deployments("dora.change_failure_rate")
    failed = sum(1 for s in inside if failures[s.index].failed)
    rate = Fraction(failed, len(inside))
    return _ratio(failed, len(inside), "dora.change_failure_rate", tiers.failure_rate_tier(rate))


def recovery_time(
    shipped: Sequence[ShippedDeployment], failures: Sequence[FailureInfo], window: Window
) -> MetricResult:
    hours: list[float] = []
    unrecovered = 0
    for deployment in _in_window(shipped, window):
        info = failures[deployment.index]
        if not info.failed:
            continue
        remedy = info.remedy_time
        if remedy is None:
            unrecovered += 1
        else:
            hours.append((remedy - deployment.deployment.time) / HOUR)
    details = {"unrecovered": unrecovered}
    aggregate = sample_parts(hours, unrecovered=unrecovered)
    if not hours:
        return MetricResult(
            spec("dora.recovery_time"),
            Status.INSUFFICIENT_DATA,
            0,
            details=details,
            note="no recovered failed deployment in the window",
            aggregate=aggregate,
        )
    p50, p90 = p50_p90(hours)
    return MetricResult(spec("dora.recovery_time"), Status.OK, len(hours), value=p50, p50=p50,
                        p90=p90, tier=tiers.recovery_tier(p50), details=details,
                        aggregate=aggregate)  # fmt: skip


def rework_rate(
    shipped: Sequence[ShippedDeployment], failures: Sequence[FailureInfo], window: Window
) -> MetricResult:
    inside = _in_window(shipped, window)
    if not inside:
        return _no_deployments("dora.rework_rate")
    remedies = sum(1 for s in inside if failures[s.index].is_remedy)
    return _ratio(remedies, len(inside), "dora.rework_rate", None)


def dora_metrics(
    shipped: Sequence[ShippedDeployment],
    failures: Sequence[FailureInfo],
    window: Window,
    person_of: Callable[[Commit], Person],
    change_time: Callable[[Commit], datetime],
    teams: Teams | None = None,
) -> Mapping[str, MetricResult]:
    results = (
        deployment_frequency(shipped, window),
        lead_time(shipped, window, person_of, change_time, teams),
        change_failure_rate(shipped, failures, window),
        recovery_time(shipped, failures, window),
        rework_rate(shipped, failures, window),
    )
    return {r.id: r for r in results}
