"""DDSketch quantile sketches with 1 % relative accuracy, for organisation merges.

A single repository's report computes exact percentiles (SPEC §4); only the
organisation merge, which never sees the raw samples, reads percentiles from a
merged sketch. The bins use ddsketch's `LogarithmicMapping` (the mapping that
gives DDSketch its guarantee: every value in a bin is within α = 1 % of the bin's
representative value), but the store is a sparse map of integer counts, so that:

- merging is addition of integers, exact and independent of order or grouping;
- the JSON form is small (only non-empty bins) and byte-stable.

Quantiles follow SPEC §4's linear interpolation over the *sorted representative
values*: the i-th smallest representative belongs to the i-th smallest sample
(the mapping is monotonic), and a convex combination of two values each within α
of the truth is within α of the true interpolated percentile, for samples of one
sign (every duration metric here is non-negative).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from ddsketch import LogarithmicMapping

RELATIVE_ACCURACY = 0.01

Bins = tuple[tuple[int, int], ...]
"""(bin key, count) pairs, sorted by key, counts > 0."""


@cache
def _mapping() -> LogarithmicMapping:
    return LogarithmicMapping(RELATIVE_ACCURACY)


def _bins(counter: Mapping[int, int]) -> Bins:
    return tuple(sorted((key, count) for key, count in counter.items() if count > 0))


@dataclass(frozen=True)
class Sketch:
    """A mergeable quantile summary: bins of positive values, bins of the absolute
    values of negative ones, and a count of zeros."""

    positive: Bins = ()
    negative: Bins = ()
    zeros: int = 0
    count: int = field(init=False)

    def __post_init__(self) -> None:
        total = self.zeros + sum(c for _, c in self.positive) + sum(c for _, c in self.negative)
        object.__setattr__(self, "count", total)

    @classmethod
    def of(cls, values: Iterable[float]) -> Sketch:
        """The sketch of a sample."""
        mapping = _mapping()
        positive: Counter[int] = Counter()
        negative: Counter[int] = Counter()
        zeros = 0
        for value in values:
            if value > mapping.min_possible:
                positive[mapping.key(value)] += 1
            elif value < -mapping.min_possible:
                negative[mapping.key(-value)] += 1
            else:
                zeros += 1
        return cls(_bins(positive), _bins(negative), zeros)

    @classmethod
    def merge(cls, sketches: Iterable[Sketch]) -> Sketch:
        """The sketch of the union of the samples: bin counts added."""
        positive: Counter[int] = Counter()
        negative: Counter[int] = Counter()
        zeros = 0
        for sketch in sketches:
            positive.update(dict(sketch.positive))
            negative.update(dict(sketch.negative))
            zeros += sketch.zeros
        return cls(_bins(positive), _bins(negative), zeros)

    def _value_at(self, rank: int) -> float:
        """The representative value of the rank-th smallest sample (0-based)."""
        mapping = _mapping()
        for key, count in reversed(self.negative):  # largest magnitude first
            if rank < count:
                return -float(mapping.value(key))
            rank -= count
        if rank < self.zeros:
            return 0.0
        rank -= self.zeros
        for key, count in self.positive:
            if rank < count:
                return float(mapping.value(key))
            rank -= count
        raise IndexError("rank beyond the sketch's count")

    def quantile(self, p: float) -> float:
        """SPEC §4 percentile over the representative values (within 1 %)."""
        if self.count == 0:
            raise ValueError("quantile of an empty sketch")
        h = (self.count - 1) * p
        low = math.floor(h)
        below = self._value_at(low)
        if low + 1 >= self.count:
            return below
        return below + (h - low) * (self._value_at(low + 1) - below)


def sketch_from_bins(
    positive: Sequence[Sequence[int]], negative: Sequence[Sequence[int]], zeros: int
) -> Sketch:
    """Rebuild a sketch from its stored `[key, count]` pairs (merging duplicates)."""
    plus: Counter[int] = Counter()
    minus: Counter[int] = Counter()
    for key, count in positive:
        plus[key] += count
    for key, count in negative:
        minus[key] += count
    return Sketch(_bins(plus), _bins(minus), zeros)
