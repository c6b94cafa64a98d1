"""Applications: a folder (or a zip of one) of an applicant's files and an optional `application.toml`.

`metadata` reads application.toml into a frozen ApplicationMetadata (and gives the years of continuing education a
level must prove), `archive` lists a zipped application's members in place, refusing bombs and entries that climb
out, and `template` writes the commented application.toml of `docprep init`. The findings of these, under a profile,
come from docprep.engine.application; the rules are declared in docprep/rules/application.py."""
from .archive import Archive, ArchiveMember, open_archive
from .metadata import (APPLICATION_FILE, ApplicationMetadata, ContinuingEducation, Reader, folder_reader,
                       parse_application, required_years, self_report_characters)
from .template import template_text, write_template

__all__ = ["APPLICATION_FILE", "ApplicationMetadata", "Archive", "ArchiveMember", "ContinuingEducation", "Reader",
           "folder_reader", "open_archive", "parse_application", "required_years", "self_report_characters",
           "template_text", "write_template"]
