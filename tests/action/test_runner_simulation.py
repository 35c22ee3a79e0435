"""action.yml, run step by step as the Actions runner runs a composite action, against
the fake GitHub, whose Git Data API writes into a real bare repository.

How the runner is simulated (`runner_sim.py`): inputs and their defaults, each
step's `env:` mapping with its ``${{ inputs.* }}``, ``${{ steps.*.outputs.* }}``
and ``${{ github.token }}`` expressions evaluated by a tiny evaluator that refuses
any other expression, `GITHUB_ACTION_PATH` (this checkout), `GITHUB_OUTPUT` and
`GITHUB_STEP_SUMMARY` files per step, `GITHUB_EVENT_NAME`/`GITHUB_EVENT_PATH` with
`schedule` and `pull_request` payloads in GitHub's shapes, and every `run:` script
executed verbatim by ``bash --noprofile --norc -eo pipefail``.

Installing, kept fast and offline without changing what action.yml does for users:
the simulated runner's PATH starts with a `python3` shim. Its ``-m venv DIR``
creates a stand-in environment whose ``bin/python`` records ``-m pip install``
instead of running it (the package under test is already installed, editable, in
the test interpreter) and whose ``bin/devex-metrics`` runs the package under test;
any other use of `python3` (the version check) is the real interpreter. The test
asserts that the install step asked pip for exactly `$GITHUB_ACTION_PATH`. Until
cli.py routes `publish`, the stand-in console script runs `publish` through the
command's own parser (see `runner_sim._INTERIM_PUBLISH_ROUTE`).

The assertions are made with git on the bare repository and on the fake's
comments: one commit with the report's files and ``[skip ci]``, none on a re-run;
one comment, updated in place, never someone else's; a fork's read-only token is a
job summary and exit 0; a shallow checkout fails first, naming the fix.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from gitrepo import GitRepo, at
from runner_sim import CompositeRunner, JobResult, git_env, python_shim

_TESTS = str(Path(__file__).resolve().parents[1])
if _TESTS not in sys.path:
    sys.path.append(_TESTS)

from fakegithub.dataset import Repo  # noqa: E402
from fakegithub.gitdata import (  # noqa: E402
    ACTIONS_BOT,
    READ_ONLY_BOT,
    STRANGER,
    Account,
    GitDataApi,
    Review,
    pull_payload,
    user_payload,
)
from fakegithub.server import FakeGitHub  # noqa: E402

from devex_metrics.reporters.pr_comment import MARKER  # noqa: E402

ACTION_DIR = Path(__file__).resolve().parents[2]
TOKEN, FORK_TOKEN = "actions-token", "fork-token"
REPOSITORY = "octo/app"
AUTHOR, REVIEWER = Account("ana", 7), Account("ben", 8)
OPENED = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=30)


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """The repository the workflow checks out: two weeks of commits and release tags."""
    repo = GitRepo(tmp_path_factory.mktemp("origin") / "app")
    start = (datetime.now(UTC) - timedelta(days=15)).replace(hour=9, minute=0, second=0)
    for day in range(12):
        when = start + timedelta(days=day)
        repo.commit(f"change {day}", when, author=f"Dev{day % 6} <dev{day % 6}@example.com>")
        if day % 3 == 0:
            repo.tag(f"v1.{day}", annotated_at=when + timedelta(hours=5))
    assert at(0) < start  # fixed-date helpers stay in the past
    return repo


class Simulation:
    def __init__(self, tmp: Path, origin: GitRepo, server: FakeGitHub, gitdata: GitDataApi) -> None:
        self.tmp, self.origin, self.server, self.gitdata = tmp, origin, server, gitdata
        self.pip_log = tmp / "pip.log"
        shim = python_shim(tmp / "shim", sys.executable, self.pip_log)
        home = tmp / "home"
        home.mkdir()
        base = {**git_env(home), "PATH": f"{shim}:{git_env(home)['PATH']}",
                "GITHUB_ACTIONS": "true", "CI": "true", "RUNNER_OS": "Linux",
                "GITHUB_REPOSITORY": REPOSITORY, "GITHUB_API_URL": server.url,
                "GITHUB_GRAPHQL_URL": server.graphql_url,
                "GITHUB_SERVER_URL": "https://github.com"}  # fmt: skip
        self.runner = CompositeRunner(ACTION_DIR, tmp, base)
        self.runs = 0

    def checkout(self, *, shallow: bool = False) -> Path:
        """A fresh checkout, as actions/checkout makes one per job."""
        target = self.tmp / f"workspace-{self.runs}"
        depth = ["--depth", "1"] if shallow else []
        subprocess.run(["git", "clone", "-q", *depth, f"file://{self.origin.path}", str(target)],
                       check=True, env=git_env(self.tmp / "home"))  # fmt: skip
        return target

    def run(self, event_name: str, payload: dict[str, object], *, token: str = TOKEN,
            shallow: bool = False, **with_: str) -> tuple[JobResult, Path]:  # fmt: skip
        self.runs += 1
        event = self.tmp / f"event-{self.runs}.json"
        event.write_text(json.dumps(payload), encoding="utf-8")
        workspace = self.checkout(shallow=shallow)
        result = self.runner.run(workspace, with_=with_, token=token, event_name=event_name,
                                 event_path=event, run_id=self.runs)  # fmt: skip
        return result, workspace

    def git(self, *args: str) -> str:
        proc = subprocess.run(["git", "--git-dir", str(self.gitdata.bare), *args],
                              capture_output=True, text=True, check=False)  # fmt: skip
        return proc.stdout.strip() if proc.returncode == 0 else ""


@pytest.fixture
def sim(tmp_path: Path, origin: GitRepo) -> Iterator[Simulation]:
    gitdata = GitDataApi(tmp_path / "remote.git", REPOSITORY,
                         accounts={TOKEN: ACTIONS_BOT, FORK_TOKEN: READ_ONLY_BOT})  # fmt: skip
    server = FakeGitHub(Repo("octo", "app"), token="unused-token").mount(gitdata).start()
    try:
        yield Simulation(tmp_path, origin, server, gitdata)
    finally:
        server.stop()
    assert gitdata.invalid_requests == []


SCHEDULE = {"schedule": "17 6 * * 1", "workflow": ".github/workflows/devex-metrics.yml"}


def _pull_request(number: int, *, fork: bool = False) -> dict[str, object]:
    pull = pull_payload(REPOSITORY, number, author=AUTHOR, created_at=OPENED.isoformat(),
                        additions=40, deletions=2, changed_files=3, draft=False, state="open",
                        merged_at=None, closed_at=None,
                        **({"fork_of": "eve/app"} if fork else {}))  # fmt: skip
    return {"action": "synchronize", "number": number, "pull_request": pull,
            "repository": {"full_name": REPOSITORY}, "sender": user_payload(AUTHOR)}  # fmt: skip


def _assert_ok(result: JobResult) -> None:
    assert result.exit_code == 0, result.log


def test_scheduled_run_commits_once_and_a_rerun_adds_nothing(sim: Simulation) -> None:
    result, workspace = sim.run("schedule", SCHEDULE)
    _assert_ok(result)
    assert sim.pip_log.read_text().splitlines() == [
        f"install --quiet --disable-pip-version-check {ACTION_DIR}"
    ]
    log = sim.git("log", "--format=%s", "devex-metrics").splitlines()
    assert len(log) == 1 and log[0].endswith("[skip ci]")
    out = workspace / "devex-report"
    expected = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert set(sim.git("ls-tree", "-r", "--name-only", "devex-metrics").splitlines()) == expected
    assert {"metrics.json", "report.md", "history.jsonl", "manifest.json"} <= expected

    document = json.loads((out / "metrics.json").read_text())
    assert result.outputs["metrics-path"] == "devex-report/metrics.json"
    assert result.outputs["report-path"] == "devex-report/report.md"
    score = document["health"].get("score")
    assert result.outputs["health-score"] == ("" if score is None else str(score))
    assert set(result.outputs) == {"health-score", "deployment-frequency", "lead-time-hours",
                                   "change-failure-rate", "recovery-time-hours", "report-path",
                                   "metrics-path"}  # fmt: skip
    assert result.summary.startswith((out / "summary.md").read_text())
    assert "report committed to branch `devex-metrics`" in result.summary

    again, _ = sim.run("schedule", SCHEDULE)  # a fresh checkout, the same day, same data
    _assert_ok(again)
    assert len(sim.git("log", "--format=%s", "devex-metrics").splitlines()) == 1
    assert "report unchanged on branch `devex-metrics`" in again.summary


def test_pull_request_comment_is_created_then_updated_in_place(sim: Simulation) -> None:
    planted = sim.gitdata.add_comment(5, f"{MARKER}\ncopied by someone else", STRANGER)
    result, _ = sim.run("pull_request", _pull_request(5))
    _assert_ok(result)
    ours = [c for c in sim.gitdata.comments if c.user == ACTIONS_BOT]
    assert len(ours) == 1 and ours[0].body.startswith(MARKER)
    assert "no review yet" in ours[0].body
    assert sim.git("rev-parse", "--verify", "-q", "devex-metrics") == ""  # PRs never commit

    sim.gitdata.reviews[5] = [Review(REVIEWER, "APPROVED", OPENED + timedelta(hours=2))]
    second, _ = sim.run("pull_request", _pull_request(5))
    _assert_ok(second)
    assert [c.id for c in sim.gitdata.comments if c.user == ACTIONS_BOT] == [ours[0].id]
    assert "| Time to first review | 2.0 h after it was opened |" in ours[0].body
    assert planted.body == f"{MARKER}\ncopied by someone else"


def test_fork_pull_request_gets_a_summary_and_exits_0(sim: Simulation) -> None:
    result, workspace = sim.run("pull_request", _pull_request(6, fork=True), token=FORK_TOKEN)
    _assert_ok(result)
    assert sim.gitdata.comments == []
    assert result.summary.startswith((workspace / "devex-report" / "summary.md").read_text())
    assert "no pull request comment: the token is read-only" in result.summary
    assert "::notice title=devex-metrics::no pull request comment" in result.log


def test_shallow_checkout_fails_first_and_names_the_fix(sim: Simulation) -> None:
    result, _ = sim.run("schedule", SCHEDULE, shallow=True)
    assert result.exit_code == 1 and len(result.steps) == 1
    assert "::error title=devex-metrics::The checkout is shallow" in result.log
    assert "fetch-depth: 0" in result.log
    assert not sim.pip_log.exists()


def test_bad_commit_input_is_refused(sim: Simulation) -> None:
    result, _ = sim.run("schedule", SCHEDULE, commit="yes")
    assert result.exit_code == 2
    assert "The commit input must be auto, true or false." in result.log
    assert sim.git("rev-parse", "--verify", "-q", "devex-metrics") == ""
