"""The fake GitHub's write side answers in GitHub's shapes: every response publish
reads validates against GitHub's REST description (tests/data/github), and a request
body that description rejects gets GitHub's 422."""

from __future__ import annotations

import base64
import functools
from datetime import UTC, datetime
from typing import Any

import jsonschema
import pytest
import requests
from fakegithub.conversations import openapi_schema
from fakegithub.gitdata import Review, pull_payload
from fakegithub.rest import rest_description
from publish_helpers import ACTIONS_TOKEN, FORK_TOKEN, REPOSITORY, USER_TOKEN, Hub
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

URN = "urn:github-rest"


@functools.cache
def _document() -> Any:
    return openapi_schema(rest_description())


def _absolute(node: Any) -> Any:
    if isinstance(node, list):
        return [_absolute(item) for item in node]
    if isinstance(node, dict):
        return {k: URN + v if k == "$ref" and v.startswith("#") else _absolute(v)
                for k, v in node.items()}  # fmt: skip
    return node


def validate(path: str, method: str, status: int, body: Any) -> None:
    document = _document()
    response = document["paths"][path][method]["responses"][str(status)]
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    schema = _absolute(response["content"]["application/json"]["schema"])
    registry: Registry = Registry().with_resource(URN, Resource(document, DRAFT202012))
    jsonschema.Draft202012Validator(schema, registry=registry).validate(body)


class Client:
    def __init__(self, hub: Hub, token: str = ACTIONS_TOKEN) -> None:
        self.base = f"{hub.server.url}/repos/{REPOSITORY}"
        self.root = hub.server.url
        self.headers = {"Authorization": f"token {token}"}

    def __call__(self, method: str, tail: str, body: Any = None) -> requests.Response:
        url = f"{self.root}{tail}" if tail.startswith("/user") else f"{self.base}/{tail}"
        return requests.request(method, url, json=body, headers=self.headers, timeout=10)


R = "/repos/{owner}/{repo}"


def test_git_data_round_trip_validates(hub: Hub) -> None:
    call = Client(hub)
    blob = call("POST", "git/blobs", {"content": base64.b64encode(b"\0bin").decode(),
                                      "encoding": "base64"})  # fmt: skip
    validate(f"{R}/git/blobs", "post", 201, blob.json())
    got = call("GET", f"git/blobs/{blob.json()['sha']}")
    validate(f"{R}/git/blobs/{{file_sha}}", "get", 200, got.json())
    assert base64.b64decode(got.json()["content"]) == b"\0bin"
    entries = [
        {"path": "a/b.txt", "mode": "100644", "type": "blob", "content": "hi\n"},
        {"path": "c.bin", "mode": "100644", "type": "blob", "sha": blob.json()["sha"]},
    ]
    tree = call("POST", "git/trees", {"tree": entries})
    validate(f"{R}/git/trees", "post", 201, tree.json())
    commit = call("POST", "git/commits", {"message": "m [skip ci]", "tree": tree.json()["sha"],
                                          "parents": []})  # fmt: skip
    validate(f"{R}/git/commits", "post", 201, commit.json())
    assert commit.json()["verification"]["verified"] is True
    ref = call("POST", "git/refs", {"ref": "refs/heads/r", "sha": commit.json()["sha"]})
    validate(f"{R}/git/refs", "post", 201, ref.json())
    validate(f"{R}/git/ref/{{ref}}", "get", 200, call("GET", "git/ref/heads/r").json())
    listing = call("GET", f"git/trees/{commit.json()['sha']}?recursive=1")
    validate(f"{R}/git/trees/{{tree_sha}}", "get", 200, listing.json())
    assert {e["path"] for e in listing.json()["tree"]} == {"a", "a/b.txt", "c.bin"}
    again = call("PATCH", "git/refs/heads/r", {"sha": commit.json()["sha"], "force": False})
    validate(f"{R}/git/refs/{{ref}}", "patch", 200, again.json())


def test_non_fast_forward_is_422_like_github(hub: Hub) -> None:
    call = Client(hub)
    tree = call("POST", "git/trees", {"tree": [{"path": "x", "mode": "100644", "type": "blob",
                                                 "content": "1"}]}).json()["sha"]  # fmt: skip
    first = call("POST", "git/commits", {"message": "1", "tree": tree, "parents": []}).json()
    other = call("POST", "git/commits", {"message": "2", "tree": tree, "parents": []}).json()
    call("POST", "git/refs", {"ref": "refs/heads/r", "sha": first["sha"]})
    refused = call("PATCH", "git/refs/heads/r", {"sha": other["sha"], "force": False})
    assert (
        refused.status_code == 422 and refused.json()["message"] == "Update is not a fast forward"
    )
    validate(f"{R}/git/refs/{{ref}}", "patch", 422, refused.json())
    exists = call("POST", "git/refs", {"ref": "refs/heads/r", "sha": other["sha"]})
    assert exists.status_code == 422 and exists.json()["message"] == "Reference already exists"


def test_comments_reviews_pulls_and_user_validate(hub: Hub) -> None:
    call = Client(hub)
    created = call("POST", "issues/3/comments", {"body": "hello"})
    validate(f"{R}/issues/{{issue_number}}/comments", "post", 201, created.json())
    updated = call("PATCH", f"issues/comments/{created.json()['id']}", {"body": "bye"})
    validate(f"{R}/issues/comments/{{comment_id}}", "patch", 200, updated.json())
    listing = call("GET", "issues/3/comments")
    validate(f"{R}/issues/{{issue_number}}/comments", "get", 200, listing.json())
    assert listing.json()[0]["user"]["login"] == "github-actions[bot]"
    hub.gitdata.reviews[3] = [Review(hub.gitdata.accounts[USER_TOKEN], "APPROVED",
                                     datetime(2026, 1, 2, tzinfo=UTC))]  # fmt: skip
    reviews = call("GET", "pulls/3/reviews")
    validate(f"{R}/pulls/{{pull_number}}/reviews", "get", 200, reviews.json())
    hub.gitdata.pulls[3] = pull_payload(REPOSITORY, 3, head_sha="c" * 40)
    validate(f"{R}/pulls/{{pull_number}}", "get", 200, call("GET", "pulls/3").json())
    user = Client(hub, USER_TOKEN)("GET", "/user")
    validate("/user", "get", 200, user.json())
    forbidden = call("GET", "/user")
    assert forbidden.status_code == 403
    validate("/user", "get", 403, forbidden.json())


@pytest.mark.parametrize(
    ("tail", "body"),
    [("git/refs/heads/main", {"force": False}),
     ("git/trees", {"tree": [{"path": "x", "mode": "644", "type": "blob", "content": "1"}]}),
     ("issues/1/comments", {"text": "no body field"})],
    ids=["ref-without-sha", "bad-file-mode", "comment-without-body"],
)  # fmt: skip
def test_invalid_request_bodies_get_422(hub: Hub, tail: str, body: dict[str, Any]) -> None:
    method = "PATCH" if tail.startswith("git/refs/") else "POST"
    assert Client(hub)(method, tail, body).status_code == 422
    assert len(hub.gitdata.invalid_requests) == 1
    hub.gitdata.invalid_requests.clear()  # the fixture asserts publish never sends one


def test_read_only_token_cannot_write(hub: Hub) -> None:
    refused = Client(hub, FORK_TOKEN)("POST", "issues/1/comments", {"body": "x"})
    assert refused.status_code == 403
    validate(f"{R}/issues/{{issue_number}}/comments", "post", 403, refused.json())
