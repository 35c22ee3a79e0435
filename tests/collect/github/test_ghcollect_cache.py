"""The incremental cache: cheap second runs, the same records as a full fetch, people keyed
pseudonymously, pruned by retention."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fakegithub.dataset import (
    ALICE,
    CAROL,
    NOW,
    Commit,
    Deployment,
    Issue,
    Repo,
    Review,
    large_dataset,
    sha_of,
)
from fakegithub.fixtures import FakeClock, collect_from
from fakegithub.scenarios import PULSE_BODY, pull, scenario_dataset
from fakegithub.server import FakeGitHub

from devex_metrics.collect.github import GitHubData
from devex_metrics.collect.github.token import Secret
from devex_metrics.config import Config

DAY = timedelta(days=1)


def records(data: GitHubData) -> dict[str, Any]:
    """Everything but the accounting."""
    skip = {"requests", "graphql_points", "partial", "completed", "requests_by_stage"}
    return {f.name: getattr(data, f.name) for f in fields(data) if f.name not in skip}


def run(
    server: FakeGitHub,
    clock: FakeClock,
    cache: Path | None,
    *,
    shift: timedelta = timedelta(0),
    config: Config | None = None,
    repository: str = "octo/app",
    **settings: Any,
) -> GitHubData:
    return collect_from(server, clock, config=config, repository=repository, cache_dir=cache,
                        shift=shift, **settings)  # fmt: skip


def test_second_run_without_changes_costs_under_five_percent(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock, tmp_path: Path
) -> None:
    server = fake_github(large_dataset())
    first = run(server, clock, tmp_path, repository="octo/busy")
    second = run(server, clock, tmp_path, repository="octo/busy")
    assert records(second) == records(first)
    assert first.requests == server.count() - second.requests
    assert second.requests <= 0.05 * first.requests, (first.requests, second.requests)
    print(f"large data set: first run {first.requests} requests, second run {second.requests}")


def test_second_run_without_changes_on_scenario(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock, tmp_path: Path
) -> None:
    server = fake_github(scenario_dataset())
    first = run(server, clock, tmp_path)
    before = server.count()
    second = run(server, clock, tmp_path)
    assert records(second) == records(first)
    assert server.kinds().get("graphql:RepositoryHead") == 2
    assert server.count() - before == second.requests <= 5
    runs_listing = [
        r for r in server.requests[before:] if r.kind == "rest" and r.path.endswith("/runs")
    ]
    assert len(runs_listing) == 1


def test_unchanged_lists_cost_a_304(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock, tmp_path: Path
) -> None:
    server = fake_github(scenario_dataset())
    first = run(server, clock, tmp_path)
    for _ in range(2):
        before = server.count()
        again = run(server, clock, tmp_path)
        assert records(again) == records(first)
    rest = [r for r in server.requests[before:] if r.kind == "rest"]
    assert [(r.path.rsplit("/", 1)[1], r.status) for r in rest] == [("runs", 304), ("sbom", 304)]
    assert again.requests_by_stage["workflow runs"] == 1
    assert sum(again.requests_by_stage.values()) == again.requests


def mutate(repo: Repo) -> None:
    """A day of activity after the first run."""
    later = NOW + timedelta(hours=12)
    repo.pulls.append(
        pull(
            40,
            ALICE,
            NOW + timedelta(hours=2),
            merged_at=later,
            merge_commit=sha_of("m40"),
            closed=True,
        )
    )
    three = next(p for p in repo.pulls if p.number == 3)
    three.reviews.append(Review(ALICE, "APPROVED", later))
    three.updated_at = later
    for run_ in repo.runs:
        if run_.status != "completed":
            run_.status, run_.conclusion, run_.updated_at = "completed", "success", later
    template = repo.runs[-1]
    repo.runs.append(
        replace(template, id=77, created_at=NOW + timedelta(hours=3), updated_at=later)
    )
    repo.deployments[-1].statuses.append(("SUCCESS", later))
    repo.deployments.append(
        Deployment(99, sha_of("d99"), "production", NOW + timedelta(hours=4), [("SUCCESS", later)])
    )
    repo.issues.append(
        Issue(120, CAROL, ["devex-pulse"], PULSE_BODY, NOW + timedelta(hours=5), later)
    )
    incident = next(i for i in repo.issues if i.number == 102)
    incident.closed_at = incident.updated_at = later
    repo.history.insert(0, Commit(sha_of("new"), later, later, "Dana@Example.com", "dana"))


def test_incremental_run_equals_a_full_run_after_changes(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock, tmp_path: Path
) -> None:
    repo = scenario_dataset()
    repo.deployments.append(
        Deployment(7, sha_of("d7"), "production", NOW - 2 * DAY, [("PENDING", NOW - 2 * DAY)])
    )
    server = fake_github(repo)
    first = run(server, clock, tmp_path)
    mutate(repo)
    incremental = run(server, clock, tmp_path, shift=DAY)
    full = run(server, clock, None, shift=DAY)
    assert records(incremental) == records(full)
    assert incremental.requests < full.requests
    assert 40 in {p.number for p in incremental.pull_requests}
    assert incremental.email_logins["dana@example.com"] == "dana"
    assert {d.id: d.first_success_at for d in incremental.github_deployments}[7] is not None
    assert records(incremental) != records(first)


def cache_text(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in folder.rglob("*.json")}


def test_records_in_the_cache_hold_no_identity(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock, tmp_path: Path
) -> None:
    run(fake_github(scenario_dataset()), clock, tmp_path)
    files = cache_text(tmp_path)
    assert {"meta.json", "people.json", "pull_requests.json", "workflow_runs.json"} <= set(files)
    for name, text in files.items():
        if name != "people.json":
            for identity in ("alice", "erin", "renovate", "@example.com"):
                assert identity not in text, (name, identity)
    assert "flaky" not in "".join(files.values()) and "Outage" not in "".join(files.values())
    assert "alice" in files["people.json"]  # the separate table, plain without a secret


def test_with_a_secret_the_cache_folder_reveals_no_identity(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock, tmp_path: Path
) -> None:
    server = fake_github(scenario_dataset())
    first = run(server, clock, tmp_path, cache_secret=Secret("per-repo-secret"))
    text = "".join(cache_text(tmp_path).values())
    for identity in ("alice", "bob", "erin", "renovate", "example.com"):
        assert identity not in text
    again = run(server, clock, tmp_path, cache_secret=Secret("per-repo-secret"))
    assert records(again) == records(first) and again.requests <= 5


def test_another_secret_discards_the_cache(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock, tmp_path: Path
) -> None:
    server = fake_github(scenario_dataset())
    first = run(server, clock, tmp_path, cache_secret=Secret("one"))
    second = run(server, clock, tmp_path, cache_secret=Secret("two"))
    assert records(second) == records(first)
    assert second.requests == first.requests


def test_cache_older_than_retention_is_deleted(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock, tmp_path: Path
) -> None:
    server = fake_github(scenario_dataset())
    config = Config.model_validate({"privacy": {"retention_days": 7}})
    first = run(server, clock, tmp_path, config=config)
    meta = next(tmp_path.rglob("meta.json"))
    created = datetime.fromisoformat(json.loads(meta.read_text())["created_at"])
    assert created == NOW
    within = run(server, clock, tmp_path, config=config, shift=6 * DAY)
    after = run(server, clock, tmp_path, config=config, shift=7 * DAY)
    assert within.requests < first.requests <= after.requests
    created = datetime.fromisoformat(json.loads(meta.read_text())["created_at"])
    assert created == NOW + 7 * DAY


@pytest.mark.parametrize("damage", ["garbage", "person-missing", "wrong-shape"])
def test_damaged_cache_costs_a_refetch_never_a_wrong_record(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock, tmp_path: Path, damage: str
) -> None:
    server = fake_github(scenario_dataset())
    first = run(server, clock, tmp_path)
    target = next(tmp_path.rglob("pull_requests.json"))
    if damage == "garbage":
        target.write_text("{not json")
    elif damage == "person-missing":
        people = next(tmp_path.rglob("people.json"))
        people.write_text("{}")
    else:
        data = json.loads(target.read_text())
        del data["records"][0]["merged_at"]
        target.write_text(json.dumps(data))
    again = run(server, clock, tmp_path)
    assert records(again) == records(first)
    assert again.requests > 5


def test_earlier_since_than_the_cache_covers_refetches(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock, tmp_path: Path
) -> None:
    server = fake_github(scenario_dataset())
    run(server, clock, tmp_path, shift=DAY)
    earlier = run(server, clock, tmp_path)  # since one day earlier than the cache covers
    assert records(earlier) == records(run(server, clock, None))
