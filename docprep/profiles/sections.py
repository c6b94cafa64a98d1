"""Typed, frozen settings: one class per profile table, generated from the schema the rule families declare (their
SETTINGS dicts), so the schema stays the one source of truth. A family's section is built once when its profile
loads; the checks read it by attribute (`cfg.face.height_ratio`), lists come as tuples, and an optional key the
profile leaves out reads as its empty value (Setting.empty).

The classes are made on first use and found by name in this module (PEP 562 `__getattr__`), so pickle finds them
in a worker process too: profiles cross process boundaries to `check -j` workers."""
from __future__ import annotations

import dataclasses
import re
from functools import lru_cache

from .schema import Setting


def build_section(family: str, schema: dict, values: dict):
    """A family's section from its merged, validated profile table and the family's schema."""
    return _build((family,), schema, values)


def __getattr__(name: str) -> type:
    """A generated class by name, as pickle asks for it (the import system asks for dunder names: none here)."""
    if name.endswith("Settings") and not name.startswith("_") and name in _classes():
        return _classes()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@lru_cache(maxsize=1)
def _classes() -> dict[str, type]:
    from ..rules import FAMILIES  # the rule modules import this package's schema: declared, then generated

    classes: dict[str, type] = {}
    for family in FAMILIES:
        _define((family.name,), family.settings, classes)
    return classes


class _Section:
    """What every generated class shares: keyword construction of every field, frozen, equal and hashed by value,
    shown as a dataclass is. The same behaviour as `make_dataclass(frozen=True)`, but written once here rather than
    generated (an exec of a function per method) for each of the 35 classes: that cost 40 ms at every start of
    docprep and of each worker, as much as a cached run's whole check of a hundred files."""

    __slots__ = ()

    def __init__(self, **values):
        names = self.__dataclass_fields__  # set on each class by make_dataclass
        if values.keys() != names.keys():
            wrong = sorted(set(values) ^ set(names))
            raise TypeError(f"{type(self).__name__}() takes exactly its fields; not these: {', '.join(wrong)}")
        for name in names:
            object.__setattr__(self, name, values[name])

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__dataclass_fields__)

    def __eq__(self, other):
        return self._values() == other._values() if other.__class__ is self.__class__ else NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self.__dataclass_fields__)})"

    def __setattr__(self, name, value):
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name):
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


def _define(path: tuple[str, ...], schema: dict, classes: dict[str, type]) -> type:
    """The class of one table (and of its sub-tables, first), registered under its name."""
    fields = []
    for key, spec in schema.items():
        if isinstance(spec, Setting):
            kind, help_text = spec.python_type, spec.help
            _ = spec.required or spec.empty  # an optional key needs an empty value: a schema mistake fails here
        else:
            kind, help_text = _define(path + (key,), spec, classes), f"the [{'.'.join(path + (key,))}] table"
        fields.append((key, kind, dataclasses.field(metadata={"help": help_text})))
    name = _class_name(path)
    cls = dataclasses.make_dataclass(name, fields, bases=(_Section,), init=False, repr=False, eq=False)
    cls.__module__, cls.__qualname__ = __name__, name
    cls.__doc__ = f"The profile's [{'.'.join(path)}] settings, typed and frozen."
    classes[name] = cls
    return cls


def _class_name(path: tuple[str, ...]) -> str:
    """("photo", "max_pixels") -> "PhotoMaxPixelsSettings"."""
    words = (word for part in path for word in re.split(r"[^A-Za-z0-9]+", part) if word)
    return "".join(word[0].upper() + word[1:] for word in words) + "Settings"


def _build(path: tuple[str, ...], schema: dict, values: dict):
    """An instance of a table's class: each value typed, sub-tables built, absent optional keys empty."""
    kwargs = {}
    for key, spec in schema.items():
        if isinstance(spec, Setting):
            kwargs[key] = spec.typed(values[key]) if key in values else spec.empty
        else:
            kwargs[key] = _build(path + (key,), spec, values.get(key, {}))
    return _classes()[_class_name(path)](**kwargs)
