"""Go modules: `go.sum` (every module in the build, with its exact version) and
`go.mod` (the direct requirements, read only when no `go.sum` sits next to it)."""

from __future__ import annotations

from collections.abc import Iterator

from devex_metrics.model import Dependency


def parse_go_sum(text: str, source: str) -> Iterator[Dependency]:
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 3:
            raise ValueError(f"line {number}: expected 'module version hash'")
        # `/go.mod` lines hash only the module's go.mod; the dedup drops the twin.
        yield Dependency("golang", fields[0], fields[1].removesuffix("/go.mod"), source)


def parse_go_mod(text: str, source: str) -> Iterator[Dependency]:
    block: str | None = None
    for raw in text.splitlines():
        line = raw.split("//", 1)[0].strip()
        if block is not None:
            if line == ")":
                block = None
            elif block == "require" and len(fields := line.split()) >= 2:
                yield Dependency("golang", fields[0].strip('"`'), fields[1], source)
            continue
        fields = line.split()
        if line.endswith("("):
            block = line.removesuffix("(").strip()
        elif fields[:1] == ["require"] and len(fields) >= 3:
            yield Dependency("golang", fields[1].strip('"`'), fields[2], source)
