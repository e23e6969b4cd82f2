"""Every ```console example in README.md and CURATING.md is run and its output compared.

An example is ``$ COMMAND`` (continued on the next lines while a quote is open) followed by the
output it prints (standard output and error together). A line ``...`` stands for any number of
lines. The examples run in a scratch copy of the repository (``data/`` copied, ``../shared``
beside it as in CI), one block after the other in document order, so an example may rely on an
earlier one (``build`` before ``show``).

Markers, an HTML comment on the line before a block:

* ``<!-- example: plant FILE "OLD" "NEW" -->`` plants an error (OLD replaced by NEW in FILE of
  the scratch copy) before the block and removes it after: the block shows what the error
  looks like, the shipped data does not have it.
* ``<!-- example: virtuoso -->`` runs the block against a Virtuoso started for the test:
  ``127.0.0.1:8890`` in the commands and the output means that server.
* ``cinecoop serve`` is started in the background (on a free port, standing for
  ``127.0.0.1:8000`` in this and the later blocks) and stopped after the last block; its
  first line is compared.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from clirun import cinecoop
from conftest import REPO
from servers import find_free_port

DOCS = [p for p in (REPO / "README.md", REPO / "CURATING.md") if p.is_file()]
MARKER = re.compile(r"<!--\s*example:\s*(.*?)\s*-->")
SHELL = re.compile(r"[;|&<>`$]|\becho\b")


@dataclass
class Command:
    text: str
    expected: list[str]


@dataclass
class Block:
    doc: str
    line: int
    markers: list[str]
    commands: list[Command] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.line}"


def _complete(text: str) -> bool:
    try:
        shlex.split(text)
    except ValueError:
        return False
    return True


def parse(path: Path) -> Iterator[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() != "```console":
            i += 1
            continue
        markers = MARKER.findall(lines[i - 1]) if i else []
        block = Block(path.name, i + 1, markers)
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            if lines[i].startswith("$ "):
                text = lines[i][2:]
                while not _complete(text) and i + 1 < len(lines):
                    i += 1
                    text += "\n" + lines[i]
                block.commands.append(Command(text, []))
            elif block.commands:
                block.commands[-1].expected.append(lines[i])
            i += 1
        yield block
        i += 1


BLOCKS = [b for doc in DOCS for b in parse(doc)]


def matches(expected: list[str], actual: list[str]) -> bool:
    """``expected`` with ``...`` lines standing for any run of lines equals ``actual``."""
    exp = [e.rstrip() for e in expected]
    act = [a.rstrip() for a in actual]
    memo: dict[tuple[int, int], bool] = {}

    def go(i: int, j: int) -> bool:
        if (i, j) not in memo:
            if i == len(exp):
                memo[i, j] = j == len(act)
            elif exp[i].strip() == "...":
                memo[i, j] = any(go(i + 1, k) for k in range(j, len(act) + 1))
            else:
                memo[i, j] = j < len(act) and exp[i] == act[j] and go(i + 1, j + 1)
        return memo[i, j]

    return go(0, 0)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's data beside ``shared/`` as CI lays them out."""
    root = tmp_path_factory.mktemp("docs")
    work = root / "main"
    work.mkdir()
    shutil.copytree(REPO / "data", work / "data")
    (work / "scripts").symlink_to(REPO / "scripts")
    shared = (REPO.parent / "shared").resolve()
    if shared.is_dir():
        (root / "shared").symlink_to(shared)
    return work


def run(command: str, cwd: Path, env: dict[str, str]) -> list[str]:
    """Run one example; plain ``cinecoop`` commands in-process, anything else through bash."""
    if command.startswith("cinecoop ") and not SHELL.search(command):
        done = cinecoop(*shlex.split(command)[1:], cwd=cwd, env=env)
        text = done.output
        if "Traceback" in done.stderr:
            text += f"\n(exit {done.returncode})"
    else:
        bin_dir = str(Path(sys.executable).parent)
        full = {**os.environ, **env, "PATH": bin_dir + os.pathsep + os.environ["PATH"]}
        full.pop("CINECOOP_SOURCES", None)
        done_p = subprocess.run(["bash", "-c", command], cwd=cwd, env=full, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
        text = done_p.stdout
    return text.splitlines()


def _plant(scratch: Path, marker: str) -> tuple[Path, str] | None:
    parts = shlex.split(marker)
    if not parts or parts[0] != "plant":
        return None
    assert len(parts) == 4, f"plant marker needs FILE OLD NEW: {marker}"
    target = scratch / parts[1]
    before = target.read_text(encoding="utf-8")
    assert parts[2] in before, f"{parts[2]!r} is not in {parts[1]}"
    target.write_text(before.replace(parts[2], parts[3], 1), encoding="utf-8")
    return target, before


@dataclass
class Background:
    """Servers the examples started, and the addresses that stand for them."""

    subst: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen[str]] = field(default_factory=list)


@pytest.fixture(scope="module")
def background() -> Iterator[Background]:
    state = Background()
    yield state
    for proc in state.processes:
        proc.terminate()
        proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()


@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_console_example(block: Block, scratch: Path, background: Background,
                         request: pytest.FixtureRequest) -> None:
    subst = background.subst
    if "virtuoso" in block.markers:
        server = request.getfixturevalue("virtuoso")
        subst["127.0.0.1:8890"] = f"127.0.0.1:{server.http_port}"
    planted = [p for m in block.markers if (p := _plant(scratch, m)) is not None]
    try:
        for cmd in block.commands:
            if cmd.text.startswith("cinecoop serve"):
                actual = _serve(cmd.text, scratch, background)
            text, expected = cmd.text, cmd.expected
            for old, new in subst.items():
                text = text.replace(old, new)
                expected = [e.replace(old, new) for e in expected]
            if not cmd.text.startswith("cinecoop serve"):
                actual = run(text, scratch, {})
            assert matches(expected, actual), (
                f"{block.id}: `$ {text}` printed\n" + "\n".join(actual)
                + "\n--- but the document shows\n" + "\n".join(expected))
    finally:
        for target, before in planted:
            target.write_text(before, encoding="utf-8")


def _serve(text: str, cwd: Path, background: Background) -> list[str]:
    """Start ``cinecoop serve`` on a free port; return the line it prints when ready."""
    port = find_free_port()
    background.subst["127.0.0.1:8000"] = f"127.0.0.1:{port}"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("CINECOOP_SOURCES", None)
    proc = subprocess.Popen([sys.executable, "-m", "graph.cli", *shlex.split(text)[1:],
                             "--port", str(port)], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    background.processes.append(proc)
    assert proc.stdout is not None
    return [proc.stdout.readline().rstrip("\n")]


PYTHON_BLOCKS = [(doc.name, m.group(1)) for doc in DOCS for m in re.finditer(
    r"^```python\n(.*?)^```", doc.read_text(encoding="utf-8"), re.S | re.M)]


@pytest.mark.parametrize("code", [c for _, c in PYTHON_BLOCKS],
                         ids=[f"{d}-python-{i}" for i, (d, _) in enumerate(PYTHON_BLOCKS)])
def test_python_example(code: str, scratch: Path) -> None:
    """A ```python block of the docs runs as it stands (its asserts are the expected output)."""
    with contextlib.chdir(scratch):
        exec(compile(code, "<README python example>", "exec"), {"__name__": "__readme__"})


def test_the_examples_are_found() -> None:
    assert PYTHON_BLOCKS
    commands = [c.text for b in BLOCKS for c in b.commands]
    assert any(c.startswith("cinecoop build") for c in commands)
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert not matches(["a", "...", "d"], ["a", "b"])
