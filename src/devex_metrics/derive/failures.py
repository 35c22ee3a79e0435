"""Failed deployments, their remedies, and remedy deployments (SPEC §5).

Signals are derived once per run, each with the moment it becomes known (the
deployment carrying it, the rollback, the incident's creation) and its remedy
time. A window then reads them up to its end (`failures_at`): a signal known at
or after `end` does not exist yet, and a remedy at or after `end` does not count
(the failure is unrecovered). A deployment with several signals is one failure
whose remedy is the earliest remedy.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from devex_metrics.config import FailuresConfig
from devex_metrics.derive.deployments import ShippedDeployment, is_strict_ancestor
from devex_metrics.derive.messages import is_revert, merged_branch, reverted_prefixes
from devex_metrics.model import Commit, Incident, PullRequest


@dataclass(frozen=True, slots=True)
class Signal:
    """Deployment `target` failed, as known from `seen_at`, remedied at `remedy_at`."""

    target: int
    kind: str
    seen_at: datetime
    remedy_at: datetime | None
    incident: int | None = None


@dataclass(frozen=True, slots=True)
class RemedyMark:
    """Deployment `index` is a remedy (rework), as known from `seen_at`."""

    index: int
    seen_at: datetime


@dataclass(frozen=True)
class Signals:
    failures: tuple[Signal, ...]
    remedies: tuple[RemedyMark, ...]
    first_known: int | None


@dataclass
class FailureInfo:
    """One deployment's state at a window's end."""

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


class _ShaIndex:
    """Which deployment shipped a commit, by full sha or by a 7+ hex prefix."""

    def __init__(self, shipped: Sequence[ShippedDeployment]) -> None:
        self.owner = {c.sha: s.index for s in shipped for c in s.commits}
        self._sorted: list[str] | None = None  # built on the first short-prefix lookup

    def find(self, prefix: str) -> int | None:
        prefix = prefix.lower()
        if prefix in self.owner:
            return self.owner[prefix]
        if self._sorted is None:
            self._sorted = sorted(self.owner)
        at = bisect.bisect_left(self._sorted, prefix)
        if at < len(self._sorted) and self._sorted[at].startswith(prefix):
            return self.owner[self._sorted[at]]
        return None


def _pr_commits(pr: PullRequest) -> set[str]:
    """A PR's commits: its own, and the one its merge put on the base branch."""
    return {*pr.commit_shas, *([pr.merge_commit_sha] if pr.merge_commit_sha else [])}


class _Hotfix:
    def __init__(self, config: FailuresConfig, pulls: Sequence[PullRequest]) -> None:
        labels = {label.lower() for label in config.hotfix_labels}
        self.prefixes = tuple(config.hotfix_branch_prefixes)
        self.pr_commits: set[str] = set()
        for pr in pulls:
            is_hotfix = labels & {lab.lower() for lab in pr.labels} or pr.head_ref.startswith(
                self.prefixes
            )
            if pr.merged_at is not None and is_hotfix:
                self.pr_commits |= _pr_commits(pr)

    def ships_hotfix(self, deployment: ShippedDeployment) -> bool:
        for commit in deployment.commits:
            if commit.sha in self.pr_commits:
                return True
            branch = merged_branch(commit.subject) if commit.is_merge else None
            if branch is not None and branch.startswith(self.prefixes):
                return True
        return False


def _code_signals(
    shipped: Sequence[ShippedDeployment], index: _ShaIndex, hotfix: _Hotfix
) -> Iterator[Signal | RemedyMark]:
    """Revert and hotfix signals carried by each deployment R, known at R's time."""
    last_shipping: int | None = None
    for remedy in shipped:
        time = remedy.deployment.time
        for commit in remedy.changes:
            if not is_revert(commit.message):
                continue
            yield RemedyMark(remedy.index, time)
            for prefix in reverted_prefixes(commit.message):
                target = index.find(prefix)
                if target is not None and target < remedy.index:
                    yield Signal(target, "revert", time, time)
        if hotfix.ships_hotfix(remedy):
            yield RemedyMark(remedy.index, time)
            if last_shipping is not None:
                yield Signal(last_shipping, "hotfix", time, time)
        if remedy.commits:
            last_shipping = remedy.index


def _rollbacks(
    shipped: Sequence[ShippedDeployment],
    commits: Mapping[str, Commit],
    ancestry: frozenset[tuple[str, str]],
) -> Iterator[Signal | RemedyMark]:
    """`ancestry` holds the pairs collect confirmed with git where the history read
    from the horizon cannot show the path (a rollback to a release older than it)."""
    for previous, current in itertools.pairwise(shipped):
        if current.commits:
            continue  # a deployment that ships new commits cannot deploy an ancestor
        pair = (current.deployment.sha, previous.deployment.sha)
        if pair in ancestry or is_strict_ancestor(*pair, commits):
            time = current.deployment.time
            yield Signal(previous.index, "rollback", time, time)
            yield RemedyMark(current.index, time)


def _incidents(
    shipped: Sequence[ShippedDeployment],
    incidents: Sequence[Incident],
    index: _ShaIndex,
    horizon: timedelta,
) -> Iterator[Signal]:
    times = [s.deployment.time for s in shipped]
    for incident in incidents:
        t = incident.created_at
        target: int | None = None
        if incident.root_cause_sha:
            target = index.find(incident.root_cause_sha)
        else:
            at = bisect.bisect_right(times, t) - 1  # latest deployment with time ≤ t
            if at >= 0 and t - times[at] <= horizon:
                target = shipped[at].index
        if target is not None:
            yield Signal(target, "incident", t, incident.closed_at, incident.number)


def _incident_fixes(
    shipped: Sequence[ShippedDeployment],
    pulls: Sequence[PullRequest],
    incidents: Sequence[Incident],
) -> Iterator[RemedyMark]:
    """A deployment shipping a change of a PR that closes an incident is a remedy."""
    created = {i.number: i.created_at for i in incidents}
    fixing: dict[str, datetime] = {}
    for pr in pulls:
        known = [created[n] for n in pr.closing_issue_numbers if n in created]
        if pr.merged_at is not None and known:
            for sha in _pr_commits(pr):
                fixing[sha] = min(known + ([fixing[sha]] if sha in fixing else []))
    for deployment in shipped:
        seen = [fixing[c.sha] for c in deployment.commits if c.sha in fixing]
        if seen:
            yield RemedyMark(deployment.index, max(min(seen), deployment.deployment.time))


def derive_signals(
    shipped: Sequence[ShippedDeployment],
    commits: Mapping[str, Commit],
    *,
    config: FailuresConfig,
    pulls: Sequence[PullRequest] = (),
    incidents: Sequence[Incident] = (),
    ancestry: frozenset[tuple[str, str]] = frozenset(),
) -> Signals:
    """Every failure signal and remedy mark over all deployments (time-ordered)."""
    index = _ShaIndex(shipped)
    found = [
        *_code_signals(shipped, index, _Hotfix(config, pulls)),
        *_rollbacks(shipped, commits, ancestry),
        *_incidents(shipped, incidents, index, timedelta(hours=config.incident_window_hours)),
        *_incident_fixes(shipped, pulls, incidents),
    ]
    first = next((s.index for s in shipped if s.first_known), None)
    return Signals(
        failures=tuple(s for s in found if isinstance(s, Signal)),
        remedies=tuple(s for s in found if isinstance(s, RemedyMark) and s.index != first),
        first_known=first,
    )


def failures_at(signals: Signals, count: int, end: datetime) -> list[FailureInfo]:
    """Each deployment's failure state as known at `end` (same order as `shipped`)."""
    info = [FailureInfo() for _ in range(count)]
    for signal in signals.failures:
        if signal.seen_at >= end:
            continue
        remedy = signal.remedy_at if signal.remedy_at is not None and signal.remedy_at < end \
            else None  # fmt: skip
        state = info[signal.target]
        known = state.signals.get(signal.kind)
        if signal.kind not in state.signals or (
            remedy is not None and (known is None or remedy < known)
        ):
            state.signals[signal.kind] = remedy
        if signal.incident is not None:
            state.incident_numbers.append(signal.incident)
    for mark in signals.remedies:
        if mark.seen_at < end:
            info[mark.index].is_remedy = True
    return info
