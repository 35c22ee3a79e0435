"""The PR comment body: the marker first, gated values only, the PR's own facts, and
at most 65,536 characters as GitHub counts them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from devex_metrics.metrics.catalogue import BY_ID
from devex_metrics.metrics.result import MetricResult, MetricSet, Status
from devex_metrics.model import RepositoryInfo, SourceUse, Window
from devex_metrics.privacy.gate import apply_gate
from devex_metrics.reporters.metrics_document import MetricsDocument
from devex_metrics.reporters.metrics_json import build_metrics_document
from devex_metrics.reporters.pr_comment import (
    MARKER,
    MAX_CHARS,
    Link,
    PullFacts,
    comment_length,
    render_pr_comment,
    truncate_comment,
)

WINDOW = Window(datetime(2024, 1, 2, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC))
SUPPRESSED_VALUE = 987.654
LINK = Link("Full report", "https://github.com/acme/widgets/blob/0123abc/report.md")


def _people(count: int) -> frozenset[str]:
    return frozenset(f"dev{i}@people.example.test" for i in range(count))


def _ok(metric_id: str, value: float, samples: int, crowd: int | None = None, **extra: object
        ) -> MetricResult:  # fmt: skip
    people = None if crowd is None else _people(crowd)
    return MetricResult(BY_ID[metric_id], Status.OK, samples, value=value, people=people, **extra)  # type: ignore[arg-type]


def document() -> MetricsDocument:
    """A gated document: DORA ok, lead time and one survey metric below k = 5."""
    results = [
        _ok("dora.deployment_frequency", 2.488888888888889, 32, tier="high"),
        _ok("dora.lead_time", SUPPRESSED_VALUE, 40, 2, tier="elite"),
        _ok("dora.change_failure_rate", 0.09375, 32, tier="high"),
        _ok("space.satisfaction.rating", SUPPRESSED_VALUE, 3, 3),
        _ok("space.activity.contributors", 7, 7, 7),
        MetricResult(BY_ID["space.satisfaction.nps"], Status.UNAVAILABLE, 0),
    ]
    report = apply_gate(
        MetricSet(WINDOW, {r.spec.id: r for r in results}, "tags"), None,
        min_group_size=5, opt_out_entries=0, generated_at=datetime(2024, 4, 1, 6, tzinfo=UTC),
        tool_version="0.1.0",
        repository=RepositoryInfo("acme/widgets", "main", "0123abc"),
        sources=(SourceUse("git", 4, "rev-list"),), commit_range=(None, None),
    )  # fmt: skip
    return build_metrics_document(report)


FACTS = PullFacts(42, "open", additions=120, deletions=30, changed_files=4, age_hours=51.5,
                  first_review_hours=3.25, reviewed=True)  # fmt: skip


def test_marker_is_the_first_line_and_facts_are_shown() -> None:
    body = render_pr_comment(document(), FACTS, links=(LINK,))
    assert body.splitlines()[0] == MARKER
    assert "| Size | 150 lines changed (+120 −30) in 4 files |" in body
    assert "| Age | open for 2.1 d |" in body
    assert "| Time to first review | 3.2 h after it was opened |" in body
    assert "| Deployment frequency | 2.5 / week | High |" in body
    assert f"[Full report]({LINK.url})" in body


def test_suppressed_values_never_reach_the_comment() -> None:
    body = render_pr_comment(document(), FACTS)
    assert "987" not in body and "988" not in body
    assert "| Change lead time | suppressed |" in body
    assert "Suppressed (fewer than 5 people): Change lead time, Satisfaction rating." in body
    assert "dev0@" not in body  # no identity, ever


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (
            PullFacts(1, "draft", 1, 0, 1, 0.5, None, False),
            ("1 line changed (+1 −0) in 1 file |", "open (draft) for 30 min", "no review yet"),
        ),
        (
            PullFacts(2, "merged", 5, 5, None, 30.0, None, False),
            ("(+5 −5) |", "merged after 1.2 d", "not reviewed"),
        ),
        (PullFacts(3, "open"), ("| Size | unknown |", "| Age | unknown |", "no review yet")),
    ],
    ids=["draft-unreviewed", "merged-without-review", "facts-unknown"],
)
def test_fact_wording(facts: PullFacts, expected: tuple[str, ...]) -> None:
    body = render_pr_comment(document(), facts)
    for text in expected:
        assert text in body


def test_without_a_pull_request_only_the_repository_is_shown() -> None:
    body = render_pr_comment(document(), None)
    assert "This pull request" not in body and "The repository" in body


def test_long_body_is_truncated_at_a_line_with_a_link() -> None:
    text = MARKER + "\n<details><summary>x</summary>\n\n" + "| row | 😀 |\n" * 20_000
    body = truncate_comment(text, LINK)
    assert comment_length(body) <= MAX_CHARS < comment_length(text)
    assert body.startswith(MARKER + "\n")
    assert body.count("<details") == body.count("</details>") == 1
    assert body.rstrip().endswith(f"[Full report]({LINK.url})")
    assert "| row | 😀 |\n</details>" in body  # cut between rows, never inside one


def test_render_respects_a_smaller_limit() -> None:
    body = render_pr_comment(document(), FACTS, links=(LINK,), limit=600)
    assert comment_length(body) <= 600 and body.startswith(MARKER)
    assert "Truncated" in body


def test_length_counts_utf16_code_units() -> None:
    assert comment_length("a😀") == 3  # an astral character is two code units on GitHub
    assert truncate_comment("a" * 10, None, limit=10) == "a" * 10
