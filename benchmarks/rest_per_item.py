"""What a per-item REST tool would spend on the same data: a formula, checked by a crawl.

The comparison the benchmark issue asks for is a tool that reads pull requests,
reviews, first-commit times, deployments and workflow runs through REST, one
item at a time. For a window ``[since, until)`` its request count is

    ⌈C/100⌉                      GET /repos/{o}/{r}/pulls?state=closed&sort=updated&direction=desc
  + Σ over merged PRs  ⌈max(r,1)/100⌉   GET /pulls/{n}/reviews   (r reviews)
                     + ⌈max(c,1)/100⌉   GET /pulls/{n}/commits   (c commits: first-commit time)
  + ⌈D/100⌉                      GET /deployments (all of them: a deployment's predecessor)
  + Σ over deployments ⌈max(s,1)/100⌉   GET /deployments/{id}/statuses
  + ⌈R/100⌉                      GET /actions/runs (unfiltered: no 1,000-result cap)

with ``per_page=100`` everywhere, C the closed PRs updated since `since`, D all
deployments and R the runs created since `since`. A listing read newest first
until it passes `since` needs one more page when older items exist and the
window's items end exactly on a page boundary, so a listing costs
``⌊n/100⌋ + 1`` pages when older items exist, else ``⌈n/100⌉`` (at least one).
An empty sub-list still costs its one request: hence ``max(·, 1)``.

`predict` evaluates this on a data set; `crawl` runs the tool against the fake
server's REST endpoints (``rest_fake``): every listing page, and the per-item
calls for every `every`-th item, so the check costs a few percent of the full
crawl while covering each kind of request.
"""

from __future__ import annotations

import http.client
import json
import math
import urllib.parse
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fakegithub.dataset import Deployment, Pull, Repo

from devex_metrics.collect.github.client import parse_link_header

PER_PAGE = 100


def listing_pages(in_window: int, older_exist: bool) -> int:
    """Pages of a newest-first listing read until it passes the window's start."""
    return in_window // PER_PAGE + 1 if older_exist else max(1, math.ceil(in_window / PER_PAGE))


def sub_list_pages(count: int) -> int:
    return math.ceil(max(count, 1) / PER_PAGE)


def pull_cost(pull: Pull) -> int:
    """Reviews pages plus commits pages of one merged PR."""
    return sub_list_pages(len(pull.reviews)) + sub_list_pages(len(pull.commits))


def deployment_cost(deployment: Deployment) -> int:
    return sub_list_pages(len(deployment.statuses))


def _merged_since(pull: Pull, since: datetime) -> bool:
    return pull.merged_at is not None and pull.merged_at >= since


def predict(repo: Repo, since: datetime) -> Counter[str]:
    """Requests per part of the per-item approach (the formula above) on `repo`."""
    closed = [p for p in repo.pulls if p.closed or p.merged_at]
    recent = [p for p in closed if p.updated_at >= since]
    runs = sum(r.created_at >= since for r in repo.runs)
    return Counter(
        {
            "pull listing": listing_pages(len(recent), len(recent) < len(closed)),
            "reviews + commits": sum(pull_cost(p) for p in recent if _merged_since(p, since)),
            "deployment listing": listing_pages(len(repo.deployments), False),
            "deployment statuses": sum(deployment_cost(d) for d in repo.deployments),
            "run listing": listing_pages(runs, runs < len(repo.runs)),
        }
    )


class RestReader:
    """Keep-alive GETs against one host, following `Link` pages, counting requests."""

    def __init__(self, api_url: str, token: str) -> None:
        parts = urllib.parse.urlsplit(api_url)
        self._prefix = parts.path.rstrip("/")
        self._conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=60)
        self._headers = {"authorization": f"token {token}", "accept": "application/vnd.github+json"}
        self.requests = 0

    def close(self) -> None:
        self._conn.close()

    def get(self, url: str) -> tuple[Any, dict[str, str]]:
        parts = urllib.parse.urlsplit(url)
        target = parts.path if parts.netloc else self._prefix + parts.path
        path = f"{target}?{parts.query}" if parts.query else target
        self._conn.request("GET", path, headers=self._headers)
        response = self._conn.getresponse()
        body = response.read()
        self.requests += 1
        if response.status != 200:
            raise RuntimeError(f"GET {target}: HTTP {response.status}")
        return json.loads(body), {k.lower(): v for k, v in response.getheaders()}

    def pages(self, url: str, key: str | None = None) -> Iterator[list[Any]]:
        """The items of each page; stop iterating to stop fetching."""
        next_url: str | None = url
        while next_url:
            data, headers = self.get(next_url)
            yield list(data[key] if key else data)
            next_url = parse_link_header(headers.get("link", "")).get("next")

    def count_all(self, url: str) -> int:
        """Requests spent reading every page of `url`."""
        before = self.requests
        for _ in self.pages(url):
            pass
        return self.requests - before


@dataclass
class Crawl:
    """Requests the crawl made, per part, and which items got their per-item calls."""

    requests: Counter[str] = field(default_factory=Counter)
    sampled_pulls: list[int] = field(default_factory=list)
    sampled_deployments: list[int] = field(default_factory=list)


def crawl(reader: RestReader, repo: str, since: datetime, every: int) -> Crawl:
    """Every listing page in full; per-item calls for every `every`-th item."""
    found = Crawl()
    base = f"/repos/{repo}"
    listing = f"{base}/pulls?state=closed&sort=updated&direction=desc&per_page={PER_PAGE}"
    merged = 0
    for pulls in _until(reader.pages(listing), "updated_at", since, found, "pull listing"):
        for pull in pulls:
            if pull["merged_at"] and _time(pull["merged_at"]) >= since:
                if merged % every == 0:
                    found.sampled_pulls.append(int(pull["number"]))
                    for part in ("reviews", "commits"):
                        url = f"{base}/pulls/{pull['number']}/{part}?per_page={PER_PAGE}"
                        found.requests["reviews + commits"] += reader.count_all(url)
                merged += 1
    deployments = reader.pages(f"{base}/deployments?per_page={PER_PAGE}")
    for index, deployment in enumerate(_counted(deployments, found, "deployment listing")):
        if index % every == 0:
            found.sampled_deployments.append(int(deployment["id"]))
            url = f"{base}/deployments/{deployment['id']}/statuses?per_page={PER_PAGE}"
            found.requests["deployment statuses"] += reader.count_all(url)
    runs = reader.pages(f"{base}/actions/runs?per_page={PER_PAGE}", key="workflow_runs")
    for _ in _until(runs, "created_at", since, found, "run listing"):
        pass
    return found


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _until(
    pages: Iterator[list[Any]], field_name: str, since: datetime, found: Crawl, part: str
) -> Iterator[list[Any]]:
    """Pages counted under `part`, cut at the first item older than `since`."""
    for page in pages:
        found.requests[part] += 1
        recent = [item for item in page if _time(item[field_name]) >= since]
        yield recent
        if len(recent) < len(page):
            return


def _counted(pages: Iterable[list[Any]], found: Crawl, part: str) -> Iterator[Any]:
    for page in pages:
        found.requests[part] += 1
        yield from page


def predict_sample(repo: Repo, since: datetime, sample: Crawl) -> Counter[str]:
    """The formula for what `crawl` did: full listings, per-item calls of the sample only."""
    full = predict(repo, since)
    pulls = {p.number: p for p in repo.pulls}
    deployments = {d.id: d for d in repo.deployments}
    full["reviews + commits"] = sum(pull_cost(pulls[n]) for n in sample.sampled_pulls)
    full["deployment statuses"] = sum(
        deployment_cost(deployments[i]) for i in sample.sampled_deployments
    )
    return full
