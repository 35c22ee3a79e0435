"""Line coverage from a `--coverage` file: Cobertura XML, coverage.py JSON or lcov.

The format is recognised from the content, not the file name, so any of the
usual file names works (`coverage.xml`, `coverage.json`, `lcov.info`).
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

from devex_metrics.errors import UsageError
from devex_metrics.model import Coverage


def _cobertura(text: str) -> Coverage:
    root = ElementTree.fromstring(text)  # noqa: S314 - a local file the user names, not remote input
    covered, valid = root.get("lines-covered"), root.get("lines-valid")
    if covered is not None and valid is not None:
        return Coverage(int(covered), int(valid), "cobertura")
    lines = root.iter("line")
    hits = [int(line.get("hits", "0")) for line in lines]
    return Coverage(sum(1 for h in hits if h > 0), len(hits), "cobertura")


def _coverage_py(text: str) -> Coverage:
    totals = json.loads(text)["totals"]
    return Coverage(int(totals["covered_lines"]), int(totals["num_statements"]), "coverage.py")


def _lcov(text: str) -> Coverage:
    found = hit = 0
    for line in text.splitlines():
        if line.startswith("LF:"):
            found += int(line[3:])
        elif line.startswith("LH:"):
            hit += int(line[3:])
    return Coverage(hit, found, "lcov")


def read_coverage(path: Path) -> Coverage:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(
            f"--coverage {path}: cannot read it ({exc.strerror}). "
            "Pass the path of a Cobertura XML, coverage.py JSON or lcov file."
        ) from None
    stripped = text.lstrip()
    try:
        if stripped.startswith("<"):
            return _cobertura(text)
        if stripped.startswith("{"):
            return _coverage_py(text)
        if "LF:" in text or "SF:" in text:
            return _lcov(text)
    except (ValueError, KeyError, TypeError, ElementTree.ParseError) as exc:
        raise UsageError(
            f"--coverage {path}: malformed coverage file ({exc}). Regenerate it "
            "(`coverage xml`, `coverage json` or lcov)."
        ) from None
    raise UsageError(
        f"--coverage {path}: not a Cobertura XML, coverage.py JSON or lcov file. "
        "Regenerate it with `coverage xml` or `coverage json`."
    )
