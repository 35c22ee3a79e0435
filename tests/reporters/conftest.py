"""Shared builders for reporter tests: hand-made `MetricSet`s gated by `apply_gate`.

Reporters accept only a `PublishedReport`, and only the privacy gate makes one, so
every test goes through the real gate. The fixed data set (`sample_report`) feeds
the golden files: change it only together with `DEVEX_UPDATE_GOLDEN=1`.

Suppressed metrics in the fixed data set carry distinctive values (987.654,
9876.54, 4321) so tests can prove those numbers never reach an output.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import strategies as st

from devex_metrics.metrics.catalogue import BY_ID, CATALOGUE, People
from devex_metrics.metrics.result import MetricResult, MetricSet, Status
from devex_metrics.model import RepositoryInfo, SourceUse, Window
from devex_metrics.privacy.gate import apply_gate
from devex_metrics.privacy.report import PublishedReport

WINDOW = Window(datetime(2024, 1, 2, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC))
GENERATED_AT = datetime(2024, 4, 1, 6, 30, tzinfo=UTC)
SUPPRESSED_VALUES = ("987.654", "9876.54", "4321")
IDENTITY_DOMAIN = "people.example.test"

Results = Mapping[str, MetricResult]


def people(count: int) -> frozenset[str]:
    """Fake canonical identities; tests assert none of them reaches an output."""
    return frozenset(f"dev{index:02d}@{IDENTITY_DOMAIN}" for index in range(count))


def ok(
    metric_id: str, value: float, samples: int, crowd: int | None = None, **extra: Any
) -> MetricResult:
    """An ok result; `crowd` is the size of its people set (None for system metrics)."""
    return MetricResult(
        BY_ID[metric_id],
        Status.OK,
        samples,
        value=value,
        people=None if crowd is None else people(crowd),
        **extra,
    )


def not_ok(metric_id: str, status: Status, samples: int = 0, note: str = "") -> MetricResult:
    return MetricResult(BY_ID[metric_id], status, samples, note=note)


def build_report(
    current: Results,
    previous: Results | None = None,
    *,
    k: int = 5,
    partial: bool = False,
    opt_out_entries: int = 0,
    deployment_source: str | None = "tags",
    window: Window = WINDOW,
) -> PublishedReport:
    """Gate hand-made results into a report, the only way reporters get input."""
    before = None
    if previous is not None:
        before = MetricSet(window.previous(), dict(previous), deployment_source)
    return apply_gate(
        MetricSet(window, dict(current), deployment_source),
        before,
        min_group_size=k,
        opt_out_entries=opt_out_entries,
        generated_at=GENERATED_AT,
        tool_version="0.1.0",
        repository=RepositoryInfo(
            "acme/widgets", "main", "0123456789abcdef0123456789abcdef01234567"
        ),
        sources=(
            SourceUse("git", 4, "rev-list, log, tags"),
            SourceUse("github-rest", 37),
            SourceUse("github-graphql", 5, "pull requests and reviews"),
        ),
        commit_range=(
            "89abcdef0123456789abcdef0123456789abcdef",
            "0123456789abcdef0123456789abcdef01234567",
        ),
        partial=partial,
    )


def sample_current() -> dict[str, MetricResult]:
    """A realistic window: every status, percentiles, tiers, details, a pipe in a note."""
    results = [
        ok("dora.deployment_frequency", 2.488888888888889, 32, tier="high"),
        ok(
            "dora.lead_time",
            30.5,
            180,
            6,
            p50=30.5,
            p90=140.25,
            tier="high",
            details={"dropped_negative": 2},
        ),
        ok("dora.change_failure_rate", 0.09375, 32, tier="high"),
        ok(
            "dora.recovery_time",
            5.5,
            2,
            p50=5.5,
            p90=30.0,
            tier="medium",
            details={"unrecovered": 1},
        ),
        ok("dora.rework_rate", 0.125, 32),
        ok("space.satisfaction.rating", 987.654, 3, 3),
        not_ok(
            "space.satisfaction.nps",
            Status.UNAVAILABLE,
            note="no pulse survey issues | label devex-pulse",
        ),
        not_ok("space.satisfaction.burnout", Status.INSUFFICIENT_DATA),
        ok("space.performance.build_success_rate", 0.9166666666666666, 240),
        not_ok("space.performance.coverage", Status.UNAVAILABLE, note="no --coverage file"),
        ok("space.activity.commits", 412, 412, 7),
        ok("space.activity.contributors", 7, 7, 7),
        ok("space.activity.prs_merged", 96, 96, 6),
        ok("space.activity.reviews", 143, 143, 5),
        ok("space.activity.ai_assisted_share", 0.18337408312958436, 409, 7),
        ok("space.communication.time_to_first_review", 4.25, 84, 5, p50=4.25, p90=26.0),
        ok("space.communication.review_coverage", 0.875, 96, 6),
        ok("space.communication.reviews_per_pr", 987.654, 96, 4),
        ok("space.efficiency.pr_cycle_time", 9876.54, 96, 4, p50=9876.54, p90=98765.4),
        ok("space.efficiency.pr_size", 85, 96, 6),
        ok("space.efficiency.ci_duration", 7.5, 1200),
        ok("space.efficiency.flow_state_days", 987.654, 4, 4),
        not_ok("space.efficiency.cognitive_load", Status.INSUFFICIENT_DATA, 0),
        not_ok("space.efficiency.friction_reports", Status.UNAVAILABLE, note="surveys not read"),
    ]
    return {result.id: result for result in results}


def sample_previous() -> dict[str, MetricResult]:
    """The window before: some trends up, some down, one equal, one suppressed (4321)."""
    results = [
        ok("dora.deployment_frequency", 1.9, 24, tier="high"),
        ok("dora.lead_time", 52.0, 150, 6, p50=52.0, p90=200.0, tier="high"),
        ok("dora.change_failure_rate", 0.09375, 24, tier="high"),
        not_ok("dora.recovery_time", Status.INSUFFICIENT_DATA),
        ok("dora.rework_rate", 0.1, 24),
        ok("space.performance.build_success_rate", 0.95, 200),
        ok("space.activity.commits", 4321, 4321, 3),
        ok("space.activity.contributors", 3, 3, 3),
        ok("space.activity.prs_merged", 80, 80, 5),
        ok("space.communication.review_coverage", 0.8, 80, 5),
    ]
    return {result.id: result for result in results}


@pytest.fixture
def sample_results() -> tuple[dict[str, MetricResult], dict[str, MetricResult]]:
    """(current, previous) results of the fixed data set, for variations of it."""
    return sample_current(), sample_previous()


@pytest.fixture
def sample_report() -> PublishedReport:
    return build_report(sample_current(), sample_previous(), opt_out_entries=2)


@pytest.fixture
def report_builder() -> Callable[..., PublishedReport]:
    return build_report


@pytest.fixture
def ok_result() -> Callable[..., MetricResult]:
    return ok


@pytest.fixture
def not_ok_result() -> Callable[..., MetricResult]:
    return not_ok


@st.composite
def any_results(draw: st.DrawFn) -> dict[str, MetricResult]:
    """Any mix of catalogue metrics and statuses (health is the gate's to compute).

    An ok person-derived result with fewer than 5 people, which the gate will
    suppress at the default k, carries 987.654 so tests can look for a leak; other
    values are whole numbers up to 100, which can never contain that marker.
    """
    chosen = draw(st.lists(st.sampled_from(CATALOGUE[:-1]), unique=True, max_size=12))
    results: dict[str, MetricResult] = {}
    for spec in chosen:
        status = draw(st.sampled_from(list(Status)))
        crowd = None if spec.people is People.SYSTEM else draw(st.integers(0, 9))
        doomed = spec.people is People.SET and (crowd or 0) < 5
        is_ok = status is Status.OK
        value = 987.654 if doomed else float(draw(st.integers(0, 100)))
        results[spec.id] = MetricResult(
            spec,
            status,
            draw(st.integers(0, 500)),
            value=value if is_ok else None,
            people=None if crowd is None else people(crowd),
            p50=value if is_ok and draw(st.booleans()) else None,
            p90=value if is_ok and draw(st.booleans()) else None,
            tier=draw(st.sampled_from(["elite", "high", "medium", "low"])) if is_ok else None,
            details={"unrecovered": 1} if is_ok else {},
        )
    return results


@pytest.fixture
def results_strategy() -> st.SearchStrategy[dict[str, MetricResult]]:
    return any_results()
