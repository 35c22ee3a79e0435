"""The fake GitHub's data set: plain objects built by test helpers, served by `server.py`.

Objects here are GitHub's *state* (pull requests, reviews, deployments, …), not
payloads; the server renders them into GitHub's REST and GraphQL shapes. Builders:
`scenarios.scenario_dataset()` holds one of every case the collector must get right;
`large_dataset()` here is a busy repository (thousands of workflow runs in the
window) for pagination and request counts.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

NOW = datetime(2024, 7, 1, tzinfo=UTC)
WINDOW_START = NOW - timedelta(days=90)
SINCE = NOW - timedelta(days=180)  # start of the previous window: what the caller passes


def sha_of(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()  # noqa: S324 - a fake git object id


@dataclass
class Actor:
    login: str
    type: str = "User"  # User | Bot | Organization | Mannequin


@dataclass
class Commit:
    sha: str
    authored_at: datetime
    committed_at: datetime
    email: str
    user: str | None = None  # login GitHub links the email to


@dataclass
class Review:
    author: Actor | None
    state: str
    submitted_at: datetime | None


@dataclass
class Pull:
    number: int
    author: Actor | None
    created_at: datetime
    updated_at: datetime
    base: str = "main"
    head: str = "feature"
    merged_at: datetime | None = None
    merge_commit: str | None = None
    closed: bool = False
    is_draft: bool = False
    events: list[tuple[str, datetime]] = field(default_factory=list)  # (typename, time)
    additions: int = 10
    deletions: int = 2
    labels: list[str] = field(default_factory=list)
    commits: list[Commit] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    closing_issues: list[int] = field(default_factory=list)


@dataclass
class Issue:
    number: int
    author: Actor | None
    labels: list[str]
    body: str
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None


@dataclass
class Deployment:
    id: int
    sha: str
    environment: str | None
    created_at: datetime
    statuses: list[tuple[str, datetime]] = field(default_factory=list)  # (STATE, time)


@dataclass
class Release:
    tag: str
    sha: str | None
    created_at: datetime
    published_at: datetime | None
    draft: bool = False
    prerelease: bool = False


@dataclass
class Run:
    id: int
    name: str
    path: str
    event: str
    head_branch: str | None
    head_sha: str
    status: str
    conclusion: str | None
    created_at: datetime
    run_started_at: datetime | None
    updated_at: datetime


@dataclass
class Repo:
    owner: str
    name: str
    default_branch: str = "main"
    history: list[Commit] = field(default_factory=list)  # default branch, newest first
    pulls: list[Pull] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    deployments: list[Deployment] = field(default_factory=list)
    releases: list[Release] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    sbom: dict[str, object] | None = None

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


ALICE, BOB, CAROL, DAVE, ERIN = (Actor(n) for n in ("alice", "bob", "carol", "dave", "erin"))
DEPENDABOT = Actor("dependabot", "Bot")  # GraphQL names apps without "[bot]"
RENOVATE = Actor("renovate[bot]", "Bot")


def commit(label: str, at: datetime, who: str = "alice", linked: bool = True) -> Commit:
    email = f"{who}@example.com" if linked else f"{who}@laptop.local"
    return Commit(sha_of(label), at, at, email, who if linked else None)


def day(n: float) -> datetime:
    """`n` days after the window start."""
    return WINDOW_START + timedelta(days=n)


SBOM_DOCUMENT: dict[str, object] = {
    "SPDXID": "SPDXRef-DOCUMENT",
    "spdxVersion": "SPDX-2.3",
    "creationInfo": {
        "created": "2024-07-01T00:00:00Z",
        "creators": ["Tool: GitHub.com-Dependency-Graph"],
    },
    "name": "octo/app",
    "dataLicense": "CC0-1.0",
    "documentNamespace": "https://spdx.org/spdxdocs/protobom/00000000-0000-0000-0000-000000000000",
    "packages": [
        {
            "name": "pypi:requests",
            "SPDXID": "SPDXRef-pypi-requests-2.32.0",
            "versionInfo": "2.32.0",
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": False,
            "externalRefs": [
                {
                    "referenceCategory": "PACKAGE-MANAGER",
                    "referenceType": "purl",
                    "referenceLocator": "pkg:pypi/requests@2.32.0",
                }
            ],
        }
    ],
    "relationships": [],
}


def large_dataset(
    seed: int = 7, *, pulls: int = 600, runs: int = 6000, commits: int = 1500
) -> Repo:
    """A busy repository over the last 180 days: many PRs (some with > 100 commits or
    reviews), thousands of workflow runs (several 1,000-result windows), deployments."""
    rng = random.Random(seed)
    repo = Repo("octo", "busy", sbom=SBOM_DOCUMENT)
    people = [Actor(f"dev{i}") for i in range(12)] + [DEPENDABOT]
    start = SINCE
    span = (NOW - start).total_seconds()
    for i in range(commits):
        at = start + timedelta(seconds=int(span * (i + 0.5) / commits))
        who = people[i % 12].login
        repo.history.append(commit(f"history-{i}", at, who, linked=i % 5 != 0))
    repo.history.reverse()
    for number in range(1, pulls + 1):
        repo.pulls.append(_random_pull(rng, number, people, start, span))
    for i in range(runs):
        created = start + timedelta(seconds=int(span * (i + 0.3) / runs))
        repo.runs.append(_run(i + 1, created, rng))
    for i in range(250):
        created = start - timedelta(days=200) + timedelta(hours=34 * i)
        ok = rng.random() < 0.9
        statuses = [("IN_PROGRESS", created + timedelta(minutes=1))]
        statuses.append(("SUCCESS" if ok else "FAILURE", created + timedelta(minutes=9)))
        env = "production" if i % 3 else "staging"
        repo.deployments.append(Deployment(1000 + i, sha_of(f"deploy-{i}"), env, created, statuses))
    for i in range(40):
        created = start + timedelta(days=4 * i)
        repo.releases.append(
            Release(f"v1.{i}.0", sha_of(f"rel-{i}"), created, created + timedelta(hours=1))
        )
    return repo


def _random_pull(
    rng: random.Random, number: int, people: list[Actor], start: datetime, span: float
) -> Pull:
    created = start + timedelta(seconds=int(span * rng.random() * 0.97))
    author = people[number % len(people)]
    n_commits = 130 if number % 97 == 0 else rng.randint(1, 6)
    commits = [
        commit(f"pr{number}-c{k}", created - timedelta(hours=n_commits - k), author.login)
        for k in range(n_commits)
    ]
    n_reviews = 105 if number % 151 == 0 else rng.randint(0, 3)
    reviews = [
        Review(
            people[(number + k + 1) % 12],
            rng.choice(["APPROVED", "COMMENTED", "CHANGES_REQUESTED"]),
            created + timedelta(hours=k + 1),
        )
        for k in range(n_reviews)
    ]
    merged = created + timedelta(hours=rng.randint(2, 72)) if rng.random() < 0.85 else None
    updated = max(
        [
            created,
            *(r.submitted_at for r in reviews if r.submitted_at),
            *([merged] if merged else []),
        ]
    )
    return Pull(
        number=number,
        author=author,
        created_at=created,
        updated_at=min(updated, NOW - timedelta(minutes=1)),
        head=f"topic/{number}",
        merged_at=merged,
        merge_commit=sha_of(f"merge-{number}") if merged else None,
        closed=merged is not None,
        additions=rng.randint(1, 400),
        deletions=rng.randint(0, 200),
        labels=["hotfix"] if number % 41 == 0 else [],
        commits=commits,
        reviews=reviews,
    )


def _run(run_id: int, created: datetime, rng: random.Random) -> Run:
    started = created + timedelta(seconds=rng.randint(5, 90))
    return Run(
        id=run_id,
        name="CI" if run_id % 4 else "Deploy",
        path=".github/workflows/ci.yml" if run_id % 4 else ".github/workflows/deploy.yml",
        event="push" if run_id % 3 else "pull_request",
        head_branch="main" if run_id % 3 else f"topic/{run_id % 50}",
        head_sha=sha_of(f"run-{run_id}"),
        status="completed",
        conclusion=rng.choice(["success", "success", "success", "failure", "cancelled"]),
        created_at=created,
        run_started_at=started,
        updated_at=started + timedelta(minutes=rng.randint(1, 20)),
    )
