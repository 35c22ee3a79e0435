"""The commit onto the report branch, through the Git Data API of a fake GitHub that
writes into a real bare repository, checked with git itself."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from publish_helpers import ACTIONS_TOKEN, BRANCH, USER_TOKEN, Hub, Reports, publish

from devex_metrics.errors import RunError, UsageError
from devex_metrics.publish.files import Destination, blob_sha
from devex_metrics.publish.gitdata import GitDataPublisher

SCHEDULE = {"GITHUB_EVENT_NAME": "schedule"}


def _files(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def test_first_publish_creates_an_orphan_branch_with_one_commit(hub: Hub, out: Path) -> None:
    assert publish(["--out", str(out)], hub.env(**SCHEDULE)) == 0
    assert len(hub.commits()) == 1
    subject = hub.commits()[0]
    assert subject.startswith("devex-metrics report for 2026-01-03 to 2026-01-12")
    assert subject.endswith("[skip ci]")
    assert hub.git("rev-list", "--parents", "-n", "1", BRANCH).count(" ") == 0  # a root commit
    assert hub.files() == _files(out)
    assert hub.show("metrics.json") == (out / "metrics.json").read_text().rstrip("\n")
    # no author or committer fields: GitHub authors (and signs) the commit as the token
    assert hub.gitdata.custom_identity_commits == 0
    assert hub.git("log", "-1", "--format=%an", BRANCH) == "github-actions[bot]"


def test_second_publish_of_the_same_report_adds_no_commit(hub: Hub, out: Path) -> None:
    assert publish(["--out", str(out)], hub.env(**SCHEDULE)) == 0
    before = len(hub.server.requests)
    assert publish(["--out", str(out)], hub.env(**SCHEDULE)) == 0
    assert len(hub.commits()) == 1
    assert [r.method for r in hub.server.requests[before:]] == ["GET", "GET"]  # ref, tree


def test_rerun_differing_only_in_run_time_adds_no_commit(hub: Hub, reports: Reports) -> None:
    first, second = reports["current"], reports["rerun"]
    assert (first / "metrics.json").read_bytes() != (second / "metrics.json").read_bytes()
    assert publish(["--out", str(first)], hub.env(**SCHEDULE)) == 0
    assert publish(["--out", str(second)], hub.env(**SCHEDULE)) == 0
    assert len(hub.commits()) == 1


def test_changed_report_is_one_new_commit_with_only_changed_files(hub: Hub, out: Path) -> None:
    assert publish(["--out", str(out)], hub.env(**SCHEDULE)) == 0
    (out / "report.md").write_text("# changed\n", encoding="utf-8")
    assert publish(["--out", str(out)], hub.env(**SCHEDULE)) == 0
    assert len(hub.commits()) == 2
    changed = hub.git("diff", "--name-only", f"{BRANCH}~1", BRANCH).splitlines()
    assert changed == ["report.md"]
    assert hub.git("rev-parse", f"{BRANCH}~1") == hub.git("rev-list", "--max-parents=0", BRANCH)


def test_path_puts_the_report_in_a_folder_and_keeps_other_files(hub: Hub, out: Path) -> None:
    assert publish(["--out", str(out), "--path", "README-folder"], hub.env(**SCHEDULE)) == 0
    assert publish(["--out", str(out), "--path", "/reports//devex/"], hub.env(**SCHEDULE)) == 0
    files = hub.files()
    assert {f"reports/devex/{name}" for name in _files(out)} <= files
    assert {f"README-folder/{name}" for name in _files(out)} <= files  # kept by base_tree
    assert len(hub.commits()) == 2


def test_branch_from_config_file(hub: Hub, out: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text("publish:\n  branch: metrics/weekly\n  path: site\n", encoding="utf-8")
    assert publish(["--out", str(out), "--config", str(config)], hub.env(**SCHEDULE)) == 0
    assert "site/metrics.json" in hub.files("metrics/weekly")


@pytest.mark.parametrize(
    "folder",
    [".github/workflows", ".GitHub/Workflows/sub", "x/../.github/workflows", "../outside", ".git"],
    ids=["workflows", "workflows-any-case", "workflows-via-dotdot", "escapes-root", "git-dir"],
)
def test_refuses_paths_it_must_never_write(hub: Hub, out: Path, folder: str) -> None:
    assert publish(["--out", str(out), "--path", folder], hub.env(**SCHEDULE)) == 2
    assert hub.commits() == [] and hub.server.requests == []


def test_refuses_a_workflow_file_inside_out(hub: Hub, out: Path) -> None:
    (out / ".github" / "workflows").mkdir(parents=True)
    (out / ".github" / "workflows" / "evil.yml").write_text("on: push\n", encoding="utf-8")
    assert publish(["--out", str(out)], hub.env(**SCHEDULE)) == 2
    assert hub.commits() == []


def test_history_on_the_branch_is_merged_not_replaced(hub: Hub, reports: Reports) -> None:
    older, newer = reports["older"], reports["current"]
    assert publish(["--out", str(older)], hub.env(**SCHEDULE)) == 0
    assert publish(["--out", str(newer)], hub.env(**SCHEDULE)) == 0  # a fresh --out
    ends = [json.loads(line)["window_end"] for line in hub.show("history.jsonl").splitlines()]
    assert ends == ["2026-01-06T00:00:00Z", "2026-01-13T00:00:00Z"]
    manifest = json.loads(hub.show("manifest.json"))
    entry = next(f for f in manifest["files"] if f["path"] == "history.jsonl")
    committed = (hub.show("history.jsonl") + "\n").encode()
    assert entry["bytes"] == len(committed)  # the evidence record matches what is committed


def test_binary_file_goes_up_as_a_base64_blob(hub: Hub, out: Path) -> None:
    (out / "charts").mkdir(exist_ok=True)
    (out / "charts" / "raw.bin").write_bytes(bytes(range(256)))
    assert publish(["--out", str(out)], hub.env(**SCHEDULE)) == 0
    posted = [r.path for r in hub.server.requests if r.method == "POST"]
    assert posted.count("/repos/octo/app/git/blobs") == 1
    assert hub.git("rev-parse", f"{BRANCH}:charts/raw.bin") == blob_sha(bytes(range(256)))


def test_truncated_tree_listing_walks_to_the_folder(hub: Hub, out: Path) -> None:
    assert publish(["--out", str(out), "--path", "a/b"], hub.env(**SCHEDULE)) == 0
    assert publish(["--out", str(out), "--path", "elsewhere"], hub.env(**SCHEDULE)) == 0
    folder_entries = len(hub.git("ls-tree", "-r", "-t", f"{BRANCH}:a/b").splitlines())
    hub.gitdata.tree_limit = folder_entries  # the branch's listing is cut, the folder's is not
    publisher = GitDataPublisher(hub.api(), Destination(BRANCH, "a/b"))
    head = publisher.read_head()
    assert head is not None and set(head.blobs) == {f"a/b/{name}" for name in _files(out)}


def test_user_token_commit_is_authored_by_that_user(hub: Hub, out: Path) -> None:
    assert publish(["--out", str(out), "--commit", "always"], hub.env(USER_TOKEN)) == 0
    assert hub.git("log", "-1", "--format=%an", BRANCH) == "octocat"


def test_gives_up_after_bounded_retries_without_forcing(hub: Hub, out: Path) -> None:
    publisher = GitDataPublisher(hub.api(ACTIONS_TOKEN), Destination(BRANCH), sleep=lambda _: None,
                                 max_retries=2)  # fmt: skip
    assert publisher.publish({"a.txt": b"1\n"}, "first [skip ci]").status == "created"

    def racing_read() -> object:
        head = GitDataPublisher.read_head(publisher)
        other = GitDataPublisher(hub.api(ACTIONS_TOKEN), Destination(BRANCH))
        other.publish({"b.txt": str(len(hub.commits())).encode()}, "rival [skip ci]")
        return head  # stale: the rival moved the branch after this read

    publisher.read_head = racing_read  # type: ignore[method-assign]
    with pytest.raises(RunError, match="kept moving"):
        publisher.publish({"a.txt": b"2\n"}, "mine [skip ci]")
    statuses = [status for _, _, status in hub.gitdata.ref_updates]
    assert statuses.count(422) == 3  # every attempt refused as a non-fast-forward
    assert "mine [skip ci]" not in hub.commits()  # nothing overwritten, nothing forced


def test_missing_out_is_a_usage_error(hub: Hub, tmp_path: Path) -> None:
    assert publish(["--out", str(tmp_path / "nope")], hub.env(**SCHEDULE)) == 2


def test_symlink_in_out_is_refused(hub: Hub, out: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not publish\n", encoding="utf-8")
    (out / "link.txt").symlink_to(secret)
    assert publish(["--out", str(out)], hub.env(**SCHEDULE)) == 2


def test_place_checks_every_final_path() -> None:
    from devex_metrics.publish.files import place

    with pytest.raises(UsageError, match=r"\.github/workflows"):
        place({"workflows/ci.yml": b""}, Destination(BRANCH, ".github"))
    assert place({"x.md": b""}, Destination(BRANCH, ".github/reports")) == {
        ".github/reports/x.md": b""
    }


def test_copy_of_out_is_unchanged_by_publish(hub: Hub, out: Path, tmp_path: Path) -> None:
    before = tmp_path / "before"
    shutil.copytree(out, before)
    assert publish(["--out", str(out)], hub.env(**SCHEDULE)) == 0
    assert {p: (out / p).read_bytes() for p in _files(out)} == {
        p: (before / p).read_bytes() for p in _files(before)
    }
