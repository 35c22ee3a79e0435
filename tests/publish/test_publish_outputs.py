"""Step outputs, the job summary and annotations, read back the way the runner reads
them: hostile values must stay one value of one output."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from runner_files import read_outputs

from devex_metrics.publish.outputs import (
    annotate,
    annotation,
    append_summary,
    output_block,
    write_outputs,
)

HOSTILE = [
    ("plain", "42"),
    ("empty", ""),
    ("multi-line", "line one\nline two\n"),
    ("set-output-injection", "x\n::set-output name=health-score::100"),
    ("fake-second-output", "1\nhealth-score=100"),
    ("heredoc-lookalike", "1\nEOF\nhealth-score<<EOF\n100\nEOF"),
    ("carriage-return", "a\rhealth-score=100"),
    ("delimiter-prefix", "ghadelimiter_\nghadelimiter_0"),
]


@pytest.mark.parametrize(("case", "value"), HOSTILE, ids=[c for c, _ in HOSTILE])
def test_value_stays_one_value(tmp_path: Path, case: str, value: str) -> None:
    path = tmp_path / "output"
    write_outputs(path, {"report-path": value, "health-score": "7"})
    parsed = read_outputs(path.read_text(encoding="utf-8"))
    assert parsed["health-score"] == "7"
    assert set(parsed) == {"report-path", "health-score"}
    assert parsed["report-path"] == value.replace("\r", "\n")  # the runner splits at \r too


def test_value_containing_the_delimiter_gets_another_one() -> None:
    block = output_block("x", "a\nfixed\nb", delimiter="fixed")
    delimiter = block.split("\n", 1)[0].split("<<", 1)[1]
    assert delimiter != "fixed"
    assert block == f"x<<{delimiter}\na\nfixed\nb\n{delimiter}\n"


def test_delimiters_are_random() -> None:
    assert output_block("x", "1") != output_block("x", "1")


@pytest.mark.parametrize("name", ["", "a b", "a\nb", "x<<y", "a=b", "1x"])
def test_bad_output_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="not a valid output name"):
        output_block(name, "v")


def test_outputs_are_appended(tmp_path: Path) -> None:
    path = tmp_path / "output"
    path.write_text("earlier=1\n", encoding="utf-8")
    write_outputs(path, {"later": "2"})
    assert read_outputs(path.read_text(encoding="utf-8")) == {"earlier": "1", "later": "2"}


def test_summary_is_appended_as_its_own_paragraph(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    append_summary(path, "# one")
    append_summary(path, "two\n")
    assert path.read_text(encoding="utf-8") == "# one\n\ntwo\n\n"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("plain", "::warning title=devex-metrics::plain"),
        ("two\nlines", "::warning title=devex-metrics::two%0Alines"),
        ("100% ::error::x", "::warning title=devex-metrics::100%25 ::error::x"),
        ("cr\r", "::warning title=devex-metrics::cr%0D"),
    ],
    ids=["plain", "newline", "percent-and-command", "carriage-return"],
)
def test_annotation_escapes_its_message(message: str, expected: str) -> None:
    assert annotation("warning", message) == expected


def test_annotation_title_escapes_property_separators() -> None:
    assert annotation("error", "m", title="a:b,c") == "::error title=a%3Ab%2Cc::m"


def test_annotations_only_inside_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    annotate("notice", "hello", stream=stream)
    assert stream.getvalue() == "devex-metrics: notice: hello\n"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    stream = io.StringIO()
    annotate("notice", "hello", stream=stream)
    assert stream.getvalue().splitlines()[1] == "::notice title=devex-metrics::hello"
