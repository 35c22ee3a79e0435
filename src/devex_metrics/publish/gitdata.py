"""One commit onto the report branch through GitHub's Git Data API (SPEC §10).

The flow: read the branch head (`GET git/ref`, then the head's tree, recursively,
in one `GET git/trees/{commit}?recursive=1`) → merge `history.jsonl` with the
branch's → write one tree holding only the files that changed, on top of the
head's tree (`base_tree`), so files outside the folder, and unchanged files, are
kept as they are → one commit with the head as its parent (no parent for a new,
orphan branch) → move the branch with `force: false`.

Why this shape:
- **Verified and checkout-free.** The commit names no author or committer, so
  GitHub authors it as the token's identity and signs it (a "Verified" badge for
  the Actions token and for GitHub Apps); no clone or push is needed.
- **Few requests, few content writes.** Text files (every output of `report`) go
  into the tree request as `content`, so GitHub writes their blobs itself: one
  request instead of one per file, which also keeps a matrix of publishes far
  below GitHub's secondary limit on content-creating requests (80 a minute).
  Only a file that is not UTF-8 goes up as a base64 blob first. Unchanged files
  are recognised locally by their git blob sha and not sent at all.
- **Never a lost update, never a force push.** The ref moves only as a fast
  forward. When another run moved it first (422 "Update is not a fast forward",
  or "Reference already exists" for a branch created meanwhile), publish re-reads
  the branch, merges history again and retries, up to `MAX_RETRIES` times with
  jittered exponential backoff.
- **Nothing to say, nothing committed.** When every file already has the
  branch's bytes, or differs only by the run time (see `reconcile`), or the new
  tree equals the head's tree, no commit is made.
"""

from __future__ import annotations

import base64
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from devex_metrics.errors import RunError
from devex_metrics.publish import reconcile
from devex_metrics.publish.api import Api, GitHubStatusError, quote_ref
from devex_metrics.publish.files import Destination, as_text, blob_sha, place

log = logging.getLogger(__name__)

MAX_RETRIES = 5
BACKOFF_BASE_SECONDS = 1.0
_CONFLICTS = ("not a fast forward", "reference already exists", "reference does not exist")
FILE_MODE = "100644"


@dataclass(frozen=True)
class Head:
    """The branch tip: its commit, its root tree, and the blobs under the folder."""

    commit: str
    tree: str
    blobs: Mapping[str, str]  # path on the branch → blob sha


@dataclass(frozen=True)
class CommitOutcome:
    status: Literal["created", "unchanged"]
    commit: str | None  # the new commit, or the head left as it was (None: no branch)
    attempts: int
    changed_files: int


class ConflictError(Exception):
    """Another run moved the branch between our read and our update."""


class GitDataPublisher:
    """Publishes a report folder's files onto `destination` of the client's repository."""

    def __init__(
        self,
        api: Api,
        destination: Destination,
        *,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        max_retries: int = MAX_RETRIES,
        backoff: float = BACKOFF_BASE_SECONDS,
    ) -> None:
        self.api, self.destination = api, destination
        self._sleep, self._jitter = sleep, jitter
        self.max_retries, self.backoff = max_retries, backoff

    # -- reading --------------------------------------------------------------------

    def read_head(self) -> Head | None:
        """The branch tip, or None when the branch does not exist yet."""
        try:
            ref = self.api.get(
                self.api.repo_path(f"git/ref/heads/{quote_ref(self.destination.branch)}")
            )
        except GitHubStatusError as error:
            if error.status == 404:
                return None
            raise
        commit = str(ref["object"]["sha"])
        tree = self.api.get(self.api.repo_path(f"git/trees/{commit}"), {"recursive": "1"})
        if tree.get("truncated"):
            return Head(commit, str(tree["sha"]), self._folder_blobs(str(tree["sha"])))
        return Head(commit, str(tree["sha"]), self._blobs(tree, ""))

    def _blobs(self, tree: Mapping[str, Any], prefix: str) -> dict[str, str]:
        """Blobs of a (recursive) tree listing under the folder, by full path."""
        blobs: dict[str, str] = {}
        for entry in tree.get("tree", []):
            path = f"{prefix}{entry['path']}"
            if entry.get("type") == "blob" and self.destination.relative(path) is not None:
                blobs[path] = str(entry["sha"])
        return blobs

    def _folder_blobs(self, root: str) -> dict[str, str]:
        """A branch too large for one recursive listing: walk down to the folder, then
        list only the folder recursively."""
        sha, prefix = root, ""
        for part in [p for p in self.destination.folder.split("/") if p]:
            listing = self.api.get(self.api.repo_path(f"git/trees/{sha}"))
            found = [
                e for e in listing.get("tree", []) if e["path"] == part and e["type"] == "tree"
            ]
            if not found:
                return {}
            sha, prefix = str(found[0]["sha"]), f"{prefix}{part}/"
        tree = self.api.get(self.api.repo_path(f"git/trees/{sha}"), {"recursive": "1"})
        if tree.get("truncated"):
            raise RunError(
                f"the report folder on branch {self.destination.branch} holds too many files "
                "for GitHub's tree listing. Publish to a new --branch or --path."
            )
        return self._blobs(tree, prefix)

    def read_blob(self, sha: str) -> bytes:
        blob = self.api.get(self.api.repo_path(f"git/blobs/{sha}"))
        return base64.b64decode(str(blob.get("content", "")))

    # -- writing --------------------------------------------------------------------

    def publish(self, files: Mapping[str, bytes], message: str) -> CommitOutcome:
        """Commit `files` (paths relative to the folder) in one commit; retry on conflicts."""
        place(files, self.destination)  # refuse bad paths before the first request
        for attempt in range(1, self.max_retries + 2):
            head = self.read_head()
            try:
                return self._attempt(files, head, message, attempt)
            except GitHubStatusError as error:
                if error.status not in (403, 404):
                    raise
                raise RunError(
                    f"cannot write to branch {self.destination.branch}: {error}. The token "
                    "needs `contents: write` (job permissions); a pull request from a fork "
                    "never gets it, so commit only on schedule or workflow_dispatch runs."
                ) from None
            except ConflictError as conflict:
                if attempt > self.max_retries:
                    raise RunError(
                        f"branch {self.destination.branch} kept moving under concurrent runs "
                        f"({attempt} attempts, last: {conflict}). Nothing was overwritten; "
                        "re-run the job, or serialise runs with a `concurrency:` group."
                    ) from None
                delay = self.backoff * 2 ** (attempt - 1) * (0.5 + self._jitter())
                log.info("branch %s moved (%s): retrying in %.1fs",
                         self.destination.branch, conflict, delay)  # fmt: skip
                self._sleep(delay)
        raise AssertionError("unreachable")

    def _attempt(
        self, files: Mapping[str, bytes], head: Head | None, message: str, attempt: int
    ) -> CommitOutcome:
        files = self._reconciled(files, head)
        placed = place(files, self.destination)
        known = head.blobs if head else {}
        changed = {path: content for path, content in placed.items()
                   if known.get(path) != blob_sha(content)}  # fmt: skip
        if head is not None and (not changed or self._same_report(files, head)):
            return CommitOutcome("unchanged", head.commit, attempt, 0)
        tree = self._write_tree(changed, head)
        if head is not None and tree == head.tree:
            return CommitOutcome("unchanged", head.commit, attempt, 0)
        commit = self.api.write("POST", self.api.repo_path("git/commits"), {
            "message": message, "tree": tree, "parents": [head.commit] if head else [],
        })["sha"]  # fmt: skip
        self._move_branch(head, str(commit))
        return CommitOutcome("created", str(commit), attempt, len(changed))

    def _reconciled(self, files: Mapping[str, bytes], head: Head | None) -> dict[str, bytes]:
        """`files` with the branch's history merged in (when the branch has one that differs)."""
        theirs_sha = head.blobs.get(self.destination.path_of(reconcile.HISTORY)) if head else None
        ours = files.get(reconcile.HISTORY)
        if theirs_sha is None or ours is None or theirs_sha == blob_sha(ours):
            return dict(files)
        try:
            return reconcile.with_history(files, self.read_blob(theirs_sha))
        except ValueError as error:
            raise RunError(
                f"{self.destination.path_of(reconcile.HISTORY)} on branch "
                f"{self.destination.branch}: {error}"
            ) from None

    def _same_report(self, files: Mapping[str, bytes], head: Head) -> bool:
        """Whether this run differs from the branch only by its run time (`reconcile`)."""
        new = reconcile.generated_at(files.get(reconcile.METRICS))
        old_sha = head.blobs.get(self.destination.path_of(reconcile.METRICS))
        if new is None or old_sha is None:
            return False
        placed = place(files, self.destination)
        for path, content in placed.items():
            if head.blobs.get(path) != blob_sha(content) and not (
                reconcile.mentions(content, new) or path.endswith(reconcile.MANIFEST)
            ):
                return False  # a file without the run time changed: a real change
        old = reconcile.generated_at(self.read_blob(old_sha))
        if old is None or old == new:
            return False
        restamped = place(reconcile.restamp(files, new, old), self.destination)
        return all(head.blobs.get(path) == blob_sha(c) for path, c in restamped.items())

    def _write_tree(self, changed: Mapping[str, bytes], head: Head | None) -> str:
        entries: list[dict[str, str]] = []
        for path, content in sorted(changed.items()):
            entry = {"path": path, "mode": FILE_MODE, "type": "blob"}
            text = as_text(content)
            if text is not None:
                entry["content"] = text
            else:
                blob = self.api.write("POST", self.api.repo_path("git/blobs"), {
                    "content": base64.b64encode(content).decode("ascii"), "encoding": "base64",
                })  # fmt: skip
                entry["sha"] = str(blob["sha"])
            entries.append(entry)
        payload: dict[str, Any] = {"tree": entries}
        if head is not None:
            payload["base_tree"] = head.tree
        return str(self.api.write("POST", self.api.repo_path("git/trees"), payload)["sha"])

    def _move_branch(self, head: Head | None, commit: str) -> None:
        branch = self.destination.branch
        try:
            if head is None:
                self.api.write("POST", self.api.repo_path("git/refs"),
                               {"ref": f"refs/heads/{branch}", "sha": commit})  # fmt: skip
            else:
                self.api.write("PATCH", self.api.repo_path(f"git/refs/heads/{quote_ref(branch)}"),
                               {"sha": commit, "force": False})  # fmt: skip
        except GitHubStatusError as error:
            text = str(error).lower()
            if error.status in (409, 422) and any(hint in text for hint in _CONFLICTS):
                raise ConflictError(str(error)) from None
            raise RunError(
                f"GitHub refused to move branch {branch}: {error}. Check that the token may "
                "write contents (permissions: contents: write) and that no branch protection "
                "rule covers the report branch."
            ) from None
