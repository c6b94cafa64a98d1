"""app.metadata where application.toml and the files disagree (issue 9): a year claimed with no proof covering it,
and hours a proof's text states otherwise."""
from __future__ import annotations

import pytest

from docprep.applications.metadata import ApplicationMetadata, ContinuingEducation
from docprep.profiles import load_profile
from docprep.rules.claims import claims, stated_hours
from docprep.rules.classify import Classification

APP = load_profile("zj-2021").section("app")
HOURS = APP.continuing_education


def metadata(*entries: tuple[int, float, float]) -> ApplicationMetadata:
    return ApplicationMetadata(2021, "中级", continuing_education=tuple(ContinuingEducation(*e) for e in entries))


def proof(*years: int) -> Classification:
    return Classification("continuing-education", years, "name")


def found(meta, files) -> list:
    return [(rule, problem.measured, problem.expected) for rule, problem in claims(meta, files, APP)]


def test_a_year_claimed_with_no_proof_is_reported():
    meta = metadata((2015, 70, 24), (2020, 70, 24))
    assert found(meta, [(proof(2020), None)]) == [("app.metadata", 2015, "a proof covering the year")]
    assert found(meta, [(proof(2020), None), (proof(2014, 2015), None)]) == []


def test_a_required_year_without_proof_is_left_to_missing_attachment():
    assert found(metadata((2019, 70, 24)), []) == []  # 中级 2021 must prove 2017-2020: app.missing-attachment says it


@pytest.mark.parametrize("claimed, expected", [
    ((2020, 70, 24), []),
    ((2020, 80, 24), [("app.metadata", 70.0, 80.0), ("app.metadata", 94.0, 104.0)]),
    ((2020, 70, 24.5), [("app.metadata", 24.0, 24.5), ("app.metadata", 94.0, 94.5)]),
])
def test_hours_the_proof_states_are_compared_with_the_claim(claimed, expected):
    text = "2020年度继续教育学时证明 专业科目 70 学时，公需科目：24学时，合计 94 学时"
    assert found(metadata(claimed), [(proof(2020), text)]) == expected


def test_a_proof_of_several_years_or_without_text_is_not_compared():
    text = "专业科目 70 学时 公需科目 24 学时"
    assert found(metadata((2019, 80, 30), (2020, 80, 30)), [(proof(2019, 2020), text)]) == []
    assert found(metadata((2020, 80, 30)), [(proof(2020), None)]) == []
    assert found(metadata((2020, 80, 30)), [(Classification("appointment", (), "name"), text)]) == []


@pytest.mark.parametrize("text, stated", [
    ("专业科目 70 学时，公需科目：24学时，合计 94 学时", {"professional_words": 70, "public_words": 24, "total_words": 94}),
    ("专业科目学时数：60.5学时", {"professional_words": 60.5}),
    ("浙江省专业技术人员继续教育证书 2020年度 90学时", {}),  # 专业 in running text is no label
    ("专业科目 40 学时 …… 专业科目 30 学时", {}),  # two figures for one label (a table of courses): nothing certain
    ("公需科目 24 分", {}),  # not hours
])
def test_stated_hours(text, stated):
    assert stated_hours(text, HOURS) == stated


def test_in_a_check_the_proofs_text_layer_is_compared(tmp_path):
    from docprep.api import plan_check
    from test_applications_check import TOML, app_rules, make_applicant
    from test_pdf_marks import _with_text_layer
    from pdf_fixtures import page

    toml = TOML + "[continuing_education.2020]\nprofessional = 80\npublic = 24\n"
    folder = make_applicant(tmp_path / "张伟", skip=("继续教育2020.pdf",), toml=toml)
    (folder / "继续教育2020.pdf").write_bytes(_with_text_layer(page(dpi=150, seed=4), "专业科目 70 学时 公需科目 24 学时"))
    (application,) = plan_check([folder], load_profile("zj-2021")).run(jobs=1).applications
    metadata_findings = [f for f in application.findings if f.rule == "app.metadata"]
    assert [(f.measured, f.expected) for f in metadata_findings] == [(70.0, 80.0)]
    assert "app.metadata" in app_rules(application)
