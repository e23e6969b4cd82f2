"""Outputs are written whole or not at all: one file (write_atomic) or many (AtomicBatch)."""

from __future__ import annotations

import mmap
import os
import random
from pathlib import Path

import pytest

from graph.files import AtomicBatch, line_start, write_atomic, write_atomic_parts


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


def test_a_rename_that_fails_leaves_no_temporary_file(tmp_path: Path) -> None:
    """Files are published in order; when one cannot be, the ones after it are removed."""
    (tmp_path / "blocked").mkdir()          # a folder where a page should go
    with pytest.raises(OSError), AtomicBatch() as batch:
        batch.write(tmp_path / "a.html", "first")
        batch.write(tmp_path / "blocked", "second")
        batch.write(tmp_path / "c.html", "third")
    assert (tmp_path / "a.html").read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "blocked"]
    assert list((tmp_path / "blocked").iterdir()) == []


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


def test_parts_are_written_as_their_concatenation(tmp_path: Path) -> None:
    """write_atomic_parts: bytes and spans of other files (copied by the kernel, spans that
    follow each other as one) give the bytes joined in order; a failure leaves the target."""

    one, two = tmp_path / "one", tmp_path / "two"
    one.write_bytes(bytes(range(256)) * 40000)           # 10 MB: several copy calls' worth
    two.write_bytes(b"abcdef")
    parts = [b"head", (one, 0, 3), (one, 3, 9), b"", (two, 2, 2), (two, 1, 4), b"x" * (5 << 20),
             (one, 100, 9_000_000), (one, 5, 6), b"tail"]
    target = tmp_path / "out" / "joined"
    size = write_atomic_parts(target, parts)
    data = one.read_bytes()
    expected = b"head" + data[0:9] + b"bcd" + b"x" * (5 << 20) + data[100:9_000_000] + \
        data[5:6] + b"tail"
    assert target.read_bytes() == expected and size == len(expected)
    with pytest.raises(OSError):
        write_atomic_parts(target, [b"new", (one, 0, len(data) + 10)])   # past the end
    assert target.read_bytes() == expected
    assert sorted(p.name for p in target.parent.iterdir()) == ["joined"]


def test_a_value_kept_beside_is_written_by_a_child_before_the_process_ends(
        tmp_path: Path) -> None:
    """keep_pickle(..., beside=True) returns the value at once and a forked child writes
    it; the process waits for the child at its end, so the file is there afterwards and is
    read back as the value."""
    import subprocess
    import sys

    from graph.files import keep_pickle

    kept = tmp_path / "value.pickle"
    code = ("import sys; from pathlib import Path; from graph.files import keep_pickle; "
            "print(keep_pickle(Path(sys.argv[1]), 'k', lambda: [1, 2, 3], beside=True))")
    done = subprocess.run([sys.executable, "-c", code, str(kept)], capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "[1, 2, 3]"
    assert keep_pickle(kept, "k", lambda: ["made again"]) == [1, 2, 3]
    assert not [p for p in tmp_path.iterdir() if p != kept]     # no temporary file left


def test_line_start_finds_what_rfind_finds_in_bytes_and_in_a_mapped_file(
        tmp_path: Path) -> None:
    """line_start looks back in windows that double (an mmap's rfind costs its whole range):
    the same offset as ``rfind(b"\\n", floor, end) + 1 or floor``, with lines shorter and far
    longer than the first window, at every kind of edge."""
    rng = random.Random(11)
    lines = [b"x" * rng.choice([0, 1, 80, 4095, 4096, 4097, 9000, 40000]) for _ in range(60)]
    data = b"\n".join(lines)
    (tmp_path / "lines").write_bytes(data)
    ends = sorted({0, 1, len(data)} | {rng.randint(0, len(data)) for _ in range(400)}
                  | {data.index(b"\n", 5000) + k for k in (-1, 0, 1, 2)})
    with (tmp_path / "lines").open("rb") as fh, \
            mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        for end in ends:
            for floor in {0, end // 3, max(0, end - 1), end}:
                want = data.rfind(b"\n", floor, end) + 1 or floor
                assert line_start(data, end, floor) == want
                assert line_start(mapped, end, floor) == want
    assert line_start(b"", 0) == 0 and line_start(b"a\n", 2) == 2 and line_start(b"a\n", 1) == 0
