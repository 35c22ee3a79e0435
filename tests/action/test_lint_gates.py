"""Lint gates: this repository's action and workflows, and everything `init`
scaffolds into a user's repository, must pass check-jsonschema (GitHub's schemas),
zizmor (security audits) and actionlint (workflow semantics).

A failure prints every finding as `path:line:col: message`. Waivers live only in
`.github/zizmor.yml` (each justified inline) and, for the scaffolded workflow,
as an inline `# zizmor: ignore[...]` comment with its reason, because that file
travels to repositories where our config does not. The last tests feed each
linter a known-bad file, so a gate that silently checks nothing fails too.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from action_linters import (
    REPO_ROOT,
    actionlint,
    check_jsonschema,
    repo_workflows,
    repo_zizmor_config,
    zizmor,
)

from devex_metrics.scaffold import FORM_NAMES, FORMS_DIR, WORKFLOW_PATH

PACKAGE_FORMS = [REPO_ROOT / "templates" / "issue_forms" / name for name in FORM_NAMES]


def _repo_issue_forms() -> list[Path]:
    """The package's forms plus any this repository installs for itself."""
    folder = REPO_ROOT / ".github" / "ISSUE_TEMPLATE"
    own = [p for p in sorted(folder.glob("*.y*ml")) if p.stem != "config"]
    return PACKAGE_FORMS + own


def _scaffolded_forms(root: Path) -> list[Path]:
    return [root / FORMS_DIR / name for name in FORM_NAMES]


def _assert_clean(tool: str, findings: list[str]) -> None:
    assert not findings, f"{tool} findings:\n" + "\n".join(findings)


# (case id, builtin schema, the files in this repository)
REPO_SCHEMA_CASES: list[tuple[str, str, Callable[[], list[Path]]]] = [
    ("action-metadata", "vendor.github-actions", lambda: [REPO_ROOT / "action.yml"]),
    ("own-workflows", "vendor.github-workflows", repo_workflows),
    ("issue-forms", "vendor.github-issue-forms", _repo_issue_forms),
]

# (case id, builtin schema, the files init wrote into a checkout)
SCAFFOLD_SCHEMA_CASES: list[tuple[str, str, Callable[[Path], list[Path]]]] = [
    ("workflow", "vendor.github-workflows", lambda root: [root / WORKFLOW_PATH]),
    ("workflow-timeouts", "custom.github-workflows-require-timeout",
     lambda root: [root / WORKFLOW_PATH]),
    ("issue-forms", "vendor.github-issue-forms", _scaffolded_forms),
]  # fmt: skip


@pytest.mark.parametrize(
    ("schema", "files"), [c[1:] for c in REPO_SCHEMA_CASES], ids=[c[0] for c in REPO_SCHEMA_CASES]
)
def test_repository_files_match_github_schemas(
    schema: str, files: Callable[[], list[Path]]
) -> None:
    _assert_clean(f"check-jsonschema ({schema})", check_jsonschema(schema, files()))


@pytest.mark.parametrize(
    ("schema", "files"),
    [c[1:] for c in SCAFFOLD_SCHEMA_CASES],
    ids=[c[0] for c in SCAFFOLD_SCHEMA_CASES],
)
def test_scaffolded_files_match_github_schemas(
    scaffolded: Path, schema: str, files: Callable[[Path], list[Path]]
) -> None:
    _assert_clean(f"check-jsonschema ({schema})", check_jsonschema(schema, files(scaffolded)))


def test_repository_action_and_workflows_pass_zizmor() -> None:
    inputs = [REPO_ROOT / "action.yml", REPO_ROOT / ".github" / "workflows"]
    _assert_clean("zizmor", zizmor(inputs, cwd=REPO_ROOT, config=repo_zizmor_config()))


def test_scaffolded_workflow_passes_zizmor_with_no_config(scaffolded: Path) -> None:
    _assert_clean("zizmor", zizmor([WORKFLOW_PATH], cwd=scaffolded, config=None))


def test_repository_workflows_pass_actionlint() -> None:
    # action.yml is action metadata, not a workflow: actionlint does not lint it.
    _assert_clean("actionlint", actionlint(repo_workflows()))


def test_scaffolded_workflow_passes_actionlint(scaffolded: Path) -> None:
    _assert_clean("actionlint", actionlint([scaffolded / WORKFLOW_PATH]))


_BAD_WORKFLOW = """\
name: bad
on:
  issues:
permissions: write-all
jobs:
  echo:
    runs-on: ubuntu-latest
    needs: [missing]
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.issue.title }}"
"""


@pytest.fixture
def bad_workflow(tmp_path: Path) -> Path:
    path = tmp_path / ".github" / "workflows" / "bad.yml"
    path.parent.mkdir(parents=True)
    path.write_text(_BAD_WORKFLOW, encoding="utf-8")
    return path


def test_gate_catches_bad_workflow_zizmor(bad_workflow: Path) -> None:
    findings = "\n".join(zizmor([bad_workflow], cwd=bad_workflow.parent, config=None))
    for ident in ("template-injection", "unpinned-uses", "artipacked"):
        assert ident in findings
    assert "bad.yml:11:" in findings


def test_gate_catches_bad_workflow_actionlint(bad_workflow: Path) -> None:
    findings = actionlint([bad_workflow])
    assert any(line.startswith(f"{bad_workflow}:6:3: ") for line in findings), findings
    assert any("[job-needs]" in line for line in findings)
    assert any(":11:" in line and "potentially untrusted" in line for line in findings)


def test_gate_catches_bad_workflow_check_jsonschema(tmp_path: Path) -> None:
    path = tmp_path / "bad.yml"
    path.write_text("on: push\njobs:\n  a:\n    steps: []\n", encoding="utf-8")
    assert check_jsonschema("vendor.github-workflows", [path])
