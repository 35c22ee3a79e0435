"""Upsert the one sticky pull-request comment (SPEC §10).

Whose comment is ours: a comment counts only when it carries the marker *and* was
written by the token's own account, so a copy of the marker pasted by someone else
is never edited (the hijack fixed in marocchino/sticky-pull-request-comment#332).
The account is found in this order:

1. `GET /user` — answers for a personal access token;
2. GraphQL ``viewer { login }`` — `GET /user` answers 403 "Resource not accessible
   by integration" for the Actions `GITHUB_TOKEN` and other GitHub App installation
   tokens, while `viewer` names the app's bot (what marocchino's action uses);
3. ``github-actions[bot]`` — the Actions token's account, when both fail.

An installation token always acts as a bot: its comments then must have
``user.type == "Bot"`` and the bot's login (compared without the ``[bot]`` suffix,
which GraphQL and REST spell differently); a user token's comments must be a
``User``'s with exactly that login.

A token that may not write (a `pull_request` run from a fork gets a read-only
`GITHUB_TOKEN`) is reported as `ReadOnlyTokenError`, never as a failure: the caller
writes the job summary instead and exits 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from devex_metrics.errors import RunError
from devex_metrics.publish.api import Api, GitHubStatusError
from devex_metrics.reporters.pr_comment import MARKER

ACTIONS_BOT = "github-actions[bot]"
_VIEWER = "query DevexViewer { viewer { login } }"
_BOT_SUFFIX = "[bot]"


class ReadOnlyTokenError(Exception):
    """The token may read the pull request but not comment on it."""


@dataclass(frozen=True)
class Identity:
    login: str
    bot: bool

    def wrote(self, comment: Mapping[str, Any]) -> bool:
        """Whether `comment` was written by this account."""
        user = comment.get("user")
        if not isinstance(user, Mapping):
            return False
        login = str(user.get("login") or "").lower()
        if self.bot:
            mine = self.login.lower().removesuffix(_BOT_SUFFIX)
            return user.get("type") == "Bot" and login.removesuffix(_BOT_SUFFIX) == mine
        return user.get("type") != "Bot" and login == self.login.lower()


@dataclass(frozen=True)
class CommentOutcome:
    status: Literal["created", "updated", "unchanged"]
    url: str | None


def token_identity(api: Api) -> Identity:
    """The account behind the token (see the module docstring for the order)."""
    try:
        user = api.get("/user")
        return Identity(str(user["login"]), user.get("type") == "Bot")
    except GitHubStatusError as error:
        if error.status not in (403, 404):
            raise
    try:
        viewer = api.client.graphql(_VIEWER, {}).get("viewer") or {}
        login = viewer.get("login")
        if isinstance(login, str) and login:
            return Identity(login, True)
    except RunError:
        pass
    return Identity(ACTIONS_BOT, True)


def find_own_comment(
    comments: Iterable[Mapping[str, Any]], identity: Identity
) -> Mapping[str, Any] | None:
    """The first (oldest) comment with the marker written by `identity`."""
    for comment in comments:
        if MARKER in str(comment.get("body") or "") and identity.wrote(comment):
            return comment
    return None


def upsert_comment(api: Api, number: int, body: str) -> CommentOutcome:
    """Create the comment on pull request `number`, or update ours in place."""
    identity = token_identity(api)
    listing = api.get_pages(api.repo_path(f"issues/{number}/comments"))
    existing = find_own_comment(listing, identity)
    try:
        if existing is None:
            created = api.write("POST", api.repo_path(f"issues/{number}/comments"), {"body": body})
            return CommentOutcome("created", created.get("html_url"))
        if existing.get("body") == body:
            return CommentOutcome("unchanged", existing.get("html_url"))
        path = api.repo_path(f"issues/comments/{existing['id']}")
        updated = api.write("PATCH", path, {"body": body})
        return CommentOutcome("updated", updated.get("html_url"))
    except GitHubStatusError as error:
        if error.status == 403 and "rate limit" not in str(error).lower():
            raise ReadOnlyTokenError(str(error)) from None
        raise
