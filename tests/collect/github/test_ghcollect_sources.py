"""Deployments, releases, workflow runs, issues, commit emails and the SBOM from the fake GitHub."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

import pytest
from fakegithub.dataset import (
    ALICE,
    BOB,
    NOW,
    SBOM_DOCUMENT,
    SINCE,
    Issue,
    Repo,
    day,
    large_dataset,
    sha_of,
)
from fakegithub.fixtures import FakeClock, collect_from
from fakegithub.scenarios import FRICTION_BODY, PULSE_BODY, scenario_dataset
from fakegithub.server import FakeGitHub

from devex_metrics.collect.github import GitHubData
from devex_metrics.config import Config

Scenario = tuple[GitHubData, FakeGitHub]


def collect(
    server: FakeGitHub,
    clock: FakeClock,
    config: Config | None = None,
    repository: str = "octo/app",
    **settings: object,
) -> GitHubData:
    return collect_from(server, clock, config=config, repository=repository, **settings)


def test_deployments_over_the_whole_history_with_first_success(scenario: Scenario) -> None:
    found = {
        d.id: (d.environment, d.created_at, d.first_success_at)
        for d in scenario[0].github_deployments
    }
    assert found == {
        1: ("production", day(-100), day(-100) + timedelta(minutes=5)),
        2: ("Production", day(20), day(20.02)),
        3: ("staging", day(21), None),
        4: ("production", day(40), None),
        5: ("production", day(45), day(45) + timedelta(minutes=1)),
        6: ("", day(50), None),
    }
    assert [d.sha for d in scenario[0].github_deployments][:2] == [sha_of("d1"), sha_of("d2")]


def test_deployment_statuses_are_paginated_for_that_deployment_only(scenario: Scenario) -> None:
    assert scenario[1].kinds()["graphql:DeploymentStatuses"] == 1


def test_releases_keep_drafts_and_prereleases(scenario: Scenario) -> None:
    found = [
        (r.tag_name, r.sha, r.published_at, r.draft, r.prerelease) for r in scenario[0].releases
    ]
    assert found == [
        ("v1.0.0", sha_of("r1"), day(-10), False, False),
        ("v1.1.0-rc.1", sha_of("r2"), day(30), False, True),
        ("v1.1.0", None, None, True, False),
        ("v1.0.1", sha_of("r3"), day(46), False, False),
    ]


def test_workflow_runs_created_in_the_range(scenario: Scenario) -> None:
    runs = scenario[0].workflow_runs
    assert [r.id for r in runs] == [2, 3, 6, 4, 5]
    by_id = {r.id: r for r in runs}
    assert by_id[6].workflow_path == ".github/workflows/deploy.yml"
    assert (by_id[6].head_branch, by_id[6].event) == (None, "workflow_dispatch")
    assert (by_id[5].status, by_id[5].conclusion, by_id[5].run_started_at) == ("queued", None, None)
    assert (by_id[3].conclusion, by_id[3].workflow_name) == ("failure", "CI")


@pytest.mark.parametrize(
    ("number", "root_cause", "why"),
    [
        (101, "abcdef1234567", "label-case-insensitive-sha-lowercased"),
        (102, None, "no-root-cause"),
        (103, "0123456789abcdef0123456789abcdef01234567", "backticked-full-sha"),
        (107, None, "not-a-sha"),
    ],
)
def test_incidents_keep_only_the_root_cause(
    scenario: Scenario, number: int, root_cause: str | None, why: str
) -> None:
    incidents = {i.number: i for i in scenario[0].incidents}
    assert incidents[number].root_cause_sha == root_cause, why


def test_incident_times_and_filters(scenario: Scenario) -> None:
    incidents = {i.number: i for i in scenario[0].incidents}
    assert set(incidents) == {101, 102, 103, 107}  # 106 is a bug, 109 untouched since `since`
    assert (incidents[101].created_at, incidents[101].closed_at) == (day(65), day(70))
    assert incidents[102].closed_at is None


def test_survey_and_friction_issues_are_parsed(scenario: Scenario) -> None:
    pulse = {s.issue_number: s for s in scenario[0].survey_responses}
    assert set(pulse) == {104, 108}
    assert (pulse[104].respondent_login, pulse[104].satisfaction, pulse[104].recommend) == (
        "alice",
        4,
        9,
    )
    assert (pulse[104].burnout, pulse[104].flow_days, pulse[104].cognitive_load) == ("Rarely", 3, 2)
    assert (pulse[108].respondent_login, pulse[108].respondent_is_bot) == ("dependabot[bot]", True)
    (friction,) = scenario[0].friction_reports
    assert (
        friction.issue_number,
        friction.reporter_login,
        friction.category,
        friction.time_lost,
    ) == (
        105,
        "bob",
        "Build & CI",
        "1-4 hours",
    )


def test_no_issue_text_reaches_the_records(scenario: Scenario) -> None:
    text = repr(scenario[0])
    for fragment in ("flaky suite", "Outage", "bad config", "No root cause known", "slow"):
        assert fragment not in text


def test_commit_email_links(scenario: Scenario) -> None:
    assert scenario[0].email_logins == {"alice@example.com": "alice", "bob@example.com": "bob"}


def test_sbom_is_passed_through(scenario: Scenario) -> None:
    assert scenario[0].spdx_sbom == SBOM_DOCUMENT
    assert scenario[0].default_branch == "main"
    assert not scenario[0].partial


@pytest.mark.parametrize("status", [403, 404])
def test_sbom_unavailable_is_none(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock, status: int
) -> None:
    server = fake_github(scenario_dataset(), sbom_status=status)
    data = collect(server, clock)
    assert data.spdx_sbom is None
    assert data.pull_requests and not data.partial


def test_surveys_from_another_repository(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock
) -> None:
    surveys = Repo(
        "octo",
        "surveys",
        issues=[
            Issue(1, BOB, ["DevEx-Pulse"], PULSE_BODY, day(3), day(3)),
            Issue(2, ALICE, ["devex-friction"], FRICTION_BODY, day(4), day(4)),
            Issue(3, ALICE, ["incident"], "root cause: abcdef0", day(5), day(5)),
        ],
    )
    server = fake_github(scenario_dataset(), surveys)
    data = collect(
        server, clock, Config.model_validate({"surveys": {"repository": "octo/surveys"}})
    )
    assert [(s.issue_number, s.respondent_login) for s in data.survey_responses] == [(1, "bob")]
    assert [(f.issue_number, f.reporter_login) for f in data.friction_reports] == [(2, "alice")]
    assert {i.number for i in data.incidents} == {
        101,
        102,
        103,
        107,
    }  # incidents stay with the repository
    assert server.graphql_errors == []


def test_enterprise_server_paths(fake_github: Callable[..., FakeGitHub], clock: FakeClock) -> None:
    server = fake_github(scenario_dataset(), prefix="/api/v3")
    assert server.url.endswith("/api/v3") and server.graphql_url.endswith("/api/graphql")
    data = collect(server, clock)
    assert len(data.pull_requests) == 13 and len(data.workflow_runs) == 5 and data.spdx_sbom


def test_configured_default_branch_is_used(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock
) -> None:
    server = fake_github(scenario_dataset())
    data = collect(server, clock, Config.model_validate({"default_branch": "release/1.x"}))
    assert data.default_branch == "release/1.x"
    assert [p.number for p in data.pull_requests] == [10]
    assert data.email_logins == {}  # no history for a branch GitHub does not know
    assert server.graphql_errors == []


def test_more_than_a_thousand_runs_in_a_window(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock
) -> None:
    repo = large_dataset(pulls=0, runs=2600, commits=0)
    repo.runs += [
        repo.runs[-1].__class__(**{**vars(repo.runs[-1]), "id": 90_000 + k}) for k in range(3)
    ]
    server = fake_github(repo)
    data = collect(server, clock, repository="octo/busy")
    expected = sorted((r.created_at, r.id) for r in repo.runs if SINCE <= r.created_at < NOW)
    assert [(r.created_at, r.id) for r in data.workflow_runs] == expected
    assert len(expected) == 2603
    assert all(r.status != 422 for r in server.requests)
    assert server.count("rest") <= 2603 // 100 + 12  # pages plus a few over-cap probes


def test_a_thousand_runs_in_one_second_is_truncated_not_failed(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock
) -> None:
    repo = large_dataset(pulls=0, runs=1, commits=0)
    template = repo.runs[0]
    moment = NOW - timedelta(days=1)
    repo.runs = [
        template.__class__(**{**vars(template), "id": k, "created_at": moment})
        for k in range(1, 1101)
    ]
    server = fake_github(repo)
    data = collect(server, clock, repository="octo/busy")
    assert len(data.workflow_runs) == 1000
    assert all(r.status != 422 for r in server.requests)


def test_debug_logs_hold_no_issue_text_and_no_token(
    fake_github: Callable[..., FakeGitHub], clock: FakeClock, logs: pytest.LogCaptureFixture
) -> None:
    server = fake_github(scenario_dataset())
    # even when a --debug run lowers PyGithub's own logger, which logs response bodies
    with logs.at_level(logging.DEBUG, logger="github"):
        data = collect(server, clock)
    assert data.survey_responses and "GET /repos/octo/app/actions/runs → 200" in logs.text
    assert "GitHub pull requests:" in logs.text
    for secret in ("test-token", "flaky suite", "Outage", "bad config", "alice@example.com"):
        assert secret not in logs.text
