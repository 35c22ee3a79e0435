"""Publish's view of the GitHub REST API: repository-relative paths, JSON in and out,
pages followed, writes paced.

Everything goes through the collector's `GitHubClient`, so publish's requests are
retried, rate-limited and counted like every other request of the run.

Writes are paced at one per second against a remote host, as GitHub's REST best
practices ask of POST/PATCH/PUT/DELETE requests ("wait at least one second between
each request"); a publish makes three or four writes, so this costs seconds, not
minutes. Against a loopback host (the tests' fake server) there is no wait.
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from devex_metrics.collect.github.client import GitHubClient
from devex_metrics.collect.github.ratelimit import GitHubStatusError

WRITE_SPACING_SECONDS = 1.0
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}

__all__ = ["Api", "GitHubStatusError", "quote_ref"]


def quote_ref(name: str) -> str:
    """A branch or file path as a URL path: each segment percent-encoded, `/` kept."""
    return urllib.parse.quote(name, safe="/")


class Api:
    """REST calls for one repository (`owner/name` of the client's settings)."""

    def __init__(
        self,
        client: GitHubClient,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        settings = client.settings
        self.repository = settings.repository
        host = urllib.parse.urlsplit(settings.api_url).hostname or ""
        self._spacing = 0.0 if host in _LOOPBACK else WRITE_SPACING_SECONDS
        self._sleep, self._clock = sleep, clock
        self._last_write: float | None = None

    @property
    def requests(self) -> int:
        return self.client.requests

    def repo_path(self, tail: str) -> str:
        """``/repos/{owner}/{name}/{tail}``."""
        return f"/repos/{self.repository}/{tail.lstrip('/')}"

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.client.get(path, params).data

    def get_pages(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[Any]:
        """Items of a listing, page after page (`Link: rel="next"`); stop iterating to stop."""
        response = self.client.get(path, params)
        while True:
            yield from response.data or []
            following = response.link("next")
            if not following:
                return
            response = self.client.get(following)

    def write(self, verb: str, path: str, payload: Mapping[str, Any]) -> Any:
        """POST or PATCH `payload`; returns the response JSON. Raises `GitHubStatusError`."""
        if self._last_write is not None and self._spacing:
            wait = self._last_write + self._spacing - self._clock()
            if wait > 0:
                self._sleep(wait)
        try:
            return self.client.send(verb, path, payload).data
        finally:
            self._last_write = self._clock()
