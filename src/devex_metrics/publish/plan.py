"""What a publish will do, decided before any request: commit or not, comment on which
pull request or not, and why not (SPEC §10; the rules are in `command`'s docstring).

Deciding first keeps `--dry-run` honest (it prints this plan, and the real run
follows the same plan) and turns impossible requests (`--commit always` without a
token) into usage errors before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from devex_metrics.errors import UsageError
from devex_metrics.publish.event import COMMIT_EVENTS, Event, read_event
from devex_metrics.publish.files import Destination

_HOW_TO_CONNECT = "set GITHUB_TOKEN (or GH_TOKEN) and GITHUB_REPOSITORY (or --github OWNER/NAME)"


@dataclass(frozen=True)
class Plan:
    commit: bool
    comment_on: int | None
    comment_mode: str
    event: Event
    skipped: tuple[str, ...] = ()

    @property
    def needs_github(self) -> bool:
        return self.commit or self.comment_on is not None


def _commit(mode: str, event: Event, has_token: bool, skipped: list[str]) -> bool:
    if mode == "never":
        return False
    if mode == "always":
        if not has_token:
            raise UsageError(f"--commit always needs a token: {_HOW_TO_CONNECT}.")
        return True
    if event.name not in COMMIT_EVENTS:
        where = f"a {event.name} run" if event.name else "outside GitHub Actions"
        skipped.append(f"no commit: --commit auto commits on {', '.join(COMMIT_EVENTS)} runs, "
                       f"not in {where} (use --commit always to force one)")  # fmt: skip
        return False
    if not has_token:
        skipped.append(f"no commit: no token ({_HOW_TO_CONNECT})")
        return False
    return True


def _comment(
    mode: str, event: Event, pr_number: int | None, has_token: bool, skipped: list[str]
) -> int | None:
    if mode == "never":
        return None
    number = pr_number or (event.pull_request.number if event.pull_request else None)
    if number is None:
        if mode == "always":
            raise UsageError("--pr-comment always, but this run is not for a pull request: "
                             "pass --pr-number N or run on pull_request events.")  # fmt: skip
        return None
    if not has_token:
        if mode == "always":
            raise UsageError(f"--pr-comment always needs a token: {_HOW_TO_CONNECT}.")
        skipped.append(f"no pull request comment: no token ({_HOW_TO_CONNECT})")
        return None
    return number


def decide(
    *,
    commit: str,
    comment: str,
    pr_number: int | None,
    env: Mapping[str, str],
    has_token: bool,
) -> Plan:
    event = read_event(env)
    skipped: list[str] = []
    do_commit = _commit(commit, event, has_token, skipped)
    number = _comment(comment, event, pr_number, has_token, skipped)
    return Plan(do_commit, number, comment, event, tuple(skipped))


def describe(plan: Plan, files: Mapping[str, bytes], destination: Destination) -> str:
    """The `--dry-run` text: every file with its size and target, then the decisions."""
    where = f"{destination.branch}:{destination.folder or '/'}"
    lines = [f"devex-metrics publish (dry run): {len(files)} files for {where}"]
    lines += [f"  {destination.path_of(path)}  ({len(content):,} bytes)"
              for path, content in sorted(files.items())]  # fmt: skip
    lines.append(f"commit: {'yes, one commit onto ' + destination.branch if plan.commit else 'no'}")
    if plan.comment_on is not None:
        lines.append(f"pull request comment: yes, on #{plan.comment_on}")
    else:
        lines.append("pull request comment: no")
    lines += [f"  ({reason})" for reason in plan.skipped]
    return "\n".join(lines)
