"""The rule registry: every family module, and every rule by id. Registration is explicit: add a family here."""
from __future__ import annotations

from . import application, completeness, files, pdf, pdf_marks, photo
from .registry import Rule

__all__ = ["FAMILIES", "REGISTRY", "application", "completeness", "files", "pdf", "pdf_marks",
           "photo"]  # pdf_marks: pdf's rules; completeness: app's

FAMILIES = (files.FAMILY, photo.FAMILY, pdf.FAMILY, application.FAMILY)


def _build() -> dict[str, Rule]:
    registry: dict[str, Rule] = {}
    for family in FAMILIES:
        for rule in family.rules:
            if rule.id in registry:
                raise RuntimeError(f"rule id {rule.id} declared twice")
            registry[rule.id] = rule
    return registry


REGISTRY: dict[str, Rule] = _build()
