"""Percentiles exactly as SPEC §4: linear interpolation between closest ranks
(NumPy's default, SQL PERCENTILE_CONT)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], p: float) -> float:
    """`h = (n−1)·p`, `q = x[⌊h⌋] + (h−⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])` over sorted values."""
    if not values:
        raise ValueError("percentile of an empty sample")
    ordered = sorted(values)
    h = (len(ordered) - 1) * p
    low = math.floor(h)
    if low + 1 >= len(ordered):
        return float(ordered[-1])
    return float(ordered[low] + (h - low) * (ordered[low + 1] - ordered[low]))


def p50_p90(values: Sequence[float]) -> tuple[float, float]:
    return percentile(values, 0.5), percentile(values, 0.9)


def mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)
