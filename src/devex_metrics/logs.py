"""Quiet, grouped logs: one `::group::` per stage in GitHub Actions, counts and
timings at info level, request details at debug, errors as `::error` annotations."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger("devex_metrics")


def in_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def setup_logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity < 0 else logging.INFO if verbosity == 0 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger("devex_metrics")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time a pipeline stage; in Actions, fold its log lines into a group."""
    grouped = in_actions()
    if grouped:
        print(f"::group::{name}", file=sys.stderr, flush=True)
    started = time.monotonic()
    try:
        yield
    finally:
        log.info("%s: done in %.2f s", name, time.monotonic() - started)
        if grouped:
            print("::endgroup::", file=sys.stderr, flush=True)


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def report_error(message: str) -> None:
    """Print a user-facing error; in Actions also as an `::error` annotation."""
    print(f"devex-metrics: error: {message}", file=sys.stderr)
    if in_actions():
        print(f"::error title=devex-metrics::{_escape(message)}", file=sys.stderr)


def notice(message: str) -> None:
    log.warning("%s", message)
    if in_actions():
        print(f"::notice title=devex-metrics::{_escape(message)}", file=sys.stderr)
