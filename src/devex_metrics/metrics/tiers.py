"""DORA tiers (SPEC §5): the 2023 clusters as Apache DevLake encodes them.

Ratios are compared as exact fractions so that, e.g., 1 failure in 20 deployments
is exactly 5 % (elite), whatever float rounding would say.
"""

from __future__ import annotations

from fractions import Fraction

BENCHMARK = "DORA 2023 clusters, as Apache DevLake encodes them"
ELITE, HIGH, MEDIUM, LOW = "elite", "high", "medium", "low"


def frequency_tier(per_week: Fraction) -> str:
    if per_week >= 7:
        return ELITE
    if per_week >= 1:
        return HIGH
    if per_week >= Fraction(12, 52):
        return MEDIUM
    return LOW


def lead_time_tier(hours: float) -> str:
    if hours < 24:
        return ELITE
    if hours < 168:
        return HIGH
    if hours < 720:
        return MEDIUM
    return LOW


def failure_rate_tier(rate: Fraction) -> str:
    if rate <= Fraction(5, 100):
        return ELITE
    if rate <= Fraction(10, 100):
        return HIGH
    if rate <= Fraction(15, 100):
        return MEDIUM
    return LOW


def recovery_tier(hours: float) -> str:
    if hours < 1:
        return ELITE
    if hours < 24:
        return HIGH
    if hours < 168:
        return MEDIUM
    return LOW
