"""Failed deployments, their remedies, and remedy deployments (SPEC §5).

Signals are read up to the window's end: the deployment carrying a signal, a
rollback and an incident's creation must be before `end`; a remedy at or after
`end` does not count (the failure is then unrecovered). A deployment with several
signals is one failure whose remedy is the earliest remedy.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from devex_metrics.config import FailuresConfig
from devex_metrics.derive.deployments import ShippedDeployment, is_strict_ancestor
from devex_metrics.derive.messages import is_revert, merged_branch, reverted_prefixes
from devex_metrics.model import Commit, Incident, PullRequest


@dataclass
class FailureInfo:
    """What happened to one deployment: its failure signals and whether it is a remedy."""

    signals: dict[str, datetime | None] = field(default_factory=dict)
    incident_numbers: list[int] = field(default_factory=list)
    is_remedy: bool = False

    @property
    def failed(self) -> bool:
        return bool(self.signals)

    @property
    def remedy_time(self) -> datetime | None:
        times = [t for t in self.signals.values() if t is not None]
        return min(times) if times else None

    def add(self, signal: str, remedy: datetime | None) -> None:
        known = self.signals.get(signal)
        if signal not in self.signals or (remedy is not None and (known is None or remedy < known)):
            self.signals[signal] = remedy


class _ShaIndex:
    """Which deployment shipped a commit, by full sha or by a 7+ hex prefix."""

    def __init__(self, shipped: Sequence[ShippedDeployment]) -> None:
        self.owner = {c.sha: s.index for s in shipped for c in s.commits}
        self._sorted = sorted(self.owner)

    def find(self, prefix: str) -> int | None:
        prefix = prefix.lower()
        if prefix in self.owner:
            return self.owner[prefix]
        at = bisect.bisect_left(self._sorted, prefix)
        if at < len(self._sorted) and self._sorted[at].startswith(prefix):
            return self.owner[self._sorted[at]]
        return None


@dataclass(frozen=True)
class HotfixRules:
    labels: frozenset[str]
    prefixes: tuple[str, ...]
    pr_commits: frozenset[str]

    @classmethod
    def build(cls, config: FailuresConfig, pulls: Sequence[PullRequest]) -> HotfixRules:
        labels = frozenset(label.lower() for label in config.hotfix_labels)
        prefixes = tuple(config.hotfix_branch_prefixes)
        shas: set[str] = set()
        for pr in pulls:
            if pr.merged_at is None:
                continue
            if labels & {lab.lower() for lab in pr.labels} or pr.head_ref.startswith(prefixes):
                shas.update(pr.commit_shas)
                if pr.merge_commit_sha:
                    shas.add(pr.merge_commit_sha)
        return cls(labels, prefixes, frozenset(shas))

    def is_hotfix(self, commit: Commit) -> bool:
        if commit.sha in self.pr_commits:
            return True
        branch = merged_branch(commit.subject) if commit.is_merge else None
        return branch is not None and branch.startswith(self.prefixes)


def derive_failures(
    shipped: Sequence[ShippedDeployment],
    commits: Mapping[str, Commit],
    *,
    end: datetime,
    config: FailuresConfig,
    pulls: Sequence[PullRequest] = (),
    incidents: Sequence[Incident] = (),
) -> list[FailureInfo]:
    """One `FailureInfo` per deployment (same order), signals read up to `end`."""
    info = [FailureInfo() for _ in shipped]
    index = _ShaIndex(shipped)
    hotfix = HotfixRules.build(config, pulls)
    live = [s for s in shipped if s.deployment.time < end]
    for remedy in live:
        _revert_and_hotfix(remedy, live, index, hotfix, info)
    _rollbacks(live, commits, info)
    _incidents(shipped, incidents, index, end, config, info)
    _incident_fixes(live, pulls, incidents, end, info)
    if shipped:
        info[0].is_remedy = False  # the first known deployment is never a remedy
    return info


def _revert_and_hotfix(
    remedy: ShippedDeployment,
    live: Sequence[ShippedDeployment],
    index: _ShaIndex,
    hotfix: HotfixRules,
    info: list[FailureInfo],
) -> None:
    time = remedy.deployment.time
    for commit in remedy.commits:
        if not commit.is_merge and is_revert(commit.message):
            info[remedy.index].is_remedy = True
            for prefix in reverted_prefixes(commit.message):
                target = index.find(prefix)
                if target is not None and target < remedy.index:
                    info[target].add("revert", time)
    if any(hotfix.is_hotfix(c) for c in remedy.commits):
        info[remedy.index].is_remedy = True
        before = [s for s in live if s.index < remedy.index and s.commits]
        if before:
            info[before[-1].index].add("hotfix", time)


def _rollbacks(
    live: Sequence[ShippedDeployment], commits: Mapping[str, Commit], info: list[FailureInfo]
) -> None:
    for previous, current in itertools.pairwise(live):
        if current.commits:
            continue  # a deployment that ships new commits cannot deploy an ancestor
        if is_strict_ancestor(current.deployment.sha, previous.deployment.sha, commits):
            info[previous.index].add("rollback", current.deployment.time)
            info[current.index].is_remedy = True


def _incidents(
    shipped: Sequence[ShippedDeployment],
    incidents: Sequence[Incident],
    index: _ShaIndex,
    end: datetime,
    config: FailuresConfig,
    info: list[FailureInfo],
) -> None:
    horizon = timedelta(hours=config.incident_window_hours)
    for incident in incidents:
        t = incident.created_at
        if t >= end:
            continue
        target: int | None
        if incident.root_cause_sha:
            target = index.find(incident.root_cause_sha)
        else:
            before = [s for s in shipped if s.deployment.time <= t]
            target = before[-1].index if before and t - before[-1].deployment.time <= horizon \
                else None  # fmt: skip
        if target is None:
            continue
        closed = incident.closed_at
        info[target].add("incident", closed if closed is not None and closed < end else None)
        info[target].incident_numbers.append(incident.number)


def _incident_fixes(
    live: Sequence[ShippedDeployment],
    pulls: Sequence[PullRequest],
    incidents: Sequence[Incident],
    end: datetime,
    info: list[FailureInfo],
) -> None:
    """A deployment containing a change of a PR that closes an incident issue is a remedy."""
    numbers = {i.number for i in incidents if i.created_at < end}
    fixing: set[str] = set()
    for pr in pulls:
        if pr.merged_at is not None and numbers.intersection(pr.closing_issue_numbers):
            fixing.update(pr.commit_shas)
            if pr.merge_commit_sha:
                fixing.add(pr.merge_commit_sha)
    for deployment in live:
        if any(c.sha in fixing for c in deployment.commits):
            info[deployment.index].is_remedy = True
