"""An organisation report's `metrics.json` is itself mergeable: merging two
organisations' reports equals merging all their repositories at once, and it
validates against the published JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from orgdata import GENERATED_AT, generate_repo, keys, write_reports

from devex_metrics.merge.command import MergeOptions, build_org_report, merge_reports
from devex_metrics.privacy.orgkeys import OrgKeys
from devex_metrics.reporters.metrics_json import metrics_json_schema

EXACT = (
    "space.activity.commits",
    "space.activity.contributors",
    "dora.change_failure_rate",
    "space.satisfaction.nps",
    "space.efficiency.friction_reports",
    "dora.deployment_frequency",
)


@pytest.mark.parametrize("org_keys", [keys(), None], ids=["with-secret", "without-secret"])
def test_merging_organisations_equals_merging_their_repositories(
    tmp_path: Path, org_keys: OrgKeys | None
) -> None:
    repos = [generate_repo(21, n) for n in range(6)]
    write_reports(tmp_path / "east", repos[:3], org_keys=org_keys)
    write_reports(tmp_path / "west", repos[3:], org_keys=org_keys)
    for side in ("east", "west"):
        merge_reports(
            MergeOptions(
                [tmp_path / side],
                tmp_path / f"{side}-out",
                GENERATED_AT,
                name=f"acme-{side}",
                keys=org_keys,
            )
        )
    document = json.loads((tmp_path / "east-out" / "metrics.json").read_text())
    Draft202012Validator(metrics_json_schema()).validate(document)
    outer = build_org_report(
        MergeOptions(
            [tmp_path / "east-out" / "metrics.json", tmp_path / "west-out" / "metrics.json"],
            tmp_path / "all-out",
            GENERATED_AT,
            keys=org_keys,
        )
    )
    direct = build_org_report(
        MergeOptions(
            [tmp_path / "east", tmp_path / "west"],
            tmp_path / "direct-out",
            GENERATED_AT,
            keys=org_keys,
        )
    )
    for metric_id in EXACT:
        nested, flat = outer.metrics[metric_id], direct.metrics[metric_id]
        assert (nested.status, nested.samples, nested.value) == (
            flat.status,
            flat.samples,
            flat.value,
        )
        if org_keys is not None:
            assert nested.people == flat.people, metric_id
    rows = outer.metrics["space.activity.commits"].breakdowns["repository"]
    assert set(rows) == {"acme-east", "acme-west"}
