"""The report as SARIF 2.1.0 (OASIS), for GitHub code scanning and other SARIF readers.

One run. The rules that have results are described with the help `docprep rules ID` prints: the title, why it
matters and how to fix it, in the report's language, quoting the profile's limits. Every result has a location:
the file as a relative, percent-encoded URI and its page as `region.startLine` (1 for a photo or a finding on
the whole file: code scanning rejects a result without a line). GitHub's own line hash means nothing on a PDF, so
each result carries a fingerprint of its path, rule and page (`partialFingerprints["docprep/v1"]`)."""
from __future__ import annotations

import json

from .. import __version__
from ..i18n import message
from ..model import Severity
from ..profiles import Profile
from ..profiles.texts import with_settings
from ..rules import REGISTRY
from .entries import Entry, artifact_uri, fingerprints

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT = "docprep/v1"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.OFF: "none"}


def _rule_descriptor(rule_id: str, profile: Profile, lang: str) -> dict:
    rule = REGISTRY.get(rule_id)
    if rule is None:  # a finding of a rule this version does not declare: named, not described
        return {"id": rule_id}
    title, why, how = (with_settings(text, profile, rule.family)(lang) for text in (rule.title, rule.explain, rule.fix))
    help_text = f"{why}\n\n{message('cli.rule_fix')(lang)}: {how}"
    return {
        "id": rule.id,
        "shortDescription": {"text": title},
        "fullDescription": {"text": why},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": _LEVELS[profile.severity(rule.id, rule.severity)]},
        "properties": {"tags": [rule.family]},
    }


def _rule_ids(entries: list[Entry]) -> list[str]:
    """The rules with results, in the registry's order (then any undeclared rule, as met)."""
    used = {finding.rule for entry in entries for finding in entry.findings}
    return [r for r in REGISTRY if r in used] + sorted(used - set(REGISTRY))


def _results(entry: Entry, index: dict[str, int], lang: str) -> list[dict]:
    uri = artifact_uri(entry)
    results = []
    for finding, fingerprint in zip(entry.findings, fingerprints(entry)):
        result = {
            "ruleId": finding.rule,
            "ruleIndex": index[finding.rule],
            "level": _LEVELS[finding.severity],
            "message": {"text": finding.message(lang)},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri},
                                                "region": {"startLine": finding.page or 1}}}],
            "partialFingerprints": {FINGERPRINT: fingerprint},
        }
        if entry.applicant or entry.application:
            result["properties"] = {"applicant": entry.applicant, "application": entry.application}
        results.append(result)
    return results


def render(entries: list[Entry], lang: str, profile: Profile) -> bytes:
    """The SARIF log, UTF-8 JSON without a BOM."""
    rule_ids = _rule_ids(entries)
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "docprep", "version": __version__, "semanticVersion": __version__,
                                "rules": [_rule_descriptor(r, profile, lang) for r in rule_ids]}},
            "language": message("formats.language_tag")(lang),
            "results": [result for entry in entries for result in _results(entry, index, lang)],
            "properties": {"profile": profile.name},
        }],
    }
    return (json.dumps(log, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
