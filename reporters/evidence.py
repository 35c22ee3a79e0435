"""The evidence trail (SPEC §9): `evidence/deployments.jsonl` and `manifest.json`.

Compliance analysts keep these to show, quarter after quarter, which system events
the DORA numbers rest on and that the published files are the ones this run made.

Invariants:
- deployments are system events: each line holds the fields of a
  `DeploymentEvent` (source, ref, sha, times, flags, counts, incident numbers) and
  nothing else, so no person can appear; lines are sorted by time (ties keep the
  report's order) and every time is ISO-8601 UTC with a `Z`;
- the manifest lists the sha256 and size of every other artifact, sorted by path,
  and never itself (a file cannot contain its own hash); it records what was
  measured (window, commit range, sources and their request counts) and by which
  tool version, so a reader can tell two runs apart without re-running them;
- both are pure functions of their inputs: the same report gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from devex_metrics.artifacts import Artifact
from devex_metrics.metrics.result import DeploymentEvent
from devex_metrics.privacy.report import PublishedReport

DEPLOYMENTS_PATH = "evidence/deployments.jsonl"
MANIFEST_PATH = "manifest.json"
MANIFEST_SCHEMA_VERSION = 1
TOOL_NAME = "devex-metrics"


def iso_utc(moment: datetime) -> str:
    """`2024-03-01T12:00:00Z`; a naive time is taken as UTC (the model's convention)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _iso_or_none(moment: datetime | None) -> str | None:
    return iso_utc(moment) if moment is not None else None


def deployment_record(event: DeploymentEvent) -> dict[str, Any]:
    """One evidence line, keys in a fixed order."""
    return {
        "source": event.source,
        "ref": event.ref,
        "sha": event.sha,
        "time": iso_utc(event.time),
        "in_window": event.in_window,
        "failed": event.failed,
        "signals": list(event.signals),
        "remedy_time": _iso_or_none(event.remedy_time),
        "is_remedy": event.is_remedy,
        "changes": event.changes,
        "incident_numbers": list(event.incident_numbers),
    }


def _instant(event: DeploymentEvent) -> datetime:
    time = event.time
    return time if time.tzinfo is not None else time.replace(tzinfo=UTC)


def render_deployments(report: PublishedReport) -> Artifact:
    """`evidence/deployments.jsonl`: one line per deployment, by time; empty without any."""
    events = sorted(report.deployments, key=_instant)
    lines = (json.dumps(deployment_record(event), ensure_ascii=False) for event in events)
    return Artifact.text(DEPLOYMENTS_PATH, "".join(f"{line}\n" for line in lines))


def _whole(number: float) -> float | int:
    return int(number) if number.is_integer() else number


def _files(artifacts: Sequence[Artifact]) -> list[dict[str, Any]]:
    by_path: dict[str, Artifact] = {}
    for artifact in artifacts:
        if artifact.path == MANIFEST_PATH:
            continue
        if artifact.path in by_path:
            raise ValueError(f"two artifacts share the path {artifact.path!r}")
        by_path[artifact.path] = artifact
    return [
        {
            "path": path,
            "sha256": hashlib.sha256(artifact.content).hexdigest(),
            "bytes": len(artifact.content),
        }
        for path, artifact in sorted(by_path.items())
    ]


def _sources(report: PublishedReport, request_counts: Mapping[str, int]) -> list[dict[str, Any]]:
    """The sources the report used, in its order, then any other counted source by name.

    A count in `request_counts` wins over the report's own, since it is the count of
    the run that is writing the manifest.
    """
    listed = [
        {
            "name": source.name,
            "detail": source.detail,
            "requests": request_counts.get(source.name, source.requests),
        }
        for source in report.sources
    ]
    known = {source.name for source in report.sources}
    listed += [
        {"name": name, "detail": "", "requests": request_counts[name]}
        for name in sorted(set(request_counts) - known)
    ]
    return listed


def manifest_document(
    report: PublishedReport,
    artifacts: Sequence[Artifact],
    *,
    request_counts: Mapping[str, int],
) -> dict[str, Any]:
    """The manifest as a JSON-ready mapping (see `render_manifest`)."""
    first, last = report.commit_range
    return {
        "schema_version": MANIFEST_SCHEMA_VERSION,
        "generated_at": iso_utc(report.generated_at),
        "tool": {"name": TOOL_NAME, "version": report.tool_version},
        "repository": {
            "name": report.repository.name,
            "default_branch": report.repository.default_branch,
            "head_sha": report.repository.head_sha,
            "shallow": report.repository.shallow,
        },
        "window": {
            "start": iso_utc(report.window.start),
            "end": iso_utc(report.window.end),
            "days": _whole(report.window.days),
        },
        "commit_range": {"from": first, "to": last},
        "partial": report.partial,
        "deployment_source": report.deployment_source,
        "sources": _sources(report, request_counts),
        "files": _files(artifacts),
    }


def render_manifest(
    report: PublishedReport,
    artifacts: Sequence[Artifact],
    *,
    request_counts: Mapping[str, int],
) -> Artifact:
    """`manifest.json`: sha256 of every other output file, what was measured, and how.

    `artifacts` are the run's other outputs (a `manifest.json` among them is ignored);
    `request_counts` maps a data source (e.g. `github.rest`, `git`) to the requests or
    processes it took, as counted by collect.
    """
    document = manifest_document(report, artifacts, request_counts=request_counts)
    return Artifact.text(MANIFEST_PATH, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
