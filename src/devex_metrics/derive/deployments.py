"""Successful deployments from the configured source, and what each one ships (SPEC §5).

Deployments are ordered by time (ties keep source order). The commits of a
deployment D are `git rev-list D ^E1 ^E2 ...` over all earlier deployments E: each
commit belongs to exactly one deployment, and a redeploy or rollback ships nothing.
That is computed in one pass in time order, walking parents from each deployment
and stopping at commits already shipped (the shipped set is closed under
ancestry, so the walk never needs to look past it).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from devex_metrics.config import DeploymentsConfig
from devex_metrics.model import Commit, Dataset

log = logging.getLogger(__name__)

AUTO_ORDER = ("github", "releases", "tags", "merges")


@dataclass(frozen=True, slots=True)
class Deployment:
    source: str
    ref: str
    sha: str
    time: datetime


@dataclass(frozen=True)
class DeploymentPlan:
    """The deployments of one source, ordered by time. `complete` is False when the
    list starts after the first known deployment (history read from a horizon)."""

    source: str | None
    deployments: list[Deployment]
    complete: bool = True


@dataclass(frozen=True)
class ShippedDeployment:
    """A deployment with the commits it ships for the first time (merges included).
    The first known deployment has no baseline: its changes get no lead time."""

    index: int
    deployment: Deployment
    commits: tuple[Commit, ...]
    first_known: bool = False

    @property
    def changes(self) -> tuple[Commit, ...]:
        return tuple(c for c in self.commits if not c.is_merge)


def _earliest_per_sha(items: Iterable[tuple[str, str, datetime]], source: str) -> list[Deployment]:
    """Several tags or releases on one commit are one deployment, at the earliest time."""
    by_sha: dict[str, Deployment] = {}
    for ref, sha, time in items:
        known = by_sha.get(sha)
        if known is None or time < known.time:
            by_sha[sha] = Deployment(source, ref, sha, time)
    return list(by_sha.values())


def _from_tags(dataset: Dataset, config: DeploymentsConfig, _: str) -> list[Deployment]:
    pattern = re.compile(config.tag_pattern)
    matching = ((t.name, t.sha, t.time) for t in dataset.tags if pattern.search(t.name))
    return _earliest_per_sha(matching, "tags")


def _from_merges(dataset: Dataset, _config: DeploymentsConfig, _: str) -> list[Deployment]:
    """First-parent commits of the default branch that were read (oldest first)."""
    chain: list[Deployment] = []
    sha = dataset.default_tip
    while sha is not None and sha in dataset.commits:
        commit = dataset.commits[sha]
        chain.append(Deployment("merges", sha[:12], sha, commit.committer_time))
        sha = commit.parents[0] if commit.parents else None
    chain.reverse()
    return chain


def _starts_at_root(dataset: Dataset, chain: Sequence[Deployment]) -> bool:
    return not chain or not dataset.commits[chain[0].sha].parents


def _from_github(dataset: Dataset, config: DeploymentsConfig, _: str) -> list[Deployment]:
    environments = {e.lower() for e in config.environments}
    found = [
        Deployment("github", str(d.id), d.sha, d.first_success_at)
        for d in sorted(dataset.github_deployments or (), key=lambda d: d.id)
        if d.environment.lower() in environments and d.first_success_at is not None
    ]
    return found


def _from_releases(dataset: Dataset, _config: DeploymentsConfig, _: str) -> list[Deployment]:
    tag_shas = {t.name: t.sha for t in dataset.tags}
    published = (
        (r.tag_name, r.sha or tag_shas.get(r.tag_name), r.published_at)
        for r in dataset.releases or ()
        if not r.draft and not r.prerelease and r.published_at is not None
    )
    return _earliest_per_sha(
        ((ref, sha, time) for ref, sha, time in published if sha and time), "releases"
    )


def _from_workflow(dataset: Dataset, config: DeploymentsConfig, branch: str) -> list[Deployment]:
    wanted = (config.workflow or "").strip()
    if not wanted:
        return []

    def is_deploy_workflow(name: str, path: str) -> bool:
        return wanted in (name, path) or path.rsplit("/", 1)[-1] == wanted.rsplit("/", 1)[-1]

    return [
        Deployment("workflow", str(r.id), r.head_sha, r.updated_at)
        for r in sorted(dataset.workflow_runs or (), key=lambda r: r.id)
        if r.conclusion == "success"
        and r.head_branch == branch
        and is_deploy_workflow(r.workflow_name, r.workflow_path)
    ]


_SOURCES: Mapping[str, Callable[[Dataset, DeploymentsConfig, str], list[Deployment]]] = {
    "tags": _from_tags,
    "merges": _from_merges,
    "github": _from_github,
    "releases": _from_releases,
    "workflow": _from_workflow,
}


def derive_deployments(dataset: Dataset, config: DeploymentsConfig) -> DeploymentPlan:
    """The deployments of the configured source, ordered by time (ties keep source
    order). `auto` takes the first of github, releases, tags, merges that yields at
    least one deployment in the whole history."""
    branch = dataset.repository.default_branch
    candidates = AUTO_ORDER if config.source == "auto" else (config.source,)
    for source in candidates:
        found = _SOURCES[source](dataset, config, branch)
        if found or config.source != "auto":
            ordered = sorted(found, key=lambda d: d.time)  # stable: ties keep source order
            complete = source != "merges" or _starts_at_root(dataset, found)
            return DeploymentPlan(source, ordered, complete)
    return DeploymentPlan(None, [])


def ship(plan: DeploymentPlan, commits: Mapping[str, Commit]) -> list[ShippedDeployment]:
    """Assign every commit read to the first deployment (in time order) that ships it;
    commits that were not read were shipped before the horizon."""
    shipped: set[str] = set()
    result: list[ShippedDeployment] = []
    get, mark = commits.get, shipped.add
    for index, deployment in enumerate(plan.deployments):
        mine: list[Commit] = []
        stack = [deployment.sha]
        while stack:
            sha = stack.pop()
            if sha in shipped:
                continue
            commit = get(sha)
            if commit is None:
                continue
            mark(sha)
            mine.append(commit)
            stack.extend(commit.parents)
        first = plan.complete and index == 0
        result.append(ShippedDeployment(index, deployment, tuple(mine), first_known=first))
    return result


def is_strict_ancestor(ancestor: str, descendant: str, commits: Mapping[str, Commit]) -> bool:
    """Whether `ancestor` is reachable from `descendant` and not equal to it."""
    if ancestor == descendant:
        return False
    seen: set[str] = set()
    stack = [descendant]
    while stack:
        sha = stack.pop()
        if sha == ancestor:
            return True
        if sha in seen:
            continue
        seen.add(sha)
        commit = commits.get(sha)
        if commit is not None:
            stack.extend(commit.parents)
    return False
