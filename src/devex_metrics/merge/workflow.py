"""The organisation workflow `devex-metrics init --org` scaffolds (SPEC §9): list the
organisation's repositories, run `report` on each in an Actions matrix, `merge`
the uploaded `metrics.json` files and publish the organisation report.

Rendering is pure; `scaffold.run_init` writes the file with the same all-or-nothing
rules as the per-repository scaffold. The workflow has no `${{ }}` inside a `run:`
script (values reach scripts through `env:`), asks each job for the least
permissions (`contents: write` for publishing only), and pins every action by
commit SHA. It installs the CLI with pip from the repository and ref of the
`--action` reference, so the organisation runs the same release as its repositories.
"""

from __future__ import annotations

from pathlib import Path

from devex_metrics.errors import UsageError
from devex_metrics.scaffold import (
    DEFAULT_ACTION,
    ScaffoldFile,
    check_action_ref,
    workflow_environment,
)

ORG_WORKFLOW_PATH = Path(".github/workflows/devex-metrics-org.yml")

# Pinned by commit SHA with the release it belongs to. Sources: the release tags
# https://github.com/actions/upload-artifact/releases/tag/v4.6.2 and
# https://github.com/actions/download-artifact/releases/tag/v4.3.0 (the same SHAs
# pin these releases across many public workflows).
UPLOAD_ARTIFACT = "actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2"
DOWNLOAD_ARTIFACT = "actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093 # v4.3.0"


def install_spec(action: str) -> str:
    """The pip requirement of the CLI behind an action reference: the same repository
    at the same ref (`OWNER/NAME[/PATH]@REF` → `git+https://github.com/OWNER/NAME@REF`)."""
    action = check_action_ref(action)
    if action.startswith("./"):
        raise UsageError(f"--action '{action}' is a local path, but the organisation workflow "
                         "installs devex-metrics with pip: pass OWNER/NAME@REF.")  # fmt: skip
    where, ref = action.split("@", 1)
    owner, name = where.split("/")[:2]
    return f"git+https://github.com/{owner}/{name}@{ref}"


def render_org_workflow(action: str = DEFAULT_ACTION) -> str:
    template = workflow_environment().get_template("devex-metrics-org.yml.j2")
    return template.render(
        install_spec=install_spec(action),
        upload_artifact=UPLOAD_ARTIFACT,
        download_artifact=DOWNLOAD_ARTIFACT,
    )


def org_scaffold_files(action: str = DEFAULT_ACTION) -> tuple[ScaffoldFile, ...]:
    """What `init --org` writes: the organisation workflow only (it lives in the
    repository that holds the organisation report)."""
    return (ScaffoldFile(ORG_WORKFLOW_PATH, render_org_workflow(action).encode("utf-8")),)
