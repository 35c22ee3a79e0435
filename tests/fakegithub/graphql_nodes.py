"""GitHub GraphQL objects rendered from the data set: connections and one node per type.

Values are plain data, or callables taking the field's GraphQL arguments (resolved by
`graphql_api._resolve`); connections render only the nodes of the requested page.
"""

# ruff: noqa: N803 - resolvers take GraphQL's camelCase argument names as keywords
from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from graphql import GraphQLError

from fakegithub.dataset import Actor, Commit, Deployment, Issue, Pull, Release, Repo, Review

Node = dict[str, Any]


def iso(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _cursor(index: int) -> str:
    return base64.b64encode(f"cursor:v2:{index}".encode()).decode()


def _index(cursor: str) -> int:
    return int(base64.b64decode(cursor).decode().rsplit(":", 1)[1])


def connection(
    items: Sequence[Any],
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    render: Callable[[Any], Any] | None = None,
    **_: Any,
) -> Node:
    """A GitHub connection over `items`; `render` turns the items of the page into nodes."""
    if first is None and last is None:
        raise GraphQLError("You must provide a `first` or `last` value to properly paginate.")
    for name, value in (("first", first), ("last", last)):
        if value is not None and not 0 <= value <= 100:
            limit = f"exceeds the `{name}` limit of 100 records."
            raise GraphQLError(f"Requesting {value} records on the connection {limit}")
    start = _index(after) + 1 if after else 0
    end = _index(before) if before else len(items)
    if first is not None:
        end = min(end, start + first)
    elif last is not None:
        start = max(start, end - last)
    page = [render(i) if render else i for i in items[start:end]]
    return {
        "nodes": page,
        "edges": [{"node": node, "cursor": _cursor(start + i)} for i, node in enumerate(page)],
        "totalCount": len(items),
        "pageInfo": {
            "hasNextPage": end < len(items),
            "hasPreviousPage": start > 0,
            "startCursor": _cursor(start) if page else None,
            "endCursor": _cursor(end - 1) if page else None,
        },
    }


def _conn(items: Sequence[Any], render: Callable[[Any], Any] | None = None) -> Callable[..., Node]:
    return lambda **args: connection(items, render=render, **args)


def actor(who: Actor | None) -> Node | None:
    return {"__typename": who.type, "login": who.login} if who else None


def _enum_name(typename: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", typename).upper()


def pull_node(pr: Pull) -> Node:
    def timeline(itemTypes: Sequence[str] | None = None, **args: Any) -> Node:
        events = sorted(pr.events, key=lambda e: e[1])
        wanted = [e for e in events if itemTypes is None or _enum_name(e[0]) in itemTypes]
        return connection([{"__typename": t, "createdAt": iso(at)} for t, at in wanted], **args)

    state = "MERGED" if pr.merged_at else "CLOSED" if pr.closed else "OPEN"
    return {
        "__typename": "PullRequest",
        "id": f"PR_{pr.number}",
        "number": pr.number,
        "state": state,
        "isDraft": pr.is_draft,
        "createdAt": iso(pr.created_at),
        "updatedAt": iso(pr.updated_at),
        "mergedAt": iso(pr.merged_at),
        "additions": pr.additions,
        "deletions": pr.deletions,
        "baseRefName": pr.base,
        "headRefName": pr.head,
        "author": actor(pr.author),
        "mergeCommit": {"oid": pr.merge_commit} if pr.merge_commit else None,
        "labels": _conn([{"name": n} for n in pr.labels]),
        "closingIssuesReferences": _conn([{"number": n} for n in pr.closing_issues]),
        "timelineItems": timeline,
        "reviews": _conn(pr.reviews, review_node),
        "commits": _conn(
            pr.commits, lambda c: {"commit": {"oid": c.sha, "authoredDate": iso(c.authored_at)}}
        ),
    }


def review_node(review: Review) -> Node:
    return {
        "state": review.state,
        "submittedAt": iso(review.submitted_at),
        "author": actor(review.author),
    }


def issue_node(issue: Issue) -> Node:
    return {
        "number": issue.number,
        "createdAt": iso(issue.created_at),
        "updatedAt": iso(issue.updated_at),
        "closedAt": iso(issue.closed_at),
        "body": issue.body,
        "author": actor(issue.author),
        "labels": _conn([{"name": n} for n in issue.labels]),
    }


def deployment_node(deployment: Deployment) -> Node:
    statuses = sorted(deployment.statuses, key=lambda s: s[1], reverse=True)  # newest first
    return {
        "__typename": "Deployment",
        "id": f"DE_{deployment.id}",
        "databaseId": deployment.id,
        "commitOid": deployment.sha,
        "environment": deployment.environment,
        "createdAt": iso(deployment.created_at),
        "statuses": _conn([{"state": s, "createdAt": iso(at)} for s, at in statuses]),
    }


def release_node(release: Release) -> Node:
    return {
        "tagName": release.tag,
        "isDraft": release.draft,
        "isPrerelease": release.prerelease,
        "createdAt": iso(release.created_at),
        "publishedAt": iso(release.published_at),
        "tagCommit": {"oid": release.sha} if release.sha else None,
    }


def commit_node(c: Commit) -> Node:
    return {
        "oid": c.sha,
        "author": {"email": c.email, "user": {"login": c.user} if c.user else None},
    }


def ref_node(repo: Repo, branch: str) -> Node:
    def history(since: str | None = None, until: str | None = None, **args: Any) -> Node:
        low = parse_iso(since) if since else None
        high = parse_iso(until) if until else None
        commits = [
            c
            for c in repo.history
            if (low is None or c.committed_at >= low) and (high is None or c.committed_at <= high)
        ]
        return connection(commits, render=commit_node, **args)

    tip = repo.history[0].sha if repo.history else "0" * 40
    return {"name": branch, "target": {"__typename": "Commit", "oid": tip, "history": history}}


def _ordered(items: Sequence[Any], order: Mapping[str, str] | None, default: str) -> list[Any]:
    field = {"UPDATED_AT": "updated_at", "CREATED_AT": "created_at"}[
        (order or {}).get("field", default)
    ]
    descending = (order or {}).get("direction", "ASC") == "DESC"
    number = "number" if items and hasattr(items[0], "number") else "id"
    key = lambda item: (getattr(item, field), getattr(item, number, 0))  # noqa: E731
    return sorted(items, key=key, reverse=descending)


def repository_node(repo: Repo) -> Node:
    def pull_requests(
        baseRefName: str | None = None,
        states: Sequence[str] | None = None,
        orderBy: Mapping[str, str] | None = None,
        **args: Any,
    ) -> Node:
        pulls = [p for p in repo.pulls if baseRefName is None or p.base == baseRefName]
        pulls = [p for p in pulls if not states or pull_node(p)["state"] in states]
        return connection(_ordered(pulls, orderBy, "CREATED_AT"), render=pull_node, **args)

    def issues(
        labels: Sequence[str] | None = None,
        filterBy: Mapping[str, Any] | None = None,
        orderBy: Mapping[str, str] | None = None,
        states: Sequence[str] | None = None,
        **args: Any,
    ) -> Node:
        wanted = {label.lower() for label in labels or ()}
        since = parse_iso(filterBy["since"]) if filterBy and filterBy.get("since") else None
        found = [
            i
            for i in repo.issues
            if (not wanted or wanted & {n.lower() for n in i.labels})
            and (since is None or i.updated_at >= since)
            and (not states or ("CLOSED" if i.closed_at else "OPEN") in states)
        ]
        return connection(_ordered(found, orderBy, "CREATED_AT"), render=issue_node, **args)

    def deployments(
        orderBy: Mapping[str, str] | None = None,
        environments: Sequence[str] | None = None,
        **args: Any,
    ) -> Node:
        found = [d for d in repo.deployments if not environments or d.environment in environments]
        return connection(_ordered(found, orderBy, "CREATED_AT"), render=deployment_node, **args)

    def releases(orderBy: Mapping[str, str] | None = None, **args: Any) -> Node:
        return connection(
            _ordered(repo.releases, orderBy, "CREATED_AT"), render=release_node, **args
        )

    def ref(qualifiedName: str) -> Node | None:
        branch = qualifiedName.removeprefix("refs/heads/")
        return ref_node(repo, branch) if branch == repo.default_branch else None

    return {
        "__typename": "Repository",
        "defaultBranchRef": ref_node(repo, repo.default_branch) if repo.history else None,
        "ref": ref,
        "pullRequests": pull_requests,
        "issues": issues,
        "deployments": deployments,
        "releases": releases,
    }


def iso_epoch(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
