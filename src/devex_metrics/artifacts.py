"""`Artifact`: what a reporter returns — bytes and the path they go to under `--out`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Artifact:
    """One output file. `path` is relative to the output folder, with `/` separators."""

    path: str
    content: bytes

    @classmethod
    def text(cls, path: str, text: str) -> Artifact:
        return cls(path, text.encode("utf-8"))
