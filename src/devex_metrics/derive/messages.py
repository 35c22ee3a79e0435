"""What commit messages say: revert references, AI trailers, merged branch names.

Pure string functions over `Commit.message`; the formats are git's own (`git
revert`, `git merge`) and GitHub's (`Merge pull request #N from owner/branch`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

REVERT = re.compile(r"This reverts commit ([0-9a-fA-F]{7,40})\b")
_TRAILER = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*?)\s*$", re.MULTILINE)
_ANGLE_EMAIL = re.compile(r"<([^<>\s]+@[^<>\s]+)>")
_MERGE_SUBJECTS = (
    re.compile(r"^Merge pull request #\d+ from [^/\s]+/(\S+)"),
    re.compile(r"^Merge branch '([^']+)'"),
    re.compile(r"^Merge remote-tracking branch '[^/']+/([^']+)'"),
)


_REVERT_MARK = "This reverts commit "
_TRAILER_MARKS = ("co-authored-by", "assisted-by", "ai-assisted", "replit-commit-author")


def reverted_prefixes(message: str) -> list[str]:
    """Hex prefixes (7–40 chars, lowercased) named by `This reverts commit <sha>`."""
    if _REVERT_MARK not in message:
        return []
    return [m.lower() for m in REVERT.findall(message)]


def is_revert(message: str) -> bool:
    return _REVERT_MARK in message and REVERT.search(message) is not None


def merged_branch(subject: str) -> str | None:
    """The branch a merge commit's subject names, or None."""
    for pattern in _MERGE_SUBJECTS:
        match = pattern.match(subject)
        if match:
            return match.group(1)
    return None


def has_ai_trailer(message: str, is_ai_email: Callable[[str], bool]) -> bool:
    """An AI co-author or assistance trailer (SPEC §6): `Co-authored-by` with a known
    agent email, `Assisted-by:`, `Ai-assisted: true`, `Replit-Commit-Author:`."""
    lowered = message.lower()
    if not any(mark in lowered for mark in _TRAILER_MARKS):
        return False  # the common case, decided without a regex
    for key, value in _TRAILER.findall(message):
        name = key.lower()
        if name == "co-authored-by":
            if any(is_ai_email(e) for e in _ANGLE_EMAIL.findall(value)):
                return True
        elif name == "assisted-by" or name == "replit-commit-author":
            if value:
                return True
        elif name == "ai-assisted" and value.lower() == "true":
            return True
    return False
