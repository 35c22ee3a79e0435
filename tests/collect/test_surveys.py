"""Issue-form parsing (SPEC §11): real-shaped bodies, fuzzing, dedupe, and the forms.

Bodies are written the way GitHub renders an issue form (``### <label>`` then the
answer, ``_No response_`` for an empty optional field), then edited the way people
edit issues. The form files are checked against the parser's option lists so the
two cannot drift apart.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devex_metrics.collect.surveys import (
    FRICTION_FREE_TEXT_LABEL,
    FRICTION_QUESTIONS,
    PULSE_FREE_TEXT_LABEL,
    PULSE_QUESTIONS,
    Question,
    parse_answers,
    parse_friction,
    parse_pulse,
)

FORMS = Path(__file__).resolve().parents[2] / "templates" / "issue_forms"
T0 = datetime(2024, 3, 1, 12, tzinfo=UTC)
SECRET = "SECRET-free-text-7f3a9c"

# The valid parsed values, written out independently of the parser's tables.
VALID_VALUES: dict[str, set[Any]] = {
    "satisfaction": {1, 2, 3, 4, 5},
    "recommend": set(range(11)),
    "burnout": {"Never", "Rarely", "Sometimes", "Often", "Always"},
    "flow_days": set(range(6)),
    "cognitive_load": {1, 2, 3, 4, 5},
    "category": {
        "Build & CI",
        "Tests",
        "Code review",
        "Environment setup",
        "Documentation",
        "Tooling",
        "Process",
        "Other",
    },
    "time_lost": {"< 15 min", "15-60 min", "1-4 hours", "> 4 hours"},
}
PULSE_FIELDS = ("satisfaction", "recommend", "burnout", "flow_days", "cognitive_load")
FRICTION_FIELDS = ("category", "time_lost")


def section(label: str, value: str) -> str:
    """One field as GitHub renders it into an issue body."""
    return f"### {label}\n\n{value}\n\n"


def pulse_body(
    satisfaction: str = "4 - Satisfied",
    recommend: str = "9",
    burnout: str = "Sometimes",
    flow: str = "3",
    load: str = "3 - Moderate",
    slowed: str = "_No response_",
) -> str:
    return (
        section("Satisfaction", satisfaction)
        + section("Recommend", recommend)
        + section("Burnout frequency", burnout)
        + section("Flow days last week", flow)
        + section("Cognitive load", load)
        + section("What slowed you down?", slowed)
    )


def pulse(body: str | None) -> dict[str, Any]:
    record = parse_pulse(7, "octocat", False, T0, body)
    return {f: getattr(record, f) for f in PULSE_FIELDS} | {"invalid": record.invalid_fields}


def expect(
    satisfaction: int | None = 4,
    recommend: int | None = 9,
    burnout: str | None = "Sometimes",
    flow_days: int | None = 3,
    cognitive_load: int | None = 3,
    invalid: tuple[str, ...] = (),
) -> dict[str, Any]:
    return {
        "satisfaction": satisfaction,
        "recommend": recommend,
        "burnout": burnout,
        "flow_days": flow_days,
        "cognitive_load": cognitive_load,
        "invalid": invalid,
    }


NOTHING = expect(None, None, None, None, None)

PULSE_CASES = [
    pytest.param(pulse_body(), expect(), id="form-as-rendered"),
    pytest.param(pulse_body(slowed="Flaky CI\nand slow reviews"), expect(), id="with-free-text"),
    pytest.param(
        pulse_body(*["_No response_"] * 6), NOTHING, id="all-no-response-is-missing-not-invalid"
    ),
    pytest.param(pulse_body(burnout="None"), expect(burnout=None), id="none-is-missing"),
    pytest.param(
        "### Satisfaction\n\n### Recommend\n\n9\n",
        expect(None, 9, None, None, None),
        id="empty-section-is-missing",
    ),
    pytest.param(
        section("Satisfaction", "5 - Very satisfied") + section("Recommend", "10"),
        expect(5, 10, None, None, None),
        id="missing-sections",
    ),
    pytest.param(
        section("Cognitive load", "5 - Very high")
        + section("What slowed you down?", "meetings")
        + section("Recommend", "0")
        + section("Satisfaction", "1 - Very dissatisfied")
        + section("Flow days last week", "0")
        + section("Burnout frequency", "Always"),
        expect(1, 0, "Always", 0, 5),
        id="reordered-sections",
    ),
    pytest.param(pulse_body().replace("\n", "\r\n"), expect(), id="crlf-line-ends"),
    pytest.param(pulse_body().replace("\n", "\r"), expect(), id="old-mac-cr-line-ends"),
    pytest.param(pulse_body().replace("\n", "  \t\n"), expect(), id="trailing-spaces-and-tabs"),
    pytest.param(
        pulse_body().replace("### Satisfaction", "  ###   sATISFACTION  ###"),
        expect(),
        id="heading-case-indent-and-closing-hashes",
    ),
    pytest.param(
        "Hi team, here is my pulse!\n\n- [ ] a list\n\n" + pulse_body(),
        expect(),
        id="text-before-first-heading",
    ),
    pytest.param(
        pulse_body().replace("9\n\n", "9\n\n(edited: was 7)\n\n> quote\n\n"),
        expect(),
        id="text-between-sections-after-answer",
    ),
    pytest.param(
        pulse_body(satisfaction="4", load="2"), expect(cognitive_load=2), id="bare-number"
    ),
    pytest.param(
        pulse_body(satisfaction="satisfied", load="VERY   high", burnout="often"),
        expect(burnout="Often", cognitive_load=5),
        id="label-alone-any-case",
    ),
    pytest.param(
        pulse_body(satisfaction="4 \u2013 Satisfied", load="2\u2014Low"),
        expect(cognitive_load=2),
        id="en-dash-and-em-dash",
    ),
    pytest.param(
        pulse_body(satisfaction="  4   -    Satisfied  ", load="1 -Very low"),
        expect(cognitive_load=1),
        id="extra-spaces",
    ),
    pytest.param(
        pulse_body(satisfaction="4\u00a0-\u00a0Satisfied", burnout="**Rarely**", flow="`5`"),
        expect(burnout="Rarely", flow_days=5),
        id="nbsp-and-markdown-emphasis",
    ),
    pytest.param(
        pulse_body(satisfaction="\n\n   \n2 - Dissatisfied\nactually a 3"),
        expect(satisfaction=2),
        id="first-non-empty-line-is-the-answer",
    ),
    pytest.param(
        pulse_body(satisfaction="6 - Ecstatic", recommend="11", flow="7", burnout="Daily"),
        expect(None, None, None, None, 3, ("satisfaction", "recommend", "burnout", "flow_days")),
        id="out-of-range-is-invalid",
    ),
    pytest.param(
        pulse_body(satisfaction="4 - Dissatisfied", recommend="9.5", load="-3"),
        expect(None, None, "Sometimes", 3, None, ("satisfaction", "recommend", "cognitive_load")),
        id="contradicting-or-malformed-is-invalid",
    ),
    pytest.param(
        pulse_body(satisfaction="see below\n4 - Satisfied", recommend="**"),
        expect(satisfaction=None, recommend=None, invalid=("satisfaction", "recommend")),
        id="first-line-decides-and-emphasis-only-is-invalid",
    ),
    pytest.param(
        pulse_body(slowed="### Satisfaction\n\n1 - Very dissatisfied\n\n### Recommend\n\n0"),
        expect(),
        id="free-text-fake-heading-cannot-override",
    ),
    pytest.param(
        section("Recommend", "8") + section("What slowed you down?", "4 - Satisfied\nOften\n3"),
        expect(None, 8, None, None, None),
        id="free-text-that-looks-like-options",
    ),
    pytest.param(
        section("Satisfaction", "_No response_") + section("Satisfaction", "5"),
        expect(None, None, None, None, None),
        id="duplicate-heading-first-wins",
    ),
    pytest.param(
        "#### Satisfaction\n\n4\n\n    ### Recommend\n\n9\n\n##Burnout frequency\n\nOften\n",
        NOTHING,
        id="not-a-level-3-heading",
    ),
    pytest.param(
        "###Satisfaction\n\n4\n\n### Flow days last week ##\n\n2\n",
        expect(4, None, None, 2, None),
        id="heading-without-space-or-with-closing-hashes",
    ),
    pytest.param(
        pulse_body(slowed="Die Pipeline war langsam \U0001f422 \u2014 \u00fcn\u00efc\u00f6d\u00e9")
        + section("Zus\u00e4tzliches \u2603", "\u6587\u5b57"),
        expect(),
        id="unicode-free-text-and-unknown-heading",
    ),
    pytest.param(
        pulse_body(satisfaction="\uff14", recommend="\u0669"),
        expect(None, None, invalid=("satisfaction", "recommend")),
        id="non-ascii-digits-are-not-numbers",
    ),
    pytest.param("", NOTHING, id="empty-body"),
    pytest.param(None, NOTHING, id="no-body"),
    pytest.param("just some text\nwithout headings", NOTHING, id="not-a-form"),
]


@pytest.mark.parametrize(("body", "expected"), PULSE_CASES)
def test_parse_pulse(body: str | None, expected: dict[str, Any]) -> None:
    assert pulse(body) == expected


def friction_body(category: str, time_lost: str, description: str = "Flaky runner") -> str:
    return (
        section("Category", category)
        + section("Time lost", time_lost)
        + section("Description", description)
    )


FRICTION_CASES = [
    pytest.param(friction_body("Build & CI", "1-4 hours"), ("Build & CI", "1-4 hours"), id="form"),
    pytest.param(
        friction_body("build  &  ci", "15 \u2013 60 min"), ("Build & CI", "15-60 min"), id="sloppy"
    ),
    pytest.param(
        friction_body("Build &amp; CI", "&gt; 4 hours"), ("Build & CI", "> 4 hours"), id="html"
    ),
    pytest.param(
        friction_body("environment SETUP", "<15 min"),
        ("Environment setup", "< 15 min"),
        id="case-and-spacing",
    ),
    pytest.param(friction_body("Meetings", "a day"), (None, None), id="invalid"),
    pytest.param(friction_body("_No response_", "None"), (None, None), id="no-response"),
    pytest.param(
        friction_body("Tests", "> 4 hours", "### Category\n\nOther\n### Time lost\n< 15 min"),
        ("Tests", "> 4 hours"),
        id="description-fake-heading-cannot-override",
    ),
    pytest.param(
        section("Description", "Tooling\n1-4 hours") + section("Time lost", "1-4 hours"),
        (None, "1-4 hours"),
        id="description-first-missing-category",
    ),
    pytest.param(
        friction_body("Code review", "1-4 hours").replace("\n", "\r\n"),
        ("Code review", "1-4 hours"),
        id="crlf",
    ),
    pytest.param(None, (None, None), id="no-body"),
]


@pytest.mark.parametrize(("body", "expected"), FRICTION_CASES)
def test_parse_friction(body: str | None, expected: tuple[str | None, str | None]) -> None:
    report = parse_friction(3, "octocat", False, T0, body)
    assert (report.category, report.time_lost) == expected
    assert (report.issue_number, report.reporter_login, report.created_at) == (3, "octocat", T0)


def test_invalid_friction_answers_are_counted_by_parse_answers() -> None:
    answers = parse_answers(friction_body("Meetings", "_No response_"), FRICTION_QUESTIONS)
    assert answers.invalid_fields == ("category",)
    assert dict(answers.values) == {"category": None, "time_lost": None}


def test_record_keeps_issue_metadata() -> None:
    record = parse_pulse(42, "Octo-Cat", True, T0, pulse_body())
    assert (record.issue_number, record.respondent_login, record.respondent_is_bot) == (
        42,
        "Octo-Cat",
        True,
    )
    assert record.created_at == T0


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(pulse_body(slowed=SECRET), id="pulse-free-text"),
        pytest.param(pulse_body(satisfaction=SECRET, burnout=SECRET), id="invalid-answer-text"),
        pytest.param(friction_body("Tests", "1-4 hours", SECRET), id="friction-description"),
        pytest.param(friction_body(SECRET, SECRET), id="invalid-friction-answer"),
    ],
)
def test_free_text_does_not_survive(body: str) -> None:
    for record in (
        parse_pulse(1, "octocat", False, T0, body),
        parse_friction(1, "octocat", False, T0, body),
    ):
        assert SECRET not in repr(record)
        assert SECRET.casefold() not in repr(record).casefold()
    assert SECRET not in repr(parse_answers(body, PULSE_QUESTIONS + FRICTION_QUESTIONS))


# --- fuzzing ---------------------------------------------------------------------

ALL_LABELS = [q.label for q in PULSE_QUESTIONS + FRICTION_QUESTIONS]
ALL_OPTIONS = [o for q in PULSE_QUESTIONS + FRICTION_QUESTIONS for o in q.options]
KEYWORDS = {  # a word of each heading: a body without it cannot contain that heading
    "satisfaction": "satisfaction",
    "recommend": "recommend",
    "burnout": "burnout",
    "flow_days": "flow",
    "cognitive_load": "cognitive",
    "category": "category",
    "time_lost": "lost",
}

line = st.one_of(
    st.text(max_size=40),
    st.sampled_from(ALL_LABELS).map(lambda label: f"### {label}"),
    st.sampled_from(ALL_LABELS).map(lambda label: f" ###  {label.upper()} #"),
    st.sampled_from([*ALL_OPTIONS, "_No response_", "None", "", "11", "4 - Dissatisfied"]),
)
markdownish = st.lists(line, max_size=30).flatmap(
    lambda lines: st.sampled_from(["\n", "\r\n", "\r", "\n\n"]).map(lambda eol: eol.join(lines))
)


def assert_sound(body: str) -> None:
    """The parser's promises for any body: no exception, only valid values, invalid
    fields carry no value, and no answer for a heading the body does not contain."""
    records = (
        parse_pulse(1, "octocat", False, T0, body),
        parse_friction(1, "octocat", False, T0, body),
    )
    folded = {body.casefold(), html.unescape(body).casefold()}
    invalid = set(records[0].invalid_fields)
    assert invalid <= set(PULSE_FIELDS)
    for record, fields in zip(records, (PULSE_FIELDS, FRICTION_FIELDS), strict=True):
        for field in fields:
            value = getattr(record, field)
            assert value is None or value in VALID_VALUES[field]
            assert not (field in invalid and value is not None)
            if all(KEYWORDS[field] not in text for text in folded):
                assert value is None
                assert field not in invalid


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), markdownish))
def test_fuzz_any_text_is_parsed_soundly(body: str) -> None:
    assert_sound(body)


def junk() -> st.SearchStrategy[str]:
    """Text that is not a heading (no '#'), as people paste between sections."""
    return st.text(max_size=60).map(lambda text: text.replace("#", ""))


def option_value(question: Question, option: str) -> Any:
    return int(option.split(" - ")[0]) if question.numeric else option


@st.composite
def valid_body_with_junk(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    questions = draw(st.permutations(PULSE_QUESTIONS + FRICTION_QUESTIONS))
    body = draw(junk()) + "\n"
    expected: dict[str, Any] = {}
    for question in questions:
        option = draw(st.one_of(st.none(), st.sampled_from(question.options)))
        if option is None:  # section left out entirely
            expected[question.field] = None
            continue
        expected[question.field] = option_value(question, option)
        body += section(question.label, option) + draw(junk()) + "\n"
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    return body.replace("\n", eol), expected


@settings(max_examples=300, deadline=None)
@given(valid_body_with_junk())
def test_fuzz_valid_body_with_junk_between_sections(case: tuple[str, dict[str, Any]]) -> None:
    body, expected = case
    assert_sound(body)
    answers = parse_answers(body, PULSE_QUESTIONS + FRICTION_QUESTIONS)
    assert dict(answers.values) == expected
    assert answers.invalid_fields == ()


# --- the issue forms -------------------------------------------------------------

FORM_CASES = [
    pytest.param(
        "devex-pulse.yml", "devex-pulse", PULSE_QUESTIONS, PULSE_FREE_TEXT_LABEL, id="pulse"
    ),
    pytest.param(
        "devex-friction.yml",
        "devex-friction",
        FRICTION_QUESTIONS,
        FRICTION_FREE_TEXT_LABEL,
        id="friction",
    ),
]
PULSE_QUESTION_TEXT = {
    "Satisfaction": "How satisfied are you with your developer experience over the last two weeks?",
    "Recommend": "How likely are you to recommend working in this codebase to a fellow engineer? "
    "(0 = not at all, 10 = extremely)",
    "Burnout frequency": "In the last two weeks, how often did you feel burned out by work?",
    "Flow days last week": "Last week, on how many days did you get at least two hours of "
    "uninterrupted focus time?",
    "Cognitive load": "How much mental effort does it take to get a typical change into "
    "production?",
}


def load_form(name: str) -> dict[str, Any]:
    form: dict[str, Any] = yaml.safe_load((FORMS / name).read_text(encoding="utf-8"))
    return form


def fields(form: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [item for item in form["body"] if item["type"] == kind]


def test_forms_validate_against_issue_forms_schema() -> None:
    """check-jsonschema ships the schema, so this needs no network."""
    exe = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("check-jsonschema is not installed next to this Python")
    result = subprocess.run(
        [exe, "--builtin-schema", "vendor.github-issue-forms", *sorted(FORMS.glob("*.yml"))],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("name", "label", "questions", "free_text"), FORM_CASES)
def test_form_matches_parser(
    name: str, label: str, questions: tuple[Question, ...], free_text: str
) -> None:
    form = load_form(name)
    assert form["labels"] == [label]
    dropdowns = fields(form, "dropdown")
    assert [(d["attributes"]["label"], d["attributes"]["options"]) for d in dropdowns] == [
        (q.label, list(q.options)) for q in questions
    ]
    assert all(d["validations"]["required"] is True for d in dropdowns)
    assert [t["attributes"]["label"] for t in fields(form, "textarea")] == [free_text]
    ids = [item["id"] for item in form["body"] if item["type"] != "markdown"]
    assert len(ids) == len(set(ids)) == len(form["body"]) - 1
    assert all(item["attributes"]["description"].strip() for item in form["body"][1:])
    assert all("None" not in d["attributes"]["options"] for d in dropdowns)  # reserved by GitHub


@pytest.mark.parametrize(("name", "label", "questions", "free_text"), FORM_CASES)
def test_form_intro_states_what_is_published(
    name: str, label: str, questions: tuple[Question, ...], free_text: str
) -> None:
    intro = fields(load_form(name), "markdown")[0]["attributes"]["value"]
    assert "at least 5 people by default" in intro
    assert "never published" in intro
    assert "private survey repository" in intro


def test_pulse_descriptions_carry_the_full_questions() -> None:
    dropdowns = fields(load_form("devex-pulse.yml"), "dropdown")
    assert {d["attributes"]["label"]: d["attributes"]["description"] for d in dropdowns} == (
        PULSE_QUESTION_TEXT
    )
    slowed = fields(load_form("devex-pulse.yml"), "textarea")[0]
    assert slowed["validations"]["required"] is False


def render(form: dict[str, Any], chosen: dict[str, str], free_text: str) -> str:
    """A body the way GitHub renders a submitted form: every field, in form order."""
    parts = []
    for item in form["body"]:
        if item["type"] == "dropdown":
            parts.append(section(item["attributes"]["label"], chosen[item["attributes"]["label"]]))
        elif item["type"] == "textarea":
            parts.append(section(item["attributes"]["label"], free_text))
    return "".join(parts)


@pytest.mark.parametrize(("name", "label", "questions", "free_text"), FORM_CASES)
def test_every_form_option_parses_back(
    name: str, label: str, questions: tuple[Question, ...], free_text: str
) -> None:
    form = load_form(name)
    dropdowns = {
        d["attributes"]["label"]: d["attributes"]["options"] for d in fields(form, "dropdown")
    }
    for question in questions:
        for option in dropdowns[question.label]:
            chosen = {lbl: options[0] for lbl, options in dropdowns.items()} | {
                question.label: option
            }
            body = render(form, chosen, free_text="### Recommend\n\nnot an answer")
            answers = parse_answers(body, questions)
            expected = {q.field: option_value(q, chosen[q.label]) for q in questions}
            assert dict(answers.values) == expected
            assert answers.invalid_fields == ()
