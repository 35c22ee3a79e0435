"""Health score (SPEC §8): the mean of 0–100 components taken from *gated* metrics.

It runs after the privacy gate on published values only, so it can never be
driven by a suppressed number.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal

TIER_POINTS = {"elite": 100.0, "high": 75.0, "medium": 50.0, "low": 25.0}
MIN_COMPONENTS = 3

_TIERED = (
    "dora.deployment_frequency",
    "dora.lead_time",
    "dora.change_failure_rate",
    "dora.recovery_time",
)

_VALUE_COMPONENTS: tuple[tuple[str, Callable[[float], float]], ...] = (
    ("dora.rework_rate", lambda v: (1 - v) * 100),
    ("space.satisfaction.rating", lambda v: (v - 1) / 4 * 100),
    ("space.satisfaction.nps", lambda v: (v + 100) / 2),
    ("space.satisfaction.burnout", lambda v: (1 - v) * 100),
    ("space.performance.build_success_rate", lambda v: v * 100),
    ("space.communication.review_coverage", lambda v: v * 100),
    ("space.efficiency.flow_state_days", lambda v: v / 5 * 100),
    ("space.efficiency.cognitive_load", lambda v: (5 - v) / 4 * 100),
)


def health_components(values: Mapping[str, float], tiers: Mapping[str, str]) -> dict[str, float]:
    """Components from ok metrics: `values` and `tiers` hold only published ok metrics."""
    components: dict[str, float] = {}
    for metric_id in _TIERED:
        tier = tiers.get(metric_id)
        if tier in TIER_POINTS:
            components[metric_id] = TIER_POINTS[tier]
    for metric_id, to_points in _VALUE_COMPONENTS:
        if metric_id in values:
            components[metric_id] = to_points(values[metric_id])
    return components


def health_score(components: Mapping[str, float]) -> int | None:
    """Mean of the components rounded half up, or None with fewer than 3 components.

    Components are summed as decimals rounded to 10 places, so float noise such as
    `(1 - 0.1) * 100 == 90.00000000000001` cannot move a mean across a .5 boundary.
    """
    if len(components) < MIN_COMPONENTS:
        return None
    total = sum(Decimal(repr(v)).quantize(Decimal("1e-10")) for v in components.values())
    mean = total / Decimal(len(components))
    return int(mean.quantize(Decimal(1), rounding=ROUND_HALF_UP))
