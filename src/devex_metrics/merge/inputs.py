"""Finding and reading the `metrics.json` files a merge combines.

Every problem is a usage error (exit 2) that names the file and the fix: a path
that does not exist, a folder with no `metrics.json` below it, a file that is not
a `metrics.json` of this schema version, one written before aggregates existed,
a window that differs from the first file's, a repository given twice, or
pseudonyms made with two different org secrets.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from devex_metrics import __version__
from devex_metrics.errors import UsageError
from devex_metrics.metrics.sketch import RELATIVE_ACCURACY
from devex_metrics.model import Window
from devex_metrics.privacy.orgkeys import OrgKeys
from devex_metrics.reporters.metrics_document import MetricsDocument
from devex_metrics.reporters.metrics_json import METRICS_JSON_PATH, load_metrics_json


def input_files(paths: Sequence[Path]) -> list[Path]:
    """The files to merge: each file as given, each folder's `metrics.json` files
    found recursively (sorted); a file reached twice is read once."""
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            below = sorted(path.rglob(METRICS_JSON_PATH))
            if not below:
                raise UsageError(
                    f"{path}: no {METRICS_JSON_PATH} in this folder or below it. Pass "
                    "the folder the report artifacts were downloaded to, or the files."
                )
            found += below
        else:
            raise UsageError(
                f"{path}: no such file or folder. Pass metrics.json files or folders "
                "holding them (e.g. the downloaded report artifacts)."
            )
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def read_input(path: Path) -> MetricsDocument:
    """One `metrics.json`, checked for what a merge needs."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot read the file ({error}). Check the path.") from None
    try:
        document = load_metrics_json(text)
    except ValueError as error:
        raise UsageError(f"{path}: {error}") from None
    info = document.aggregates
    if info is None:
        raise UsageError(
            f"{path}: has no mergeable aggregates (written by a devex-metrics "
            f"older than aggregates). Re-run `devex-metrics report` for "
            f"{document.repository.name} with devex-metrics {__version__}."
        )
    if info.sketch_relative_accuracy != RELATIVE_ACCURACY:
        raise UsageError(
            f"{path}: its quantile sketches have relative accuracy "
            f"{info.sketch_relative_accuracy}, this merge reads {RELATIVE_ACCURACY} "
            "only. Re-run `devex-metrics report` with this devex-metrics version."
        )
    return document


def _span(window: Window) -> str:
    return f"{window.start:%Y-%m-%d %H:%M} to {window.end:%Y-%m-%d %H:%M} UTC"


@dataclass
class InputChecks:
    """What every input must agree on, checked as the files stream in."""

    keys: OrgKeys | None
    window: Window | None = None
    first: Path | None = None
    key_id: str | None = None
    key_path: Path | None = None

    def __post_init__(self) -> None:
        self.names: dict[str, Path] = {}

    def check(self, path: Path, document: MetricsDocument) -> Window:
        """The document's window, after checking it against the inputs seen so far."""
        window = Window(document.window.start, document.window.end)
        if self.window is None:
            self.window, self.first = window, path
        elif window != self.window:
            raise UsageError(
                f"{path}: window {_span(window)} differs from {self.first}'s "
                f"{_span(self.window)}. Merge reports of one window: run `report` "
                "with the same --until and --window-days for every repository."
            )
        name = document.repository.name
        if name in self.names:
            raise UsageError(
                f"{path}: repository {name} is already merged from "
                f"{self.names[name]}. Pass each repository's report once."
            )
        self.names[name] = path
        self._check_key(path, document)
        return window

    def _check_key(self, path: Path, document: MetricsDocument) -> None:
        assert document.aggregates is not None
        key_id = document.aggregates.key_id
        if key_id is None:
            return
        if self.keys is not None and key_id != self.keys.key_id:
            raise UsageError(
                f"{path}: written with another org secret (key id {key_id}) than "
                f"the one given to merge (key id {self.keys.key_id}). Use the same "
                "org secret for every report and for merge."
            )
        if self.key_id is not None and key_id != self.key_id:
            raise UsageError(
                f"{path}: its pseudonyms come from another org secret (key id "
                f"{key_id}) than {self.key_path}'s ({self.key_id}). Use one org "
                "secret for every repository."
            )
        self.key_id, self.key_path = key_id, path


def read_inputs(
    paths: Sequence[Path], checks: InputChecks
) -> Iterator[tuple[Path, MetricsDocument]]:
    """Each checked input in turn; nothing is kept once the caller moves on."""
    files = input_files(paths)
    if not files:
        raise UsageError("merge needs at least one metrics.json file or folder.")
    for path in files:
        document = read_input(path)
        checks.check(path, document)
        yield path, document
