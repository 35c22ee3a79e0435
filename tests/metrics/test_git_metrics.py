"""DORA and activity metrics from real git repositories, one scenario per SPEC §5 rule."""

from __future__ import annotations

from typing import Any

import pytest
from gitrepo import GitRepo, at

from devex_metrics.collect import CollectRequest, collect_git
from devex_metrics.config import Config, parse_config
from devex_metrics.derive import derive_facts
from devex_metrics.derive.people import OptOut, opt_out_hash
from devex_metrics.metrics import compute_metrics
from devex_metrics.metrics.result import MetricSet, Status
from devex_metrics.model import Window

WINDOW = Window(at(0), at(30))
ALICE, BOB, CAROL = (
    "Alice <alice@example.com>",
    "Bob <bob@example.com>",
    "Carol <carol@example.com>",
)


def measure(repo: GitRepo, config: dict[str, Any] | None = None, window: Window = WINDOW,
            opt_out: tuple[str, ...] = ()) -> MetricSet:  # fmt: skip
    cfg = parse_config(config or {}, "test") if config else Config()
    request = CollectRequest(repo=repo.path, config=cfg, horizon=window.previous().start)
    dataset = collect_git(request)  # read from the horizon, as `report` does
    facts = derive_facts(dataset, cfg, OptOut(cfg.privacy.opt_out + opt_out))
    return compute_metrics(dataset, cfg, facts, window)


def value(metrics: MetricSet, metric_id: str) -> float | None:
    return metrics.results[metric_id].value


def test_tag_deployments_lightweight_and_annotated_times(repo: GitRepo) -> None:
    repo.commit("a", at(1))
    repo.tag("v1")
    repo.commit("b", at(2))
    repo.tag("v2", annotated_at=at(5))
    repo.commit("c", at(6), committed=at(7))
    repo.tag("3.0")
    metrics = measure(repo)
    times = [e.time for e in metrics.deployments]
    assert times == [at(1), at(5), at(7)]  # lightweight: committer date; annotated: tagger date
    assert metrics.deployment_source == "tags"
    assert value(metrics, "dora.deployment_frequency") == pytest.approx(3 / (30 / 7))


def test_first_deployment_has_no_baseline(repo: GitRepo) -> None:
    repo.commit("a", at(1))
    repo.commit("b", at(2))
    repo.tag("v1", annotated_at=at(3))
    lead = measure(repo).results["dora.lead_time"]
    assert lead.status is Status.INSUFFICIENT_DATA and lead.samples == 0


def test_lead_time_percentiles_odd_and_even(repo: GitRepo) -> None:
    repo.commit("base", at(0))
    repo.tag("v0")
    for hours in (10, 20, 40):  # deployed at day 5 → lead times 110, 100, 80... computed below
        repo.commit(f"c{hours}", at(5, hours=-hours))
    repo.tag("v1", annotated_at=at(5))
    lead = measure(repo).results["dora.lead_time"]
    assert lead.samples == 3
    assert lead.p50 == 20 and lead.p90 == pytest.approx(36.0)  # h=(3−1)·0.9=1.8 → 20+0.8·20
    repo.commit("c4", at(5, hours=1))
    repo.tag("v2", annotated_at=at(5, hours=2))
    lead = measure(repo).results["dora.lead_time"]
    assert lead.samples == 4  # 40, 20, 10 and 1
    assert lead.p50 == 15 and lead.p90 == pytest.approx(34.0)  # h=2.7 → 20+0.7·20


def test_merge_commits_are_not_changes_or_commits(repo: GitRepo) -> None:
    repo.commit("base", at(0))
    repo.tag("v0")
    repo.checkout("feature", create=True)
    repo.commit("f1", at(1))
    repo.checkout("main")
    repo.commit("m1", at(2))
    repo.merge("feature", at(3))
    repo.tag("v1")
    metrics = measure(repo)
    assert metrics.results["dora.lead_time"].samples == 2
    assert value(metrics, "space.activity.commits") == 3  # base, f1, m1; not the merge


def test_negative_lead_time_dropped_and_counted(repo: GitRepo) -> None:
    repo.commit("base", at(0))
    repo.tag("v0")
    repo.commit("future", at(9), committed=at(2))
    repo.commit("normal", at(2), committed=at(2))
    repo.tag("v1", annotated_at=at(3))
    lead = measure(repo).results["dora.lead_time"]
    assert lead.samples == 1 and lead.details["dropped_negative"] == 1
    assert lead.value == 24


def test_revert_marks_deployment_failed_with_remedy(repo: GitRepo) -> None:
    repo.commit("base", at(0))
    repo.tag("v0")
    bad = repo.commit("bad change", at(1))
    repo.tag("v1", annotated_at=at(2))
    repo.commit("other", at(3))
    repo.tag("v2", annotated_at=at(4))
    repo.revert(bad, at(5))
    repo.tag("v3", annotated_at=at(5, hours=6))
    metrics = measure(repo)
    failed = {e.ref: e for e in metrics.deployments}
    assert failed["v1"].failed and failed["v1"].signals == ("revert",)
    assert failed["v1"].remedy_time == at(5, hours=6)
    assert value(metrics, "dora.change_failure_rate") == 0.25
    assert value(metrics, "dora.recovery_time") == 24 * 3 + 6
    assert value(metrics, "dora.rework_rate") == 0.25
    assert failed["v3"].is_remedy and not failed["v2"].is_remedy


def test_revert_with_short_sha_prefix(repo: GitRepo) -> None:
    repo.commit("base", at(0))
    repo.tag("v0")
    bad = repo.commit("bad", at(1))
    repo.tag("v1", annotated_at=at(1, hours=1))
    repo.commit(f'Revert "bad"\n\nThis reverts commit {bad[:7]}.', at(2))
    repo.tag("v2", annotated_at=at(2, hours=1))
    events = {e.ref: e for e in measure(repo).deployments}
    assert events["v1"].failed and events["v2"].is_remedy


def test_rollback_marks_previous_deployment_failed(repo: GitRepo) -> None:
    repo.commit("base", at(0))
    good = repo.commit("good", at(1))
    repo.commit("more", at(1, hours=1))
    repo.tag("v1", annotated_at=at(1, hours=1))
    repo.commit("bad", at(2))
    repo.tag("v2", annotated_at=at(2, hours=1))
    # deploys an ancestor of v2 (tags on one commit fold into one deployment, so the
    # rollback target is a commit no earlier tag names)
    repo.tag("v3", sha=good, annotated_at=at(2, hours=3))
    metrics = measure(repo)
    events = {e.ref: e for e in metrics.deployments}
    assert events["v2"].failed and events["v2"].signals == ("rollback",)
    assert events["v2"].remedy_time == at(2, hours=3)
    assert events["v3"].is_remedy and events["v3"].changes == 0
    assert value(metrics, "dora.recovery_time") == 2


def test_redeploy_of_same_commit_is_not_a_rollback(repo: GitRepo) -> None:
    repo.commit("base", at(0))
    repo.tag("v1", annotated_at=at(1))
    repo.tag("v1.0", annotated_at=at(2))  # same commit: one deployment at the earliest time
    events = measure(repo).deployments
    assert len(events) == 1 and events[0].time == at(1)


@pytest.mark.parametrize(
    "subject",
    [
        "Merge pull request #12 from acme/hotfix/login",
        "Merge branch 'hotfix/login'",
        "Merge remote-tracking branch 'origin/hotfix/login'",
    ],
    ids=["github-pr", "merge-branch", "remote-tracking"],
)
def test_hotfix_merge_subject_marks_previous_shipping_deployment(
    repo: GitRepo, subject: str
) -> None:
    repo.commit("base", at(0))
    repo.tag("v0")
    repo.commit("feature", at(1))
    repo.tag("v1", annotated_at=at(1, hours=2))
    repo.tag("v1.0.1", annotated_at=at(1, hours=3))  # same commit: folded into v1
    repo.checkout("hotfix/login", create=True)
    repo.commit("fix", at(2))
    repo.checkout("main")
    repo.merge("hotfix/login", at(2, hours=1), message=subject)
    repo.tag("v2", annotated_at=at(2, hours=2))
    events = {e.ref: e for e in measure(repo).deployments}
    assert events["v1"].failed and events["v1"].signals == ("hotfix",)
    assert events["v1"].remedy_time == at(2, hours=2)
    assert events["v2"].is_remedy


def test_non_hotfix_merge_is_not_a_signal(repo: GitRepo) -> None:
    repo.commit("base", at(0))
    repo.tag("v0")
    repo.checkout("feature/x", create=True)
    repo.commit("x", at(1))
    repo.checkout("main")
    repo.merge("feature/x", at(2), message="Merge pull request #3 from acme/feature/x")
    repo.tag("v1", annotated_at=at(3))
    assert not any(e.failed or e.is_remedy for e in measure(repo).deployments)


def test_signal_after_window_end_does_not_count(repo: GitRepo) -> None:
    repo.commit("base", at(0))
    repo.tag("v0")
    bad = repo.commit("bad", at(1))
    repo.tag("v1", annotated_at=at(2))
    repo.revert(bad, at(40))
    repo.tag("v2", annotated_at=at(41))
    metrics = measure(repo)
    assert value(metrics, "dora.change_failure_rate") == 0
    assert metrics.results["dora.recovery_time"].status is Status.INSUFFICIENT_DATA


def test_window_boundaries_are_start_inclusive_end_exclusive(repo: GitRepo) -> None:
    repo.commit("before", at(-1))
    repo.tag("v0", annotated_at=at(-1))
    repo.commit("at start", at(0))
    repo.tag("v1", annotated_at=at(0))
    repo.commit("at end", at(30))
    repo.tag("v2", annotated_at=at(30))
    metrics = measure(repo)
    assert [e.ref for e in metrics.deployments] == ["v1"]
    assert value(metrics, "space.activity.commits") == 1


def test_merges_source_deploys_every_first_parent_commit(repo: GitRepo) -> None:
    repo.commit("a", at(1))
    repo.checkout("f", create=True)
    repo.commit("f1", at(2))
    repo.checkout("main")
    repo.merge("f", at(3))
    repo.commit("b", at(4))
    metrics = measure(repo)  # no tags: auto falls back to merges
    assert metrics.deployment_source == "merges"
    assert len(metrics.deployments) == 3
    lead = metrics.results["dora.lead_time"]
    assert lead.samples == 2  # f1 (shipped by the merge) and b; a is the first deployment


def test_mailmap_merges_identities(repo: GitRepo) -> None:
    repo.write(".mailmap", "Alice <alice@example.com> <alice@old.example>\n")
    repo.commit("a", at(1), author="Alice <alice@example.com>")
    repo.commit("b", at(2), author="Alice Old <alice@old.example>")
    metrics = measure(repo)
    assert value(metrics, "space.activity.contributors") == 1
    assert value(metrics, "space.activity.commits") == 2


@pytest.mark.parametrize(
    "author",
    [
        "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
        "Renovate Bot <bot@renovateapp.com>",
        "github-actions <41898282+github-actions[bot]@users.noreply.github.com>",
        "Custom <ci@corp.example>",
    ],
    ids=["dependabot", "renovate", "github-actions", "configured-bot"],
)
def test_bots_are_excluded(repo: GitRepo, author: str) -> None:
    repo.commit("human", at(1))
    repo.commit("bot", at(2), author=author)
    metrics = measure(repo, {"bots": ["ci@corp.example"]})
    assert value(metrics, "space.activity.commits") == 1
    assert value(metrics, "space.activity.contributors") == 1


@pytest.mark.parametrize(
    ("message", "author", "assisted"),
    [
        ("x\n\nCo-authored-by: Claude <noreply@anthropic.com>", ALICE, True),
        ("x\n\nCo-authored-by: Bob <bob@example.com>", ALICE, False),
        ("x\n\nAssisted-by: Copilot", ALICE, True),
        ("x\n\nAi-assisted: true", ALICE, True),
        ("x\n\nAi-assisted: false", ALICE, False),
        ("x\n\nReplit-Commit-Author: Agent", ALICE, True),
        ("x\n\nCo-authored-by: Copilot <198982749+Copilot@users.noreply.github.com>", ALICE, True),
        ("x", "Claude <noreply@anthropic.com>", True),
        ("x", "Copilot <198982749+Copilot@users.noreply.github.com>", True),
        ("x\n\nCo-authored-by: Someone <1+someone@users.noreply.github.com>", ALICE, False),
    ],
    ids=["claude-trailer", "human-coauthor", "assisted-by", "ai-assisted-true",
         "ai-assisted-false", "replit", "copilot-noreply-trailer", "agent-author",
         "copilot-author", "bare-noreply-is-not-an-agent"],
)  # fmt: skip
def test_ai_assisted_share(repo: GitRepo, message: str, author: str, assisted: bool) -> None:
    repo.commit("plain", at(1), author=BOB)
    repo.commit(message, at(2), author=author)
    metrics = measure(repo)
    share = metrics.results["space.activity.ai_assisted_share"]
    assert share.value == (0.5 if assisted else 0.0)
    assert share.samples == 2
    human_commits = 1 if author != ALICE else 2
    assert value(metrics, "space.activity.commits") == human_commits


@pytest.mark.parametrize(
    "how", ["config-plain", "config-hash", "file-plain", "file-hash", "noreply-login"]
)
def test_opt_out_removes_own_items(repo: GitRepo, how: str) -> None:
    carol_email = "carol@example.com"
    config: dict[str, Any] = {}
    if how == "config-plain":
        config = {"privacy": {"opt_out": ["Carol@Example.com"]}}
    elif how == "config-hash":
        config = {"privacy": {"opt_out": [opt_out_hash(carol_email)]}}
    elif how == "noreply-login":
        carol_email = "5+carol@users.noreply.github.com"
        config = {"privacy": {"opt_out": ["carol"]}}
    line = carol_email if how == "file-plain" else opt_out_hash(carol_email)
    repo.commit("base", at(0), author=ALICE)
    repo.tag("v0")
    repo.commit("carol's", at(1), author=f"Carol <{carol_email}>")
    repo.commit("bob's", at(1), author=BOB)
    repo.tag("v1", annotated_at=at(2))
    entries = (line,) if how.startswith("file") else ()
    metrics = measure(repo, config, opt_out=entries)
    assert value(metrics, "space.activity.contributors") == 2
    assert metrics.results["dora.lead_time"].samples == 1
    assert value(metrics, "dora.deployment_frequency") == pytest.approx(2 / (30 / 7))


def test_opt_out_file_is_read_from_the_repository(repo: GitRepo) -> None:
    from devex_metrics.collect import read_opt_out

    repo.write(".github/devex-metrics-optout", "# comment\n\ncarol@example.com\nsha256:ABC\n")
    assert read_opt_out(repo.path, Config()) == ("carol@example.com", "sha256:ABC")


def test_rollback_to_a_release_older_than_the_horizon(repo: GitRepo) -> None:
    """The windowed read does not hold the old release's history; git confirms the
    ancestry, so the rollback is still seen (the previous window starts at day 60,
    and nothing before day 30 is read)."""
    old = repo.commit("old good", at(1))
    repo.commit("more", at(2))
    repo.tag("v1", annotated_at=at(2, hours=1))
    repo.commit("new", at(85))
    repo.tag("v2", annotated_at=at(85, hours=1))
    repo.tag("v3", sha=old, annotated_at=at(86))  # back to a commit v1 shipped on day 2
    events = {e.ref: e for e in measure(repo, window=Window(at(80), at(100))).deployments}
    assert events["v2"].failed and events["v2"].signals == ("rollback",)
    assert events["v3"].is_remedy


def test_configured_merges_source_reads_from_the_horizon(repo: GitRepo) -> None:
    """`deployments.source: merges` (not only `auto` falling back to it) reads the
    first-parent line, with the baseline before the horizon known as not first."""
    for day in (1, 2, 40):
        repo.commit(f"day {day}", at(day))
    repo.checkout("long-lived", create=True)
    repo.commit("written long ago", at(5))  # committed before the horizon's slack
    repo.checkout("main")
    repo.merge("long-lived", at(85))
    repo.commit("day 86", at(86))
    repo.tag("v1")  # a tag, so `auto` would pick tags; the config says merges
    window = Window(at(80), at(100))
    metrics = measure(repo, {"deployments": {"source": "merges"}}, window=window)
    assert metrics.deployment_source == "merges"
    assert [e.time for e in metrics.deployments] == [at(85), at(86)]
    lead = metrics.results["dora.lead_time"]
    assert lead.samples == 2  # the old branch commit (80 days) and day 86 (0 h)
    assert lead.p90 == pytest.approx(0.9 * 80 * 24)
