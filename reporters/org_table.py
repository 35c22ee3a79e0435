"""The per-repository table of an organisation report (`devex-metrics merge`).

The numbers come from each metric's gated `repository` breakdown, so the table
shows only what the privacy gate published: a repository's value where its own
report published it and, for person-derived metrics, at least k people are
behind it, with complementary suppression applied (SPEC §7). This module only
picks the columns and formats the cells; markup lives in
`templates/org_repositories.md.j2`. A report of one repository has no such
breakdown, so its table is None and the section is not rendered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from devex_metrics.metrics.result import REPOSITORY_DIMENSION
from devex_metrics.privacy.breakdown import PublishedCell
from devex_metrics.privacy.report import PublishedMetric, PublishedReport

COLUMNS = (
    "health.score",
    "dora.deployment_frequency",
    "dora.lead_time",
    "dora.change_failure_rate",
    "dora.recovery_time",
    "space.activity.commits",
    "space.activity.contributors",
    "space.activity.prs_merged",
    "space.communication.review_coverage",
)
"""The headline metrics shown per repository; `metrics.json` has every metric's."""

SUPPRESSED = "suppressed"
ABSENT = "—"

Formatter = Callable[[float, str, str], str]


@dataclass(frozen=True)
class RepositoryTable:
    titles: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]


def _text(cell: PublishedCell | None, metric: PublishedMetric, number: Formatter) -> str:
    if cell is None:
        return ABSENT
    if not cell.published or cell.value is None:
        return SUPPRESSED
    return number(cell.value, metric.spec.unit, metric.id)


def repository_table(report: PublishedReport, number: Formatter) -> RepositoryTable | None:
    """Rows of repository name and formatted cells, by name; None without any cell.

    `number(value, unit, metric id)` formats a value as the report does elsewhere.
    """
    columns = [report.metrics[mid] for mid in COLUMNS if mid in report.metrics]
    tables = [m.breakdowns.get(REPOSITORY_DIMENSION, {}) for m in columns]
    names = sorted({name for table in tables for name in table})
    if not names:
        return None
    rows = tuple(
        (name, tuple(_text(t.get(name), m, number) for m, t in zip(columns, tables, strict=True)))
        for name in names
    )
    return RepositoryTable(tuple(m.spec.title for m in columns), rows)
