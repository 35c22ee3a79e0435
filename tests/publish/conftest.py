"""Fixtures of the publish tests; what they build on is in `publish_helpers`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fakegithub.gitdata import ACTIONS_BOT, READ_ONLY_BOT, STRANGER, USER, GitDataApi
from fakegithub.server import FakeGitHub
from publish_helpers import (
    ACTIONS_TOKEN,
    FORK_TOKEN,
    REPOSITORY,
    STRANGER_TOKEN,
    USER_TOKEN,
    Hub,
    Reports,
)


@pytest.fixture(scope="session")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Reports:
    return Reports(tmp_path_factory.mktemp("reports"))


@pytest.fixture
def out(reports: Reports, tmp_path: Path) -> Path:
    """A fresh copy of the current report folder, for a test to publish or change."""
    return reports.copy("current", tmp_path / "devex-report")


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    gitdata = GitDataApi(
        tmp_path / "remote.git",
        REPOSITORY,
        accounts={
            USER_TOKEN: USER,
            ACTIONS_TOKEN: ACTIONS_BOT,
            FORK_TOKEN: READ_ONLY_BOT,
            STRANGER_TOKEN: STRANGER,
        },
    )
    server = FakeGitHub().mount(gitdata).start()
    try:
        yield Hub(server, gitdata)
    finally:
        server.stop()
        assert gitdata.invalid_requests == [], "publish sent a body GitHub would reject"
