"""SBOM reporter: the repository's dependencies as CycloneDX 1.6 JSON, and GitHub's SPDX export.

Pure, like every reporter: no clock, no files, no environment. The SBOM is
committed as dated evidence, so the bytes must be a function of the input alone:
the serial number is a UUID5 of a caller-given seed, the timestamp is passed in,
bom-refs are purls (never the library's random refs), and the JSON is written
with sorted keys. Only repository-relative paths can appear in the document;
a dependency `source` that is absolute or climbs out with `..` is left out.

Lock files and manifests often declare the same package twice (a range in
`pyproject.toml`, the pin in `uv.lock`). One component is written per purl; an
entry without a version is folded into the pinned components of the same package
when there are any, so the SBOM lists what is installed rather than every spelling.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentScope, ComponentType
from cyclonedx.model.component_evidence import ComponentEvidence, Occurrence
from cyclonedx.model.dependency import Dependency as BomDependency
from cyclonedx.model.tool import ToolRepository
from cyclonedx.output import make_outputter
from cyclonedx.schema import OutputFormat, SchemaVersion
from packageurl import PackageURL

from devex_metrics.artifacts import Artifact
from devex_metrics.model import Dependency

__all__ = ["CYCLONEDX_PATH", "SPDX_PATH", "render_cyclonedx", "sbom_spdx_artifact"]

CYCLONEDX_PATH = "sbom/sbom.cdx.json"
SPDX_PATH = "sbom/sbom.spdx.json"

# Namespace of our serial numbers, so that the same seed in another tool gives
# another UUID (RFC 9562 §5.5).
_SERIAL_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/devex-metrics/sbom")
# Not a purl, so it can never collide with a component's bom-ref.
_ROOT_REF = "repository"
_TOOL_NAME = "devex-metrics"
# Strongest first: a package needed at run time by one manifest is required.
_SCOPE_ORDER = (ComponentScope.REQUIRED, ComponentScope.OPTIONAL, ComponentScope.EXCLUDED)


@dataclass
class _Package:
    """The dependency records that name one purl, merged."""

    name: str
    purl: PackageURL
    scopes: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)

    @property
    def ref(self) -> str:
        return str(self.purl.to_string())

    @property
    def unversioned_ref(self) -> str:
        return str(self.purl._replace(version=None).to_string())

    def absorb(self, other: _Package) -> None:
        self.scopes |= other.scopes
        self.sources |= other.sources


def render_cyclonedx(
    dependencies: Sequence[Dependency],
    *,
    repository_name: str,
    tool_version: str,
    serial_seed: str,
    timestamp: datetime,
) -> Artifact:
    """The CycloneDX 1.6 JSON SBOM at `sbom/sbom.cdx.json`; same input, same bytes.

    `timestamp` must be timezone-aware (it is written as the BOM's creation time);
    `serial_seed` should identify the run (e.g. repository, commit and window), since
    equal seeds give equal serial numbers.
    """
    if timestamp.tzinfo is None:
        raise ValueError("the SBOM timestamp must be timezone-aware")
    components = [_component(package) for package in _packages(dependencies)]
    root = Component(type=ComponentType.APPLICATION, name=repository_name, bom_ref=_ROOT_REF)
    tool = Component(type=ComponentType.APPLICATION, name=_TOOL_NAME, version=tool_version)
    metadata = BomMetaData(
        timestamp=timestamp, component=root, tools=ToolRepository(components=[tool])
    )
    bom = Bom(
        serial_number=uuid.uuid5(_SERIAL_NAMESPACE, serial_seed),
        metadata=metadata,
        components=components,
        dependencies=_dependency_graph(root, components),
    )
    text = make_outputter(bom, OutputFormat.JSON, SchemaVersion.V1_6).output_as_string()
    return Artifact(CYCLONEDX_PATH, _stable_json(_sort_occurrences(json.loads(text))))


def _dependency_graph(root: Component, components: Sequence[Component]) -> list[BomDependency]:
    """Lock files do not say which packages are direct, so the repository is recorded as
    depending on all of them (which also completes the graph the library checks).

    Built directly: `Bom.register_dependency` scans the graph per call, quadratic in
    the thousands of packages a JavaScript lock file holds. (The outputter's own
    `Bom.validate()` still is: CycloneDX/cyclonedx-python-lib#1006, ~4 s at 2000.)
    """
    leaves = [BomDependency(ref=component.bom_ref) for component in components]
    direct = [BomDependency(ref=component.bom_ref) for component in components]
    return [BomDependency(ref=root.bom_ref, dependencies=direct), *leaves]


def sbom_spdx_artifact(document: Mapping[str, object] | None) -> Artifact | None:
    """GitHub's dependency-graph SPDX export as `sbom/sbom.spdx.json`, or None without one.

    `document` is the `sbom` object of `GET /repos/{owner}/{repo}/dependency-graph/sbom`;
    the whole response (`{"sbom": {...}}`) is accepted too and unwrapped.
    """
    if not document:
        return None
    inner = document.get("sbom")
    if set(document) == {"sbom"} and isinstance(inner, Mapping):
        document = inner
    return Artifact(SPDX_PATH, _stable_json(document))


def _sort_occurrences(document: dict[str, Any]) -> dict[str, Any]:
    """Order each component's evidence occurrences by location.

    The library keeps occurrences in a SortedSet whose comparison treats bom-ref-less
    items as unordered, so their order follows object ids (it changes between runs).
    """
    for component in document.get("components", []):
        evidence = component.get("evidence", {})
        if "occurrences" in evidence:
            evidence["occurrences"].sort(key=lambda occurrence: occurrence["location"])
    return document


def _stable_json(value: object) -> bytes:
    """2-space indented JSON with sorted keys and a final newline: diff-friendly bytes."""
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=_plain)
    return (text + "\n").encode("utf-8")


def _plain(value: object) -> object:
    """Let `json` write read-only mappings and other sequences as objects and arrays."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _canonical_name(ecosystem: str, name: str) -> str:
    if ecosystem == "pypi":  # PEP 503, which is also the purl spec's pypi rule
        return re.sub(r"[-_.]+", "-", name).lower()
    return name


def _packages(dependencies: Iterable[Dependency]) -> list[_Package]:
    """One `_Package` per purl, with unversioned entries folded into pinned ones."""
    merged: dict[str, _Package] = {}
    for dep in dependencies:
        name = _canonical_name(dep.ecosystem, dep.name.strip())
        if not name:
            continue
        purl = _purl(dep.ecosystem, name, dep.version)
        if purl is None:
            continue
        package = merged.setdefault(purl.to_string(), _Package(name, purl))
        package.scopes.add(dep.scope)
        if (location := _safe_location(dep.source)) is not None:
            package.sources.add(location)
    pinned: dict[str, list[_Package]] = {}
    for package in merged.values():
        if package.purl.version is not None:
            pinned.setdefault(package.unversioned_ref, []).append(package)
    kept: list[_Package] = []
    for package in merged.values():
        targets = pinned.get(package.ref, []) if package.purl.version is None else []
        for target in targets:
            target.absorb(package)
        if not targets:
            kept.append(package)
    return sorted(kept, key=lambda package: package.ref)


def _safe_location(source: str) -> str | None:
    """`source` if it is a plain repository-relative path, else None (never leak paths)."""
    posix = PurePosixPath(source.replace("\\", "/"))
    if not source or posix.is_absolute() or PureWindowsPath(source).drive or ".." in posix.parts:
        return None
    return posix.as_posix()


def _purl(ecosystem: str, name: str, version: str | None) -> PackageURL | None:
    """purl of a package; a `/` in the name starts the name proper (npm scope, Go path).

    None for a name that is only slashes: it identifies nothing.
    """
    segments = [segment for segment in name.split("/") if segment]
    if not segments:
        return None
    namespace = "/".join(segments[:-1]) or None
    return PackageURL(type=ecosystem, namespace=namespace, name=segments[-1], version=version)


def _scope(scopes: set[str]) -> ComponentScope | None:
    for scope in _SCOPE_ORDER:
        if scope.value in scopes:
            return scope
    return None


def _component(package: _Package) -> Component:
    occurrences = [Occurrence(location=source) for source in sorted(package.sources)]
    return Component(
        type=ComponentType.LIBRARY,
        name=package.name,
        version=package.purl.version,
        purl=package.purl,
        bom_ref=package.ref,
        scope=_scope(package.scopes),
        evidence=ComponentEvidence(occurrences=occurrences) if occurrences else None,
    )
