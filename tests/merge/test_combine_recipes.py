"""Every metric's aggregate recomputes the metric exactly: `metrics.combine` on one
repository's parts gives the value the metric function computed. This is what
makes a merge of many repositories the single-pass value over their union."""

from __future__ import annotations

import pytest
from orgdata import WINDOW, generate_repo, metric_set

from devex_metrics.metrics.catalogue import CATALOGUE
from devex_metrics.metrics.combine import RECIPES, combine
from devex_metrics.metrics.result import MetricResult, Status

SEEDS = range(6)


def test_every_catalogue_metric_but_health_has_a_recipe() -> None:
    assert set(RECIPES) == {spec.id for spec in CATALOGUE} - {"health.score"}


def _results() -> list[tuple[str, MetricResult]]:
    found = []
    for seed in SEEDS:
        for window in (WINDOW, WINDOW.previous()):
            for result in metric_set(generate_repo(seed, seed), window).results.values():
                found.append((f"{seed}-{window.start:%Y%m}-{result.id}", result))
    return found


@pytest.mark.parametrize(
    ("case", "result"), _results(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_combine_of_one_aggregate_is_the_metric(case: str, result: MetricResult) -> None:
    assert result.aggregate is not None, f"{result.id} has no aggregate"
    window = WINDOW if "-202601-" in case else WINDOW.previous()
    again = combine(
        result.spec, result.aggregate, window, people=result.people, breakdowns=result.breakdowns
    )
    assert again.status is result.status
    assert again.samples == result.samples
    if result.status is Status.OK:
        assert (again.value, again.p50, again.p90) == (result.value, result.p50, result.p90)
        assert again.tier == result.tier
        assert dict(again.details) == dict(result.details)
        assert again.breakdowns == result.breakdowns


def test_an_empty_aggregate_is_insufficient_data_never_zero() -> None:
    spec = next(s for s in CATALOGUE if s.id == "space.activity.commits")
    from devex_metrics.metrics.aggregate import count_parts

    assert combine(spec, count_parts(count=0), WINDOW, people=None).status is (
        Status.INSUFFICIENT_DATA
    )
