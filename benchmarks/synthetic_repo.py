"""A large synthetic git repository, built once with ``git fast-import`` and reused.

Why generated: the local-history targets only mean something on a repository the
size of a busy, decade-old project, and only if every run measures the same bytes.
So the repository is never cloned: one ``git fast-import`` process is fed a stream
built from a fixed seed (``synthetic_history``; never one ``git commit`` per
commit, which would take hours), and the result is cached under a work folder
behind a stamp of the parameters that built it (``stamp.json``).

Invariants of the generated history (the shapes SPEC section 5 reads), checked
with git after building (`repository_stats`):

- every commit is reachable from ``main``; feature, hotfix, dependabot, revert
  and agent branches end in real two-parent merges, then their refs are deleted;
- commit times are spread evenly over ``YEARS`` years ending strictly before
  ``--end`` (UTC, ``+0000``), author time equal to committer time;
- release tags match ``^v?\\d+(\\.\\d+)*$`` and sit on first-parent commits;
  annotated ones carry a tagger date shortly after their commit;
- reverts say ``This reverts commit <40-hex sha>.`` of an earlier mainline commit;
- about 300 author identities, a ``.mailmap`` merging a dozen old identities,
  bots, and AI trailers that become more common in the last three years;
- blobs stay tiny: each commit rewrites one line of one of a few small files.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final, Self

from synthetic_history import DAY, YEARS, HistoryGenerator, Params

__all__ = [
    "DAY",
    "TAG_PATTERN",
    "YEARS",
    "Build",
    "FastImport",
    "Params",
    "ensure_repository",
    "git",
    "git_env",
    "repository_stats",
]

TAG_PATTERN: Final = re.compile(r"^v?\d+(\.\d+)*$")


def git_env() -> dict[str, str]:
    """The caller's environment minus GitHub settings and user/system git config.

    Generation and every timed command see the same, reproducible git setup, and
    the product cannot pick up a token or a repository name from the shell.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GH_"))}
    return env | {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        check=True,
        encoding="utf-8",
        errors="replace",
        env=git_env(),
    )
    return done.stdout


class FastImport:
    """One ``git fast-import`` process fed through a pipe; ``get_mark`` reads SHAs back."""

    def __init__(self, repo: Path) -> None:
        cmd = ["git", "-C", str(repo), "fast-import", "--quiet", "--done", "--active-branches=16"]
        pipe = subprocess.PIPE  # --quiet: stderr carries only an error, far below a pipe's size
        self._proc = subprocess.Popen(cmd, stdin=pipe, stdout=pipe, stderr=pipe, env=git_env())
        assert self._proc.stdin and self._proc.stdout and self._proc.stderr
        self._stdin: IO[bytes] = self._proc.stdin
        self._stdout: IO[bytes] = self._proc.stdout
        self._stderr: IO[bytes] = self._proc.stderr

    def write(self, text: str) -> None:
        self._stdin.write(text.encode())

    def get_mark(self, mark: int) -> str:
        """The SHA of a commit already written: revert messages must name real commits."""
        self.write(f"get-mark :{mark}\n")
        self._stdin.flush()
        return self._stdout.readline().decode().strip()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        try:
            if kind is None:
                self.write("done\n")
            self._stdin.close()
        except BrokenPipeError:
            pass  # fast-import died first; its stderr below says why
        errors = self._stderr.read().decode(errors="replace")
        if self._proc.wait() != 0:
            raise RuntimeError(f"git fast-import failed:\n{errors}")


@dataclass(frozen=True)
class Build:
    """A ready repository; `seconds` is how long building it took, then or now."""

    repo: Path
    seconds: float
    reused: bool


def ensure_repository(p: Params, work: Path) -> Build:
    """Reuse ``work/repo`` when its stamp matches ``p``; otherwise build it from scratch.

    The repository is built in ``repo.partial`` and renamed only when complete, so
    an interrupted build is never mistaken for a finished one.
    """
    repo, stamp, partial = work / "repo", work / "stamp.json", work / "repo.partial"
    if repo.exists() and not stamp.is_file():
        raise SystemExit(f"{repo} exists but was not built by this script: remove it or use --work")
    if stamp.is_file():
        saved = json.loads(stamp.read_text(encoding="utf-8"))
        if saved.get("params") == p.stamp() and repo.is_dir():
            return Build(repo, float(saved["seconds"]), reused=True)
        shutil.rmtree(repo, ignore_errors=True)
        stamp.unlink()
    shutil.rmtree(partial, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    subprocess.run(["git", "init", "-q", "-b", "main", str(partial)], check=True, env=git_env())
    with FastImport(partial) as fi:
        HistoryGenerator(p, fi).run()
    git(partial, "reset", "-q", "--hard")  # a checkout, as users run the CLI in one
    seconds = time.perf_counter() - started
    partial.rename(repo)
    stamp.write_text(json.dumps({"params": p.stamp(), "seconds": seconds}, indent=2) + "\n")
    return Build(repo, seconds, reused=False)


def _count(repo: Path, *args: str) -> int:
    return len(git(repo, "log", "main", "--format=%H", *args).split())


def repository_stats(repo: Path) -> dict[str, int]:
    """What the generator promised, checked with git itself rather than trusted."""
    first_parent = set(git(repo, "rev-list", "--first-parent", "main").split())
    fmt = "--format=%(objecttype) %(refname:strip=2) %(objectname) %(*objectname)"
    tags = [line.split() for line in git(repo, "for-each-ref", fmt, "refs/tags").splitlines()]
    objects = dict(line.split(": ") for line in git(repo, "count-objects", "-v").splitlines())
    return {
        "commits": int(git(repo, "rev-list", "--count", "main")),
        "first_parent_commits": len(first_parent),
        "merges": int(git(repo, "rev-list", "--count", "--merges", "main")),
        "branches": len(git(repo, "for-each-ref", "refs/heads").splitlines()),
        "tags": len(tags),
        "tags_matching_pattern": sum(bool(TAG_PATTERN.match(t[1])) for t in tags),
        "annotated_tags": sum(t[0] == "tag" for t in tags),
        "tags_off_first_parent": sum(t[-1] not in first_parent for t in tags),
        "reverts": _count(repo, "-E", "--grep=^This reverts commit [0-9a-f]{40}\\.$"),
        "hotfix_merges": _count(repo, "--merges", "--grep=hotfix/"),
        "bot_commits": _count(repo, "--author=\\[bot\\]"),
        "ai_trailer_commits": _count(
            repo, "-E", "--grep=^(Co-authored-by: Claude <noreply@anthropic.com>|Assisted-by: )"
        ),
        "author_identities": len(set(git(repo, "log", "main", "--format=%an <%ae>").splitlines())),
        "mailmapped_identities": len(
            set(git(repo, "log", "main", "--format=%aN <%aE>").splitlines())
        ),
        "loose_objects": int(objects["count"]),
        "packs": int(objects["packs"]),
        "pack_kib": int(objects["size-pack"]),
    }
