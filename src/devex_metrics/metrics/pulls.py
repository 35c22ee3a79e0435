"""Pull-request and review metrics (SPEC §6: activity, communication, efficiency).

A *qualifying review* is by a human who is not the PR's author and not opted out,
not PENDING, submitted before the merge. Opted-out people's own PRs and reviews
leave the samples; other people's reviews on their PRs still count.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from devex_metrics.derive.people import Person
from devex_metrics.metrics.aggregate import Aggregate, count_parts, ratio_parts, sample_parts
from devex_metrics.metrics.catalogue import spec
from devex_metrics.metrics.result import MetricResult, Status
from devex_metrics.metrics.stats import p50_p90, percentile
from devex_metrics.model import PullRequest, Window

HOUR = timedelta(hours=1)
_NO_PRS = "no pull request merged in the window"

PersonOfLogin = Callable[[str | None, bool], Person]


@dataclass(frozen=True)
class _MergedPR:
    pr: PullRequest
    merged_at: datetime
    author: Person
    qualifying: tuple[tuple[datetime, Person], ...]


def _qualifying(
    pr: PullRequest, merged_at: datetime, author: Person, person_of: PersonOfLogin
) -> tuple[tuple[datetime, Person], ...]:
    """(submitted time, reviewer) of the qualifying reviews, earliest first."""
    found = []
    for review in pr.reviews:
        if review.state == "PENDING" or review.submitted_at is None:
            continue
        reviewer = person_of(review.author_login, review.author_is_bot)
        if reviewer.counted and reviewer.key != author.key and review.submitted_at < merged_at:
            found.append((review.submitted_at, reviewer))
    return tuple(sorted(found, key=lambda item: item[0]))


def _merged(
    pulls: Sequence[PullRequest], branch: str, window: Window, person_of: PersonOfLogin
) -> list[_MergedPR]:
    merged = []
    for pr in pulls:
        if pr.base_ref != branch or pr.merged_at is None or not window.contains(pr.merged_at):
            continue
        author = person_of(pr.author_login, pr.author_is_bot)
        if author.counted:
            qualifying = _qualifying(pr, pr.merged_at, author, person_of)
            merged.append(_MergedPR(pr, pr.merged_at, author, qualifying))
    return merged


_EMPTY_AGGREGATES: dict[str, Aggregate] = {
    "space.activity.prs_merged": count_parts(count=0),
    "space.activity.reviews": count_parts(count=0),
    "space.communication.review_coverage": ratio_parts(0, 0),
    "space.communication.reviews_per_pr": ratio_parts(0, 0),
}


def _empty(metric_id: str, note: str = _NO_PRS) -> MetricResult:
    aggregate = _EMPTY_AGGREGATES.get(metric_id, sample_parts(()))
    return MetricResult(spec(metric_id), Status.INSUFFICIENT_DATA, 0, note=note,
                        aggregate=aggregate)  # fmt: skip


def _distribution(
    metric_id: str, values: list[float], people: set[str], empty_note: str = _NO_PRS
) -> MetricResult:
    if not values:
        return _empty(metric_id, empty_note)
    p50, p90 = p50_p90(values)
    return MetricResult(spec(metric_id), Status.OK, len(values), value=p50, p50=p50, p90=p90,
                        people=frozenset(people), aggregate=sample_parts(values))  # fmt: skip


def _reviews_in_window(
    pulls: Sequence[PullRequest], branch: str, window: Window, person_of: PersonOfLogin
) -> MetricResult:
    count = 0
    reviewers: set[str] = set()
    for pr in pulls:
        if pr.base_ref != branch:
            continue
        author = person_of(pr.author_login, pr.author_is_bot)
        for review in pr.reviews:
            if review.state == "PENDING" or review.submitted_at is None:
                continue
            if not window.contains(review.submitted_at):
                continue
            reviewer = person_of(review.author_login, review.author_is_bot)
            if reviewer.counted and reviewer.key != author.key:
                count += 1
                reviewers.add(reviewer.key)
    if count == 0:
        return _empty("space.activity.reviews", "no review submitted in the window")
    return MetricResult(spec("space.activity.reviews"), Status.OK, count, value=float(count),
                        people=frozenset(reviewers),
                        aggregate=count_parts(count=count))  # fmt: skip


def pull_request_metrics(
    pulls: Sequence[PullRequest], branch: str, window: Window, person_of: PersonOfLogin
) -> Mapping[str, MetricResult]:
    merged = _merged(pulls, branch, window, person_of)
    authors = frozenset(m.author.key for m in merged)
    results = [_reviews_in_window(pulls, branch, window, person_of)]
    if not merged:
        ids = ("space.activity.prs_merged", "space.communication.time_to_first_review",
               "space.communication.review_coverage", "space.communication.reviews_per_pr",
               "space.efficiency.pr_cycle_time", "space.efficiency.pr_size")  # fmt: skip
        results.extend(_empty(i) for i in ids)
        return {r.id: r for r in results}
    n = len(merged)
    reviewed = [m for m in merged if m.qualifying]
    first_waits = [max(0.0, (m.qualifying[0][0] - m.pr.ready_at) / HOUR) for m in reviewed]
    first_reviewers = {m.qualifying[0][1].key for m in reviewed}
    all_reviewers = {p.key for m in merged for _, p in m.qualifying}
    total_reviews = sum(len(m.qualifying) for m in merged)
    cycle = [(m.merged_at - m.pr.ready_at) / HOUR for m in merged]
    sizes = [float(m.pr.additions + m.pr.deletions) for m in merged]
    results += [
        MetricResult(spec("space.activity.prs_merged"), Status.OK, n, value=float(n),
                     people=authors, aggregate=count_parts(count=n)),
        _distribution("space.communication.time_to_first_review", first_waits, first_reviewers,
                      "no merged pull request got a qualifying review"),
        MetricResult(spec("space.communication.review_coverage"), Status.OK, n,
                     value=len(reviewed) / n, people=authors, details={"reviewed": len(reviewed)},
                     aggregate=ratio_parts(len(reviewed), n)),
        MetricResult(spec("space.communication.reviews_per_pr"), Status.OK, n,
                     value=total_reviews / n, people=frozenset(all_reviewers),
                     aggregate=ratio_parts(total_reviews, n)),
        _distribution("space.efficiency.pr_cycle_time", cycle, set(authors)),
        MetricResult(spec("space.efficiency.pr_size"), Status.OK, n,
                     value=percentile(sizes, 0.5), people=authors,
                     aggregate=sample_parts(sizes)),
    ]  # fmt: skip
    return {r.id: r for r in results}
