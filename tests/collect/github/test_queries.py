"""Every GraphQL query the collector sends validates against GitHub's public schema."""

from __future__ import annotations

import pytest
from fakegithub.graphql_api import github_schema
from graphql import OperationDefinitionNode, parse, validate

from devex_metrics.collect.github import queries


@pytest.mark.parametrize("name", sorted(queries.ALL_QUERIES))
def test_query_validates_against_github_schema(name: str) -> None:
    document = parse(queries.ALL_QUERIES[name])
    errors = validate(github_schema(), document)
    assert [e.message for e in errors] == []
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    assert [op.name.value if op.name else None for op in operations] == [name]


def test_every_query_of_the_module_is_listed() -> None:
    constants = {
        value
        for key, value in vars(queries).items()
        if key.isupper() and isinstance(value, str) and value.lstrip().startswith("query")
    }
    assert constants == set(queries.ALL_QUERIES.values())


@pytest.mark.parametrize("name", sorted(queries.ALL_QUERIES))
def test_query_reports_its_cost(name: str) -> None:
    assert "rateLimit { cost" in queries.ALL_QUERIES[name]


def test_no_query_asks_for_titles_or_names() -> None:
    """Data minimisation: no free text except issue bodies (parsed, then dropped)."""
    for text in queries.ALL_QUERIES.values():
        for field in ("title", "bodyText", "bodyHTML", " name\n  email"):
            assert field not in text
