"""The metric catalogue (SPEC §6): one entry per published metric id.

This is the single source of truth for ids, units, titles, whose people gate a
metric, and the one-line definitions shown in reports; `docs/metrics.md` is
generated from it (and a test checks the committed page is current).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class People(StrEnum):
    """Whose count gates a metric (SPEC §7)."""

    SYSTEM = "system"  # machines, not people: never gated
    SET = "set"  # gated on the size of its people set
    ALWAYS = "always"  # a people count published by design (the gate's own input)


@dataclass(frozen=True, slots=True)
class MetricSpec:
    id: str
    unit: str
    title: str
    people: People
    people_of: str
    definition: str
    source: str
    tiered: bool = False

    @property
    def family(self) -> str:
        return self.id.split(".")[0]

    @property
    def group(self) -> str:
        """`dora`, `health` or the SPACE dimension (`satisfaction`, `activity`, ...)."""
        parts = self.id.split(".")
        return parts[1] if parts[0] == "space" else parts[0]


_S = People.SYSTEM
_P = People.SET

CATALOGUE: tuple[MetricSpec, ...] = (
    MetricSpec(
        "dora.deployment_frequency",
        "per_week",
        "Deployment frequency",
        _S,
        "system",
        "successful deployments in the window ÷ (window days ÷ 7)",
        "deployments",
        True,
    ),
    MetricSpec(
        "dora.lead_time",
        "hours",
        "Change lead time",
        _P,
        "distinct authors of the measured changes",
        "p50 (and p90) of deployment time − change time over the changes of the "
        "window's deployments; negative values dropped and counted",
        "deployments",
        True,
    ),
    MetricSpec(
        "dora.change_failure_rate",
        "ratio",
        "Change failure rate",
        _S,
        "system",
        "failed deployments ÷ successful deployments, both in the window",
        "deployments",
        True,
    ),
    MetricSpec(
        "dora.recovery_time",
        "hours",
        "Failed deployment recovery time",
        _S,
        "system",
        "p50 (and p90) of remedy time − deployment time over the window's failed "
        "deployments that have a remedy; the others are counted as unrecovered",
        "deployments",
        True,
    ),
    MetricSpec(
        "dora.rework_rate",
        "ratio",
        "Deployment rework rate",
        _S,
        "system",
        "deployments in the window that are a remedy (revert, hotfix, rollback, "
        "incident fix) ÷ successful deployments in the window",
        "deployments",
    ),
    MetricSpec(
        "space.satisfaction.rating",
        "score",
        "Satisfaction rating",
        _P,
        "respondents with a valid answer",
        "mean answer (1–5) to the satisfaction question",
        "surveys",
    ),
    MetricSpec(
        "space.satisfaction.nps",
        "score",
        "Net promoter score",
        _P,
        "respondents with a valid answer",
        "100 × (promoters 9–10 − detractors 0–6) ÷ answers",
        "surveys",
    ),
    MetricSpec(
        "space.satisfaction.burnout",
        "ratio",
        "Burnout",
        _P,
        "respondents with a valid answer",
        "share answering “Often” or “Always” to the burnout question",
        "surveys",
    ),
    MetricSpec(
        "space.performance.build_success_rate",
        "ratio",
        "Build success rate",
        _S,
        "system",
        "default-branch push runs created in the window: success ÷ (success + failure "
        "+ timed_out + startup_failure)",
        "github",
    ),
    MetricSpec(
        "space.performance.coverage",
        "ratio",
        "Line coverage",
        _S,
        "system",
        "line coverage from the --coverage file (Cobertura XML, coverage.py JSON or lcov)",
        "coverage",
    ),
    MetricSpec(
        "space.activity.commits",
        "count",
        "Commits",
        _P,
        "distinct authors",
        "non-merge commits reachable from the default branch with author time in "
        "the window, human authors",
        "git",
    ),
    MetricSpec(
        "space.activity.contributors",
        "count",
        "Contributors",
        People.ALWAYS,
        "—",
        "distinct people authoring those commits",
        "git",
    ),
    MetricSpec(
        "space.activity.prs_merged",
        "count",
        "Pull requests merged",
        _P,
        "distinct authors",
        "PRs into the default branch merged in the window, human authors",
        "github",
    ),
    MetricSpec(
        "space.activity.reviews",
        "count",
        "Reviews",
        _P,
        "distinct reviewers",
        "reviews (not pending) by a human other than the PR author, submitted in the "
        "window, on PRs into the default branch",
        "github",
    ),
    MetricSpec(
        "space.activity.ai_assisted_share",
        "ratio",
        "AI-assisted commits",
        _P,
        "distinct human authors",
        "share of commits (human commits plus AI-agent commits) authored by an AI "
        "agent or carrying an AI co-author trailer",
        "git",
    ),
    MetricSpec(
        "space.communication.time_to_first_review",
        "hours",
        "Time to first review",
        _P,
        "distinct reviewers of those first reviews",
        "p50 (and p90) of first qualifying review − ready time over merged PRs that "
        "got one, clamped at 0",
        "github",
    ),
    MetricSpec(
        "space.communication.review_coverage",
        "ratio",
        "Review coverage",
        _P,
        "distinct PR authors",
        "merged PRs with at least one qualifying review before merge ÷ merged PRs",
        "github",
    ),
    MetricSpec(
        "space.communication.reviews_per_pr",
        "mean",
        "Reviews per PR",
        _P,
        "distinct reviewers",
        "qualifying reviews before merge per merged PR",
        "github",
    ),
    MetricSpec(
        "space.efficiency.pr_cycle_time",
        "hours",
        "PR cycle time",
        _P,
        "distinct PR authors",
        "p50 (and p90) of merge time − ready time over merged PRs",
        "github",
    ),
    MetricSpec(
        "space.efficiency.pr_size",
        "lines",
        "PR size",
        _P,
        "distinct PR authors",
        "p50 of additions + deletions over merged PRs",
        "github",
    ),
    MetricSpec(
        "space.efficiency.ci_duration",
        "minutes",
        "CI duration",
        _S,
        "system",
        "p50 of updated_at − run_started_at over completed runs created in the window "
        "with a success or failure-like conclusion",
        "github",
    ),
    MetricSpec(
        "space.efficiency.flow_state_days",
        "days",
        "Flow-state days",
        _P,
        "respondents",
        "mean answer (0–5) to the flow-days question",
        "surveys",
    ),
    MetricSpec(
        "space.efficiency.cognitive_load",
        "score",
        "Cognitive load",
        _P,
        "respondents",
        "mean answer (1–5) to the cognitive-load question",
        "surveys",
    ),
    MetricSpec(
        "space.efficiency.friction_reports",
        "count",
        "Friction reports",
        _P,
        "distinct reporters",
        "friction issues created in the window",
        "surveys",
    ),
    MetricSpec(
        "health.score",
        "score",
        "DevEx health score",
        People.ALWAYS,
        "—",
        "mean of the available 0–100 components (SPEC §8), rounded half up; published "
        "with at least 3 components",
        "derived",
    ),
)

BY_ID: dict[str, MetricSpec] = {spec.id: spec for spec in CATALOGUE}


def spec(metric_id: str) -> MetricSpec:
    return BY_ID[metric_id]
