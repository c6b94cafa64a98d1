"""Bilingual text: every user-facing string exists in Chinese (default) and English."""
from __future__ import annotations

import os
from dataclasses import dataclass

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
