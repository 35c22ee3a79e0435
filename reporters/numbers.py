"""Number formatting shared by every human-facing reporter (report, summary,
badges), so a value reads the same everywhere. Machine outputs keep full precision."""

from __future__ import annotations


def short_decimal(value: float) -> str:
    """One decimal, or two significant digits for a small non-zero value, so a real
    but small number never reads as 0."""
    if value != 0 and abs(value) < 0.1:
        return f"{value:.2g}"
    return f"{value:.1f}"


def format_hours(hours: float) -> str:
    """'45 min' under an hour, '3.2 h' under a day, '2.1 d' above."""
    if abs(hours) < 1:
        return format_minutes(hours * 60)
    if abs(hours) < 24:
        return f"{short_decimal(hours)} h"
    return f"{short_decimal(hours / 24)} d"


def format_minutes(minutes: float) -> str:
    """'7.5 min' under ten minutes, '45 min' under an hour, then as hours."""
    if abs(minutes) < 10:
        return f"{short_decimal(minutes)} min"
    if abs(minutes) < 60:
        return f"{round(minutes)} min"
    return format_hours(minutes / 60)
