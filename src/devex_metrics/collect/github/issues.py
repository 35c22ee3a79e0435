"""Issues with an incident, pulse-survey or friction label, turned into records at once.

Issue bodies are read and dropped here: an incident keeps only the ``root cause:
<sha>`` it names (SPEC §5), a survey or friction issue only its parsed answers
(`collect.surveys`, SPEC §11). No body, title or free text leaves this module, and
nothing of a body is cached or logged.

The listing asks GitHub for issues carrying any of the labels, updated since a time
(``filterBy.since``), newest update first; label names match case-insensitively
(SPEC §4), so the labels are compared again here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from devex_metrics.collect.github.client import GitHubClient
from devex_metrics.collect.github.convert import (
    actor,
    iso,
    label_names,
    parse_optional_time,
    parse_time,
)
from devex_metrics.collect.github.paging import Node, Page, pages
from devex_metrics.collect.github.queries import ISSUES
from devex_metrics.collect.surveys import parse_friction, parse_pulse
from devex_metrics.config import Config
from devex_metrics.model import FrictionReport, Incident, SurveyResponse

T = TypeVar("T")

ROOT_CAUSE = re.compile(r"root[ _-]?cause\s*:\s*`?([0-9a-f]{7,40})(?![0-9a-z])", re.IGNORECASE)


@dataclass(frozen=True)
class IssueLabels:
    """Which records an issue becomes; empty tuples when that kind is not read here."""

    incident: tuple[str, ...] = ()
    pulse: tuple[str, ...] = ()
    friction: tuple[str, ...] = ()

    @property
    def query_labels(self) -> list[str]:
        return sorted({*self.incident, *self.pulse, *self.friction})


@dataclass(frozen=True)
class IssueBatch:
    incidents: tuple[Incident, ...] = ()
    survey_responses: tuple[SurveyResponse, ...] = ()
    friction_reports: tuple[FrictionReport, ...] = ()
    newest_update: datetime | None = None


def issue_pages(
    client: GitHubClient,
    owner: str,
    name: str,
    labels: IssueLabels,
    *,
    since: datetime,
    size: int,
    first_page: Page | None = None,
) -> Iterator[Page]:
    variables = {"owner": owner, "name": name, "labels": labels.query_labels, "since": iso(since)}
    return pages(
        client, ISSUES, variables, ("repository", "issues"), size=size, first_page=first_page
    )


def collect_issues(issue_pages: Iterable[Page], labels: IssueLabels) -> IssueBatch:
    incidents: list[Incident] = []
    surveys: list[SurveyResponse] = []
    friction: list[FrictionReport] = []
    newest: datetime | None = None
    for page in issue_pages:
        for node in page.nodes:
            updated = parse_time(node["updatedAt"])
            newest = max(newest, updated) if newest else updated
            names = {label.lower() for label in label_names(node)}
            if names & _lower(labels.incident):
                incidents.append(to_incident(node))
            if names & _lower(labels.pulse):
                surveys.append(parse_pulse(*_respondent(node), node.get("body")))
            if names & _lower(labels.friction):
                friction.append(parse_friction(*_respondent(node), node.get("body")))
    return IssueBatch(tuple(incidents), tuple(surveys), tuple(friction), newest)


def to_incident(node: Node) -> Incident:
    return Incident(
        number=int(node["number"]),
        created_at=parse_time(node["createdAt"]),
        closed_at=parse_optional_time(node.get("closedAt")),
        root_cause_sha=root_cause(node.get("body")),
    )


def root_cause(body: str | None) -> str | None:
    """The sha of the first ``root cause: <7–40 hex>`` in a body, lowercased."""
    match = ROOT_CAUSE.search(body or "")
    return match.group(1).lower() if match else None


def merge_issues(cached: IssueBatch, fresh: IssueBatch) -> IssueBatch:
    """Cached records replaced by fresh ones with the same issue number, by number."""
    return IssueBatch(
        incidents=_merge(cached.incidents, fresh.incidents, lambda r: r.number),
        survey_responses=_merge(cached.survey_responses, fresh.survey_responses, _issue_number),
        friction_reports=_merge(cached.friction_reports, fresh.friction_reports, _issue_number),
        newest_update=max(
            (t for t in (cached.newest_update, fresh.newest_update) if t), default=None
        ),
    )


def _merge(cached: Sequence[T], fresh: Sequence[T], key: Callable[[T], int]) -> tuple[T, ...]:
    by_key = {key(r): r for r in cached}
    by_key.update((key(r), r) for r in fresh)
    return tuple(by_key[k] for k in sorted(by_key))


def _issue_number(record: SurveyResponse | FrictionReport) -> int:
    return record.issue_number


def _respondent(node: Node) -> tuple[int, str | None, bool, datetime]:
    login, is_bot = actor(node.get("author"))
    return int(node["number"]), login, is_bot, parse_time(node["createdAt"])


def _lower(names: Sequence[str]) -> set[str]:
    return {name.lower() for name in names}


def labels_for(config: Config, repository: str) -> IssueLabels:
    """Incident labels always; survey labels too when the surveys live in `repository`."""
    surveys = config.surveys
    here = not surveys.repository or surveys.repository.lower() == repository.lower()
    return IssueLabels(
        incident=tuple(config.failures.incident_labels),
        pulse=(surveys.pulse_label,) if here else (),
        friction=(surveys.friction_label,) if here else (),
    )


def batch_of(records: Iterable[object], newest_update: datetime | None) -> IssueBatch:
    """Cached mixed records back into an `IssueBatch`."""
    kept = tuple(records)
    return IssueBatch(
        incidents=tuple(r for r in kept if isinstance(r, Incident)),
        survey_responses=tuple(r for r in kept if isinstance(r, SurveyResponse)),
        friction_reports=tuple(r for r in kept if isinstance(r, FrictionReport)),
        newest_update=newest_update,
    )


def prune_issues(batch: IssueBatch, since: datetime) -> IssueBatch:
    """Data minimisation: keep incidents open or active since `since`, and answers created
    since `since`; older ones no run from `since` on needs."""
    return IssueBatch(
        incidents=tuple(
            i
            for i in batch.incidents
            if i.created_at >= since or i.closed_at is None or i.closed_at >= since
        ),
        survey_responses=tuple(s for s in batch.survey_responses if s.created_at >= since),
        friction_reports=tuple(f for f in batch.friction_reports if f.created_at >= since),
        newest_update=batch.newest_update,
    )
