"""CODEOWNERS pattern matching: which rule owns a path (pure).

GitHub matches CODEOWNERS patterns like gitignore patterns, with its own reading of
a few cases (its "About code owners" examples, and the de-facto reference
implementation github.com/hmarr/codeowners, whose regex construction this
follows):

- a pattern with no `/` but a trailing one (`*.js`, `apps/`) matches at any
  depth; any other `/` anchors it at the repository root (`docs/*`, `/build/`);
- a trailing `/` matches everything under a directory (`/build/logs/`); a last
  segment that is a name also matches everything under it (`/apps/github`), but a
  lone `*` last segment matches one level only (`docs/*` owns `docs/a.md`, not
  `docs/x/a.md`, unlike gitignore);
- `*` and `?` never cross a `/`; `**` spans any number of directories
  (`docs/**` owns everything under `docs/`, `**/logs` a `logs` anywhere);
- `\\` makes the next character literal;
- the **last** matching rule wins, and a rule with no team owners owns the path
  for no team.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from devex_metrics.model import CodeOwnersRule

_NOTHING = re.compile(r"(?!)")


def _segment(segment: str) -> str:
    """One path segment as a regex: `*` and `?` stop at `/`, `\\x` is a literal x."""
    parts: list[str] = []
    chars = iter(segment)
    for char in chars:
        if char == "\\":
            parts.append(re.escape(next(chars, "\\")))
        elif char == "*":
            parts.append("[^/]*")
        elif char == "?":
            parts.append("[^/]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def _segments(pattern: str) -> list[str]:
    """The pattern's segments, with the implicit `**` of unanchored patterns and of
    a trailing `/` made explicit."""
    segments = pattern.split("/")
    if segments[0] == "":
        segments = segments[1:]  # a leading "/" anchors at the root
    elif (len(segments) == 1 or (len(segments) == 2 and segments[1] == "")) and (
        segments[0] != "**"
    ):
        segments = ["**", *segments]  # a single name matches at any depth
    if len(segments) > 1 and segments[-1] == "":
        segments[-1] = "**"  # a trailing "/" owns everything below
    return segments


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """The regex (for `fullmatch` on a repository-relative path) of a pattern."""
    if pattern in ("", "/"):
        return _NOTHING
    segments = _segments(pattern)
    last = len(segments) - 1
    parts: list[str] = []
    slash = False
    for index, segment in enumerate(segments):
        if segment == "**":
            if index == 0:
                parts.append(".+" if index == last else "(?:.+/)?")
                slash = False
            elif index == last:
                parts.append("/.*")
            else:
                parts.append("(?:/.+)?")
                slash = True
            continue
        parts.append("/" if slash else "")
        if segment == "*":
            parts.append("[^/]+")
        else:
            parts.append(_segment(segment) + ("(?:/.*)?" if index == last else ""))
        slash = True
    return re.compile("".join(parts), re.DOTALL)


class PathOwners:
    """Teams owning a path under a CODEOWNERS file's rules (last match wins), cached
    per path: the same paths recur in commit after commit."""

    def __init__(self, rules: Sequence[CodeOwnersRule]) -> None:
        self._rules = [(pattern_regex(r.pattern), frozenset(r.teams)) for r in reversed(rules)]
        self._cache: dict[str, frozenset[str]] = {}

    def teams(self, path: str) -> frozenset[str]:
        found = self._cache.get(path)
        if found is None:
            found = next((teams for regex, teams in self._rules if regex.fullmatch(path)),
                         frozenset())  # fmt: skip
            self._cache[path] = found
        return found
