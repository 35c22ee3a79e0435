"""`devex-metrics merge IN... --out DIR`: one organisation report from many
repositories' `metrics.json` (SPEC §2, §9).

The pipeline mirrors `report` with a different front: read and check the inputs
(streaming, one file in memory at a time) → recompute every metric from the merged
aggregates → the privacy gate at organisation level (k, the per-repository table
with complementary suppression, the health score from the merged metrics) →
every reporter through `render_all` → `--out`, all files or none. The output's
own `metrics.json` carries aggregates again, so organisations merge further.

Exit codes: 0 success; 2 a bad input (named) or a bad option.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from devex_metrics import __version__
from devex_metrics.argtypes import group_size
from devex_metrics.config import OUTPUT_KINDS
from devex_metrics.errors import UsageError
from devex_metrics.logs import stage
from devex_metrics.merge.inputs import InputChecks, read_inputs
from devex_metrics.merge.organisation import CURRENT, PREVIOUS, OrgMerge
from devex_metrics.model import RepositoryInfo, SourceUse
from devex_metrics.privacy.gate import apply_gate
from devex_metrics.privacy.orgkeys import OrgKeys, org_keys_from_env
from devex_metrics.privacy.report import PublishedReport
from devex_metrics.publish.outdir import read_previous_history, write_output
from devex_metrics.reporters import render_all

DEFAULT_OUT = Path("devex-org-report")
ORG_BRANCH = "*"  # an organisation has no one default branch
MERGE_OUTPUTS = tuple(kind for kind in OUTPUT_KINDS if kind != "sbom")

_EXAMPLE = """examples:
  devex-metrics merge reports/ --out org-report
  DEVEX_METRICS_ORG_SECRET=... devex-metrics merge a/metrics.json b/metrics.json \\
      --org-secret-env DEVEX_METRICS_ORG_SECRET --name acme --out org-report"""


@dataclass(frozen=True)
class MergeOptions:
    inputs: Sequence[Path]
    out: Path
    now: datetime
    name: str | None = None
    min_group_size: int | None = None
    keys: OrgKeys | None = None
    outputs: Sequence[str] = MERGE_OUTPUTS


def add_merge_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register `merge` on the CLI's subcommands (wired in `cli.py`)."""
    parser = subparsers.add_parser(
        "merge",
        help="merge many repositories' metrics.json into one organisation report",
        description="Combine metrics.json files (or folders holding them, searched "
        "recursively) of one report window into an organisation report with every "
        "output in --out. Counts and ratios merge exactly, percentiles within 1 %; the "
        "privacy gate applies again at organisation level.",
        epilog=_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "inputs",
        nargs="+",
        type=Path,
        metavar="IN",
        help="a metrics.json file, or a folder holding some",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT})"
    )
    parser.add_argument(
        "--name", help="the report's name (default: the repositories' common owner, e.g. acme)"
    )
    parser.add_argument(
        "--min-group-size",
        type=group_size,
        help="k of the organisation's privacy gate (default: the largest k of the inputs)",
    )
    parser.add_argument(
        "--org-secret-env",
        metavar="NAME",
        help="environment variable "
        "holding the org secret the reports were written with (opens sealed "
        "aggregates; people are de-duplicated by pseudonym)",
    )


def _report_name(names: Sequence[str]) -> str:
    owners = {name.split("/", 1)[0] for name in names if "/" in name}
    return owners.pop() if len(owners) == 1 and all("/" in n for n in names) else "organisation"


def build_org_report(options: MergeOptions) -> PublishedReport:
    """Read, merge and gate: the pure-but-for-reading middle of `merge`."""
    checks = InputChecks(options.keys)
    merge = OrgMerge(options.keys)
    with stage("read and merge"):
        for path, document in read_inputs(options.inputs, checks):
            merge.add(str(path), document)
    assert checks.window is not None
    k = options.min_group_size or merge.min_group_size
    name = options.name or _report_name(sorted(checks.names))
    current = merge.metric_set(CURRENT, checks.window, checks.key_id)
    previous = merge.metric_set(PREVIOUS, checks.window.previous(), checks.key_id)
    sources = (
        *(SourceUse(source, count) for source, count in sorted(merge.sources.items())),
        SourceUse("metrics.json", merge.inputs, "repository reports merged"),
    )
    with stage("privacy gate"):
        return apply_gate(
            current,
            previous,
            min_group_size=k,
            opt_out_entries=merge.opt_outs,
            generated_at=options.now,
            tool_version=__version__,
            repository=RepositoryInfo(name, ORG_BRANCH, None),
            sources=sources,
            commit_range=(None, None),
            partial=merge.partial,
            org_keys=options.keys,
        )


def merge_reports(options: MergeOptions) -> PublishedReport:
    """`merge` end to end: the organisation report written to `options.out`."""
    report = build_org_report(options)
    with stage("render"):
        artifacts = render_all(report, read_previous_history(options.out), options.outputs)
    with stage("write"):
        write_output(options.out, artifacts)
    return report


def merge_keys(env_name: str | None, env: Mapping[str, str]) -> OrgKeys | None:
    """The org keys for `merge`: a named variable must hold the secret (the merge job
    is where it is needed, so an empty one is an error, not a silent partial merge)."""
    keys = org_keys_from_env(env_name, env)
    if env_name and keys is None:
        raise UsageError(
            f"--org-secret-env {env_name}: the variable is empty or unset. Pass "
            "the org secret in it (e.g. env: from secrets.DEVEX_METRICS_ORG_SECRET) "
            "or leave out --org-secret-env."
        )
    return keys


def run_merge(
    args: argparse.Namespace, env: Mapping[str, str] | None = None, now: datetime | None = None
) -> int:
    """The `merge` command; raises `UsageError` (exit 2) naming a bad input."""
    keys = merge_keys(args.org_secret_env, os.environ if env is None else env)
    report = merge_reports(
        MergeOptions(
            inputs=args.inputs,
            out=args.out,
            now=now or datetime.now(UTC),
            name=args.name,
            min_group_size=args.min_group_size,
            keys=keys,
        )
    )
    inputs = report.sources[-1].requests  # the "metrics.json" source: files merged
    print(
        f"devex-metrics: merged {inputs} repository reports into "
        f"{args.out / 'report.md'} ({len(report.privacy.suppressed_ids)} metrics suppressed "
        "by the privacy gate)"
    )
    return 0
