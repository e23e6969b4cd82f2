"""Writing files so that a reader sees the old file or the new one, never half of one.

Every output of cinecoop goes through :func:`write_atomic`: a temporary file in the same folder,
flushed, given the usual mode (0644 under the common umask), then renamed over the target.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import pickle
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from operator import attrgetter
from pathlib import Path
from typing import Any, TypeVar

from anyascii import anyascii

from graph.forked import beside as in_child

T = TypeVar("T")

__all__ = ["write_atomic", "write_atomic_parts", "Part", "AtomicBatch", "keep_pickle",
           "sorted_entries", "Entries", "slug", "fingerprint", "line_start"]

#: a piece of a file :func:`write_atomic_parts` writes: bytes, or the span (start, end) of
#: another file, copied by the kernel
Part = bytes | tuple[Path, int, int]

#: what :func:`sorted_entries` gives: (path below the root, entry); an entry keeps its ``stat``
Entries = list[tuple[str, os.DirEntry[str]]]


def write_atomic(path: Path, data: bytes | str, flush: bool = True) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    ``flush=False``: the data are not flushed to disk here (a build's files, inside a folder
    that is flushed whole before it is published: :mod:`graph.data.publish`)."""
    write_atomic_parts(path, [data.encode("utf-8") if isinstance(data, str) else data], flush)


def write_atomic_parts(path: Path, parts: Sequence[Part], flush: bool = True) -> int:
    """:func:`write_atomic` of the concatenation of ``parts``; returns its size. A span of
    another file is copied by the kernel (``os.copy_file_range``: the bytes never pass
    through Python, 4-5x faster than reading and writing them), spans that follow each other
    in one file as one copy. ``flush``: as for :func:`write_atomic`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    sources: dict[Path, int] = {}
    try:
        size = 0
        for part in _merged(parts):
            if isinstance(part, bytes):
                _write_all(fd, part)
                size += len(part)
                continue
            source, start, end = part
            if source not in sources:
                sources[source] = os.open(source, os.O_RDONLY)
            _copy_span(sources[source], fd, start, end)
            size += end - start
        if flush:
            os.fsync(fd)
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual file mode
        os.close(fd)
        fd = -1
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        for opened in (fd, *sources.values()):
            if opened >= 0:
                os.close(opened)
    return size


def _merged(parts: Sequence[Part]) -> Iterator[Part]:
    """``parts`` with each run of spans that follow each other in one file made one span,
    and runs of bytes joined (up to a few MB: fewer writes)."""
    run: tuple[Path, int, int] | None = None
    chunk: list[bytes] = []
    size = 0
    for part in parts:
        if isinstance(part, bytes):
            if run is not None:
                yield run
                run = None
            chunk.append(part)
            size += len(part)
            if size >= 1 << 22:
                yield b"".join(chunk)
                chunk, size = [], 0
            continue
        if part[2] <= part[1]:
            continue
        if chunk:
            yield b"".join(chunk)
            chunk, size = [], 0
        if run is not None and part[0] == run[0] and part[1] == run[2]:
            run = (run[0], run[1], part[2])
            continue
        if run is not None:
            yield run
        run = part
    if run is not None:
        yield run
    if chunk:
        yield b"".join(chunk)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _copy_span(source: int, fd: int, start: int, end: int) -> None:
    """Append bytes ``start:end`` of the file ``source`` to ``fd``."""
    while start < end:
        try:
            done = os.copy_file_range(source, fd, end - start, start)
        except OSError:     # another file system, an old kernel: through user space
            chunk = os.pread(source, min(end - start, 1 << 24), start)
            _write_all(fd, chunk)
            done = len(chunk)
        if done == 0:
            raise OSError(f"the file being copied ended before byte {end}")
        start += done


class AtomicBatch:
    """Many files written as :func:`write_atomic` writes one, with one flush to disk for all
    of them instead of one per file (a site of thousands of pages):

        with AtomicBatch() as batch:
            batch.write(path, text)        # a temporary file beside ``path``

    On leaving the block the data reach the disk once (``os.sync``) and every temporary file
    is renamed over its target; on an error no target is touched and the temporary files go.
    A file that already holds the bytes is left alone (renaming over a file costs a flush).
    """

    def __init__(self) -> None:
        self._pending: list[tuple[str, Path | str]] = []
        self._mode = 0o666 & ~_umask()
        # per folder written to: the names in it then (made already: no mkdir per file; a
        # name not there is a new file, with no stat to see whether it holds the bytes)
        self._present: dict[str, frozenset[str]] = {}
        self._tag = f".{os.getpid()}.{id(self):x}.tmp"

    def __enter__(self) -> AtomicBatch:
        return self

    def write(self, path: Path | str, data: bytes | str) -> None:
        """Write ``data`` beside ``path`` (nothing when ``path`` already holds these bytes:
        a site written again from the same graph touches no file)."""
        folder, name = os.path.split(path)
        folder = folder or "."
        present = self._present.get(folder)
        if present is None:
            os.makedirs(folder, exist_ok=True)
            present = self._present[folder] = frozenset(os.listdir(folder))
        raw = data.encode("utf-8") if isinstance(data, str) else data
        if name in present and _holds(Path(path), raw):
            return
        # a name only this batch uses, created with the usual mode (no chmod, no random name)
        tmp = os.path.join(folder, f".{name}{self._tag}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:     # left by a process that stopped: another name
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
            os.chmod(tmp, self._mode)
        self._pending.append((tmp, path))
        try:
            _write_all(fd, raw)
        finally:
            os.close(fd)

    def detach(self) -> list[tuple[str, Path | str]]:
        """The temporary files written so far and their targets, handed over (to the batch
        of another process: :meth:`adopt`); this batch forgets them."""
        pending, self._pending = self._pending, []
        return pending

    def adopt(self, pending: list[tuple[str, Path | str]]) -> None:
        """Take over temporary files another batch wrote (:meth:`detach`): they are flushed
        and renamed with this batch's own, or removed with them on an error."""
        self._pending.extend(pending)

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        renamed = 0     # files published; on an error the rest are removed
        try:
            if kind is None and self._pending:
                os.sync()
                for tmp, path in self._pending:
                    os.replace(tmp, path)
                    renamed += 1
        finally:
            for tmp, _ in self._pending[renamed:]:
                Path(tmp).unlink(missing_ok=True)
            self._pending.clear()


def keep_pickle(path: Path, key: str, make: Callable[[], T],
                check: Callable[[Any], bool] | None = None, beside: bool = False) -> T:
    """The value pickled at ``path`` under ``key`` (and accepted by ``check``), else
    ``make()``, pickled there for next time; a corrupt or foreign file is made again, a
    read-only folder only means it is not kept. ``beside``: a new value is pickled and
    written by a forked child while this process goes on with it (a large projection: a
    second of one core); the process waits for the child when it ends, so the file is
    complete when the command is done (not kept if the child fails)."""
    try:
        with path.open("rb") as fh:
            stored, value = pickle.load(fh)
        if stored == key and (check is None or check(value)):
            loaded: T = value
            return loaded
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError,
            ImportError, IndexError):
        pass
    value = make()
    if beside:
        import atexit  # lazy: only where a child writes

        atexit.register(in_child(lambda: _keep(path, key, value), empty=False), again=False)
    else:
        _keep(path, key, value)
    return value


def _keep(path: Path, key: str, value: Any) -> bool:
    try:
        write_atomic(path, pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        return False      # a read-only build folder: made again next time
    return True


#: how far :func:`line_start` looks back first (a line of ``graph.nt`` is rarely longer)
_LOOK_BACK = 4096


def line_start(data: bytes | mmap.mmap, end: int, floor: int = 0) -> int:
    """The start of the line that offset ``end`` of ``data`` is in: just after the last
    newline of ``data[floor:end]``, else ``floor`` (``data.rfind(b"\\n", floor, end) + 1 or
    floor``). Searched back from ``end`` in windows that double: an mmap's ``rfind`` costs
    the whole range it is given (35 µs over a 130 MB file, against 1 µs over 4 KB)."""
    window, hi = _LOOK_BACK, end
    while hi > floor:
        lo = max(floor, hi - window)
        at = data.rfind(b"\n", lo, hi)
        if at >= 0:
            return at + 1
        hi, window = lo, window * 2
    return floor


def sorted_entries(root: Path) -> Entries:
    """(path below ``root``, entry) of everything under ``root`` that is not a folder, in the
    order the paths sort component by component (as ``sorted(root.rglob("*"))`` gives them):
    one ``scandir`` per folder, each folder's entries sorted by name and walked where they
    sort. Symlinked folders are not entered (as with ``rglob``)."""
    out: Entries = []

    def walk(folder: str, rel: str) -> None:
        with os.scandir(folder) as found:
            entries = sorted(found, key=_NAME)
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path, f"{rel}{entry.name}/")
            elif not entry.is_dir():      # (a symlinked folder is left out)
                out.append((rel + entry.name, entry))

    walk(str(root), "")
    return out


_NAME = attrgetter("name")


def _holds(path: Path, raw: bytes) -> bool:
    try:
        return path.stat().st_size == len(raw) and path.read_bytes() == raw
    except OSError:
        return False


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def fingerprint(roots: tuple[Path, ...], salt: str = "") -> str:
    """A hash of every file's path (relative to its root's parent) and bytes under ``roots``."""
    h = hashlib.sha256(salt.encode())
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            h.update(str(path.relative_to(root.parent)).encode())
            h.update(b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()


def slug(name: str, limit: int = 60) -> str:
    """A readable file name for ``name`` in any script: transliterated to ASCII, lower case,
    words joined by ``-``, at most ``limit`` characters (cut at a word boundary).

    >>> slug("Перспективы государственно-уровневого сотрудничества в киноиндустрии")
    'perspektivy-gosudarstvenno-urovnevogo-sotrudnichestva-v'
    >>> slug("Rashad Azizov"), slug("KOBİA"), slug("?!")
    ('rashad-azizov', 'kobia', 'unnamed')
    """
    words = re.findall(r"[a-z0-9]+", anyascii(name).lower())
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or (words[0][:limit] if words else "unnamed")
