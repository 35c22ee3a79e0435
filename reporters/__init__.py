"""First-party output plugins: render a gated `PublishedReport` into artifacts.

Reporters are pure: they take the gated report (and, for trends, the gated
history of earlier runs) and return `Artifact`s; writing them is `publish`'s job.
`render_all` runs the reporters the config's `outputs` asks for; `history.jsonl`,
the deployment evidence and `manifest.json` are always written, since trends and
the evidence trail depend on them. Trend charts start with the second report
window (one point is no trend); matplotlib and the CycloneDX library are imported
only when their output is rendered, which keeps a run fast.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from devex_metrics.artifacts import Artifact
from devex_metrics.model import Dependency
from devex_metrics.privacy.report import PublishedReport
from devex_metrics.reporters.badges import badge_figures, render_badges
from devex_metrics.reporters.evidence import render_deployments, render_manifest
from devex_metrics.reporters.history import HistoryEntry, entry_from_report, merge_entries
from devex_metrics.reporters.history import render_history as _render_history
from devex_metrics.reporters.markdown import render_report, render_summary
from devex_metrics.reporters.metrics_json import render_metrics_json
from devex_metrics.reporters.openmetrics import render_openmetrics

MIN_TREND_POINTS = 2  # a trend chart needs two report windows


@dataclass(frozen=True)
class SbomInputs:
    """What the SBOM reporters need: system data about dependencies, no people."""

    dependencies: Sequence[Dependency]
    spdx: Mapping[str, object] | None = None


def _sbom(report: PublishedReport, inputs: SbomInputs) -> list[Artifact]:
    from devex_metrics.reporters.sbom import render_cyclonedx, sbom_spdx_artifact  # heavy import

    seed = f"{report.repository.name}@{report.repository.head_sha}:{report.window.end.isoformat()}"
    artifacts = [render_cyclonedx(inputs.dependencies, repository_name=report.repository.name,
                                  tool_version=report.tool_version, serial_seed=seed,
                                  timestamp=report.generated_at)]  # fmt: skip
    spdx = sbom_spdx_artifact(inputs.spdx)
    if spdx is not None:
        artifacts.append(spdx)
    return artifacts


def render_all(
    report: PublishedReport,
    history: Sequence[HistoryEntry],
    outputs: Sequence[str],
    *,
    sbom: SbomInputs | None = None,
) -> list[Artifact]:
    """Every artifact of one run, `manifest.json` last (it hashes all the others)."""
    wanted = set(outputs)
    entries = merge_entries(history, entry_from_report(report))
    artifacts = [_render_history(history, report), render_deployments(report)]
    figures: dict[str, str] = {}
    if "badges" in wanted:
        artifacts += render_badges(report)
        figures.update(badge_figures())
    if "charts" in wanted and len(entries) >= MIN_TREND_POINTS:
        from devex_metrics.reporters.charts import chart_figures, render_charts  # matplotlib

        charts = render_charts(entries)
        artifacts += charts
        figures.update(chart_figures(charts))
    if "json" in wanted:
        artifacts.append(render_metrics_json(report))
    if "markdown" in wanted:
        artifacts.append(render_report(report, history=entries, figures=figures))
    if "summary" in wanted:
        artifacts.append(render_summary(report))
    if "openmetrics" in wanted:
        artifacts.append(render_openmetrics(report))
    if "sbom" in wanted and sbom is not None:
        artifacts += _sbom(report, sbom)
    counts = {source.name: source.requests for source in report.sources}
    artifacts.append(render_manifest(report, artifacts, request_counts=counts))
    return artifacts
