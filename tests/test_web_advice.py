"""The page names its own buttons, never a command (docprep/web/advice.py): a user who knows nothing of the command
line reads "use the “Fix this photo” button", not "`docprep fix`". Every rule's texts as the page shows them, and the
findings of uploads that draw each kind of command advice through the API with `wording=page`, in both languages; the
command line's texts and the API's default answer still name the commands."""
from __future__ import annotations

import io
import re

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed: pip install \".[web]\"")
pytest.importorskip("multipart", reason="the web extra is not installed: pip install \".[web]\"")
from PIL import Image  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402
from test_docphoto import photo_pdf  # noqa: E402
from test_web_api import ATTACHMENTS, BASE_URL, PHOTOS  # noqa: E402

from docprep.i18n import LANGUAGES, catalogue  # noqa: E402
from docprep.profiles import load_profile, shipped_profiles  # noqa: E402
from docprep.profiles.texts import with_settings  # noqa: E402
from docprep.rules import REGISTRY  # noqa: E402
from docprep.web.app import create_app  # noqa: E402
from docprep.web.page import describe, rule_text  # noqa: E402

# A command or an option as the command line names them: `docprep fix`, docprep check, --kind, -o, (-v).
COMMAND = re.compile(r"docprep (?:check|fix|bundle|init|rules|profiles|serve)\b|(?<![\w-])--?[a-z]")


def _commands(texts) -> list[str]:
    return [text for text in texts if COMMAND.search(text)]


@pytest.mark.parametrize("name", sorted(shipped_profiles()))
def test_every_rule_text_the_page_shows_names_no_command(name):
    profile = load_profile(name)
    shown = [rule_text(getattr(rule, field), rule, profile)(lang) for rule in REGISTRY.values()
             for field in ("title", "explain", "fix") for lang in LANGUAGES]
    assert not _commands(shown)


def test_the_page_names_its_buttons_where_the_command_line_names_commands():
    profile, rule = load_profile("zj-2021"), REGISTRY["photo.aspect-ratio"]
    cli = with_settings(rule.fix, profile, rule.family)
    assert "`docprep fix`" in cli.zh and "`docprep fix`" in cli.en  # the command line's words are unchanged
    page = describe(profile)["rules"]
    for lang in LANGUAGES:
        assert catalogue(lang)["page.fix"] in page["photo.aspect-ratio"]["fix"][lang]
        assert catalogue(lang)["page.scan_title"] in page["file.document-image"]["fix"][lang]
    color = REGISTRY["pdf.color"]
    assert "--kind original" in color.explain.zh and "选“原件”" in rule_text(color.explain, color, profile).zh


def _image(picture: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    picture.save(out, fmt)
    return out.getvalue()


def _uploads() -> list:
    """A fixable photo (wrong shape), a PNG named .jpg, a blue backdrop, a certificate saved as JPG, a copy whose
    name says no kind (checked as a copy: "--kind original"), and a desk photo made a PDF."""
    files = [("landscape.jpg", (PHOTOS / "landscape-phone-1600x1200.jpg").read_bytes()),
             ("png.jpg", (PHOTOS / "png-renamed.jpg").read_bytes()),
             ("blue.jpg", (PHOTOS / "blue-background.jpg").read_bytes()),
             ("毕业证.jpg", _image(Image.new("RGB", (800, 600), (200, 190, 170)), "JPEG")),
             ("no-seal.pdf", (ATTACHMENTS / "no-seal.pdf").read_bytes()),
             ("desk.pdf", photo_pdf())]
    return [("files", (name, data, "application/octet-stream")) for name, data in files]


def _messages(node) -> list[str]:
    """Every text a person reads in a report or bundle answer (findings, refusals, what was left out)."""
    if isinstance(node, dict):
        return [t for key, value in node.items()
                for t in ([value] if key == "message" and isinstance(value, str) else _messages(value))]
    return [t for item in node for t in _messages(item)] if isinstance(node, list) else []


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(load_profile("zj-2021")), base_url=BASE_URL) as client:
        yield client


@pytest.fixture(scope="module", params=LANGUAGES)
def checked(request, client):
    """The uploads checked twice in one language: as API users get it, and in the page's words."""
    lang = request.param
    plain = client.post("/api/check", files=_uploads(), data={"lang": lang})
    page = client.post("/api/check", files=_uploads(), data={"lang": lang, "wording": "page"})
    assert plain.status_code == page.status_code == 200
    return lang, plain.json(), page.json()


def test_the_check_the_page_shows_names_no_command(checked):
    lang, plain, page = checked
    rules = {f["rule"] for file in page["files"] for f in file["findings"]}
    assert {"photo.aspect-ratio", "photo.not-jpeg", "photo.background", "file.document-image",
            "pdf.photographed-page", "pdf.missing-seal"} <= rules
    fixes = describe(load_profile("zj-2021"))["rules"]
    shown = _messages(page) + [fixes[rule]["fix"][lang] for rule in rules]
    assert not _commands(shown)
    assert any(catalogue(lang)["page.fix"] in text for text in shown)
    assert any(catalogue(lang)["page.kind"] in text for text in shown)  # "--kind original" as the page's choice
    # API users get the command line's JSON: the same findings, the commands named
    assert len(_commands(_messages(plain))) >= 5 and "docprep fix" in " ".join(_messages(plain))
    assert [f["rule"] for x in plain["files"] for f in x["findings"]] == [f["rule"] for x in page["files"]
                                                                        for f in x["findings"]]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_refusals_the_page_shows_name_no_command(client, lang):
    """A bundle refused (an application with errors, a certificate saved as JPG left out), a photo no fix saves and
    a PDF sent among the images of one PDF, in the page's words."""
    form = {"lang": lang, "wording": "page"}
    application = [("files", ("张伟/" + name, data, kind)) for _, (name, data, kind) in _uploads()[1:4]]
    bundle = client.post("/api/bundle", files=application, data=form)
    fix = client.post("/api/fix", files=[("file", ("blurry.jpg", (PHOTOS / "blurry.jpg").read_bytes(), "image/jpeg"))],
                      data=form)
    scan = client.post("/api/scan-pdf", files=[("files", ("p1.jpg", (PHOTOS / "good-413x579.jpg").read_bytes(),
                                                          "image/jpeg")),
                                               ("files", ("a.pdf", (ATTACHMENTS / "no-seal.pdf").read_bytes(),
                                                          "application/pdf"))], data=form)
    assert bundle.status_code == fix.status_code == scan.status_code == 422
    shown = _messages(bundle.json()) + _messages(fix.json()) + _messages(scan.json())
    assert {left["reason"] for left in bundle.json()["left_out"]} >= {"document-image"}
    assert catalogue(lang)["page.check_title"] in _messages(scan.json())[0]  # a PDF is checked, not made a PDF
    assert shown and not _commands(shown)
