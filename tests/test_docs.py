"""Docs that cannot drift: README's rule table lists exactly the rules `docprep rules` lists, and every command
example in README parses with the real command line (the way sqlite-utils tests its docs against its commands)."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from docprep.cli import cli
from docprep.rules import REGISTRY

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_rule_table_lists_every_rule_once():
    table = re.findall(r"^\| `([a-z]+\.[a-z-]+)`(?:, `([a-z]+\.[a-z-]+)`)? \|", README, re.MULTILINE)
    listed = [rule for row in table for rule in row if rule]
    assert sorted(listed) == sorted(REGISTRY), set(listed) ^ set(REGISTRY)
    assert len(listed) == len(set(listed))


def _examples() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", README, re.DOTALL)
    commands = []
    for block in blocks:
        for line in block.splitlines():
            line = line.split(" #", 1)[0].strip()
            if line.startswith("docprep "):
                commands.append(re.split(r"\s[|>]\s", line)[0])
    return commands


def test_readme_has_command_examples():
    assert len(_examples()) >= 10


@pytest.mark.parametrize("command", _examples())
def test_readme_command_example_parses(command):
    name, *args = shlex.split(command)[1:]
    assert name in cli.commands, f"README runs an unknown command: {command}"
    with click.Context(cli, info_name="docprep") as top:
        cli.commands[name].make_context(name, args, parent=top)  # raises click.UsageError on a wrong option


def test_readmes_applications_example_runs(capsys, monkeypatch):
    """README's Python example for applications, run as written from the repository's root: the three sample
    applicants with their verdicts (王芳 with the typical mistakes)."""
    [block] = [b for b in re.findall(r"```python\n(.*?)```", README, re.DOTALL) if "plan_check" in b]
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    exec(compile(block, "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in printed] == [["张伟", "ok"], ["李娜", "ok"], ["王芳", "error"]]
    assert "app.missing-attachment" in printed[2]


# --- docs/ci.md and the pre-commit hook: what CI users copy must run ---------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
CI = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
# A docprep command in a CI file, a crontab or a batch file: after a path (/opt/docprep/bin/docprep,
# C:\...\docprep.exe), a YAML item or key, or at the start of a line; up to a shell operator or a comment.
_CI_COMMAND = re.compile(r"(?:^|[\s/\\])docprep(?:\.exe)? ([a-z][a-z-]*)(.*)$")
_SHELL_END = re.compile(r"\s(?:\|\||\||&&|\d?>>?)\s|\s#")


def _ci_examples() -> list[str]:
    commands = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", CI, re.DOTALL):
        for line in block.splitlines():
            found = _CI_COMMAND.search(line)
            if found:
                rest = _SHELL_END.split(found.group(2), maxsplit=1)[0]
                commands.append(f"docprep {found.group(1)}{rest}".strip())
    return commands


def test_ci_doc_has_command_examples():
    assert len(_ci_examples()) >= 8


@pytest.mark.parametrize("command", _ci_examples())
def test_ci_doc_command_example_parses(command):
    name, *args = shlex.split(command.replace("\\", "/"))[1:]  # Windows paths: the parse, not the path, is tested
    assert name in cli.commands, f"docs/ci.md runs an unknown command: {command}"
    with click.Context(cli, info_name="docprep") as top:
        cli.commands[name].make_context(name, args, parent=top)


def test_ci_doc_yaml_examples_load():
    import yaml  # PyYAML: a dependency of rapidocr, so of docprep itself
    blocks = re.findall(r"```yaml\n(.*?)```", CI, re.DOTALL)
    loaded = [yaml.safe_load(block) for block in blocks]
    gitlab = next(doc["docprep"] for doc in loaded if "docprep" in doc and "script" in doc["docprep"])
    assert gitlab["artifacts"]["when"] == "always"
    assert gitlab["artifacts"]["reports"] == {"junit": "docprep-junit.xml", "codequality": "gl-code-quality.json"}
    steps = next(doc["jobs"]["docprep"]["steps"] for doc in loaded if "jobs" in doc)
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["if"] == "always()" and upload["with"]["sarif_file"] == "docprep.sarif"


def test_pre_commit_hook_is_declared_for_photos_and_pdfs_in_one_process():
    import yaml
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook, = hooks
    assert hook["id"] == "docprep" and hook["language"] == "python" and hook["entry"] == "docprep check"
    assert hook["types_or"] == ["pdf", "jpeg", "png"] and hook["require_serial"] is True
    # pre-commit runs `entry args... files...`: that must parse as a check of the files.
    name, *args = shlex.split(hook["entry"])[1:]
    with click.Context(cli, info_name="docprep") as top:
        cli.commands[name].make_context(name, [*hook.get("args", []), "证件照.jpg", "聘书.pdf"], parent=top)
