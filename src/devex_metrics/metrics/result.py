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

from devex_metrics.metrics.catalogue import MetricSpec
from devex_metrics.model import Window


class Status(StrEnum):
    OK = "ok"
    SUPPRESSED = "suppressed"
    INSUFFICIENT_DATA = "insufficient_data"
    UNAVAILABLE = "unavailable"


Detail = int | float | str


@dataclass(frozen=True)
class Cell:
    """One cell of a breakdown (e.g. friction reports in category "Tests"), with the
    people behind it, so the gate can suppress small cells."""

    value: float
    people: frozenset[str]


Breakdown = Mapping[str, Cell]


@dataclass(frozen=True)
class MetricResult:
    """One computed metric, before the privacy gate.

    `value` is set only when `status` is ok. `people` is the set of canonical
    identities whose items make up the sample (None for system metrics). `details`
    holds extra numbers of the metric (e.g. `unrecovered`, `dropped_negative`);
    `breakdowns` splits the value by a dimension (dimension → cell name → cell).
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
    """All metrics of one window, ungated."""

    window: Window
    results: Mapping[str, MetricResult]
    deployment_source: str | None
    deployments: tuple[DeploymentEvent, ...] = ()
