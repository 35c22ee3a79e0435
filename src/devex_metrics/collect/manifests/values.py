"""Typed access to the untyped values `tomllib` and `json` hand back.

Manifests are user files: any key may hold the wrong type. These checks turn a
wrong type into a `ValueError` naming where it was found, which is what the
caller catches to skip one malformed file instead of failing the report.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping


def as_table(value: object, where: str) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise ValueError(f"{where} is not a table")
    return value


def section(parent: Mapping[str, object], key: str) -> Mapping[str, object]:
    """An optional sub-table: empty when absent, an error when of the wrong type."""
    return as_table(parent.get(key, {}), key)


def as_array(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise ValueError(f"{where} is not an array")
    return value


def optional_text(value: object) -> str | None:
    """A non-empty string, or None: an empty name or version says nothing."""
    return value if isinstance(value, str) and value else None


def required_text(entry: Mapping[str, object], key: str) -> str:
    value = optional_text(entry.get(key))
    if value is None:
        raise ValueError(f"a package entry has no {key}")
    return value


def lock_packages(data: Mapping[str, object]) -> Iterator[Mapping[str, object]]:
    """The `[[package]]` tables that uv.lock, poetry.lock and Cargo.lock share."""
    for index, package in enumerate(as_array(data.get("package", []), "package")):
        yield as_table(package, f"package[{index}]")
