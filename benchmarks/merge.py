"""Benchmark ``devex-metrics merge`` of 1,000 repositories' ``metrics.json``.

Why this exists: the organisation-scale issue sets a budget for the final job of
the Actions matrix: merging 1,000 repository outputs within 5 s and 300 MB peak
RSS. The inputs must look like real ones, so each is written by the product's own
gate and reporter: every catalogue metric for the current and the previous
window, percentile metrics with about 100 samples (so sketches of realistic
size), people sets of 5 to 50 drawn from one org-wide pool and written as salted
pseudonyms with an org secret, friction breakdowns, and a few metrics below k
(so sealed aggregates are opened too).

This is a measurement, not a test: it exits 0 whatever the numbers are. The merge
runs in a fresh child process measured by ``measure.run_measured`` (wall time and
peak RSS of the process tree). When the CLI does not offer ``merge`` yet, the
child is this script's ``--child`` mode, which calls the same command function.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from measure import Stopwatch, markdown_table, run_measured

from devex_metrics.metrics.aggregate import Aggregate, count_parts, mean_parts, ratio_parts
from devex_metrics.metrics.catalogue import CATALOGUE, MetricSpec
from devex_metrics.metrics.combine import RECIPES, combine
from devex_metrics.metrics.result import Cell, MetricResult, MetricSet
from devex_metrics.model import RepositoryInfo, Window
from devex_metrics.privacy.gate import apply_gate
from devex_metrics.privacy.orgkeys import OrgKeys
from devex_metrics.reporters.metrics_json import render_metrics_json

TIME_LIMIT_S: Final = 5.0
RSS_LIMIT_MB: Final = 300.0
SECRET_ENV: Final = "DEVEX_METRICS_ORG_SECRET"  # noqa: S105 - a variable name, not a secret
SECRET: Final = secrets.token_urlsafe(32)  # a fresh org secret per run
WINDOW: Final = Window(datetime(2026, 8, 3, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))
POOL: Final = 5_000
CATEGORIES: Final = ("Build & CI", "Tests", "Code review", "Tooling", "Process")


def _people(rng: random.Random) -> frozenset[str]:
    """5–50 people of the org pool; about 1 in 30 sets is below k = 5."""
    size = rng.randint(2, 4) if rng.random() < 1 / 30 else rng.randint(5, 50)
    return frozenset(f"dev{n:05d}@bench.example" for n in rng.sample(range(POOL), size))


def _parts(spec: MetricSpec, rng: random.Random) -> Aggregate:
    """Realistic parts for one metric (the shapes the metric functions produce)."""
    kind = RECIPES[spec.id].kind
    n = rng.randint(20, 200)
    if kind == "distribution":
        return Aggregate(
            samples=tuple(rng.lognormvariate(3, 1.2) for _ in range(rng.randint(80, 120)))
        )
    if kind in ("count", "people"):
        return count_parts(count=n)
    if kind == "weekly":
        return count_parts(deployments=rng.randint(1, 60))
    if kind == "mean":
        return mean_parts([float(rng.randint(1, 5)) for _ in range(n)], invalid_answers=0)
    if kind == "nps":
        return count_parts(denominator=n, promoters=n // 3, detractors=n // 4, invalid_answers=0)
    if kind == "coverage":
        return Aggregate(
            counts={"lines_covered": n * 40, "lines_valid": n * 50}, tags=("cobertura",)
        )
    return ratio_parts(rng.randint(0, n), n)


def _friction_cells(people: frozenset[str], rng: random.Random) -> dict[str, dict[str, Cell]]:
    members = sorted(people)
    cells: dict[str, Cell] = {}
    for index, name in enumerate(CATEGORIES):
        group = frozenset(members[index :: len(CATEGORIES)])
        cells[name] = Cell(float(len(group) + rng.randint(0, 5)), group)
    return {"category": cells}


def _metric_set(window: Window, rng: random.Random) -> MetricSet:
    results: dict[str, MetricResult] = {}
    for spec in CATALOGUE:
        if spec.id == "health.score":
            continue
        people = None if spec.people.value == "system" else _people(rng)
        cells = (
            _friction_cells(people, rng) if people and spec.id.endswith("friction_reports") else {}
        )
        results[spec.id] = combine(spec, _parts(spec, rng), window, people=people, breakdowns=cells)
    return MetricSet(window, results, "tags")


def write_inputs(root: Path, repositories: int, seed: int = 7) -> int:
    """Write `repositories` metrics.json files under `root`; returns their total bytes."""
    keys = OrgKeys.from_secret(SECRET)
    total = 0
    for number in range(repositories):
        rng = random.Random(seed * 100_003 + number)
        report = apply_gate(
            _metric_set(WINDOW, rng), _metric_set(WINDOW.previous(), rng), min_group_size=5,
            opt_out_entries=0, generated_at=WINDOW.end, tool_version="bench",
            repository=RepositoryInfo(f"acme/service-{number:04d}", "main", "0" * 40),
            sources=(), commit_range=(None, None), org_keys=keys,
        )  # fmt: skip
        path = root / f"{number:04d}" / "metrics.json"
        path.parent.mkdir(parents=True)
        content = render_metrics_json(report).content
        path.write_bytes(content)
        total += len(content)
    return total


def _cli_has_merge() -> bool:
    done = subprocess.run([sys.executable, "-m", "devex_metrics", "merge", "--help"],
                          capture_output=True, check=False)  # fmt: skip
    return done.returncode == 0


def merge_command(inputs: Path, out: Path) -> list[str]:
    """`devex-metrics merge` when the CLI offers it, else this script's child mode."""
    tail = [str(inputs), "--out", str(out), "--org-secret-env", SECRET_ENV]
    if _cli_has_merge():
        return [sys.executable, "-m", "devex_metrics", "-q", "merge", *tail]
    return [sys.executable, str(Path(__file__).resolve()), "--child", *tail]


def _child(argv: Sequence[str]) -> int:
    """Run the merge command in this process (for CLIs without `merge` wired yet)."""
    from devex_metrics.logs import setup_logging
    from devex_metrics.merge.command import add_merge_parser, run_merge

    setup_logging(-1)
    parser = argparse.ArgumentParser(prog="devex-metrics")
    add_merge_parser(parser.add_subparsers(dest="command"))
    return run_merge(parser.parse_args(["merge", *argv]))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repositories", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        return _child(args.child)
    with tempfile.TemporaryDirectory(prefix="devex-merge-bench-") as tmp:
        root = Path(tmp)
        with Stopwatch() as generating:
            size = write_inputs(root / "in", args.repositories)
        command = merge_command(root / "in", root / "out")
        env = {**os.environ, SECRET_ENV: SECRET}
        runs = []
        for _ in range(args.repeat):
            shutil.rmtree(root / "out", ignore_errors=True)
            runs.append(run_measured(command, cwd=root, env=env))
        failed = [run for run in runs if run.returncode != 0]
        if failed:
            print(failed[0].stderr, file=sys.stderr)
        wall = statistics.median(run.wall_s for run in runs)
        peak = max(run.peak_rss_mib for run in runs)
        passed = not failed and wall <= TIME_LIMIT_S and peak <= RSS_LIMIT_MB
        row = [f"{args.repositories:,}", f"{size / 2**20:.1f}", f"{generating.seconds:.1f}",
               f"{wall:.2f}", f"{peak:.0f}", f"≤ {TIME_LIMIT_S:g} s; ≤ {RSS_LIMIT_MB:g} MB",
               "pass" if passed else "**FAIL**"]  # fmt: skip
        header = ["repositories", "inputs (MB)", "generate (s)", "merge (s)", "peak RSS (MB)",
                  "target", "result"]  # fmt: skip
        print(f"command: {' '.join(command[1:] if command[1] == '-m' else command)}")
        print("\n".join(markdown_table(header, [row], "rrrrrll")))
        if args.json:
            numbers = {"repositories": args.repositories, "inputs_bytes": size,
                       "merge_runs_s": [r.wall_s for r in runs], "peak_rss_mib": peak,
                       "passed": passed}  # fmt: skip
            args.json.write_text(json.dumps(numbers, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
