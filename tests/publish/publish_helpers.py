"""Helpers of the publish tests (imported by name: pytest puts this folder on
`sys.path`): real report folders made by `report`, the fake GitHub with its bare
repository (`Hub`), `publish` run through its own parser as the CLI will run it, and
a `GITHUB_OUTPUT` reader that parses like the runner.

`tests/fakegithub` is a folder of test helpers; its parent goes on `sys.path` (at
the end, so it shadows nothing) to import it as the package ``fakegithub``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_TESTS = str(Path(__file__).resolve().parents[1])
if _TESTS not in sys.path:
    sys.path.append(_TESTS)

from fakegithub.fixtures import settings_for  # noqa: E402
from fakegithub.gitdata import GitDataApi  # noqa: E402
from fakegithub.server import FakeGitHub  # noqa: E402
from gitrepo import GitRepo, at  # noqa: E402

from devex_metrics.cli import main  # noqa: E402
from devex_metrics.collect.github.client import GitHubClient  # noqa: E402
from devex_metrics.collect.github.token import Secret  # noqa: E402
from devex_metrics.errors import DevexError  # noqa: E402
from devex_metrics.publish.api import Api  # noqa: E402
from devex_metrics.publish.command import add_publish_parser, run_publish  # noqa: E402

USER_TOKEN = "test-token"  # a personal access token: GET /user answers
ACTIONS_TOKEN = "actions-token"  # the Actions GITHUB_TOKEN: an installation token
FORK_TOKEN = "fork-token"  # the read-only GITHUB_TOKEN of a pull request from a fork
STRANGER_TOKEN = "stranger-token"
BRANCH = "devex-metrics"
REPOSITORY = "octo/app"
REPORT_UNTIL = {"current": "2026-01-13", "rerun": "2026-01-13", "older": "2026-01-06"}


def _history(repo: GitRepo) -> None:
    for day in range(12):
        repo.commit(f"change {day}", at(day), author=f"Dev{day % 6} <dev{day % 6}@example.com>")
        if day % 3 == 0:
            repo.tag(f"v1.{day}", annotated_at=at(day, hours=5))


def make_report(root: Path, until: str = "2026-01-13") -> Path:
    """A real report folder: `devex-metrics report` on a small real repository."""
    repo = GitRepo(root / "checkout")
    _history(repo)
    out = root / "report"
    args = ["-q", "report", "--repo", str(repo.path), "--offline", "--out", str(out),
            "--until", until, "--window-days", "10"]  # fmt: skip
    assert main(args) == 0
    return out


class Reports:
    """Report folders made once per session, by name: `current` (window ending
    2026-01-13), `rerun` (the same window made again: only the run time differs),
    `older` (the window ending 2026-01-06). Tests copy them before changing them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.made: dict[str, Path] = {}

    def __getitem__(self, name: str) -> Path:
        if name not in self.made:
            self.made[name] = make_report(self.root / name, until=REPORT_UNTIL[name])
        return self.made[name]

    def copy(self, name: str, target: Path) -> Path:
        shutil.copytree(self[name], target)
        return target


@dataclass
class Hub:
    """The fake GitHub and its bare repository."""

    server: FakeGitHub
    gitdata: GitDataApi

    @property
    def bare(self) -> Path:
        return self.gitdata.bare

    def git(self, *args: str) -> str:
        proc = subprocess.run(["git", "--git-dir", str(self.bare), *args], capture_output=True,
                              text=True, check=True)  # fmt: skip
        return proc.stdout.strip()

    def commits(self, branch: str = BRANCH) -> list[str]:
        """Subjects of the branch's commits, newest first ([] when it does not exist)."""
        proc = subprocess.run(["git", "--git-dir", str(self.bare), "log", "--format=%s", branch],
                              capture_output=True, text=True, check=False)  # fmt: skip
        return proc.stdout.splitlines() if proc.returncode == 0 else []

    def files(self, branch: str = BRANCH) -> set[str]:
        return set(self.git("ls-tree", "-r", "--name-only", branch).splitlines())

    def show(self, path: str, branch: str = BRANCH) -> str:
        return self.git("show", f"{branch}:{path}")

    def api(self, token: str = ACTIONS_TOKEN) -> Api:
        return Api(GitHubClient(settings_for(self.server, REPOSITORY, token=Secret(token))))

    def env(self, token: str = ACTIONS_TOKEN, **extra: str) -> dict[str, str]:
        return {"GITHUB_TOKEN": token, "GITHUB_REPOSITORY": REPOSITORY,
                "GITHUB_API_URL": self.server.url, **extra}  # fmt: skip


def publish(argv: list[str], env: Mapping[str, str]) -> int:
    """`devex-metrics publish ARGV` with `env` as the environment; the CLI's exit code."""
    parser = argparse.ArgumentParser(prog="devex-metrics")
    add_publish_parser(parser.add_subparsers(dest="command"))
    try:
        return run_publish(parser.parse_args(["publish", *argv]), env)
    except DevexError as error:
        print(f"devex-metrics: error: {error}", file=sys.stderr)
        return error.exit_code
