"""Parse pulse-survey and friction-log issue bodies into domain records (SPEC §11).

GitHub renders an issue form as Markdown: one ``### <label>`` heading per field,
followed by the answer (``_No response_`` for an optional field left empty). People
edit issues, so a body may also carry reordered or missing sections, extra text,
CRLF line ends, stray spaces, en/em dashes and unicode. This module turns such a
body into a `SurveyResponse` or a `FrictionReport` with pure functions (no I/O, no
logging), and keeps one response per respondent per window.

Invariants, relied on by the privacy gate and by tests:

- **Never raises** on any body (``None`` included); a bad answer is data, not an
  error, so one edited issue cannot fail a scheduled run.
- **Never invents an answer.** An answer is looked up in a table built from the
  form's own options (plus the bare number or bare label of a numbered option);
  there is no fuzzy matching and no number parsing of user text. A present answer
  that matches nothing is *invalid*: its field is None and its name is listed in
  ``invalid_fields``. A field whose section is absent, empty, ``_No response_`` or
  ``None`` is *missing*: None and not listed.
- **Never keeps free text.** The records have no field for it, and the parser keeps
  nothing of a section it has no question for (``What slowed you down?``,
  ``Description``, unknown headings): it only scans those lines for the next
  heading. An invalid answer is dropped without being echoed into an exception, a
  log line or the record; this module neither logs nor raises.
- **First section wins.** When a heading occurs twice, only its first section is
  read. GitHub renders the dropdowns before the free-text field, so a respondent
  who types ``### Satisfaction`` into the free text cannot override the real answer.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from types import MappingProxyType

from devex_metrics.model import FrictionReport, SurveyResponse

Answer = int | str
"""A parsed answer: the score of a numbered option, or the canonical option text."""


@dataclass(frozen=True, slots=True)
class Question:
    """One dropdown of an issue form, as the parser and the form file must agree on it.

    ``field`` is the attribute of the domain record, ``label`` the rendered ``###``
    heading, ``options`` the dropdown options exactly as the form lists them. A
    ``numeric`` question's answer is the option's leading number; any other answer
    is the option text itself (canonical spelling).
    """

    field: str
    label: str
    options: tuple[str, ...]
    numeric: bool


SATISFACTION = Question(
    field="satisfaction",
    label="Satisfaction",
    options=(
        "1 - Very dissatisfied",
        "2 - Dissatisfied",
        "3 - Neutral",
        "4 - Satisfied",
        "5 - Very satisfied",
    ),
    numeric=True,
)
RECOMMEND = Question(
    field="recommend",
    label="Recommend",
    options=tuple(str(score) for score in range(11)),
    numeric=True,
)
BURNOUT = Question(
    field="burnout",
    label="Burnout frequency",
    options=("Never", "Rarely", "Sometimes", "Often", "Always"),
    numeric=False,
)
FLOW_DAYS = Question(
    field="flow_days",
    label="Flow days last week",
    options=tuple(str(days) for days in range(6)),
    numeric=True,
)
COGNITIVE_LOAD = Question(
    field="cognitive_load",
    label="Cognitive load",
    options=("1 - Very low", "2 - Low", "3 - Moderate", "4 - High", "5 - Very high"),
    numeric=True,
)
CATEGORY = Question(
    field="category",
    label="Category",
    options=(
        "Build & CI",
        "Tests",
        "Code review",
        "Environment setup",
        "Documentation",
        "Tooling",
        "Process",
        "Other",
    ),
    numeric=False,
)
TIME_LOST = Question(
    field="time_lost",
    label="Time lost",
    options=("< 15 min", "15-60 min", "1-4 hours", "> 4 hours"),
    numeric=False,
)

PULSE_QUESTIONS: tuple[Question, ...] = (
    SATISFACTION,
    RECOMMEND,
    BURNOUT,
    FLOW_DAYS,
    COGNITIVE_LOAD,
)
FRICTION_QUESTIONS: tuple[Question, ...] = (CATEGORY, TIME_LOST)
PULSE_FREE_TEXT_LABEL = "What slowed you down?"
FRICTION_FREE_TEXT_LABEL = "Description"

# Every dash a keyboard, a phone or a word processor may put where the form has "-".
_DASHES = str.maketrans(
    dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-")
)
# Spaces around these are noise: "4 – Satisfied", "<15 min", "15 - 60 min".
_TIGHT_PUNCTUATION = re.compile(r" ?([-&<>]) ?")
# Markdown emphasis or code marks around a whole answer ("**4**", "`Often`", "_No response_").
_EMPHASIS = "*_`"
# What GitHub writes for an unanswered optional field; a line of only emphasis marks
# normalises to "" and is invalid, not missing (it is something, just not an option).
_MISSING = frozenset({"no response", "none"})
_NUMBERED_OPTION = " - "


@dataclass(frozen=True, slots=True)
class FormAnswers:
    """The parsed dropdown answers of one body: field → value (None when missing or
    invalid), and the fields whose answer was present but matched no option."""

    values: Mapping[str, Answer | None]
    invalid_fields: tuple[str, ...]


def parse_pulse(
    number: int,
    login: str | None,
    is_bot: bool,
    created_at: datetime,
    body: str | None,
) -> SurveyResponse:
    """Parse a ``devex-pulse`` issue into a `SurveyResponse` (never raises)."""
    answers = parse_answers(body, PULSE_QUESTIONS)
    return SurveyResponse(
        issue_number=number,
        respondent_login=login,
        respondent_is_bot=is_bot,
        created_at=created_at,
        satisfaction=_as_int(answers.values[SATISFACTION.field]),
        recommend=_as_int(answers.values[RECOMMEND.field]),
        burnout=_as_str(answers.values[BURNOUT.field]),
        flow_days=_as_int(answers.values[FLOW_DAYS.field]),
        cognitive_load=_as_int(answers.values[COGNITIVE_LOAD.field]),
        invalid_fields=answers.invalid_fields,
    )


def parse_friction(
    number: int,
    login: str | None,
    is_bot: bool,
    created_at: datetime,
    body: str | None,
) -> FrictionReport:
    """Parse a ``devex-friction`` issue into a `FrictionReport` (never raises)."""
    answers = parse_answers(body, FRICTION_QUESTIONS)
    return FrictionReport(
        issue_number=number,
        reporter_login=login,
        reporter_is_bot=is_bot,
        created_at=created_at,
        category=_as_str(answers.values[CATEGORY.field]),
        time_lost=_as_str(answers.values[TIME_LOST.field]),
        invalid_fields=answers.invalid_fields,
    )


def parse_answers(body: str | None, questions: Iterable[Question]) -> FormAnswers:
    """Read each question's answer from a rendered issue-form body."""
    asked = tuple(questions)
    raw = _first_lines(body or "", {_heading_key(q.label) for q in asked})
    values: dict[str, Answer | None] = {}
    invalid: list[str] = []
    for question in asked:
        value, is_invalid = _read_answer(question, raw.get(_heading_key(question.label)))
        values[question.field] = value
        if is_invalid:
            invalid.append(question.field)
    return FormAnswers(values=MappingProxyType(values), invalid_fields=tuple(invalid))


def _first_lines(body: str, wanted: set[str]) -> dict[str, str | None]:
    """Map each wanted heading key to the first non-empty line of its first section
    (None for an empty section). Lines of other sections are only checked for being
    a heading, so free text is never copied."""
    found: dict[str, str | None] = {}
    current: str | None = None
    for line in re.split(r"\r\n|\r|\n", body):
        heading = _heading_text(line)
        if heading is not None:
            key = _heading_key(heading)
            current = key if key in wanted and key not in found else None
            if current is not None:
                found[current] = None
        elif current is not None and line.strip():
            found[current] = line.strip()
            current = None
    return found


def _heading_text(line: str) -> str | None:
    """The text of an ATX level-3 heading (``### Label ###``), else None.

    Up to three leading spaces are allowed, as in CommonMark (four make a code
    block); unlike CommonMark, ``###Label`` without a space counts too, since people
    editing a body by hand drop it and the intent is plain.
    """
    unindented = line.lstrip(" ")
    if len(line) - len(unindented) > 3 or not unindented.startswith("###"):
        return None
    rest = unindented[3:]
    if rest.startswith("#"):
        return None
    return rest.strip().rstrip("#")


def _heading_key(text: str) -> str:
    return _normalise(text)


def _normalise(text: str) -> str:
    """A comparison key that ignores case, spacing, dash style, HTML entities and
    Markdown emphasis around the whole text."""
    key = html.unescape(text).translate(_DASHES).casefold()
    key = " ".join(key.split()).strip(_EMPHASIS + " ")
    return _TIGHT_PUNCTUATION.sub(r"\1", key)


def _read_answer(question: Question, line: str | None) -> tuple[Answer | None, bool]:
    """(value, invalid) for the answer line of a question; missing is (None, False)."""
    if line is None:
        return None, False
    key = _normalise(line)
    if key in _MISSING:
        return None, False
    value = _answer_table(question).get(key)
    return value, value is None


@cache
def _answer_table(question: Question) -> Mapping[str, Answer]:
    """Every accepted spelling of every option, normalised, mapped to its value.

    A numbered option ``"4 - Satisfied"`` is also accepted as ``"4"`` and as
    ``"Satisfied"``; nothing else is accepted, which is what keeps the parser from
    inventing answers.
    """
    table: dict[str, Answer] = {}
    for option in question.options:
        number, _, label = option.partition(_NUMBERED_OPTION)
        value: Answer = int(number) if question.numeric else option
        for spelling in (option, number, label) if label else (option,):
            table[_normalise(spelling)] = value
    return MappingProxyType(table)


def _as_int(value: Answer | None) -> int | None:
    return value if isinstance(value, int) else None


def _as_str(value: Answer | None) -> str | None:
    return value if isinstance(value, str) else None
