"""What publish writes where: the files of `--out`, the folder on the report branch,
and the paths it refuses.

Invariants:
- a file's path on the branch is ``<folder>/<path in --out>``, in `/` form; the
  folder is normalised (no leading, trailing or doubled slashes) and may not
  escape the repository root (``..``) or name a `.git` component;
- nothing is ever written under `.github/workflows/` (case-insensitively, since
  GitHub treats that folder specially on case-insensitive checkouts too): a
  workflow written by a token would run with that token's permissions, so the
  refusal is checked on every final path, not only on the folder;
- `--out` is read as it is: regular files only; symbolic links are refused rather
  than followed, so a link cannot publish a file from outside the report.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from devex_metrics.errors import UsageError

FORBIDDEN_PREFIX = (".github", "workflows")


@dataclass(frozen=True)
class Destination:
    """The report branch and the folder on it (``""`` is the branch's root)."""

    branch: str
    folder: str = ""

    def path_of(self, relative: str) -> str:
        return f"{self.folder}/{relative}" if self.folder else relative

    def relative(self, path: str) -> str | None:
        """`path` relative to the folder, or None when it lies outside it."""
        if not self.folder:
            return path
        prefix = self.folder + "/"
        return path[len(prefix) :] if path.startswith(prefix) else None


def normalise_folder(folder: str) -> str:
    """``"/reports//devex/"`` → ``"reports/devex"``; exit 2 for an escaping folder."""
    parts = [part for part in folder.replace("\\", "/").split("/") if part not in ("", ".")]
    if any(part == ".." for part in parts):
        raise UsageError(
            f"--path {folder!r} climbs out of the repository ('..'). "
            "Use a folder inside the report branch, e.g. --path reports/devex."
        )
    return "/".join(parts)


def check_branch_name(branch: str) -> str:
    """A plausible branch name (git's own rules are enforced by GitHub); exit 2 otherwise."""
    name = branch.strip().removeprefix("refs/heads/")
    bad = (
        not name
        or name.startswith(("-", "/"))
        or name.endswith(("/", ".lock", "."))
        or any(text in name for text in ("..", "//", "@{", "\\", " ", "~", "^", ":", "?", "*", "["))
    )
    if bad:
        raise UsageError(
            f"--branch {branch!r} is not a valid branch name. Use a name such as "
            "devex-metrics (set publish.branch in the config file or the branch input)."
        )
    return name


def check_path(path: str) -> None:
    """Refuse a final path under `.github/workflows/`, with `..`, or inside `.git` (exit 2)."""
    parts = PurePosixPath(path).parts
    lowered = tuple(part.lower() for part in parts)
    if not parts or path.startswith("/") or ".." in parts or ".git" in lowered:
        raise UsageError(f"refusing to publish {path!r}: it leaves the report folder.")
    if lowered[: len(FORBIDDEN_PREFIX)] == FORBIDDEN_PREFIX:
        raise UsageError(
            f"refusing to publish {path!r}: devex-metrics never writes under "
            ".github/workflows/ (a workflow file would run with the token's permissions). "
            "Pick another --path (publish.path in the config file)."
        )


def read_out_dir(out: Path) -> dict[str, bytes]:
    """Every regular file under `out`, keyed by its `/` path relative to `out`."""
    if not out.is_dir():
        raise UsageError(
            f"--out {out}: no such folder. Run `devex-metrics report --out {out}` first."
        )
    files: dict[str, bytes] = {}
    for path in sorted(out.rglob("*")):
        relative = path.relative_to(out).as_posix()
        if path.is_symlink():
            raise UsageError(f"--out {out}: {relative} is a symbolic link; publish only "
                             "writes regular files. Remove the link.")  # fmt: skip
        if path.is_file():
            files[relative] = path.read_bytes()
    if not files:
        raise UsageError(f"--out {out} is empty. Run `devex-metrics report --out {out}` first.")
    return files


def place(files: Mapping[str, bytes], destination: Destination) -> dict[str, bytes]:
    """The files keyed by their path on the branch, each checked by `check_path`."""
    placed = {destination.path_of(relative): content for relative, content in files.items()}
    for path in placed:
        check_path(path)
    return placed


def blob_sha(content: bytes) -> str:
    """The git object id of a blob: what GitHub would call this file's `sha`."""
    header = f"blob {len(content)}\0".encode()
    return hashlib.sha1(header + content, usedforsecurity=False).hexdigest()


def as_text(content: bytes) -> str | None:
    """The UTF-8 text of a file, or None for bytes that must go up as a base64 blob."""
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return None
