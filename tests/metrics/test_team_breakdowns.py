"""Team breakdowns of commits and lead time: each cell gated on its own people, the
commits table with complementary suppression (partition and overlapping teams),
lead time per team without it, and nothing of a team cell below k in any output."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from gitrepo import GitRepo, at
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devex_metrics.cli import main
from devex_metrics.collect import CollectRequest, collect_git
from devex_metrics.config import parse_config
from devex_metrics.metrics.result import TEAM_DIMENSION, BreakdownShape, Cell, Item
from devex_metrics.model import Window
from devex_metrics.pipeline import build_report
from devex_metrics.privacy import overlap
from devex_metrics.privacy.breakdown import gate_breakdown
from devex_metrics.privacy.orgkeys import OrgKeys
from devex_metrics.privacy.report import PublishedReport
from devex_metrics.reporters.markdown import render_report
from devex_metrics.reporters.metrics_json import render_metrics_json

WINDOW = Window(at(0), at(30))
K = 5


def author(name: str) -> str:
    return f"{name.title()} <{name}@corp.example>"


def team_repo(repo: GitRepo, sizes: dict[str, tuple[int, int]]) -> dict[str, list[str]]:
    """team → (people, commits each): commits on day 1..28; returns team → logins."""
    members: dict[str, list[str]] = {}
    day = 1.0
    for team, (people, each) in sizes.items():
        members[team] = [f"{team}{i}" for i in range(people)]
        for name in members[team]:
            for n in range(each):
                repo.commit(f"{name} {n}", at(day), author=author(name))
                day += 0.01
    return members


def report(repo: GitRepo, teams: dict[str, Any], k: int = K, name: str | None = None,
           org_keys: OrgKeys | None = None) -> PublishedReport:  # fmt: skip
    config = parse_config({"teams": teams, "privacy": {"min_group_size": k}}, "test")
    dataset = collect_git(CollectRequest(repo=repo.path, config=config, repository_name=name))
    return build_report(dataset, config, (), WINDOW, datetime(2026, 2, 1, tzinfo=UTC), org_keys)


def config_teams(members: dict[str, list[str]]) -> dict[str, Any]:
    return {"source": "config",
            "members": {t: [f"{n}@corp.example" for n in names] for t, names in members.items()
                        if not t.startswith("solo")}}  # fmt: skip


def team_cells(published: PublishedReport, metric_id: str) -> dict[str, float | None]:
    cells = published.metrics[metric_id].breakdowns[TEAM_DIMENSION]
    return {name: cell.value if cell.published else None for name, cell in cells.items()}


def test_k_people_publish_a_cell_and_k_minus_one_do_not(repo: GitRepo) -> None:
    members = team_repo(repo, {"exact": (K, 4), "short": (K - 1, 3), "big": (9, 2),
                               "bigger": (9, 3)})  # fmt: skip
    cells = team_cells(report(repo, config_teams(members)), "space.activity.commits")
    assert cells["exact"] == 20 and cells["short"] is None
    assert cells["big"] is None  # the smallest other cell, hidden as its complement
    assert cells["bigger"] == 27


def test_one_small_team_among_large_ones_hides_the_smallest_other(repo: GitRepo) -> None:
    members = team_repo(repo, {"alpha": (8, 3), "beta": (6, 2), "gamma": (5, 2), "tiny": (2, 1)})
    published = report(repo, config_teams(members))
    assert team_cells(published, "space.activity.commits") == {
        "alpha": 24, "beta": 12, "gamma": None, "tiny": None}  # fmt: skip
    # tiny is also a lead-time cell (each commit is a deployment of the merges
    # source) and is suppressed there too, but with no complement: not additive.
    assert published.privacy.rule_counts == {"min_group_size": 2, "complementary": 1}


def test_people_outside_every_team_get_their_own_cell(repo: GitRepo) -> None:
    members = team_repo(repo, {"alpha": (6, 1), "beta": (6, 2), "solo": (5, 1)})
    cells = team_cells(report(repo, config_teams(members)), "space.activity.commits")
    assert cells == {"alpha": 6, "beta": 12, "(no team)": 5}


def test_a_person_in_two_teams_is_not_recoverable_by_subtraction(repo: GitRepo) -> None:
    members = team_repo(repo, {"alpha": (6, 1), "beta": (6, 2), "both": (1, 4)})
    teams = {"source": "config", "members": {
        "alpha": [f"{n}@corp.example" for n in members["alpha"] + members["both"]],
        "beta": [f"{n}@corp.example" for n in members["beta"] + members["both"]]}}  # fmt: skip
    published = report(repo, teams)
    cells = team_cells(published, "space.activity.commits")
    total = published.metrics["space.activity.commits"].value
    assert total == 22
    # alpha (7 people, 10 commits) and beta (7 people, 16) both have k people, but
    # alpha + beta − total would be the one person in both teams: one is hidden.
    assert cells == {"alpha": None, "beta": 16}


def test_contributors_have_no_team_breakdown(repo: GitRepo) -> None:
    members = team_repo(repo, {"alpha": (6, 1), "beta": (6, 1)})
    published = report(repo, config_teams(members))
    assert published.metrics["space.activity.contributors"].breakdowns == {}
    assert published.metrics["space.activity.ai_assisted_share"].breakdowns == {}


def lead_time_repo(repo: GitRepo, teams: dict[str, tuple[int, float]]) -> None:
    """Per team (people, lead hours): one change each, all deployed at day 20."""
    repo.commit("base", at(0), author=author("base"))
    repo.tag("v0")
    for team, (people, hours) in teams.items():
        for i in range(people):
            repo.commit(f"{team}{i}", at(20, hours=-hours - i), author=author(f"{team}{i}"))
    repo.tag("v1", annotated_at=at(20))


def test_lead_time_p50_per_team_without_complementary_suppression(repo: GitRepo) -> None:
    lead_time_repo(repo, {"fast": (5, 2.0), "slow": (6, 50.0), "few": (K - 1, 10.0)})
    members = {t: [f"{t}{i}" for i in range(n)] for t, n in (("fast", 5), ("slow", 6), ("few", 4))}
    published = report(repo, config_teams(members))
    lead = published.metrics["dora.lead_time"]
    assert lead.ok and lead.samples == 15
    # p50 over hours+i: fast 2..6 → 4; slow 50..55 → 52.5; few (k−1 people) suppressed,
    # and no other cell with it: a p50 cannot be recovered by subtraction.
    assert team_cells(published, "dora.lead_time") == {"fast": 4.0, "slow": 52.5, "few": None}
    text = render_report(published, history=(), figures={}).content.decode()
    assert "Change lead time by team:" in text
    assert "| Team | Change lead time (p50) | People |" in text
    assert "| fast | 4.0 h | 5 |" in text and "| slow | 2.2 d | 6 |" in text
    assert "| few | suppressed | — |" in text


def test_codeowners_commits_by_team_table(repo: GitRepo) -> None:
    repo.write(".github/CODEOWNERS", "/web/ @acme/web\n/api/ @acme/api\n")
    for i in range(12):
        area = ("web", "api", "misc")[i % 3]
        for n in range(2):
            repo.commit(f"{i}.{n}", at(1 + i, hours=n), author=author(f"dev{i}"),
                        path=f"{area}/{i}-{n}.txt")  # fmt: skip
    published = report(repo, {"source": "codeowners"}, k=3)
    assert team_cells(published, "space.activity.commits") == {
        "@acme/api": 8, "@acme/web": 8, "(no team)": 8}  # fmt: skip
    text = render_report(published, history=(), figures={}).content.decode()
    assert "Commits by team:\n\n| Team | Commits | People |\n|---|---|---|\n" in text
    assert "| @acme/web | 8 | 4 |" in text


def test_team_cells_never_reach_an_aggregate_or_the_org_merge(tmp_path: Path) -> None:
    secret = OrgKeys.from_secret("org-secret-for-tests-0123456789abcdefghijklmnop")
    files = []
    for name in ("acme/one", "acme/two"):
        repo = GitRepo(tmp_path / name)
        members = team_repo(repo, {"alpha": (8, 3), "beta": (6, 2), "tiny": (2, 1)})
        published = report(repo, config_teams(members), name=name, org_keys=secret)
        commits = published.metrics["space.activity.commits"]
        assert not commits.breakdowns[TEAM_DIMENSION]["tiny"].published
        # a hidden team cell neither seals the aggregate nor trims it: teams stay out
        assert commits.aggregate is not None and commits.aggregate.clear is not None
        clear = commits.aggregate.clear
        assert clear.cells is None and clear.cells_withheld is None
        files.append(tmp_path / f"{name.replace('/', '-')}.json")
        files[-1].write_bytes(render_metrics_json(published).content)
    out = tmp_path / "org"
    assert main(["-q", "merge", *map(str, files), "--out", str(out)]) == 0
    merged = json.loads((out / "metrics.json").read_text())["metrics"]
    assert merged["space.activity.commits"]["value"] == 2 * 38
    assert all(TEAM_DIMENSION not in m.get("breakdowns", {}) for m in merged.values())


# Gate level: an independent brute-force check that no group of fewer than k people
# can be recovered exactly from the total and the published cells of overlapping teams.


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [row[:] for row in rows]
    rank = 0
    for column in range(len(rows[0]) if rows else 0):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][column] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][column] != 0:
                factor = rows[r][column] / rows[rank][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
    return rank


def recoverable_small_groups(items: dict[str, Item], published: set[str], k: int) -> list[Any]:
    """Every set of atoms (items with the same cells) with fewer than k people whose
    count is a linear combination of the total and the published cells."""
    atoms: dict[frozenset[str], set[str]] = {}
    for item in items.values():
        atoms.setdefault(item.cells, set()).add(item.person)
    order = sorted(atoms, key=sorted)
    matrix = [[Fraction(1)] * len(order)]
    matrix += [[Fraction(int(c in a)) for a in order] for c in sorted(published)]
    base = _rank(matrix)
    leaks = []
    for size in range(1, len(order) + 1):
        for chosen in itertools.combinations(range(len(order)), size):
            people = set().union(*(atoms[order[i]] for i in chosen))
            if len(people) >= k:
                continue
            row = [Fraction(int(i in chosen)) for i in range(len(order))]
            if _rank([*matrix, row]) == base:
                leaks.append([order[i] for i in chosen])
    return leaks


@st.composite
def overlapping_breakdowns(draw: st.DrawFn) -> tuple[dict[str, Cell], dict[str, Item], int]:
    teams = ["a", "b", "c", "(no team)"]
    people = [f"p{i}" for i in range(draw(st.integers(3, 12)))]
    signatures = st.sampled_from([frozenset(s) for n in (1, 2, 3)
                                  for s in itertools.combinations(teams[:3], n)]
                                 + [frozenset({teams[3]})])  # fmt: skip
    drawn = draw(st.lists(st.tuples(st.sampled_from(people), signatures), min_size=1, max_size=40))
    items = {f"c{i}": Item(person, cells) for i, (person, cells) in enumerate(drawn)}
    cells: dict[str, Cell] = {}
    for name in teams:
        inside = [item for item in items.values() if name in item.cells]
        if inside:
            cells[name] = Cell(float(len(inside)), frozenset(i.person for i in inside))
    k = draw(st.integers(3, 5))
    total_people = {item.person for item in items.values()}
    return cells, items, k if len(total_people) >= k else len(total_people)


@settings(max_examples=300, deadline=None)
@given(overlapping_breakdowns())
def test_overlap_audit_leaves_no_recoverable_small_group(
    case: tuple[dict[str, Cell], dict[str, Item], int],
) -> None:
    cells, items, k = case
    shape = BreakdownShape(additive=True, items=items)
    gated, _, _ = gate_breakdown(cells, k, total_published=True, shape=shape)
    published = {name for name, cell in gated.items() if cell.published}
    assert all(cells[name].people_count >= k for name in published)
    assert recoverable_small_groups(items, published, k) == []


@settings(max_examples=60, deadline=None)
@given(overlapping_breakdowns())
def test_an_exhausted_search_errs_towards_suppression(
    case: tuple[dict[str, Cell], dict[str, Item], int],
) -> None:
    cells, items, k = case
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(overlap, "SEARCH_LIMIT", 0)
        gated, _, _ = gate_breakdown(cells, k, total_published=True,
                                     shape=BreakdownShape(additive=True, items=items))  # fmt: skip
    published = {name for name, cell in gated.items() if cell.published}
    assert recoverable_small_groups(items, published, k) == []


@pytest.mark.parametrize(("sizes", "hidden"), [
    pytest.param({"a": (9, 5), "b": (8, 6), "c": (2, 2)}, {"b", "c"},
                 id="one-small-hides-smallest-other"),
    pytest.param({"a": (9, 5), "b": (8, 6), "c": (7, 5)}, set(), id="all-large"),
    pytest.param({"a": (9, 5), "b": (2, 2), "c": (1, 1)}, {"a", "b", "c"},
                 id="two-small-whose-union-is-small-get-a-complement"),
])  # fmt: skip
def test_overlap_audit_on_a_partition(sizes: dict[str, tuple[int, int]], hidden: set[str]) -> None:
    items: dict[str, Item] = {}
    cells: dict[str, Cell] = {}
    for name, (count, people) in sizes.items():
        for i in range(count):
            items[f"{name}{i}"] = Item(f"{name}-{i % people}", frozenset({name}))
        cells[name] = Cell(float(count), frozenset(f"{name}-{i}" for i in range(people)))
    shape = BreakdownShape(additive=True, items=items)
    gated, _, _ = gate_breakdown(cells, 5, total_published=True, shape=shape)
    assert {name for name, cell in gated.items() if not cell.published} == hidden


def test_non_additive_cells_are_gated_on_k_only() -> None:
    cells = {"a": Cell(3.0, frozenset("abcde")), "b": Cell(9.0, frozenset("xy"))}
    gated, small, complements = gate_breakdown(cells, 5, total_published=True,
                                               shape=BreakdownShape(additive=False))  # fmt: skip
    assert (gated["a"].value, gated["b"].published, small, complements) == (3.0, False, 1, 0)


# End to end: generated teams and histories through the CLI.

_LETTERS = "ghjkmnpqrstuvwxyz"
logins = st.text(alphabet=_LETTERS, min_size=7, max_size=9)


@st.composite
def team_histories(draw: st.DrawFn) -> dict[str, Any]:
    people = draw(st.lists(logins, min_size=2, max_size=9, unique=True))
    teams = {team: draw(st.lists(st.sampled_from(people), max_size=len(people), unique=True))
             for team in ("team-a", "team-b", "team-c")}  # fmt: skip
    commits = draw(st.lists(st.tuples(st.sampled_from(people), st.integers(0, 27)), min_size=1,
                            max_size=16))  # fmt: skip
    return {"teams": teams, "commits": commits, "k": draw(st.integers(3, 4))}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(team_histories())
def test_no_identity_and_no_small_team_cell_in_any_output(
    tmp_path_factory: pytest.TempPathFactory, case: dict[str, Any]
) -> None:
    root = tmp_path_factory.mktemp("teams")
    repo = GitRepo(root / "repo")
    email = "{}@corp-mail.example".format
    for number, (login, day) in enumerate(sorted(case["commits"], key=lambda c: c[1])):
        when = at(day, hours=number % 24)
        repo.commit(f"work {number}", when, author=f"Dev {login} <{email(login)}>")
    members = {team: [email(login) for login in names] for team, names in case["teams"].items()}
    config = {"teams": {"source": "config", "members": members}}
    (root / "config.yml").write_text(json.dumps(config))
    out = root / "out"
    assert main(["-q", "report", "--repo", str(repo.path), "--offline", "--out", str(out),
                 "--config", str(root / "config.yml"), "--until", "2026-02-01",
                 "--window-days", "31", "--min-group-size", str(case["k"])]) == 0  # fmt: skip
    authors = {login for login, _ in case["commits"]}
    identities = authors | {email(login) for login in authors}
    for path in out.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8").lower()
            assert not [i for i in identities if i in text], f"an identity leaked into {path}"
    _assert_team_cells_gated(json.loads((out / "metrics.json").read_text()), case)


def _assert_team_cells_gated(document: dict[str, Any], case: dict[str, Any]) -> None:
    k = case["k"]
    commits = document["metrics"]["space.activity.commits"]
    aggregate = commits.get("aggregate", {}).get("clear", {})
    assert TEAM_DIMENSION not in aggregate.get("cells", {})  # never merged
    cells = commits.get("breakdowns", {}).get(TEAM_DIMENSION, {})
    authors = {login for login, _ in case["commits"]}
    for team, cell in cells.items():
        people = set(case["teams"].get(team, ())) & authors
        if team == "(no team)":
            people = authors - set().union(*map(set, case["teams"].values()))
        if len(people) < k:
            assert cell == {"suppressed": True}, team
        if not cell.get("suppressed"):
            assert cell["people"] >= k and "value" in cell
        else:
            assert "value" not in cell and "people" not in cell
    items = {f"c{i}": Item(login, frozenset(
        [t for t, names in case["teams"].items() if login in names] or ["(no team)"]))
        for i, (login, _) in enumerate(case["commits"])}  # fmt: skip
    published = {team for team, cell in cells.items() if not cell.get("suppressed")}
    if commits["status"] == "ok":
        assert recoverable_small_groups(items, published, k) == []
