"""`PublishedReport`: the only type reporters accept.

Its constructor refuses to run unless called with the gate's private key, so the
one way to obtain a `PublishedReport` is `privacy.gate.apply_gate`. Nothing in it
names a person: metrics carry people *counts*, never sets; evidence carries
system events only; aggregates carry pseudonyms or sealed blobs (see
`privacy.aggregates`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from devex_metrics.metrics.catalogue import MetricSpec
from devex_metrics.metrics.result import DeploymentEvent, Detail, Status
from devex_metrics.model import RepositoryInfo, SourceUse, Window
from devex_metrics.privacy.aggregates import MetricAggregate
from devex_metrics.privacy.breakdown import PublishedCell

_GATE_KEY = object()


@dataclass(frozen=True)
class PublishedValue:
    """A gated value of an earlier window (for trends), with its aggregate so that an
    organisation merge can show trends too."""

    status: Status
    value: float | None
    aggregate: MetricAggregate | None = None


@dataclass(frozen=True)
class PublishedMetric:
    """A gated metric. `value`, `p50`, `p90`, `tier` and `details` are present only
    when `status` is ok; `samples` and `people` (a count) are shown, except the
    sample size of a suppressed count, which equals its value and is None.
    `people_bound` marks `people` as a lower bound (an organisation merged without
    an org salt); `aggregate` is what `metrics.json` carries for `merge`."""

    spec: MetricSpec
    status: Status
    samples: int | None
    people: int | None
    value: float | None = None
    p50: float | None = None
    p90: float | None = None
    tier: str | None = None
    details: Mapping[str, Detail] = field(default_factory=dict)
    note: str = ""
    previous: PublishedValue | None = None
    breakdowns: Mapping[str, Mapping[str, PublishedCell]] = field(default_factory=dict)
    people_bound: bool = False
    aggregate: MetricAggregate | None = None

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def ok(self) -> bool:
        return self.status is Status.OK


@dataclass(frozen=True)
class PrivacySummary:
    """What the gate did, in counts only."""

    min_group_size: int
    suppressed_ids: tuple[str, ...]
    rule_counts: Mapping[str, int]
    opt_out_entries: int


@dataclass(frozen=True)
class AggregateInfo:
    """How the report's aggregates were written: `key_id` identifies the org secret
    behind its pseudonyms and sealed blobs (None: no secret, no pseudonyms)."""

    key_id: str | None


@dataclass(frozen=True)
class PublishedReport:
    generated_at: datetime
    tool_version: str
    repository: RepositoryInfo
    window: Window
    deployment_source: str | None
    metrics: Mapping[str, PublishedMetric]
    health_components: Mapping[str, float]
    privacy: PrivacySummary
    sources: tuple[SourceUse, ...]
    deployments: tuple[DeploymentEvent, ...]
    commit_range: tuple[str | None, str | None]
    partial: bool
    gate_key: object = field(repr=False, compare=False, default=None)
    aggregates: AggregateInfo = AggregateInfo(None)

    def __post_init__(self) -> None:
        if self.gate_key is not _GATE_KEY:
            raise TypeError("a PublishedReport is made only by privacy.gate.apply_gate")

    @property
    def previous_window(self) -> Window:
        return self.window.previous()
