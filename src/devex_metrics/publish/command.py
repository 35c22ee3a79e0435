"""`devex-metrics publish`: put a report folder where people read it (SPEC §2, §10).

One run, in this order, so that whatever fails later, the earlier results stand:
step outputs and the job summary (local files, never fail on GitHub) → the commit
onto the report branch → the survey issues recorded (only when asked:
`--record-surveys` or `surveys.record`; see `surveys`) → the pull request comment →
a closing line in the job summary saying what was published.

Decisions (`--commit`, `--pr-comment`):
- commit `auto` commits on `schedule`, `workflow_dispatch` and `push` runs, never
  on pull requests and never outside Actions; `always` commits whatever the event
  (and needs a token); `never` does not.
- comment `auto` comments on `pull_request`/`pull_request_target` runs, or on the
  pull request `--pr-number` names (the `workflow_run` pattern); `always` makes a
  missing pull request a usage error; `never` does not. A read-only token is not
  a failure: the job summary says why there is no comment and the run exits 0.
- with `--pr-number` in a `workflow_run` run, the pull request's head must be the
  commit that run built, so an artifact cannot steer the comment to another PR.
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the CLI builds every parser at start-up: keep PyGithub out of that
    from devex_metrics.collect.github.settings import GitHubSettings
    from devex_metrics.config import Config
    from devex_metrics.publish.files import Destination
    from devex_metrics.publish.folder import ReportFolder
    from devex_metrics.publish.plan import Plan

MODES = ("auto", "always", "never")

log = logging.getLogger(__name__)

EXAMPLE = """examples:
  devex-metrics publish --out devex-report     # in Actions: commit or comment, as the event asks
  devex-metrics publish --dry-run              # print what would be written
  devex-metrics publish --commit always --branch devex-metrics --path reports
  devex-metrics publish --restore-history --out devex-report   # before `report`: keep trends"""


def add_publish_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add `publish` to the CLI's subparsers (an ``argparse._SubParsersAction``)."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "publish",
        help="commit --out to the report branch, upsert the PR comment, write the job "
        "summary and step outputs",
        description="Publish a report folder inside GitHub: one verified commit on the "
        "report branch, one sticky pull request comment, the job summary and step outputs.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--out", type=Path, default=Path("devex-report"), metavar="DIR",
                   help="report folder to publish (default: devex-report)")  # fmt: skip
    p.add_argument("--repo", type=Path, default=Path(), metavar="PATH",
                   help="checkout whose config file applies (default: .)")  # fmt: skip
    p.add_argument("--config", type=Path, metavar="FILE", help="config file (default: "
                   ".github/devex-metrics.yml in --repo, if it exists)")  # fmt: skip
    p.add_argument("--github", metavar="OWNER/NAME",
                   help="GitHub repository (default: $GITHUB_REPOSITORY)")  # fmt: skip
    p.add_argument(
        "--branch", metavar="NAME", help="report branch (default: publish.branch, devex-metrics)"
    )
    p.add_argument(
        "--path",
        metavar="FOLDER",
        help="folder on the report branch (default: publish.path, the root)",
    )
    p.add_argument("--commit", choices=MODES, default="auto",
                   help="commit to the report branch: auto (schedule, workflow_dispatch, "
                   "push), always, never (default: auto)")  # fmt: skip
    p.add_argument(
        "--pr-comment",
        choices=MODES,
        help="pull request comment: auto, always, never (default: publish.pr_comment)",
    )
    p.add_argument("--pr-number", type=int, metavar="N",
                   help="comment on pull request N (the workflow_run pattern)")  # fmt: skip
    p.add_argument("--no-job-summary", action="store_true",
                   help="do not append summary.md to $GITHUB_STEP_SUMMARY")  # fmt: skip
    p.add_argument("--restore-history", action="store_true",
                   help="only copy history.jsonl from the report branch into --out "
                   "(run before `report`, so trends span runs), then exit")  # fmt: skip
    p.add_argument("--record-surveys", action="store_true",
                   help="after the commit, label the survey issues the report counted "
                   "devex-recorded, close and lock them (needs issues: write; "
                   "default: surveys.record, off)")  # fmt: skip
    p.add_argument("--dry-run", action="store_true",
                   help="print what would be written, write nothing")  # fmt: skip
    return p


def _destination(args: argparse.Namespace, config: Config) -> Destination:
    from devex_metrics.publish.files import Destination, check_branch_name, normalise_folder

    branch = check_branch_name(args.branch or config.publish.branch)
    folder = normalise_folder(args.path if args.path is not None else config.publish.path)
    return Destination(branch, folder)


def run_publish(args: argparse.Namespace, env: Mapping[str, str] | None = None) -> int:
    """Run `publish`; raises `DevexError` (exit 1 or 2) for the CLI to report."""
    from devex_metrics.collect.github.client import GitHubClient
    from devex_metrics.collect.github.settings import github_settings_from_env
    from devex_metrics.config import load_config
    from devex_metrics.logs import stage
    from devex_metrics.publish import plan as planning
    from devex_metrics.publish.api import Api
    from devex_metrics.publish.files import place, read_out_dir
    from devex_metrics.publish.folder import read_report_folder
    from devex_metrics.publish.outputs import annotate, append_summary
    from devex_metrics.publish.run import PublishRun

    env = os.environ if env is None else env
    config, _ = load_config(args.config, args.repo)
    destination = _destination(args, config)
    settings = github_settings_from_env(env, args.github)
    if args.restore_history:
        return _restore_history(args.out, destination, settings)
    files = read_out_dir(args.out)
    place(files, destination)  # refuse .github/workflows/ and escaping paths: exit 2
    folder = read_report_folder(args.out, files)
    plan = planning.decide(
        commit=args.commit,
        comment=args.pr_comment or config.publish.pr_comment,
        pr_number=args.pr_number,
        env=env,
        has_token=settings is not None,
    )
    record = bool(args.record_surveys or config.surveys.record)
    if args.dry_run:
        print(planning.describe(plan, files, destination))
        if record:
            print(_describe_recording(args, env, config, plan, folder))
        return 0
    _local_outputs(args, env, folder)
    for reason in plan.skipped:  # a missing token is worth an annotation; the rest is routine
        if "no token" in reason:
            annotate("notice", reason)
        else:
            log.info("%s", reason)
    if not plan.needs_github or settings is None:
        return 0
    client = GitHubClient(settings)
    try:
        with stage("publish"):
            run = PublishRun(Api(client), destination, config, repo=args.repo, env=env,
                             record_surveys=record)  # fmt: skip
            lines = run.execute(plan, files, folder)
    finally:
        client.close()
        log.info("publish: %d GitHub requests", client.requests)
    for line in lines:
        print(f"devex-metrics: {line}")
    summary = env.get("GITHUB_STEP_SUMMARY")
    if summary and not args.no_job_summary and lines:
        append_summary(Path(summary), "\n".join(f"- {line}" for line in lines))
    return 0


def _describe_recording(
    args: argparse.Namespace,
    env: Mapping[str, str],
    config: Config,
    plan: Plan,
    folder: ReportFolder,
) -> str:
    """The dry run's line about survey issues (no request: it says which, not how many)."""
    from devex_metrics.publish.surveys import describe_recording, recording_blocker, survey_target

    repository = args.github or env.get("GITHUB_REPOSITORY") or "this repository"
    blocker = recording_blocker(commit=plan.commit, event=plan.event.name, document=folder.document)
    return describe_recording(survey_target(config, repository), folder.document, blocker)


def _local_outputs(args: argparse.Namespace, env: Mapping[str, str], folder: ReportFolder) -> None:
    """Step outputs and the job summary: plain files the runner reads after the step."""
    from devex_metrics.publish.outputs import append_summary, write_outputs

    output = env.get("GITHUB_OUTPUT")
    if output:
        write_outputs(Path(output), folder.step_outputs())
    summary = env.get("GITHUB_STEP_SUMMARY")
    if summary and not args.no_job_summary and folder.summary is not None:
        append_summary(Path(summary), folder.summary)


def _restore_history(out: Path, destination: Destination, settings: GitHubSettings | None) -> int:
    from devex_metrics.collect.github.client import GitHubClient
    from devex_metrics.publish.api import Api
    from devex_metrics.publish.outputs import annotate
    from devex_metrics.publish.restore import restore_history

    if settings is None:
        annotate("notice", "no history restored: set GITHUB_TOKEN and GITHUB_REPOSITORY")
        return 0
    client = GitHubClient(settings)
    try:
        restored = restore_history(Api(client), destination, out)
    finally:
        client.close()
    print(f"devex-metrics: {restored}")
    return 0
