"""The GitHub collector's entry point: every GitHub source, as domain records, in one call.

Stages run one after another, cheapest-to-lose last: repository head (default
branch and the first page of the small sources), pull requests, deployments,
releases, issues (incidents, surveys, friction), commit-email links, workflow runs,
SBOM. Each stage reads its cached state, fetches only what changed since, merges,
and stores the result for the next run.

A rate-limit wait that does not fit the budget (`BudgetExhaustedError`) ends collection:
the stages done so far are returned (and cached), the rest are empty, and
`GitHubData.partial` is True — the CLI reports partial data and exits 1.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from devex_metrics.collect.github.cache import GitHubCache
from devex_metrics.collect.github.client import GitHubClient
from devex_metrics.collect.github.ratelimit import BudgetExhaustedError
from devex_metrics.collect.github.settings import GitHubSettings, cache_secret
from devex_metrics.collect.github.sources import Sources
from devex_metrics.config import Config
from devex_metrics.model import (
    FrictionReport,
    GitHubDeployment,
    Incident,
    PullRequest,
    Release,
    SurveyResponse,
    WorkflowRun,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GitHubData:
    """Everything read from GitHub. `requests` counts HTTP requests (retries and 304s
    included); `partial` is True when a rate limit stopped collection early. Beyond the
    contract: `completed` names the stages that finished (all of them unless partial),
    `requests_by_stage` their request counts (for the manifest's data sources)."""

    default_branch: str
    pull_requests: tuple[PullRequest, ...]
    github_deployments: tuple[GitHubDeployment, ...]
    releases: tuple[Release, ...]
    workflow_runs: tuple[WorkflowRun, ...]
    incidents: tuple[Incident, ...]
    survey_responses: tuple[SurveyResponse, ...]
    friction_reports: tuple[FrictionReport, ...]
    user_types: Mapping[str, str]
    email_logins: Mapping[str, str]
    spdx_sbom: Mapping[str, object] | None
    requests: int
    graphql_points: int
    partial: bool
    completed: tuple[str, ...] = field(default=())
    requests_by_stage: Mapping[str, int] = field(default_factory=dict)


def collect_github(
    settings: GitHubSettings,
    config: Config,
    *,
    since: datetime,
    until: datetime,
    cache_dir: Path | None,
    now: datetime,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
) -> GitHubData:
    """Collect every GitHub source for `[since, until)` (deployments and releases: all).

    `since` is the start of the *previous* window (trends need it). `cache_dir` None
    disables the incremental cache. `sleep` and `clock` exist for tests.
    """
    client = GitHubClient(settings, sleep=sleep, clock=clock)
    cache = _open_cache(settings, config, cache_dir, now)
    sources = Sources(client, cache, settings, config, since=since, until=until, now=now)
    partial = False
    try:
        sources.collect_all()
    except BudgetExhaustedError as error:
        log.warning("%s", error)
        partial = True
    finally:
        client.close()
    if cache is not None:
        cache.save()
    return _result(sources, client, partial)


def _open_cache(
    settings: GitHubSettings, config: Config, cache_dir: Path | None, now: datetime
) -> GitHubCache | None:
    if cache_dir is None:
        return None
    return GitHubCache.open(
        cache_dir,
        settings.repository,
        secret=cache_secret(settings, config.privacy.cache_secret_env),
        retention_days=config.privacy.retention_days,
        now=now,
    )


def _result(sources: Sources, client: GitHubClient, partial: bool) -> GitHubData:
    log.info(
        "GitHub: %d requests, %d GraphQL points in total%s",
        client.requests,
        client.graphql_points,
        " (partial data: stopped on the rate-limit budget)" if partial else "",
    )
    return GitHubData(
        default_branch=sources.default_branch or "",
        pull_requests=sources.pull_requests,
        github_deployments=sources.deployments,
        releases=sources.releases,
        workflow_runs=sources.workflow_runs,
        incidents=sources.issues.incidents + sources.survey_issues.incidents,
        survey_responses=sources.issues.survey_responses + sources.survey_issues.survey_responses,
        friction_reports=sources.issues.friction_reports + sources.survey_issues.friction_reports,
        user_types=sources.user_types(),
        email_logins=dict(sorted(sources.email_logins.items())),
        spdx_sbom=sources.sbom.document,
        requests=client.requests,
        graphql_points=client.graphql_points,
        partial=partial,
        completed=tuple(sources.completed),
        requests_by_stage=dict(client.stage_requests),
    )
