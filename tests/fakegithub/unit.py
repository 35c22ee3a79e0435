"""Helpers for client unit tests that fake HTTP with `responses` instead of a server."""

from __future__ import annotations

from typing import Any

from devex_metrics.collect.github.client import GitHubClient
from devex_metrics.collect.github.settings import GitHubSettings
from devex_metrics.collect.github.token import Secret
from fakegithub.fixtures import FakeClock

API = "https://api.github.test"
WIRE = f"{API}:443"  # PyGithub's connection class always writes the port
GRAPHQL = f"{WIRE}/graphql"
TOKEN = "ghp_unit_test_token_value"


def make_client(clock: FakeClock, **overrides: Any) -> GitHubClient:
    values: dict[str, Any] = {
        "token": Secret(TOKEN),
        "api_url": API,
        "graphql_url": f"{API}/graphql",
        "owner": "octo",
        "name": "app",
        "seconds_between_requests": 0.0,
    }
    values.update(overrides)
    return GitHubClient(GitHubSettings(**values), sleep=clock.sleep, clock=clock)


def limits(remaining: int, reset: float, **extra: str) -> dict[str, str]:
    return {"x-ratelimit-remaining": str(remaining), "x-ratelimit-reset": str(int(reset)), **extra}
