"""merge: an organisation report from many repositories' `metrics.json` (SPEC §9).

The Actions matrix is the distributed engine: each repository's job runs `report`
and uploads its `metrics.json`; a final job runs `devex-metrics merge`. Modules,
in data-flow order:

- `inputs`: find the files, read them through the `metrics.json` schema, and
  check they belong together (one window, each repository once, one org secret);
- `accumulate`: order-independent running sums of the aggregates;
- `organisation`: the merged `MetricSet`s (current and previous window) with a
  per-repository breakdown for the privacy gate;
- `command`: the CLI command, gating and rendering through the usual reporters;
- `workflow`: the organisation workflow `init --org` scaffolds.

What may be read, and by whom, is the threat model of `privacy.orgkeys`.
"""
