"""Reconcile this run's report with what the report branch already holds.

- **History is a union.** `history.jsonl` on the branch may hold windows this run
  never saw (a fresh `--out`, or a concurrent run that committed first). The two
  files are merged line by line: one line per window end, the entry with the newer
  `generated_at` wins (this run on a tie), sorted by window end — the rules of
  `reporters.history.merge_entries`. No committed window is ever lost.
- **The manifest stays true.** When the merge changes `history.jsonl`, its entry in
  `manifest.json` (sha256 and size) is recomputed, so the evidence record matches
  the bytes committed. Nothing else in the manifest changes.
- **A re-run is not a change.** Two runs over the same data differ only in their
  run time (`generated_at`, which `metrics.json`, `history.jsonl`, `manifest.json`
  and the SBOM carry, and the minute `report.md` prints). `restamp` writes the
  branch's run time into this run's files; when every file then has the branch's
  bytes, nothing but the clock has changed and publish commits nothing. Any other
  difference, however small, is a change; a run-time form this module does not
  know only costs a redundant commit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime

from devex_metrics.reporters.history import HistoryEntry, dump_history, merge_entries, parse_history

HISTORY = "history.jsonl"
MANIFEST = "manifest.json"
METRICS = "metrics.json"


def merge_history(ours: bytes, theirs: bytes) -> bytes:
    """The union of two `history.jsonl` files. Raises `ValueError` for a bad line."""
    entries: list[HistoryEntry] = [*parse_history(theirs.decode()), *parse_history(ours.decode())]
    if not entries:
        return ours
    newest = max(reversed(entries), key=lambda entry: entry.generated_at)  # ties: this run
    merged = merge_entries(entries, newest)
    return dump_history(merged).encode()


def rehash_manifest(manifest: bytes, files: Mapping[str, bytes]) -> bytes:
    """`manifest.json` with the sha256 and size of the listed `files` recomputed.

    Returns the input unchanged when no listed entry changes, so a manifest is only
    ever rewritten (in the reporter's format) when its content must change.
    """
    document = json.loads(manifest)
    changed = False
    for entry in document.get("files", []):
        content = files.get(entry.get("path"))
        if content is None:
            continue
        digest = hashlib.sha256(content).hexdigest()
        if entry.get("sha256") != digest or entry.get("bytes") != len(content):
            entry["sha256"], entry["bytes"] = digest, len(content)
            changed = True
    if not changed:
        return manifest
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()


def with_history(files: Mapping[str, bytes], theirs: bytes) -> dict[str, bytes]:
    """`files` (paths relative to `--out`) with the branch's history merged in."""
    result = dict(files)
    ours = result.get(HISTORY)
    if ours is None:
        return result
    merged = merge_history(ours, theirs)
    if merged != ours:
        result[HISTORY] = merged
        if MANIFEST in result:
            result[MANIFEST] = rehash_manifest(result[MANIFEST], {HISTORY: merged})
    return result


def generated_at(metrics_json: bytes | None) -> datetime | None:
    """The run time recorded in a `metrics.json`, or None when absent or unreadable."""
    if metrics_json is None:
        return None
    try:
        value = json.loads(metrics_json).get("generated_at")
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except (ValueError, AttributeError, TypeError):
        return None
    return moment.astimezone(UTC) if moment.tzinfo is not None else None


def _forms(moment: datetime) -> list[str]:
    """The texts a run time appears as: ISO 8601 with `+00:00` and with `Z` (JSON files),
    and the minute `report.md` prints ("generated 2026-01-05 06:17 UTC")."""
    utc = moment.astimezone(UTC)
    iso = utc.isoformat()
    return [iso, iso.replace("+00:00", "Z"), f"{utc:%Y-%m-%d %H:%M} UTC"]


def restamp(files: Mapping[str, bytes], new: datetime, old: datetime) -> dict[str, bytes]:
    """`files` with run time `new` written as `old`, manifest hashes recomputed."""
    pairs = list(zip(_forms(new), _forms(old), strict=True))
    result: dict[str, bytes] = {}
    for path, content in files.items():
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            result[path] = content
            continue
        for before, after in pairs:
            text = text.replace(before, after)
        result[path] = text.encode("utf-8")
    if MANIFEST in result:
        others = {path: content for path, content in result.items() if path != MANIFEST}
        result[MANIFEST] = rehash_manifest(result[MANIFEST], others)
    return result


def mentions(content: bytes, moment: datetime) -> bool:
    """Whether a file carries the run time `moment` (only such files can be re-stamped)."""
    return any(form.encode() in content for form in _forms(moment))
