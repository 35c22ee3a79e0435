"""Docs that are generated from code stay current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_metric_catalogue_page_is_current() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "generate_docs.py"), "--check"],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr


def test_readme_quick_start_is_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Quick start")
    block = readme[start:].split("```", 2)[1]
    lines = block.splitlines()[1:]
    commands = [line for line in lines if line.strip() and not line.startswith("#")]
    assert commands == ["make report", "make test"]


def test_the_repository_uses_the_forms_that_init_installs() -> None:
    for name in ("devex-pulse.yml", "devex-friction.yml"):
        ours = (ROOT / ".github" / "ISSUE_TEMPLATE" / name).read_bytes()
        assert ours == (ROOT / "templates" / "issue_forms" / name).read_bytes()
