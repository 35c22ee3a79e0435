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
from devex_metrics.privacy.aggregates import AggregateData, CellData, add_bins


@dataclass
class PeopleUnion:
    """Distinct people across repositories: a union of pseudonyms while every part
    has them, and always the largest single count (a lower bound of the union)."""

    pseudonyms: set[str] = field(default_factory=set)
    known: bool = True
    largest: int = 0
    seen: bool = False

    def add(self, stored: str | None, count: int | None) -> None:
        """Add one part's people: its stored pseudonyms (or None) and its count."""
        if count is None:
            return
        self.seen = True
        self.largest = max(self.largest, count)
        if stored is None or not self.known:
            self.known = False
            self.pseudonyms.clear()
        else:
            self.pseudonyms.update(stored.split())

    def exact(self) -> frozenset[str] | None:
        return frozenset(self.pseudonyms) if self.seen and self.known else None

    def bound(self) -> int | None:
        """The lower bound to gate on when the union is unknown."""
        if not self.seen or self.known:
            return None
        return self.largest


@dataclass
class CellSum:
    """One breakdown cell summed over repositories (`math.fsum`: order-free)."""

    values: list[float] = field(default_factory=list)
    people: PeopleUnion = field(default_factory=PeopleUnion)

    def add(self, cell: CellData) -> None:
        self.values.append(cell.value)
        self.people.add(cell.people, cell.people_count)

    def cell(self) -> Cell:
        exact = self.people.exact()
        value = math.fsum(self.values)
        return Cell(value, exact or frozenset(), people_bound=self.people.bound())


@dataclass
class MetricSum:
    """The running merge of one metric in one window."""

    counts: Counter[str] = field(default_factory=Counter)
    sums: dict[str, list[float]] = field(default_factory=dict)
    positive: dict[int, int] = field(default_factory=dict)
    negative: dict[int, int] = field(default_factory=dict)
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
            self.has_sketch = True
            add_bins(data.sketch.positive, self.positive)
            add_bins(data.sketch.negative, self.negative)
            self.zeros += data.sketch.zeros
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
