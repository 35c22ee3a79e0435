"""Build real git repositories in temporary folders with the git CLI, with fixed
author and committer dates, for tests that must see what git really does."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def at(days: float = 0, hours: float = 0) -> datetime:
    """A moment `days` + `hours` after 2026-01-01 00:00 UTC."""
    return T0 + timedelta(days=days, hours=hours)


def _git_date(moment: datetime) -> str:
    return f"{int(moment.timestamp())} +0000"


class GitRepo:
    """A scratch repository on branch `main`; every write pins its dates."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Fixture")
        self.git("config", "user.email", "fixture@example.invalid")
        self.git("config", "commit.gpgsign", "false")
        self.git("config", "tag.gpgsign", "false")
        self._counter = 0

    def git(self, *args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> str:
        full_env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(self.path),
                    **(env or {})}  # fmt: skip
        proc = subprocess.run(["git", "-C", str(self.path), *args], env=full_env, input=stdin,
                              capture_output=True, text=True, check=False)  # fmt: skip
        if proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
        return proc.stdout.strip()

    @staticmethod
    def _env(author: str, when: datetime, committed: datetime | None) -> dict[str, str]:
        name, _, email = author.partition(" <")
        return {
            "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email.rstrip(">"),
            "GIT_AUTHOR_DATE": _git_date(when),
            "GIT_COMMITTER_NAME": "Committer", "GIT_COMMITTER_EMAIL": "committer@example.invalid",
            "GIT_COMMITTER_DATE": _git_date(committed or when),
        }  # fmt: skip

    def commit(self, message: str, when: datetime, *, author: str = "Alice <alice@example.com>",
               committed: datetime | None = None, path: str | None = None) -> str:  # fmt: skip
        """A commit changing one file; returns its sha."""
        self._counter += 1
        file = self.path / (path or f"files/{self._counter}.txt")
        file.parent.mkdir(parents=True, exist_ok=True)
        with file.open("a", encoding="utf-8") as handle:
            handle.write(f"change {self._counter}\n")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, env=self._env(author, when, committed))
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def checkout(self, branch: str, *, create: bool = False, start: str | None = None) -> None:
        args = ["checkout", "-q"] + (["-b", branch] if create else [branch])
        self.git(*args, *([start] if start else []))

    def merge(self, branch: str, when: datetime, *, message: str | None = None,
              author: str = "Alice <alice@example.com>") -> str:  # fmt: skip
        """A real merge commit (`--no-ff`) of `branch` into the current branch."""
        args = ["merge", "-q", "--no-ff", branch, "-m", message or f"Merge branch '{branch}'"]
        self.git(*args, env=self._env(author, when, None))
        return self.head()

    def revert(self, sha: str, when: datetime, *, author: str = "Alice <alice@example.com>") -> str:
        self.git("revert", "--no-edit", sha, env=self._env(author, when, None))
        return self.head()

    def tag(self, name: str, *, sha: str = "HEAD", annotated_at: datetime | None = None) -> None:
        """A lightweight tag, or an annotated one whose tagger date is `annotated_at`."""
        if annotated_at is None:
            self.git("tag", name, sha)
        else:
            env = {
                "GIT_COMMITTER_DATE": _git_date(annotated_at),
                "GIT_COMMITTER_NAME": "Tagger",
                "GIT_COMMITTER_EMAIL": "tagger@example.invalid",
            }
            self.git("tag", "-a", name, sha, "-m", f"release {name}", env=env)

    def write(self, path: str, text: str) -> None:
        target = self.path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
