"""Merging is order-independent: any order of the same inputs writes the same bytes
(sums of integers, unions, `math.fsum` and deterministic sealing make it so)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from orgdata import GENERATED_AT, generate_repo, keys, write_reports

from devex_metrics.merge.command import MergeOptions, merge_reports
from devex_metrics.privacy.orgkeys import OrgKeys

REPOSITORIES = 7


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    # k = 6 leaves some repository metrics suppressed, so sealed aggregates are merged too
    repos = [generate_repo(11, n) for n in range(REPOSITORIES)]
    return write_reports(tmp_path_factory.mktemp("order"), repos, k=6, org_keys=keys())


def _merged(paths: list[Path], org_keys: OrgKeys | None) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        merge_reports(MergeOptions(paths, out, GENERATED_AT, keys=org_keys))
        return {
            p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()
        }


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(order=st.permutations(range(REPOSITORIES)), with_secret=st.booleans())
def test_any_input_order_gives_identical_bytes(
    inputs: list[Path], order: list[int], with_secret: bool
) -> None:
    org_keys = keys() if with_secret else None
    baseline = _merged(inputs, org_keys)
    shuffled = _merged([inputs[i] for i in order], org_keys)
    assert shuffled.keys() == baseline.keys()
    assert shuffled["metrics.json"] == baseline["metrics.json"]
    assert shuffled == baseline  # every output, manifest included
