"""A merge of N repositories' reports equals one pass of the real metric functions
over the union of their records: exactly for counts, ratios and means, within the
sketch's 1 % for percentiles; people de-duplicated by pseudonym with an org
secret, and reported as a flagged lower bound without one."""

from __future__ import annotations

from pathlib import Path

import pytest
from orgdata import GENERATED_AT, RepoData, gate, generate_repo, keys, union, write_reports

from devex_metrics.merge.command import MergeOptions, build_org_report
from devex_metrics.metrics.combine import RECIPES
from devex_metrics.metrics.health import health_components, health_score
from devex_metrics.privacy.orgkeys import OrgKeys
from devex_metrics.privacy.report import PublishedMetric, PublishedReport

TOLERANCE = 0.01 + 1e-9
PERCENTILE_IDS = {mid for mid, recipe in RECIPES.items() if recipe.kind == "distribution"}


def _org(tmp_path: Path, repos: list[RepoData], org_keys: OrgKeys | None) -> PublishedReport:
    write_reports(tmp_path / "in", repos, org_keys=org_keys)
    options = MergeOptions([tmp_path / "in"], tmp_path / "out", GENERATED_AT, keys=org_keys)
    return build_org_report(options)


def _close(merged: float | None, exact: float | None) -> bool:
    if merged is None or exact is None:
        return merged is exact
    return abs(merged - exact) <= TOLERANCE * abs(exact)


def _assert_same(merged: PublishedMetric, single: PublishedMetric) -> None:
    assert (merged.status, merged.samples) == (single.status, single.samples), merged.id
    if merged.id in PERCENTILE_IDS:
        for name in ("value", "p50", "p90"):
            assert _close(getattr(merged, name), getattr(single, name)), (merged.id, name)
        return
    assert merged.value == single.value, merged.id
    assert merged.tier == single.tier, merged.id
    assert dict(merged.details) == dict(single.details), merged.id
    categories = {d: c for d, c in merged.breakdowns.items() if d != "repository"}
    assert categories == dict(single.breakdowns), merged.id


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_merge_equals_a_single_pass_over_the_union(tmp_path: Path, seed: int) -> None:
    repos = [generate_repo(seed, n) for n in range(2 + seed * 2)]
    org = _org(tmp_path, repos, keys())
    single = gate(union(repos), org_keys=keys())
    assert set(org.metrics) == set(single.metrics)
    for metric_id, merged in org.metrics.items():
        if metric_id == "health.score":
            continue
        _assert_same(merged, single.metrics[metric_id])
        assert merged.people == single.metrics[metric_id].people, metric_id
        assert not merged.people_bound
        before, truth = merged.previous, single.metrics[metric_id].previous
        assert before is not None and truth is not None
        assert before.status is truth.status and _close(before.value, truth.value), metric_id


def test_health_is_recomputed_from_the_merged_metrics(tmp_path: Path) -> None:
    repos = [generate_repo(7, n) for n in range(5)]
    org = _org(tmp_path, repos, keys())
    ok = {mid: m for mid, m in org.metrics.items() if m.ok and mid != "health.score"}
    components = health_components(
        {mid: m.value for mid, m in ok.items() if m.value is not None},
        {mid: m.tier for mid, m in ok.items() if m.tier is not None},
    )
    assert dict(org.health_components) == components
    assert org.metrics["health.score"].value == health_score(components)
    single = gate(union(repos), org_keys=keys())
    if all(org.metrics[mid].tier == m.tier for mid, m in single.metrics.items()):
        assert org.metrics["health.score"].value == single.metrics["health.score"].value


def test_without_an_org_secret_people_are_a_flagged_lower_bound(tmp_path: Path) -> None:
    repos = [generate_repo(4, n) for n in range(6)]
    org = _org(tmp_path, repos, None)
    single = gate(union(repos))
    contributors = org.metrics["space.activity.contributors"]
    largest = max(gate(r).metrics["space.activity.contributors"].people or 0 for r in repos)
    assert contributors.people_bound and contributors.people == largest
    truth = single.metrics["space.activity.contributors"].people
    assert truth is not None and contributors.people <= truth
    commits = org.metrics["space.activity.commits"]
    assert commits.value == single.metrics["space.activity.commits"].value  # counts stay exact
