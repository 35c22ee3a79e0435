"""Gating of breakdowns (SPEC §7): every cell needs k people, and a suppressed cell
must not be recoverable from the total and the other cells.

Complementary suppression: when the total is published and exactly one cell is
suppressed, subtracting the published cells from the total would reveal it, so
the smallest other published cell (ties: by name) is suppressed too. With two or
more suppressed cells, subtraction only gives their sum. Cells of a breakdown
whose total is itself suppressed are all suppressed (the total gates its cells).

A cell its source already withheld (a repository whose own report suppressed the
number, in an organisation report's per-repository breakdown) counts as
suppressed whatever its size. Cells of a metric that describes machines (system
metrics, and counts published by design) are not gated by size, only by those
two rules.
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
    cells: Breakdown, k: int, *, total_published: bool, by_people: bool = True
) -> tuple[dict[str, PublishedCell], int, int]:
    """(gated cells, cells suppressed for size or withheld, cells suppressed as
    complements). `by_people` False: cells need no k people (system metrics)."""
    small = {name for name, cell in cells.items()
             if cell.withheld or (by_people and cell.people_count < k)}  # fmt: skip
    if not total_published:
        small = set(cells)
    complements: set[str] = set()
    if total_published and len(small) == 1 and len(cells) > 1:
        candidates = sorted((cell.value, name) for name, cell in cells.items() if name not in small)
        complements.add(candidates[0][1])
    hidden = small | complements
    gated = {
        name: PublishedCell(False) if name in hidden
        else PublishedCell(True, cell.people_count if by_people else None, cell.value)
        for name, cell in sorted(cells.items())
    }  # fmt: skip
    return gated, len(small), len(complements)


def gate_breakdowns(
    breakdowns: Mapping[str, Breakdown], k: int, *, total_published: bool, by_people: bool = True
) -> tuple[dict[str, dict[str, PublishedCell]], int, int]:
    """Gate every dimension of a metric; returns the cells and the two suppression counts."""
    gated: dict[str, dict[str, PublishedCell]] = {}
    small = complementary = 0
    for dimension, cells in breakdowns.items():
        gated[dimension], by_size, by_complement = gate_breakdown(
            cells, k, total_published=total_published, by_people=by_people
        )
        small += by_size
        complementary += by_complement
    return gated, small, complementary
