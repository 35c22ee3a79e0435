"""Carry out a publish `Plan` against GitHub: the commit, then the comment.

Returns one plain line per outcome for the job summary. A read-only token on the
comment is an outcome, not an error (SPEC §10): it is explained in one line, as a
notice annotation and in the job summary, and the run still exits 0.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from devex_metrics.collect import read_opt_out
from devex_metrics.config import Config
from devex_metrics.derive.people import OptOut, People
from devex_metrics.errors import UsageError
from devex_metrics.publish.api import Api
from devex_metrics.publish.comment import ReadOnlyTokenError, upsert_comment
from devex_metrics.publish.event import PullRequest, first_review_at, pull_facts, pull_from_payload
from devex_metrics.publish.files import Destination
from devex_metrics.publish.folder import REPORT_FILE, ReportFolder
from devex_metrics.publish.gitdata import CommitOutcome, GitDataPublisher
from devex_metrics.publish.outputs import annotate
from devex_metrics.publish.plan import Plan
from devex_metrics.publish.surveys import record_surveys, recording_blocker, survey_target
from devex_metrics.reporters.pr_comment import Link, render_pr_comment

READ_ONLY = ("no pull request comment: the token is read-only here (a pull request from a "
             "fork gets a read-only GITHUB_TOKEN); the job summary has the report — see "
             "docs/action.md for the workflow_run pattern that comments on forks")  # fmt: skip


def commit_message(folder: ReportFolder) -> str:
    window = folder.window_label()
    return (
        f"devex-metrics report for {window} [skip ci]"
        if window
        else "devex-metrics report [skip ci]"
    )


class PublishRun:
    def __init__(
        self,
        api: Api,
        destination: Destination,
        config: Config,
        *,
        repo: Path,
        env: Mapping[str, str],
        now: datetime | None = None,
        record_surveys: bool = False,
    ) -> None:
        self.api, self.destination, self.config = api, destination, config
        self.record_surveys = record_surveys
        self.repo, self.env = repo, env
        self.now = now or datetime.now(UTC)
        self.server = (env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/")

    def execute(self, plan: Plan, files: Mapping[str, bytes], folder: ReportFolder) -> list[str]:
        lines: list[str] = []
        commit: CommitOutcome | None = None
        if plan.commit:
            commit = GitDataPublisher(self.api, self.destination).publish(
                files, commit_message(folder)
            )
            lines.append(self._commit_line(commit))
            if self.record_surveys:
                lines.append(self._record_surveys(plan, folder))
        if plan.comment_on is not None and folder.document is not None:
            lines.append(self._comment(plan, plan.comment_on, folder, commit))
        elif plan.comment_on is not None:
            lines.append("no pull request comment: --out has no metrics.json")
        return lines

    # -- commit ---------------------------------------------------------------------

    def _commit_line(self, outcome: CommitOutcome) -> str:
        branch = self.destination.branch
        if outcome.status == "unchanged":
            return f"report unchanged on branch `{branch}`: nothing committed"
        short = (outcome.commit or "")[:7]
        return (f"report committed to branch `{branch}` ({short}, "
                f"{outcome.changed_files} files changed)")  # fmt: skip

    def _blob_url(self, ref: str, path: str) -> str:
        target = urllib.parse.quote(f"{ref}/{self.destination.path_of(path)}")
        return f"{self.server}/{self.api.repository}/blob/{target}"

    def _links(self, commit: CommitOutcome | None) -> tuple[Link, ...]:
        links: list[Link] = []
        if commit is not None and commit.commit:
            links.append(Link("Full report", self._blob_url(commit.commit, REPORT_FILE)))
        run_id = self.env.get("GITHUB_RUN_ID")
        if run_id:
            url = f"{self.server}/{self.api.repository}/actions/runs/{run_id}"
            links.append(Link("Full summary of this run", url))
        return tuple(links)

    # -- survey issues (after the commit: the report that counted them is published) --

    def _record_surveys(self, plan: Plan, folder: ReportFolder) -> str:
        document = folder.document
        blocker = recording_blocker(commit=plan.commit, event=plan.event.name, document=document)
        if blocker is not None or document is None:
            line = f"survey issues not recorded: {blocker}"
            annotate("notice", line)
            return line
        target = survey_target(self.config, self.api.repository)
        return record_surveys(self.api, target, document.window.end)

    # -- comment --------------------------------------------------------------------

    def _pull(self, plan: Plan, number: int) -> PullRequest:
        event = plan.event
        if event.pull_request is not None and event.pull_request.number == number:
            return event.pull_request
        data: Any = self.api.get(self.api.repo_path(f"pulls/{number}"))
        pull = pull_from_payload(data)
        expected = event.workflow_run_head_sha
        if expected and pull.head_sha != expected:
            raise UsageError(
                f"pull request #{number} is at {str(pull.head_sha)[:7]}, but this workflow_run "
                f"built {expected[:7]}: refusing to comment (pass the number of the pull "
                "request whose run produced the report)."
            )
        return pull

    def _people(self) -> People:
        opt_out = OptOut(read_opt_out(self.repo, self.config))
        return People(bots=self.config.bots, ai_agents=self.config.ai_agents, opt_out=opt_out)

    def _comment(
        self, plan: Plan, number: int, folder: ReportFolder, commit: CommitOutcome | None
    ) -> str:
        assert folder.document is not None
        pull = self._pull(plan, number)
        reviews = self.api.get_pages(self.api.repo_path(f"pulls/{number}/reviews"))
        facts = pull_facts(pull, first_review_at(pull, reviews, self._people()), self.now)
        body = render_pr_comment(
            folder.document, facts, links=self._links(commit), repository=self.api.repository
        )
        try:
            outcome = upsert_comment(self.api, number, body)
        except ReadOnlyTokenError:
            annotate("warning" if plan.comment_mode == "always" else "notice", READ_ONLY)
            return READ_ONLY
        where = f": {outcome.url}" if outcome.url else ""
        return f"pull request comment {outcome.status} on #{number}{where}"
