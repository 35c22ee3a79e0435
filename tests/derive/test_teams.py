"""Which teams a commit belongs to: by member (config) on the canonical person, by
the paths it touches (CODEOWNERS), several teams or none."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import pytest
from gitrepo import GitRepo, at

from devex_metrics.collect import CollectRequest, collect_git
from devex_metrics.config import TeamsConfig, parse_config
from devex_metrics.derive import derive_facts
from devex_metrics.derive.people import OptOut, People
from devex_metrics.derive.teams import NO_TEAM, Teams, by_members
from devex_metrics.model import Commit

MEMBERS = {
    "platform": ("alice@example.com", "@bob"),
    "web": ("bob", "12345+carol@users.noreply.github.com"),
    "data": ("DAVE@Example.com",),
}


def commit(email: str) -> Commit:
    moment = datetime(2026, 1, 2, tzinfo=UTC)
    return Commit(f"sha-{email}", (), email, moment, moment, "work", False)


@pytest.mark.parametrize(("email", "teams"), [
    pytest.param("alice@example.com", {"platform"}, id="email-member"),
    pytest.param("bob@users.noreply.github.com", {"platform", "web"}, id="login-member-two-teams"),
    pytest.param("9+carol@users.noreply.github.com", {"web"}, id="noreply-member-names-login"),
    pytest.param("dave@example.com", {"data"}, id="case-insensitive"),
    pytest.param("erin@example.com", set(), id="no-team"),
    pytest.param("bob@corp.example", {"platform", "web"}, id="email-linked-to-login-by-github"),
])  # fmt: skip
def test_members_match_the_canonical_person(email: str, teams: set[str]) -> None:
    people = People(email_logins={"bob@corp.example": "Bob"})
    assert by_members(MEMBERS, people)(commit(email)) == teams


def test_a_commit_without_a_team_counts_in_the_no_team_cell() -> None:
    teams = Teams("config", by_members(MEMBERS, People()))
    assert teams.cells_of(commit("erin@example.com")) == {NO_TEAM}
    assert teams.cells_of(commit("alice@example.com")) == {"platform"}


def _facts(repo: GitRepo, config: Mapping[str, object]) -> tuple[Teams, dict[str, Commit]]:
    cfg = parse_config(config, "test")
    dataset = collect_git(CollectRequest(repo=repo.path, config=cfg))
    facts = derive_facts(dataset, cfg, OptOut(()))
    assert facts.teams is not None
    return facts.teams, dict(dataset.commits)


def test_codeowners_teams_by_path(repo: GitRepo) -> None:
    repo.write(".github/CODEOWNERS", "* @acme/core\n/web/ @acme/web\n/api/ @Acme/API\n"
                                     "/docs/ @writer\n")  # fmt: skip
    base = repo.commit("base", at(0), path="README.md")
    web = repo.commit("web", at(1), path="web/index.js")
    api = repo.commit("api", at(2), path="api/server.py")
    docs = repo.commit("docs", at(3), path="docs/guide.md")
    repo.write("web/a.js", "a")
    both = repo.commit("both", at(4), path="api/b.py")
    teams, commits = _facts(repo, {"teams": {"source": "codeowners"}})
    assert teams.source == "codeowners"
    assert teams.teams_of(commits[base]) == {"@acme/core"}  # README.md and CODEOWNERS
    assert teams.teams_of(commits[web]) == {"@acme/web"}
    assert teams.teams_of(commits[api]) == {"@acme/api"}
    assert teams.teams_of(commits[docs]) == set()  # a user owner is no team
    assert teams.cells_of(commits[docs]) == {NO_TEAM}
    assert teams.teams_of(commits[both]) == {"@acme/web", "@acme/api"}


def test_config_teams_by_member(repo: GitRepo) -> None:
    alice = repo.commit("a", at(0), author="Alice <alice@example.com>")
    bob = repo.commit("b", at(1), author="Bob <12+bob@users.noreply.github.com>")
    erin = repo.commit("e", at(2), author="Erin <erin@example.com>")
    config = {"teams": {"source": "config", "members": {"platform": ["alice@example.com", "bob"],
                                                         "web": ["@bob"]}}}  # fmt: skip
    teams, commits = _facts(repo, config)
    assert teams.teams_of(commits[alice]) == {"platform"}
    assert teams.teams_of(commits[bob]) == {"platform", "web"}
    assert teams.cells_of(commits[erin]) == {NO_TEAM}


@pytest.mark.parametrize("config", [
    pytest.param({}, id="source-none"),
    pytest.param({"teams": {"source": "codeowners"}}, id="codeowners-without-a-file"),
])  # fmt: skip
def test_no_team_assignment(repo: GitRepo, config: dict[str, object]) -> None:
    repo.commit("a", at(0))
    cfg = parse_config(config, "test")
    dataset = collect_git(CollectRequest(repo=repo.path, config=cfg))
    assert derive_facts(dataset, cfg, OptOut(())).teams is None
    assert TeamsConfig().source == "none"
