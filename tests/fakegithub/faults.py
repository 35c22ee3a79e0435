"""Fault injection for the fake GitHub: which request fails, and how.

GitHub's own messages are used, so the client's message-based classification
(secondary limit, GraphQL timeout) is exercised as in production.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID."
)
TIMEOUT_MESSAGE = (
    "Something went wrong while executing your query. This may be the result of a timeout, "
    "or it could be a GitHub bug. Please include `A1B2:3C4D` when reporting this issue."
)
FAULTS = ("502", "drop", "secondary", "retry_after", "primary", "graphql_timeout")


@dataclass
class FaultPlan:
    """Every `every`-th request (1-based) gets the next fault of `faults`, cyclically.
    `graphql_timeout` on a REST request becomes a 502."""

    every: int = 0
    faults: tuple[str, ...] = FAULTS
    injected: list[str] = field(default_factory=list)

    def next_fault(self, index: int) -> str | None:
        if self.every <= 0 or index % self.every:
            return None
        fault = self.faults[len(self.injected) % len(self.faults)]
        self.injected.append(fault)
        return fault
