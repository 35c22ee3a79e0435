"""The repository head: the first page of every small source in one GraphQL request.

A run starts here: the default branch (needed to list pull requests) comes with the
first page of its history in the window, of releases, of deployments and of the
labelled issues. On an incremental run with no changes this single request, plus
the pull-request page, is all the GraphQL a run costs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from devex_metrics.collect.github.client import GitHubClient
from devex_metrics.collect.github.convert import iso
from devex_metrics.collect.github.paging import Page, dig, page_of, run_page
from devex_metrics.collect.github.queries import REPOSITORY_HEAD
from devex_metrics.errors import RunError

HEAD_PAGE = 100


@dataclass(frozen=True)
class Head:
    """`default_branch` is None for an empty repository; `history` is None when the
    branch tip is not a commit; `page_size` is what the request succeeded with (a
    timeout halves it), and the follow-up listings start from it."""

    default_branch: str | None
    history: Page | None
    releases: Page
    deployments: Page
    issues: Page | None
    page_size: int


def fetch_head(
    client: GitHubClient,
    owner: str,
    name: str,
    *,
    history_since: datetime,
    history_until: datetime,
    labels: Sequence[str],
    issues_since: datetime,
) -> Head:
    variables = {
        "owner": owner,
        "name": name,
        "historySince": iso(history_since),
        "historyUntil": iso(history_until),
        "labels": list(labels),
        "issuesSince": iso(issues_since),
        "withIssues": bool(labels),
    }
    data, size = run_page(client, REPOSITORY_HEAD, variables, HEAD_PAGE)
    repository = data.get("repository")
    if repository is None:
        raise RunError(
            f"GitHub repository {owner}/{name} was not found or the token cannot read it. "
            "Check --github / GITHUB_REPOSITORY and the token's permissions."
        )
    branch = repository.get("defaultBranchRef")
    target = dig(branch, ("target",))
    history = target.get("history") if target and target.get("__typename") == "Commit" else None
    return Head(
        default_branch=str(branch["name"]) if branch else None,
        history=page_of(history) if history is not None else None,
        releases=page_of(repository.get("releases")),
        deployments=page_of(repository.get("deployments")),
        issues=page_of(repository.get("issues")) if labels else None,
        page_size=size,
    )
