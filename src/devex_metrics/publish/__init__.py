"""The publish stage: write a report where people read it (SPEC §2, §10).

- `outdir` writes `report`'s artifacts into `--out`, all or nothing;
- `command` is `devex-metrics publish`: it reads `--out` (`files`, `folder`),
  decides what to do (`plan`), and carries it out (`run`): one verified commit on
  the report branch through the Git Data API (`gitdata`, with `reconcile` merging
  history), the sticky pull request comment (`comment`, with `event` for the pull
  request's own facts), the job summary and step outputs (`outputs`);
- `restore` brings the branch's history into `--out` before `report`, so trends
  span runs that start from a fresh checkout.

Every GitHub request goes through the collector's `GitHubClient` (`api`), so
retries, rate limits and request counts are the same as for collection.
"""
