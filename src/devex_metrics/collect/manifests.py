"""Read the measured repository's manifests and lock files into `Dependency` records.

This is the only place that knows dependency file formats; the SBOM reporter sees
plain records. Invariants:

- Nothing is executed: no `setup.py`, no package manager, no network. Files are
  parsed as text (TOML with `tomllib`, JSON with `json`, the rest with small
  line parsers).
- Only tracked files are read (`git ls-files`), so ignored trees such as
  `node_modules` or a `.venv` never leak in; outside git the tree is walked with
  the same directories skipped. Symlinks that point outside the repository are
  not followed.
- A malformed file is skipped with a warning; it never costs the whole report.
- Names are canonical for their ecosystem (PyPI names per PEP 503); `version` is
  set only when the file pins an exact version, never a range.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath

from devex_metrics.model import Dependency

__all__ = ["collect_dependencies", "parse_manifest"]

logger = logging.getLogger(__name__)

Parser = Callable[[str, str], Iterator[Dependency]]

_GIT_TIMEOUT_SECONDS = 120
# Real lock files of large monorepos stay well below this; anything bigger is not a
# manifest we should hold in memory.
_MAX_FILE_BYTES = 64 * 1024 * 1024
_SKIPPED_DIRS = frozenset({"node_modules", ".venv", "venv"})
# A manifest is ignored when a lock file we parse sits next to it: the lock pins
# exact versions of the same dependencies.
_SHADOWING_LOCKS = {
    "package.json": ("package-lock.json", "npm-shrinkwrap.json", "yarn.lock"),
    "go.mod": ("go.sum",),
}
_REQUIREMENTS_FILE = re.compile(r"(?:.*/)?(?:requirements[^/]*\.txt|requirements/[^/]+\.txt)")
# `requirements-dev.txt`, `requirements/test.txt`: tooling, not what the product runs on.
_OPTIONAL_REQUIREMENT_WORDS = frozenset(
    {"dev", "develop", "test", "tests", "testing", "doc", "docs", "lint", "ci", "typing"}
)


def collect_dependencies(repo_root: Path) -> tuple[Dependency, ...]:
    """Every dependency declared by the repository's manifests, sorted and deduplicated."""
    paths = _tracked_files(repo_root)
    if paths is None:
        paths = _walk_files(repo_root)
    present = set(paths)
    manifests = sorted(
        path
        for path in present
        if _parser_for(path) is not None and not _excluded(path) and not _shadowed(path, present)
    )
    found: list[Dependency] = []
    for relative in manifests:
        found.extend(_read_manifest(repo_root, relative))
    dependencies = _sorted_unique(found)
    logger.info("read %d dependencies from %d manifest files", len(dependencies), len(manifests))
    return dependencies


def parse_manifest(source: str, text: str) -> tuple[Dependency, ...]:
    """Parse one manifest's text; `source` is its repository-relative path.

    Raises ValueError when the file name is not a known manifest or the content is
    malformed, so the caller decides whether to skip it.
    """
    parser = _parser_for(source)
    if parser is None:
        raise ValueError(f"{source} is not a known manifest or lock file")
    # An empty name (`""` key, `node_modules/` path) identifies no package.
    return _sorted_unique(dep for dep in parser(text, source) if dep.name.strip())


# --- finding and reading files -------------------------------------------------------


def _tracked_files(repo_root: Path) -> list[str] | None:
    """Tracked paths relative to `repo_root`, or None when it is not a git work tree."""
    command = ["git", "-C", str(repo_root), "ls-files", "-z"]
    try:
        completed = subprocess.run(
            command, capture_output=True, check=False, timeout=_GIT_TIMEOUT_SECONDS
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        logger.info("git ls-files unavailable (%s); walking the tree instead", error)
        return None
    if completed.returncode != 0:
        reason = completed.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        logger.info("not a git work tree (%s); walking the tree instead", "".join(reason))
        return None
    listing = completed.stdout.decode("utf-8", "surrogateescape")
    return [path for path in listing.split("\0") if path]


def _walk_files(repo_root: Path) -> list[str]:
    """All files under `repo_root` outside hidden, virtualenv and node_modules folders."""
    found: list[str] = []
    for directory, subdirs, files in os.walk(repo_root):
        subdirs[:] = sorted(name for name in subdirs if not _skipped_dir(name))
        base = Path(directory).relative_to(repo_root)
        found.extend((base / name).as_posix() for name in files)
    return found


def _skipped_dir(name: str) -> bool:
    return name.startswith(".") or name in _SKIPPED_DIRS


def _excluded(relative: str) -> bool:
    """Tracked files under vendored or hidden folders are skipped like untracked ones."""
    return any(_skipped_dir(part) for part in PurePosixPath(relative).parts[:-1])


def _shadowed(relative: str, present: set[str]) -> bool:
    path = PurePosixPath(relative)
    locks = _SHADOWING_LOCKS.get(path.name, ())
    return any((path.parent / lock).as_posix() in present for lock in locks)


def _read_manifest(repo_root: Path, relative: str) -> tuple[Dependency, ...]:
    """Parse one file, or log why it was skipped and return nothing."""
    path = repo_root / relative
    try:
        if not path.resolve().is_relative_to(repo_root.resolve()):
            logger.warning("skipped %s: it links outside the repository", relative)
            return ()
        if not path.is_file():
            return ()
        if path.stat().st_size > _MAX_FILE_BYTES:
            logger.warning("skipped %s: larger than %d bytes", relative, _MAX_FILE_BYTES)
            return ()
        text = path.read_bytes().decode("utf-8-sig")
        return parse_manifest(relative, text)
    except (OSError, ValueError, RecursionError) as error:
        logger.warning("skipped unreadable or malformed %s: %s", relative, error)
        return ()


def _parser_for(relative: str) -> Parser | None:
    name = PurePosixPath(relative).name
    if name in _PARSERS:
        return _PARSERS[name]
    if _REQUIREMENTS_FILE.fullmatch(relative):
        return _parse_requirements
    return None


def _sorted_unique(dependencies: Iterable[Dependency]) -> tuple[Dependency, ...]:
    def key(dep: Dependency) -> tuple[str, str, bool, str, str, str]:
        version = dep.version or ""
        return (dep.ecosystem, dep.name, dep.version is not None, version, dep.source, dep.scope)

    return tuple(sorted(set(dependencies), key=key))


# --- shared helpers --------------------------------------------------------------------


def _table(value: object, where: str) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise ValueError(f"{where} is not a table")
    return value


def _section(parent: Mapping[str, object], key: str) -> Mapping[str, object]:
    """An optional sub-table: empty when absent, an error when of the wrong type."""
    return _table(parent.get(key, {}), key)


def _array(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise ValueError(f"{where} is not an array")
    return value


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _pypi(name: str, version: str | None, source: str, scope: str = "required") -> Dependency:
    canonical = re.sub(r"[-_.]+", "-", name).lower()
    return Dependency("pypi", canonical, version, source, scope)


# --- Python ----------------------------------------------------------------------------

_PEP508 = re.compile(
    r"\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*(?P<rest>.*)",
    re.DOTALL,
)
_PINNED = re.compile(r"===?\s*(?P<version>[A-Za-z0-9][A-Za-z0-9._+!-]*)")
_ARCHIVE_SUFFIXES = (".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2")


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


def _parse_requirements(text: str, source: str) -> Iterator[Dependency]:
    words = set(re.split(r"[-_.]+", PurePosixPath(source).stem.lower()))
    scope = "optional" if words & _OPTIONAL_REQUIREMENT_WORDS else "required"
    for line in _requirement_lines(text):
        parsed = _parse_pep508(line)
        if parsed is not None:
            yield _pypi(*parsed, source, scope)


def _pep508_entries(entries: object, where: str, source: str, scope: str) -> Iterator[Dependency]:
    for entry in _array(entries, where):
        # PEP 735 `{include-group = ...}` tables name no package of their own.
        parsed = _parse_pep508(entry) if isinstance(entry, str) else None
        if parsed is not None:
            yield _pypi(*parsed, source, scope)


def _parse_pyproject(text: str, source: str) -> Iterator[Dependency]:
    data = tomllib.loads(text)
    project = _section(data, "project")
    yield from _pep508_entries(project.get("dependencies", []), "dependencies", source, "required")
    for extra, entries in _section(project, "optional-dependencies").items():
        yield from _pep508_entries(entries, extra, source, "optional")
    for label, entries in _section(data, "dependency-groups").items():
        yield from _pep508_entries(entries, label, source, "optional")
    poetry = _section(_section(data, "tool"), "poetry")
    yield from _poetry_table(_section(poetry, "dependencies"), source, "required")
    yield from _poetry_table(_section(poetry, "dev-dependencies"), source, "optional")
    for name, group in _section(poetry, "group").items():
        members = _section(_table(group, name), "dependencies")
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


def _lock_packages(data: Mapping[str, object]) -> Iterator[Mapping[str, object]]:
    for index, package in enumerate(_array(data.get("package", []), "package")):
        yield _table(package, f"package[{index}]")


def _required_text(entry: Mapping[str, object], key: str) -> str:
    value = _text(entry.get(key))
    if value is None:
        raise ValueError(f"a package entry has no {key}")
    return value


def _parse_uv_lock(text: str, source: str) -> Iterator[Dependency]:
    for package in _lock_packages(tomllib.loads(text)):
        origin = package.get("source")
        # The project itself and workspace members are local sources, not dependencies.
        if isinstance(origin, dict) and {"editable", "virtual", "directory"} & origin.keys():
            continue
        yield _pypi(_required_text(package, "name"), _text(package.get("version")), source)


def _parse_poetry_lock(text: str, source: str) -> Iterator[Dependency]:
    for package in _lock_packages(tomllib.loads(text)):
        origin = package.get("source")
        if isinstance(origin, dict) and origin.get("type") == "directory":
            continue
        optional = package.get("category") == "dev" or package.get("optional") is True
        name, version = _required_text(package, "name"), _text(package.get("version"))
        yield _pypi(name, version, source, "optional" if optional else "required")


def _parse_pipfile_lock(text: str, source: str) -> Iterator[Dependency]:
    data = _table(json.loads(text), "Pipfile.lock")
    for section, scope in (("default", "required"), ("develop", "optional")):
        for name, entry in _section(data, section).items():
            pinned = _text(_table(entry, name).get("version"))
            version = pinned[2:] if pinned and pinned.startswith("==") else None
            yield _pypi(name, version, source, scope)


# --- JavaScript ------------------------------------------------------------------------

_EXACT_SEMVER = re.compile(r"v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?")
_LOCAL_PROTOCOLS = ("workspace:", "file:", "link:", "portal:")


def _npm_entry(name: str, entry: Mapping[str, object], source: str) -> Dependency:
    """One lock entry; an alias (`npm:real@1.0.0`) is recorded under the real package."""
    version = _text(entry.get("version"))
    if version and version.startswith("npm:"):
        real, _, pinned = version[4:].rpartition("@")
        if real:
            name, version = real, pinned
    if version and ":" in version:  # git, file or tarball URL: no registry version
        version = None
    optional = any(entry.get(flag) is True for flag in ("dev", "devOptional", "optional"))
    return Dependency("npm", name, version, source, "optional" if optional else "required")


def _parse_package_lock(text: str, source: str) -> Iterator[Dependency]:
    data = _table(json.loads(text), "package-lock")
    packages = data.get("packages")
    if packages is None:
        yield from _npm_v1_tree(_section(data, "dependencies"), source)
        return
    for path, raw in _table(packages, "packages").items():
        entry = _table(raw, path)
        # "" is the root project; paths without node_modules/ are workspace members
        # and `link` entries are the symlinks to them.
        if "node_modules/" not in path or entry.get("link") is True:
            continue
        name = _text(entry.get("name")) or path.rsplit("node_modules/", 1)[1]
        yield _npm_entry(name, entry, source)


def _npm_v1_tree(root: Mapping[str, object], source: str) -> Iterator[Dependency]:
    """lockfileVersion 1 nests dependencies; walked with a stack to bound recursion."""
    stack = [root]
    while stack:
        for name, raw in stack.pop().items():
            entry = _table(raw, name)
            yield _npm_entry(name, entry, source)
            if "dependencies" in entry:
                stack.append(_table(entry["dependencies"], name))


def _parse_package_json(text: str, source: str) -> Iterator[Dependency]:
    data = _table(json.loads(text), "package.json")
    sections = (("dependencies", "required"), ("devDependencies", "optional"))
    for section, scope in (*sections, ("optionalDependencies", "optional")):
        for name, spec in _section(data, section).items():
            if isinstance(spec, str) and spec.startswith(_LOCAL_PROTOCOLS):
                continue
            exact = isinstance(spec, str) and _EXACT_SEMVER.fullmatch(spec) is not None
            version = str(spec).removeprefix("v") if exact else None
            yield Dependency("npm", name, version, source, scope)


_YARN_FIELD = re.compile(r'  (?P<key>[A-Za-z]+):?[ \t]+"?(?P<value>[^"]*?)"?\s*')


def _yarn_entries(text: str) -> Iterator[tuple[tuple[str, ...], dict[str, str]]]:
    """(descriptors, top-level fields) of each entry of a classic or berry yarn.lock."""
    entry: tuple[tuple[str, ...], dict[str, str]] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            if entry is not None:
                yield entry
            header = line.rstrip()
            if not header.endswith(":"):
                raise ValueError(f"line {number}: expected an entry header ending with ':'")
            descriptors = tuple(part.strip().strip('"') for part in header[:-1].split(","))
            entry = (descriptors, {})
        elif entry is not None and (field := _YARN_FIELD.fullmatch(line)):
            entry[1].setdefault(field["key"], field["value"])
    if entry is not None:
        yield entry


def _split_descriptor(descriptor: str) -> tuple[str, str]:
    """`@scope/name@range` → (`@scope/name`, `range`): the first `@` after a scope's."""
    at = descriptor.find("@", 1)
    return (descriptor, "") if at < 0 else (descriptor[:at], descriptor[at + 1 :])


def _parse_yarn_lock(text: str, source: str) -> Iterator[Dependency]:
    for descriptors, fields in _yarn_entries(text):
        if descriptors[0] == "__metadata":
            continue
        # berry's `resolution` names the real package even for aliases.
        name, reference = _split_descriptor(fields.get("resolution") or descriptors[0])
        if reference.startswith(_LOCAL_PROTOCOLS):
            continue
        aliased = reference.removeprefix("npm:")
        if reference.startswith("npm:") and aliased.find("@", 1) > 0:
            name = _split_descriptor(aliased)[0]
        yield Dependency("npm", name, _text(fields.get("version")), source)


# --- Go and Rust -----------------------------------------------------------------------


def _parse_go_sum(text: str, source: str) -> Iterator[Dependency]:
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 3:
            raise ValueError(f"line {number}: expected 'module version hash'")
        # `/go.mod` lines hash only the module's go.mod; the dedup drops the twin.
        yield Dependency("golang", fields[0], fields[1].removesuffix("/go.mod"), source)


def _parse_go_mod(text: str, source: str) -> Iterator[Dependency]:
    block: str | None = None
    for raw in text.splitlines():
        line = raw.split("//", 1)[0].strip()
        if block is not None:
            if line == ")":
                block = None
            elif block == "require" and len(fields := line.split()) >= 2:
                yield Dependency("golang", fields[0].strip('"`'), fields[1], source)
            continue
        fields = line.split()
        if line.endswith("("):
            block = line.removesuffix("(").strip()
        elif fields[:1] == ["require"] and len(fields) >= 3:
            yield Dependency("golang", fields[1].strip('"`'), fields[2], source)


def _parse_cargo_lock(text: str, source: str) -> Iterator[Dependency]:
    for package in _lock_packages(tomllib.loads(text)):
        if "source" not in package:  # workspace members and path dependencies
            continue
        name, version = _required_text(package, "name"), _text(package.get("version"))
        yield Dependency("cargo", name, version, source)


_PARSERS: dict[str, Parser] = {
    "pyproject.toml": _parse_pyproject,
    "uv.lock": _parse_uv_lock,
    "poetry.lock": _parse_poetry_lock,
    "Pipfile.lock": _parse_pipfile_lock,
    "package-lock.json": _parse_package_lock,
    "npm-shrinkwrap.json": _parse_package_lock,
    "package.json": _parse_package_json,
    "yarn.lock": _parse_yarn_lock,
    "go.sum": _parse_go_sum,
    "go.mod": _parse_go_mod,
    "Cargo.lock": _parse_cargo_lock,
}
