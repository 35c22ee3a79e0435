"""User-facing errors. Each carries its exit code (SPEC §2) and a message that
names the cause, the file or key, and the fix."""

from __future__ import annotations


class DevexError(Exception):
    exit_code = 1


class UsageError(DevexError):
    """Bad usage or bad input: exit 2."""

    exit_code = 2


class ConfigError(UsageError):
    """Bad configuration file or value: exit 2."""


class RunError(DevexError):
    """A run-time failure (git error, API unreachable after retries): exit 1."""

    exit_code = 1
