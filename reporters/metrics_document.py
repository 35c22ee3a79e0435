"""The `metrics.json` document (SPEC §9) as pydantic models: these classes *are*
the format. `reporters.metrics_json` writes, reads and derives the JSON Schema
through them, so writer, schema and reader cannot drift apart.

Invariants:
- absent means absent: optional fields are omitted, never `null`, with one
  deliberate exception: `people` is always present and is `null` for metrics that
  describe machines rather than people (system metrics) or have no people set;
- `value`, `p50`, `p90`, `tier` and `details` appear only when `status` is `ok`
  (and `previous.value` only when the previous status is ok): the models reject
  anything else and the JSON Schema states it with `if`/`then`/`else`, so a
  suppressed number cannot be written or accepted (SPEC §7);
- `aggregate` (per metric, and per previous window) holds what `merge` needs to
  combine the metric across repositories (SPEC §9): in clear only for an ok
  metric, otherwise only sealed with the org secret (rule and threat model:
  `privacy.aggregates`, `privacy.orgkeys`); the top-level `aggregates` says how
  they were written. Readers that predate them still find every other field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from devex_metrics.metrics.result import Status
from devex_metrics.privacy.aggregates import MetricAggregate, clear_absent_schema

_OK_ONLY = ("value", "p50", "p90", "tier", "details", "breakdowns")
_ABSENT: dict[str, Any] = {
    "properties": {**{name: False for name in _OK_ONLY}, "aggregate": clear_absent_schema()}
}
_PREVIOUS_ABSENT: dict[str, Any] = {
    "properties": {"value": False, "aggregate": clear_absent_schema()}
}


Omitted = SkipJsonSchema[None]
"""An optional field that is left out of the document rather than written as null;
the schema therefore admits only the present type."""


def _only_when_ok(absent: dict[str, Any]) -> dict[str, Any]:
    """JSON Schema: when `status` is not `ok`, the named properties must be absent."""
    return {"if": {"properties": {"status": {"const": "ok"}}}, "else": absent}


class _Document(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class Tool(_Document):
    name: str
    version: str


class Repository(_Document):
    name: str
    default_branch: str
    head_sha: str | Omitted = Field(None, description="tip of the default branch measured")


class WindowSpan(_Document):
    start: AwareDatetime = Field(description="inclusive, UTC")
    end: AwareDatetime = Field(description="exclusive, UTC")
    days: float


class DataSource(_Document):
    name: str
    requests: int = Field(ge=0, description="API requests or git processes it cost")
    detail: str | Omitted = None


class Sources(_Document):
    deployments: str | Omitted = Field(
        None, description="deployment source used (SPEC §5); absent when none yielded one"
    )
    data: tuple[DataSource, ...]


class Privacy(_Document):
    min_group_size: int = Field(ge=1, description="k: people needed to publish a number")
    suppressed: tuple[str, ...] = Field(description="ids of suppressed metrics")
    rule_counts: Mapping[str, int] = Field(description="values suppressed, per rule")
    opt_out_configured: bool


class Previous(_Document):
    """The previous window's gated result of a metric, for trends."""

    model_config = ConfigDict(json_schema_extra=_only_when_ok(_PREVIOUS_ABSENT))

    status: Status
    value: float | Omitted = None
    aggregate: MetricAggregate | Omitted = None

    @model_validator(mode="after")
    def _value_only_when_ok(self) -> Previous:
        if self.status is not Status.OK and self.value is not None:
            raise ValueError(f"previous value present with status {self.status}")
        _check_sealed(self.status, self.aggregate)
        return self


def _check_sealed(status: Status, aggregate: MetricAggregate | None) -> None:
    """A metric that is not ok may carry its aggregate only sealed."""
    if status is not Status.OK and aggregate is not None and aggregate.clear is not None:
        raise ValueError(f"aggregate in clear with status {status}")


class BreakdownCell(_Document):
    """One gated cell: `value` and `people` are absent when the cell is suppressed
    (fewer than k people, or complementary suppression)."""

    suppressed: bool
    people: Annotated[int, Field(ge=0)] | Omitted = None
    value: float | Omitted = None


class Metric(_Document):
    """One metric. `people` is always present: a count, or null for system metrics."""

    model_config = ConfigDict(json_schema_extra=_only_when_ok(_ABSENT))

    status: Status
    unit: str
    title: str
    samples: Annotated[int, Field(ge=0)] | None = Field(
        description="size of the sample behind the number; null only for a suppressed "
        "count, whose sample size would be its value",
    )
    people: Annotated[int, Field(ge=0)] | None = Field(
        description="distinct people behind the number; null for system metrics "
        "(machines, not people) and where no people set applies",
    )
    value: float | Omitted = None
    p50: float | Omitted = None
    p90: float | Omitted = None
    tier: Literal["elite", "high", "medium", "low"] | Omitted = None
    details: Mapping[str, int | float | str] | Omitted = None
    breakdowns: Mapping[str, Mapping[str, BreakdownCell]] | Omitted = Field(
        None,
        description="dimension → cell → gated value: a count (friction reports by category, "
        "commits by team) or, for a percentile metric, the cell's p50 (lead time by team)",
    )
    note: str | Omitted = None
    previous: Previous | Omitted = None
    people_bound: bool | Omitted = Field(
        None, description="true when `people` is a lower bound (merged without an org salt)"
    )
    aggregate: MetricAggregate | Omitted = Field(
        None, description="mergeable parts for `devex-metrics merge` (SPEC §9)"
    )

    @model_validator(mode="after")
    def _numbers_only_when_ok(self) -> Metric:
        present = [name for name in _OK_ONLY if getattr(self, name) is not None]
        if self.status is not Status.OK and present:
            raise ValueError(f"{', '.join(present)} present with status {self.status}")
        _check_sealed(self.status, self.aggregate)
        return self

    @model_serializer(mode="wrap")
    def _keep_people(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """`exclude_none` drops nulls; `samples` and `people` are the nulls that carry
        meaning, so they are always written."""
        data: dict[str, Any] = handler(self)
        data.setdefault("samples", self.samples)
        data.setdefault("people", self.people)
        return data


class Health(_Document):
    score: int | Omitted = Field(None, description="0–100; absent below 3 components")
    components: Mapping[str, float] = Field(description="metric id → 0–100 points used")


class Aggregates(_Document):
    """How the metrics' aggregates were written, so `merge` can check it reads them
    right: their format, the sketches' relative accuracy, and the id of the org
    secret behind pseudonyms and sealed blobs (absent: no org secret)."""

    format: Literal[1]
    sketch_relative_accuracy: float
    key_id: str | Omitted = None


class MetricsDocument(_Document):
    """The whole `metrics.json` document, schema version 1."""

    model_config = ConfigDict(title="devex-metrics metrics.json")

    schema_version: Literal[1]
    generated_at: AwareDatetime
    tool: Tool
    repository: Repository
    window: WindowSpan
    previous_window: WindowSpan
    sources: Sources
    privacy: Privacy
    partial: bool = Field(description="true when a source could not be read completely")
    metrics: Mapping[str, Metric]
    health: Health
    aggregates: Aggregates | Omitted = None
