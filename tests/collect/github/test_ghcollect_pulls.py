"""Pull requests and reviews collected from the fake GitHub, one scenario per row."""

from __future__ import annotations

import pytest
from fakegithub.dataset import day, sha_of
from fakegithub.scenarios import LONG_PR_COMMITS, LONG_PR_REVIEWS
from fakegithub.server import FakeGitHub

from devex_metrics.collect.github import GitHubData
from devex_metrics.model import PullRequest


@pytest.fixture(scope="module")
def pulls(scenario: tuple[GitHubData, FakeGitHub]) -> dict[int, PullRequest]:
    return {p.number: p for p in scenario[0].pull_requests}


def test_every_query_the_server_saw_was_valid(scenario: tuple[GitHubData, FakeGitHub]) -> None:
    assert scenario[1].graphql_errors == []


@pytest.mark.parametrize(
    ("number", "why"),
    [
        (10, "into-another-branch"),
        (11, "closed-unmerged-unreviewed"),
        (12, "merged-before-since"),
        (13, "open-never-reviewed"),
    ],
)
def test_irrelevant_pull_requests_are_dropped(
    pulls: dict[int, PullRequest], number: int, why: str
) -> None:
    assert number not in pulls, why


def test_relevant_pull_requests_are_kept_in_order(pulls: dict[int, PullRequest]) -> None:
    assert list(pulls) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 14, 15, 16, 17]


def test_squash_merge_keeps_merge_commit_and_first_author_time(
    pulls: dict[int, PullRequest],
) -> None:
    pr = pulls[1]
    assert pr.merge_commit_sha == sha_of("merge-commit-1")
    assert pr.merge_commit_sha not in pr.commit_shas
    assert pr.commit_shas == (sha_of("sq-0"), sha_of("sq-1"), sha_of("sq-2"))
    assert pr.first_commit_author_time == day(8)
    assert (pr.created_at, pr.merged_at, pr.ready_at) == (day(10), day(11), day(10))
    assert (pr.base_ref, pr.head_ref, pr.additions, pr.deletions) == ("main", "feat/squash", 10, 2)


def test_merge_commit_pull_request(pulls: dict[int, PullRequest]) -> None:
    pr = pulls[2]
    assert pr.commit_shas == (sha_of("mc-1"), sha_of("mc-2"))
    assert [(r.author_login, r.state, r.submitted_at) for r in pr.reviews] == [
        ("carol", "CHANGES_REQUESTED", day(19)),
        ("carol", "APPROVED", day(19.5)),
    ]


def test_rebase_merge_points_at_the_rebased_copy(pulls: dict[int, PullRequest]) -> None:
    pr = pulls[3]
    assert pr.merge_commit_sha == sha_of("rebased-copy-3")
    assert pr.commit_shas == (sha_of("rb-1"),)
    assert pr.first_commit_author_time == day(21)


@pytest.mark.parametrize(
    ("number", "ready", "why"),
    [
        (4, day(32), "opened-as-draft-ready-event"),
        (5, day(40), "opened-ready-drafted-later"),
        (6, day(49), "still-a-draft"),
        (1, day(10), "never-a-draft"),
    ],
)
def test_ready_time(pulls: dict[int, PullRequest], number: int, ready: object, why: str) -> None:
    assert pulls[number].ready_at == ready, why


def test_open_draft_with_a_review_in_the_window_is_kept(pulls: dict[int, PullRequest]) -> None:
    pr = pulls[6]
    assert pr.merged_at is None and pr.merge_commit_sha is None
    assert [r.author_login for r in pr.reviews] == ["alice"]


def test_self_bot_and_pending_reviews_are_kept_as_records(pulls: dict[int, PullRequest]) -> None:
    reviews = [(r.author_login, r.author_is_bot, r.state, r.submitted_at) for r in pulls[7].reviews]
    assert reviews == [
        ("erin", False, "COMMENTED", day(55)),
        ("dependabot[bot]", True, "COMMENTED", day(55.1)),
        ("bob", False, "PENDING", None),
        ("renovate[bot]", True, "APPROVED", day(55.2)),
    ]
    assert pulls[7].author_login == "erin"


def test_bot_author_gets_the_bot_suffix(pulls: dict[int, PullRequest]) -> None:
    assert (pulls[8].author_login, pulls[8].author_is_bot) == ("dependabot[bot]", True)


def test_deleted_accounts_are_none(pulls: dict[int, PullRequest]) -> None:
    assert (pulls[9].author_login, pulls[9].author_is_bot) == (None, False)
    assert pulls[9].reviews[0].author_login is None


def test_labels_and_closing_issues(pulls: dict[int, PullRequest]) -> None:
    assert pulls[15].labels == ("hotfix", "Priority: High")
    assert pulls[15].closing_issue_numbers == (101,)
    assert pulls[15].head_ref == "hotfix/outage"


def test_long_pull_request_is_paginated_on_its_own(
    pulls: dict[int, PullRequest], scenario: tuple[GitHubData, FakeGitHub]
) -> None:
    pr = pulls[16]
    assert len(pr.commit_shas) == LONG_PR_COMMITS and len(set(pr.commit_shas)) == LONG_PR_COMMITS
    assert len(pr.reviews) == LONG_PR_REVIEWS
    assert pr.first_commit_author_time == day(70)
    kinds = scenario[1].kinds()
    assert kinds["graphql:PullRequestCommits"] == 1
    assert kinds["graphql:PullRequestReviews"] == 1


def test_previous_window_merge_is_kept_for_trends(pulls: dict[int, PullRequest]) -> None:
    assert pulls[14].merged_at == day(-30)


def test_closed_unmerged_pull_request_reviewed_in_the_window_is_kept(
    pulls: dict[int, PullRequest],
) -> None:
    assert pulls[17].merged_at is None
    assert [r.state for r in pulls[17].reviews] == ["DISMISSED"]


def test_user_types_come_from_actors(scenario: tuple[GitHubData, FakeGitHub]) -> None:
    types = scenario[0].user_types
    assert types["dependabot[bot]"] == "Bot" and types["renovate[bot]"] == "Bot"
    assert types["alice"] == "User" and types["erin"] == "User"
    assert all(login == login.lower() for login in types)
