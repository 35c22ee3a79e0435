"""The sticky pull-request comment (SPEC §10): the repository's gated metrics and
this pull request's own facts, in one Markdown body under a hidden marker.

Input is the gated `metrics.json` document (what `publish` reads from `--out`, or
from a downloaded artifact in the `workflow_run` pattern) plus `PullFacts`, plain
numbers about one pull request that name nobody: size, age, time to first review.

Invariants:
- the body starts with `MARKER`, the line `publish` searches for (only in comments
  by its own token's user), so truncation can never cut it off;
- numbers render through `reporters.markdown` (`metric_value`, `metric_trend`,
  `cell`, `link_target`), so a value reads the same here as in `summary.md`, and
  only metrics with status ok show a number: a suppressed value has no path in;
- the body is at most `MAX_CHARS` characters as GitHub counts them (UTF-16 code
  units, the length JavaScript sees); a longer one is cut at a line boundary,
  open `<details>` closed, and a link to the full report appended.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Literal

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from devex_metrics.metrics.catalogue import BY_ID, CATALOGUE, MetricSpec, People
from devex_metrics.metrics.result import Status
from devex_metrics.privacy.report import PublishedMetric, PublishedValue
from devex_metrics.reporters.markdown import (
    HEADLINE_GROUPS,
    cell,
    day,
    last_day,
    link_target,
    metric_trend,
    metric_value,
)
from devex_metrics.reporters.metrics_document import Metric, MetricsDocument
from devex_metrics.reporters.numbers import format_hours

MARKER = "<!-- devex-metrics:pr-comment -->"
MAX_CHARS = 65_536
TEMPLATE = "pr_comment.md.j2"
_ORDER = {spec.id: index for index, spec in enumerate(CATALOGUE)}
_DETAILS_OPEN, _DETAILS_CLOSE = "<details", "</details>"

PullState = Literal["open", "draft", "merged", "closed"]


@dataclass(frozen=True)
class PullFacts:
    """Facts of one pull request. None means unknown (e.g. a payload without sizes);
    `first_review_hours` None with `reviewed` False means no qualifying review yet."""

    number: int
    state: PullState
    additions: int | None = None
    deletions: int | None = None
    changed_files: int | None = None
    age_hours: float | None = None
    first_review_hours: float | None = None
    reviewed: bool = False


@dataclass(frozen=True)
class Link:
    label: str
    url: str


def _spec(metric_id: str, metric: Metric) -> MetricSpec:
    """The catalogue entry; a metric this version does not know keeps its own title and
    unit (an org document written by a newer version)."""
    return BY_ID.get(metric_id) or MetricSpec(
        metric_id, metric.unit, metric.title, People.SET, "", "", ""
    )


def metric_view(metric_id: str, metric: Metric) -> PublishedMetric:
    """A metric of the gated document in the shape `reporters.markdown` formats.

    The document is gated already (its models refuse a number on a non-ok metric),
    so this copies, it does not decide anything.
    """
    previous = None
    if metric.previous is not None:
        previous = PublishedValue(metric.previous.status, metric.previous.value)
    return PublishedMetric(
        spec=_spec(metric_id, metric),
        status=metric.status,
        samples=metric.samples,
        people=metric.people,
        value=metric.value if metric.status is Status.OK else None,
        tier=metric.tier if metric.status is Status.OK else None,
        previous=previous,
    )


def _views(document: MetricsDocument) -> list[PublishedMetric]:
    views = [metric_view(metric_id, m) for metric_id, m in document.metrics.items()]
    return sorted(views, key=lambda m: (_ORDER.get(m.id, len(_ORDER)), m.id))


def _size(facts: PullFacts) -> str:
    if facts.additions is None or facts.deletions is None:
        return "unknown"
    total = facts.additions + facts.deletions
    files = ""
    if facts.changed_files is not None:
        files = f" in {facts.changed_files:,} file{'s' if facts.changed_files != 1 else ''}"
    lines = "line" if total == 1 else "lines"
    return f"{total:,} {lines} changed (+{facts.additions:,} −{facts.deletions:,}){files}"


def _first_review(facts: PullFacts) -> str:
    if facts.reviewed and facts.first_review_hours is not None:
        return f"{format_hours(facts.first_review_hours)} after it was opened"
    return "no review yet" if facts.state in ("open", "draft") else "not reviewed"


def _age(facts: PullFacts) -> str:
    if facts.age_hours is None:
        return "unknown"
    verb = {"open": "open for", "draft": "open (draft) for", "merged": "merged after",
            "closed": "closed after"}[facts.state]  # fmt: skip
    return f"{verb} {format_hours(facts.age_hours)}"


@functools.cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("devex_metrics.templates", ""),
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html", "svg", "xml"]),  # Markdown: `cell` escapes
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        value=metric_value, trend=metric_trend, cell=cell, link=link_target, day=day,
        last_day=last_day,
    )  # fmt: skip
    return environment


def _context(
    document: MetricsDocument, facts: PullFacts | None, links: tuple[Link, ...], repository: str
) -> dict[str, Any]:
    views = _views(document)
    headline = [m for group in HEADLINE_GROUPS for m in views if m.spec.group == group]
    suppressed = [m.spec.title for m in views if m.status is Status.SUPPRESSED]
    return {
        "marker": MARKER,
        "document": document,
        "repository": repository,
        "headline": headline,
        "others": [m for m in views if m.spec.group not in HEADLINE_GROUPS],
        "suppressed": suppressed,
        "k": document.privacy.min_group_size,
        "facts": facts,
        "size": _size(facts) if facts else "",
        "age": _age(facts) if facts else "",
        "first_review": _first_review(facts) if facts else "",
        "links": links,
    }


def render_pr_comment(
    document: MetricsDocument,
    facts: PullFacts | None,
    *,
    links: tuple[Link, ...] = (),
    repository: str | None = None,
    limit: int = MAX_CHARS,
) -> str:
    """The comment body; `links` (full report, run) end it and the truncation notice.

    `repository` names the repository in the heading (default: the document's); the
    caller passes the one it comments on, so a document from a downloaded artifact
    cannot put its own text into the heading.
    """
    context = _context(document, facts, links, repository or document.repository.name)
    text = _environment().get_template(TEMPLATE).render(context)
    return truncate_comment(text, links[0] if links else None, limit=limit)


def comment_length(text: str) -> int:
    """Length as GitHub counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def truncate_comment(text: str, link: Link | None, *, limit: int = MAX_CHARS) -> str:
    """`text` if it fits, else its leading whole lines, open `<details>` closed, and a
    notice pointing at `link`."""
    if comment_length(text) <= limit:
        return text
    target = f" [{link.label}]({link_target(link.url)})" if link else ""
    notice = f"\n\n_Truncated: the comment would exceed {limit:,} characters._{target}\n"
    budget = limit - comment_length(notice) - comment_length(_DETAILS_CLOSE + "\n")
    kept: list[str] = []
    used = 0
    for line in text.splitlines(keepends=True):
        size = comment_length(line)
        if used + size > budget:
            break
        kept.append(line)
        used += size
    body = "".join(kept)
    if body.count(_DETAILS_OPEN) > body.count(_DETAILS_CLOSE):
        body += ("" if body.endswith("\n") else "\n") + _DETAILS_CLOSE + "\n"
    return body + notice
