"""Whether an application hands in what its applicant must (rules of the app family): a pure function of the
application's metadata, its files as classified (docprep.rules.classify) with their content hashes, and the
profile. What is required is the profile's [app.attachments] requires (docprep.rules.attachments): zj-2021 lists
the 2021 notice's uploads; the neutral base requires nothing, and then no file is unrecognised either (without a
list of uploads there is nothing to recognise a file as)."""
from __future__ import annotations

from collections import defaultdict
from typing import Iterator, Sequence

from ..applications.metadata import ApplicationMetadata, required_years
from ..errors import ProfileError
from ..i18n import Text
from ..model import Problem, Severity
from .application import FAMILY
from .attachments import Requirement, keyword, kinds_error, label, requirements
from .classify import Classification

MISSING, UNRECOGNIZED, DUPLICATE = "app.missing-attachment", "app.unrecognized-file", "app.duplicate-attachment"
T = Text

# One file of an application: its path as shown in the report, what it was taken as, its content's SHA-256 (None:
# it could not be read).
Classified = tuple[str, Classification, "str | None"]

FAMILY.declare(
    MISSING, Severity.ERROR,
    title=T("缺少必需的申报材料", "Required attachment missing"),
    explain=T("按申报人的情况（application.toml 中的级别、单位类型、是否破格、学历能否在学信网查到），配置（{profile}）的 "
              "[app.attachments] requires 列出必须上传的材料；按级别须证明的每一年（[app] levels）都要有继续教育证明。"
              "文件按文件名（或首页标题）识别为某类材料，识别不出的不算。",
              "What an applicant must upload depends on who they are (the level, the unit type, an exceptional "
              "application, and whether CHSI shows the degree, from application.toml): the [app.attachments] "
              "requires list of {profile} names it, and each year the level must prove ([app] levels) needs a "
              "continuing-education proof. Files count as the kind their name (or their first page's title) shows; "
              "a file recognised as nothing does not."),
    fix=T("补齐缺少的材料，文件名写明材料名称（如“岗位信息表.pdf”“继续教育2020.pdf”）；如果 application.toml 中的情况"
          "填错了，改正它。",
          "Add the missing attachment, its name saying what it is in the profile's words (the message names them) "
          "and, for a yearly proof, the year; if application.toml describes the applicant wrongly, correct it."),
)
FAMILY.declare(
    UNRECOGNIZED, Severity.WARNING,
    title=T("无法识别的文件", "File not recognised"),
    explain=T("文件名和首页文字都不含配置（{profile}）中任何一类材料的关键词或标题，不知道它是哪一类材料，因此不能算作任何"
              "必需的材料。它可能是放错的文件，也可能只是文件名没有写明材料名称。",
              "Neither the file's name nor its first page's text holds a keyword or title of any attachment kind of "
              "the profile ({profile}), so it counts as no required attachment. It may not belong to the "
              "application, or its name may just not say what it is."),
    fix=T("把文件改名为材料名称（如“聘书.pdf”“毕业证.pdf”），或把与申报无关的文件移出申报文件夹。",
          "Rename the file after what it is, in the profile's words (the message lists them), or move files that "
          "are not part of the application out of its folder."),
)
FAMILY.declare(
    DUPLICATE, Severity.ERROR,
    title=T("材料重复", "Attachment given twice"),
    explain=T("两个文件内容完全相同（SHA-256 相同），或几个内容不同的文件都被识别为只能有一份的材料（配置 {profile} 的 "
              "[app.attachments] single，如证件照、岗位信息表）：平台上只会留下其中一份，留下哪份说不准。不同年度的继续教育"
              "证明不算重复。",
              "Two files have the same content (the same SHA-256), or several files compete for an attachment an "
              "application holds one of (the [app.attachments] single list of {profile}, such as the photo or the "
              "post form): the platform keeps one, and which is anyone's guess. Continuing-education proofs of "
              "different years are no duplicates."),
    fix=T("只保留正确的一份，删去其余；一个文件实为别的材料时，改名写明它是什么。",
          "Keep the right one and remove the others; where a file is really another attachment, rename it after "
          "what it is."),
)


def completeness(metadata: ApplicationMetadata, classified: Sequence[Classified], app_cfg, kinds_cfg
                 ) -> list[tuple[str, Problem]]:
    """The completeness problems of one application: (rule id, Problem) pairs, missing attachments first (in the
    order of the profile's requirements, then by year), then unrecognised files and duplicates in the order of
    `classified`. `app_cfg`: the profile's [app]; `kinds_cfg`: its [pdf.kinds]. ProfileError when [app.attachments]
    names a kind [pdf.kinds] does not list."""
    cfg = app_cfg.attachments
    error = kinds_error(cfg, kinds_cfg)
    if error is not None:
        raise ProfileError(error)
    required = requirements(cfg)
    problems = [(MISSING, problem) for requirement in required if requirement.applies(metadata)
                for problem in _missing(requirement, metadata, classified, app_cfg, kinds_cfg)]
    if required:
        problems += [(UNRECOGNIZED, problem) for problem in _unrecognized(classified, required, kinds_cfg, cfg)]
    problems += [(DUPLICATE, problem) for problem in _duplicates(classified, kinds_cfg, cfg)]
    return problems


def _kinds(kinds: tuple[str, ...], kinds_cfg) -> Text:
    """"岗位信息表" for one kind, "毕业生就业登记表、学历学位认证书或学信网认证报告" for several."""
    labels = [label(kind, kinds_cfg) for kind in kinds]
    if len(labels) == 1:
        return labels[0]
    return T("、".join(t.zh for t in labels[:-1]) + f"或{labels[-1].zh}",
             ", ".join(t.en for t in labels[:-1]) + f" or {labels[-1].en}")


def _why(requirement: Requirement) -> Text:
    """Why a requirement applies and what fulfils it: "（有其一即可；application.toml：unit_type = 事业单位在编）"."""
    notes = [T("有其一即可", "any one will do")] if len(requirement.kinds) > 1 else []
    said = ", ".join(f"{key} = {value}" for key, value in requirement.conditions)
    notes += [T(f"application.toml：{said}", f"application.toml: {said}")] if said else []
    if not notes:
        return T("", "")
    return T(f"（{'；'.join(n.zh for n in notes)}）", f" ({'; '.join(n.en for n in notes)})")


def _missing(requirement: Requirement, metadata: ApplicationMetadata, classified: Sequence[Classified], app_cfg,
             kinds_cfg) -> Iterator[Problem]:
    files = [(path, c) for path, c, _ in classified if c.kind in requirement.kinds]
    what, why = _kinds(requirement.kinds, kinds_cfg), _why(requirement)
    words = [word for kind in requirement.kinds if (word := keyword(kind, kinds_cfg, app_cfg.attachments))]
    if requirement.per_year:
        yield from _missing_years(requirement, metadata, files, app_cfg, T(f"{what.zh}{why.zh}", f"{what.en}{why.en}"),
                                  words)
    elif not files:
        naming = T(f"，文件名写明“{'”或“'.join(words)}”以便识别", f", its name holding {' or '.join(words)} so that it "
                   "is recognised") if words else T("", "")
        yield Problem(T(f"缺少{what.zh}{why.zh}。请上传该材料{naming.zh}。", f"No {what.en}{why.en}. Add it{naming.en}."),
                      [], list(requirement.kinds))


def _missing_years(requirement: Requirement, metadata: ApplicationMetadata, files: list, app_cfg, what: Text,
                   words: list[str]) -> Iterator[Problem]:
    """A problem for each year the level must prove that no file of the requirement's kinds covers."""
    years = required_years(metadata.level, metadata.year, app_cfg)
    covered = sorted({year for _, c in files for year in c.years})
    has = T("、".join(map(str, covered)) + " 年", ", ".join(map(str, covered))) if covered else T("无", "none")
    undated = [path for path, c in files if not c.years]
    note = T("", "") if not undated else T(f"；“{'”“'.join(undated)}”看不出年份，如它涵盖该年，请在文件名中写上年份",
                                            f"; {', '.join(undated)} gives no year: if it covers that year, put the "
                                            "year in its name")
    for year in (y for y in years if y not in covered):
        naming = T(f"，文件名写明“{words[0]}”和年份（如“{words[0]}{year}.pdf”）",
                   f", its name holding {words[0]} and the year (e.g. {words[0]}{year}.pdf)") if words else \
            T("，文件名写明年份", ", its name holding the year")
        yield Problem(T(f"缺少 {year} 年的{what.zh}：{metadata.level}须证明 {years[0]}～{years[-1]} 年，已有的证明涵盖："
                        f"{has.zh}{note.zh}。请上传 {year} 年度的证明{naming.zh}。",
                        f"No {what.en} for {year}: a {metadata.level} application must prove {years[0]}-{years[-1]}; "
                        f"the proofs given cover: {has.en}{note.en}. Add the {year} proof{naming.en}."),
                      covered, {"kind": list(requirement.kinds), "year": year})


def _unrecognized(classified: Sequence[Classified], required: tuple[Requirement, ...], kinds_cfg, cfg
                  ) -> Iterator[Problem]:
    kinds = tuple(dict.fromkeys(kind for requirement in required for kind in requirement.kinds))
    words = [word for kind in kinds if (word := keyword(kind, kinds_cfg, cfg))]
    for path, c, _ in classified:
        if c.kind is None:
            yield Problem(T(f"无法识别“{path}”是哪一类材料：{c.evidence.zh}。请把文件名改为材料名称（可识别的如："
                            f"{'、'.join(words)}），或把与申报无关的文件移出申报文件夹。",
                            f"{path} is no attachment the profile knows: {c.evidence.en}. Rename it after what it is "
                            f"(recognised names include {', '.join(words)}), or move it out of the application's "
                            "folder if it is not part of it."), path, words)


def _duplicates(classified: Sequence[Classified], kinds_cfg, cfg) -> Iterator[Problem]:
    """Files of the same content; then kinds an application holds one of, given in files of different content."""
    by_hash: dict[str, list[str]] = defaultdict(list)
    for path, _, digest in classified:
        if digest is not None:
            by_hash[digest].append(path)
    for paths in (p for p in by_hash.values() if len(p) > 1):
        shown = "”“".join(paths)
        yield Problem(T(f"“{shown}”内容完全相同（同一文件有 {len(paths)} 份）。请只保留一份。",
                        f"{', '.join(paths)} have the same content ({len(paths)} copies of one file). Keep one."),
                      paths, 1)
    for kind in cfg.single:
        files = [(path, digest) for path, c, digest in classified if c.kind == kind]
        if len({digest or path for path, digest in files}) > 1:
            paths, what = [path for path, _ in files], label(kind, kinds_cfg)
            yield Problem(T(f"{len(paths)} 个文件都被识别为{what.zh}：“{'”“'.join(paths)}”，但只能有一份。请保留正确的"
                            "一份，删去其余；实为别的材料的，改名写明它是什么。",
                            f"{len(paths)} files were taken as the {what.en}: {', '.join(paths)}; an application "
                            "holds one. Keep the right one and remove the others; rename any that is another "
                            "attachment after what it is."), paths, 1)
