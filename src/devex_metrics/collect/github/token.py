"""Secrets (the API token, the cache secret): values that never reach a log or a repr.

Invariants: `str()` and `repr()` of a `Secret` are ``***``; the value is read only
through `Secret.reveal()`, which the client calls once, when it builds the
authentication header; a `Secret` cannot be pickled (a pickled object would carry
the value into a file). Inside GitHub Actions (``GITHUB_ACTIONS=true``) a secret
read from the environment is registered with ``::add-mask::`` so the runner
redacts it from every later log line, including third-party output.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import NoReturn, TextIO

MASK = "***"


class Secret:
    """A string that hides itself. Compare with `==` only against another `Secret`."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not value:
            raise ValueError("a secret must not be empty")
        self._value = value

    def reveal(self) -> str:
        """The value. Call it only where the value is sent (the Authorization header)."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret cannot be pickled")


def secret_from_env(
    env: Mapping[str, str], names: tuple[str, ...], *, out: TextIO | None = None
) -> Secret | None:
    """The first non-empty variable of `names` as a `Secret`, masked in Actions logs.

    Surrounding whitespace is stripped (a token pasted into a secret often ends in a
    newline, which GitHub rejects with a confusing 401).
    """
    for name in names:
        value = env.get(name, "").strip()
        if value:
            if env.get("GITHUB_ACTIONS") == "true":
                stream = out if out is not None else sys.stdout
                stream.write(f"::add-mask::{value}\n")
                stream.flush()
            return Secret(value)
    return None


def token_from_env(env: Mapping[str, str], *, out: TextIO | None = None) -> Secret | None:
    """The API token: ``GITHUB_TOKEN`` first (what Actions sets), then ``GH_TOKEN`` (gh CLI)."""
    return secret_from_env(env, ("GITHUB_TOKEN", "GH_TOKEN"), out=out)
