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


@dataclass(frozen=True)
class MetricResult:
    """One computed metric, before the privacy gate.

    `value` is set only when `status` is ok. `people` is the set of canonical
    identities whose items make up the sample (None for system metrics). `details`
    holds extra numbers of the metric (e.g. `unrecovered`, `dropped_negative`);
    `breakdowns` splits the value by a dimension (dimension → cell name → cell).
    `aggregate` holds the mergeable parts behind the value (SPEC §9). When the
    people set is unknown (`people` None on a person-derived organisation metric
    merged without an org salt), `people_bound` is a lower bound of its size.
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
