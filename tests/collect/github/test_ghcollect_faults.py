"""Faults and rate limits: the same records with and without them, or a clean partial stop."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import fields
from typing import Any

import pytest
from fakegithub.dataset import large_dataset
from fakegithub.fixtures import FakeClock, collect_from
from fakegithub.scenarios import scenario_dataset
from fakegithub.server import FAULTS, FakeGitHub

from devex_metrics.collect.github import GitHubData
from devex_metrics.errors import RunError

Scenario = tuple[GitHubData, FakeGitHub]


def records(data: GitHubData) -> dict[str, Any]:
    skip = {"requests", "graphql_points", "partial", "completed", "requests_by_stage"}
    return {f.name: getattr(data, f.name) for f in fields(data) if f.name not in skip}


def collect(
    server: FakeGitHub, clock: FakeClock, repository: str = "octo/app", **settings: Any
) -> GitHubData:
    return collect_from(server, clock, repository=repository, **settings)


@pytest.mark.parametrize(
    ("every", "faults"),
    [
        pytest.param(2, FAULTS, id="every-second-request-any-fault"),
        pytest.param(3, FAULTS, id="every-third-request-any-fault"),
        pytest.param(2, ("502",), id="bad-gateways"),
        pytest.param(2, ("drop",), id="dropped-connections"),
        pytest.param(2, ("secondary", "retry_after"), id="secondary-limits"),
        pytest.param(2, ("primary",), id="primary-exhaustion-with-near-reset"),
        pytest.param(2, ("graphql_timeout",), id="graphql-timeouts"),
    ],
)
def test_faults_do_not_change_the_records(
    fake_github: Callable[..., FakeGitHub],
    clock: FakeClock,
    scenario: Scenario,
    every: int,
    faults: tuple[str, ...],
) -> None:
    server = fake_github(scenario_dataset())
    server.faults.every, server.faults.faults = every, faults
    started = time.monotonic()
    data = collect(server, clock)
    assert records(data) == records(scenario[0])
    assert not data.partial and server.faults.injected
    assert data.requests == server.count() > scenario[0].requests
    assert time.monotonic() - started < 10  # the waits were injected, not slept
    assert server.graphql_errors == []


def test_faults_while_bisecting_a_busy_run_listing(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock
) -> None:
    repo = large_dataset(pulls=40, runs=2300, commits=150)
    clean = collect(fake_github(repo), clock, "octo/busy")
    faulty_server = fake_github(repo)
    faulty_server.faults.every = 4
    faulty = collect(faulty_server, clock, "octo/busy")
    assert records(faulty) == records(clean)
    assert len(clean.workflow_runs) == 2300
    assert all(r.status != 422 for r in faulty_server.requests)


def test_graphql_timeouts_halve_the_page_size(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock, scenario: Scenario
) -> None:
    server = fake_github(scenario_dataset(), graphql_max_first=30)
    data = collect(server, clock)
    assert records(data) == records(scenario[0])
    sizes = [r.first for r in server.requests if r.kind == "graphql:RepositoryHead"]
    assert sizes == [100, 50, 25]
    pull_sizes = [r.first for r in server.requests if r.kind == "graphql:PullRequests"]
    assert pull_sizes == [100, 50, 25]  # the smaller size is kept for the rest of the listing


def test_graphql_that_always_times_out_is_a_run_error(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock
) -> None:
    server = fake_github(scenario_dataset(), graphql_max_first=0)
    with pytest.raises(RunError, match="timed out"):
        collect(server, clock)
    assert [r.first for r in server.requests] == [100, 50, 25, 12, 6, 3, 1]


def test_exhausted_quota_beyond_the_budget_stops_with_partial_data(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock
) -> None:
    server = fake_github(scenario_dataset(), quota={"graphql": 3}, reset_after=3600)
    data = collect(server, clock, max_wait_seconds=900.0)
    assert data.partial
    assert data.requests == server.count() == 3  # no request spent on a certain 403
    assert data.completed == ()
    assert data.pull_requests == () and data.workflow_runs == ()
    assert clock.sleeps == []


def test_partial_data_keeps_the_stages_done(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock, scenario: Scenario
) -> None:
    server = fake_github(scenario_dataset(), quota={"core": 1}, reset_after=3600)
    data = collect(server, clock)
    assert data.partial
    assert data.completed == (
        "pull requests",
        "deployments",
        "releases",
        "issues",
        "survey issues",
        "commit emails",
        "workflow runs",
    )
    assert data.pull_requests == scenario[0].pull_requests
    assert data.workflow_runs == scenario[0].workflow_runs
    assert data.spdx_sbom is None


def test_exhausted_quota_within_the_budget_waits_for_the_reset(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock, scenario: Scenario
) -> None:
    server = fake_github(scenario_dataset(), quota={"graphql": 3}, reset_after=100)
    data = collect(server, clock)
    assert not data.partial
    assert records(data) == records(scenario[0])
    assert len(clock.sleeps) == 1 and 90 < clock.sleeps[0] <= 102


def test_persistent_secondary_limit_beyond_the_budget_is_partial(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock
) -> None:
    server = fake_github(scenario_dataset())
    server.faults.every, server.faults.faults = 1, ("secondary",)
    data = collect(server, clock, max_wait_seconds=300.0)
    assert data.partial
    assert clock.sleeps == [60.0, 120.0]


def test_bad_credentials_are_a_run_error_that_names_no_token(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock
) -> None:
    server = fake_github(scenario_dataset(), token="the-right-one")
    with pytest.raises(RunError) as caught:
        collect(server, clock)
    assert "401" in str(caught.value) and "test-token" not in str(caught.value)
