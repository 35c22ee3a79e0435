"""A small GitHub Actions runner for composite actions, for `test_runner_simulation.py`.

It does what the runner does with `action.yml`, and nothing more:

- inputs: the `with:` values, else each input's default; both may hold expressions;
- each step runs as the runner runs ``shell: bash`` (``bash --noprofile --norc -eo
  pipefail <script>``) in the workspace, with the runner's environment
  (`GITHUB_*`, `RUNNER_TEMP`, ...) plus the step's `env:` mapping, evaluated;
  composite steps get no implicit ``INPUT_*`` variables, so the action must pass
  every input through `env:` (as ours does);
- a fresh `GITHUB_OUTPUT` file per step, parsed afterwards (``name=value`` and
  ``name<<DELIMITER`` blocks) into ``steps.<id>.outputs``; a fresh
  `GITHUB_STEP_SUMMARY` file per step, concatenated into the job summary;
- the first failing step fails the job; later steps do not run;
- the action's outputs are its `outputs.*.value` expressions, evaluated at the end.

Expressions: a tiny evaluator for exactly the forms action.yml uses —
``inputs.<name>``, ``steps.<id>.outputs.<name>`` and ``github.token``. Anything
else (an `if:`, a function call, an operator) is refused, so a change to
action.yml that the simulation cannot evaluate faithfully fails loudly instead of
being half-simulated.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from runner_files import read_outputs

_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_PATHS = (
    re.compile(r"^inputs\.([A-Za-z0-9_-]+)$"),
    re.compile(r"^steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)$"),
    re.compile(r"^github\.(token)$"),
)
_STEP_KEYS = {"name", "id", "shell", "env", "run"}


@dataclass
class Context:
    inputs: dict[str, str]
    token: str
    steps: dict[str, dict[str, str]] = field(default_factory=dict)

    def value(self, expression: str) -> str:
        for kind, pattern in zip(("inputs", "steps", "github"), _PATHS, strict=True):
            match = pattern.match(expression)
            if match is None:
                continue
            if kind == "inputs":
                return self.inputs[match.group(1)]
            if kind == "steps":
                return self.steps.get(match.group(1), {}).get(match.group(2), "")
            return self.token
        raise AssertionError(f"the runner simulation does not evaluate `{expression}`")


def evaluate(text: object, context: Context) -> str:
    """A string with every ``${{ }}`` replaced by its value (YAML scalars as strings)."""
    if isinstance(text, bool):
        return "true" if text else "false"
    return _EXPRESSION.sub(lambda m: context.value(m.group(1)), str(text))


@dataclass
class StepResult:
    name: str
    exit_code: int
    stdout: str
    stderr: str


@dataclass
class JobResult:
    exit_code: int
    steps: list[StepResult]
    outputs: dict[str, str]
    summary: str

    @property
    def log(self) -> str:
        return "".join(step.stdout + step.stderr for step in self.steps)


class CompositeRunner:
    """Runs one composite action from `action_dir` in `workspace`."""

    def __init__(self, action_dir: Path, temp: Path, base_env: Mapping[str, str]) -> None:
        self.action_dir = action_dir
        self.metadata: dict[str, Any] = yaml.safe_load((action_dir / "action.yml").read_text())
        assert self.metadata["runs"]["using"] == "composite"
        self.temp = temp
        self.base_env = dict(base_env)

    def _inputs(self, given: Mapping[str, str], context: Context) -> dict[str, str]:
        declared: dict[str, Any] = self.metadata.get("inputs", {})
        unknown = set(given) - set(declared)
        assert not unknown, f"inputs the action does not declare: {sorted(unknown)}"
        return {
            name: given[name] if name in given else evaluate(spec.get("default", ""), context)
            for name, spec in declared.items()
        }

    def run(self, workspace: Path, *, with_: Mapping[str, str], token: str,
            event_name: str, event_path: Path, run_id: int = 1) -> JobResult:  # fmt: skip
        context = Context({}, token)
        context.inputs = self._inputs(with_, context)
        runner_temp = self.temp / f"runner-temp-{run_id}"
        runner_temp.mkdir(parents=True, exist_ok=True)
        env = {**self.base_env, "GITHUB_ACTION_PATH": str(self.action_dir),
               "GITHUB_WORKSPACE": str(workspace), "RUNNER_TEMP": str(runner_temp),
               "GITHUB_EVENT_NAME": event_name, "GITHUB_EVENT_PATH": str(event_path),
               "GITHUB_RUN_ID": str(run_id)}  # fmt: skip
        results: list[StepResult] = []
        summary: list[str] = []
        for index, step in enumerate(self.metadata["runs"]["steps"]):
            extra = set(step) - _STEP_KEYS
            assert not extra, f"step {index}: the simulation does not handle {sorted(extra)}"
            assert step["shell"] == "bash"
            files = {kind: runner_temp / f"{kind}-{index}" for kind in ("output", "summary")}
            for path in files.values():
                path.write_text("", encoding="utf-8")
            mapping = {k: evaluate(v, context) for k, v in step.get("env", {}).items()}
            step_env = {**env, "GITHUB_OUTPUT": str(files["output"]),
                        "GITHUB_STEP_SUMMARY": str(files["summary"]), **mapping}  # fmt: skip
            script = runner_temp / f"step-{index}.sh"
            script.write_text(step["run"], encoding="utf-8")
            proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                                  cwd=workspace, env=step_env, capture_output=True, text=True,
                                  check=False, timeout=300)  # fmt: skip
            results.append(StepResult(step.get("name", ""), proc.returncode, proc.stdout,
                                      proc.stderr))  # fmt: skip
            summary.append(files["summary"].read_text(encoding="utf-8"))
            if "id" in step:
                context.steps[step["id"]] = read_outputs(files["output"].read_text("utf-8"))
            if proc.returncode != 0:
                return JobResult(proc.returncode, results, {}, "".join(summary))
        outputs = {name: evaluate(spec["value"], context)
                   for name, spec in self.metadata.get("outputs", {}).items()}  # fmt: skip
        return JobResult(0, results, outputs, "".join(summary))


def python_shim(folder: Path, real_python: str, pip_log: Path) -> Path:
    """A `python3` for the simulated runner's PATH (see `test_runner_simulation`)."""
    folder.mkdir(parents=True, exist_ok=True)
    venv_python = f"""#!/usr/bin/env bash
# the simulated venv's python: pip installs are recorded, not run (the package under
# test is already importable by the real interpreter); everything else is the real one
if [ "${{1:-}}" = "-m" ] && [ "${{2:-}}" = "pip" ]; then
  shift 2
  echo "$*" >> '{pip_log}'
  exit 0
fi
exec '{real_python}' "$@"
"""
    launcher = f"""#!{real_python}
# the simulated venv's console script: the CLI of the package under test
import sys

from devex_metrics import cli

sys.exit(cli.main(sys.argv[1:]))
"""
    shim = f"""#!/usr/bin/env bash
# the simulated runner's python3: `-m venv DIR` makes a stand-in environment whose
# python and devex-metrics run the package under test; anything else is the real python
if [ "${{1:-}}" = "-m" ] && [ "${{2:-}}" = "venv" ]; then
  mkdir -p "$3/bin"
  cat > "$3/bin/python" <<'VENV_PYTHON'
{venv_python}VENV_PYTHON
  cat > "$3/bin/devex-metrics" <<'LAUNCHER'
{launcher}LAUNCHER
  chmod +x "$3/bin/python" "$3/bin/devex-metrics"
  exit 0
fi
exec '{real_python}' "$@"
"""
    path = folder / "python3"
    path.write_text(shim, encoding="utf-8")
    path.chmod(0o755)
    return folder


def git_env(home: Path) -> dict[str, str]:
    """A clean environment for git in the simulation (no user or system config)."""
    return {"HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "LANG": "C.UTF-8",
            "PATH": os.environ.get("PATH", "/usr/bin:/bin")}  # fmt: skip
