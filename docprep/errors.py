"""Exceptions that carry their exit code, so the CLI never guesses (0 clean, 1 findings, 2 usage/config/internal)."""
from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1
    USAGE = 2


class DocprepError(Exception):
    """A problem with how docprep was called or configured, not with a checked document."""

    exit_code = ExitCode.USAGE


class ProfileError(DocprepError):
    """A profile that cannot be found, parsed or validated."""


class UsageError(DocprepError):
    """Arguments that cannot work together (e.g. an output that would overwrite its input)."""
