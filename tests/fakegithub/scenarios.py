"""A small repository holding one of every case the GitHub collector must get right.

Times are days after the window start (`day(n)`); the caller's `since` is the start of
the previous window (`SINCE`), so `day(-30)` is in the previous window and counts.
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
    SBOM_DOCUMENT,
    Actor,
    Commit,
    Deployment,
    Issue,
    Pull,
    Release,
    Repo,
    Review,
    Run,
    commit,
    day,
    sha_of,
)

PULSE_BODY = (
    "### Satisfaction\n\n4 - Satisfied\n\n### Recommend\n\n9\n\n### Burnout frequency\n\n"
    "Rarely\n\n### Flow days last week\n\n3\n\n### Cognitive load\n\n2 - Low\n\n"
    "### What slowed you down?\n\nthe flaky suite carol wrote\n"
)
FRICTION_BODY = "### Category\n\nBuild & CI\n\n### Time lost\n\n1-4 hours\n\n### Description\n\nslow\n"
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
        pr.commits = [commit(f"pr{number}-only", created - timedelta(hours=1), author.login if author else "ghost")]
    return pr


def _merged(pr_number: int) -> str:
    return sha_of(f"merge-commit-{pr_number}")


def scenario_pulls() -> list[Pull]:
    squash_commits = [commit(f"sq-{k}", day(8 + k / 2), "alice") for k in range(3)]
    long_commits = [commit(f"long-{k}", day(70) + timedelta(minutes=k), "bob") for k in range(LONG_PR_COMMITS)]
    long_reviews = [Review(CAROL, "COMMENTED", day(74) + timedelta(minutes=k)) for k in range(LONG_PR_REVIEWS)]
    return [
        # squash merge: merge commit is new; first commit authored two days before
        pull(1, ALICE, day(10), merged_at=day(11), merge_commit=_merged(1), closed=True,
             commits=squash_commits, reviews=[Review(BOB, "APPROVED", day(10.5))], head="feat/squash"),
        # merge commit: two commits, review cycle
        pull(2, BOB, day(18), merged_at=day(20), merge_commit=_merged(2), closed=True,
             commits=[commit("mc-1", day(17), "bob"), commit("mc-2", day(17.5), "bob")],
             reviews=[Review(CAROL, "CHANGES_REQUESTED", day(19)), Review(CAROL, "APPROVED", day(19.5))]),
        # rebase merge: mergeCommit is the rebased copy of the last commit
        pull(3, CAROL, day(22), merged_at=day(23), merge_commit=sha_of("rebased-copy-3"), closed=True,
             commits=[commit("rb-1", day(21), "carol")]),
        # opened as draft, then ready: ready_at is the ready event
        pull(4, DAVE, day(30), is_draft=False, events=[("ReadyForReviewEvent", day(32))],
             merged_at=day(33), merge_commit=_merged(4), closed=True),
        # opened ready, drafted, ready again: ready_at is creation
        pull(5, DAVE, day(40), events=[("ConvertToDraftEvent", day(41)), ("ReadyForReviewEvent", day(42))],
             merged_at=day(43), merge_commit=_merged(5), closed=True),
        # still a draft, open, reviewed in the window: kept for the review
        pull(6, ERIN, day(49), is_draft=True, reviews=[Review(ALICE, "COMMENTED", day(50))]),
        # self-review, bot reviews and a PENDING review are all kept as records
        pull(7, ERIN, day(54), merged_at=day(56), merge_commit=_merged(7), closed=True,
             reviews=[Review(ERIN, "COMMENTED", day(55)), Review(DEPENDABOT, "COMMENTED", day(55.1)),
                      Review(BOB, "PENDING", None), Review(RENOVATE, "APPROVED", day(55.2))]),
        # a bot's PR (GraphQL login without "[bot]")
        pull(8, DEPENDABOT, day(59), merged_at=day(60), merge_commit=_merged(8), closed=True,
             head="dependabot/pip/requests-2.32.0"),
        # a deleted author, and a deleted reviewer
        pull(9, None, day(60), merged_at=day(61), merge_commit=_merged(9), closed=True,
             reviews=[Review(None, "APPROVED", day(60.5))]),
        # into another branch: never listed
        pull(10, ALICE, day(61), base="release/1.x", merged_at=day(62), merge_commit=_merged(10), closed=True),
        # closed without merge, no review: dropped
        pull(11, BOB, day(63), closed=True, updated_at=day(64)),
        # merged long before `since`: the listing stops before it
        pull(12, ALICE, day(-200), merged_at=day(-199), merge_commit=_merged(12), closed=True),
        # open, updated, never reviewed: dropped
        pull(13, CAROL, day(64), updated_at=day(66)),
        # merged in the previous window: kept (trends)
        pull(14, BOB, day(-31), merged_at=day(-30), merge_commit=_merged(14), closed=True),
        # hotfix closing an incident
        pull(15, ALICE, day(69), merged_at=day(70), merge_commit=_merged(15), closed=True,
             labels=["hotfix", "Priority: High"], closing_issues=[101], head="hotfix/outage"),
        # more than 100 commits and 100 reviews: paginated for this PR only
        pull(16, BOB, day(71), merged_at=day(75), merge_commit=_merged(16), closed=True,
             commits=long_commits, reviews=long_reviews, additions=5000, deletions=4000),
        # reviewed in the window, closed unmerged: kept for the review
        pull(17, CAROL, day(76), closed=True, reviews=[Review(ALICE, "DISMISSED", day(77))]),
    ]


def scenario_issues() -> list[Issue]:
    return [
        Issue(101, ALICE, ["Incident"], "Outage.\nRoot cause: ABCDEF1234567 (bad config)\n", day(65), day(70), day(70)),
        Issue(102, BOB, ["incident"], "No root cause known yet.", day(80), day(80)),
        Issue(103, CAROL, ["incident", "sev1"], "root cause: `0123456789abcdef0123456789abcdef01234567`",
              day(81), day(83), day(83)),
        Issue(104, ALICE, ["devex-pulse"], PULSE_BODY, day(85), day(85)),
        Issue(105, BOB, ["devex-friction"], FRICTION_BODY, day(86), day(86)),
        Issue(106, CAROL, ["bug"], "root cause: deadbeef", day(87), day(87)),
        Issue(107, DAVE, ["incident"], "root cause: xyz (not a sha)", day(88), day(88)),
        Issue(108, DEPENDABOT, ["devex-pulse"], PULSE_BODY, day(89), day(89)),
        Issue(109, ALICE, ["incident"], "before the window, untouched since", day(-300), day(-290), day(-290)),
    ]


def scenario_deployments() -> list[Deployment]:
    # 120 statuses, newest first: the first success is the oldest status, on page two
    many = [("SUCCESS", day(45) + timedelta(minutes=1))]
    many += [("IN_PROGRESS", day(45) + timedelta(minutes=2 + k)) for k in range(118)]
    many += [("SUCCESS", day(47))]
    return [
        Deployment(1, sha_of("d1"), "production", day(-100), [("SUCCESS", day(-100) + timedelta(minutes=5))]),
        Deployment(2, sha_of("d2"), "Production", day(20),
                   [("PENDING", day(20)), ("IN_PROGRESS", day(20.01)), ("SUCCESS", day(20.02)),
                    ("SUCCESS", day(20.5))]),
        Deployment(3, sha_of("d3"), "staging", day(21), [("FAILURE", day(21.01))]),
        Deployment(4, sha_of("d4"), "production", day(40), []),
        Deployment(5, sha_of("d5"), "production", day(45), many),
        Deployment(6, sha_of("d6"), None, day(50), [("ERROR", day(50.01))]),
    ]


def scenario_releases() -> list[Release]:
    return [
        Release("v1.0.0", sha_of("r1"), day(-10), day(-10)),
        Release("v1.1.0-rc.1", sha_of("r2"), day(30), day(30), prerelease=True),
        Release("v1.1.0", None, day(40), None, draft=True),
        Release("v1.0.1", sha_of("r3"), day(45), day(46)),
    ]


def scenario_runs() -> list[Run]:
    def run(i: int, created: datetime, status: str = "completed", conclusion: str | None = "success") -> Run:
        started = created + timedelta(seconds=30) if status != "queued" else None
        return Run(i, "CI", ".github/workflows/ci.yml", "push", "main", sha_of(f"run{i}"), status,
                   conclusion, created, started, created + timedelta(minutes=7))

    return [
        run(1, day(-100)),  # before since: not listed
        run(2, day(5)),
        run(3, day(6), conclusion="failure"),
        run(4, day(89.9), status="in_progress", conclusion=None),
        run(5, day(89.95), status="queued", conclusion=None),
        Run(6, "Deploy", "octo/app/.github/workflows/deploy.yml@refs/heads/main", "workflow_dispatch", None,
            sha_of("run6"), "completed", "success", day(7), day(7), day(7.01)),
    ]


def scenario_history() -> list[Commit]:
    commits = [
        commit("h1", day(1), "alice"),
        Commit(sha_of("h2"), day(2), day(2), "Bob@Example.COM", "Bob"),
        commit("h3", day(3), "carol", linked=False),
        Commit(sha_of("h4"), day(4), day(4), "49699333+dependabot[bot]@users.noreply.github.com", None),
        commit("h0", day(-500), "old"),  # before since: not in the map
    ]
    return sorted(commits, key=lambda c: c.committed_at, reverse=True)


def scenario_dataset() -> Repo:
    return Repo(
        "octo",
        "app",
        history=scenario_history(),
        pulls=scenario_pulls(),
        issues=scenario_issues(),
        deployments=scenario_deployments(),
        releases=scenario_releases(),
        runs=scenario_runs(),
        sbom=SBOM_DOCUMENT,
    )
