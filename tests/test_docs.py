"""Docs that are tested: every command has help text and a place in the README."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import click
import pytest
from conftest import REPO

from graph.cli import cli
from graph.sparql.named import named_queries

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


def test_the_demo_writes_every_output(tmp_path: Path, sources_dir: Path) -> None:
    """`scripts/demo.sh` (the README's first command) runs to the end: the graph, look-ups,
    every named query's answer, the report, the exports and the site."""
    out = tmp_path / "out"
    env = {**os.environ, "CINECOOP_OUT": str(out), "CINECOOP_SOURCES": str(sources_dir)}
    done = subprocess.run(["bash", str(REPO / "scripts" / "demo.sh")], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    for query in named_queries():
        for fmt in ("csv", "md"):
            answer = out / "queries" / f"{query.name}.{fmt}"
            assert answer.stat().st_size > 0, f"{answer} is empty"
    azizov = (out / "show" / "rashad-azizov.txt").read_text(encoding="utf-8")
    assert "Рашад Азизов" in azizov
    for written in ("graph.trig", "stats.txt", "report.md", "report.html", "index.html",
                    "full.html", "export/org-org.graphml"):
        assert (out / written).stat().st_size > 0, written
