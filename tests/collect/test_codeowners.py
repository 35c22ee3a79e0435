"""CODEOWNERS as GitHub reads it: the file it picks, its syntax, its patterns (last
match wins), and the paths of the measured commits, read from real git repositories."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from gitrepo import GitRepo, at

from devex_metrics.collect import CollectRequest, collect_git
from devex_metrics.collect.codeowners import parse_codeowners, read_codeowners, read_commit_paths
from devex_metrics.collect.git import Git
from devex_metrics.config import parse_config
from devex_metrics.derive.owners import PathOwners
from devex_metrics.model import CodeOwners

# GitHub's documented examples ("About code owners"), with teams as owners.
MATCHES = [
    ("*.js @org/js", "app.js", {"@org/js"}),
    ("*.js @org/js", "src/deep/app.js", {"@org/js"}),
    ("*.js @org/js", "app.ts", set()),
    ("/build/logs/ @org/ops", "build/logs/today.log", {"@org/ops"}),
    ("/build/logs/ @org/ops", "build/logs/2026/01/today.log", {"@org/ops"}),
    ("/build/logs/ @org/ops", "src/build/logs/today.log", set()),
    ("/build/logs/ @org/ops", "build/logs", set()),
    ("docs/* @org/docs", "docs/getting-started.md", {"@org/docs"}),
    ("docs/* @org/docs", "docs/build-app/troubleshooting.md", set()),
    ("docs/* @org/docs", "src/docs/getting-started.md", set()),
    ("docs/** @org/docs", "docs/build-app/troubleshooting.md", {"@org/docs"}),
    ("docs/** @org/docs", "docs", set()),
    ("apps/ @org/apps", "apps/web/index.js", {"@org/apps"}),
    ("apps/ @org/apps", "deeply/nested/apps/web/index.js", {"@org/apps"}),
    ("apps/ @org/apps", "apps", set()),
    ("/docs/ @org/docs", "docs/a/b.md", {"@org/docs"}),
    ("/docs/ @org/docs", "x/docs/b.md", set()),
    ("**/logs @org/ops", "deeply/nested/logs/x.log", {"@org/ops"}),
    ("**/logs @org/ops", "logs", {"@org/ops"}),
    ("src/*.py @org/py", "src/a.py", {"@org/py"}),
    ("src/*.py @org/py", "src/pkg/a.py", set()),
    ("f?o @org/q", "lib/foo", {"@org/q"}),
    ("f?o @org/q", "lib/fooo", set()),
    ("* @org/all", "any/where/file", {"@org/all"}),
    ("/* @org/top", "top.txt", {"@org/top"}),
    ("/* @org/top", "dir/file.txt", set()),
    ("foo/**/bar @org/mid", "foo/a/b/bar/x", {"@org/mid"}),
    ("foo/**/bar @org/mid", "foo/bar", {"@org/mid"}),
    ("f\\*o @org/lit", "f*o", {"@org/lit"}),
    ("f\\*o @org/lit", "foo", set()),
    ("/apps/github @org/gh", "apps/github/x.rb", {"@org/gh"}),
    ("/apps/github @org/gh", "apps/githubber/x.rb", set()),
]


@pytest.mark.parametrize(("rules", "path", "teams"), [
    pytest.param(rules, path, teams, id=f"{rules.split()[0]}:{path}")
    for rules, path, teams in MATCHES
])  # fmt: skip
def test_github_documented_patterns(rules: str, path: str, teams: set[str]) -> None:
    assert PathOwners(parse_codeowners(rules).rules).teams(path) == teams


FILE = """\
# The default owners of everything.
*        @acme/core
*.js     @acme/web   # an inline comment
*.go     gopher@example.com
/docs/   @doc-writer
/apps/   @acme/apps
/apps/github
/shared/ @acme/web @Acme/API @someone
\\#notes.md @acme/hash
#notes.md @acme/never
path\\ with\\ spaces/ @acme/spaces
"""


@pytest.mark.parametrize(("path", "teams"), [
    pytest.param("README.md", {"@acme/core"}, id="default-owner"),
    pytest.param("web/app.js", {"@acme/web"}, id="last-match-wins"),
    pytest.param("main.go", set(), id="email-owner-is-no-team"),
    pytest.param("docs/guide.md", set(), id="user-owner-is-no-team"),
    pytest.param("apps/web/x.py", {"@acme/apps"}, id="directory-owner"),
    pytest.param("apps/github/x.py", set(), id="rule-without-owners-un-owns"),
    pytest.param("shared/x.py", {"@acme/web", "@acme/api"}, id="several-teams-lowercased"),
    pytest.param("#notes.md", {"@acme/hash"}, id="escaped-hash-is-a-pattern"),
    pytest.param("path with spaces/a.txt", {"@acme/spaces"}, id="escaped-spaces"),
])  # fmt: skip
def test_a_whole_file(path: str, teams: set[str]) -> None:
    assert PathOwners(parse_codeowners(FILE).rules).teams(path) == teams


def test_owners_kept_are_teams_only() -> None:
    rules = parse_codeowners(FILE).rules
    owners = {team for rule in rules for team in rule.teams}
    assert owners == {"@acme/core", "@acme/web", "@acme/apps", "@acme/api", "@acme/hash",
                      "@acme/spaces"}  # fmt: skip
    assert [r.pattern for r in rules][:3] == ["*", "*.js", "*.go"]
    assert rules[2].teams == () and rules[2].line == 4


@pytest.mark.parametrize("line", [
    pytest.param("!negated @acme/x", id="negation"),
    pytest.param("*.[ch] @acme/c", id="character-range"),
    pytest.param("a/***/b @acme/x", id="three-asterisks"),
    pytest.param("*.py not-an-owner", id="bad-owner"),
])  # fmt: skip
def test_invalid_lines_are_skipped_as_github_does(line: str) -> None:
    parsed = parse_codeowners(f"* @acme/core\n{line}\n")
    assert parsed.skipped_lines == 1
    assert [r.pattern for r in parsed.rules] == ["*"]
    assert PathOwners(parsed.rules).teams("src/x.py") == {"@acme/core"}


def test_comments_blank_lines_and_bom() -> None:
    parsed = parse_codeowners("\ufeff# comment\n\n   \n* @acme/core # trailing\n")
    assert [(r.pattern, r.teams) for r in parsed.rules] == [("*", ("@acme/core",))]


def _write_codeowners(repo: GitRepo, path: str, team: str) -> None:
    repo.write(path, f"* {team}\n")


def test_github_location_order_and_read_from_the_tip(repo: GitRepo) -> None:
    _write_codeowners(repo, "docs/CODEOWNERS", "@acme/docs")
    repo.commit("docs owners", at(0), path="a.txt")
    git = Git(repo.path)
    assert _team(read_codeowners(git, repo.head())) == "@acme/docs"
    _write_codeowners(repo, "CODEOWNERS", "@acme/root")
    repo.commit("root owners", at(1), path="b.txt")
    assert _team(read_codeowners(git, repo.head())) == "@acme/root"
    _write_codeowners(repo, ".github/CODEOWNERS", "@acme/github")
    tip = repo.commit("github owners", at(2), path="c.txt")
    _write_codeowners(repo, ".github/CODEOWNERS", "@acme/uncommitted")  # the work tree
    found = read_codeowners(git, tip)
    assert found is not None and found.path == ".github/CODEOWNERS"
    assert _team(found) == "@acme/github"


def test_no_codeowners_file(repo: GitRepo) -> None:
    tip = repo.commit("a", at(0))
    assert read_codeowners(Git(repo.path), tip) is None


def _team(codeowners: CodeOwners | None) -> str:
    assert codeowners is not None
    return codeowners.rules[0].teams[0]


def test_commit_paths_in_one_git_run(repo: GitRepo) -> None:
    root = repo.commit("root", at(0), path="src/ünïcode name.txt")
    (repo.path / "lib").mkdir()
    repo.git("mv", "src/ünïcode name.txt", "lib/moved.txt")
    renamed = repo.commit("rename", at(1), path="lib/other.txt")
    repo.git("commit", "-q", "--allow-empty", "-m", "empty")
    empty = repo.head()
    git = Git(repo.path)
    paths = read_commit_paths(git, [root, renamed, empty])
    assert git.calls == 1
    assert paths == {
        root: ("src/ünïcode name.txt",),
        renamed: ("lib/moved.txt", "lib/other.txt", "src/ünïcode name.txt"),
        empty: (),
    }


def test_collect_reads_paths_of_the_measured_commits_only(repo: GitRepo) -> None:
    repo.write("CODEOWNERS", "/web/ @acme/web\n")
    old = repo.commit("before the horizon", at(0), path="web/old.txt")
    repo.tag("v0")
    late = repo.commit("authored before the horizon, shipped in the window", at(1),
                       path="web/late.txt")  # fmt: skip
    inside = [repo.commit(f"c{i}", at(20 + i), path=f"web/{i}.txt") for i in range(3)]
    repo.tag("v1", annotated_at=at(25))
    repo.checkout("side", create=True)
    side = repo.commit("side", at(26), path="side.txt")
    repo.checkout("main")
    merge = repo.merge("side", at(27))
    after = repo.commit("after the window", at(40), path="web/after.txt")
    config = parse_config({"teams": {"source": "codeowners"}}, "test")
    request = CollectRequest(repo=repo.path, config=config, horizon=at(10), until=at(30))
    dataset = collect_git(request)
    assert dataset.codeowners is not None and dataset.codeowners.path == "CODEOWNERS"
    assert dataset.commit_paths is not None
    assert set(dataset.commit_paths) == {late, *inside, side}
    assert {old, merge, after}.isdisjoint(dataset.commit_paths)
    assert dataset.commit_paths[inside[0]] == ("web/0.txt",)


def test_other_team_sources_read_no_paths(repo: GitRepo) -> None:
    repo.write("CODEOWNERS", "* @acme/core\n")
    repo.commit("a", at(0))
    for source in ("none", "config"):
        config = parse_config({"teams": {"source": source}}, "test")
        dataset = collect_git(CollectRequest(repo=repo.path, config=config))
        assert dataset.codeowners is None and dataset.commit_paths is None


def test_codeowners_without_a_file_gives_no_team_inputs(repo: GitRepo) -> None:
    repo.commit("a", at(0))
    config = parse_config({"teams": {"source": "codeowners"}}, "test")
    dataset = collect_git(CollectRequest(repo=repo.path, config=config,
                                         horizon=datetime(2025, 1, 1, tzinfo=UTC)))  # fmt: skip
    assert dataset.codeowners is None and dataset.commit_paths is None
