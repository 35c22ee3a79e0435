"""Helpers shared by the tests that use the fake GitHub: a fake clock, client
settings, and one way to run the collector against the fake."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from devex_metrics.collect.github import GitHubData, collect_github
from devex_metrics.collect.github.settings import GitHubSettings
from devex_metrics.collect.github.token import Secret
from devex_metrics.config import Config
from fakegithub.dataset import NOW, SINCE
from fakegithub.server import FakeGitHub

TOKEN = "test-token"
NO_SHIFT = timedelta(0)


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


def collect_from(
    server: FakeGitHub,
    clock: FakeClock,
    *,
    config: Config | None = None,
    repository: str = "octo/app",
    cache_dir: Path | None = None,
    shift: timedelta = NO_SHIFT,
    **settings: Any,
) -> GitHubData:
    """`collect_github` against `server` over the data sets' standard window (moved
    by `shift`), sleeping on the fake clock: the one way the collector tests call it."""
    return collect_github(
        settings_for(server, repository, **settings),
        config or Config(),
        since=SINCE + shift,
        until=NOW + shift,
        cache_dir=cache_dir,
        now=NOW + shift,
        sleep=clock.sleep,
        clock=clock,
    )
