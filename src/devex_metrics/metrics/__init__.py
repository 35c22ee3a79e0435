"""metrics: pure functions from derived facts to one `MetricSet` per window.

Every catalogue id gets a result. A metric whose source was not collected (no
GitHub data offline, no survey issues, no --coverage file) is `unavailable`,
never zero; one whose sample is empty is `insufficient_data`.
"""

from __future__ import annotations

from dataclasses import replace

from devex_metrics.config import Config
from devex_metrics.derive import Facts
from devex_metrics.derive.failures import failures_at
from devex_metrics.metrics.activity import activity_metrics
from devex_metrics.metrics.aggregate import Aggregate
from devex_metrics.metrics.catalogue import CATALOGUE
from devex_metrics.metrics.ci import ci_metrics
from devex_metrics.metrics.dora import dora_metrics
from devex_metrics.metrics.pulls import pull_request_metrics
from devex_metrics.metrics.result import DeploymentEvent, MetricResult, MetricSet, Status
from devex_metrics.metrics.surveys import friction_metrics, survey_metrics
from devex_metrics.model import Coverage, Dataset, Window

_NEEDS = {
    "github": "GitHub data (a token and --github OWNER/NAME)",
    "surveys": "GitHub data with pulse-survey issues",
    "coverage": "a --coverage file",
    "deployments": "a deployment source",
    "git": "git history",
}


def coverage_metric(coverage: Coverage | None) -> MetricResult | None:
    """Line coverage from a coverage file, or None when no file was given."""
    if coverage is None:
        return None
    from devex_metrics.metrics.catalogue import spec

    metric = spec("space.performance.coverage")
    aggregate = Aggregate(counts={"lines_covered": coverage.lines_covered,
                                  "lines_valid": coverage.lines_valid},
                          tags=(coverage.format,))  # fmt: skip
    if coverage.lines_valid == 0:
        return MetricResult(metric, Status.INSUFFICIENT_DATA, 0, note="no measured lines",
                            aggregate=aggregate)  # fmt: skip
    return MetricResult(metric, Status.OK, coverage.lines_valid,
                        value=coverage.lines_covered / coverage.lines_valid,
                        details={"format": coverage.format}, aggregate=aggregate)  # fmt: skip


SURVEY_SOURCES = frozenset({"surveys"})


def _scoped(results: dict[str, MetricResult], scope: str | None) -> None:
    """Mark survey aggregates with the shared survey repository, if one is configured:
    every repository of an organisation then reports the same answers, and the merge
    must count them once (SPEC §9)."""
    if scope is None:
        return
    for metric_id, result in results.items():
        if result.spec.source in SURVEY_SOURCES and result.aggregate is not None:
            scoped = replace(result.aggregate, scope=scope)
            results[metric_id] = replace(result, aggregate=scoped)


def compute_metrics(dataset: Dataset, config: Config, facts: Facts, window: Window) -> MetricSet:
    failures = failures_at(facts.signals, len(facts.shipped), window.end)
    results: dict[str, MetricResult] = {}
    results.update(dora_metrics(facts.shipped, failures, window, facts.person_of,
                                facts.change_time, facts.teams))  # fmt: skip
    results.update(activity_metrics(facts.branch_commits, window, facts.person_of,
                                    facts.has_ai_trailer, facts.teams))  # fmt: skip
    branch = dataset.repository.default_branch
    if dataset.pull_requests is not None:
        results.update(pull_request_metrics(dataset.pull_requests, branch, window,
                                            facts.person_of_login))  # fmt: skip
    if dataset.workflow_runs is not None:
        results.update(ci_metrics(dataset.workflow_runs, branch, window, config.ci.workflows))
    if dataset.survey_responses is not None:
        results.update(survey_metrics(dataset.survey_responses, window, facts.person_of_login))
    if dataset.friction_reports is not None:
        results.update(friction_metrics(dataset.friction_reports, window,
                                        facts.person_of_login))  # fmt: skip
    coverage = coverage_metric(dataset.coverage)
    if coverage is not None:
        results[coverage.id] = coverage
    _scoped(results, config.surveys.repository.lower() if config.surveys.repository else None)
    for spec in CATALOGUE:
        if spec.id not in results and spec.id != "health.score":
            results[spec.id] = MetricResult(
                spec, Status.UNAVAILABLE, 0, note=f"not measured: needs {_NEEDS[spec.source]}"
            )
    events = tuple(
        DeploymentEvent(
            source=s.deployment.source, ref=s.deployment.ref, sha=s.deployment.sha,
            time=s.deployment.time, in_window=window.contains(s.deployment.time),
            failed=failures[s.index].failed, signals=tuple(sorted(failures[s.index].signals)),
            remedy_time=failures[s.index].remedy_time, is_remedy=failures[s.index].is_remedy,
            changes=len(s.changes), incident_numbers=tuple(failures[s.index].incident_numbers),
        )
        for s in facts.shipped
        if s.deployment.time < window.end and s.deployment.time >= window.start
    )  # fmt: skip
    ordered = {spec.id: results[spec.id] for spec in CATALOGUE if spec.id in results}
    return MetricSet(window, ordered, facts.deployment_source, events)
