"""The fake GitHub's conversation side for publish: `GET /user`, issue comments,
pull request reviews and pulls, and the accounts behind the tokens.

Mixed into `gitdata.GitDataApi`, which owns routing, the lock and the request-body
validation. Payloads are rendered from the examples of GitHub's REST description
with the fields that matter overridden (see `gitdata`'s docstring).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jsonschema

from fakegithub.rest import NOT_FOUND, link_header, rest_description
from fakegithub.server import Response

API = "https://api.github.com"
FORBIDDEN = {
    "message": "Resource not accessible by integration",
    "documentation_url": "https://docs.github.com/rest",
    "status": "403",
}


@dataclass(frozen=True)
class Account:
    login: str
    id: int
    type: str = "User"  # "Bot" for GitHub App installation tokens
    installation: bool = False  # GET /user answers 403 for installation tokens
    can_write: bool = True


USER = Account("octocat", 1)
ACTIONS_BOT = Account("github-actions[bot]", 41898282, "Bot", installation=True)
READ_ONLY_BOT = Account("github-actions[bot]", 41898282, "Bot", installation=True, can_write=False)
STRANGER = Account("mallory", 666)


@dataclass
class Comment:
    id: int
    issue: int
    body: str
    user: Account
    created_at: datetime
    updated_at: datetime


@dataclass
class Review:
    user: Account
    state: str
    submitted_at: datetime | None


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def example(name: str) -> dict[str, Any]:
    return copy.deepcopy(rest_description()["components"]["examples"][name]["value"])


def user_payload(account: Account) -> dict[str, Any]:
    """A `simple-user` object."""
    user = example("issue-comment")["user"]
    user.update(
        login=account.login,
        id=account.id,
        type=account.type,
        node_id=f"U_{account.id}",
        url=f"{API}/users/{account.login}",
        html_url=f"https://github.com/{account.login}",
    )
    return dict(user)


def pull_payload(full_name: str, number: int, **fields: Any) -> dict[str, Any]:
    """A `pull-request` object (also the `pull_request` of a webhook payload)."""
    pull = example("pull-request")
    pull["requested_teams"] = []  # the description's own example lacks the teams' `type`
    pull.update(
        number=number,
        url=f"{API}/repos/{full_name}/pulls/{number}",
        html_url=f"https://github.com/{full_name}/pull/{number}",
    )
    for side in ("head", "base"):
        pull[side]["repo"]["full_name"] = full_name
    fork = fields.pop("fork_of", None)
    if fork:
        pull["head"]["repo"]["full_name"] = fork
    if "head_sha" in fields:
        pull["head"]["sha"] = fields.pop("head_sha")
    if "author" in fields:
        pull["user"] = user_payload(fields.pop("author"))
    pull.update(fields)
    return dict(pull)


class ConversationRoutes:
    """`/user`, comments, reviews and pulls; needs `full_name`, `clock`, `comments`,
    `reviews` and `pulls` from the class it is mixed into."""

    full_name: str
    comments: list[Comment]
    reviews: dict[int, list[Review]]
    pulls: dict[int, dict[str, Any]]

    clock: Callable[[], float]
    host: str  # of the last request (`Link` URLs point back at it, like GitHub's)

    def _issues_and_pulls(
        self, method: str, route: list[str], query: dict[str, str], payload: Any, account: Account
    ) -> Response | None:
        if route[:1] == ["issues"] and len(route) == 3 and route[2] == "comments":
            number = int(route[1])
            if method == "GET":
                return self._list_comments(number, query)
            return self._create_comment(number, payload, account) if method == "POST" else None
        if route[:2] == ["issues", "comments"] and len(route) == 3 and method == "PATCH":
            return self._update_comment(int(route[2]), payload)
        if route[:1] == ["pulls"] and method == "GET" and len(route) == 3 and route[2] == "reviews":
            return self._list_reviews(int(route[1]))
        if route[:1] == ["pulls"] and method == "GET" and len(route) == 2:
            pull = self.pulls.get(int(route[1]))
            return Response(200, pull) if pull else Response(404, NOT_FOUND)
        return None

    # -- users ------------------------------------------------------------------------

    def _user(self, account: Account | None) -> Response | None:
        if account is None:
            return None
        if account.installation:
            return Response(403, FORBIDDEN)
        user = example("private-user")
        user.update(user_payload(account), user_view_type="private")
        return Response(200, user)

    # -- refs -------------------------------------------------------------------------
    def _comment_payload(self, comment: Comment) -> dict[str, Any]:
        payload = example("issue-comment")
        payload.update(
            id=comment.id,
            node_id=f"IC_{comment.id}",
            body=comment.body,
            url=f"{API}/repos/{self.full_name}/issues/comments/{comment.id}",
            html_url=f"https://github.com/{self.full_name}/pull/{comment.issue}#issuecomment-{comment.id}",
            issue_url=f"{API}/repos/{self.full_name}/issues/{comment.issue}",
            user=user_payload(comment.user),
            created_at=iso(comment.created_at),
            updated_at=iso(comment.updated_at),
            author_association="NONE" if comment.user.type == "Bot" else "MEMBER",
        )
        return dict(payload)

    def add_comment(self, issue: int, body: str, user: Account) -> Comment:
        now = datetime.fromtimestamp(self.clock(), UTC)
        comment = Comment(len(self.comments) + 1000, issue, body, user, now, now)
        self.comments.append(comment)
        return comment

    def _list_comments(self, number: int, query: dict[str, str]) -> Response:
        mine = [c for c in self.comments if c.issue == number]
        per_page = min(int(query.get("per_page", "30")), 100)
        page = int(query.get("page", "1"))
        chunk = mine[(page - 1) * per_page : page * per_page]
        last = max(1, -(-len(mine) // per_page))
        base = f"http://{self.host}/repos/{self.full_name}/issues/{number}/comments"
        headers = {"link": link_header(base, query, page, last)} if last > 1 else {}
        return Response(200, [self._comment_payload(c) for c in chunk], headers)

    def _create_comment(self, number: int, payload: dict[str, Any], account: Account) -> Response:
        return Response(
            201, self._comment_payload(self.add_comment(number, payload["body"], account))
        )

    def _update_comment(self, comment_id: int, payload: dict[str, Any]) -> Response:
        for comment in self.comments:
            if comment.id == comment_id:
                comment.body = payload["body"]
                comment.updated_at = datetime.fromtimestamp(self.clock(), UTC)
                return Response(200, self._comment_payload(comment))
        return Response(404, NOT_FOUND)

    def _list_reviews(self, number: int) -> Response:
        items = []
        for index, review in enumerate(self.reviews.get(number, []), start=1):
            payload = example("pull-request-review")
            payload.update(
                id=index,
                node_id=f"PRR_{index}",
                user=user_payload(review.user),
                state=review.state,
                submitted_at=iso(review.submitted_at) if review.submitted_at else None,
            )
            if review.submitted_at is None:
                del payload["submitted_at"]
            items.append(payload)
        return Response(200, items)


def invalid(message: str) -> Response:
    return Response(422, {"message": message, "documentation_url": "https://docs.github.com/rest"})


def route_shape(route: list[str]) -> tuple[str, ...]:
    """A route with its variable parts replaced, for `TEMPLATES`."""
    if route[:2] == ["git", "refs"] and len(route) > 2:
        return ("git", "refs", "{ref}")
    if route[:1] == ["issues"] and len(route) == 3:
        return (
            ("issues", "{n}", route[2])
            if route[1] != "comments"
            else ("issues", "comments", "{id}")
        )
    return tuple(route)


TEMPLATES = {
    ("POST", ("git", "blobs")): "/repos/{owner}/{repo}/git/blobs",
    ("POST", ("git", "trees")): "/repos/{owner}/{repo}/git/trees",
    ("POST", ("git", "commits")): "/repos/{owner}/{repo}/git/commits",
    ("POST", ("git", "refs")): "/repos/{owner}/{repo}/git/refs",
    ("PATCH", ("git", "refs", "{ref}")): "/repos/{owner}/{repo}/git/refs/{ref}",
    ("POST", ("issues", "{n}", "comments")): "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    ("PATCH", ("issues", "comments", "{id}")): "/repos/{owner}/{repo}/issues/comments/{comment_id}",
}


def openapi_schema(node: Any) -> Any:
    """OpenAPI 3.0 → JSON Schema: ``nullable: true`` becomes a union with null."""
    if isinstance(node, list):
        return [openapi_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: openapi_schema(value) for key, value in node.items()}
    if converted.pop("nullable", False):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def request_problem(template: str, method: str, payload: Any) -> str | None:
    """Why `payload` does not match the request schema of `method template`, or None."""
    body = rest_description()["paths"][template][method]["requestBody"]
    schema = openapi_schema(body["content"]["application/json"]["schema"])
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(payload), key=str)
    return errors[0].message if errors else None
