"""Benchmark the GitHub collector's request count, time and memory on a busy repository.

The benchmark issue sets these targets for a repository with 10,000 merged pull
requests (with reviews), 2,000 deployments and 20,000 workflow runs in a year:

- requests for the pull requests ≤ ⌈N/100⌉ + 10 (N merged PRs);
- requests for the whole backfill (empty cache) ≤ 500;
- an incremental re-run with no changes ≤ 5 % of the backfill's requests;
- peak RSS of the collecting process ≤ 300 MB;

and asks for the numbers beside a per-item REST tool's request count.

Method: the data set (``github_dataset``) is served by the tests' fake GitHub on
127.0.0.1 in this process; each collection (``collect_github`` over the year, one
cache folder: first empty, then as the first run left it) runs in a fresh child
process (``collect_child``), so the child's ``ru_maxrss`` is the collector's and
the server's memory is not counted. Requests are counted twice, by the client
(``GitHubData.requests``) and by the server's log, and must agree. The per-item
REST count is a formula (``rest_per_item``), checked against the fake's REST
endpoints on a sample.

A measurement, not a test: it exits 0 whatever the numbers are, 1 only when a
collection crashed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the fake GitHub is test code, imported from there

from fakegithub.dataset import Repo  # noqa: E402
from fakegithub.server import FakeGitHub  # noqa: E402
from github_dataset import Shape, build_repo  # noqa: E402
from github_report import Collection, PerItem, Report, render_markdown  # noqa: E402
from measure import Stopwatch, run_measured  # noqa: E402
from rest_fake import PerItemRoutes  # noqa: E402
from rest_per_item import RestReader, crawl, predict, predict_sample  # noqa: E402

TOKEN: Final = "benchmark-token"  # noqa: S105 - the fake server's own token
REPOSITORY: Final = "acme/widgets"
PER_ITEM_QUOTA: Final = 10_000_000
CHILD: Final = Path(__file__).resolve().parent / "collect_child.py"


class CollectionCrashedError(RuntimeError):
    """A child collection exited non-zero: the numbers would be meaningless."""


def child_env() -> dict[str, str]:
    """The caller's environment minus GitHub settings: the child reads only its spec."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GH_"))}


def run_collection(server: FakeGitHub, shape: Shape, label: str, work: Path) -> Collection:
    """One ``collect_github`` in a fresh child; the cache folder is shared between runs."""
    spec = {
        "repository": REPOSITORY,
        "token": TOKEN,
        "api_url": server.url,
        "graphql_url": server.graphql_url,
        "since": shape.since.isoformat(),
        "until": shape.until.isoformat(),
        "now": shape.until.isoformat(),
        "cache_dir": str(work / "cache"),
    }
    spec_path, result_path = work / f"{label}-spec.json", work / f"{label}-result.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    before = len(server.requests)
    cmd = [sys.executable, str(CHILD), str(spec_path), str(result_path)]
    sample = run_measured(cmd, work, child_env())
    if sample.returncode != 0:
        raise CollectionCrashedError(f"{label} collection failed:\n{sample.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(result_path.read_text(encoding="utf-8"))
    logged = server.requests[before:]
    graphql = sum(r.kind.startswith("graphql") for r in logged)
    return Collection(
        label=label,
        requests=int(result["requests"]),
        server_requests=len(logged),
        server_graphql=graphql,
        server_rest=len(logged) - graphql,
        graphql_points=int(result["graphql_points"]),
        by_stage={str(k): int(v) for k, v in result["requests_by_stage"].items()},
        wall_s=float(result["wall_s"]),
        process_wall_s=sample.wall_s,
        peak_rss_mib=int(result["peak_rss_kib"]) / 1024,
        tree_peak_rss_mib=sample.peak_rss_mib,
        partial=bool(result["partial"]),
        records={str(k): int(v) for k, v in result["records"].items()},
    )


def per_item_rest(repo: Repo, shape: Shape, every: int) -> PerItem:
    """The formula on the whole data set, and a crawl of the fake's REST endpoints that
    checks it: every listing page, and the per-item calls of every `every`-th item."""
    # GitHub's 5,000 requests an hour would stop a full crawl (--sample-every 1) a
    # quarter of the way: the per-item tool's count is what is measured here, not its wait
    server = FakeGitHub(repo, token=TOKEN, quota={"core": PER_ITEM_QUOTA})
    server.mount(PerItemRoutes(repo, server.url)).start()
    reader = RestReader(server.url, TOKEN)
    try:
        with Stopwatch() as clock:
            sample = crawl(reader, REPOSITORY, shape.since, every)
    finally:
        reader.close()
        server.stop()
    return PerItem(
        predicted=dict(predict(repo, shape.since)),
        sample_every=every,
        sample_sizes=(len(sample.sampled_pulls), len(sample.sampled_deployments)),
        sample_measured=dict(sample.requests),
        sample_predicted=dict(predict_sample(repo, shape.since, sample)),
        sample_server_requests=len(server.requests),
        sample_client_requests=reader.requests,
        sample_wall_s=clock.seconds,
    )


def describe(repo: Repo) -> dict[str, int]:
    """The data set's size as served, and the pull-request target that follows from it."""
    merged = [p for p in repo.pulls if p.merged_at is not None]
    return {
        "merged_pull_requests": len(merged),
        "reviews": sum(len(p.reviews) for p in merged),
        "pull_request_commits": sum(len(p.commits) for p in merged),
        "default_branch_commits": len(repo.history),
        "deployments": len(repo.deployments),
        "workflow_runs": len(repo.runs),
        "releases": len(repo.releases),
        "issues": len(repo.issues),
        "pr_stage_limit": math.ceil(len(merged) / 100) + 10,
    }


def environment(argv: Sequence[str] | None) -> dict[str, object]:
    """Where the numbers come from: times and memory depend on it, counts do not."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    return {
        "command": " ".join(["python", "benchmarks/github_api.py", *arguments]),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Count the GitHub collector's requests, time and peak RSS against a fake "
        "GitHub (127.0.0.1) holding a busy repository's year, beside a per-item REST tool.",
        epilog="example: python benchmarks/github_api.py --json github-bench.json",
    )
    parser.add_argument("--pulls", type=int, default=10_000, help="merged pull requests")
    parser.add_argument("--deployments", type=int, default=2_000, help="deployments")
    parser.add_argument("--runs", type=int, default=20_000, help="workflow runs")
    parser.add_argument("--seed", type=int, default=2024, help="data set seed")
    parser.add_argument(
        "--sample-every",
        type=int,
        default=20,
        help="per-item REST check: per-item calls for every Nth PR and deployment (1: all)",
    )
    parser.add_argument("--json", type=Path, dest="json_path", help="also write the numbers")
    args = parser.parse_args(argv)
    if min(args.pulls, args.deployments, args.runs) < 1 or args.sample_every < 1:
        parser.error("--pulls, --deployments, --runs and --sample-every must be >= 1")
    return args


def measure_all(args: argparse.Namespace) -> Report:
    shape = Shape(args.pulls, args.deployments, args.runs, args.seed)
    with Stopwatch() as built:
        repo = build_repo(shape)
    collections: list[Collection] = []
    server = FakeGitHub(repo, token=TOKEN).start()
    try:
        with tempfile.TemporaryDirectory(prefix="devex-github-bench-") as tmp:
            for label in ("backfill", "incremental"):
                print(f"collecting: {label} ...", file=sys.stderr)
                collections.append(run_collection(server, shape, label, Path(tmp)))
    finally:
        server.stop()
    print("checking the per-item REST count ...", file=sys.stderr)
    per_item = per_item_rest(repo, shape, args.sample_every)
    window = (shape.since, shape.until - timedelta(seconds=1))
    return Report(describe(repo), built.seconds, window, collections, per_item)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        report = measure_all(args)
    except CollectionCrashedError as error:
        print(error, file=sys.stderr)
        return 1
    print(render_markdown(report))
    if args.json_path:
        document = asdict(report) | {
            "per_item_total": report.per_item.total,
            "targets": [asdict(t) for t in report.targets()],
            "environment": environment(argv),
        }
        text = json.dumps(document, indent=2, default=str) + "\n"
        args.json_path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
