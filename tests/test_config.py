"""Settings files (docprep/engine/config.py): docprep.toml or [tool.docprep] in pyproject.toml, found from the
checked path upwards (the first found wins); profile, rule levels and ignore patterns; command-line options over
them; anything unknown an error naming the file and the key (exit 2)."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from docprep.api import check_settings, plan_check
from docprep.engine.config import ConfigError, Settings, find_settings, read_settings, settings_file
from docprep.model import Severity


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def tree(tmp_path, good_jpeg):
    """unit/ (the settings' folder) with applicants below it, each with a good photo."""
    unit = tmp_path / "unit"
    for folder in ("张伟", "李娜/旧材料", "李娜/2019"):
        (unit / folder).mkdir(parents=True)
        (unit / folder / "照片.jpg").write_bytes(good_jpeg)
    (unit / "李娜" / "照片.bak").write_bytes(b"old")
    return unit


def checked(paths, settings: Settings) -> list[str]:
    """The files a check of `paths` would read under `settings`, relative to the first path."""
    plan = plan_check(paths, settings.load_profile(), settings=settings)
    return sorted(Path(t.path).relative_to(Path(paths[0])).as_posix() for t in plan.targets)


# ---- finding the file ----

def test_found_from_a_file_upwards(tree):
    write(tree / "docprep.toml", 'profile = "cpta-exam"\n')
    photo = tree / "张伟" / "照片.jpg"
    assert settings_file(photo) == tree / "docprep.toml"
    profile, settings = check_settings([photo])
    assert profile.name == "cpta-exam" and settings.source == tree / "docprep.toml"


def test_the_nearest_wins_and_docprep_toml_before_pyproject(tree):
    write(tree / "docprep.toml", 'profile = "cpta-exam"\n')
    write(tree / "李娜" / "pyproject.toml", '[tool.docprep]\nprofile = "health-exam"\n')
    assert check_settings([tree / "李娜"])[0].name == "health-exam"
    write(tree / "李娜" / "docprep.toml", 'profile = "zj-2021"\n')
    assert check_settings([tree / "李娜"])[0].name == "zj-2021"
    assert check_settings([tree / "张伟"])[0].name == "cpta-exam"


def test_a_pyproject_without_the_table_is_passed_by(tree):
    write(tree / "docprep.toml", 'profile = "cpta-exam"\n')
    write(tree / "张伟" / "pyproject.toml", '[project]\nname = "x"\n[tool.other]\na = 1\n')
    assert settings_file(tree / "张伟") == tree / "docprep.toml"


def test_no_file_is_the_default_profile(tmp_path):
    profile, settings = check_settings([tmp_path])
    assert profile.name == "zj-2021" and settings == Settings()


def test_several_paths_under_one_file_or_none(tree, tmp_path, good_jpeg):
    write(tree / "docprep.toml", 'profile = "cpta-exam"\n')
    elsewhere = tmp_path / "elsewhere.jpg"
    elsewhere.write_bytes(good_jpeg)
    assert check_settings([tree / "张伟", tree / "李娜", elsewhere])[0].name == "cpta-exam"


def test_several_paths_under_different_files_are_an_error(tree):
    write(tree / "张伟" / "docprep.toml", 'profile = "cpta-exam"\n')
    write(tree / "李娜" / "docprep.toml", 'profile = "health-exam"\n')
    with pytest.raises(ConfigError) as raised:
        find_settings([tree / "张伟", tree / "李娜"])
    assert "张伟" in str(raised.value) and "李娜" in str(raised.value)


def test_a_named_file_is_used_instead_of_the_one_found(tree, tmp_path):
    write(tree / "docprep.toml", 'profile = "cpta-exam"\n')
    given = write(tmp_path / "ci.toml", 'profile = "health-exam"\n')
    assert check_settings([tree], config=given)[0].name == "health-exam"


# ---- what it says ----

def test_a_profile_path_is_relative_to_the_settings_file(tree):
    write(tree / "profiles" / "mine.toml", 'extends = "zj-2021"\n')
    write(tree / "docprep.toml", 'profile = "profiles/mine.toml"\n')
    assert check_settings([tree / "张伟"])[0].name == "mine"


def test_rule_levels_apply_over_the_profile_and_change_its_digest(tree):
    plain, _ = check_settings([tree])
    write(tree / "docprep.toml", '[rules]\n"photo.file-size" = "off"\n"pdf.color" = "error"\n')
    profile, _ = check_settings([tree])
    assert profile.severity("photo.file-size", Severity.ERROR) is Severity.OFF
    assert profile.severity("pdf.color", Severity.WARNING) is Severity.ERROR
    assert profile.digest != plain.digest  # the result cache tells them apart


def test_the_command_line_profile_wins_and_the_file_s_levels_still_apply(tree):
    write(tree / "docprep.toml", 'profile = "cpta-exam"\n[rules]\n"photo.file-size" = "off"\n')
    profile, _ = check_settings([tree], "health-exam")
    assert profile.name == "health-exam" and profile.severity("photo.file-size", Severity.ERROR) is Severity.OFF


def test_ignore_patterns_leave_out_what_the_walk_meets(tree):
    everything = checked([tree], Settings())
    assert everything == ["张伟/照片.jpg", "李娜/2019/照片.jpg", "李娜/旧材料/照片.jpg", "李娜/照片.bak"]
    settings = read_settings(write(tree / "docprep.toml", 'ignore = ["旧材料", "*.bak"]\n'))
    assert checked([tree], settings) == ["张伟/照片.jpg", "李娜/2019/照片.jpg"]
    settings = read_settings(write(tree / "docprep.toml", 'ignore = ["李娜/2019", "**/旧材料/*.jpg"]\n'))
    assert checked([tree], settings) == ["张伟/照片.jpg", "李娜/照片.bak"]
    settings = read_settings(write(tree / "docprep.toml", 'ignore = ["2019"]\n'))  # a name: at any depth
    assert "李娜/2019/照片.jpg" not in checked([tree], settings)
    settings = read_settings(write(tree / "docprep.toml", 'ignore = ["张伟/*.jpg"]\n'))  # a path: from the file
    assert checked([tree / "李娜"], settings) == ["2019/照片.jpg", "旧材料/照片.jpg", "照片.bak"]


def test_a_path_named_on_the_command_line_is_checked_even_if_ignored(tree):
    settings = read_settings(write(tree / "docprep.toml", 'ignore = ["*.bak", "旧材料"]\n'))
    named = tree / "李娜" / "旧材料"
    profile = settings.load_profile()
    assert [Path(t.path).name for t in plan_check([named], profile, settings=settings).targets] == ["照片.jpg"]


# ---- mistakes: errors naming the file and the key ----

@pytest.mark.parametrize("text, where", [
    ('profil = "zj-2021"\n', "'profil'"),
    ('profile = 3\n', "'profile'"),
    ('ignore = "*.bak"\n', "'ignore'"),
    ('ignore = [""]\n', "'ignore'"),
    ('rules = ["photo.face"]\n', "'rules'"),
    ('[rules]\n"photo.fase" = "off"\n', "'rules.photo.fase'"),
    ('[rules]\n"photo.face" = "fatal"\n', "'rules.photo.face'"),
    ('[rules]\n"file.check-failed" = "off"\n', "'rules.file.check-failed'"),
    ('profile = "zj-2021\n', "not valid TOML"),
])
def test_a_mistake_in_docprep_toml_names_the_file_and_the_key(tree, text, where):
    path = write(tree / "docprep.toml", text)
    with pytest.raises(ConfigError) as raised:
        read_settings(path)
    assert str(raised.value).startswith(f"{path}: ") and where in str(raised.value)
    zh = raised.value.message("zh")
    assert zh.startswith(f"{path}：") and (where.strip("'") in zh or "不是有效的 TOML" in zh)


def test_a_mistake_in_pyproject_names_the_dotted_key(tree):
    path = write(tree / "pyproject.toml", '[tool.docprep]\nprofile = "zj-2021"\nexclude = ["x"]\n')
    with pytest.raises(ConfigError) as raised:
        find_settings([tree])
    assert str(raised.value) == (f"{path}: unknown key 'tool.docprep.exclude' (known: profile, rules, ignore)")


def test_a_named_pyproject_without_the_table_is_an_error(tmp_path):
    path = write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    with pytest.raises(ConfigError, match="no \\[tool.docprep\\] table"):
        read_settings(path)


def test_an_unknown_profile_in_the_file_is_a_profile_error(tree):
    from docprep.errors import ProfileError

    write(tree / "docprep.toml", 'profile = "nowhere"\n')
    with pytest.raises(ProfileError):
        check_settings([tree])


# ---- through the command line ----

def test_the_cli_uses_the_file_and_its_options_override_it(tree, run_cli):
    (tree / "张伟" / "说明.jpg").write_text("申报说明\n" * 100, encoding="utf-8")  # photo.not-jpeg: an error
    write(tree / "docprep.toml", """
        profile = "cpta-exam"   # its photos are smaller than zj-2021's: the good photo fails photo.dimensions
        ignore = ["李娜"]
        [rules]
        "photo.not-jpeg" = "warning"
        "photo.dimensions" = "off"
        """)
    done = run_cli("check", "--format", "json", "--no-cache", tree)
    report = json.loads(done.stdout)
    assert [Path(f["path"]).name for f in report["files"]] == ["照片.jpg", "说明.jpg"] and report["profile"] == "cpta-exam"
    assert rules_of_json(report) == ["photo.not-jpeg"] and done.returncode == 0  # a warning now
    given = run_cli("check", "--format", "json", "--no-cache", "--profile", "zj-2021", tree)
    assert json.loads(given.stdout)["profile"] == "zj-2021" and given.returncode == 0  # the levels still apply
    bare = run_cli("check", "--format", "json", "--no-cache", "--config", write(tree / "empty.toml", ""), tree)
    assert bare.returncode == 1 and len(json.loads(bare.stdout)["files"]) == 6  # with empty.toml: unsupported


def rules_of_json(report: dict) -> list[str]:
    return [f["rule"] for entry in report["files"] for f in entry["findings"]]


@pytest.mark.parametrize("lang, says", [("en", "unknown key 'colour'"), ("zh", "未知的键“colour”")])
def test_the_cli_exits_2_on_an_unknown_key(tree, run_cli, lang, says):
    path = write(tree / "docprep.toml", 'colour = "red"\n')
    done = run_cli("check", "--lang", lang, tree)
    assert done.returncode == 2 and done.stdout == ""
    assert str(path) in done.stderr and says in done.stderr


def test_unchanged_behaviour_without_a_file(tree, run_cli):
    """The passing case: no settings file, nothing ignored, the default profile."""
    done = run_cli("check", "--format", "json", "--no-cache", tree)
    report = json.loads(done.stdout)
    assert report["profile"] == "zj-2021" and len(report["files"]) == 4 and done.returncode == 0
