"""A fake GitHub: a real HTTP server on 127.0.0.1 serving REST and GraphQL from a data set.

It speaks the parts of GitHub's API the collector uses, with GitHub's behaviour:
token check (401), ``x-ratelimit-*`` headers with a quota per resource (403 when
exhausted, until the reset), ETags and ``If-None-Match`` → 304 (free, like GitHub),
`Link` pagination, the 1,000-result cap of filtered listings (422), and fault
injection: 502s, dropped connections, secondary limits (403 without, 429 with
``retry-after``), primary exhaustion, GraphQL timeouts.

Its clock is injectable (`clock`) so a test can share one fake clock between the
server's rate-limit resets and the client's sleeps. Every request is logged
(`requests`) for request-count assertions.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from fakegithub import graphql_api, rest
from fakegithub.dataset import Repo
from fakegithub.faults import FAULTS, SECONDARY_MESSAGE, TIMEOUT_MESSAGE, FaultPlan

__all__ = ["FAULTS", "FakeGitHub", "FaultPlan", "Logged"]


class Mount(Protocol):
    """Extra REST routes (e.g. `gitdata.GitDataApi`): a `Response`, or None when the
    request is not theirs. `tokens` are accepted besides the server's own token."""

    tokens: set[str]

    def handle(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> Response | None: ...


@dataclass(frozen=True)
class Logged:
    method: str
    path: str
    kind: str  # "graphql:<operation>" or "rest"
    status: int
    first: int | None = None  # GraphQL `$first`


class FakeGitHub:
    def __init__(
        self,
        *repos: Repo,
        token: str = "test-token",  # noqa: S107 - the fake's own test token
        quota: int | dict[str, int] = 5000,
        reset_after: float = 3600.0,
        clock: Callable[[], float] = time.time,
        graphql_max_first: int | None = None,
        sbom_status: int | None = None,
        prefix: str = "",
    ) -> None:
        self.repos = {r.full_name.lower(): r for r in repos}
        quotas = quota if isinstance(quota, dict) else {"core": quota, "graphql": quota}
        self.quotas = {"core": 5000, "graphql": 5000, **quotas}
        self.token, self.reset_after, self.clock = token, reset_after, clock
        self.graphql_max_first = graphql_max_first
        self.sbom_status = sbom_status
        self.prefix = prefix  # "/api/v3" to look like GitHub Enterprise Server
        self.faults = FaultPlan()
        self.requests: list[Logged] = []
        self.mounts: list[Mount] = []
        self.graphql_errors: list[Any] = []
        self.remaining = dict(self.quotas)
        self.reset_at = {"core": clock() + reset_after, "graphql": clock() + reset_after}
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{self.prefix}"

    @property
    def graphql_url(self) -> str:
        base = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        return f"{base}/api/graphql" if self.prefix else f"{base}/graphql"

    def mount(self, routes: Mount) -> FakeGitHub:
        """Serve `routes` too (checked before the data set's REST routes)."""
        self.mounts.append(routes)
        return self

    def start(self) -> FakeGitHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def count(self, kind_prefix: str = "") -> int:
        return sum(1 for r in self.requests if r.kind.startswith(kind_prefix))

    def kinds(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for r in self.requests:
            found[r.kind] = found.get(r.kind, 0) + 1
        return found

    # -- request handling (called with the lock held) ---------------------------------

    def rate_headers(self, resource: str) -> dict[str, str]:
        now = self.clock()
        quota = self.quotas[resource]
        if now >= self.reset_at[resource]:
            self.remaining[resource] = quota
            self.reset_at[resource] = now + self.reset_after
        return {
            "x-ratelimit-limit": str(quota),
            "x-ratelimit-remaining": str(self.remaining[resource]),
            "x-ratelimit-used": str(quota - self.remaining[resource]),
            "x-ratelimit-reset": str(int(self.reset_at[resource])),
            "x-ratelimit-resource": resource,
        }

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes
    ) -> Response | None:
        parsed = urllib.parse.urlsplit(raw_path)
        is_graphql = method == "POST" and parsed.path in ("/graphql", "/api/graphql")
        resource = "graphql" if is_graphql else "core"
        kind = "rest"
        payload: dict[str, Any] = {}
        if is_graphql:
            payload = json.loads(body or b"{}")
            kind = f"graphql:{_operation(payload)}"
        response = self._respond(method, parsed, headers, payload, resource, body)
        first = (payload.get("variables") or {}).get("first")
        self.requests.append(
            Logged(method, parsed.path, kind, response.status if response else 0, first)
        )
        return response

    def _respond(
        self,
        method: str,
        parsed: urllib.parse.SplitResult,
        headers: dict[str, str],
        payload: dict[str, Any],
        resource: str,
        body: bytes = b"",
    ) -> Response | None:
        tokens = {self.token}.union(*(m.tokens for m in self.mounts))
        if headers.get("authorization") not in {f"token {t}" for t in tokens}:
            return Response(
                401,
                {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"},
            )
        fault = self.faults.next_fault(len(self.requests) + 1)
        if fault is not None:
            return self._fault(fault, resource)
        limits = self.rate_headers(resource)
        if self.remaining[resource] <= 0:
            message = "API rate limit exceeded for installation ID 1."
            return Response(
                403,
                {"message": message, "documentation_url": "https://docs.github.com/rest"},
                limits,
            )
        response = (
            self._graphql(payload)
            if resource == "graphql"
            else self._rest(method, parsed, headers, body)
        )
        etag = '"' + hashlib.sha256(response.encoded()).hexdigest()[:40] + '"'
        if response.status == 200 and method == "GET":
            response.headers["etag"] = f"W/{etag}"
            if headers.get("if-none-match") == f"W/{etag}":
                return Response(304, None, {**limits, "etag": f"W/{etag}"})
        self.remaining[resource] -= 1
        response.headers.update(self.rate_headers(resource))
        return response

    def _fault(self, fault: str, resource: str) -> Response | None:
        limits = self.rate_headers(resource)
        if fault == "drop":
            return None
        if fault == "secondary":
            return Response(
                403,
                {"message": SECONDARY_MESSAGE, "documentation_url": "https://docs.github.com"},
                limits,
            )
        if fault == "retry_after":
            return Response(429, {"message": SECONDARY_MESSAGE}, {**limits, "retry-after": "7"})
        if fault == "primary":
            reset = str(int(self.clock() + 30))
            headers = {**limits, "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset}
            return Response(403, {"message": "API rate limit exceeded for user ID 1."}, headers)
        if fault == "graphql_timeout" and resource == "graphql":
            return Response(200, {"data": None, "errors": [{"message": TIMEOUT_MESSAGE}]}, limits)
        return Response(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", limits)

    def _graphql(self, payload: dict[str, Any]) -> Response:
        first = (payload.get("variables") or {}).get("first")
        if (
            self.graphql_max_first is not None
            and isinstance(first, int)
            and first > self.graphql_max_first
        ):
            return Response(200, {"data": None, "errors": [{"message": TIMEOUT_MESSAGE}]})
        quota = self.quotas["graphql"]
        rate = {
            "cost": 1,
            "limit": quota,
            "remaining": self.remaining["graphql"] - 1,
            "used": quota - self.remaining["graphql"] + 1,
            "nodeCount": 0,
            "resetAt": graphql_api.iso_epoch(self.reset_at["graphql"]),
        }
        document = graphql_api.execute(self.repos, payload, lambda: rate)
        if "errors" in document:
            self.graphql_errors.append(document["errors"])
        return Response(200, document)

    def _rest(
        self,
        method: str,
        parsed: urllib.parse.SplitResult,
        headers: dict[str, str] | None = None,
        body: bytes = b"",
    ) -> Response:
        path = parsed.path.removeprefix(self.prefix)
        parts = path.strip("/").split("/")
        query = dict(urllib.parse.parse_qsl(parsed.query))
        for routes in self.mounts:
            mounted = routes.handle(method, path, query, headers or {}, body)
            if mounted is not None:
                return mounted
        repo = (
            self.repos.get("/".join(parts[1:3]).lower())
            if len(parts) >= 3 and parts[0] == "repos"
            else None
        )
        if method != "GET" or repo is None:
            return Response(404, rest.NOT_FOUND)
        if parts[3:] == ["actions", "runs"]:
            base = f"http://127.0.0.1:{self._httpd.server_address[1]}{parsed.path}"
            status, headers, body = rest.list_runs(repo, query, base)
            return Response(status, body, headers)
        if parts[3:] == ["dependency-graph", "sbom"]:
            if self.sbom_status is not None:
                return Response(
                    self.sbom_status,
                    {"message": "Forbidden" if self.sbom_status == 403 else "Not Found"},
                )
            return (
                Response(200, {"sbom": repo.sbom}) if repo.sbom else Response(404, rest.NOT_FOUND)
            )
        return Response(404, rest.NOT_FOUND)


@dataclass
class Response:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    _data: bytes | None = None

    def encoded(self) -> bytes:
        """The body as sent (JSON unless it is a string), serialised once."""
        if self._data is None:
            if self.body is None:
                self._data = b""
            elif isinstance(self.body, str):
                self._data = self.body.encode()
            else:
                self._data = json.dumps(self.body).encode()
        return self._data


def _operation(payload: dict[str, Any]) -> str:
    query = str(payload.get("query", ""))
    for line in query.splitlines():
        words = line.replace("(", " ").split()
        if len(words) >= 2 and words[0] == "query":
            return words[1]
    return "anonymous"


def _handler_for(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # headers and body go out in separate writes: without this, Nagle's algorithm
            # and delayed ACKs add ~40 ms to every keep-alive response
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_PATCH(self) -> None:
            self._serve("PATCH")

        def do_PUT(self) -> None:
            self._serve("PUT")

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            with fake._lock:
                response = fake.handle(method, self.path, headers, body)
            if response is None:  # injected connection drop
                self.close_connection = True
                return
            self._write(response)

        def _write(self, response: Response) -> None:
            data = response.encoded()
            self.send_response(response.status)
            content_type = (
                "text/html" if isinstance(response.body, str) else "application/json; charset=utf-8"
            )
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(data)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
