"""Argument types shared by the CLI's subcommands (argparse `type=` callables), so
every command rejects a bad number or date with the same message."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime


def date(text: str) -> datetime:
    """A date (`2026-11-01`) or an ISO 8601 time; naive values are UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date: use YYYY-MM-DD or an ISO 8601 time"
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def whole_number(minimum: int, why: str = "") -> Callable[[str], int]:
    """A whole number of at least `minimum`; `why` explains the bound in the error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if value < minimum:
            reason = f": {why}" if why else ""
            raise argparse.ArgumentTypeError(f"{value} must be at least {minimum}{reason}")
        return value

    return parse


positive_int = whole_number(1)
group_size = whole_number(3, "a smaller group makes individuals identifiable")
