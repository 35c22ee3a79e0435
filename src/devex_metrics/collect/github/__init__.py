"""GitHub collector: REST and GraphQL through PyGithub's requester, turned into domain records.

Public API: `github_settings_from_env` builds the connection settings from the
environment (None without a token); `collect_github` returns a `GitHubData` of domain
records. Nothing here hands out a payload or a PyGithub object.

The collector (and with it PyGithub, ~0.2 s to import) is loaded on first use, so
an offline report never pays for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from devex_metrics.collect.github.settings import GitHubSettings, github_settings_from_env
from devex_metrics.collect.github.token import Secret

if TYPE_CHECKING:
    from devex_metrics.collect.github.collector import GitHubData, collect_github

__all__ = ["GitHubData", "GitHubSettings", "Secret", "collect_github", "github_settings_from_env"]


def __getattr__(name: str) -> Any:
    if name in ("GitHubData", "collect_github"):
        from devex_metrics.collect.github import collector

        return getattr(collector, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
