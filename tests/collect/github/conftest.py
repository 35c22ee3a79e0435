"""Fixtures of the GitHub collector tests: the fake GitHub server and a fake clock.

`tests/fakegithub` is a plain folder of test helpers; its parent is put on `sys.path`
(at the end, so it shadows nothing) to import it as the package ``fakegithub``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import responses

_TESTS = str(Path(__file__).resolve().parents[2])
if _TESTS not in sys.path:
    sys.path.append(_TESTS)

from fakegithub.dataset import Repo  # noqa: E402
from fakegithub.fixtures import FakeClock, collect_from  # noqa: E402
from fakegithub.scenarios import scenario_dataset  # noqa: E402
from fakegithub.server import FakeGitHub  # noqa: E402

from devex_metrics.collect.github import GitHubData  # noqa: E402


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def api() -> Iterator[responses.RequestsMock]:
    """`responses` for client unit tests; every registered response must be used."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def fake_github(clock: FakeClock) -> Iterator[Callable[..., FakeGitHub]]:
    """A factory: `fake_github(repo, ...)` starts a server (stopped after the test)."""
    started: list[FakeGitHub] = []

    def start(*repos: Repo, **options: Any) -> FakeGitHub:
        options.setdefault("clock", clock)
        server = FakeGitHub(*repos, **options).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def scenario() -> Iterator[tuple[GitHubData, FakeGitHub]]:
    """The scenario repository collected once (no cache), with the server that served it."""
    clock = FakeClock()
    server = FakeGitHub(scenario_dataset(), clock=clock).start()
    try:
        data = collect_from(server, clock)
        yield data, server
    finally:
        server.stop()


@pytest.fixture
def logs(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> Iterator[pytest.LogCaptureFixture]:
    """`caplog` at DEBUG for the package's loggers, even after a CLI test configured the
    ``devex_metrics`` logger not to propagate (logging is process-global state)."""
    monkeypatch.setattr(logging.getLogger("devex_metrics"), "propagate", True)
    with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, logger="devex_metrics"):
        yield caplog
