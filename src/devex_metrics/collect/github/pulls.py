"""Pull requests into the default branch, with their reviews and commits, from GraphQL.

One listing serves both needs of the metrics: PRs merged since `since` and reviews
submitted since `since` on PRs of any state (SPEC `space.activity.reviews`). Both bump a
PR's ``updatedAt``, so the listing is ordered by ``UPDATED_AT`` descending and stops at
the first PR updated before `stop_at` (`since`, or the cache's watermark on an
incremental run). PRs that are neither merged nor reviewed since `since` are dropped.

Reviews are all kept as records — self-reviews, bot reviews, PENDING ones: the metrics
stage decides what qualifies. A PR's reviews and commits come in the same page (100
each); only a PR with more is paginated, on its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from devex_metrics.collect.github.client import GitHubClient
from devex_metrics.collect.github.convert import actor, label_names, parse_optional_time, parse_time
from devex_metrics.collect.github.paging import Node, Page, all_nodes, page_of, pages
from devex_metrics.collect.github.queries import (
    PULL_REQUEST_COMMITS,
    PULL_REQUEST_REVIEWS,
    PULL_REQUESTS,
)
from devex_metrics.model import PullRequest, Review

PAGE_SIZE = 100


@dataclass(frozen=True)
class PullRequestBatch:
    """What one listing returned: relevant PRs, and the newest ``updatedAt`` seen (the
    next watermark; GitHub's clock, not ours)."""

    pull_requests: tuple[PullRequest, ...]
    newest_update: datetime | None


def collect_pull_requests(
    client: GitHubClient,
    owner: str,
    name: str,
    base: str,
    *,
    since: datetime,
    stop_at: datetime,
) -> PullRequestBatch:
    """PRs into `base` updated at or after `stop_at`, kept when relevant to `since`."""
    variables = {"owner": owner, "name": name, "base": base}
    path = ("repository", "pullRequests")
    kept: list[PullRequest] = []
    newest: datetime | None = None
    for page in pages(client, PULL_REQUESTS, variables, path, size=PAGE_SIZE):
        done = False
        for node in page.nodes:
            updated = parse_time(node["updatedAt"])
            if updated < stop_at:
                done = True
                break
            newest = max(newest, updated) if newest else updated
            pull = to_pull_request(client, node)
            if is_relevant(pull, since):
                kept.append(pull)
        if done:
            break
    return PullRequestBatch(tuple(kept), newest)


def is_relevant(pull: PullRequest, since: datetime) -> bool:
    """Merged since `since`, or reviewed since `since` (any state)."""
    if pull.merged_at is not None and pull.merged_at >= since:
        return True
    return any(r.submitted_at is not None and r.submitted_at >= since for r in pull.reviews)


def to_pull_request(client: GitHubClient, node: Node) -> PullRequest:
    """A `PullRequest` from a ``PullRequestFields`` node, paginating its reviews and
    commits when it has more than one page of them."""
    login, is_bot = actor(node.get("author"))
    created = parse_time(node["createdAt"])
    merged = parse_optional_time(node.get("mergedAt"))
    reviews = all_nodes(
        client, PULL_REQUEST_REVIEWS, node["id"], "reviews", _inline(node, "reviews")
    )
    commits = all_nodes(
        client, PULL_REQUEST_COMMITS, node["id"], "commits", _inline(node, "commits")
    )
    author_times = [parse_time(c["commit"]["authoredDate"]) for c in commits]
    merge_commit = node.get("mergeCommit") or {}
    return PullRequest(
        number=int(node["number"]),
        author_login=login,
        author_is_bot=is_bot,
        base_ref=str(node["baseRefName"]),
        head_ref=str(node["headRefName"]),
        created_at=created,
        ready_at=ready_time(node, created),
        merged_at=merged,
        merge_commit_sha=merge_commit.get("oid") if merged else None,
        additions=int(node["additions"]),
        deletions=int(node["deletions"]),
        labels=label_names(node),
        commit_shas=tuple(str(c["commit"]["oid"]) for c in commits),
        first_commit_author_time=min(author_times) if author_times else None,
        closing_issue_numbers=_closing_issues(node),
        reviews=tuple(to_review(r) for r in reviews),
    )


def ready_time(node: Node, created: datetime) -> datetime:
    """The first ready-for-review event of a PR opened as a draft, else its creation.

    The query asks for the first event among READY_FOR_REVIEW and CONVERT_TO_DRAFT: if it
    is a ready event, the PR was opened as a draft; if it is a convert event, the PR was
    opened ready (and later drafted), so creation is its ready time; a PR with neither
    was opened ready, or is a draft still (whose creation is the best value there is).
    """
    events = (node.get("timelineItems") or {}).get("nodes") or []
    first = events[0] if events else None
    if first and first.get("__typename") == "ReadyForReviewEvent":
        return parse_time(first["createdAt"])
    return created


def to_review(node: Node) -> Review:
    login, is_bot = actor(node.get("author"))
    return Review(
        author_login=login,
        author_is_bot=is_bot,
        state=str(node["state"]),
        submitted_at=parse_optional_time(node.get("submittedAt")),
    )


def merge_pull_requests(
    cached: Iterable[PullRequest], fresh: Iterable[PullRequest], since: datetime
) -> tuple[PullRequest, ...]:
    """Cached PRs updated by fresh ones (by number), still relevant to `since`, by number."""
    by_number = {p.number: p for p in cached}
    by_number.update((p.number, p) for p in fresh)
    return tuple(sorted((p for p in by_number.values() if is_relevant(p, since)), key=_number))


def _number(pull: PullRequest) -> int:
    return pull.number


def _inline(node: Node, field: str) -> Page:
    return page_of(node.get(field))


def _closing_issues(node: Node) -> tuple[int, ...]:
    references = (node.get("closingIssuesReferences") or {}).get("nodes") or []
    return tuple(sorted({int(issue["number"]) for issue in references if issue}))
