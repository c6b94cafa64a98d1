"""Rule declarations. Each rule is declared once, beside its check, with id, severity, titles and explanation."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..i18n import Text
from ..model import Problem, Severity

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
