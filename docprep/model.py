"""The data every layer shares: severities and statuses, what a check reports (Problem), a rule's verdict on a
file (Finding), one file's report and a run's Report. Plain data: it crosses process boundaries as it is."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from .i18n import Text


class _Value(str, Enum):
    """An enum that is its value wherever a string is expected (JSON, messages, comparisons)."""

    def __str__(self) -> str:
        return self.value


class Severity(_Value):
    ERROR = "error"
    WARNING = "warning"
    OFF = "off"


class Status(_Value):
    """A file's verdict: its worst finding."""

    OK = "ok"
    WARNING = "warning"
    ERROR = "error"


class FileType(_Value):
    """What a file is by content: an ID photo, a PDF attachment, or anything else (a document picture included)."""

    PHOTO = "photo"
    PDF = "pdf"
    OTHER = "other"


@dataclass(frozen=True)
class Problem:
    """What a check reports; the engine adds the rule id and the profile's severity."""

    message: Text
    measured: object = None
    expected: object = None
    page: int | None = None
    box: tuple[float, float, float, float] | None = None
    # At most this severity (e.g. a resolution that only earns a warning): the profile's level for the rule
    # still applies when it is lower, and "off" still silences the rule.
    severity: Severity | None = None


class LoadFailure(Exception):
    """Raised while loading a document: the file cannot be checked further, and this rule says why."""

    def __init__(self, rule: str, problem: Problem):
        super().__init__(rule, problem.message.en)
        self.rule = rule
        self.problem = problem


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on one file (and page), with what was measured and what was expected."""

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


@dataclass(frozen=True)
class Change:
    """What `docprep fix` did to a file beyond cropping, resizing and encoding (a backdrop made white), reported
    with the output it was done to; `action` is a stable id (public, as rule ids are)."""

    action: str
    message: Text
    measured: object = None

    def to_dict(self, lang: str) -> dict:
        return {"action": self.action, "message": self.message(lang), "measured": self.measured}


@dataclass(frozen=True)
class Thumbnail:
    """A small JPEG for the HTML report (render.thumbnails): the decoded image itself, or a PDF page with what the
    checks found drawn on it. Not in the JSON report."""

    jpeg: bytes
    width: int
    height: int
    page: int | None = None  # the PDF page's number; None: the image itself


@dataclass
class FileReport:
    path: str
    kind: FileType
    sha256: str | None = None
    findings: list[Finding] = field(default_factory=list)
    attachment_kind: str | None = None  # a PDF's kind (rules.kinds): decides the verification-mark rules
    annotations: list[str] = field(default_factory=list)  # pictures written by --annotate
    path_bytes: str | None = None  # the real path's bytes as hex where its name is not UTF-8 (paths.name_bytes)
    own_output: bool = False  # a picture or report docprep wrote, met in a folder: passed over, not checked
    first_page_text: str | None = None  # a PDF's first page's text layer (not reported: what classification reads)
    thumbnails: list[Thumbnail] = field(default_factory=list)  # not reported: pictures for --format html
    changes: list[Change] = field(default_factory=list)  # what `fix` did to its output (JSON "changes" when any)

    @property
    def status(self) -> Status:
        return worst(self.findings)


def worst(findings: list[Finding]) -> Status:
    """The status findings earn: their worst severity."""
    severities = {f.severity for f in findings}
    return (Status.ERROR if Severity.ERROR in severities else Status.WARNING if Severity.WARNING in severities
            else Status.OK)


@dataclass(frozen=True)
class FileClass:
    """What a file of an application was taken as (rules.classify): its kind (None: none), years and why."""

    kind: str | None
    years: tuple[int, ...] = ()
    source: str | None = None  # "name", "content" or None
    evidence: Text = field(default=Text("", ""))


@dataclass
class ApplicationReport:
    """One application: its folder as shown, what its application.toml says of the applicant, the findings on
    the application as a whole (app.*), and its files (paths as in Report.files) with what each was taken as."""

    path: str
    name: str | None
    level: str
    year: int
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    classes: dict[str, FileClass] = field(default_factory=dict)  # by path in `files`
    assumptions: list[Text] = field(default_factory=list)  # what was assumed without an application.toml

    @property
    def own_status(self) -> Status:
        return worst(self.findings)


@dataclass
class Report:
    profile: str
    files: list[FileReport]
    skipped: list[str] = field(default_factory=list)  # docprep's own pictures and reports met in folders
    applications: list[ApplicationReport] = field(default_factory=list)  # empty unless applications were judged
    partial: bool = False  # interrupted (Ctrl-C): only the files checked before the interruption

    @property
    def has_errors(self) -> bool:
        return (any(f.status is Status.ERROR for f in self.files)
                or any(a.own_status is Status.ERROR for a in self.applications))

    def application_status(self, application: ApplicationReport) -> Status:
        """An application's verdict: the worst of its own findings and its files'."""
        members = set(application.files)
        statuses = {application.own_status} | {f.status for f in self.files if f.path in members}
        return next(s for s in (Status.ERROR, Status.WARNING, Status.OK) if s in statuses or s is Status.OK)

    @property
    def not_found(self) -> list[str]:
        """Paths that were named but do not exist: a usage problem (exit 2), not a verdict on documents."""
        return [f.path for f in self.files if any(x.rule == "file.not-found" for x in f.findings)]
