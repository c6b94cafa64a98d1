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
