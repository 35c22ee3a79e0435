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
