"""Typed profile settings: each check family declares the keys it reads; profiles are validated against them, and
each table becomes a frozen settings object of the declared types (docprep.profiles.sections)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Setting:
    """One profile key: its type, bounds and what it means."""

    kind: str  # "int", "float", "bool", "str", "str-list", "size-list", "range"
    help: str
    min: float | None = None
    max: float | None = None
    choices: tuple | None = None
    required: bool = True
    min_items: int = 0  # "str-list": fewest entries (1 where an empty list could never match anything)
    normalize: Callable | None = None  # applied on load to a valid value: the form the checks compare with

    @property
    def python_type(self):
        """The type the checks receive: lists become tuples (settings are frozen)."""
        return _TYPES[self.kind]

    @property
    def empty(self):
        """What an optional key reads as when a profile leaves it out: "none" of its kind (0 = no limit, no text,
        no entries). A required key has no such value."""
        if self.required or self.kind not in _EMPTY:
            raise ValueError(f"a required or {self.kind} setting has no empty value")  # a mistake in a schema
        return _EMPTY[self.kind]

    def typed(self, value):
        """A validated value in the form the checks receive: a float setting as a float (200 and 200.0 are one
        setting), lists as tuples."""
        if self.kind == "float":
            return float(value)
        return _tuples(value)

    def validate(self, value, where: str) -> str | None:
        """Return an error text, or None when the value fits. NaN and infinity are refused for every number:
        NaN compares false with everything, so a bound of NaN silently passes whatever it should stop."""
        kind = self.kind
        if kind == "bool":
            ok = isinstance(value, bool)
        elif kind == "int":
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif kind == "float":
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        elif kind == "str":
            ok = isinstance(value, str)
        elif kind == "str-list":
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        elif kind == "size-list":
            ok = isinstance(value, list) and value and all(
                isinstance(v, list) and len(v) == 2 and all(isinstance(n, int) and n > 0 for n in v) for v in value)
        elif kind == "range":
            ok = (isinstance(value, list) and len(value) == 2
                  and all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in value)
                  and value[0] <= value[1])
        else:  # pragma: no cover - a programming error in a schema
            raise ValueError(f"unknown setting kind {kind}")
        if not ok:
            return f"{where}: expected {_KIND_NAMES[kind]}, got {value!r}"
        numbers = [value] if kind in ("int", "float") else value if kind == "range" else []
        for n in numbers:
            if isinstance(n, float) and not math.isfinite(n):
                return f"{where}: expected a finite number, got {n!r}"
            if self.min is not None and n < self.min:
                return f"{where}: {n!r} is below the minimum {self.min}"
            if self.max is not None and n > self.max:
                return f"{where}: {n!r} is above the maximum {self.max}"
        if self.choices is not None and value not in self.choices:
            return f"{where}: {value!r} is not one of {', '.join(map(str, self.choices))}"
        if kind == "str-list":
            if len(value) < self.min_items:
                return f"{where}: needs at least {self.min_items} entries, got {value!r}"
            if any(not v.strip() for v in value):
                return f"{where}: entries must not be empty, got {value!r}"
        return None


_KIND_NAMES = {
    "bool": "true or false",
    "int": "an integer",
    "float": "a number",
    "str": "a string",
    "str-list": "a list of strings",
    "size-list": "a list of [width, height] pairs of positive integers",
    "range": "[low, high] with low <= high",
}


_TYPES = {
    "bool": bool,
    "int": int,
    "float": float,
    "str": str,
    "str-list": tuple[str, ...],
    "size-list": tuple[tuple[int, int], ...],
    "range": tuple[float, float],  # as written: integers stay integers ([70, 225] grey levels)
}
_EMPTY = {"bool": False, "int": 0, "float": 0.0, "str": "", "str-list": (), "size-list": ()}


def _tuples(value):
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def lower_extensions(values: list[str]) -> list[str]:
    """".JPG" -> "jpg": extensions as docprep.sniff.extension gives them, however a profile spells them."""
    return [v.strip().lstrip(".").lower() for v in values]


def ordered(section: dict, family: str, pairs: tuple[tuple[str, str], ...]) -> str | None:
    """Cross-check of "low <= high" pairs of keys (dotted within the family's section) that each type check passes
    alone: a minimum above its maximum would fail every file. Keys absent (optional, or reported missing
    elsewhere) are skipped."""
    for low_key, high_key in pairs:
        low, high = _lookup(section, low_key), _lookup(section, high_key)
        if low is not None and high is not None and low > high:
            return f"key '{family}.{low_key}' = {low!r} must not be above key '{family}.{high_key}' = {high!r}"
    return None


def _lookup(section: dict, dotted: str):
    value = section
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value
