"""The hostile corpus (issue 10): every sample cut short, bit-flipped, with sectors lost, streams zeroed or shortened
and cross-reference tables broken; PDFs and images made by hand to be as odd as a broken scanner, an odd tool or an
attacker can make them (tests/hostile.py); names in GBK bytes and paths past 255 bytes; and property-based mutations
(hypothesis) of valid photos and PDFs. Whatever the file, the check finishes, the file gets verdicts from named rules
— never file.check-failed, which would be a bug — and the command line exits 0 or 1 with no traceback.

Nothing here is committed but code: the corpus is made by the tests. Reproducible: the mutations are seeded, and
hypothesis runs derandomized (the same examples every run) without its example database."""
from __future__ import annotations

import json
import os
import sys
import zlib
from pathlib import Path

import hostile
import pytest
from helpers import rules_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdf_fixtures import one_page_pdf, page, stream
from portrait import portrait

from docprep.engine import check_file, check_paths, check_pdf_bytes, check_photo_bytes
from docprep.profiles.loader import load_profile
from docprep.rules import REGISTRY

PROFILE = load_profile()
PHOTOS = hostile.sample_photos()
PDFS = hostile.sample_pdfs()
# Rules that say a file is damaged or not what it claims.
PDF_DAMAGE = {"pdf.unreadable", "pdf.not-pdf", "pdf.empty"}
PHOTO_DAMAGE = {"photo.unreadable", "photo.not-jpeg"}


def named(findings) -> list[str]:
    """The findings' rules, after checking that each is a registered rule with a message in both languages and
    none says the check itself failed."""
    rules = rules_of(findings)
    assert "file.check-failed" not in rules, [f.message.en for f in findings if f.rule == "file.check-failed"]
    assert set(rules) <= set(REGISTRY), rules
    assert all(f.message.zh and f.message.en for f in findings)
    return rules


def pdf_rules(data: bytes, kind: str | None = "original") -> list[str]:
    """Checked as an original unless `kind` says otherwise: the scan and structure rules, without the OCR of the
    verification marks (hostile copies, which run it, are checked separately)."""
    return named(check_pdf_bytes("attachment.pdf", data, PROFILE, kind))


def photo_rules(data: bytes) -> list[str]:
    return named(check_photo_bytes("photo.jpg", data, PROFILE))


# --- the samples, damaged -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", PHOTOS)
def test_every_sample_photo_cut_short_is_unreadable(name):
    for cut, data in hostile.cuts(PHOTOS[name]).items():
        rules = photo_rules(data)
        if cut != f"cut-{len(PHOTOS[name]) - 2}":  # a PNG without its last checksum still decodes
            assert set(rules) & PHOTO_DAMAGE, (cut, rules)


@pytest.mark.parametrize("name", PDFS)
def test_every_sample_pdf_cut_short_is_unreadable(name):
    for cut, data in hostile.cuts(PDFS[name]).items():
        assert set(pdf_rules(data)) & PDF_DAMAGE, cut


@pytest.mark.parametrize("name", list(PHOTOS) + list(PDFS))
def test_bit_flips_and_lost_sectors_give_verdicts(name):
    source = PHOTOS.get(name) or PDFS[name]
    check = photo_rules if name in PHOTOS else pdf_rules
    for seed in (1, 2):
        check(hostile.bit_flips(source, seed, flips=4 * seed))
    check(hostile.zeroed_run(source, 3))


@pytest.mark.parametrize("name", [name for name in PDFS if hostile.image_streams(PDFS[name])])
def test_a_sample_page_image_zeroed_or_shortened_is_unreadable(name):
    for case, data in hostile.stream_damage(PDFS[name]).items():
        assert "pdf.unreadable" in pdf_rules(data), case


@pytest.mark.parametrize("name", ["good-copy.pdf", "blank-back-page.pdf", "low-resolution-100dpi.pdf"])
def test_broken_cross_reference_tables_give_verdicts(name):
    """Readers rebuild a table that lies (PDFium and pypdf both repair); junk in its place is damage."""
    damaged = hostile.xref_damage(PDFS[name])
    assert "pdf.unreadable" in pdf_rules(damaged.pop("xref-junk"))
    for data in damaged.values():
        pdf_rules(data)


# --- made by hand ---------------------------------------------------------------------------------------------------

# What each hostile PDF must get (None: any verdict of named rules; PDFium shows these as readers do).
HOSTILE_PDFS = {
    "page-tree-contains-itself": "pdf.unreadable", "page-is-its-own-parent-kid": "pdf.unreadable",
    "count-a-billion": None, "count-negative": None, "nested-arrays-10000": "pdf.unreadable",
    "nested-dicts-10000": None, "nested-in-catalog": "pdf.unreadable", "nested-content-q": None,
    "form-calls-itself": None, "forms-call-each-other": None, "flate-bomb-4gib-image": "pdf.unreadable",
    "flate-bomb-undeclared-size": "pdf.unreadable", "image-declares-60000x60000": "pdf.unreadable",
    "image-declares-2147483647-wide": "pdf.unreadable", "image-declares-negative": "pdf.unreadable",
    "image-strip-1x20000": None, "image-strip-20000x1": None, "image-16-bit": "pdf.low-resolution",
    "image-indexed": "pdf.low-resolution", "image-bad-colour-space": "pdf.unreadable",
    "image-jpeg-garbage": "pdf.unreadable", "image-jpeg-says-cmyk": None, "image-two-filters": "pdf.low-resolution",
    "mediabox-1e6": "pdf.low-resolution", "mediabox-1e6-lines": None, "mediabox-zero": None,
    "mediabox-inverted": None, "mediabox-nan": None, "rotate-45": None, "image-placed-at-an-angle-huge": None,
    "image-placed-flat": None, "pages-5000": "pdf.page-count", "no-root": "pdf.unreadable",
    "root-is-a-number": "pdf.unreadable", "encrypt-garbage": "pdf.encrypted", "header-only": "pdf.unreadable",
    "header-and-eof": "pdf.unreadable",
}


@pytest.fixture(scope="module")
def hostile_pdfs() -> dict[str, bytes]:
    return hostile.hostile_pdfs()


@pytest.fixture(scope="module")
def odd_photos() -> dict[str, bytes]:
    return hostile.odd_photos(portrait(413, 579))


def test_the_hostile_pdf_table_covers_every_case(hostile_pdfs):
    assert set(HOSTILE_PDFS) == set(hostile_pdfs)


@pytest.mark.parametrize("case", HOSTILE_PDFS)
def test_a_hostile_pdf_gets_verdicts(hostile_pdfs, case):
    rules = pdf_rules(hostile_pdfs[case])
    if HOSTILE_PDFS[case] is not None:
        assert HOSTILE_PDFS[case] in rules, rules


@pytest.mark.parametrize("case", ["page-tree-contains-itself", "nested-dicts-10000", "form-calls-itself",
                                  "mediabox-zero", "image-indexed"])
def test_a_hostile_pdf_checked_as_a_copy_gets_verdicts(hostile_pdfs, case):
    """The verification marks looked for (seal, OCR of the words) on pages as odd as the rest."""
    pdf_rules(hostile_pdfs[case], kind=None)


HOSTILE_PHOTOS = {
    "declares-65000x65000": "photo.unreadable", "declares-0x0": "photo.unreadable",
    "png-bomb-30000x30000": "photo.unreadable", "png-bomb-grey-9000x8000": "photo.unreadable",
    "png-1x20000": "photo.dimensions", "png-20000x1": "photo.dimensions", "jpeg-1x20000": "photo.dimensions",
    "jpeg-20000x1": "photo.dimensions", "jpeg-1x1": "photo.dimensions", "png-16-bit-grey": "photo.not-jpeg",
    "png-16-bit-rgb": "photo.not-jpeg", "png-palette": "photo.not-jpeg", "png-palette-transparent": "photo.not-jpeg",
    "gif-palette": "photo.not-jpeg", "jpeg-cmyk": "photo.color-mode", "jpeg-grey": "photo.color-mode",
    "tiff-1-bit": "photo.not-jpeg", "bmp": "photo.not-jpeg", "webp": "photo.not-jpeg",
    "progressive-cut": "photo.unreadable", "jpeg-only-header": "photo.unreadable",
    "jpeg-end-marker-only": "photo.unreadable",
}


def test_the_hostile_photo_table_covers_every_case(odd_photos):
    assert set(HOSTILE_PHOTOS) == set(odd_photos)


@pytest.mark.parametrize("case", HOSTILE_PHOTOS)
def test_an_odd_image_named_jpg_gets_verdicts(odd_photos, case):
    assert HOSTILE_PHOTOS[case] in photo_rules(odd_photos[case])


def test_junk_exif_gives_verdicts():
    for data in hostile.junk_exif(PHOTOS["good-413x579.jpg"], 4).values():
        photo_rules(data)


# --- names and paths ----------------------------------------------------------------------------------------------

def _write(path: bytes | str, data: bytes) -> None:
    with open(path, "wb") as out:
        out.write(data)


@pytest.fixture(scope="module")
def hostile_tree(tmp_path_factory, hostile_pdfs, odd_photos) -> tuple[Path, int, int]:
    """A folder as a share holds it: hostile files, damaged samples, GBK-byte names (Linux) and a path of over 255
    bytes, as (folder, number of files, number of them with GBK names)."""
    root = tmp_path_factory.mktemp("share")
    files = {f"{case}.pdf": hostile_pdfs[case] for case in ("flate-bomb-4gib-image", "page-tree-contains-itself",
                                                              "nested-arrays-10000", "image-jpeg-garbage")}
    files.update({f"{case}.jpg": odd_photos[case] for case in ("png-bomb-30000x30000", "jpeg-20000x1",
                                                                "declares-65000x65000", "png-palette")})
    files["half-good-copy.pdf"] = PDFS["good-copy.pdf"][:len(PDFS["good-copy.pdf"]) // 2]
    files["flipped-photo.jpg"] = hostile.bit_flips(PHOTOS["good-413x579.jpg"], 5, 30)
    for name, data in files.items():
        _write(root / name, data)
    deep = root / ("申报材料" * 15) / ("继续教育证明" * 10) / ("附件" * 20)
    count, gbk = len(files), 0
    try:
        deep.mkdir(parents=True)
        _write(deep / ("附件" * 40 + ".pdf"), PDFS["no-seal.pdf"][:40_000])
        count += 1
    except OSError:  # Windows without long paths enabled
        pass
    else:
        assert len(os.fsencode(deep / ("附件" * 40 + ".pdf"))) > 2 * 255
    if sys.platform not in ("win32", "darwin"):  # names must be Unicode there; GBK bytes cannot exist
        try:
            _write(os.path.join(os.fsencode(root), "证件照.jpg".encode("gbk")), odd_photos["jpeg-1x20000"])
            _write(os.path.join(os.fsencode(root), "学历证书.pdf".encode("gbk")), hostile_pdfs["count-a-billion"])
            count, gbk = count + 2, 2
        except OSError:  # a file system that refuses non-UTF-8 names
            pass
    return root, count, gbk


def test_a_hostile_share_through_the_library(hostile_tree):
    root, count, _ = hostile_tree
    report = check_paths([root], PROFILE, jobs=1, attachment_kind="original")
    assert len(report.files) == count
    for file in report.files:
        assert named(file.findings), file.path  # every one of them is damaged or odd: each has a finding


def test_a_hostile_share_through_the_command_line(hostile_tree, run_cli):
    """In worker processes (-j 2), as a user runs it: exit 1 (errors found), every file reported, no traceback."""
    root, count, gbk = hostile_tree
    done = run_cli("check", "--format", "json", "--no-cache", "-j", "2", root)
    assert done.returncode == 1, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    files = json.loads(done.stdout)["files"]
    assert len(files) == count
    assert all(f["findings"] and "file.check-failed" not in [x["rule"] for x in f["findings"]] for f in files)
    assert sum("file.name-encoding" in [x["rule"] for x in f["findings"]] for f in files) == gbk


# --- property-based: mutations of valid files ---------------------------------------------------------------------

# Reproducible (the same examples every run, no example database) and bounded: max_examples per test below.
BOUNDED = settings(deadline=None, derandomize=True, database=None, print_blob=True,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def mutated(draw, source: bytes) -> bytes:
    """`source` with one to four edits: a bit flipped, a piece of the file spliced in elsewhere (a sector written
    twice), junk inserted, a run zeroed, the rest cut off (rarer: a cut file is damaged whatever else happens)."""
    data = bytearray(source)
    places = draw(st.randoms(use_true_random=False))  # where: uniform over the file (integers favour its start)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = places.randrange(len(data))
        edit = draw(st.sampled_from(("flip", "splice", "junk", "zero", "flip", "splice", "zero", "cut")))
        if edit == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif edit == "cut":
            del data[at:]
        elif edit == "splice":
            start = places.randrange(len(source))
            data[at:at] = source[start:start + draw(st.integers(1, 4096))]
        elif edit == "junk":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        else:
            length = draw(st.integers(1, 4096))
            data[at:at + length] = bytes(min(length, len(data) - at))
    return bytes(data)


def _flate_pdf() -> bytes:
    """A small scan whose page is one flate-compressed grey image (the samples' pages are JPEGs)."""
    image = page(60, seal=False).convert("L")
    return one_page_pdf(b"q 595 0 0 842 0 0 cm /Im0 Do Q", {"Im0": stream(
        f"/Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} /ColorSpace /DeviceGray "
        "/BitsPerComponent 8 /Filter /FlateDecode", zlib.compress(image.tobytes()))})


FLATE_PDF = _flate_pdf()


@settings(BOUNDED, max_examples=100)
@given(mutated(PHOTOS["good-413x579.jpg"]))
def test_a_mutated_jpeg_gets_verdicts(data):
    photo_rules(data)


@settings(BOUNDED, max_examples=40)
@given(mutated(PHOTOS["png-renamed.jpg"]))
def test_a_mutated_png_gets_verdicts(data):
    photo_rules(data)


@settings(BOUNDED, max_examples=100)
@given(mutated(PDFS["low-resolution-100dpi.pdf"]))
def test_a_mutated_scanned_pdf_gets_verdicts(data):
    pdf_rules(data)


@settings(BOUNDED, max_examples=80)
@given(mutated(FLATE_PDF))
def test_a_mutated_flate_pdf_gets_verdicts(data):
    pdf_rules(data)


@settings(BOUNDED, max_examples=10)
@given(mutated(PDFS["no-seal.pdf"]))
def test_a_mutated_copy_gets_verdicts_with_its_marks_looked_for(data):
    pdf_rules(data, kind=None)


@settings(BOUNDED, max_examples=2)
@given(photo=mutated(PHOTOS["good-413x579.jpg"]), pdf=mutated(PDFS["low-resolution-100dpi.pdf"]),
       flate=mutated(FLATE_PDF))
def test_mutated_files_through_the_command_line(tmp_path_factory, run_cli, photo, pdf, flate):
    folder = tmp_path_factory.mktemp("mutated")
    for name, data in (("photo.jpg", photo), ("scan.pdf", pdf), ("flate.pdf", flate)):
        _write(folder / name, data)
    done = run_cli("check", "--format", "json", "--no-cache", "-j", "1", folder)
    assert done.returncode in (0, 1), done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    files = json.loads(done.stdout)["files"]
    assert sorted(Path(f["path"]).name for f in files) == ["flate.pdf", "photo.jpg", "scan.pdf"]
    assert all("file.check-failed" not in [x["rule"] for x in f["findings"]] for f in files)


def test_a_file_in_the_share_is_checked_as_by_check_file(hostile_tree):
    """check_file on one hostile file (the path the engine takes per file) names it and its verdict."""
    root, _, _ = hostile_tree
    report = check_file(root / "flate-bomb-4gib-image.pdf", PROFILE)
    assert rules_of(report.findings) == ["pdf.unreadable"] and report.sha256
