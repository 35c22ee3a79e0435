"""The per-item REST endpoints a REST-only tool would call, mounted on the fake GitHub.

``tests/fakegithub`` serves what the collector uses (GraphQL, workflow runs, the
SBOM). To count what a tool that fetches each pull request's reviews separately
would need, the benchmark also needs GitHub's list endpoints for pull requests,
their reviews and commits, deployments and their statuses. `PerItemRoutes` adds
them through the fake's ``mount`` extension point, with GitHub's behaviour for
what is counted: ``per_page`` up to 100 (default 30), ``page``, a `Link` header
with ``next``/``last``, newest first where GitHub sorts so. Payloads are
GitHub's published examples (``tests/data/github/rest-subset.json``) with the
data set's fields written over them, so pages weigh what GitHub's weigh.

This lives with the benchmark because only the benchmark needs it; should tests
ever need these endpoints, this is the code to move into ``tests/fakegithub``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from fakegithub import rest
from fakegithub.dataset import Commit, Deployment, Pull, Repo, Review
from fakegithub.server import Response

T = TypeVar("T")
Payload = dict[str, Any]


def _example(name: str) -> Payload:
    return dict(rest.rest_description()["components"]["examples"][name]["value"][0])


def _person(template: Payload, login: str | None) -> Payload | None:
    return {**template, "login": login} if login else None


class PerItemRoutes:
    """The pull-request and deployment REST listings of one `Repo`, as a fake GitHub
    mount (``server.mount(PerItemRoutes(repo, server.url))``): None for other paths."""

    def __init__(self, repo: Repo, api_url: str) -> None:
        self.tokens: set[str] = set()  # the server's own token is enough
        self._repo, self._api_url = repo, api_url
        self._pulls = {str(p.number): p for p in repo.pulls}
        self._deployments = {str(d.id): d for d in repo.deployments}
        self._templates = {
            name: _example(name)
            for name in (
                "pull-request-simple-items",
                "pull-request-review-items",
                "commit-items",
                "deployment-items",
                "deployment-status-items",
            )
        }

    def handle(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> Response | None:
        parts = path.strip("/").split("/")
        if method != "GET" or parts[:1] != ["repos"] or len(parts) < 4:
            return None
        if "/".join(parts[1:3]).lower() != self._repo.full_name.lower():
            return None
        found = self._route(parts[3:])
        if found is None:
            return None
        items, render = found
        return _page(items, render, query, f"{self._api_url}{path}")

    def _route(
        self, rest_of_path: Sequence[str]
    ) -> tuple[Sequence[Any], Callable[[Any], Payload]] | None:
        """The items a path lists, newest first where GitHub sorts so, and their renderer."""
        match list(rest_of_path):
            case ["pulls"]:
                closed = [p for p in self._repo.pulls if p.closed or p.merged_at]
                return sorted(closed, key=lambda p: p.updated_at, reverse=True), self._pull
            case ["pulls", number, "reviews"] if number in self._pulls:
                return self._pulls[number].reviews, self._review
            case ["pulls", number, "commits"] if number in self._pulls:
                return self._pulls[number].commits, self._commit
            case ["deployments"]:
                newest = sorted(self._repo.deployments, key=lambda d: d.created_at, reverse=True)
                return newest, self._deployment
            case ["deployments", ident, "statuses"] if ident in self._deployments:
                deployment = self._deployments[ident]
                statuses = sorted(deployment.statuses, key=lambda s: s[1], reverse=True)
                return [(deployment, s) for s in statuses], self._status
        return None  # not one of these: the fake's own routes, or its 404

    def _pull(self, pull: Pull) -> Payload:
        template = self._templates["pull-request-simple-items"]
        return template | {
            "id": pull.number,
            "number": pull.number,
            "state": "closed",
            "user": _person(template["user"], pull.author.login if pull.author else None),
            "created_at": rest.iso(pull.created_at),
            "updated_at": rest.iso(pull.updated_at),
            "closed_at": rest.iso(pull.merged_at or pull.updated_at),
            "merged_at": rest.iso(pull.merged_at),
            "merge_commit_sha": pull.merge_commit,
            "head": template["head"] | {"ref": pull.head},
            "base": template["base"] | {"ref": pull.base},
            "draft": pull.is_draft,
        }

    def _review(self, review: Review) -> Payload:
        template = self._templates["pull-request-review-items"]
        login = review.author.login if review.author else None
        return template | {
            "user": _person(template["user"], login),
            "state": review.state,
            "submitted_at": rest.iso(review.submitted_at),
        }

    def _commit(self, commit: Commit) -> Payload:
        template = self._templates["commit-items"]
        author = template["commit"]["author"] | {
            "email": commit.email,
            "date": rest.iso(commit.authored_at),
        }
        return template | {
            "sha": commit.sha,
            "commit": template["commit"] | {"author": author},
            "author": _person(template["author"], commit.user),
        }

    def _deployment(self, deployment: Deployment) -> Payload:
        return self._templates["deployment-items"] | {
            "id": deployment.id,
            "sha": deployment.sha,
            "environment": deployment.environment,
            "original_environment": deployment.environment,
            "created_at": rest.iso(deployment.created_at),
            "updated_at": rest.iso(deployment.created_at),
        }

    def _status(self, item: tuple[Deployment, tuple[str, datetime]]) -> Payload:
        deployment, (state, at) = item
        return self._templates["deployment-status-items"] | {
            "state": state.lower(),
            "environment": deployment.environment,
            "created_at": rest.iso(at),
            "updated_at": rest.iso(at),
        }


def _page(
    items: Sequence[T], render: Callable[[T], Payload], query: dict[str, str], base_url: str
) -> Response:
    """One page of a list endpoint, with GitHub's `Link` header when there are more."""
    per_page = min(int(query.get("per_page", "30")), 100)
    page = int(query.get("page", "1"))
    body = [render(item) for item in items[(page - 1) * per_page : page * per_page]]
    last = max(1, math.ceil(len(items) / per_page))
    headers = {"link": rest.link_header(base_url, query, page, last)} if last > 1 else {}
    return Response(200, body, headers)
