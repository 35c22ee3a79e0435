"""`devex-metrics merge` inputs: every bad input is exit 2 with a message naming the
file (missing, not a metrics.json of this schema, without aggregates, another
window, a repository twice, another org secret); good inputs merge with exit 0."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from orgdata import GENERATED_AT, SECRET, generate_repo, keys, write_reports

from devex_metrics.errors import DevexError
from devex_metrics.merge.command import add_merge_parser, run_merge
from devex_metrics.privacy.orgkeys import OrgKeys

SECRET_ENV = "DEVEX_TEST_ORG_SECRET"


def merge(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str] | None = None,
) -> tuple[int, str]:
    """Run `merge` as the CLI does: (exit code, stdout + error message)."""
    parser = argparse.ArgumentParser(prog="devex-metrics")
    add_merge_parser(parser.add_subparsers(dest="command"))
    try:
        code = run_merge(parser.parse_args(["merge", *argv]), env=env or {}, now=GENERATED_AT)
        message = ""
    except DevexError as error:
        code, message = error.exit_code, str(error)
    return code, capsys.readouterr().out + message


@pytest.fixture
def reports(tmp_path: Path) -> list[Path]:
    return write_reports(tmp_path / "in", [generate_repo(2, n) for n in range(3)], org_keys=keys())


def _edit(path: Path, change: Callable[[dict[str, object]], None]) -> Path:
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))
    return path


def _window(document: dict[str, object]) -> None:
    window = document["window"]
    assert isinstance(window, dict)
    window["end"] = "2026-03-09T00:00:00Z"


def _repository(name: str) -> Callable[[dict[str, object]], None]:
    def change(document: dict[str, object]) -> None:
        repository = document["repository"]
        assert isinstance(repository, dict)
        repository["name"] = name

    return change


BAD_INPUTS: list[tuple[str, Callable[[Path, list[Path]], Path], str]] = [
    ("missing-file", lambda tmp, r: tmp / "nowhere" / "metrics.json", "no such file or folder"),
    ("empty-folder", lambda tmp, r: (tmp / "empty").resolve(), "no metrics.json in this folder"),
    ("not-json", lambda tmp, r: _write(tmp / "x.json", "{not json"), "not valid JSON"),
    (
        "wrong-schema-version",
        lambda tmp, r: _edit(r[1], lambda d: d.update(schema_version=2)),
        "schema_version 2",
    ),
    (
        "schema-mismatch",
        lambda tmp, r: _edit(r[1], lambda d: d.update(health="high")),
        "does not match schema",
    ),
    (
        "no-aggregates",
        lambda tmp, r: _edit(r[1], lambda d: d.pop("aggregates")),
        "no mergeable aggregates",
    ),
    ("different-window", lambda tmp, r: _edit(r[1], _window), "differs from"),
    (
        "duplicate-repository",
        lambda tmp, r: _edit(r[1], _repository("acme/service-000")),
        "is already merged from",
    ),
]


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("make", "expected"), [c[1:] for c in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS]
)
def test_bad_input_exits_2_naming_the_file(
    tmp_path: Path,
    reports: list[Path],
    capsys: pytest.CaptureFixture[str],
    make: Callable[[Path, list[Path]], Path],
    expected: str,
) -> None:
    (tmp_path / "empty").mkdir()
    bad = make(tmp_path, reports)
    code, message = merge([str(reports[0]), str(bad), "--out", str(tmp_path / "out")], capsys)
    assert code == 2
    assert str(bad) in message and expected in message
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_inputs_from_two_org_secrets_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = OrgKeys.from_secret("another-org-secret-0123456789abcdefghijklmnopq")
    first = write_reports(tmp_path / "a", [generate_repo(2, 0)], org_keys=keys())
    second = write_reports(tmp_path / "b", [generate_repo(2, 1)], org_keys=other)
    code, message = merge([*map(str, first + second), "--out", str(tmp_path / "out")], capsys)
    assert code == 2 and str(second[0]) in message and "another org secret" in message
    env = {SECRET_ENV: SECRET}
    argv = [str(second[0]), "--org-secret-env", SECRET_ENV, "--out", str(tmp_path / "out")]
    code, message = merge(argv, capsys, env)
    assert code == 2 and str(second[0]) in message and "the one given to merge" in message


def test_named_secret_variable_must_not_be_empty(
    tmp_path: Path, reports: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [str(tmp_path / "in"), "--org-secret-env", SECRET_ENV, "--out", str(tmp_path / "o")]
    code, message = merge(argv, capsys, {SECRET_ENV: ""})
    assert code == 2 and SECRET_ENV in message


def test_good_inputs_merge_into_every_output(
    tmp_path: Path, reports: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    argv = [str(tmp_path / "in"), "--org-secret-env", SECRET_ENV, "--out", str(out)]
    code, message = merge(argv, capsys, {SECRET_ENV: SECRET})
    assert code == 0 and "merged 3 repository reports" in message
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    for name in (
        "metrics.json",
        "report.md",
        "summary.md",
        "metrics.prom",
        "manifest.json",
        "history.jsonl",
        "badges/health.svg",
    ):
        assert name in written
    document = json.loads((out / "metrics.json").read_text())
    assert document["repository"]["name"] == "acme"
    assert document["aggregates"]["key_id"] == keys().key_id
    report = (out / "report.md").read_text()
    assert "## By repository" in report and "acme/service-001" in report
