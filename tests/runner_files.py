"""How the Actions runner reads the files a step writes, for tests of the action
and of `publish` (one parser, so the two cannot disagree on the format)."""

from __future__ import annotations


def read_outputs(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT as the Actions runner parses it (`name=value` and heredoc blocks;
    like .NET's ReadLine, a bare carriage return also ends a line)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    outputs: dict[str, str] = {}
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value: list[str] = []
            while lines[index] != delimiter:
                value.append(lines[index])
                index += 1
            index += 1
            outputs[name] = "\n".join(value)
        else:
            name, _, value_text = line.partition("=")
            outputs[name] = value_text
    return outputs
