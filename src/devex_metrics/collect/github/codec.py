"""Domain records ↔ JSON for the cache, with person fields replaced by pseudonymous keys.

The codec reads each record's dataclass fields and type hints, so a field added to
`model.py` is cached without changes here; a cache written before that change fails
to decode (a missing key) and is dropped, which costs one full fetch, never a wrong
record. Datetimes keep microseconds and their offset, so a record read back is
equal to the one written.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import datetime
from typing import Any

from devex_metrics.collect.github.pseudonyms import Pseudonyms
from devex_metrics.model import (
    FrictionReport,
    GitHubDeployment,
    Incident,
    PullRequest,
    Review,
    SurveyResponse,
    WorkflowRun,
)


@dataclasses.dataclass(frozen=True, slots=True)
class EmailLogin:
    """One commit email → login link (both people, both keyed in the cache)."""

    email: str
    login: str


RECORD_TYPES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        PullRequest,
        Review,
        GitHubDeployment,
        WorkflowRun,
        Incident,
        SurveyResponse,
        FrictionReport,
        EmailLogin,
    )
}
PERSON_FIELDS = frozenset({"author_login", "respondent_login", "reporter_login", "email", "login"})


class CodecError(Exception):
    """A cached record does not fit the current model: drop that cache."""


def encode(record: Any, people: Pseudonyms) -> dict[str, Any]:
    out: dict[str, Any] = {"_type": type(record).__name__}
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        if field.name in PERSON_FIELDS and value is not None:
            out[field.name] = people.key(value)
        else:
            out[field.name] = _encode_value(value, people)
    return out


def _encode_value(value: Any, people: Pseudonyms) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_encode_value(v, people) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return encode(value, people)
    return value


def decode(data: Any, people: Pseudonyms) -> Any:
    """A record from `encode`'s output. Raises `CodecError` when it does not fit."""
    if not isinstance(data, dict) or data.get("_type") not in RECORD_TYPES:
        raise CodecError("not a cached record")
    cls = RECORD_TYPES[data["_type"]]
    values: dict[str, Any] = {}
    try:
        for name, hint in _fields(cls):
            raw = data[name]
            if name in PERSON_FIELDS and raw is not None:
                values[name] = people.resolve(raw)
            else:
                values[name] = _decode_value(hint, raw, people)
        return cls(**values)
    except (KeyError, TypeError, ValueError) as error:
        raise CodecError(str(error)) from None


_FIELDS: dict[str, tuple[tuple[str, Any], ...]] = {}


def _fields(cls: type[Any]) -> tuple[tuple[str, Any], ...]:
    """(name, resolved type hint) of each field; resolving hints is slow, so once per class."""
    if cls.__name__ not in _FIELDS:
        hints = typing.get_type_hints(cls)
        _FIELDS[cls.__name__] = tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))
    return _FIELDS[cls.__name__]


def _decode_value(hint: Any, raw: Any, people: Pseudonyms) -> Any:
    if raw is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        (hint,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _decode_value(hint, raw, people)
    if hint is datetime:
        return datetime.fromisoformat(raw)
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return tuple(_decode_value(item, value, people) for value in raw)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return decode(raw, people)
    if hint in (int, str, bool, float) and not isinstance(raw, hint):
        raise CodecError(f"expected {hint.__name__}")
    return raw
