"""The report folder as publish reads it: the gated `metrics.json`, `summary.md`, and
the step outputs they give (SPEC §10).

Step outputs are machine values: full-precision numbers from `metrics.json`
(ratios as ratios, durations in hours), without units, rounded to six decimals so
a float's noise does not leak into a workflow expression; an empty string for any
metric that is not ok (suppressed, missing or not measured), so a suppressed
value cannot escape through an output either.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from devex_metrics.errors import UsageError
from devex_metrics.metrics.result import Status
from devex_metrics.reporters.markdown import day, last_day
from devex_metrics.reporters.metrics_document import MetricsDocument
from devex_metrics.reporters.metrics_json import load_metrics_json

METRICS_FILE = "metrics.json"
SUMMARY_FILE = "summary.md"
REPORT_FILE = "report.md"

OUTPUT_METRICS = {
    "deployment-frequency": "dora.deployment_frequency",
    "lead-time-hours": "dora.lead_time",
    "change-failure-rate": "dora.change_failure_rate",
    "recovery-time-hours": "dora.recovery_time",
}


def machine_number(value: float) -> str:
    """``2.333333``, ``0.125``, ``3``: six decimals at most, no trailing zeros."""
    if not math.isfinite(value):
        return ""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class ReportFolder:
    out: Path
    document: MetricsDocument | None
    summary: str | None
    has_report: bool

    def value(self, metric_id: str) -> float | None:
        metric = self.document.metrics.get(metric_id) if self.document else None
        if metric is None or metric.status is not Status.OK or metric.value is None:
            return None
        return metric.value

    def step_outputs(self) -> dict[str, str]:
        score = self.document.health.score if self.document else None
        outputs = {"health-score": "" if score is None else str(score)}
        for name, metric_id in OUTPUT_METRICS.items():
            value = self.value(metric_id)
            outputs[name] = "" if value is None else machine_number(value)
        outputs["report-path"] = str(self.out / REPORT_FILE) if self.has_report else ""
        outputs["metrics-path"] = str(self.out / METRICS_FILE) if self.document else ""
        return outputs

    def window_label(self) -> str | None:
        """``2024-01-02 to 2024-03-31``: the window's first and last day."""
        if self.document is None:
            return None
        window = self.document.window
        return f"{day(window.start)} to {last_day(window.end)}"


def read_report_folder(out: Path, files: Mapping[str, bytes]) -> ReportFolder:
    """The folder's gated document and summary; exit 2 when `metrics.json` is not ours."""
    document = None
    raw = files.get(METRICS_FILE)
    if raw is not None:
        try:
            document = load_metrics_json(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise UsageError(f"{out / METRICS_FILE}: {error}") from None
    summary = files.get(SUMMARY_FILE)
    text = summary.decode("utf-8", errors="replace") if summary is not None else None
    return ReportFolder(out, document, text, REPORT_FILE in files)
