"""`devex-metrics publish` decisions, dry run, step outputs, job summary and
`--restore-history`, run through the command's own parser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from publish_helpers import BRANCH, FORK_TOKEN, Hub, Reports, publish
from runner_files import read_outputs

from devex_metrics.publish.folder import machine_number
from devex_metrics.reporters.metrics_json import load_metrics_json

OUTPUT_IDS = {
    "deployment-frequency": "dora.deployment_frequency",
    "lead-time-hours": "dora.lead_time",
    "change-failure-rate": "dora.change_failure_rate",
    "recovery-time-hours": "dora.recovery_time",
}


@pytest.mark.parametrize(
    ("event", "commit", "commits"),
    [
        ("schedule", "auto", 1),
        ("workflow_dispatch", "auto", 1),
        ("push", "auto", 1),
        ("pull_request", "auto", 0),
        ("", "auto", 0),
        ("pull_request", "always", 1),
        ("schedule", "never", 0),
    ],
    ids=["schedule", "dispatch", "push", "pull-request", "outside-actions", "always", "never"],
)
def test_commit_decision(hub: Hub, out: Path, event: str, commit: str, commits: int) -> None:
    env = hub.env(GITHUB_EVENT_NAME=event) if event else hub.env()
    argv = ["--out", str(out), "--commit", commit, "--pr-comment", "never"]
    assert publish(argv, env) == 0
    assert len(hub.commits()) == commits


def test_dry_run_prints_the_plan_and_sends_nothing(
    hub: Hub, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = hub.env(GITHUB_EVENT_NAME="schedule")
    assert publish(["--out", str(out), "--dry-run", "--path", "weekly"], env) == 0
    text = capsys.readouterr().out
    size = (out / "metrics.json").stat().st_size
    assert f"files for {BRANCH}:weekly" in text
    assert f"  weekly/metrics.json  ({size:,} bytes)" in text
    assert "commit: yes, one commit onto devex-metrics" in text
    assert "pull request comment: no" in text
    assert hub.server.requests == [] and hub.commits() == []


def test_without_a_token_auto_publishes_nothing_and_exits_0(
    out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {"GITHUB_EVENT_NAME": "schedule", "GITHUB_OUTPUT": str(tmp_path / "o")}
    assert publish(["--out", str(out)], env) == 0
    assert "no commit: no token" in capsys.readouterr().err
    assert read_outputs((tmp_path / "o").read_text())["metrics-path"] == str(out / "metrics.json")


def test_commit_always_without_a_token_is_a_usage_error(out: Path) -> None:
    assert publish(["--out", str(out), "--commit", "always"], {}) == 2


def test_step_outputs_are_the_gated_values(hub: Hub, out: Path, tmp_path: Path) -> None:
    env = hub.env(GITHUB_EVENT_NAME="schedule", GITHUB_OUTPUT=str(tmp_path / "output"))
    assert publish(["--out", str(out)], env) == 0
    outputs = read_outputs((tmp_path / "output").read_text(encoding="utf-8"))
    document = load_metrics_json((out / "metrics.json").read_text(encoding="utf-8"))
    for name, metric_id in OUTPUT_IDS.items():
        metric = document.metrics[metric_id]
        expected = machine_number(metric.value) if metric.value is not None else ""
        assert outputs[name] == expected, name
    score = document.health.score
    assert outputs["health-score"] == ("" if score is None else str(score))
    assert outputs["report-path"] == str(out / "report.md")
    assert any(outputs[name] for name in OUTPUT_IDS)  # the fixture has ok DORA values


def test_suppressed_and_missing_values_are_empty_outputs(
    hub: Hub, out: Path, tmp_path: Path
) -> None:
    document = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    lead = document["metrics"]["dora.lead_time"]
    kept = ("unit", "title", "samples", "people", "previous")  # no number may stay
    document["metrics"]["dora.lead_time"] = {
        **{key: lead[key] for key in kept if key in lead},
        "status": "suppressed",
    }
    document["health"].pop("score", None)
    (out / "metrics.json").write_text(json.dumps(document), encoding="utf-8")
    env = hub.env(GITHUB_OUTPUT=str(tmp_path / "output"))
    assert publish(["--out", str(out)], env) == 0
    outputs = read_outputs((tmp_path / "output").read_text(encoding="utf-8"))
    assert outputs["lead-time-hours"] == "" and outputs["health-score"] == ""


@pytest.mark.parametrize(
    ("value", "text"),
    [(2.3333333333333335, "2.333333"), (0.125, "0.125"), (3.0, "3"), (-0.0000001, "0"),
     (float("nan"), "")],
    ids=["repeating", "exact", "whole", "negative-zero", "nan"],
)  # fmt: skip
def test_machine_number(value: float, text: str) -> None:
    assert machine_number(value) == text


def test_job_summary_gets_summary_md_and_what_was_published(
    hub: Hub, out: Path, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    env = hub.env(GITHUB_EVENT_NAME="schedule", GITHUB_STEP_SUMMARY=str(summary))
    assert publish(["--out", str(out)], env) == 0
    text = summary.read_text(encoding="utf-8")
    assert text.startswith((out / "summary.md").read_text(encoding="utf-8"))
    assert "- report committed to branch `devex-metrics`" in text
    summary.unlink()
    assert publish(["--out", str(out), "--no-job-summary"], env) == 0
    assert not summary.exists()


def test_invalid_metrics_json_is_a_usage_error(hub: Hub, out: Path) -> None:
    (out / "metrics.json").write_text('{"schema_version": 99}', encoding="utf-8")
    assert publish(["--out", str(out)], hub.env(GITHUB_EVENT_NAME="schedule")) == 2
    assert hub.commits() == []


def test_restore_history_brings_the_branch_history_into_a_fresh_out(
    hub: Hub, reports: Reports, tmp_path: Path
) -> None:
    env = hub.env(GITHUB_EVENT_NAME="schedule")
    assert publish(["--out", str(reports["older"])], env) == 0
    assert publish(["--out", str(reports["current"])], env) == 0
    fresh = tmp_path / "fresh"
    assert publish(["--out", str(fresh), "--restore-history"], env) == 0
    assert (fresh / "history.jsonl").read_text() == hub.show("history.jsonl") + "\n"
    assert len((fresh / "history.jsonl").read_text().splitlines()) == 2


def test_restore_history_without_a_branch_writes_nothing(hub: Hub, tmp_path: Path) -> None:
    assert publish(["--out", str(tmp_path / "fresh"), "--restore-history"], hub.env()) == 0
    assert not (tmp_path / "fresh").exists()


def test_restore_history_refuses_a_folder_that_is_no_report(
    hub: Hub, out: Path, tmp_path: Path
) -> None:
    assert publish(["--out", str(out)], hub.env(GITHUB_EVENT_NAME="schedule")) == 0
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "setup.py").write_text("", encoding="utf-8")
    assert publish(["--out", str(checkout), "--restore-history"], hub.env()) == 2
    assert not (checkout / "history.jsonl").exists()


def test_read_only_token_cannot_commit_and_says_why(
    hub: Hub, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert publish(["--out", str(out), "--commit", "always"], hub.env(FORK_TOKEN)) == 1
    assert "needs `contents: write`" in capsys.readouterr().err
    assert hub.commits() == []


def test_malformed_event_payload_is_a_usage_error(hub: Hub, out: Path, tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text('{"pull_request": {"title": "no number"}}', encoding="utf-8")
    env = hub.env(GITHUB_EVENT_NAME="pull_request", GITHUB_EVENT_PATH=str(event))
    assert publish(["--out", str(out)], env) == 2
    event.write_text("{not json", encoding="utf-8")
    assert publish(["--out", str(out)], env) == 2
