"""`devex-metrics init`: what it writes into a real git checkout, what it refuses,
and what it prints (SPEC §2, §10, §11)."""

from __future__ import annotations

import argparse
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml
from gitrepo import GitRepo
from init_fixtures import init_args

from devex_metrics.config import DEFAULT_CONFIG_PATH, Config, parse_config
from devex_metrics.errors import RunError, UsageError
from devex_metrics.scaffold import (
    FORM_NAMES,
    FORMS_DIR,
    WORKFLOW_PATH,
    add_init_parser,
    parse_remote_url,
    render_workflow,
    run_init,
)

ALL_FILES = [WORKFLOW_PATH, *(FORMS_DIR / name for name in FORM_NAMES), DEFAULT_CONFIG_PATH]
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
RAW = "https://raw.githubusercontent.com/{}/devex-metrics/badges/health"
SHIELDS = "https://img.shields.io/endpoint?url=https%3A%2F%2Fraw.githubusercontent.com%2F{}%2F{}%2Fdevex-metrics%2Fbadges%2Fhealth.json"


def _snapshot(root: Path) -> dict[Path, bytes]:
    return {path: (root / path).read_bytes() for path in ALL_FILES if (root / path).is_file()}


def _workflow(root: Path) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load((root / WORKFLOW_PATH).read_text(encoding="utf-8"))
    return data


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


# --- writing and refusing ---------------------------------------------------------


def test_fresh_repo_gets_all_four_files(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_init(init_args(repo.path)) == 0
    assert sorted(_snapshot(repo.path)) == sorted(ALL_FILES)
    out = capsys.readouterr().out
    for path in ALL_FILES:
        assert f"  {path.as_posix()}\n" in out


def test_second_run_without_force_exits_2_names_files_changes_nothing(repo: GitRepo) -> None:
    run_init(init_args(repo.path))
    (repo.path / DEFAULT_CONFIG_PATH).write_text("window_days: 30\n", encoding="utf-8")
    before = _snapshot(repo.path)
    with pytest.raises(UsageError) as caught:
        run_init(init_args(repo.path))
    assert caught.value.exit_code == 2
    message = str(caught.value)
    for path in ALL_FILES:
        assert str(repo.path / path) in message
    assert "--force" in message
    assert _snapshot(repo.path) == before


def test_one_conflict_means_nothing_is_written(repo: GitRepo) -> None:
    (repo.path / ".github").mkdir()
    (repo.path / DEFAULT_CONFIG_PATH).write_text("bots: [ci-bot]\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"devex-metrics\.yml"):
        run_init(init_args(repo.path))
    assert _snapshot(repo.path) == {DEFAULT_CONFIG_PATH: b"bots: [ci-bot]\n"}
    assert not (repo.path / ".github" / "workflows").exists()


def test_force_overwrites(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    run_init(init_args(repo.path))
    pristine = _snapshot(repo.path)
    (repo.path / WORKFLOW_PATH).write_text("name: edited\n", encoding="utf-8")
    assert run_init(init_args(repo.path, force=True)) == 0
    assert _snapshot(repo.path) == pristine
    assert f"{WORKFLOW_PATH.as_posix()} (overwritten)" in capsys.readouterr().out


def test_force_refuses_a_folder_in_the_way(repo: GitRepo) -> None:
    (repo.path / WORKFLOW_PATH).mkdir(parents=True)
    with pytest.raises(UsageError, match="is a folder"):
        run_init(init_args(repo.path, force=True))
    assert _snapshot(repo.path) == {}


def test_write_failure_leaves_no_file_behind(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Path, target: Path) -> Path:
        raise OSError(28, "No space left on device", str(target))

    monkeypatch.setattr(Path, "replace", refuse)
    with pytest.raises(RunError, match="Nothing was changed"):
        run_init(init_args(repo.path))
    assert [p for p in (repo.path / ".github").rglob("*") if p.is_file()] == []


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        pytest.param("plain-folder", "not a git checkout", id="not-a-git-repo"),
        pytest.param("missing", "no such folder", id="path-does-not-exist"),
        pytest.param("subfolder", "not its top level", id="subfolder-of-a-checkout"),
    ],
)
def test_refuses_a_path_that_is_not_a_checkout_top_level(
    tmp_path: Path, layout: str, expected: str
) -> None:
    target = tmp_path / "target"
    if layout == "plain-folder":
        target.mkdir()
    elif layout == "subfolder":
        target = GitRepo(tmp_path / "repo").path / "sub"
        target.mkdir()
    with pytest.raises(UsageError, match=expected) as caught:
        run_init(init_args(target))
    assert caught.value.exit_code == 2
    assert str(target) in str(caught.value)
    assert not (target / ".github").exists()


# --- badges -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("https://github.com/acme/service.git", id="https"),
        pytest.param("https://github.com/acme/service", id="https-without-dot-git"),
        pytest.param(
            "https://x-access-token:ghs_secret@github.com/acme/service.git",
            id="https-with-credentials",
        ),
        pytest.param("git@github.com:acme/service.git", id="ssh-scp-form"),
        pytest.param("ssh://git@github.com/acme/service.git", id="ssh-url"),
        pytest.param("ssh://git@github.com:22/acme/service", id="ssh-url-with-port"),
    ],
)
def test_origin_remote_gives_badge_urls(
    repo: GitRepo, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("remote", "add", "origin", url)
    run_init(init_args(repo.path))
    out = capsys.readouterr().out
    assert f"![DevEx health]({RAW.format('acme/service')}.svg)" in out
    assert f"![DevEx health]({SHIELDS.format('acme', 'service')})" in out
    assert "ghs_secret" not in out
    assert "OWNER/NAME" not in out


def test_repository_option_wins_over_origin(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("remote", "add", "origin", "git@github.com:acme/service.git")
    run_init(init_args(repo.path, repository="octo-org/other"))
    assert f"{RAW.format('octo-org/other')}.svg" in capsys.readouterr().out


def test_unknown_repository_prints_placeholder_and_note(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    run_init(init_args(repo.path))
    out = capsys.readouterr().out
    assert f"{RAW.format('OWNER/NAME')}.svg" in out
    assert "--repository OWNER/NAME" in out


def test_enterprise_origin_gets_a_note(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.git("remote", "add", "origin", "https://ghe.example.com/acme/service.git")
    run_init(init_args(repo.path))
    assert "https://ghe.example.com/acme/service/raw/devex-metrics/badges/health.svg" in (
        capsys.readouterr().out
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("https://github.com/a/b.git\n", ("github.com", "a/b"), id="trailing-newline"),
        pytest.param("git@GitHub.com:a/b", ("github.com", "a/b"), id="host-case"),
        pytest.param("https://github.com/a/b/c.git", None, id="three-segments"),
        pytest.param("/srv/git/service.git", None, id="local-path"),
        pytest.param("file:///srv/git/a/b.git", None, id="file-url"),
        pytest.param("", None, id="empty"),
    ],
)
def test_parse_remote_url(url: str, expected: tuple[str, str] | None) -> None:
    assert parse_remote_url(url) == expected


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"repository": "not a repo"}, id="bad-repository"),
        pytest.param({"action": "evil\nrun: curl x | sh"}, id="action-with-newline"),
        pytest.param({"action": "owner/name"}, id="action-without-ref"),
    ],
)
def test_bad_options_exit_2_and_write_nothing(repo: GitRepo, overrides: dict[str, str]) -> None:
    with pytest.raises(UsageError) as caught:
        run_init(init_args(repo.path, **overrides))
    assert caught.value.exit_code == 2
    assert _snapshot(repo.path) == {}


# --- the files ----------------------------------------------------------------------


def test_config_changes_nothing(repo: GitRepo) -> None:
    run_init(init_args(repo.path))
    data = yaml.safe_load((repo.path / DEFAULT_CONFIG_PATH).read_text(encoding="utf-8"))
    assert data in (None, {})
    assert parse_config(data, "scaffold") == Config()


def _uncomment(text: str) -> str:
    """The config with every commented-out key line made live (prose stays comment)."""
    return re.sub(r"(?m)^# ( *[a-z_]+:(?: |$))", r"\1", text)


def _leaf_keys(data: dict[str, Any], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for key, value in data.items():
        keys |= _leaf_keys(value, f"{prefix}{key}.") if isinstance(value, dict) else {prefix + key}
    return keys


def test_config_lists_every_key_at_its_default(repo: GitRepo) -> None:
    """Uncommented, the scaffold is a complete config equal to the defaults: no key
    missing, none misspelt, no default that drifted from the model."""
    run_init(init_args(repo.path))
    live = yaml.safe_load(_uncomment((repo.path / DEFAULT_CONFIG_PATH).read_text(encoding="utf-8")))
    assert _leaf_keys(live) == _leaf_keys(Config().model_dump())
    assert parse_config(live, "uncommented scaffold") == Config()


def test_forms_are_the_package_bytes(repo: GitRepo) -> None:
    run_init(init_args(repo.path))
    package = files("devex_metrics.templates").joinpath("issue_forms")
    for name in FORM_NAMES:
        assert (repo.path / FORMS_DIR / name).read_bytes() == package.joinpath(name).read_bytes()


def test_workflow_triggers_and_job_conditions(repo: GitRepo) -> None:
    run_init(init_args(repo.path))
    workflow = _workflow(repo.path)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"schedule", "pull_request", "workflow_dispatch"}
    assert triggers["schedule"] == [{"cron": "17 6 * * 1"}]
    jobs = workflow["jobs"]
    assert jobs["pull-request"]["if"] == "github.event_name == 'pull_request'"
    assert jobs["report"]["if"] == (
        "github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'"
    )
    assert workflow["concurrency"]["group"] == "devex-metrics-${{ github.ref }}"


def test_workflow_permissions_are_least_privilege(repo: GitRepo) -> None:
    run_init(init_args(repo.path))
    workflow = _workflow(repo.path)
    assert workflow["permissions"] == {}
    assert workflow["jobs"]["report"]["permissions"] == {
        "contents": "write", "issues": "read", "pull-requests": "read",
        "actions": "read", "deployments": "read",
    }  # fmt: skip
    assert workflow["jobs"]["pull-request"]["permissions"] == {
        "contents": "read", "pull-requests": "write", "issues": "read", "actions": "read",
    }  # fmt: skip


def test_workflow_pins_third_party_actions_and_checks_out_full_history(repo: GitRepo) -> None:
    run_init(init_args(repo.path))
    steps = _steps(_workflow(repo.path))
    third_party = [s["uses"] for s in steps if s["uses"].startswith("actions/")]
    assert third_party and all(SHA_PIN.match(uses) for uses in third_party), third_party
    checkouts = [s for s in steps if s["uses"].startswith("actions/checkout@")]
    assert len(checkouts) == 2
    for step in checkouts:
        assert step["with"] == {"fetch-depth": 0, "persist-credentials": False}
    caches = [s for s in steps if s["uses"].startswith("actions/cache")]
    assert [s["with"]["path"] for s in caches] == [".devex-metrics-cache"] * 2


def test_workflow_has_no_expression_inside_run(repo: GitRepo) -> None:
    run_init(init_args(repo.path))
    for step in _steps(_workflow(repo.path)):
        assert "${{" not in step.get("run", ""), step


@pytest.mark.parametrize(
    ("action", "waived"),
    [
        pytest.param("devex-metrics/devex-metrics@v1", True, id="release-tag-waived-inline"),
        pytest.param("acme/devex-metrics@" + "a" * 40, False, id="sha-pinned"),
        pytest.param("./", False, id="local-checkout"),
    ],
)
def test_workflow_action_reference(action: str, waived: bool) -> None:
    text = render_workflow(action)
    steps = _steps(yaml.safe_load(text))
    uses = [
        s["uses"] for s in steps if not s["uses"].startswith(("actions/checkout@", "actions/cache"))
    ]
    assert uses == [action, action]
    assert ("zizmor: ignore[unpinned-uses]" in text) is waived


# --- the command line -------------------------------------------------------------


def test_parser_defaults_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="devex-metrics")
    add_init_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["init"])
    assert (args.path, args.force, args.repository) == (Path(), False, None)
    assert args.action == "devex-metrics/devex-metrics@v1"
    with pytest.raises(SystemExit):
        parser.parse_args(["init", "--help"])
    out = capsys.readouterr().out
    assert "--force" in out
    assert "devex-metrics init ../service --repository acme/service" in out


def test_parsed_arguments_run(repo: GitRepo) -> None:
    parser = argparse.ArgumentParser(prog="devex-metrics")
    add_init_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["init", str(repo.path), "--repository", "acme/service"])
    assert run_init(args) == 0
