"""`docprep bundle`: one application folder -> the package to upload (docprep/bundle/): the photo, one PDF per
attachment kind in the notice's order (pages by year, then by name), manifest.json and report.html; a zip that is
byte for byte the same for the same inputs, or a folder; refused (nothing written, exit 1) with errors unless
--allow-errors, refused with links whatever the options; inputs never modified.

The applications are built from the samples: good-copy.pdf (seal, 核对无误, date on each of its 2 pages) saved
again with a tag on each page, so that each file has content of its own and its pages can be followed into the
merged PDF."""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pikepdf
import pytest

from docprep.bundle import output_target, prepare_bundle
from docprep.bundle.archive import UTF8_NAMES, folder_is_package, zip_bytes
from docprep.bundle.layout import Member, kind_order, plan_layout, safe_name
from docprep.bundle.outputs import merge_pdfs
from docprep.engine.checkfile import check_photo_bytes
from docprep.errors import OutputError, ProfileError, UsageError
from docprep.model import FileType, Severity
from docprep.profiles import load_profile
from docprep.rules.kinds import known_kinds

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
GOOD_PHOTO = SAMPLES / "photos" / "good-413x579.jpg"
FIXABLE_PHOTO = SAMPLES / "photos" / "id-card-358x441.jpg"  # 358×441: ratio 0.812 > 0.80, cropped by fix
TOML = 'name = "张伟"\nyear = 2021\nlevel = "中级"\n'
# Continuing-education proofs whose name order is not their year order, and two for 2019: by year, then by name.
PROOFS = {"z-继续教育2017.pdf": "2017", "a-继续教育2018.pdf": "2018", "继续教育2019.pdf": "2019",
          "继续教育2019-补充.pdf": "2019b", "继续教育2020.pdf": "2020"}
PAGE_ORDER = ["2017", "2017", "2018", "2018", "2019b", "2019b", "2019", "2019", "2020", "2020"]
ENTRIES = ["00-证件照.jpg", "01-继续教育证明.pdf", "02-聘书.pdf", "manifest.json", "report.html"]
TAG = pikepdf.Name("/DocprepTestTag")


def tagged_copy(tag: str) -> bytes:
    """good-copy.pdf with `tag` on each page (its own content, traceable pages)."""
    with pikepdf.open(SAMPLES / "attachments" / "good-copy.pdf") as pdf:
        for page in pdf.pages:
            page.obj[TAG] = pikepdf.String(tag)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def tags(data: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [str(page.obj.get(TAG, "")) for page in pdf.pages]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    """One result cache for the module's runs, in process and on the command line: each file is checked once."""
    folder = tmp_path_factory.mktemp("bundle-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DOCPREP_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(scope="module")
def base_app(tmp_path_factory, cache_dir) -> Path:
    """A complete 中级 applicant under zj-2021 (no unit type: no post form needed): the photo, five proofs
    covering 2017-2020, and the appointment letter in a subfolder."""
    folder = tmp_path_factory.mktemp("apps") / "张伟"
    (folder / "聘任").mkdir(parents=True)
    (folder / "application.toml").write_text(TOML, encoding="utf-8")
    shutil.copyfile(GOOD_PHOTO, folder / "照片.jpg")
    for name, tag in PROOFS.items():
        (folder / name).write_bytes(tagged_copy(tag))
    (folder / "聘任" / "聘书.pdf").write_bytes(tagged_copy("appointment"))
    return folder


@pytest.fixture
def app(base_app, tmp_path) -> Path:
    """A copy of the complete applicant of one's own (same names and content: the cache answers)."""
    return Path(shutil.copytree(base_app, tmp_path / "申报" / "张伟"))


@pytest.fixture(scope="module")
def profile():
    return load_profile("zj-2021")


def bundle(folder, output, profile, **options):
    return prepare_bundle(folder, output, profile).run(jobs=1, cache=True, **options)


def entries(zip_path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(zip_path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def fingerprint(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file below `folder`: its content's hash and modification time."""
    return {path.relative_to(folder).as_posix(): (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
            for path in sorted(folder.rglob("*")) if path.is_file()}


# --- the package ----------------------------------------------------------------------------------------------

def test_zip_is_byte_identical_for_identical_inputs(app, tmp_path, profile):
    first = bundle(app, tmp_path / "a.zip", profile)
    second = bundle(app, tmp_path / "elsewhere" / "b.zip", profile)
    assert first.written and second.written and first.errors == 0
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "elsewhere" / "b.zip").read_bytes()


def test_entries_sorted_with_utf8_flag_fixed_time_and_attributes(app, tmp_path, profile):
    bundle(app, tmp_path / "out.zip", profile)
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        infos = archive.infolist()
        assert archive.testzip() is None
    assert [i.filename for i in infos] == ENTRIES
    for info in infos:  # the flag on ASCII names too (manifest.json), where Python's zipfile sets none
        assert info.flag_bits & UTF8_NAMES, info.filename
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert (info.create_system, info.external_attr >> 16, info.compress_type) == (3, 0o100644, zipfile.ZIP_DEFLATED)
        assert not info.extra and not info.comment


def test_passing_photo_goes_in_as_it_is(app, tmp_path, profile):
    bundle(app, tmp_path / "out.zip", profile)
    assert entries(tmp_path / "out.zip")["00-证件照.jpg"] == GOOD_PHOTO.read_bytes()


def test_merged_pages_by_year_then_by_name(app, tmp_path, profile):
    result = bundle(app, tmp_path / "out.zip", profile)
    files = entries(tmp_path / "out.zip")
    assert tags(files["01-继续教育证明.pdf"]) == PAGE_ORDER
    assert tags(files["02-聘书.pdf"]) == ["appointment"] * 2
    # one source: the file that was checked, byte for byte
    assert files["02-聘书.pdf"] == (app / "聘任" / "聘书.pdf").read_bytes()
    assert [m.pages for m in result.made] == [None, 10, 2]


def test_merged_pdf_is_deterministic():
    parts = [pikepdf.open(io.BytesIO(tagged_copy(tag))) for tag in ("x", "y")]
    try:
        once, twice = merge_pdfs(parts), merge_pdfs(parts)
    finally:
        for part in parts:
            part.close()
    assert once == twice and tags(once) == ["x", "x", "y", "y"]
    assert b"/CreationDate" not in once and b"/ModDate" not in once


def test_manifest(app, tmp_path, profile):
    bundle(app, tmp_path / "out.zip", profile)
    files = entries(tmp_path / "out.zip")
    text = files["manifest.json"].decode("utf-8")
    manifest = json.loads(text)
    assert text == json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"  # keys sorted
    assert (manifest["schema"], manifest["profile"], manifest["status"]) == ("docprep.bundle/1", "zj-2021", "ok")
    from docprep import __version__
    assert manifest["docprep"] == __version__
    assert manifest["applicant"] == {"name": "张伟", "level": "中级", "year": 2021}
    assert manifest["extras"] == ["report.html"] and manifest["left_out"] == []
    outputs = {o["name"]: o for o in manifest["outputs"]}
    assert list(outputs) == ENTRIES[:3]
    for name, output in outputs.items():
        assert output["sha256"] == hashlib.sha256(files[name]).hexdigest()
        assert output["bytes"] == len(files[name])
    proofs = outputs["01-继续教育证明.pdf"]
    assert proofs["sources"] == ["z-继续教育2017.pdf", "a-继续教育2018.pdf", "继续教育2019-补充.pdf", "继续教育2019.pdf",
                                 "继续教育2020.pdf"]
    assert (proofs["pages"], proofs["years"], proofs["kind"]) == (10, [2017, 2018, 2019, 2020], "continuing-education")
    assert outputs["02-聘书.pdf"]["sources"] == ["聘任/聘书.pdf"]  # relative, "/"-separated
    assert (outputs["00-证件照.jpg"]["pages"], outputs["00-证件照.jpg"]["fixed"]) == (None, False)


def test_report_html_is_the_check_for_people(app, tmp_path, profile):
    bundle(app, tmp_path / "out.zip", profile)
    page = entries(tmp_path / "out.zip")["report.html"].decode("utf-8")
    assert page.lstrip().lower().startswith("<!doctype html") and "张伟" in page


def test_inputs_are_never_modified(app, tmp_path, profile):
    before = fingerprint(app)
    assert bundle(app, tmp_path / "out.zip", profile, fix_photo=True).written
    assert bundle(app, f"{tmp_path / 'out'}/", profile).written
    assert fingerprint(app) == before


def test_unrecognized_file_is_left_out_and_listed(app, tmp_path, profile):
    (app / "其他.txt").write_text("备忘", encoding="utf-8")
    result = bundle(app, tmp_path / "out.zip", profile)
    assert result.written  # an unrecognised file is a warning
    assert [(left.relative, left.reason) for left in result.left_out] == [("其他.txt", "unrecognized")]
    manifest = json.loads(entries(tmp_path / "out.zip")["manifest.json"])
    assert manifest["left_out"] == [{"path": "其他.txt", "reason": "unrecognized"}]


# --- folders ----------------------------------------------------------------------------------------------------

def test_folder_output_holds_the_zips_files(app, tmp_path, profile):
    bundle(app, tmp_path / "out.zip", profile)
    assert bundle(app, str(tmp_path / "上传" / "张伟") + os.sep, profile).written
    folder = tmp_path / "上传" / "张伟"
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == entries(tmp_path / "out.zip")
    assert sorted(p.name for p in folder.parent.iterdir()) == ["张伟"]  # no temporary folder left beside it


def test_folder_output_replaces_an_earlier_package_only(app, tmp_path, profile):
    out = tmp_path / "package"
    assert bundle(app, f"{out}/", profile).written
    assert bundle(app, out, profile).written  # an existing folder: replaced, being an earlier package
    assert folder_is_package(out, "manifest.json", "docprep.bundle/1")
    (out / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(UsageError) as refused:
        prepare_bundle(app, out, profile)
    assert refused.value.key == "bundle_folder_in_use" and (out / "mine.txt").read_text(encoding="utf-8") == "keep me"


def test_output_kinds():
    assert output_target("x.zip") == (Path("x.zip"), False) and output_target("X.ZIP")[1] is False
    assert output_target("上传/张伟/") == (Path("上传/张伟"), True)
    with pytest.raises(UsageError) as refused:
        output_target("x.tar")
    assert refused.value.key == "bundle_output_kind"


def test_output_inside_the_application_is_refused(app, profile):
    for output in (app / "上传.zip", f"{app / '上传'}/"):
        with pytest.raises(UsageError) as refused:
            prepare_bundle(app, output, profile)
        assert refused.value.key == "bundle_output_inside"


def test_unwritable_output_is_refused_before_any_work(app, tmp_path, profile):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError):
        prepare_bundle(app, tmp_path / "file" / "out.zip", profile)


def test_a_file_is_no_application(app, profile, tmp_path):
    with pytest.raises(UsageError) as refused:
        prepare_bundle(app / "照片.jpg", tmp_path / "out.zip", profile)
    assert refused.value.key == "bundle_not_a_folder"


def zipped(folder: Path, archive: Path) -> Path:
    """`folder` as Windows' "send to compressed folder" makes it: every entry under the folder's own name."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                out.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return archive


def test_a_zipped_application_is_packed_as_its_folder_is(app, tmp_path, profile):
    """The zip of an applicant's folder, read in place: the same photo and PDFs (pages in the same order) as the
    folder's package, the zip unchanged; with --fix-photo, its failing photo fixed from the zip's member."""
    shutil.copyfile(FIXABLE_PHOTO, app / "照片.jpg")
    from_folder = bundle(app, tmp_path / "folder.zip", profile, fix_photo=True)
    archive = zipped(app, tmp_path / "张伟.zip")
    before = archive.read_bytes()
    from_zip = bundle(archive, tmp_path / "from-zip.zip", profile, fix_photo=True)
    assert from_folder.written and from_zip.written, [f.message.en for _, f in from_zip.problems]
    packed, expected = entries(tmp_path / "from-zip.zip"), entries(tmp_path / "folder.zip")
    assert sorted(packed) == sorted(expected) == ENTRIES
    assert all(packed[name] == expected[name] for name in ENTRIES[:3])  # the fixed photo and both PDFs
    assert tags(packed["01-继续教育证明.pdf"]) == PAGE_ORDER
    manifest = json.loads(packed["manifest.json"])
    assert manifest["outputs"][0]["fixed"] is True and manifest["outputs"][2]["sources"] == ["聘任/聘书.pdf"]
    assert archive.read_bytes() == before
    with pytest.raises(UsageError) as refused:
        prepare_bundle(archive, archive, profile)  # the package would overwrite the application
    assert refused.value.key == "would_overwrite"


# --- refusals ---------------------------------------------------------------------------------------------------

def _symlink(target: Path, link: Path) -> None:
    try:
        os.symlink(target, link)
    except (OSError, NotImplementedError) as exc:  # Windows without the privilege to make links
        pytest.skip(f"cannot make a symbolic link here: {exc}")


def test_link_pointing_outside_is_refused(app, tmp_path, profile, run_cli, cache_dir):
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(tagged_copy("secret"))
    _symlink(secret, app / "继续教育2016.pdf")
    before = fingerprint(app)
    result = bundle(app, tmp_path / "out.zip", profile, allow_errors=True)  # links are refused whatever is allowed
    assert not result.written and [r.reason for r in result.refusals] == ["link"] and result.report is None
    done = run_cli("bundle", app, "-o", tmp_path / "out.zip", "--allow-errors", env={"DOCPREP_CACHE_DIR": str(cache_dir)})
    assert done.returncode == 1, done.stderr
    assert "继续教育2016.pdf" in done.stdout and "secret.pdf" in done.stdout
    assert not (tmp_path / "out.zip").exists() and fingerprint(app) == before


def test_refusal_with_errors_writes_nothing_and_exits_1(app, tmp_path, run_cli, cache_dir):
    (app / "继续教育2020.pdf").unlink()
    before = fingerprint(app)
    env = {"DOCPREP_CACHE_DIR": str(cache_dir)}
    for output in (tmp_path / "out.zip", f"{tmp_path / 'folder'}/"):
        done = run_cli("bundle", app, "-o", output, "--profile", "zj-2021", env=env)
        assert done.returncode == 1, done.stderr
        assert "app.missing-attachment" in done.stdout and "2020" in done.stdout  # the reasons
        assert "--allow-errors" in done.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["申报"]  # nothing written, no temporary left
    assert fingerprint(app) == before


def test_empty_folder_is_refused_even_where_nothing_is_required(tmp_path):
    (tmp_path / "王芳").mkdir()
    result = prepare_bundle(tmp_path / "王芳", tmp_path / "out.zip", load_profile("base")).run()
    assert not result.written and result.errors == 1 and not (tmp_path / "out.zip").exists()
    assert [f.rule for f in result.report.files[0].findings] == ["file.empty-folder"]


def test_allow_errors_writes(app, tmp_path, run_cli, cache_dir):
    (app / "继续教育2020.pdf").unlink()
    done = run_cli("bundle", app, "-o", tmp_path / "out.zip", "--allow-errors", "--lang", "en",
                   env={"DOCPREP_CACHE_DIR": str(cache_dir)})
    assert done.returncode == 0, done.stderr
    assert "app.missing-attachment" in done.stdout and "--allow-errors" in done.stdout
    manifest = json.loads(entries(tmp_path / "out.zip")["manifest.json"])
    assert manifest["status"] == "error"
    assert tags(entries(tmp_path / "out.zip")["01-继续教育证明.pdf"]) == PAGE_ORDER[:-2]


def test_fix_photo_fixes_a_failing_fixable_photo(app, tmp_path, profile):
    shutil.copyfile(FIXABLE_PHOTO, app / "照片.jpg")
    refused = bundle(app, tmp_path / "refused.zip", profile)
    assert not refused.written and refused.errors == 1 and not (tmp_path / "refused.zip").exists()
    assert "photo.aspect-ratio" in {f.rule for r in refused.report.files for f in r.findings}
    first = bundle(app, tmp_path / "a.zip", profile, fix_photo=True)
    second = bundle(app, tmp_path / "b.zip", profile, fix_photo=True)
    assert first.written and second.written and first.errors == 0 and first.status.value in ("ok", "warning")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()  # the fixed photo too
    photo = entries(tmp_path / "a.zip")["00-证件照.jpg"]
    assert photo != FIXABLE_PHOTO.read_bytes()
    assert not [f for f in check_photo_bytes("证件照.jpg", photo, load_profile("zj-2021")) if f.severity is Severity.ERROR]
    manifest = json.loads(entries(tmp_path / "a.zip")["manifest.json"])
    assert manifest["outputs"][0]["fixed"] is True and manifest["outputs"][0]["sources"] == ["照片.jpg"]


def test_json_result(app, tmp_path, run_cli, cache_dir):
    done = run_cli("bundle", app, "-o", tmp_path / "out.zip", "--format", "json", "-q",
                   env={"DOCPREP_CACHE_DIR": str(cache_dir)})
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["schema"] == "docprep.bundle-result/1" and result["written"] is True
    assert [o["name"] for o in result["manifest"]["outputs"]] == ENTRIES[:3]
    assert result["report"]["schema"] == "docprep.report/1"


# --- the pure parts ---------------------------------------------------------------------------------------------

def member(relative, kind, file_type=FileType.PDF, years=(), sha=None, **more):
    return Member(relative, Path(relative), file_type, kind, years, sha or relative, shown=relative, **more)


def test_layout_orders_names_and_leaves_out(profile):
    members = [member("照片.jpg", "photo", FileType.PHOTO), member("证件照2.jpg", "photo", FileType.PHOTO),
               member("聘书.pdf", "appointment"), member("b2019.pdf", "continuing-education", years=(2019,)),
               member("无年份.pdf", "continuing-education"), member("a2020.pdf", "continuing-education", years=(2020,)),
               member("c2019.pdf", "continuing-education", years=(2019,), sha="b2019.pdf"),
               member("毕业证.jpg", "diploma", FileType.OTHER, document_image=True), member("x.pdf", None),
               member("岗位信息表.docx", "post-form", FileType.OTHER), member("照片.pdf", "photo"),
               Member("张伟.zip/聘书.pdf", None, FileType.PDF, "appointment", (), "z", shown="张伟.zip/聘书.pdf")]
    layout = plan_layout(members, profile.section("pdf").kinds, profile.section("app").bundle)
    assert layout.photo.relative == "照片.jpg" and layout.photo_name == "00-证件照"
    assert [(d.name, [s.relative for s in d.sources]) for d in layout.documents] == [
        ("01-继续教育证明.pdf", ["b2019.pdf", "a2020.pdf", "无年份.pdf"]), ("02-聘书.pdf", ["聘书.pdf"])]
    assert sorted((left.relative, left.reason) for left in layout.left_out) == sorted([
        ("张伟.zip/聘书.pdf", "in-archive"), ("x.pdf", "unrecognized"), ("照片.pdf", "not-photo"),
        ("证件照2.jpg", "second-photo"), ("c2019.pdf", "same-content"), ("岗位信息表.docx", "not-pdf"),
        ("毕业证.jpg", "document-image")])
    reasons = {left.reason: left.detail for left in layout.left_out}
    assert "docprep fix 毕业证.jpg -o 毕业证.pdf" in reasons["document-image"].zh
    assert "b2019.pdf" in reasons["same-content"].en


def test_kind_order_follows_the_profile_then_pdf_kinds(profile):
    order = kind_order(profile.section("app").bundle, profile.section("pdf").kinds)
    assert order[:4] == ["continuing-education", "post-form", "unit-statement", "appointment"]
    assert sorted(order) == sorted(known_kinds(profile.section("pdf").kinds))  # each kind once
    base = load_profile("base")  # no order of its own: [pdf.kinds] order
    assert kind_order(base.section("app").bundle, base.section("pdf").kinds)[0] == base.section("pdf").kinds.every_page[0]


def test_kind_order_refuses_unknown_and_repeated_kinds(profile):
    from dataclasses import replace
    kinds, cfg = profile.section("pdf").kinds, profile.section("app").bundle
    for order, said in ((("photo",), "not a kind"), (("appointment", "appointment"), "twice")):
        with pytest.raises(ProfileError, match=said):
            kind_order(replace(cfg, order=order), kinds)


def test_safe_names():
    assert safe_name('继续教育/学时:证明?', "x") == "继续教育_学时_证明_"
    assert safe_name(" .. ", "fallback") == "fallback"


def test_zip_writer_is_deterministic_and_readable():
    files = {"b.txt": b"bee" * 1000, "a.json": b"{}", "证件照.jpg": b"\xff\xd8", "empty": b""}
    data = zip_bytes(files)
    assert data == zip_bytes(dict(reversed(list(files.items()))))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == sorted(files) and archive.testzip() is None
        assert {name: archive.read(name) for name in files} == files
        assert all(info.flag_bits == UTF8_NAMES for info in archive.infolist())
