"""The token is a secret that never shows, and settings come from the Actions environment."""

from __future__ import annotations

import io
import logging
import pickle

import pytest

from devex_metrics.collect.github.settings import (
    default_graphql_url,
    github_settings_from_env,
)
from devex_metrics.collect.github.token import Secret, token_from_env
from devex_metrics.errors import UsageError

TOKEN = "ghs_abcdefghijklmnopqrstuvwxyz0123456789"


def test_secret_hides_its_value_everywhere(caplog: pytest.LogCaptureFixture) -> None:
    secret = Secret(TOKEN)
    logging.getLogger("test").warning("token %s %r %s", secret, secret, f"{secret}")
    shown = [
        str(secret),
        repr(secret),
        f"{secret}",
        f"{secret!r}",
        f"{secret:>40}",
        caplog.text,
    ]
    assert all(TOKEN not in text for text in shown)
    assert secret.reveal() == TOKEN


def test_secret_cannot_be_pickled() -> None:
    with pytest.raises(TypeError):
        pickle.dumps(Secret(TOKEN))


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        pytest.param({"GITHUB_TOKEN": TOKEN}, TOKEN, id="github-token"),
        pytest.param({"GH_TOKEN": TOKEN}, TOKEN, id="gh-token-fallback"),
        pytest.param(
            {"GITHUB_TOKEN": f" {TOKEN}\n", "GH_TOKEN": "other"},
            TOKEN,
            id="github-token-wins-stripped",
        ),
        pytest.param({"GITHUB_TOKEN": "", "GH_TOKEN": ""}, None, id="empty-is-none"),
        pytest.param({}, None, id="absent"),
    ],
)
def test_token_from_env(env: dict[str, str], expected: str | None) -> None:
    token = token_from_env(env, out=io.StringIO())
    assert (token.reveal() if token else None) == expected


def test_token_is_masked_in_actions_logs() -> None:
    out = io.StringIO()
    token_from_env({"GITHUB_TOKEN": TOKEN, "GITHUB_ACTIONS": "true"}, out=out)
    assert out.getvalue() == f"::add-mask::{TOKEN}\n"


def test_token_is_not_echoed_outside_actions() -> None:
    out = io.StringIO()
    token_from_env({"GITHUB_TOKEN": TOKEN}, out=out)
    assert out.getvalue() == ""


def test_settings_default_to_github_com() -> None:
    settings = github_settings_from_env(
        {"GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": "octo/app"}, None
    )
    assert settings is not None
    assert (settings.api_url, settings.graphql_url) == (
        "https://api.github.com",
        "https://api.github.com/graphql",
    )
    assert (settings.owner, settings.name, settings.repository) == ("octo", "app", "octo/app")
    assert TOKEN not in repr(settings)


def test_settings_follow_enterprise_server_urls() -> None:
    env = {"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": "https://ghe.example.com/api/v3/"}
    settings = github_settings_from_env(env, "octo/app")
    assert settings is not None
    assert settings.api_url == "https://ghe.example.com/api/v3"
    assert settings.graphql_url == "https://ghe.example.com/api/graphql"


def test_explicit_graphql_url_wins() -> None:
    env = {
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_API_URL": "http://127.0.0.1:9/",
        "GITHUB_GRAPHQL_URL": "http://127.0.0.1:9/gql",
    }
    settings = github_settings_from_env(env, "octo/app")
    assert settings is not None and settings.graphql_url == "http://127.0.0.1:9/gql"


@pytest.mark.parametrize(
    ("env", "repository"),
    [
        pytest.param({}, "octo/app", id="no-token"),
        pytest.param({"GITHUB_TOKEN": TOKEN}, None, id="no-repository"),
    ],
)
def test_no_settings_without_token_or_repository(
    env: dict[str, str], repository: str | None
) -> None:
    assert github_settings_from_env(env, repository) is None


@pytest.mark.parametrize(
    ("env", "repository", "message"),
    [
        pytest.param({}, "not-a-repo", "OWNER/NAME", id="bad-repository"),
        pytest.param({"GITHUB_API_URL": "ftp://x"}, "o/r", "http(s)", id="bad-scheme"),
        pytest.param(
            {
                "GITHUB_API_URL": "https://a.example",
                "GITHUB_GRAPHQL_URL": "https://b.example/graphql",
            },
            "o/r",
            "same",
            id="graphql-on-another-host",
        ),
    ],
)
def test_bad_settings_are_usage_errors(env: dict[str, str], repository: str, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        github_settings_from_env({"GITHUB_TOKEN": TOKEN, **env}, repository)


def test_cache_secret_is_read_from_the_named_variable() -> None:
    env = {"GITHUB_TOKEN": TOKEN, "DEVEX_CACHE_KEY": "s3cret"}
    settings = github_settings_from_env(env, "o/r", cache_secret_env="DEVEX_CACHE_KEY")
    assert settings is not None and settings.cache_secret == Secret("s3cret")


@pytest.mark.parametrize(
    ("api", "graphql"),
    [
        ("https://api.github.com", "https://api.github.com/graphql"),
        ("https://ghe.local/api/v3", "https://ghe.local/api/graphql"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/graphql"),
    ],
)
def test_default_graphql_url(api: str, graphql: str) -> None:
    assert default_graphql_url(api) == graphql
