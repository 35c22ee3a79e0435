"""The scenario repository's pull requests: one row per case the collector must get right.

Times are days after the window start (`day(n)`); `day(-30)` is in the previous window,
which the caller's `since` includes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from fakegithub.dataset import (
    ALICE,
    BOB,
    CAROL,
    DAVE,
    DEPENDABOT,
    ERIN,
    RENOVATE,
    Actor,
    Pull,
    Review,
    commit,
    day,
    sha_of,
)

LONG_PR_COMMITS = 150
LONG_PR_REVIEWS = 120


def pull(number: int, author: Actor | None, created: datetime, **fields: object) -> Pull:
    """A PR whose `updated_at` is its latest event unless given."""
    fields.setdefault("updated_at", None)
    pr = Pull(number=number, author=author, created_at=created, **fields)  # type: ignore[arg-type]
    if pr.updated_at is None:
        times = [created, *(t for _, t in pr.events)]
        times += [r.submitted_at for r in pr.reviews if r.submitted_at]
        times += [pr.merged_at] if pr.merged_at else []
        pr.updated_at = max(times)
    if not pr.commits:
        pr.commits = [
            commit(
                f"pr{number}-only",
                created - timedelta(hours=1),
                author.login if author else "ghost",
            )
        ]
    return pr


def _merged(pr_number: int) -> str:
    return sha_of(f"merge-commit-{pr_number}")


def scenario_pulls() -> list[Pull]:
    squash_commits = [commit(f"sq-{k}", day(8 + k / 2), "alice") for k in range(3)]
    long_commits = [
        commit(f"long-{k}", day(70) + timedelta(minutes=k), "bob") for k in range(LONG_PR_COMMITS)
    ]
    long_reviews = [
        Review(CAROL, "COMMENTED", day(74) + timedelta(minutes=k)) for k in range(LONG_PR_REVIEWS)
    ]
    return [
        # squash merge: merge commit is new; first commit authored two days before
        pull(
            1,
            ALICE,
            day(10),
            merged_at=day(11),
            merge_commit=_merged(1),
            closed=True,
            commits=squash_commits,
            reviews=[Review(BOB, "APPROVED", day(10.5))],
            head="feat/squash",
        ),
        # merge commit: two commits, review cycle
        pull(
            2,
            BOB,
            day(18),
            merged_at=day(20),
            merge_commit=_merged(2),
            closed=True,
            commits=[commit("mc-1", day(17), "bob"), commit("mc-2", day(17.5), "bob")],
            reviews=[
                Review(CAROL, "CHANGES_REQUESTED", day(19)),
                Review(CAROL, "APPROVED", day(19.5)),
            ],
        ),
        # rebase merge: mergeCommit is the rebased copy of the last commit
        pull(
            3,
            CAROL,
            day(22),
            merged_at=day(23),
            merge_commit=sha_of("rebased-copy-3"),
            closed=True,
            commits=[commit("rb-1", day(21), "carol")],
        ),
        # opened as draft, then ready: ready_at is the ready event
        pull(
            4,
            DAVE,
            day(30),
            is_draft=False,
            events=[("ReadyForReviewEvent", day(32))],
            merged_at=day(33),
            merge_commit=_merged(4),
            closed=True,
        ),
        # opened ready, drafted, ready again: ready_at is creation
        pull(
            5,
            DAVE,
            day(40),
            events=[("ConvertToDraftEvent", day(41)), ("ReadyForReviewEvent", day(42))],
            merged_at=day(43),
            merge_commit=_merged(5),
            closed=True,
        ),
        # still a draft, open, reviewed in the window: kept for the review
        pull(6, ERIN, day(49), is_draft=True, reviews=[Review(ALICE, "COMMENTED", day(50))]),
        # self-review, bot reviews and a PENDING review are all kept as records
        pull(
            7,
            ERIN,
            day(54),
            merged_at=day(56),
            merge_commit=_merged(7),
            closed=True,
            reviews=[
                Review(ERIN, "COMMENTED", day(55)),
                Review(DEPENDABOT, "COMMENTED", day(55.1)),
                Review(BOB, "PENDING", None),
                Review(RENOVATE, "APPROVED", day(55.2)),
            ],
        ),
        # a bot's PR (GraphQL login without "[bot]")
        pull(
            8,
            DEPENDABOT,
            day(59),
            merged_at=day(60),
            merge_commit=_merged(8),
            closed=True,
            head="dependabot/pip/requests-2.32.0",
        ),
        # a deleted author, and a deleted reviewer
        pull(
            9,
            None,
            day(60),
            merged_at=day(61),
            merge_commit=_merged(9),
            closed=True,
            reviews=[Review(None, "APPROVED", day(60.5))],
        ),
        # into another branch: never listed
        pull(
            10,
            ALICE,
            day(61),
            base="release/1.x",
            merged_at=day(62),
            merge_commit=_merged(10),
            closed=True,
        ),
        # closed without merge, no review: dropped
        pull(11, BOB, day(63), closed=True, updated_at=day(64)),
        # merged long before `since`: the listing stops before it
        pull(12, ALICE, day(-200), merged_at=day(-199), merge_commit=_merged(12), closed=True),
        # open, updated, never reviewed: dropped
        pull(13, CAROL, day(64), updated_at=day(66)),
        # merged in the previous window: kept (trends)
        pull(14, BOB, day(-31), merged_at=day(-30), merge_commit=_merged(14), closed=True),
        # hotfix closing an incident
        pull(
            15,
            ALICE,
            day(69),
            merged_at=day(70),
            merge_commit=_merged(15),
            closed=True,
            labels=["hotfix", "Priority: High"],
            closing_issues=[101],
            head="hotfix/outage",
        ),
        # more than 100 commits and 100 reviews: paginated for this PR only
        pull(
            16,
            BOB,
            day(71),
            merged_at=day(75),
            merge_commit=_merged(16),
            closed=True,
            commits=long_commits,
            reviews=long_reviews,
            additions=5000,
            deletions=4000,
        ),
        # reviewed in the window, closed unmerged: kept for the review
        pull(17, CAROL, day(76), closed=True, reviews=[Review(ALICE, "DISMISSED", day(77))]),
    ]
