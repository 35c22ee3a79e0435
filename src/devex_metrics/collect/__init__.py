"""collect: the only stage (with publish) that touches the outside world.

`collect_dataset` reads git (always), the opt-out file and an optional coverage
file, and returns a `Dataset` of plain domain records plus the opt-out entries.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from devex_metrics.collect.coverage import read_coverage
from devex_metrics.collect.manifests import collect_dependencies
from devex_metrics.collect.git import (
    ensure_full_history,
    open_repository,
    read_commits,
    read_tags,
    resolve_default_branch,
)
from devex_metrics.config import Config
from devex_metrics.errors import UsageError
from devex_metrics.model import Dataset, RepositoryInfo, SourceUse

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CollectRequest:
    repo: Path
    config: Config
    repository_name: str | None = None
    coverage: Path | None = None
    unshallow: bool = False
    dependencies: bool = True


def read_opt_out(repo: Path, config: Config) -> tuple[str, ...]:
    """Entries of `privacy.opt_out` plus those of the opt-out file, if it exists."""
    entries = list(config.privacy.opt_out)
    name = config.privacy.opt_out_file
    if name:
        path = repo / name
        if path.is_file():
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                raise UsageError(f"{path}: cannot read the opt-out file ({exc}). Fix or remove "
                                 "it (one login, email or sha256: line per line).") from None
            entries.extend(line.strip() for line in lines)
    return tuple(e for e in entries if e and not e.startswith("#"))


def collect_git(request: CollectRequest) -> Dataset:
    started = time.monotonic()
    git = open_repository(request.repo)
    ensure_full_history(git, unshallow=request.unshallow)
    branch, ref = resolve_default_branch(git, request.config.default_branch)
    tip = git.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip() if ref else None
    tags = read_tags(git)
    tips = ([tip] if tip else []) + sorted({t.sha for t in tags})
    commits = read_commits(git, tips)
    name = request.repository_name or request.repo.resolve().name
    log.info("git: %d commits, %d tags read in %.2f s (%d git runs)", len(commits), len(tags),
             time.monotonic() - started, git.calls)  # fmt: skip
    return Dataset(
        repository=RepositoryInfo(name=name, default_branch=branch, head_sha=tip),
        commits=commits,
        default_tip=tip,
        tags=tags,
        coverage=read_coverage(request.coverage) if request.coverage else None,
        dependencies=collect_dependencies(request.repo) if request.dependencies else None,
        sources=(SourceUse("git", git.calls, f"{len(commits)} commits, {len(tags)} tags"),),
    )
