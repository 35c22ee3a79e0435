"""Read the measured repository's manifests and lock files into `Dependency` records.

This package is the only place that knows dependency file formats; the SBOM
reporter sees plain records. This module finds the files and picks a parser by
file name; the parsers live one module per ecosystem (`python`, `javascript`,
`go`, `rust`) on the shared type checks of `values`. Invariants:

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

import logging
import os
import subprocess
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath

from devex_metrics.collect.manifests import go, javascript, python, rust
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
# Parsers by file name; requirements files are matched by path (`python.REQUIREMENTS_FILE`).
_PARSERS: dict[str, Parser] = {
    "pyproject.toml": python.parse_pyproject,
    "uv.lock": python.parse_uv_lock,
    "poetry.lock": python.parse_poetry_lock,
    "Pipfile.lock": python.parse_pipfile_lock,
    "package-lock.json": javascript.parse_package_lock,
    "npm-shrinkwrap.json": javascript.parse_package_lock,
    "package.json": javascript.parse_package_json,
    "yarn.lock": javascript.parse_yarn_lock,
    "go.sum": go.parse_go_sum,
    "go.mod": go.parse_go_mod,
    "Cargo.lock": rust.parse_cargo_lock,
}


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
    if python.REQUIREMENTS_FILE.fullmatch(relative):
        return python.parse_requirements
    return None


def _sorted_unique(dependencies: Iterable[Dependency]) -> tuple[Dependency, ...]:
    def key(dep: Dependency) -> tuple[str, str, bool, str, str, str]:
        version = dep.version or ""
        return (dep.ecosystem, dep.name, dep.version is not None, version, dep.source, dep.scope)

    return tuple(sorted(set(dependencies), key=key))
