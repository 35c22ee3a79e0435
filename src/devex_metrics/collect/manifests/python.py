"""Python: requirements files, `pyproject.toml` (PEP 621, PEP 735 and Poetry
tables), `uv.lock`, `poetry.lock` and `Pipfile.lock`.

Names are canonical per PEP 503; a version is kept only when the requirement pins
exactly one (`==` or `===`, or a bare version in Poetry's syntax). Requirement
files whose name says tooling (`requirements-dev.txt`, `requirements/test.txt`)
and optional or development groups are scoped `optional`.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import PurePosixPath

from devex_metrics.collect.manifests.values import (
    as_array,
    as_table,
    lock_packages,
    optional_text,
    required_text,
    section,
)
from devex_metrics.model import Dependency

REQUIREMENTS_FILE = re.compile(r"(?:.*/)?(?:requirements[^/]*\.txt|requirements/[^/]+\.txt)")
# `requirements-dev.txt`, `requirements/test.txt`: tooling, not what the product runs on.
_OPTIONAL_REQUIREMENT_WORDS = frozenset(
    {"dev", "develop", "test", "tests", "testing", "doc", "docs", "lint", "ci", "typing"}
)
_PEP508 = re.compile(
    r"\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*(?P<rest>.*)",
    re.DOTALL,
)
_PINNED = re.compile(r"===?\s*(?P<version>[A-Za-z0-9][A-Za-z0-9._+!-]*)")
_ARCHIVE_SUFFIXES = (".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2")


def _pypi(name: str, version: str | None, source: str, scope: str = "required") -> Dependency:
    canonical = re.sub(r"[-_.]+", "-", name).lower()
    return Dependency("pypi", canonical, version, source, scope)


def _parse_pep508(requirement: str) -> tuple[str, str | None] | None:
    """(name, pinned version) of a PEP 508 string; None when it names no package.

    Environment markers are dropped; a direct URL reference (`name @ url`) keeps the
    name without a version.
    """
    match = _PEP508.fullmatch(requirement.split(";", 1)[0])
    if match is None or match["name"].lower().endswith(_ARCHIVE_SUFFIXES):
        return None
    rest = match["rest"].strip()
    if rest.startswith("@"):
        return match["name"], None
    if rest and rest[0] not in "<>=!~(":
        return None
    clauses = [clause.strip() for clause in rest.strip("() ").split(",") if clause.strip()]
    pinned = _PINNED.fullmatch(clauses[0]) if len(clauses) == 1 else None
    return match["name"], pinned["version"] if pinned else None


def _requirement_lines(text: str) -> Iterator[str]:
    """Logical lines of a requirements file without comments, options and blanks."""
    for line in text.replace("\\\r\n", "").replace("\\\n", "").splitlines():
        line = re.sub(r"(?:^|\s)#.*", "", line)
        line = re.split(r"\s--[A-Za-z]", line, maxsplit=1)[0].strip()  # `--hash=...`
        if line and not line.startswith("-"):
            yield line


def parse_requirements(text: str, source: str) -> Iterator[Dependency]:
    words = set(re.split(r"[-_.]+", PurePosixPath(source).stem.lower()))
    scope = "optional" if words & _OPTIONAL_REQUIREMENT_WORDS else "required"
    for line in _requirement_lines(text):
        parsed = _parse_pep508(line)
        if parsed is not None:
            yield _pypi(*parsed, source, scope)


def _pep508_entries(entries: object, where: str, source: str, scope: str) -> Iterator[Dependency]:
    for entry in as_array(entries, where):
        # PEP 735 `{include-group = ...}` tables name no package of their own.
        parsed = _parse_pep508(entry) if isinstance(entry, str) else None
        if parsed is not None:
            yield _pypi(*parsed, source, scope)


def parse_pyproject(text: str, source: str) -> Iterator[Dependency]:
    data = tomllib.loads(text)
    project = section(data, "project")
    yield from _pep508_entries(project.get("dependencies", []), "dependencies", source, "required")
    for extra, entries in section(project, "optional-dependencies").items():
        yield from _pep508_entries(entries, extra, source, "optional")
    for label, entries in section(data, "dependency-groups").items():
        yield from _pep508_entries(entries, label, source, "optional")
    poetry = section(section(data, "tool"), "poetry")
    yield from _poetry_table(section(poetry, "dependencies"), source, "required")
    yield from _poetry_table(section(poetry, "dev-dependencies"), source, "optional")
    for name, group in section(poetry, "group").items():
        members = section(as_table(group, name), "dependencies")
        yield from _poetry_table(members, source, "optional")


def _poetry_table(table: Mapping[str, object], source: str, scope: str) -> Iterator[Dependency]:
    for name, spec in table.items():
        if name.lower() == "python":  # the interpreter constraint, not a package
            continue
        if isinstance(spec, dict) and "path" in spec:  # a local project, as in poetry.lock
            continue
        version, optional = _poetry_spec(spec)
        yield _pypi(name, version, source, "optional" if optional else scope)


def _poetry_spec(spec: object) -> tuple[str | None, bool]:
    """(exact version, optional) of a Poetry constraint: a string, a table or a list."""
    if isinstance(spec, str):
        return _poetry_exact(spec), False
    if isinstance(spec, dict):
        version = spec.get("version")
        exact = _poetry_exact(version) if isinstance(version, str) else None
        return exact, spec.get("optional") is True
    if isinstance(spec, list):  # several constraints by marker: no single version
        return None, False
    raise ValueError(f"unexpected Poetry constraint {spec!r}")


def _poetry_exact(constraint: str) -> str | None:
    """In Poetry a bare version (`"2.31.0"`) or `==2.31.0` is exact; anything else a range."""
    candidate = constraint.strip().lstrip("=").strip()
    return candidate if re.fullmatch(r"\d[A-Za-z0-9._+!-]*", candidate) else None


def parse_uv_lock(text: str, source: str) -> Iterator[Dependency]:
    for package in lock_packages(tomllib.loads(text)):
        origin = package.get("source")
        # The project itself and workspace members are local sources, not dependencies.
        if isinstance(origin, dict) and {"editable", "virtual", "directory"} & origin.keys():
            continue
        yield _pypi(required_text(package, "name"), optional_text(package.get("version")), source)


def parse_poetry_lock(text: str, source: str) -> Iterator[Dependency]:
    for package in lock_packages(tomllib.loads(text)):
        origin = package.get("source")
        if isinstance(origin, dict) and origin.get("type") == "directory":
            continue
        optional = package.get("category") == "dev" or package.get("optional") is True
        name, version = required_text(package, "name"), optional_text(package.get("version"))
        yield _pypi(name, version, source, "optional" if optional else "required")


def parse_pipfile_lock(text: str, source: str) -> Iterator[Dependency]:
    data = as_table(json.loads(text), "Pipfile.lock")
    for group, scope in (("default", "required"), ("develop", "optional")):
        for name, entry in section(data, group).items():
            pinned = optional_text(as_table(entry, name).get("version"))
            version = pinned[2:] if pinned and pinned.startswith("==") else None
            yield _pypi(name, version, source, scope)
