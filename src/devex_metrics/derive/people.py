"""Who is a person, a bot, an AI agent, or opted out (SPEC §4, §6, §7).

A person's identity is canonical: the mailmapped author email, lowercased; or a
GitHub login, lowercased, when GitHub links the email to an account or the email
is a `ID+login@users.noreply.github.com` address. Bots (and AI agents, which are
bots) are excluded from every person-derived sample; opted-out people's own items
too. Matching is on emails and logins only, never on display names, and never on
the bare noreply suffix.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

NOREPLY = re.compile(r"^(?:\d+\+)?([^@\s]+)@users\.noreply\.github\.com$")

BUILTIN_BOT_LOGINS = frozenset({
    "dependabot", "dependabot-preview", "renovate", "renovate-bot", "github-actions",
    "pre-commit-ci", "snyk-bot", "greenkeeper", "mergify", "codecov", "imgbot",
    "allcontributors", "semantic-release-bot", "depfu", "pyup-bot", "deepsource-autofix",
    "restyled-io", "kodiakhq", "stale", "sonarcloud", "codeclimate", "github-advanced-security",
    "coderabbitai", "sourcery-ai", "netlify", "vercel", "web-flow",
})  # fmt: skip
BUILTIN_BOT_EMAILS = frozenset({
    "support@dependabot.com", "bot@renovateapp.com", "action@github.com",
    "github-actions@github.com", "noreply@snyk.io", "bot@pyup.io",
})  # fmt: skip
AI_AGENT_EMAILS = frozenset({
    "noreply@anthropic.com", "cursoragent@cursor.com", "noreply@openai.com",
    "aider@aider.chat", "noreply@aider.chat", "copilot@github.com",
})  # fmt: skip
AI_AGENT_LOGINS = frozenset({
    "copilot", "copilot-swe-agent", "copilot-swe-agent[bot]", "copilot-pull-request-reviewer",
    "copilot-pull-request-reviewer[bot]", "claude[bot]", "claude-code[bot]",
    "anthropic-claude[bot]", "chatgpt-codex-connector", "chatgpt-codex-connector[bot]",
    "codex[bot]", "openai-codex[bot]", "cursor[bot]", "cursor-agent[bot]",
    "devin-ai-integration", "devin-ai-integration[bot]", "google-labs-jules",
    "google-labs-jules[bot]", "jules[bot]", "gemini-code-assist", "gemini-code-assist[bot]",
    "gemini-cli[bot]",
})  # fmt: skip
SHA256_PREFIX = "sha256:"


def login_of_email(email: str) -> str | None:
    """The login behind a GitHub noreply email, or None."""
    match = NOREPLY.match(email.strip().lower())
    return match.group(1) if match else None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def opt_out_hash(login_or_email: str) -> str:
    """The `sha256:` line a person adds to the opt-out file."""
    return SHA256_PREFIX + _sha256(login_or_email.strip().lower())


@dataclass(frozen=True, slots=True)
class Person:
    key: str
    is_bot: bool
    is_ai_agent: bool
    opted_out: bool

    @property
    def counted(self) -> bool:
        """Whether this person's own items enter person-derived samples."""
        return not self.is_bot and not self.opted_out


class OptOut:
    """Opt-out entries: plain logins/emails or `sha256:<hex>` of one, lowercased."""

    def __init__(self, entries: Iterable[str]) -> None:
        plain: set[str] = set()
        hashed: set[str] = set()
        for raw in entries:
            entry = raw.strip()
            if not entry or entry.startswith("#"):
                continue
            if entry.lower().startswith(SHA256_PREFIX):
                hashed.add(entry[len(SHA256_PREFIX) :].strip().lower())
            else:
                plain.add(entry.lower())
        self._plain = frozenset(plain)
        self._hashed = frozenset(hashed)
        self.size = len(plain) + len(hashed)

    def matches(self, names: Iterable[str]) -> bool:
        return any(n in self._plain or _sha256(n) in self._hashed for n in names if n)


class People:
    """Resolves raw emails and logins to `Person`s with the run's configuration."""

    def __init__(
        self,
        *,
        bots: Iterable[str] = (),
        ai_agents: Iterable[str] = (),
        opt_out: OptOut | None = None,
        email_logins: Mapping[str, str] | None = None,
        user_types: Mapping[str, str] | None = None,
    ) -> None:
        extra_bots = {b.strip().lower() for b in bots}
        extra_agents = {a.strip().lower() for a in ai_agents}
        self._bot_names = BUILTIN_BOT_LOGINS | BUILTIN_BOT_EMAILS | extra_bots
        self._agents = AI_AGENT_EMAILS | AI_AGENT_LOGINS | extra_agents
        self._opt_out = opt_out or OptOut(())
        self._email_logins = {k.lower(): v.lower() for k, v in (email_logins or {}).items()}
        self._user_types = {k.lower(): v for k, v in (user_types or {}).items()}
        self._cache: dict[tuple[str, str], Person] = {}
        self._by_email: dict[str, Person] = {}

    def from_email(self, email: str) -> Person:
        cached = self._by_email.get(email)  # hot path: once per commit of a large history
        if cached is None:
            normal = email.strip().lower()
            login = login_of_email(normal) or self._email_logins.get(normal)
            cached = self._resolve(login, normal)
            self._by_email[email] = cached
        return cached

    def from_login(self, login: str | None, *, is_bot: bool = False) -> Person:
        name = (login or "ghost").strip().lower()
        cached = self._cache.get(("l", name))
        if cached is None:
            cached = self._resolve(name, None, flagged_bot=is_bot)
            self._cache[("l", name)] = cached
        return cached if not is_bot or cached.is_bot else self._as_bot(cached)

    def _resolve(self, login: str | None, email: str | None, flagged_bot: bool = False) -> Person:
        names = [n for n in (login, email) if n]
        agent = any(n in self._agents for n in names)
        bot = flagged_bot or agent or any(self._is_bot_name(n) for n in names)
        if login and self._user_types.get(login) == "Bot":
            bot = True
        return Person(login or email or "", bot, agent, self._opt_out.matches(names))

    def _is_bot_name(self, name: str) -> bool:
        if name in self._bot_names or name.endswith("[bot]"):
            return True
        if name.endswith("[bot]@users.noreply.github.com"):
            return True
        return name.removesuffix("[bot]") in BUILTIN_BOT_LOGINS

    @staticmethod
    def _as_bot(person: Person) -> Person:
        return Person(person.key, True, person.is_ai_agent, person.opted_out)

    def is_ai_email(self, email: str) -> bool:
        """An AI agent's email or noreply address (for `Co-authored-by` trailers)."""
        email = email.strip().lower()
        login = login_of_email(email)
        return email in self._agents or (login is not None and login in self._agents)
