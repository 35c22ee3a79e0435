"""Workflow runs created in a time range, from REST (GraphQL has no equivalent).

GitHub serves at most 1,000 results of a filtered listing (``created=…``); asking
for more returns 422. So a range whose first page reports ``total_count`` > 1,000 is
split into sub-ranges expected to hold about `SPLIT_TARGET` runs each, recursively,
until every listing fits; only a single second holding more than 1,000 runs could
still be truncated, and that is logged. Ranges are half-open `[start, end)` at
second precision, written as GitHub's inclusive ``A..B`` with ``B = end − 1 s``.

Incremental runs: a run changes after its creation (queued → completed), so the
next run resumes from the oldest cached run that was not completed (if created
within `SETTLE`), else from the newest cached run. When the previous listing of the
same range fit one page, its ETag makes an unchanged listing cost a 304.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from devex_metrics.collect.github.client import PER_PAGE, GitHubClient, RestResponse
from devex_metrics.collect.github.convert import iso, parse_optional_time, parse_time
from devex_metrics.model import WorkflowRun

log = logging.getLogger(__name__)

CAP = 1000
SPLIT_TARGET = 800
SETTLE = timedelta(days=3)
_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class RunBatch:
    """Runs fetched for a range. `not_modified`: the listing answered 304 (keep the cache).
    `etag`: (range key, ETag) when the listing fit one page, for the next run."""

    runs: tuple[WorkflowRun, ...]
    not_modified: bool = False
    etag: tuple[str, str] | None = None


def collect_workflow_runs(
    client: GitHubClient,
    owner: str,
    name: str,
    start: datetime,
    end: datetime,
    *,
    etag: tuple[str, str] | None = None,
) -> RunBatch:
    """Runs created in `[start, end)` (seconds precision), by creation then id."""
    start, end = _floor(start), _floor(end)
    if end <= start:
        return RunBatch(())
    path = f"/repos/{owner}/{name}/actions/runs"
    key = created_filter(start, end)
    first = client.get(path, _params(start, end), etag=etag[1] if etag and etag[0] == key else None)
    if first.not_modified:
        return RunBatch((), not_modified=True, etag=etag)
    runs = sorted(_list(client, path, start, end, first), key=lambda r: (r.created_at, r.id))
    single_page = int(first.data["total_count"]) <= PER_PAGE and first.etag
    return RunBatch(tuple(runs), etag=(key, first.etag) if single_page and first.etag else None)


def _list(
    client: GitHubClient, path: str, start: datetime, end: datetime, first: RestResponse
) -> list[WorkflowRun]:
    """Every run of `[start, end)`, converted page by page: a busy repository lists
    tens of thousands of runs, and their payloads must not pile up in memory."""
    total = int(first.data["total_count"])
    if total > CAP and end - start > _SECOND:
        found: list[WorkflowRun] = []
        for low, high in split_range(start, end, math.ceil(total / SPLIT_TARGET)):
            found.extend(_list(client, path, low, high, client.get(path, _params(low, high))))
        return found
    if total > CAP:
        log.warning("More than %d workflow runs created in one second: listing truncated.", CAP)
    runs = [to_run(p) for p in first.data["workflow_runs"]]
    url = first.link("next")
    while url and len(runs) < min(total, CAP):
        page = client.get(url)
        runs.extend(to_run(p) for p in page.data["workflow_runs"])
        url = page.link("next")
    return runs


def split_range(start: datetime, end: datetime, parts: int) -> list[tuple[datetime, datetime]]:
    """`[start, end)` cut into `parts` (at least 2) second-aligned, contiguous sub-ranges."""
    seconds = int((end - start).total_seconds())
    parts = max(2, min(parts, seconds))
    cuts = [start + timedelta(seconds=seconds * i // parts) for i in range(parts + 1)]
    return [(low, high) for low, high in itertools.pairwise(cuts) if high > low]


def created_filter(start: datetime, end: datetime) -> str:
    return f"{iso(start)}..{iso(end - _SECOND)}"


def to_run(payload: Mapping[str, Any]) -> WorkflowRun:
    return WorkflowRun(
        id=int(payload["id"]),
        workflow_name=str(payload.get("name") or ""),
        workflow_path=workflow_file(str(payload.get("path") or "")),
        event=str(payload["event"]),
        head_branch=payload.get("head_branch"),
        head_sha=str(payload["head_sha"]),
        status=str(payload.get("status") or ""),
        conclusion=payload.get("conclusion"),
        created_at=parse_time(payload["created_at"]),
        run_started_at=parse_optional_time(payload.get("run_started_at")),
        updated_at=parse_time(payload["updated_at"]),
    )


def workflow_file(path: str) -> str:
    """``owner/repo/.github/workflows/ci.yml@main`` → ``.github/workflows/ci.yml``."""
    path = path.split("@", 1)[0]
    marker = path.find(".github/workflows/")
    return path[marker:] if marker > 0 else path


def resume_point(cached: Iterable[WorkflowRun], since: datetime, now: datetime) -> datetime:
    """Where an incremental listing starts: the oldest recent unfinished run, else the
    newest cached run (re-read, so a run created in the same second is not lost)."""
    runs = [r for r in cached if r.created_at >= since]
    if not runs:
        return since
    pending = [
        r.created_at for r in runs if r.status != "completed" and r.created_at >= now - SETTLE
    ]
    return min(pending) if pending else max(r.created_at for r in runs)


def merge_runs(
    cached: Iterable[WorkflowRun], fresh: Iterable[WorkflowRun], start: datetime, end: datetime
) -> tuple[WorkflowRun, ...]:
    by_id = {r.id: r for r in cached}
    by_id.update((r.id, r) for r in fresh)
    kept = (r for r in by_id.values() if start <= r.created_at < end)
    return tuple(sorted(kept, key=lambda r: (r.created_at, r.id)))


def _params(start: datetime, end: datetime) -> dict[str, str]:
    return {"created": created_filter(start, end), "exclude_pull_requests": "true"}


def _floor(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)
