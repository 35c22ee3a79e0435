"""The dependency graph's SPDX SBOM export, passed through as GitHub produced it.

The export is optional evidence (SPEC §9 ``sbom/sbom.spdx.json``): when the
dependency graph is off (404), the token may not read it (403), or GitHub is slow
or failing, the run goes on without it and says so in one notice. A rate-limit
stop (`BudgetExhaustedError`) is not swallowed: it ends the run's collection.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from devex_metrics.collect.github.client import GitHubClient
from devex_metrics.collect.github.ratelimit import BudgetExhaustedError, GitHubStatusError
from devex_metrics.errors import RunError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SbomResult:
    document: Mapping[str, object] | None
    etag: str | None


def collect_sbom(
    client: GitHubClient, owner: str, name: str, *, cached: SbomResult | None = None
) -> SbomResult:
    """The SPDX document (the ``sbom`` member of the response), or None with a notice.
    With a cached document and its ETag, an unchanged export costs a 304."""
    etag = cached.etag if cached and cached.document is not None else None
    try:
        response = client.get(
            f"/repos/{owner}/{name}/dependency-graph/sbom", etag=etag, retry_timeouts=False
        )
    except BudgetExhaustedError:
        raise
    except GitHubStatusError as error:
        reason = {404: "the dependency graph is not enabled", 403: "the token may not read it"}
        log.info(
            "No SBOM export from GitHub: %s (HTTP %d).",
            reason.get(error.status, "refused"),
            error.status,
        )
        return SbomResult(None, None)
    except RunError:
        log.info("No SBOM export from GitHub: the request failed or timed out.")
        return SbomResult(None, None)
    if response.not_modified and cached is not None:
        return cached
    document = response.data.get("sbom") if isinstance(response.data, dict) else None
    if not isinstance(document, dict):
        log.info("No SBOM export from GitHub: the response carried no document.")
        return SbomResult(None, None)
    return SbomResult(document, response.etag)
