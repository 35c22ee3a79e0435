"""`publish --record-surveys` (and `surveys.record`): after the commit, the survey issues
the report counted are labelled `devex-recorded`, closed and locked — only those
created before the window's end, never twice, never on pull requests or in a dry
run, and a token without `issues: write` is a warning, not a failure."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from fakegithub.dataset import ALICE, BOB, CAROL, Issue, Pull, Repo
from fakegithub.issues_rest import IssuesApi
from publish_helpers import ACTIONS_TOKEN, REPOSITORY, Hub, publish
from test_publish_fake_shapes import validate

from devex_metrics.reporters.metrics_json import load_metrics_json

PULSE, FRICTION, RECORDED = "devex-pulse", "devex-friction", "devex-recorded"
FREE_TEXT = "I-WOULD-RATHER-NOBODY-READ-THIS"
WINDOW_END = datetime(2026, 1, 13, tzinfo=UTC)  # the `current` report's window: Jan 3 to 13
COUNTED = [1, 2, 3, 9]  # the issues the fixture's report counted
ALL_RECORDED = [1, 2, 3, 5, 9]  # and 5, recorded before
R = "/repos/{owner}/{repo}"


def _issue(number: int, labels: list[str], days: float, closed: bool = False) -> Issue:
    created = WINDOW_END - timedelta(days=days)
    return Issue(number, (ALICE, BOB, CAROL)[number % 3], labels,
                 f"### Satisfaction\n\n4 - Satisfied\n\n### What slowed you down?\n\n{FREE_TEXT}",
                 created, created, closed_at=created if closed else None)  # fmt: skip


def survey_repo(full_name: str = REPOSITORY) -> Repo:
    owner, name = full_name.split("/")
    labelled_pull = Pull(8, ALICE, WINDOW_END - timedelta(days=8), WINDOW_END, labels=[PULSE])
    return Repo(owner, name, pulls=[labelled_pull], issues=[
        _issue(1, [PULSE], 8),
        _issue(2, [FRICTION, "ci"], 3),
        _issue(3, [PULSE, FRICTION], 5),  # both labels: recorded once
        _issue(4, [PULSE], -1),  # created after the window's end: the next report's
        _issue(5, [PULSE, RECORDED], 9),  # recorded already (and reopened)
        _issue(6, [PULSE], 7, closed=True),
        _issue(7, ["bug"], 6),
        _issue(9, [FRICTION], 24),  # before the window's start: still never recorded
    ])  # fmt: skip


def read_github(out: Path, *, partial: bool = False) -> Path:
    """Make the fixture's offline `metrics.json` one of a report that read GitHub."""
    path = out / "metrics.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["sources"]["data"].append({"name": "github", "requests": 12})
    document["partial"] = partial
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    load_metrics_json(path.read_text(encoding="utf-8"))  # still a valid document
    return out


@pytest.fixture
def surveys(hub: Hub) -> Iterator[Callable[..., IssuesApi]]:
    """Mount the survey issues of `repository` on the hub's server; `access` is the
    Actions token's (None: it cannot see the repository)."""
    mounted: list[IssuesApi] = []

    def mount(
        repository: str = REPOSITORY, access: str | None = "write", repo: Repo | None = None
    ) -> IssuesApi:
        tokens = {ACTIONS_TOKEN: access} if access else {}
        issues = IssuesApi(repo or survey_repo(repository), access=tokens)
        hub.server.mount(issues)
        mounted.append(issues)
        return issues

    yield mount
    for issues in mounted:
        assert issues.invalid_requests == [], "publish sent a body GitHub would reject"


def issue_requests(hub: Hub, repository: str = REPOSITORY) -> list[tuple[str, str]]:
    prefix = f"/repos/{repository}/issues"
    return [(r.method, r.path) for r in hub.server.requests if r.path.startswith(prefix)]


def recorded(issues: IssuesApi) -> list[int]:
    return sorted(n for n, s in issues.states.items() if RECORDED in s.labels)


def test_records_the_counted_issues_after_a_scheduled_publish(
    hub: Hub,
    out: Path,
    surveys: Callable[..., IssuesApi],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    issues = surveys()
    summary = tmp_path / "summary.md"
    env = hub.env(GITHUB_EVENT_NAME="schedule", GITHUB_STEP_SUMMARY=str(summary))
    with caplog.at_level(logging.DEBUG):
        assert publish(["--out", str(read_github(out)), "--record-surveys"], env) == 0
    assert len(hub.commits()) == 1
    assert recorded(issues) == ALL_RECORDED  # 5 was recorded before this run
    for number in COUNTED:
        state = issues.states[number]
        assert (state.state, state.state_reason) == ("closed", "completed")
        assert (state.locked, state.lock_reason) == (True, "resolved")
    assert issues.states[2].labels == [FRICTION, "ci", RECORDED]  # existing labels kept
    for number in (4, 5, 7, 8):  # after the window, recorded already, not a survey, a PR
        assert issues.states[number].state == "open" and not issues.states[number].locked
    # two listings (one per label), then a PATCH and a PUT per issue
    assert len(issue_requests(hub)) == 2 + 2 * len(COUNTED)
    assert [m for m, _ in issue_requests(hub)].count("GET") == 2
    line = "survey issues recorded in octo/app: 4 labelled `devex-recorded`, closed and locked"
    captured = capsys.readouterr()
    assert f"devex-metrics: {line} (8 writes)" in captured.out
    assert line in summary.read_text(encoding="utf-8")
    for text in (captured.out, captured.err, caplog.text, summary.read_text(encoding="utf-8")):
        assert FREE_TEXT not in text and "Survey response" not in text  # bodies, titles


def test_a_second_run_finds_nothing_more_to_record(
    hub: Hub, out: Path, surveys: Callable[..., IssuesApi], capsys: pytest.CaptureFixture[str]
) -> None:
    issues = surveys()
    env = hub.env(GITHUB_EVENT_NAME="schedule")
    argv = ["--out", str(read_github(out)), "--record-surveys"]
    assert publish(argv, env) == 0
    before = len(hub.server.requests)
    assert publish(argv, env) == 0  # report unchanged, already recorded: listings only
    assert recorded(issues) == ALL_RECORDED
    assert [r.method for r in hub.server.requests[before:] if "/issues" in r.path] == ["GET"] * 2
    assert "survey issues: none to record in octo/app" in capsys.readouterr().out


def test_config_record_and_a_survey_repository(
    hub: Hub, out: Path, surveys: Callable[..., IssuesApi], tmp_path: Path
) -> None:
    elsewhere = surveys("octo/surveys")
    here = surveys()
    config = tmp_path / "config.yml"
    config.write_text("surveys:\n  record: true\n  repository: octo/surveys\n", encoding="utf-8")
    argv = ["--out", str(read_github(out)), "--config", str(config)]
    assert publish(argv, hub.env(GITHUB_EVENT_NAME="schedule")) == 0
    assert recorded(elsewhere) == ALL_RECORDED
    assert recorded(here) == [5] and issue_requests(hub) == []


@pytest.mark.parametrize(
    ("event", "commit"),
    [("pull_request", "auto"), ("pull_request", "always"), ("schedule", "never")],
    ids=["pull-request", "pull-request-commit-always", "no-commit"],
)
def test_never_without_a_commit_nor_on_pull_requests(
    hub: Hub, out: Path, surveys: Callable[..., IssuesApi], event: str, commit: str
) -> None:
    issues = surveys()
    env = hub.env(GITHUB_EVENT_NAME=event)
    argv = ["--out", str(read_github(out)), "--record-surveys", "--commit", commit,
            "--pr-comment", "never"]  # fmt: skip
    assert publish(argv, env) == 0
    assert issue_requests(hub) == [] and recorded(issues) == [5]


def test_off_by_default(hub: Hub, out: Path, surveys: Callable[..., IssuesApi]) -> None:
    issues = surveys()
    assert publish(["--out", str(read_github(out))], hub.env(GITHUB_EVENT_NAME="schedule")) == 0
    assert len(hub.commits()) == 1
    assert issue_requests(hub) == [] and recorded(issues) == [5]


@pytest.mark.parametrize("partial", [None, True], ids=["offline-report", "partial-report"])
def test_not_after_a_report_that_did_not_read_every_issue(
    hub: Hub,
    out: Path,
    surveys: Callable[..., IssuesApi],
    partial: bool | None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    issues = surveys()
    folder = out if partial is None else read_github(out, partial=True)
    assert (
        publish(["--out", str(folder), "--record-surveys"], hub.env(GITHUB_EVENT_NAME="schedule"))
        == 0
    )
    assert issue_requests(hub) == [] and recorded(issues) == [5]
    reason = "did not read GitHub" if partial is None else "partial"
    assert reason in capsys.readouterr().out


@pytest.mark.parametrize(
    ("repository", "status"), [(REPOSITORY, 403), ("octo/surveys", 404)], ids=["read", "unseen"]
)
def test_a_token_without_issues_write_warns_and_exits_0(
    hub: Hub,
    out: Path,
    surveys: Callable[..., IssuesApi],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    repository: str,
    status: int,
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")  # annotations are written in Actions only
    issues = surveys(repository, access="read" if status == 403 else None)
    config = tmp_path / "config.yml"
    config.write_text(f"surveys:\n  record: true\n  repository: {repository}\n", encoding="utf-8")
    env = hub.env(GITHUB_EVENT_NAME="schedule")
    assert publish(["--out", str(read_github(out)), "--config", str(config)], env) == 0
    assert len(hub.commits()) == 1  # the report is published all the same
    assert recorded(issues) == [5]
    err = capsys.readouterr().err
    assert err.count("::warning") == 1 and "issues: write" in err and f"HTTP {status}" in err
    writes = [m for m, _ in issue_requests(hub, repository) if m != "GET"]
    assert writes == (["PATCH"] if status == 403 else [])  # stopped at the first refusal


def test_dry_run_says_what_it_would_record_and_sends_nothing(
    hub: Hub, out: Path, surveys: Callable[..., IssuesApi], capsys: pytest.CaptureFixture[str]
) -> None:
    issues = surveys()
    env = hub.env(GITHUB_EVENT_NAME="schedule")
    assert publish(["--out", str(read_github(out)), "--record-surveys", "--dry-run"], env) == 0
    assert hub.server.requests == [] and recorded(issues) == [5]
    assert ("survey issues: yes, after the commit: open issues in octo/app labelled "
            "`devex-pulse` or `devex-friction` and created before 2026-01-13 00:00 UTC get "
            "`devex-recorded`") in capsys.readouterr().out  # fmt: skip
    pull = hub.env(GITHUB_EVENT_NAME="pull_request")
    assert publish(["--out", str(out), "--record-surveys", "--dry-run"], pull) == 0
    assert "survey issues: not recorded (only a run that commits" in capsys.readouterr().out


def test_every_page_is_listed_before_the_first_write(
    hub: Hub, out: Path, surveys: Callable[..., IssuesApi]
) -> None:
    repo = survey_repo()
    for number in range(100, 205):  # 105 more pulse issues: two pages of the listing
        repo.issues.append(_issue(number, [PULSE], 1 + number / 1000))
    issues = surveys(repo=repo)
    env = hub.env(GITHUB_EVENT_NAME="schedule")
    assert publish(["--out", str(read_github(out)), "--record-surveys"], env) == 0
    assert recorded(issues) == [*ALL_RECORDED, *range(100, 205)]
    methods = [m for m, _ in issue_requests(hub)]
    assert methods[:3] == ["GET"] * 3 and methods.count("GET") == 3  # 2 pages, then 1
    assert len(methods) == 3 + 2 * (len(COUNTED) + 105)


# -- the fake's issues answer in GitHub's shapes ----------------------------------------


def test_fake_issues_listing_and_writes_validate(
    hub: Hub, surveys: Callable[..., IssuesApi]
) -> None:
    surveys()
    base = f"{hub.server.url}/repos/{REPOSITORY}/issues"
    auth = {"Authorization": f"token {ACTIONS_TOKEN}"}
    listing = requests.get(base, params={"labels": PULSE, "per_page": 2}, headers=auth, timeout=10)
    validate(f"{R}/issues", "get", 200, listing.json())
    assert [i["number"] for i in listing.json()] == [4, 3]  # newest first, open only
    assert 'rel="next"' in listing.headers["link"]
    both = requests.get(base, params={"labels": f"{PULSE},{FRICTION}"}, headers=auth, timeout=10)
    assert [i["number"] for i in both.json()] == [3]  # `labels` wants every label it names
    every = requests.get(base, params={"labels": PULSE, "state": "all"}, headers=auth, timeout=10)
    numbers = {i["number"]: i for i in every.json()}
    assert set(numbers) == {1, 3, 4, 5, 6, 8} and "pull_request" in numbers[8]
    assert "pull_request" not in numbers[1]
    patched = requests.patch(f"{base}/1", json={"labels": [PULSE, RECORDED], "state": "closed",
                             "state_reason": "completed"}, headers=auth, timeout=10)  # fmt: skip
    validate(f"{R}/issues/{{issue_number}}", "patch", 200, patched.json())
    assert patched.json()["state"] == "closed" and patched.json()["closed_at"]
    lock = requests.put(f"{base}/1/lock", json={"lock_reason": "resolved"}, headers=auth,
                        timeout=10)  # fmt: skip
    assert lock.status_code == 204 and lock.content == b""
    one = requests.get(f"{base}/1", headers=auth, timeout=10).json()
    assert one["locked"] is True and one["active_lock_reason"] == "resolved"


def test_fake_refuses_bad_bodies_and_read_only_tokens(
    hub: Hub, surveys: Callable[..., IssuesApi]
) -> None:
    issues = surveys(access="read")
    base = f"{hub.server.url}/repos/{REPOSITORY}/issues"
    auth = {"Authorization": f"token {ACTIONS_TOKEN}"}
    bad = requests.put(f"{base}/1/lock", json={"lock_reason": "done"}, headers=auth, timeout=10)
    assert bad.status_code == 422
    wrong = requests.patch(f"{base}/1", json={"state": "shut"}, headers=auth, timeout=10)
    assert wrong.status_code == 422
    assert len(issues.invalid_requests) == 2
    issues.invalid_requests.clear()  # the fixture asserts publish never sends one
    refused = requests.patch(f"{base}/1", json={"state": "closed"}, headers=auth, timeout=10)
    assert refused.status_code == 403
    validate(f"{R}/issues/{{issue_number}}", "patch", 403, refused.json())
