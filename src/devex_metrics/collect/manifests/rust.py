"""Rust: `Cargo.lock`, where only packages with a `source` (a registry or git) are
dependencies; workspace members and path dependencies have none."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator

from devex_metrics.collect.manifests.values import lock_packages, optional_text, required_text
from devex_metrics.model import Dependency


def parse_cargo_lock(text: str, source: str) -> Iterator[Dependency]:
    for package in lock_packages(tomllib.loads(text)):
        if "source" not in package:  # workspace members and path dependencies
            continue
        name, version = required_text(package, "name"), optional_text(package.get("version"))
        yield Dependency("cargo", name, version, source)
