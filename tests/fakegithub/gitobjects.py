"""Git plumbing on the fake GitHub's bare repository, and the JSON of the objects it
writes (`git-commit`), for `gitdata`."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fakegithub.conversations import API, Account, iso


class Git:
    """`git --git-dir BARE ...`, with no user or system configuration."""

    def __init__(self, bare: Path) -> None:
        self.bare = bare

    def _run(self, args: tuple[str, ...], data: bytes | None = None,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:  # fmt: skip
        full_env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", **(env or {})}
        return subprocess.run(["git", "--git-dir", str(self.bare), *args], input=data,
                              capture_output=True, check=False, env=full_env)  # fmt: skip

    def __call__(self, *args: str, data: bytes | None = None,
                 env: dict[str, str] | None = None) -> str:  # fmt: skip
        proc = self._run(args, data, env)
        if proc.returncode != 0:
            raise RuntimeError(f"git {' '.join(args)}: {proc.stderr.decode()}")
        return proc.stdout.decode()

    def ok(self, *args: str) -> bool:
        """Whether the command succeeds (`update-ref` with an old value, `merge-base`)."""
        return self._run(args).returncode == 0

    def blob(self, sha: str) -> bytes:
        return self._run(("cat-file", "blob", sha)).stdout

    def resolve(self, name: str, kind: str) -> str | None:
        proc = self._run(("rev-parse", "--verify", "-q", f"{name}^{{{kind}}}"))
        return proc.stdout.decode().strip() or None


def commit_payload(full_name: str, sha: str, tree: str, parents: list[str | None],
                   payload: dict[str, Any], account: Account, custom: bool,
                   now: float) -> dict[str, Any]:  # fmt: skip
    """A `git-commit` object. GitHub signs a commit it authors itself (no author or
    committer given): `verification.verified` says whether this one was."""
    base = f"{API}/repos/{full_name}/git"
    stamp = iso(datetime.fromtimestamp(now, UTC))
    email = f"{account.id}+{account.login}@users.noreply.github.com"
    return {
        "sha": sha, "node_id": f"C_{sha}", "url": f"{base}/commits/{sha}",
        "html_url": f"https://github.com/{full_name}/commit/{sha}",
        "author": {"name": account.login, "email": email, "date": stamp},
        "committer": {"name": "GitHub", "email": "noreply@github.com", "date": stamp},
        "message": payload["message"], "tree": {"sha": tree, "url": f"{base}/trees/{tree}"},
        "parents": [{"sha": p, "url": f"{base}/commits/{p}",
                     "html_url": f"https://github.com/{full_name}/commit/{p}"} for p in parents],
        "verification": {"verified": not custom, "reason": "unsigned" if custom else "valid",
                         "signature": None, "payload": None,
                         "verified_at": None if custom else stamp},
    }  # fmt: skip
