"""Gating of breakdowns (SPEC §7): every cell needs k people, and a suppressed cell
must not be recoverable from the total and the other cells.

Complementary suppression depends on the breakdown's shape
(`metrics.result.BreakdownShape`):
- a partition (the default: friction categories, an organisation's repositories):
  when the total is published and exactly one cell is suppressed, subtracting the
  published cells from the total would reveal it, so the smallest other published
  cell (ties: by name) is suppressed too. With two or more suppressed cells,
  subtraction only gives their sum;
- additive cells that may overlap (commits per team: a commit in two teams counts
  in both): the region audit of `privacy.overlap`, which also covers what a
  partition's rule misses there (two overlapping cells minus the total);
- not additive (a p50 per team): subtraction reveals nothing, so each cell is
  gated on its own people only, with no complement.
Cells of a breakdown whose total is itself suppressed are all suppressed (the
total gates its cells).

A cell its source already withheld (a repository whose own report suppressed the
number, in an organisation report's per-repository breakdown) counts as
suppressed whatever its size. Cells of a metric that describes machines (system
metrics, and counts published by design) are not gated by size, only by those
two rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from devex_metrics.metrics.result import PARTITION, Breakdown, BreakdownShape
from devex_metrics.privacy.overlap import audit_overlaps

RULE_COMPLEMENTARY = "complementary"


@dataclass(frozen=True)
class PublishedCell:
    """A gated cell: `value` and `people` only when `published` (a suppressed cell's
    people count would bound its value, so it is hidden too)."""

    published: bool
    people: int | None = None
    value: float | None = None


def _complements(
    cells: Breakdown, small: set[str], k: int, shape: BreakdownShape, by_people: bool
) -> set[str]:
    """Cells to suppress so that no suppressed cell can be recovered (module doc)."""
    if not shape.additive:
        return set()
    if shape.items is not None and by_people:
        return audit_overlaps(cells, shape.items, small, k)
    if len(small) == 1 and len(cells) > 1:
        candidates = sorted((cell.value, name) for name, cell in cells.items() if name not in small)
        return {candidates[0][1]}
    return set()


def gate_breakdown(
    cells: Breakdown,
    k: int,
    *,
    total_published: bool,
    by_people: bool = True,
    shape: BreakdownShape = PARTITION,
) -> tuple[dict[str, PublishedCell], int, int]:
    """(gated cells, cells suppressed for size or withheld, cells suppressed as
    complements). `by_people` False: cells need no k people (system metrics)."""
    small = {name for name, cell in cells.items()
             if cell.withheld or (by_people and cell.people_count < k)}  # fmt: skip
    complements: set[str] = set()
    if not total_published:
        small = set(cells)
    else:
        complements = _complements(cells, small, k, shape, by_people)
    hidden = small | complements
    gated = {
        name: PublishedCell(False) if name in hidden
        else PublishedCell(True, cell.people_count if by_people else None, cell.value)
        for name, cell in sorted(cells.items())
    }  # fmt: skip
    return gated, len(small), len(complements)


def gate_breakdowns(
    breakdowns: Mapping[str, Breakdown],
    k: int,
    *,
    total_published: bool,
    by_people: bool = True,
    shapes: Mapping[str, BreakdownShape] | None = None,
) -> tuple[dict[str, dict[str, PublishedCell]], int, int]:
    """Gate every dimension of a metric; returns the cells and the two suppression
    counts. A dimension missing from `shapes` is an additive partition."""
    gated: dict[str, dict[str, PublishedCell]] = {}
    small = complementary = 0
    for dimension, cells in breakdowns.items():
        shape = (shapes or {}).get(dimension, PARTITION)
        gated[dimension], by_size, by_complement = gate_breakdown(
            cells, k, total_published=total_published, by_people=by_people, shape=shape
        )
        small += by_size
        complementary += by_complement
    return gated, small, complementary
