"""Deployment sources and failure signals that need GitHub records (SPEC §5):
GitHub Deployments, releases, deploy-workflow runs, `auto`, incidents (window and
`root cause:`), hotfix PRs by label and head branch, squash-merge change time, and
rework from PRs that close incidents. Commits come from a real git repository."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from gitrepo import GitRepo, at

from devex_metrics.collect import CollectRequest, collect_git
from devex_metrics.config import Config, parse_config
from devex_metrics.derive import derive_facts
from devex_metrics.derive.people import OptOut
from devex_metrics.metrics import compute_metrics
from devex_metrics.metrics.result import MetricSet
from devex_metrics.model import (
    Dataset,
    GitHubDeployment,
    Incident,
    PullRequest,
    Release,
    Window,
    WorkflowRun,
)

WINDOW = Window(at(0), at(30))


def measure(repo: GitRepo, config: dict[str, Any] | None = None, **github: Any) -> MetricSet:
    cfg = parse_config(config, "test") if config else Config()
    base = collect_git(CollectRequest(repo=repo.path, config=cfg, dependencies=False))
    dataset: Dataset = replace(base, **github)
    facts = derive_facts(dataset, cfg, OptOut(()))
    return compute_metrics(dataset, cfg, facts, WINDOW)


def deployment(
    i: int, sha: str, when: datetime | None, env: str = "production"
) -> GitHubDeployment:
    return GitHubDeployment(i, sha, env, when or at(0), when)


def pull(
    number: int,
    merge_sha: str | None,
    *,
    merged: datetime,
    labels: tuple[str, ...] = (),
    head: str = "feature/x",
    first_author: datetime | None = None,
    closes: tuple[int, ...] = (),
) -> PullRequest:
    return PullRequest(number, "ann", False, "main", head, at(0), at(0), merged, merge_sha, 1, 1,
                       labels, (), first_author, closes, ())  # fmt: skip


@pytest.fixture
def three(repo: GitRepo) -> list[str]:
    """Three commits on main, one a day."""
    return [repo.commit(f"c{i}", at(i + 1)) for i in range(3)]


def test_github_deployments_need_a_success_in_a_matching_environment(
    repo: GitRepo, three: list[str]
) -> None:
    deployments = (
        deployment(1, three[0], at(1, hours=1)),
        deployment(2, three[1], at(2, hours=1), env="Production"),  # case-insensitive
        deployment(3, three[2], None),  # never succeeded
        deployment(4, three[2], at(3, hours=1), env="staging"),
    )
    metrics = measure(repo, github_deployments=deployments)
    assert metrics.deployment_source == "github"
    assert [e.ref for e in metrics.deployments] == ["1", "2"]
    assert metrics.results["dora.lead_time"].value == 1.0  # c1 → deployment 2, one hour


def test_github_redeploy_is_not_merged_and_ships_nothing(repo: GitRepo, three: list[str]) -> None:
    deployments = (deployment(1, three[0], at(1, hours=1)), deployment(2, three[0], at(2)))
    events = measure(repo, github_deployments=deployments).deployments
    assert [e.changes for e in events] == [1, 0]


def test_releases_skip_drafts_and_prereleases(repo: GitRepo, three: list[str]) -> None:
    releases = (
        Release("v1", three[0], at(1, hours=2), False, False),
        Release("v2-rc", three[1], at(2, hours=2), False, True),
        Release("v2", three[2], None, True, False),
        Release("v3", three[2], at(3, hours=4), False, False),
    )
    metrics = measure(repo, releases=releases)
    assert metrics.deployment_source == "releases"
    assert [e.ref for e in metrics.deployments] == ["v1", "v3"]


def test_workflow_source_counts_successful_default_branch_runs(
    repo: GitRepo, three: list[str]
) -> None:
    def run(i: int, sha: str, conclusion: str, branch: str = "main") -> WorkflowRun:
        return WorkflowRun(i, "Deploy", ".github/workflows/deploy.yml", "push", branch, sha,
                           "completed", conclusion, at(i), at(i), at(i, hours=1))  # fmt: skip

    runs = (run(1, three[0], "success"), run(2, three[1], "failure"),
            run(3, three[2], "success", branch="other"), run(4, three[2], "success"))  # fmt: skip
    metrics = measure(repo, {"deployments": {"source": "workflow", "workflow": "deploy.yml"}},
                      workflow_runs=runs)  # fmt: skip
    assert [e.ref for e in metrics.deployments] == ["1", "4"]


def test_auto_prefers_github_then_releases_then_tags(repo: GitRepo, three: list[str]) -> None:
    repo.tag("v9", sha=three[2])
    releases = (Release("v1", three[0], at(1, hours=2), False, False),)
    assert measure(repo, releases=releases).deployment_source == "releases"
    assert measure(repo, releases=()).deployment_source == "tags"


@pytest.mark.parametrize(
    ("created", "root_cause", "failed"),
    [
        pytest.param(at(2, hours=5), None, "2", id="latest-deployment-before"),
        pytest.param(at(12), None, None, id="outside-incident-window"),
        pytest.param(at(3, hours=5), "first", "1", id="root-cause-names-deployment"),
        pytest.param(at(40), None, None, id="created-after-window-end"),
    ],
)
def test_incidents(repo: GitRepo, three: list[str], created: datetime, root_cause: str | None,
                   failed: str | None) -> None:  # fmt: skip
    deployments = tuple(deployment(i + 1, sha, at(i + 1, hours=1)) for i, sha in enumerate(three))
    cause = three[0][:9] if root_cause else None
    incident = Incident(7, created, created.replace(hour=23), cause)
    metrics = measure(repo, github_deployments=deployments, incidents=(incident,))
    failures = [e.ref for e in metrics.deployments if e.failed]
    assert failures == ([failed] if failed else [])
    if failed:
        event = next(e for e in metrics.deployments if e.failed)
        assert event.incident_numbers == (7,) and event.remedy_time == created.replace(hour=23)


def test_open_incident_is_unrecovered(repo: GitRepo, three: list[str]) -> None:
    deployments = tuple(deployment(i + 1, sha, at(i + 1, hours=1)) for i, sha in enumerate(three))
    metrics = measure(repo, github_deployments=deployments,
                      incidents=(Incident(1, at(2, hours=2), None, None),))  # fmt: skip
    assert metrics.results["dora.recovery_time"].details["unrecovered"] == 1


@pytest.mark.parametrize("how", ["label", "head-branch"])
def test_hotfix_pr_marks_previous_shipping_deployment(repo: GitRepo, three: list[str],
                                                      how: str) -> None:  # fmt: skip
    fix = repo.commit("fix", at(4))
    deployments = (*(deployment(i + 1, sha, at(i + 1, hours=1)) for i, sha in enumerate(three)),
                   deployment(9, fix, at(4, hours=1)))  # fmt: skip
    hotfix = pull(5, fix, merged=at(4), labels=("HotFix",) if how == "label" else (),
                  head="hotfix/urgent" if how == "head-branch" else "feature/y")  # fmt: skip
    metrics = measure(repo, github_deployments=deployments, pull_requests=(hotfix,))
    events = {e.ref: e for e in metrics.deployments}
    assert events["3"].failed and events["3"].signals == ("hotfix",)
    assert events["9"].is_remedy


def test_squash_merge_change_time_is_the_prs_first_commit(repo: GitRepo, three: list[str]) -> None:
    squash = repo.commit("squashed PR", at(5))
    deployments = (deployment(1, three[2], at(3, hours=1)), deployment(2, squash, at(6)))
    squashed = pull(3, squash, merged=at(5), first_author=at(4))
    metrics = measure(repo, github_deployments=deployments, pull_requests=(squashed,))
    assert metrics.results["dora.lead_time"].value == 48.0  # from the PR's first commit


def test_pr_closing_an_incident_makes_its_deployment_a_remedy(
    repo: GitRepo, three: list[str]
) -> None:
    fix = repo.commit("fix", at(5))
    deployments = (deployment(1, three[2], at(3, hours=1)), deployment(2, fix, at(6)))
    closing = pull(4, fix, merged=at(5), closes=(11,))
    incidents = (Incident(11, at(4), at(6, hours=1), None),)
    metrics = measure(repo, github_deployments=deployments, pull_requests=(closing,),
                      incidents=incidents)  # fmt: skip
    assert metrics.results["dora.rework_rate"].value == 0.5
