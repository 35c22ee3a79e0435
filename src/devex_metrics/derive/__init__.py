"""derive: what no API returns, built once per run from the `Dataset` (pure).

`derive_facts` resolves people, picks the deployment source, assigns every commit
to the deployment that first ships it, derives every failure signal with the
moment it becomes known (a window reads them up to its end with
`derive.failures.failures_at`), maps squash/rebase merge commits to their pull
request's earliest author time, and resolves the configured team assignment
(`derive.teams`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from devex_metrics.config import Config
from devex_metrics.derive.deployments import ShippedDeployment, derive_deployments, ship
from devex_metrics.derive.failures import Signals, derive_signals
from devex_metrics.derive.messages import has_ai_trailer
from devex_metrics.derive.people import OptOut, People, Person
from devex_metrics.derive.teams import Teams, derive_teams
from devex_metrics.model import Commit, Dataset


@dataclass(frozen=True)
class Facts:
    deployment_source: str | None
    shipped: tuple[ShippedDeployment, ...]
    signals: Signals
    branch_commits: tuple[Commit, ...]
    people: People
    squash_change_times: Mapping[str, datetime]
    teams: Teams | None = None

    def person_of(self, commit: Commit) -> Person:
        return self.people.from_email(commit.author_email)

    def person_of_login(self, login: str | None, is_bot: bool) -> Person:
        return self.people.from_login(login, is_bot=is_bot)

    def change_time(self, commit: Commit) -> datetime:
        """Author time, or for a PR's single-parent merge commit (squash, or a rebased
        one-commit PR) the earliest author time of the PR's commits (SPEC §5)."""
        return self.squash_change_times.get(commit.sha, commit.author_time)

    def has_ai_trailer(self, commit: Commit) -> bool:
        return has_ai_trailer(commit.message, self.people.is_ai_email)


def reachable(commits: Mapping[str, Commit], tip: str | None) -> tuple[Commit, ...]:
    """Commits reachable from `tip` (the default branch), merges included."""
    seen: set[str] = set()
    found: list[Commit] = []
    stack = [tip] if tip else []
    pop, push, get, mark, keep = stack.pop, stack.extend, commits.get, seen.add, found.append
    while stack:
        sha = pop()
        if sha in seen:
            continue
        mark(sha)
        commit = get(sha)
        if commit is not None:
            keep(commit)
            push(commit.parents)
    return tuple(found)


def _squash_change_times(dataset: Dataset) -> dict[str, datetime]:
    times: dict[str, datetime] = {}
    for pr in dataset.pull_requests or ():
        sha = pr.merge_commit_sha
        if pr.merged_at is None or sha is None or pr.first_commit_author_time is None:
            continue
        commit = dataset.commits.get(sha)
        if commit is not None and len(commit.parents) == 1:
            times[sha] = pr.first_commit_author_time
    return times


def derive_facts(dataset: Dataset, config: Config, opt_out: OptOut) -> Facts:
    people = People(
        bots=config.bots,
        ai_agents=config.ai_agents,
        opt_out=opt_out,
        email_logins=dataset.email_logins,
        user_types=dataset.user_types,
    )
    plan = derive_deployments(dataset, config.deployments)
    shipped = tuple(ship(plan, dataset.commits))
    signals = derive_signals(
        shipped, dataset.commits, config=config.failures,
        pulls=dataset.pull_requests or (), incidents=dataset.incidents or (),
        ancestry=dataset.ancestry,
    )  # fmt: skip
    return Facts(
        deployment_source=plan.source,
        shipped=shipped,
        signals=signals,
        branch_commits=reachable(dataset.commits, dataset.default_tip),
        people=people,
        squash_change_times=_squash_change_times(dataset),
        teams=derive_teams(dataset, config.teams, people),
    )
