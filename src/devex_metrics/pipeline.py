"""The `report` pipeline, end to end: config → collect → derive → metrics → privacy
gate → reporters → `--out`.

Only `collect` and the final write touch the outside world; the clock is read
once, by the caller, and passed in as `now`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from devex_metrics import __version__
from devex_metrics.collect import CollectRequest, collect_dataset, read_opt_out
from devex_metrics.collect.github.settings import GitHubSettings, github_settings_from_env
from devex_metrics.config import Config
from devex_metrics.derive import derive_facts
from devex_metrics.derive.people import OptOut
from devex_metrics.errors import UsageError
from devex_metrics.logs import notice, stage
from devex_metrics.metrics import compute_metrics
from devex_metrics.model import Dataset, Window
from devex_metrics.privacy.gate import apply_gate
from devex_metrics.privacy.orgkeys import OrgKeys, org_keys_from_env
from devex_metrics.privacy.report import PublishedReport
from devex_metrics.publish.outdir import read_previous_history, write_output
from devex_metrics.reporters import SbomInputs, render_all

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportOptions:
    repo: Path
    config: Config
    out: Path
    now: datetime
    since: datetime | None = None
    until: datetime | None = None
    repository_name: str | None = None
    coverage: Path | None = None
    unshallow: bool = False
    offline: bool = False
    cache_dir: Path | None = None
    env: Mapping[str, str] = field(default_factory=dict)


def report_window(config: Config, now: datetime, since: datetime | None,
                  until: datetime | None) -> Window:  # fmt: skip
    """`[start, end)`: end defaults to today 00:00 UTC, start to end − window_days."""
    end = until or now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = since or end - timedelta(days=config.window_days)
    if start >= end:
        raise UsageError(f"--since {start:%Y-%m-%d} is not before the window end {end:%Y-%m-%d}. "
                         "Pass an earlier --since or a later --until.")  # fmt: skip
    return Window(start, end)


def build_report(dataset: Dataset, config: Config, opt_out: tuple[str, ...],
                 window: Window, now: datetime,
                 org_keys: OrgKeys | None = None) -> PublishedReport:  # fmt: skip
    """The pure middle of the pipeline: dataset in, gated report out."""
    with stage("derive"):
        facts = derive_facts(dataset, config, OptOut(opt_out))
        log.info("deployments: %d from source %s", len(facts.shipped), facts.deployment_source)
    with stage("metrics"):
        current = compute_metrics(dataset, config, facts, window)
        previous = compute_metrics(dataset, config, facts, window.previous())
    with stage("privacy gate"):
        tip = dataset.default_tip
        return apply_gate(
            current, previous,
            min_group_size=config.privacy.min_group_size,
            opt_out_entries=len(opt_out),
            generated_at=now,
            tool_version=__version__,
            repository=dataset.repository,
            sources=dataset.sources,
            commit_range=(_first_commit_in(dataset, window), tip),
            partial=dataset.partial,
            org_keys=org_keys,
        )  # fmt: skip


def _first_commit_in(dataset: Dataset, window: Window) -> str | None:
    """The oldest default-branch commit committed in the window (the evidence range start)."""
    inside = [c for c in dataset.commits.values() if window.contains(c.committer_time)]
    return min(inside, key=lambda c: (c.committer_time, c.sha)).sha if inside else None


def _github_settings(options: ReportOptions) -> GitHubSettings | None:
    """GitHub settings from the environment, or None (offline, no token, no repository)."""
    if options.offline:
        return None
    settings = github_settings_from_env(
        options.env, options.repository_name,
        cache_secret_env=options.config.privacy.cache_secret_env,
    )  # fmt: skip
    if settings is None:
        notice("no GitHub data: set GITHUB_TOKEN (or GH_TOKEN) and --github OWNER/NAME "
               "(or GITHUB_REPOSITORY) to measure pull requests, reviews, CI and surveys; "
               "this report uses git history only")  # fmt: skip
    return settings


def run_report(options: ReportOptions) -> PublishedReport:
    config = options.config
    window = report_window(config, options.now, options.since, options.until)
    org_keys = org_keys_from_env(config.privacy.org_secret_env, options.env)
    if config.privacy.org_secret_env and org_keys is None:
        notice(f"{config.privacy.org_secret_env} is empty: this report carries no keyed "
               "pseudonyms or sealed aggregates, so an organisation merge counts its "
               "people as a bound")  # fmt: skip
    log.info("window: %s → %s (%g days)", window.start.date(), window.end.date(), window.days)
    github = _github_settings(options)
    with stage("collect"):
        dataset = collect_dataset(CollectRequest(
            repo=options.repo, config=config, repository_name=options.repository_name,
            coverage=options.coverage, unshallow=options.unshallow,
            dependencies="sbom" in config.outputs, horizon=window.previous().start,
            until=window.end, github=github, cache_dir=options.cache_dir, now=options.now,
        ))  # fmt: skip
        opt_out = read_opt_out(options.repo, config)
    report = build_report(dataset, config, opt_out, window, options.now, org_keys)
    with stage("render"):
        sbom = (SbomInputs(dataset.dependencies, dataset.spdx_sbom)
                if dataset.dependencies is not None else None)  # fmt: skip
        history = read_previous_history(options.out)
        artifacts = render_all(report, history, config.outputs, sbom=sbom)
    with stage("write"):
        write_output(options.out, artifacts)
        log.info("wrote %d files to %s", len(artifacts), options.out)
    return report
