"""collect: the only stage (with publish) that touches the outside world.

`collect_dataset` reads GitHub (when a token and a repository are given, and not
offline), then git (always), an optional coverage file and the repository's
dependency manifests, and returns a `Dataset` of plain domain records. GitHub
comes first because its deployments, releases and runs decide which part of the
git history the windows need. With `teams.source: codeowners` it also reads the
CODEOWNERS rules and the paths of the measured commits (`collect.codeowners`).
`read_opt_out` reads the opt-out entries.
"""

from __future__ import annotations

import itertools
import logging
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from devex_metrics.collect.codeowners import read_team_inputs
from devex_metrics.collect.coverage import read_coverage
from devex_metrics.collect.git import (
    Git,
    ensure_full_history,
    first_parent_before,
    is_ancestor,
    open_repository,
    read_commits,
    read_tags,
    resolve_default_branch,
)
from devex_metrics.collect.github.settings import GitHubSettings
from devex_metrics.collect.manifests import collect_dependencies
from devex_metrics.config import Config
from devex_metrics.derive.deployments import DeploymentPlan, derive_deployments
from devex_metrics.errors import UsageError
from devex_metrics.model import Commit, Dataset, RepositoryInfo, SourceUse

if TYPE_CHECKING:
    from devex_metrics.collect.github.collector import GitHubData

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CollectRequest:
    repo: Path
    config: Config
    repository_name: str | None = None
    coverage: Path | None = None
    unshallow: bool = False
    dependencies: bool = True
    horizon: datetime | None = None
    until: datetime | None = None
    github: GitHubSettings | None = None
    cache_dir: Path | None = None
    now: datetime | None = None


def read_opt_out(repo: Path, config: Config) -> tuple[str, ...]:
    """Entries of `privacy.opt_out` plus those of the opt-out file, if it exists."""
    entries = list(config.privacy.opt_out)
    name = config.privacy.opt_out_file
    if name:
        path = repo / name
        if path.is_file():
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                raise UsageError(
                    f"{path}: cannot read the opt-out file ({exc}). Fix or remove "
                    "it (one login, email or sha256: line per line)."
                ) from None
            entries.extend(line.strip() for line in lines)
    return tuple(e for e in entries if e and not e.startswith("#"))


# A commit whose committer date precedes its author date by more than this, and that
# no deployment since the horizon ships, is not read (see docs/decisions.md).
CLOCK_SKEW_SLACK = timedelta(days=30)


def collect_dataset(request: CollectRequest) -> Dataset:
    """GitHub (if configured), then git: everything the pipeline measures."""
    github = _collect_github(request) if request.github is not None else None
    return collect_git(request, github)


def _collect_github(request: CollectRequest) -> GitHubData:
    from devex_metrics.collect.github.collector import collect_github  # imports PyGithub

    settings = request.github
    assert settings is not None and request.horizon and request.until and request.now
    return collect_github(settings, request.config, since=request.horizon, until=request.until,
                          cache_dir=request.cache_dir, now=request.now)  # fmt: skip


def _with_github(dataset: Dataset, github: GitHubData | None) -> Dataset:
    if github is None:
        return dataset
    detail = f"{github.graphql_points} GraphQL points" + (", partial" if github.partial else "")
    return replace(
        dataset,
        pull_requests=github.pull_requests,
        github_deployments=github.github_deployments,
        releases=github.releases,
        workflow_runs=github.workflow_runs,
        incidents=github.incidents,
        survey_responses=github.survey_responses,
        friction_reports=github.friction_reports,
        user_types=github.user_types,
        email_logins=github.email_logins,
        spdx_sbom=github.spdx_sbom,
        partial=github.partial,
        sources=(*dataset.sources, SourceUse("github", github.requests, detail)),
    )


def collect_git(request: CollectRequest, github: GitHubData | None = None) -> Dataset:
    """Read what the windows need: tags, the default branch tip, and the commits that
    deployments since the horizon ship, plus recent default-branch commits."""
    started = time.monotonic()
    git = open_repository(request.repo)
    ensure_full_history(git, unshallow=request.unshallow)
    preferred = github.default_branch if github else None
    branch, ref = resolve_default_branch(git, request.config.default_branch, preferred)
    tip = git.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip() if ref else None
    tags = read_tags(git)
    name = request.repository_name or request.repo.resolve().name
    dataset = Dataset(
        repository=RepositoryInfo(name=name, default_branch=branch, head_sha=tip),
        commits={},
        default_tip=tip,
        tags=tags,
        coverage=read_coverage(request.coverage) if request.coverage else None,
        dependencies=collect_dependencies(request.repo) if request.dependencies else None,
        horizon=request.horizon,
    )
    dataset = _with_github(dataset, github)
    plan = derive_deployments(dataset, request.config.deployments)
    commits = _read_history(git, dataset, plan, request.horizon)
    dataset = replace(dataset, commits=commits)
    dataset = replace(dataset, ancestry=_ancestry(git, dataset, plan, request.horizon))
    dataset = _with_team_inputs(git, dataset, request)
    log.info("git: %d commits, %d tags read in %.2f s (%d git runs)", len(commits), len(tags),
             time.monotonic() - started, git.calls)  # fmt: skip
    source = SourceUse("git", git.calls, f"{len(commits)} commits, {len(tags)} tags")
    return replace(dataset, commits=commits, sources=(*dataset.sources, source))


def _read_history(
    git: Git, dataset: Dataset, plan: DeploymentPlan, horizon: datetime | None
) -> dict[str, Commit]:
    """The commits the windows need (see the module docstring of `collect.git`).
    `plan` is computed before any commit is read, so under `auto` the `merges`
    source shows up as no source at all (under `merges`, as an empty list); it is
    read from the default branch's first-parent line since the horizon."""
    tip = dataset.default_tip
    if tip is None and not dataset.tags:
        return {}
    deployments = plan.deployments
    if plan.source in (None, "merges") and tip:
        # The merges source: everything the default branch added since the last
        # first-parent commit before the horizon, and that commit itself.
        baseline = first_parent_before(git, tip, horizon) if horizon else None
        commits = read_commits(git, [tip], [baseline] if baseline else [])
        return read_commits(git, [baseline], into=commits, limit=1) if baseline else commits
    recent = [d.sha for d in deployments if horizon is None or d.time >= horizon]
    earlier = [d.sha for d in deployments if horizon is not None and d.time < horizon]
    commits = read_commits(git, recent, earlier)
    if tip:
        since = horizon - CLOCK_SKEW_SLACK if horizon else None
        read_commits(git, [tip], recent, since=since, into=commits)
    return commits


def _ancestry(
    git: Git, dataset: Dataset, plan: DeploymentPlan, horizon: datetime | None
) -> frozenset[tuple[str, str]]:
    """Rollback facts the commits read cannot show: for each deployment since the
    horizon whose commit was not read (so it was shipped before the horizon), whether
    it is a strict ancestor of the deployment before it — asked of git, one small run
    per such pair (a redeploy of an old release), never per commit."""
    if horizon is None or plan.source in (None, "merges"):
        return frozenset()
    known: set[tuple[str, str]] = set()
    for previous, current in itertools.pairwise(plan.deployments):
        unread = current.sha not in dataset.commits and current.sha != previous.sha
        if current.time >= horizon and unread and is_ancestor(git, current.sha, previous.sha):
            known.add((current.sha, previous.sha))
    return frozenset(known)


def _with_team_inputs(git: Git, dataset: Dataset, request: CollectRequest) -> Dataset:
    """CODEOWNERS and commit paths, only when the teams come from CODEOWNERS."""
    if request.config.teams.source != "codeowners":
        return dataset
    codeowners, paths = read_team_inputs(git, dataset, request.config.deployments,
                                         request.horizon, request.until)  # fmt: skip
    return replace(dataset, codeowners=codeowners, commit_paths=paths)
