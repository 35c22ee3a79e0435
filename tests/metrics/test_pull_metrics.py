"""Pull-request, review and CI metrics from GitHub records (SPEC §6), hand-computed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from devex_metrics.derive.people import OptOut, People, Person
from devex_metrics.metrics.ci import ci_metrics
from devex_metrics.metrics.pulls import pull_request_metrics
from devex_metrics.metrics.result import Status
from devex_metrics.model import PullRequest, Review, Window, WorkflowRun

T0 = datetime(2026, 3, 1, tzinfo=UTC)
WINDOW = Window(T0, T0 + timedelta(days=30))
PEOPLE = People(opt_out=OptOut(["hidden"]))


def person_of(login: str | None, is_bot: bool) -> Person:
    return PEOPLE.from_login(login, is_bot=is_bot)


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def review(login: str | None, at: float, state: str = "APPROVED", bot: bool = False) -> Review:
    return Review(login, bot, state, h(at))


def pr(number: int, author: str, *, created: float = 0, ready: float | None = None,
       merged: float | None = 10, base: str = "main", size: tuple[int, int] = (10, 5),
       reviews: tuple[Review, ...] = (), bot: bool = False) -> PullRequest:  # fmt: skip
    return PullRequest(
        number=number, author_login=author, author_is_bot=bot, base_ref=base,
        head_ref=f"feature/{number}", created_at=h(created),
        ready_at=h(created if ready is None else ready),
        merged_at=None if merged is None else h(merged), merge_commit_sha=None,
        additions=size[0], deletions=size[1], labels=(), commit_shas=(),
        first_commit_author_time=None, closing_issue_numbers=(), reviews=reviews,
    )  # fmt: skip


def test_qualifying_reviews_drive_communication_metrics() -> None:
    pulls = [
        pr(1, "ann", created=0, merged=10, reviews=(review("bob", 2), review("cat", 4))),
        pr(2, "bob", created=0, ready=5, merged=20, reviews=(review("bob", 6),  # self-review
                                                             review("dependabot[bot]", 6, bot=True),
                                                             review("cat", 7, "PENDING"),
                                                             review("dan", 8))),
        pr(3, "cat", created=0, merged=30, reviews=(review("ann", 31),)),  # after the merge
        pr(4, "dan", created=0, merged=40, reviews=(review("hidden", 1),)),  # opted out
        pr(5, "eve", created=0, merged=None),  # not merged
        pr(6, "fay", created=0, merged=12, base="release"),  # not into the default branch
        pr(7, "renovate[bot]", created=0, merged=12, bot=True),  # a bot's PR
    ]  # fmt: skip
    m = pull_request_metrics(pulls, "main", WINDOW, person_of)
    assert m["space.activity.prs_merged"].value == 4
    assert m["space.communication.review_coverage"].value == pytest.approx(2 / 4)
    assert m["space.communication.reviews_per_pr"].value == pytest.approx(3 / 4)
    ttfr = m["space.communication.time_to_first_review"]
    assert ttfr.samples == 2 and ttfr.value == pytest.approx((2 + 3) / 2)  # 2 h and 8−5 h
    assert ttfr.people == frozenset({"bob", "dan"})
    # p50 of 10, 15, 30, 40: h = 1.5 → 15 + 0.5 · 15
    assert m["space.efficiency.pr_cycle_time"].value == pytest.approx(22.5)
    assert m["space.efficiency.pr_size"].value == 15
    # reviews in the window: ann's review after PR 3's merge counts; PENDING, bots, self don't
    assert m["space.activity.reviews"].value == 4  # bob and cat on 1, dan on 2, ann on 3
    assert m["space.activity.reviews"].people == frozenset({"bob", "cat", "dan", "ann"})


def test_time_to_first_review_is_clamped_at_zero() -> None:
    pulls = [pr(1, "ann", created=0, ready=5, merged=10, reviews=(review("bob", 1),))]
    assert pull_request_metrics(pulls, "main", WINDOW, person_of)[
        "space.communication.time_to_first_review"].value == 0  # fmt: skip


def test_no_merged_pr_is_insufficient_data_not_zero() -> None:
    m = pull_request_metrics([pr(1, "ann", merged=None)], "main", WINDOW, person_of)
    assert all(r.status is Status.INSUFFICIENT_DATA for r in m.values())
    assert all(r.value is None for r in m.values())


def run(number: int, conclusion: str | None, *, event: str = "push", branch: str = "main",
        created: float = 1, minutes: float = 10, status: str = "completed",
        name: str = "CI") -> WorkflowRun:  # fmt: skip
    return WorkflowRun(number, name, f".github/workflows/{name.lower()}.yml", event, branch,
                       "0" * 40, status, conclusion, h(created), h(created),
                       h(created) + timedelta(minutes=minutes))  # fmt: skip


def test_build_success_rate_and_ci_duration() -> None:
    runs = [
        run(1, "success", minutes=10), run(2, "failure", minutes=20),
        run(3, "timed_out", minutes=60), run(4, "startup_failure", minutes=0),
        run(5, "cancelled", minutes=99), run(6, "skipped", minutes=99),
        run(7, "success", event="pull_request", minutes=30),
        run(8, "success", branch="feature", minutes=40),
        run(9, None, status="in_progress"),
        run(10, "success", created=-1),  # created before the window
    ]  # fmt: skip
    m = ci_metrics(runs, "main", WINDOW, ())
    rate = m["space.performance.build_success_rate"]
    assert rate.samples == 4 and rate.value == pytest.approx(1 / 4)
    duration = m["space.efficiency.ci_duration"]
    assert duration.samples == 6 and duration.value == pytest.approx((20 + 30) / 2)


def test_ci_workflows_filter_by_name_or_file() -> None:
    runs = [run(1, "success", name="CI"), run(2, "failure", name="Lint")]
    assert ci_metrics(runs, "main", WINDOW, ("ci.yml",))[
        "space.performance.build_success_rate"].value == 1.0  # fmt: skip
    assert ci_metrics(runs, "main", WINDOW, ("Lint",))[
        "space.performance.build_success_rate"].value == 0.0  # fmt: skip
