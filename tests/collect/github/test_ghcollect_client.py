"""The client's retry, rate-limit and accounting rules, against `responses` (no server)."""

from __future__ import annotations

import urllib.parse

import pytest
import requests
import responses
from fakegithub.fixtures import FakeClock
from fakegithub.unit import TOKEN, WIRE, limits, make_client

from devex_metrics.collect.github.client import pacing, parse_link_header
from devex_metrics.collect.github.ratelimit import BudgetExhaustedError, GitHubStatusError
from devex_metrics.collect.github.settings import GitHubSettings
from devex_metrics.collect.github.token import Secret
from devex_metrics.errors import RunError

RUNS = f"{WIRE}/repos/octo/app/actions/runs"
OK = {"total_count": 0, "workflow_runs": []}


def test_get_sends_token_agent_and_page_size(api: responses.RequestsMock, clock: FakeClock) -> None:
    api.get(RUNS, json=OK)
    client = make_client(clock)
    response = client.get("/repos/octo/app/actions/runs", {"created": "x"})
    sent = api.calls[0].request
    assert sent.headers["Authorization"] == f"token {TOKEN}"
    assert sent.headers["User-Agent"].startswith("devex-metrics/")
    assert "per_page=100" in str(sent.url) and "created=x" in str(sent.url)
    assert (response.status, response.data, client.requests) == (200, OK, 1)


def test_secondary_limit_honours_retry_after(api: responses.RequestsMock, clock: FakeClock) -> None:
    api.get(RUNS, status=429, json={"message": "secondary"}, headers={"retry-after": "7"})
    api.get(RUNS, json=OK)
    client = make_client(clock)
    assert client.get("/repos/octo/app/actions/runs").data == OK
    assert clock.sleeps == [7.0]
    assert client.requests == 2


def test_secondary_limit_without_retry_after_backs_off_exponentially(
    api: responses.RequestsMock, clock: FakeClock
) -> None:
    message = (
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
    )
    body = {"message": message}
    api.get(RUNS, status=403, json=body)
    api.get(RUNS, status=403, json=body)
    api.get(RUNS, json=OK)
    make_client(clock).get("/repos/octo/app/actions/runs")
    assert clock.sleeps == [60.0, 120.0]


def test_primary_exhaustion_waits_for_the_reset(
    api: responses.RequestsMock, clock: FakeClock
) -> None:
    body = {"message": "API rate limit exceeded for installation ID 1."}
    api.get(RUNS, status=403, json=body, headers=limits(0, clock.now + 120))
    api.get(RUNS, json=OK)
    make_client(clock).get("/repos/octo/app/actions/runs")
    assert clock.sleeps == [121.0]


@pytest.mark.parametrize("status", [403, 429])
def test_primary_exhaustion_beyond_the_budget_stops(
    api: responses.RequestsMock, clock: FakeClock, status: int
) -> None:
    api.get(
        RUNS,
        status=status,
        json={"message": "API rate limit exceeded"},
        headers=limits(0, clock.now + 3600),
    )
    client = make_client(clock, max_wait_seconds=600.0)
    with pytest.raises(BudgetExhaustedError):
        client.get("/repos/octo/app/actions/runs")
    assert clock.sleeps == []


def test_last_request_of_the_quota_makes_the_next_one_wait(
    api: responses.RequestsMock, clock: FakeClock
) -> None:
    api.get(RUNS, json=OK, headers=limits(0, clock.now + 50))
    api.get(RUNS, json=OK, headers=limits(4999, clock.now + 3600))
    client = make_client(clock)
    client.get("/repos/octo/app/actions/runs")
    client.get("/repos/octo/app/actions/runs")
    assert clock.sleeps == [51.0]
    assert client.requests == 2  # the wait replaced a doomed 403


def test_server_errors_back_off_then_succeed(api: responses.RequestsMock, clock: FakeClock) -> None:
    for _ in range(3):
        api.get(RUNS, status=502, body="<html>Bad Gateway</html>")
    api.get(RUNS, json=OK)
    client = make_client(clock)
    assert client.get("/repos/octo/app/actions/runs").data == OK
    assert clock.sleeps == [1.0, 2.0, 4.0]
    assert client.requests == 4


def test_server_errors_give_up_after_five_retries(
    api: responses.RequestsMock, clock: FakeClock
) -> None:
    for _ in range(6):
        api.get(RUNS, status=503, json={"message": "unavailable"})
    with pytest.raises(RunError, match="unreachable"):
        make_client(clock).get("/repos/octo/app/actions/runs")
    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0, 16.0]


def test_connection_errors_are_retried(api: responses.RequestsMock, clock: FakeClock) -> None:
    api.get(RUNS, body=requests.ConnectionError("reset by peer"))
    api.get(RUNS, json=OK)
    assert make_client(clock).get("/repos/octo/app/actions/runs").data == OK
    assert clock.sleeps == [1.0]


def test_timeouts_fail_fast_when_asked(api: responses.RequestsMock, clock: FakeClock) -> None:
    api.get(RUNS, body=requests.ReadTimeout("slow"))
    with pytest.raises(RunError, match="timed out"):
        make_client(clock).get("/repos/octo/app/actions/runs", retry_timeouts=False)
    assert clock.sleeps == []


@pytest.mark.parametrize("status", [404, 422, 401])
def test_client_errors_are_not_retried(
    api: responses.RequestsMock, clock: FakeClock, status: int
) -> None:
    api.get(RUNS, status=status, json={"message": "nope"})
    with pytest.raises(GitHubStatusError) as caught:
        make_client(clock).get("/repos/octo/app/actions/runs")
    assert caught.value.status == status
    assert clock.sleeps == []


def test_forbidden_without_a_limit_is_not_retried(
    api: responses.RequestsMock, clock: FakeClock
) -> None:
    api.get(RUNS, status=403, json={"message": "Resource not accessible by integration"})
    with pytest.raises(GitHubStatusError):
        make_client(clock).get("/repos/octo/app/actions/runs")


def test_waits_share_one_budget(api: responses.RequestsMock, clock: FakeClock) -> None:
    api.get(RUNS, status=429, json={}, headers={"retry-after": "40"})
    api.get(RUNS, status=429, json={}, headers={"retry-after": "40"})
    client = make_client(clock, max_wait_seconds=60.0)
    with pytest.raises(BudgetExhaustedError):
        client.get("/repos/octo/app/actions/runs")
    assert clock.sleeps == [40.0]


def test_etag_makes_an_unchanged_list_a_304(api: responses.RequestsMock, clock: FakeClock) -> None:
    api.get(RUNS, status=304, headers={"etag": 'W/"abc"'})
    response = make_client(clock).get("/repos/octo/app/actions/runs", etag='W/"abc"')
    assert api.calls[0].request.headers["If-None-Match"] == 'W/"abc"'
    assert response.not_modified and response.data is None


def test_link_pages_are_followed_as_given(api: responses.RequestsMock, clock: FakeClock) -> None:
    next_url = f"{RUNS}?page=2&per_page=100&created=a..b"
    api.get(
        RUNS, json=OK, headers={"link": f'<{next_url}>; rel="next", <{RUNS}?page=9>; rel="last"'}
    )
    api.get(next_url, json=OK)
    client = make_client(clock)
    first = client.get("/repos/octo/app/actions/runs")
    assert first.link("next") == next_url and first.link("last") == f"{RUNS}?page=9"
    client.get(next_url)
    sent = urllib.parse.urlsplit(str(api.calls[1].request.url))
    assert urllib.parse.parse_qs(sent.query) == {
        "page": ["2"],
        "per_page": ["100"],
        "created": ["a..b"],
    }


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            '<https://a/x?page=2>; rel="next", <https://a/x?page=5>; rel="last"',
            {"next": "https://a/x?page=2", "last": "https://a/x?page=5"},
        ),
        (
            '<https://a/x?page=1>; rel="prev first"',
            {"prev": "https://a/x?page=1", "first": "https://a/x?page=1"},
        ),
        ("", {}),
        ("garbage", {}),
    ],
)
def test_parse_link_header(header: str, expected: dict[str, str]) -> None:
    assert parse_link_header(header) == expected


def test_stage_logs_budget_and_no_token(
    api: responses.RequestsMock, clock: FakeClock, logs: pytest.LogCaptureFixture
) -> None:
    api.get(RUNS, json=OK, headers=limits(4321, clock.now + 60))
    client = make_client(clock)
    with client.stage("workflow runs"):
        client.get("/repos/octo/app/actions/runs")
    assert "GitHub workflow runs: 1 requests, 0 GraphQL points" in logs.text
    assert "core 4321" in logs.text
    assert TOKEN not in logs.text


@pytest.mark.parametrize(
    ("url", "configured", "expected"),
    [
        ("https://api.github.com", None, 0.1),
        ("http://127.0.0.1:8000", None, 0.0),
        ("http://localhost:8000", None, 0.0),
        ("https://api.github.com", 0.5, 0.5),
    ],
)
def test_pacing(url: str, configured: float | None, expected: float) -> None:
    settings = GitHubSettings(
        Secret("t"), url, f"{url}/graphql", "o", "r", seconds_between_requests=configured
    )
    assert pacing(settings) == expected
