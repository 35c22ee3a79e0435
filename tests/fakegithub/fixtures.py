"""Helpers shared by the tests that use the fake GitHub: a fake clock and client settings."""

from __future__ import annotations

from typing import Any

from devex_metrics.collect.github.settings import GitHubSettings
from devex_metrics.collect.github.token import Secret
from fakegithub.server import FakeGitHub

TOKEN = "test-token"


class FakeClock:
    """Epoch seconds that move only when the code under test sleeps."""

    def __init__(self, start: float = 1_719_792_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def settings_for(
    server: FakeGitHub, repository: str = "octo/app", **overrides: Any
) -> GitHubSettings:
    """Settings pointing both API URLs at `server`, with no pacing between requests."""
    owner, name = repository.split("/")
    values: dict[str, Any] = {
        "token": Secret(TOKEN),
        "api_url": server.url,
        "graphql_url": server.graphql_url,
        "owner": owner,
        "name": name,
        "seconds_between_requests": 0.0,
    }
    values.update(overrides)
    return GitHubSettings(**values)
