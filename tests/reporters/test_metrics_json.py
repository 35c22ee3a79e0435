"""metrics.json: valid against its own schema, no number for a non-ok metric, round-trips."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from devex_metrics.metrics.catalogue import CATALOGUE, People
from devex_metrics.metrics.result import MetricResult
from devex_metrics.privacy.report import PublishedReport
from devex_metrics.reporters.metrics_json import (
    METRICS_JSON_PATH,
    dump_metrics_document,
    load_metrics_json,
    metrics_json_schema,
    render_metrics_json,
)

OK_ONLY = ("value", "p50", "p90", "tier", "details")
Builder = Callable[..., PublishedReport]
ResultsStrategy = st.SearchStrategy[dict[str, MetricResult]]
SUPPRESSED_MARKER = "987.654"


def _validator() -> Draft202012Validator:
    schema = metrics_json_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


VALIDATOR = _validator()


@pytest.fixture
def validator() -> Draft202012Validator:
    return VALIDATOR


def _document(report: PublishedReport) -> dict[str, Any]:
    artifact = render_metrics_json(report)
    assert artifact.path == METRICS_JSON_PATH
    document: dict[str, Any] = json.loads(artifact.content)
    return document


def test_sample_validates_against_schema(
    sample_report: PublishedReport, validator: Draft202012Validator
) -> None:
    validator.validate(_document(sample_report))


def test_empty_report_validates_and_has_no_health_score(
    report_builder: Builder, validator: Draft202012Validator
) -> None:
    document = _document(report_builder({}, deployment_source=None))
    validator.validate(document)
    assert document["health"] == {"components": {}}
    assert "deployments" not in document["sources"]


@pytest.mark.parametrize("status", ["suppressed", "insufficient_data", "unavailable"])
def test_non_ok_metrics_carry_no_numbers(sample_report: PublishedReport, status: str) -> None:
    metrics = _document(sample_report)["metrics"]
    matching = [metric for metric in metrics.values() if metric["status"] == status]
    assert matching
    for metric in matching:
        assert not set(OK_ONLY) & set(metric)
        assert "samples" in metric and "people" in metric


def test_suppressed_values_are_absent_from_the_text(sample_report: PublishedReport) -> None:
    text = render_metrics_json(sample_report).content.decode()
    for distinctive in ("987.654", "9876.54", "98765.4", "4321"):
        assert distinctive not in text


def test_previous_value_only_when_previous_was_ok(sample_report: PublishedReport) -> None:
    metrics = _document(sample_report)["metrics"]
    assert metrics["space.activity.commits"]["previous"] == {"status": "suppressed"}
    assert metrics["dora.lead_time"]["previous"] == {"status": "ok", "value": 52.0}


def test_people_is_null_for_system_metrics_and_a_count_otherwise(
    sample_report: PublishedReport,
) -> None:
    metrics = _document(sample_report)["metrics"]
    system = [spec.id for spec in CATALOGUE if spec.people is People.SYSTEM]
    assert all(metrics[mid]["people"] is None for mid in system if mid in metrics)
    assert metrics["dora.lead_time"]["people"] == 6
    assert metrics["space.communication.reviews_per_pr"]["people"] == 4


def test_header_fields(sample_report: PublishedReport) -> None:
    document = _document(sample_report)
    assert document["schema_version"] == 1
    assert document["tool"] == {"name": "devex-metrics", "version": "0.1.0"}
    assert document["repository"]["name"] == "acme/widgets"
    assert document["window"] == {
        "start": "2024-01-02T00:00:00Z",
        "end": "2024-04-01T00:00:00Z",
        "days": 90.0,
    }
    assert document["previous_window"]["end"] == "2024-01-02T00:00:00Z"
    assert document["sources"]["deployments"] == "tags"
    assert document["sources"]["data"][1] == {"name": "github-rest", "requests": 37}
    assert document["privacy"] == {
        "min_group_size": 5,
        "suppressed": [
            "space.satisfaction.rating",
            "space.communication.reviews_per_pr",
            "space.efficiency.pr_cycle_time",
            "space.efficiency.flow_state_days",
        ],
        "rule_counts": {"min_group_size": 4},
        "opt_out_configured": True,
    }
    assert document["partial"] is False
    assert document["health"]["score"] == document["metrics"]["health.score"]["value"]
    assert set(document["health"]["components"]) <= set(document["metrics"])


def test_text_is_canonical(sample_report: PublishedReport) -> None:
    text = render_metrics_json(sample_report).content.decode()
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert "0.18337408312958436" in text  # full float precision
    assert ": null" in text and text.count(": null") == text.count('"people": null')


def test_round_trip_through_loader(sample_report: PublishedReport) -> None:
    text = render_metrics_json(sample_report).content.decode()
    document = load_metrics_json(text)
    assert document.metrics["dora.lead_time"].p90 == 140.25
    assert document.metrics["space.efficiency.ci_duration"].people is None
    assert dump_metrics_document(document) == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param('{"schema_version": 2}', "schema_version 2", id="newer-version"),
        pytest.param("{}", "schema_version None", id="missing-version"),
        pytest.param("[]", "schema_version None", id="not-an-object"),
        pytest.param("{", "not valid JSON", id="not-json"),
        pytest.param('{"schema_version": 1}', "does not match schema", id="fields-missing"),
    ],
)
def test_loader_rejects_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_metrics_json(text)


def _tampered(report: PublishedReport, **changes: Any) -> dict[str, Any]:
    document = _document(report)
    document["metrics"]["space.communication.reviews_per_pr"].update(changes)
    return document


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"value": 1.5}, id="suppressed-with-value"),
        pytest.param({"p90": 1.5}, id="suppressed-with-p90"),
        pytest.param({"tier": "elite"}, id="suppressed-with-tier"),
        pytest.param({"details": {"x": 1}}, id="suppressed-with-details"),
        pytest.param({"status": "ok", "value": None}, id="null-instead-of-absent"),
        pytest.param({"surprise": 1}, id="unknown-key"),
    ],
)
def test_schema_and_loader_reject_leaks_and_nulls(
    sample_report: PublishedReport, validator: Draft202012Validator, changes: dict[str, Any]
) -> None:
    document = _tampered(sample_report, **changes)
    with pytest.raises(SchemaError):
        validator.validate(document)
    if changes.get("value", 0) is not None:  # the reader tolerates an explicit null
        with pytest.raises(ValueError, match="does not match schema version 1"):
            load_metrics_json(json.dumps(document))


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_gated_report_validates_and_round_trips(
    report_builder: Builder, results_strategy: ResultsStrategy, data: st.DataObject
) -> None:
    """The fixtures are a pure function and a strategy: safe to share across examples."""
    report = report_builder(data.draw(results_strategy), data.draw(results_strategy))
    text = render_metrics_json(report).content.decode()
    document = json.loads(text)
    VALIDATOR.validate(document)
    for metric_id, metric in document["metrics"].items():
        if metric["status"] != "ok":
            assert not set(OK_ONLY) & set(metric), metric_id
    assert SUPPRESSED_MARKER not in text
    assert dump_metrics_document(load_metrics_json(text)) == text
