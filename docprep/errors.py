"""Exceptions that carry their exit code, so the CLI never guesses (0 clean, 1 findings, 2 usage/config/internal)."""
from __future__ import annotations

from enum import IntEnum

from .i18n import Text


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1
    USAGE = 2


class DocprepError(Exception):
    """A problem with how docprep was called or configured, not with a checked document. The message is a Text
    (Chinese and English) or a plain string (profile errors name TOML keys, in English); str() is English."""

    exit_code = ExitCode.USAGE

    def __init__(self, message: str | Text):
        self.text = message if isinstance(message, Text) else Text(message, message)
        super().__init__(self.text.en)

    def message(self, lang: str) -> str:
        return self.text(lang)


class ProfileError(DocprepError):
    """A profile that cannot be found, parsed or validated."""


class UsageError(DocprepError):
    """Arguments that cannot work together (e.g. an output that would overwrite its input)."""


class OutputError(DocprepError):
    """An output that cannot be written (a read-only folder or share, a file where a folder is needed)."""
