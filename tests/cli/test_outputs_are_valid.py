"""Every SPEC §9 output of a real run, checked by its own standard's tooling: the
report renders as GitHub-flavoured Markdown with every table well formed and every
image link pointing to a file of the run; SVGs parse; shields endpoints have exactly
their four keys; OpenMetrics parses; the CycloneDX SBOM validates; the manifest
hashes every other file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from gitrepo import GitRepo, at
from markdown_it import MarkdownIt
from prometheus_client.openmetrics.parser import text_string_to_metric_families

from devex_metrics.cli import main


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two report windows of a small repository (so trend charts exist)."""
    root = tmp_path_factory.mktemp("outputs")
    repo = GitRepo(root / "repo")
    repo.write("requirements.txt", "requests==2.32.3\nrich>=13\n")
    for day in range(40):
        repo.commit(f"change {day}", at(day), author=f"Dev{day % 6} <dev{day % 6}@example.com>")
        if day % 4 == 0:
            repo.tag(f"v1.{day}", annotated_at=at(day, hours=3))
    folder = root / "out"
    for until in ("2026-01-21", "2026-02-10"):
        code = main(["-q", "report", "--repo", str(repo.path), "--offline", "--out",
                     str(folder), "--until", until, "--window-days", "20"])  # fmt: skip
        assert code == 0
    return folder


def test_report_renders_with_well_formed_tables_and_existing_images(out: Path) -> None:
    tokens = MarkdownIt("commonmark").enable("table").parse((out / "report.md").read_text())
    images = [child.attrs["src"] for token in tokens if token.children
              for child in token.children if child.type == "image"]  # fmt: skip
    assert any(src.startswith("charts/") for src in images)
    assert any(src.startswith("badges/") for src in images)
    for src in images:
        assert (out / str(src)).is_file(), src
    widths: list[int] = []
    for token in tokens:
        if token.type == "tr_open":
            widths.append(0)
        elif token.type in ("th_open", "td_open"):
            widths[-1] += 1
        elif token.type == "table_close":
            assert len(set(widths)) == 1, widths
            widths = []
    summary = (out / "summary.md").read_text()
    assert len(summary.splitlines()) <= 20


def test_svgs_parse_and_badges_have_shields_endpoints(out: Path) -> None:
    svgs = list(out.glob("badges/*.svg")) + list(out.glob("charts/*.svg"))
    assert len(svgs) >= 9
    for svg in svgs:
        root = ElementTree.parse(svg).getroot()  # noqa: S314 - our own output
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
    for endpoint in out.glob("badges/*.json"):
        document = json.loads(endpoint.read_text())
        assert set(document) == {"schemaVersion", "label", "message", "color"}
        assert document["schemaVersion"] == 1


def test_openmetrics_parses(out: Path) -> None:
    families = {f.name for f in text_string_to_metric_families((out / "metrics.prom").read_text())}
    assert "space_deployment_frequency" in families


def test_sbom_validates_and_lists_the_manifest(out: Path) -> None:
    text = (out / "sbom" / "sbom.cdx.json").read_text()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    purls = {c.get("purl") for c in json.loads(text).get("components", [])}
    assert "pkg:pypi/requests@2.32.3" in purls


def test_manifest_hashes_every_other_file(out: Path) -> None:
    manifest = json.loads((out / "manifest.json").read_text())
    listed = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert set(listed) == on_disk - {"manifest.json"}
    for path, digest in listed.items():
        assert hashlib.sha256((out / path).read_bytes()).hexdigest() == digest
