"""The runner's file and workflow commands: step outputs, the job summary, annotations.

Step outputs go to the file `GITHUB_OUTPUT` names, always in the multi-line form
``name<<DELIMITER`` … ``DELIMITER`` with a fresh random delimiter per value, as
`@actions/core` writes them (GitHub's "Multiline strings" syntax). A delimiter
that occurs in the value, on any line, is drawn again, so no value can close its
block early and smuggle in a second output; `::set-output`-style text in a value
is inert here (file commands are not parsed for workflow commands). Names are
checked, since a name is written outside the block. (The runner reads the file
line by line and also ends a line at a bare ``\\r``; a delimiter absent from the
value is absent from all of its lines, however they are split.)

Annotations (``::error``, ``::warning``, ``::notice``) escape their message and
title the way the runner unescapes them, so a message with a newline or ``::``
stays one annotation. Outside Actions they are plain log lines.
"""

from __future__ import annotations

import re
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, TextIO

from devex_metrics.logs import in_actions

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
Level = Literal["error", "warning", "notice"]


def new_delimiter() -> str:
    return f"ghadelimiter_{secrets.token_hex(16)}"


def output_block(name: str, value: str, *, delimiter: str | None = None) -> str:
    """One output in the multi-line form, ending in a newline."""
    if not _NAME.match(name):
        raise ValueError(f"step output name {name!r} is not a valid output name")
    candidate = delimiter or new_delimiter()
    while candidate in value:
        candidate = new_delimiter()
    return f"{name}<<{candidate}\n{value}\n{candidate}\n"


def write_outputs(path: Path, outputs: Mapping[str, str]) -> None:
    """Append every output to the `GITHUB_OUTPUT` file (created if missing)."""
    text = "".join(output_block(name, value) for name, value in outputs.items())
    with path.open("a", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def append_summary(path: Path, markdown: str) -> None:
    """Append Markdown to the `GITHUB_STEP_SUMMARY` file, as its own paragraph."""
    text = markdown if markdown.endswith("\n") else markdown + "\n"
    with path.open("a", encoding="utf-8", newline="\n") as handle:
        handle.write(text + "\n")


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: Level, message: str, *, title: str = "devex-metrics") -> str:
    """The workflow command of one annotation (without the newline)."""
    return f"::{level} title={escape_property(title)}::{escape_data(message)}"


def annotate(level: Level, message: str, *, stream: TextIO | None = None) -> None:
    """Log a user-facing problem; in Actions also as an annotation on the run."""
    out = stream if stream is not None else sys.stderr
    out.write(f"devex-metrics: {level}: {message}\n")
    if in_actions():
        out.write(annotation(level, message) + "\n")
    out.flush()
