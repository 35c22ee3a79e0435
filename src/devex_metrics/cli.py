"""The `devex-metrics` command line (SPEC §2).

Exit codes: 0 success (suppressed or missing metrics are a result, not an error);
1 a run-time failure; 2 bad usage or configuration, with a message naming the
file, the key and the fix.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from devex_metrics import __version__
from devex_metrics.argtypes import date, group_size, positive_int
from devex_metrics.config import config_json_schema, load_config
from devex_metrics.derive.people import opt_out_hash
from devex_metrics.errors import DevexError, UsageError
from devex_metrics.logs import report_error, setup_logging
from devex_metrics.merge.command import add_merge_parser, run_merge
from devex_metrics.publish.command import add_publish_parser, run_publish
from devex_metrics.scaffold import add_init_parser, run_init

_REPORT_EXAMPLE = """example:
  devex-metrics report --repo . --offline --out devex-report
  devex-metrics report --window-days 30 --until 2026-11-01 --coverage coverage.xml"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _add_report(sub: argparse._SubParsersAction[_Parser]) -> None:
    p = sub.add_parser("report", help="collect, compute, gate and render every output into --out",
                       description="Compute DORA and SPACE metrics for a repository and write "
                       "the report, JSON and history into --out (nothing else is written).",
                       epilog=_REPORT_EXAMPLE,
                       formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--repo", type=Path, default=Path(), help="git checkout (default: .)")
    p.add_argument("--github", metavar="OWNER/NAME",
                   help="GitHub repository (default: $GITHUB_REPOSITORY)")  # fmt: skip
    p.add_argument("--config", type=Path, help="config file (default: "
                   ".github/devex-metrics.yml in --repo, if it exists)")  # fmt: skip
    p.add_argument("--since", type=date, help="window start (default: --until − window days)")
    p.add_argument("--until", type=date, help="window end, exclusive (default: today 00:00 UTC)")
    p.add_argument("--window-days", type=positive_int, help="window length in days")
    p.add_argument("--min-group-size", type=group_size, help="k of the privacy gate")
    p.add_argument("--out", type=Path, default=Path("devex-report"),
                   help="output folder (default: devex-report)")  # fmt: skip
    p.add_argument("--coverage", type=Path, help="Cobertura XML, coverage.py JSON or lcov file")
    p.add_argument("--offline", action="store_true", help="git only: no GitHub data")
    p.add_argument("--no-sbom", action="store_true",
                   help="do not write the SBOM (overrides `outputs`)")  # fmt: skip
    p.add_argument("--cache-dir", type=Path, default=Path(".devex-metrics-cache"),
                   help="incremental cache folder (default: .devex-metrics-cache)")  # fmt: skip
    p.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    p.add_argument(
        "--org-secret-env",
        metavar="NAME",
        help="environment variable holding the org secret (keyed pseudonyms and sealed "
        "aggregates for devex-metrics merge; overrides privacy.org_secret_env)",
    )
    p.add_argument(
        "--unshallow",
        action="store_true",
        help="deepen a shallow clone (git fetch --unshallow) instead of failing",
    )


def _build_parser() -> _Parser:
    parser = _Parser(prog="devex-metrics", description="DORA and SPACE developer-experience "
                     "metrics from a repository's own history, gated for privacy.",
                     epilog="example: devex-metrics report --offline")  # fmt: skip
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logs")
    parser.add_argument("-q", "--quiet", action="store_true", help="warnings and errors only")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_report(sub)
    schema = sub.add_parser(
        "schema",
        help="print the JSON Schema of the config or metrics.json",
        epilog="example: devex-metrics schema config > config.schema.json",
    )
    schema.add_argument("which", choices=("config", "metrics"))
    hashing = sub.add_parser("opt-out-hash", help="print the sha256: line to add to the "
                             "opt-out file", epilog="example: devex-metrics opt-out-hash "
                             "octocat")  # fmt: skip
    hashing.add_argument("login_or_email")
    add_init_parser(sub)
    add_merge_parser(sub)
    add_publish_parser(sub)
    return parser


def _command_report(args: argparse.Namespace) -> int:
    from devex_metrics.pipeline import ReportOptions, run_report

    repo: Path = args.repo
    config, _ = load_config(args.config, repo)
    config = config.with_overrides(**{
        "window_days": args.window_days, "privacy.min_group_size": args.min_group_size,
        "privacy.org_secret_env": args.org_secret_env,
    })  # fmt: skip
    if args.no_sbom:
        config = config.with_overrides(outputs=[o for o in config.outputs if o != "sbom"])
    report = run_report(ReportOptions(
        repo=repo, config=config, out=args.out, now=datetime.now(UTC), since=args.since,
        until=args.until, repository_name=args.github or os.environ.get("GITHUB_REPOSITORY"),
        coverage=args.coverage, unshallow=args.unshallow, offline=args.offline,
        cache_dir=None if args.no_cache else args.cache_dir, env=dict(os.environ),
    ))  # fmt: skip
    suppressed = len(report.privacy.suppressed_ids)
    print(
        f"devex-metrics: report written to {args.out / 'report.md'} "
        f"({len(report.metrics)} metrics, {suppressed} suppressed by the privacy gate)"
    )
    if report.partial:
        report_error(
            "GitHub data is partial (the API rate-limit budget ran out); the report was "
            "written and says so. Re-run later, when the rate limit has reset."
        )
        return 1
    return 0


def _command_schema(args: argparse.Namespace) -> int:
    if args.which == "config":
        schema = config_json_schema()
    else:
        from devex_metrics.reporters.metrics_json import metrics_json_schema

        schema = metrics_json_schema()
    print(json.dumps(schema, indent=2, sort_keys=True))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
        setup_logging(-1 if args.quiet else args.verbose)
        if args.command == "report":
            return _command_report(args)
        if args.command == "schema":
            return _command_schema(args)
        if args.command == "init":
            return run_init(args)
        if args.command == "merge":
            return run_merge(args)
        if args.command == "publish":
            return run_publish(args)
        print(opt_out_hash(args.login_or_email))
        return 0
    except DevexError as exc:
        report_error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        report_error("interrupted")
        return 130
