"""metrics.prom: OpenMetrics text that prometheus_client's parser reads back exactly."""

from __future__ import annotations

import re

import pytest
from builders_visual import (
    SUPPRESSED_P90,
    SUPPRESSED_VALUE,
    WINDOW,
    full_report,
    not_ok,
    ok,
    report,
    suppressed,
)
from prometheus_client.openmetrics.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from devex_metrics.metrics.catalogue import BY_ID, CATALOGUE
from devex_metrics.metrics.result import Status
from devex_metrics.privacy.report import PublishedReport
from devex_metrics.reporters.openmetrics import metric_name, render_openmetrics

ESTABLISHED = {
    "space_nps_score": 20.0,
    "space_satisfaction_rating": 3.8,
    "space_deployment_frequency": 4.2,
    "space_lead_time_hours": 30.5,
    "space_commits_total": 412.0,
    "space_pull_requests_total": 96.0,
    "space_active_developers": 7.0,
    "space_review_time_hours": 4.25,
    "space_flow_state_days": 2.5,
    "space_friction_incidents": 12.0,
}

DERIVED = {
    "dora_lead_time_p90_hours": 140.25,
    "dora_change_failure_ratio": 0.125,
    "dora_recovery_time_hours": 3.1,
    "dora_recovery_time_p90_hours": 30.0,
    "dora_rework_ratio": 0.1,
    "space_burnout_ratio": 0.25,
    "space_build_success_ratio": 0.9,
    "space_line_coverage_ratio": 0.81,
    "space_reviews_submitted": 143.0,
    "space_ai_assisted_ratio": 0.18,
    "space_review_time_p90_hours": 26.0,
    "space_review_coverage_ratio": 0.875,
    "space_reviews_per_pr": 1.5,
    "space_pr_cycle_time_hours": 9.5,
    "space_pr_cycle_time_p90_hours": 50.0,
    "space_pr_size_lines": 85.0,
    "space_ci_duration_minutes": 7.5,
    "space_cognitive_load_score": 2.0,
}


def _text(built: PublishedReport) -> str:
    return render_openmetrics(built).content.decode()


def _samples(text: str) -> dict[str, Sample]:
    return {
        sample.name: sample
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_path_and_eof() -> None:
    artifact = render_openmetrics(full_report())
    assert artifact.path == "metrics.prom"
    assert artifact.content.decode().endswith("\n# EOF\n")


def test_established_names_are_kept_with_their_values() -> None:
    samples = _samples(_text(full_report()))
    for name, value in ESTABLISHED.items():
        assert samples[name].value == pytest.approx(value), name
    assert samples["space_devex_health_score"].value == full_report().metrics["health.score"].value


def test_other_metrics_get_systematic_names() -> None:
    samples = _samples(_text(full_report()))
    for name, value in DERIVED.items():
        assert samples[name].value == pytest.approx(value), name
    expected = {*ESTABLISHED, *DERIVED, "space_devex_health_score"}
    window = {"devex_window_start_timestamp_seconds", "devex_window_end_timestamp_seconds"}
    assert set(samples) == expected | window | {"devex_report_info"}


def test_every_family_is_a_gauge_labelled_only_by_repository() -> None:
    for family in text_string_to_metric_families(_text(full_report())):
        if family.name == "devex_report":
            assert family.type == "info"
            continue
        assert family.type == "gauge", family.name
        assert family.documentation, family.name
        for sample in family.samples:
            assert sample.labels == {"repository": "acme/widgets"}


def test_durations_and_ratios_declare_their_unit() -> None:
    units = {
        family.name: family.unit for family in text_string_to_metric_families(_text(full_report()))
    }
    assert units["space_lead_time_hours"] == "hours"
    assert units["dora_change_failure_ratio"] == "ratio"
    assert units["space_flow_state_days"] == "days"
    assert units["space_ci_duration_minutes"] == "minutes"
    assert units["devex_window_end_timestamp_seconds"] == "seconds"
    assert units["space_commits_total"] == ""


def test_window_is_published_as_timestamps_not_as_labels() -> None:
    samples = _samples(_text(full_report()))
    assert samples["devex_window_start_timestamp_seconds"].value == WINDOW.start.timestamp()
    assert samples["devex_window_end_timestamp_seconds"].value == WINDOW.end.timestamp()
    assert samples["devex_report_info"].labels == {
        "repository": "acme/widgets",
        "tool_version": "0.1.0",
        "deployment_source": "tags",
    }


@pytest.mark.parametrize(
    "status", [Status.UNAVAILABLE, Status.INSUFFICIENT_DATA], ids=["unavailable", "insufficient"]
)
def test_not_ok_metrics_have_no_sample(status: Status) -> None:
    samples = _samples(_text(report([not_ok("dora.recovery_time", status)])))
    assert not any(name.startswith("dora_recovery_time") for name in samples)


def test_suppressed_values_never_appear() -> None:
    built = report(
        [
            suppressed("dora.lead_time"),
            suppressed("space.activity.commits"),
            ok("dora.deployment_frequency", 4.2, tier="high"),
        ]
    )
    text = _text(built)
    samples = _samples(text)
    assert "space_lead_time_hours" not in samples
    assert "dora_lead_time_p90_hours" not in samples
    assert "space_commits_total" not in samples
    assert samples["space_deployment_frequency"].value == 4.2
    for form in (SUPPRESSED_VALUE, SUPPRESSED_P90):
        assert str(form) not in text
        assert str(round(form)) not in text


def test_counts_print_without_fraction() -> None:
    assert re.search(
        r'^space_commits_total\{repository="acme/widgets"\} 412$', _text(full_report()), re.M
    )


def test_label_values_are_escaped() -> None:
    awkward = 'acme/"quoted"\\back\nline'
    samples = _samples(_text(report([ok("dora.rework_rate", 0.1)], repository=awkward)))
    assert samples["dora_rework_ratio"].labels == {"repository": awkward}


def test_names_of_every_catalogue_metric_are_valid_and_unique() -> None:
    names = [metric_name(spec, statistic) for spec in CATALOGUE for statistic in ("value", "p90")]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-zA-Z_:][a-zA-Z0-9_:]*", name) for name in names)
    dora = [metric_name(spec) for spec in CATALOGUE if spec.family == "dora"]
    assert all(name.startswith(("dora_", "space_")) for name in dora)
    assert metric_name(BY_ID["dora.lead_time"], "p90") == "dora_lead_time_p90_hours"


def test_empty_report_is_still_valid() -> None:
    samples = _samples(_text(report([])))
    assert set(samples) == {
        "devex_report_info",
        "devex_window_start_timestamp_seconds",
        "devex_window_end_timestamp_seconds",
    }
