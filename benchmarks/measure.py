"""What every benchmark here measures the same way: wall time, peak RSS, a Markdown table.

Peak RSS comes from ``getrusage``'s ``ru_maxrss``, which Linux reports in KiB and
macOS in bytes; everything here returns KiB (and MiB, written "MB" in tables). Two
ways to read it, for two situations:

- `run_measured` runs a command inside a fresh ``python -c`` wrapper that reports
  the command's wall time and ``RUSAGE_CHILDREN`` peak: the largest process of the
  command's tree. A fresh wrapper per command matters: ``RUSAGE_CHILDREN``'s
  ``ru_maxrss`` is the maximum over every child ever waited for, so measuring from
  a long-lived process would report the largest command so far, not this one.
- `peak_rss_self_kib` is for a child process that measures itself (``RUSAGE_SELF``),
  so a server or data set held by the parent is never counted.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Self

WRAPPER: Final = """\
import json, resource, subprocess, sys, time
started = time.perf_counter()
try:
    null = subprocess.DEVNULL
    code = subprocess.run(sys.argv[1:], stdin=null, stdout=null).returncode
except OSError as exc:
    print(exc, file=sys.stderr)
    code = 127
wall = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
peak = peak // 1024 if sys.platform == "darwin" else peak
print(json.dumps({"returncode": code, "wall_s": wall, "peak_rss_kib": peak}))
"""


@dataclass(frozen=True)
class Sample:
    """One measured command: its wall time, its tree's peak RSS, its exit code and stderr."""

    wall_s: float
    peak_rss_kib: int
    returncode: int
    stderr: str

    @property
    def peak_rss_mib(self) -> float:
        return self.peak_rss_kib / 1024


def run_measured(cmd: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None) -> Sample:
    """Run `cmd` (stdout discarded) in a fresh wrapper; only a broken wrapper raises, a
    failing `cmd` does not: its exit code and stderr are in the `Sample`."""
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, *cmd],
        cwd=cwd,
        env=dict(env) if env is not None else None,
        capture_output=True,
        check=False,
        encoding="utf-8",
        errors="replace",
    )
    if done.returncode != 0:
        raise RuntimeError(f"measurement wrapper failed:\n{done.stderr}")
    report = json.loads(done.stdout.splitlines()[-1])
    return Sample(report["wall_s"], report["peak_rss_kib"], report["returncode"], done.stderr)


def peak_rss_self_kib() -> int:
    """This process's peak RSS so far, in KiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


class Stopwatch:
    """Wall time of a ``with`` block (``perf_counter``, so no clock jumps): `seconds`."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0

    def __enter__(self) -> Self:
        self._started = time.perf_counter()
        return self

    def __exit__(self, *_: object) -> None:
        self.seconds = time.perf_counter() - self._started


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> list[str]:
    """Lines of a GitHub Markdown table; `align` has one letter per column, ``l`` or ``r``.

    Cells are written as given: callers format numbers, so each table chooses its
    precision, and pipes inside cells are the caller's to escape.
    """
    if len(align) != len(header) or any(len(row) != len(header) for row in rows):
        raise ValueError("every row and the alignment need one entry per column")
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = [f"| {' | '.join(header)} |", f"|{'|'.join(rule)}|"]
    return lines + [f"| {' | '.join(row)} |" for row in rows]
