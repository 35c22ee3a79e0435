"""CI metrics from workflow runs (SPEC §6): build success rate and CI duration.

Both describe machines, not people, so they are not gated. `ci.workflows` limits
the runs counted (by workflow name or file); empty means all workflows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from devex_metrics.metrics.aggregate import ratio_parts, sample_parts
from devex_metrics.metrics.catalogue import spec
from devex_metrics.metrics.result import MetricResult, Status
from devex_metrics.metrics.stats import p50_p90
from devex_metrics.model import Window, WorkflowRun

FAILURE_LIKE = frozenset({"failure", "timed_out", "startup_failure"})
MINUTE = timedelta(minutes=1)


def _selected(run: WorkflowRun, workflows: Sequence[str]) -> bool:
    if not workflows:
        return True
    file_name = run.workflow_path.rsplit("/", 1)[-1]
    return any(w in (run.workflow_name, run.workflow_path, file_name) for w in workflows)


def ci_metrics(
    runs: Sequence[WorkflowRun], branch: str, window: Window, workflows: Sequence[str]
) -> Mapping[str, MetricResult]:
    counted = [r for r in runs if _selected(r, workflows) and window.contains(r.created_at)]
    builds = [r for r in counted if r.event == "push" and r.head_branch == branch
              and (r.conclusion == "success" or r.conclusion in FAILURE_LIKE)]  # fmt: skip
    successes = sum(1 for r in builds if r.conclusion == "success")
    durations = [
        (r.updated_at - r.run_started_at) / MINUTE
        for r in counted
        if r.status == "completed"
        and r.run_started_at is not None
        and (r.conclusion == "success" or r.conclusion in FAILURE_LIKE)
    ]
    rate_spec, duration_spec = (
        spec("space.performance.build_success_rate"),
        spec("space.efficiency.ci_duration"),
    )
    builds_aggregate = ratio_parts(successes, len(builds))
    rate = (
        MetricResult(rate_spec, Status.OK, len(builds), value=successes / len(builds),
                     details={"successes": successes}, aggregate=builds_aggregate)
        if builds
        else MetricResult(rate_spec, Status.INSUFFICIENT_DATA, 0,
                          note="no default-branch push run in the window",
                          aggregate=builds_aggregate)
    )  # fmt: skip
    if durations:
        p50, p90 = p50_p90(durations)
        duration = MetricResult(duration_spec, Status.OK, len(durations), value=p50, p50=p50,
                                p90=p90, aggregate=sample_parts(durations))  # fmt: skip
    else:
        duration = MetricResult(duration_spec, Status.INSUFFICIENT_DATA, 0,
                                note="no completed run in the window",
                                aggregate=sample_parts(()))  # fmt: skip
    return {rate.id: rate, duration.id: duration}
