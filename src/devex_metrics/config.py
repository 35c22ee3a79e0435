"""Configuration (SPEC §3): one YAML file, validated once into a frozen model.

Every key has a default, so an empty file is valid. Unknown keys are errors with a
"did you mean" hint; every error names the file, the key and the fix, and exits 2
(`errors.ConfigError`). CLI flags and action inputs override the file in
`cli.py` through `Config.with_overrides`.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from devex_metrics.errors import ConfigError

DEFAULT_CONFIG_PATH = Path(".github/devex-metrics.yml")
OUTPUT_KINDS = ("markdown", "json", "badges", "charts", "openmetrics", "sbom", "summary")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PrivacyConfig(_Section):
    min_group_size: int = Field(
        5,
        description="k: the minimum number of people behind any "
        "person-derived number; values below 3 are rejected",
    )
    opt_out: tuple[str, ...] = Field(
        (), description='logins, emails, or "sha256:<hex of the lowercased login or email>"'
    )
    opt_out_file: str | None = Field(
        ".github/devex-metrics-optout",
        description="a file in the repository, same format, one entry per line",
    )
    retention_days: int = Field(90, ge=1, description="raw caches older than this are deleted")
    org_secret_env: str | None = Field(
        None,
        description="name of an environment variable holding the org secret: people "
        "become keyed pseudonyms and suppressed aggregates are sealed, so devex-metrics "
        "merge can count people once",
    )
    cache_secret_env: str | None = Field(
        None,
        description="name of an environment variable "
        "holding the HMAC secret for pseudonymous cache keys",
    )

    @field_validator("min_group_size")
    @classmethod
    def _k_at_least_three(cls, value: int) -> int:
        if value < 3:
            raise ValueError("must be at least 3 (a smaller group makes individuals identifiable)")
        return value


class DeploymentsConfig(_Section):
    source: Literal["auto", "github", "releases", "tags", "workflow", "merges"] = "auto"
    environments: tuple[str, ...] = ("production", "prod", "live")
    tag_pattern: str = r"^v?\d+(\.\d+)*$"
    workflow: str | None = None

    @field_validator("tag_pattern")
    @classmethod
    def _valid_regex(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"is not a valid regular expression: {exc}") from None
        return value


class FailuresConfig(_Section):
    incident_labels: tuple[str, ...] = ("incident",)
    incident_window_hours: float = Field(168, ge=0)
    hotfix_labels: tuple[str, ...] = ("hotfix",)
    hotfix_branch_prefixes: tuple[str, ...] = ("hotfix/",)


class SurveysConfig(_Section):
    pulse_label: str = "devex-pulse"
    friction_label: str = "devex-friction"
    repository: str | None = Field(None, pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
    record: bool = Field(
        False,
        description="after publishing, label the survey issues the report counted "
        "`devex-recorded`, close and lock them (needs issues: write)",
    )


class CiConfig(_Section):
    workflows: tuple[str, ...] = ()


class TeamsConfig(_Section):
    """Team breakdowns inside one repository (each cell gated like any metric)."""

    source: Literal["none", "config", "codeowners"] = Field(
        "none",
        description="none: no team breakdowns; config: teams from `members`; codeowners: "
        "teams (`@org/team` owners) of the paths a commit touches, from CODEOWNERS",
    )
    members: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description="team name → logins or emails, for source: config"
    )


class PublishConfig(_Section):
    branch: str = "devex-metrics"
    path: str = ""
    pr_comment: Literal["auto", "always", "never"] = "auto"


class Config(_Section):
    """The whole configuration file. `ai_agents` extends the built-in list of AI
    coding-agent emails and logins (SPEC §6 "extend by config")."""

    window_days: int = Field(90, ge=1, le=3660)
    default_branch: str | None = None
    privacy: PrivacyConfig = PrivacyConfig()
    bots: tuple[str, ...] = ()
    ai_agents: tuple[str, ...] = ()
    deployments: DeploymentsConfig = DeploymentsConfig()
    failures: FailuresConfig = FailuresConfig()
    surveys: SurveysConfig = SurveysConfig()
    ci: CiConfig = CiConfig()
    teams: TeamsConfig = TeamsConfig()
    outputs: tuple[Literal[OUTPUT_KINDS], ...] = OUTPUT_KINDS  # type: ignore[valid-type]
    publish: PublishConfig = PublishConfig()

    def with_overrides(self, **changes: Any) -> Config:
        """A copy with dotted-key overrides (`privacy.min_group_size=7`), validated."""
        data = self.model_dump()
        for dotted, value in changes.items():
            if value is None:
                continue
            node = data
            *parents, last = dotted.split(".")
            for part in parents:
                node = node[part]
            node[last] = value
        return parse_config(data, "command-line options")


def _known_keys(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    for part in loc[:-1]:
        field = model.model_fields.get(str(part))
        annotation = field.annotation if field else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return list(model.model_fields)


def _describe(error: Any, source: str) -> str:
    loc = tuple(error["loc"])
    key = ".".join(str(p) for p in loc) or "(top level)"
    if error["type"] == "extra_forbidden":
        known = _known_keys(Config, loc)
        guess = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"did you mean '{guess[0]}'?" if guess else f"known keys here: {', '.join(known)}"
        return f"{source}: unknown key '{key}': {hint} Remove or rename it."
    message = str(error["msg"]).removeprefix("Value error, ")
    fix = "Fix the value (see `devex-metrics schema config`)."
    return f"{source}: key '{key}' {_phrase(message)} {fix}"


def _phrase(message: str) -> str:
    return message if message.startswith(("must", "is")) else f"is invalid: {message}."


def parse_config(data: object, source: str) -> Config:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"{source}: the top level must be a mapping of keys, "
            f"not {type(data).__name__}. Start from `devex-metrics schema config`."
        )
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError("\n".join(_describe(e, source) for e in exc.errors())) from None


def load_config(path: Path | None, repo: Path) -> tuple[Config, Path | None]:
    """Load the file at `path`, or the repository's default file if it exists, or defaults."""
    if path is None:
        candidate = repo / DEFAULT_CONFIG_PATH
        if not candidate.is_file():
            return Config(), None
        path = candidate
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot read the configuration file ({exc.strerror}). Check the --config path."
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            f"{path}: malformed YAML{where}: {problem}. Fix the syntax "
            "(indentation, quotes, colons)."
        ) from None
    return parse_config(data, str(path)), path


def config_json_schema() -> dict[str, Any]:
    return Config.model_json_schema()
