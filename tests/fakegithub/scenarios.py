"""A small repository holding one of every case the GitHub collector must get right
(its pull requests are in `scenario_pulls`).

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
    SBOM_DOCUMENT,
    Commit,
    Deployment,
    Issue,
    Release,
    Repo,
    Run,
    commit,
    day,
    sha_of,
)
from fakegithub.scenario_pulls import LONG_PR_COMMITS, LONG_PR_REVIEWS, pull, scenario_pulls

__all__ = ["LONG_PR_COMMITS", "LONG_PR_REVIEWS", "pull", "scenario_dataset", "scenario_pulls"]

PULSE_BODY = (
    "### Satisfaction\n\n4 - Satisfied\n\n### Recommend\n\n9\n\n### Burnout frequency\n\n"
    "Rarely\n\n### Flow days last week\n\n3\n\n### Cognitive load\n\n2 - Low\n\n"
    "### What slowed you down?\n\nthe flaky suite carol wrote\n"
)
FRICTION_BODY = (
    "### Category\n\nBuild & CI\n\n### Time lost\n\n1-4 hours\n\n### Description\n\nslow\n"
)


def scenario_issues() -> list[Issue]:
    return [
        Issue(
            101,
            ALICE,
            ["Incident"],
            "Outage.\nRoot cause: ABCDEF1234567 (bad config)\n",
            day(65),
            day(70),
            day(70),
        ),
        Issue(102, BOB, ["incident"], "No root cause known yet.", day(80), day(80)),
        Issue(
            103,
            CAROL,
            ["incident", "sev1"],
            "root cause: `0123456789abcdef0123456789abcdef01234567`",
            day(81),
            day(83),
            day(83),
        ),
        Issue(104, ALICE, ["devex-pulse"], PULSE_BODY, day(85), day(85)),
        Issue(105, BOB, ["devex-friction"], FRICTION_BODY, day(86), day(86)),
        Issue(106, CAROL, ["bug"], "root cause: deadbeef", day(87), day(87)),
        Issue(107, DAVE, ["incident"], "root cause: xyz (not a sha)", day(88), day(88)),
        Issue(108, DEPENDABOT, ["devex-pulse"], PULSE_BODY, day(89), day(89)),
        Issue(
            109,
            ALICE,
            ["incident"],
            "before the window, untouched since",
            day(-300),
            day(-290),
            day(-290),
        ),
    ]


def scenario_deployments() -> list[Deployment]:
    # 120 statuses, newest first: the first success is the oldest status, on page two
    many = [("SUCCESS", day(45) + timedelta(minutes=1))]
    many += [("IN_PROGRESS", day(45) + timedelta(minutes=2 + k)) for k in range(118)]
    many += [("SUCCESS", day(47))]
    return [
        Deployment(
            1,
            sha_of("d1"),
            "production",
            day(-100),
            [("SUCCESS", day(-100) + timedelta(minutes=5))],
        ),
        Deployment(
            2,
            sha_of("d2"),
            "Production",
            day(20),
            [
                ("PENDING", day(20)),
                ("IN_PROGRESS", day(20.01)),
                ("SUCCESS", day(20.02)),
                ("SUCCESS", day(20.5)),
            ],
        ),
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
    def run(
        i: int, created: datetime, status: str = "completed", conclusion: str | None = "success"
    ) -> Run:
        started = created + timedelta(seconds=30) if status != "queued" else None
        return Run(
            i,
            "CI",
            ".github/workflows/ci.yml",
            "push",
            "main",
            sha_of(f"run{i}"),
            status,
            conclusion,
            created,
            started,
            created + timedelta(minutes=7),
        )

    return [
        run(1, day(-100)),  # before since: not listed
        run(2, day(5)),
        run(3, day(6), conclusion="failure"),
        run(4, day(89.9), status="in_progress", conclusion=None),
        run(5, day(89.95), status="queued", conclusion=None),
        Run(
            6,
            "Deploy",
            "octo/app/.github/workflows/deploy.yml@refs/heads/main",
            "workflow_dispatch",
            None,
            sha_of("run6"),
            "completed",
            "success",
            day(7),
            day(7),
            day(7.01),
        ),
    ]


def scenario_history() -> list[Commit]:
    commits = [
        commit("h1", day(1), "alice"),
        Commit(sha_of("h2"), day(2), day(2), "Bob@Example.COM", "Bob"),
        commit("h3", day(3), "carol", linked=False),
        Commit(
            sha_of("h4"), day(4), day(4), "49699333+dependabot[bot]@users.noreply.github.com", None
        ),
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
