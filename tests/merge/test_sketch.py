"""Quantile sketches: within 1 % of SPEC §4 percentiles, merged exactly in any order,
and binned exactly as the ddsketch library bins."""

from __future__ import annotations

import random

import pytest
from ddsketch import DDSketch
from hypothesis import given, settings
from hypothesis import strategies as st

from devex_metrics.metrics.sketch import RELATIVE_ACCURACY, Sketch
from devex_metrics.metrics.stats import percentile

TOLERANCE = RELATIVE_ACCURACY + 1e-9  # float rounding at a bin's edge
durations = st.floats(min_value=0.0, max_value=1e6, allow_nan=False)
samples = st.lists(durations, min_size=1, max_size=300)


def _close(approx: float, exact: float) -> bool:
    return abs(approx - exact) <= TOLERANCE * abs(exact) + 1e-300


@settings(max_examples=200, deadline=None)
@given(samples, st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0]))
def test_quantile_is_within_one_percent_of_the_exact_percentile(
    values: list[float], p: float
) -> None:
    assert _close(Sketch.of(values).quantile(p), percentile(values, p))


@settings(max_examples=100, deadline=None)
@given(st.lists(samples, min_size=1, max_size=8), st.randoms(use_true_random=False))
def test_merge_equals_the_sketch_of_the_union_in_any_order(
    parts: list[list[float]], rng: random.Random
) -> None:
    sketches = [Sketch.of(part) for part in parts]
    shuffled = sketches[:]
    rng.shuffle(shuffled)
    union = Sketch.of(value for part in parts for value in part)
    assert Sketch.merge(sketches) == Sketch.merge(shuffled) == union


@pytest.mark.parametrize(
    "values",
    [
        pytest.param([0.5, 1.0, 2.0, 3.5, 100.0, 1e5], id="spread"),
        pytest.param([0.0, 0.0, 7.25], id="zeros"),
        pytest.param([-3.0, -0.5, 0.0, 2.0], id="negative"),
    ],
)
def test_bins_are_the_ddsketch_librarys_bins(values: list[float]) -> None:
    reference = DDSketch(RELATIVE_ACCURACY)
    for value in values:
        reference.add(value)
    ours = Sketch.of(values)
    store = reference._store
    expected = {i + store.offset: int(c) for i, c in enumerate(store.bins) if c}
    assert dict(ours.positive) == expected
    assert ours.zeros == int(reference._zero_count)
    assert ours.count == reference.count
    # the lower-rank quantile (no interpolation) is the library's quantile
    assert ours.quantile(0.0) == pytest.approx(reference.get_quantile_value(0.0))


def test_empty_sketch_has_no_quantile() -> None:
    with pytest.raises(ValueError, match="empty"):
        Sketch.of([]).quantile(0.5)
