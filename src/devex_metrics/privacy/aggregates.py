"""What `metrics.json` carries so that `merge` can combine a metric (SPEC §9), and
the rule for writing it in clear or sealed (threat model: `privacy.orgkeys`).

The wire models below are the format of a metric's `aggregate`, both in clear and
inside a sealed blob (whose plaintext is the same JSON), so the writer here and
the reader in `merge` cannot drift apart.

The rule, per metric (the gate applies it after gating the metric):
- published ok, no hidden breakdown cell, no people set below k, and no cell
  whose people would be written as pseudonyms: the aggregate is written in clear
  (with the people as pseudonyms when an org secret is configured, or when they
  already are pseudonyms in an organisation merge);
- otherwise, with an org secret: written only sealed, with everything;
- otherwise, if the metric is published ok: the clear projection that reveals
  nothing the report does not already show (no pseudonyms below k, no cells when
  one is hidden, no cell pseudonyms); if it is not ok: omitted.
No aggregate holds an identity: people are pseudonyms or a count. A clear
pseudonym set says that someone (unnamed) is among the metric's k or more people;
which breakdown cell a pseudonym is in (e.g. which friction category someone
reported) is sealed, since it is a fact about one person.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Final

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from devex_metrics.metrics.aggregate import Aggregate
from devex_metrics.metrics.result import UNMERGED_DIMENSIONS, Breakdown, MetricResult
from devex_metrics.metrics.sketch import Sketch, sketch_from_bins
from devex_metrics.model import Window
from devex_metrics.privacy.orgkeys import OrgKeys

AGGREGATE_FORMAT: Final = 1
_Omitted = SkipJsonSchema[None]


class _Wire(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


_BINS = r"^(-?[0-9]+:[1-9][0-9]*( -?[0-9]+:[1-9][0-9]*)*)?$"
_PSEUDONYMS = r"^([0-9a-f]{32}( [0-9a-f]{32})*)?$"
Pseudonymous = Annotated[
    str,
    Field(pattern=_PSEUDONYMS, description="sorted pseudonyms (hex HMAC) separated by spaces"),
]
"""A people set as pseudonyms, space-separated (compact: an organisation's set holds
thousands, and one line per pseudonym would dominate the file)."""


class SketchData(_Wire):
    """DDSketch bins (1 % relative accuracy) as `key:count` pairs separated by spaces
    (compact: a sketch has up to a few hundred bins): of positive values, of the
    magnitudes of negative ones, and the number of zeros."""

    positive: str = Field("", pattern=_BINS)
    negative: str = Field("", pattern=_BINS)
    zeros: int = Field(0, ge=0)


def _bins_text(bins: tuple[tuple[int, int], ...]) -> str:
    return " ".join(f"{key}:{count}" for key, count in bins)


def _bins_pairs(text: str) -> list[tuple[int, int]]:
    pairs = (item.split(":") for item in text.split())
    return [(int(key), int(count)) for key, count in pairs]


def add_bins(text: str, into: dict[int, int]) -> None:
    """Add stored bins to running counts (the merge's hot path: no sketch is built)."""
    get = into.get
    for item in text.split():
        key, _, count = item.partition(":")
        number = int(key)
        into[number] = get(number, 0) + int(count)


class CellData(_Wire):
    """One breakdown cell's parts: its value and the people behind it."""

    value: float
    people_count: int = Field(ge=0)
    people: Pseudonymous | _Omitted = None


class AggregateData(_Wire):
    """The mergeable parts of one metric in one window (see `metrics.aggregate`).

    `people` are sorted pseudonyms (present only with an org secret);
    `people_count` is the size of the set (absent for system metrics), a lower
    bound when `people_bound` is true.
    """

    counts: Mapping[str, int] | _Omitted = None
    sums: Mapping[str, float] | _Omitted = None
    sketch: SketchData | _Omitted = None
    tags: tuple[str, ...] | _Omitted = None
    scope: str | _Omitted = None
    people_count: Annotated[int, Field(ge=0)] | _Omitted = None
    people_bound: bool | _Omitted = None
    people: Pseudonymous | _Omitted = None
    cells: Mapping[str, Mapping[str, CellData]] | _Omitted = None
    cells_withheld: bool | _Omitted = Field(
        None, description="true when breakdown cells were left out because one is suppressed"
    )


class MetricAggregate(_Wire):
    """A metric's aggregate in `metrics.json`: exactly one of `clear` or `sealed`
    (base64 AES-GCM of an `AggregateData`, openable only with the org secret)."""

    clear: AggregateData | _Omitted = None
    sealed: str | _Omitted = None

    @model_validator(mode="after")
    def _exactly_one(self) -> MetricAggregate:
        if (self.clear is None) == (self.sealed is None):
            raise ValueError("an aggregate is either clear or sealed, never both or neither")
        return self


def aggregate_context(repository: str, metric_id: str, window: Window) -> bytes:
    """Associated data binding a sealed aggregate to where it belongs."""
    span = f"{window.start.isoformat()}/{window.end.isoformat()}"
    return (
        f"devex-metrics aggregate v{AGGREGATE_FORMAT}\n{repository}\n{metric_id}\n{span}".encode()
    )


class Pseudonyms:
    """Turns people sets into sorted pseudonyms, once per identity (a report names the
    same people in many metrics). `ready` sets are already pseudonyms."""

    def __init__(self, keys: OrgKeys | None, *, ready: bool = False) -> None:
        self._keys = keys
        self._ready = ready
        self._cache: dict[str, str] = {}

    @property
    def available(self) -> bool:
        return self._ready or self._keys is not None

    def of(self, people: frozenset[str]) -> str | None:
        """The set's pseudonyms, sorted and space-separated (the wire form)."""
        if self._ready:
            return " ".join(sorted(people))
        if self._keys is None:
            return None
        cache, pseudonym = self._cache, self._keys.pseudonym
        return " ".join(sorted({cache.get(p) or cache.setdefault(p, pseudonym(p)) for p in people}))


def _sketch_data(sketch: Sketch | None) -> SketchData | None:
    if sketch is None:
        return None
    return SketchData(
        positive=_bins_text(sketch.positive),
        negative=_bins_text(sketch.negative),
        zeros=sketch.zeros,
    )


def _cells(
    breakdowns: Mapping[str, Breakdown], names: Pseudonyms, *, with_people: bool
) -> dict[str, dict[str, CellData]]:
    """Cells of every breakdown but the per-repository one (a merge rebuilds that)
    and the team one (repository-internal). A cell's pseudonyms say which category
    each person is in, so they are written only into sealed aggregates
    (`with_people`)."""
    return {
        dimension: {
            name: CellData(
                value=cell.value,
                people_count=cell.people_count,
                people=names.of(cell.people) if with_people and cell.people_bound is None else None,
            )
            for name, cell in sorted(cells.items())
        }
        for dimension, cells in sorted(breakdowns.items())
        if dimension not in UNMERGED_DIMENSIONS
    }


def _has_cells(result: MetricResult) -> bool:
    return any(dimension not in UNMERGED_DIMENSIONS for dimension in result.breakdowns)


def aggregate_data(
    result: MetricResult, names: Pseudonyms, *, k: int, full: bool, with_cells: bool = True
) -> AggregateData | None:
    """The wire form of a result's aggregate. `full` False leaves out a people set
    below k (the clear projection); `with_cells` False leaves out breakdown cells."""
    parts = result.aggregate
    if parts is None:
        return None
    count = len(result.people) if result.people is not None else result.people_bound
    keep_people = result.people is not None and (full or len(result.people) >= k)
    people = names.of(result.people) if keep_people and result.people is not None else None
    cells = _cells(result.breakdowns, names, with_people=full) if with_cells else {}
    return AggregateData(
        counts=dict(sorted(parts.counts.items())) or None,
        sums=dict(sorted(parts.sums.items())) or None,
        sketch=_sketch_data(parts.distribution()),
        tags=tuple(sorted(set(parts.tags))) or None,
        scope=parts.scope,
        people_count=count,
        people_bound=True if result.people is None and result.people_bound is not None else None,
        people=people,
        cells=cells or None,
        cells_withheld=True if not with_cells and _has_cells(result) else None,
    )


def to_aggregate(data: AggregateData) -> Aggregate:
    """The metrics-stage form of wire parts (the sketch rebuilt, people left aside)."""
    sketch = None
    if data.sketch is not None:
        sketch = sketch_bins(data.sketch)
    return Aggregate(
        counts=dict(data.counts or {}),
        sums=dict(data.sums or {}),
        sketch=sketch,
        tags=data.tags or (),
        scope=data.scope,
    )


def sketch_bins(data: SketchData) -> Sketch:
    """The sketch stored in `data`."""
    return sketch_from_bins(_bins_pairs(data.positive), _bins_pairs(data.negative), data.zeros)


def dump_aggregate(data: AggregateData) -> bytes:
    """Canonical bytes of wire parts (the plaintext of a sealed aggregate)."""
    return data.model_dump_json(exclude_none=True).encode("utf-8")


def open_aggregate(
    stored: MetricAggregate, keys: OrgKeys | None, context: bytes
) -> AggregateData | None:
    """The parts of a stored aggregate: clear as is, sealed when `keys` can open it
    (`SealError` otherwise), None when sealed and there is no key."""
    if stored.clear is not None:
        return stored.clear
    if keys is None or stored.sealed is None:
        return None
    return AggregateData.model_validate_json(keys.unseal(stored.sealed, context))


def publish_aggregate(
    result: MetricResult,
    *,
    ok: bool,
    hidden_cells: bool,
    k: int,
    names: Pseudonyms,
    keys: OrgKeys | None,
    context: bytes,
) -> MetricAggregate | None:
    """A gated metric's aggregate as `metrics.json` may carry it (rule: module doc)."""
    if result.aggregate is None:
        return None
    small_set = result.people is not None and len(result.people) < k and names.available
    cell_people = names.available and _has_cells(result)
    if ok and not hidden_cells and not small_set and not cell_people:
        return MetricAggregate(clear=aggregate_data(result, names, k=k, full=True))
    if keys is not None:
        full = aggregate_data(result, names, k=k, full=True)
        assert full is not None
        return MetricAggregate(sealed=keys.seal(dump_aggregate(full), context))
    if ok:
        projection = aggregate_data(result, names, k=k, full=False, with_cells=not hidden_cells)
        return MetricAggregate(clear=projection)
    return None


def clear_absent_schema() -> dict[str, Any]:
    """JSON Schema fragment: a non-ok metric's aggregate may only be sealed."""
    return {"properties": {"clear": False}}
