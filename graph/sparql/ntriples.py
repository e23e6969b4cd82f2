"""The build's ``graph.nt`` read by predicate, with the plain terms of :mod:`graph.sparql.reader`.

``graph.nt`` is the store's default graph as the build loaded it: the same N-Triples lines,
sorted, written once per build beside the store. Reading a large part of the graph (the
network projection reads half of its triples) from that text costs a fraction of asking the
store for it pattern by pattern, where every term of every quad is looked up in RocksDB.
:class:`LinesReader` splits each line once, keeps the lines by predicate and turns a
predicate's lines into terms only when asked for them (an IRI is a ``str``, a literal a
:class:`~graph.sparql.reader.Lit`, as the store's :class:`~graph.sparql.reader.Reader` gives
them). A line it does not know how to read (a blank node) raises :class:`Unreadable`, and
the caller reads the store instead.
"""

from __future__ import annotations

import mmap
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from graph.files import line_start
from graph.forked import no_collection
from graph.sparql.reader import Lit, MemoryReader, Patterns, Reader, _key, as_reader, load_reader

__all__ = ["LinesReader", "lines_reader", "subject_lines", "with_lines", "nt_triples",
           "nt_by_subject", "memory_reader", "unescape", "NT_FILE", "Unreadable"]

NT_FILE = "graph.nt"
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'",
          "\\": "\\"}


class Unreadable(ValueError):
    """A line this reader does not read (the store must be asked instead)."""


def unescape(text: str) -> str:
    """A string's ECHAR and UCHAR escapes (N-Triples, SPARQL) decoded; :class:`Unreadable`
    (a ValueError) for another escape."""
    def one(m: re.Match[str]) -> str:
        code = m.group(1) or m.group(2)
        if code:
            return chr(int(code, 16))
        if m.group(3) not in _ECHAR:
            raise Unreadable(f"unknown escape \\{m.group(3)}")
        return _ECHAR[m.group(3)]

    return _ESCAPE.sub(one, text) if "\\" in text else text


def _iri(token: str) -> str:
    if token[:1] != "<" or token[-1:] != ">":
        raise Unreadable(f"not an IRI: {token[:60]}")
    return unescape(token[1:-1])


def _term(token: str) -> Any:
    if token[:1] == "<":
        return _iri(token)
    if token[:1] != '"':
        raise Unreadable(f"not an IRI or a literal: {token[:60]}")
    end = token.rindex('"')
    lex = unescape(token[1:end])
    tail = token[end + 1:]
    if not tail:
        return Lit(lex)
    if tail[0] == "@":
        return Lit(lex, tail[1:])
    if tail[:2] == "^^":
        return Lit(lex, None, _iri(tail[2:]))
    raise Unreadable(f"not a literal: {token[:60]}")


def _pair(s: str, o: str) -> tuple[Any, Any]:
    """A line's subject and object as terms (IRIs without escapes: the common case, inline)."""
    subject = s[1:-1] if s[0] == "<" and "\\" not in s else _iri(s)
    return subject, (o[1:-1] if o[0] == "<" and "\\" not in o else _term(o))


def _pairs(raw: list[tuple[str, str]]) -> list[tuple[Any, Any]]:
    """:func:`_pair` of each line's tokens; an object token seen before gives the term made
    for it then (events, dates and roles recur across thousands of facts)."""
    made: dict[str, Any] = {}
    out = []
    for s, o in raw:
        term = made.get(o)
        if term is None:
            term = made[o] = o[1:-1] if o[0] == "<" and "\\" not in o else _term(o)
        out.append((s[1:-1] if s[0] == "<" and "\\" not in s else _iri(s), term))
    return out


def nt_triples(path: Path) -> Iterator[tuple[str, str, Any]]:
    """The triples of an N-Triples file as the build writes it (IRIs and literals, no blank
    nodes), with plain terms; :class:`Unreadable` (a ValueError) on a line of another
    shape."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.endswith(" .\n"):
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                raise Unreadable(f"{path}: not a line of N-Triples: {line[:80]!r}")
            s, p, o = line[:-3].split(" ", 2)
            if s[0] != "<" or p[0] != "<" or o[0] not in "<\"":
                raise Unreadable(f"{path}: a blank node or another term: {line[:80]!r}")
            subject, obj = _pair(s, o)
            yield subject, p[1:-1] if "\\" not in p else _iri(p), obj


def memory_reader(g: Any) -> MemoryReader:
    """The whole graph ``g`` in memory (:func:`~graph.sparql.reader.load_reader`), from the
    build's own ``graph.nt`` when ``g`` is the built store (the same triples, read many times
    faster than the store's quads: :func:`nt_by_subject`); from the store when that file is
    missing or of another shape."""
    r = as_reader(g)
    if isinstance(r, Reader) and r.folder is not None and (r.folder / NT_FILE).is_file():
        try:
            return MemoryReader.by_subject(*nt_by_subject(r.folder / NT_FILE), r.folder,
                                           r._node)
        except Unreadable:
            pass    # not the N-Triples the build writes (a blank node): read the store
    return load_reader(r)


def nt_by_subject(path: Path) -> tuple[dict[str, dict[str, list[Any]]], dict[str, list[str]]]:
    """Subject -> predicate -> objects of an N-Triples file as the build writes it, and
    predicate -> the subjects that have it, in order. The file is sorted,
    so that each subject's lines come together (:class:`Unreadable`, a ValueError, when they
    do not, or on a line :func:`nt_triples` refuses). The same triples in the same order as
    :func:`nt_triples` gives, read at a fraction of its cost: a subject's and a predicate's
    terms are made once per run of lines that share them, and an object's once per file
    (events, dates and roles recur across thousands of facts)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    last = lines.pop()      # after the last newline: nothing, else a line nt_triples refuses
    if last.strip() and not last.lstrip().startswith("#"):
        raise Unreadable(f"{path}: not a line of N-Triples: {last[:80]!r}")
    spo: dict[str, dict[str, list[Any]]] = {}
    made: dict[str, Any] = {}       # a literal's token -> its term (an IRI is a slice)
    preds: dict[str, str] = {}      # a predicate's token -> its IRI, one string for all
    heads: dict[str, list[str]] = {}
    by_p: dict[str, list[Any]] = {}
    objs: list[Any] = []
    prev_s = prev_p = ""
    for line in lines:
        if line[-2:] != " ." or len(line) < 3:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            raise Unreadable(f"{path}: not a line of N-Triples: {line[:80]!r}")
        try:
            s, p, o = line[:-2].split(" ", 2)
        except ValueError:
            raise Unreadable(f"{path}: not a line of N-Triples: {line[:80]!r}") from None
        if s != prev_s:
            if s[:1] != "<":
                raise Unreadable(f"{path}: a blank node or another term: {line[:80]!r}")
            subject = s[1:-1] if "\\" not in s else _iri(s)
            if subject in spo:
                raise Unreadable(f"{path}: not sorted: {subject} comes again")
            by_p = spo[subject] = {}
            prev_s, prev_p = s, ""
        if p != prev_p:
            pred = preds.get(p)
            if pred is None:
                if p[:1] != "<":
                    raise Unreadable(f"{path}: a blank node or another term: {line[:80]!r}")
                pred = preds[p] = p[1:-1] if "\\" not in p else _iri(p)
            found = by_p.get(pred)
            if found is None:
                objs = by_p[pred] = []
                have = heads.get(pred)
                if have is None:
                    heads[pred] = [subject]
                else:
                    have.append(subject)
            else:
                objs = found
            prev_p = p
        first = o[:1]
        if first == "<" and "\\" not in o:
            objs.append(o[1:-1])
            continue
        term = made.get(o)
        if term is None:
            if first not in ('"', "<"):
                raise Unreadable(f"{path}: a blank node or another term: {line[:80]!r}")
            term = made[o] = _term(o)
        objs.append(term)
    return spo, heads


class LinesReader(Patterns):
    """N-Triples text (canonical lines: ``<s> <p> o .``), read by predicate: ``source`` is
    the text itself or the file holding it, read on first use (:class:`Unreadable` then for
    a file that cannot be read or a line this reader does not read)."""

    def __init__(self, source: str | Path, folder: Path | None = None):
        self.folder = folder
        self._memo: dict[str, Any] = {}
        self._source: str | Path | None = source
        self._lines_by_p: dict[str, list[tuple[str, str]]] | None = None
        self._terms: dict[str, list[tuple[Any, Any]]] = {}

    @property
    def _lines(self) -> dict[str, list[tuple[str, str]]]:
        if self._lines_by_p is None:
            source, self._source = self._source, None
            try:
                with no_collection():   # a million new tuples, none in a cycle
                    text = source.read_text(encoding="utf-8") if isinstance(source, Path) \
                        else source or ""
                    self._lines_by_p = _split(text)
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                raise Unreadable(f"{source}: {exc}") from None
        return self._lines_by_p

    @classmethod
    def of_lines(cls, lines: dict[str, list[tuple[str, str]]],
                 folder: Path | None = None) -> LinesReader:
        """A reader of lines already split (predicate token -> subject and object tokens)."""
        reader = cls("", folder)
        reader._lines_by_p = lines
        return reader

    def pairs(self, predicate: str) -> list[tuple[Any, Any]]:
        """(subject, object) of every triple with ``predicate``, as plain terms."""
        found = self._terms.get(predicate)
        if found is None:
            found = self._terms[predicate] = _pairs(self._lines.get(f"<{predicate}>", []))
        return found

    def triples(self, pattern: tuple[Any, Any, Any]) -> Iterator[tuple[Any, Any, Any]]:
        s, p, o = pattern
        want_s = None if s is None else str(s)
        want_o = None if o is None else _key(o if isinstance(o, Lit) else str(o))
        for pred in [str(p)] if p is not None else sorted(_iri(t) for t in self._lines):
            if want_s is None and want_o is None:     # a whole predicate: no test per triple
                yield from ((subj, pred, obj) for subj, obj in self.pairs(pred))
                continue
            for subj, obj in self.pairs(pred):
                if (want_s is None or subj == want_s) and (want_o is None or _key(obj) == want_o):
                    yield subj, pred, obj


def _split(text: str) -> dict[str, list[tuple[str, str]]]:
    """predicate token -> (subject token, object token) of each line."""
    lines: dict[str, list[tuple[str, str]]] = {}
    for line in text.split("\n"):       # not splitlines: U+2028 may be in a literal
        if not line or line[0] == "#":
            continue
        s, p, rest = line.split(" ", 2)
        if rest[-2:] != " .":
            raise Unreadable(f"not an N-Triples line: {line[:80]}")
        found = lines.get(p)
        if found is None:
            found = lines[p] = []
        found.append((s, rest[:-2]))
    return lines


def subject_lines(folder: Path | None,
                  wanted: dict[str, Iterable[str]]) -> LinesReader | None:
    """The lines of the build's ``graph.nt`` in ``folder`` whose subject IRI starts with a
    prefix of ``wanted`` and whose predicate is one that prefix lists, as a reader; None when
    the file is not there or not of that form. The file's lines are sorted, so each prefix's
    lines are one run, found by binary search: only those runs are searched (the entities'
    part of a large graph, not its facts), and only the lines kept are decoded."""
    if folder is None:
        return None
    lines: dict[str, list[tuple[str, str]]] = {}
    try:
        with (folder / NT_FILE).open("rb") as fh, \
                mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            for prefix, predicates in sorted(wanted.items()):
                key = f"<{prefix}".encode()
                span = (_first_line_from(data, key),
                        _first_line_from(data, key[:-1] + bytes([key[-1] + 1])))
                for p in sorted(predicates):
                    lines.setdefault(f"<{p}>", []).extend(_with_predicate(data, span, p))
    except (OSError, ValueError, UnicodeDecodeError):
        return None     # missing, empty (mmap refuses it) or not text: read the store
    return LinesReader.of_lines(lines, folder)


def with_lines(folder: Path | None, heads: Iterable[str]) -> set[str] | None:
    """Which of ``heads`` (each the start of a line: ``<s> <p> ``) begin a line of the
    build's sorted ``graph.nt`` in ``folder``: one binary search each; None when the file is
    not there."""
    if folder is None:
        return None
    try:
        with (folder / NT_FILE).open("rb") as fh, \
                mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            found = set()
            for head in heads:
                key = head.encode()
                at = _first_line_from(data, key)
                if data[at:at + len(key)] == key:
                    found.add(head)
            return found
    except (OSError, ValueError):
        return None


def _first_line_from(data: mmap.mmap, key: bytes) -> int:
    """The offset of the first line of sorted ``data`` that sorts at or after ``key``."""
    lo, hi = 0, len(data)
    while lo < hi:      # lines starting before lo sort before key; the line at hi does not
        mid = (lo + hi) // 2
        start = line_start(data, mid)
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        if data[start:end] < key:
            lo = end + 1
        else:
            hi = start
    return lo


def _with_predicate(data: mmap.mmap, span: tuple[int, int],
                    predicate: str) -> Iterator[tuple[str, str]]:
    """(subject, object) tokens of the lines in ``data[span]`` with ``predicate``: found by
    ``find`` (the other lines are not split); where the predicate is inside another line's
    literal, what comes before it is not one subject token, and that place is passed by."""
    needle = f" <{predicate}> ".encode()
    first, last = span
    pos = data.find(needle, first, last)
    while pos >= 0:
        start = line_start(data, pos, first)
        end = data.find(b"\n", pos, last)
        end = last if end < 0 else end
        subject = data[start:pos]
        if b" " not in subject:
            if data[end - 2:end] != b" .":
                raise Unreadable(f"not an N-Triples line: {data[start:start + 80]!r}")
            yield subject.decode("utf-8"), data[pos + len(needle):end - 2].decode("utf-8")
        pos = data.find(needle, end, last)


_OPEN: dict[tuple[Path, int, int], LinesReader] = {}


def lines_reader(folder: Path | None) -> LinesReader | None:
    """The build's ``graph.nt`` in ``folder`` (the build's own folder) as a reader, or None
    when it is not there. One reader per file and process: the projection and the name
    index read the text once between them, and only when they are made."""
    if folder is None:
        return None
    path = folder / NT_FILE
    try:
        st = path.stat()
    except OSError:
        return None
    key = (path, st.st_size, st.st_mtime_ns)
    if key not in _OPEN:
        _OPEN.clear()
        _OPEN[key] = LinesReader(path, folder)
    return _OPEN[key]
