"""The Oxigraph store read through the small part of rdflib's Graph API the readers use.

:class:`StoreGraph` answers ``triples``, ``objects``, ``subjects`` and ``value`` from the
store's default graph (the merge of the named graphs, each triple once) with quad patterns,
so ``show``, ``stats`` and the projection read the built store directly: nothing parses
TriG. Terms go in and come out as rdflib terms (a literal typed ``xsd:string`` comes back
plain, as rdflib has it). ``graph_names`` and ``graph_triples`` read one named graph (``push``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from graph.data.outputs import MANIFEST
from graph.sparql.reader import GraphUnavailable, Reader, build_cache

T = TypeVar("T")

__all__ = ["StoreGraph", "open_graph", "GraphUnavailable"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def from_oxigraph(term: Any) -> Any:
    """A pyoxigraph term as an rdflib term (an ``xsd:string`` literal comes back plain)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        return Literal(term.value) if dt == XSD_STRING else Literal(term.value,
                                                                     datatype=URIRef(dt))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"unsupported term from Oxigraph: {term!r}")


def to_oxigraph(node: Any) -> Any:
    """An rdflib term as a pyoxigraph term (None stays None: a wildcard)."""
    if node is None:
        return None
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        if node.datatype is not None:
            return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
        return ox.Literal(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    raise TypeError(f"not an RDF term: {node!r}")


class StoreGraph:
    """A read-only, rdflib-like view of an Oxigraph store's default graph."""

    def __init__(self, store: ox.Store, name: str = "oxigraph", folder: Path | None = None):
        self.store = store
        self.name = name
        self.folder = folder      # the build folder (manifest.json), for :meth:`cached`
        self._memo: dict[str, Any] = {}
        self._reader: Reader | None = None
        self._convert = from_oxigraph
        self._default = ox.DefaultGraph()
        self._len: int | None = None

    def triples(self, pattern: tuple[Any, Any, Any]) -> Iterator[tuple[Any, Any, Any]]:
        s, p, o = (to_oxigraph(t) for t in pattern)
        conv = self._convert
        try:
            found = list(self.store.quads_for_pattern(s, p, o, self._default))
        except (SyntaxError, ValueError) as exc:   # an ill-formed literal given as pattern
            raise GraphUnavailable(str(exc)) from None
        for q in found:
            yield conv(q.subject), conv(q.predicate), conv(q.object)

    def __len__(self) -> int:
        """Triples in the default graph (the store is a read-only snapshot: counted once)."""
        if self._len is None:
            self._len = sum(1 for _ in self.store.quads_for_pattern(None, None, None,
                                                                     self._default))
        return self._len

    def __iter__(self) -> Iterator[tuple[Any, Any, Any]]:
        return self.triples((None, None, None))

    def objects(self, subject: Any = None, predicate: Any = None) -> Iterator[Any]:
        for _, _, o in self.triples((subject, predicate, None)):
            yield o

    def subjects(self, predicate: Any = None, obj: Any = None) -> Iterator[Any]:
        for s, _, _ in self.triples((None, predicate, obj)):
            yield s

    def subject_objects(self, predicate: Any = None) -> Iterator[tuple[Any, Any]]:
        for s, _, o in self.triples((None, predicate, None)):
            yield s, o

    def subject_predicates(self, obj: Any = None) -> Iterator[tuple[Any, Any]]:
        for s, p, _ in self.triples((None, None, obj)):
            yield s, p

    def predicate_objects(self, subject: Any = None) -> Iterator[tuple[Any, Any]]:
        for _, p, o in self.triples((subject, None, None)):
            yield p, o

    def predicates(self, subject: Any = None, obj: Any = None) -> Iterator[Any]:
        for _, p, _ in self.triples((subject, None, obj)):
            yield p

    def __contains__(self, triple: tuple[Any, Any, Any]) -> bool:
        return next(self.triples(triple), None) is not None

    def value(self, subject: Any = None, predicate: Any = None, obj: Any = None) -> Any:
        """The object for (subject, predicate), or the subject for (predicate, object)."""
        if obj is None:
            return next(self.objects(subject, predicate), None)
        return next(self.subjects(predicate, obj), None)

    def plain_reader(self) -> Reader:
        """The same store read with plain-string terms (what the look-ups use; entities they
        return come back as ``URIRef``, as from this graph)."""
        if self._reader is None:
            self._reader = Reader(self.store, self.folder, self.name, node=URIRef)
        return self._reader

    def cached(self, name: str, make: Callable[[], T]) -> T:
        """A value derived from this read-only graph, made once per build (kept beside it:
        :func:`graph.sparql.reader.build_cache`)."""
        if name not in self._memo:
            self._memo[name] = build_cache(self.folder, name, make)
        value: T = self._memo[name]
        return value

    def graph_names(self) -> list[str]:
        """The named graphs, in IRI order."""
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def graph_ntriples(self, name: str) -> bytes:
        """One named graph as sorted N-Triples."""
        found = self.store.quads_for_pattern(None, None, None, ox.NamedNode(name))
        data = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in found),
                            format=ox.RdfFormat.N_TRIPLES) or b""
        return b"".join(sorted(data.splitlines(keepends=True)))


def open_graph(store_dir: Path) -> StoreGraph:
    """The store ``cinecoop build`` wrote, opened read-only (several readers at once)."""
    if not (store_dir / "CURRENT").is_file():
        raise GraphUnavailable(f"no Oxigraph store at {store_dir}: run 'cinecoop build'")
    try:
        return StoreGraph(ox.Store.read_only(str(store_dir)), f"oxigraph:{store_dir}",
                          (store_dir / ".." / MANIFEST).resolve().parent)
    except OSError as exc:
        raise GraphUnavailable(f"cannot open the Oxigraph store at {store_dir}: {exc}"
                               ) from None
