"""`docprep serve`'s HTTP API through Starlette's test client: every endpoint, and every refusal (a foreign Host, a
cross-site post, an upload past the limit, names that try to leave the private folder, unknown and expired
pictures, a photo no fix can save, an incomplete application). The checks run for real, in worker processes."""
from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed: pip install \".[web]\"")
pytest.importorskip("multipart", reason="the web extra is not installed: pip install \".[web]\"")
from pdf_fixtures import page as page_image  # noqa: E402
from pdf_fixtures import pdf_from_images  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from docprep.engine import check_photo_bytes  # noqa: E402
from docprep.model import Severity  # noqa: E402
from docprep.profiles import load_profile  # noqa: E402
from docprep.rules import pdf_marks  # noqa: E402
from docprep.web.app import create_app  # noqa: E402
from docprep.web.guard import allowed_host, host_name  # noqa: E402
from docprep.web.workspace import clean_parts  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PHOTOS, ATTACHMENTS = ROOT / "samples" / "photos", ROOT / "samples" / "attachments"
BASE_URL = "http://127.0.0.1:8765"


def _bytes(path: Path) -> bytes:
    return path.read_bytes()


@pytest.fixture(scope="module")
def app():
    return create_app(load_profile("zj-2021"))


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app, base_url=BASE_URL) as client:
        yield client


@pytest.fixture(scope="module")
def checked(client):
    """One check of a failing photo named like a path out of the folder, and a PDF without its seal."""
    files = [("files", ("../../逃逸/证件照.jpg", _bytes(PHOTOS / "blue-background.jpg"), "image/jpeg")),
             ("files", ("no-seal.pdf", _bytes(ATTACHMENTS / "no-seal.pdf"), "application/pdf"))]
    response = client.post("/api/check", files=files, data={"lang": "en"})
    return response


def _errors(document: dict) -> set[str]:
    return {x["rule"] for f in document["files"] for x in f["findings"] if x["severity"] == "error"}


# --- the page ------------------------------------------------------------------------------------------------

def test_the_page_and_its_files_are_served_with_a_strict_policy(client):
    page = client.get("/")
    assert page.status_code == 200 and "docprep 职称申报材料预检" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page.text)  # nothing from elsewhere: works offline
    english = client.get("/?lang=en")
    assert '<html lang="en">' in english.text and "Check the documents" in english.text
    for name, kind in (("app.js", "javascript"), ("style.css", "css")):
        served = client.get(f"/static/{name}")
        assert served.status_code == 200 and kind in served.headers["content-type"]
        assert not re.search(r"https?://", served.text)


# --- check ----------------------------------------------------------------------------------------------------

def test_check_answers_the_report_with_the_uploaded_names(checked, app):
    assert checked.status_code == 200
    report = checked.json()
    assert report["schema"] == "docprep.report/1" and report["lang"] == "en"
    assert [f["path"] for f in report["files"]] == ["no-seal.pdf", "逃逸/证件照.jpg"]
    assert _errors(report) == {"photo.background", "pdf.missing-seal"}
    root = str(app.state.workspace.root)
    assert root not in checked.text and json.dumps(root)[1:-1] not in checked.text


def test_a_name_with_dotdot_writes_nothing_outside_the_private_folder(checked, app):
    root = app.state.workspace.root
    assert not (root.parent / "逃逸").exists() and not (root.parent.parent / "逃逸").exists()
    # the request's folder is gone once answered; only the pictures store is left
    assert sorted(p.name for p in root.iterdir()) == ["pictures"]


@pytest.mark.parametrize("name, parts", [
    ("../../etc/passwd", ["etc", "passwd"]), ("..\\..\\a.jpg", ["a.jpg"]),
    ("C:\\Windows\\x.pdf", ["C_", "Windows", "x.pdf"]), ("/abs/张伟/证件照.jpg", ["abs", "张伟", "证件照.jpg"]),
    ("a/./b/../c.jpg", ["a", "b", "c.jpg"]), ("..", []), ("con\x00trol\x1b.jpg", ["con_trol_.jpg"]),
])
def test_uploaded_names_are_cleaned_into_relative_parts(name, parts):
    assert clean_parts(name) == parts


def test_annotated_pictures_are_served_by_token_and_expire(checked, client, app):
    pdf = next(f for f in checked.json()["files"] if f["kind"] == "pdf")
    url = pdf["annotations"][0]
    assert url.startswith("/api/annotation/")
    picture = client.get(url)
    assert picture.status_code == 200 and picture.content.startswith(b"\x89PNG")
    assert client.get("/api/annotation/no-such-token").status_code == 404
    workspace = app.state.workspace
    workspace.expire(now=time.monotonic() + workspace.pictures_seconds + 1)
    gone = client.get(url + "?lang=en")
    assert gone.status_code == 404 and "expired" in gone.json()["error"]
    assert list((workspace.root / "pictures").iterdir()) == []


def test_check_refuses_an_empty_request_and_a_profile_that_is_not_shipped(client):
    assert client.post("/api/check", data={"lang": "en"}).status_code in (400, 422)
    photo = [("files", ("a.jpg", _bytes(PHOTOS / "good-413x579.jpg"), "image/jpeg"))]
    for name in ("/etc/passwd", "../profiles/zj-2021.toml", "no-such"):
        answer = client.post("/api/check", files=photo, data={"profile": name, "lang": "en"})
        assert answer.status_code == 400 and "no shipped profile" in answer.json()["error"]


# --- fix ------------------------------------------------------------------------------------------------------

def test_fix_answers_a_jpeg_that_passes_the_profile(client):
    photo = [("file", ("手机照片.jpg", _bytes(PHOTOS / "landscape-phone-1600x1200.jpg"), "image/jpeg"))]
    answer = client.post("/api/fix", files=photo)
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/jpeg"
    assert "filename*=UTF-8''%E6%89%8B%E6%9C%BA%E7%85%A7%E7%89%87-fixed.jpg" in answer.headers["content-disposition"]
    findings = check_photo_bytes("fixed.jpg", answer.content, load_profile("zj-2021"))
    assert not [f for f in findings if f.severity is Severity.ERROR]


def test_a_photo_no_fix_can_save_gets_422_with_its_findings(client):
    """A blurred photo: no crop or re-encoding makes it sharp (a blue backdrop, by contrast, is made white)."""
    photo = [("file", ("blurry.jpg", _bytes(PHOTOS / "blurry.jpg"), "image/jpeg"))]
    answer = client.post("/api/fix", files=photo, data={"lang": "en"})
    assert answer.status_code == 422
    report = answer.json()
    assert report["schema"] == "docprep.report/1" and report["files"][0]["path"] == "blurry.jpg"
    assert "photo.sharpness" in _errors(report)


def test_fix_takes_one_photo(client):
    two = [("file", ("a.jpg", b"x", "image/jpeg")), ("file", ("b.jpg", b"y", "image/jpeg"))]
    assert client.post("/api/fix", files=two).status_code == 400


# --- scan-pdf -------------------------------------------------------------------------------------------------

def _jpeg(dpi: int) -> bytes:
    out = io.BytesIO()
    page_image(dpi=dpi).save(out, "JPEG", quality=88, dpi=(dpi, dpi))
    return out.getvalue()


def test_scan_pdf_makes_one_pdf_of_the_images(tmp_path):
    """A page photographed at 200 dpi becomes one PDF (the verification marks, HR's to add and slow to read, are
    off in this test's profile: a scan is never refused for them)."""
    marks_off = "".join(f'"{rule}" = "off"\n' for rule in pdf_marks.RULE_IDS)
    profile = tmp_path / "no-marks.toml"
    profile.write_text(f'extends = "zj-2021"\n[rules]\n{marks_off}', encoding="utf-8")
    images = [("files", ("p1.jpg", _jpeg(200), "image/jpeg"))]
    with TestClient(create_app(load_profile(profile)), base_url=BASE_URL) as client:
        answer = client.post("/api/scan-pdf", files=images, data={"name": "学历证书"})
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    assert answer.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''%E5%AD%A6%E5%8E%86%E8%AF%81%E4%B9%A6.pdf" in answer.headers["content-disposition"]


def test_scan_pdf_refuses_with_422_and_the_findings(client):
    answer = client.post("/api/scan-pdf", files=[("files", ("notes.jpg", b"not an image", "image/jpeg"))],
                         data={"lang": "en"})
    assert answer.status_code == 422
    assert answer.json()["files"][0]["findings"][0]["severity"] == "error"


# --- bundle ---------------------------------------------------------------------------------------------------

def test_a_bundle_of_an_incomplete_application_gets_422_with_the_reasons(client):
    files = [("files", ("张伟/证件照.jpg", _bytes(PHOTOS / "good-413x579.jpg"), "image/jpeg"))]
    answer = client.post("/api/bundle", files=files, data={"lang": "en"})
    assert answer.status_code == 422
    result = answer.json()
    assert result["schema"] == "docprep.bundle-result/1" and not result["written"]
    assert result["output"] == "张伟.zip"
    application = result["report"]["applications"][0]
    assert application["path"] == "张伟"
    assert "app.missing-attachment" in {f["rule"] for f in application["findings"]}


def two_document_profile(folder: Path) -> Path:
    """zj-2021 asking only for the photo and the appointment letter: a complete application in two files."""
    path = folder / "two-documents.toml"
    path.write_text('extends = "zj-2021"\n[app.attachments]\nrequires = ["photo", "appointment"]\n', encoding="utf-8")
    return path


def test_a_bundle_of_a_complete_application_is_the_zip(tmp_path):
    files = [("files", ("李四/证件照.jpg", _bytes(PHOTOS / "good-413x579.jpg"), "image/jpeg")),
             ("files", ("李四/聘书.pdf", _bytes(ATTACHMENTS / "good-copy.pdf"), "application/pdf"))]
    with TestClient(create_app(load_profile(two_document_profile(tmp_path))), base_url=BASE_URL) as client:
        answer = client.post("/api/bundle", files=files, data={"fix_photo": "1"})
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
    assert "filename*=UTF-8''%E6%9D%8E%E5%9B%9B.zip" in answer.headers["content-disposition"]
    names = zipfile.ZipFile(io.BytesIO(answer.content)).namelist()
    assert names == ["00-证件照.jpg", "01-聘书.pdf", "manifest.json", "report.html"]


# --- refusals before anything is read --------------------------------------------------------------------------

@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "127.0.0.1.evil.example", "localhost.evil"])
def test_a_foreign_host_is_refused(client, host):
    answer = client.get("/", headers={"host": host})
    assert answer.status_code == 403 and "DNS" in answer.json()["error"]


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "LOCALHOST", "[::1]:8765"])
def test_this_machine_s_names_are_answered(client, host):
    assert client.get("/", headers={"host": host}).status_code == 200


@pytest.mark.parametrize("headers", [{"origin": "http://evil.example"}, {"origin": "null"},
                                     {"origin": "http://127.0.0.1:9999"}, {"sec-fetch-site": "cross-site"}])
def test_a_cross_site_post_is_refused(client, headers):
    files = [("files", ("a.jpg", b"x", "image/jpeg"))]
    answer = client.post("/api/check?lang=en", files=files, headers=headers)
    assert answer.status_code == 403 and "another site" in answer.json()["error"]


def test_a_post_from_the_page_itself_passes_the_origin_check(client):
    answer = client.post("/api/fix", files=[("file", ("a.jpg", _bytes(PHOTOS / "good-413x579.jpg"), "image/jpeg"))],
                         headers={"origin": BASE_URL, "sec-fetch-site": "same-origin"})
    assert answer.status_code == 200


def test_hosts_when_bound_to_every_address():
    assert allowed_host("192.168.1.20", "0.0.0.0") and allowed_host("::1", "::")
    assert not allowed_host("evil.example", "0.0.0.0") and not allowed_host("192.168.1.20", "127.0.0.1")
    assert allowed_host("myhost.local", "myhost.local") and host_name("[::1]:80") == "::1"


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    with TestClient(create_app(load_profile("zj-2021"), upload_limit_mb=0.05), base_url=BASE_URL) as client:
        yield client


def test_an_upload_over_the_limit_gets_413_before_it_is_read(small):
    big = [("files", ("big.pdf", os.urandom(60_000), "application/pdf"))]
    answer = small.post("/api/check?lang=en", files=big)
    assert answer.status_code == 413 and "at most 0.05 MB" in answer.json()["error"]


def test_an_upload_without_a_length_is_counted_as_it_arrives(small):
    def chunks():
        yield b"--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.pdf\"\r\n\r\n"
        for _ in range(10):
            yield os.urandom(10_000)
        yield b"\r\n--x--\r\n"

    answer = small.post("/api/check", content=chunks(), headers={"content-type": "multipart/form-data; boundary=x"})
    assert answer.status_code == 413


def test_the_upload_limit_is_the_profile_s():
    assert load_profile("zj-2021").section("file").serve.upload_limit_mb == 50


# --- the server ---------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(profile: Path, tmp: Path, *options: str) -> tuple[subprocess.Popen, str]:
    """`docprep serve` in a subprocess (its temporary folder in `tmp`), once it says where it listens."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(tmp), "TEMP": str(tmp), "TMP": str(tmp)}
    process = subprocess.Popen([sys.executable, "-m", "docprep", "serve", "--port", str(port), "--profile",
                                str(profile), *options], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                               cwd=ROOT, text=True, encoding="utf-8")
    url = f"http://127.0.0.1:{port}/"
    lines: list[str] = []
    ready = threading.Event()

    def read():
        for line in process.stdout:
            lines.append(line)
            if url in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(60):
        process.kill()
        pytest.fail("docprep serve did not start: " + "".join(lines))
    return process, url


def stop_server(process: subprocess.Popen) -> int:
    process.send_signal(signal.CTRL_C_EVENT if os.name == "nt" else signal.SIGINT)
    try:
        return process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


@pytest.mark.skipif(os.name == "nt", reason="Ctrl-C is sent as SIGINT here")
def test_ctrl_c_stops_the_server_and_removes_its_folder(tmp_path):
    process, _ = start_server(two_document_profile(tmp_path), tmp_path)
    assert len(list(tmp_path.glob("docprep-serve-*"))) == 1
    assert stop_server(process) == 0
    assert not list(tmp_path.glob("docprep-serve-*"))


def test_check_tells_its_progress_file_by_file_when_asked_for_lines(client):
    files = [("files", ("a.jpg", _bytes(PHOTOS / "good-413x579.jpg"), "image/jpeg")),
             ("files", ("b.txt", b"notes", "text/plain"))]
    answer = client.post("/api/check", files=files, headers={"accept": "application/x-ndjson"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in answer.text.splitlines()]
    assert lines[0] == {"done": 0, "total": 2, "path": None}
    assert sorted(line["path"] for line in lines[1:-1]) == ["a.jpg", "b.txt"]
    assert [line["done"] for line in lines[1:-1]] == [1, 2]
    assert lines[-1]["status"] == 200 and lines[-1]["report"]["schema"] == "docprep.report/1"
    refused = client.post("/api/check", files=files, data={"profile": "nope"},
                          headers={"accept": "application/x-ndjson"})
    assert refused.status_code == 400


def test_a_check_past_the_time_limit_answers_its_report_and_the_server_keeps_answering(tmp_path):
    """/api/check runs in a worker process under the profile's [file] time_limit_s: a PDF far too long for it gets
    file.time-limit in the answer, and the server answers other requests while that check runs."""
    profile = tmp_path / "two-seconds.toml"
    profile.write_text('extends = "zj-2021"\n[file]\ntime_limit_s = 2.0\n', encoding="utf-8")
    # 40 pages read for their verification marks: far more than 2 s of work
    long_copy = pdf_from_images([page_image(dpi=150, seed=s % 4) for s in range(40)])
    slow: dict = {}
    with TestClient(create_app(load_profile(profile)), base_url=BASE_URL) as client:
        def check_long_copy() -> None:
            files = [("files", ("长扫描件.pdf", long_copy, "application/pdf"))]
            slow["answer"] = client.post("/api/check", files=files, data={"lang": "en"})

        worker = threading.Thread(target=check_long_copy)
        started = time.monotonic()
        worker.start()
        time.sleep(0.5)
        page = client.get("/")
        assert page.status_code == 200 and worker.is_alive()  # answered while the long check runs
        photo = [("files", ("a.jpg", _bytes(PHOTOS / "good-413x579.jpg"), "image/jpeg"))]
        other = client.post("/api/check", files=photo, data={"profile": "zj-2021", "lang": "en"})
        worker.join(timeout=120)
    assert other.status_code == 200 and [f["status"] for f in other.json()["files"]] == ["ok"]
    answer = slow["answer"]
    assert answer.status_code == 200 and time.monotonic() - started < 60
    [long_file] = answer.json()["files"]
    assert long_file["path"] == "长扫描件.pdf" and long_file["kind"] == "pdf"
    assert [(f["rule"], f["severity"]) for f in long_file["findings"]] == [("file.time-limit", "error")]
    assert "more than the 2 s allowed" in long_file["findings"][0]["message"]


def test_the_page_s_files_ship_in_the_wheel():
    """The template, script and style sheet are package data: listed in pyproject, or a real install has no page."""
    import fnmatch

    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    web = ROOT / "docprep" / "web"
    data = [p for p in web.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")]
    for path in data:
        package = ".".join(path.parent.relative_to(ROOT).parts)
        assert package in setuptools["packages"], package
        assert any(fnmatch.fnmatch(path.name, pattern) for pattern in setuptools["package-data"][package]), path
    assert len(data) >= 3 and "docprep.web" in setuptools["packages"]


def test_another_address_is_warned_of_and_a_taken_port_is_exit_2():
    with socket.socket() as taken:
        try:
            taken.bind(("127.0.0.2", 0))  # loopback beyond 127.0.0.1: Linux and Windows have it, macOS not
        except OSError:
            pytest.skip("127.0.0.2 is not an address of this machine")
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run([sys.executable, "-m", "docprep", "serve", "--host", "127.0.0.2", "--port", str(port),
                              "--lang", "en"], capture_output=True, text=True, encoding="utf-8", timeout=60, cwd=ROOT)
    assert run.returncode == 2
    assert "Warning: docprep serve is bound to 127.0.0.2" in run.stderr
    assert f"cannot serve the page on 127.0.0.2:{port}" in run.stderr


def test_a_folder_of_applicants_is_judged_applicant_by_applicant(client):
    photo = _bytes(PHOTOS / "good-413x579.jpg")
    files = [("files", ("申报/张伟/证件照.jpg", photo, "image/jpeg")),
             ("files", ("申报/李娜/证件照.jpg", photo, "image/jpeg"))]
    report = client.post("/api/check", files=files).json()
    assert [a["path"] for a in report["applications"]] == ["申报/张伟", "申报/李娜"]
    assert [f["path"] for a in report["applications"] for f in a["files"]] == ["申报/张伟/证件照.jpg",
                                                                               "申报/李娜/证件照.jpg"]
