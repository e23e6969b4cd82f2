"""Docs that are tested: every command has help text and a place in the README."""

from __future__ import annotations

import re

import click
import pytest
from conftest import REPO

from graph.cli import cli

README = (REPO / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help_and_is_in_the_readme(name: str) -> None:
    command = cli.commands[name]
    assert command.help and command.help.strip(), f"{name} has no help text"
    assert re.search(rf"`cinecoop {re.escape(name)}\b", README) or re.search(
        rf"\$ cinecoop (--\S+ \S+ )*{re.escape(name)}\b", README), f"{name} missing from README"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_has_help(name: str) -> None:
    for param in cli.commands[name].params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"{name} {param.opts} has no help"


def test_readme_starts_with_the_two_commands() -> None:
    first_block = README.split("```")[1]
    assert "scripts/demo.sh" in first_block and "scripts/test.sh" in first_block
