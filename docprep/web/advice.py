"""The command line's advice in the page's words: "请用 `docprep fix` 重新裁剪" on the page reads "请用“一键修正照片”按钮
重新裁剪", "give --kind original" reads "choose “original” in “Attachment kind (PDFs)”".

Why the page re-words rather than each front end filling a placeholder: a finding's message is written once, when the
check runs — in a worker process, before anyone knows who will read it — and is kept as it is in the result cache and
in `docprep.report/1`. So the stored words are the command line's (its texts, golden reports and JSON unchanged), and
the page, the one front end with other controls, swaps the few phrases that name a command for what it offers, at its
edge. The swaps are data, declared once in the catalogues' [advice] tables (zh.toml, en.toml): each a regular
expression of the command line's phrase and the page's words, which name the page's buttons by their own [page] texts.
tests/test_web_advice.py walks every rule's texts and the findings of real uploads, so a new command in a text fails.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache

from ..i18n import Text, catalogue

_SECTION = "advice."
# Where a text a person reads sits in docprep.report/1 and docprep.bundle-result/1; paths and names are the user's.
_READ = ("message", "assumptions")


@lru_cache(maxsize=None)
def _swaps(lang: str) -> tuple[tuple[re.Pattern, str], ...]:
    """The [advice] swaps of `lang` in catalogue order, the page's words filled with the [page] texts."""
    texts = catalogue(lang)
    page = {key[len("page."):]: text for key, text in texts.items() if key.startswith("page.")}
    keys = [key[:-len(".cli")] for key in texts if key.startswith(_SECTION) and key.endswith(".cli")]
    return tuple((re.compile(texts[key + ".cli"]), texts[key + ".page"].format_map(page)) for key in keys)


def page_words(text: str, lang: str) -> str:
    """`text` (in `lang`) with each command the command line would name replaced by what the page offers."""
    for pattern, words in _swaps(lang):
        text = pattern.sub(words.replace("\\", "\\\\"), text)
    return text


def page_text(text: Text) -> Text:
    """A Text in the page's words, both languages."""
    return Text(page_words(text.zh, "zh"), page_words(text.en, "en"))


def _reword(node, lang: str, read: bool = False):
    if isinstance(node, dict):
        return {key: _reword(value, lang, key in _READ) for key, value in node.items()}
    if isinstance(node, list):
        return [_reword(item, lang, read) for item in node]
    return page_words(node, lang) if read and isinstance(node, str) else node


def page_document(document: str, lang: str) -> str:
    """A docprep.report/1 or docprep.bundle-result/1 document with the texts people read in the page's words (its
    structure and every path unchanged)."""
    return json.dumps(_reword(json.loads(document), lang), ensure_ascii=False, indent=2) + "\n"
