"""Shared fixtures. This folder is on sys.path (pytest's prepend import mode puts a
conftest's folder there), so tests import helpers such as `gitrepo` directly."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitrepo import GitRepo


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """An empty real git repository on branch `main`."""
    return GitRepo(tmp_path / "repo")


_GITHUB_ENV = ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_REPOSITORY", "GITHUB_ACTIONS", "GITHUB_API_URL",
               "GITHUB_GRAPHQL_URL", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_EVENT_PATH",
               "GITHUB_EVENT_NAME")  # fmt: skip


@pytest.fixture(autouse=True)
def _no_ambient_github(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the GitHub environment of the machine running them (a CI job
    sets GITHUB_TOKEN): each test sets what it needs, and nothing reaches the network."""
    for name in _GITHUB_ENV:
        monkeypatch.delenv(name, raising=False)
