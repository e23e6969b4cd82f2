"""Where the triples live: one small query interface over three stores.

- ``oxigraph:PATH`` (default ``out/store``, written by ``cinecoop build``): pyoxigraph on disk,
  opened read-only, so many readers can query at once without re-parsing anything;
- ``memory``: the built ``graph.trig`` parsed into an rdflib Dataset (the reference engine);
- ``sparql:URL``: any SPARQL 1.1 server over HTTP (``cinecoop push`` uploads the graphs).

Every store answers with the default graph being the UNION of the named graphs (one per
source, plus the ontology), and ``GRAPH ?g`` sees each named graph. The union is a merge: a
triple stated by three sources is in it once. rdflib and our Oxigraph store (whose default
graph ``build`` fills with that merge) agree on that for any query; a remote server such as
Virtuoso repeats such a triple once per graph, and also has system graphs of its own: the
named queries use DISTINCT, and aggregate DISTINCT values, so they agree on every store.

Terms come back as rdflib terms; a literal typed ``xsd:string`` is returned as the plain
literal it equals in RDF 1.1 (Oxigraph and Virtuoso type it, rdflib does not). An Oxigraph
store opened with ``plain=True`` answers SELECT and ASK in plain terms
(:mod:`graph.sparql.plain`) and imports no rdflib: ``cinecoop query`` uses it.

Opening a local store imports neither rdflib nor the build: the build is checked by
:func:`graph.data.outputs.is_current`, and only a stale one is rebuilt (then the build code
is imported).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from graph.data.outputs import OUTPUTS, STORE_DIR, is_current
from graph.sparql.base import (
    QueryError,
    QueryResult,
    QueryTimeout,
    Store,
    StoreError,
    plain,
    prepare,
    run_with_timeout,
)
from graph.sparql.plain import from_ox
from graph.sparql.querytext import oxigraph_error, query_form

if TYPE_CHECKING:
    from rdflib import Dataset
    from rdflib.term import Node

__all__ = ["QueryResult", "Store", "QueryError", "StoreError", "QueryTimeout", "open_store",
           "OxigraphStore", "MemoryStore", "STORE_DIR"]


# ------------------------------------------------------------------ Oxigraph


def ox_converter(plain_terms: bool = False) -> Callable[[Any], Any]:
    """A function turning pyoxigraph terms into rdflib terms, or into plain ones
    (:func:`graph.sparql.plain.from_ox`); ``None`` stays ``None``."""
    if plain_terms:
        to_term = from_ox
    else:
        from graph.sparql.quadgraph import from_oxigraph  # lazy: rdflib, for rdflib terms only

        to_term = from_oxigraph

    def convert(term: Any) -> Any:
        if term is None:
            return None
        try:
            return to_term(term)
        except TypeError as exc:
            raise StoreError(str(exc)) from None

    return convert


class OxigraphStore:
    """A pyoxigraph store on disk, opened read-only (several readers may run at once)."""

    def __init__(self, path: Path, plain: bool = False):

        self.path = Path(path)
        self.plain = plain          # answer SELECT and ASK in plain terms (no rdflib)
        self.name = f"oxigraph:{self.path}"
        if not (self.path / "CURRENT").is_file():
            raise StoreError(f"no Oxigraph store at {self.path}: run 'cinecoop build' "
                             "(it writes out/store) or give --store oxigraph:PATH")
        try:
            self._store = ox.Store.read_only(str(self.path))
        except OSError as exc:
            raise StoreError(f"cannot open the Oxigraph store at {self.path}: {exc}") from None

    def query(self, sparql: str, bindings: dict[str, Node] | None = None,
              timeout: float | None = None) -> QueryResult:
        text = prepare(sparql, bindings)
        kind = query_form(text)
        return run_with_timeout(lambda: self._run(text, kind), timeout, self.name)

    def objects(self, subject: str, predicate: str) -> list[Any]:
        """The objects of (subject, predicate) in the default graph, by one quad pattern
        (plain terms): what ``labels`` reads per IRI, where a SPARQL ``VALUES`` join would
        scan every triple."""
        convert = ox_converter(True)
        try:
            found = self._store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate),
                                                  None, ox.DefaultGraph())
            return [convert(q.object) for q in found]
        except (OSError, ValueError) as exc:
            raise StoreError(f"{self.name} could not be read: {exc}") from None

    def _run(self, text: str, kind: str) -> QueryResult:

        convert = ox_converter(self.plain and kind not in ("construct", "describe"))
        try:
            res = self._store.query(text)
            if kind == "ask":
                return QueryResult("ask", [], [], boolean=bool(res))
            if kind in ("construct", "describe"):
                from rdflib import Graph  # lazy: a graph result is an rdflib Graph

                assert isinstance(res, ox.QueryTriples)
                g = Graph()
                for t in res:
                    g.add((convert(t.subject), convert(t.predicate), convert(t.object)))
                return QueryResult("graph", [], [], graph=g)
            assert isinstance(res, ox.QuerySolutions)
            names = [v.value for v in res.variables]
            width = range(len(names))
            rows = [tuple(convert(sol[i]) for i in width) for sol in res]
            return QueryResult("select", names, rows)
        except SyntaxError as exc:
            raise oxigraph_error(text, str(exc)) from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise StoreError(f"{self.name} could not run the query: {exc}") from None


# ------------------------------------------------------------------ rdflib in memory


class MemoryStore:
    """The built graph parsed into rdflib (the reference the other stores are checked against)."""

    def __init__(self, ds: Dataset, name: str = "memory", source: Path | None = None):
        self.ds = ds
        self.name = name
        self.source = source    # the TriG it was read from (worker processes read it again)

    def query(self, sparql: str, bindings: dict[str, Node] | None = None,
              timeout: float | None = None) -> QueryResult:
        text = prepare(sparql, bindings)
        return run_with_timeout(lambda: self._run(text), timeout, self.name)

    def _run(self, text: str) -> QueryResult:

        with warnings.catch_warnings():
            # rdflib 7's own GRAPH evaluation calls its deprecated Dataset.contexts()
            warnings.filterwarnings("ignore", "Dataset.contexts is deprecated",
                                    DeprecationWarning)
            try:
                res = self.ds.query(text)
                if res.type == "SELECT":
                    res.bindings  # noqa: B018 - evaluate now, inside the filter
            except Exception as exc:  # rdflib's parser and engine raise many kinds
                raise StoreError(f"rdflib (the memory store) could not run this query, which "
                                 f"Oxigraph's parser accepts: {type(exc).__name__}: {exc}"
                                 ) from None
        if res.type == "ASK":
            return QueryResult("ask", [], [], boolean=bool(res.askAnswer))
        if res.type in ("CONSTRUCT", "DESCRIBE"):
            from rdflib import Graph  # lazy: the memory store has rdflib loaded already

            g = Graph()
            for s, p, o in res.graph or Graph():
                g.add((s, p, plain(o)))
            return QueryResult("graph", [], [], graph=g)
        names = [str(v) for v in res.vars or []]
        rows = [tuple(plain(row[i]) for i in range(len(names))) for row in res]  # type: ignore
        return QueryResult("select", names, rows)


# ------------------------------------------------------------------ opening a store


def open_store(spec: str | None, out_dir: Path, data_dir: Path, *, user: str | None = None,
               password: str | None = None, plain: bool = False) -> Store:
    """The store named by ``spec``: None/'oxigraph' (out/store), 'oxigraph:PATH', 'memory',
    'sparql:URL'. Local stores are (re)built first when data/ changed. ``plain``: an Oxigraph
    store answers in plain terms (the others answer in rdflib terms whatever it says)."""
    spec = (spec or "oxigraph").strip()
    kind, _, arg = spec.partition(":")
    if kind == "oxigraph":
        if arg:
            return OxigraphStore(Path(arg), plain=plain)
        _ensure_local(out_dir, data_dir)
        return OxigraphStore(out_dir / STORE_DIR, plain=plain)
    if kind == "memory" and not arg:
        from graph.data.build import load_dataset  # lazy: the rdflib reference path only

        _ensure_local(out_dir, data_dir)
        return MemoryStore(load_dataset(out_dir), source=out_dir / "graph.trig")
    if kind == "sparql" and arg:
        from graph.sparql.remote import SparqlStore  # lazy: HTTP and rdflib, remote only

        return SparqlStore(arg, user=user, password=password)
    raise StoreError(f"unknown store {spec!r}: use 'oxigraph' (default, out/store), "
                     "'oxigraph:PATH', 'memory' or 'sparql:URL'")


def _ensure_local(out_dir: Path, data_dir: Path) -> None:
    """Rebuild when data/ changed; write the Oxigraph store if it is missing. A current build
    is recognised without importing the build code (validation, pyshacl, rdflib)."""
    if data_dir.is_dir():
        if not is_current(data_dir, out_dir):
            from graph.data.build import ensure_built  # lazy: only a stale build is rebuilt

            ensure_built(data_dir, out_dir)
    elif not (out_dir / OUTPUTS[0]).is_file():
        raise StoreError(f"no data folder {data_dir} and no built graph in {out_dir}")
    if not (out_dir / STORE_DIR / "CURRENT").is_file():
        from graph.data.build import load_dataset, write_local_store  # lazy: a repair, rarely

        write_local_store(out_dir, load_dataset(out_dir))
