"""Team breakdowns inside one repository (config `teams`), for the metrics that have
one: `space.activity.commits` (commits per team, people = their authors) and
`dora.lead_time` (each team's p50 over its measured changes, people = their
authors). A commit counts in every team it belongs to, or in `(no team)`.

The metric functions pass in exactly the items they counted, so a team cell can
never disagree with its metric about which commits or changes are measured.
`space.activity.contributors` has no team breakdown on purpose: it is published
whatever its size (it is the gate's own input), and a people count per team would
be a per-team number that escapes the gate.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from devex_metrics.derive.people import Person
from devex_metrics.derive.teams import Teams
from devex_metrics.metrics.result import (
    TEAM_DIMENSION,
    Breakdown,
    BreakdownShape,
    Cell,
    Item,
    MetricResult,
    Status,
)
from devex_metrics.metrics.stats import percentile
from devex_metrics.model import Commit

NOT_ADDITIVE = BreakdownShape(additive=False)


def commits_by_team(
    counted: Iterable[tuple[Commit, Person]], teams: Teams
) -> tuple[Breakdown, BreakdownShape]:
    """Commits per team. Additive, and cells overlap when a commit is in several
    teams, so every commit's cells go to the gate for its overlap audit."""
    items: dict[str, Item] = {}
    counts: Counter[str] = Counter()
    people: dict[str, set[str]] = {}
    for commit, person in counted:
        names = teams.cells_of(commit)
        items[commit.sha] = Item(person.key, names)
        counts.update(names)
        for name in names:
            people.setdefault(name, set()).add(person.key)
    cells = {name: Cell(float(counts[name]), frozenset(keys)) for name, keys in people.items()}
    return cells, BreakdownShape(additive=True, items=items)


def lead_time_by_team(
    measured: Iterable[tuple[Commit, Person, float]], teams: Teams
) -> tuple[Breakdown, BreakdownShape]:
    """Each team's p50 lead time over its changes: not additive (a p50 cannot be
    recovered by subtraction), so each cell is gated on its own people only."""
    hours: dict[str, list[float]] = {}
    people: dict[str, set[str]] = {}
    for change, person, value in measured:
        for name in teams.cells_of(change):
            hours.setdefault(name, []).append(value)
            people.setdefault(name, set()).add(person.key)
    cells = {
        name: Cell(percentile(values, 0.5), frozenset(people[name]))
        for name, values in hours.items()
    }
    return cells, NOT_ADDITIVE


def with_team_breakdown(
    result: MetricResult, breakdown: tuple[Breakdown, BreakdownShape]
) -> MetricResult:
    """`result` with its team breakdown, when it has a value to break down."""
    cells, shape = breakdown
    if result.status is not Status.OK or not cells:
        return result
    return replace(
        result,
        breakdowns={**result.breakdowns, TEAM_DIMENSION: cells},
        shapes={**result.shapes, TEAM_DIMENSION: shape},
    )
