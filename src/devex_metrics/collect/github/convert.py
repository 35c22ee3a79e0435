"""Small converters shared by the collectors: GitHub timestamps and actors.

An actor is kept as GitHub reports it, with one normalisation: GraphQL names a GitHub
App by its slug (``dependabot``) where REST, git noreply emails and the built-in bot
list use ``dependabot[bot]``; a `Bot` actor's login gets the ``[bot]`` suffix so all
sources agree (derive.people matches logins ending in ``[bot]``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


def parse_time(value: str) -> datetime:
    """GitHub's ISO 8601 timestamps (``2024-05-01T12:00:00Z``) → aware UTC datetimes."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def parse_optional_time(value: str | None) -> datetime | None:
    return parse_time(value) if value else None


def iso(moment: datetime) -> str:
    """An aware datetime → GitHub's ``YYYY-MM-DDTHH:MM:SSZ`` (seconds precision)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def actor(node: Mapping[str, Any] | None) -> tuple[str | None, bool]:
    """``{__typename, login}`` → (login, is_bot). A deleted account (null) is (None, False)."""
    if not node or not node.get("login"):
        return None, False
    login = str(node["login"])
    is_bot = node.get("__typename") == "Bot" or login.lower().endswith("[bot]")
    if node.get("__typename") == "Bot" and not login.lower().endswith("[bot]"):
        login = f"{login}[bot]"
    return login, is_bot


def label_names(node: Mapping[str, Any]) -> tuple[str, ...]:
    labels = (node.get("labels") or {}).get("nodes") or []
    return tuple(str(label["name"]) for label in labels if label)
