"""The fake GitHub answers in GitHub's shapes: REST bodies validate against GitHub's REST
description (the copy in tests/data/github), and it pages, caps, caches and limits like GitHub."""

from __future__ import annotations

import copy
import functools
import urllib.parse
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import jsonschema
import pytest
import requests
from fakegithub.dataset import NOW, large_dataset
from fakegithub.fixtures import TOKEN
from fakegithub.rest import rest_description
from fakegithub.scenarios import scenario_dataset
from fakegithub.server import FakeGitHub
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

AUTH = {"Authorization": f"token {TOKEN}"}


def openapi_to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 → JSON Schema: ``nullable: true`` becomes a union with null."""
    if isinstance(node, list):
        return [openapi_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: openapi_to_json_schema(value) for key, value in node.items()}
    if converted.pop("nullable", False):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@functools.cache
def _document() -> Any:
    return openapi_to_json_schema(copy.deepcopy(rest_description()))


def response_validator(path: str, status: str) -> jsonschema.Draft202012Validator:
    document = _document()
    registry: Registry = Registry().with_resource(
        "urn:github-rest", Resource(document, DRAFT202012)
    )
    response = document["paths"][path]["get"]["responses"][status]
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    schema = _absolute_refs(response["content"]["application/json"]["schema"])
    return jsonschema.Draft202012Validator(schema, registry=registry)


def _absolute_refs(node: Any) -> Any:
    """``#/components/…`` → ``urn:github-rest#/components/…`` (the registered document)."""
    if isinstance(node, list):
        return [_absolute_refs(item) for item in node]
    if isinstance(node, dict):
        return {
            k: ("urn:github-rest" + v if k == "$ref" and v.startswith("#") else _absolute_refs(v))
            for k, v in node.items()
        }
    return node


@pytest.fixture
def server(fake_github: Callable[..., FakeGitHub]) -> FakeGitHub:
    return fake_github(scenario_dataset())


def test_workflow_run_listing_validates(server: FakeGitHub) -> None:
    response = requests.get(f"{server.url}/repos/octo/app/actions/runs", headers=AUTH, timeout=5)
    assert response.status_code == 200 and response.json()["workflow_runs"]
    response_validator("/repos/{owner}/{repo}/actions/runs", "200").validate(response.json())


def test_sbom_export_validates(server: FakeGitHub) -> None:
    response = requests.get(
        f"{server.url}/repos/octo/app/dependency-graph/sbom", headers=AUTH, timeout=5
    )
    response_validator("/repos/{owner}/{repo}/dependency-graph/sbom", "200").validate(
        response.json()
    )


@pytest.mark.parametrize("status", [403, 404])
def test_sbom_errors_validate(fake_github: Callable[..., FakeGitHub], status: int) -> None:
    server = fake_github(scenario_dataset(), sbom_status=status)
    response = requests.get(
        f"{server.url}/repos/octo/app/dependency-graph/sbom", headers=AUTH, timeout=5
    )
    assert response.status_code == status
    response_validator("/repos/{owner}/{repo}/dependency-graph/sbom", str(status)).validate(
        response.json()
    )


def test_a_wrong_payload_would_fail_validation(server: FakeGitHub) -> None:
    body = requests.get(f"{server.url}/repos/octo/app/actions/runs", headers=AUTH, timeout=5).json()
    del body["workflow_runs"][0]["head_sha"]
    with pytest.raises(jsonschema.ValidationError):
        response_validator("/repos/{owner}/{repo}/actions/runs", "200").validate(body)


def test_filtered_listing_pages_and_caps_like_github(
    fake_github: Callable[..., FakeGitHub],
) -> None:
    server = fake_github(large_dataset(pulls=0, runs=1500, commits=0))
    url = f"{server.url}/repos/octo/busy/actions/runs"
    created = f"{(NOW - timedelta(days=200)):%Y-%m-%d}..{NOW:%Y-%m-%d}"
    first = requests.get(url, params={"created": created, "per_page": 100}, headers=AUTH, timeout=5)
    assert first.json()["total_count"] == 1500
    assert set(first.links) == {"next", "last"}
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(first.links["last"]["url"]).query)[
        "page"
    ] == ["15"]
    tenth = requests.get(
        url, params={"created": created, "per_page": 100, "page": 10}, headers=AUTH, timeout=5
    )
    assert tenth.status_code == 200 and len(tenth.json()["workflow_runs"]) == 100
    beyond = requests.get(
        url, params={"created": created, "per_page": 100, "page": 11}, headers=AUTH, timeout=5
    )
    assert beyond.status_code == 422


def test_etag_and_rate_limit_headers(server: FakeGitHub) -> None:
    url = f"{server.url}/repos/octo/app/actions/runs"
    first = requests.get(url, headers=AUTH, timeout=5)
    assert {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "etag"} <= set(
        first.headers.keys()
    )
    again = requests.get(url, headers={**AUTH, "If-None-Match": first.headers["etag"]}, timeout=5)
    assert again.status_code == 304 and again.content == b""
    assert (
        again.headers["x-ratelimit-remaining"] == first.headers["x-ratelimit-remaining"]
    )  # 304s are free


def test_unauthenticated_requests_are_refused(server: FakeGitHub) -> None:
    response = requests.get(f"{server.url}/repos/octo/app/actions/runs", timeout=5)
    assert response.status_code == 401


def test_graphql_rejects_an_invalid_query(server: FakeGitHub) -> None:
    body = {"query": 'query Bad { repository(owner: "octo", name: "app") { nope } }'}
    response = requests.post(server.graphql_url, json=body, headers=AUTH, timeout=5)
    assert response.status_code == 200 and "data" not in response.json()
    assert "nope" in response.json()["errors"][0]["message"]


def test_graphql_connections_require_a_page_size(server: FakeGitHub) -> None:
    body = {
        "query": 'query Q { repository(owner: "octo", name: "app") { releases { totalCount } } }'
    }
    errors = requests.post(server.graphql_url, json=body, headers=AUTH, timeout=5).json()["errors"]
    assert "`first` or `last`" in errors[0]["message"]
