"""Benchmark the local-history pipeline against a plain ``git log`` of the same commits.

Why this exists: the performance issue sets the budget of ``devex-metrics report
--offline`` relative to the cheapest possible read of the same history (one
``git log`` with the fields the product needs), plus an absolute memory ceiling.
Those targets only mean something on a repository the size of a busy,
decade-old project, and only if every run measures the same bytes: the
repository is generated and cached by ``synthetic_repo``, and this module only
measures and reports (timing and peak RSS via ``measure``).

This is a measurement, not a test: it exits 0 whatever the numbers are, and a
missing or failing ``devex-metrics`` command is reported, not raised.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Final

from measure import Sample, markdown_table, run_measured
from synthetic_repo import DAY, Build, Params, ensure_repository, git, git_env, repository_stats

RSS_LIMIT_MB: Final = 150.0
SHORT_WINDOW_FLOOR_S: Final = 1.5
TIMES: Final = "\u00d7"  # the multiplication sign, spelled out so linters don't flag it


@dataclass(frozen=True)
class Window:
    label: str
    days: int
    floor_s: float | None  # the 1.5 s floor applies to the short window only
    restrict_baseline: bool


@dataclass
class WindowResult:
    label: str
    window_days: int
    since: str
    commits: int
    baseline_runs_s: list[float] = field(default_factory=list)
    product_runs_s: list[float] = field(default_factory=list)
    product_peak_rss_mib: float | None = None
    product_error: str | None = None
    limit_s: float = 0.0
    target: str = ""
    passed: bool | None = None  # None: the product did not run
    missed: list[str] = field(default_factory=list)

    @property
    def baseline_s(self) -> float:
        return statistics.median(self.baseline_runs_s)

    @property
    def product_s(self) -> float | None:
        return statistics.median(self.product_runs_s) if self.product_runs_s else None


def windows(p: Params) -> list[Window]:
    everything = (p.end_ts - p.start_ts) // DAY + 1  # starts a day before the first commit
    return [
        Window("90 days", 90, SHORT_WINDOW_FLOOR_S, restrict_baseline=True),
        Window("all history", everything, None, restrict_baseline=False),
    ]


def product_command() -> list[str]:
    """The console script next to this interpreter, else ``python -m devex_metrics``."""
    script = Path(sys.executable).parent / "devex-metrics"
    return [str(script)] if script.exists() else [sys.executable, "-m", "devex_metrics"]


def measure_window(repo: Path, w: Window, p: Params, repeat: int) -> WindowResult:
    """Alternate baseline and product runs so drift in machine load hits both alike."""
    since = datetime.fromtimestamp(p.end_ts - w.days * DAY, tz=UTC).isoformat()
    commits = int(git(repo, "rev-list", "--count", f"--since={since}", "main"))
    result = WindowResult(w.label, w.days, since, commits)
    baseline = ["git", "-C", str(repo), "log", "main", "--format=%H%x00%P%x00%an%x00%ae%x00%at"]
    baseline += [f"--since={since}"] if w.restrict_baseline else []
    options = ["--offline", "--no-cache", "--until", p.end.isoformat(), "--window-days"]
    with tempfile.TemporaryDirectory(prefix="devex-bench-") as tmp:
        for run in range(repeat):
            result.baseline_runs_s.append(run_measured(baseline, Path(tmp), git_env()).wall_s)
            if result.product_error is None:
                out = Path(tmp) / f"out-{run}"
                cmd = [*product_command(), "report", "--repo", str(repo), "--out", str(out)]
                _record_product(
                    result, run_measured([*cmd, *options, str(w.days)], Path(tmp), git_env())
                )
    _judge(result, w)
    return result


def _record_product(result: WindowResult, sample: Sample) -> None:
    if sample.returncode != 0:
        result.product_error = f"exit {sample.returncode}: {sample.stderr[-2000:]}"
        print(
            f"devex-metrics failed on window '{result.label}' ({result.product_error})",
            file=sys.stderr,
        )
        return
    result.product_runs_s.append(sample.wall_s)
    peak = sample.peak_rss_kib / 1024
    result.product_peak_rss_mib = max(peak, result.product_peak_rss_mib or 0.0)


def _judge(r: WindowResult, w: Window) -> None:
    """Targets from the issue: time relative to the baseline, memory absolute."""
    r.limit_s = max(2 * r.baseline_s, w.floor_s or 0.0)
    rule = f"max(2{TIMES} baseline, {w.floor_s} s)" if w.floor_s else f"2{TIMES} baseline"
    r.target = f"≤ {r.limit_s:.2f} s [{rule}]; ≤ {RSS_LIMIT_MB:.0f} MB"
    if r.product_s is not None and r.product_peak_rss_mib is not None:
        r.missed = [
            *(["time"] if r.product_s > r.limit_s else []),
            *(["memory"] if r.product_peak_rss_mib > RSS_LIMIT_MB else []),
        ]
        r.passed = not r.missed


# ---- reporting -------------------------------------------------------------------
def _verdict(r: WindowResult) -> str:
    if r.passed is None:
        return "n/a (product did not run)"
    return "pass" if r.passed else f"**FAIL** ({', '.join(r.missed)})"


RESULT_HEADER: Final = (
    "window",
    "commits",
    "baseline git log (s)",
    "devex-metrics (s)",
    "ratio",
    "peak RSS (MB)",
    "target",
    "result",
)


def _row(r: WindowResult) -> list[str]:
    product = r.product_s
    ratio = f"{product / r.baseline_s:.2f}" if product is not None else "-"
    rss = f"{r.product_peak_rss_mib:.0f}" if r.product_peak_rss_mib is not None else "-"
    shown = f"{product:.3f}" if product is not None else "-"
    return [
        r.label,
        f"{r.commits:,}",
        f"{r.baseline_s:.3f}",
        shown,
        ratio,
        rss,
        r.target,
        _verdict(r),
    ]


def render_markdown(build: Build, stats: dict[str, int], results: Sequence[WindowResult]) -> str:
    how = "reused; built" if build.reused else "built"
    lines = [
        "## devex-metrics local-history benchmark",
        "",
        f"Synthetic repository `{build.repo}` ({how} in {build.seconds:.1f} s): "
        f"{stats['commits']:,} commits, {stats['merges']:,} merges, {stats['tags']:,} tags, "
        f"{stats['reverts']:,} reverts, {stats['author_identities']} author identities.",
        f"Also: {stats['annotated_tags']:,} annotated tags, {stats['tags_off_first_parent']} off "
        f"the first-parent line; {stats['hotfix_merges']} hotfix merges; "
        f"{stats['bot_commits']:,} bot commits; {stats['ai_trailer_commits']:,} with AI "
        f"trailers; {stats['mailmapped_identities']} identities after .mailmap; "
        f"{stats['packs']} pack ({stats['pack_kib'] / 1024:.0f} MiB), "
        f"{stats['loose_objects']} loose objects.",
    ]
    if not results:
        return "\n".join(lines) + "\n"
    repeat = len(results[0].baseline_runs_s)
    lines += [
        f"Times are medians of {repeat} runs; peak RSS is the largest over runs (MB = MiB).",
        "",
        *markdown_table(RESULT_HEADER, [_row(r) for r in results], "lrrrrrll"),
    ]
    return "\n".join(lines) + "\n"


def to_json(p: Params, build: Build, stats: dict[str, int], results: Sequence[WindowResult]) -> str:
    runs = [asdict(r) | {"baseline_s": r.baseline_s, "product_s": r.product_s} for r in results]
    document = {
        "params": p.stamp(),
        "generation": {"seconds": build.seconds, "reused": build.reused, "repo": str(build.repo)},
        "repository": stats,
        "git": git(build.repo, "version").strip(),
        "python": sys.version.split()[0],
        "windows": runs,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time `devex-metrics report --offline` against `git log` on a large "
        "synthetic repository (built once with git fast-import, then reused).",
        epilog="example: python benchmarks/git_history.py --repeat 3 --json bench.json",
    )
    here = Path(__file__).resolve().parent
    parser.add_argument("--work", type=Path, default=here / ".work", help="build folder")
    parser.add_argument(
        "--end",
        type=date.fromisoformat,
        default=date(2026, 11, 1),
        help="end of the history and of both windows (00:00 UTC, exclusive)",
    )
    parser.add_argument("--commits", type=int, default=100_000, help="commits on main")
    parser.add_argument("--tags", type=int, default=1_200, help="release tags to aim for")
    parser.add_argument("--seed", type=int, default=20_261_101, help="generator seed")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (median)")
    parser.add_argument("--json", type=Path, dest="json_path", help="also write the numbers")
    parser.add_argument("--build-only", action="store_true", help="build and verify only")
    args = parser.parse_args(argv)
    if args.commits < 1_000 or args.tags < 1 or args.repeat < 1:
        parser.error("--commits must be >= 1000, --tags and --repeat >= 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    params = Params(args.commits, args.tags, args.seed, args.end)
    print(f"preparing the repository under {args.work} ...", file=sys.stderr)
    build = ensure_repository(params, args.work.resolve())
    stats = repository_stats(build.repo)
    results: list[WindowResult] = []
    if not args.build_only:
        git(build.repo, "log", "main", "--format=%H%x00%P")  # warm the page cache, untimed
        for w in windows(params):
            print(f"measuring window '{w.label}' ...", file=sys.stderr)
            results.append(measure_window(build.repo, w, params, args.repeat))
    print(render_markdown(build, stats, results))
    if args.json_path:
        args.json_path.write_text(to_json(params, build, stats, results), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
