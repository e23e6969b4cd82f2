"""What the network commands (path, centrality, communities, export) compute and print.

``graph/cli.py`` parses options and calls one function here; each returns text (or the paths it
wrote) and raises :class:`NetworkError` for a problem the user can fix (an unknown name, a
name not in the chosen view, no path, a bad date or type).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.forked import beside, no_collection
from graph.network.analytics import Centrality, centrality, communities, cutpoints, split_by
from graph.network.export import rows, write
from graph.network.plain import plain_parts
from graph.network.projection import (
    check_options,
    node_matches,
    project,
    type_filter,
    view,
    view_parts,
)
from graph.network.reads import Filters as Filters
from graph.network.reads import NetworkError as NetworkError
from graph.network.reads import node_in_view, path_report, render_table, resolve_name
from graph.network.wording import LIMIT_WEAK, modularity_words
from graph.progress import progress

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Dataset


def load_view(ds: Dataset | None, name: str, filters: Filters, with_types: bool = True,
              G: nx.MultiDiGraph | None = None) -> nx.Graph:
    """The named view of ``G`` (default: the projection of ``ds``)."""
    try:
        return view(G if G is not None else project(ds), name, **filters.options(with_types))
    except ValueError as exc:
        raise NetworkError(str(exc)) from None


def plain_view(G: nx.MultiDiGraph, name: str, filters: Filters) -> dict[str, Any]:
    """The named view of the projection ``G`` in plain form (what ``path`` keeps), made
    without the networkx view."""
    try:
        return plain_parts(*view_parts(G, name, **filters.options()))
    except ValueError as exc:
        raise NetworkError(str(exc)) from None


def node_for(ds: Dataset, H: nx.Graph, name: str) -> str:
    """The view's node for a name (any label, any language), or a clear error."""
    return node_in_view(H, resolve_name(ds, name), name)


# ---------------------------------------------------------------------------- path


def path_lines(ds: Dataset, source: str, target: str, k: int, view_name: str,
               filters: Filters, G: nx.MultiDiGraph | None = None) -> list[str]:
    """The ``k`` shortest paths, each as its one-line chain and then hop by hop."""

    H = load_view(ds, view_name, filters, G=G)
    a, b = node_for(ds, H, source), node_for(ds, H, target)
    return path_report(H, a, b, k, view_name, filters)


# ---------------------------------------------------------------------------- centrality


def centrality_text(ds: Dataset, view_name: str, measures: list[str], top: int,
                    filters: Filters, fmt: str, backend: str = "auto",
                    G: nx.MultiDiGraph | None = None) -> str:
    """A ranked table of the measures (``--type`` picks the rows; scores use the whole view)."""
    H = load_view(ds, view_name, filters, with_types=False, G=G)
    return render_table(centrality_table(H, view_name, measures, filters, backend), top, fmt)


def centrality_table(H: nx.Graph, view_name: str, measures: list[str], filters: Filters,
                     backend: str = "auto",
                     scores: Callable[[], Centrality] | None = None) -> dict[str, Any]:
    """Every ranked row of the measures on the view ``H`` (without the type filter), as plain
    data: ``rows``, ``columns``, ``head``, ``notes``, ``meta`` (see :func:`render_table`);
    ``scores``: gives the measures' scores (kept ones) instead of computing them here."""
    try:
        accepted = type_filter(filters.types)
        result = scores() if scores is not None else centrality(H, measures, backend=backend)
    except ValueError as exc:
        raise NetworkError(str(exc)) from None
    rows_nodes = [n for n in H if not accepted or (
        H.nodes[n]["kind"] in accepted and node_matches(H.nodes[n], accepted))]
    ranked = result.ranking(measures[0], rows_nodes)
    rows = [{"rank": i, "label": H.nodes[n]["label"], "id": n, "type": H.nodes[n]["cls"],
             **{m: round(result.scores[m][n], 6) for m in measures}}
            for i, (n, _) in enumerate(ranked, 1)]
    head = (f"view {view_name}: {H.number_of_nodes()} nodes, {H.number_of_edges()} edges; "
            f"{filters.describe()}; ranked by {measures[0]}; backend {result.backend}; "
            + ("weighted" if result.weighted else "unweighted")
            + (f"; types {', '.join(filters.types)}" if filters.types else ""))
    notes = [n for n in result.notes if not n.startswith("weighted")] + (
        [n for n in result.notes if n.startswith("weighted")])
    return {"rows": rows, "columns": ["rank", "label", "id", "type", *measures], "head": head,
            "notes": notes, "meta": {"view": view_name, "backend": result.backend,
                                     "weighted": result.weighted, "measures": measures}}


# ---------------------------------------------------------------------------- structure


def communities_lines(ds: Dataset, view_name: str, filters: Filters,
                      G: nx.MultiDiGraph | None = None) -> list[str]:
    """Louvain communities, articulation points and bridges of a view."""
    H = load_view(ds, view_name, filters, G=G)
    com = communities(H)
    weighted = "weighted by shared events" if H.graph.get("weighted") else "unweighted"
    lines = [f"view {view_name}: {H.number_of_nodes()} nodes, {H.number_of_edges()} edges; "
             f"{filters.describe()}",
             f"{modularity_words(len(com.groups), com.modularity)}; networkx Louvain, "
             f"{weighted}, seed {com.seed}"]
    for i, group in enumerate(com.groups if com.modularity >= LIMIT_WEAK else [], 1):
        lines.append(f"  {i}. ({len(group)}) " + "; ".join(H.nodes[n]["label"] for n in group))
    cp = cutpoints(H)
    lines.append(f"{cp.components} connected component(s); articulation points "
                 f"(removing one disconnects the view): {len(cp.articulation_points)}")
    for n in cp.articulation_points:
        sizes = split_by(H, n)
        lines.append(f"  {H.nodes[n]['label']} [{H.nodes[n]['cls']}]: leaves parts of "
                     f"{', '.join(map(str, sizes))} node(s)")
    lines.append(f"bridges (edges whose removal disconnects the view): {len(cp.bridges)}")
    for u, v in cp.bridges:
        lines.append(f"  {H.nodes[u]['label']} - {H.nodes[v]['label']}")
    return lines


# ---------------------------------------------------------------------------- export


def export_files(ds: Dataset | None, views: Iterable[str], formats: Iterable[str], out: Path,
                 filters: Filters, G: nx.MultiDiGraph | None = None) -> list[Path]:
    """Write each view in each format into ``out``. On a large projection the views are
    shared between this process and a forked child (the other core), each view whole.
    No collection pass runs meanwhile (the flattened rows and the lines written are
    millions of objects in no cycle; a pass would walk the projection too, and in the
    child copy its memory)."""
    G = G if G is not None else project(ds)
    with no_collection():
        return _export_files(G, list(views), list(formats), out, filters)


def _export_files(G: nx.MultiDiGraph, names: list[str], fmts: list[str], out: Path,
                  filters: Filters) -> list[Path]:
    for name in names:          # a bad view or filter is reported before anything is written
        try:
            check_options(name, filters.since, filters.until, filters.types)
        except ValueError as exc:
            raise NetworkError(str(exc)) from None
    theirs = _other_half(names) if G.number_of_nodes() >= PARALLEL_EXPORT else []
    later = beside(lambda: {n: _export_view(G, n, fmts, out, filters) for n in theirs}) \
        if theirs else dict
    done = {name: _export_view(G, name, fmts, out, filters)
            for name in progress([n for n in names if n not in theirs], "export")}
    done.update(later())
    return [path for name in names for path in done[name]]


PARALLEL_EXPORT = 2000     # projection nodes from which a child writes part of the views
#: the relative cost of exporting each view (measured at 5,000 synthetic events)
EXPORT_COST = {"full": 6.0, "org-org": 5.0, "org-event": 2.5, "person-event": 2.5,
               "country-country": 0.5}


def _other_half(names: list[str]) -> list[str]:
    """The views a child writes: about half the work, never the only view."""
    if len(names) < 2:
        return []
    mine: list[str] = []
    theirs: list[str] = []
    for name in sorted(names, key=lambda n: -EXPORT_COST.get(n, 1.0)):
        side = theirs if sum(map(EXPORT_COST.get, theirs, [1.0] * len(theirs))) < \
            sum(map(EXPORT_COST.get, mine, [1.0] * len(mine))) else mine
        side.append(name)
    return [n for n in names if n in theirs]


def _export_view(G: nx.MultiDiGraph, name: str, formats: list[str], out: Path,
                 filters: Filters) -> list[Path]:
    try:
        H = view(G, name, **filters.options())
    except ValueError as exc:
        raise NetworkError(str(exc)) from None
    flat = rows(H)      # flattened once for every format
    return [path for fmt in formats for path in write(H, fmt, out, r=flat)]
