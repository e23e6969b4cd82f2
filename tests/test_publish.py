"""A build's outputs are published together or not at all (graph/data/publish.py)."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA

from graph.data.build import (
    MANIFEST,
    OUTPUTS,
    STORE_DIR,
    BuildError,
    OutputError,
    build,
    verify_outputs,
)
from graph.data.publish import (
    BUILDS,
    CURRENT,
    build_lock,
    clean_leftovers,
    forget_first_build,
    publish,
)
from graph.sparql.stores import OxigraphStore


def load_script(name: str) -> object:
    """A module of scripts/ (the fuzz and load scripts are run by tests at a small size),
    registered under its own name so that its worker processes can import it again."""
    if name in sys.modules:
        return sys.modules[name]
    path = Path(__file__).resolve().parent.parent / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


fuzz: Any = load_script("fuzz")


def test_outputs_are_links_through_one_pointer(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(DATA, out)
    target = os.readlink(out / CURRENT)
    assert target.startswith(f"{BUILDS}/")
    for name in (*OUTPUTS, STORE_DIR, MANIFEST):
        assert os.readlink(out / name) == f"{CURRENT}/{name}"
        assert (out / target / name).exists()
    first = json.loads((out / MANIFEST).read_text())
    build(DATA, out)
    assert os.readlink(out / CURRENT) != target     # a new build folder, switched in
    assert json.loads((out / MANIFEST).read_text()) == first
    assert OxigraphStore(out / STORE_DIR).query("ASK { ?s ?p ?o }").boolean is True


def test_a_failed_write_publishes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(DATA, out)
    before = os.readlink(out / CURRENT)

    def half(folder: Path) -> None:
        (folder / "graph.trig").write_text("half a build")
        raise RuntimeError("disk full")

    with build_lock(out), pytest.raises(RuntimeError, match="disk full"):
        publish(out, half, (*OUTPUTS, MANIFEST))
    assert os.readlink(out / CURRENT) == before
    assert "half a build" not in (out / "graph.trig").read_text()
    assert len(list((out / BUILDS).iterdir())) == 1   # the failed folder is gone


def test_leftovers_of_killed_runs_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(DATA, out)
    (out / BUILDS / "20260101T000000-1-000000001" / "store").mkdir(parents=True)
    (out / ".store.new.abc123").mkdir()          # temp names of the older layout
    (out / ".graph.trig.xyz").write_text("")
    with build_lock(out):
        removed = clean_leftovers(out)
    assert removed == [".builds/20260101T000000-1-000000001", ".graph.trig.xyz",
                       ".store.new.abc123"]
    assert (out / "graph.trig").is_file()


def test_an_output_that_does_not_read_back_is_not_published(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(DATA, out)
    folder = out / os.readlink(out / CURRENT)
    verify_outputs(folder)
    nt = folder / "graph.nt"
    os.chmod(nt, 0o644)
    # a line break unescaped inside a literal: N-Triples that no parser reads
    nt.write_text(nt.read_text() + '<urn:x:a> <urn:x:b> "1\n2" .\n', encoding="utf-8")
    with pytest.raises(OutputError, match="graph.nt that does not read back"):
        verify_outputs(folder)


def test_killed_builds_never_leave_a_mix() -> None:
    """SIGKILL a real `cinecoop build` process at random moments and during its writes."""
    found: list[str] = []
    summary = fuzz.run("builds", 6, seed=1, log=found.append)
    assert summary["findings"] == 0, found
    assert summary["killed"] >= 3     # most runs were really cut short


def _duplicated_person(tmp_path: Path) -> Path:
    """The curated data with a second person of the same label: an error found after the
    build folder is made (the duplicate check ends after the graph's text exists)."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    person = sorted((data / "people").glob("*.yaml"))[0]
    text = person.read_text(encoding="utf-8")
    ident = text.split("\n", 1)[0].removeprefix("id: ")
    (data / "people" / "zz-twin.yaml").write_text(text.replace(f"id: {ident}", "id: zz-twin", 1),
                                                  encoding="utf-8")
    return data


@pytest.mark.parametrize("existed", [False, True])
def test_a_failed_first_build_leaves_nothing_behind(existed: bool, tmp_path: Path) -> None:
    """A build that fails into an out folder holding no build leaves no lock file, no empty
    ``.builds`` and, unless the folder was there before, no folder; into an out folder with a
    build, the build stays published and the lock file stays."""
    data, out = _duplicated_person(tmp_path), tmp_path / "out"
    if existed:
        out.mkdir()
    with pytest.raises(BuildError):
        build(data, out)
    assert (sorted(os.listdir(out)) == []) if existed else not out.exists()
    build(DATA, out)
    before = os.readlink(out / CURRENT)
    with pytest.raises(BuildError):
        build(data, out)
    assert os.readlink(out / CURRENT) == before and (out / ".build.lock").is_file()
    assert len(list((out / BUILDS).iterdir())) == 1


def test_a_lock_file_removed_while_waited_for_is_taken_anew(tmp_path: Path) -> None:
    """A build waiting for the lock of an out folder whose lock file the holder removes (a
    failed first build) takes the lock from a new file, which a third build then waits for."""
    out = tmp_path / "out"
    order: list[str] = []
    held = threading.Event()

    def second() -> None:
        held.wait()
        with build_lock(out):
            order.append("second in")
            time.sleep(0.3)
            order.append("second out")

    with build_lock(out):
        waiter = threading.Thread(target=second)
        waiter.start()
        held.set()
        time.sleep(0.5)                      # the second build waits for this lock
        forget_first_build(out, made=True)
        assert not out.exists()
    for _ in range(200):                     # the second takes it, from a new file
        if order:
            break
        time.sleep(0.05)
    with build_lock(out):
        order.append("third in")
    waiter.join()
    assert order == ["second in", "second out", "third in"]
    assert (out / ".build.lock").is_file()
