"""Profiles: the shipped ones load and mean what their notices say; `extends`, [rules] levels, and every way a
profile can be wrong (each a ProfileError naming the file and the key, and exit 2 through the CLI)."""
from __future__ import annotations

import dataclasses
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import encode_jpeg, jpeg_of_size, only, rules_of
from portrait import portrait

from docprep import check_paths
from docprep.cli import cli
from docprep.engine import check_file, check_photo_bytes
from docprep.errors import ProfileError
from docprep.model import Severity
from docprep.profiles.loader import load_profile, shipped_profiles
from docprep.profiles.schema import Setting
from docprep.profiles.texts import with_settings
from docprep.rules import FAMILIES, REGISTRY
from docprep.rules.kinds import MarksNeeded, marks_needed, resolve_kind

SHIPPED = {"base", "zj-2021", "cpta-exam", "health-exam"}
PLATFORMS = SHIPPED - {"base"}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# ---- the shipped profiles ----

def test_the_base_and_three_platform_profiles_are_shipped():
    assert set(shipped_profiles()) == SHIPPED


@pytest.mark.parametrize("name", sorted(PLATFORMS))
def test_platform_profiles_extend_base_and_only_zhejiang_has_its_attachments(name):
    text = Path(shipped_profiles()[name]).read_text(encoding="utf-8")
    assert re.search(r'^extends = "base"', text, re.MULTILINE)
    kinds = load_profile(name).section("pdf").kinds
    assert ("diploma" in kinds.every_page) == (name == "zj-2021")


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_profile_loads_complete(name):
    profile = load_profile(name)
    assert profile.name == name
    assert profile.description.zh and profile.description.en
    photo = profile.section("photo")
    assert photo.extensions == ("jpg", "jpeg")
    assert photo.file_size.min_bytes < photo.file_size.max_bytes


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_profile_fix_presets_satisfy_its_own_check(name):
    """`docprep fix` must aim at sizes that `check` accepts."""
    photo = load_profile(name).section("photo")
    lo, hi = photo.aspect_ratio
    for width, height in photo.fix.sizes:
        assert width >= photo.dimensions.min_width and height >= photo.dimensions.min_height
        assert lo <= width / height <= hi
        exact = photo.dimensions.exact
        assert not exact or (width, height) in exact


def test_a_shipped_profile_loads_by_path_too():
    by_path = load_profile(shipped_profiles()["cpta-exam"])
    assert by_path.settings == load_profile("cpta-exam").settings


# ---- extends ----

def test_extends_overrides_single_values(tmp_path):
    path = write(tmp_path, "mine.toml", 'extends = "zj-2021"\n[photo.dimensions]\nmin_width = 300\n')
    mine, base = load_profile(path), load_profile("zj-2021")
    assert mine.section("photo").dimensions.min_width == 300
    assert mine.section("photo").dimensions.min_height == base.section("photo").dimensions.min_height
    assert mine.section("photo").background == base.section("photo").background
    assert mine.description == base.description  # inherited when not given


def test_extends_a_relative_file(tmp_path):
    write(tmp_path, "base.toml", 'extends = "zj-2021"\n[photo.file_size]\nmax_bytes = 512_000\n')
    child = write(tmp_path, "child.toml", 'extends = "base.toml"\n[photo.dimensions]\nmin_height = 400\n')
    photo = load_profile(child).section("photo")
    assert photo.file_size.max_bytes == 512_000 and photo.dimensions.min_height == 400
    assert photo.file_size.min_bytes == 30_721


def test_profile_without_extends_must_be_complete(tmp_path):
    text = Path(shipped_profiles()["zj-2021"]).read_text(encoding="utf-8")
    path = write(tmp_path, "standalone.toml", text)
    assert load_profile(path).settings == load_profile("zj-2021").settings


# ---- every way a profile can be wrong ----



def base_without(section: str, key: str) -> str:
    """The text of base.toml (the profile that sets every key) with `key` deleted from its [section]."""
    lines, kept, current = Path(shipped_profiles()["base"]).read_text(encoding="utf-8").splitlines(), [], ""
    for line in lines:
        if line.startswith("["):
            current = line.split("]")[0].strip("[ ")
        if not (current == section and line.split("=")[0].strip() == key):
            kept.append(line)
    assert len(kept) == len(lines) - 1, f"[{section}] {key} not found once"
    return "\n".join(kept) + "\n"


BAD_PROFILES = [
    pytest.param({"bad.toml": 'extends = "zj-2021"\n[photo]\nmax_megapixels = 64\n'}, "photo.max_megapixels",
                 id="unknown-key"),
    pytest.param({"bad.toml": 'extends = "zj-2021"\ncolour = "white"\n'}, "colour", id="unknown-top-level-key"),
    pytest.param({"bad.toml": 'extends = "zj-2021"\n[photo.dimensions]\nmin_width = "215"\n'},
                 "photo.dimensions.min_width", id="wrong-type"),
    pytest.param({"bad.toml": 'extends = "zj-2021"\n[photo]\naspect_ratio = [0.8, 0.65]\n'}, "photo.aspect_ratio",
                 id="range-reversed"),
    pytest.param({"bad.toml": 'extends = "zj-2021"\n[photo.exposure]\nface_brightness = [70, 300]\n'},
                 "photo.exposure.face_brightness", id="out-of-range"),
    pytest.param({"bad.toml": 'extends = "zj-2021"\n[photo.file_size]\nkilo = 999\n'}, "photo.file_size.kilo",
                 id="below-minimum"),
    pytest.param({"bad.toml": 'extends = "zj-2021"\n[rules]\n"photo.nope" = "off"\n'}, "rules.photo.nope",
                 id="unknown-rule-id"),
    pytest.param({"bad.toml": 'extends = "zj-2021"\n[rules]\n"photo.face" = "fatal"\n'}, "rules.photo.face",
                 id="bad-severity"),
    pytest.param({"bad.toml": base_without("photo.sharpness", "min_score")}, "photo.sharpness.min_score", id="missing-required-key"),
    pytest.param({"bad.toml": 'extends = "other.toml"\n', "other.toml": 'extends = "bad.toml"\n'}, "extends",
                 id="extends-loop"),
    pytest.param({"bad.toml": 'extends = "missing.toml"\n'}, "extends", id="extends-missing-file"),
    pytest.param({"bad.toml": "extends = 3\n"}, "extends", id="extends-not-a-string"),
    pytest.param({"bad.toml": 'extends = "zj-2021"\n[photo.dimensions\nmin_width = 1\n'}, "line 2",
                 id="invalid-toml"),
    pytest.param({"bad.toml": b"extends = '\xd5\xd5\xc6\xac'\n"}, "bad.toml", id="not-utf8"),
]


def make_files(folder: Path, files: dict) -> Path:
    for name, content in files.items():
        path = folder / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return folder / "bad.toml"


@pytest.mark.parametrize("files, key", BAD_PROFILES)
def test_bad_profile_names_the_file_and_the_key(files, key, tmp_path):
    path = make_files(tmp_path, files)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert "bad.toml" in message
    assert key in message


def test_missing_profile_file(tmp_path):
    with pytest.raises(ProfileError, match="nope.toml"):
        load_profile(tmp_path / "nope.toml")


def test_unknown_profile_name_lists_the_shipped_ones():
    with pytest.raises(ProfileError) as caught:
        load_profile("zhejiang")
    assert all(name in str(caught.value) for name in SHIPPED)


@pytest.mark.parametrize("files, key", BAD_PROFILES)
def test_bad_profile_exits_2_through_the_cli(files, key, tmp_path, good_photo, run_cli):
    path = make_files(tmp_path, files)
    result = run_cli("check", "--profile", path, good_photo)
    assert result.returncode == 2
    assert "bad.toml" in result.stderr and key in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_profile_exits_2_through_the_cli(tmp_path, good_photo, run_cli):
    result = run_cli("check", "--profile", tmp_path / "nope.toml", good_photo)
    assert result.returncode == 2 and "nope.toml" in result.stderr


# ---- [rules]: levels ----

@pytest.fixture(scope="module")
def blue_jpeg() -> bytes:
    return encode_jpeg(portrait(background=(70, 110, 200)), 92)


def test_rule_level_off_removes_its_findings(tmp_path, blue_jpeg):
    path = write(tmp_path, "lenient.toml", 'extends = "zj-2021"\n[rules]\n"photo.background" = "off"\n')
    assert rules_of(check_photo_bytes("blue.jpg", blue_jpeg, load_profile("zj-2021"))) == ["photo.background"]
    assert check_photo_bytes("blue.jpg", blue_jpeg, load_profile(path)) == []


def test_rule_level_warning_changes_the_severity(tmp_path, blue_jpeg):
    path = write(tmp_path, "lenient.toml", 'extends = "zj-2021"\n[rules]\n"photo.background" = "warning"\n')
    found = only(check_photo_bytes("blue.jpg", blue_jpeg, load_profile(path)), "photo.background")
    assert found.severity is Severity.WARNING


def test_rule_level_warning_makes_the_exit_code_0(tmp_path, blue_jpeg, run_cli):
    path = write(tmp_path, "lenient.toml", 'extends = "zj-2021"\n[rules]\n"photo.background" = "warning"\n')
    photo = tmp_path / "blue.jpg"
    photo.write_bytes(blue_jpeg)
    assert run_cli("check", photo).returncode == 1
    result = run_cli("check", "--profile", path, photo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "photo.background" in result.stdout


def test_rule_level_error_can_raise_a_warning_rule(tmp_path, profile):
    path = write(tmp_path, "strict.toml", 'extends = "zj-2021"\n[rules]\n"file.unsupported" = "error"\n')
    doc = tmp_path / "a.docx"
    doc.write_bytes(b"PK\x03\x04" + bytes(100))
    assert check_file(doc, profile).findings[0].severity is Severity.WARNING
    assert check_file(doc, load_profile(path)).findings[0].severity is Severity.ERROR


def test_rule_levels_are_inherited_through_extends(tmp_path, blue_jpeg):
    write(tmp_path, "base.toml", 'extends = "zj-2021"\n[rules]\n"photo.background" = "off"\n')
    child = write(tmp_path, "child.toml", 'extends = "base.toml"\n[rules]\n"photo.face" = "warning"\n')
    assert check_photo_bytes("blue.jpg", blue_jpeg, load_profile(child)) == []


# ---- cpta-exam: exactly 295×413, 10K-100K ----

@pytest.mark.parametrize("size, passes", [
    ((295, 413), True),
    ((296, 413), False),
    ((295, 412), False),
    ((413, 579), False),  # fine for zj-2021, not for the exam
])
def test_cpta_exam_requires_exactly_295x413(size, passes, cpta_profile):
    findings = check_photo_bytes("photo.jpg", jpeg_of_size(portrait(*size), 40_000), cpta_profile)
    if passes:
        assert findings == []
    else:
        found = only(findings, "photo.dimensions")
        assert found.measured == list(size) and found.expected == [[295, 413]]


@pytest.mark.parametrize("size, passes", [
    (10_239, False), (10_240, True), (102_400, True), (102_401, False),
])
def test_cpta_exam_byte_window(size, passes, cpta_profile):
    findings = check_photo_bytes("photo.jpg", jpeg_of_size(portrait(295, 413), size), cpta_profile)
    if passes:
        assert "photo.file-size" not in rules_of(findings)
    else:
        assert only(findings, "photo.file-size").expected == [10_240, 102_400]


# ---- health-exam: at least 420×600 and 51,200 bytes ----

@pytest.mark.parametrize("size, passes", [
    ((420, 600), True),
    ((419, 600), False),
    ((420, 599), False),
    ((413, 579), False),  # fine for zj-2021, too small here
])
def test_health_exam_minimum_pixels(size, passes, health_profile):
    findings = check_photo_bytes("photo.jpg", jpeg_of_size(portrait(*size), 60_000), health_profile)
    if passes:
        assert "photo.dimensions" not in rules_of(findings)
    else:
        assert only(findings, "photo.dimensions").expected == [420, 600]


@pytest.mark.parametrize("size, passes", [(51_199, False), (51_200, True)])
def test_health_exam_minimum_bytes(size, passes, health_profile):
    findings = check_photo_bytes("photo.jpg", jpeg_of_size(portrait(420, 600), size), health_profile)
    if passes:
        assert "photo.file-size" not in rules_of(findings)
    else:
        assert only(findings, "photo.file-size").measured == size


# ---- typed, frozen settings ----

def _leaves(section, schema: dict, where: str):
    """(dotted key, value, Setting) of every setting in a section, sub-tables included."""
    for key, spec in schema.items():
        value = getattr(section, key)
        if isinstance(spec, dict):
            yield from _leaves(value, spec, f"{where}.{key}")
        else:
            yield f"{where}.{key}", value, spec


def _typed_as_declared(value, spec: Setting) -> bool:
    if spec.kind in ("str-list", "size-list", "range"):
        inner = {"str-list": str, "size-list": tuple, "range": (int, float)}[spec.kind]
        return isinstance(value, tuple) and all(isinstance(v, inner) for v in value)
    return type(value) is {"int": int, "float": float, "bool": bool, "str": str}[spec.kind]


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_every_setting_has_the_type_its_family_declares(name):
    profile = load_profile(name)
    for family in FAMILIES:
        section = profile.section(family.name)
        assert dataclasses.is_dataclass(section) and type(section).__name__ == family.name.capitalize() + "Settings"
        for key, value, spec in _leaves(section, family.settings, family.name):
            assert _typed_as_declared(value, spec), (key, value)


def test_sections_are_frozen_and_built_once(profile):
    photo = profile.section("photo")
    assert photo is profile.section("photo")
    with pytest.raises(dataclasses.FrozenInstanceError):
        photo.face.max_roll_degrees = 45.0
    assert photo.face.height_ratio == (0.20, 0.55) and photo.fix.sizes == ((413, 579), (295, 413))
    assert profile.section("pdf").kinds.once[0] == "thesis"
    # a dataclass in every way a section is used (profiles.sections._Section): equal and hashed by value, replaced,
    # turned into a dict, shown with its fields
    again = load_profile("zj-2021").section("photo")
    assert again is not photo and again == photo and hash(again) == hash(photo)
    tilted = dataclasses.replace(photo.face, max_roll_degrees=45.0)
    assert tilted != photo.face and tilted.max_roll_degrees == 45.0 and tilted.height_ratio == photo.face.height_ratio
    assert dataclasses.asdict(photo)["face"]["max_roll_degrees"] == photo.face.max_roll_degrees
    assert repr(photo.sharpness) == f"PhotoSharpnessSettings(min_score={photo.sharpness.min_score!r})"
    with pytest.raises(TypeError):
        type(photo.sharpness)()  # every field is required


def test_an_optional_key_left_out_reads_as_its_empty_value(tmp_path):
    base = load_profile("base")
    assert base.section("photo").file_size.notice == "" and base.section("photo").dimensions.exact == ()
    assert base.section("pdf").max_bytes == 0 and base.section("pdf").max_pages == 0
    no_labels = load_profile(write(tmp_path, "no-labels.toml", base_without("pdf.kinds", "labels")))
    assert no_labels.section("pdf").kinds.labels == ()


def test_a_float_setting_written_as_an_integer_is_a_float(tmp_path):
    profile = load_profile(write(tmp_path, "p.toml", 'extends = "zj-2021"\n[pdf.skew]\nmax_degrees = 3\n'))
    assert type(profile.section("pdf").skew.max_degrees) is float


def test_the_background_sampling_is_the_profiles(tmp_path, blue_jpeg):
    """[photo.background] min_pixels decides whether there is enough background to judge."""
    path = write(tmp_path, "p.toml", 'extends = "zj-2021"\n[photo.background]\nmin_pixels = 100_000_000\n')
    assert "photo.background" not in rules_of(check_photo_bytes("blue.jpg", blue_jpeg, load_profile(path)))


def test_a_profile_from_a_file_checks_the_same_in_worker_processes(tmp_path, good_jpeg):
    """Profiles cross process boundaries to `-j` workers (spawned): the sections pickle by their class names."""
    path = write(tmp_path, "wide.toml", 'extends = "zj-2021"\n[photo.dimensions]\nmin_width = 500\n')
    profile = load_profile(path)
    assert pickle.loads(pickle.dumps(profile)) == profile
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in ("a.jpg", "b.jpg"):
        (folder / name).write_bytes(good_jpeg)
    serial, parallel = check_paths(folder, profile), check_paths(folder, profile, jobs=2)
    assert [rules_of(f.findings) for f in parallel.files] == [rules_of(f.findings) for f in serial.files]
    assert [rules_of(f.findings) for f in parallel.files] == [["photo.dimensions"]] * 2


# ---- the digest: what decides a verdict ----

def test_the_digest_is_equal_however_the_profile_is_spelled(tmp_path):
    zhejiang = load_profile("zj-2021")
    spelled = write(tmp_path, "same.toml", 'extends = "zj-2021"\n'
                                           '[rules]\n"photo.face" = "error"\n'  # the level it has anyway
                                           '[photo]\nextensions = [".JPG", "jpeg"]\n'  # normalised to jpg
                                           '[photo.dimensions]\nmin_height = 300\nmin_width = 215\n'
                                           '[pdf.skew]\nmax_degrees = 3\n')  # 3.0
    copied = write(tmp_path, "copy.toml", Path(shipped_profiles()["zj-2021"]).read_text(encoding="utf-8"))
    assert len(zhejiang.digest) == 64
    assert load_profile(spelled).digest == zhejiang.digest
    assert load_profile(copied).digest == zhejiang.digest
    assert load_profile(shipped_profiles()["zj-2021"]).digest == zhejiang.digest


@pytest.mark.parametrize("text", [
    '[photo.dimensions]\nmin_width = 216\n',
    '[photo.face]\nheight_ratio = [0.2, 0.56]\n',
    '[pdf.marks]\nphrases = ["与原件核对无误", "核对无误"]\n',  # order: the first three are quoted in messages
    '[pdf.kinds]\nlabels = ["copy=复印件"]\n',
    '[pdf.color]\nseal_required = false\n',
    '[rules]\n"pdf.cut-off" = "error"\n',
])
def test_any_value_changed_changes_the_digest(tmp_path, text):
    assert load_profile(write(tmp_path, "p.toml", 'extends = "zj-2021"\n' + text)).digest != \
        load_profile("zj-2021").digest


def _changed(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    return value + (value[-1],) if value else ("x",)


def _replaced(section, dotted: str, value):
    key, _, rest = dotted.partition(".")
    return dataclasses.replace(section, **{key: _replaced(getattr(section, key), rest, value) if rest else value})


def test_every_setting_counts_in_the_digest(profile):
    for family in FAMILIES:
        for key, value, _ in _leaves(profile.section(family.name), family.settings, family.name):
            sections = dict(profile.settings)
            sections[family.name] = _replaced(sections[family.name], key.partition(".")[2], _changed(value))
            assert dataclasses.replace(profile, settings=sections).digest != profile.digest, key


def test_the_digest_does_not_depend_on_the_process(profile):
    code = "from docprep.profiles import load_profile; print(load_profile('zj-2021').digest)"
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        assert done.stdout.strip() == profile.digest


# ---- rule texts quote the profile's limits ----

@pytest.mark.parametrize("name", sorted(SHIPPED))
@pytest.mark.parametrize("rule_id", sorted(REGISTRY))
def test_every_rule_text_renders_for_every_shipped_profile(rule_id, name):
    rule, profile = REGISTRY[rule_id], load_profile(name)
    for text in (rule.title, rule.explain, rule.fix):
        shown = with_settings(text, profile, rule.family)
        for lang in ("zh", "en"):
            assert shown(lang) and "{" not in shown(lang) and "}" not in shown(lang)


def explained(rule_id: str, *args: str) -> str:
    return CliRunner().invoke(cli, ["rules", rule_id, *args], catch_exceptions=False).output


def test_rules_explains_the_aspect_ratio_window_of_the_profile_given(tmp_path):
    assert "(zj-2021: 0.65-0.8, both ends allowed)" in explained("photo.aspect-ratio", "--lang", "en")
    assert "(health-exam: 0.65-0.8, both ends allowed)" in explained(
        "photo.aspect-ratio", "--profile", "health-exam", "--lang", "en")
    path = write(tmp_path, "narrow.toml", 'extends = "health-exam"\n[photo]\naspect_ratio = [0.70, 0.75]\n')
    assert "（narrow：0.7～0.75，两端可取）" in explained("photo.aspect-ratio", "--profile", str(path), "--lang", "zh")


def test_rules_quote_no_zhejiang_number_for_another_profile(tmp_path):
    shown = explained("photo.file-size", "--profile", "cpta-exam", "--lang", "en")
    assert "(cpta-exam: 10,240 to 102,400 bytes" in shown and "30" not in shown and "Zhejiang" not in shown
    path = write(tmp_path, "fine.toml", 'extends = "zj-2021"\n[pdf.resolution]\nerror_below_dpi = 240.0\n'
                                        'warn_below_dpi = 300.0\n[pdf.skew]\nmax_degrees = 1.5\n')
    shown = explained("pdf.low-resolution", "--profile", str(path), "--lang", "en")
    assert "Under 240 dpi" in shown and "under 300 dpi" in shown and "150" not in shown
    assert "(fine: 1.5°)" in explained("pdf.skew", "--profile", str(path), "--lang", "en")


def test_a_bad_profile_for_rules_exits_2(tmp_path, run_cli):
    result = run_cli("rules", "photo.face", "--profile", tmp_path / "nope.toml")
    assert result.returncode == 2 and "nope.toml" in result.stderr


# ---- attachment kinds: how marks are needed ----

def test_the_marks_a_kind_needs_are_an_enum_that_reads_as_its_string(profile):
    kinds = profile.section("pdf").kinds
    thesis = resolve_kind("论文.pdf", None, kinds)
    assert thesis.marks is MarksNeeded.ONCE and thesis.marks == "once" and f"{thesis.marks}" == "once"
    assert resolve_kind("x.pdf", "original", kinds).marks is MarksNeeded.NONE
    assert marks_needed("no-such-kind", kinds) is MarksNeeded.EVERY_PAGE
