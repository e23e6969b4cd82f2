"""Run ``cinecoop`` in-process with click's ``CliRunner`` (a separate process only where the
process itself is under test: signals, ``--help`` start-up, a server that must be killed).

:func:`cinecoop` returns what a shell would see: exit status, standard output, standard error.
An exception the CLI did not turn into a message shows as a Python traceback in ``stderr``,
exactly where a user would have seen it, so "no traceback" assertions keep their meaning.
"""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from graph.cli import cli

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str
    output: str  # both streams, interleaved as a terminal shows them


def cinecoop(*args: str | Path, env: Mapping[str, str | None] | None = None,
             cwd: Path | None = None, input: str | None = None) -> Ran:
    """``cinecoop ARGS...`` as a user runs it; ``CINECOOP_SOURCES`` is unset unless given."""
    runner = CliRunner()
    environment: dict[str, str | None] = {"CINECOOP_SOURCES": None, **(env or {})}
    with contextlib.chdir(cwd or REPO):
        result = runner.invoke(cli, [str(a) for a in args], env=environment, input=input,
                               prog_name="cinecoop")
    stderr, output = result.stderr, result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "Traceback (most recent call last):\n" + "".join(
            traceback.format_exception(result.exception))
        stderr, output = stderr + trace, output + trace
    return Ran(result.exit_code, result.stdout, stderr, output)
