"""Which teams a commit belongs to, for team breakdowns inside one repository (pure).

- `teams.source: config`: the teams whose `members` name the commit's author,
  matched as opt-out entries are (`derive.people`): on the canonical person's login
  and on the mailmapped email, lowercased, never on a display name. A member
  written `@login` is the login; a noreply member email also names its login.
- `teams.source: codeowners`: the `@org/team` owners of any path the commit touches
  (`derive.owners`, last matching rule wins per path).

A commit may belong to several teams or to none; the metrics give the latter the
`NO_TEAM` cell, so that a breakdown's cells cover its whole total (the privacy gate
relies on that: see `privacy.overlap`). Which team someone is in is configuration,
not a metric: only the gated per-team numbers are published.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from devex_metrics.config import TeamsConfig
from devex_metrics.derive.owners import PathOwners
from devex_metrics.derive.people import People, login_of_email
from devex_metrics.model import CodeOwners, Commit, Dataset

NO_TEAM = "(no team)"
Assign = Callable[[Commit], frozenset[str]]


@dataclass
class Teams:
    """The run's team assignment: `teams_of` is cached per commit (a commit is asked
    about once per window and per metric)."""

    source: str
    assign: Assign
    _cache: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def teams_of(self, commit: Commit) -> frozenset[str]:
        found = self._cache.get(commit.sha)
        if found is None:
            found = self._cache[commit.sha] = self.assign(commit)
        return found

    def cells_of(self, commit: Commit) -> frozenset[str]:
        """The breakdown cells a commit counts in: its teams, or `NO_TEAM`."""
        return self.teams_of(commit) or frozenset({NO_TEAM})


def _member_names(entry: str) -> set[str]:
    name = entry.strip().lower().removeprefix("@")
    login = login_of_email(name)
    return {name, login} if login else {name}


def by_members(members: Mapping[str, Sequence[str]], people: People) -> Assign:
    """Teams from `teams.members`: team → logins or emails."""
    index: dict[str, set[str]] = {}
    for team, entries in members.items():
        for entry in entries:
            for name in _member_names(entry):
                index.setdefault(name, set()).add(team)

    def assign(commit: Commit) -> frozenset[str]:
        email = commit.author_email.strip().lower()
        names = {people.from_email(commit.author_email).key, email}
        return frozenset(team for name in names for team in index.get(name, ()))

    return assign


def by_paths(codeowners: CodeOwners, commit_paths: Mapping[str, tuple[str, ...]]) -> Assign:
    """Teams from CODEOWNERS: the owners of any path a commit touches. A commit whose
    paths were not read (outside the measured span) has no team."""
    owners = PathOwners(codeowners.rules)

    def assign(commit: Commit) -> frozenset[str]:
        paths = commit_paths.get(commit.sha, ())
        return frozenset(team for path in paths for team in owners.teams(path))

    return assign


def derive_teams(dataset: Dataset, config: TeamsConfig, people: People) -> Teams | None:
    """The configured team assignment, or None (no team breakdowns): `source: none`,
    or `codeowners` without a CODEOWNERS file on the default branch."""
    if config.source == "config":
        return Teams("config", by_members(config.members, people))
    if config.source == "codeowners" and dataset.codeowners is not None:
        return Teams("codeowners", by_paths(dataset.codeowners, dataset.commit_paths or {}))
    return None
