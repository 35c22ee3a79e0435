"""Who writes the synthetic history, and what they write about.

About 300 contributors with unicode names and staggered tenures (so any 90-day
window sees a realistic team), a dozen of them with an older identity that
``.mailmap`` merges; the bots and AI agents GitHub repositories see; and the
words commit subjects are made of. Everything is drawn from the caller's
``random.Random``, in a fixed order: changing a draw here changes every byte of
the generated repository, so bump ``synthetic_history.GENERATOR_VERSION`` with it.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

_DAY: Final = 86_400

GITHUB: Final = "GitHub <noreply@github.com>"
DEPENDABOT: Final = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"
ACTIONS_BOT: Final = "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"
COPILOT_AGENT: Final = "Copilot <198982749+Copilot@users.noreply.github.com>"
AI_TRAILERS: Final = ("Co-authored-by: Claude <noreply@anthropic.com>", "Assisted-by: Copilot")
# fmt: off
FIRST_NAMES: Final = (
    "Ada", "Ahmet", "Aiko", "Alejandro", "Amara", "Anaïs", "Andrés", "Anja", "Aoife", "Arjun",
    "Ayşe", "Björn", "Bogdan", "Carmen", "Chiara", "Chloé", "Dagný", "Darius", "Đorđe", "Elif",
    "Émile", "Esther", "Fatima", "François", "Gráinne", "Hana", "Håkon", "Ingrid", "Ioana",
    "Jürgen", "Kaito", "Kwame", "Lars", "Leïla", "Łukasz", "Małgorzata", "Mateus", "Mei", "Mikko",
    "Nadia", "Ngọc", "Nikolai", "Olúwaseun", "Oriol", "Paweł", "Priya", "Rafael", "Renée",
    "Saoirse", "Sebastián", "Siobhán", "Søren", "Tomás", "Ulrike", "Valentina", "Wei", "Yasmin",
    "Zoë", "Zsófia", "Jamal",
)
LAST_NAMES: Final = (
    "Abe", "Alves", "Bauer", "Çelik", "Chen", "Costa", "Dubois", "Eriksson", "Fernández", "García",
    "Gonçalves", "Hansen", "Horváth", "Ivanova", "Jensen", "Kowalski", "Kumar", "Lefèvre",
    "Lindqvist", "Müller", "Nakamura", "Novák", "Nowak", "O'Brien", "Okafor", "Øvergaard", "Park",
    "Pérez", "Quinn", "Rossi", "Šimić", "Smith", "Sørensen", "Tanaka", "Traoré", "van den Berg",
    "Wójcik", "Demir", "Zhang", "Żak",
)
WHOLE_NAMES: Final = (
    "李伟", "王芳", "山田太郎", "김민준", "Nguyễn Văn An", "Σωκράτης Παπαδόπουλος", "Анна Смирнова",
)
VERBS: Final = (
    "Fix", "Add", "Refactor", "Update", "Remove", "Improve", "Document", "Speed up", "Handle",
    "Simplify", "Harden", "Rename", "Test",
)
NOUNS: Final = (
    "cache refresh", "login flow", "retry budget", "CSV export", "search index", "rate limiter",
    "date parsing", "build matrix", "error page", "config loader", "webhook handler",
    "billing report", "session store", "feature flags", "audit log", "upload queue",
    "dark mode", "pagination", "metrics endpoint", "schema migration",
)
PACKAGES: Final = ("requests", "pydantic", "jinja2", "pyyaml", "urllib3", "certifi", "pytest")
# fmt: on


@dataclass(frozen=True)
class Person:
    """A human contributor; ``alias`` is the older identity that ``.mailmap`` merges."""

    ident: str
    joined: int
    left: int
    weight: float
    alias: str | None = None
    alias_until: int = 0

    def at(self, ts: int) -> str:
        return self.alias if self.alias and ts < self.alias_until else self.ident


# Letters NFKD does not decompose into an ASCII base letter.
FOLD: Final = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d"})


def _ascii(text: str) -> str:
    """The ASCII slug people use in emails: ``Łukasz Żak`` becomes ``lukasz.zak``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(FOLD))
    folded = decomposed.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", ".", folded.lower()).strip(".")


def build_people(rng: random.Random, start_ts: int, end_ts: int, count: int = 290) -> list[Person]:
    """Contributors with staggered tenures, so any 90-day window sees a realistic team."""
    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    names = names[: count - len(WHOLE_NAMES)] + list(WHOLE_NAMES)
    people: list[Person] = []
    for i, name in enumerate(names):
        slug = _ascii(name) or f"dev{i}"
        if i % 3 == 2:
            email = f"{1000 + i}+{slug.replace('.', '')}@users.noreply.github.com"
        else:
            email = f"{slug}@{('acme.example', 'mail.example')[i % 3]}"
        joined = start_ts if i < 40 else rng.randint(start_ts, end_ts - 60 * _DAY)
        left = joined + int(rng.uniform(1.0, 7.0) * 365 * _DAY)
        people.append(Person(f"{name} <{email}>", joined, left, 1.0 / (1 + i % 50) ** 0.7))
    for i in rng.sample(range(len(people)), 12):
        old = people[i]
        alias = f"{_ascii(old.ident.split(' <')[0]) or 'dev'} <dev{i}@old-laptop.local>"
        until = (old.joined + min(old.left, end_ts)) // 2
        people[i] = Person(old.ident, old.joined, old.left, old.weight, alias, until)
    return people


def mailmap(people: Sequence[Person]) -> str:
    """``Proper Name <proper> Commit Name <commit>`` lines for every aliased person."""
    return "".join(f"{p.ident} {p.alias}\n" for p in people if p.alias)


class Cast:
    """Who is around at a given time, and what they write, drawn from the generator's rng.

    Tenures are bucketed by 30 days with cumulative weights computed once, so picking
    an author is one weighted draw, not a scan of every contributor per commit.
    """

    def __init__(self, rng: random.Random, start_ts: int, end_ts: int) -> None:
        self.rng, self.start_ts, self.end_ts = rng, start_ts, end_ts
        self.people = build_people(rng, start_ts, end_ts)
        self.buckets = [self._active(t + 15 * _DAY) for t in range(start_ts, end_ts, 30 * _DAY)]

    def _active(self, ts: int) -> tuple[list[Person], list[float]]:
        people = [x for x in self.people if x.joined <= ts < x.left] or self.people
        cum, total = [], 0.0
        for person in people:
            total += person.weight
            cum.append(total)
        return people, cum

    def human(self, ts: int) -> str:
        """A contributor active at `ts`, under the identity they used then."""
        bucket = min((ts - self.start_ts) // (30 * _DAY), len(self.buckets) - 1)
        people, cum = self.buckets[bucket]
        return self.rng.choices(people, cum_weights=cum)[0].at(ts)

    def trailers(self, ts: int) -> str:
        """AI trailers appear in the last three years, growing towards 30 % of commits."""
        ai_start = self.end_ts - 3 * 365 * _DAY
        share = 0.3 * max(0.0, (ts - ai_start) / (self.end_ts - ai_start))
        lines = [self.rng.choice(AI_TRAILERS)] if self.rng.random() < share else []
        if self.rng.random() < 0.03:
            lines.append(f"Co-authored-by: {self.human(ts)}")
        return "\n\n" + "\n".join(lines) if lines else ""

    def subject(self) -> tuple[str, str]:
        """A commit subject and the branch slug made from its noun."""
        noun = self.rng.choice(NOUNS)
        return f"{self.rng.choice(VERBS)} {noun}", noun.replace(" ", "-").lower()
