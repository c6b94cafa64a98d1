"""Whether an application hands in what its applicant must (docprep.rules.completeness) under zj-2021, for each
applicant type: app.missing-attachment (the photo, a continuing-education proof per year with the years' bounds
exact, the post form, the unit's statement, appointment letters, the 破格 form, degrees with their verification),
app.unrecognized-file and app.duplicate-attachment, each failing and passing; the requirements as profile data,
validated on load."""
from __future__ import annotations

import hashlib

import pytest

from docprep.applications import ApplicationMetadata
from docprep.errors import ProfileError
from docprep.model import Severity
from docprep.profiles import load_profile
from docprep.rules import REGISTRY
from docprep.rules.attachments import parse_requirement
from docprep.rules.classify import classify
from docprep.rules.completeness import DUPLICATE, MISSING, UNRECOGNIZED, completeness

ZJ = load_profile("zj-2021")
BASE = load_profile("base")

# The applicant types of the issue, and the files a complete application of each holds.
TYPES = {
    "中级 事业单位在编": ({"level": "中级", "unit_type": "事业单位在编"},
                     ["证件照.jpg", "继续教育2017-2020.pdf", "岗位信息表.pdf", "聘书.pdf"]),
    "副高级 破格": ({"level": "副高级", "unit_type": "事业单位在编", "exceptional": True},
                ["证件照.jpg", "继续教育2016.pdf", "继续教育2017.pdf", "继续教育2018-2019.pdf", "继续教育2020.pdf",
                 "岗位信息表.pdf", "聘书.pdf", "破格申报审批表.pdf"]),
    "企业": ({"level": "中级", "unit_type": "企业", "exceptional": False},
           ["证件照.jpg", "继续教育 2017、2018、2019、2020.pdf", "聘书 助理工程师.pdf"]),
    "学历不在学信网": ({"level": "中级", "unit_type": "事业单位非在编", "degree_on_chsi": False},
                ["证件照.jpg", "继续教育2017至2020.pdf", "单位说明.pdf", "聘书.pdf", "毕业证.pdf",
                 "毕业生就业登记表.pdf"]),
}


def meta(year: int = 2021, **values) -> ApplicationMetadata:
    return ApplicationMetadata(year=year, **{"level": "中级", **values})


def files(*names: str, texts: dict | None = None, profile=ZJ) -> list:
    """(path, Classification, sha256) of files named so, each of its own content."""
    return [(name, classify(name, (texts or {}).get(name), profile.section("pdf").kinds, profile.section("app")),
             hashlib.sha256(name.encode("utf-8")).hexdigest()) for name in names]


def check(metadata, classified, profile=ZJ) -> list:
    return completeness(metadata, classified, profile.section("app"), profile.section("pdf").kinds)


def rules(problems) -> list[str]:
    return [rule for rule, _ in problems]


def test_the_three_rules_are_declared_with_their_severities():
    assert REGISTRY[MISSING].severity is Severity.ERROR
    assert REGISTRY[UNRECOGNIZED].severity is Severity.WARNING
    assert REGISTRY[DUPLICATE].severity is Severity.ERROR
    assert all(REGISTRY[rule].check is None for rule in (MISSING, UNRECOGNIZED, DUPLICATE))  # not run per file


# --- each applicant type: complete passes, each attachment taken away fails ----------------------------------------

@pytest.mark.parametrize("applicant", TYPES)
def test_a_complete_application_of_each_type_passes(applicant):
    values, names = TYPES[applicant]
    assert check(meta(**values), files(*names)) == []


@pytest.mark.parametrize("applicant, name", [(a, n) for a, (_, names) in TYPES.items() for n in names])
def test_each_attachment_of_each_type_is_missed_when_taken_away(applicant, name):
    values, names = TYPES[applicant]
    problems = check(meta(**values), files(*(n for n in names if n != name)))
    assert problems and set(rules(problems)) == {MISSING}


def test_the_missing_photo_is_named_with_how_to_fix_it():
    (rule, problem), = check(meta(unit_type="企业"), files("继续教育2017-2020.pdf", "聘书.pdf"))
    assert rule == MISSING
    assert problem.message.zh == "缺少证件照。请上传该材料，文件名写明“证件照”以便识别。"
    assert problem.message.en == "No photo (证件照). Add it, its name holding 证件照 so that it is recognised."
    assert (problem.measured, problem.expected) == ([], ["photo"])


def test_the_post_form_is_required_of_事业单位在编_only():
    given = files("证件照.jpg", "继续教育2017-2020.pdf", "聘书.pdf")
    (_, problem), = check(meta(unit_type="事业单位在编"), given)
    assert problem.message.zh == ("缺少岗位信息表（application.toml：unit_type = 事业单位在编）。请上传该材料，文件名写明"
                                  "“岗位信息表”以便识别。")
    assert "post-form (岗位信息表)" in problem.message.en
    for unit_type in ("企业", "其他", None):  # neither form; a unit type not stated requires none either
        assert check(meta(unit_type=unit_type), given) == []


def test_the_unit_statement_is_required_of_事业单位非在编():
    given = files("证件照.jpg", "继续教育2017-2020.pdf", "聘书.pdf")
    (_, problem), = check(meta(unit_type="事业单位非在编"), given)
    assert "缺少单位说明" in problem.message.zh and problem.expected == ["unit-statement"]
    assert check(meta(unit_type="事业单位非在编"), given + files("单位说明.pdf")) == []


def test_the_exceptional_form_is_required_when_exceptional_only():
    values, names = TYPES["副高级 破格"]
    given = files(*(n for n in names if n != "破格申报审批表.pdf"))
    (_, problem), = check(meta(**values), given)
    assert "缺少破格申报表（application.toml：exceptional = true）" in problem.message.zh
    assert check(meta(**{**values, "exceptional": False}), given) == []
    assert check(meta(**{**values, "exceptional": None}), given) == []


def test_a_degree_not_on_学信网_needs_the_diploma_and_one_verification():
    values, names = TYPES["学历不在学信网"]
    base = [n for n in names if n not in ("毕业证.pdf", "毕业生就业登记表.pdf")]
    problems = check(meta(**values), files(*base))
    assert [p.expected for _, p in problems] == [["diploma"], ["employment-registration", "degree-verification",
                                                               "xuexin"]]
    assert problems[1][1].message.zh == ("缺少毕业生就业登记表、学历学位认证书或学信网认证报告（有其一即可；application.toml："
                                         "degree_on_chsi = false）。请上传该材料，文件名写明“就业登记”或“认证书”或“学信网”以便"
                                         "识别。")
    for verification in ("毕业生就业登记表.pdf", "学历学位认证书.pdf", "学历认证报告.pdf"):
        assert check(meta(**values), files(*base, "毕业证.pdf", verification)) == []
    assert check(meta(**{**values, "degree_on_chsi": True}), files(*base)) == []
    assert check(meta(**{**values, "degree_on_chsi": None}), files(*base)) == []


def test_appointment_letters_are_required_of_every_type():
    for values, names in TYPES.values():
        (_, problem), = check(meta(**values), files(*(n for n in names if not n.startswith("聘书"))))
        assert problem.expected == ["appointment"] and "缺少聘书" in problem.message.zh


# --- continuing education: each year the level must prove, bounds exact -------------------------------------------

def ce_years(problems) -> list[int]:
    return [p.expected["year"] for rule, p in problems if rule == MISSING and isinstance(p.expected, dict)]


def test_2021_中级_must_prove_2017_to_2020_and_neither_2016_nor_2021():
    others = ("证件照.jpg", "聘书.pdf")
    assert ce_years(check(meta(), files(*others, "继续教育2017-2020.pdf"))) == []
    assert ce_years(check(meta(), files(*others, "继续教育2016.pdf", "继续教育2018-2021.pdf"))) == [2017]
    assert ce_years(check(meta(), files(*others, "继续教育2016-2019.pdf", "继续教育2021.pdf"))) == [2020]
    assert ce_years(check(meta(), files(*others))) == [2017, 2018, 2019, 2020]


def test_2021_副高级_must_prove_2016_to_2020():
    others = ("证件照.jpg", "聘书.pdf")
    assert ce_years(check(meta(level="副高级"), files(*others, "继续教育2016-2020.pdf"))) == []
    assert ce_years(check(meta(level="副高级"), files(*others, "继续教育2017-2021.pdf"))) == [2016]
    assert ce_years(check(meta(level="副高级"), files(*others, "继续教育2015-2019.pdf"))) == [2020]


def test_a_missing_year_is_named_with_what_the_proofs_cover():
    problems = check(meta(), files("证件照.jpg", "聘书.pdf", "继续教育2017.pdf", "继续教育2019-2020.pdf"))
    (_, problem), = problems
    assert problem.message.zh == ("缺少 2018 年的继续教育证明：中级须证明 2017～2020 年，已有的证明涵盖：2017、2019、2020 年。"
                                  "请上传 2018 年度的证明，文件名写明“继续教育”和年份（如“继续教育2018.pdf”）。")
    assert problem.message.en.endswith("Add the 2018 proof, its name holding 继续教育 and the year (e.g. "
                                       "继续教育2018.pdf).")
    assert problem.message.en.startswith("No continuing-education (继续教育证明) for 2018: a 中级 application must "
                                         "prove 2017-2020; the proofs given cover: 2017, 2019, 2020.")
    assert (problem.measured, problem.expected) == ([2017, 2019, 2020], {"kind": ["continuing-education"],
                                                                        "year": 2018})


def test_a_proof_without_a_year_is_named_in_each_missing_year():
    problems = check(meta(), files("证件照.jpg", "聘书.pdf", "继续教育证明.pdf"))
    assert ce_years(problems) == [2017, 2018, 2019, 2020]
    assert all("“继续教育证明.pdf”看不出年份" in p.message.zh for _, p in problems)


def test_a_proof_recognised_by_its_content_counts_for_its_years():
    given = files("证件照.jpg", "聘书.pdf", "scan.pdf", texts={"scan.pdf": "继续教育学时证明 2017-2020年度"})
    assert check(meta(), given) == []


# --- unrecognized files --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("applicant", TYPES)
def test_a_file_that_fits_no_kind_is_a_warning_for_each_type(applicant):
    values, names = TYPES[applicant]
    (rule, problem), = check(meta(**values), files(*names, "Scan_0012.pdf"))
    assert rule == UNRECOGNIZED and problem.measured == "Scan_0012.pdf"
    assert problem.message.zh.startswith("无法识别“Scan_0012.pdf”是哪一类材料：文件名不含任何一类材料的关键词，也没有可读的文字。"
                                         "请把文件名改为材料名称（可识别的如：证件照、继续教育、岗位信息表、单位说明、聘书、破格、毕业证")
    assert "rename it after what it is" in problem.message.en.lower()


def test_without_requirements_no_file_is_unrecognised():
    assert check(meta(), files("Scan_0012.pdf", "证件照.jpg", profile=BASE), profile=BASE) == []


# --- duplicates ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("applicant", TYPES)
def test_the_same_content_twice_is_a_duplicate_for_each_type(applicant):
    values, names = TYPES[applicant]
    given = files(*names)
    path, found, digest = given[-1]
    (rule, problem), = check(meta(**values), given + [("副本 " + path, found, digest)])
    assert rule == DUPLICATE and problem.measured == [path, "副本 " + path]
    assert problem.message.zh == f"“{path}”“副本 {path}”内容完全相同（同一文件有 2 份）。请只保留一份。"


@pytest.mark.parametrize("applicant", TYPES)
def test_two_photos_compete_for_one_slot_for_each_type(applicant):
    values, names = TYPES[applicant]
    (rule, problem), = check(meta(**values), files(*names, "证件照2.jpg"))
    assert rule == DUPLICATE and problem.measured == ["证件照.jpg", "证件照2.jpg"]
    assert problem.message.zh.startswith("2 个文件都被识别为证件照：“证件照.jpg”“证件照2.jpg”，但只能有一份。")


def test_two_post_forms_compete_but_proofs_of_several_years_and_two_appointments_do_not():
    values, names = TYPES["中级 事业单位在编"]
    (_, problem), = check(meta(**values), files(*names, "岗位信息表（修改后）.pdf"))
    assert "都被识别为岗位信息表" in problem.message.zh
    assert check(meta(**values), files(*names, "继续教育2019.pdf", "继续教育2020 公需.pdf", "聘任书2.pdf")) == []


def test_identical_photos_are_reported_once_as_the_same_content():
    given = files("证件照.jpg")
    _, found, digest = given[0]
    problems = check(meta(unit_type="企业"), given + [("证件照 - 副本.jpg", found, digest)]
                     + files("继续教育2017-2020.pdf", "聘书.pdf"))
    assert [p.measured for _, p in problems] == [["证件照.jpg", "证件照 - 副本.jpg"]]


def test_files_that_could_not_be_read_have_no_content_to_compare():
    values, names = TYPES["企业"]
    given = [(path, found, None) for path, found, _ in files(*names, "获奖证书.pdf", "荣誉证书.pdf")]
    assert check(meta(**values), given) == []


# --- the requirements as profile data -------------------------------------------------------------------------------

def test_requirements_read_as_written():
    requirement = parse_requirement("employment-registration|xuexin per year if degree_on_chsi=false and level=中级")
    assert requirement.kinds == ("employment-registration", "xuexin") and requirement.per_year
    assert requirement.conditions == (("degree_on_chsi", "false"), ("level", "中级"))
    assert requirement.applies(meta(degree_on_chsi=False)) and not requirement.applies(meta(degree_on_chsi=True))
    assert not requirement.applies(meta(degree_on_chsi=False, level="副高级"))


def own(tmp_path, table: str):
    path = tmp_path / "own.toml"
    path.write_text(f'extends = "zj-2021"\n[app.attachments]\n{table}\n', encoding="utf-8")
    return load_profile(path)


@pytest.mark.parametrize("table, says", [
    ('requires = ["post-form when unit_type=企业"]', "is not KIND[|KIND...] [per year]"),
    ('requires = ["post-form per month"]', "is not KIND[|KIND...] [per year]"),
    ('requires = ["post-form if unit=企业"]', "condition 'unit=企业' is not KEY=VALUE with KEY one of level"),
    ('requires = ["post-form if exceptional=yes"]', "exceptional is true or false, not 'yes'"),
    ('requires = ["post-form if unit_type=国企"]', "unit_type '国企' is not one of 事业单位在编"),
    ('requires = ["post-form if level=高级"]', "level '高级' is not one of 初级"),
    ('requires = ["|post-form"]', "names an empty kind"),
    ('title_phrases = ["岗位信息表"]', "'岗位信息表' is not PHRASE=KIND"),
    ('requires = "photo"', "expected a list of strings"),
])
def test_a_wrong_requirement_is_a_profile_error_on_load(tmp_path, table, says):
    with pytest.raises(ProfileError, match="app.attachments") as caught:
        own(tmp_path, table)
    assert says in str(caught.value)


@pytest.mark.parametrize("table", ['requires = ["passport"]', 'single = ["passport"]',
                                   'title_phrases = ["护照=passport"]'])
def test_a_kind_pdf_kinds_does_not_list_is_a_profile_error(tmp_path, table):
    with pytest.raises(ProfileError, match="kind 'passport' is not a kind of \\[pdf.kinds\\]"):
        check(meta(), [], profile=own(tmp_path, table))


def test_another_platform_is_another_profile(tmp_path):
    profile = own(tmp_path, 'requires = ["self-report if level=正高级"]\nsingle = []')
    assert check(meta(), files("证件照.jpg", "证件照2.jpg", profile=profile), profile=profile) == []
    (_, problem), = check(meta(level="正高级"), [], profile=profile)
    assert problem.expected == ["self-report"] and "缺少述职报告（application.toml：level = 正高级）" in problem.message.zh
