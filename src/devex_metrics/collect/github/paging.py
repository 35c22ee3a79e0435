"""GraphQL pagination: pages of a connection, page-size halving on timeouts, nested pages.

GitHub aborts a GraphQL query that runs too long (about 10 s) and answers with a
"timeout" error. Retrying the same page would fail the same way, so the pager halves
`$first` and asks again (down to one node); the smaller size is kept for the rest of
that listing. Cursors do not depend on the page size, so no node is skipped or
read twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from devex_metrics.collect.github.client import GitHubClient
from devex_metrics.collect.github.ratelimit import GraphQLTimeoutError
from devex_metrics.errors import RunError

log = logging.getLogger(__name__)

NESTED_PAGE = 100

Node = dict[str, Any]


@dataclass(frozen=True)
class Page:
    nodes: list[Node]
    has_next: bool
    end_cursor: str | None


EMPTY_PAGE = Page([], False, None)


def page_of(connection: Mapping[str, Any] | None) -> Page:
    """A `Page` from a ``{pageInfo, nodes}`` connection object (None → empty)."""
    if not connection:
        return EMPTY_PAGE
    info = connection.get("pageInfo") or {}
    nodes = [n for n in connection.get("nodes") or [] if n is not None]
    return Page(nodes, bool(info.get("hasNextPage")), info.get("endCursor"))


def dig(data: Mapping[str, Any] | None, path: Sequence[str]) -> Any:
    """`data[path[0]][path[1]]…`, None as soon as a step is missing or null."""
    value: Any = data
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def run_page(
    client: GitHubClient, query: str, variables: Mapping[str, Any], size: int
) -> tuple[dict[str, Any], int]:
    """Run one page query, halving `$first` on timeouts. Returns the data and the size used."""
    while True:
        try:
            return client.graphql(query, {**variables, "first": size}), size
        except GraphQLTimeoutError:
            if size <= 1:
                raise RunError(
                    "GitHub's GraphQL API timed out even on single-node pages; "
                    "try again later or run with --offline."
                ) from None
            size = max(size // 2, 1)
            log.info("GitHub GraphQL timeout: retrying with pages of %d", size)


def pages(
    client: GitHubClient,
    query: str,
    variables: Mapping[str, Any],
    path: Sequence[str],
    *,
    size: int,
    first_page: Page | None = None,
) -> Iterator[Page]:
    """Yield the pages of the connection at `path`, starting with `first_page` when the
    caller already holds it (from the combined head query). Stop iterating to stop
    fetching: a page is requested only when the consumer asks for it."""
    page = first_page
    if page is None:
        data, size = run_page(client, query, {"after": None, **variables}, size)
        page = page_of(dig(data, path))
    yield page
    while page.has_next:
        data, size = run_page(client, query, {**variables, "after": page.end_cursor}, size)
        page = page_of(dig(data, path))
        yield page


def all_nodes(
    client: GitHubClient, query: str, node_id: str, field: str, first: Page
) -> list[Node]:
    """Every node of one object's nested connection (reviews of a PR, …): the nodes of
    the page that came with the object, then `node(id:)` pages for the rest."""
    nodes = list(first.nodes)
    if first.has_next:
        variables = {"id": node_id, "after": first.end_cursor}
        for page in pages(client, query, variables, ("node", field), size=NESTED_PAGE):
            nodes.extend(page.nodes)
    return nodes
