"""`metrics.json` (SPEC §9): the machine-readable record of one run.

The format is the pydantic models of `reporters.metrics_document`:
`metrics_json_schema()` is generated from them, `render_metrics_json` writes
through them, and `load_metrics_json` reads through them (the org `merge`
command), so writer, schema and reader cannot drift apart. What may appear when
is stated and enforced there.

The written bytes are stable: sorted keys, 2-space indent, a trailing newline,
floats at full precision (shortest round-trip repr).
"""

from __future__ import annotations

import json
from typing import Any, Final

from pydantic import ValidationError
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import core_schema

from devex_metrics.artifacts import Artifact
from devex_metrics.metrics.result import Status
from devex_metrics.metrics.sketch import RELATIVE_ACCURACY
from devex_metrics.model import Window
from devex_metrics.privacy.aggregates import AGGREGATE_FORMAT
from devex_metrics.privacy.report import PublishedMetric, PublishedReport, PublishedValue
from devex_metrics.reporters.metrics_document import (
    Aggregates,
    BreakdownCell,
    DataSource,
    Health,
    Metric,
    MetricsDocument,
    Previous,
    Privacy,
    Repository,
    Sources,
    Tool,
    WindowSpan,
)

METRICS_JSON_PATH = "metrics.json"
SCHEMA_VERSION: Final = 1
TOOL_NAME = "devex-metrics"


def _span(window: Window) -> WindowSpan:
    return WindowSpan(start=window.start, end=window.end, days=window.days)


def _previous(previous: PublishedValue | None) -> Previous | None:
    if previous is None:
        return None
    value = previous.value if previous.status is Status.OK else None
    return Previous(status=previous.status, value=_float(value), aggregate=previous.aggregate)


def _metric(metric: PublishedMetric) -> Metric:
    """Copy a gated metric; non-ok metrics carry no numbers even if handed some."""
    numbers: dict[str, Any] = {}
    if metric.ok:
        numbers = {
            "value": _float(metric.value),
            "p50": _float(metric.p50),
            "p90": _float(metric.p90),
            "tier": metric.tier,
            "details": dict(metric.details) or None,
            "breakdowns": {
                dimension: {
                    name: BreakdownCell(
                        suppressed=not cell.published, people=cell.people, value=cell.value
                    )
                    for name, cell in cells.items()
                }
                for dimension, cells in metric.breakdowns.items()
            }
            or None,
        }
    return Metric(
        status=metric.status,
        unit=metric.spec.unit,
        title=metric.spec.title,
        samples=metric.samples,
        people=metric.people,
        note=metric.note or None,
        previous=_previous(metric.previous),
        people_bound=metric.people_bound or None,
        aggregate=metric.aggregate,
        **numbers,
    )


def _float(number: float | None) -> float | None:
    return None if number is None else float(number)


def build_metrics_document(report: PublishedReport) -> MetricsDocument:
    """The `metrics.json` document of a gated report."""
    health = report.metrics.get("health.score")
    score = health.value if health is not None and health.ok else None
    return MetricsDocument(
        schema_version=SCHEMA_VERSION,
        generated_at=report.generated_at,
        tool=Tool(name=TOOL_NAME, version=report.tool_version),
        repository=Repository(
            name=report.repository.name,
            default_branch=report.repository.default_branch,
            head_sha=report.repository.head_sha,
        ),
        window=_span(report.window),
        previous_window=_span(report.previous_window),
        sources=Sources(
            deployments=report.deployment_source,
            data=tuple(
                DataSource(name=use.name, requests=use.requests, detail=use.detail or None)
                for use in report.sources
            ),
        ),
        privacy=Privacy(
            min_group_size=report.privacy.min_group_size,
            suppressed=report.privacy.suppressed_ids,
            rule_counts=dict(report.privacy.rule_counts),
            opt_out_configured=report.privacy.opt_out_entries > 0,
        ),
        partial=report.partial,
        metrics={metric_id: _metric(metric) for metric_id, metric in report.metrics.items()},
        health=Health(
            score=None if score is None else round(score),
            components=dict(report.health_components),
        ),
        aggregates=Aggregates(
            format=AGGREGATE_FORMAT,
            sketch_relative_accuracy=RELATIVE_ACCURACY,
            key_id=report.aggregates.key_id,
        ),
    )


def dump_metrics_document(document: MetricsDocument) -> str:
    """The canonical text of a document: what `render_metrics_json` writes."""
    data = document.model_dump(mode="json", exclude_none=True)
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def render_metrics_json(report: PublishedReport) -> Artifact:
    """`metrics.json` of a gated report."""
    return Artifact.text(METRICS_JSON_PATH, dump_metrics_document(build_metrics_document(report)))


class _OmitNullDefaults(GenerateJsonSchema):
    """`"default": null` would contradict "absent, never null"; leave it out."""

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> dict[str, Any]:
        json_schema = super().default_schema(schema)
        if "default" in json_schema and json_schema["default"] is None:
            del json_schema["default"]
        return json_schema


def metrics_json_schema() -> dict[str, Any]:
    """JSON Schema (Draft 2020-12) of `metrics.json`, generated from the models."""
    schema = MetricsDocument.model_json_schema(schema_generator=_OmitNullDefaults)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def load_metrics_json(text: str) -> MetricsDocument:
    """Read a `metrics.json`; `ValueError` says what is wrong and what to do.

    A file of another schema version gets a message about versions rather than a
    list of field errors. The document is validated first and parsed a second time
    only to explain a failure, since `merge` reads a thousand of them.
    """
    try:
        return MetricsDocument.model_validate_json(text)
    except ValidationError as error:
        failure = error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"metrics.json is not valid JSON: {error}") from error
    version = data.get("schema_version") if isinstance(data, dict) else None
    if version != SCHEMA_VERSION:
        raise ValueError(
            f"metrics.json has schema_version {version!r}, but this devex-metrics reads "
            f"schema_version {SCHEMA_VERSION} only: regenerate it with `devex-metrics "
            "report` from a matching devex-metrics version"
        )
    problems = "; ".join(
        f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
        for item in failure.errors(include_url=False)[:5]
    )
    raise ValueError(f"metrics.json does not match schema version 1: {problems}") from failure
