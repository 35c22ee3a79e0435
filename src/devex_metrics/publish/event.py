"""The event that started the run (``GITHUB_EVENT_NAME``, ``GITHUB_EVENT_PATH``) and
the facts of one pull request.

Only what publish needs is read from the payload: the pull request's number, its
head and base repositories (a head in another repository is a fork, whose
`pull_request` runs get a read-only token), its size and times. The author's login
is kept only to tell the author's own reviews apart; it is never rendered.

Time to first review of this pull request follows the qualifying-review rule of
SPEC §6 (a human other than the author, not opted out, state not PENDING), measured
from when the pull request was opened: the event payload does not say when a
draft became ready, and one more request (the timeline) is not worth it for a fact
the comment labels plainly.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from devex_metrics.collect.github.convert import parse_optional_time
from devex_metrics.derive.people import People
from devex_metrics.errors import UsageError
from devex_metrics.reporters.pr_comment import PullFacts, PullState

PULL_EVENTS = ("pull_request", "pull_request_target")
COMMIT_EVENTS = ("schedule", "workflow_dispatch", "push")


@dataclass(frozen=True)
class PullRequest:
    number: int
    author: str | None
    created_at: datetime | None
    state: PullState
    ended_at: datetime | None  # merged or closed
    additions: int | None
    deletions: int | None
    changed_files: int | None
    head_sha: str | None
    from_fork: bool


@dataclass(frozen=True)
class Event:
    """`name` is empty outside Actions; `workflow_run_head_sha` is set for `workflow_run`."""

    name: str
    pull_request: PullRequest | None = None
    workflow_run_head_sha: str | None = None


def parse_time(value: object) -> datetime | None:
    """An event payload's timestamp, or None when absent (GitHub's format, via collect)."""
    return parse_optional_time(value) if isinstance(value, str) else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _repo_name(side: object) -> str | None:
    repo = side.get("repo") if isinstance(side, Mapping) else None
    name = repo.get("full_name") if isinstance(repo, Mapping) else None
    return name.lower() if isinstance(name, str) else None


def pull_from_payload(data: Mapping[str, Any]) -> PullRequest:
    """A pull request object as GitHub sends it (webhook payload or `GET /pulls/{n}`)."""
    head, base = data.get("head"), data.get("base")
    head_repo, base_repo = _repo_name(head), _repo_name(base)
    merged_at, closed_at = parse_time(data.get("merged_at")), parse_time(data.get("closed_at"))
    state: PullState = "open"
    if merged_at is not None:
        state = "merged"
    elif closed_at is not None or data.get("state") == "closed":
        state = "closed"
    elif data.get("draft"):
        state = "draft"
    user = data.get("user")
    number = _int(data.get("number"))
    if number is None:
        raise ValueError("the pull request has no number")
    return PullRequest(
        number=number,
        author=user.get("login") if isinstance(user, Mapping) else None,
        created_at=parse_time(data.get("created_at")),
        state=state,
        ended_at=merged_at or closed_at,
        additions=_int(data.get("additions")),
        deletions=_int(data.get("deletions")),
        changed_files=_int(data.get("changed_files")),
        head_sha=head.get("sha") if isinstance(head, Mapping) else None,
        # a deleted fork leaves `head.repo` null: still not this repository
        from_fork=head_repo != base_repo,
    )


def read_event(env: Mapping[str, str]) -> Event:
    """The event of this run; exit 2 when `GITHUB_EVENT_PATH` names an unreadable file."""
    name = env.get("GITHUB_EVENT_NAME", "")
    path = env.get("GITHUB_EVENT_PATH", "")
    if not path:
        return Event(name)
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"GITHUB_EVENT_PATH {path}: cannot read the event payload ({exc}). "
                         "Run inside GitHub Actions or unset the variable.") from None  # fmt: skip
    if not isinstance(payload, dict):
        return Event(name)
    pull = payload.get("pull_request")
    if name in PULL_EVENTS and isinstance(pull, dict):
        try:
            return Event(name, pull_from_payload(pull))
        except ValueError as exc:
            raise UsageError(
                f"GITHUB_EVENT_PATH {path}: not a {name} payload ({exc}). "
                "Point it at the event file GitHub Actions wrote."
            ) from None
    run = payload.get("workflow_run")
    if name == "workflow_run" and isinstance(run, dict):
        head_sha = run.get("head_sha")
        return Event(name, workflow_run_head_sha=head_sha if isinstance(head_sha, str) else None)
    return Event(name)


def first_review_at(
    pull: PullRequest, reviews: Iterable[Mapping[str, Any]], people: People
) -> datetime | None:
    """When the first qualifying review of `pull` was submitted, or None."""
    author = (pull.author or "").lower()
    times: list[datetime] = []
    for review in reviews:
        user = review.get("user")
        submitted = parse_time(review.get("submitted_at"))
        if not isinstance(user, Mapping) or submitted is None or review.get("state") == "PENDING":
            continue
        login = str(user.get("login") or "")
        if not login or login.lower() == author:
            continue
        if people.from_login(login, is_bot=user.get("type") == "Bot").counted:
            times.append(submitted)
    return min(times, default=None)


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max((end - start).total_seconds() / 3600, 0.0)


def pull_facts(pull: PullRequest, first_review: datetime | None, now: datetime) -> PullFacts:
    """The facts the comment shows, as of `now`."""
    if first_review is not None and pull.ended_at is not None and first_review > pull.ended_at:
        first_review = None  # a review after the merge did not review the change in time
    return PullFacts(
        number=pull.number,
        state=pull.state,
        additions=pull.additions,
        deletions=pull.deletions,
        changed_files=pull.changed_files,
        age_hours=_hours(pull.created_at, pull.ended_at or now),
        first_review_hours=_hours(pull.created_at, first_review),
        reviewed=first_review is not None,
    )
