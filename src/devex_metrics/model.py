"""Domain records: what `collect` hands to the pure stages.

Every record is a frozen, slotted dataclass of plain values (str, int, datetime,
tuples). Nothing here is a JSON payload or a library object: PyGithub objects and
raw git output stay inside `collect`. All datetimes are timezone-aware UTC.

Identities are kept *raw* here (a mailmapped email, a GitHub login); turning them
into canonical people, bots and AI agents is the job of `derive.people`, which
knows the configuration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class Window:
    """A report window `[start, end)` in UTC."""

    start: datetime
    end: datetime

    @property
    def days(self) -> float:
        return (self.end - self.start) / timedelta(days=1)

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def previous(self) -> Window:
        """The window of the same length that ends where this one starts (for trends)."""
        return Window(start=self.start - (self.end - self.start), end=self.start)


class Commit(NamedTuple):
    """One git commit of the measured history.

    `author_email` is the author email after `.mailmap`, lowercased. `message` is
    the full raw message (subject, body and trailers); the pure stages parse the
    parts they need (revert references, AI trailers, merge subjects). A named tuple,
    not a dataclass: a large history builds 100,000s of them, and a tuple is built
    four times faster than a frozen dataclass.
    """

    sha: str
    parents: tuple[str, ...]
    author_email: str
    author_time: datetime
    committer_time: datetime
    message: str
    is_merge: bool

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0]


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag that peels to a commit. `time` is the tagger date of an annotated tag,
    or the committer date of the commit of a lightweight one (SPEC §5)."""

    name: str
    sha: str
    time: datetime
    annotated: bool


@dataclass(frozen=True, slots=True)
class Review:
    """A pull-request review. `author_login` is None for a deleted (ghost) account."""

    author_login: str | None
    author_is_bot: bool
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING
    submitted_at: datetime | None


@dataclass(frozen=True, slots=True)
class PullRequest:
    """A pull request as the metrics need it (no titles, no bodies).

    `ready_at` is the first ready-for-review event for PRs opened as drafts, else
    the creation time. `commit_shas` are the PR's own commits; `merge_commit_sha`
    is what the merge put on the base branch. `first_commit_author_time` is the
    earliest author time over the PR's commits (squash-merge lead time, SPEC §5).
    """

    number: int
    author_login: str | None
    author_is_bot: bool
    base_ref: str
    head_ref: str
    created_at: datetime
    ready_at: datetime
    merged_at: datetime | None
    merge_commit_sha: str | None
    additions: int
    deletions: int
    labels: tuple[str, ...]
    commit_shas: tuple[str, ...]
    first_commit_author_time: datetime | None
    closing_issue_numbers: tuple[int, ...]
    reviews: tuple[Review, ...]


@dataclass(frozen=True, slots=True)
class GitHubDeployment:
    """A GitHub Deployment with the time of its first `success` status (None if none)."""

    id: int
    sha: str
    environment: str
    created_at: datetime
    first_success_at: datetime | None


@dataclass(frozen=True, slots=True)
class Release:
    tag_name: str
    sha: str | None
    published_at: datetime | None
    draft: bool
    prerelease: bool


@dataclass(frozen=True, slots=True)
class WorkflowRun:
    id: int
    workflow_name: str
    workflow_path: str
    event: str
    head_branch: str | None
    head_sha: str
    status: str
    conclusion: str | None
    created_at: datetime
    run_started_at: datetime | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Incident:
    """An issue carrying an incident label. Only the root-cause sha is kept of its body."""

    number: int
    created_at: datetime
    closed_at: datetime | None
    root_cause_sha: str | None


@dataclass(frozen=True, slots=True)
class SurveyResponse:
    """One parsed pulse-survey answer set. Free text is never kept (SPEC §7).

    A field is None when the answer is missing; `invalid_fields` counts answers that
    were present but unparsable (dropped, and reported as a count).
    """

    issue_number: int
    respondent_login: str | None
    respondent_is_bot: bool
    created_at: datetime
    satisfaction: int | None
    recommend: int | None
    burnout: str | None
    flow_days: int | None
    cognitive_load: int | None
    invalid_fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FrictionReport:
    issue_number: int
    reporter_login: str | None
    reporter_is_bot: bool
    created_at: datetime
    category: str | None
    time_lost: str | None
    invalid_fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Coverage:
    """Line coverage read from a `--coverage` file."""

    lines_covered: int
    lines_valid: int
    format: str


@dataclass(frozen=True, slots=True)
class Dependency:
    """A dependency declared by a manifest or lock file of the measured repository.

    `ecosystem` is the purl type (pypi, npm, golang, cargo, ...); `version` is None
    when a manifest only states a range. `source` is the repository-relative file.
    """

    ecosystem: str
    name: str
    version: str | None
    source: str
    scope: str = "required"


@dataclass(frozen=True, slots=True)
class CodeOwnersRule:
    """One rule of a CODEOWNERS file: its pattern as written (gitignore-like, matched by
    `derive.owners`) and the teams (`@org/team` owners, lowercased) among its owners.

    User and email owners are people, never teams, so they are not kept; a rule
    without team owners still counts, because the last matching rule wins: it takes
    the path away from the teams of earlier rules (SPEC §7 keeps identities out)."""

    pattern: str
    teams: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class CodeOwners:
    """The CODEOWNERS file GitHub would use, read at the default branch tip."""

    path: str
    rules: tuple[CodeOwnersRule, ...]
    skipped_lines: int = 0


@dataclass(frozen=True, slots=True)
class RepositoryInfo:
    """What the report says about the measured repository (no people in it)."""

    name: str
    default_branch: str
    head_sha: str | None
    shallow: bool = False


@dataclass(frozen=True, slots=True)
class SourceUse:
    """A data source that was read, with how many requests/processes it cost."""

    name: str
    requests: int
    detail: str = ""


@dataclass(frozen=True)
class Dataset:
    """Everything `collect` read, as domain records.

    `commits` maps sha → Commit for the part of history the windows need: every
    commit shipped by a deployment at or after `horizon`, and the default branch's
    commits since `horizon` (all of history when `horizon` is None). Older commits
    count as shipped before the horizon. A `None` GitHub field means that source
    was not collected (offline, no token): metrics that need it are `unavailable`,
    never zero.

    `codeowners` and `commit_paths` are read only for `teams.source: codeowners`:
    the paths each commit touches, for the commits the windows measure (non-merge
    commits authored since `horizon`, and the changes of deployments since then).
    """

    repository: RepositoryInfo
    commits: Mapping[str, Commit]
    default_tip: str | None
    tags: tuple[Tag, ...] = ()
    pull_requests: tuple[PullRequest, ...] | None = None
    github_deployments: tuple[GitHubDeployment, ...] | None = None
    releases: tuple[Release, ...] | None = None
    workflow_runs: tuple[WorkflowRun, ...] | None = None
    incidents: tuple[Incident, ...] | None = None
    survey_responses: tuple[SurveyResponse, ...] | None = None
    friction_reports: tuple[FrictionReport, ...] | None = None
    coverage: Coverage | None = None
    dependencies: tuple[Dependency, ...] | None = None
    spdx_sbom: Mapping[str, object] | None = None
    sources: tuple[SourceUse, ...] = ()
    user_types: Mapping[str, str] = field(default_factory=dict)
    email_logins: Mapping[str, str] = field(default_factory=dict)
    partial: bool = False
    horizon: datetime | None = None
    # (ancestor, descendant) pairs git confirmed where the commits read cannot show it
    ancestry: frozenset[tuple[str, str]] = frozenset()
    codeowners: CodeOwners | None = None
    commit_paths: Mapping[str, tuple[str, ...]] | None = None
