"""Pseudonymous person keys for the incremental cache (SPEC §7 "Raw caches").

Cached records never hold a login or an email: each person field holds a key,
``HMAC-SHA256(k, value)``, and the cache keeps one separate table from key to
value, so erasing a person is deleting one row, and a person nobody references any
more disappears from the table at the next save.

``k`` is derived from the repository and:

- the per-repository secret named by ``privacy.cache_secret_env``, when configured.
  The table's values are then sealed too (XOR with an HMAC-SHA256 keystream, a PRF
  in counter mode keyed by the entry's own key, which is itself the HMAC of the
  value — a deterministic, SIV-like construction: equal values seal alike, and
  nothing else leaks): the cache folder alone — an Actions cache, an artifact, a
  copied disk — reveals no identity, and keys cannot be linked across repositories
  or guessed by hashing candidate logins. A tampered entry is detected on reading
  (the opened value must key back to its entry's key) and the cache is dropped;
- otherwise a random salt stored with the cache. Keys are still unlinkable across
  repositories, but the table is plain text: configure a secret to protect it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from devex_metrics.collect.github.token import Secret

_CHECK = b"devex-metrics cache key check"


class CacheKeyError(Exception):
    """A cached key has no table entry, or a sealed entry does not open: drop the cache."""


class Pseudonyms:
    """Keys for person values, and the key → value table of the values in use."""

    def __init__(self, key: bytes, *, sealed: bool, table: dict[str, str] | None = None) -> None:
        self._key = key
        self.sealed = sealed
        self._stored = dict(table or {})
        self._used: dict[str, str] = {}

    @classmethod
    def for_repository(
        cls, repository: str, secret: Secret | None, salt: bytes | None
    ) -> Pseudonyms:
        """With a secret: keyed by it (sealed table). Else keyed by `salt` (a new one if None)."""
        if secret is not None:
            material = secret.reveal().encode()
            key = hmac.new(material, f"repository:{repository.lower()}".encode(), "sha256").digest()
            return cls(key, sealed=True)
        return cls(salt if salt is not None else secrets.token_bytes(32), sealed=False)

    @property
    def salt(self) -> bytes | None:
        """The key, when it is a stored salt (no secret); never the secret-derived key."""
        return None if self.sealed else self._key

    @property
    def check(self) -> str:
        """A fingerprint of the key: a cache written with another key is not readable."""
        return hmac.new(self._key, _CHECK, hashlib.sha256).hexdigest()[:24]

    def load(self, table: dict[str, str]) -> None:
        self._stored = dict(table)

    def forget_used(self) -> None:
        """Start a new table: from now on only values keyed or resolved again are kept."""
        self._used.clear()

    def key(self, value: str) -> str:
        key = "p:" + hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()[:32]
        self._used[key] = value
        return key

    def resolve(self, key: str) -> str:
        if key in self._used:
            return self._used[key]
        if key not in self._stored:
            raise CacheKeyError(key)
        value = self._open(key, self._stored[key]) if self.sealed else self._stored[key]
        if self.key(value) != key:
            raise CacheKeyError(key)
        return value

    def table(self) -> dict[str, str]:
        """The entries keyed so far in this run (by `key` or `resolve`), sealed if keyed."""
        return {k: (self._seal(k, v) if self.sealed else v) for k, v in sorted(self._used.items())}

    def _stream(self, key: str, length: int) -> bytes:
        blocks = (
            hmac.new(self._key, f"seal:{key}:{i}".encode(), hashlib.sha256).digest()
            for i in range(length // 32 + 1)
        )
        return b"".join(blocks)[:length]

    def _seal(self, key: str, value: str) -> str:
        data = value.encode()
        return base64.b64encode(
            bytes(a ^ b for a, b in zip(data, self._stream(key, len(data)), strict=True))
        ).decode()

    def _open(self, key: str, sealed: str) -> str:
        try:
            data = base64.b64decode(sealed, validate=True)
            plain = bytes(a ^ b for a, b in zip(data, self._stream(key, len(data)), strict=True))
            return plain.decode()
        except (ValueError, UnicodeDecodeError):
            raise CacheKeyError(key) from None
