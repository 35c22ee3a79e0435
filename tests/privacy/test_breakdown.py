"""Breakdown cells: k per cell, and complementary suppression so that no suppressed
cell can be recovered from the total and the other cells."""

from __future__ import annotations

import pytest

from devex_metrics.metrics.result import Cell
from devex_metrics.privacy.breakdown import gate_breakdown


def cells(**sizes: tuple[int, int]) -> dict[str, Cell]:
    """name=(value, people)"""
    return {
        name: Cell(float(value), frozenset(f"{name}-{i}" for i in range(people)))
        for name, (value, people) in sizes.items()
    }


@pytest.mark.parametrize(
    ("given", "hidden", "small", "complementary"),
    [
        pytest.param(cells(a=(9, 5), b=(8, 6), c=(7, 5)), set(), 0, 0, id="all-large"),
        pytest.param(cells(a=(9, 5), b=(8, 6), c=(2, 2)), {"c", "b"}, 1, 1,
                     id="one-small-among-large-hides-smallest-other"),
        pytest.param(cells(a=(9, 5), b=(2, 2), c=(1, 1)), {"b", "c"}, 2, 0,
                     id="two-small-need-no-complement"),
        pytest.param(cells(a=(9, 5), b=(2, 2)), {"a", "b"}, 1, 1, id="two-cells-one-small"),
        pytest.param(cells(a=(3, 3)), {"a"}, 1, 0, id="single-small-cell"),
        pytest.param(cells(a=(9, 5), b=(5, 5), c=(5, 5), d=(1, 1)), {"b", "d"}, 1, 1,
                     id="tie-broken-by-name"),
    ],
)  # fmt: skip
def test_cells_are_gated_with_complementary_suppression(
    given: dict[str, Cell], hidden: set[str], small: int, complementary: int
) -> None:
    gated, by_size, by_complement = gate_breakdown(given, 5, total_published=True)
    assert {name for name, cell in gated.items() if not cell.published} == hidden
    assert (by_size, by_complement) == (small, complementary)
    for name, cell in gated.items():
        assert (cell.value is None and cell.people is None) == (name in hidden)


def test_no_suppressed_cell_is_recoverable_by_subtraction() -> None:
    given = cells(a=(20, 9), b=(11, 7), c=(3, 2), d=(6, 5))
    gated, _, _ = gate_breakdown(given, 5, total_published=True)
    hidden = [name for name, cell in gated.items() if not cell.published]
    assert len(hidden) != 1  # a single hidden cell would equal total − the published ones


def test_suppressed_total_hides_every_cell() -> None:
    gated, _, _ = gate_breakdown(cells(a=(9, 5), b=(8, 6)), 5, total_published=False)
    assert not any(cell.published for cell in gated.values())
