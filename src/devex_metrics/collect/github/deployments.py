"""GitHub Deployments with the time of their first `success` status, over the whole history.

The whole history is needed: a deployment's predecessor may be long before the
window (SPEC §5 "previous deployment"). Deployments are listed newest first. A
deployment gains statuses after it is created, so an incremental run re-reads every
deployment created within `SETTLE` of the previous run's newest one and keeps the
older ones from the cache: a deployment still without a success status a week
after its creation is taken as settled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from devex_metrics.collect.github.client import GitHubClient
from devex_metrics.collect.github.convert import parse_time
from devex_metrics.collect.github.paging import Node, Page, all_nodes, page_of, pages
from devex_metrics.collect.github.queries import DEPLOYMENT_STATUSES, DEPLOYMENTS
from devex_metrics.model import GitHubDeployment

SETTLE = timedelta(days=7)


@dataclass(frozen=True)
class DeploymentBatch:
    deployments: tuple[GitHubDeployment, ...]
    newest_created: datetime | None


def collect_deployments(
    client: GitHubClient,
    owner: str,
    name: str,
    *,
    first_page: Page,
    size: int,
    stop_before: datetime | None,
) -> DeploymentBatch:
    """Deployments newest first; stop after the page that reaches `stop_before` (None: all)."""
    variables = {"owner": owner, "name": name}
    path = ("repository", "deployments")
    found: list[GitHubDeployment] = []
    for page in pages(client, DEPLOYMENTS, variables, path, size=size, first_page=first_page):
        found.extend(to_deployment(client, node) for node in page.nodes)
        if stop_before is not None and found and found[-1].created_at < stop_before:
            break
    newest = max((d.created_at for d in found), default=None)
    return DeploymentBatch(tuple(found), newest)


def to_deployment(client: GitHubClient, node: Node) -> GitHubDeployment:
    statuses = all_nodes(
        client, DEPLOYMENT_STATUSES, node["id"], "statuses", page_of(node.get("statuses"))
    )
    successes = [parse_time(s["createdAt"]) for s in statuses if s.get("state") == "SUCCESS"]
    return GitHubDeployment(
        id=int(node.get("databaseId") or 0),
        sha=str(node["commitOid"]),
        environment=str(node.get("environment") or ""),
        created_at=parse_time(node["createdAt"]),
        first_success_at=min(successes) if successes else None,
    )


def merge_deployments(
    cached: Iterable[GitHubDeployment], fresh: Iterable[GitHubDeployment]
) -> tuple[GitHubDeployment, ...]:
    """Cached deployments updated by fresh ones (by id), oldest first."""
    by_id = {d.id: d for d in cached}
    by_id.update((d.id, d) for d in fresh)
    return tuple(sorted(by_id.values(), key=lambda d: (d.created_at, d.id)))
