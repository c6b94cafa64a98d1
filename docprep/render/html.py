"""The report for people as one self-contained HTML page (`check --format html`, and `report.html` in bundles).

    data = render(report, "zh", profile)   # UTF-8 bytes

A card per applicant (its verdict, what is wrong with the application as a whole, what was assumed, then its files
with what each was taken as), then a card per file of no application. Each finding in plain words with how to fix
it (the rule's fix text with the profile's limits, as `docprep rules ID` prints it), and thumbnails where the check
made them (`CheckPlan.run(pictures=True)`, render.thumbnails): the photo, and pages with the seals, words and
dates outlined. Buttons filter the cards by status.

The page is rendered from templates/report.html.j2 with autoescaping (file and applicant names are user input) and
links to nothing: its style and script are inline, its pictures data: URIs, its fonts the reader's own. It carries
no date, so the same report renders to the same bytes."""
from __future__ import annotations

import base64
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePath

import jinja2

from .. import __version__
from ..i18n import Text, counted, message
from ..model import ApplicationReport, FileReport, FileType, Finding, Report, Status, Thumbnail
from ..profiles import Profile
from ..profiles.texts import with_settings
from ..rules import REGISTRY
from ..rules.kinds import kind_labels
from . import annotate
from .entries import name_safe, xml_safe
from .report import summary_line

TEMPLATE = "report.html.j2"
STATUSES = (Status.ERROR, Status.WARNING, Status.OK)  # the filter buttons' order, after "all"
# The thumbnails' outline colours (annotate.py's) and what each means, for the legend.
LEGEND = ((annotate.SEAL, "legend_seal"), (annotate.WORDS, "legend_words"), (annotate.DATE, "legend_date"),
          (annotate.SEARCHED, "legend_searched"), (annotate.ERROR, "legend_error"),
          (annotate.WARNING, "legend_warning"))


@dataclass(frozen=True)
class FindingView:
    severity: str
    rule: str
    where: str  # "第 2 页", or "" for the whole file
    message: str
    fix: str


@dataclass(frozen=True)
class PictureView:
    src: str  # a data: URI
    width: int
    height: int
    caption: str


@dataclass(frozen=True)
class FileView:
    name: str  # within an application: the path below its folder
    status: str
    kind: str  # what it was checked as ("" where nothing is said)
    taken_as: str  # within an application: which attachment it was taken as and why
    findings: list[FindingView]
    pictures: list[PictureView]


@dataclass(frozen=True)
class CardView:
    status: str
    title: str
    subtitle: str
    verdict: str
    application: bool = False  # an applicant's card (else one file's)
    findings: list[FindingView] = field(default_factory=list)  # an application's own
    assumptions: list[str] = field(default_factory=list)
    files: list[FileView] = field(default_factory=list)
    photo: PictureView | None = None  # the applicant's photo, shown on the card


def render(report: Report, lang: str, profile: Profile) -> bytes:
    """The page for `report` in `lang` (its messages, labels and fix texts), checked with `profile`: UTF-8 bytes."""
    words = _Words(lang, profile)
    cards = [words.application_card(report, a) for a in report.applications]
    claimed = {path for a in report.applications for path in a.files}
    cards += [words.file_card(f) for f in report.files if f.path not in claimed]
    statuses = [c.status for c in cards]
    page = _environment().get_template(TEMPLATE).render(
        t=words.text, lang_tag=message("formats.language_tag")(lang), profile=report.profile,
        description=profile.description(lang) if report.profile == profile.name else "",
        summary=summary_line(report, lang), cards=cards, version=__version__,
        filters=[("all", len(cards))] + [(s.value, statuses.count(s.value)) for s in STATUSES],
        legend=[(f"rgb{colour}", key) for colour, key in LEGEND],
        has_pages=any(p.caption for c in cards for f in c.files for p in f.pictures))
    return page.encode("utf-8")


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """Templates from the installed package; every {{ value }} escaped, and characters no page may hold (a
    surrogate from an undecodable name, NUL) shown as escapes."""
    return jinja2.Environment(loader=jinja2.PackageLoader("docprep.render", "templates"), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
                              keep_trailing_newline=True,
                              finalize=lambda value: xml_safe(value) if type(value) is str else value)


class _Words:
    """What the page says, in one language: labels from the catalogue's [html] section, findings and fixes."""

    def __init__(self, lang: str, profile: Profile):
        self.lang, self.profile = lang, profile
        self.kinds = {kind: Text(label, kind) for kind, label in kind_labels(profile.section("pdf").kinds).items()}
        self.kinds |= {"unknown": message("report.unknown_kind"), "photo": message("classify.photo")}
        self._fixes: dict[str, str] = {}

    def text(self, key: str, **values) -> str:
        return message(f"html.{key}", **values)(self.lang)

    def fix(self, rule_id: str) -> str:
        """The rule's fix text with the profile's limits ("" for a rule the registry does not know)."""
        if rule_id not in self._fixes:
            rule = REGISTRY.get(rule_id)
            self._fixes[rule_id] = with_settings(rule.fix, self.profile, rule.family)(self.lang) if rule else ""
        return self._fixes[rule_id]

    def finding(self, finding: Finding) -> FindingView:
        where = message("report.page", n=finding.page)(self.lang) if finding.page is not None else ""
        return FindingView(finding.severity.value, finding.rule, where, finding.message(self.lang),
                           self.fix(finding.rule))

    def picture(self, thumbnail: Thumbnail) -> PictureView:
        caption = "" if thumbnail.page is None else message("report.page", n=thumbnail.page)(self.lang)
        src = "data:image/jpeg;base64," + base64.b64encode(thumbnail.jpeg).decode("ascii")
        return PictureView(src, thumbnail.width, thumbnail.height, caption)

    def file(self, f: FileReport, name: str, taken_as: Text | None = None, pictures: bool = True) -> FileView:
        kind = self.kinds.get(f.attachment_kind, Text(f.attachment_kind or "", f.attachment_kind or ""))(self.lang)
        return FileView(name_safe(name), f.status.value, kind, taken_as(self.lang) if taken_as is not None else "",
                        [self.finding(x) for x in f.findings],
                        [self.picture(t) for t in f.thumbnails] if pictures else [])

    def file_card(self, f: FileReport) -> CardView:
        view = self.file(f, f.path)
        return CardView(f.status.value, view.name, "", "", files=[view])

    def application_card(self, report: Report, application: ApplicationReport) -> CardView:
        files = {f.path: f for f in report.files}
        own = [files[p] for p in application.files if p in files]
        status = report.application_status(application)
        severities = [x.severity.value for x in application.findings + [x for f in own for x in f.findings]]
        verdict = message("report.applicant_ok")(self.lang) if status is Status.OK else message(
            "report.applicant_problems", errors=counted("error", severities.count("error")),
            warnings=counted("warning", severities.count("warning")))(self.lang)
        shown = next((f for f in own if f.kind is FileType.PHOTO and f.thumbnails
                      and application.classes[f.path].kind == "photo"), None)  # the photo on the card, not twice
        views = [self.file(f, _below(f.path, application.path), application.classes[f.path].evidence,
                           pictures=f is not shown) for f in own]
        photo = self.picture(shown.thumbnails[0]) if shown is not None else None
        subtitle = self.text("applicant_meta", level=application.level, year=application.year,
                             path=name_safe(application.path))
        return CardView(status.value, name_safe(application.name or application.path), subtitle, verdict, True,
                        [self.finding(x) for x in application.findings],
                        [a(self.lang) for a in application.assumptions], views, photo)


def _below(path: str, folder: str) -> str:
    """A file's path below its application's folder, as the applicant knows it."""
    try:
        return PurePath(path).relative_to(folder).as_posix()
    except ValueError:
        return path
