"""The one HTTP client of the GitHub collector: PyGithub's `Requester` plus our retry loop.

Invariants:

- **One request at a time.** A lock serialises requests; GitHub's secondary limits
  punish concurrency, and the run is dominated by latency anyway.
- **Every attempt is counted** (`requests`), retries and 304s included, and every
  GraphQL response's ``rateLimit.cost`` is summed (`graphql_points`).
- **Waits come out of one budget** (`settings.max_wait_seconds`). A wait that does
  not fit raises `BudgetExhaustedError`; the collector turns it into partial data.
- **Sleeping is injectable** (`sleep`, `clock`), so tests never really wait.
- Pacing: `seconds_between_requests` defaults to 0.1 s — below GitHub's secondary
  limit of 900 REST points per minute (15 requests/s) with room to spare, and well
  under PyGithub's 0.25 s default, which would add minutes to a first run of a few
  hundred requests for no protection we need (collection never writes, and never
  runs two requests at once; `publish` paces its few writes itself). Against a
  loopback host (the tests' fake server) it is 0.
- PyGithub's own retry is off (`retry=0`): see `ratelimit.py` for why ours replaces
  `GithubRetry`. Responses are read with `Requester.requestJson`, which returns the
  status code (needed for 304) instead of raising.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from github import Auth, Consts
from github.Requester import Requester

from devex_metrics import __version__
from devex_metrics.collect.github.ratelimit import (
    Action,
    BudgetExhaustedError,
    Decision,
    GitHubStatusError,
    GraphQLTimeoutError,
    classify,
    connection_error,
)
from devex_metrics.collect.github.settings import GitHubSettings
from devex_metrics.errors import RunError

log = logging.getLogger(__name__)

# PyGithub's requester logs every response body at DEBUG; issue bodies carry survey free
# text, which must never reach a log (SPEC §7). Its logger stays at INFO whatever the
# root level; our own debug lines name the method, path and status only.
logging.getLogger("github.Requester").setLevel(logging.INFO)

PER_PAGE = 100
REMOTE_SECONDS_BETWEEN_REQUESTS = 0.1
TIMEOUT_SECONDS = 30
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class RestResponse:
    """A REST response: status (200 or 304), lower-cased headers, parsed JSON (None on 304)."""

    status: int
    headers: Mapping[str, str]
    data: Any

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    def link(self, rel: str) -> str | None:
        return parse_link_header(self.headers.get("link", "")).get(rel)


def parse_link_header(value: str) -> dict[str, str]:
    """``<url>; rel="next", <url>; rel="last"`` → ``{"next": url, "last": url}``."""
    links: dict[str, str] = {}
    for part in value.split(","):
        section = part.split(";")
        url = section[0].strip()
        if not (url.startswith("<") and url.endswith(">")):
            continue
        for param in section[1:]:
            key, _, rel = param.strip().partition("=")
            if key.strip() == "rel":
                for name in rel.strip().strip('"').split():
                    links[name] = url[1:-1]
    return links


class GitHubClient:
    """REST GETs and GraphQL queries with retries, rate-limit waits and accounting."""

    def __init__(
        self,
        settings: GitHubSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.requests = 0
        self.graphql_points = 0
        self.waited = 0.0
        self.stage_requests: dict[str, int] = {}
        self._sleep, self._clock = sleep, clock
        self._lock = threading.Lock()
        self._exhausted: dict[str, float] = {}  # resource → reset epoch, after remaining hit 0
        self._remaining: dict[str, str] = {}
        self._requester = Requester(
            auth=Auth.Token(settings.token.reveal()),
            base_url=settings.api_url,
            timeout=TIMEOUT_SECONDS,
            user_agent=f"devex-metrics/{__version__} {Consts.DEFAULT_USER_AGENT}",
            per_page=PER_PAGE,
            verify=True,
            retry=0,
            pool_size=None,
            seconds_between_requests=pacing(settings),
            seconds_between_writes=None,
        )

    def close(self) -> None:
        self._requester.close()

    def get(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        *,
        etag: str | None = None,
        retry_timeouts: bool = True,
    ) -> RestResponse:
        """GET a REST resource (`url` relative to the API root, or a `Link` URL).

        With `etag`, sends ``If-None-Match`` and returns a 304 response when unchanged.
        Raises `GitHubStatusError` for a 4xx that retrying will not fix. Without
        `retry_timeouts`, a request that times out fails at once (for slow optional
        resources, where six 30 s timeouts would stall the run).
        """
        headers = {"Accept": "application/vnd.github+json"}
        if etag:
            headers["If-None-Match"] = etag
        query = {"per_page": PER_PAGE, **(params or {})} if url.startswith("/") else None
        status, response_headers, body = self._send(
            "GET", url, query, headers, None, "core", retry_timeouts=retry_timeouts
        )
        data = json.loads(body) if body and status != 304 else None
        return RestResponse(status, response_headers, data)

    def send(self, verb: str, url: str, payload: Mapping[str, Any] | None = None) -> RestResponse:
        """A REST write (POST, PATCH, DELETE) with a JSON body, for `publish`: the same
        retries, rate-limit waits and accounting as `get`, no cache headers. Raises
        `GitHubStatusError` for a 4xx (the caller reads 403, 409 and 422)."""
        headers = {"Accept": "application/vnd.github+json"}
        body_in = dict(payload) if payload is not None else None
        status, response_headers, body = self._send(verb, url, None, headers, body_in, "core")
        return RestResponse(status, response_headers, json.loads(body) if body else None)

    def graphql(self, query: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        """Run a GraphQL query; returns ``data``. Raises `GraphQLTimeoutError` on a server-side
        timeout (the caller shrinks its page) and `RunError` on query errors."""
        payload = {"query": query, "variables": dict(variables)}
        _, _, body = self._send("POST", self.settings.graphql_url, None, {}, payload, "graphql")
        document = json.loads(body)
        data = document.get("data") or {}
        cost = (data.get("rateLimit") or {}).get("cost")
        self.graphql_points += int(cost) if isinstance(cost, int) else 1
        errors = document.get("errors")
        if errors:
            messages = "; ".join(str(e.get("message", "?")) for e in errors[:3])
            raise RunError(f"GitHub GraphQL API error for {self.settings.repository}: {messages}")
        return dict(data)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Log the API budget a collection stage used, at info level, and keep its count."""
        requests, points, started = self.requests, self.graphql_points, time.monotonic()
        try:
            yield
        finally:
            self.stage_requests[name] = self.requests - requests
            log.info(
                "GitHub %s: %d requests, %d GraphQL points, %.1fs (remaining: core %s, graphql %s)",
                name,
                self.requests - requests,
                self.graphql_points - points,
                time.monotonic() - started,
                self._remaining.get("core", "?"),
                self._remaining.get("graphql", "?"),
            )

    def _send(
        self,
        verb: str,
        url: str,
        params: Mapping[str, Any] | None,
        headers: dict[str, str],
        payload: Any,
        resource: str,
        *,
        retry_timeouts: bool = True,
    ) -> tuple[int, dict[str, str], str]:
        with self._lock:
            attempt = 0
            while True:
                self._await_reset(resource)
                try:
                    status, response_headers, body = self._requester.requestJson(
                        verb, url, dict(params) if params else None, dict(headers), payload
                    )
                except OSError as error:  # requests' ConnectionError and Timeout are OSErrors
                    self.requests += 1
                    log.debug("%s %s failed: %s", verb, _path(url), type(error).__name__)
                    if not retry_timeouts and _is_timeout(error):
                        raise RunError(f"GitHub {verb} {_path(url)} timed out") from None
                    decision = connection_error(attempt, error)
                    response_headers, status, body = {}, 0, ""
                else:
                    self.requests += 1
                    self._note_quota(resource, response_headers)
                    log.debug("%s %s → %d", verb, _path(url), status)
                    decision = classify(
                        status,
                        response_headers,
                        body,
                        attempt=attempt,
                        now=self._clock(),
                        graphql=resource == "graphql",
                    )
                if decision.action is Action.OK:
                    return status, response_headers, body
                self._handle(decision, verb, url, status)
                attempt += 1

    def _handle(self, decision: Decision, verb: str, url: str, status: int) -> None:
        if decision.action is Action.TIMEOUT:
            raise GraphQLTimeoutError(decision.reason)
        if decision.action is Action.FAIL:
            if 400 <= status < 500:
                raise GitHubStatusError(status, f"GitHub {verb} {_path(url)}: {decision.reason}")
            raise RunError(
                f"GitHub API unreachable ({verb} {_path(url)}: {decision.reason}). "
                "Check GITHUB_API_URL and the network, or run with --offline."
            )
        log.info("GitHub %s: waiting %.0fs before retrying", decision.reason, decision.delay)
        self._wait(decision.delay, decision.reason)

    def _wait(self, seconds: float, reason: str) -> None:
        if self.waited + seconds > self.settings.max_wait_seconds:
            raise BudgetExhaustedError(
                f"GitHub {reason}: a wait of {seconds:.0f}s does not fit the remaining budget "
                f"({self.settings.max_wait_seconds - self.waited:.0f}s); "
                "stopping with partial data."
            )
        self.waited += seconds
        self._sleep(seconds)

    def _note_quota(self, resource: str, headers: Mapping[str, str]) -> None:
        remaining = headers.get("x-ratelimit-remaining")
        if remaining is None:
            return
        self._remaining[resource] = remaining
        if remaining.strip() == "0" and headers.get("x-ratelimit-reset", "").isdigit():
            self._exhausted[resource] = float(headers["x-ratelimit-reset"])
        else:
            self._exhausted.pop(resource, None)

    def _await_reset(self, resource: str) -> None:
        """The last response left no requests: wait for the reset instead of spending a 403."""
        reset = self._exhausted.pop(resource, None)
        if reset is not None:
            delay = reset - self._clock() + 1.0
            if delay > 0:
                self._wait(delay, f"{resource} rate limit exhausted")


def pacing(settings: GitHubSettings) -> float:
    if settings.seconds_between_requests is not None:
        return settings.seconds_between_requests
    host = urllib.parse.urlsplit(settings.api_url).hostname or ""
    return 0.0 if host in _LOOPBACK else REMOTE_SECONDS_BETWEEN_REQUESTS


def _is_timeout(error: OSError) -> bool:
    """requests' `Timeout` family (ReadTimeout, ConnectTimeout), without importing requests
    (it ships no type information)."""
    return any(cls.__name__ == "Timeout" for cls in type(error).__mro__)


def _path(url: str) -> str:
    """A URL without its host and query, for logs (query strings may name people)."""
    return urllib.parse.urlsplit(url).path or url
