"""Concurrent publishes against one branch (a matrix of jobs, or overlapping runs): the
ref only moves as a fast forward, losers re-read and merge history, nobody's window
is lost, nothing is forced."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import datetime, timedelta
from pathlib import Path

from publish_helpers import BRANCH, Hub, Reports

from devex_metrics.publish.files import Destination, read_out_dir
from devex_metrics.publish.gitdata import CommitOutcome, GitDataPublisher, Head

RUNS = 5


def _variant(files: dict[str, bytes], index: int) -> dict[str, bytes]:
    """The report with its single history line moved to a window of its own."""
    entry = json.loads(files["history.jsonl"])
    end = datetime.fromisoformat(entry["window_end"].replace("Z", "+00:00"))
    entry["window_end"] = (end + timedelta(days=7 * index)).isoformat().replace("+00:00", "Z")
    history = json.dumps(entry, sort_keys=True, separators=(",", ":")) + "\n"
    return {**files, "history.jsonl": history.encode(), "report.md": f"# run {index}\n".encode()}


def test_five_racing_publishes_keep_all_five_history_lines(
    hub: Hub, reports: Reports, tmp_path: Path
) -> None:
    base = read_out_dir(reports.copy("current", tmp_path / "out"))
    barrier = threading.Barrier(RUNS)
    outcomes: list[CommitOutcome] = []
    errors: list[BaseException] = []

    def run(index: int) -> None:
        publisher = GitDataPublisher(hub.api(), Destination(BRANCH), backoff=0.02)
        first_read = [True]
        plain_read = publisher.read_head

        def read_head() -> Head | None:
            head = plain_read()
            if first_read[0]:  # everyone reads the same (empty) branch before anyone writes
                first_read[0] = False
                barrier.wait(timeout=30)
            return head

        publisher.read_head = read_head  # type: ignore[method-assign]
        try:
            outcomes.append(publisher.publish(_variant(base, index), f"run {index} [skip ci]"))
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(o.status for o in outcomes) == ["created"] * RUNS
    assert any(o.attempts > 1 for o in outcomes)  # they really raced

    assert len(hub.commits()) == RUNS  # one commit per run, in a line (no merge, no force)
    assert hub.git("rev-list", "--merges", BRANCH) == ""
    statuses = [status for _, _, status in hub.gitdata.ref_updates]
    assert statuses.count(422) >= RUNS - 1  # the losers of the first round were refused
    history = hub.show("history.jsonl") + "\n"
    assert len(history.splitlines()) == RUNS
    ends = [json.loads(line)["window_end"] for line in history.splitlines()]
    assert ends == sorted(ends) and len(set(ends)) == RUNS
    manifest = json.loads(hub.show("manifest.json"))
    entry = next(f for f in manifest["files"] if f["path"] == "history.jsonl")
    assert entry["sha256"] == hashlib.sha256(history.encode()).hexdigest()
