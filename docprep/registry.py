"""Rule declarations. Each rule is declared once, beside its check, with id, severity, titles and explanation."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from .findings import Severity
from .i18n import Text


@dataclass(frozen=True)
class Problem:
    """What a check reports; the engine adds the rule id and the profile's severity."""

    message: Text
    measured: object = None
    expected: object = None
    page: int | None = None
    box: tuple[float, float, float, float] | None = None
    # At most this severity (e.g. a resolution that only earns a warning): the profile's level for the rule
    # still applies when it is lower, and "off" still silences the rule.
    severity: Severity | None = None


class LoadFailure(Exception):
    """Raised while loading a document: the file cannot be checked further, and this rule says why."""

    def __init__(self, rule: str, problem: Problem):
        super().__init__(rule, problem.message.en)
        self.rule = rule
        self.problem = problem


Check = Callable[..., Iterable[Problem]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: Text
    explain: Text
    fix: Text
    check: Check | None = None

    @property
    def family(self) -> str:
        return self.id.split(".", 1)[0]


@dataclass
class RuleFamily:
    """The rules of one module. Rules with a check run on every loaded document of the family;
    rules without one are raised by the loader (LoadFailure) or by the engine."""

    name: str
    settings: dict = field(default_factory=dict)  # profile keys of the family's section: name -> Setting or sub-table
    rules: list[Rule] = field(default_factory=list)
    # Cross-checks of a loaded profile section that per-key types cannot express: returns an error text or None.
    validate: Callable[[dict], str | None] | None = None

    def declare(self, rule_id: str, severity: Severity, *, title: Text, explain: Text, fix: Text,
                check: Check | None = None) -> Rule:
        if not rule_id.startswith(self.name + "."):
            raise ValueError(f"rule {rule_id} does not belong to family {self.name}")
        rule = Rule(rule_id, severity, title, explain, fix, check)
        self.rules.append(rule)
        return rule

    def rule(self, rule_id: str, severity: Severity, *, title: Text, explain: Text, fix: Text):
        """Decorator form of declare() for a rule with a check function."""

        def register(check: Check) -> Check:
            self.declare(rule_id, severity, title=title, explain=explain, fix=fix, check=check)
            return check

        return register

    @property
    def checks(self) -> list[Rule]:
        return [r for r in self.rules if r.check is not None]
