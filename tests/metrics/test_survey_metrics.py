"""Survey metrics (SPEC §6, §11): hand-computed rating, NPS, burnout, flow and load;
one response per respondent per window (latest wins as a whole); bots and
opted-out people dropped; the gate at k−1 and k respondents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from devex_metrics.derive.people import OptOut, People, Person
from devex_metrics.metrics.result import Status
from devex_metrics.metrics.surveys import friction_metrics, latest_responses, survey_metrics
from devex_metrics.model import FrictionReport, SurveyResponse, Window

T0 = datetime(2026, 3, 1, tzinfo=UTC)
WINDOW = Window(T0, T0 + timedelta(days=14))
PEOPLE = People(opt_out=OptOut(["opted-out"]))


def person_of(login: str | None, is_bot: bool) -> Person:
    return PEOPLE.from_login(login, is_bot=is_bot)


def answer(number: int, login: str | None, at: datetime = T0, *, bot: bool = False,
           satisfaction: int | None = 3, recommend: int | None = None,
           burnout: str | None = None, flow: int | None = None, load: int | None = None,
           invalid: tuple[str, ...] = ()) -> SurveyResponse:  # fmt: skip
    return SurveyResponse(number, login, bot, at, satisfaction, recommend, burnout, flow, load,
                          invalid)  # fmt: skip


def kept(responses: list[SurveyResponse]) -> list[int]:
    return sorted(r.issue_number for _, r in latest_responses(responses, WINDOW, person_of))


def test_latest_response_wins_as_a_whole() -> None:
    earlier = answer(1, "ada", T0 + timedelta(days=1), satisfaction=5)
    later = answer(2, "ada", T0 + timedelta(days=2), satisfaction=None)
    metrics = survey_metrics([later, earlier], WINDOW, person_of)
    assert metrics["space.satisfaction.rating"].status is Status.INSUFFICIENT_DATA


@pytest.mark.parametrize(
    ("responses", "expected"),
    [
        pytest.param([answer(1, "Ada", T0), answer(2, "ada", T0 + timedelta(hours=1))], [2],
                     id="logins-case-insensitive"),
        pytest.param([answer(9, "ada"), answer(5, "ada")], [9], id="tie-higher-issue-wins"),
        pytest.param([answer(1, "ada", T0 - timedelta(seconds=1))], [], id="before-start"),
        pytest.param([answer(1, "ada", WINDOW.end)], [], id="at-end-is-outside"),
        pytest.param([answer(1, "ada", WINDOW.end - timedelta(seconds=1))], [1], id="before-end"),
        pytest.param([answer(1, "ada", T0 + timedelta(days=3)),
                      answer(2, "ada", WINDOW.end + timedelta(days=1))], [1],
                     id="later-outside-does-not-hide-inside"),
        pytest.param([answer(1, "ada"), answer(2, "ci", bot=True), answer(3, "renovate[bot]"),
                      answer(4, None), answer(5, "opted-out")], [1],
                     id="bots-ghosts-opted-out-dropped"),
    ],
)  # fmt: skip
def test_one_response_per_respondent(responses: list[SurveyResponse], expected: list[int]) -> None:
    assert kept(responses) == expected


def _five(**answers: list[object]) -> list[SurveyResponse]:
    count = len(next(iter(answers.values())))
    return [
        answer(i, f"dev{i}", T0 + timedelta(hours=i),
               **{key: values[i] for key, values in answers.items()})  # type: ignore[arg-type]
        for i in range(count)
    ]  # fmt: skip


def test_hand_computed_values() -> None:
    responses = _five(
        satisfaction=[5, 4, 4, 2, None],
        recommend=[10, 9, 7, 6, 0],
        burnout=["Never", "Often", "Always", "Sometimes", None],
        flow=[5, 3, 2, 0, 1],
        load=[1, 2, 3, 4, 5],
    )
    m = survey_metrics(responses, WINDOW, person_of)
    assert m["space.satisfaction.rating"].value == pytest.approx(15 / 4)
    assert m["space.satisfaction.rating"].samples == 4
    assert m["space.satisfaction.nps"].value == pytest.approx(100 * (2 - 2) / 5)
    assert m["space.satisfaction.burnout"].value == pytest.approx(2 / 4)
    assert m["space.efficiency.flow_state_days"].value == pytest.approx(11 / 5)
    assert m["space.efficiency.cognitive_load"].value == pytest.approx(3.0)
    assert len(m["space.satisfaction.rating"].people or ()) == 4


def test_nps_extremes_and_invalid_answers_counted() -> None:
    responses = [answer(i, f"d{i}", recommend=10) for i in range(3)]
    responses.append(answer(7, "x", recommend=None, invalid=("recommend",)))
    m = survey_metrics(responses, WINDOW, person_of)
    assert m["space.satisfaction.nps"].value == 100.0
    assert m["space.satisfaction.nps"].samples == 3
    assert m["space.satisfaction.nps"].details["invalid_answers"] == 1


def test_friction_reports_count_people() -> None:
    reports = [FrictionReport(i, f"r{i % 3}", False, T0 + timedelta(hours=i), "Tests", "< 15 min")
               for i in range(6)]  # fmt: skip
    reports.append(FrictionReport(99, "dependabot[bot]", True, T0, "Tests", None))
    m = friction_metrics(reports, WINDOW, person_of)
    result = m["space.efficiency.friction_reports"]
    assert result.value == 6 and len(result.people or ()) == 3
