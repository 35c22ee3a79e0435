"""Commit email → GitHub login, from the default branch's history in the window.

GitHub links a commit to an account when the author email is verified on it; that
link lets derive.people count a person's commits and pull requests as one identity
(SPEC §4 "Identity"). Only linked emails are kept; both sides are lowercased.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from devex_metrics.collect.github.client import GitHubClient
from devex_metrics.collect.github.convert import iso
from devex_metrics.collect.github.paging import Page, pages
from devex_metrics.collect.github.queries import HISTORY


def history_pages(
    client: GitHubClient,
    owner: str,
    name: str,
    branch: str,
    *,
    since: datetime,
    until: datetime,
    size: int,
    first_page: Page | None = None,
) -> Iterator[Page]:
    variables = {
        "owner": owner,
        "name": name,
        "qualifiedName": f"refs/heads/{branch}",
        "since": iso(since),
        "until": iso(until),
    }
    path = ("repository", "ref", "target", "history")
    return pages(client, HISTORY, variables, path, size=size, first_page=first_page)


def collect_email_logins(history: Iterable[Page]) -> dict[str, str]:
    found: dict[str, str] = {}
    for page in history:
        for node in page.nodes:
            author = node.get("author") or {}
            email, user = author.get("email"), author.get("user") or {}
            if email and user.get("login"):
                found[str(email).lower()] = str(user["login"]).lower()
    return found
