"""Org keys: pseudonyms for people and sealed aggregates, derived from one org secret.

Threat model (SPEC §7, §9). `metrics.json` is committed to every repository's
report branch and uploaded as a workflow artifact, so anyone who can read one
repository can read its `metrics.json`. What they must not learn:

1. *who* is behind a number: no login, email or name is ever written. People sets
   are written only as pseudonyms, `HMAC-SHA256(k_people, canonical identity)`
   truncated to 16 bytes (hex). Without the org secret a pseudonym cannot be
   tested against a guessed email (HMAC, not a plain hash), and no pseudonym is
   written at all unless an org secret is configured. What a clear pseudonym set
   does show: that someone (unnamed) is among a published metric's k or more
   people, the same someone across metrics, windows and repositories (that is
   what makes the org-wide distinct count possible: the cost of de-duplication).
   It never shows a per-person number, and which breakdown cell a pseudonym is in
   (a fact about one person) is only ever sealed.
2. *a suppressed number*: the aggregate of a metric the gate suppressed (or one
   whose parts would carry person-derived data below k, e.g. a people set of
   fewer than k pseudonyms or a suppressed breakdown cell) is written only
   *sealed*: AES-256-GCM under `k_seal`, bound by its associated data to the
   repository, the metric id and the window, so a sealed blob cannot be replayed
   into another repository, metric or window. Without a secret it is omitted.

Who may open a sealed aggregate: only the org merge job, which holds the secret.
It learns no more than anyone who can read the repositories' raw history and
issues (where every input of these metrics is visible anyway), and the merged
report goes through the gate again, so nothing it opened is published below k.

Keys are derived with HKDF-SHA256 from the secret, one per purpose (people,
sealing, nonces, key id), so no key is used for two jobs. The nonce is synthetic
(SIV-style: HMAC of the associated data and the plaintext under its own key), not
random: equal inputs give equal bytes, which keeps `metrics.json` byte-stable and
the merge order-independent, and it leaks only that two sealed aggregates of the
same repository, metric and window are identical. The key id (a public HMAC of a
fixed label) lets `merge` refuse inputs written with different secrets.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from devex_metrics.errors import ConfigError

MIN_SECRET_LENGTH = 32
PSEUDONYM_BYTES = 16
_NONCE_BYTES = 12
_INFO = b"devex-metrics org v1 "


def _derive(secret: bytes, purpose: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO + purpose.encode("ascii")
    ).derive(secret)


class SealError(ValueError):
    """A sealed aggregate that this key cannot open (other secret, or tampered)."""


@dataclass(frozen=True)
class OrgKeys:
    """The keys one org secret yields. Build with `OrgKeys.from_secret`."""

    key_id: str
    _people: bytes = field(repr=False)
    _seal: bytes = field(repr=False)
    _nonce: bytes = field(repr=False)

    @classmethod
    def from_secret(cls, secret: str) -> OrgKeys:
        """Keys from the secret's text; `ValueError` when it is too short to resist
        guessing (pseudonyms of guessable emails would let one test a weak secret)."""
        raw = secret.strip().encode("utf-8")
        if len(raw) < MIN_SECRET_LENGTH:
            raise ValueError(
                f"the org secret has {len(raw)} characters; it needs at least "
                f"{MIN_SECRET_LENGTH}. Generate one with: python -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'"
            )
        key_id = hmac.new(_derive(raw, "key-id"), b"key-id", hashlib.sha256).hexdigest()[:16]
        return cls(key_id, _derive(raw, "people"), _derive(raw, "seal"), _derive(raw, "nonce"))

    def pseudonym(self, identity: str) -> str:
        """The pseudonym of a canonical identity (hex of 16 bytes)."""
        digest = hmac.new(self._people, identity.encode("utf-8"), hashlib.sha256).digest()
        return digest[:PSEUDONYM_BYTES].hex()

    def seal(self, plaintext: bytes, associated: bytes) -> str:
        """`base64(nonce || AES-GCM ciphertext)`, bound to `associated`."""
        mac = hmac.new(
            self._nonce, len(associated).to_bytes(8, "big") + associated + plaintext, hashlib.sha256
        )
        nonce = mac.digest()[:_NONCE_BYTES]
        sealed = nonce + AESGCM(self._seal).encrypt(nonce, plaintext, associated)
        return base64.b64encode(sealed).decode("ascii")

    def unseal(self, token: str, associated: bytes) -> bytes:
        """The plaintext of `seal`; `SealError` if the key or the context differ."""
        try:
            raw = base64.b64decode(token.encode("ascii"), validate=True)
            return AESGCM(self._seal).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], associated)
        except (InvalidTag, ValueError, binascii.Error) as error:
            raise SealError("sealed aggregate cannot be opened with this org secret") from error


def org_keys_from_env(env_name: str | None, env: Mapping[str, str]) -> OrgKeys | None:
    """The org keys from the environment variable `env_name` (config key
    `privacy.org_secret_env`), or None when no variable is named or it is empty (a
    pull request from a fork gets no secrets: it must still run). A secret that is
    too short is a configuration error (exit 2)."""
    if not env_name:
        return None
    secret = env.get(env_name, "").strip()
    if not secret:
        return None
    try:
        return OrgKeys.from_secret(secret)
    except ValueError as error:
        raise ConfigError(f"privacy.org_secret_env: ${env_name}: {error}") from None
