"""The result cache (docprep/engine/cache.py): a hit gives the same report without decoding the file, with the
file's current path; a change of content, name, profile, docprep version or asked-for kind is a miss; two runs at
once share it safely; a corrupted entry is rebuilt, never crashed on."""
from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from helpers import rules_of
from portrait import portrait

from docprep.engine import check_paths
from docprep.engine import checkfile
from docprep.engine.cache import ResultCache, default_folder, engine_version
from docprep.i18n import Text
from docprep.model import FileReport, FileType, Finding, Severity
from docprep.render.report import to_json

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PDF = ROOT / "samples" / "attachments" / "no-seal.pdf"  # findings with a page and a box


@pytest.fixture
def folder(tmp_path, good_jpeg, write_jpeg):
    files = tmp_path / "files"
    files.mkdir()
    (files / "good.jpg").write_bytes(good_jpeg)
    write_jpeg(files / "bad.jpg", portrait(358, 441, background=(70, 110, 200)))
    shutil.copy(SAMPLE_PDF, files / "no-seal.pdf")
    return files


@pytest.fixture
def cache_dir(tmp_path):
    return tmp_path / "cache"


def entries(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.rglob("*.json"))


def cached_run(paths, profile, cache_dir, attachment_kind=None, version=None):
    cache = ResultCache(profile, attachment_kind, cache_dir, version)
    return check_paths(paths, profile, attachment_kind=attachment_kind, cache=cache)


def forbid_checks(monkeypatch):
    """Any file actually checked (decoded) from here on fails the test: what a hit must never do."""
    def refuse(path, *args):
        raise AssertionError(f"{path} was checked, not taken from the cache")
    monkeypatch.setattr(checkfile, "check_file", refuse)


def test_a_hit_gives_the_same_report_without_decoding(folder, profile, cache_dir, monkeypatch):
    cold = cached_run(folder, profile, cache_dir)
    assert len(entries(cache_dir)) == 3
    forbid_checks(monkeypatch)
    warm = cached_run(folder, profile, cache_dir)
    assert to_json(warm, "zh") == to_json(cold, "zh") and to_json(warm, "en") == to_json(cold, "en")
    pdf = next(f for f in warm.files if f.path.endswith("no-seal.pdf"))
    assert any(f.page == 1 and isinstance(f.box, tuple) for f in pdf.findings)  # pages and boxes come back whole


def test_the_report_shows_the_current_path_not_the_cached_one(folder, profile, cache_dir, tmp_path, monkeypatch):
    cached_run(folder, profile, cache_dir)
    moved = tmp_path / "moved" / "申报材料"
    shutil.copytree(folder, moved)
    forbid_checks(monkeypatch)
    report = cached_run(moved, profile, cache_dir)
    assert [f.path for f in report.files] == [str(moved / n) for n in ("bad.jpg", "good.jpg", "no-seal.pdf")]


def test_a_changed_file_is_a_miss(folder, profile, cache_dir, write_jpeg):
    cached_run(folder, profile, cache_dir)
    write_jpeg(folder / "good.jpg", portrait(358, 441))  # now the wrong shape
    report = cached_run(folder, profile, cache_dir)
    assert len(entries(cache_dir)) == 4
    good = next(f for f in report.files if f.path.endswith("good.jpg"))
    assert "photo.aspect-ratio" in rules_of(good.findings)


def test_a_renamed_file_is_a_miss(folder, profile, cache_dir):
    """The name decides kinds (name hints) and is quoted in messages, so it is part of the key."""
    cached_run(folder, profile, cache_dir)
    (folder / "good.jpg").rename(folder / "学历证书.jpg")
    cached_run(folder, profile, cache_dir)
    assert len(entries(cache_dir)) == 4


def test_a_changed_profile_is_a_miss(folder, profile, cache_dir):
    cached_run(folder, profile, cache_dir)
    relaxed = dataclasses.replace(profile, severities={**profile.severities, "photo.aspect-ratio": Severity.OFF})
    assert relaxed.digest != profile.digest
    report = cached_run(folder, relaxed, cache_dir)
    assert len(entries(cache_dir)) == 6
    assert all("photo.aspect-ratio" not in rules_of(f.findings) for f in report.files)


def test_another_docprep_version_is_a_miss(folder, profile, cache_dir):
    cached_run(folder, profile, cache_dir, version="0.1.0+before")
    assert len(entries(cache_dir)) == 3
    cached_run(folder, profile, cache_dir, version="0.2.0+after")
    assert len(entries(cache_dir)) == 6


def test_the_version_is_docprep_s_with_a_fingerprint_of_its_code():
    from docprep import __version__

    assert engine_version().startswith(__version__ + "+") and engine_version() == engine_version()



def test_the_libraries_versions_are_the_installed_ones():
    from importlib import metadata

    from docprep.engine.cache import _LIBRARIES, _library_versions

    assert _library_versions() == [f"{name}={metadata.version(name)}" for name in _LIBRARIES]


def test_an_upgraded_library_is_another_version(tmp_path, monkeypatch):
    """A newer numpy earlier on sys.path (what an upgrade leaves) changes the fingerprint; an absent one is "-"."""
    before = engine_version.__wrapped__()
    (tmp_path / "NumPy-99.1.dist-info").mkdir()
    (tmp_path / "some_other_thing-1.0.dist-info").mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    from docprep.engine.cache import _library_versions

    assert _library_versions()[0] == "numpy=99.1" and engine_version.__wrapped__() != before
    monkeypatch.setattr("docprep.engine.cache._LIBRARIES", ("no-such-library",))
    assert _library_versions() == ["no-such-library=-"]

def test_another_asked_for_kind_is_a_miss(folder, profile, cache_dir):
    cached_run(folder, profile, cache_dir)
    report = cached_run(folder, profile, cache_dir, attachment_kind="original")
    assert len(entries(cache_dir)) == 6
    pdf = next(f for f in report.files if f.path.endswith(".pdf"))
    assert pdf.attachment_kind == "original" and "pdf.missing-seal" not in rules_of(pdf.findings)


@pytest.mark.parametrize("damage", [
    pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
    pytest.param(lambda data: b"\x00\xffgarbage" * 10, id="garbage"),
    pytest.param(lambda data: b"", id="empty"),
    pytest.param(lambda data: data.replace(b'"docprep.cache/1"', b'"docprep.cache/0"'), id="other-schema"),
    pytest.param(lambda data: data.replace(b'"severity":"error"', b'"severity":"fatal"'), id="wrong-value"),
    pytest.param(lambda data: data.replace(b'"findings":[', b'"findings":[7,'), id="wrong-type"),
    pytest.param(lambda data: json.dumps({"schema": "docprep.cache/1"}).encode(), id="keys-missing"),
])
def test_a_corrupted_entry_is_rebuilt(folder, profile, cache_dir, damage):
    cold = cached_run(folder, profile, cache_dir)
    before = {p: p.read_bytes() for p in entries(cache_dir)}
    for path, data in before.items():
        path.write_bytes(damage(data))
    again = cached_run(folder, profile, cache_dir)
    assert to_json(again, "zh") == to_json(cold, "zh")
    assert {p: p.read_bytes() for p in entries(cache_dir)} == before  # rebuilt as it was


def test_a_cache_that_cannot_be_written_warns_once_and_the_run_goes_on(folder, profile, tmp_path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_bytes(b"")
    with caplog.at_level(logging.WARNING, logger="docprep"):
        report = cached_run(folder, profile, blocker)
    assert len(report.files) == 3
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1


def test_results_that_are_no_verdict_are_not_stored(tmp_path, profile, cache_dir):
    cache = ResultCache(profile, folder=cache_dir)
    failed = Finding("file.check-failed", Severity.ERROR, Text("x", "x"))
    numpy_value = Finding("photo.exposure", Severity.ERROR, Text("x", "x"), measured=np.float32(1.5))
    for report in (FileReport("a.jpg", FileType.PHOTO, None),  # unreadable: no content hash
                   FileReport("a.jpg", FileType.PHOTO, "0" * 64, [failed]),
                   FileReport("a.jpg", FileType.PHOTO, "0" * 64, [numpy_value])):
        cache.put(tmp_path / "a.jpg", report)
    assert entries(cache_dir) == []


def test_measured_values_come_back_with_their_types(tmp_path, profile, cache_dir):
    cache = ResultCache(profile, folder=cache_dir)
    finding = Finding("photo.dimensions", Severity.WARNING, Text("尺寸", "size"), measured=(358, 441),
                      expected={"min": [215, 300], "ratio": 0.75, "nan": float("nan")}, page=None,
                      box=(1.5, 2.0, 3.25, 4.0))
    cache.put(tmp_path / "a.jpg", FileReport("a.jpg", FileType.PHOTO, "1" * 64, [finding], path_bytes=None))
    [back] = cache.get("1" * 64, tmp_path / "a.jpg").findings
    assert back.measured == (358, 441) and back.box == (1.5, 2.0, 3.25, 4.0) and back.message == finding.message
    assert back.expected["min"] == [215, 300] and np.isnan(back.expected["nan"]) and back.severity is Severity.WARNING


def test_annotate_reads_no_cached_result_but_stores_its_own(folder, profile, cache_dir, tmp_path):
    """The pictures need the decoded pages: with --annotate every file is checked; its findings are stored."""
    cached_run(folder, profile, cache_dir)
    pictures = tmp_path / "pictures"
    report = check_paths(folder, profile, annotate_dir=pictures, cache=ResultCache(profile, folder=cache_dir))
    pdf = next(f for f in report.files if f.path.endswith(".pdf"))
    assert pdf.annotations and all(Path(p).is_file() for p in pdf.annotations)
    assert len(entries(cache_dir)) == 3


def test_the_folder_is_docprep_cache_dir_else_the_user_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCPREP_CACHE_DIR", str(tmp_path / "here"))
    assert default_folder() == tmp_path / "here"
    monkeypatch.delenv("DOCPREP_CACHE_DIR")
    import platformdirs

    assert default_folder() == Path(platformdirs.user_cache_dir("docprep", appauthor=False))


# ---- through the command line ----

def test_the_cli_caches_and_no_cache_turns_it_off(folder, cache_dir, run_cli):
    env = {"DOCPREP_CACHE_DIR": str(cache_dir)}
    off = run_cli("check", "--no-cache", "--format", "json", folder, env=env)
    assert off.returncode == 1 and not cache_dir.exists()
    on = run_cli("check", "--format", "json", folder, env=env)
    assert on.returncode == 1 and len(entries(cache_dir)) == 3
    again = run_cli("check", "--format", "json", folder, env=env)
    assert again.stdout == on.stdout == off.stdout


# ---- two runs at once ----

WRITER = '''
import sys
from pathlib import Path
from docprep.engine.cache import ResultCache
from docprep.i18n import Text
from docprep.model import FileReport, FileType, Finding, Severity
from docprep.profiles import load_profile

folder, me = Path(sys.argv[1]), sys.argv[2]
cache = ResultCache(load_profile("zj-2021"), folder=folder)
finding = Finding("photo.face", Severity.ERROR, Text("没有人脸" * 200, "no face " * 200), 0, 1)
for round in range(150):
    shared = f"{round % 10:064d}"
    got = cache.get(shared, "same.jpg")
    if got is not None:
        assert got.findings == [finding], got  # never half an entry: whole or a miss
    cache.put("same.jpg", FileReport("same.jpg", FileType.PHOTO, shared, [finding]))
    cache.put(f"{me}.jpg", FileReport(f"{me}.jpg", FileType.PHOTO, f"{round:064d}", [finding]))
print("done")
'''


def test_two_processes_writing_the_same_and_different_entries_at_once(tmp_path, profile, cache_dir):
    script = tmp_path / "writer.py"
    script.write_text(textwrap.dedent(WRITER), encoding="utf-8")
    writers = [subprocess.Popen([sys.executable, str(script), str(cache_dir), name], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for name in ("one", "two")]
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0 and out.strip() == "done", err[-2000:]
    assert len(entries(cache_dir)) == 10 + 150 + 150
    assert not [p for p in cache_dir.rglob("*") if p.is_file() and p.suffix != ".json"]  # no temporary left over
    cache = ResultCache(profile, folder=cache_dir)
    assert all(cache.get(f"{n:064d}", f"{who}.jpg") is not None for n in range(150) for who in ("one", "two"))


def test_two_check_runs_at_once_share_the_cache(folder, cache_dir, run_cli, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(folder, other)
    env = {**os.environ, "DOCPREP_CACHE_DIR": str(cache_dir), "PYTHONIOENCODING": "utf-8"}
    runs = [subprocess.Popen([sys.executable, "-m", "docprep", "check", "--format", "json", "-j", "1", str(path)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, encoding="utf-8")
            for path in (folder, other, folder)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [1, 1, 1], [err[-1000:] for _, err in outputs]
    assert len(entries(cache_dir)) == 3  # the same names and contents: the same entries
    reports = [json.loads(out)["files"] for out, _ in outputs]
    assert reports[0] == reports[2]
    warm = run_cli("check", "--format", "json", other, env={"DOCPREP_CACHE_DIR": str(cache_dir)})
    assert json.loads(warm.stdout)["files"] == reports[1]
