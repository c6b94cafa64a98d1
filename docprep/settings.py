"""Typed profile settings: each check family declares the keys it reads; profiles are validated against them."""
from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace


@dataclass(frozen=True)
class Setting:
    """One profile key: its type, bounds and what it means."""

    kind: str  # "int", "float", "bool", "str", "str-list", "size-list", "range"
    help: str
    min: float | None = None
    max: float | None = None
    choices: tuple | None = None
    required: bool = True

    def validate(self, value, where: str) -> str | None:
        """Return an error text, or None when the value fits."""
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
            if self.min is not None and n < self.min:
                return f"{where}: {n!r} is below the minimum {self.min}"
            if self.max is not None and n > self.max:
                return f"{where}: {n!r} is above the maximum {self.max}"
        if self.choices is not None and value not in self.choices:
            return f"{where}: {value!r} is not one of {', '.join(map(str, self.choices))}"
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


def to_namespace(value):
    """Nested dicts to attribute access (picklable, so settings travel to worker processes)."""
    if isinstance(value, dict):
        return SimpleNamespace(**{k: to_namespace(v) for k, v in value.items()})
    return value
