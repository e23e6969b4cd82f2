"""``graph.trig`` and ``graph.ttl`` spliced from pieces, reusing the pieces of the build before.

pyoxigraph writes TriG one named graph after another and Turtle one subject after another,
with nothing carried from one to the next but the ``@prefix`` lines (tested: the pieces
concatenated have the bytes of the whole written at once). So the build writes each named
graph's TriG (a *graph piece*) and the Turtle of each run of subjects of the merged graph (a
*subject piece*) on its own, and concatenates them after one ``@prefix`` header. A rebuild
takes a piece whose input did not change (the same digest of the same N-Quads/N-Triples
lines) from the previous build's file, by its byte span, instead of writing it again; only
the new pieces are written by pyoxigraph, and each is parsed back (the pieces taken were
parsed when they were made).

The spans are kept in ``pieces.pickle`` beside the outputs, with the size of each file they
point into and a hash of the code that writes the pieces (this module, the prefixes, the
pyoxigraph version): a file of another size, or another version of the code, and nothing is
taken. The subject pieces keep their first subject from build to build: the merged graph's
N-Triples lines are sorted, so a line falls into the piece whose first subject is the greatest
not after its own (the first piece starts at the beginning).
"""

from __future__ import annotations

import bisect
import hashlib
import mmap
import os
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pyoxigraph as ox

from graph.files import Part, line_start
from graph.terms import PREFIXES

__all__ = ["PIECES_FILE", "Pieces", "Old", "Edited", "new_pieces", "load_pieces",
           "save_pieces", "splice_trig", "splice_ttl", "OutputError", "sorted_prefixes",
           "apply_delta", "edited"]

PIECES_FILE = "pieces.pickle"
_FORMAT = 1
#: about this many bytes of N-Triples per subject piece (a few hundred subjects)
PIECE_BYTES = 1 << 16
# id: is left out: entity IRIs hold a slash, which a prefixed name must escape (id:a\/b)
WRITE_PREFIXES = {p: ns for p, ns in sorted(PREFIXES.items()) if p != "id"}


class OutputError(Exception):
    """An output the build wrote does not read back: it is not published."""


def _code_key() -> str:
    h = hashlib.sha256(f"cinecoop-pieces-{_FORMAT}-{ox.__version__}".encode())
    h.update(repr(sorted(WRITE_PREFIXES.items())).encode())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()


@dataclass
class Pieces:
    """Where each piece of a build's graph.trig and graph.ttl is, and what it was made from."""

    code: str = ""
    sizes: dict[str, int] = field(default_factory=dict)       # file name -> its size
    graphs: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # digest, span
    subjects: list[tuple[bytes, str, int, int]] = field(default_factory=list)
    # (first subject, digest of the piece's N-Triples lines, span in graph.ttl)


def new_pieces() -> Pieces:
    """An empty index for the pieces of a new build."""
    return Pieces(code=_code_key())


@dataclass(frozen=True)
class Old:
    """A file of the build before, mapped into memory: only what is looked at is read; the
    pieces taken from it are copied by their spans (:func:`graph.files.write_atomic_parts`)."""

    path: Path
    data: bytes | mmap.mmap

    @classmethod
    def map(cls, path: Path, size: int | None = None) -> Old:
        """``path`` mapped (ValueError when its size is not ``size``)."""
        with open(path, "rb") as fh:
            found = os.fstat(fh.fileno()).st_size
            if size is not None and found != size:
                raise ValueError(f"{path} changed size")
            return cls(path, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
                       if found else b"")


def load_pieces(folder: Path | None) -> tuple[Pieces, dict[str, Old]]:
    """The pieces of the build in ``folder`` and the files they point into (nothing when
    there is no such build, its files changed size, or another version of the code made it)."""
    if folder is None:
        return Pieces(), {}
    try:
        with open(folder / PIECES_FILE, "rb") as f:
            pieces = pickle.load(f)  # noqa: S301 - written by cinecoop into its own build folder
        if not isinstance(pieces, Pieces) or pieces.code != _code_key():
            return Pieces(), {}
        files = {name: Old.map(folder / name, size) for name, size in pieces.sizes.items()}
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
            TypeError, ValueError):
        return Pieces(), {}
    return pieces, files


def save_pieces(folder: Path, pieces: Pieces) -> None:
    with open(folder / PIECES_FILE, "wb") as f:
        pickle.dump(pieces, f, protocol=pickle.HIGHEST_PROTOCOL)


def sorted_prefixes(data: bytes) -> bytes:
    """The ``@prefix`` lines pyoxigraph writes first, in prefix order (it keeps no order)."""
    end = _header_end(data)
    return b"".join(sorted(data[:end].splitlines(keepends=True))) + data[end:]


def _header_end(data: bytes | mmap.mmap) -> int:
    pos = 0
    while data[pos:pos + 8] == b"@prefix ":
        pos = _index(data, b"\n", pos) + 1
    return pos


def _index(data: bytes | mmap.mmap, sub: bytes, start: int) -> int:
    """``data.index(sub, start)`` (an mmap has only ``find``)."""
    found = data.find(sub, start)
    if found < 0:
        raise ValueError(f"{sub!r} not found")
    return found


def _write(lines: bytes, fmt: ox.RdfFormat, what: str, count: int) -> tuple[bytes, bytes]:
    """(header, body) of ``lines`` (N-Quads or N-Triples) written as ``fmt``, parsed back."""
    source = ox.RdfFormat.N_QUADS if fmt == ox.RdfFormat.TRIG else ox.RdfFormat.N_TRIPLES
    # lenient: the lines are not checked as they are read (2.5x faster), but what is
    # written from them is, strictly, below: a bad IRI or language tag fails there
    data = ox.serialize(ox.parse(lines, format=source, lenient=True), format=fmt,
                        prefixes=WRITE_PREFIXES)
    assert data is not None
    data = sorted_prefixes(data)
    try:
        back = sum(1 for _ in ox.parse(data, format=fmt))
    except (SyntaxError, ValueError) as exc:
        raise OutputError(f"the build wrote {what} that does not read back ({exc}); "
                          "nothing was published") from None
    if back != count:
        raise OutputError(f"{what} reads back {back} statements, not {count}; nothing was "
                          "published")
    end = _header_end(data)
    return data[:end], data[end:]


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class _Out:
    """A file made of pieces: the header (from the first piece written) and the bodies,
    each new bytes or a span of the file before (:data:`graph.files.Part`)."""

    def __init__(self, old: Old | None) -> None:
        self.old = old
        self.header = b"" if old is None else old.data[:_header_end(old.data)]
        self.parts: list[Part] = []
        self.size = 0

    def add(self, body: bytes) -> tuple[int, int]:
        start = self.size
        self.parts.append(body)
        self.size += len(body)
        return start, self.size

    def take(self, start: int, end: int) -> tuple[int, int]:
        """The bytes ``start:end`` of the file before, as they are."""
        assert self.old is not None
        was = self.size
        self.parts.append((self.old.path, start, end))
        self.size += end - start
        return was, self.size

    def result(self) -> list[Part]:
        return [self.header, *self.parts]


def splice_trig(nquads: bytes, spans: dict[str, tuple[int, int, str]], before: Pieces,
                files: dict[str, Old], now: Pieces) -> list[Part]:
    """graph.trig from the named graphs' sorted N-Quads lines ``nquads`` (graph IRI ->
    (start, end, digest) in it: ``spans``), in IRI order, as parts to write
    (:func:`graph.files.write_atomic_parts`); a graph whose digest is that of the build
    before is a span of its graph.trig."""
    out = _Out(files.get("graph.trig"))
    made: list[tuple[str, str, int, int]] = []
    for name, (first, last, digest) in sorted(spans.items()):
        kept = before.graphs.get(name)
        if kept is not None and kept[0] == digest and out.header:
            made.append((name, digest, *out.take(kept[1], kept[2])))
            continue
        if last > first:
            block = nquads[first:last]
            header, body = _write(block, ox.RdfFormat.TRIG, f"the TriG of graph <{name}>",
                                  block.count(b"\n"))
            if out.header and header != out.header:
                return splice_trig(nquads, spans, Pieces(), {}, now)   # new prefixes: all anew
            out.header = header
        else:
            body = b""
        made.append((name, digest, *out.add(body)))
    start = len(out.header)
    now.graphs = {name: (digest, start + a, start + b) for name, digest, a, b in made}
    return out.result()


def _subject(data: bytes, pos: int) -> bytes:
    return data[pos:_index(data, b" ", pos)]


def _line_start(data: bytes, key: bytes) -> int:
    """Where the first line of the sorted N-Triples ``data`` whose subject is not before
    ``key`` starts (``len(data)`` when there is none)."""
    return _first_not_before(data, key, False)


def _cuts(union: bytes, keys: list[bytes]) -> Iterator[tuple[bytes, int, int]]:
    """(first subject, start, end) of each subject piece of ``union``: at the ``keys`` of the
    build before, else every ``PIECE_BYTES`` or so at a change of subject."""
    if keys:
        starts = [0] + [_line_start(union, key) for key in keys[1:]]
        yield from zip(keys, starts, [*starts[1:], len(union)], strict=True)
        return
    pos, size = 0, len(union)
    while pos < size:
        end = union.find(b"\n", pos + PIECE_BYTES)
        end = size if end < 0 else end + 1
        if end < size:
            last = _subject(union, union.rfind(b"\n", 0, end - 1) + 1)
            while end < size and _subject(union, end) == last:
                end = union.index(b"\n", end) + 1
        yield (b"" if pos == 0 else _subject(union, pos)), pos, end
        pos = end


def splice_ttl(union: bytes | Edited, before: Pieces, files: dict[str, Old], now: Pieces,
               changed: list[str] | None = None) -> list[Part]:
    """graph.ttl from the merged graph's sorted N-Triples ``union``, one subject piece at a
    time, as parts to write (:func:`graph.files.write_atomic_parts`); a piece with the lines
    it had in the build before is a span of its graph.ttl. ``changed``: the only lines that
    differ from the build before's merged graph (its other pieces are taken without
    comparing their lines; an :class:`Edited` union knows them itself and is read only in
    the pieces they fall in)."""
    out = _Out(files.get("graph.ttl"))
    keys = [key for key, _, _, _ in before.subjects] if out.header else []
    if isinstance(union, Edited):
        if not keys:
            return splice_ttl(union.whole(), before, files, now)
        changed = union.lines()
    kept = {key: (digest, a, b) for key, digest, a, b in before.subjects}
    touched = None if changed is None or not keys else {
        keys[max(0, bisect.bisect_right(keys, line.split(" ", 1)[0].encode("utf-8")) - 1)]
        for line in changed}
    pieces: list[tuple[bytes, str, int, int]] = []
    for key, lines_of in _piece_lines(union, keys):
        was = kept.get(key)
        if touched is not None and key not in touched and was is not None:
            pieces.append((key, was[0], *out.take(was[1], was[2])))
            continue
        lines = lines_of()
        digest = _digest(lines)
        if was is not None and was[0] == digest and out.header:
            pieces.append((key, digest, *out.take(was[1], was[2])))
            continue
        if lines:
            header, body = _write(lines, ox.RdfFormat.TURTLE, "a piece of graph.ttl",
                                  lines.count(b"\n"))
            if out.header and header != out.header:
                whole = union.whole() if isinstance(union, Edited) else union
                return splice_ttl(whole, Pieces(), {}, now)
            out.header = header
        else:
            body = b""
        pieces.append((key, digest, *out.add(body)))
    start = len(out.header)
    now.subjects = [(key, digest, start + a, start + b) for key, digest, a, b in pieces]
    return out.result()


def _piece_lines(union: bytes | Edited, keys: list[bytes]
                 ) -> Iterator[tuple[bytes, Callable[[], bytes]]]:
    """(first subject, what gives its lines) of each subject piece of ``union``."""
    if isinstance(union, Edited):
        for key, after in zip(keys, [*keys[1:], None], strict=True):
            yield key, partial(union.between, key, after)
        return
    for key, start, end in _cuts(union, keys):
        yield key, partial(_slice, union, start, end)


def _slice(data: bytes, start: int, end: int) -> bytes:
    return data[start:end]


def _first_not_before(data: bytes | mmap.mmap, key: bytes, whole: bool) -> int:
    """Where the first line of the sorted lines ``data`` that is not before ``key`` starts
    (``len(data)`` when there is none); compared by subject, or by the ``whole`` line."""
    lo, hi = 0, len(data)   # lo and hi are line starts; every line before lo is before key
    while lo < hi:
        mid = (lo + hi) // 2
        start = line_start(data, mid, lo)
        end = _index(data, b"\n", start) + 1
        if (data[start:end] if whole else data[start:_index(data, b" ", start)]) < key:
            lo = end
        else:
            hi = start
    return lo


Edit = tuple[int, int, bytes]   # the bytes start:end of the text before become these


def _edits(old: bytes | mmap.mmap, removed: list[bytes], added: list[bytes]
           ) -> list[Edit] | None:
    """Where the lines ``removed`` leave the sorted lines ``old`` and ``added`` join them,
    in order; None when a line to remove is not there."""
    edits: list[Edit] = []
    for data in removed:
        pos = _first_not_before(old, data, True)
        if old[pos:pos + len(data)] != data:
            return None
        edits.append((pos, pos + len(data), b""))
    for data in added:
        edits.append((pos := _first_not_before(old, data, True), pos, data))
    edits.sort()
    return edits


def _pieces_of(edits: list[Edit], size: int) -> Iterator[tuple[int, int] | bytes]:
    """The text after ``edits``: spans (start, end) of the text before, and new lines."""
    at = 0
    for start, end, data in edits:
        yield at, start
        yield data
        at = max(at, end)
    yield at, size


def apply_delta(old: bytes, removed: list[str], added: list[str]) -> bytes | None:
    """The sorted N-Triples ``old`` without the lines ``removed`` and with the lines
    ``added`` (each a line of the same form, sorted the same way); None when a line to remove
    is not there (``old`` is not what the change was computed against)."""
    edits = _edits(old, [line.encode("utf-8") for line in removed],
                   [line.encode("utf-8") for line in added])
    if edits is None:
        return None
    return b"".join(part if isinstance(part, bytes) else old[part[0]:part[1]]
                    for part in _pieces_of(edits, len(old)))


class Edited:
    """The merged graph of a rebuild as sorted N-Triples: the build before's (a mapped
    file) without the lines ``removed`` and with ``added`` (:func:`edited`). It is written by
    spans of the file before (:meth:`parts`) and read only where asked (:meth:`between`)."""

    def __init__(self, old: Old, removed: list[bytes], added: list[bytes], edits: list[Edit]):
        self.old, self.removed, self.added, self.edits = old, removed, added, edits

    def lines(self) -> list[str]:
        """The lines that left or joined the text before."""
        return [line.decode("utf-8") for line in (*self.removed, *self.added)]

    def parts(self) -> list[Part]:
        """The text, as parts to write (:func:`graph.files.write_atomic_parts`)."""
        return [part if isinstance(part, bytes) else (self.old.path, *part)
                for part in _pieces_of(self.edits, len(self.old.data))]

    def whole(self) -> bytes:
        data = self.old.data
        return b"".join(part if isinstance(part, bytes) else data[part[0]:part[1]]
                        for part in _pieces_of(self.edits, len(data)))

    def between(self, first: bytes, after: bytes | None) -> bytes:
        """The lines whose subject is not before ``first`` and before ``after`` (to the end
        when None)."""
        data = self.old.data
        start = _first_not_before(data, first, False) if first else 0
        end = len(data) if after is None else _first_not_before(data, after, False)

        def within(line: bytes) -> bool:
            subject = line[:line.index(b" ")]
            return first <= subject and (after is None or subject < after)

        block = data[start:end]
        edits = _edits(block, [x for x in self.removed if within(x)],
                       [x for x in self.added if within(x)])
        assert edits is not None    # every line removed was found in the whole text
        return b"".join(part if isinstance(part, bytes) else block[part[0]:part[1]]
                        for part in _pieces_of(edits, len(block)))


def edited(old: Old, removed: list[str], added: list[str]) -> Edited | None:
    """The sorted N-Triples of the file ``old`` without the lines ``removed`` and with the
    lines ``added`` (sorted the same way); None when a line to remove is not there."""
    gone = [line.encode("utf-8") for line in removed]
    new = [line.encode("utf-8") for line in added]
    edits = _edits(old.data, gone, new)
    return None if edits is None else Edited(old, gone, new, edits)
