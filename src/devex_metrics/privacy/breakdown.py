"""Gating of breakdowns (SPEC §7): every cell needs k people, and a suppressed cell
must not be recoverable from the total and the other cells.

Complementary suppression: when the total is published and exactly one cell is
suppressed, subtracting the published cells from the total would reveal it, so
the smallest other published cell (ties: by name) is suppressed too. With two or
more suppressed cells, subtraction only gives their sum. Cells of a breakdown
whose total is itself suppressed are all suppressed (the total gates its cells).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from devex_metrics.metrics.result import Breakdown

RULE_COMPLEMENTARY = "complementary"


@dataclass(frozen=True)
class PublishedCell:
    """A gated cell: `value` and `people` only when `published` (a suppressed cell's
    people count would bound its value, so it is hidden too)."""

    published: bool
    people: int | None = None
    value: float | None = None


def gate_breakdown(
    cells: Breakdown, k: int, *, total_published: bool
) -> tuple[dict[str, PublishedCell], int, int]:
    """(gated cells, cells suppressed for size, cells suppressed as complements)."""
    small = {name for name, cell in cells.items() if len(cell.people) < k}
    if not total_published:
        small = set(cells)
    complements: set[str] = set()
    if total_published and len(small) == 1 and len(cells) > 1:
        candidates = sorted((cell.value, name) for name, cell in cells.items() if name not in small)
        complements.add(candidates[0][1])
    hidden = small | complements
    gated = {
        name: PublishedCell(False) if name in hidden
        else PublishedCell(True, len(cell.people), cell.value)
        for name, cell in sorted(cells.items())
    }  # fmt: skip
    return gated, len(small), len(complements)


def gate_breakdowns(
    breakdowns: Mapping[str, Breakdown], k: int, *, total_published: bool
) -> tuple[dict[str, dict[str, PublishedCell]], int, int]:
    """Gate every dimension of a metric; returns the cells and the two suppression counts."""
    gated: dict[str, dict[str, PublishedCell]] = {}
    small = complementary = 0
    for dimension, cells in breakdowns.items():
        gated[dimension], by_size, by_complement = gate_breakdown(
            cells, k, total_published=total_published
        )
        small += by_size
        complementary += by_complement
    return gated, small, complementary
