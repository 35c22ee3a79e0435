"""The fake GitHub's REST issues, for publish's survey recording: the issues listing
(``GET /repos/{o}/{r}/issues`` with the `labels`, `state`, `sort`, `direction` and
paging parameters, `Link` pages), one issue (``GET``/``PATCH``) and its lock
(``PUT .../lock`` → 204).

Mount it on a `FakeGitHub` (`server.mount(IssuesApi(repo, access={...}))`). The
issues are a data set `Repo`'s `dataset.Issue`s, plus its pull requests that carry
labels, since GitHub's issues listing returns pull requests too (with a
`pull_request` key). What those plain records lack — open or closed, the state
reason, the lock, labels changed by a write — lives here in `IssueState`, so the
collector's data set stays as it is.

Payloads are rendered from the `issue` example of GitHub's REST description with
the fields that matter overridden; the `PATCH` body is validated against that
description's request schema, and the lock body against GitHub's documented
`lock_reason` values (the description copy has no lock path). An invalid body gets
GitHub's 422 and is recorded in `invalid_requests`.

`access` maps tokens to ``"write"`` (`issues: write`) or ``"read"`` (writes answer
403 "Resource not accessible by integration", like a job without `issues: write`);
a token the server knows from another mount but `access` does not name gets 404,
as for a private repository the token cannot see.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fakegithub.conversations import (
    API,
    FORBIDDEN,
    Account,
    example,
    invalid,
    iso,
    request_problem,
    user_payload,
)
from fakegithub.dataset import Actor, Issue, Pull, Repo
from fakegithub.rest import NOT_FOUND, link_header
from fakegithub.server import Response

ISSUE_TEMPLATE = "/repos/{owner}/{repo}/issues/{issue_number}"
LOCK_REASONS = ("off-topic", "too heated", "resolved", "spam")
GHOST = Actor("ghost")  # GitHub's stand-in for a deleted account


@dataclass
class IssueState:
    """The mutable side of one issue or pull request."""

    labels: list[str]
    state: str = "open"
    state_reason: str | None = None
    closed_at: datetime | None = None
    locked: bool = False
    lock_reason: str | None = None
    updated_at: datetime | None = None


def _account(actor: Actor | None) -> Account:
    actor = actor or GHOST
    number = int(hashlib.sha256(actor.login.encode()).hexdigest()[:6], 16)
    return Account(actor.login, number, actor.type)


def _label_payload(full_name: str, name: str) -> dict[str, Any]:
    number = int(hashlib.sha256(name.lower().encode()).hexdigest()[:8], 16)
    return {
        "id": number,
        "node_id": f"LA_{number}",
        "url": f"{API}/repos/{full_name}/labels/{name}",
        "name": name,
        "description": None,
        "color": "ededed",
        "default": False,
    }


@dataclass
class IssuesApi:
    """Issue routes for the repository `repo` (its `issues` and labelled `pulls`)."""

    repo: Repo
    access: dict[str, str] = field(default_factory=lambda: {"test-token": "write"})
    clock: Callable[[], float] = time.time
    states: dict[int, IssueState] = field(default_factory=dict)
    invalid_requests: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        for issue in self.repo.issues:
            closed = issue.closed_at is not None
            self.states.setdefault(issue.number, IssueState(
                list(issue.labels), "closed" if closed else "open",
                "completed" if closed else None, issue.closed_at))  # fmt: skip
        for pull in self.repo.pulls:
            self.states.setdefault(pull.number, IssueState(list(pull.labels),
                                   "closed" if pull.closed else "open"))  # fmt: skip

    @property
    def tokens(self) -> set[str]:
        return set(self.access)

    @property
    def full_name(self) -> str:
        return self.repo.full_name

    # -- routing ----------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> Response | None:
        parts = path.strip("/").split("/")
        if [p.lower() for p in parts[:3]] != ["repos", *self.full_name.lower().split("/")]:
            return None
        route = parts[3:]
        if not self._ours(method, route):
            return None
        level = self.access.get(headers.get("authorization", "").removeprefix("token "))
        if level is None:
            return Response(404, NOT_FOUND)
        with self._lock:
            if method == "GET":
                return self._get(route, query, headers.get("host", "127.0.0.1"))
            payload = json.loads(body) if body else {}
            return self._write(method, int(route[1]), payload, level == "write")

    @staticmethod
    def _ours(method: str, route: list[str]) -> bool:
        if route == ["issues"]:
            return method == "GET"
        if len(route) < 2 or route[0] != "issues" or not route[1].isdigit():
            return False
        return (len(route) == 2 and method in ("GET", "PATCH")) or (
            route[2:] == ["lock"] and method == "PUT"
        )

    def _get(self, route: list[str], query: dict[str, str], host: str) -> Response:
        if route == ["issues"]:
            return self._list(query, host)
        payload = self._payload(int(route[1]))
        return Response(200, payload) if payload else Response(404, NOT_FOUND)

    def _write(self, method: str, number: int, payload: Any, can_write: bool) -> Response:
        problem = (
            request_problem(ISSUE_TEMPLATE, "patch", payload)
            if method == "PATCH"
            else _lock_problem(payload)
        )
        if problem:
            self.invalid_requests.append(f"{method} issues/{number}: {problem}")
            return invalid(f"Invalid request.\n\n{problem}")
        if not can_write:
            return Response(403, FORBIDDEN)
        state = self.states.get(number)
        if state is None:
            return Response(404, NOT_FOUND)
        if method == "PATCH":
            self._patch(state, payload)
            return Response(200, self._payload(number))
        state.locked, state.lock_reason = True, payload.get("lock_reason")
        return Response(204, None)

    # -- state ------------------------------------------------------------------------

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    def _patch(self, state: IssueState, payload: dict[str, Any]) -> None:
        if "labels" in payload:
            names = [lab if isinstance(lab, str) else lab["name"] for lab in payload["labels"]]
            state.labels = list(dict.fromkeys(names))
        new_state = payload.get("state")
        if new_state == "closed" and state.state == "open":
            state.state, state.closed_at = "closed", self._now()
            state.state_reason = payload.get("state_reason") or "completed"
        elif new_state == "open" and state.state == "closed":
            state.state, state.closed_at, state.state_reason = "open", None, "reopened"
        state.updated_at = self._now()

    # -- listing ----------------------------------------------------------------------

    def _records(self) -> list[Issue | Pull]:
        return [*self.repo.issues, *(p for p in self.repo.pulls if p.labels)]

    def _matches(self, record: Issue | Pull, query: dict[str, str]) -> bool:
        state = self.states[record.number]
        wanted = query.get("state", "open")
        if wanted != "all" and state.state != wanted:
            return False
        names = {label.lower() for label in state.labels}
        labels = [lab.strip().lower() for lab in query.get("labels", "").split(",") if lab.strip()]
        return all(label in names for label in labels)

    def _list(self, query: dict[str, str], host: str) -> Response:
        found = [r for r in self._records() if self._matches(r, query)]
        key = "updated_at" if query.get("sort") == "updated" else "created_at"
        found.sort(key=lambda r: (getattr(r, key), r.number),
                   reverse=query.get("direction", "desc") == "desc")  # fmt: skip
        per_page = min(int(query.get("per_page", "30")), 100)
        page = int(query.get("page", "1"))
        chunk = found[(page - 1) * per_page : page * per_page]
        last = max(1, -(-len(found) // per_page))
        base = f"http://{host}/repos/{self.full_name}/issues"
        headers = {"link": link_header(base, query, page, last)} if last > 1 else {}
        return Response(200, [self._render(r) for r in chunk], headers)

    # -- payloads ---------------------------------------------------------------------

    def _payload(self, number: int) -> dict[str, Any] | None:
        for record in self._records():
            if record.number == number:
                return self._render(record)
        return None

    def _render(self, record: Issue | Pull) -> dict[str, Any]:
        """An `issue` object; a pull request's has the `pull_request` key."""
        state = self.states[record.number]
        full = self.full_name
        api = f"{API}/repos/{full}/issues/{record.number}"
        payload = copy.deepcopy(example("issue"))
        payload.update(
            id=10_000 + record.number,
            node_id=f"I_{record.number}",
            url=api,
            repository_url=f"{API}/repos/{full}",
            labels_url=f"{api}/labels{{/name}}",
            comments_url=f"{api}/comments",
            events_url=f"{api}/events",
            html_url=f"https://github.com/{full}/issues/{record.number}",
            number=record.number,
            state=state.state,
            state_reason=state.state_reason,
            title=f"Survey response {record.number}",
            body=getattr(record, "body", None),
            user=user_payload(_account(record.author)),
            labels=[_label_payload(full, name) for name in state.labels],
            assignee=None,
            assignees=[],
            milestone=None,
            locked=state.locked,
            active_lock_reason=state.lock_reason,
            comments=0,
            closed_at=iso(state.closed_at) if state.closed_at else None,
            created_at=iso(record.created_at),
            updated_at=iso(state.updated_at or record.updated_at),
            closed_by=None,
            pinned_comment=None,
            author_association="MEMBER",
        )
        if isinstance(record, Pull):
            payload["pull_request"] = {
                "url": f"{API}/repos/{full}/pulls/{record.number}",
                "html_url": f"https://github.com/{full}/pull/{record.number}",
                "diff_url": f"https://github.com/{full}/pull/{record.number}.diff",
                "patch_url": f"https://github.com/{full}/pull/{record.number}.patch",
                "merged_at": iso(record.merged_at) if record.merged_at else None,
            }
        else:
            payload.pop("pull_request", None)
        return dict(payload)


def _lock_problem(payload: Any) -> str | None:
    """Why a lock body is not one GitHub accepts (an optional `lock_reason`), or None."""
    if not isinstance(payload, dict):
        return "the body must be an object"
    extra = set(payload) - {"lock_reason"}
    if extra:
        return f"unexpected fields: {', '.join(sorted(extra))}"
    reason = payload.get("lock_reason")
    if reason is not None and reason not in LOCK_REASONS:
        return f"lock_reason {reason!r} is not one of {', '.join(LOCK_REASONS)}"
    return None
