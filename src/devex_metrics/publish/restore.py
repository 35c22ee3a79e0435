"""`publish --restore-history`: bring the report branch's `history.jsonl` into `--out`
before `report` runs.

A job in Actions starts from a fresh checkout, so `--out` holds no history and the
report would have no trend (charts need two windows). Reading the branch's history
first gives `report` what earlier runs published. It reads through the API (three
requests), because the workflow checks out without persisted git credentials.

A history already in `--out` is merged with the branch's (union, `reconcile`), never
replaced. A `--out` that exists but is no report folder is refused, as `report`
would refuse it: writing a history file there would make it look like one.
"""

from __future__ import annotations

from pathlib import Path

from devex_metrics.errors import RunError, UsageError
from devex_metrics.publish import reconcile
from devex_metrics.publish.api import Api
from devex_metrics.publish.files import Destination
from devex_metrics.publish.gitdata import GitDataPublisher
from devex_metrics.publish.outdir import REPORT_MARKERS


def restore_history(api: Api, destination: Destination, out: Path) -> str:
    """Write the branch's history into `out`; returns a one-line account of what it did."""
    if out.exists() and (
        not out.is_dir()
        or (any(out.iterdir()) and not any((out / m).is_file() for m in REPORT_MARKERS))
    ):
        raise UsageError(f"--out {out}: exists and is not a devex-metrics report folder. "
                         "Pick an empty or new folder.")  # fmt: skip
    publisher = GitDataPublisher(api, destination)
    head = publisher.read_head()
    path = destination.path_of(reconcile.HISTORY)
    sha = head.blobs.get(path) if head else None
    if sha is None:
        return f"no history to restore: {destination.branch}:{path} does not exist yet"
    theirs = publisher.read_blob(sha)
    target = out / reconcile.HISTORY
    try:
        merged = (
            reconcile.merge_history(target.read_bytes(), theirs) if target.is_file() else theirs
        )
        reconcile.merge_history(merged, b"")  # validate what is written
    except ValueError as error:
        raise RunError(f"cannot restore {destination.branch}:{path} into {out}: {error}") from None
    out.mkdir(parents=True, exist_ok=True)
    target.write_bytes(merged)
    lines = sum(1 for line in merged.splitlines() if line.strip())
    return f"restored {lines} history lines from {destination.branch}:{path} into {target}"
