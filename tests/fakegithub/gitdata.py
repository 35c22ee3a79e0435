"""The fake GitHub's write side for publish, backed by a **real bare git repository**:
the Git Data API and refs here; `GET /user`, issue comments, reviews and pulls in
`conversations` (mixed in).

Mount it on a `FakeGitHub` (`server.mount(GitDataApi(...))`). Objects are written
with git itself (`hash-object -w`, `update-index` on a scratch index + `write-tree`,
`commit-tree`), and refs move with `git update-ref <ref> <new> <old>`, a
compare-and-swap, after a fast-forward check (`merge-base --is-ancestor`): two
publishes that read the same head really conflict, as on GitHub (422 "Update is
not a fast forward"). Tests then inspect the bare repository with plain git.

Payloads are GitHub's: responses are rendered from the examples of GitHub's REST
description (``tests/data/github/rest-subset.json``) with the fields that matter
overridden, and every request body is validated against that description's
request schema — an invalid body gets GitHub's 422 and is recorded in
`invalid_requests`, so a test can assert the product never sent one.

Tokens map to `Account`s: a user token (`GET /user` answers), an installation
token like Actions' `GITHUB_TOKEN` (`GET /user` answers 403 "Resource not
accessible by integration", its comments are by a `Bot`), and read-only tokens
(every write answers that same 403, as for a pull request from a fork).
"""

from __future__ import annotations

import base64
import json
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fakegithub.conversations import (
    ACTIONS_BOT,
    API,
    FORBIDDEN,
    READ_ONLY_BOT,
    STRANGER,
    TEMPLATES,
    USER,
    Account,
    Comment,
    ConversationRoutes,
    Review,
    invalid,
    pull_payload,
    request_problem,
    route_shape,
    user_payload,
)
from fakegithub.gitobjects import Git, commit_payload
from fakegithub.rest import NOT_FOUND
from fakegithub.server import Response

__all__ = [
    "ACTIONS_BOT",
    "READ_ONLY_BOT",
    "STRANGER",
    "USER",
    "Account",
    "Comment",
    "GitDataApi",
    "Review",
    "pull_payload",
    "user_payload",
]


@dataclass
class GitDataApi(ConversationRoutes):
    """Routes for one repository (`full_name`) backed by the bare repository `bare`."""

    bare: Path
    full_name: str = "octo/app"
    accounts: dict[str, Account] = field(default_factory=lambda: {"test-token": USER})
    clock: Callable[[], float] = time.time
    tree_limit: int | None = None  # truncate recursive listings beyond this many entries
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    reviews: dict[int, list[Review]] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)
    invalid_requests: list[str] = field(default_factory=list)
    custom_identity_commits: int = 0
    ref_updates: list[tuple[str, str, int]] = field(default_factory=list)  # (ref, sha, status)
    host: str = "127.0.0.1"

    def __post_init__(self) -> None:
        if not (self.bare / "HEAD").exists():
            subprocess.run(["git", "init", "-q", "--bare", str(self.bare)], check=True)
        self.git = Git(self.bare)
        self._lock = threading.Lock()

    @property
    def tokens(self) -> set[str]:
        return set(self.accounts)

    # -- routing ----------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> Response | None:
        account = self.accounts.get(headers.get("authorization", "").removeprefix("token "))
        parts = path.strip("/").split("/")
        if parts == ["user"] and method == "GET":
            return self._user(account)
        if parts[:3] != ["repos", *self.full_name.split("/")] or account is None:
            return None
        route = parts[3:]
        payload = json.loads(body) if body else {}
        self.host = headers.get("host", "127.0.0.1")
        with self._lock:
            return self._route(method, route, query, payload, account)

    def _route(
        self, method: str, route: list[str], query: dict[str, str], payload: Any, account: Account
    ) -> Response | None:
        key = (method, *route[:2])
        template = TEMPLATES.get((method, route_shape(route)))
        if template is not None and method in ("POST", "PATCH"):
            problem = request_problem(template, method.lower(), payload)
            if problem:
                self.invalid_requests.append(f"{method} {'/'.join(route)}: {problem}")
                return Response(
                    422,
                    {
                        "message": f"Invalid request.\n\n{problem}",
                        "documentation_url": "https://docs.github.com/rest",
                    },
                )
            if not account.can_write:
                return Response(403, FORBIDDEN)
        handlers: dict[tuple[str, ...], Callable[[], Response]] = {
            ("GET", "git", "ref"): lambda: self._get_ref("/".join(route[2:])),
            ("POST", "git", "refs"): lambda: self._create_ref(payload),
            ("PATCH", "git", "refs"): lambda: self._update_ref("/".join(route[2:]), payload),
            ("GET", "git", "trees"): lambda: self._get_tree(route[2], "recursive" in query),
            ("POST", "git", "trees"): lambda: self._create_tree(payload),
            ("GET", "git", "blobs"): lambda: self._get_blob(route[2]),
            ("POST", "git", "blobs"): lambda: self._create_blob(payload),
            ("POST", "git", "commits"): lambda: self._create_commit(payload, account),
        }
        if key in handlers:
            return handlers[key]()
        return self._issues_and_pulls(method, route, query, payload, account)

    def _ref_payload(self, ref: str, sha: str) -> dict[str, Any]:
        base = f"{API}/repos/{self.full_name}/git"
        return {
            "ref": ref,
            "node_id": f"REF_{ref}",
            "url": f"{base}/{ref}",
            "object": {"type": "commit", "sha": sha, "url": f"{base}/commits/{sha}"},
        }

    def _get_ref(self, name: str) -> Response:
        ref = f"refs/{name}"
        sha = self.git.resolve(ref, "commit") if name.startswith("heads/") else None
        return Response(200, self._ref_payload(ref, sha)) if sha else Response(404, NOT_FOUND)

    def _create_ref(self, payload: dict[str, Any]) -> Response:
        ref, sha = payload["ref"], payload["sha"]
        if not ref.startswith("refs/") or ref.count("/") < 2:
            return invalid("ref must start with 'refs' and have at least two slashes")
        if self.git.resolve(sha, "commit") is None:
            return invalid("Object does not exist")
        ok = self.git.ok("update-ref", ref, sha, "")  # "" as the old value: must not exist
        self.ref_updates.append((ref, sha, 201 if ok else 422))
        if not ok:
            return invalid("Reference already exists")
        return Response(201, self._ref_payload(ref, sha))

    def _update_ref(self, name: str, payload: dict[str, Any]) -> Response:
        ref, new = f"refs/{name}", payload["sha"]
        old = self.git.resolve(ref, "commit")
        if old is None:
            return invalid("Reference does not exist")
        if self.git.resolve(new, "commit") is None:
            return invalid("Object does not exist")
        fast_forward = self.git.ok("merge-base", "--is-ancestor", old, new)
        if not fast_forward and not payload.get("force"):
            self.ref_updates.append((ref, new, 422))
            return invalid("Update is not a fast forward")
        ok = self.git.ok("update-ref", ref, new, old)  # compare-and-swap on the old value
        self.ref_updates.append((ref, new, 200 if ok else 422))
        return (
            Response(200, self._ref_payload(ref, new))
            if ok
            else invalid("Update is not a fast forward")
        )

    # -- objects ----------------------------------------------------------------------

    def _tree_entries(self, tree: str, recursive: bool) -> list[dict[str, Any]]:
        args = ["ls-tree", "-l", "-z", *(["-r", "-t"] if recursive else []), tree]
        entries = []
        for line in self.git(*args).split("\0"):
            if not line:
                continue
            meta, path = line.split("\t", 1)
            mode, kind, sha, size = meta.split()
            entry: dict[str, Any] = {
                "path": path,
                "mode": mode,
                "type": kind,
                "sha": sha,
                "url": f"{API}/repos/{self.full_name}/git/{kind}s/{sha}",
            }
            if kind == "blob":
                entry["size"] = int(size)
            entries.append(entry)
        return entries

    def _tree_payload(self, tree: str, recursive: bool) -> dict[str, Any]:
        entries = self._tree_entries(tree, recursive)
        truncated = self.tree_limit is not None and recursive and len(entries) > self.tree_limit
        if truncated:
            entries = entries[: self.tree_limit]
        url = f"{API}/repos/{self.full_name}/git/trees/{tree}"
        return {"sha": tree, "url": url, "tree": entries, "truncated": truncated}

    def _get_tree(self, name: str, recursive: bool) -> Response:
        tree = self.git.resolve(name, "tree")
        return (
            Response(200, self._tree_payload(tree, recursive)) if tree else Response(404, NOT_FOUND)
        )

    def _hash(self, data: bytes) -> str:
        return self.git("hash-object", "-w", "--stdin", data=data).strip()

    def _create_blob(self, payload: dict[str, Any]) -> Response:
        content = str(payload["content"])
        data = (
            base64.b64decode(content) if payload.get("encoding") == "base64" else content.encode()
        )
        sha = self._hash(data)
        return Response(201, {"url": f"{API}/repos/{self.full_name}/git/blobs/{sha}", "sha": sha})

    def _get_blob(self, sha: str) -> Response:
        if self.git.resolve(sha, "blob") is None:
            return Response(404, NOT_FOUND)
        data = self.git.blob(sha)
        return Response(
            200,
            {
                "content": base64.encodebytes(data).decode(),
                "encoding": "base64",
                "url": f"{API}/repos/{self.full_name}/git/blobs/{sha}",
                "sha": sha,
                "size": len(data),
                "node_id": f"B_{sha}",
            },
        )

    def _create_tree(self, payload: dict[str, Any]) -> Response:
        base = payload.get("base_tree")
        if base is not None and self.git.resolve(base, "tree") is None:
            return invalid("base_tree is not a valid tree")
        entries = payload["tree"]
        for entry in entries:
            if "content" in entry and entry.get("sha") is not None:
                return invalid("Must supply either tree.sha or tree.content, not both")
            if entry.get("type") != "blob":
                return invalid("this fake writes blobs only")
        with tempfile.TemporaryDirectory() as scratch:
            inline = [e for e in entries if "content" in e]
            paths = []
            for index, entry in enumerate(inline):  # one `hash-object -w` for all contents
                paths.append(Path(scratch) / f"content-{index}")
                paths[-1].write_bytes(str(entry["content"]).encode())
            shas = self.git("hash-object", "-w", "--", *map(str, paths)).split() if paths else []
            written = dict(zip(map(id, inline), shas, strict=True))
            lines = []
            for entry in entries:
                sha = written.get(id(entry)) or entry.get("sha")  # `sha: null` deletes the path
                mode = entry["mode"] if sha else "0"
                lines.append(f"{mode} {sha or '0' * 40}\t{entry['path']}\n")
            env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
            self.git("read-tree", *([base] if base else ["--empty"]), env=env)
            self.git("update-index", "--index-info", data="".join(lines).encode(), env=env)
            tree = self.git("write-tree", env=env).strip()
        return Response(201, self._tree_payload(tree, recursive=False))

    def _create_commit(self, payload: dict[str, Any], account: Account) -> Response:
        custom = "author" in payload or "committer" in payload
        self.custom_identity_commits += int(custom)
        tree = self.git.resolve(payload["tree"], "tree")
        parents = [self.git.resolve(p, "commit") for p in payload.get("parents", [])]
        if tree is None or None in parents:
            return invalid(
                "Tree SHA does not exist" if tree is None else "Parent SHA does not exist"
            )
        when = f"{int(self.clock())} +0000"
        email = f"{account.id}+{account.login}@users.noreply.github.com"
        env = {
            "GIT_AUTHOR_NAME": account.login,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_NAME": "GitHub",
            "GIT_COMMITTER_EMAIL": "noreply@github.com",
            "GIT_COMMITTER_DATE": when,
        }
        args = ["commit-tree", tree, *[a for p in parents for a in ("-p", str(p))], "-F", "-"]
        sha = self.git(*args, data=str(payload["message"]).encode(), env=env).strip()
        body = commit_payload(self.full_name, sha, tree, parents, payload, account, custom,
                              self.clock())  # fmt: skip
        return Response(201, body)
