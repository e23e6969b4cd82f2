"""The store interface: results, errors, parameter binding and a timeout, shared by every store.

Nothing here knows a particular engine; :mod:`graph.sparql.stores` (Oxigraph, rdflib) and
:mod:`graph.sparql.remote` (any SPARQL 1.1 server) implement :class:`Store`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from graph.sparql.plain import XSD_STRING
from graph.sparql.querytext import QueryError, bind_terms, validate

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Node

__all__ = ["QueryResult", "Store", "QueryError", "StoreError", "QueryTimeout", "prepare", "plain",
           "XSD_STRING",
           "run_with_timeout"]

T = TypeVar("T")


class StoreError(Exception):
    """The store cannot be used: missing, locked, unreachable (says which and why)."""


class QueryTimeout(StoreError):
    """The query ran longer than its timeout."""


@dataclass
class QueryResult:
    kind: str                                   # "select" | "ask" | "graph"
    vars: list[str]
    rows: list[tuple[Node | None, ...]]        # rdflib terms, or plain ones (graph.sparql.plain)
    boolean: bool | None = None
    graph: rdflib.Graph | None = None


class Store(Protocol):
    name: str

    def query(self, sparql: str, bindings: dict[str, Node] | None = None,
              timeout: float | None = None) -> QueryResult: ...


def prepare(sparql: str, bindings: dict[str, Node] | None) -> str:
    """Check the syntax (QueryError with line/column/token), then bind the parameters."""
    validate(sparql)
    return bind_terms(sparql, bindings)


def plain(term: Any) -> Any:
    """RDF 1.1: "x"^^xsd:string is the simple literal "x"; return it untyped (the same kind
    of term: an rdflib ``Literal`` stays one)."""
    dt = getattr(term, "datatype", None)
    if dt is not None and str(dt) == XSD_STRING and hasattr(term, "language"):
        return type(term)(str(term))
    return term


def run_with_timeout(fn: Callable[[], T], timeout: float | None, what: str,
                     done: Callable[[], None] | None = None) -> T:
    """Run ``fn`` in a worker thread and give up after ``timeout`` seconds.

    pyoxigraph releases the GIL while it evaluates, and rdflib yields it regularly, so the
    caller gets control back on time; the abandoned evaluation finishes in the background.
    ``done`` is called when ``fn`` has ended, on time or not (``serve`` frees a slot with it).
    """
    if timeout is None:
        try:
            return fn()
        finally:
            if done is not None:
                done()
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc
        finally:
            if done is not None:
                done()

    worker = threading.Thread(target=work, name="cinecoop-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise QueryTimeout(f"the query on {what} ran longer than {timeout:g} s and was abandoned")
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value
