"""An application's own statements and a zipped application's listing, as findings under a profile: the loaders in
docprep.applications give (rule, Problem) pairs, the app family's checks run on the metadata, and the profile's
severities make them findings (engine.verdicts), as for any file."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from ..applications.archive import Archive, open_archive
from ..applications.metadata import ApplicationMetadata, Reader, folder_reader, parse_application
from ..model import Finding
from ..profiles import Profile
from ..rules import application as application_rules
from .verdicts import collect, run_family


def load_application_metadata(source: str | os.PathLike | Reader, profile: Profile,
                              this_year: int | None = None) -> tuple[ApplicationMetadata, list[Finding]]:
    """The metadata of an application and its findings (app.metadata, app.self-report-length,
    app.continuing-education). `source`: the application's folder, a zip of it (read in place: its own problems
    come from read_archive), or a Reader of its files. Without application.toml the metadata is inferred (the
    profile's default level, this year) and says so in its `assumptions`; a missing year of continuing education
    is not reported here (app.missing-attachment is)."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        source = open_archive(path, profile.section("app").archive).reader() if path.is_file() else folder_reader(path)
    settings = profile.section("app")
    metadata, problems = parse_application(source, settings, this_year or date.today().year)
    return metadata, collect(profile, problems) + run_family(application_rules.FAMILY, metadata, profile)


def read_archive(path: str | os.PathLike, profile: Profile) -> tuple[Archive, list[Finding]]:
    """A zipped application's members, to be checked like files (member.name, member.size, member.read()), and the
    findings on the zip itself (app.archive-*). OSError when the zip cannot be read at all."""
    archive = open_archive(path, profile.section("app").archive)
    return archive, collect(profile, list(archive.problems))
