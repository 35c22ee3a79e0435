"""Badges: shields-style SVG and endpoint JSON, numbers only for ok metrics."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from builders_visual import (
    SUPPRESSED_VALUE,
    full_report,
    not_ok,
    ok,
    report,
    suppressed,
)

from devex_metrics.artifacts import Artifact
from devex_metrics.metrics.result import MetricResult, Status
from devex_metrics.reporters.badges import (
    BADGES,
    COLORS,
    Badge,
    badge_figures,
    render_badges,
    render_endpoint_json,
    render_svg,
    text_width,
)

SVG = "{http://www.w3.org/2000/svg}"

# shields.io's endpoint badge format (https://shields.io/badges/endpoint-badge),
# restricted to the keys devex-metrics promises to write.
ENDPOINT_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "schemaVersion": {"const": 1},
        "label": {"type": "string"},
        "message": {"type": "string", "minLength": 1},
        "color": {"type": "string", "minLength": 1},
    },
    "required": ["schemaVersion", "label", "message", "color"],
    "additionalProperties": False,
}

NAMES = (
    "health",
    "deployment-frequency",
    "lead-time",
    "change-failure-rate",
    "recovery-time",
    "rework-rate",
)


def _by_path(artifacts: list[Artifact]) -> dict[str, bytes]:
    return {artifact.path: artifact.content for artifact in artifacts}


def _endpoint(artifacts: list[Artifact], name: str) -> dict[str, object]:
    document: dict[str, object] = json.loads(_by_path(artifacts)[f"badges/{name}.json"])
    return document


def _parse_svg(content: bytes) -> ET.Element:
    """Parse a badge this test just rendered (our own output, not untrusted input)."""
    root = ET.fromstring(content)  # noqa: S314
    assert root.tag == f"{SVG}svg"
    return root


def test_paths_are_one_svg_and_one_json_per_badge() -> None:
    paths = [artifact.path for artifact in render_badges(full_report())]
    expected = [f"badges/{name}.{ext}" for name in NAMES for ext in ("svg", "json")]
    assert paths == expected


@pytest.mark.parametrize("name", NAMES)
def test_endpoint_json_validates_against_shields_schema(name: str) -> None:
    for built in (full_report(), report([])):
        document = _endpoint(render_badges(built), name)
        jsonschema.validate(document, ENDPOINT_SCHEMA)
        assert set(document) == {"schemaVersion", "label", "message", "color"}


@pytest.mark.parametrize("name", NAMES)
def test_svg_is_xml_with_title_aria_label_and_fitting_boxes(name: str) -> None:
    artifacts = render_badges(full_report())
    root = _parse_svg(_by_path(artifacts)[f"badges/{name}.svg"])
    endpoint = _endpoint(artifacts, name)
    spoken = f"{endpoint['label']}: {endpoint['message']}"
    assert root.get("role") == "img"
    assert root.get("aria-label") == spoken
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == spoken
    label_box, message_box = root.findall(f"{SVG}g/{SVG}rect")[:2]
    assert int(root.get("width", "0")) == int(label_box.get("width", "")) + int(
        message_box.get("width", "")
    )
    assert int(message_box.get("width", "")) >= text_width(str(endpoint["message"])) + 10
    assert message_box.get("fill") == COLORS[str(endpoint["color"])]


def _one(result: MetricResult, name: str) -> dict[str, object]:
    return _endpoint(render_badges(report([result])), name)


@pytest.mark.parametrize(
    ("result", "name", "message", "color"),
    [
        pytest.param(
            ok("dora.deployment_frequency", 4.2, tier="high"),
            "deployment-frequency",
            "4.2/week",
            "green",
            id="frequency-per-week-high-green",
        ),
        pytest.param(
            ok("dora.deployment_frequency", 0.077, tier="low"),
            "deployment-frequency",
            "0.077/week",
            "red",
            id="rare-deploys-never-read-as-zero",
        ),
        pytest.param(
            ok("dora.lead_time", 3.1, people=5, tier="elite"),
            "lead-time",
            "3.1 h",
            "brightgreen",
            id="lead-time-hours-elite-brightgreen",
        ),
        pytest.param(
            ok("dora.lead_time", 48.0, people=5, tier="high"),
            "lead-time",
            "2.0 d",
            "green",
            id="lead-time-days-above-a-day",
        ),
        pytest.param(
            ok("dora.recovery_time", 0.5, tier="elite"),
            "recovery-time",
            "30 min",
            "brightgreen",
            id="recovery-minutes-under-an-hour",
        ),
        pytest.param(
            ok("dora.change_failure_rate", 0.125, tier="medium"),
            "change-failure-rate",
            "12.5%",
            "yellow",
            id="failure-rate-percent-medium-yellow",
        ),
        pytest.param(
            ok("dora.change_failure_rate", 0.2, tier="low"),
            "change-failure-rate",
            "20%",
            "red",
            id="failure-rate-low-red",
        ),
        pytest.param(
            ok("dora.rework_rate", 0.0),
            "rework-rate",
            "0%",
            "blue",
            id="untiered-rework-blue",
        ),
    ],
)
def test_ok_value_is_formatted_for_humans_in_its_tier_colour(
    result: MetricResult, name: str, message: str, color: str
) -> None:
    assert _one(result, name) == {
        "schemaVersion": 1,
        "label": next(spec.label for spec in BADGES if spec.name == name),
        "message": message,
        "color": color,
    }


def _health_report(tier: str, rework: float) -> list[MetricResult]:
    """Three health components: two DORA tiers and rework (score = their mean)."""
    return [
        ok("dora.deployment_frequency", 1.0, tier=tier),
        ok("dora.change_failure_rate", 0.01, tier=tier),
        ok("dora.rework_rate", rework),
    ]


@pytest.mark.parametrize(
    ("tier", "rework", "message", "color"),
    [
        pytest.param("high", 0.1, "80/100", "green", id="eighty-is-green"),
        pytest.param("high", 0.7, "60/100", "yellow", id="sixty-is-yellow"),
        pytest.param("medium", 0.73, "42/100", "red", id="below-sixty-is-red"),
    ],
)
def test_health_badge_colour_follows_score(
    tier: str, rework: float, message: str, color: str
) -> None:
    document = _endpoint(render_badges(report(_health_report(tier, rework))), "health")
    assert (document["message"], document["color"]) == (message, color)


@pytest.mark.parametrize(
    "result",
    [
        pytest.param(suppressed("dora.lead_time"), id="suppressed"),
        pytest.param(not_ok("dora.lead_time", Status.UNAVAILABLE), id="unavailable"),
        pytest.param(not_ok("dora.lead_time", Status.INSUFFICIENT_DATA), id="insufficient"),
    ],
)
def test_not_ok_metric_gets_neutral_na_badge(result: MetricResult) -> None:
    document = _one(result, "lead-time")
    assert (document["message"], document["color"]) == ("n/a", "lightgrey")


def test_missing_metric_and_too_few_health_components_are_na() -> None:
    artifacts = render_badges(report([]))
    for name in NAMES:
        assert _endpoint(artifacts, name)["message"] == "n/a"
        root = _parse_svg(_by_path(artifacts)[f"badges/{name}.svg"])
        assert not re.search(r"\d", root.get("aria-label", "").split(": ", 1)[1])


def test_suppressed_value_never_reaches_a_badge() -> None:
    artifacts = render_badges(report([suppressed("dora.lead_time")]))
    days = SUPPRESSED_VALUE / 24
    forms = {
        f"{SUPPRESSED_VALUE}",
        f"{SUPPRESSED_VALUE:.1f}",
        f"{SUPPRESSED_VALUE:.0f}",
        f"{days:.1f} d",
        f"{days:.2f}",
    }
    for artifact in artifacts:
        text = artifact.content.decode()
        assert not [form for form in forms if form in text], artifact.path


def test_badge_text_is_escaped() -> None:
    hostile = Badge("x", 'a<&>"b', "<script>alert(1)</script>", "blue")
    content = render_svg(hostile)
    root = _parse_svg(content.encode())
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == 'a<&>"b: <script>alert(1)</script>'
    assert root.get("aria-label") == 'a<&>"b: <script>alert(1)</script>'
    assert "<script>" not in content
    assert json.loads(render_endpoint_json(hostile))["label"] == 'a<&>"b'


def test_text_width_uses_verdana_advances() -> None:
    assert text_width("build") == pytest.approx(26.686)
    assert text_width("WWW") > text_width("iii") * 3
    assert text_width("€") == pytest.approx(11.0)  # outside the table: one full em


def test_badge_figures_point_at_rendered_svgs() -> None:
    rendered = {artifact.path for artifact in render_badges(full_report())}
    figures = badge_figures()
    assert set(figures) == {
        "badge:health",
        "badge:dora.deployment_frequency",
        "badge:dora.lead_time",
        "badge:dora.change_failure_rate",
        "badge:dora.recovery_time",
        "badge:dora.rework_rate",
    }
    assert set(figures.values()) <= rendered
