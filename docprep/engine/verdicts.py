"""From problems to findings: a rule's severity comes from the profile (or "off"), and a problem that only earns
a warning stays one."""
from __future__ import annotations

from typing import Iterable

from ..model import Finding, Problem, Severity
from ..profiles import Profile
from ..rules import REGISTRY

_RANK = {Severity.OFF: 0, Severity.WARNING: 1, Severity.ERROR: 2}


def finding(profile: Profile, rule_id: str, problem: Problem) -> Finding | None:
    """The finding a problem of `rule_id` makes under the profile, or None when the profile turns the rule off."""
    rule = REGISTRY[rule_id]
    severity = profile.severity(rule_id, rule.severity)
    if severity is Severity.OFF:
        return None
    if problem.severity is not None and _RANK[problem.severity] < _RANK[severity]:
        severity = problem.severity
    return Finding(rule_id, severity, problem.message, problem.measured, problem.expected, problem.page, problem.box)


def collect(profile: Profile, pairs: Iterable[tuple[str, Problem]]) -> list[Finding]:
    return [f for f in (finding(profile, rule, problem) for rule, problem in pairs) if f is not None]


def run_family(family, document, profile: Profile) -> list[Finding]:
    """Every enabled rule of a family on one decoded document."""
    settings = profile.section(family.name)
    pairs = []
    for rule in family.checks:
        if profile.severity(rule.id, rule.severity) is Severity.OFF:
            continue
        pairs.extend((rule.id, problem) for problem in rule.check(document, settings))
    return collect(profile, pairs)
