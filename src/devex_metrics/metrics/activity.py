"""Git activity metrics (SPEC §6): commits, contributors, AI-assisted share.

`branch_commits` are the non-merge commits reachable from the default branch; a
commit belongs to a window by its author time. With teams configured, commits get
a team breakdown (`metrics.teams`); contributors never do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from devex_metrics.derive.people import Person
from devex_metrics.derive.teams import Teams
from devex_metrics.metrics.aggregate import Aggregate, count_parts, ratio_parts
from devex_metrics.metrics.catalogue import spec
from devex_metrics.metrics.result import MetricResult, Status
from devex_metrics.metrics.teams import commits_by_team, with_team_breakdown
from devex_metrics.model import Commit, Window

_NO_COMMITS = "no commit with author time in the window"


def activity_metrics(
    branch_commits: Iterable[Commit],
    window: Window,
    person_of: Callable[[Commit], Person],
    has_ai_trailer: Callable[[Commit], bool],
    teams: Teams | None = None,
) -> Mapping[str, MetricResult]:
    counted = 0
    items: list[tuple[Commit, Person]] = []
    people: set[str] = set()
    ai_commits = 0
    assisted = 0
    for commit in branch_commits:
        if commit.is_merge or not window.contains(commit.author_time):
            continue
        person = person_of(commit)
        if person.is_ai_agent:
            ai_commits += 1
        elif person.counted:
            counted += 1
            people.add(person.key)
            if teams is not None:
                items.append((commit, person))
            if has_ai_trailer(commit):
                assisted += 1
    group = frozenset(people)
    commits = _count("space.activity.commits", counted, group)
    if teams is not None:
        commits = with_team_breakdown(commits, commits_by_team(items, teams))
    results = [
        commits,
        _count("space.activity.contributors", len(group), group),
        _share(assisted + ai_commits, counted + ai_commits, group),
    ]
    return {r.id: r for r in results}


def _count(metric_id: str, value: int, people: frozenset[str]) -> MetricResult:
    """A count; contributors' aggregate is its people set alone (a union across
    repositories, never a sum)."""
    contributors = metric_id == "space.activity.contributors"
    aggregate = Aggregate() if contributors else count_parts(count=value)
    if value == 0:
        return MetricResult(spec(metric_id), Status.INSUFFICIENT_DATA, 0, people=people,
                            note=_NO_COMMITS, aggregate=aggregate)  # fmt: skip
    return MetricResult(spec(metric_id), Status.OK, value, value=float(value), people=people,
                        aggregate=aggregate)  # fmt: skip


def _share(numerator: int, denominator: int, people: frozenset[str]) -> MetricResult:
    metric = spec("space.activity.ai_assisted_share")
    aggregate = ratio_parts(numerator, denominator)
    if denominator == 0:
        return MetricResult(metric, Status.INSUFFICIENT_DATA, 0, people=people, note=_NO_COMMITS,
                            aggregate=aggregate)  # fmt: skip
    return MetricResult(metric, Status.OK, denominator, value=numerator / denominator,
                        people=people, details={"ai_assisted": numerator},
                        aggregate=aggregate)  # fmt: skip
