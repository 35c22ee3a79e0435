"""Team inputs for `teams.source: codeowners`: the CODEOWNERS rules and the paths the
measured commits touch.

- **Which file.** GitHub uses the first of `.github/CODEOWNERS`, `CODEOWNERS` and
  `docs/CODEOWNERS`; it is read from git at the default branch tip (`git ls-tree`,
  then `git show <tip>:<path>`), never from the work tree, so a dirty or
  different checkout cannot change the teams.
- **Syntax** (GitHub's "About code owners"): a pattern then owners, separated by
  unescaped whitespace; a `#` at the start of a line or of a token starts a
  comment; `\\` escapes the next character (`\\#`, `\\ `; the matcher reads the
  escape, so it stays in the pattern). GitHub skips a line with invalid syntax,
  and so does this parser: a `!` negation, a `[ ]` character range, `***`, or an
  owner that is none of `@user`, `@org/team`, an email. (GitHub's page lists the
  `\\#` escape among gitignore rules it does not honour; a `\\#` pattern is read
  here as gitignore reads it, a literal `#`, which only matters for paths that
  start with `#`.)
- **Owners.** Only `@org/team` owners are teams (kept lowercased: GitHub's team
  names are case-insensitive). A user or an email owner is a person, never a
  team, and is not kept at all.
- **Paths** are read in one `git log --no-walk=unsorted --stdin --name-only -z`
  run over just the commits the windows measure: non-merge commits authored in
  `[horizon, until)` and the changes of the deployments in that span (so a change
  authored long before it ships still has its team). Never the whole history.
  `--no-renames` lists both sides of a rename (both paths were touched) and
  `--root` lists a root commit's files whatever `log.showRoot` says.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import datetime

from devex_metrics.collect.git import Git
from devex_metrics.config import DeploymentsConfig
from devex_metrics.derive.deployments import derive_deployments, ship
from devex_metrics.model import CodeOwners, CodeOwnersRule, Dataset

log = logging.getLogger(__name__)

CODEOWNERS_LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
_TEAM = re.compile(r"@[A-Za-z0-9-]+/[A-Za-z0-9_.-]+")
_USER = re.compile(r"@[A-Za-z0-9_-]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_HEADER = b"/"  # paths are relative, so a field starting with "/" is a commit header


def _tokens(line: str) -> list[str]:
    """Split a line on unescaped whitespace, up to a comment; escapes are kept."""
    tokens: list[str] = []
    current: list[str] = []
    chars = iter(line)
    for char in chars:
        if char == "\\":
            current += [char, next(chars, "")]
        elif char.isspace():
            if current:
                tokens.append("".join(current))
                current = []
        elif char == "#" and not current:
            break
        else:
            current.append(char)
    if current:
        tokens.append("".join(current))
    return tokens


def _unescaped(pattern: str) -> str:
    """The pattern's characters that are not escaped (for the syntax checks)."""
    return re.sub(r"\\.", "", pattern)


def _valid_pattern(pattern: str) -> bool:
    bare = _unescaped(pattern)
    return not (bare.startswith("!") or "[" in bare or "]" in bare or "***" in bare)


def _is_owner(token: str) -> bool:
    return any(p.fullmatch(token) for p in (_TEAM, _USER, _EMAIL))


def parse_codeowners(text: str, path: str = "CODEOWNERS") -> CodeOwners:
    """The rules of a CODEOWNERS file, in file order (the last match wins)."""
    rules: list[CodeOwnersRule] = []
    skipped = 0
    for number, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        tokens = _tokens(line)
        if not tokens:
            continue
        pattern, *owners = tokens
        if not _valid_pattern(pattern) or not all(_is_owner(o) for o in owners):
            skipped += 1
            continue
        teams = tuple(dict.fromkeys(o.lower() for o in owners if _TEAM.fullmatch(o)))
        rules.append(CodeOwnersRule(pattern, teams, number))
    return CodeOwners(path, tuple(rules), skipped)


def read_codeowners(git: Git, tip: str) -> CodeOwners | None:
    """The CODEOWNERS file GitHub would use at `tip`, or None when there is none."""
    listing = git.run("ls-tree", "-z", tip, "--", *CODEOWNERS_LOCATIONS, check=False)
    blobs = set()
    for entry in listing.split("\0"):
        meta, _, name = entry.partition("\t")
        if meta.split(" ")[1:2] == ["blob"]:
            blobs.add(name)
    for location in CODEOWNERS_LOCATIONS:
        if location in blobs:
            return parse_codeowners(git.run("show", f"{tip}:{location}"), location)
    return None


def _paths(chunks: Iterator[list[bytes]]) -> dict[str, tuple[str, ...]]:
    """Parse `--format=/%H --name-only -z` output: a header field per commit, then its
    paths; git puts one newline before a commit's first path."""
    found: dict[str, list[str]] = {}
    current: list[str] = []
    first = False
    for fields in chunks:
        for field in fields:
            if field.startswith(_HEADER):
                current = found.setdefault(field[1:].decode(), [])
                first = True
                continue
            if first and field.startswith(b"\n"):
                field = field[1:]
            first = False
            if field:
                current.append(sys.intern(field.decode("utf-8", "replace")))
    return {sha: tuple(paths) for sha, paths in found.items()}


def read_commit_paths(git: Git, shas: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The paths each of `shas` touches (both sides of a rename), in one git run."""
    wanted = list(dict.fromkeys(shas))
    if not wanted:
        return {}
    args = ["log", "--no-walk=unsorted", "--stdin", "--name-only", "-z", "--no-renames",
            "--root", f"--format={_HEADER.decode()}%H"]  # fmt: skip
    paths = _paths(git.stream(args, stdin="\n".join(wanted) + "\n"))
    return {sha: paths.get(sha, ()) for sha in wanted}


def measured_commits(
    dataset: Dataset, deployments: DeploymentsConfig, since: datetime | None,
    until: datetime | None,
) -> list[str]:  # fmt: skip
    """Non-merge commits authored in `[since, until)`, plus the changes of deployments
    in that span that have a baseline (lead time measures those)."""

    def inside(moment: datetime) -> bool:
        return (since is None or moment >= since) and (until is None or moment < until)

    wanted = [c.sha for c in dataset.commits.values() if not c.is_merge and inside(c.author_time)]
    for shipped in ship(derive_deployments(dataset, deployments), dataset.commits):
        if not shipped.first_known and inside(shipped.deployment.time):
            wanted.extend(c.sha for c in shipped.changes)
    return wanted


def read_team_inputs(
    git: Git, dataset: Dataset, deployments: DeploymentsConfig, since: datetime | None,
    until: datetime | None,
) -> tuple[CodeOwners | None, dict[str, tuple[str, ...]] | None]:  # fmt: skip
    """CODEOWNERS at the default branch tip and the paths of the measured commits;
    (None, None) when there is no tip or no CODEOWNERS file (no team breakdown)."""
    tip = dataset.default_tip
    codeowners = read_codeowners(git, tip) if tip else None
    if codeowners is None:
        looked = ", ".join(CODEOWNERS_LOCATIONS)
        log.warning("teams.source is codeowners, but the default branch has no CODEOWNERS "
                    "file (looked in %s): no team breakdowns", looked)  # fmt: skip
        return None, None
    if codeowners.skipped_lines:
        log.warning("%s: %d line(s) with invalid syntax skipped, as GitHub does",
                    codeowners.path, codeowners.skipped_lines)  # fmt: skip
    started = time.monotonic()
    paths = read_commit_paths(git, measured_commits(dataset, deployments, since, until))
    took = time.monotonic() - started
    log.info("codeowners: %d rules from %s; paths of %d commits read in %.2f s",
             len(codeowners.rules), codeowners.path, len(paths), took)  # fmt: skip
    return codeowners, paths
