"""The report as JUnit XML, for CI test tabs (GitLab's `artifacts:reports:junit`, Jenkins, Azure).

A test case per entry (a file; with applications, an application and each of its files), named by its path, with
the applicant (or, before applications, the file's folder) as classname. `classname` + `name` are unique: GitLab
keeps only one of two equal cases, so a repeated path gets ' #2'. A file with errors fails, the failure holding one
line per error. Warnings do not fail a file (exit 0 with warnings), so they go to the case's system-out, where
the test tab shows them beside a pass; a case is never "skipped", which would say the file was not checked.
Suites: one per application, or one for the whole run before applications."""
from __future__ import annotations

import os
import xml.etree.ElementTree as ET

from ..i18n import counted
from ..model import Severity, Status
from .entries import Entry, finding_line, name_safe, xml_safe


def _classname(entry: Entry) -> str:
    if entry.application:
        return name_safe(f"{entry.applicant} ({entry.application})" if entry.applicant else entry.application)
    return name_safe(os.path.dirname(entry.file.path).replace(os.sep, "/") or ".")


def _test_case(entry: Entry, name: str, lang: str) -> ET.Element:
    case = ET.Element("testcase", classname=_classname(entry), name=name, file=name_safe(entry.file.path))
    errors = [f for f in entry.findings if f.severity is Severity.ERROR]
    warnings = [f for f in entry.findings if f.severity is Severity.WARNING]
    if errors:
        failure = ET.SubElement(case, "failure", message=xml_safe(counted("error", len(errors))(lang)), type="error")
        failure.text = xml_safe("\n".join(finding_line(f, lang) for f in errors))
    if warnings:
        ET.SubElement(case, "system-out").text = xml_safe("\n".join(finding_line(f, lang) for f in warnings))
    return case


def _unique_names(entries: list[Entry]) -> list[str]:
    """Each entry's test name: its path, with ' #2', ' #3' ... where classname and name would repeat."""
    used: set[tuple[str, str]] = set()
    names = []
    for entry in entries:
        base = name = name_safe(entry.file.path)
        ordinal = 1
        while (_classname(entry), name) in used:
            ordinal += 1
            name = f"{base} #{ordinal}"
        used.add((_classname(entry), name))
        names.append(name)
    return names


def _counts(entries: list[Entry]) -> dict[str, str]:
    failures = sum(entry.file.status is Status.ERROR for entry in entries)
    return {"tests": str(len(entries)), "failures": str(failures), "errors": "0", "skipped": "0"}


def render(entries: list[Entry], lang: str, suite: str) -> bytes:
    """The JUnit XML document (UTF-8, with its declaration). `suite` names the run's suite (and the document)."""
    groups: dict[str, list[tuple[Entry, str]]] = {}
    for entry, name in zip(entries, _unique_names(entries)):
        groups.setdefault(entry.application, []).append((entry, name))
    root = ET.Element("testsuites", name=xml_safe(suite), **_counts(entries))
    for application, members in groups.items():
        label = _classname(members[0][0]) if application else suite
        element = ET.SubElement(root, "testsuite", name=xml_safe(label), **_counts([e for e, _ in members]))
        element.extend(_test_case(entry, name, lang) for entry, name in members)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
