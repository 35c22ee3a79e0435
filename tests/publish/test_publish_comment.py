"""The sticky pull request comment against the fake GitHub: created once, updated in
place, never confused by someone else's copy of the marker, and a read-only token
(a pull request from a fork) is a job summary and exit 0, not a failure."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import responses
from fakegithub.fixtures import FakeClock
from fakegithub.gitdata import (
    ACTIONS_BOT,
    STRANGER,
    USER,
    Account,
    Review,
    pull_payload,
    user_payload,
)
from fakegithub.unit import GRAPHQL, WIRE, make_client
from publish_helpers import (
    ACTIONS_TOKEN,
    FORK_TOKEN,
    REPOSITORY,
    STRANGER_TOKEN,
    USER_TOKEN,
    Hub,
    publish,
)

from devex_metrics.publish.api import Api
from devex_metrics.publish.comment import Identity, token_identity
from devex_metrics.reporters.pr_comment import MARKER

OPENED = datetime(2026, 1, 10, 9, tzinfo=UTC)
AUTHOR = Account("ana", 7)
REVIEWER = Account("ben", 8)


def _event(tmp_path: Path, number: int = 7, **fields: object) -> Path:
    """A `pull_request` event payload, in GitHub's shape."""
    pull = pull_payload(REPOSITORY, number, author=AUTHOR, created_at=OPENED.isoformat(),
                        additions=120, deletions=30, changed_files=4, draft=False,
                        merged_at=None, closed_at=None, state="open", **fields)  # fmt: skip
    payload = {"action": "synchronize", "number": number, "pull_request": pull,
               "repository": {"full_name": REPOSITORY}, "sender": user_payload(AUTHOR)}  # fmt: skip
    path = tmp_path / f"event-{number}.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


def _pr_env(hub: Hub, tmp_path: Path, token: str = ACTIONS_TOKEN, **extra: str) -> dict[str, str]:
    return hub.env(token, GITHUB_EVENT_NAME="pull_request",
                   GITHUB_EVENT_PATH=str(_event(tmp_path)),
                   GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
                   GITHUB_OUTPUT=str(tmp_path / "output"), GITHUB_RUN_ID="99", **extra)  # fmt: skip


def _ours(hub: Hub, login: str = "github-actions[bot]") -> list[str]:
    return [c.body for c in hub.gitdata.comments if c.user.login == login and MARKER in c.body]


def test_comment_is_created_once_then_updated_in_place(hub: Hub, out: Path, tmp_path: Path) -> None:
    env = _pr_env(hub, tmp_path)
    assert publish(["--out", str(out)], env) == 0
    assert len(_ours(hub)) == 1 and "no review yet" in _ours(hub)[0]
    first_id = hub.gitdata.comments[0].id
    hub.gitdata.reviews[7] = [Review(REVIEWER, "APPROVED", OPENED + timedelta(hours=3))]
    assert publish(["--out", str(out)], env) == 0
    assert [c.id for c in hub.gitdata.comments] == [first_id]  # updated, not added
    assert "| Time to first review | 3.0 h after it was opened |" in _ours(hub)[0]
    assert hub.commits() == []  # pull request runs never commit (commit: auto)
    assert "/actions/runs/99" in _ours(hub)[0]


def test_unchanged_body_is_not_rewritten(hub: Hub, out: Path, tmp_path: Path) -> None:
    env = _pr_env(hub, tmp_path)
    assert publish(["--out", str(out)], env) == 0
    before = len(hub.server.requests)
    assert publish(["--out", str(out)], env) == 0
    assert "PATCH" not in [r.method for r in hub.server.requests[before:]]


def test_marker_copied_by_another_user_is_left_alone(hub: Hub, out: Path, tmp_path: Path) -> None:
    planted = hub.gitdata.add_comment(7, f"{MARKER}\nI am not the bot", STRANGER)
    assert publish(["--out", str(out)], _pr_env(hub, tmp_path)) == 0
    assert planted.body == f"{MARKER}\nI am not the bot"
    assert len(_ours(hub)) == 1 and len(hub.gitdata.comments) == 2


def test_user_token_does_not_take_over_the_bots_comment(
    hub: Hub, out: Path, tmp_path: Path
) -> None:
    bots = hub.gitdata.add_comment(7, f"{MARKER}\nold", ACTIONS_BOT)
    assert publish(["--out", str(out)], _pr_env(hub, tmp_path, USER_TOKEN)) == 0
    assert bots.body == f"{MARKER}\nold"
    assert len(_ours(hub, USER.login)) == 1


def test_comments_are_found_across_pages(hub: Hub, out: Path, tmp_path: Path) -> None:
    for index in range(120):
        hub.gitdata.add_comment(7, f"chatter {index}", STRANGER)
    assert publish(["--out", str(out)], _pr_env(hub, tmp_path)) == 0
    assert publish(["--out", str(out)], _pr_env(hub, tmp_path)) == 0
    assert len(_ours(hub)) == 1


def test_read_only_token_writes_the_summary_and_exits_0(
    hub: Hub,
    out: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    env = _pr_env(hub, tmp_path, FORK_TOKEN, GITHUB_ACTIONS="true")
    assert publish(["--out", str(out)], env) == 0
    assert hub.gitdata.comments == []
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith((out / "summary.md").read_text(encoding="utf-8"))
    assert "no pull request comment: the token is read-only" in summary
    assert "::notice title=devex-metrics::no pull request comment" in capsys.readouterr().err
    assert "health-score<<" in (tmp_path / "output").read_text(encoding="utf-8")


def test_first_review_counts_humans_other_than_the_author(
    hub: Hub, out: Path, tmp_path: Path
) -> None:
    hub.gitdata.reviews[7] = [
        Review(AUTHOR, "COMMENTED", OPENED + timedelta(hours=1)),  # the author's own
        Review(ACTIONS_BOT, "COMMENTED", OPENED + timedelta(hours=2)),  # a bot
        Review(REVIEWER, "PENDING", None),  # not submitted
        Review(STRANGER, "CHANGES_REQUESTED", OPENED + timedelta(hours=5)),
    ]
    assert publish(["--out", str(out)], _pr_env(hub, tmp_path)) == 0
    assert "| Time to first review | 5.0 h after it was opened |" in _ours(hub)[0]


def test_opted_out_reviewer_is_not_counted(hub: Hub, out: Path, tmp_path: Path) -> None:
    hub.gitdata.reviews[7] = [Review(STRANGER, "APPROVED", OPENED + timedelta(hours=1))]
    config = tmp_path / "config.yml"
    config.write_text(f"privacy:\n  opt_out: [{STRANGER.login}]\n", encoding="utf-8")
    assert publish(["--out", str(out), "--config", str(config)], _pr_env(hub, tmp_path)) == 0
    assert "no review yet" in _ours(hub)[0]


def _run_env(hub: Hub, tmp_path: Path, head_sha: str) -> dict[str, str]:
    event = tmp_path / "run.json"
    event.write_text(json.dumps({"action": "completed", "workflow_run": {"head_sha": head_sha}}))
    return hub.env(ACTIONS_TOKEN, GITHUB_EVENT_NAME="workflow_run", GITHUB_EVENT_PATH=str(event))


def test_workflow_run_comments_on_the_pr_whose_head_it_built(
    hub: Hub, out: Path, tmp_path: Path
) -> None:
    hub.gitdata.pulls[9] = pull_payload(REPOSITORY, 9, head_sha="a" * 40, fork_of="eve/app",
                                        created_at=OPENED.isoformat())  # fmt: skip
    assert publish(["--out", str(out), "--pr-number", "9"], _run_env(hub, tmp_path, "b" * 40)) == 2
    assert hub.gitdata.comments == []
    assert publish(["--out", str(out), "--pr-number", "9"], _run_env(hub, tmp_path, "a" * 40)) == 0
    assert [c.issue for c in hub.gitdata.comments] == [9]


def test_pr_comment_never_and_always(hub: Hub, out: Path, tmp_path: Path) -> None:
    assert publish(["--out", str(out), "--pr-comment", "never"], _pr_env(hub, tmp_path)) == 0
    assert hub.gitdata.comments == []
    schedule = hub.env(GITHUB_EVENT_NAME="schedule")
    assert (
        publish(["--out", str(out), "--pr-comment", "always", "--commit", "never"], schedule) == 2
    )


def test_stranger_token_identity_is_its_user(hub: Hub) -> None:
    assert token_identity(hub.api(STRANGER_TOKEN)) == Identity("mallory", False)
    assert token_identity(hub.api(ACTIONS_TOKEN)) == Identity("github-actions[bot]", True)


@responses.activate
def test_installation_token_is_identified_by_graphql_viewer() -> None:
    responses.get(f"{WIRE}/user", status=403,
                  json={"message": "Resource not accessible by integration"})  # fmt: skip
    responses.post(GRAPHQL, json={"data": {"viewer": {"login": "devex-app[bot]"}}})
    identity = token_identity(Api(make_client(FakeClock())))
    assert identity == Identity("devex-app[bot]", True)
    bot = {"user": {"login": "devex-app[bot]", "type": "Bot"}}
    human = {"user": {"login": "devex-app", "type": "User"}}
    assert identity.wrote(bot) and not identity.wrote(human)


@responses.activate
def test_identity_falls_back_to_the_actions_bot() -> None:
    responses.get(f"{WIRE}/user", status=403, json={"message": "Resource not accessible"})
    responses.post(GRAPHQL, json={"data": None, "errors": [{"message": "viewer unavailable"}]})
    assert token_identity(Api(make_client(FakeClock()))) == Identity("github-actions[bot]", True)
