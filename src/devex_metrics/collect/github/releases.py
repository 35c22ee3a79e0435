"""Releases over the whole history, with the commit their tag points at.

Releases are few (a page of 100 per request) and change in place (a draft is
published, a prerelease promoted), so they are read in full on every run and not
cached. A draft has no tag yet: its `sha` is None.
"""

from __future__ import annotations

from devex_metrics.collect.github.client import GitHubClient
from devex_metrics.collect.github.convert import parse_optional_time, parse_time
from devex_metrics.collect.github.paging import Node, Page, pages
from devex_metrics.collect.github.queries import RELEASES
from devex_metrics.model import Release


def collect_releases(
    client: GitHubClient, owner: str, name: str, *, first_page: Page, size: int
) -> tuple[Release, ...]:
    """Every release, oldest first (by creation)."""
    variables = {"owner": owner, "name": name}
    path = ("repository", "releases")
    nodes: list[Node] = []
    for page in pages(client, RELEASES, variables, path, size=size, first_page=first_page):
        nodes.extend(page.nodes)
    nodes.sort(key=lambda node: (parse_time(node["createdAt"]), str(node["tagName"])))
    return tuple(to_release(node) for node in nodes)


def to_release(node: Node) -> Release:
    commit = node.get("tagCommit") or {}
    return Release(
        tag_name=str(node["tagName"]),
        sha=str(commit["oid"]) if commit.get("oid") else None,
        published_at=parse_optional_time(node.get("publishedAt")),
        draft=bool(node["isDraft"]),
        prerelease=bool(node["isPrerelease"]),
    )
