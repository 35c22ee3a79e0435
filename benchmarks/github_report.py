"""The GitHub API benchmark's numbers, its targets, and their Markdown rendering.

Pure: everything here is computed from values ``github_api`` measured, so the
page in ``docs/benchmarks.md`` can be regenerated from a ``--json`` file's
numbers without re-running anything. The issue's targets live in `Report.targets`,
in one place, with the rule written beside each limit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from measure import markdown_table

BACKFILL_LIMIT: Final = 500
INCREMENTAL_SHARE: Final = 0.05
RSS_LIMIT_MB: Final = 300.0
RUN_NAMES: Final = {"backfill": "backfill (empty cache)", "incremental": "incremental (no changes)"}
# Which parts of the per-item REST formula read what each collector stage reads.
PER_ITEM_PARTS: Final = {
    "pull requests": ("pull listing", "reviews + commits"),
    "deployments": ("deployment listing", "deployment statuses"),
    "workflow runs": ("run listing",),
}


@dataclass(frozen=True)
class Collection:
    """One child collection: the client's counts, the server's log, time and memory."""

    label: str
    requests: int
    server_requests: int
    server_graphql: int
    server_rest: int
    graphql_points: int
    by_stage: Mapping[str, int]
    wall_s: float  # collect_github alone
    process_wall_s: float  # the child process, interpreter start and imports included
    peak_rss_mib: float  # the child's own ru_maxrss
    tree_peak_rss_mib: float  # the wrapper's RUSAGE_CHILDREN: a cross-check
    partial: bool
    records: Mapping[str, int]


@dataclass(frozen=True)
class PerItem:
    """The per-item REST formula on the data set, and the crawl that checked it."""

    predicted: Mapping[str, int]
    sample_every: int
    sample_sizes: tuple[int, int]  # PRs, deployments given their per-item calls
    sample_measured: Mapping[str, int]
    sample_predicted: Mapping[str, int]
    sample_server_requests: int
    sample_client_requests: int
    sample_wall_s: float

    @property
    def total(self) -> int:
        return sum(self.predicted.values())

    @property
    def verified(self) -> bool:
        measured = sum(self.sample_measured.values())
        return (
            dict(self.sample_measured) == dict(self.sample_predicted)
            and measured == self.sample_server_requests == self.sample_client_requests
        )

    def for_stage(self, stage: str) -> int | None:
        parts = PER_ITEM_PARTS.get(stage)
        return sum(self.predicted.get(p, 0) for p in parts) if parts else None


@dataclass(frozen=True)
class Target:
    name: str
    limit: str
    measured: str
    passed: bool


@dataclass(frozen=True)
class Report:
    dataset: Mapping[str, int]
    dataset_seconds: float
    window: tuple[datetime, datetime]  # inclusive ends, for display
    collections: list[Collection]
    per_item: PerItem

    def targets(self) -> list[Target]:
        first, second = self.collections
        pr_limit = self.dataset["pr_stage_limit"]
        pr_stage = first.by_stage.get("pull requests", 0)
        share = first.requests * INCREMENTAL_SHARE
        peak = max(c.peak_rss_mib for c in self.collections)
        n = self.dataset["merged_pull_requests"]
        return [
            Target(
                "pull-request stage, backfill",
                f"≤ ⌈{n:,}/100⌉ + 10 = {pr_limit}",
                f"{pr_stage}",
                pr_stage <= pr_limit,
            ),
            Target(
                "whole backfill",
                f"≤ {BACKFILL_LIMIT}",
                f"{first.requests}",
                first.requests <= BACKFILL_LIMIT,
            ),
            Target(
                "incremental re-run, no changes",
                f"≤ 5 % of {first.requests} = {share:.1f}",
                f"{second.requests}",
                second.requests <= share,
            ),
            Target(
                "peak RSS (either run)",
                f"≤ {RSS_LIMIT_MB:.0f} MB",
                f"{peak:.0f} MB",
                peak <= RSS_LIMIT_MB,
            ),
        ]


def _verdict(passed: bool) -> str:
    return "pass" if passed else "**FAIL**"


def _runs_table(collections: list[Collection]) -> list[str]:
    header = ("run", "requests", "GraphQL", "REST", "GraphQL points", "wall (s)", "peak RSS (MB)")
    rows = [
        [
            RUN_NAMES.get(c.label, c.label) + (" (partial!)" if c.partial else ""),
            f"{c.requests}",
            f"{c.server_graphql}",
            f"{c.server_rest}",
            f"{c.graphql_points}",
            f"{c.wall_s:.1f}",
            f"{c.peak_rss_mib:.0f}",
        ]
        for c in collections
    ]
    return markdown_table(header, rows, "lrrrrrr")


def _stage_table(collections: list[Collection], per_item: PerItem) -> list[str]:
    first, second = collections
    rows = []
    for stage, count in first.by_stage.items():
        rest = per_item.for_stage(stage)
        shown = f"{rest:,}" if rest is not None else "–"
        rows.append([stage, f"{count}", f"{second.by_stage.get(stage, 0)}", shown])
    rows.append(["**total**", f"{first.requests}", f"{second.requests}", f"{per_item.total:,}"])
    header = ("stage", "backfill", "incremental", "per-item REST")
    return markdown_table(header, rows, "lrrr")


def _every(n: int) -> str:
    if n == 1:
        return "every item"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"every {n}{suffix} item"


def _per_item_lines(per_item: PerItem) -> list[str]:
    parts = ", ".join(f"{name} {count:,}" for name, count in per_item.predicted.items())
    measured = sum(per_item.sample_measured.values())
    predicted = sum(per_item.sample_predicted.values())
    pulls, deployments = per_item.sample_sizes
    check = "matches" if per_item.verified else "**does not match**"
    return [
        f"Per-item REST approach: {per_item.total:,} requests ({parts}).",
        f"Checked against the fake server's REST endpoints: every listing page plus the "
        f"per-item calls of {_every(per_item.sample_every)} ({pulls:,} PRs, "
        f"{deployments:,} deployments) took {measured:,} requests "
        f"(server log: {per_item.sample_server_requests:,}); the formula predicts "
        f"{predicted:,}: it {check}.",
    ]


def _records_lines(collections: list[Collection]) -> list[str]:
    """What each run returned: a request count means little if records went missing."""
    lines = []
    for c in collections:
        r = c.records
        lines.append(
            f"Records, {c.label}: {r['pull_requests']:,} pull requests ({r['reviews']:,} "
            f"reviews), {r['github_deployments']:,} deployments, {r['workflow_runs']:,} "
            f"workflow runs, {r['releases']} releases, {r['incidents']} incidents, "
            f"{r['email_logins']} linked commit emails."
        )
    return lines


def render_markdown(report: Report) -> str:
    d = report.dataset
    start, end = (moment.strftime("%Y-%m-%d %H:%M:%S") for moment in report.window)
    lines = [
        "## devex-metrics GitHub API benchmark",
        "",
        f"Fake GitHub on 127.0.0.1: {d['merged_pull_requests']:,} merged pull requests "
        f"({d['reviews']:,} reviews, {d['pull_request_commits']:,} commits), "
        f"{d['default_branch_commits']:,} commits on main, {d['deployments']:,} deployments, "
        f"{d['workflow_runs']:,} workflow runs, {d['releases']} releases, {d['issues']} "
        f"issues; window {start} to {end} UTC (data set built in {report.dataset_seconds:.1f} s).",
        "Each collection runs in a fresh child process (the server stays in the parent); "
        "wall is `collect_github` alone; peak RSS is the child's `ru_maxrss` (MB = MiB). "
        "The fake charges 1 GraphQL point per query.",
        "",
        *_runs_table(report.collections),
        "",
        *_stage_table(report.collections, report.per_item),
        "",
        *markdown_table(
            ("target", "limit", "measured", "result"),
            [[t.name, t.limit, t.measured, _verdict(t.passed)] for t in report.targets()],
            "llrl",
        ),
        "",
        *_per_item_lines(report.per_item),
    ]
    lines += ["", *_records_lines(report.collections)]
    mismatched = [c.label for c in report.collections if c.requests != c.server_requests]
    if mismatched:
        lines.append(f"**Client and server request counts differ** for: {', '.join(mismatched)}.")
    return "\n".join(lines) + "\n"
