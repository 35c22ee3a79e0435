"""What to do with a GitHub response: accept it, wait and retry, or give up.

This replaces PyGithub's `GithubRetry` (a `urllib3.Retry` subclass) because that
class (1) sleeps inside urllib3 with `time.sleep`, so tests would really wait and
the run cannot account the wait against its budget; (2) retries inside the
transport, so a retried request is invisible to our request counter; (3) caps each
wait (`max_rate_limit_wait`) but has no budget for the whole run, and fixes the
secondary-limit wait at 60 s instead of backing off exponentially; (4) cannot see
GraphQL rate limits and timeouts, which arrive as HTTP 200 with an ``errors`` list.

Rules, from GitHub's "Rate limits for the REST API" and "Best practices" pages:

- ``retry-after`` present (secondary limit, 403 or 429): wait that many seconds.
- ``x-ratelimit-remaining: 0`` (primary limit exhausted): wait until
  ``x-ratelimit-reset`` (+1 s, the reset is rounded to the second), if the wait fits.
- a secondary-limit message without ``retry-after``: wait 60 s, doubling per retry.
- 5xx and connection errors: exponential backoff from 1 s.
- GraphQL ``RATE_LIMITED`` errors are primary exhaustion; a GraphQL timeout is
  reported to the pager, which halves its page size (`GraphQLTimeoutError`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from devex_metrics.errors import RunError

SERVER_RETRIES = 5
SECONDARY_RETRIES = 5
PRIMARY_WAITS = 3
SERVER_BACKOFF_BASE = 1.0
SECONDARY_BACKOFF_BASE = 60.0
_TIMEOUT_HINTS = ("timeout", "timed out", "something went wrong while executing your query")


class BudgetExhaustedError(RunError):
    """A rate-limit wait does not fit into the run's wait budget: stop with partial data."""


class GraphQLTimeoutError(Exception):
    """GitHub gave up executing a GraphQL query; a smaller page may succeed."""


class GitHubStatusError(RunError):
    """A response GitHub will not change by retrying (404, 403 without a limit, 422, …)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Action(Enum):
    OK = "ok"
    RETRY = "retry"  # transient fault: wait `delay`, retry
    WAIT_RESET = "wait_reset"  # primary limit: wait `delay` (until the reset), retry
    TIMEOUT = "timeout"  # GraphQL timeout: the caller shrinks the page
    FAIL = "fail"


@dataclass(frozen=True)
class Decision:
    action: Action
    delay: float = 0.0
    reason: str = ""


def message_of(body: str) -> str:
    """The ``message`` of a JSON error body (or of the first GraphQL error), else ''."""
    try:
        data: Any = json.loads(body) if body else None
    except ValueError:
        return ""
    if isinstance(data, dict):
        if isinstance(data.get("message"), str):
            return str(data["message"])
        errors = data.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return str(errors[0].get("message", ""))
    return ""


def primary_wait(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds until the primary limit resets, when the response says it is exhausted."""
    if headers.get("x-ratelimit-remaining", "").strip() != "0":
        return None
    try:
        reset = float(headers.get("x-ratelimit-reset", ""))
    except ValueError:
        return SECONDARY_BACKOFF_BASE
    return max(reset - now, 0.0) + 1.0


def classify(
    status: int, headers: Mapping[str, str], body: str, *, attempt: int, now: float, graphql: bool
) -> Decision:
    """Decide on one response. `attempt` counts earlier tries of this same request."""
    if 200 <= status < 300 or status == 304:
        return (
            _classify_graphql_body(headers, body, now, attempt) if graphql else Decision(Action.OK)
        )
    message = message_of(body)
    if graphql and any(hint in message.lower() for hint in _TIMEOUT_HINTS):
        return Decision(Action.TIMEOUT, reason=message)
    if status in (403, 429):
        return _classify_limit(status, headers, message, attempt, now)
    if status >= 500:
        return _backoff(attempt, SERVER_RETRIES, SERVER_BACKOFF_BASE, f"HTTP {status}")
    return Decision(Action.FAIL, reason=f"HTTP {status}: {message or 'no message'}")


def connection_error(attempt: int, error: OSError) -> Decision:
    return _backoff(attempt, SERVER_RETRIES, SERVER_BACKOFF_BASE, type(error).__name__)


def _classify_limit(
    status: int, headers: Mapping[str, str], message: str, attempt: int, now: float
) -> Decision:
    retry_after = headers.get("retry-after", "").strip()
    if retry_after:
        if attempt >= SECONDARY_RETRIES:
            return Decision(Action.FAIL, reason=f"secondary rate limit persists: {message}")
        try:
            return Decision(Action.RETRY, float(retry_after), "retry-after")
        except ValueError:
            pass
    wait = primary_wait(headers, now)
    if wait is not None:
        if attempt >= PRIMARY_WAITS:
            return Decision(Action.FAIL, reason="primary rate limit still exhausted after waits")
        return Decision(Action.WAIT_RESET, wait, "primary rate limit exhausted")
    if status == 429 or "secondary rate limit" in message.lower():
        return _backoff(attempt, SECONDARY_RETRIES, SECONDARY_BACKOFF_BASE, "secondary rate limit")
    return Decision(Action.FAIL, reason=f"HTTP {status}: {message or 'forbidden'}")


def _classify_graphql_body(
    headers: Mapping[str, str], body: str, now: float, attempt: int
) -> Decision:
    try:
        data: Any = json.loads(body)
    except ValueError:
        return Decision(Action.RETRY, SERVER_BACKOFF_BASE, "malformed GraphQL response")
    errors = data.get("errors") if isinstance(data, dict) else None
    if not errors:
        return Decision(Action.OK)
    kinds = {str(e.get("type", "")) for e in errors if isinstance(e, dict)}
    text = " ".join(str(e.get("message", "")) for e in errors if isinstance(e, dict)).lower()
    if "RATE_LIMITED" in kinds:
        if attempt >= PRIMARY_WAITS:
            return Decision(Action.FAIL, reason="GraphQL rate limit still exhausted after waits")
        wait = primary_wait(headers, now)
        return Decision(Action.WAIT_RESET, wait if wait is not None else 60.0, "GraphQL points")
    if any(hint in text for hint in _TIMEOUT_HINTS):
        return Decision(Action.TIMEOUT, reason=text)
    return Decision(Action.OK)  # other errors are the query's business (see client.graphql)


def _backoff(attempt: int, retries: int, base: float, reason: str) -> Decision:
    if attempt >= retries:
        return Decision(Action.FAIL, reason=f"{reason} after {retries} retries")
    return Decision(Action.RETRY, base * 2**attempt, reason)
