"""Which folders `docprep check DIR` takes as applications without an application.toml: those whose files' names
show the profile's [app.discovery] kinds (zj-2021: two different kinds the notice requires, one of them the ID
photo or a continuing-education proof), innermost first, DIR itself included; loose folders of attachments stay
files. Names only: the files here are empty, nothing is decoded."""
from __future__ import annotations

from pathlib import Path

import pytest

from docprep.api import plan_check
from docprep.engine.applications import find_applications
from docprep.errors import ProfileError
from docprep.profiles import load_profile

ROOT = Path(__file__).resolve().parent.parent
PROFILE = load_profile("zj-2021")

# Applicants' folders as HR shares hold them, none with an application.toml: found or not, and why.
APPLICANTS = {
    "complete": (True, ["证件照.jpg", "继续教育2017.pdf", "继续教育2018.pdf", "继续教育2019.pdf", "继续教育2020.pdf",
                        "岗位信息表.pdf", "聘书.pdf", "毕业证书.pdf", "学位证书.pdf"]),
    "photo-and-one-proof": (True, ["证件照.jpg", "继续教育2020.pdf"]),  # exactly min_kinds, the photo anchoring
    "photo-by-persons-name": (True, ["张伟.jpg", "继续教育2017-2020.pdf", "聘书.pdf"]),  # the proof anchors
    "kind-subfolders": (True, ["照片/IMG_2041.jpg", "继续教育/2017.pdf", "继续教育/2018.pdf", "聘书/scan1.pdf"]),
    "enterprise": (True, ["1寸照片.jpg", "继续教育学时证明2019.pdf", "继续教育学时证明2020.pdf", "聘任文件.pdf"]),
    # Names that show no kind, or one kind beside a photo named only by its extension: application.toml or
    # --applications makes them applications.
    "phone-scans": (False, ["IMG_2041.jpg", "扫描全能王 2021-03-15 10.22.pdf", "scan0002.pdf"]),
    "photo-unnamed-and-appointment": (False, ["张伟.jpg", "聘书.pdf"]),
}
# Folders of attachments that are no one's application.
LOOSE = {
    "proofs": ["继续教育2017.pdf", "继续教育2018.pdf", "继续教育2019.pdf"],  # one kind
    "photos": ["张伟证件照.jpg", "李娜证件照.jpg", "王芳证件照.jpg"],  # one kind
    "degree": ["毕业证书.pdf", "学位证书.pdf", "学历认证报告.pdf", "毕业生就业登记表.pdf"],  # 3 kinds, no anchor
    "unit-forms": ["岗位信息表(空白).pdf", "单位说明模板.pdf", "破格申报审批表.pdf"],  # 3 kinds, no anchor
    "anything": ["a.pdf", "b.jpg", "honour.pdf"],
}


def make(folder: Path, names: list[str]) -> Path:
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"")
    return folder


def found(paths, profile=PROFILE, **options) -> list[str]:
    return [p.as_posix() for p in find_applications([Path(p) for p in paths], profile, **options)]


def relative(share: Path, profile=PROFILE) -> set[str]:
    return {Path(p).relative_to(share).as_posix() for p in found([share], profile)}


def make_share(share: Path, parents: list[str]) -> Path:
    for parent in parents:
        for name, (_, names) in APPLICANTS.items():
            make(share / parent / name, names)
        for name, names in LOOSE.items():
            make(share / parent / "散件" / name, names)
    return share


def expected(parents: list[str]) -> set[str]:
    return {f"{parent}{name}" for parent in parents for name, (counts, _) in APPLICANTS.items() if counts}


@pytest.mark.parametrize("parents", [[""], ["单位A/部门1/", "单位A/部门2/", "单位B/人事科/"]],
                         ids=["flat", "nested-two-levels"])
def test_applicant_folders_are_found_at_any_depth_and_loose_folders_are_not(tmp_path, parents):
    """A share with applicants directly or two levels deep under unit and department folders: every applicant
    whose names show two required kinds with an anchor, no loose folder, and no unit or department folder (they
    hold applicants, and their loose folders together show every kind)."""
    share = make_share(tmp_path / "共享盘", parents)
    assert relative(share) == expected(parents)


@pytest.mark.parametrize("names", [["证件照.jpg", "继续教育2020.pdf"], ["张伟.jpg", "继续教育2020.pdf", "聘书.pdf"]],
                         ids=["photo-anchors", "proof-anchors"])
def test_exactly_the_minimum_of_kinds_with_an_anchor_is_an_application(tmp_path, names):
    folder = make(tmp_path / "张伟", names)
    assert found([tmp_path]) == [folder.as_posix()]


@pytest.mark.parametrize("names", [["证件照.jpg"], ["继续教育2019.pdf", "继续教育2020.pdf"], ["证件照.jpg", "a.pdf"],
                                   ["聘书.pdf", "岗位信息表.pdf"], ["证件照.jpg", "学位证书.pdf"]],
                         ids=["photo-alone", "proofs-alone", "photo-and-unnamed", "no-anchor",
                              "kind-not-required"])
def test_one_kind_short_of_the_minimum_or_without_an_anchor_is_not(tmp_path, names):
    make(tmp_path / "张伟", names)
    assert found([tmp_path]) == []


def test_the_innermost_folder_wins_and_a_folder_holding_applicants_is_none(tmp_path):
    """A unit folder whose own files show the kinds (a photo, proofs) is no application once an applicant is
    found below it; a kind subfolder inside an applicant counts for the applicant, not as one of its own."""
    unit = make(tmp_path / "单位A", ["证件照.jpg", "继续教育2020.pdf"])
    make(unit / "张伟", ["证件照.jpg", "继续教育/2019.pdf", "继续教育/2020.pdf"])
    assert relative(tmp_path) == {"单位A/张伟"}


def test_a_named_folder_is_itself_the_application_when_its_names_show_the_kinds(tmp_path):
    """`docprep check 张伟/` with no application.toml: the folder itself is the application; a loose folder
    named stays files, and so do the shipped samples/photos and samples/attachments (their golden reports)."""
    folder = make(tmp_path / "张伟", ["证件照.jpg", "继续教育2019.pdf", "继续教育2020.pdf", "聘书.pdf"])
    assert found([folder]) == [folder.as_posix()]
    loose = make(tmp_path / "散件", LOOSE["degree"])
    assert found([loose]) == []
    assert found([ROOT / "samples" / "photos", ROOT / "samples" / "attachments"]) == []
    assert [Path(p).name for p in found([ROOT / "samples"])] == ["张伟", "李娜", "王芳"]


def test_an_application_toml_always_counts_and_applications_keeps_its_meaning(tmp_path):
    declared = make(tmp_path / "赵强", ["scan1.pdf"])
    (declared / "application.toml").write_text('name = "赵强"\n', encoding="utf-8")
    unnamed = make(tmp_path / "王芳", ["scan2.pdf"])
    assert found([tmp_path]) == [declared.as_posix()]
    assert found([tmp_path], every_folder=True) == [unnamed.as_posix(), declared.as_posix()]


def test_a_plan_judges_the_found_applicants_and_leaves_loose_files_alone(tmp_path):
    share = make_share(tmp_path / "共享盘", [""])
    plan = plan_check([share], PROFILE)
    assert {p.relative_to(share).as_posix() for p in plan.applications} == expected([""])


def _profile(tmp_path, table: str):
    path = tmp_path / "mine.toml"
    path.write_text(f'extends = "zj-2021"\n[app.discovery]\n{table}\n', encoding="utf-8")
    return load_profile(str(path))


def test_the_threshold_and_the_anchors_are_the_profiles(tmp_path):
    share = make_share(tmp_path / "共享盘", [""])
    two = expected([""])
    assert relative(share, _profile(tmp_path, "min_kinds = 3")) == two - {"photo-and-one-proof",
                                                                         "photo-by-persons-name"}
    assert relative(share, _profile(tmp_path, "anchor_kinds = []")) == two | {"散件/degree", "散件/unit-forms"}
    assert relative(share, _profile(tmp_path, "min_kinds = 0")) == set()  # only application.toml
    assert relative(share, load_profile("base")) == set()  # nothing required: nothing to show


@pytest.mark.parametrize("table", ["min_kinds = -1", 'min_kinds = "2"', 'anchor_kinds = "photo"'])
def test_a_wrong_discovery_table_is_a_profile_error_on_load(tmp_path, table):
    with pytest.raises(ProfileError, match=r"app\.discovery\.(min|anchor)_kinds"):
        _profile(tmp_path, table)


def test_an_anchor_pdf_kinds_does_not_list_is_a_profile_error_before_the_walk(tmp_path):
    """A typo among the anchors is found before a share is walked; a known kind requires does not name is never
    shown (another profile may require less)."""
    with pytest.raises(ProfileError, match="app.discovery.anchor_kinds': kind 'continuing_education' is not a kind"):
        found([tmp_path], _profile(tmp_path, 'anchor_kinds = ["continuing_education"]'))
    make(tmp_path / "张伟", ["证件照.jpg", "学位证书.pdf", "继续教育2020.pdf"])
    assert found([tmp_path], _profile(tmp_path, 'anchor_kinds = ["degree"]')) == []
