"""`devex-metrics init`: scaffold the workflow, the issue forms and the config file
into a repository (SPEC §2, §10, §11).

Rendering is pure (`scaffold_files` returns bytes per path); only `write_files`,
`git_toplevel` and `origin_repository` touch the outside world. Invariants:

- nothing is ever overwritten without `--force`, and a run writes either every
  file or none (conflicts are found before anything is written, files are staged
  next to their target and renamed into place only when all are staged);
- the issue forms are the package's bytes, never a copy kept in sync by hand;
- the scaffolded config changes nothing (every key is commented out at its
  default), so `init` never alters what `report` measures;
- the workflow holds no `${{ }}` inside a `run:` script (it has no `run:` at all)
  and pins every third-party action it uses by commit SHA.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined

from devex_metrics.config import DEFAULT_CONFIG_PATH, PublishConfig
from devex_metrics.errors import RunError, UsageError

DEFAULT_ACTION = "devex-metrics/devex-metrics@v1"
WORKFLOW_PATH = Path(".github/workflows/devex-metrics.yml")
FORMS_DIR = Path(".github/ISSUE_TEMPLATE")
FORM_NAMES = ("devex-pulse.yml", "devex-friction.yml")

# Third-party actions the workflow uses, pinned by commit SHA with the release the
# SHA belongs to (GitHub's hardening guide: a tag can be moved, a SHA cannot).
# Sources: https://github.com/actions/checkout/releases/tag/v4.2.2 and
# https://github.com/actions/cache/commit/5a3ec84eff668545956fd18022155c47e93e2684 (v4.2.3).
CHECKOUT = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2"
CACHE = "actions/cache@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3"
CACHE_RESTORE = "actions/cache/restore@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3"

# zizmor's unpinned-uses audit wants third-party actions pinned by SHA. A release
# tag of devex-metrics itself is the default because it follows fixes; the waiver
# travels with the file so a user's own zizmor run explains it.
_TAG_WAIVER = " # zizmor: ignore[unpinned-uses] own release tag; to pin a SHA: init --action"

_NAME = r"[A-Za-z0-9_.-]+"
_REPOSITORY = re.compile(rf"^{_NAME}/{_NAME}$")
_REMOTE_ACTION = re.compile(rf"^{_NAME}/{_NAME}(/[A-Za-z0-9_./-]+)?@[A-Za-z0-9_./-]+$")
_LOCAL_ACTION = re.compile(r"^\./[A-Za-z0-9_./-]*$")
_SHA_PINNED = re.compile(r"@[0-9a-f]{40}$")
_SCP_REMOTE = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>[^/].*)$")

_EXAMPLE = """examples:
  devex-metrics init                       # scaffold into the repository in .
  devex-metrics init ../service --repository acme/service
  devex-metrics init --force --action devex-metrics/devex-metrics@<commit-sha>"""


@dataclass(frozen=True)
class ScaffoldFile:
    """One file `init` writes: a path relative to the repository root, and its bytes."""

    path: Path
    content: bytes


def workflow_environment() -> Environment:
    """Square-bracket delimiters keep GitHub's `${{ }}` literal in the template."""
    return Environment(
        loader=PackageLoader("devex_metrics.templates", "init"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 - YAML, not HTML; every value is validated
        variable_start_string="[[",
        variable_end_string="]]",
        block_start_string="[%",
        block_end_string="%]",
        comment_start_string="[#",
        comment_end_string="#]",
    )


def check_action_ref(action: str) -> str:
    """Refuse a reference that is not `OWNER/NAME[/PATH]@REF` or `./PATH`: the value
    lands unquoted in YAML, so anything else could change the workflow's meaning."""
    if _REMOTE_ACTION.match(action) or _LOCAL_ACTION.match(action):
        return action
    raise UsageError(
        f"--action '{action}' is not an action reference. Use OWNER/NAME@REF "
        f"(e.g. {DEFAULT_ACTION} or OWNER/NAME@<40-hex commit SHA>) or a local ./PATH."
    )


def render_workflow(action: str = DEFAULT_ACTION) -> str:
    """The workflow text for the action reference `action`."""
    action = check_action_ref(action)
    pinned = bool(_SHA_PINNED.search(action)) or action.startswith("./")
    template = workflow_environment().get_template("devex-metrics.yml.j2")
    return template.render(
        action=action,
        action_waiver="" if pinned else _TAG_WAIVER,
        checkout=CHECKOUT,
        cache=CACHE,
        cache_restore=CACHE_RESTORE,
    )


def _package_bytes(*parts: str) -> bytes:
    return files("devex_metrics.templates").joinpath(*parts).read_bytes()


def scaffold_files(action: str = DEFAULT_ACTION) -> tuple[ScaffoldFile, ...]:
    """Everything `init` writes, in the order it is reported."""
    forms = tuple(
        ScaffoldFile(FORMS_DIR / name, _package_bytes("issue_forms", name)) for name in FORM_NAMES
    )
    return (
        ScaffoldFile(WORKFLOW_PATH, render_workflow(action).encode("utf-8")),
        *forms,
        ScaffoldFile(DEFAULT_CONFIG_PATH, _package_bytes("init", "config.yml")),
    )


def find_conflicts(root: Path, scaffold: Sequence[ScaffoldFile]) -> list[Path]:
    """The scaffold paths that already exist (as a file, folder or dangling link)."""
    return [f.path for f in scaffold if (root / f.path).exists() or (root / f.path).is_symlink()]


def write_files(root: Path, scaffold: Sequence[ScaffoldFile]) -> None:
    """Stage every file beside its target, then rename them all into place, so an
    error while writing (disk full, a folder in the way) leaves the repo untouched."""
    staged: list[tuple[Path, Path]] = []
    try:
        for item in scaffold:
            target = root / item.path
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            staged.append((Path(name), target))
            with os.fdopen(handle, "wb") as stream:
                stream.write(item.content)
            Path(name).chmod(0o644)
        for temp, target in staged:
            temp.replace(target)
    except OSError as exc:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        where = exc.filename or root
        raise RunError(f"{where}: cannot write ({exc.strerror}). Nothing was changed.") from None


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True,
                              text=True, check=False)  # fmt: skip
    except FileNotFoundError:
        raise RunError("git is not installed or not on PATH: install git and retry.") from None


def git_toplevel(path: Path) -> Path:
    """The checkout's top level, which must be `path` itself: `.github/` only works
    at the top of a repository, so a subfolder is refused rather than guessed."""
    if not path.is_dir():
        raise UsageError(f"{path}: no such folder. Pass the path of a git checkout to init.")
    proc = _git(path, "rev-parse", "--show-toplevel")
    if proc.returncode != 0 or not proc.stdout.strip():
        reason = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "no work tree"
        raise UsageError(
            f"{path}: not a git checkout ({reason}). Run `git init` there first, or pass "
            "the path of an existing checkout: devex-metrics init PATH."
        )
    top = Path(proc.stdout.strip()).resolve()
    if top != path.resolve():
        raise UsageError(
            f"{path}: is inside the git checkout {top} but not its top level, where "
            f".github/ must live. Run: devex-metrics init {top}"
        )
    return top


def parse_remote_url(url: str) -> tuple[str, str] | None:
    """`(host, "OWNER/NAME")` from an https, ssh or scp-style (`git@host:o/n.git`)
    remote URL, or None. Credentials in the URL are dropped, never returned."""
    url = url.strip()
    if "://" in url:
        parts = urlsplit(url)
        host, path = parts.hostname or "", parts.path
    elif match := _SCP_REMOTE.match(url):
        host, path = match["host"], match["path"]
    else:
        return None
    path = path.strip("/").removesuffix(".git")
    return (host.lower(), path) if host and _REPOSITORY.match(path) else None


def origin_repository(root: Path) -> tuple[str, str] | None:
    """`(host, "OWNER/NAME")` of the checkout's `origin` remote, if it has one."""
    proc = _git(root, "remote", "get-url", "origin")
    return parse_remote_url(proc.stdout) if proc.returncode == 0 else None


def badge_lines(repository: str | None, branch: str = PublishConfig().branch) -> list[str]:
    """README Markdown for the health badge: the SVG the report commits to the report
    branch, and the shields.io endpoint form fed by the badge JSON next to it."""
    owner_name = repository or "OWNER/NAME"
    raw = f"https://raw.githubusercontent.com/{owner_name}/{branch}/badges/health"
    shields = f"https://img.shields.io/endpoint?url={quote(raw + '.json', safe='')}"
    return [f"![DevEx health]({raw}.svg)", f"![DevEx health]({shields})"]


def add_init_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register `init` on the CLI's subcommands (wired in `cli.py`)."""
    parser = subparsers.add_parser(
        "init",
        help="scaffold the workflow, issue forms and config file into a repository",
        description="Write .github/workflows/devex-metrics.yml, the pulse-survey and "
        "friction-log issue forms and a commented .github/devex-metrics.yml into a git "
        "checkout. Existing files are never overwritten without --force; either every "
        "file is written or none.",
        epilog=_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("path", metavar="PATH", nargs="?", type=Path, default=Path(),
                        help="top level of the git checkout (default: .)")  # fmt: skip
    parser.add_argument("--force", action="store_true", help="overwrite existing files")
    parser.add_argument("--repository", metavar="OWNER/NAME", help="repository for the "
                        "badge URLs (default: parsed from the origin remote)")  # fmt: skip
    parser.add_argument("--action", metavar="REF", default=DEFAULT_ACTION, help="the action "
                        f"reference the workflow uses (default: {DEFAULT_ACTION})")  # fmt: skip
    parser.add_argument("--org", action="store_true", help="scaffold the organisation workflow "
                        "(report on every repository, merge, publish) into the repository that "
                        "holds the organisation report")  # fmt: skip


def _resolve_repository(root: Path, given: str | None) -> tuple[str | None, list[str]]:
    """The OWNER/NAME for the badges and any notes to print about how it was found."""
    if given is not None:
        if not _REPOSITORY.match(given):
            raise UsageError(f"--repository '{given}' is not OWNER/NAME (e.g. octo-org/service).")
        return given, []
    origin = origin_repository(root)
    if origin is None:
        return None, ["note: no GitHub origin remote found, so the badge URLs say OWNER/NAME:",
                      "      replace it, or rerun with --repository OWNER/NAME."]  # fmt: skip
    host, name = origin
    if host in ("github.com", "www.github.com"):
        return name, []
    return name, [f"note: origin is on {host}; the URLs below are github.com's. On GitHub "
                  f"Enterprise Server use https://{host}/{name}/raw/"
                  f"{PublishConfig().branch}/badges/health.svg"]  # fmt: skip


def _report(root: Path, written: Sequence[ScaffoldFile], overwritten: set[Path],
            repository: str | None, notes: list[str],
            workflow: str = "devex-metrics") -> str:  # fmt: skip
    lines = [f"devex-metrics init: wrote {len(written)} files into {root}:"]
    for item in written:
        suffix = " (overwritten)" if item.path in overwritten else ""
        lines.append(f"  {item.path.as_posix()}{suffix}")
    lines += [
        "",
        "Next: commit and push these files. The first report lands on the "
        f"'{PublishConfig().branch}' branch after the weekly run, or now with",
        f"Actions → {workflow} → Run workflow.",
        "",
        "Health badge for your README (the image from the report branch, or the "
        "shields.io form; raw URLs are public only for public repositories):",
        *(f"  {line}" for line in badge_lines(repository)),
        *notes,
    ]
    return "\n".join(lines)


def run_init(args: argparse.Namespace) -> int:
    """Scaffold into `args.path`; raises `UsageError` (exit 2) on conflicts without
    `--force`, on a folder that is not a checkout's top level, or on a bad option."""
    action = check_action_ref(args.action or DEFAULT_ACTION)
    if getattr(args, "org", False):
        from devex_metrics.merge.workflow import org_scaffold_files  # imports this module

        scaffold = org_scaffold_files(action)
    else:
        scaffold = scaffold_files(action)
    root = git_toplevel(Path(args.path))
    repository, notes = _resolve_repository(root, args.repository)
    conflicts = find_conflicts(root, scaffold)
    folders = [path for path in conflicts if (root / path).is_dir()]
    if folders:
        raise UsageError(
            f"{root / folders[0]}: is a folder where init writes a file, so nothing was "
            "written. Move it away and rerun devex-metrics init."
        )
    if conflicts and not args.force:
        listed = "\n".join(f"  {root / path}" for path in conflicts)
        raise UsageError(
            f"init would overwrite {len(conflicts)} existing file(s), so nothing was "
            f"written:\n{listed}\nKeep your files, or rerun with --force to replace them: "
            f"devex-metrics init --force {root}"
        )
    write_files(root, scaffold)
    workflow = "devex-metrics-org" if getattr(args, "org", False) else "devex-metrics"
    if workflow != "devex-metrics":
        notes.append("note: set the secrets DEVEX_METRICS_READ_TOKEN and DEVEX_METRICS_ORG_SECRET "
                     "first; the comments at the top of the workflow say how.")  # fmt: skip
    print(_report(root, scaffold, set(conflicts), repository, notes, workflow))
    return 0
