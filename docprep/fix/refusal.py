"""What `fix` cannot mend: a refusal names the rule that says why, and becomes a report with that finding as an
error, so the photo fix and the scan fix refuse the same way."""
from __future__ import annotations

from ..i18n import Text
from ..model import FileReport, FileType, Finding, Problem, Severity


class Refusal(Exception):
    """The input cannot become one that passes; `rule` and `problem` say why, `source` which input (None: the
    output as a whole)."""

    def __init__(self, rule: str, problem: Problem, source: str | None = None):
        super().__init__(rule, problem.message.en)
        self.rule, self.problem, self.source = rule, problem, source

    def __str__(self) -> str:
        return f"{self.rule}: {self.problem.message.en}"


class ScanRefusal(Refusal):
    """The images cannot become a passing PDF; `pages` says what was done to each page before it was refused."""

    def __init__(self, rule: str, problem: Problem, source: str | None = None, pages: list | None = None):
        super().__init__(rule, problem, source)
        self.pages = pages or []


def refuse(rule: str, zh: str, en: str, measured=None, expected=None, source: str | None = None) -> Refusal:
    return Refusal(rule, Problem(Text(zh, en), measured, expected), source)


def unreadable(reason: str | None) -> Problem:
    """An input file the operating system would not read (permissions, a lock, an I/O error): file.unreadable."""
    return Problem(Text(f"无法读取文件：{reason}。", f"Cannot read the file: {reason}."))


def refusal_report(shown: str, kind: FileType, sha: str | None, rule: str, problem: Problem) -> FileReport:
    """The report of a refused input. A refusal is always an error, even where the profile lowered or disabled the
    rule for `check`: nothing was written."""
    refused = Finding(rule, Severity.ERROR, problem.message, problem.measured, problem.expected, problem.page,
                      problem.box)
    return FileReport(shown, kind, sha, [refused])
