"""Outputs are written whole or not at all: one file (write_atomic) or many (AtomicBatch)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph.files import AtomicBatch, write_atomic


def test_a_batch_replaces_every_file_at_the_end(tmp_path: Path) -> None:
    old = tmp_path / "a.html"
    write_atomic(old, "old")
    with AtomicBatch() as batch:
        batch.write(old, "new")
        batch.write(tmp_path / "sub" / "b.html", "bé")
        assert old.read_text() == "old"          # nothing replaced inside the block
    assert old.read_text() == "new"
    assert (tmp_path / "sub" / "b.html").read_text(encoding="utf-8") == "bé"
    assert oct((tmp_path / "sub" / "b.html").stat().st_mode & 0o777) == oct(
        0o666 & ~_umask())
    assert sorted(p.name for p in tmp_path.rglob(".*")) == []   # no temporary file left


def test_an_error_in_the_batch_touches_no_target(tmp_path: Path) -> None:
    kept = tmp_path / "a.html"
    write_atomic(kept, "kept")
    with pytest.raises(RuntimeError), AtomicBatch() as batch:
        batch.write(kept, "half")
        batch.write(tmp_path / "b.html", "half")
        raise RuntimeError("the renderer failed")
    assert kept.read_text() == "kept" and not (tmp_path / "b.html").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["a.html"]


def test_identical_bytes_leave_the_file_alone(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    with AtomicBatch() as batch:
        batch.write(page, "same")
    before = page.stat()
    with AtomicBatch() as batch:
        batch.write(page, "same")
    after = page.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    with AtomicBatch() as batch:
        batch.write(page, "other")
    assert page.read_text() == "other" and page.stat().st_ino != before.st_ino


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
