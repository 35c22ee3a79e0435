"""JavaScript: `package-lock.json` and `npm-shrinkwrap.json` (lockfile versions 1
to 3), `yarn.lock` (classic and berry) and `package.json`.

Lock entries are recorded under the real package even when installed under an
alias (`npm:real@1.0.0`); workspace members and local protocols (`workspace:`,
`file:`, `link:`, `portal:`) are the project itself, not dependencies. A
`package.json` version is kept only when it is an exact semver, never a range.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping

from devex_metrics.collect.manifests.values import as_table, optional_text, section
from devex_metrics.model import Dependency

_EXACT_SEMVER = re.compile(r"v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?")
_LOCAL_PROTOCOLS = ("workspace:", "file:", "link:", "portal:")
_YARN_FIELD = re.compile(r'  (?P<key>[A-Za-z]+):?[ \t]+"?(?P<value>[^"]*?)"?\s*')


def _npm_entry(name: str, entry: Mapping[str, object], source: str) -> Dependency:
    """One lock entry; an alias (`npm:real@1.0.0`) is recorded under the real package."""
    version = optional_text(entry.get("version"))
    if version and version.startswith("npm:"):
        real, _, pinned = version[4:].rpartition("@")
        if real:
            name, version = real, pinned
    if version and ":" in version:  # git, file or tarball URL: no registry version
        version = None
    optional = any(entry.get(flag) is True for flag in ("dev", "devOptional", "optional"))
    return Dependency("npm", name, version, source, "optional" if optional else "required")


def parse_package_lock(text: str, source: str) -> Iterator[Dependency]:
    data = as_table(json.loads(text), "package-lock")
    packages = data.get("packages")
    if packages is None:
        yield from _npm_v1_tree(section(data, "dependencies"), source)
        return
    for path, raw in as_table(packages, "packages").items():
        entry = as_table(raw, path)
        # "" is the root project; paths without node_modules/ are workspace members
        # and `link` entries are the symlinks to them.
        if "node_modules/" not in path or entry.get("link") is True:
            continue
        name = optional_text(entry.get("name")) or path.rsplit("node_modules/", 1)[1]
        yield _npm_entry(name, entry, source)


def _npm_v1_tree(root: Mapping[str, object], source: str) -> Iterator[Dependency]:
    """lockfileVersion 1 nests dependencies; walked with a stack to bound recursion."""
    stack = [root]
    while stack:
        for name, raw in stack.pop().items():
            entry = as_table(raw, name)
            yield _npm_entry(name, entry, source)
            if "dependencies" in entry:
                stack.append(as_table(entry["dependencies"], name))


def parse_package_json(text: str, source: str) -> Iterator[Dependency]:
    data = as_table(json.loads(text), "package.json")
    sections = (("dependencies", "required"), ("devDependencies", "optional"))
    for key, scope in (*sections, ("optionalDependencies", "optional")):
        for name, spec in section(data, key).items():
            if isinstance(spec, str) and spec.startswith(_LOCAL_PROTOCOLS):
                continue
            exact = isinstance(spec, str) and _EXACT_SEMVER.fullmatch(spec) is not None
            version = str(spec).removeprefix("v") if exact else None
            yield Dependency("npm", name, version, source, scope)


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


def parse_yarn_lock(text: str, source: str) -> Iterator[Dependency]:
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
        yield Dependency("npm", name, optional_text(fields.get("version")), source)
