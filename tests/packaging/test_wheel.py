"""The built wheel works on its own: build it, install it into a fresh virtual
environment, and run the CLI from outside the checkout, so a module, template or
package-data file missing from the wheel fails here rather than for a user."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from gitrepo import GitRepo, at

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str | Path, cwd: Path) -> str:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                          check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def _source_tree(target: Path) -> Path:
    """The checkout's files (tracked, and untracked but not ignored) copied to `target`,
    so a stale `build/` folder of the checkout can never leak into the wheel."""
    listing = _run("git", "-C", ROOT, "ls-files", "-z", "--cached", "--others",
                   "--exclude-standard", cwd=ROOT)  # fmt: skip
    for name in filter(None, listing.split("\0")):
        source = ROOT / name
        if source.is_file():
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    return target


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    source = _source_tree(tmp_path_factory.mktemp("source"))
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", dist, source, cwd=dist)  # fmt: skip
    (found,) = dist.glob("devex_metrics-*.whl")
    return found


def test_wheel_contains_reporters_templates_and_forms(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("devex_metrics/cli.py", "devex_metrics/py.typed",
                     "devex_metrics/reporters/markdown.py", "devex_metrics/templates/report.md.j2",
                     "devex_metrics/templates/summary.md.j2",
                     "devex_metrics/templates/issue_forms/devex-pulse.yml"):  # fmt: skip
        assert required in names
    assert not any(n.startswith(("tests/", "src/", "reporters/")) for n in names)


def test_installed_wheel_runs_a_report_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    site = Path(_run(venv / "bin" / "python", "-c",
                     "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path
                     ).strip())  # fmt: skip
    _run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--quiet",
         "--no-deps", "--no-index", wheel, cwd=tmp_path)  # fmt: skip
    # Dependencies come from this test environment (read-only, appended after the wheel).
    (site / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    probe = "import devex_metrics; print(devex_metrics.__file__)"
    where = _run(venv / "bin" / "python", "-c", probe, cwd=tmp_path)
    assert where.startswith(str(venv))
    repo = GitRepo(tmp_path / "measured")
    repo.commit("one", at(1))
    repo.tag("v1")
    out = tmp_path / "report"
    for until in ("2026-01-20", "2026-02-01"):  # two windows: trend charts need two points
        _run(venv / "bin" / "devex-metrics", "report", "--repo", repo.path, "--offline",
             "--out", out, "--until", until, cwd=tmp_path)  # fmt: skip
    assert (out / "report.md").read_text().startswith("#")
    assert (out / "metrics.json").is_file() and (out / "charts").is_dir()
