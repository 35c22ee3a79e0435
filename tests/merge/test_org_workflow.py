"""`devex-metrics init --org`: the organisation workflow it scaffolds passes the same
lint gates as the per-repository one (check-jsonschema, zizmor with no config,
actionlint), and has the shape SPEC §9 describes: list → matrix of reports →
merge and publish, with SHA-pinned artifact actions and least permissions."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from gitrepo import GitRepo

ACTION_TESTS = Path(__file__).resolve().parents[1] / "action"
if str(ACTION_TESTS) not in sys.path:  # the linters live with the action tests
    sys.path.insert(0, str(ACTION_TESTS))

from action_linters import actionlint, check_jsonschema, zizmor  # noqa: E402
from init_fixtures import init_args  # noqa: E402

from devex_metrics.errors import UsageError  # noqa: E402
from devex_metrics.merge.workflow import ORG_WORKFLOW_PATH, install_spec  # noqa: E402
from devex_metrics.scaffold import run_init  # noqa: E402

SHA_PIN = re.compile(r"^actions/(upload|download)-artifact@[0-9a-f]{40}$")


@pytest.fixture(scope="module")
def org_checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = GitRepo(tmp_path_factory.mktemp("org") / "org-report")
    repo.git("remote", "add", "origin", "https://github.com/acme/devex-org-report.git")
    assert run_init(init_args(repo.path, org=True)) == 0
    return repo.path


def _workflow(root: Path) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load((root / ORG_WORKFLOW_PATH).read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(
    "schema", ["vendor.github-workflows", "custom.github-workflows-require-timeout"]
)
def test_org_workflow_matches_github_schemas(org_checkout: Path, schema: str) -> None:
    findings = check_jsonschema(schema, [org_checkout / ORG_WORKFLOW_PATH])
    assert not findings, "\n".join(findings)


def test_org_workflow_passes_zizmor_with_no_config(org_checkout: Path) -> None:
    findings = zizmor([ORG_WORKFLOW_PATH], cwd=org_checkout, config=None)
    assert not findings, "\n".join(findings)


def test_org_workflow_passes_actionlint(org_checkout: Path) -> None:
    findings = actionlint([org_checkout / ORG_WORKFLOW_PATH])
    assert not findings, "\n".join(findings)


def test_only_the_org_workflow_is_written(org_checkout: Path) -> None:
    written = [p.relative_to(org_checkout) for p in org_checkout.rglob("*") if p.is_file()
               and ".git" not in p.relative_to(org_checkout).parts]  # fmt: skip
    assert written == [ORG_WORKFLOW_PATH]


def test_jobs_list_report_merge_with_least_permissions(org_checkout: Path) -> None:
    workflow = _workflow(org_checkout)
    jobs = workflow["jobs"]
    assert list(jobs) == ["list", "report", "merge"]
    assert workflow["permissions"] == {}
    assert jobs["list"]["permissions"] == {} and jobs["report"]["permissions"] == {}
    assert jobs["merge"]["permissions"] == {"contents": "write"}
    assert jobs["report"]["strategy"]["matrix"]["batch"] == (
        "${{ fromJSON(needs.list.outputs.batches) }}"
    )
    listing = jobs["list"]["steps"][0]["run"]
    assert 'gh api --paginate "orgs/$ORG/repos' in listing
    uses = [step["uses"] for job in jobs.values() for step in job["steps"] if "uses" in step]
    assert len(uses) == 2 and all(SHA_PIN.match(ref) for ref in uses)
    scripts = [step["run"] for job in jobs.values() for step in job["steps"] if "run" in step]
    assert not any("${{" in script for script in scripts)  # values reach scripts via env
    text = (org_checkout / ORG_WORKFLOW_PATH).read_text(encoding="utf-8").replace('"', "")
    for needed in ("gh repo clone", "report --repo", "--until $UNTIL", "--org-secret-env",
                   "merge reports", "publish --out org-report"):  # fmt: skip
        assert needed in text, needed
    assert "--depth" not in text and "--shallow" not in text  # every metric reads full history


@pytest.mark.parametrize(
    ("action", "spec"),
    [
        ("devex-metrics/devex-metrics@v1", "git+https://github.com/devex-metrics/devex-metrics@v1"),
        ("acme/devex-fork/sub@" + "a" * 40, "git+https://github.com/acme/devex-fork@" + "a" * 40),
    ],
)
def test_install_spec_follows_the_action_reference(action: str, spec: str) -> None:
    assert install_spec(action) == spec


def test_local_action_cannot_install_the_org_workflow() -> None:
    with pytest.raises(UsageError, match="OWNER/NAME@REF"):
        install_spec("./devex")
