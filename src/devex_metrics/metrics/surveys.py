"""Survey metrics (SPEC §6, §11): satisfaction, NPS, burnout, flow state, cognitive
load, and friction reports.

One response per respondent per window: the latest created wins *as a whole*
(ties go to the higher issue number). Bots and opted-out people are dropped.
Each metric's people are the respondents with a valid answer to its question.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from fractions import Fraction

from devex_metrics.derive.people import Person
from devex_metrics.metrics.aggregate import Aggregate, count_parts, mean_parts, ratio_parts
from devex_metrics.metrics.catalogue import spec
from devex_metrics.metrics.result import Cell, MetricResult, Status
from devex_metrics.metrics.stats import mean
from devex_metrics.model import FrictionReport, SurveyResponse, Window

PersonOfLogin = Callable[[str | None, bool], Person]
BURNED_OUT = frozenset({"Often", "Always"})


def latest_responses(
    responses: Sequence[SurveyResponse], window: Window, person_of: PersonOfLogin
) -> list[tuple[Person, SurveyResponse]]:
    latest: dict[str, tuple[Person, SurveyResponse]] = {}
    for response in responses:
        if response.respondent_login is None or not window.contains(response.created_at):
            continue
        person = person_of(response.respondent_login, response.respondent_is_bot)
        if not person.counted:
            continue
        kept = latest.get(person.key)
        recency = (response.created_at, response.issue_number)
        if kept is None or recency > (kept[1].created_at, kept[1].issue_number):
            latest[person.key] = (person, response)
    return list(latest.values())


def _answers(
    latest: Sequence[tuple[Person, SurveyResponse]], pick: Callable[[SurveyResponse], object]
) -> tuple[list[object], frozenset[str]]:
    values: list[object] = []
    people: set[str] = set()
    for person, response in latest:
        value = pick(response)
        if value is not None:
            values.append(value)
            people.add(person.key)
    return values, frozenset(people)


def _metric(metric_id: str, values: list[object], people: frozenset[str],
            compute: Callable[[list[object]], float]) -> MetricResult:  # fmt: skip
    if not values:
        return MetricResult(spec(metric_id), Status.INSUFFICIENT_DATA, 0, people=people,
                            note="no valid answer in the window")  # fmt: skip
    return MetricResult(spec(metric_id), Status.OK, len(values), value=compute(values),
                        people=people)  # fmt: skip


def _mean(values: list[object]) -> float:
    return mean([float(v) for v in values if isinstance(v, int)])


def _nps(values: list[object]) -> float:
    scores = [v for v in values if isinstance(v, int)]
    promoters = sum(1 for v in scores if v >= 9)
    detractors = sum(1 for v in scores if v <= 6)
    return float(Fraction(100 * (promoters - detractors), len(scores)))


def _burnout(values: list[object]) -> float:
    return sum(1 for v in values if v in BURNED_OUT) / len(values)


def _mean_aggregate(values: list[object], invalid: int) -> Aggregate:
    return mean_parts([float(v) for v in values if isinstance(v, int)], invalid_answers=invalid)


def _nps_aggregate(values: list[object], invalid: int) -> Aggregate:
    scores = [v for v in values if isinstance(v, int)]
    return count_parts(denominator=len(scores), promoters=sum(1 for v in scores if v >= 9),
                  detractors=sum(1 for v in scores if v <= 6), invalid_answers=invalid)  # fmt: skip


def _burnout_aggregate(values: list[object], invalid: int) -> Aggregate:
    burned = sum(1 for v in values if v in BURNED_OUT)
    return ratio_parts(burned, len(values), invalid_answers=invalid)


Compute = Callable[[list[object]], float]
Parts = Callable[[list[object], int], Aggregate]
_SURVEY_TABLE: tuple[tuple[str, str, Compute, Parts], ...] = (
    ("space.satisfaction.rating", "satisfaction", _mean, _mean_aggregate),
    ("space.satisfaction.nps", "recommend", _nps, _nps_aggregate),
    ("space.satisfaction.burnout", "burnout", _burnout, _burnout_aggregate),
    ("space.efficiency.flow_state_days", "flow_days", _mean, _mean_aggregate),
    ("space.efficiency.cognitive_load", "cognitive_load", _mean, _mean_aggregate),
)


def survey_metrics(
    responses: Sequence[SurveyResponse], window: Window, person_of: PersonOfLogin
) -> Mapping[str, MetricResult]:
    """Each survey metric over the latest response per respondent; answers that were
    present but unparsable are dropped and counted in `details.invalid_answers`."""
    latest = latest_responses(responses, window, person_of)
    results = {}
    for metric_id, field, compute, parts in _SURVEY_TABLE:
        values, people = _answers(latest, lambda r, f=field: getattr(r, f))  # type: ignore[misc]
        invalid = sum(1 for _, r in latest if field in r.invalid_fields)
        result = _metric(metric_id, values, people, compute)
        results[metric_id] = replace(result, details={"invalid_answers": invalid},
                                     aggregate=parts(values, invalid))  # fmt: skip
    return results


NO_ANSWER = "(no answer)"


def _cells(reports: Sequence[tuple[Person, FrictionReport]], dimension: str) -> dict[str, Cell]:
    """Reports per answer of one question; unanswered ones get a cell of their own, so
    the cells always add up to the total (complementary suppression relies on it)."""
    groups: dict[str, list[Person]] = {}
    for person, report in reports:
        groups.setdefault(getattr(report, dimension) or NO_ANSWER, []).append(person)
    return {
        name: Cell(float(len(people)), frozenset(p.key for p in people))
        for name, people in groups.items()
    }


def friction_metrics(
    reports: Sequence[FrictionReport], window: Window, person_of: PersonOfLogin
) -> Mapping[str, MetricResult]:
    """Friction reports created in the window, with breakdowns by category and by
    time lost (each cell gated, with complementary suppression, by the privacy gate)."""
    counted: list[tuple[Person, FrictionReport]] = []
    for report in reports:
        if window.contains(report.created_at):
            person = person_of(report.reporter_login, report.reporter_is_bot)
            if person.counted:
                counted.append((person, report))
    metric = spec("space.efficiency.friction_reports")
    reporters = frozenset(p.key for p, _ in counted)
    aggregate = count_parts(count=len(counted))
    if not counted:
        result = MetricResult(metric, Status.INSUFFICIENT_DATA, 0, people=reporters,
                              note="no friction report in the window",
                              aggregate=aggregate)  # fmt: skip
    else:
        breakdowns = {"category": _cells(counted, "category"),
                      "time_lost": _cells(counted, "time_lost")}  # fmt: skip
        result = MetricResult(metric, Status.OK, len(counted), value=float(len(counted)),
                              people=reporters, breakdowns=breakdowns,
                              aggregate=aggregate)  # fmt: skip
    return {result.id: result}
