"""Evidence: deployments.jsonl (system events, by time) and manifest.json (hashes)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import jsonschema
import pytest
from builders_visual import (
    SUPPRESSED_VALUE,
    WINDOW,
    deployment,
    full_report,
    ok,
    report,
    suppressed,
)

from devex_metrics.artifacts import Artifact
from devex_metrics.privacy.report import PublishedReport
from devex_metrics.reporters.badges import render_badges
from devex_metrics.reporters.evidence import (
    iso_utc,
    render_deployments,
    render_manifest,
)
from devex_metrics.reporters.openmetrics import render_openmetrics

KEYS = [
    "source",
    "ref",
    "sha",
    "time",
    "in_window",
    "failed",
    "signals",
    "remedy_time",
    "is_remedy",
    "changes",
    "incident_numbers",
]

ISO_Z = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$"
MANIFEST_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": [
        "schema_version",
        "generated_at",
        "tool",
        "repository",
        "window",
        "commit_range",
        "partial",
        "deployment_source",
        "sources",
        "files",
    ],
    "properties": {
        "schema_version": {"const": 1},
        "generated_at": {"type": "string", "pattern": ISO_Z},
        "window": {
            "type": "object",
            "required": ["start", "end", "days"],
            "properties": {
                "start": {"type": "string", "pattern": ISO_Z},
                "end": {"type": "string", "pattern": ISO_Z},
            },
        },
        "sources": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "detail", "requests"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string"},
                    "detail": {"type": "string"},
                    "requests": {"type": "integer", "minimum": 0},
                },
            },
        },
        "files": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["path", "sha256", "bytes"],
                "additionalProperties": False,
                "properties": {
                    "path": {"type": "string"},
                    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "bytes": {"type": "integer", "minimum": 0},
                },
            },
        },
    },
}


def _lines(built: PublishedReport) -> list[dict[str, object]]:
    content = render_deployments(built).content.decode()
    return [json.loads(line) for line in content.splitlines()]


def _with_deployments() -> PublishedReport:
    return report(
        [ok("dora.deployment_frequency", 0.2, tier="low")],
        deployments=(
            deployment(50, sha="b" * 40, is_remedy=True, signals=("revert",)),
            deployment(
                10,
                sha="a" * 40,
                failed=True,
                remedy_hour=50,
                signals=("revert", "incident"),
                incident_numbers=(42,),
            ),
            deployment(-24, sha="9" * 40, in_window=False, changes=0),
        ),
    )


def test_one_line_per_deployment_sorted_by_time_with_fixed_keys() -> None:
    lines = _lines(_with_deployments())
    assert [line["sha"] for line in lines] == ["9" * 40, "a" * 40, "b" * 40]
    assert all(list(line) == KEYS for line in lines)


def test_deployment_line_carries_the_event() -> None:
    failed = _lines(_with_deployments())[1]
    assert failed == {
        "source": "tags",
        "ref": "v1.10",
        "sha": "a" * 40,
        "time": "2024-01-02T10:00:00Z",
        "in_window": True,
        "failed": True,
        "signals": ["revert", "incident"],
        "remedy_time": "2024-01-04T02:00:00Z",
        "is_remedy": False,
        "changes": 3,
        "incident_numbers": [42],
    }


def test_no_deployment_gives_an_empty_file() -> None:
    artifact = render_deployments(report([]))
    assert (artifact.path, artifact.content) == ("evidence/deployments.jsonl", b"")


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        pytest.param(datetime(2024, 3, 1, 12, tzinfo=UTC), "2024-03-01T12:00:00Z", id="utc"),
        pytest.param(
            datetime(2024, 3, 1, 14, tzinfo=timezone(timedelta(hours=2))),
            "2024-03-01T12:00:00Z",
            id="offset-converted",
        ),
        pytest.param(datetime(2024, 3, 1, 12), "2024-03-01T12:00:00Z", id="naive-is-utc"),
    ],
)
def test_times_are_iso_utc_with_z(moment: datetime, expected: str) -> None:
    assert iso_utc(moment) == expected


def _outputs(built: PublishedReport) -> list[Artifact]:
    return [*render_badges(built), render_openmetrics(built), render_deployments(built)]


def test_manifest_hashes_every_other_file_sorted_and_not_itself() -> None:
    built = _with_deployments()
    outputs = _outputs(built)
    stale = Artifact.text("manifest.json", "{}")
    manifest = render_manifest(built, [*outputs[::-1], stale], request_counts={})
    document = json.loads(manifest.content)
    assert manifest.path == "manifest.json"
    assert [entry["path"] for entry in document["files"]] == sorted(a.path for a in outputs)
    by_path = {artifact.path: artifact.content for artifact in outputs}
    for entry in document["files"]:
        content = by_path[entry["path"]]
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["bytes"] == len(content)


def test_manifest_records_what_was_measured_and_how() -> None:
    built = full_report()
    counts = {"github-rest": 41, "git": 4, "github-graphql": 5}
    document = json.loads(render_manifest(built, [], request_counts=counts).content)
    jsonschema.validate(document, MANIFEST_SCHEMA)
    assert document["generated_at"] == "2024-04-01T06:30:00Z"
    assert document["tool"] == {"name": "devex-metrics", "version": "0.1.0"}
    assert document["window"] == {
        "start": iso_utc(WINDOW.start),
        "end": iso_utc(WINDOW.end),
        "days": 90,
    }
    assert document["commit_range"] == {"from": "a" * 40, "to": "b" * 40}
    assert document["repository"]["name"] == "acme/widgets"
    assert document["deployment_source"] == "tags"
    assert document["sources"] == [
        {"name": "git", "detail": "rev-list, log", "requests": 4},
        {"name": "github-rest", "detail": "", "requests": 41},
        {"name": "github-graphql", "detail": "", "requests": 5},
    ]
    assert document["files"] == []


def test_manifest_is_deterministic() -> None:
    built = _with_deployments()
    outputs = _outputs(built)
    first = render_manifest(built, outputs, request_counts={"git": 1})
    again = render_manifest(built, outputs[::-1], request_counts={"git": 1})
    assert first == again


def test_two_artifacts_on_one_path_are_refused() -> None:
    twice = [Artifact.text("a.txt", "1"), Artifact.text("a.txt", "2")]
    with pytest.raises(ValueError, match=r"a\.txt"):
        render_manifest(report([]), twice, request_counts={})


def test_no_person_and_no_suppressed_value_in_evidence() -> None:
    built = report([suppressed("dora.lead_time")], deployments=(deployment(5),))
    for artifact in (
        render_deployments(built),
        render_manifest(built, [], request_counts={"git": 1}),
    ):
        text = artifact.content.decode()
        assert "people.example.test" not in text
        assert str(SUPPRESSED_VALUE) not in text
