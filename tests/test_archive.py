"""Zipped applications, read in place: members listed with their names (UTF-8, GBK from Chinese Windows, CP437),
sizes and bytes; zip bombs refused from the central directory and while reading (app.archive-bomb); entries that
would climb out refused (app.archive-unsafe); encrypted entries (app.archive-encrypted); damaged, truncated or
not-a-zip files (app.archive-corrupt). Every zip is a real one, written by Python's zipfile (or Info-ZIP's zip)."""
from __future__ import annotations

import os
import pickle
import shutil
import stat
import struct
import subprocess
import zipfile
import zlib

import pytest

from docprep.applications import open_archive
from docprep.applications.archive import ArchiveMember
from docprep.engine.application import load_application_metadata, read_archive
from docprep.model import LoadFailure
from docprep.profiles import load_profile

ZJ = load_profile("zj-2021")
LIMITS = ZJ.section("app").archive
PDF = b"%PDF-1.4\n" + os.urandom(3000) + b"\n%%EOF\n"  # random bytes: a scan's compression ratio, about 1:1


class LegacyName(zipfile.ZipInfo):
    """An entry named in a legacy code page with the UTF-8 flag unset, as Windows' own zip tools write them."""

    def __init__(self, name: str, encoding: str = "gbk", raw: bytes | None = None):
        super().__init__(name)
        self.raw = raw if raw is not None else name.encode(encoding)

    def _encodeFilenameFlags(self):
        return self.raw, self.flag_bits & ~0x800


def make_zip(path, entries, method=zipfile.ZIP_DEFLATED):
    """entries: (name or ZipInfo, bytes) pairs."""
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in entries:
            info = name if isinstance(name, zipfile.ZipInfo) else zipfile.ZipInfo(name)
            info.compress_type = method
            archive.writestr(info, data)
    return path


def custom_profile(tmp_path, **archive):
    path = tmp_path / "limits.toml"
    lines = "\n".join(f"{key} = {value}" for key, value in archive.items())
    path.write_text(f'extends = "zj-2021"\n[app.archive]\n{lines}\n', encoding="utf-8")
    return load_profile(path)


def rules_of(archive) -> list[str]:
    return [rule for rule, _ in archive.problems]


# --- reading in place ----------------------------------------------------------------------------------------------

def test_members_are_listed_and_read_in_place(tmp_path):
    toml = 'name = "张伟"\nlevel = "副高级"\nself_report_file = "述职报告.txt"\n'.encode()
    path = make_zip(tmp_path / "张伟.zip", [("张伟/", b""), ("张伟/application.toml", toml),
                                            ("张伟/照片.jpg", b"\xff\xd8jpeg"), ("张伟/证书/学位证.pdf", PDF),
                                            ("张伟/述职报告.txt", "本人述职。".encode()),
                                            ("__MACOSX/张伟/._照片.jpg", b"\x00\x05\x16\x07")])
    before = set(tmp_path.iterdir())
    archive, findings = read_archive(path, ZJ)
    assert findings == [] and not archive.refused and archive.root == "张伟/"
    assert [(m.name, m.size, m.encoding) for m in archive.members] == [
        ("张伟/application.toml", len(toml), "utf-8"), ("张伟/照片.jpg", 6, "utf-8"),
        ("张伟/证书/学位证.pdf", len(PDF), "utf-8"), ("张伟/述职报告.txt", 15, "utf-8"),
        ("__MACOSX/张伟/._照片.jpg", 4, "utf-8")]  # listed as it is; the root is still the applicant's folder
    assert archive.member("证书/学位证.pdf").read() == PDF
    metadata, findings = load_application_metadata(path, ZJ, this_year=2021)
    assert findings == [] and (metadata.name, metadata.level, metadata.self_report) == ("张伟", "副高级", "本人述职。")
    assert set(tmp_path.iterdir()) == before  # nothing extracted


def test_a_member_travels_to_a_worker_process_and_reads_there(tmp_path):
    path = make_zip(tmp_path / "a.zip", [("学位证.pdf", PDF)])
    member = pickle.loads(pickle.dumps(open_archive(path, LIMITS).members[0]))
    assert isinstance(member, ArchiveMember) and member.read() == PDF


def test_gbk_names_from_chinese_windows_are_read(tmp_path):
    names = ["张伟/application.toml", "张伟/继续教育学时证明2020.pdf", "张伟/述职报告.txt"]
    toml = 'self_report_file = "述职报告.txt"\n'.encode()
    path = make_zip(tmp_path / "gbk.zip", [(LegacyName(names[0]), toml), (LegacyName(names[1]), PDF),
                                           (LegacyName(names[2]), "述职".encode("gbk"))])
    with zipfile.ZipFile(path) as raw:
        assert all(not info.flag_bits & 0x800 for info in raw.infolist())
        assert raw.infolist()[1].filename != names[1]  # what a tool that reads CP437 shows
    archive = open_archive(path, LIMITS)
    assert [(m.name, m.encoding) for m in archive.members] == [(name, "gb18030") for name in names]
    assert archive.member("继续教育学时证明2020.pdf").read() == PDF
    metadata, findings = load_application_metadata(path, ZJ)
    assert findings == [] and metadata.self_report == "述职"


def test_an_info_zip_unicode_path_field_wins_and_cp437_is_the_last_resort(tmp_path):
    raw = "??.pdf".encode()
    field = struct.pack("<B", 1) + struct.pack("<I", zlib.crc32(raw)) + "照片.pdf".encode()
    unicode = LegacyName("??.pdf", raw=raw)
    unicode.extra = struct.pack("<HH", 0x7075, len(field)) + field
    path = make_zip(tmp_path / "names.zip", [(unicode, PDF), (LegacyName("\u00ff.pdf", raw=b"\xff.pdf"), PDF),
                                             (LegacyName("a.pdf", raw=b"a.pdf"), PDF)])
    assert [(m.name, m.encoding) for m in open_archive(path, LIMITS).members] == [
        ("照片.pdf", "utf-8"), ("\u00a0.pdf", "cp437"), ("a.pdf", "ascii")]


# --- zip bombs ------------------------------------------------------------------------------------------------------

def test_a_real_bomb_of_zeros_is_refused_before_anything_is_read(tmp_path):
    path = make_zip(tmp_path / "bomb.zip", [("学位证.pdf", PDF), ("炸弹.pdf", bytes(20_000_000))])
    assert path.stat().st_size < 40_000
    archive, findings = read_archive(path, ZJ)
    assert archive.refused and archive.members == () and [f.rule for f in findings] == ["app.archive-bomb"]
    message = findings[0].message("en")
    assert "'炸弹.pdf' is compressed" in message and "at most 100:1" in message
    assert findings[0].measured > 1000 and findings[0].expected == 100


def test_the_ratio_limit_is_exact_and_small_entries_are_not_judged(tmp_path):
    data = bytes(2_000_000)
    path = make_zip(tmp_path / "zeros.zip", [("zeros.bin", data)])
    packed = zipfile.ZipFile(path).infolist()[0].compress_size
    exact = 2_000_000 / packed
    assert not open_archive(path, custom_profile(tmp_path, max_ratio=exact).section("app").archive).refused
    tighter = custom_profile(tmp_path, max_ratio=exact - 0.001).section("app").archive
    assert rules_of(open_archive(path, tighter)) == ["app.archive-bomb"]
    floor = custom_profile(tmp_path, max_ratio=exact - 0.001, ratio_from_bytes=2_000_001).section("app").archive
    assert not open_archive(path, floor).refused


def test_the_whole_zips_ratio_counts_too(tmp_path):
    """Many small entries, each under ratio_from_bytes, that together unpack far beyond the zip's size."""
    path = make_zip(tmp_path / "many.zip", [(f"{n}.txt", bytes(50_000)) for n in range(40)])
    limits = custom_profile(tmp_path, ratio_from_bytes=100_000).section("app").archive
    archive = open_archive(path, limits)
    assert rules_of(archive) == ["app.archive-bomb"] and "the zip is compressed" in archive.problems[0][1].message.en


@pytest.mark.parametrize("key, limit, expected", [
    ("max_total_bytes", 6_000, []), ("max_total_bytes", 5_999, ["app.archive-bomb"]),
    ("max_members", 2, []), ("max_members", 1, ["app.archive-bomb"]),
])
def test_the_total_size_and_the_entry_count_are_limited_exactly(tmp_path, key, limit, expected):
    path = make_zip(tmp_path / "two.zip", [("a.pdf", os.urandom(3_000)), ("b.pdf", os.urandom(3_000))],
                    method=zipfile.ZIP_STORED)
    archive = open_archive(path, custom_profile(tmp_path, **{key: limit}).section("app").archive)
    assert rules_of(archive) == expected and archive.refused == bool(expected)


def _patch_sizes(path, size: int) -> None:
    """Make the central directory (and local header) claim `size` unpacked bytes for the first entry."""
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, size)
    struct.pack_into("<I", data, 22, size)
    path.write_bytes(bytes(data))


def test_a_directory_that_lies_about_sizes_never_unpacks_more_than_it_says(tmp_path):
    path = make_zip(tmp_path / "liar.zip", [("学位证.pdf", bytes(5_000_000))])
    _patch_sizes(path, 1_000)  # 5 MB of zeros declared as 1,000 bytes: a ratio of 0.2
    archive = open_archive(path, LIMITS)
    assert archive.problems == () and archive.members[0].size == 1_000
    with pytest.raises(LoadFailure) as failure:
        archive.members[0].read()
    assert failure.value.rule == "app.archive-corrupt"  # stopped at 1,000 bytes: the checksum fails


def test_while_reading_the_bytes_are_counted_against_the_members_size(tmp_path):
    path = make_zip(tmp_path / "a.zip", [("a.pdf", PDF)])
    member = open_archive(path, LIMITS).members[0]
    smaller = ArchiveMember(member.archive, 0, member.name, 100, member.compressed, member.encoding, LIMITS)
    with zipfile.ZipFile(path) as archive, pytest.raises(LoadFailure) as failure:
        smaller._unpack(archive, archive.infolist()[0])
    assert failure.value.rule == "app.archive-bomb" and failure.value.problem.expected == 100


# --- entries that climb out, links, passwords -----------------------------------------------------------------------

@pytest.mark.parametrize("name, words", [
    ("../evil.pdf", "holds '..'"),
    ("张伟/../../evil.pdf", "holds '..'"),
    ("/abs.pdf", "is an absolute path"),
    ("C:/Windows/evil.pdf", "starts with a drive letter"),
    ("张伟\\..\\evil.pdf", "holds a backslash"),
    ("../escape/", "holds '..'"),
])
def test_entries_that_climb_out_are_refused_and_the_rest_listed(tmp_path, name, words):
    path = make_zip(tmp_path / "evil.zip", [("学位证.pdf", PDF), (name, b"" if name.endswith("/") else PDF)])
    archive, findings = read_archive(path, ZJ)
    assert [m.name for m in archive.members] == ["学位证.pdf"] and not archive.refused
    assert [f.rule for f in findings] == ["app.archive-unsafe"] and words in findings[0].message("en")
    assert findings[0].measured == name


def test_a_symbolic_link_entry_is_refused(tmp_path):
    link = zipfile.ZipInfo("张伟/照片.jpg")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = make_zip(tmp_path / "link.zip", [(link, b"/etc/passwd"), ("张伟/学位证.pdf", PDF)])
    archive = open_archive(path, LIMITS)
    assert rules_of(archive) == ["app.archive-unsafe"] and "symbolic link" in archive.problems[0][1].message.en
    assert [m.name for m in archive.members] == ["张伟/学位证.pdf"]


def test_an_entry_flagged_encrypted_is_refused(tmp_path):
    path = make_zip(tmp_path / "locked.zip", [("学位证.pdf", PDF), ("照片.jpg", b"\xff\xd8")])
    data = bytearray(path.read_bytes())  # the first entry's flags, in its local header and its central entry
    for at in (6, data.index(b"PK\x01\x02") + 8):
        data[at] |= 0x1
    path.write_bytes(bytes(data))
    archive, findings = read_archive(path, ZJ)
    assert [f.rule for f in findings] == ["app.archive-encrypted"] and [m.name for m in archive.members] == ["照片.jpg"]


@pytest.mark.skipif(shutil.which("zip") is None, reason="Info-ZIP's zip is not installed")
def test_a_zip_with_a_password_is_refused(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.pdf").write_bytes(PDF)
    subprocess.run(["zip", "-q", "-P", "secret", str(tmp_path / "locked.zip"), "a.pdf"], cwd=tmp_path / "in",
                   check=True)
    archive = open_archive(tmp_path / "locked.zip", LIMITS)
    assert rules_of(archive) == ["app.archive-encrypted"] and archive.members == ()


def test_a_rule_turned_off_in_the_profile_is_silent(tmp_path):
    path = make_zip(tmp_path / "evil.zip", [("../evil.pdf", PDF)])
    profile_file = tmp_path / "quiet.toml"
    profile_file.write_text('extends = "zj-2021"\n[rules]\n"app.archive-unsafe" = "off"\n', encoding="utf-8")
    archive, findings = read_archive(path, load_profile(profile_file))
    assert findings == [] and archive.members == ()  # silenced, still never listed


# --- damaged zips ---------------------------------------------------------------------------------------------------

def test_a_file_that_is_no_zip_is_corrupt(tmp_path):
    (tmp_path / "a.zip").write_bytes(PDF)
    archive, findings = read_archive(tmp_path / "a.zip", ZJ)
    assert archive.refused and [f.rule for f in findings] == ["app.archive-corrupt"]
    assert "File is not a zip file" in findings[0].message("en") and "已损坏或不完整" in findings[0].message("zh")


def test_a_truncated_zip_is_corrupt(tmp_path):
    path = make_zip(tmp_path / "cut.zip", [("学位证.pdf", PDF), ("照片.jpg", PDF)])
    path.write_bytes(path.read_bytes()[:-30])  # a copy or download that stopped early
    assert rules_of(open_archive(path, LIMITS)) == ["app.archive-corrupt"]


def test_damaged_data_is_found_when_the_member_is_read(tmp_path):
    path = make_zip(tmp_path / "bad.zip", [("学位证.pdf", PDF)], method=zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    at = data.index(b"%PDF") + 100
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))
    member = open_archive(path, LIMITS).members[0]
    with pytest.raises(LoadFailure) as failure:
        member.read()
    assert failure.value.rule == "app.archive-corrupt" and "CRC" in failure.value.problem.message.en


def test_an_unreadable_compression_method_is_corrupt(tmp_path):
    path = make_zip(tmp_path / "deflate64.zip", [("学位证.pdf", PDF), ("照片.jpg", b"\xff\xd8")],
                    method=zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    struct.pack_into("<H", data, 8, 9)  # the first local header and its central entry: Deflate64 (method 9)
    struct.pack_into("<H", data, data.index(b"PK\x01\x02") + 10, 9)
    path.write_bytes(bytes(data))
    archive = open_archive(path, LIMITS)
    assert rules_of(archive) == ["app.archive-corrupt"] and "compression method 9" in archive.problems[0][1].message.en
    assert [m.name for m in archive.members] == ["照片.jpg"]


def test_a_zip_changed_after_listing_is_not_misread(tmp_path):
    path = make_zip(tmp_path / "a.zip", [("a.pdf", PDF)])
    member = open_archive(path, LIMITS).members[0]
    make_zip(path, [("a.pdf", PDF + b"more")])
    with pytest.raises(LoadFailure) as failure:
        member.read()
    assert failure.value.rule == "app.archive-corrupt" and "changed" in failure.value.problem.message.en
