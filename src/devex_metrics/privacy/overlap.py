"""Complementary suppression for breakdowns whose cells overlap (a commit in two
teams), where "the cells add up to the total" no longer holds.

Why the partition rule is not enough. With a partition, the total and the
published cells give one equation, `total = Σ published + Σ suppressed`, so one
suppressed cell is recoverable and a second one hides it. With overlaps there are
more ways to subtract: teams A and B and a person X in both give
`A + B − total = X's commits` although every cell has k people; a cell nested in
another (`A − B`), or a cell against the total (`total − A`), can isolate a few
people in the same way. Treating the overlap as an unknown does not help either:
it is itself a number about the people in several teams.

The audit. Group the items by the set of *published* cells they count in (the
regions of the cells' Venn diagram; items in no published cell form one region).
Every published number (the total, each published cell) is a sum of whole
regions, so what a reader can compute exactly, by any subtraction, is a sum of
regions whose indicator lies in the row space of the published numbers' incidence
matrix (assuming, conservatively, that the reader knows which regions exist). The
audit finds any such set of regions whose people number fewer than k: exact
rational elimination gives each region's coordinates in the null space, and a set
is recoverable exactly when its coordinates sum to zero; a search over the small
regions, pruned as soon as a candidate's people reach k, finds one if it exists
(past `SEARCH_LIMIT` steps it assumes one does, which errs towards suppressing).
While a recoverable small group exists, one more cell is suppressed: one that
joins the group's first region to an existing region, the smallest such by value
(then name). Suppressing every cell leaves one region, the total's, which the
gate published with k people, so the audit ends.

What it gives. On a partition it is the usual complementary suppression (a lone
small cell is recoverable as the remainder, so the smallest other cell goes too),
plus one stricter case: two suppressed cells whose union has fewer than k people
get a complement too. The "(no team)" cell is an ordinary cell: it makes the cells
cover the total, so no group outside every team is left as a remainder. It
protects exact values, as the partition rule does; bounds (a value known to lie
in a range) are not audited.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from devex_metrics.metrics.result import Breakdown, Item

Region = frozenset[str]
SEARCH_LIMIT = 100_000
"""Search steps before the audit gives up and treats a small group as recoverable."""


def _regions(items: Iterable[Item], published: set[str]) -> dict[Region, set[str]]:
    """People per region: items grouped by the published cells they count in."""
    regions: dict[Region, set[str]] = {}
    for item in items:
        regions.setdefault(item.cells & published, set()).add(item.person)
    return regions


def _reduce(rows: list[list[int]]) -> list[tuple[int, list[int]]]:
    """Fully reduced row echelon form, in integers: (pivot column, row) pairs, each row
    zero in every other row's pivot column, divided by the gcd of its entries."""
    done: list[tuple[int, list[int]]] = []
    pending = [row[:] for row in rows]
    for column in range(len(rows[0]) if rows else 0):
        at = next((index for index, row in enumerate(pending) if row[column]), None)
        if at is None:
            continue
        pivot = pending.pop(at)
        others = [row for _, row in done] + pending
        for row in others:
            if row[column]:
                factor, scale = row[column], pivot[column]
                row[:] = [scale * a - factor * b for a, b in zip(row, pivot, strict=True)]
                divisor = math.gcd(*row) or 1
                row[:] = [a // divisor for a in row]
        done.append((column, pivot))
    return done


@dataclass(frozen=True)
class _System:
    """The published numbers as equations over the regions (columns)."""

    regions: Sequence[Region]
    people: Sequence[set[str]]
    pivots: Sequence[tuple[int, Mapping[int, Fraction]]]  # pivot column → free column coeffs

    @classmethod
    def of(cls, regions: Mapping[Region, set[str]], published: set[str], k: int) -> _System:
        # Large regions first, so they take the pivots and the search over small
        # pivots stays short.
        order = sorted(regions, key=lambda r: (len(regions[r]) < k, sorted(r)))
        rows = [[1] * len(order)]
        rows += [[int(cell in region) for region in order] for cell in sorted(published)]
        reduced = _reduce(rows)
        pivot_columns = {column for column, _ in reduced}
        pivots = [
            (column, {free: Fraction(row[free], row[column]) for free in range(len(order))
                      if free not in pivot_columns and row[free]})
            for column, row in reduced
        ]  # fmt: skip
        return cls(order, [regions[r] for r in order], pivots)


def _recoverable(system: _System, k: int) -> list[Region] | None:
    """A set of regions with fewer than k people whose total is recoverable, or None.

    A set S is recoverable iff its null-space coordinates sum to zero: for every
    free column f, [f ∈ S] = Σ over S's pivot rows of their coefficient at f."""
    small = {i for i, people in enumerate(system.people) if len(people) < k}
    candidates = [(column, coeffs) for column, coeffs in system.pivots if column in small]
    steps = 0

    def found(chosen: list[int], sums: dict[int, Fraction], people: set[str]) -> list[int] | None:
        if any(value not in (0, 1) for value in sums.values()):
            return None
        frees = [free for free, value in sums.items() if value == 1]
        if not all(free in small for free in frees):
            return None
        union = people.union(*(system.people[free] for free in frees))
        return chosen + frees if len(union) < k else None

    def search(start: int, chosen: list[int], sums: dict[int, Fraction],
               people: set[str]) -> list[int] | None:  # fmt: skip
        nonlocal steps
        for index in range(start, len(candidates)):
            steps += 1
            if steps > SEARCH_LIMIT:
                return [min(small)]
            column, coeffs = candidates[index]
            joined = people | system.people[column]
            if len(joined) >= k:
                continue
            added = dict(sums)
            for free, value in coeffs.items():
                added[free] = added.get(free, Fraction(0)) + value
            hit = found([*chosen, column], added, joined) or search(
                index + 1, [*chosen, column], added, joined
            )
            if hit:
                return hit
        return None

    hit = search(0, [], {}, set())
    return [system.regions[i] for i in hit] if hit else None


def _to_hide(region: Region, regions: Mapping[Region, set[str]], published: set[str],
             cells: Breakdown) -> str:  # fmt: skip
    """The cell whose suppression joins `region` to a non-empty region (smallest by
    value, then name); else the smallest cell the region is in; else the smallest."""
    merging = [name for name in published if region ^ {name} in regions]
    pool = merging or [name for name in published if name in region] or list(published)
    return min(pool, key=lambda name: (cells[name].value, name))


def audit_overlaps(cells: Breakdown, items: Mapping[str, Item], hidden: set[str],
                   k: int) -> set[str]:  # fmt: skip
    """Cells to suppress beyond `hidden` so that no group of fewer than k people can
    be recovered exactly from the total and the published cells."""
    published = set(cells) - hidden
    extra: set[str] = set()
    while published:
        regions = _regions(items.values(), published)
        group = _recoverable(_System.of(regions, published, k), k)
        if group is None:
            break
        name = _to_hide(group[0], regions, published, cells)
        published.discard(name)
        extra.add(name)
    return extra
