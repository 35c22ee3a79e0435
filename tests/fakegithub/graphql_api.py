"""The fake GitHub's GraphQL endpoint: GitHub's real schema, resolvers over the data set.

Queries are parsed, validated and executed by graphql-core against
``tests/data/github/schema.graphql``, so a query the collector sends that GitHub would
reject (unknown field, wrong argument type, missing variable) fails here too.
Connections behave like GitHub's: `first` or `last` is required and at most 100,
cursors are opaque, ``pageInfo`` and ``totalCount`` are served.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from graphql import GraphQLError, GraphQLSchema, build_schema, graphql_sync

from fakegithub.dataset import Repo
from fakegithub.graphql_nodes import Node, deployment_node, iso_epoch, pull_node, repository_node

__all__ = ["execute", "github_schema", "iso_epoch"]

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "data" / "github" / "schema.graphql"


@cache
def github_schema() -> GraphQLSchema:
    """The public schema. `assume_valid`: the published SDL has interface-deprecation
    mismatches that graphql-core ≥ 3.3 rejects when validating the *schema*; queries
    are still validated against it."""
    return build_schema(
        SCHEMA_PATH.read_text(encoding="utf-8"), assume_valid=True, assume_valid_sdl=True
    )


def _resolve(source: Any, info: Any, **args: Any) -> Any:
    """Values are plain data or callables taking the field's arguments."""
    value = (
        source.get(info.field_name)
        if isinstance(source, Mapping)
        else getattr(source, info.field_name, None)
    )
    return value(**args) if callable(value) else value


def execute(
    repos: Mapping[str, Repo], body: Mapping[str, Any], rate_limit: Callable[[], Node]
) -> dict[str, Any]:
    """Execute one GraphQL request body like GitHub: ``{"data": …, "errors": […]}``."""

    def repository(owner: str, name: str, **_: Any) -> Node:
        repo = repos.get(f"{owner}/{name}".lower())
        if repo is None:
            raise GraphQLError(f"Could not resolve to a Repository with the name '{owner}/{name}'.")
        return repository_node(repo)

    def node(id: str) -> Node | None:
        kind, _, key = id.partition("_")
        for repo in repos.values():
            if kind == "PR":
                found = [pull_node(p) for p in repo.pulls if str(p.number) == key]
            else:
                found = [deployment_node(d) for d in repo.deployments if str(d.id) == key]
            if found:
                return found[0]
        return None

    root = {"repository": repository, "node": node, "rateLimit": lambda **_: rate_limit()}
    result = graphql_sync(
        github_schema(),
        body["query"],
        root_value=root,
        variable_values=body.get("variables"),
        operation_name=body.get("operationName"),
        field_resolver=_resolve,
    )
    document: dict[str, Any] = {"data": result.data} if result.data is not None else {}
    if result.errors:
        document["errors"] = [
            {
                **error.formatted,
                **({"type": "NOT_FOUND"} if "Could not resolve" in error.message else {}),
            }
            for error in result.errors
        ]
    return document
