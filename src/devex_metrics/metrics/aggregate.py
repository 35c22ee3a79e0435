"""Mergeable aggregates (SPEC §9 "Organisation scale"): the parts of a metric from
which an organisation report recomputes it exactly (counts, sums) or within the
sketch's 1 % (percentiles).

Every metric function attaches one to its `MetricResult` without changing the
metric's value: the value is still computed from the raw sample as before, and
`metrics.combine` recomputes the same value from the aggregate (a test holds the
two together). The people behind an aggregate are the result's own `people` set;
the privacy gate turns them into salted hashes and decides what may be written in
clear, so nothing here is ever published as is.

Count names are shared across metrics so that one recipe per kind can combine
them: `count`; `numerator`/`denominator` for ratios and means; `promoters`/
`detractors` for NPS; `lines_covered`/`lines_valid` for coverage; plus additive
details (`dropped_negative`, `unrecovered`, `invalid_answers`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from devex_metrics.metrics.sketch import Sketch


@dataclass(frozen=True)
class Aggregate:
    """The mergeable parts of one metric over one window.

    `samples` is the exact sample of a percentile metric (a single repository);
    `sketch` replaces it once samples from several repositories were merged.
    `tags` are categorical facts merged as a set (e.g. coverage file formats).
    `scope` names a source shared by several repositories (a central survey
    repository): the merge counts one aggregate per scope, not one per repository.
    """

    counts: Mapping[str, int] = field(default_factory=dict)
    sums: Mapping[str, float] = field(default_factory=dict)
    samples: tuple[float, ...] | None = None
    sketch: Sketch | None = None
    tags: tuple[str, ...] = ()
    scope: str | None = None

    def distribution(self) -> Sketch | None:
        """The sketch of a percentile metric, built from the exact sample if needed."""
        if self.sketch is not None:
            return self.sketch
        return Sketch.of(self.samples) if self.samples is not None else None


def count_parts(**parts: int) -> Aggregate:
    """An aggregate of integer counts only."""
    return Aggregate(counts=dict(parts))


def ratio_parts(numerator: int, denominator: int, **extra: int) -> Aggregate:
    return Aggregate(counts={"numerator": numerator, "denominator": denominator, **extra})


def mean_parts(values: Iterable[float], **extra: int) -> Aggregate:
    """Sum and count of a sample whose mean is the metric."""
    sample = list(values)
    return Aggregate(
        counts={"denominator": len(sample), **extra}, sums={"numerator": math.fsum(sample)}
    )


def sample_parts(values: Iterable[float], **extra: int) -> Aggregate:
    """The exact sample of a percentile metric (the gate sketches it)."""
    return Aggregate(counts=dict(extra), samples=tuple(values))
