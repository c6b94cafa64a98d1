"""The interface catalogues: the same keys and the same placeholders in Chinese and English, every key used by the
code present, and no language branches left in the code (texts are looked up, not chosen with `if lang`)."""
from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from docprep.i18n import LANGUAGES, catalogue, counted, message

PACKAGE = Path(__file__).resolve().parent.parent / "docprep"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogues_have_the_same_keys():
    assert set(catalogue("zh")) == set(catalogue("en"))


@pytest.mark.parametrize("key", sorted(catalogue("zh")))
def test_each_text_takes_the_same_values_in_both_languages(key):
    assert _fields(catalogue("zh")[key]) == _fields(catalogue("en")[key])


def test_every_key_the_code_asks_for_exists():
    source = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py"))
    keys = set(re.findall(r"""message\(\s*f?["']([a-z_]+\.[a-z_]+)["']""", source))
    errors = {f"error.{k}" for k in re.findall(r"""(?:UsageError|OutputError)\(\s*["']([a-z_]+)["']""", source)}
    missing = sorted((keys | errors) - set(catalogue("en")))
    assert not missing and keys, missing


def test_no_language_branches_in_the_code():
    branches = [f"{p.relative_to(PACKAGE.parent)}:{n}" for p in PACKAGE.rglob("*.py") if p.name != "__init__.py"
                or p.parent.name != "i18n" for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                if re.search(r"""lang\s*==\s*["'](zh|en)["']|\bzh\s*=\s*lang\b""", line)]
    assert not branches, branches


def test_plurals_in_english_only():
    assert [counted("file", n).en for n in (0, 1, 2)] == ["0 files", "1 file", "2 files"]
    assert counted("file", 1).zh == "1 个文件"
    assert message("report.page", n=3)("zh") == "第 3 页" and LANGUAGES == ("zh", "en")
