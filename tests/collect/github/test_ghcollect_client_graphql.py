"""The client's GraphQL rules, against `responses`: points, timeouts, limits, errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses
from fakegithub.fixtures import FakeClock
from fakegithub.unit import GRAPHQL, limits, make_client

from devex_metrics.collect.github.ratelimit import GraphQLTimeoutError
from devex_metrics.errors import RunError


def graphql_reply(
    data: Any = None, errors: list[dict[str, Any]] | None = None, cost: int = 3
) -> str:
    payload: dict[str, Any] = {"data": {"rateLimit": {"cost": cost}, **(data or {})}}
    if errors:
        payload["errors"] = errors
    return json.dumps(payload)


def test_graphql_counts_points(api: responses.RequestsMock, clock: FakeClock) -> None:
    api.post(GRAPHQL, body=graphql_reply({"x": 1}, cost=3))
    api.post(GRAPHQL, body=graphql_reply({"x": 2}, cost=2))
    client = make_client(clock)
    assert client.graphql("query Q { x }", {"a": 1})["x"] == 1
    client.graphql("query Q { x }", {})
    assert (client.requests, client.graphql_points) == (2, 5)
    assert json.loads(api.calls[0].request.body) == {
        "query": "query Q { x }",
        "variables": {"a": 1},
    }


def test_graphql_timeout_is_reported_to_the_pager(
    api: responses.RequestsMock, clock: FakeClock
) -> None:
    message = "Something went wrong while executing your query. This may be the result of a timeout"
    api.post(GRAPHQL, json={"data": None, "errors": [{"message": message}]})
    with pytest.raises(GraphQLTimeoutError):
        make_client(clock).graphql("query Q { x }", {})
    assert clock.sleeps == []


def test_graphql_502_with_a_timeout_body_is_a_timeout(
    api: responses.RequestsMock, clock: FakeClock
) -> None:
    api.post(
        GRAPHQL,
        status=502,
        json={"data": None, "errors": [{"message": "We couldn't respond in time: timeout"}]},
    )
    with pytest.raises(GraphQLTimeoutError):
        make_client(clock).graphql("query Q { x }", {})


def test_graphql_rate_limited_waits_for_the_reset(
    api: responses.RequestsMock, clock: FakeClock
) -> None:
    errors = [{"type": "RATE_LIMITED", "message": "API rate limit exceeded"}]
    api.post(GRAPHQL, json={"errors": errors}, headers=limits(0, clock.now + 30))
    api.post(GRAPHQL, body=graphql_reply({"x": 1}))
    assert make_client(clock).graphql("query Q { x }", {})["x"] == 1
    assert clock.sleeps == [31.0]


def test_graphql_query_errors_fail_the_run(api: responses.RequestsMock, clock: FakeClock) -> None:
    api.post(
        GRAPHQL,
        body=graphql_reply({}, errors=[{"type": "NOT_FOUND", "message": "Could not resolve"}]),
    )
    with pytest.raises(RunError, match="Could not resolve"):
        make_client(clock).graphql("query Q { x }", {})
