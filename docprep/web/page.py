"""The page itself: one Jinja2 template (templates/index.html.j2) with its texts in both languages from the
catalogues ([page] keys), the shipped profiles, and each rule's title and fix as the profiles word them (commands
named as the page's buttons: web.advice), handed to the page's script as JSON (the script switches language
without asking the server)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from ..api import attachment_kind_names
from ..i18n import LANGUAGES, Text, catalogue
from ..profiles import Profile, load_profile, shipped_profiles
from ..profiles.texts import with_settings
from ..rules import REGISTRY
from ..rules.registry import Rule
from .advice import page_text

TEMPLATES = Path(__file__).resolve().parent / "templates"
_SECTION = "page."


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True)


def page_texts() -> dict[str, dict[str, str]]:
    """The page's texts, by language then key (the [page] section of each catalogue)."""
    return {lang: {key[len(_SECTION):]: text for key, text in catalogue(lang).items() if key.startswith(_SECTION)}
            for lang in LANGUAGES}


def _both(text) -> dict[str, str]:
    return {lang: text(lang) for lang in LANGUAGES}


def rule_text(text: Text, rule: Rule, profile: Profile) -> Text:
    """One of a rule's texts as the page shows it: the profile's limits in it, the page's words for commands."""
    return page_text(with_settings(text, profile, rule.family))


def describe(profile: Profile) -> dict:
    """A profile as the page shows it: its description, its attachment kinds' names, and each rule's title and fix
    with the profile's limits in them, in the page's words (web.advice: its buttons, not commands)."""
    rules = {rule.id: {"title": _both(rule_text(rule.title, rule, profile)),
                       "fix": _both(rule_text(rule.fix, rule, profile))} for rule in REGISTRY.values()}
    return {"name": profile.name, "description": _both(profile.description), "rules": rules,
            "kinds": {kind: _both(label) for kind, label in attachment_kind_names(profile).items()}}


@lru_cache(maxsize=None)
def _shipped(name: str) -> dict:
    return describe(load_profile(name))


def render_page(default: Profile, lang: str, upload_limit: int) -> str:
    """The page in `lang`, with `default` chosen and the upload limit (bytes) it checks before sending."""
    names = sorted(set(shipped_profiles()) | {default.name})
    profiles = [_shipped(name) if name in shipped_profiles() else describe(default) for name in names]
    texts = page_texts()
    data = {"lang": lang, "texts": texts, "profiles": profiles, "profile": default.name, "limit": upload_limit}
    return _environment().get_template("index.html.j2").render(t=texts[lang], lang=lang, data=data)

