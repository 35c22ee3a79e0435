"""Helpers shared by the init tests and the lint gates."""

from __future__ import annotations

import argparse
from pathlib import Path

from devex_metrics.scaffold import DEFAULT_ACTION


def init_args(path: Path, **overrides: object) -> argparse.Namespace:
    """The Namespace `devex-metrics init PATH` parses to, with `overrides`."""
    values: dict[str, object] = {"path": path, "force": False, "repository": None,
                                 "action": DEFAULT_ACTION}  # fmt: skip
    return argparse.Namespace(**{**values, **overrides})
