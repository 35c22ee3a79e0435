"""Running sums of many repositories' aggregates, one accumulator per metric and window.

Every operation is commutative and associative (integer sums, set unions, maxima,
`math.fsum` over the collected partial sums, sketch bins added as integers), so
the merged result does not depend on the order the files are read in, and only
the small running state is kept in memory: each file is dropped once added.

People are pseudonyms when every contributing aggregate carried them (an org
secret was configured everywhere); otherwise the distinct count across
repositories is unknown and only its lower bound, the largest count seen, is kept.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from devex_metrics.metrics.aggregate import Aggregate
from devex_metrics.metrics.result import Cell
from devex_metrics.metrics.sketch import Sketch
from devex_metrics.privacy.aggregates import AggregateData, CellData, sketch_bins


@dataclass
class PeopleUnion:
    """Distinct people across repositories: a union of pseudonyms while every part
    has them, and always the largest single count (a lower bound of the union)."""

    pseudonyms: set[str] = field(default_factory=set)
    known: bool = True
    largest: int = 0
    seen: bool = False

    def add(self, pseudonyms: tuple[str, ...] | None, count: int | None) -> None:
        if count is None:
            return
        self.seen = True
        self.largest = max(self.largest, count)
        if pseudonyms is None or not self.known:
            self.known = False
            self.pseudonyms.clear()
        else:
            self.pseudonyms.update(pseudonyms)

    def exact(self) -> frozenset[str] | None:
        return frozenset(self.pseudonyms) if self.seen and self.known else None

    def bound(self) -> int | None:
        """The lower bound to gate on when the union is unknown."""
        if not self.seen or self.known:
            return None
        return self.largest


@dataclass
class CellSum:
    value: float = 0.0
    people: PeopleUnion = field(default_factory=PeopleUnion)

    def add(self, cell: CellData) -> None:
        self.value += cell.value
        self.people.add(cell.people, cell.people_count)

    def cell(self) -> Cell:
        exact = self.people.exact()
        return Cell(self.value, exact or frozenset(), people_bound=self.people.bound())


@dataclass
class MetricSum:
    """The running merge of one metric in one window."""

    counts: Counter[str] = field(default_factory=Counter)
    sums: dict[str, list[float]] = field(default_factory=dict)
    positive: Counter[int] = field(default_factory=Counter)
    negative: Counter[int] = field(default_factory=Counter)
    zeros: int = 0
    has_sketch: bool = False
    tags: set[str] = field(default_factory=set)
    people: PeopleUnion = field(default_factory=PeopleUnion)
    cells: dict[str, dict[str, CellSum]] = field(default_factory=dict)
    cells_complete: bool = True
    parts: int = 0
    measured: int = 0
    missing: int = 0

    def add(self, data: AggregateData) -> None:
        self.parts += 1
        self.counts.update(data.counts or {})
        for name, value in (data.sums or {}).items():
            self.sums.setdefault(name, []).append(value)
        if data.sketch is not None:
            sketch = sketch_bins(data.sketch)
            self.has_sketch = True
            self.positive.update(dict(sketch.positive))
            self.negative.update(dict(sketch.negative))
            self.zeros += sketch.zeros
        self.tags.update(data.tags or ())
        self.people.add(data.people, data.people_count)
        self._add_cells(data)

    def _add_cells(self, data: AggregateData) -> None:
        if data.cells_withheld:
            # cells left out (one was hidden, no org secret to seal them): the
            # organisation breakdown would be incomplete, so it is dropped, not wrong
            self.cells_complete = False
        for dimension, named in (data.cells or {}).items():
            target = self.cells.setdefault(dimension, {})
            for name, cell in named.items():
                target.setdefault(name, CellSum()).add(cell)

    def aggregate(self) -> Aggregate:
        """The merged parts, in the form `metrics.combine` reads."""
        sketch = None
        if self.has_sketch:
            sketch = Sketch(
                tuple(sorted(self.positive.items())),
                tuple(sorted(self.negative.items())),
                self.zeros,
            )
        return Aggregate(
            counts=dict(sorted(self.counts.items())),
            sums={name: math.fsum(values) for name, values in sorted(self.sums.items())},
            sketch=sketch,
            tags=tuple(sorted(self.tags)),
        )

    def breakdowns(self) -> dict[str, dict[str, Cell]]:
        if not self.cells_complete:
            return {}
        return {
            dim: {name: s.cell() for name, s in sorted(named.items())}
            for dim, named in sorted(self.cells.items())
        }
