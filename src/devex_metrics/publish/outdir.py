"""Write artifacts to `--out` atomically: all files or none.

Files are written into a temporary sibling folder, which then replaces `--out`
with two renames, so a failed run never leaves a half-written report. An existing
`--out` that does not look like a report folder is refused rather than replaced,
so a mistyped `--out .` cannot delete a checkout.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from devex_metrics.artifacts import Artifact
from devex_metrics.errors import UsageError
from devex_metrics.reporters.history import HistoryEntry, parse_history

REPORT_MARKERS = ("metrics.json", "report.md", "history.jsonl")


def _looks_like_report(folder: Path) -> bool:
    return not any(folder.iterdir()) or any((folder / m).is_file() for m in REPORT_MARKERS)


def _safe_relative(path: str) -> PurePosixPath:
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise ValueError(f"artifact path {path!r} must stay inside the output folder")
    return relative


def write_output(out: Path, artifacts: Sequence[Artifact]) -> None:
    out = out.absolute()
    if out.exists() and (not out.is_dir() or not _looks_like_report(out)):
        raise UsageError(f"--out {out}: exists and is not a devex-metrics report folder "
                         "(no metrics.json in it). Pick an empty or new folder.")  # fmt: skip
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        for artifact in artifacts:
            target = staging.joinpath(*_safe_relative(artifact.path).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(artifact.content)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.rename(out)
        return
    retired = out.with_name(f".{out.name}.old-{os.getpid()}")
    out.rename(retired)
    try:
        staging.rename(out)
    except BaseException:
        retired.rename(out)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def read_previous_history(out: Path) -> list[HistoryEntry]:
    """The gated history of earlier runs kept in `--out`, so trends survive re-runs."""
    path = out / "history.jsonl"
    if not path.is_file():
        return []
    try:
        return parse_history(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(
            f"{path}: cannot read the report history ({exc}). Fix the line or "
            "delete the file to start the history afresh."
        ) from None
