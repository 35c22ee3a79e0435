"""Privacy as a property: for generated histories, no name, email or login of the
input appears in any output file, and every person-derived metric whose people
are fewer than k is absent from every output."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from gitrepo import GitRepo, at
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devex_metrics.cli import main
from devex_metrics.metrics.catalogue import CATALOGUE, People
from devex_metrics.reporters.openmetrics import metric_name

# Letters that never occur in hex ids or base64-free SVG numbers, so a generated
# identity cannot appear in an output by coincidence.
_LETTERS = "ghjkmnpqrstuvwxyz"
token = st.text(alphabet=_LETTERS, min_size=7, max_size=9)
names = st.sampled_from(["Zoë", "Łukasz", "Ωmega", "Jürgen", "Sølvi", "Ana", "李", "Émile"])


@st.composite
def histories(draw: st.DrawFn) -> dict[str, object]:
    people = draw(st.lists(st.tuples(token, names), min_size=1, max_size=8,
                           unique_by=lambda p: p[0]))  # fmt: skip
    noreply = draw(st.booleans())
    commits = draw(st.lists(st.tuples(st.integers(0, len(people) - 1), st.integers(0, 28),
                                      st.booleans()), min_size=1, max_size=14))  # fmt: skip
    k = draw(st.integers(3, 6))
    return {"people": people, "noreply": noreply, "commits": commits, "k": k}


def _email(login: str, noreply: bool) -> str:
    return f"12345+{login}@users.noreply.github.com" if noreply else f"{login}@corp-mail.example"


def _build(root: Path, case: dict[str, object]) -> tuple[GitRepo, list[str]]:
    repo = GitRepo(root / "repo")
    people: list[tuple[str, str]] = case["people"]  # type: ignore[assignment]
    identities: list[str] = []
    for login, name in people:
        identities += [login, f"{name} {login}", _email(login, bool(case["noreply"]))]
    commits: list[tuple[int, int, bool]] = case["commits"]  # type: ignore[assignment]
    for number, (who, day, tag) in enumerate(sorted(commits, key=lambda c: c[1])):
        login, name = people[who]
        author = f"{name} {login} <{_email(login, bool(case['noreply']))}>"
        repo.commit(f"work {number}", at(day, hours=number % 24), author=author)
        if tag:
            repo.tag(f"v{number}", annotated_at=at(day, hours=number % 24 + 1))
    return repo, identities


def _outputs(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
            for p in out.rglob("*") if p.is_file()}  # fmt: skip


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_no_identity_and_no_small_group_value_in_any_output(case: dict[str, object]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        repo, identities = _build(root, case)
        out = root / "out"
        code = main(["-q", "report", "--repo", str(repo.path), "--offline", "--out", str(out),
                     "--until", "2026-02-01", "--window-days", "31",
                     "--min-group-size", str(case["k"])])  # fmt: skip
        assert code == 0
        files = _outputs(out)
        for path, text in files.items():
            lowered = text.lower()
            for identity in identities:
                assert identity.lower() not in lowered, f"{identity!r} leaked into {path}"
        _assert_small_groups_absent(files, int(str(case["k"])))


def _assert_small_groups_absent(files: dict[str, str], k: int) -> None:
    metrics = json.loads(files["metrics.json"])["metrics"]
    history = [json.loads(line) for line in files["history.jsonl"].splitlines()]
    gated = {s.id: s for s in CATALOGUE if s.people is People.SET}
    for metric_id, spec in gated.items():
        entry = metrics[metric_id]
        small = entry.get("people") is not None and entry["people"] < k
        if not small:
            continue
        assert entry["status"] in ("suppressed", "insufficient_data")
        assert "value" not in entry and "p50" not in entry and "tier" not in entry
        if entry["status"] == "suppressed" and spec.unit == "count":
            assert entry["samples"] is None  # a count's sample size is its value
        assert all(metric_id not in line["values"] for line in history)
        assert f"\n{metric_name(spec)} " not in files.get("metrics.prom", "")
        assert f"\n{metric_name(spec)}{{" not in files.get("metrics.prom", "")
    lead = metrics["dora.lead_time"]
    if lead["status"] != "ok":
        badge = json.loads(files["badges/lead-time.json"])
        assert badge["message"] == "n/a"
