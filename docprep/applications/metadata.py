"""An application's own statements: `application.toml` read, checked key by key and turned into a frozen
`ApplicationMetadata`. What is wrong with the file is returned as `app.metadata` problems (the rule is declared in
docprep/rules/application.py); a key that is wrong is left out, as if it were not given, so the rest still counts.

Everything a check compares with (the levels, the years of continuing education each must prove, the unit types)
comes from the profile's [app] section, passed in; nothing here knows a platform."""
from __future__ import annotations

import math
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from ..i18n import Text, message
from ..model import Problem
from ..paths import inside

APPLICATION_FILE = "application.toml"
RULE = "app.metadata"

# A reader gives the bytes of a file of the application by its "/"-separated name relative to the application's
# folder, None when there is no such file; OSError when it is there but cannot be read.
Reader = Callable[[str], "bytes | None"]

# Each key of application.toml and the TOML type it takes (continuing_education: a table of year tables).
KEYS: dict[str, type] = {
    "name": str, "id_number": str, "year": int, "level": str, "series": str, "unit_type": str,
    "exceptional": bool, "degree_on_chsi": bool, "self_report": str, "self_report_file": str,
    "continuing_education": dict,
}
HOURS_KEYS = ("professional", "public")
_TYPE_NAMES = {str: Text("文本", "a string"), int: Text("整数", "an integer"), bool: Text("true 或 false", "true or false"),
               dict: Text("表", "a table")}
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643-1999, ISO 7064 MOD 11-2
_ID_CHECK = "10X98765432"
_YEAR = re.compile(r"[0-9]{4}")


@dataclass(frozen=True)
class ContinuingEducation:
    """The hours claimed for one year."""

    year: int
    professional: float
    public: float

    @property
    def total(self) -> float:
        return self.professional + self.public


@dataclass(frozen=True)
class ApplicationMetadata:
    """What an application says about its applicant. None: not said (the file has no such key, or a wrong one)."""

    year: int  # the application year (default: the current year)
    level: str  # one of the profile's levels (default: the profile's default_level)
    name: str | None = None
    id_number: str | None = None
    series: str | None = None
    unit_type: str | None = None
    exceptional: bool | None = None
    degree_on_chsi: bool | None = None
    self_report: str | None = None  # the text, given inline or read from self_report_file
    self_report_file: str | None = None
    continuing_education: tuple[ContinuingEducation, ...] = ()
    inferred: bool = False  # no usable application.toml: every value above is assumed, none stated
    assumptions: tuple[Text, ...] = field(default=())  # what was assumed, for the report

    def hours(self, year: int) -> ContinuingEducation | None:
        return next((entry for entry in self.continuing_education if entry.year == year), None)


# --- profile data ------------------------------------------------------------------------------------------------

def years_by_level(entries) -> dict[str, int]:
    """The profile's "LEVEL=YEARS" entries ([app] levels) as level -> years; ValueError names a bad entry."""
    levels: dict[str, int] = {}
    for entry in entries:
        level, sep, years = (part.strip() for part in entry.partition("="))
        if not sep or not level or not years.isdigit():
            raise ValueError(f"{entry!r} is not LEVEL=YEARS (a level and a whole number of years)")
        if level in levels:
            raise ValueError(f"level {level!r} is listed twice")
        levels[level] = int(years)
    return levels


def required_years(level: str, year: int, cfg) -> tuple[int, ...]:
    """The years an application of `level` in `year` must prove continuing education for, oldest first: the
    profile's number of years for the level, before the application year (zj-2021, 中级 in 2021: 2017-2020).
    `cfg`: the profile's [app] section. ValueError for a level the profile does not list."""
    levels = years_by_level(cfg.levels)
    if level not in levels:
        raise ValueError(f"level {level!r} is not one of the profile's levels: {', '.join(levels)}")
    return tuple(range(year - levels[level], year))


def self_report_characters(text: str) -> int:
    """Characters as the platform counts them: every character, punctuation included, whitespace (spaces, the
    ideographic space, tabs, line breaks) not."""
    return sum(1 for character in text if not character.isspace())


def id_number_error(value: str) -> Text | None:
    """What is wrong with a 居民身份号码 (18 characters: 17 digits and a check character, GB 11643), or None."""
    if len(value) != 18:
        return Text(f"有 {len(value)} 个字符，应为 18 个", f"has {len(value)} characters, not 18")
    if not value[:17].isascii() or not value[:17].isdigit() or value[17].upper() not in _ID_CHECK:
        return Text("不是 17 位数字加一位数字或 X", "is not 17 digits followed by a digit or X")
    expected = _ID_CHECK[sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS)) % 11]
    if value[17].upper() != expected:
        return Text(f"的校验位是“{value[17]}”，按前 17 位应为“{expected}”（可能有数字输错）",
                    f"ends in '{value[17]}' but its first 17 digits give '{expected}' (a digit is probably "
                    "mistyped)")
    return None


def decode_text(data: bytes) -> str | None:
    """Text saved as UTF-8 (with or without a byte-order mark) or GB18030/GBK (Chinese Windows), else None."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def folder_reader(folder: str | os.PathLike) -> Reader:
    """A Reader of the files in `folder`, never outside it: a name with "..", an absolute name or a link leading
    out reads as OSError."""
    root = Path(folder)

    def read(name: str) -> bytes | None:
        path = root.joinpath(*PurePosixPath(name).parts)
        if not inside(path, root):  # inside() follows links: one leading out is outside
            raise OSError(f"{name} is outside the application folder")
        if not path.exists():
            return None
        return path.read_bytes()

    return read


# --- application.toml --------------------------------------------------------------------------------------------

def _problem(zh: str, en: str, measured=None, expected=None) -> tuple[str, Problem]:
    return RULE, Problem(Text(zh, en), measured, expected)


def _wrong_value(key: str, value, choices) -> tuple[str, Problem]:
    listed = "、".join(choices)
    return _problem(f"application.toml 中 {key} = “{value}” 不是可选值（可选：{listed}）。请改为其中之一。",
                    f"application.toml: {key} = {value!r} is not one of the choices ({', '.join(choices)}). Change "
                    "it to one of them.", value, list(choices))


def _check_types(data: dict) -> tuple[dict, list]:
    """The keys of the right type (strings stripped; an empty optional string is a key not given), and the
    problems of the others."""
    kept, problems = {}, []
    for key, value in data.items():
        kind = KEYS.get(key)
        if kind is None:
            problems.append(_problem(
                f"application.toml 中有未知的键“{key}”（可能拼错了）。可用的键：{'、'.join(KEYS)}。",
                f"application.toml has an unknown key '{key}' (a typo?). The keys are: {', '.join(KEYS)}.",
                key, list(KEYS)))
        elif not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            wanted = _TYPE_NAMES[kind]
            problems.append(_problem(f"application.toml 中 {key} 应为{wanted.zh}，现为 {value!r}。",
                                     f"application.toml: {key} must be {wanted.en}, not {value!r}.",
                                     repr(value), wanted.en))
        elif kind is str and not value.strip() and key not in ("level", "unit_type"):
            continue
        else:
            kept[key] = value.strip() if kind is str and key != "self_report" else value
    return kept, problems


def _check_values(kept: dict, cfg) -> list:
    """Values of the right type that are still wrong; each is removed from `kept`."""
    problems = []
    if "id_number" in kept and (error := id_number_error(kept["id_number"])) is not None:
        value = kept.pop("id_number")
        problems.append(_problem(f"application.toml 中身份证号“{value}”{error.zh}。请对照身份证改正。",
                                 f"application.toml: the id_number '{value}' {error.en}. Correct it from the ID card.",
                                 value, "18 characters with a valid check character (GB 11643)"))
    if "year" in kept and not 1000 <= kept["year"] <= 9999:
        problems.append(_problem(f"application.toml 中 year = {kept['year']} 不是四位数的年份。",
                                 f"application.toml: year = {kept['year']} is not a four-digit year.",
                                 kept.pop("year"), "a four-digit year"))
    levels = tuple(years_by_level(cfg.levels))
    if "level" in kept and kept["level"] not in levels:
        problems.append(_wrong_value("level", kept.pop("level"), levels))
    if "unit_type" in kept and kept["unit_type"] not in cfg.unit_types:
        problems.append(_wrong_value("unit_type", kept.pop("unit_type"), cfg.unit_types))
    return problems


def _hours_value(year: str, key: str, value) -> tuple[float | None, tuple | None]:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        return None, _problem(f"application.toml 中 [continuing_education.{year}] {key} = {value!r} 不是学时数"
                              "（应为不小于 0 的数字）。",
                              f"application.toml: [continuing_education.{year}] {key} = {value!r} is not a number "
                              "of hours (a number, 0 or more).", repr(value), ">= 0")
    return float(value), None


def _continuing_education(table: dict) -> tuple[tuple[ContinuingEducation, ...], list]:
    """The year tables that are whole and right; a problem for each one that is not."""
    entries, problems = [], []
    for year, hours in table.items():
        if not _YEAR.fullmatch(year) or not isinstance(hours, dict):
            problems.append(_problem(
                f"application.toml 中 continuing_education.{year} 应为一个年份表，如 [continuing_education.2020]，"
                "内有 professional 和 public 两个学时数。",
                f"application.toml: continuing_education.{year} must be a year's table such as "
                "[continuing_education.2020] holding professional and public hours.", year,
                "[continuing_education.YYYY]"))
            continue
        values, bad = {}, []
        for key, value in hours.items():
            if key not in HOURS_KEYS:
                bad.append(_problem(f"application.toml 中 [continuing_education.{year}] 有未知的键“{key}”；"
                                    "只能是 professional（专业科目）和 public（公需科目）。",
                                    f"application.toml: [continuing_education.{year}] has an unknown key '{key}'; "
                                    "only professional and public are known.", key, list(HOURS_KEYS)))
                continue
            values[key], error = _hours_value(year, key, value)
            bad += [error] if error else []
        for key in (k for k in HOURS_KEYS if k not in hours):
            bad.append(_problem(f"application.toml 中 [continuing_education.{year}] 缺少 {key} 学时；"
                                "专业科目（professional）和公需科目（public）都要填写，没有则填 0。",
                                f"application.toml: [continuing_education.{year}] has no {key} hours; give both "
                                "professional and public (0 where there were none).", None, key))
        problems += bad
        if not bad:
            entries.append(ContinuingEducation(int(year), values["professional"], values["public"]))
    return tuple(sorted(entries, key=lambda e: e.year)), problems


def _self_report(kept: dict, read: Reader) -> tuple[str | None, list]:
    """The self-report's text: inline, or read from its file in the application folder."""
    name = kept.get("self_report_file")
    if "self_report" in kept:
        if name is None:
            return kept["self_report"], []
        return kept["self_report"], [_problem(
            f"application.toml 同时给出了 self_report 和 self_report_file（“{name}”），只能二选一；已按 self_report "
            "检查，文件未读取。请删去其中一个。",
            f"application.toml gives both self_report and self_report_file ('{name}'); give one. The inline "
            "self_report was checked, the file was not read. Remove one of them.", name, "one of the two")]
    if name is None:
        return None, []
    return _read_self_report(name, read)


def _read_self_report(name: str, read: Reader) -> tuple[str | None, list]:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name) or ".." in parts:
        return None, [_problem(f"application.toml 中 self_report_file = “{name}” 指向申报文件夹之外。请把述职报告放进"
                               "申报文件夹，只写文件名。",
                               f"application.toml: self_report_file = '{name}' points outside the application folder. "
                               "Put the self-report in the folder and give its name only.", name,
                               "a file in the folder")]
    try:
        data = read("/".join(parts))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, [_problem(f"述职报告文件“{name}”无法读取：{reason}。", f"The self-report file '{name}' cannot be "
                               f"read: {reason}.", name, "a readable file")]
    if data is None:
        return None, [_problem(f"application.toml 中 self_report_file 指定的“{name}”不在申报文件夹里。请检查文件名。",
                               f"application.toml: the self_report_file '{name}' is not in the application folder. "
                               "Check the name.", name, "an existing file")]
    text = decode_text(data)
    if text is None:
        return None, [_problem(f"述职报告文件“{name}”既不是 UTF-8 也不是 GB18030（GBK）编码的文本。请用记事本“另存为”"
                               "UTF-8 编码的 .txt 文件。",
                               f"The self-report file '{name}' is neither UTF-8 nor GB18030 (GBK) text. Save it as a "
                               "UTF-8 .txt file.", name, "UTF-8 or GB18030 text")]
    return text, []


def _parse_toml(data: bytes) -> tuple[dict | None, list]:
    text = decode_text(data)
    if text is None:
        return None, [_problem("application.toml 不是 UTF-8 编码的文本。请用记事本“另存为”UTF-8 编码。",
                               "application.toml is not UTF-8 text. Save it as UTF-8.", None, "UTF-8 text")]
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as exc:
        return None, [_problem(f"application.toml 不是有效的 TOML（{exc}）。请对照 docprep init 生成的模板改正。",
                               f"application.toml is not valid TOML ({exc}). Correct it after the template "
                               "`docprep init` writes.", str(exc), "TOML")]


def inferred_metadata(cfg, this_year: int, why: Text | None, **stated) -> ApplicationMetadata:
    """Metadata with the year and level assumed where they are not `stated`, saying so."""
    assumptions = [why] if why is not None else []
    if "year" not in stated:
        assumptions.append(message("application.assumed_year", year=this_year))
    if "level" not in stated:
        assumptions.append(message("application.assumed_level", level=cfg.default_level))
    values = {"year": this_year, "level": cfg.default_level, **stated}
    return ApplicationMetadata(**values, inferred=why is not None, assumptions=tuple(assumptions))


def parse_application(read: Reader, cfg, this_year: int) -> tuple[ApplicationMetadata, list[tuple[str, Problem]]]:
    """The application's metadata from its application.toml (read through `read`), and the file's problems as
    (rule id, Problem) pairs. No file, or one that is not TOML: metadata inferred, with its assumptions."""
    try:
        data = read(APPLICATION_FILE)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return inferred_metadata(cfg, this_year, message("application.unusable")), [_problem(
            f"application.toml 无法读取：{reason}。", f"application.toml cannot be read: {reason}.")]
    if data is None:
        return inferred_metadata(cfg, this_year, message("application.no_file")), []
    table, problems = _parse_toml(data)
    if table is None:
        return inferred_metadata(cfg, this_year, message("application.unusable")), problems
    kept, problems = _check_types(table)
    problems += _check_values(kept, cfg)
    hours, more = _continuing_education(kept.pop("continuing_education", {}))
    text, report_problems = _self_report(kept, read)
    kept.pop("self_report", None)
    stated = dict(kept, continuing_education=hours, self_report=text)
    return inferred_metadata(cfg, this_year, None, **stated), problems + more + report_problems
