"""`devex-metrics report` end to end on real repositories: outputs, exit codes, and
bad input that must fail clearly and leave nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from gitrepo import GitRepo, at

from devex_metrics.cli import main
from devex_metrics.reporters.metrics_json import metrics_json_schema

UNTIL = ["--until", "2026-02-01", "--window-days", "31"]


def _history(repo: GitRepo) -> None:
    for day in range(10):
        repo.commit(f"change {day}", at(day), author=f"Dev{day % 6} <dev{day % 6}@example.com>")
        if day % 3 == 0:
            repo.tag(f"v1.{day}", annotated_at=at(day, hours=5))


def run(*args: str) -> int:
    return main(["-q", *args])


def test_report_writes_every_output(repo: GitRepo, tmp_path: Path) -> None:
    _history(repo)
    out = tmp_path / "out"
    assert run("report", "--repo", str(repo.path), "--offline", "--out", str(out), *UNTIL) == 0
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert {
        "metrics.json",
        "report.md",
        "summary.md",
        "history.jsonl",
        "manifest.json",
        "evidence/deployments.jsonl",
        "metrics.prom",
        "sbom/sbom.cdx.json",
    } <= names
    document = json.loads((out / "metrics.json").read_text())
    jsonschema.validate(document, metrics_json_schema())
    assert document["metrics"]["dora.deployment_frequency"]["status"] == "ok"
    assert document["metrics"]["space.activity.contributors"]["value"] == 6


def test_rerun_same_window_replaces_its_history_line(repo: GitRepo, tmp_path: Path) -> None:
    _history(repo)
    out = tmp_path / "out"
    for _ in range(2):
        assert run("report", "--repo", str(repo.path), "--offline", "--out", str(out), *UNTIL) == 0
    assert len((out / "history.jsonl").read_text().splitlines()) == 1
    assert run("report", "--repo", str(repo.path), "--offline", "--out", str(out),
               "--until", "2026-01-20", "--window-days", "31") == 0  # fmt: skip
    assert len((out / "history.jsonl").read_text().splitlines()) == 2


def test_empty_repository_is_a_result_not_an_error(repo: GitRepo, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("report", "--repo", str(repo.path), "--offline", "--out", str(out), *UNTIL) == 0
    metrics = json.loads((out / "metrics.json").read_text())["metrics"]
    assert metrics["dora.deployment_frequency"]["status"] == "insufficient_data"
    assert "value" not in metrics["space.activity.commits"]


def test_detached_head_and_unicode_names(repo: GitRepo, tmp_path: Path) -> None:
    _history(repo)
    repo.commit("ünïcødé", at(11), author="Zoë Ångström <zoe@exämple.com>")
    repo.git("checkout", "-q", "--detach", "HEAD~1")
    out = tmp_path / "out"
    assert run("report", "--repo", str(repo.path), "--offline", "--out", str(out), *UNTIL) == 0
    assert "Zoë" not in (out / "report.md").read_text()


BAD_CONFIGS = [
    ("malformed-yaml", "window_days: [1, 2\n", "malformed YAML"),
    ("unknown-key", "window_dayz: 30\n", "did you mean 'window_days'"),
    ("nested-unknown-key", "privacy:\n  min_group: 5\n", "did you mean 'min_group_size'"),
    ("k-below-three", "privacy:\n  min_group_size: 2\n", "privacy.min_group_size"),
    ("bad-source", "deployments:\n  source: ftp\n", "deployments.source"),
    ("not-a-mapping", "- a\n- b\n", "must be a mapping"),
    ("bad-regex", "deployments:\n  tag_pattern: '('\n", "regular expression"),
]


@pytest.mark.parametrize(("text", "message"), [c[1:] for c in BAD_CONFIGS],
                         ids=[c[0] for c in BAD_CONFIGS])  # fmt: skip
def test_bad_config_exits_2_naming_file_and_key(
    repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    _history(repo)
    config = tmp_path / "devex.yml"
    config.write_text(text)
    out = tmp_path / "out"
    code = run("report", "--repo", str(repo.path), "--config", str(config), "--out", str(out),
               "--offline")  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and str(config) in err
    assert not out.exists()


def test_not_a_git_repository_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "plain").mkdir()
    assert run("report", "--repo", str(tmp_path / "plain"), "--out", str(tmp_path / "o")) == 2
    assert "not a git repository" in capsys.readouterr().err


def test_shallow_clone_exits_2_with_the_fix(
    repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _history(repo)
    clone = tmp_path / "shallow"
    repo.git("clone", "-q", "--depth", "2", f"file://{repo.path}", str(clone))
    assert run("report", "--repo", str(clone), "--offline", "--out", str(tmp_path / "o")) == 2
    err = capsys.readouterr().err
    assert "shallow clone" in err and "fetch-depth: 0" in err
    assert not (tmp_path / "o").exists()


def test_refuses_to_replace_a_folder_that_is_not_a_report(repo: GitRepo, tmp_path: Path) -> None:
    _history(repo)
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    assert run("report", "--repo", str(repo.path), "--offline", "--out", str(precious)) == 2
    assert (precious / "notes.txt").read_text() == "keep me"


def test_failed_run_keeps_the_previous_report(repo: GitRepo, tmp_path: Path) -> None:
    _history(repo)
    out = tmp_path / "out"
    assert run("report", "--repo", str(repo.path), "--offline", "--out", str(out), *UNTIL) == 0
    before = (out / "metrics.json").read_bytes()
    bad = tmp_path / "bad.yml"
    bad.write_text("window_days: -1\n")
    assert run("report", "--repo", str(repo.path), "--config", str(bad), "--out", str(out)) == 2
    assert (out / "metrics.json").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out")) == []


def test_since_after_until_is_a_usage_error(repo: GitRepo, tmp_path: Path) -> None:
    _history(repo)
    assert run("report", "--repo", str(repo.path), "--offline", "--since", "2026-03-01",
               "--until", "2026-02-01", "--out", str(tmp_path / "o")) == 2  # fmt: skip


def test_schema_commands_print_json_schemas(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("schema", "config") == 0
    config_schema = json.loads(capsys.readouterr().out)
    assert "privacy" in config_schema["properties"]
    assert run("schema", "metrics") == 0
    assert "metrics" in json.loads(capsys.readouterr().out)["properties"]


def test_opt_out_hash_prints_the_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("opt-out-hash", "Octocat") == 0
    line = capsys.readouterr().out.strip()
    assert line == "sha256:" + __import__("hashlib").sha256(b"octocat").hexdigest()


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("report", "--nope") == 2
