"""`reporters.sbom`: CycloneDX 1.6 validated by the library's own schema, and the SPDX export.

The SBOM is committed as dated evidence, so the tests insist on byte-identical
output for the same input (also across hash seeds and input order) and on no
local path reaching the document.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jsonschema
import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from hypothesis import given, settings
from hypothesis import strategies as st

from devex_metrics.model import Dependency
from devex_metrics.reporters.sbom import render_cyclonedx, sbom_spdx_artifact

D = Dependency  # short name for the tables below
TIMESTAMP = datetime(2024, 4, 1, 6, 30, tzinfo=UTC)
REST_DESCRIPTION = Path(__file__).parents[1] / "data" / "github" / "rest-subset.json"
VALIDATOR = JsonStrictValidator(SchemaVersion.V1_6)

DEPENDENCIES = (
    D("pypi", "requests", None, "pyproject.toml"),
    D("pypi", "requests", "2.31.0", "uv.lock"),
    D("pypi", "Typing_Extensions", "4.8.0", "requirements-dev.txt", "optional"),
    D("npm", "@babel/code-frame", "7.22.13", "web/package-lock.json"),
    D("npm", "typescript", "5.2.2", "web/package-lock.json", "optional"),
    D("npm", "typescript", "5.2.2", "tools/yarn.lock"),
    D("npm", "react-dom", None, "site/package.json"),
    D("golang", "github.com/docker/docker", "v24.0.7+incompatible", "go.sum"),
    D("cargo", "serde_derive", "1.0.193", "Cargo.lock"),
)


def render(dependencies: tuple[D, ...] | list[D] = DEPENDENCIES, **overrides: Any) -> bytes:
    arguments: dict[str, Any] = {
        "repository_name": "octo-org/web-app",
        "tool_version": "1.2.3",
        "serial_seed": "octo-org/web-app@abc123:2024-01-02..2024-04-01",
        "timestamp": TIMESTAMP,
    }
    arguments.update(overrides)
    artifact = render_cyclonedx(dependencies, **arguments)
    assert artifact.path == "sbom/sbom.cdx.json"
    return artifact.content


def document(content: bytes) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(content)
    return parsed


def components(content: bytes) -> dict[str, dict[str, Any]]:
    return {component["bom-ref"]: component for component in document(content)["components"]}


def assert_valid(content: bytes) -> None:
    error = VALIDATOR.validate_str(content.decode("utf-8"))
    assert error is None, error


def test_document_validates_against_the_cyclonedx_1_6_schema() -> None:
    content = render()

    assert_valid(content)
    parsed = document(content)
    assert parsed["bomFormat"] == "CycloneDX"
    assert parsed["specVersion"] == "1.6"


PURL_CASES = [
    pytest.param("pkg:pypi/requests@2.31.0", "requests", "2.31.0", "required", id="pypi-pinned"),
    pytest.param(
        "pkg:pypi/typing-extensions@4.8.0",
        "typing-extensions",
        "4.8.0",
        "optional",
        id="pypi-name-normalised-per-pep-503",
    ),
    pytest.param(
        "pkg:npm/%40babel/code-frame@7.22.13",
        "@babel/code-frame",
        "7.22.13",
        "required",
        id="npm-scope-is-the-purl-namespace",
    ),
    pytest.param(
        "pkg:npm/typescript@5.2.2", "typescript", "5.2.2", "required", id="required-scope-wins"
    ),
    pytest.param(
        "pkg:npm/react-dom", "react-dom", None, "required", id="range-only-has-no-version"
    ),
    pytest.param(
        "pkg:golang/github.com/docker/docker@v24.0.7%2Bincompatible",
        "github.com/docker/docker",
        "v24.0.7+incompatible",
        "required",
        id="go-module-path-and-incompatible-version",
    ),
    pytest.param(
        "pkg:cargo/serde_derive@1.0.193", "serde_derive", "1.0.193", "required", id="cargo-crate"
    ),
]


@pytest.mark.parametrize(("purl", "name", "version", "scope"), PURL_CASES)
def test_components_carry_purl_version_and_scope(
    purl: str, name: str, version: str | None, scope: str
) -> None:
    component = components(render())[purl]

    assert component["purl"] == purl
    assert component["name"] == name
    assert component.get("version") == version
    assert component["scope"] == scope
    assert component["type"] == "library"


def test_one_component_per_purl_and_ranges_fold_into_pins() -> None:
    found = components(render())

    assert sorted(found) == sorted(
        [
            "pkg:cargo/serde_derive@1.0.193",
            "pkg:golang/github.com/docker/docker@v24.0.7%2Bincompatible",
            "pkg:npm/%40babel/code-frame@7.22.13",
            "pkg:npm/react-dom",
            "pkg:npm/typescript@5.2.2",
            "pkg:pypi/requests@2.31.0",
            "pkg:pypi/typing-extensions@4.8.0",
        ]
    )
    locations = [
        o["location"] for o in found["pkg:pypi/requests@2.31.0"]["evidence"]["occurrences"]
    ]
    assert locations == ["pyproject.toml", "uv.lock"]


def test_components_are_sorted() -> None:
    names = [component["name"] for component in document(render())["components"]]

    assert names == sorted(names)


def test_metadata_names_repository_tool_time_and_serial() -> None:
    parsed = document(render())

    metadata = parsed["metadata"]
    assert metadata["component"] == {
        "bom-ref": "repository",
        "name": "octo-org/web-app",
        "type": "application",
    }
    assert metadata["tools"]["components"] == [
        {"name": "devex-metrics", "type": "application", "version": "1.2.3"}
    ]
    assert datetime.fromisoformat(metadata["timestamp"]) == TIMESTAMP
    serial = uuid.UUID(parsed["serialNumber"].removeprefix("urn:uuid:"))
    assert serial.version == 5
    root = next(d for d in parsed["dependencies"] if d["ref"] == "repository")
    assert sorted(root["dependsOn"]) == sorted(components(render()))


def test_same_input_gives_identical_bytes() -> None:
    assert render() == render()
    assert render(list(reversed(DEPENDENCIES))) == render()


def test_serial_number_follows_the_seed() -> None:
    first = document(render(serial_seed="run-1"))["serialNumber"]

    assert document(render(serial_seed="run-1"))["serialNumber"] == first
    assert document(render(serial_seed="run-2"))["serialNumber"] != first


def test_bytes_do_not_depend_on_the_hash_seed() -> None:
    script = (
        "import sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "from test_sbom import render\n"
        "sys.stdout.buffer.write(render())\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script, str(Path(__file__).parent)],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }

    assert outputs == {render()}


def test_timestamp_in_another_zone_is_kept_and_naive_is_refused() -> None:
    eastern = TIMESTAMP.astimezone(timezone(timedelta(hours=-5)))
    written = document(render(timestamp=eastern))["metadata"]["timestamp"]
    assert datetime.fromisoformat(written) == TIMESTAMP

    with pytest.raises(ValueError, match="timezone-aware"):
        render(timestamp=TIMESTAMP.replace(tzinfo=None))


def test_empty_dependency_list_still_validates() -> None:
    content = render(())

    assert_valid(content)
    assert document(content).get("components", []) == []
    assert document(content)["metadata"]["component"]["name"] == "octo-org/web-app"


def test_no_local_or_outside_path_leaks(tmp_path: Path) -> None:
    outside = [
        D("cargo", "serde", "1.0.193", str(tmp_path / "repo" / "Cargo.lock")),
        D("npm", "left-pad", "1.3.0", "../other-repo/package-lock.json"),
        D("pypi", "flask", "3.0.0", "C:\\Users\\dev\\project\\requirements.txt"),
        D("pypi", "flask", "3.0.0", "requirements.txt"),
    ]

    content = render(outside)
    text = content.decode("utf-8")

    assert_valid(content)
    for fragment in (str(tmp_path), str(Path.cwd()), "../", "other-repo", "C:", "Users", "/tmp"):
        assert fragment not in text
    flask = components(content)["pkg:pypi/flask@3.0.0"]
    assert flask["evidence"]["occurrences"] == [{"location": "requirements.txt"}]
    assert "evidence" not in components(content)["pkg:cargo/serde@1.0.193"]


def test_validation_runs_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the validator tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    content = render()
    broken = {**document(content), "unexpected": True}

    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(content.decode()) is None
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(json.dumps(broken)) is not None


NAMES = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=12)
DEPENDENCY_LISTS = st.lists(
    st.builds(
        D,
        ecosystem=st.sampled_from(["pypi", "npm", "golang", "cargo"]),
        name=NAMES.filter(lambda name: name.strip() != ""),
        version=st.none() | st.text(min_size=1, max_size=8),
        source=st.sampled_from(["requirements.txt", "web/package-lock.json", "/abs/go.sum"]),
        scope=st.sampled_from(["required", "optional", "excluded", "dev"]),
    ),
    max_size=8,
)


@settings(max_examples=40, deadline=None)
@given(dependencies=DEPENDENCY_LISTS, data=st.data())
def test_any_dependency_list_renders_valid_deterministic_json(
    dependencies: list[D], data: st.DataObject
) -> None:
    content = render(dependencies)

    assert_valid(content)
    assert render(data.draw(st.permutations(dependencies))) == content
    refs = [component["bom-ref"] for component in document(content).get("components", [])]
    assert len(refs) == len(set(refs))
    assert "/abs/" not in content.decode("utf-8")


# --- SPDX export from GitHub's dependency graph ---------------------------------------


def spdx_schema_and_example() -> tuple[dict[str, Any], dict[str, Any]]:
    description = json.loads(REST_DESCRIPTION.read_text(encoding="utf-8"))
    components_section = description["components"]
    schema = components_section["schemas"]["dependency-graph-spdx-sbom"]
    example = components_section["examples"]["dependency-graph-export-sbom-response"]["value"]
    return schema, example


def test_spdx_export_is_written_with_sorted_keys() -> None:
    schema, response = spdx_schema_and_example()
    jsonschema.validate(response, schema)  # the fixture is a real-shaped response

    artifact = sbom_spdx_artifact(response["sbom"])

    assert artifact is not None
    assert artifact.path == "sbom/sbom.spdx.json"
    assert json.loads(artifact.content) == response["sbom"]
    expected = json.dumps(response["sbom"], indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert artifact.content == expected.encode("utf-8")


def test_spdx_export_accepts_the_whole_response_and_read_only_mappings() -> None:
    _, response = spdx_schema_and_example()
    expected = sbom_spdx_artifact(response["sbom"])

    assert sbom_spdx_artifact(response) == expected
    assert sbom_spdx_artifact(MappingProxyType(response["sbom"])) == expected


@pytest.mark.parametrize("absent", [None, {}], ids=["not-collected", "empty"])
def test_no_spdx_artifact_without_an_export(absent: dict[str, object] | None) -> None:
    assert sbom_spdx_artifact(absent) is None
