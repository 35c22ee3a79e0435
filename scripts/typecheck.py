"""Run mypy (strict, per pyproject.toml) on the package as it is installed.

The distribution maps three folders into one import package (`src/devex_metrics`,
`reporters` → `devex_metrics.reporters`, `templates` → `devex_metrics.templates`).
mypy cannot follow setuptools' editable-install finder, so this stages a tree of
symlinks with the installed layout under `build/typecheck/` and checks
`-p devex_metrics` there. Edits are seen at once; nothing is copied.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGE = ROOT / "build" / "typecheck"


def stage() -> Path:
    package = STAGE / "devex_metrics"
    shutil.rmtree(STAGE, ignore_errors=True)
    package.mkdir(parents=True)
    for child in (ROOT / "src" / "devex_metrics").iterdir():
        if child.name != "__pycache__":
            (package / child.name).symlink_to(child)
    (package / "reporters").symlink_to(ROOT / "reporters")
    (package / "templates").symlink_to(ROOT / "templates")
    return STAGE


def main() -> int:
    env = {**os.environ, "MYPYPATH": str(stage())}
    command = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
               "-p", "devex_metrics", *sys.argv[1:]]  # fmt: skip
    return subprocess.call(command, cwd=ROOT, env=env)


if __name__ == "__main__":
    raise SystemExit(main())
