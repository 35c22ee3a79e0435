"""Generate `docs/metrics.md` from the metric catalogue in code.

`python scripts/generate_docs.py` rewrites the page; `--check` exits 1 when the
committed page differs (a test runs that, so the docs cannot drift from the code).
"""

from __future__ import annotations

import sys
from pathlib import Path

from jinja2 import Environment, StrictUndefined

from devex_metrics.metrics.catalogue import CATALOGUE, MetricSpec, People
from devex_metrics.metrics.tiers import BENCHMARK

PAGE = Path(__file__).resolve().parent.parent / "docs" / "metrics.md"

TEMPLATE = """\
# Metric catalogue

<!-- Generated from src/devex_metrics/metrics/catalogue.py by scripts/generate_docs.py. -->

Every metric has a stable id (its key in `metrics.json`). **Gated by** names whose
count decides publication: a person-derived metric is published only when at least
`privacy.min_group_size` (k, default 5) people stand behind it; otherwise its status
is `suppressed` and its value is absent from every output. *System* metrics describe
machines, not people, and are not gated.

Statuses: `ok` (value published), `suppressed` (fewer than k people),
`insufficient_data` (empty sample or denominator — never a zero), `unavailable`
(the source was not collected, e.g. no GitHub data offline).

| id | unit | definition | gated by | source |
|---|---|---|---|---|
{% for m in metrics -%}
| `{{ m.id }}` | {{ m.unit }} | {{ m.definition }} | {{ gate(m) }} | {{ m.source }} |
{% endfor %}
## DORA tiers

{{ benchmark }}.

| metric | elite | high | medium | low |
|---|---|---|---|---|
| deployment frequency | ≥ 7 per week | ≥ 1 per week | ≥ 12/52 per week | below |
| change lead time (p50) | < 24 h | < 168 h | < 720 h | ≥ 720 h |
| change failure rate | ≤ 5 % | ≤ 10 % | ≤ 15 % | > 15 % |
| recovery time (p50) | < 1 h | < 24 h | < 168 h | ≥ 168 h |

Rework rate has no published tiers.

## Conventions

- Percentiles interpolate linearly between closest ranks (NumPy's default, SQL
  `PERCENTILE_CONT`): `h = (n−1)·p`, `q = x[⌊h⌋] + (h−⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])`.
- All times are UTC; a window is `[start, end)` and an event belongs to it by the
  timestamp its definition names.
- The health score is the mean of the available 0–100 components (DORA tiers:
  elite 100, high 75, medium 50, low 25; `(1 − rework)·100`; `(rating − 1)/4·100`;
  `(nps + 100)/2`; `(1 − burnout)·100`; `build_success_rate·100`;
  `review_coverage·100`; `flow_state_days/5·100`; `(5 − cognitive_load)/4·100`),
  rounded half up, published with at least 3 components.
"""


def _gate(metric: MetricSpec) -> str:
    if metric.people is People.SYSTEM:
        return "system (not gated)"
    if metric.people is People.ALWAYS:
        return "always published"
    return metric.people_of


def render() -> str:
    # Markdown, not HTML: nothing to escape.
    env = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)  # noqa: S701
    return env.from_string(TEMPLATE).render(metrics=CATALOGUE, gate=_gate, benchmark=BENCHMARK)


def main() -> int:
    text = render()
    if "--check" in sys.argv[1:]:
        if not PAGE.is_file() or PAGE.read_text(encoding="utf-8") != text:
            print(f"{PAGE} is out of date: run python scripts/generate_docs.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
