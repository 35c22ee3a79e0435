"""Fixtures for the action tests: a real git checkout that `devex-metrics init` has
scaffolded into, shared by the lint gates (built once per module: init is pure
rendering plus four small writes, and the linters only read it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitrepo import GitRepo
from init_fixtures import init_args

from devex_metrics.scaffold import run_init


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The top level of a checkout with an https origin, after `devex-metrics init`."""
    repo = GitRepo(tmp_path_factory.mktemp("scaffolded") / "repo")
    repo.git("remote", "add", "origin", "https://github.com/acme/service.git")
    assert run_init(init_args(repo.path)) == 0
    return repo.path
