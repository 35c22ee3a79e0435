"""`devex-metrics report` with GitHub data, end to end: a real git repository, a fake
GitHub on 127.0.0.1 serving the same history's pull requests, reviews, deployments,
workflow runs and survey issues, and the CLI reading the environment as Actions
sets it. Every GitHub-derived metric of SPEC §6 must be measured (none
`unavailable`), with values computed by hand."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

_TESTS = str(Path(__file__).resolve().parents[1])
if _TESTS not in sys.path:
    sys.path.append(_TESTS)

from fakegithub.dataset import Actor, Commit, Deployment, Issue, Pull, Repo, Review, Run  # noqa: E402
from fakegithub.server import FakeGitHub  # noqa: E402
from gitrepo import GitRepo, at  # noqa: E402

from devex_metrics.cli import main  # noqa: E402

PEOPLE = ["ana", "ben", "cy", "dee", "eli", "fay"]
UNTIL = "2026-01-31"


def _pulse(satisfaction: str, recommend: int) -> str:
    return (
        f"### Satisfaction\n\n{satisfaction}\n\n### Recommend\n\n{recommend}\n\n"
        "### Burnout frequency\n\nRarely\n\n### Flow days last week\n\n3\n\n"
        "### Cognitive load\n\n2 - Low\n\n### What slowed you down?\n\nflaky tests\n"
    )


def _history(repo: GitRepo) -> tuple[list[str], list[Commit]]:
    """Six people each merge one PR (a merge commit on main), one a day."""
    merges: list[str] = []
    linked: list[Commit] = []
    repo.commit("base", at(0), author="Ana <ana@example.com>")
    for i, login in enumerate(PEOPLE):
        branch = f"feature/{login}"
        repo.checkout(branch, create=True)
        sha = repo.commit(f"work of {login}", at(i + 1), author=f"{login} <{login}@example.com>")
        linked.append(Commit(sha, at(i + 1), at(i + 1), f"{login}@example.com", login))
        repo.checkout("main")
        subject = f"Merge pull request #{i + 1} from acme/{branch}"
        merges.append(repo.merge(branch, at(i + 1, hours=6), message=subject))
    return merges, linked


def _dataset(merges: list[str], linked: list[Commit]) -> Repo:
    actors = [Actor(login) for login in PEOPLE]
    pulls = [
        Pull(number=i + 1, author=actors[i], created_at=at(i + 1), updated_at=at(i + 1, hours=6),
             head=f"feature/{PEOPLE[i]}", merged_at=at(i + 1, hours=6), merge_commit=merges[i],
             closed=True, additions=10 * (i + 1), deletions=i, commits=[linked[i]],
             reviews=[Review(actors[(i + 1) % 6], "APPROVED", at(i + 1, hours=2))])
        for i in range(6)
    ]  # fmt: skip
    deployments = [Deployment(100 + i, merges[i], "production", at(i + 1, hours=7),
                              [("SUCCESS", at(i + 1, hours=8))]) for i in range(6)]  # fmt: skip
    runs = [Run(500 + i, "CI", ".github/workflows/ci.yml", "push", "main", merges[i], "completed",
                "success" if i != 2 else "failure", at(i + 1, hours=6), at(i + 1, hours=6),
                at(i + 1, hours=6) + timedelta(minutes=10 + i)) for i in range(6)]  # fmt: skip
    surveys = [Issue(900 + i, actors[i], ["devex-pulse"], _pulse(f"{4 if i < 3 else 5}", 9 + i % 2),
                     at(10 + i), at(10 + i)) for i in range(6)]  # fmt: skip
    history = sorted(linked, key=lambda c: c.committed_at, reverse=True)
    return Repo("acme", "app", history=history, pulls=pulls, issues=surveys,
                deployments=deployments, runs=runs)  # fmt: skip


@pytest.fixture
def served(repo: GitRepo) -> Iterator[FakeGitHub]:
    merges, linked = _history(repo)
    server = FakeGitHub(_dataset(merges, linked)).start()
    try:
        yield server
    finally:
        server.stop()


def _report(repo: GitRepo, server: FakeGitHub, out: Path, monkeypatch: pytest.MonkeyPatch,
            *extra: str) -> tuple[int, dict[str, Any]]:  # fmt: skip
    monkeypatch.setenv("GITHUB_TOKEN", server.token)
    monkeypatch.setenv("GITHUB_API_URL", server.url)
    monkeypatch.setenv("GITHUB_GRAPHQL_URL", server.graphql_url)
    code = main(["-q", "report", "--repo", str(repo.path), "--github", "acme/app", "--out",
                 str(out), "--until", UNTIL, "--window-days", "30", *extra])  # fmt: skip
    return code, json.loads((out / "metrics.json").read_text())


def test_every_github_metric_is_measured(
    repo: GitRepo, served: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, document = _report(repo, served, tmp_path / "out", monkeypatch, "--no-cache")
    assert code == 0
    metrics = document["metrics"]
    unavailable = {mid for mid, m in metrics.items() if m["status"] == "unavailable"}
    assert unavailable == {"space.performance.coverage"}
    assert metrics["dora.deployment_frequency"]["value"] == pytest.approx(6 / (30 / 7))
    assert document["sources"]["deployments"] == "github"
    assert metrics["space.activity.prs_merged"]["value"] == 6
    assert metrics["space.communication.review_coverage"]["value"] == 1.0
    assert metrics["space.communication.time_to_first_review"]["value"] == pytest.approx(2.0)
    assert metrics["space.efficiency.pr_cycle_time"]["value"] == pytest.approx(6.0)
    assert metrics["space.efficiency.pr_size"]["value"] == pytest.approx((32 + 43) / 2)
    assert metrics["space.performance.build_success_rate"]["value"] == pytest.approx(5 / 6)
    assert metrics["space.efficiency.ci_duration"]["value"] == pytest.approx(12.5)
    assert metrics["space.satisfaction.rating"]["value"] == pytest.approx(4.5)
    assert metrics["space.satisfaction.nps"]["value"] == pytest.approx(100.0)
    assert metrics["dora.lead_time"]["value"] == pytest.approx(8.0)  # authored → success
    report = (tmp_path / "out" / "report.md").read_text()
    assert "flaky tests" not in report and "ana@example.com" not in report


def test_second_run_uses_the_cache(
    repo: GitRepo, served: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    first, document = _report(repo, served, tmp_path / "a", monkeypatch)
    requests_first = len(served.requests)
    second, again = _report(repo, served, tmp_path / "b", monkeypatch)
    assert first == second == 0
    # an unchanged repository costs the collector's fixed floor of 4 requests (one per
    # source group), or 5 % of the first run on a large one
    assert len(served.requests) - requests_first <= max(4, requests_first // 20)
    assert again["metrics"] == document["metrics"]
    assert (tmp_path / ".devex-metrics-cache").is_dir()


def test_without_a_token_the_report_is_git_only(
    repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("x", at(1))
    code = main(["report", "--repo", str(repo.path), "--github", "acme/app", "--out",
                 str(tmp_path / "o"), "--until", UNTIL])  # fmt: skip
    assert code == 0
    assert "no GitHub data" in capsys.readouterr().err
    metrics = json.loads((tmp_path / "o" / "metrics.json").read_text())["metrics"]
    assert metrics["space.activity.prs_merged"]["status"] == "unavailable"


def test_partial_data_exits_1_with_the_report_written(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    merges, linked = _history(repo)
    server = FakeGitHub(_dataset(merges, linked), quota=1, reset_after=10_000).start()
    try:
        code, document = _report(repo, server, tmp_path / "out", monkeypatch, "--no-cache")
    finally:
        server.stop()
    assert code == 1
    assert document["partial"] is True
