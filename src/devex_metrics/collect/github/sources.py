"""The collection stages, each incremental over its cached state.

A stage fetches from its watermark when the cache covers the requested `since`
(`SourceState.covers`), else in full; merges; drops records no run from `since` on
needs (data minimisation); and stores the new state. Results stay on the instance,
so when a stage is interrupted the earlier ones are still returned.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from devex_metrics.collect.github import deployments as deploy
from devex_metrics.collect.github import emails, issues, pulls, releases, runs, sbom
from devex_metrics.collect.github.cache import GitHubCache, SourceState
from devex_metrics.collect.github.client import GitHubClient
from devex_metrics.collect.github.codec import EmailLogin
from devex_metrics.collect.github.head import Head, fetch_head
from devex_metrics.collect.github.issues import IssueBatch, IssueLabels
from devex_metrics.collect.github.settings import GitHubSettings
from devex_metrics.config import Config
from devex_metrics.model import GitHubDeployment, PullRequest, Release, WorkflowRun

HISTORY_SLACK = timedelta(days=1)
"""Commits carry their own dates, not push dates: re-read a day before the watermark."""


class Sources:
    def __init__(
        self,
        client: GitHubClient,
        cache: GitHubCache | None,
        settings: GitHubSettings,
        config: Config,
        *,
        since: datetime,
        until: datetime,
        now: datetime,
    ) -> None:
        self.client, self.cache, self.config = client, cache, config
        self.owner, self.name = settings.owner, settings.name
        self.since, self.until, self.now = since, until, now
        self.labels = issues.labels_for(config, settings.repository)
        self.default_branch: str | None = config.default_branch
        self.pull_requests: tuple[PullRequest, ...] = ()
        self.deployments: tuple[GitHubDeployment, ...] = ()
        self.releases: tuple[Release, ...] = ()
        self.workflow_runs: tuple[WorkflowRun, ...] = ()
        self.issues = IssueBatch()
        self.survey_issues = IssueBatch()
        self.email_logins: dict[str, str] = {}
        self.sbom = sbom.SbomResult(None, None)
        self.completed: list[str] = []
        self._issues_state: SourceState | None = None
        self._emails_state: SourceState | None = None
        self._issues_since = self._history_since = since

    def collect_all(self) -> None:
        with self.client.stage("repository head"):
            head = self._head()
        self.default_branch = self.config.default_branch or head.default_branch
        stages: tuple[tuple[str, Callable[[], None]], ...] = (
            ("pull requests", self._pull_requests),
            ("deployments", partial(self._deployments, head)),
            ("releases", partial(self._releases, head)),
            ("issues", partial(self._issues, head)),
            ("survey issues", self._survey_issues),
            ("commit emails", partial(self._email_logins, head)),
            ("workflow runs", self._workflow_runs),
            ("sbom", self._sbom),
        )
        for name, stage in stages:
            with self.client.stage(name):
                stage()
            self.completed.append(name)

    def user_types(self) -> dict[str, str]:
        """login (lowercased) → "Bot" | "User", from every actor in the records."""
        types: dict[str, str] = {login: "User" for login in self.email_logins.values()}
        actors: list[tuple[str | None, bool]] = []
        for pull in self.pull_requests:
            actors.append((pull.author_login, pull.author_is_bot))
            actors.extend((r.author_login, r.author_is_bot) for r in pull.reviews)
        for batch in (self.issues, self.survey_issues):
            actors.extend((s.respondent_login, s.respondent_is_bot) for s in batch.survey_responses)
            actors.extend((f.reporter_login, f.reporter_is_bot) for f in batch.friction_reports)
        for login, is_bot in actors:
            if login:
                types[login.lower()] = "Bot" if is_bot else "User"
        return dict(sorted(types.items()))

    def _state(self, source: str, **expected: Any) -> SourceState | None:
        """The cached state of `source`, if it was built with the same `expected` extras."""
        state = self.cache.load(source) if self.cache else None
        if state is None or any(state.extra.get(k) != v for k, v in expected.items()):
            return None
        return state

    def _store(self, source: str, state: SourceState) -> None:
        if self.cache is not None:
            self.cache.store(source, state)

    def _head(self) -> Head:
        issues_state = self._state("issues", labels=self.labels.query_labels)
        emails_state = self._state("email_logins", branch=self.config.default_branch)
        self._issues_state, self._emails_state = issues_state, emails_state
        self._issues_since = _resume(issues_state, self.since)
        self._history_since = _resume(emails_state, self.since, HISTORY_SLACK)
        return fetch_head(
            self.client,
            self.owner,
            self.name,
            history_since=self._history_since,
            history_until=self.until,
            labels=self.labels.query_labels,
            issues_since=self._issues_since,
        )

    def _pull_requests(self) -> None:
        if not self.default_branch:
            return
        state = self._state("pull_requests", base=self.default_branch)
        cached = state.records if state and state.covers(self.since) else ()
        stop_at = _resume(state, self.since)
        batch = pulls.collect_pull_requests(
            self.client,
            self.owner,
            self.name,
            self.default_branch,
            since=self.since,
            stop_at=stop_at,
        )
        self.pull_requests = pulls.merge_pull_requests(cached, batch.pull_requests, self.since)
        watermark = _latest(batch.newest_update, state.watermark if state and cached else None)
        self._store(
            "pull_requests",
            SourceState(
                self.pull_requests, watermark, self.since, extra={"base": self.default_branch}
            ),
        )

    def _deployments(self, head: Head) -> None:
        state = self._state("deployments")
        stop = state.watermark - deploy.SETTLE if state and state.watermark else None
        batch = deploy.collect_deployments(
            self.client,
            self.owner,
            self.name,
            first_page=head.deployments,
            size=head.page_size,
            stop_before=stop,
        )
        self.deployments = deploy.merge_deployments(
            state.records if state else (), batch.deployments
        )
        watermark = _latest(batch.newest_created, state.watermark if state else None)
        self._store("deployments", SourceState(self.deployments, watermark))

    def _releases(self, head: Head) -> None:
        self.releases = releases.collect_releases(
            self.client, self.owner, self.name, first_page=head.releases, size=head.page_size
        )

    def _issues(self, head: Head) -> None:
        if not self.labels.query_labels:
            return
        state = self._issues_state
        pages = issues.issue_pages(
            self.client,
            self.owner,
            self.name,
            self.labels,
            since=self._issues_since,
            size=head.page_size,
            first_page=head.issues,
        )
        batch = issues.collect_issues(pages, self.labels)
        self.issues = self._merge_issues(
            "issues", state, batch, {"labels": self.labels.query_labels}
        )

    def _survey_issues(self) -> None:
        repository = self.config.surveys.repository
        if not repository or repository.lower() == f"{self.owner}/{self.name}".lower():
            return
        surveys = self.config.surveys
        labels = IssueLabels(pulse=(surveys.pulse_label,), friction=(surveys.friction_label,))
        extra = {"repository": repository.lower(), "labels": labels.query_labels}
        state = self._state("survey_issues", **extra)
        owner, name = repository.split("/")
        since = _resume(state, self.since)
        pages = issues.issue_pages(self.client, owner, name, labels, since=since, size=100)
        batch = issues.collect_issues(pages, labels)
        self.survey_issues = self._merge_issues("survey_issues", state, batch, extra)

    def _merge_issues(
        self, source: str, state: SourceState | None, fresh: IssueBatch, extra: dict[str, Any]
    ) -> IssueBatch:
        usable = state is not None and state.covers(self.since)
        cached = (
            issues.batch_of(state.records, state.watermark) if state and usable else IssueBatch()
        )
        merged = issues.prune_issues(issues.merge_issues(cached, fresh), self.since)
        records = (*merged.incidents, *merged.survey_responses, *merged.friction_reports)
        self._store(source, SourceState(records, merged.newest_update, self.since, extra=extra))
        return merged

    def _email_logins(self, head: Head) -> None:
        branch = self.default_branch
        if not branch:
            return
        state = self._emails_state
        reuse = head.history if branch == head.default_branch else None
        if branch == head.default_branch and reuse is None:
            return  # the default branch has no commit history
        pages = emails.history_pages(
            self.client,
            self.owner,
            self.name,
            branch,
            since=self._history_since,
            until=self.until,
            size=head.page_size,
            first_page=reuse,
        )
        found = emails.collect_email_logins(pages)
        cached = (
            {r.email: r.login for r in state.records} if state and state.covers(self.since) else {}
        )
        self.email_logins = {**cached, **found}
        records = tuple(EmailLogin(e, login) for e, login in sorted(self.email_logins.items()))
        watermark = min(self.until, self.now)
        extra = {"branch": self.config.default_branch}
        self._store("email_logins", SourceState(records, watermark, self.since, extra=extra))

    def _workflow_runs(self) -> None:
        state = self._state("workflow_runs")
        usable = state is not None and state.covers(self.since)
        cached = state.records if state is not None and usable else ()
        start = runs.resume_point(cached, self.since, self.now) if usable else self.since
        etag = state.etag if state is not None and usable else None
        batch = runs.collect_workflow_runs(
            self.client, self.owner, self.name, start, self.until, etag=etag
        )
        self.workflow_runs = runs.merge_runs(cached, batch.runs, self.since, self.until)
        self._store(
            "workflow_runs", SourceState(self.workflow_runs, self.now, self.since, batch.etag)
        )

    def _sbom(self) -> None:
        state = self._state("sbom")
        cached = None
        if state is not None and state.etag is not None:
            cached = sbom.SbomResult(state.extra.get("document"), state.etag[1])
        self.sbom = sbom.collect_sbom(self.client, self.owner, self.name, cached=cached)
        if self.sbom.document is not None and self.sbom.etag:
            etag = ("sbom", self.sbom.etag)
            self._store(
                "sbom", SourceState((), self.now, None, etag, {"document": self.sbom.document})
            )


def _resume(
    state: SourceState | None, since: datetime, slack: timedelta = timedelta(0)
) -> datetime:
    """Where an incremental listing stops: the watermark (minus `slack`), never before
    `since`; `since` itself when the cache cannot be built on."""
    if state is None or not state.covers(since) or state.watermark is None:
        return since
    return max(since, state.watermark - slack)


def _latest(*moments: datetime | None) -> datetime | None:
    return max((m for m in moments if m is not None), default=None)
