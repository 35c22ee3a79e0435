"""The fake GitHub's REST responses, in GitHub's payload shapes.

Workflow runs are rendered from the example run of GitHub's REST description
(``tests/data/github/rest-subset.json``), with the fields the data set defines
overridden, so every payload has the full required shape (validated in
`test_ghcollect_fake_server_shapes.py`). Filtered run listings behave like GitHub's: newest
first, ``total_count`` of all matches, `Link` pages, and 422 past the 1,000th result.
"""

from __future__ import annotations

import json
import math
import urllib.parse
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from fakegithub.dataset import Repo, Run

REST_DESCRIPTION = Path(__file__).resolve().parents[1] / "data" / "github" / "rest-subset.json"
CAP = 1000
NOT_FOUND = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}


@cache
def rest_description() -> dict[str, Any]:
    return dict(json.loads(REST_DESCRIPTION.read_text(encoding="utf-8")))


@cache
def _run_template() -> dict[str, Any]:
    example = rest_description()["components"]["examples"]["workflow-run-paginated"]["value"]
    return dict(example["workflow_runs"][0])


def iso(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def run_payload(repo: Repo, run: Run) -> dict[str, Any]:
    api = f"https://api.github.com/repos/{repo.full_name}/actions/runs/{run.id}"
    payload = dict(_run_template())
    payload.update(
        id=run.id,
        name=run.name,
        node_id=f"WFR_{run.id}",
        head_branch=run.head_branch,
        head_sha=run.head_sha,
        path=run.path,
        run_number=run.id,
        event=run.event,
        display_title=f"Run {run.id}",
        status=run.status,
        conclusion=run.conclusion,
        workflow_id=1 if "ci" in run.path else 2,
        url=api,
        html_url=f"https://github.com/{repo.full_name}/actions/runs/{run.id}",
        created_at=iso(run.created_at),
        updated_at=iso(run.updated_at),
        run_started_at=iso(run.run_started_at) or iso(run.created_at),
        jobs_url=f"{api}/jobs",
        logs_url=f"{api}/logs",
        cancel_url=f"{api}/cancel",
        rerun_url=f"{api}/rerun",
        artifacts_url=f"{api}/artifacts",
        pull_requests=[],
    )
    if run.run_started_at is None:
        del payload["run_started_at"]
    return payload


def parse_created(value: str) -> tuple[datetime | None, datetime | None]:
    """GitHub's ``created`` qualifier → inclusive (low, high). Supports ``A..B``, ``>=A``,
    ``<=B``, ``>A``, ``<B`` and a bare date or time."""

    def moment(text: str, end: bool = False) -> datetime:
        if "T" not in text:
            day = date.fromisoformat(text)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return start + timedelta(days=1, microseconds=-1) if end else start
        return datetime.fromisoformat(text.replace("Z", "+00:00"))

    if ".." in value:
        low, high = value.split("..", 1)
        return (None if low == "*" else moment(low)), (None if high == "*" else moment(high, True))
    for prefix, result in (
        (">=", lambda t: (moment(t), None)),
        ("<=", lambda t: (None, moment(t, True))),
        (">", lambda t: (moment(t) + timedelta(seconds=1), None)),
        ("<", lambda t: (None, moment(t) - timedelta(seconds=1))),
    ):
        if value.startswith(prefix):
            return result(value[len(prefix) :])
    return moment(value), moment(value, True)


def list_runs(repo: Repo, query: dict[str, str], base_url: str) -> tuple[int, dict[str, str], Any]:
    """(status, extra headers, body) of ``GET /repos/{o}/{r}/actions/runs``."""
    runs = repo.runs
    if "created" in query:
        low, high = parse_created(query["created"])
        runs = [
            r
            for r in runs
            if (low is None or r.created_at >= low) and (high is None or r.created_at <= high)
        ]
    for name in ("event", "status", "branch"):
        if name in query:
            field = "head_branch" if name == "branch" else name
            runs = [r for r in runs if getattr(r, field) == query[name]]
    runs = sorted(runs, key=lambda r: (r.created_at, r.id), reverse=True)
    per_page = min(int(query.get("per_page", "30")), 100)
    page = int(query.get("page", "1"))
    filtered = any(k in query for k in ("created", "event", "status", "branch", "actor"))
    if filtered and (page - 1) * per_page >= CAP:
        return (
            422,
            {},
            {
                "message": "Only the first 1000 search results are available",
                "documentation_url": "https://docs.github.com/v3/search/",
            },
        )
    chunk = runs[(page - 1) * per_page : page * per_page]
    body = {"total_count": len(runs), "workflow_runs": [run_payload(repo, r) for r in chunk]}
    last = max(1, math.ceil(len(runs) / per_page))
    return 200, {"link": link_header(base_url, query, page, last)} if last > 1 else {}, body


def link_header(base_url: str, query: dict[str, str], page: int, last: int) -> str:
    def url(n: int) -> str:
        return f"{base_url}?{urllib.parse.urlencode({**query, 'page': str(n)})}"

    links = []
    if page < last:
        links += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
    if page > 1:
        links += [f'<{url(page - 1)}>; rel="prev"', f'<{url(1)}>; rel="first"']
    return ", ".join(links)
