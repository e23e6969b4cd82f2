"""The built graph read without rdflib: plain-string terms straight from the Oxigraph store.

A :class:`Reader` answers the few calls the look-ups make (``objects``, ``subjects``,
``value``, ``triples``, ``in``) from the store's default graph with quad patterns. Terms are
plain Python: an IRI is a ``str``, a literal a :class:`Lit` (a ``str`` with ``language`` and
``datatype``). ``show``, ``find`` and ``stats`` use it, so a cold ``cinecoop show`` imports
neither rdflib nor networkx. :func:`as_reader` wraps any rdflib graph in the same interface
(the reference path the tests compare against).

:func:`build_cache` keeps a value derived from a build (the name index) beside it, keyed by
the hash of its quads, so it is made once per build.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox

from graph.data.outputs import MANIFEST, STORE_DIR
from graph.files import keep_pickle
from graph.ns import XSD

__all__ = ["GraphUnavailable", "Lit", "Patterns", "Reader", "MemoryReader", "RdflibReader",
           "open_reader", "as_reader", "load_reader", "build_cache", "is_true"]

T = TypeVar("T")
CACHE_VERSION = 2


class GraphUnavailable(Exception):
    """The store is missing or cannot be opened (the message says which and what to do)."""


class Lit(str):
    """A literal: its lexical form, with ``language`` or ``datatype`` (None for a plain
    string)."""

    language: str | None
    datatype: str | None

    def __new__(cls, value: str, language: str | None = None,
                datatype: str | None = None) -> Lit:
        lit = super().__new__(cls, value)
        lit.language = language or None
        lit.datatype = None if language or datatype in (None, XSD.string) else datatype
        return lit


def is_true(value: Any) -> bool:
    """Whether a literal is the boolean true (``"true"`` or ``"1"``)."""
    return value is not None and str(value) in ("true", "1")


def _to_ox(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, Lit):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(term.datatype))
        return ox.Literal(str(term))
    return ox.NamedNode(str(term))


def _from_ox(term: Any) -> Any:
    if isinstance(term, ox.Literal):
        return Lit(term.value, term.language, term.datatype.value)
    return term.value     # a NamedNode (the build writes no blank nodes)


class Patterns:
    """The calls the look-ups make, over :meth:`triples` (which a reader defines)."""

    def triples(self, pattern: tuple[Any, Any, Any]) -> Iterator[tuple[Any, Any, Any]]:
        raise NotImplementedError

    def objects(self, subject: Any = None, predicate: Any = None) -> Iterator[Any]:
        return (o for _, _, o in self.triples((subject, predicate, None)))

    def subjects(self, predicate: Any = None, obj: Any = None) -> Iterator[Any]:
        return (s for s, _, _ in self.triples((None, predicate, obj)))

    def value(self, subject: Any = None, predicate: Any = None, obj: Any = None) -> Any:
        """The object for (subject, predicate), or the subject for (predicate, object)."""
        if obj is None:
            return next(self.objects(subject, predicate), None)
        return next(self.subjects(predicate, obj), None)

    def __contains__(self, triple: tuple[Any, Any, Any]) -> bool:
        return next(self.triples(triple), None) is not None

    def node(self, iri: str) -> Any:
        """The term this reader uses for an IRI (a ``str``)."""
        return iri

    folder: Path | None = None
    _memo: dict[str, Any]

    def cached(self, name: str, make: Callable[[], T]) -> T:
        """A value derived from this build, made once (see :func:`build_cache`)."""
        if name not in self._memo:
            self._memo[name] = build_cache(self.folder, name, make)
        value: T = self._memo[name]
        return value


class Reader(Patterns):
    """A read-only view of an Oxigraph store's default graph, with plain-string terms."""

    def __init__(self, store: ox.Store | Path, folder: Path | None = None,
                 name: str = "oxigraph", node: Callable[[str], Any] | None = None):
        self._store = store     # or the store's folder, opened on first use
        self.folder = folder    # the build folder (manifest.json), for :meth:`cached`
        self.name = name
        self._node = node       # the caller's own IRI term (default: the plain string)
        self._default = ox.DefaultGraph()
        self._memo: dict[str, Any] = {}

    @property
    def store(self) -> ox.Store:
        """The store, opened read-only on first use (a cached answer needs no store)."""
        if isinstance(self._store, Path):
            try:
                self._store = ox.Store.read_only(str(self._store))
            except OSError as exc:
                raise GraphUnavailable(f"cannot open the Oxigraph store at {self._store}: "
                                       f"{exc}") from None
        return self._store

    def node(self, iri: str) -> Any:
        return iri if self._node is None else self._node(iri)

    def triples(self, pattern: tuple[Any, Any, Any]) -> Iterator[tuple[Any, Any, Any]]:
        try:
            s, p, o = (_to_ox(t) for t in pattern)
            found = list(self.store.quads_for_pattern(s, p, o, self._default))
        except (SyntaxError, ValueError):   # not an IRI: nothing has it
            return
        for q in found:
            yield _from_ox(q.subject), q.predicate.value, _from_ox(q.object)


class MemoryReader(Patterns):
    """Every triple of a graph in memory, indexed by subject and by predicate and object:
    for reading a whole graph (the site describes every entity), where one scan of the store
    costs less than a pattern per look-up."""

    def __init__(self, triples: Iterable[tuple[Any, str, Any]], folder: Path | None = None,
                 node: Callable[[str], Any] | None = None):
        spo: dict[Any, dict[str, list[Any]]] = {}
        pos: dict[str, dict[Any, tuple[Any, list[Any]]]] = {}   # by _key(object)
        for s, p, o in triples:     # (setdefault would make a dict or list per triple)
            by_p = spo.get(s)
            if by_p is None:
                by_p = spo[s] = {}
            objs = by_p.get(p)
            if objs is None:
                by_p[p] = [o]
            else:
                objs.append(o)
            by_o = pos.get(p)
            if by_o is None:
                by_o = pos[p] = {}
            _index_object(by_o, o, s)
        self.spo, self.pos = spo, pos
        self._whole = True      # pos holds every predicate
        self._heads: dict[str, list[Any]] = {}     # (by_subject) predicate -> subjects
        self.folder = folder
        self._node = node
        self._memo: dict[str, Any] = {}
        self.lookups: dict[tuple[str, Any], Any] = {}  # what describe() worked out once

    @classmethod
    def by_subject(cls, spo: dict[Any, dict[str, list[Any]]], heads: dict[str, list[Any]],
                   folder: Path | None = None,
                   node: Callable[[str], Any] | None = None) -> MemoryReader:
        """The reader of ``spo`` (subject -> predicate -> objects, each subject's triples in
        the order they came, the subjects in the order they first came; ``heads``:
        predicate -> the subjects that have it, in that order), whose index by predicate
        and object is made per predicate when first asked for: the look-ups by object ask
        for a few predicates of hundreds of thousands of triples, so indexing every triple
        up front would cost more than every look-up. The answers and their order are those
        of a reader given the same triples subject by subject."""
        reader = cls(())
        reader.spo, reader._heads, reader._whole = spo, heads, False
        reader.folder, reader._node = folder, node
        return reader

    def _by_object(self, predicate: str) -> dict[Any, tuple[Any, list[Any]]]:
        """Object (:func:`_key`) -> (the object, its subjects in order) for ``predicate``."""
        by_o = self.pos.get(predicate)
        if by_o is not None:
            return by_o
        if self._whole:
            return _NONE
        by_o = self.pos[predicate] = {}
        spo = self.spo
        for s in self._heads.get(predicate, ()):
            for o in spo[s][predicate]:
                _index_object(by_o, o, s)
        return by_o

    def _predicates(self) -> list[str]:
        """Every predicate of the graph, sorted."""
        if self._whole:
            return sorted(self.pos)
        return sorted(self._heads)

    def node(self, iri: str) -> Any:
        return iri if self._node is None else self._node(iri)

    # the look-ups describe() makes most, answered from the indexes without a generator of
    # triples (the same answers as through :meth:`triples`)
    def objects(self, subject: Any = None, predicate: Any = None) -> Iterator[Any]:
        if subject is None or predicate is None:
            return super().objects(subject, predicate)
        return iter(self.spo.get(_plain(subject), _NONE).get(str(predicate), ()))

    def subjects(self, predicate: Any = None, obj: Any = None) -> Iterator[Any]:
        if predicate is None or obj is None:
            return super().subjects(predicate, obj)
        found = self._by_object(str(predicate)).get(_key(_plain(obj)))
        return iter(found[1] if found is not None else ())

    def value(self, subject: Any = None, predicate: Any = None, obj: Any = None) -> Any:
        if subject is not None and predicate is not None and obj is None:
            found = self.spo.get(_plain(subject), _NONE).get(str(predicate))
            return found[0] if found else None
        return super().value(subject, predicate, obj)

    def __contains__(self, triple: tuple[Any, Any, Any]) -> bool:
        s, p, o = triple
        if s is None or p is None or o is None:
            return super().__contains__(triple)
        want = _key(_plain(o))
        return any(_key(x) == want for x in self.spo.get(_plain(s), _NONE).get(str(p), ()))

    def triples(self, pattern: tuple[Any, Any, Any]) -> Iterator[tuple[Any, Any, Any]]:
        s, p, o = (None if t is None else _plain(t) for t in pattern)
        if s is not None:
            by_p = self.spo.get(s, {})
            want = None if o is None else _key(o)
            for pred in ([p] if p is not None else sorted(by_p)):
                for obj in by_p.get(pred, ()):
                    if want is None or _key(obj) == want:
                        yield s, pred, obj
            return
        for pred in ([p] if p is not None else self._predicates()):
            by_o = self._by_object(pred)
            found = [by_o[_key(o)]] if o is not None and _key(o) in by_o else \
                [] if o is not None else list(by_o.values())
            for obj, subjects in found:
                for subj in subjects:
                    yield subj, pred, obj


_NONE: dict[Any, Any] = {}


def _key(term: Any) -> Any:
    """What tells terms apart: an IRI by its text, a literal by text, language and type."""
    return (str(term), term.language, term.datatype) if isinstance(term, Lit) else term


def _index_object(by_o: dict[Any, tuple[Any, list[Any]]], o: Any, s: Any) -> None:
    """``s`` added to the subjects of the object ``o`` in one predicate's index by object
    (keyed by :func:`_key`)."""
    key = _key(o)
    subjects = by_o.get(key)
    if subjects is None:
        by_o[key] = (o, [s])
    else:
        subjects[1].append(s)


def _plain(term: Any) -> Any:
    """A term as a :class:`MemoryReader` keys it: a plain ``str`` IRI or a :class:`Lit`."""
    return term if type(term) in (str, Lit) else (
        Lit(str(term), getattr(term, "language", None),
            str(term.datatype) if getattr(term, "datatype", None) else None)
        if hasattr(term, "language") else str(term))


def load_reader(g: Any) -> MemoryReader:
    """The whole graph ``g`` (a reader, the store's rdflib view, an rdflib graph) read once
    into memory."""
    r = as_reader(g)
    if isinstance(r, MemoryReader):
        return r
    if isinstance(r, Reader):
        default = ox.DefaultGraph()
        found = ((_from_ox(q.subject), q.predicate.value, _from_ox(q.object))
                 for q in r.store.quads_for_pattern(None, None, None, default))
        return MemoryReader(found, r.folder, r._node)
    return MemoryReader(r.triples((None, None, None)), None, r.node)


class RdflibReader(Patterns):
    """Any rdflib graph (or the rdflib view of the store) behind the :class:`Reader` calls:
    terms go in as plain strings or rdflib terms and come out plain."""

    def __init__(self, graph: Any):
        from rdflib import Literal, URIRef  # lazy: only the rdflib reference path needs it

        self.graph = graph
        self._uri, self._lit = URIRef, Literal
        self._memo: dict[str, Any] = {}

    def _in(self, term: Any) -> Any:
        if term is None or isinstance(term, (self._uri, self._lit)):
            return term
        if isinstance(term, Lit):
            return self._lit(str(term), lang=term.language,
                             datatype=self._uri(term.datatype) if term.datatype else None)
        return self._uri(str(term))

    def _out(self, term: Any) -> Any:
        if isinstance(term, self._lit):
            dt = str(term.datatype) if term.datatype is not None else None
            return Lit(str(term), term.language, dt)
        return str(term)

    def triples(self, pattern: tuple[Any, Any, Any]) -> Iterator[tuple[Any, Any, Any]]:
        s, p, o = (self._in(t) for t in pattern)
        for ts, tp, to in self.graph.triples((s, p, o)):
            yield self._out(ts), str(tp), self._out(to)

    def node(self, iri: str) -> Any:
        """The graph's own term for an IRI (an rdflib ``URIRef``)."""
        return self._uri(iri)

    def cached(self, name: str, make: Callable[[], T]) -> T:
        keep = getattr(self.graph, "cached", None)
        if keep is not None:      # the store's rdflib view keeps it beside the build
            value: T = keep(name, make)
            return value
        if name not in self._memo:
            self._memo[name] = make()
        kept: T = self._memo[name]
        return kept


_WRAPPED: dict[int, tuple[Any, int, Patterns]] = {}


def as_reader(g: Any) -> Patterns:
    """``g`` itself when it is a reader, else the rdflib graph ``g`` behind the same calls
    (one wrapper per graph, made again when the graph grew)."""
    if isinstance(g, Patterns):
        return g
    plain = getattr(g, "plain_reader", None)
    if plain is not None:    # the rdflib view of the store: read the store itself
        reader: Patterns = plain()
        return reader
    size = len(g)
    kept = _WRAPPED.get(id(g))
    if kept is None or kept[0] is not g or kept[1] != size:
        if len(_WRAPPED) > 8:
            _WRAPPED.clear()
        kept = (g, size, RdflibReader(g))
        _WRAPPED[id(g)] = kept
    return kept[2]


def open_reader(out_dir: Path) -> Reader:
    """The store ``cinecoop build`` wrote into ``out_dir``, opened read-only (several readers
    at once); :class:`GraphUnavailable` says what to do when it cannot be opened."""
    store_dir = out_dir / STORE_DIR
    if not (store_dir / "CURRENT").is_file():
        raise GraphUnavailable(f"no Oxigraph store at {store_dir}: run 'cinecoop build'")
    return Reader(store_dir, (out_dir / MANIFEST).resolve().parent, f"oxigraph:{store_dir}")


def _cache_key(folder: Path) -> str | None:
    try:
        key = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["content"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return f"{key}-v{CACHE_VERSION}" if isinstance(key, str) and key.isalnum() else None


def build_cache(folder: Path | None, name: str, make: Callable[[], T]) -> T:
    """``make()``, kept as ``<name>-<hash>.pickle`` in the build folder and keyed by the hash
    of the build's quads, so it is made once per build; made again (and not kept) when the
    folder has no manifest or is read-only."""
    key = _cache_key(folder) if folder is not None else None
    if folder is None or key is None:
        return make()
    return keep_pickle(folder / f"{name}-{key[:16]}.pickle", key, make)
