"""The Python API: what the ``cinecoop`` command does, as calls for notebooks and scripts.

Open a built graph once, then ask it things; the CLI is a thin layer over these same calls.

>>> import tempfile, graph
>>> kg = graph.open_graph(tempfile.mkdtemp(), data="data")   # builds first when data/ changed
>>> rows = graph.query(kg, "posts-of", person="Рашадом Азизовым")
>>> sorted(r["organisation"] for r in rows.labelled())[-1]
'Creative Industries and Digital Development Department'
>>> graph.describe(kg, "Rashad Azizov").kind
'Person'
>>> graph.find(kg, "Gurban Primov")[0].id
'person/gurban-pirimov'
>>> G = graph.view(kg, "country-country", since="2025")
>>> sorted(G.nodes[n]["label"] for n in G.neighbors("country/ge"))
['Azerbaijan', 'Pakistan', 'Turkey', 'Uzbekistan']
>>> graph.write_map(kg, "org-org", kg.out / "org-org.html").name
'org-org.html'

Rows come as rdflib terms (``rows.rows``), as plain Python values (``rows.records()``), with
labels instead of IRIs (``rows.labelled()``), or as a pandas DataFrame (``rows.to_dataframe()``,
when pandas is installed: ``pip install 'cinecoop[notebook]'``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.data.outputs import STORE_DIR, is_current
from graph.names import Match
from graph.sparql.describe import Description, name_index, resolve
from graph.sparql.describe import describe as describe_node
from graph.sparql.reader import Reader, open_reader

if TYPE_CHECKING:   # the look-ups (describe, find) import no rdflib
    from rdflib import Dataset

    from graph.sparql.base import QueryResult, Store

__all__ = ["OpenGraph", "Rows", "open_graph", "query", "describe", "find", "view", "write_map"]


@dataclass
class OpenGraph:
    """A built graph: where it is, the store queries run on, the graph look-ups read.

    Everything is opened on first use and kept: ``store`` (SPARQL), ``reader`` (the Oxigraph
    store read by quad patterns with plain-string terms, for look-ups: no rdflib), ``graph``
    (the same store read as an rdflib ``Graph`` is), ``projection`` (the networkx projection,
    cached beside the build) and ``dataset`` (the TriG parsed into rdflib: the slow reference
    path, for comparisons only). A local graph is rebuilt first when ``data`` changed.
    """

    out: Path
    data: Path
    store_spec: str | None = None
    user: str | None = None
    password: str | None = None
    _opened: dict[str, Any] = field(default_factory=dict, repr=False)

    def ensure_built(self) -> None:
        """Rebuild when ``data/`` or the ontology changed (:class:`BuildError` for bad data)."""
        if "built" not in self._opened:
            if not (self.data.is_dir() and is_current(self.data, self.out)):
                from graph.data.build import ensure_built  # lazy: validation code only to build

                ensure_built(self.data, self.out)
            self._opened["built"] = True

    @property
    def store(self) -> Store:
        """The store named by ``store_spec`` (default: the Oxigraph store of ``out``)."""
        if "store" not in self._opened:
            from graph.sparql.stores import open_store  # lazy: what a look-up does not need

            self._opened["store"] = open_store(self.store_spec, self.out, self.data,
                                               user=self.user, password=self.password)
        store: Store = self._opened["store"]
        return store

    @property
    def reader(self) -> Reader:
        """The built graph read from the Oxigraph store with plain-string terms (nothing is
        parsed, rdflib is not imported): what ``show``, ``find`` and ``stats`` read."""
        if "reader" not in self._opened:
            self.ensure_built()
            self._opened["reader"] = open_reader(self.out)
        reader: Reader = self._opened["reader"]
        return reader

    @property
    def graph(self) -> Any:
        """The built graph read from the Oxigraph store (nothing is parsed): a
        :class:`~graph.sparql.quadgraph.StoreGraph`, read as an rdflib ``Graph`` is."""
        if "graph" not in self._opened:
            from graph.sparql.quadgraph import open_graph  # lazy: rdflib terms only here

            self.ensure_built()
            self._opened["graph"] = open_graph(self.out / STORE_DIR)
        return self._opened["graph"]

    @property
    def projection(self) -> Any:
        """The one networkx projection of the build (``nx.MultiDiGraph``), cached beside it."""
        if "projection" not in self._opened:
            from graph.network.cache import cached_projection  # lazy: networkx for views only

            self.ensure_built()
            self._opened["projection"] = cached_projection(self.out, lambda: self.graph)
        return self._opened["projection"]

    def cache_dir(self) -> Path | None:
        """The build's own folder, where computed map layouts are kept (None: not kept)."""
        from graph.network.cache import build_folder  # lazy: as for the projection

        self.ensure_built()
        return build_folder(self.out)

    @property
    def dataset(self) -> Dataset:
        """The built TriG parsed into rdflib: the reference the tests compare against."""
        if "dataset" not in self._opened:
            from graph.data.build import load_dataset  # lazy: the slow reference path

            self.ensure_built()
            self._opened["dataset"] = load_dataset(self.out)
        dataset: Dataset = self._opened["dataset"]
        return dataset


def open_graph(out: str | Path = "out", data: str | Path = "data", *, store: str | None = None,
               user: str | None = None, password: str | None = None) -> OpenGraph:
    """The graph built from ``data`` into ``out`` (built now when missing or out of date).

    ``store`` chooses where queries run, as ``cinecoop --store`` does: ``oxigraph`` (default),
    ``oxigraph:PATH``, ``memory`` or ``sparql:URL``.
    """
    kg = OpenGraph(Path(out), Path(data), store, user, password)
    kg.store  # noqa: B018 - open (and build) now, so that errors surface here
    return kg


@dataclass
class Rows:
    """The answer of a query: variables, rows of rdflib terms, and the store they came from."""

    vars: list[str]
    rows: list[tuple[Any, ...]]
    result: QueryResult
    store: Store

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.records())

    def __len__(self) -> int:
        return len(self.rows)

    def records(self) -> list[dict[str, Any]]:
        """One dict per row: IRIs as strings, literals as Python values (dates as dates)."""
        return [{v: _python(t) for v, t in zip(self.vars, row, strict=True)} for row in self.rows]

    def labelled(self, lang: str = "en") -> list[dict[str, str]]:
        """One dict per row as ``cinecoop query`` shows it: labels for IRIs, dates as text."""
        from rdflib import URIRef  # lazy: rows of rdflib terms come from rdflib anyway

        from graph.sparql.tables import labels, show  # lazy: only for labelled rows

        iris = {t for row in self.rows for t in row if isinstance(t, URIRef)}
        names = labels(self.store, iris, lang)
        return [{v: show(t, names) for v, t in zip(self.vars, row, strict=True)}
                for row in self.rows]

    def to_dataframe(self, labels: bool = False) -> Any:
        """A pandas DataFrame of :meth:`records` (or of :meth:`labelled` with ``labels``)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_dataframe needs pandas: pip install 'cinecoop[notebook]'") \
                from None
        return pd.DataFrame(self.labelled() if labels else self.records(), columns=self.vars)


def _python(term: Any) -> Any:
    from rdflib import Literal  # lazy: rows of rdflib terms come from rdflib anyway

    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return str(term)


def query(kg: OpenGraph, sparql_or_name: str, params: dict[str, str] | None = None,
          timeout: float | None = None, **named_params: str) -> Rows | bool | Any:
    """Run a named query (by name, with parameters as keywords) or SPARQL text.

    SELECT gives :class:`Rows`, ASK a bool, CONSTRUCT/DESCRIBE an rdflib Graph. Parameters
    take any name of an entity, in any language, an id, ``<IRI>`` or ``"literal"``.
    """
    from graph.sparql.named import is_query_name, run  # lazy: only for queries

    values = {**(params or {}), **named_params}
    is_name = is_query_name(sparql_or_name)
    outcome = run(kg.store, text=None if is_name else sparql_or_name,
                  name=sparql_or_name.strip() if is_name else None, params=values,
                  timeout=timeout)
    result = outcome.result
    if result.kind == "ask":
        return bool(result.boolean)
    if result.kind == "graph":
        return result.graph
    return Rows(result.vars, result.rows, result, kg.store)


def describe(kg: OpenGraph, name: str) -> Description:
    """Everything the graph knows about the entity called ``name`` (``cinecoop show``)."""
    return describe_node(kg.reader, resolve(kg.reader, name))


def find(kg: OpenGraph, name: str, kind: str | None = None, limit: int = 10) -> list[Match]:
    """Ranked candidates for ``name`` with a score and the reason (``cinecoop find``)."""
    return name_index(kg.reader).find(name, kind=kind, limit=limit)


def view(kg: OpenGraph, name: str = "org-org", *, since: str | None = None,
         until: str | None = None, include_undated: bool = False,
         types: tuple[str, ...] = ()) -> Any:
    """A named view as a networkx graph (``org-org``, ``country-country``, ``full``...)."""
    from graph.network.commands import Filters, load_view  # lazy: networkx for views only

    return load_view(kg.graph, name, Filters(since, until, include_undated, types),
                     G=kg.projection).copy()   # the caller's own: views are shared read-only


def write_map(kg: OpenGraph, view_name: str, path: str | Path, **options: Any) -> Path:
    """Write the interactive map of a view to ``path`` (``cinecoop html``); options as
    :func:`graph.web.site.map_page` takes them (since, until, types, focus, depth, max_nodes:
    the node budget, 2,000 by default; a larger view keeps its most central nodes and says so)."""
    from graph.web.maps import write_html  # lazy: pyvis and jinja2 for maps only
    from graph.web.site import map_page  # lazy: as above

    options.setdefault("cache_dir", kg.cache_dir())
    page = map_page(kg.graph, view_name, projection=kg.projection, **options)
    return write_html(page, Path(path))
