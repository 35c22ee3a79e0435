"""The incremental cache: normalized records per source, with watermarks and ETags.

Layout: ``<cache_dir>/github/<owner>/<name>/`` holds ``meta.json`` (format version,
creation time, key fingerprint, salt when no secret), ``people.json`` (pseudonym →
person, see `pseudonyms.py`) and one ``<source>.json`` per source: its records (domain
records only: never payloads, bodies or titles), its watermark (how far the last run
read, in GitHub's clock), the `since` it covers, and the ETag of its last listing.

Invariants:

- **Retention.** A cache is deleted `retention_days` after it was created
  (``privacy.retention_days``; SPEC §7): no cached record is older than that, and the
  next run starts a new cache with a full fetch.
- **All or nothing per source.** A source file that is unreadable, of another format
  version, keyed with another secret, or that names a person missing from the
  table, is ignored: that source is fetched in full. A cache never yields a wrong record.
- **Exactly the sources of the last save.** `save` writes the sources stored in this
  run and deletes the others, and writes only the people those records reference.
- Files are written atomically (temp file + rename), readable by the owner only.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from devex_metrics.collect.github.codec import CodecError, decode, encode
from devex_metrics.collect.github.pseudonyms import CacheKeyError, Pseudonyms
from devex_metrics.collect.github.token import Secret

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
DEFAULT_CACHE_DIR = Path(".devex-metrics-cache")  # SPEC §2 `--cache-dir` default
_UNSAFE = re.compile(r"[^a-z0-9_.-]")


@dataclass(frozen=True)
class SourceState:
    """What the cache holds for one source."""

    records: tuple[Any, ...] = ()
    watermark: datetime | None = None
    covered_since: datetime | None = None
    etag: tuple[str, str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def covers(self, since: datetime) -> bool:
        """True when an incremental fetch can build on this state for `since`."""
        return self.watermark is not None and (
            self.covered_since is None or self.covered_since <= since
        )


class GitHubCache:
    """One repository's cache folder. `load` per source, `store` per source, one `save`."""

    def __init__(self, folder: Path, people: Pseudonyms, created_at: datetime) -> None:
        self.folder = folder
        self.people = people
        self.created_at = created_at
        self._stored: dict[str, SourceState] = {}

    @classmethod
    def open(
        cls,
        root: Path,
        repository: str,
        *,
        secret: Secret | None,
        retention_days: int,
        now: datetime,
    ) -> GitHubCache:
        owner, name = repository.lower().split("/")
        folder = root / "github" / _UNSAFE.sub("_", owner) / _UNSAFE.sub("_", name)
        meta = _read_json(folder / "meta.json")
        cache = cls._from_meta(folder, meta, repository, secret) if meta else None
        if cache is not None and now - cache.created_at >= timedelta(days=retention_days):
            log.info(
                "GitHub cache older than %d days: deleted (privacy.retention_days).", retention_days
            )
            cache = None
        if cache is None:
            shutil.rmtree(folder, ignore_errors=True)
            cache = cls(folder, Pseudonyms.for_repository(repository, secret, None), now)
        return cache

    @classmethod
    def _from_meta(
        cls, folder: Path, meta: dict[str, Any], repository: str, secret: Secret | None
    ) -> GitHubCache | None:
        try:
            if meta.get("version") != FORMAT_VERSION:
                return None
            salt = bytes.fromhex(meta["salt"]) if meta.get("salt") else None
            people = Pseudonyms.for_repository(repository, secret, salt)
            if meta.get("key_check") != people.check:
                log.info("GitHub cache written with another key: starting a new one.")
                return None
            people.load(dict(_read_json(folder / "people.json") or {}))
            return cls(folder, people, datetime.fromisoformat(meta["created_at"]))
        except (KeyError, TypeError, ValueError):
            return None

    def load(self, source: str) -> SourceState | None:
        data = _read_json(self.folder / f"{source}.json")
        if not data:
            return None
        try:
            etag = data.get("etag")
            return SourceState(
                records=tuple(decode(r, self.people) for r in data["records"]),
                watermark=_time(data.get("watermark")),
                covered_since=_time(data.get("covered_since")),
                etag=(str(etag[0]), str(etag[1])) if etag else None,
                extra=dict(data.get("extra") or {}),
            )
        except (CodecError, CacheKeyError, KeyError, TypeError, ValueError, IndexError):
            log.info("GitHub cache of %s is unreadable: fetching it in full.", source)
            return None

    def store(self, source: str, state: SourceState) -> None:
        self._stored[source] = state

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        keep = {f"{source}.json" for source in self._stored}
        self.people.forget_used()
        for source, state in self._stored.items():
            _write_json(self.folder / f"{source}.json", self._encode(state))
        for path in self.folder.glob("*.json"):
            if path.name not in keep | {"meta.json", "people.json"}:
                path.unlink()
        _write_json(self.folder / "people.json", self.people.table())
        salt = self.people.salt
        meta = {
            "version": FORMAT_VERSION,
            "created_at": self.created_at.isoformat(),
            "key_check": self.people.check,
            "salt": salt.hex() if salt else None,
        }
        _write_json(self.folder / "meta.json", meta)

    def _encode(self, state: SourceState) -> dict[str, Any]:
        return {
            "records": [encode(r, self.people) for r in state.records],
            "watermark": state.watermark.isoformat() if state.watermark else None,
            "covered_since": state.covered_since.isoformat() if state.covered_since else None,
            "etag": list(state.etag) if state.etag else None,
            "extra": state.extra,
        }


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        log.info("GitHub cache file %s is unreadable: ignored.", path.name)
        return None


def _write_json(path: Path, data: Any) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream, separators=(",", ":"), sort_keys=True)
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise
