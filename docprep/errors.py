"""Exceptions that carry their exit code, so the CLI never guesses (0 clean, 1 findings, 2 usage/config/internal).

Each carries a message key of the i18n catalogues ([error] KEY) and its values, so the library says what is
wrong in either language without naming command-line flags; str() is the English text."""
from __future__ import annotations

from enum import IntEnum

from .i18n import Text, message


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1
    USAGE = 2
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it): a partial report at most


class DocprepError(Exception):
    """A problem with how docprep was called or configured, not with a checked document."""

    exit_code = ExitCode.USAGE

    def __init__(self, key: str, **values):
        self.key, self.values = key, values
        self.text: Text = message(f"error.{key}", **values)
        super().__init__(self.text.en)

    def message(self, lang: str) -> str:
        return self.text(lang)


class ProfileError(DocprepError):
    """A profile that cannot be found, parsed or validated; `detail` names the file and the TOML key (English)."""

    def __init__(self, detail: str):
        super().__init__("profile", detail=detail)


class UsageError(DocprepError):
    """Arguments that cannot work together (e.g. an output that would overwrite its input)."""


class OutputError(DocprepError):
    """An output that cannot be written (a read-only folder or share, a file where a folder is needed)."""
