"""`history.jsonl`: one line per report window end, the memory behind trend charts.

Invariants:
- the file holds *gated* values only: an entry is built from a `PublishedReport`,
  and only metrics with status ok contribute a value or a tier, so a suppressed
  number can never reach history (SPEC §7);
- there is at most one line per `window_end`: re-running a window replaces its
  line, so scheduled re-runs and retries never duplicate a point on a chart;
- lines are sorted by `window_end` and are compact JSON with sorted keys, so the
  same history always has the same bytes and `git diff` shows one changed line.

Unknown keys in a line are ignored on read, so a history written by a newer
version stays readable by an older one.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, ValidationError

from devex_metrics.artifacts import Artifact
from devex_metrics.privacy.report import PublishedReport

HISTORY_PATH = "history.jsonl"


def _to_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""An aware datetime normalised to UTC, so entries compare and sort by instant."""


class HistoryEntry(BaseModel):
    """One report window as history remembers it.

    `values` maps metric id → value for ok metrics only (including `health.score`);
    `tiers` maps metric id → DORA tier for ok tiered metrics only.
    """

    model_config = ConfigDict(frozen=True, extra="ignore", strict=True)

    window_start: UtcDatetime
    window_end: UtcDatetime
    generated_at: UtcDatetime
    tool_version: str
    deployment_source: str | None = None
    values: Mapping[str, float]
    tiers: Mapping[str, str]


def parse_history(text: str) -> list[HistoryEntry]:
    """Read `history.jsonl`; blank lines are skipped.

    A malformed line raises `ValueError` naming its line number, because a silently
    dropped point would make a chart lie about the past.
    """
    entries: list[HistoryEntry] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entries.append(HistoryEntry.model_validate_json(line))
        except ValidationError as error:
            raise ValueError(
                f"history.jsonl line {number} is not a valid history entry "
                f"({_first_problem(error)}); fix or delete that line"
            ) from error
    return entries


def _first_problem(error: ValidationError) -> str:
    """A one-line reason; pydantic's full message is long and spans lines."""
    first = error.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def entry_from_report(report: PublishedReport) -> HistoryEntry:
    """The history entry of a report: its window and its ok values and tiers."""
    values = {
        metric_id: float(metric.value)
        for metric_id, metric in report.metrics.items()
        if metric.ok and metric.value is not None and math.isfinite(metric.value)
    }
    tiers = {
        metric_id: metric.tier
        for metric_id, metric in report.metrics.items()
        if metric.ok and metric.tier is not None
    }
    return HistoryEntry(
        window_start=report.window.start,
        window_end=report.window.end,
        generated_at=report.generated_at,
        tool_version=report.tool_version,
        deployment_source=report.deployment_source,
        values=dict(sorted(values.items())),
        tiers=dict(sorted(tiers.items())),
    )


def merge_entries(existing: Sequence[HistoryEntry], entry: HistoryEntry) -> list[HistoryEntry]:
    """`existing` plus `entry`, one entry per `window_end`, sorted by `window_end`.

    `entry` always wins its window. Duplicates already in `existing` (a history
    merged by hand or after a concurrent publish) keep the latest `generated_at`,
    so the invariant holds again after any render.
    """
    by_end: dict[datetime, HistoryEntry] = {}
    for candidate in [*existing, entry]:
        current = by_end.get(candidate.window_end)
        if current is None or candidate is entry or candidate.generated_at >= current.generated_at:
            by_end[candidate.window_end] = candidate
    return [by_end[end] for end in sorted(by_end)]


def dump_history(entries: Sequence[HistoryEntry]) -> str:
    """The `history.jsonl` text of `entries`: one compact, key-sorted object a line
    (the one format, shared by the reporter and by publish's history merge)."""
    lines = (
        json.dumps(entry.model_dump(mode="json"), sort_keys=True, separators=(",", ":"),
                   ensure_ascii=False)
        for entry in entries
    )  # fmt: skip
    return "".join(f"{line}\n" for line in lines)


def render_history(existing: Sequence[HistoryEntry], report: PublishedReport) -> Artifact:
    """`history.jsonl` after adding (or replacing) this report's window."""
    entries = merge_entries(existing, entry_from_report(report))
    return Artifact.text(HISTORY_PATH, dump_history(entries))
