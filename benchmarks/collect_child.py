"""The measured process of the GitHub API benchmark: one ``collect_github`` call, nothing else.

It runs in a fresh interpreter started by ``github_api.py``, so its peak RSS
(``RUSAGE_SELF``) is the collector's alone: the fake server and its data set live
in the parent, and this module never imports them. Usage (internal):
``collect_child.py SPEC.json RESULT.json``; the spec names the server, the
window and the cache folder, the result carries the collector's own counts.

Pacing is set to zero explicitly (``seconds_between_requests=0.0``): the client
would already choose zero for a loopback host, but a benchmark should not depend
on that default to measure the requests rather than the sleeps.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from measure import Stopwatch, peak_rss_self_kib

from devex_metrics.collect.github.collector import collect_github
from devex_metrics.collect.github.settings import GitHubSettings
from devex_metrics.collect.github.token import Secret
from devex_metrics.config import Config


def settings_from(spec: dict[str, str]) -> GitHubSettings:
    owner, name = spec["repository"].split("/")
    return GitHubSettings(
        token=Secret(spec["token"]),
        api_url=spec["api_url"],
        graphql_url=spec["graphql_url"],
        owner=owner,
        name=name,
        seconds_between_requests=0.0,
    )


def collect(spec: dict[str, str]) -> dict[str, object]:
    """Run the collection the spec describes; return its counts, wall time and peak RSS."""
    with Stopwatch() as clock:
        data = collect_github(
            settings_from(spec),
            Config(),
            since=datetime.fromisoformat(spec["since"]),
            until=datetime.fromisoformat(spec["until"]),
            cache_dir=Path(spec["cache_dir"]),
            now=datetime.fromisoformat(spec["now"]),
        )
    return {
        "requests": data.requests,
        "graphql_points": data.graphql_points,
        "requests_by_stage": dict(data.requests_by_stage),
        "partial": data.partial,
        "wall_s": clock.seconds,
        "peak_rss_kib": peak_rss_self_kib(),
        "records": {
            "pull_requests": len(data.pull_requests),
            "reviews": sum(len(p.reviews) for p in data.pull_requests),
            "github_deployments": len(data.github_deployments),
            "workflow_runs": len(data.workflow_runs),
            "releases": len(data.releases),
            "incidents": len(data.incidents),
            "email_logins": len(data.email_logins),
        },
    }


def main(argv: Sequence[str]) -> int:
    if len(argv) != 2:
        print("usage: collect_child.py SPEC.json RESULT.json", file=sys.stderr)
        return 2
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    Path(argv[1]).write_text(json.dumps(collect(spec), indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
