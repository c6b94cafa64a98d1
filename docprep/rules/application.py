"""Application rules (family "app", profile table [app]): what an application says about itself in
`application.toml` (docprep.applications.metadata), the hours and the self-report it claims, and a zipped
application's safety (docprep.applications.archive).

The checks here are plain functions of the loaded `ApplicationMetadata` and the profile's [app] settings;
app.metadata and the app.archive-* rules are raised by the loaders. Rules on an application's files (completeness,
classification) belong to this family too: declare them with FAMILY.declare, or give their checks a document of
their own rather than adding checks here, since every check of this family receives the metadata."""
from __future__ import annotations

from typing import Iterator

from ..applications.metadata import ApplicationMetadata, required_years, self_report_characters, years_by_level
from ..i18n import Text
from ..model import Problem, Severity
from ..profiles.schema import Setting
from . import attachments
from .registry import RuleFamily

S = Setting
SETTINGS = {
    "levels": S("str-list", "\"LEVEL=YEARS\": the levels an application.toml may name, lowest first, each with the "
                            "number of years before the application year it must prove continuing education for "
                            "(0: none)", min_items=1),
    "default_level": S("str", "the level assumed where application.toml names none, or there is no application.toml "
                              "(one of levels)"),
    "unit_types": S("str-list", "the unit types (单位类型) an application.toml may name", min_items=1),
    "self_report": {
        "max_characters": S("int", "most characters of the self-report (述职报告), counted as the platform counts "
                                   "them: every character, punctuation included, whitespace not; 0 = no limit", min=0),
    },
    "continuing_education": {  # each year the level must prove (levels), as claimed in application.toml
        "min_total": S("float", "hours a year needs at least, professional and public together", min=0),
        "min_professional": S("float", "professional (专业科目) hours a year needs at least", min=0),
        "min_public": S("float", "public (公需科目) hours a year needs at least", min=0),
        "hour_words": S("str-list", "words after a number that make it hours in a proof's text (学时, 小时)"),
        "professional_words": S("str-list", "labels of the professional hours in a proof's text (专业科目): an "
                                            "application.toml claim that differs from the proof is app.metadata"),
        "public_words": S("str-list", "labels of the public hours in a proof's text (公需科目)"),
        "total_words": S("str-list", "labels of the total hours in a proof's text (合计, 共计)"),
    },
    "archive": {  # zipped applications, judged from the central directory before anything is unpacked
        "max_members": S("int", "most entries a zip may list", min=1),
        "max_total_bytes": S("int", "most bytes all entries of a zip may unpack to, together", min=1),
        "max_ratio": S("float", "highest compression ratio (unpacked / packed bytes) of an entry and of the whole zip",
                       min=1),
        "ratio_from_bytes": S("int", "entries (and zips) unpacking to fewer bytes are not judged by their ratio: a "
                                     "small text compresses well and harms no one", min=0),
    },
    "attachments": attachments.SETTINGS,  # which file is which attachment, what must be handed in (completeness.py)
    "discovery": attachments.DISCOVERY,  # which folders without an application.toml are applications
    "bundle": {  # `docprep bundle`: the package to upload (docprep/bundle/)
        "order": S("str-list", "attachment kinds of [pdf.kinds] in the order the notice lists the uploads: a bundle "
                               "makes one PDF per kind, numbered in this order and named by the kind's [pdf.kinds] "
                               "label (01-继续教育证明.pdf); kinds not listed follow in [pdf.kinds] order"),
        "photo_name": S("str", "the ID photo's file name in a bundle, before its extension (00-证件照.jpg)"),
    },
}


def validate(section: dict) -> str | None:
    """Cross-checks the types cannot express: levels as LEVEL=YEARS, each once, and the default level among them."""
    if "levels" not in section:
        return None  # completeness is reported elsewhere
    try:
        levels = years_by_level(section["levels"])
    except ValueError as exc:
        return f"key 'app.levels': {exc}"
    default = section.get("default_level")
    if default is not None and default not in levels:
        return f"key 'app.default_level': {default!r} is not one of 'app.levels' ({', '.join(levels)})"
    return attachments.validate(section)  # requirements' conditions name the levels: checked once they are


FAMILY = RuleFamily("app", SETTINGS, validate=validate)
E = Severity.ERROR
T = Text

FAMILY.declare(
    "app.metadata", E,
    title=T("申报信息文件（application.toml）有误", "application.toml is wrong"),
    explain=T("application.toml 不是有效的 TOML、某一项的类型或取值不对、有未知的键、身份证号不是 18 位或校验位不对、级别或单位"
              "类型不在配置的可选值中、同时给出 self_report 和 self_report_file，或述职报告文件无法读取（须为 UTF-8 或 "
              "GB18030 编码）。有误的项按未填写处理。",
              "application.toml is not valid TOML, or a key has the wrong type or value, is unknown, gives an "
              "id_number that is not 18 characters or fails its check digit, a level or unit type the profile does "
              "not list, both self_report and self_report_file, or a self-report file that cannot be read (UTF-8 or "
              "GB18030). A wrong key counts as not given."),
    fix=T("按消息改正 application.toml；`docprep init` 可生成带说明的模板。",
          "Correct application.toml as the message says; `docprep init` writes a commented template."),
)
FAMILY.declare(
    "app.archive-corrupt", E,
    title=T("压缩包损坏或不完整", "Zip damaged or incomplete"),
    explain=T("压缩包不是 zip、被截断（复制或下载不完整）、内容校验失败，或用了无法读取的压缩方式，docprep 和平台都无法读取。",
              "The zip is not a zip, is truncated (an incomplete copy or download), fails its checksums, or uses a "
              "compression method that cannot be read: neither docprep nor the platform can read it."),
    fix=T("重新打包申报文件夹（Windows：右键 → 发送到 → 压缩文件夹），或重新复制、下载完整的文件。",
          "Zip the application folder again (Windows: right-click → Send to → Compressed folder), or copy or "
          "download the whole file again."),
)
FAMILY.declare(
    "app.archive-bomb", E,
    title=T("压缩包疑似压缩炸弹", "Zip looks like a zip bomb"),
    explain=T("压缩包的条目数、解压后的总字节数或压缩比超过配置的上限（{profile}：{archive.max_members:,} 个条目、"
              "{archive.max_total_bytes:,} 字节、{archive.max_ratio:g}:1）。这样的文件会耗尽内存或磁盘，整个压缩包未读取；"
              "扫描件和照片几乎不能压缩（约 1:1）。",
              "The zip's entries, the bytes they unpack to or its compression ratio exceed the profile's limits "
              "({profile}: {archive.max_members:,} entries, {archive.max_total_bytes:,} bytes, "
              "{archive.max_ratio:g}:1). Such a file exhausts memory or disk, so none of it was read; scans and "
              "photos hardly compress (about 1:1)."),
    fix=T("只打包申报材料本身；确实很大的申报请分成几个压缩包。来源不明的压缩包请不要打开。",
          "Zip only the application's documents; split a really large one into several zips. Do not open zips "
          "of unknown origin."),
)
FAMILY.declare(
    "app.archive-unsafe", E,
    title=T("压缩包中的条目会解压到文件夹之外", "Zip entry would land outside the folder"),
    explain=T("条目名含“..”、是绝对路径、以盘符开头、含反斜杠或控制字符，或是符号链接：解压时可能写到申报文件夹之外"
              "（路径穿越），该条目已拒绝，其余条目照常检查。",
              "The entry's name holds '..', is absolute, starts with a drive letter, holds a backslash or control "
              "characters, or the entry is a symbolic link: unpacked, it could land outside the application folder "
              "(path traversal). It was refused; the other entries are checked."),
    fix=T("把文件放在申报文件夹里，用系统自带的压缩功能重新打包。", "Put the files in the application folder and zip "
          "it again with the system's own zip tool."),
)
FAMILY.declare(
    "app.archive-encrypted", E,
    title=T("压缩包中的条目设置了密码", "Zip entry is password-protected"),
    explain=T("加密的条目无法检查，平台也无法读取；该条目已跳过。", "An encrypted entry cannot be checked, and the "
              "platform cannot read it; it was skipped."),
    fix=T("不设密码重新打包。", "Zip it again without a password."),
)


def _number(value: float) -> str:
    return f"{value:g}"


@FAMILY.rule(
    "app.self-report-length", E,
    title=T("述职报告超过字数上限", "Self-report too long"),
    explain=T("平台限制述职报告的字数（{profile}：{self_report.max_characters} 字，0 为不限）；按平台的算法计数："
              "每个字符都算（包括标点），空格、换行等空白不算。",
              "The platform limits the self-report's length ({profile}: {self_report.max_characters} characters, 0 = "
              "no limit), counted as the platform counts: every character, punctuation included, whitespace (spaces, "
              "line breaks) not."),
    fix=T("删减述职报告，再运行 docprep check 核对字数。", "Shorten the self-report, then run docprep check again."),
)
def self_report_length(metadata: ApplicationMetadata, cfg) -> Iterator[Problem]:
    limit = cfg.self_report.max_characters
    if metadata.self_report is None or limit == 0:
        return
    count = self_report_characters(metadata.self_report)
    if count > limit:
        yield Problem(T(f"述职报告有 {count:,} 字（标点计入，空白不计），上限 {limit:,} 字。请删减至少 {count - limit:,} 字。",
                        f"The self-report has {count:,} characters (punctuation counted, whitespace not); at most "
                        f"{limit:,} are allowed. Cut at least {count - limit:,}."), count, limit)


@FAMILY.rule(
    "app.continuing-education", E,
    title=T("继续教育学时不足", "Continuing-education hours short"),
    explain=T("申报前须证明的每一年（级别决定年数），继续教育学时须达到配置的下限（{profile}：合计 "
              "{continuing_education.min_total:g}、专业科目 {continuing_education.min_professional:g}、公需科目 "
              "{continuing_education.min_public:g} 学时，恰好等于下限即可）。按 application.toml 中填写的学时核对。",
              "Each year the application must prove (the level sets how many) needs the profile's minimum hours "
              "({profile}: {continuing_education.min_total:g} in total, {continuing_education.min_professional:g} "
              "professional, {continuing_education.min_public:g} public; the minimum itself passes), as claimed in "
              "application.toml."),
    fix=T("补足该年度的学时，或按学时证明改正 application.toml 中填写的数字。",
          "Complete the year's hours, or correct the figures in application.toml after the proof."),
)
def continuing_education(metadata: ApplicationMetadata, cfg) -> Iterator[Problem]:
    limits = cfg.continuing_education
    for year in required_years(metadata.level, metadata.year, cfg):
        entry = metadata.hours(year)
        if entry is None:
            continue  # a year with no hours claimed is the completeness rules' to report
        checks = ((T("合计", "in total"), entry.total, limits.min_total),
                  (T("专业科目", "professional"), entry.professional, limits.min_professional),
                  (T("公需科目", "public"), entry.public, limits.min_public))
        short = [(label, hours, least) for label, hours, least in checks if hours < least]
        if not short:
            continue
        zh = "、".join(f"{label.zh} {_number(hours)} 学时（要求 ≥ {_number(least)}）" for label, hours, least in short)
        en = ", ".join(f"{_number(hours)} {label.en} (at least {_number(least)})" for label, hours, least in short)
        yield Problem(T(f"{year} 年继续教育学时不足：{zh}。请补足学时，或按学时证明改正 application.toml。",
                        f"{year}: continuing-education hours short: {en}. Complete them, or correct "
                        "application.toml after the proof."),
                      {"year": year, "total": entry.total, "professional": entry.professional,
                       "public": entry.public},
                      {"total": f">= {_number(limits.min_total)}",
                       "professional": f">= {_number(limits.min_professional)}",
                       "public": f">= {_number(limits.min_public)}"})
