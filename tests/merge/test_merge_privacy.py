"""Privacy of organisation merges (SPEC §7, §9): sealed aggregates open only with
the org secret and only in their own context; a suppressed repository number is
neither readable from its `metrics.json` nor recoverable from the organisation
report (complementary suppression in the per-repository table); no identity
reaches any output."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from orgdata import (
    GENERATED_AT,
    WINDOW,
    RepoData,
    email,
    gate,
    generate_repo,
    identities,
    keys,
    metric_set,
    write_reports,
)

from devex_metrics.merge.command import MergeOptions, build_org_report, merge_reports
from devex_metrics.metrics.result import Status
from devex_metrics.model import Commit
from devex_metrics.privacy.aggregates import MetricAggregate, aggregate_context, open_aggregate
from devex_metrics.privacy.orgkeys import OrgKeys, SealError
from devex_metrics.reporters.metrics_json import metrics_json_schema, render_metrics_json

COMMITS = "space.activity.commits"
VALIDATOR = Draft202012Validator(metrics_json_schema())
OTHER_SECRET = "another-org-secret-0123456789abcdefghijklmnopq"


def few_authors(repo: RepoData, authors: int) -> RepoData:
    """The repository with its commits spread over only `authors` people."""
    commits = tuple(
        Commit(
            c.sha, c.parents, email(i % authors), c.author_time, c.committer_time, c.message, False
        )
        for i, c in enumerate(repo.commits)
    )
    return replace(repo, commits=commits)


def _metric(path: Path, metric_id: str) -> dict[str, object]:
    metric: dict[str, object] = json.loads(path.read_text())["metrics"][metric_id]
    return metric


@pytest.mark.parametrize(
    ("context", "opens"),
    [
        pytest.param(("acme/a", COMMITS), True, id="own-context-opens"),
        pytest.param(("acme/b", COMMITS), False, id="other-repository-refused"),
        pytest.param(("acme/a", "space.activity.reviews"), False, id="other-metric-refused"),
    ],
)
def test_sealed_blob_opens_only_in_its_own_context(context: tuple[str, str], opens: bool) -> None:
    org = keys()
    token = org.seal(b"parts", aggregate_context("acme/a", COMMITS, WINDOW))
    where = aggregate_context(*context, WINDOW)
    if opens:
        assert org.unseal(token, where) == b"parts"
    else:
        with pytest.raises(SealError):
            org.unseal(token, where)


def test_sealed_blob_refuses_another_secret_and_tampering() -> None:
    where = aggregate_context("acme/a", COMMITS, WINDOW)
    token = keys().seal(b"parts", where)
    with pytest.raises(SealError):
        OrgKeys.from_secret(OTHER_SECRET).unseal(token, where)
    with pytest.raises(SealError):
        keys().unseal(token[:-4] + "AAAA", where)
    with pytest.raises(SealError):
        keys().unseal(token, aggregate_context("acme/a", COMMITS, WINDOW.previous()))


def test_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 32"):
        OrgKeys.from_secret("too-short")


def test_suppressed_metric_is_sealed_with_a_secret_and_absent_without(tmp_path: Path) -> None:
    repo = few_authors(generate_repo(3, 0), 2)
    sealed_path, plain_path = tmp_path / "sealed.json", tmp_path / "plain.json"
    sealed_path.write_bytes(render_metrics_json(gate(repo, org_keys=keys())).content)
    plain_path.write_bytes(render_metrics_json(gate(repo)).content)
    for path in (sealed_path, plain_path):  # both forms are valid metrics.json
        VALIDATOR.validate(json.loads(path.read_text()))
    sealed, plain = _metric(sealed_path, COMMITS), _metric(plain_path, COMMITS)
    assert sealed["status"] == plain["status"] == "suppressed"
    assert "aggregate" not in plain
    stored = MetricAggregate.model_validate(sealed["aggregate"])
    assert stored.clear is None and stored.sealed is not None
    where = aggregate_context(repo.name, COMMITS, WINDOW)
    assert open_aggregate(stored, None, where) is None
    with pytest.raises(SealError):
        open_aggregate(stored, OrgKeys.from_secret(OTHER_SECRET), where)
    opened = open_aggregate(stored, keys(), where)
    truth = metric_set(repo, WINDOW).results[COMMITS].samples  # ungated: the real count
    assert gate(repo).metrics[COMMITS].samples is None  # a suppressed count hides its size
    assert opened is not None and opened.counts == {"count": truth}
    assert (
        opened.people_count == 2 and opened.people is not None and len(opened.people.split()) == 2
    )


def _org_with_one_small_repository(tmp_path: Path, org_keys: OrgKeys | None):  # type: ignore[no-untyped-def]
    repos = [generate_repo(5, n) for n in range(5)]
    repos[2] = few_authors(repos[2], 2)
    paths = write_reports(tmp_path / "in", repos, org_keys=org_keys)
    options = MergeOptions([tmp_path / "in"], tmp_path / "out", GENERATED_AT, keys=org_keys)
    return repos, paths, build_org_report(options)


def test_suppressed_repository_cannot_be_recovered_from_the_total(tmp_path: Path) -> None:
    repos, _, org = _org_with_one_small_repository(tmp_path, keys())
    commits = org.metrics[COMMITS]
    small = repos[2].name
    assert gate(repos[2]).metrics[COMMITS].status is Status.SUPPRESSED
    truths = [metric_set(r, WINDOW).results[COMMITS].samples for r in repos]
    assert commits.ok and commits.value == sum(truths)
    table = commits.breakdowns["repository"]
    hidden = sorted(name for name, cell in table.items() if not cell.published)
    assert small in hidden and len(hidden) == 2  # the small one and its complement
    shown = sum(cell.value or 0 for cell in table.values() if cell.published)
    assert commits.value is not None
    # total − published rows gives only the sum of the two hidden rows, not the small one
    remainder = commits.value - shown
    small_value = gate(repos[2]).metrics[COMMITS].samples
    assert remainder != small_value


def test_without_the_secret_a_suppressed_repository_is_left_out_and_said_so(
    tmp_path: Path,
) -> None:
    repos, _, org = _org_with_one_small_repository(tmp_path, None)
    commits = org.metrics[COMMITS]
    published = [gate(r).metrics[COMMITS] for r in repos]
    assert commits.value == sum(m.value or 0 for m in published if m.ok)
    assert "1 of 5 repositories left out" in commits.note


def test_no_identity_in_any_output(tmp_path: Path) -> None:
    repos = [generate_repo(9, n) for n in range(4)]
    repos[1] = few_authors(repos[1], 2)
    write_reports(tmp_path / "in", repos, k=5, org_keys=keys())
    merge_reports(MergeOptions([tmp_path / "in"], tmp_path / "out", GENERATED_AT, keys=keys()))
    names = [name.lower() for name in identities(60)]
    names += [f"resp{n:03d}x{i}qz" for n in range(4) for i in range(12)]
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) > 8
    for path in files:
        text = path.read_text(encoding="utf-8").lower()
        leaked = [name for name in names if name in text]
        assert not leaked, f"{leaked[:3]} leaked into {path.relative_to(tmp_path)}"
