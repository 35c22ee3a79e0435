"""Builders for the badge, chart, OpenMetrics and evidence tests.

Reporters accept only a `PublishedReport`, which only the privacy gate makes, so
every report here goes through the real `apply_gate`. A suppressed metric carries
the distinctive value `SUPPRESSED_VALUE` so tests can prove it never leaks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from devex_metrics.metrics.catalogue import BY_ID
from devex_metrics.metrics.result import DeploymentEvent, MetricResult, MetricSet, Status
from devex_metrics.model import RepositoryInfo, SourceUse, Window
from devex_metrics.privacy.gate import apply_gate
from devex_metrics.privacy.report import PublishedReport
from devex_metrics.reporters.history import HistoryEntry

WINDOW = Window(datetime(2024, 1, 2, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC))
GENERATED_AT = datetime(2024, 4, 1, 6, 30, tzinfo=UTC)
SUPPRESSED_VALUE = 987.654
SUPPRESSED_P90 = 1234.567
K = 5


def crowd(size: int) -> frozenset[str]:
    """A people set of `size` fake canonical identities."""
    return frozenset(f"person{index}@people.example.test" for index in range(size))


def ok(metric_id: str, value: float, *, people: int | None = None, **extra: Any) -> MetricResult:
    """An ok result; `people` is the size of its people set (None for system metrics)."""
    return MetricResult(
        BY_ID[metric_id],
        Status.OK,
        extra.pop("samples", 10),
        value=value,
        people=None if people is None else crowd(people),
        **extra,
    )


def suppressed(metric_id: str) -> MetricResult:
    """An ok result with too few people: the gate suppresses it."""
    return ok(metric_id, SUPPRESSED_VALUE, people=K - 3, p50=SUPPRESSED_VALUE, p90=SUPPRESSED_P90)


def not_ok(metric_id: str, status: Status) -> MetricResult:
    return MetricResult(BY_ID[metric_id], status, 0, note="nothing to measure")


def report(
    results: Iterable[MetricResult],
    *,
    deployments: tuple[DeploymentEvent, ...] = (),
    repository: str = "acme/widgets",
    deployment_source: str | None = "tags",
) -> PublishedReport:
    """Gate hand-made results (and deployment evidence) into a report."""
    by_id = {result.id: result for result in results}
    return apply_gate(
        MetricSet(WINDOW, by_id, deployment_source, deployments),
        None,
        min_group_size=K,
        opt_out_entries=0,
        generated_at=GENERATED_AT,
        tool_version="0.1.0",
        repository=RepositoryInfo(repository, "main", "0" * 40),
        sources=(SourceUse("git", 4, "rev-list, log"), SourceUse("github-rest", 37)),
        commit_range=("a" * 40, "b" * 40),
    )


def full_report() -> PublishedReport:
    """Every catalogue metric ok, with tiers and percentiles where defined."""
    return report(
        [
            ok("dora.deployment_frequency", 4.2, tier="high"),
            ok("dora.lead_time", 30.5, people=6, p50=30.5, p90=140.25, tier="high"),
            ok("dora.change_failure_rate", 0.125, tier="medium"),
            ok("dora.recovery_time", 3.1, p50=3.1, p90=30.0, tier="high"),
            ok("dora.rework_rate", 0.1),
            ok("space.satisfaction.rating", 3.8, people=6),
            ok("space.satisfaction.nps", 20.0, people=6),
            ok("space.satisfaction.burnout", 0.25, people=6),
            ok("space.performance.build_success_rate", 0.9, samples=240),
            ok("space.performance.coverage", 0.81),
            ok("space.activity.commits", 412.0, people=7),
            ok("space.activity.contributors", 7.0, people=7),
            ok("space.activity.prs_merged", 96.0, people=6),
            ok("space.activity.reviews", 143.0, people=5),
            ok("space.activity.ai_assisted_share", 0.18, people=7),
            ok("space.communication.time_to_first_review", 4.25, people=5, p50=4.25, p90=26.0),
            ok("space.communication.review_coverage", 0.875, people=6),
            ok("space.communication.reviews_per_pr", 1.5, people=6),
            ok("space.efficiency.pr_cycle_time", 9.5, people=6, p50=9.5, p90=50.0),
            ok("space.efficiency.pr_size", 85.0, people=6),
            ok("space.efficiency.ci_duration", 7.5),
            ok("space.efficiency.flow_state_days", 2.5, people=6),
            ok("space.efficiency.cognitive_load", 2.0, people=6),
            ok("space.efficiency.friction_reports", 12.0, people=5),
        ]
    )


def deployment(
    hour: int,
    *,
    sha: str = "c" * 40,
    failed: bool = False,
    remedy_hour: int | None = None,
    **extra: Any,
) -> DeploymentEvent:
    """A deployment `hour` hours after the window starts."""
    time = WINDOW.start + timedelta(hours=hour)
    remedy = None if remedy_hour is None else WINDOW.start + timedelta(hours=remedy_hour)
    return DeploymentEvent(
        source=extra.pop("source", "tags"),
        ref=extra.pop("ref", f"v1.{hour}"),
        sha=sha,
        time=time,
        in_window=extra.pop("in_window", True),
        failed=failed,
        signals=extra.pop("signals", ()),
        remedy_time=remedy,
        is_remedy=extra.pop("is_remedy", False),
        changes=extra.pop("changes", 3),
        incident_numbers=extra.pop("incident_numbers", ()),
    )


def entry(
    end: datetime, values: Mapping[str, float], tiers: Mapping[str, str] | None = None
) -> HistoryEntry:
    """A history entry of a 90-day window ending at `end`."""
    return HistoryEntry(
        window_start=end - timedelta(days=90),
        window_end=end,
        generated_at=end,
        tool_version="0.1.0",
        deployment_source="tags",
        values=dict(values),
        tiers=dict(tiers or {}),
    )


def weekly_history(weeks: int, *, gap_at: int | None = None) -> list[HistoryEntry]:
    """`weeks` entries a week apart with every charted metric; the entry at `gap_at`
    has no ok values at all (a window where everything was suppressed)."""
    first = datetime(2024, 1, 7, tzinfo=UTC)
    entries = []
    for week in range(weeks):
        values = {
            "dora.deployment_frequency": 1.0 + week * 0.5,
            "dora.lead_time": 200.0 - week * 10,
            "dora.change_failure_rate": 0.2 - week * 0.01,
            "dora.recovery_time": 30.0 - week,
            "health.score": 55.0 + week * 2,
            "space.activity.commits": 100.0 + week * 7,
            "space.activity.contributors": 6.0 + week % 3,
        }
        entries.append(entry(first + timedelta(weeks=week), {} if week == gap_at else values))
    return entries
