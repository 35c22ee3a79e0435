"""Reconciling a run with the branch: history union, a manifest that stays true, and
the run time as the only difference that is not a change."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest

from devex_metrics.publish.reconcile import (
    generated_at,
    merge_history,
    rehash_manifest,
    restamp,
    with_history,
)

OLD = datetime(2026, 1, 5, 6, 17, 1, 250000, tzinfo=UTC)
NEW = datetime(2026, 1, 5, 7, 2, 9, 5, tzinfo=UTC)


def _line(end: str, generated: str, value: float) -> str:
    entry = {"deployment_source": "tags", "generated_at": generated, "tiers": {},
             "tool_version": "0.1.0", "values": {"health.score": float(value)},
             "window_end": end, "window_start": "2025-12-01T00:00:00Z"}  # fmt: skip
    return json.dumps(entry, sort_keys=True, separators=(",", ":")) + "\n"


def test_history_union_keeps_every_window_sorted() -> None:
    theirs = _line("2026-01-05T00:00:00Z", "2026-01-05T06:00:00Z", 70)
    ours = _line("2026-01-12T00:00:00Z", "2026-01-12T06:00:00Z", 80)
    merged = merge_history(ours.encode(), theirs.encode()).decode()
    assert merged == theirs + ours


@pytest.mark.parametrize(
    ("ours_at", "theirs_at", "winner"),
    [("2026-01-12T07:00:00Z", "2026-01-12T06:00:00Z", 80),
     ("2026-01-12T06:00:00Z", "2026-01-12T07:00:00Z", 70),
     ("2026-01-12T06:00:00Z", "2026-01-12T06:00:00Z", 80)],
    ids=["ours-newer", "theirs-newer", "tie-goes-to-this-run"],
)  # fmt: skip
def test_same_window_newer_generated_at_wins(ours_at: str, theirs_at: str, winner: int) -> None:
    ours = _line("2026-01-12T00:00:00Z", ours_at, 80).encode()
    theirs = _line("2026-01-12T00:00:00Z", theirs_at, 70).encode()
    merged = merge_history(ours, theirs).decode().splitlines()
    assert len(merged) == 1 and json.loads(merged[0])["values"]["health.score"] == winner


def test_bad_history_line_is_an_error() -> None:
    with pytest.raises(ValueError, match="line 1"):
        merge_history(b"", b"{not json}\n")


def _manifest(files: dict[str, bytes]) -> bytes:
    document = {"schema_version": 1, "generated_at": "x", "files": [
        {"path": p, "sha256": hashlib.sha256(c).hexdigest(), "bytes": len(c)}
        for p, c in sorted(files.items())]}  # fmt: skip
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()


def test_manifest_is_rehashed_only_when_needed() -> None:
    files = {"history.jsonl": b"a\n", "report.md": b"# r\n"}
    manifest = _manifest(files)
    assert rehash_manifest(manifest, files) is manifest
    assert rehash_manifest(manifest, {"history.jsonl": b"a\nb\n"}) == _manifest(
        {**files, "history.jsonl": b"a\nb\n"}
    )


def test_merged_history_updates_the_manifest_entry() -> None:
    ours = _line("2026-01-12T00:00:00Z", "2026-01-12T06:00:00Z", 80).encode()
    theirs = _line("2026-01-05T00:00:00Z", "2026-01-05T06:00:00Z", 70).encode()
    files = {"history.jsonl": ours, "manifest.json": _manifest({"history.jsonl": ours})}
    merged = with_history(files, theirs)
    assert merged["history.jsonl"] == theirs + ours
    assert merged["manifest.json"] == _manifest({"history.jsonl": theirs + ours})


def test_restamp_writes_the_old_run_time_in_every_form() -> None:
    def report(at: datetime) -> dict[str, bytes]:
        iso = at.isoformat()
        files = {
            "metrics.json": json.dumps({"generated_at": iso.replace("+00:00", "Z")}).encode(),
            "sbom/sbom.cdx.json": json.dumps({"timestamp": iso}).encode(),
            "report.md": f"generated {at:%Y-%m-%d %H:%M} UTC\n".encode(),
        }
        return {**files, "manifest.json": _manifest(files)}

    assert generated_at(report(NEW)["metrics.json"]) == NEW
    assert restamp(report(NEW), NEW, OLD) == report(OLD)


@pytest.mark.parametrize("text", [None, b"{}", b"not json", b'{"generated_at": "2026-01-05"}'])
def test_generated_at_of_unusable_documents_is_none(text: bytes | None) -> None:
    assert generated_at(text) is None
