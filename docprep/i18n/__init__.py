"""Bilingual text: every user-facing string exists in Chinese (default) and English.

Rule texts are declared with their rules (Text pairs). Everything else people read — report labels, summaries,
command-line and library error messages, picture banners — is in one catalogue per language (zh.toml, en.toml
beside this file), looked up by key: `message("report.summary", files=...)` gives a Text for both languages."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Text:
    zh: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def format(self, **values) -> "Text":
        return Text(self.zh.format(**values), self.en.format(**values))

    def __add__(self, other: "Text") -> "Text":
        return Text(self.zh + other.zh, self.en + " " + other.en)


def default_language() -> str:
    """The language asked for by DOCPREP_LANG, else Chinese."""
    lang = os.environ.get("DOCPREP_LANG", "zh").strip().lower()[:2]
    return lang if lang in LANGUAGES else "zh"


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """Key -> text of one language's catalogue (dotted keys: [report] summary is "report.summary")."""
    text = resources.files(__package__).joinpath(f"{lang}.toml").read_text(encoding="utf-8")
    return _flatten(tomllib.loads(text))


def message(key: str, **values) -> Text:
    """The catalogue's text for `key` in both languages, with `values` filled in. Values that are Text are
    filled in with their own language."""
    zh = {k: v.zh if isinstance(v, Text) else v for k, v in values.items()}
    en = {k: v.en if isinstance(v, Text) else v for k, v in values.items()}
    return Text(catalogue("zh")[key].format(**zh), catalogue("en")[key].format(**en))


def counted(noun: str, n: int) -> Text:
    """"3 files" / "3 个文件": the catalogue's [count] NOUN_one or NOUN_other form, with n filled in."""
    return message(f"count.{noun}_{'one' if n == 1 else 'other'}", n=n)
