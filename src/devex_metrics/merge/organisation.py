"""The organisation's metrics, rebuilt from many repositories' aggregates.

`OrgMerge.add` folds one `metrics.json` into running sums (then the document can
be dropped); `metric_set` recomputes every metric from the merged parts through
`metrics.combine`, so an organisation value is the single-pass value over the
union of the repositories' data. Each metric also gets a per-repository
breakdown built from the repositories' *published* values: a repository whose own
report suppressed the number is a withheld cell, and the privacy gate applies k
and complementary suppression to the table (SPEC §7), so no suppressed number can
be recovered from the organisation total and the other rows.

A sealed aggregate is opened only with the org secret; without it, a repository's
suppressed metric is left out of the total (and counted in the metric's note),
never guessed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from devex_metrics.errors import UsageError
from devex_metrics.merge.accumulate import MetricSum
from devex_metrics.metrics.catalogue import BY_ID, CATALOGUE
from devex_metrics.metrics.combine import combine
from devex_metrics.metrics.result import (
    REPOSITORY_DIMENSION,
    Cell,
    MetricResult,
    MetricSet,
    Status,
)
from devex_metrics.model import Window
from devex_metrics.privacy.aggregates import (
    AggregateData,
    MetricAggregate,
    aggregate_context,
    open_aggregate,
)
from devex_metrics.privacy.orgkeys import OrgKeys, SealError
from devex_metrics.reporters.metrics_document import Metric, MetricsDocument

HEALTH_ID = "health.score"
CURRENT, PREVIOUS = "current", "previous"


@dataclass
class _Window:
    """Running sums of one window: per metric, plus aggregates of shared sources
    (kept once per scope: the one of the first repository by name)."""

    sums: dict[str, MetricSum] = field(default_factory=dict)
    scoped: dict[tuple[str, str], tuple[str, AggregateData]] = field(default_factory=dict)

    def add(self, repository: str, metric_id: str, status: str, data: AggregateData | None) -> None:
        total = self.sums.setdefault(metric_id, MetricSum())
        if status != Status.UNAVAILABLE:
            total.measured += 1
        if data is None:
            if status in (Status.OK, Status.SUPPRESSED):
                total.missing += 1
            return
        if data.scope is None:
            total.add(data)
            return
        kept = self.scoped.get((metric_id, data.scope))
        if kept is None or repository < kept[0]:
            self.scoped[(metric_id, data.scope)] = (repository, data)

    def finish(self) -> dict[str, MetricSum]:
        for (metric_id, _), (_, data) in sorted(self.scoped.items()):
            self.sums[metric_id].add(data)
        self.scoped.clear()
        return self.sums


def _row(metric: Metric) -> Cell | None:
    """A repository's published value as a cell of the per-repository breakdown."""
    if metric.status is Status.OK and metric.value is not None:
        return Cell(metric.value, frozenset(), people_bound=metric.people)
    if metric.status is Status.SUPPRESSED:
        return Cell(0.0, frozenset(), withheld=True, people_bound=metric.people)
    return None


@dataclass
class OrgMerge:
    """The running merge of every input."""

    keys: OrgKeys | None
    windows: dict[str, _Window] = field(
        default_factory=lambda: {CURRENT: _Window(), PREVIOUS: _Window()}
    )
    rows: dict[str, dict[str, Cell]] = field(default_factory=dict)
    sources: Counter[str] = field(default_factory=Counter)
    deployment_sources: set[str] = field(default_factory=set)
    min_group_size: int = 0
    opt_outs: int = 0
    partial: bool = False
    inputs: int = 0

    def add(self, path: str, document: MetricsDocument) -> None:
        name = document.repository.name
        window = Window(document.window.start, document.window.end)
        previous = Window(document.previous_window.start, document.previous_window.end)
        for metric_id, metric in document.metrics.items():
            if metric_id == HEALTH_ID or metric_id not in BY_ID:
                continue
            self._add(path, name, metric_id, CURRENT, metric.status, metric.aggregate, window)
            before = metric.previous
            if before is not None:
                self._add(
                    path, name, metric_id, PREVIOUS, before.status, before.aggregate, previous
                )
            row = _row(metric)
            if row is not None:
                self.rows.setdefault(metric_id, {})[name] = row
        if document.health.score is not None:
            self.rows.setdefault(HEALTH_ID, {})[name] = Cell(
                float(document.health.score), frozenset()
            )
        self._add_header(document)

    def _add(
        self,
        path: str,
        name: str,
        metric_id: str,
        tag: str,
        status: str,
        stored: MetricAggregate | None,
        window: Window,
    ) -> None:
        data = None
        if stored is not None:
            sealed = stored.sealed is not None and self.keys is not None
            where = aggregate_context(name, metric_id, window) if sealed else b""
            try:
                data = open_aggregate(stored, self.keys, where)
            except SealError:
                raise UsageError(
                    f"{path}: the sealed aggregate of {metric_id} does not open "
                    "with the org secret although the key ids match: the file "
                    "was altered. Re-run `report` for that repository."
                ) from None
        self.windows[tag].add(name, metric_id, status, data)

    def _add_header(self, document: MetricsDocument) -> None:
        self.inputs += 1
        for source in document.sources.data:
            self.sources[source.name] += source.requests
        if document.sources.deployments is not None:
            self.deployment_sources.add(document.sources.deployments)
        self.min_group_size = max(self.min_group_size, document.privacy.min_group_size)
        self.opt_outs += document.privacy.opt_out_configured
        self.partial = self.partial or document.partial

    def deployment_source(self) -> str | None:
        if len(self.deployment_sources) > 1:
            return "mixed: " + ", ".join(sorted(self.deployment_sources))
        return next(iter(self.deployment_sources), None)

    def metric_set(self, tag: str, window: Window, key_id: str | None) -> MetricSet:
        """Every catalogue metric of one window, recomputed from the merged parts."""
        sums = self.windows[tag].finish()
        results: dict[str, MetricResult] = {}
        for spec in CATALOGUE:
            rows = self.rows.get(spec.id, {}) if tag == CURRENT else {}
            if spec.id == HEALTH_ID:
                if rows:
                    results[spec.id] = MetricResult(
                        spec, Status.UNAVAILABLE, 0, breakdowns={REPOSITORY_DIMENSION: rows}
                    )
                continue
            results[spec.id] = _result(spec.id, sums.get(spec.id), window, rows)
        return MetricSet(window, results, self.deployment_source(), pseudonym_key_id=key_id)


def _result(
    metric_id: str, total: MetricSum | None, window: Window, rows: dict[str, Cell]
) -> MetricResult:
    spec = BY_ID[metric_id]
    if total is None or total.measured == 0:
        return MetricResult(spec, Status.UNAVAILABLE, 0, note="not measured in any repository")
    note = ""
    if total.missing:
        note = (
            f"{total.missing} of {total.measured} repositories left out: their numbers are "
            "suppressed there (or sealed) and no org secret was given to open them"
        )
    breakdowns = total.breakdowns()
    if rows:
        breakdowns[REPOSITORY_DIMENSION] = dict(sorted(rows.items()))
    return combine(
        spec,
        total.aggregate(),
        window,
        people=total.people.exact(),
        people_bound=total.people.bound(),
        breakdowns=breakdowns,
        note=note,
    )
