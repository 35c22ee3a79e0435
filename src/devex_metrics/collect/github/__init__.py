"""GitHub collector: REST and GraphQL through PyGithub's requester, turned into domain records.

Public API: `github_settings_from_env` builds the connection settings from the
environment (None without a token); `collect_github` returns a `GitHubData` of domain
records. Nothing here hands out a payload or a PyGithub object.
"""

from devex_metrics.collect.github.collector import GitHubData, collect_github
from devex_metrics.collect.github.settings import GitHubSettings, github_settings_from_env
from devex_metrics.collect.github.token import Secret

__all__ = ["GitHubData", "GitHubSettings", "Secret", "collect_github", "github_settings_from_env"]
