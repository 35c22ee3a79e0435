"""The ungated output of the metrics stage.

A `MetricResult` still carries the *set* of people behind a person-derived number,
because the privacy gate needs it to decide; that is why nothing but the gate may
read a `MetricSet`. Reporters only ever see `privacy.PublishedReport`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from devex_metrics.metrics.aggregate import Aggregate
from devex_metrics.metrics.catalogue import MetricSpec
from devex_metrics.model import Window


class Status(StrEnum):
    OK = "ok"
    SUPPRESSED = "suppressed"
    INSUFFICIENT_DATA = "insufficient_data"
    UNAVAILABLE = "unavailable"


Detail = int | float | str


REPOSITORY_DIMENSION = "repository"
"""The breakdown an organisation report adds to every metric: one cell per repository."""

TEAM_DIMENSION = "team"
"""Teams inside one repository (config `teams`): repository-internal, never merged."""

UNMERGED_DIMENSIONS = frozenset({REPOSITORY_DIMENSION, TEAM_DIMENSION})
"""Breakdowns no mergeable aggregate carries: the per-repository one (a merge rebuilds
it) and teams (names and members differ between repositories, and a per-team p50
cannot be summed)."""


@dataclass(frozen=True)
class Cell:
    """One cell of a breakdown (e.g. friction reports in category "Tests"), with the
    people behind it, so the gate can suppress small cells.

    `withheld` marks a cell its source already suppressed (a repository whose own
    report hid the number): the gate never publishes it. `people_bound` is a known
    lower bound of the people count when the set itself is unknown (an organisation
    merge without an org salt)."""

    value: float
    people: frozenset[str]
    withheld: bool = False
    people_bound: int | None = None

    @property
    def people_count(self) -> int:
        return max(len(self.people), self.people_bound or 0)


Breakdown = Mapping[str, Cell]


class Item(NamedTuple):
    """One counted item of an overlapping breakdown: whose it is, and every cell it
    counts in."""

    person: str
    cells: frozenset[str]


@dataclass(frozen=True)
class BreakdownShape:
    """How a breakdown's cells relate to the metric's total; the gate needs it to know
    what subtraction can reveal (`privacy.breakdown`).

    `additive`: each cell counts items of the total, so the cells and the total
    are linked by sums (complementary suppression applies); False for a statistic
    per cell, such as a per-team p50, from which subtraction reveals nothing (each
    cell is still gated on its people). `items`: for an additive breakdown whose
    cells may overlap (a commit in two teams), every item (id → person, cells), so
    the gate can audit the overlaps; None when the cells partition the total.
    A dimension without a shape is an additive partition (friction categories, an
    organisation's repositories)."""

    additive: bool = True
    items: Mapping[str, Item] | None = None


PARTITION = BreakdownShape()


@dataclass(frozen=True)
class MetricResult:
    """One computed metric, before the privacy gate.

    `value` is set only when `status` is ok. `people` is the set of canonical
    identities whose items make up the sample (None for system metrics). `details`
    holds extra numbers of the metric (e.g. `unrecovered`, `dropped_negative`);
    `breakdowns` splits the value by a dimension (dimension → cell name → cell).
    `shapes` says how a dimension's cells relate to the total (absent: an additive
    partition). `aggregate` holds the mergeable parts behind the value (SPEC §9).
    When the people set is unknown (`people` None on a person-derived organisation
    metric merged without an org salt), `people_bound` is a lower bound of its size.
    """

    spec: MetricSpec
    status: Status
    samples: int
    value: float | None = None
    people: frozenset[str] | None = None
    p50: float | None = None
    p90: float | None = None
    tier: str | None = None
    details: Mapping[str, Detail] = field(default_factory=dict)
    note: str = ""
    breakdowns: Mapping[str, Breakdown] = field(default_factory=dict)
    aggregate: Aggregate | None = None
    people_bound: int | None = None
    shapes: Mapping[str, BreakdownShape] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.spec.id


@dataclass(frozen=True)
class DeploymentEvent:
    """A system event behind the DORA numbers (evidence): no person appears in it."""

    source: str
    ref: str
    sha: str
    time: datetime
    in_window: bool
    failed: bool
    signals: tuple[str, ...]
    remedy_time: datetime | None
    is_remedy: bool
    changes: int
    incident_numbers: tuple[int, ...] = ()


@dataclass(frozen=True)
class MetricSet:
    """All metrics of one window, ungated.

    `pseudonym_key_id` is set when the people sets already hold org pseudonyms (an
    organisation merge) rather than canonical identities: the gate then publishes
    them as they are instead of hashing them again.
    """

    window: Window
    results: Mapping[str, MetricResult]
    deployment_source: str | None
    deployments: tuple[DeploymentEvent, ...] = ()
    pseudonym_key_id: str | None = None
