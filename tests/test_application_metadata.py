"""application.toml: every key read and checked (app.metadata), the self-report counted as the platform counts it
(app.self-report-length), the hours of the years a level must prove (app.continuing-education), the years
themselves, an application without the file, the profile's [app] table validated on load, and `docprep init`'s
template, which loads without findings as written and as its comments say to fill it in."""
from __future__ import annotations

import re

import pytest

from docprep.applications import required_years, self_report_characters, template_text
from docprep.engine.application import load_application_metadata
from docprep.errors import ProfileError
from docprep.profiles import load_profile

ZJ = load_profile("zj-2021")
VALID_ID = "11010519491231002X"  # GB 11643's own example: the check character is X


def load(folder, text: str | None = None, profile=ZJ, this_year: int = 2021, **files: bytes):
    folder.mkdir(parents=True, exist_ok=True)
    if text is not None:
        (folder / "application.toml").write_text(text, encoding="utf-8")
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return load_application_metadata(folder, profile, this_year=this_year)


def rules_of(findings) -> list[str]:
    return [f.rule for f in findings]


def hours(year: int, professional, public) -> str:
    return f"[continuing_education.{year}]\nprofessional = {professional}\npublic = {public}\n"


# --- the years a level must prove ------------------------------------------------------------------------------

@pytest.mark.parametrize("level, year, expected", [
    ("中级", 2021, (2017, 2018, 2019, 2020)),  # the example
    ("初级", 2021, (2017, 2018, 2019, 2020)),
    ("副高级", 2021, (2016, 2017, 2018, 2019, 2020)),
    ("正高级", 2025, (2020, 2021, 2022, 2023, 2024)),
])
def test_required_years_are_the_last_years_before_the_application_year(level, year, expected):
    assert required_years(level, year, ZJ.section("app")) == expected


def test_the_neutral_base_requires_no_year_and_an_unknown_level_is_an_error():
    assert required_years("正高级", 2021, load_profile("base").section("app")) == ()
    with pytest.raises(ValueError, match="高级"):
        required_years("高级", 2021, ZJ.section("app"))


# --- application.toml read -------------------------------------------------------------------------------------

def test_a_complete_file_is_read_into_frozen_metadata(tmp_path):
    text = (f'name = "张伟"\nid_number = "{VALID_ID}"\nyear = 2021\nlevel = "副高级"\nseries = "工程"\n'
            'unit_type = "事业单位在编"\nexceptional = true\ndegree_on_chsi = false\nself_report = """述职。"""\n'
            + hours(2020, 70, 24) + hours(2019, 60.5, 29.5))
    metadata, findings = load(tmp_path, text)
    assert findings == []
    assert (metadata.name, metadata.id_number, metadata.year, metadata.level, metadata.series, metadata.unit_type,
            metadata.exceptional, metadata.degree_on_chsi, metadata.self_report) == (
        "张伟", VALID_ID, 2021, "副高级", "工程", "事业单位在编", True, False, "述职。")
    assert [(e.year, e.professional, e.public, e.total) for e in metadata.continuing_education] == [
        (2019, 60.5, 29.5, 90.0), (2020, 70.0, 24.0, 94.0)]
    assert not metadata.inferred and metadata.assumptions == ()
    with pytest.raises(AttributeError):
        metadata.level = "中级"


def test_without_the_file_the_metadata_is_inferred_and_says_what_it_assumed(tmp_path):
    metadata, findings = load(tmp_path, this_year=2023)
    assert findings == [] and metadata.inferred
    assert (metadata.year, metadata.level, metadata.unit_type, metadata.exceptional) == (2023, "中级", None, None)
    said = " ".join(a("en") for a in metadata.assumptions)
    assert "no application.toml" in said and "2023" in said and "中级" in said
    assert "默认值" in " ".join(a("zh") for a in metadata.assumptions)


def test_the_year_defaults_to_this_year_and_is_said_to_be_assumed(tmp_path):
    metadata, findings = load(tmp_path, 'level = "副高级"\n', this_year=2024)
    assert findings == [] and metadata.year == 2024 and not metadata.inferred
    assert [a("en") for a in metadata.assumptions] == ["the application year is assumed to be this year, 2024"]


def test_a_file_that_is_not_toml_is_reported_and_the_rest_inferred(tmp_path):
    metadata, findings = load(tmp_path, 'level = 中级\n')
    assert rules_of(findings) == ["app.metadata"] and metadata.inferred and metadata.level == "中级"
    assert "not valid TOML" in findings[0].message("en") and "line 1" in findings[0].message("en")


def test_a_gbk_file_from_notepad_is_read(tmp_path):
    (tmp_path / "application.toml").write_bytes('name = "张伟"\nlevel = "中级"\n'.encode("gbk"))
    metadata, findings = load_application_metadata(tmp_path, ZJ, this_year=2021)
    assert findings == [] and metadata.name == "张伟"


@pytest.mark.parametrize("line, words", [
    ('nmae = "张伟"', "unknown key 'nmae'"),
    ("year = \"2021\"", "year must be an integer"),
    ("year = 21", "not a four-digit year"),
    ("exceptional = \"否\"", "exceptional must be true or false"),
    ("level = 3", "level must be a string"),
    ('level = "高级"', "not one of the choices (初级, 中级, 副高级, 正高级)"),
    ('level = ""', "not one of the choices"),
    ('unit_type = "私营企业"', "not one of the choices (事业单位在编, 事业单位非在编, 企业, 其他)"),
    ("continuing_education = 90", "continuing_education must be a table"),
    ("[continuing_education.\"去年\"]\nprofessional = 60\npublic = 30", "continuing_education.去年 must be a year's table"),
    ("[continuing_education.2020]\nprofessional = 90", "has no public hours"),
    ("[continuing_education.2020]\nprofessional = 60\npublic = 30\nother = 1", "unknown key 'other'"),
    ("[continuing_education.2020]\nprofessional = -1\npublic = 30", "is not a number of hours"),
    ("[continuing_education.2020]\nprofessional = true\npublic = 30", "is not a number of hours"),
])
def test_each_wrong_key_is_an_app_metadata_error_and_counts_as_not_given(tmp_path, line, words):
    metadata, findings = load(tmp_path, line + "\n")
    assert rules_of(findings) == ["app.metadata"], [f.message("en") for f in findings]
    assert words in findings[0].message("en") and findings[0].severity == "error"
    assert findings[0].message("zh") != findings[0].message("en")
    assert metadata.level == "中级" and metadata.year == 2021 and metadata.continuing_education == ()


# --- the citizen ID number ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("number", [VALID_ID, VALID_ID.lower(), "33052319900201123X", "440306198512310022",
                                    " 110101198003070009 "])
def test_id_numbers_with_a_right_check_character_pass(tmp_path, number):
    metadata, findings = load(tmp_path, f'id_number = "{number}"\n')
    assert findings == [] and metadata.id_number == number.strip()


@pytest.mark.parametrize("number, words", [
    ("330523199002011234", "ends in '4' but its first 17 digits give 'X'"),  # the example: its check character is X
    ("11010519491231002", "has 17 characters, not 18"),
    ("11010519491231002X1", "has 19 characters, not 18"),
    ("1101051949123100AX", "is not 17 digits followed by a digit or X"),
    ("１１０１０５１９４９１２３１００２X", "is not 17 digits"),  # full-width digits
])
def test_id_numbers_of_the_wrong_length_or_check_character_fail(tmp_path, number, words):
    metadata, findings = load(tmp_path, f'id_number = "{number}"\n')
    assert rules_of(findings) == ["app.metadata"] and words in findings[0].message("en")
    assert metadata.id_number is None


def test_the_check_digit_follows_gb_11643():
    """The weights 2^(17-i) mod 11 and the check characters 1 0 X 9 8 7 6 5 4 3 2, from the standard."""
    from docprep.applications.metadata import id_number_error

    weights = [pow(2, 17 - i, 11) for i in range(17)]
    assert weights == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    for body in ("33052319900201123", "44030019851231123", "11010119800101000"):
        check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
        assert id_number_error(body + check) is None
        assert all(id_number_error(body + c) is not None for c in "0123456789X" if c != check)


# --- the self-report ------------------------------------------------------------------------------------------------

CHINESE = "本人自任现职以来，认真履行岗位职责。"  # 18 characters, punctuation included


def report_of(characters: int, spaced: bool = False) -> str:
    text = (CHINESE * (characters // len(CHINESE) + 1))[:characters]
    if spaced:  # spaces, the ideographic space, tabs and line breaks: none of them count
        text = "\n\n".join(" " + text[i:i + 50] + "\u3000\t" for i in range(0, len(text), 50))
    return text


@pytest.mark.parametrize("spaced", [False, True])
def test_a_self_report_of_1000_characters_passes_and_1001_fails(tmp_path, spaced):
    for count, expected in ((1000, []), (1001, ["app.self-report-length"])):
        text = report_of(count, spaced)
        assert self_report_characters(text) == count
        metadata, findings = load(tmp_path / str(count), f'self_report = """{text}"""\n')
        assert rules_of(findings) == expected
    assert findings[0].measured == 1001 and findings[0].expected == 1000
    assert "1,001 characters" in findings[0].message("en") and "at least 1" in findings[0].message("en")


def test_punctuation_counts_and_whitespace_does_not():
    assert self_report_characters("我，你。“他”！ a b\n\tc\u3000d\r\n") == 12


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_a_self_report_file_in_utf8_or_gb18030_is_read_and_counted(tmp_path, encoding):
    text = report_of(1001)
    metadata, findings = load(tmp_path, 'self_report_file = "述职报告.txt"\n',
                              **{"述职报告.txt": text.encode(encoding)})
    assert metadata.self_report == text and rules_of(findings) == ["app.self-report-length"]


@pytest.mark.parametrize("line, files, words", [
    ('self_report_file = "没有.txt"', {}, "is not in the application folder"),
    ('self_report_file = "../述职.txt"', {}, "points outside the application folder"),
    ('self_report_file = "/etc/passwd"', {}, "points outside the application folder"),
    ('self_report_file = "C:\\\\述职.txt"', {}, "points outside the application folder"),
    ('self_report_file = "述职.txt"', {"述职.txt": "述职".encode("utf-16")}, "neither UTF-8 nor GB18030"),
    ('self_report = "述职"\nself_report_file = "述职.txt"', {"述职.txt": b"x"}, "gives both self_report and"),
])
def test_a_self_report_file_that_cannot_be_used_is_an_app_metadata_error(tmp_path, line, files, words):
    metadata, findings = load(tmp_path / "app", line + "\n", **files)
    assert rules_of(findings) == ["app.metadata"] and words in findings[0].message("en")


def test_a_self_report_file_linked_out_of_the_folder_is_not_read(tmp_path):
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    folder = tmp_path / "app"
    folder.mkdir()
    try:
        (folder / "述职.txt").symlink_to(tmp_path / "secret.txt")
    except OSError:
        pytest.skip("no symbolic links here")
    metadata, findings = load(folder, 'self_report_file = "述职.txt"\n')
    assert metadata.self_report is None and "outside the application folder" in findings[0].message("en")


# --- continuing-education hours -------------------------------------------------------------------------------------

@pytest.mark.parametrize("professional, public, short", [
    (60, 30, None),  # 90 in total: the minimum itself passes
    (72, 18, None),  # the public minimum itself
    (60, 29.5, "89.5 in total (at least 90)"),
    (59.5, 40, "59.5 professional (at least 60)"),
    (80, 17, "17 public (at least 18)"),
    (50, 10, "60 in total (at least 90), 50 professional (at least 60), 10 public (at least 18)"),
])
def test_hours_are_checked_against_the_minimums_exactly(tmp_path, professional, public, short):
    metadata, findings = load(tmp_path, hours(2020, professional, public))
    if short is None:
        assert findings == []
    else:
        assert rules_of(findings) == ["app.continuing-education"]
        assert f"2020: continuing-education hours short: {short}." in findings[0].message("en")
        assert findings[0].measured["year"] == 2020 and findings[0].expected["total"] == ">= 90"


def test_only_the_years_the_level_must_prove_count(tmp_path):
    text = hours(2016, 0, 0) + hours(2021, 0, 0) + hours(2017, 90, 0)
    _, findings = load(tmp_path / "intermediate", 'level = "中级"\n' + text)
    assert [f.measured["year"] for f in findings] == [2017]  # 2016 is before 中级's four years, 2021 is no year before
    _, findings = load(tmp_path / "senior", 'level = "副高级"\n' + text)
    assert [f.measured["year"] for f in findings] == [2016, 2017]


def test_a_year_not_claimed_is_left_to_the_completeness_rules(tmp_path):
    assert load(tmp_path, hours(2020, 60, 30))[1] == []  # 2017-2019 missing: app.missing-attachment's to say


def test_the_neutral_base_profile_asks_for_no_hours_and_no_length(tmp_path):
    _, findings = load(tmp_path, f'self_report = """{report_of(5000)}"""\n' + hours(2020, 0, 0),
                       profile=load_profile("base"))
    assert findings == []


def test_a_rule_turned_off_in_the_profile_is_silent(tmp_path):
    profile_file = tmp_path / "quiet.toml"
    profile_file.write_text('extends = "zj-2021"\n[rules]\n"app.continuing-education" = "off"\n', encoding="utf-8")
    _, findings = load(tmp_path / "app", hours(2020, 0, 0), profile=load_profile(profile_file))
    assert findings == []


# --- the profile's [app] table --------------------------------------------------------------------------------------

@pytest.mark.parametrize("table, words", [
    ('levels = ["中级"]', "'中级' is not LEVEL=YEARS"),
    ('levels = ["中级=四"]', "is not LEVEL=YEARS"),
    ('levels = ["中级=4", "中级=5"]', "level '中级' is listed twice"),
    ('default_level = "高级"', "key 'app.default_level': '高级' is not one of 'app.levels'"),
    ("unit_types = []", "needs at least 1 entries"),
    ("[app.continuing_education]\nmin_total = -1", "below the minimum"),
    ("[app.self_report]\nmax_characters = 1.5", "expected an integer"),
])
def test_the_app_table_is_validated_on_load(tmp_path, table, words):
    path = tmp_path / "bad.toml"
    path.write_text(f'extends = "zj-2021"\n[app]\n{table}\n', encoding="utf-8")
    with pytest.raises(ProfileError, match=re.escape(words)):
        load_profile(path)


# --- docprep init's template ----------------------------------------------------------------------------------------

def fill_in(template: str, use_file: bool) -> str:
    """Switch every example on as the comments say (delete the "#" before a key), with one of the two self-reports."""
    skip = "self_report =" if use_file else "self_report_file ="
    return "\n".join(line[1:] if re.match(r"#[a-z\[]", line) and not line[1:].startswith(skip) else line
                     for line in template.splitlines()) + "\n"


@pytest.mark.parametrize("profile_name", ["zj-2021", "base"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_template_loads_without_findings_as_written_and_filled_in(tmp_path, lang, profile_name):
    profile = load_profile(profile_name)
    template = template_text(profile.section("app"), profile.name, lang, 2021)
    metadata, findings = load(tmp_path / "raw", template, profile=profile)
    assert findings == [] and (metadata.year, metadata.level) == (2021, "中级") and not metadata.assumptions
    for use_file in (False, True):
        filled = fill_in(template, use_file)
        assert filled.count("\n#") < template.count("\n#")
        metadata, findings = load(tmp_path / f"filled-{use_file}", filled, profile=profile,
                                  **{"述职报告.txt": "本人述职。".encode("gb18030"), "self-report.txt": b"Report."})
        assert findings == [], [f.message("en") for f in findings]
        assert metadata.name == "张伟" and metadata.id_number == VALID_ID and metadata.self_report
        claimed = [e.year for e in metadata.continuing_education]
        assert claimed == list(required_years("中级", 2021, profile.section("app"))) or claimed == [2020]


def test_the_template_quotes_the_profile(tmp_path):
    zh = template_text(ZJ.section("app"), "zj-2021", "zh", 2021)
    en = template_text(ZJ.section("app"), "zj-2021", "en", 2021)
    assert "不超过 1000 字" in zh and "中级 4 年、副高级 5 年" in zh and "不少于 90 学时" in zh
    assert "at most 1000 characters" in en and "Name." in en and "姓名" not in en
    assert [line for line in zh.splitlines() if line.startswith("#[")] == [
        f"#[continuing_education.{year}]" for year in (2020, 2019, 2018, 2017)]


def test_init_writes_the_template_and_never_overwrites_it(tmp_path, run_cli):
    folder = tmp_path / "张伟"
    result = run_cli("init", folder)
    assert result.returncode == 0, result.stderr
    written = (folder / "application.toml").read_text(encoding="utf-8")
    assert written.startswith("# 申报信息") and "已写入" in result.stdout
    assert load_application_metadata(folder, ZJ)[1] == []
    (folder / "application.toml").write_text('name = "张伟"\n', encoding="utf-8")
    result = run_cli("init", folder, "--lang", "en")
    assert result.returncode == 2 and "already exists and was not overwritten" in result.stderr
    assert (folder / "application.toml").read_text(encoding="utf-8") == 'name = "张伟"\n'
    assert [p.name for p in folder.iterdir()] == ["application.toml"]  # no temporary file left behind


def test_init_writes_into_the_current_folder_in_english(tmp_path, run_cli):
    result = run_cli("init", "--lang", "en", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "application.toml").read_text(encoding="utf-8").startswith("# Application details")
    assert "Wrote" in result.stdout


def test_init_into_a_file_is_refused(tmp_path, run_cli):
    (tmp_path / "file").write_bytes(b"x")
    result = run_cli("init", tmp_path / "file")
    assert result.returncode == 2 and not (tmp_path / "file" / "application.toml").exists()
