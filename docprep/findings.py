"""A finding: one rule's verdict on one file (and page), with what was measured and what was expected."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .i18n import Text


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    OFF = "off"


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: Text
    measured: object = None
    expected: object = None
    page: int | None = None
    box: tuple[float, float, float, float] | None = None

    def to_dict(self, lang: str) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message(lang),
            "page": self.page,
            "measured": self.measured,
            "expected": self.expected,
            **({"box": list(self.box)} if self.box is not None else {}),
        }
