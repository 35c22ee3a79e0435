"""Reading only what the windows need gives the same metrics as reading everything.

The git collector reads from a horizon (the previous window's start): commits
shipped by deployments since then, and recent default-branch commits. For
generated histories — merges, reverts, hotfix merges, tags before and inside the
windows, and the merges source when there are no tags — every metric and every
deployment event must equal those computed from the whole history.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from gitrepo import GitRepo, at
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devex_metrics.collect import CollectRequest, collect_git
from devex_metrics.config import Config
from devex_metrics.derive import derive_facts
from devex_metrics.derive.people import OptOut
from devex_metrics.metrics import compute_metrics
from devex_metrics.metrics.result import MetricSet
from devex_metrics.model import Window

WINDOW = Window(at(40), at(60))
STEP = st.sampled_from(
    ["commit", "commit", "commit", "tag", "feature", "hotfix", "revert", "rollback"]
)


def _build(root: Path, steps: list[str], use_tags: bool) -> GitRepo:
    repo = GitRepo(root / "repo")
    authors = [f"Dev{i} <dev{i}@example.com>" for i in range(6)]
    shas = [repo.commit("root", at(0), author=authors[0])]
    reverted: set[str] = set()
    for n, step in enumerate(steps):
        when = at(n * 60 / len(steps) + 0.5)
        author = authors[n % len(authors)]
        target = shas[len(shas) // 2]
        if step == "revert" and target not in reverted:
            reverted.add(target)
            shas.append(repo.revert(target, when, author=author))
        elif step in ("feature", "hotfix"):
            branch = f"{step}/b{n}"
            repo.checkout(branch, create=True)
            shas.append(repo.commit(f"{step} {n}", when, author=author))
            repo.checkout("main")
            repo.merge(branch, when, message=f"Merge pull request #{n} from acme/{branch}")
        else:
            shas.append(repo.commit(f"change {n}", when, author=author))
        if use_tags and step == "rollback":
            # redeploy an early commit no tag names yet: a rollback, often to a
            # commit shipped before the horizon
            repo.tag(f"r{n}", sha=shas[1 + n % max(1, len(shas) // 3)], annotated_at=when)
        if use_tags and (step == "tag" or n == len(steps) - 1):
            repo.tag(f"v{n}", annotated_at=when)
    return repo


def _measure(repo: GitRepo, horizon: bool) -> MetricSet:
    config = Config()
    request = CollectRequest(repo=repo.path, config=config, dependencies=False,
                             horizon=WINDOW.previous().start if horizon else None)  # fmt: skip
    dataset = collect_git(request)
    facts = derive_facts(dataset, config, OptOut(()))
    return compute_metrics(dataset, config, facts, WINDOW)


def _comparable(metrics: MetricSet) -> object:
    results = {
        mid: (r.status, r.value, r.samples, r.p90, r.tier, r.people, dict(r.details))
        for mid, r in metrics.results.items()
    }
    return results, metrics.deployment_source, metrics.deployments


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(STEP, min_size=4, max_size=40), st.booleans())
def test_horizon_reading_equals_full_reading(steps: list[str], use_tags: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        repo = _build(Path(tmp), steps, use_tags)
        assert _comparable(_measure(repo, horizon=True)) == _comparable(
            _measure(repo, horizon=False)
        )
