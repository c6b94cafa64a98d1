"""`docprep init`: a commented application.toml, in Chinese or English, with the active profile's choices (levels,
unit types, the years and hours of continuing education, the self-report's limit) written into its comments.

As written it loads without findings; each example line ("#" right before a key) can be switched on by deleting
its "#", and the examples themselves pass the profile's rules."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from ..atomic import ensure_writable, write_atomic
from ..errors import UsageError
from ..i18n import message
from ..paths import display_path
from .metadata import APPLICATION_FILE, required_years, years_by_level


def _number(value: float) -> str:
    return f"{value:g}"


def _continuing_education(cfg, year: int, lang: str) -> tuple[str, str]:
    """The comment on continuing education, and an example table for each year the default level must prove
    (newest first; one for last year where the profile requires none), with hours that pass the profile."""
    limits = cfg.continuing_education
    years = required_years(cfg.default_level, year, cfg)
    if years:
        listed = message("report.list_separator")(lang).join(
            message("init.level_years", level=level, n=n)(lang) for level, n in years_by_level(cfg.levels).items())
        rule = message("init.ce_years", years=listed, total=_number(limits.min_total), level=cfg.default_level,
                       professional=_number(limits.min_professional), public=_number(limits.min_public))(lang)
    else:
        rule = message("init.ce_none")(lang)
    professional = limits.min_professional
    public = max(limits.min_public, limits.min_total - limits.min_professional)
    tables = "\n".join(message("init.year_table", year=y, professional=_number(professional),
                               public=_number(public))(lang) for y in reversed(years or (year - 1,)))
    return rule, tables


def template_text(cfg, profile_name: str, lang: str, year: int) -> str:
    """The template for `lang`, quoting `cfg` (the profile's [app] section), for an application in `year`."""
    limit = cfg.self_report.max_characters
    self_report_rule = (message("init.self_report_limit", n=limit) if limit else message("init.self_report_no_limit"))
    ce_rule, tables = _continuing_education(cfg, year, lang)
    return message("init.template", profile=profile_name, year=year, levels=" | ".join(years_by_level(cfg.levels)),
                   default_level=cfg.default_level, unit_types=" | ".join(cfg.unit_types), unit_type=cfg.unit_types[0],
                   self_report_rule=self_report_rule, ce_rule=ce_rule, tables=tables)(lang)


def write_template(folder: str | os.PathLike, cfg, profile_name: str, lang: str, year: int | None = None) -> Path:
    """Write FOLDER/application.toml (the folder is made if need be), atomically; UsageError when one is there
    already (it is never overwritten), OutputError when it cannot be written. Returns the file's path."""
    path = Path(folder) / APPLICATION_FILE
    if path.exists() or path.is_symlink():
        raise UsageError("application_exists", path=display_path(path))
    ensure_writable(path)
    text = template_text(cfg, profile_name, lang, year if year is not None else date.today().year)
    write_atomic(path, text.encode("utf-8"))
    return path
