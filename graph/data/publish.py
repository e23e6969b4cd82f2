"""Publishing a build: every output becomes visible together, or not at all.

A build writes all its outputs (``graph.trig``, ``graph.ttl``, ``graph.nt``, ``store/``,
``manifest.json``) into a fresh folder ``out/.builds/<id>/``, checks that they read back, then
switches one pointer: the symlink ``out/current``, replaced by an atomic rename. The names
readers use (``out/graph.trig``, ``out/store``, ``out/manifest.json``...) are stable relative
symlinks through ``current``, so a reader opens either the old build or the new one, never a
mix, and a build killed at any moment leaves the previous build published.

The build before the current one is kept (``out/previous``: a reader that opened it a moment
ago can finish); every other folder under ``.builds/`` is a leftover of a killed or superseded
run and is removed by the next build, as are temporary files of older versions of cinecoop.
One build at a time per ``out/`` (an exclusive lock on ``out/.build.lock``, released by the
kernel even when the process is killed).

>>> import tempfile
>>> out = Path(tempfile.mkdtemp())
>>> def write(folder):
...     (folder / "graph.nt").write_text("")
...     (folder / "manifest.json").write_text("{}")
>>> folder = publish(out, write, ("graph.nt", "manifest.json"))
>>> sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
['current', 'graph.nt', 'manifest.json']
>>> (out / "graph.nt").resolve() == (folder / "graph.nt").resolve()
True
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

__all__ = ["BUILDS", "CURRENT", "PREVIOUS", "publish", "new_folder", "build_lock",
           "clean_leftovers", "forget_first_build"]

BUILDS = ".builds"
CURRENT = "current"
PREVIOUS = "previous"
LOCK = ".build.lock"
# temporary names older versions of cinecoop left behind when killed
_LEGACY_TEMP = (".store.new.", ".store.old.", ".graph.trig.", ".graph.ttl.", ".graph.nt.",
                ".manifest.json.")


@contextmanager
def build_lock(out_dir: Path) -> Iterator[None]:
    """Hold the exclusive build lock of ``out_dir`` (waits for another build to finish).

    A lock file removed while this waited for it (:func:`forget_first_build`) is taken again
    from a new file: one lock file at a time is the lock."""
    while True:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(out_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if _is_file(fd, out_dir / LOCK):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    try:
        yield
    finally:
        os.close(fd)   # closing releases the lock


def _is_file(fd: int, path: Path) -> bool:
    """Whether the open file ``fd`` is still the file at ``path``."""
    try:
        here = os.stat(path)
    except OSError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (here.st_dev, here.st_ino)


def forget_first_build(out_dir: Path, made: bool) -> None:
    """After a failed build into an ``out_dir`` that held no build (its folder removed),
    remove what the build made there: the empty ``.builds/``, the lock file and, when the
    build made it (``made``) and nothing else is in it, ``out_dir`` itself: "nothing was
    written" then leaves nothing. Call it with the build lock held (a build waiting for the
    lock takes it from a new file, :func:`build_lock`)."""
    try:
        (out_dir / BUILDS).rmdir()      # only when empty
    except FileNotFoundError:
        pass
    except OSError:
        return
    if any(entry.name != LOCK for entry in out_dir.iterdir()):
        return
    (out_dir / LOCK).unlink(missing_ok=True)
    if made:
        try:
            out_dir.rmdir()
        except OSError:
            pass


def _target(link: Path) -> str | None:
    """The name of the build folder a pointer names (None if absent or not one of ours)."""
    try:
        text = os.readlink(link)
    except OSError:
        return None
    head, _, name = text.partition("/")
    return name if head == BUILDS and name and "/" not in name else None


def _symlink_atomic(target: str, link: Path) -> None:
    """Make ``link`` a symlink to ``target``, replacing whatever file or link was there at once.

    A real directory in the way (the store of an older layout) is moved aside first.
    """
    tmp = link.with_name(f".{link.name}.link.{os.getpid()}.{time.monotonic_ns()}")
    os.symlink(target, tmp)
    try:
        if link.is_dir() and not link.is_symlink():
            aside = link.with_name(f".{link.name}.old.{os.getpid()}")
            os.replace(link, aside)
            os.replace(tmp, link)
            shutil.rmtree(aside, ignore_errors=True)
        else:
            os.replace(tmp, link)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def clean_leftovers(out_dir: Path) -> list[str]:
    """Remove unfinished or superseded build folders and stale temporary files.

    Keeps the builds ``current`` and ``previous`` point at. Call it with the build lock held.
    Returns the names removed.
    """
    keep = {_target(out_dir / CURRENT), _target(out_dir / PREVIOUS)}
    removed = []
    builds = out_dir / BUILDS
    if builds.is_dir():
        for entry in builds.iterdir():
            if entry.name not in keep:
                shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() and \
                    not entry.is_symlink() else entry.unlink(missing_ok=True)
                removed.append(f"{BUILDS}/{entry.name}")
    for entry in out_dir.iterdir():
        if entry.name.startswith(_LEGACY_TEMP) or ".link." in entry.name or (
                entry.name.startswith(".") and ".old." in entry.name):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry.name)
    return sorted(removed)


def new_folder(out_dir: Path) -> Path:
    """A fresh build folder under ``out_dir/.builds/`` (the leftovers of other runs removed
    first). Call it with :func:`build_lock` held, and keep holding it until the folder is
    published or removed (another build would take it for a leftover)."""
    clean_leftovers(out_dir)
    ident = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**9:09d}"
    folder = out_dir / BUILDS / ident
    folder.mkdir(parents=True)
    return folder


def publish(out_dir: Path, write: Callable[[Path], None], names: tuple[str, ...],
            folder: Path | None = None) -> Path:
    """Run ``write(folder)`` into a fresh build folder, then publish it; return the folder.

    ``write`` must write every output named in ``names`` (and may raise: nothing is published
    then, and the folder is removed). Afterwards ``out_dir/<name>`` for each name reads the new
    build. ``folder``: one :func:`new_folder` made, already holding part of the build. Call
    it with :func:`build_lock` held.
    """
    if folder is None:
        folder = new_folder(out_dir)
    ident = folder.name
    try:
        write(folder)
        missing = [n for n in names if not (folder / n).exists()]
        if missing:
            raise RuntimeError(f"the build did not write {', '.join(missing)}")
        _fsync_tree(folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    old = _target(out_dir / CURRENT)
    if old is not None:
        _symlink_atomic(f"{BUILDS}/{old}", out_dir / PREVIOUS)
    _symlink_atomic(f"{BUILDS}/{ident}", out_dir / CURRENT)   # the one switch readers see
    for name in names:
        link = out_dir / name
        if os.path.islink(link) and os.readlink(link) == f"{CURRENT}/{name}":
            continue
        _symlink_atomic(f"{CURRENT}/{name}", link)
    _fsync(out_dir)
    clean_leftovers(out_dir)
    return folder


def _fsync_tree(folder: Path) -> None:
    """Flush every file and folder of a build to disk before it is published: the files
    together (in threads: the file system commits their metadata at once, not once per
    file), then the folders. A file with another hard link (the store's files a rebuild
    shares with the build before, flushed when that one was published) needs only its
    folder flushed."""
    files: list[str] = []
    folders: list[Path] = []
    for root, _dirs, names in os.walk(folder):
        folders.append(Path(root))
        for name in names:
            path = os.path.join(root, name)
            if os.stat(path, follow_symlinks=False).st_nlink == 1:
                files.append(path)
    with ThreadPoolExecutor(8) as pool:
        for _ in pool.map(_fsync, files):
            pass
    for each in folders:
        _fsync(each)


def _fsync(path: str | Path) -> None:
    """Flush one file, or one folder's entries, to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
