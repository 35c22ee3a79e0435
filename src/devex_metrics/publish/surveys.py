"""Record the survey issues a published report counted (`surveys.record`, `publish
--record-surveys`; SPEC §11).

Why: once a window's report is published, its pulse survey and friction log issues
have done their job. Labelling each `devex-recorded`, closing it (completed) and
locking it (resolved) marks it as counted and stops a respondent from editing the
answer after the window (an edited body would change what a re-run of that window
reads). It is off by default: it needs `issues: write`, and some teams keep the
issues open as a conversation. Later reports still read closed issues, so recording
never removes an answer from a window.

Which issues: the open issues of the survey repository (`surveys.repository`, else
the publishing repository) carrying the pulse or the friction label and created
before the report window's end — the ones the report could count — skipping pull
requests (GitHub's issues listing returns them too) and issues already labelled
`devex-recorded`. The listing is read in full before the first write: closing issues
while paging through ``state=open`` would shift later pages and skip issues.

When: only after the commit of the report, never on a pull request run, and only
when `metrics.json` says the report read GitHub completely (the `github` source, not
partial). A report made offline or stopped on the rate-limit budget did not count
the issues, and recording them would mark unread answers as counted.

Best effort: the report is already published when this runs. A token that may not
write issues (403 "Resource not accessible by integration", or 404 for a repository
it cannot see) gets one warning naming the permission, and the run keeps its exit
code. Other failures raise, as for every other write of publish.

Privacy: only counts reach the job summary and the log (request paths, with issue
numbers, at debug level); titles and bodies (free text) are never read out of the
listing.

Cost: one listing request per label and 100 open issues, then two writes per issue
(`PATCH` the issue, `PUT` its lock), which `Api.write` paces one second apart
against github.com.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from devex_metrics.config import Config
from devex_metrics.publish.api import Api, GitHubStatusError
from devex_metrics.publish.event import PULL_EVENTS, parse_time
from devex_metrics.publish.outputs import annotate
from devex_metrics.reporters.metrics_document import MetricsDocument

RECORDED_LABEL = "devex-recorded"
LOCK_REASON = "resolved"
GITHUB_SOURCE = "github"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SurveyTarget:
    """Where the survey issues live, and the labels that mark them (deduplicated)."""

    repository: str
    labels: tuple[str, ...]

    def path(self, tail: str) -> str:
        return f"/repos/{self.repository}/{tail}"

    def label_text(self) -> str:
        return " or ".join(f"`{label}`" for label in self.labels)


@dataclass(frozen=True)
class SurveyIssue:
    """An issue to record: its number and current label names (nothing of its text)."""

    number: int
    labels: tuple[str, ...]


def survey_target(config: Config, repository: str) -> SurveyTarget:
    """The survey repository (`surveys.repository`, else `repository`) and its labels."""
    surveys = config.surveys
    labels: dict[str, str] = {}
    for label in (surveys.pulse_label, surveys.friction_label):
        labels.setdefault(label.lower(), label)  # GitHub compares label names case-insensitively
    return SurveyTarget(surveys.repository or repository, tuple(labels.values()))


def recording_blocker(*, commit: bool, event: str, document: MetricsDocument | None) -> str | None:
    """Why this run must not record survey issues, or None when it may."""
    if not commit:
        return "only a run that commits the report records survey issues"
    if event in PULL_EVENTS:
        return f"a {event} run does not record survey issues"
    if document is None:
        return "--out has no metrics.json, so the report window is unknown"
    if not any(source.name == GITHUB_SOURCE for source in document.sources.data):
        return "the report did not read GitHub (no token, or --offline), so it counted no issue"
    if document.partial:
        return "the report's GitHub data is partial, so it may have missed survey issues"
    return None


def _moment(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def describe_recording(
    target: SurveyTarget, document: MetricsDocument | None, blocker: str | None
) -> str:
    """The `--dry-run` line: what recording would do after the commit, or why not."""
    if blocker is not None or document is None:
        return f"survey issues: not recorded ({blocker})"
    return (
        f"survey issues: yes, after the commit: open issues in {target.repository} labelled "
        f"{target.label_text()} and created before {_moment(document.window.end)} get "
        f"`{RECORDED_LABEL}`, are closed as completed and locked as resolved"
    )


def _label_names(item: Mapping[str, Any]) -> tuple[str, ...]:
    labels = item.get("labels")
    names = (
        label.get("name") if isinstance(label, Mapping) else label
        for label in (labels if isinstance(labels, list) else [])
    )
    return tuple(name for name in names if isinstance(name, str))


def counted_issue(item: object, before: datetime) -> SurveyIssue | None:
    """`item` of the issues listing as an issue to record, or None when it is a pull
    request, was created at or after `before`, or is recorded already."""
    if not isinstance(item, Mapping) or item.get("pull_request") is not None:
        return None
    number, created = item.get("number"), parse_time(item.get("created_at"))
    if not isinstance(number, int) or created is None or created >= before:
        return None
    labels = _label_names(item)
    if any(name.lower() == RECORDED_LABEL for name in labels):
        return None
    return SurveyIssue(number, labels)


def list_counted(api: Api, target: SurveyTarget, before: datetime) -> list[SurveyIssue]:
    """Every issue to record, in number order (an issue with both labels once).

    One listing per label: the listing's ``labels`` filter wants all the labels it
    names, not any of them."""
    found: dict[int, SurveyIssue] = {}
    for label in target.labels:
        params = {"labels": label, "state": "open", "per_page": 100}
        for item in api.get_pages(target.path("issues"), params):
            issue = counted_issue(item, before)
            if issue is not None:
                found.setdefault(issue.number, issue)
    return [found[number] for number in sorted(found)]


def record_issue(api: Api, target: SurveyTarget, issue: SurveyIssue) -> int:
    """Label, close and lock one issue; returns the number of writes (2).

    The labels are sent whole (the `PATCH` replaces them), so the label and the
    state change land in one write."""
    labels = [*issue.labels, RECORDED_LABEL]
    changes = {"labels": labels, "state": "closed", "state_reason": "completed"}
    api.write("PATCH", target.path(f"issues/{issue.number}"), changes)
    api.write("PUT", target.path(f"issues/{issue.number}/lock"), {"lock_reason": LOCK_REASON})
    return 2


def _no_permission(target: SurveyTarget, error: GitHubStatusError, done: int) -> str:
    progress = f" after recording {done}" if done else ""
    message = (
        f"survey issues not recorded{progress}: the token may not write issues in "
        f"{target.repository} (HTTP {error.status}). Give the job `permissions: issues: "
        "write` (for a survey repository other than this one, a token with issues: write "
        "there), or stop recording (surveys.record, --record-surveys). The report itself "
        "is published."
    )
    annotate("warning", message)
    return message


def record_surveys(api: Api, target: SurveyTarget, before: datetime) -> str:
    """Record every counted survey issue; returns one line for the job summary."""
    done = writes = 0
    try:
        issues = list_counted(api, target, before)
        for issue in issues:
            writes += record_issue(api, target, issue)
            done += 1
    except GitHubStatusError as error:
        if error.status not in (403, 404) or "rate limit" in str(error).lower():
            raise
        return _no_permission(target, error, done)
    log.info("publish: %d survey issues recorded in %s, %d writes", done, target.repository, writes)
    return _outcome(target, before, done, writes)


def _outcome(target: SurveyTarget, before: datetime, recorded: int, writes: int) -> str:
    if not recorded:
        return (f"survey issues: none to record in {target.repository} (no open issue labelled "
                f"{target.label_text()} created before {_moment(before)})")  # fmt: skip
    return (f"survey issues recorded in {target.repository}: {recorded} labelled "
            f"`{RECORDED_LABEL}`, closed and locked ({writes} writes)")  # fmt: skip
