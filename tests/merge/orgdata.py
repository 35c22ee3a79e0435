"""Generated organisations for the merge tests: per-repository records, their
`MetricSet`s through the real metric functions, and the same functions run once
over the union of every repository's records (the single-pass truth a merge must
reproduce).

People come from one org-wide pool, so repositories share contributors and the
distinct count across repositories differs from the sum. Survey respondents are
distinct per repository: the survey metrics keep one response per respondent, and
one person answering in two repositories' issue forms is two answers to a merge
but one to a single pass (a merge treats each repository's answers as its own).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from devex_metrics.derive.deployments import Deployment, ShippedDeployment
from devex_metrics.derive.failures import FailureInfo
from devex_metrics.derive.messages import has_ai_trailer
from devex_metrics.derive.people import People
from devex_metrics.metrics import coverage_metric
from devex_metrics.metrics.activity import activity_metrics
from devex_metrics.metrics.catalogue import CATALOGUE
from devex_metrics.metrics.ci import ci_metrics
from devex_metrics.metrics.dora import dora_metrics
from devex_metrics.metrics.pulls import pull_request_metrics
from devex_metrics.metrics.result import MetricResult, MetricSet, Status
from devex_metrics.metrics.surveys import friction_metrics, survey_metrics
from devex_metrics.model import (
    Commit,
    Coverage,
    FrictionReport,
    PullRequest,
    RepositoryInfo,
    Review,
    SurveyResponse,
    Window,
    WorkflowRun,
)
from devex_metrics.privacy.gate import apply_gate
from devex_metrics.privacy.orgkeys import OrgKeys
from devex_metrics.privacy.report import PublishedReport
from devex_metrics.reporters.metrics_json import render_metrics_json

WINDOW = Window(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC))
GENERATED_AT = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
SECRET = "org-secret-for-tests-0123456789abcdefghijklmnop"
IDENTITY_DOMAIN = "people.org-example.test"
CATEGORIES = ("Build & CI", "Tests", "Code review", "Tooling")
BURNOUT = ("Never", "Rarely", "Sometimes", "Often", "Always")


def keys() -> OrgKeys:
    return OrgKeys.from_secret(SECRET)


def login(index: int) -> str:
    return f"dev{index:03d}qz"


def email(index: int) -> str:
    return f"{login(index)}@{IDENTITY_DOMAIN}"


def identities(pool: int) -> list[str]:
    """Every identity string the generator can put into records."""
    return [text for i in range(pool) for text in (login(i), email(i))]


@dataclass(frozen=True)
class RepoData:
    name: str
    shipped: tuple[ShippedDeployment, ...]
    failures: tuple[FailureInfo, ...]
    commits: tuple[Commit, ...]
    pulls: tuple[PullRequest, ...]
    runs: tuple[WorkflowRun, ...]
    responses: tuple[SurveyResponse, ...]
    friction: tuple[FrictionReport, ...]
    coverage: Coverage


def _moment(rng: random.Random) -> datetime:
    """A time in the current or the previous window."""
    span = (WINDOW.end - WINDOW.previous().start).total_seconds()
    return WINDOW.previous().start + timedelta(seconds=rng.uniform(0, span))


def _commit(rng: random.Random, sha: str, who: int, at: datetime) -> Commit:
    message = "work\n\nAi-assisted: true" if rng.random() < 0.2 else "work"
    return Commit(sha, ("p",), email(who), at, at, message, False)


def _deployments(rng: random.Random, repo: int, members: list[int]):  # type: ignore[no-untyped-def]
    shipped, failures = [], []
    times = sorted(_moment(rng) for _ in range(rng.randint(3, 14)))
    for index, at in enumerate(times):
        changes = tuple(
            _commit(
                rng,
                f"{repo}d{index}c{c}",
                rng.choice(members),
                at - timedelta(hours=rng.uniform(0.5, 400)),
            )
            for c in range(rng.randint(1, 8))
        )
        shipped.append(
            ShippedDeployment(
                index, Deployment("tags", f"v{index}", f"{repo}d{index}", at), changes, index == 0
            )
        )
        info = FailureInfo(is_remedy=rng.random() < 0.2)
        if rng.random() < 0.25:
            remedy = at + timedelta(hours=rng.uniform(0.2, 90)) if rng.random() < 0.8 else None
            info.signals["revert"] = remedy
        failures.append(info)
    return tuple(shipped), tuple(failures)


def _pull(rng: random.Random, number: int, members: list[int]) -> PullRequest:
    created = _moment(rng)
    author = rng.choice(members)
    merged = created + timedelta(hours=rng.uniform(1, 200)) if rng.random() < 0.85 else None
    reviews = tuple(
        Review(
            login(rng.choice(members)),
            False,
            rng.choice(("APPROVED", "COMMENTED")),
            created + timedelta(hours=rng.uniform(0.1, 150)),
        )
        for _ in range(rng.randint(0, 3))
    )
    return PullRequest(
        number,
        login(author),
        False,
        "main",
        f"topic-{number}",
        created,
        created,
        merged,
        None,
        rng.randint(1, 900),
        rng.randint(0, 400),
        (),
        (),
        None,
        (),
        reviews,
    )


def _run(rng: random.Random, number: int) -> WorkflowRun:
    created = _moment(rng)
    started = created + timedelta(seconds=rng.uniform(1, 60))
    conclusion = rng.choice(("success", "success", "success", "failure", "cancelled"))
    return WorkflowRun(
        number,
        "ci",
        ".github/workflows/ci.yml",
        rng.choice(("push", "pull_request")),
        "main",
        "abc",
        "completed",
        conclusion,
        created,
        started,
        started + timedelta(minutes=rng.uniform(0.5, 40)),
    )


def _response(rng: random.Random, number: int, who: str) -> SurveyResponse:
    return SurveyResponse(
        number,
        who,
        False,
        _moment(rng),
        rng.randint(1, 5),
        rng.randint(0, 10),
        rng.choice(BURNOUT),
        rng.randint(0, 5),
        rng.randint(1, 5),
    )


def generate_repo(seed: int, repo: int, pool: int = 60) -> RepoData:
    """One repository with 5–25 members of an org-wide pool of `pool` people."""
    rng = random.Random(seed * 1000 + repo)
    members = rng.sample(range(pool), rng.randint(5, min(25, pool)))
    shipped, failures = _deployments(rng, repo, members)
    commits = tuple(
        _commit(rng, f"{repo}b{i}", rng.choice(members), _moment(rng))
        for i in range(rng.randint(10, 60))
    )
    pulls = tuple(_pull(rng, n, members) for n in range(rng.randint(3, 30)))
    runs = tuple(_run(rng, n) for n in range(rng.randint(5, 40)))
    respondents = [f"resp{repo:03d}x{i}qz" for i in range(rng.randint(2, 12))]
    responses = tuple(_response(rng, n, who) for n, who in enumerate(respondents * 2))
    friction = tuple(
        FrictionReport(
            n, rng.choice(respondents), False, _moment(rng), rng.choice(CATEGORIES), None
        )
        for n in range(rng.randint(0, 15))
    )
    valid = rng.randint(100, 5000)
    return RepoData(
        f"acme/service-{repo:03d}",
        shipped,
        failures,
        commits,
        pulls,
        runs,
        responses,
        friction,
        Coverage(rng.randint(0, valid), valid, "cobertura"),
    )


def union(repos: Sequence[RepoData]) -> RepoData:
    """Every repository's records as one: deployments re-indexed, coverage summed."""
    shipped: list[ShippedDeployment] = []
    for repo in repos:
        offset = len(shipped)
        shipped += [replace(s, index=s.index + offset) for s in repo.shipped]
    cover = Coverage(
        sum(r.coverage.lines_covered for r in repos),
        sum(r.coverage.lines_valid for r in repos),
        "cobertura",
    )
    return RepoData(
        "acme/union",
        tuple(shipped),
        tuple(f for r in repos for f in r.failures),
        tuple(c for r in repos for c in r.commits),
        tuple(p for r in repos for p in r.pulls),
        tuple(w for r in repos for w in r.runs),
        tuple(s for r in repos for s in r.responses),
        tuple(f for r in repos for f in r.friction),
        cover,
    )


def metric_set(repo: RepoData, window: Window) -> MetricSet:
    """The repository's metrics through the real metric functions."""
    people = People()
    person_of = lambda commit: people.from_email(commit.author_email)  # noqa: E731
    by_login = lambda name, bot: people.from_login(name, is_bot=bot)  # noqa: E731
    results: dict[str, MetricResult] = {}
    results.update(
        dora_metrics(repo.shipped, repo.failures, window, person_of, lambda c: c.author_time)
    )
    results.update(
        activity_metrics(
            repo.commits, window, person_of, lambda c: has_ai_trailer(c.message, people.is_ai_email)
        )
    )
    results.update(pull_request_metrics(repo.pulls, "main", window, by_login))
    results.update(ci_metrics(repo.runs, "main", window, ()))
    results.update(survey_metrics(repo.responses, window, by_login))
    results.update(friction_metrics(repo.friction, window, by_login))
    coverage = coverage_metric(repo.coverage)
    assert coverage is not None
    results[coverage.id] = coverage
    ordered = {s.id: results[s.id] for s in CATALOGUE if s.id in results}
    return MetricSet(window, ordered, "tags")


def gate(
    repo: RepoData, *, k: int = 5, org_keys: OrgKeys | None = None, window: Window = WINDOW
) -> PublishedReport:
    return apply_gate(
        metric_set(repo, window),
        metric_set(repo, window.previous()),
        min_group_size=k,
        opt_out_entries=0,
        generated_at=GENERATED_AT,
        tool_version="0.1.0",
        repository=RepositoryInfo(repo.name, "main", "0" * 40),
        sources=(),
        commit_range=(None, None),
        org_keys=org_keys,
    )


def write_reports(
    root: Path, repos: Sequence[RepoData], *, k: int = 5, org_keys: OrgKeys | None = None
) -> list[Path]:
    """Each repository's `metrics.json` under `root/<n>/`, as the matrix jobs upload them."""
    paths = []
    for number, repo in enumerate(repos):
        path = root / f"{number:04d}" / "metrics.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render_metrics_json(gate(repo, k=k, org_keys=org_keys)).content)
        paths.append(path)
    return paths


def ok_results(metrics: MetricSet) -> dict[str, MetricResult]:
    return {mid: r for mid, r in metrics.results.items() if r.status is Status.OK}
