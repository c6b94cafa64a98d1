"""Measured values next to their limits, in messages and reports: never a failing value printed equal to its limit."""
from __future__ import annotations

# More decimals than any measure or limit carries: values that still print alike are equal in every digit shown.
MAX_DECIMALS = 12


def _places(value: float, limit: float, decimals: int) -> int:
    """The fewest decimals, at least `decimals`, at which value and limit round apart (rounding keeps their
    order, so a value over its limit then also prints over it). A value at its limit passes: it prints as it is."""
    places = decimals
    while value != limit and places < MAX_DECIMALS and f"{value:.{places}f}" == f"{limit:.{places}f}":
        places += 1
    return places


def versus(value: float, limit: float, percent: bool = False, decimals: int = 0) -> tuple[str, str]:
    """(value, limit) as text for a message: the value with the fewest decimals (at least `decimals`) that tell it
    from the limit — 0.251 vs 0.25 as "25.1%" vs "25%", 0.524 vs 0.5225 as "52.4%" vs "52.25%" — and the limit as the
    profile gives it."""
    scale = 100 if percent else 1
    places = _places(value * scale, limit * scale, decimals)
    return f"{value * scale:.{places}f}" + ("%" if percent else ""), limit_text(limit, percent)


def rounded(value: float, limit: float, decimals: int = 3) -> float:
    """A measured value for a report's `measured`: rounded to `decimals`, or more where that would equal the limit.
    A signed offset is told from its limit by size (-0.1004 against 0.1 keeps four decimals)."""
    return round(value, _places(abs(value), abs(limit), decimals))


def limit_text(limit: float, percent: bool = False) -> str:
    """A limit as written in the profile, without float noise or trailing zeros: 0.25 -> "25%", 0.8 -> "0.8"."""
    text = f"{limit * (100 if percent else 1):.6f}".rstrip("0").rstrip(".")
    return text + ("%" if percent else "")
