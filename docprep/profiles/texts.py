"""Texts that quote a profile's numbers: a rule's explanation names the active profile's limits, not one platform's.

A text holds {placeholders} in str.format syntax, each a setting of one family's section with its format spec:
"{aspect_ratio[0]:g}", "{file_size.max_bytes:,}", "{marks.seal_diameter_mm[1]:g}"; "{profile}" is the profile's
name. An optional setting the profile leaves out fills in as its empty value (0, "", ())."""
from __future__ import annotations

from ..i18n import Text
from .loader import Profile


def with_settings(text: Text, profile: Profile, family: str) -> Text:
    """`text` with its placeholders filled from `profile`'s section of `family` (a typo raises KeyError or
    AttributeError: tests render every rule's texts for every shipped profile)."""
    values = dict(vars(profile.section(family)), profile=profile.name)
    return Text(text.zh.format_map(values), text.en.format_map(values))
