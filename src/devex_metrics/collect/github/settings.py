"""Where the GitHub data comes from: token, API URLs and repository, read once from the environment.

The environment is read here and nowhere else in this package (SPEC §2: the
variables GitHub Actions sets). Pointing ``GITHUB_API_URL`` and ``GITHUB_GRAPHQL_URL``
at another host is how GitHub Enterprise Server and every test work.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TextIO

from devex_metrics.collect.github.token import Secret, secret_from_env, token_from_env
from devex_metrics.errors import UsageError

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_MAX_WAIT_SECONDS = 900.0
_REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class GitHubSettings:
    """Connection settings. `max_wait_seconds` is the run's budget for sleeping on rate
    limits and retries; a wait that does not fit stops collection with partial data.
    `seconds_between_requests` None means the client's default (see `client.py`)."""

    token: Secret
    api_url: str
    graphql_url: str
    owner: str
    name: str
    cache_secret: Secret | None = None
    max_wait_seconds: float = DEFAULT_MAX_WAIT_SECONDS
    seconds_between_requests: float | None = None

    @property
    def repository(self) -> str:
        return f"{self.owner}/{self.name}"


def default_graphql_url(api_url: str) -> str:
    """``https://api.github.com`` → ``…/graphql``; GHES ``https://host/api/v3`` → ``https://host/api/graphql``."""
    parts = urllib.parse.urlsplit(api_url)
    path = parts.path.rstrip("/").removesuffix("/v3")
    return urllib.parse.urlunsplit(parts._replace(path=f"{path}/graphql"))


def github_settings_from_env(
    env: Mapping[str, str],
    repository: str | None,
    *,
    cache_secret_env: str | None = None,
    out: TextIO | None = None,
) -> GitHubSettings | None:
    """Settings for `repository` (default ``GITHUB_REPOSITORY``), or None without a token
    or a repository (no GitHub data is then collected, SPEC §2).

    `cache_secret_env` is `config.privacy.cache_secret_env`: the name of the variable
    holding the HMAC secret for pseudonymous cache keys.
    """
    token = token_from_env(env, out=out)
    repository = repository or env.get("GITHUB_REPOSITORY") or None
    if token is None or repository is None:
        return None
    if not _REPOSITORY.match(repository):
        raise UsageError(
            f"repository '{repository}' is not OWNER/NAME. Pass --github OWNER/NAME "
            "or set GITHUB_REPOSITORY."
        )
    api_url = (env.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")
    graphql_url = (env.get("GITHUB_GRAPHQL_URL") or default_graphql_url(api_url)).rstrip("/")
    _check_urls(api_url, graphql_url)
    owner, name = repository.split("/")
    cache_secret = secret_from_env(env, (cache_secret_env,), out=out) if cache_secret_env else None
    return GitHubSettings(token, api_url, graphql_url, owner, name, cache_secret)


def _check_urls(api_url: str, graphql_url: str) -> None:
    """Both URLs must be http(s) on one host: PyGithub's requester sends every request,
    GraphQL included, over the connection it opened for ``GITHUB_API_URL``."""
    api, gql = urllib.parse.urlsplit(api_url), urllib.parse.urlsplit(graphql_url)
    for name, url in (("GITHUB_API_URL", api), ("GITHUB_GRAPHQL_URL", gql)):
        if url.scheme not in ("http", "https") or not url.hostname:
            raise UsageError(f"{name} '{url.geturl()}' is not an http(s) URL. Fix the variable.")
    if (api.scheme, api.netloc) != (gql.scheme, gql.netloc):
        raise UsageError(
            f"GITHUB_GRAPHQL_URL '{graphql_url}' is not on the host of GITHUB_API_URL "
            f"'{api_url}'. Point both at the same GitHub (or GitHub Enterprise Server) host."
        )


def cache_secret(settings: GitHubSettings, variable: str | None) -> Secret | None:
    """The cache secret: from the settings, else from the variable `privacy.cache_secret_env`
    names (for callers that built the settings without `cache_secret_env`)."""
    if settings.cache_secret is not None or not variable:
        return settings.cache_secret
    return secret_from_env(os.environ, (variable,))
