"""Benchmark the local-history pipeline against a plain ``git log`` of the same commits.

Why this exists: the performance issue sets the budget of ``devex-metrics report
--offline`` relative to the cheapest possible read of the same history (one
``git log`` with the fields the product needs), plus an absolute memory ceiling.
Those targets only mean something on a repository the size of a busy,
decade-old project, and only if every run measures the same bytes. So the
repository is generated, never cloned: one ``git fast-import`` process is fed a
stream built from a fixed seed (never one ``git commit`` per commit, which would
take hours), and the result is cached under ``--work`` behind a stamp of the
parameters that built it.

Invariants of the generated history (the shapes SPEC section 5 reads):

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

This is a measurement, not a test: it exits 0 whatever the numbers are, and a
missing or failing ``devex-metrics`` command is reported, not raised.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import deque
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Final, Self

GENERATOR_VERSION: Final = 3
YEARS: Final = 10
DAY: Final = 86_400
ORG: Final = "acme"
TAG_PATTERN: Final = re.compile(r"^v?\d+(\.\d+)*$")
RSS_LIMIT_MB: Final = 150.0
SHORT_WINDOW_FLOOR_S: Final = 1.5
TIMES: Final = "\u00d7"  # the multiplication sign, spelled out so linters don't flag it

GITHUB: Final = "GitHub <noreply@github.com>"
DEPENDABOT: Final = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"
ACTIONS_BOT: Final = "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"
COPILOT_AGENT: Final = "Copilot <198982749+Copilot@users.noreply.github.com>"
AI_TRAILERS: Final = ("Co-authored-by: Claude <noreply@anthropic.com>", "Assisted-by: Copilot")

FILES: Final = (
    "src/core.txt",
    "src/api.txt",
    "src/ui.txt",
    "docs/guide.md",
    "CHANGELOG.md",
    "requirements.txt",
)
LINES_PER_FILE: Final = 12
# fmt: off
FIRST_NAMES: Final = (
    "Ada", "Ahmet", "Aiko", "Alejandro", "Amara", "Anaïs", "Andrés", "Anja", "Aoife", "Arjun",
    "Ayşe", "Björn", "Bogdan", "Carmen", "Chiara", "Chloé", "Dagný", "Darius", "Đorđe", "Elif",
    "Émile", "Esther", "Fatima", "François", "Gráinne", "Hana", "Håkon", "Ingrid", "Ioana",
    "Jürgen", "Kaito", "Kwame", "Lars", "Leïla", "Łukasz", "Małgorzata", "Mateus", "Mei", "Mikko",
    "Nadia", "Ngọc", "Nikolai", "Olúwaseun", "Oriol", "Paweł", "Priya", "Rafael", "Renée",
    "Saoirse", "Sebastián", "Siobhán", "Søren", "Tomás", "Ulrike", "Valentina", "Wei", "Yasmin",
    "Zoë", "Zsófia", "Jamal",
)
LAST_NAMES: Final = (
    "Abe", "Alves", "Bauer", "Çelik", "Chen", "Costa", "Dubois", "Eriksson", "Fernández", "García",
    "Gonçalves", "Hansen", "Horváth", "Ivanova", "Jensen", "Kowalski", "Kumar", "Lefèvre",
    "Lindqvist", "Müller", "Nakamura", "Novák", "Nowak", "O'Brien", "Okafor", "Øvergaard", "Park",
    "Pérez", "Quinn", "Rossi", "Šimić", "Smith", "Sørensen", "Tanaka", "Traoré", "van den Berg",
    "Wójcik", "Demir", "Zhang", "Żak",
)
WHOLE_NAMES: Final = (
    "李伟", "王芳", "山田太郎", "김민준", "Nguyễn Văn An", "Σωκράτης Παπαδόπουλος", "Анна Смирнова",
)
VERBS: Final = (
    "Fix", "Add", "Refactor", "Update", "Remove", "Improve", "Document", "Speed up", "Handle",
    "Simplify", "Harden", "Rename", "Test",
)
NOUNS: Final = (
    "cache refresh", "login flow", "retry budget", "CSV export", "search index", "rate limiter",
    "date parsing", "build matrix", "error page", "config loader", "webhook handler",
    "billing report", "session store", "feature flags", "audit log", "upload queue",
    "dark mode", "pagination", "metrics endpoint", "schema migration",
)
PACKAGES: Final = ("requests", "pydantic", "jinja2", "pyyaml", "urllib3", "certifi", "pytest")
# fmt: on
BRANCH_KINDS: Final = ("feature", "hotfix", "dependabot", "revert", "copilot")
BRANCH_WEIGHTS: Final = (80, 1, 14, 1, 4)

Tree = dict[str, tuple[str, ...]]
Change = tuple[str, int, str, str]  # path, line index, old line, new line


@dataclass(frozen=True)
class Params:
    """Everything that determines the generated bytes; the stamp compares exactly these."""

    commits: int
    tags: int
    seed: int
    end: date

    @property
    def end_ts(self) -> int:
        return int(datetime(self.end.year, self.end.month, self.end.day, tzinfo=UTC).timestamp())

    @property
    def start_ts(self) -> int:
        return self.end_ts - round(365.2425 * YEARS) * DAY

    def stamp(self) -> dict[str, object]:
        return {"generator": GENERATOR_VERSION, **asdict(self), "end": self.end.isoformat()}


@dataclass(frozen=True)
class Person:
    """A human contributor; ``alias`` is the older identity that ``.mailmap`` merges."""

    ident: str
    joined: int
    left: int
    weight: float
    alias: str | None = None
    alias_until: int = 0

    def at(self, ts: int) -> str:
        return self.alias if self.alias and ts < self.alias_until else self.ident


@dataclass(frozen=True)
class Sig:
    """Author, committer and the one timestamp both carry."""

    author: str
    committer: str
    ts: int


@dataclass(frozen=True)
class Landed:
    """A first-parent commit of ``main``: what a later revert may point at."""

    mark: int
    subject: str
    change: Change | None
    branch: str | None = None
    pr: int = 0


@dataclass
class Branch:
    """An open topic branch: its fork point, its own tree and the commits it still owes."""

    name: str
    kind: str
    title: str
    author: str
    pr: int  # 0: merged locally with "Merge branch '...'"
    todo: int
    fork: int
    base: Tree
    state: Tree
    target: Landed | None = None  # what a revert branch reverts
    tip: int = 0


# Letters NFKD does not decompose into an ASCII base letter.
FOLD: Final = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d"})


def _ascii(text: str) -> str:
    """The ASCII slug people use in emails: ``Łukasz Żak`` becomes ``lukasz.zak``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(FOLD))
    folded = decomposed.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", ".", folded.lower()).strip(".")


def build_people(rng: random.Random, p: Params, count: int = 290) -> list[Person]:
    """Contributors with staggered tenures, so any 90-day window sees a realistic team."""
    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    names = names[: count - len(WHOLE_NAMES)] + list(WHOLE_NAMES)
    people: list[Person] = []
    for i, name in enumerate(names):
        slug = _ascii(name) or f"dev{i}"
        if i % 3 == 2:
            email = f"{1000 + i}+{slug.replace('.', '')}@users.noreply.github.com"
        else:
            email = f"{slug}@{('acme.example', 'mail.example')[i % 3]}"
        joined = p.start_ts if i < 40 else rng.randint(p.start_ts, p.end_ts - 60 * DAY)
        left = joined + int(rng.uniform(1.0, 7.0) * 365 * DAY)
        people.append(Person(f"{name} <{email}>", joined, left, 1.0 / (1 + i % 50) ** 0.7))
    for i in rng.sample(range(len(people)), 12):
        old = people[i]
        alias = f"{_ascii(old.ident.split(' <')[0]) or 'dev'} <dev{i}@old-laptop.local>"
        until = (old.joined + min(old.left, p.end_ts)) // 2
        people[i] = Person(old.ident, old.joined, old.left, old.weight, alias, until)
    return people


def mailmap(people: Sequence[Person]) -> str:
    """``Proper Name <proper> Commit Name <commit>`` lines for every aliased person."""
    return "".join(f"{p.ident} {p.alias}\n" for p in people if p.alias)


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


def _data(text: str) -> str:
    return f"data {len(text.encode())}\n{text}\n"


class HistoryGenerator:
    """Writes the whole history as one fast-import stream, one event (one commit) at a time.

    Events come in time order and each writes exactly one commit, so the commit
    count is exact and times are evenly spaced. Branches close in time: once the
    commits still owed by open branches fill the remaining budget, only branch
    commits and merges are written, so every commit ends up reachable from main.
    """

    def __init__(self, p: Params, fi: FastImport) -> None:
        self.p, self.fi, self.rng = p, fi, random.Random(p.seed)
        self.span = p.end_ts - p.start_ts
        self.people = build_people(self.rng, p)
        self.buckets = [self._active(t + 15 * DAY) for t in range(p.start_ts, p.end_ts, 30 * DAY)]
        self.mark = self.main_mark = self.pr = self.serial = 0
        self.main_tree: Tree = {
            f: tuple(f"{f} {j:02d}: initial" for j in range(LINES_PER_FILE)) for f in FILES
        }
        self.open: list[Branch] = []
        self.landed: deque[Landed] = deque(maxlen=60)
        self.version = (0, 1, 0)
        self.hotfix_pending = False
        self.next_tag_at = p.start_ts

    def run(self) -> None:
        ts = self._time(0)
        first = self.people[0].at(ts)
        readme = ("# acme/widgets", "", "Synthetic history for the devex-metrics benchmark.")
        extra = {".mailmap": tuple(mailmap(self.people).splitlines()), "README.md": readme}
        self._land(Sig(first, first, ts), "Initial commit\n", {**self.main_tree, **extra})
        for i in range(1, self.p.commits):
            self._step(i, self._time(i))
        assert not self.open, "every branch is merged before the end"

    def _step(self, i: int, ts: int) -> None:
        owed = sum(b.todo + 1 for b in self.open)
        budget = self.p.commits - i - owed  # commits free for new work, never negative
        ready = [b for b in self.open if b.todo == 0]
        working = [b for b in self.open if b.todo > 0]
        r = self.rng.random()
        if ready and (budget <= 0 or r < 0.25):
            self._merge(ready[0], ts)
        elif working and (budget <= 0 or r < 0.6):
            self._branch_commit(self.rng.choice(working), ts)
        elif len(self.open) < 8 and budget >= 2 and r < 0.75:
            self._open_branch(ts, budget)
        else:
            self._main_commit(ts)

    # ---- time, people, words ---------------------------------------------
    def _active(self, ts: int) -> tuple[list[Person], list[float]]:
        people = [x for x in self.people if x.joined <= ts < x.left] or self.people
        cum, total = [], 0.0
        for person in people:
            total += person.weight
            cum.append(total)
        return people, cum

    def _human(self, ts: int) -> str:
        bucket = min((ts - self.p.start_ts) // (30 * DAY), len(self.buckets) - 1)
        people, cum = self.buckets[bucket]
        return self.rng.choices(people, cum_weights=cum)[0].at(ts)

    def _time(self, i: int) -> int:
        position = i + 0.5 + self.rng.uniform(-0.4, 0.4)
        return self.p.start_ts + int(self.span * position / self.p.commits)

    def _trailers(self, ts: int) -> str:
        """AI trailers appear in the last three years, growing towards 30 % of commits."""
        ai_start = self.p.end_ts - 3 * 365 * DAY
        share = 0.3 * max(0.0, (ts - ai_start) / (self.p.end_ts - ai_start))
        lines = [self.rng.choice(AI_TRAILERS)] if self.rng.random() < share else []
        if self.rng.random() < 0.03:
            lines.append(f"Co-authored-by: {self._human(ts)}")
        return "\n\n" + "\n".join(lines) if lines else ""

    def _subject(self) -> tuple[str, str]:
        noun = self.rng.choice(NOUNS)
        return f"{self.rng.choice(VERBS)} {noun}", noun.replace(" ", "-").lower()

    # ---- trees and commits -----------------------------------------------
    def _touch(self, tree: Tree, path: str | None = None) -> tuple[Tree, Change]:
        """Rewrite one line of one small file: tiny blobs, a real diff in every commit."""
        path = path or self.rng.choice(FILES[:4])
        j = self.rng.randrange(LINES_PER_FILE)
        old, new = tree[path][j], f"{path} {j:02d}: r{self.mark + 1:x}"
        return {path: (*tree[path][:j], new, *tree[path][j + 1 :])}, (path, j, old, new)

    def _revert(self, tree: Tree, target: Landed) -> tuple[str, Tree, Change]:
        """A revert restores the target's line when nothing changed it since."""
        sha = self.fi.get_mark(target.mark)
        message = f'Revert "{target.subject}"\n\nThis reverts commit {sha}.\n'
        if target.change and tree[target.change[0]][target.change[1]] == target.change[3]:
            path, j, old, new = target.change
            return (
                message,
                {path: (*tree[path][:j], old, *tree[path][j + 1 :])},
                (path, j, new, old),
            )
        return (message, *self._touch(tree))

    def _emit(self, ref: str, sig: Sig, message: str, changes: Tree, **parents: int) -> int:
        self.mark += 1
        parts = [f"commit {ref}\nmark :{self.mark}\nauthor {sig.author} {sig.ts} +0000\n"]
        parts += [f"committer {sig.committer} {sig.ts} +0000\n", _data(message)]
        parts += [f"{kind} :{mark}\n" for kind, mark in parents.items() if mark]
        for path, lines in changes.items():
            parts += [f"M 100644 inline {path}\n", _data("\n".join(lines) + "\n")]
        self.fi.write("".join(parts) + "\n")
        return self.mark

    def _land(
        self,
        sig: Sig,
        message: str,
        changes: Tree,
        change: Change | None = None,
        *,
        merge: Branch | None = None,
        pr: int = 0,
    ) -> None:
        """Commit onto main's first-parent line, remember it for reverts, maybe tag it."""
        tip = merge.tip if merge else 0
        self.main_mark = self._emit("refs/heads/main", sig, message, changes, merge=tip)
        self.main_tree = {**self.main_tree, **changes}
        subject, branch = message.split("\n", 1)[0], merge.name if merge else None
        self.landed.append(
            Landed(self.main_mark, subject, change, branch, merge.pr if merge else pr)
        )
        self._maybe_tag(sig.ts)

    def _main_commit(self, ts: int) -> None:
        r = self.rng.random()
        if r < 0.004 and self.landed:
            who = self._human(ts)
            message, changes, change = self._revert(self.main_tree, self.rng.choice(self.landed))
            self._land(Sig(who, who, ts), message, changes, change)
        elif r < 0.05:
            changes, change = self._touch(self.main_tree, "CHANGELOG.md")
            message = "chore: update CHANGELOG [skip ci]\n"
            self._land(Sig(ACTIONS_BOT, ACTIONS_BOT, ts), message, changes, change)
        elif r < 0.30:  # a squash-merged pull request: one parent, GitHub as committer
            self.pr += self.rng.randint(1, 3)
            subject, _ = self._subject()
            body = f"* {subject}\n* Address review comments{self._trailers(ts)}"
            changes, change = self._touch(self.main_tree)
            sig = Sig(self._human(ts), GITHUB, ts)
            self._land(sig, f"{subject} (#{self.pr})\n\n{body}\n", changes, change, pr=self.pr)
        else:
            who, (subject, _) = self._human(ts), self._subject()
            changes, change = self._touch(self.main_tree)
            self._land(Sig(who, who, ts), f"{subject}{self._trailers(ts)}\n", changes, change)

    # ---- branches ----------------------------------------------------------
    def _open_branch(self, ts: int, budget: int) -> None:
        kind = self.rng.choices(BRANCH_KINDS, BRANCH_WEIGHTS)[0]
        if (kind == "copilot" and ts < self.p.end_ts - 540 * DAY) or (
            kind == "revert" and not self.landed
        ):
            kind = "feature"
        size = 1 if kind in ("dependabot", "revert") else self.rng.choice((1, 1, 2, 2, 3, 4, 5, 8))
        self.serial += 1
        title, slug = self._subject()
        name, author, target = f"{kind}/{slug}-{self.serial}", self._human(ts), None
        if kind == "dependabot":
            pkg, minor = self.rng.choice(PACKAGES), f"1.{self.serial // 50}"
            old, new = f"{minor}.{self.serial % 50}", f"{minor}.{self.serial % 50 + 1}"
            name, author = f"dependabot/pip/{pkg}-{new}", DEPENDABOT
            title = f"Bump {pkg} from {old} to {new}"
        elif kind == "revert":
            target = self.rng.choice(self.landed)
            name = f"revert-{target.pr or self.serial}-{target.branch or 'main'}"
            title = f'Revert "{target.subject}"'
        elif kind == "copilot":
            author = COPILOT_AGENT
        via_pr = kind not in ("feature", "hotfix") or self.rng.random() < 0.85
        self.pr += self.rng.randint(1, 3) if via_pr else 0
        todo = min(size, budget - 1) - 1  # the first commit is written right away
        pr = self.pr if via_pr else 0
        branch = Branch(
            name, kind, title, author, pr, todo, self.main_mark, self.main_tree, {}, target
        )
        branch.state = branch.base
        self.open.append(branch)
        self._write_branch_commit(branch, ts)

    def _branch_commit(self, branch: Branch, ts: int) -> None:
        branch.todo -= 1
        self._write_branch_commit(branch, ts)

    def _write_branch_commit(self, b: Branch, ts: int) -> None:
        if b.kind == "dependabot":
            message = f"{b.title}\n\nSigned-off-by: dependabot[bot] <support@github.com>\n"
            changes, _ = self._touch(b.state, "requirements.txt")
        elif b.target:
            message, changes, _ = self._revert(b.state, b.target)
        else:
            subject = self._subject()[0] if b.tip else b.title
            trailers = f"\n\nCo-authored-by: {self._human(ts)}" if b.kind == "copilot" else ""
            message = f"{subject}{trailers or self._trailers(ts)}\n"
            changes, _ = self._touch(b.state)
        ref = f"refs/heads/{b.name}"
        b.tip = self._emit(ref, Sig(b.author, b.author, ts), message, changes, **{"from": b.fork})
        b.fork = 0  # later commits continue from the branch's own tip
        b.state = {**b.state, **changes}

    def _merge(self, b: Branch, ts: int) -> None:
        """A real two-parent merge; the tree is a line-wise three-way merge, branch wins."""
        self.open.remove(b)
        changes: Tree = {}
        for path, theirs in b.state.items():
            base, ours = b.base[path], self.main_tree[path]
            if theirs is not base:
                lines = tuple(
                    t if t != o else m for m, o, t in zip(ours, base, theirs, strict=True)
                )
                changes |= {path: lines} if lines != ours else {}
        merger = self._human(ts)
        self.hotfix_pending |= b.kind == "hotfix"  # the next release is a patch
        if b.pr:
            message = f"Merge pull request #{b.pr} from {ORG}/{b.name}\n\n{b.title}\n"
            self._land(Sig(merger, GITHUB, ts), message, changes, merge=b)
        else:
            self._land(Sig(merger, merger, ts), f"Merge branch '{b.name}'\n", changes, merge=b)
        self.fi.write(f"reset refs/heads/{b.name}\n\n")  # merged branches are deleted

    # ---- releases ----------------------------------------------------------
    def _maybe_tag(self, ts: int) -> None:
        """Tag main every few days: ~70 % annotated (tagger date after the commit)."""
        if ts < self.next_tag_at:
            return
        self.next_tag_at = ts + int(self.span / self.p.tags * self.rng.uniform(0.5, 1.5))
        for n, name in enumerate(self._next_versions()):
            if n == 0 and self.rng.random() < 0.7:
                when = min(ts + self.rng.randint(60, 7200), self.p.end_ts - 1)
                tagger = f"tagger {self._human(ts)} {when} +0000\n"
                self.fi.write(f"tag {name}\nfrom :{self.main_mark}\n{tagger}{_data(name)}")
            else:
                self.fi.write(f"reset refs/tags/{name}\nfrom :{self.main_mark}\n\n")

    def _next_versions(self) -> list[str]:
        """Semver bumps; ``v`` prefix from 1.0 on; a major also gets a floating ``vN`` tag."""
        major, minor, patch = self.version
        r = self.rng.random()
        if r >= 0.99:
            major, minor, patch = major + 1, 0, 0
        elif self.hotfix_pending or r < 0.3:
            patch += 1
        else:
            minor, patch = minor + 1, 0
        self.hotfix_pending, self.version = False, (major, minor, patch)
        prefix = "v" if major else ""
        return [f"{prefix}{major}.{minor}.{patch}"] + ([f"v{major}"] if r >= 0.99 else [])


# ---- the repository on disk ----------------------------------------------------
@dataclass(frozen=True)
class Build:
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


# ---- measurement ---------------------------------------------------------------
# Runs one command and reports its wall time and the peak RSS of its process tree.
# A fresh wrapper per command matters: RUSAGE_CHILDREN's ru_maxrss is the maximum
# over every child ever waited for, so measuring from this long-lived process
# would report the largest command so far, not the current one.
WRAPPER: Final = """\
import json, resource, subprocess, sys, time
started = time.perf_counter()
try:
    null = subprocess.DEVNULL
    code = subprocess.run(sys.argv[1:], stdin=null, stdout=null).returncode
except OSError as exc:
    print(exc, file=sys.stderr)
    code = 127
wall = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
peak = peak // 1024 if sys.platform == "darwin" else peak
print(json.dumps({"returncode": code, "wall_s": wall, "peak_rss_kib": peak}))
"""


@dataclass(frozen=True)
class Sample:
    wall_s: float
    peak_rss_kib: int
    returncode: int
    stderr: str


def measure(cmd: Sequence[str], cwd: Path) -> Sample:
    """Run ``cmd`` in a fresh wrapper; only a broken wrapper raises, a failing ``cmd`` does not."""
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, *cmd],
        cwd=cwd,
        env=git_env(),
        capture_output=True,
        check=False,
        encoding="utf-8",
        errors="replace",
    )
    if done.returncode != 0:
        raise RuntimeError(f"measurement wrapper failed:\n{done.stderr}")
    report = json.loads(done.stdout.splitlines()[-1])
    return Sample(report["wall_s"], report["peak_rss_kib"], report["returncode"], done.stderr)


@dataclass(frozen=True)
class Window:
    label: str
    days: int
    floor_s: float | None  # the 1.5 s floor applies to the short window only
    restrict_baseline: bool


@dataclass
class WindowResult:
    label: str
    window_days: int
    since: str
    commits: int
    baseline_runs_s: list[float] = field(default_factory=list)
    product_runs_s: list[float] = field(default_factory=list)
    product_peak_rss_mib: float | None = None
    product_error: str | None = None
    limit_s: float = 0.0
    target: str = ""
    passed: bool | None = None  # None: the product did not run
    missed: list[str] = field(default_factory=list)

    @property
    def baseline_s(self) -> float:
        return statistics.median(self.baseline_runs_s)

    @property
    def product_s(self) -> float | None:
        return statistics.median(self.product_runs_s) if self.product_runs_s else None


def windows(p: Params) -> list[Window]:
    everything = (p.end_ts - p.start_ts) // DAY + 1  # starts a day before the first commit
    return [
        Window("90 days", 90, SHORT_WINDOW_FLOOR_S, restrict_baseline=True),
        Window("all history", everything, None, restrict_baseline=False),
    ]


def product_command() -> list[str]:
    """The console script next to this interpreter, else ``python -m devex_metrics``."""
    script = Path(sys.executable).parent / "devex-metrics"
    return [str(script)] if script.exists() else [sys.executable, "-m", "devex_metrics"]


def measure_window(repo: Path, w: Window, p: Params, repeat: int) -> WindowResult:
    """Alternate baseline and product runs so drift in machine load hits both alike."""
    since = datetime.fromtimestamp(p.end_ts - w.days * DAY, tz=UTC).isoformat()
    commits = int(git(repo, "rev-list", "--count", f"--since={since}", "main"))
    result = WindowResult(w.label, w.days, since, commits)
    baseline = ["git", "-C", str(repo), "log", "main", "--format=%H%x00%P%x00%an%x00%ae%x00%at"]
    baseline += [f"--since={since}"] if w.restrict_baseline else []
    options = ["--offline", "--no-cache", "--until", p.end.isoformat(), "--window-days"]
    with tempfile.TemporaryDirectory(prefix="devex-bench-") as tmp:
        for run in range(repeat):
            result.baseline_runs_s.append(measure(baseline, Path(tmp)).wall_s)
            if result.product_error is None:
                out = Path(tmp) / f"out-{run}"
                cmd = [*product_command(), "report", "--repo", str(repo), "--out", str(out)]
                _record_product(result, measure([*cmd, *options, str(w.days)], Path(tmp)))
    _judge(result, w)
    return result


def _record_product(result: WindowResult, sample: Sample) -> None:
    if sample.returncode != 0:
        result.product_error = f"exit {sample.returncode}: {sample.stderr[-2000:]}"
        print(
            f"devex-metrics failed on window '{result.label}' ({result.product_error})",
            file=sys.stderr,
        )
        return
    result.product_runs_s.append(sample.wall_s)
    peak = sample.peak_rss_kib / 1024
    result.product_peak_rss_mib = max(peak, result.product_peak_rss_mib or 0.0)


def _judge(r: WindowResult, w: Window) -> None:
    """Targets from the issue: time relative to the baseline, memory absolute."""
    r.limit_s = max(2 * r.baseline_s, w.floor_s or 0.0)
    rule = f"max(2{TIMES} baseline, {w.floor_s} s)" if w.floor_s else f"2{TIMES} baseline"
    r.target = f"≤ {r.limit_s:.2f} s [{rule}]; ≤ {RSS_LIMIT_MB:.0f} MB"
    if r.product_s is not None and r.product_peak_rss_mib is not None:
        r.missed = [
            *(["time"] if r.product_s > r.limit_s else []),
            *(["memory"] if r.product_peak_rss_mib > RSS_LIMIT_MB else []),
        ]
        r.passed = not r.missed


# ---- reporting -------------------------------------------------------------------
def _verdict(r: WindowResult) -> str:
    if r.passed is None:
        return "n/a (product did not run)"
    return "pass" if r.passed else f"**FAIL** ({', '.join(r.missed)})"


def render_markdown(build: Build, stats: dict[str, int], results: Sequence[WindowResult]) -> str:
    how = "reused; built" if build.reused else "built"
    lines = [
        "## devex-metrics local-history benchmark",
        "",
        f"Synthetic repository `{build.repo}` ({how} in {build.seconds:.1f} s): "
        f"{stats['commits']:,} commits, {stats['merges']:,} merges, {stats['tags']:,} tags, "
        f"{stats['reverts']:,} reverts, {stats['author_identities']} author identities.",
        f"Also: {stats['annotated_tags']:,} annotated tags, {stats['tags_off_first_parent']} off "
        f"the first-parent line; {stats['hotfix_merges']} hotfix merges; "
        f"{stats['bot_commits']:,} bot commits; {stats['ai_trailer_commits']:,} with AI "
        f"trailers; {stats['mailmapped_identities']} identities after .mailmap; "
        f"{stats['packs']} pack ({stats['pack_kib'] / 1024:.0f} MiB), "
        f"{stats['loose_objects']} loose objects.",
    ]
    if not results:
        return "\n".join(lines) + "\n"
    repeat = len(results[0].baseline_runs_s)
    lines += [
        f"Times are medians of {repeat} runs; peak RSS is the largest over runs (MB = MiB).",
        "",
        "| window | commits | baseline git log (s) | devex-metrics (s) | ratio "
        "| peak RSS (MB) | target | result |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        product = r.product_s
        ratio = f"{product / r.baseline_s:.2f}" if product is not None else "-"
        rss = f"{r.product_peak_rss_mib:.0f}" if r.product_peak_rss_mib is not None else "-"
        verdict = _verdict(r)
        shown = f"{product:.3f}" if product is not None else "-"
        lines.append(
            f"| {r.label} | {r.commits:,} | {r.baseline_s:.3f} | {shown} | {ratio} | {rss} "
            f"| {r.target} | {verdict} |"
        )
    return "\n".join(lines) + "\n"


def to_json(p: Params, build: Build, stats: dict[str, int], results: Sequence[WindowResult]) -> str:
    runs = [asdict(r) | {"baseline_s": r.baseline_s, "product_s": r.product_s} for r in results]
    document = {
        "params": p.stamp(),
        "generation": {"seconds": build.seconds, "reused": build.reused, "repo": str(build.repo)},
        "repository": stats,
        "git": git(build.repo, "version").strip(),
        "python": sys.version.split()[0],
        "windows": runs,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time `devex-metrics report --offline` against `git log` on a large "
        "synthetic repository (built once with git fast-import, then reused).",
        epilog="example: python benchmarks/git_history.py --repeat 3 --json bench.json",
    )
    here = Path(__file__).resolve().parent
    parser.add_argument("--work", type=Path, default=here / ".work", help="build folder")
    parser.add_argument(
        "--end",
        type=date.fromisoformat,
        default=date(2026, 11, 1),
        help="end of the history and of both windows (00:00 UTC, exclusive)",
    )
    parser.add_argument("--commits", type=int, default=100_000, help="commits on main")
    parser.add_argument("--tags", type=int, default=1_200, help="release tags to aim for")
    parser.add_argument("--seed", type=int, default=20_261_101, help="generator seed")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (median)")
    parser.add_argument("--json", type=Path, dest="json_path", help="also write the numbers")
    parser.add_argument("--build-only", action="store_true", help="build and verify only")
    args = parser.parse_args(argv)
    if args.commits < 1_000 or args.tags < 1 or args.repeat < 1:
        parser.error("--commits must be >= 1000, --tags and --repeat >= 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    params = Params(args.commits, args.tags, args.seed, args.end)
    print(f"preparing the repository under {args.work} ...", file=sys.stderr)
    build = ensure_repository(params, args.work.resolve())
    stats = repository_stats(build.repo)
    results: list[WindowResult] = []
    if not args.build_only:
        git(build.repo, "log", "main", "--format=%H%x00%P")  # warm the page cache, untimed
        for w in windows(params):
            print(f"measuring window '{w.label}' ...", file=sys.stderr)
            results.append(measure_window(build.repo, w, params, args.repeat))
    print(render_markdown(build, stats, results))
    if args.json_path:
        args.json_path.write_text(to_json(params, build, stats, results), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
