"""A busy repository's year on GitHub, as the fake server's data set (``tests/fakegithub``).

Why not ``fakegithub.dataset.large_dataset()``: it spans a fixed 180 days, has a
fixed 250 deployments and merges only some of its pull requests, so it cannot
take the shape the benchmark issue asks for. This builds the same `Repo` type
directly, from a fixed seed, in a second or two:

- `Shape.pulls` pull requests into ``main``, every one merged, created evenly over
  the year before `Shape.until` (jittered), merged 2–72 hours later, with 1–4
  reviews submitted before the merge and 1–5 commits authored before creation;
  a few carry a ``hotfix`` label, a few are dependabot's;
- ``main``'s history: the squash-merge commit of every pull request, newest first,
  so the commit-email stage reads a realistic number of commits;
- `Shape.deployments` deployments evenly over the year (two thirds to
  ``production``), each with an in-progress status and a success or failure;
- `Shape.runs` workflow runs evenly over the year, so a year's filtered listing
  holds far more than the 1,000 results GitHub serves and must be split;
- weekly releases, a few incident issues, and the dependency-graph SBOM.

Every item is inside ``[until − 365 days, until)``: the listings a per-item REST
tool reads end exactly at the window, which keeps its request formula exact.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from fakegithub.dataset import (
    DEPENDABOT,
    SBOM_DOCUMENT,
    Actor,
    Commit,
    Deployment,
    Issue,
    Pull,
    Release,
    Repo,
    Review,
    Run,
    sha_of,
)

UNTIL: Final = datetime(2024, 7, 1, tzinfo=UTC)
YEAR: Final = timedelta(days=365)
DEVELOPERS: Final = 60
REVIEW_STATES: Final = ("APPROVED", "APPROVED", "COMMENTED", "CHANGES_REQUESTED")
CONCLUSIONS: Final = ("success", "success", "success", "success", "failure", "cancelled")


@dataclass(frozen=True)
class Shape:
    """What the generated repository holds; the benchmark's defaults are the issue's."""

    pulls: int = 10_000
    deployments: int = 2_000
    runs: int = 20_000
    seed: int = 2024
    until: datetime = UNTIL

    @property
    def since(self) -> datetime:
        return self.until - YEAR


def build_repo(shape: Shape) -> Repo:
    """The data set, deterministic for a given `shape`."""
    rng = random.Random(shape.seed)
    people = [Actor(f"dev{i:02d}") for i in range(DEVELOPERS)]
    repo = Repo("acme", "widgets", sbom=SBOM_DOCUMENT)
    repo.pulls = [_pull(rng, n, shape, people) for n in range(1, shape.pulls + 1)]
    repo.history = sorted(
        (_merge_commit(p) for p in repo.pulls), key=lambda c: c.committed_at, reverse=True
    )
    tips = Tips(repo.history)
    repo.deployments = [_deployment(rng, i, shape, tips) for i in range(shape.deployments)]
    repo.runs = [_run(rng, i, shape) for i in range(shape.runs)]
    repo.releases = [_release(week, shape, tips) for week in range(52)]
    repo.issues = _incidents(rng, shape, people)
    return repo


def _spread(rng: random.Random, i: int, count: int, shape: Shape, margin: timedelta) -> datetime:
    """The `i`-th of `count` moments evenly over the year (minus `margin` at the end)."""
    span = (YEAR - margin).total_seconds()
    return shape.since + timedelta(seconds=int(span * (i + rng.uniform(0.05, 0.95)) / count))


def _pull(rng: random.Random, number: int, shape: Shape, people: list[Actor]) -> Pull:
    created = _spread(rng, number - 1, shape.pulls, shape, timedelta(days=4))
    merged = created + timedelta(seconds=rng.randint(2 * 3600, 72 * 3600))
    author = DEPENDABOT if number % 25 == 0 else rng.choice(people)
    who = author.login
    commits = []
    for k in range(rng.randint(1, 5)):
        at = created - timedelta(seconds=rng.randint(3600, 48 * 3600))
        commits.append(Commit(sha_of(f"pr{number}-c{k}"), at, at, f"{who}@example.com", who))
    reviewers = [p for p in people if p is not author]
    reviews = [
        Review(rng.choice(reviewers), rng.choice(REVIEW_STATES), _between(rng, created, merged))
        for _ in range(rng.randint(1, 4))
    ]
    hotfix = number % 97 == 0
    return Pull(
        number=number,
        author=author,
        created_at=created,
        updated_at=merged + timedelta(minutes=1),
        head=f"{'hotfix' if hotfix else 'feature'}/{number}",
        merged_at=merged,
        merge_commit=sha_of(f"merge-{number}"),
        closed=True,
        additions=rng.randint(1, 400),
        deletions=rng.randint(0, 200),
        labels=["hotfix"] if hotfix else [],
        commits=commits,
        reviews=sorted(reviews, key=lambda r: r.submitted_at or created),
    )


def _between(rng: random.Random, low: datetime, high: datetime) -> datetime:
    return (low + (high - low) * rng.uniform(0.1, 0.95)).replace(microsecond=0)


def _merge_commit(pull: Pull) -> Commit:
    """The squash-merge commit on ``main``; GitHub links its author to the PR's author."""
    assert pull.merged_at is not None and pull.merge_commit is not None
    login = pull.author.login if pull.author else "ghost"
    email = f"{login}@example.com" if pull.number % 5 else f"{login}@laptop.local"
    user = login if pull.number % 5 else None
    return Commit(pull.merge_commit, pull.merged_at, pull.merged_at, email, user)


class Tips:
    """The commit at the tip of ``main`` at any moment: what a deployment or tag ships."""

    def __init__(self, history: list[Commit]) -> None:
        oldest_first = history[::-1]
        self._times = [c.committed_at for c in oldest_first]
        self._shas = [c.sha for c in oldest_first]

    def at(self, moment: datetime) -> str | None:
        index = bisect.bisect_left(self._times, moment)
        return self._shas[index - 1] if index else None


def _deployment(rng: random.Random, i: int, shape: Shape, tips: Tips) -> Deployment:
    created = _spread(rng, i, shape.deployments, shape, timedelta(days=1))
    sha = tips.at(created) or sha_of(f"deploy-{i}")
    ok = rng.random() < 0.92
    statuses = [
        ("IN_PROGRESS", created + timedelta(minutes=1)),
        ("SUCCESS" if ok else "FAILURE", created + timedelta(seconds=rng.randint(180, 1200))),
    ]
    environment = "staging" if i % 3 == 0 else "production"
    return Deployment(100_000 + i, sha, environment, created, statuses)


def _run(rng: random.Random, i: int, shape: Shape) -> Run:
    created = _spread(rng, i, shape.runs, shape, timedelta(hours=2))
    started = created + timedelta(seconds=rng.randint(5, 90))
    deploy = i % 10 == 0
    return Run(
        id=5_000_000 + i,
        name="Deploy" if deploy else "CI",
        path=f".github/workflows/{'deploy' if deploy else 'ci'}.yml",
        event="push" if deploy or i % 3 else "pull_request",
        head_branch="main" if deploy or i % 3 else f"feature/{i % 500}",
        head_sha=sha_of(f"run-{i}"),
        status="completed",
        conclusion=rng.choice(CONCLUSIONS),
        created_at=created,
        run_started_at=started,
        updated_at=started + timedelta(minutes=rng.randint(1, 25)),
    )


def _release(week: int, shape: Shape, tips: Tips) -> Release:
    """A weekly release, tagged on the tip of ``main`` when it was cut."""
    at = shape.since + timedelta(days=7 * week + 3)
    return Release(f"v1.{week}.0", tips.at(at), at, at + timedelta(minutes=30))


def _incidents(rng: random.Random, shape: Shape, people: list[Actor]) -> list[Issue]:
    issues = []
    for n in range(12):
        opened = shape.since + timedelta(days=30 * n, seconds=rng.randint(0, 25 * 86_400))
        closed = opened + timedelta(seconds=rng.randint(3600, 30 * 3600))
        who = rng.choice(people)
        issues.append(
            Issue(20_000 + n, who, ["incident"], "Checkout fails.", opened, closed, closed)
        )
    return issues
