"""Profiles: the shipped ones load and mean what their notices say; `extends`, [rules] levels, and every way a
profile can be wrong (each a ProfileError naming the file and the key, and exit 2 through the CLI)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import encode_jpeg, jpeg_of_size, only, rules_of
from portrait import portrait

from docprep.engine import check_file, check_photo_bytes
from docprep.errors import ProfileError
from docprep.model import Severity
from docprep.profiles.loader import load_profile, shipped_profiles

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
    assert photo.extensions == ["jpg", "jpeg"]
    assert photo.file_size.min_bytes < photo.file_size.max_bytes


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_profile_fix_presets_satisfy_its_own_check(name):
    """`docprep fix` must aim at sizes that `check` accepts."""
    photo = load_profile(name).section("photo")
    lo, hi = photo.aspect_ratio
    for width, height in photo.fix.sizes:
        assert width >= photo.dimensions.min_width and height >= photo.dimensions.min_height
        assert lo <= width / height <= hi
        exact = getattr(photo.dimensions, "exact", [])
        assert not exact or [width, height] in exact


def test_a_shipped_profile_loads_by_path_too():
    by_path = load_profile(shipped_profiles()["cpta-exam"])
    assert by_path.settings == load_profile("cpta-exam").settings


# ---- extends ----

def test_extends_overrides_single_values(tmp_path):
    path = write(tmp_path, "mine.toml", 'extends = "zj-2021"\n[photo.dimensions]\nmin_width = 300\n')
    mine, base = load_profile(path), load_profile("zj-2021")
    assert mine.section("photo").dimensions.min_width == 300
    assert mine.section("photo").dimensions.min_height == base.section("photo").dimensions.min_height
    assert mine.settings["photo"]["background"] == base.settings["photo"]["background"]
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
