"""The privacy gate: k threshold per metric's people set, sample sizes kept, the
previous window gated the same way, and the health score built from gated values."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from devex_metrics.metrics.catalogue import spec
from devex_metrics.metrics.result import MetricResult, MetricSet, Status
from devex_metrics.model import RepositoryInfo, Window
from devex_metrics.privacy.gate import apply_gate
from devex_metrics.privacy.report import PublishedReport

NOW = datetime(2026, 4, 1, tzinfo=UTC)
WINDOW = Window(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))


def people(n: int) -> frozenset[str]:
    return frozenset(f"person-{i}@example.com" for i in range(n))


def gate(*results: MetricResult, previous: tuple[MetricResult, ...] = (), k: int = 5
         ) -> PublishedReport:  # fmt: skip
    current = MetricSet(WINDOW, {r.id: r for r in results}, "tags")
    before = MetricSet(WINDOW.previous(), {r.id: r for r in previous}, "tags")
    return apply_gate(current, before, min_group_size=k, opt_out_entries=0, generated_at=NOW,
                      tool_version="test", repository=RepositoryInfo("r", "main", None),
                      sources=(), commit_range=(None, None))  # fmt: skip


def lead(n_people: int, value: float = 30.0) -> MetricResult:
    return MetricResult(
        spec("dora.lead_time"),
        Status.OK,
        12,
        value=value,
        p50=value,
        p90=50.0,
        tier="high",
        people=people(n_people),
        details={"dropped_negative": 1},
    )


@pytest.mark.parametrize(
    ("k", "n", "published"),
    [(5, 4, False), (5, 5, True), (3, 2, False), (3, 3, True), (7, 6, False), (7, 7, True)],
    ids=["k5-four", "k5-five", "k3-two", "k3-three", "k7-six", "k7-seven"],
)
def test_suppressed_below_k_published_at_k(k: int, n: int, published: bool) -> None:
    metric = gate(lead(n), k=k).metrics["dora.lead_time"]
    assert metric.samples == 12 and metric.people == n
    if published:
        assert metric.status is Status.OK and metric.value == 30.0 and metric.tier == "high"
    else:
        assert metric.status is Status.SUPPRESSED
        assert (metric.value, metric.p50, metric.p90, metric.tier) == (None, None, None, None)
        assert dict(metric.details) == {}


def test_system_metrics_are_never_gated() -> None:
    cfr = MetricResult(spec("dora.change_failure_rate"), Status.OK, 3, value=1 / 3, tier="low")
    assert gate(cfr).metrics["dora.change_failure_rate"].value == pytest.approx(1 / 3)


def test_contributors_count_is_always_published() -> None:
    result = MetricResult(spec("space.activity.contributors"), Status.OK, 2, value=2.0,
                          people=people(2))  # fmt: skip
    assert gate(result).metrics["space.activity.contributors"].value == 2.0


def test_previous_window_is_gated_too() -> None:
    report = gate(lead(6), previous=(lead(2, value=99.0),))
    previous = report.metrics["dora.lead_time"].previous
    assert previous is not None and previous.status is Status.SUPPRESSED and previous.value is None


def test_report_lists_suppressed_ids_and_rule_counts() -> None:
    report = gate(lead(1))
    assert report.privacy.suppressed_ids == ("dora.lead_time",)
    assert report.privacy.rule_counts == {"min_group_size": 1}


def test_health_uses_only_published_components() -> None:
    tiers = [
        MetricResult(spec("dora.deployment_frequency"), Status.OK, 5, value=2.0, tier="high"),
        MetricResult(spec("dora.change_failure_rate"), Status.OK, 5, value=0.0, tier="elite"),
        MetricResult(spec("dora.rework_rate"), Status.OK, 5, value=0.5),
    ]
    report = gate(*tiers, lead(2, value=1.0))  # elite lead time, but suppressed
    health = report.metrics["health.score"]
    assert set(report.health_components) == {
        "dora.deployment_frequency",
        "dora.change_failure_rate",
        "dora.rework_rate",
    }
    assert health.value == 75.0  # (75 + 100 + 50) / 3


def test_health_needs_three_components() -> None:
    report = gate(MetricResult(spec("dora.rework_rate"), Status.OK, 5, value=0.5))
    assert report.metrics["health.score"].status is Status.INSUFFICIENT_DATA


def test_health_rounds_half_up() -> None:
    results = [
        MetricResult(spec("dora.deployment_frequency"), Status.OK, 5, value=2.0, tier="high"),
        MetricResult(spec("dora.change_failure_rate"), Status.OK, 5, value=0.2, tier="low"),
        MetricResult(spec("dora.rework_rate"), Status.OK, 5, value=0.1),  # 90 (float: 90.000…01)
        MetricResult(spec("dora.recovery_time"), Status.OK, 5, value=2.0, tier="high"),
    ]
    assert gate(*results).metrics["health.score"].value == 66.0  # 265/4 = 66.25 → 66
    results[2] = MetricResult(spec("dora.rework_rate"), Status.OK, 4, value=0.125)  # 87.5
    assert gate(*results).metrics["health.score"].value == 66.0  # 262.5/4 = 65.625 → 66
    results[2] = MetricResult(spec("dora.rework_rate"), Status.OK, 4, value=0.13)  # 87
    assert gate(*results).metrics["health.score"].value == 66.0  # 262/4 = 65.5 → 66 (half up)


def test_published_report_cannot_be_built_outside_the_gate() -> None:
    with pytest.raises(TypeError):
        PublishedReport(
            NOW,
            "x",
            RepositoryInfo("r", "main", None),
            WINDOW,
            None,
            {},
            {},
            None,
            (),
            (),
            (None, None),
            False,
        )  # type: ignore[arg-type]
