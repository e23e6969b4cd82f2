"""What the network commands (path, centrality, communities, export) compute and print.

``graph/cli.py`` parses options and calls one function here; each returns text (or the paths it
wrote) and raises :class:`NetworkError` for a problem the user can fix (an unknown name, a
name not in the chosen view, no path, a bad date or type).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.network.analytics import (
    NoPath,
    centrality,
    communities,
    cutpoints,
    explain,
    node_text,
    path_text,
    shortest_paths,
    split_by,
)
from graph.network.export import write
from graph.network.projection import node_key, node_matches, project, type_filter, view
from graph.network.wording import LIMIT_WEAK, modularity_words
from graph.progress import progress
from graph.sparql.describe import LookupError_, resolve

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Dataset


class NetworkError(Exception):
    """A problem with the user's request, stated with how to fix it."""


@dataclass
class Filters:
    since: str | None = None
    until: str | None = None
    include_undated: bool = False
    types: tuple[str, ...] = ()

    def options(self, with_types: bool = True) -> dict[str, Any]:
        return {"since": self.since, "until": self.until, "include_undated": self.include_undated,
                "types": list(self.types) if with_types else None}

    def describe(self) -> str:
        parts = [f"since {self.since}" if self.since else "", f"until {self.until}"
                 if self.until else ""]
        window = ", ".join(p for p in parts if p)
        text = window + ("; undated kept" if window and self.include_undated else "")
        return text or "all dates"


def load_view(ds: Dataset, name: str, filters: Filters, with_types: bool = True,
              G: nx.MultiDiGraph | None = None) -> nx.Graph:
    """The named view of ``G`` (default: the projection of ``ds``)."""
    try:
        return view(G if G is not None else project(ds), name, **filters.options(with_types))
    except ValueError as exc:
        raise NetworkError(str(exc)) from None


def node_for(ds: Dataset, H: nx.Graph, name: str) -> str:
    """The view's node for a name (any label, any language), or a clear error."""

    try:
        key = node_key(resolve(ds, name))
    except LookupError_ as exc:
        raise NetworkError(str(exc)) from None
    if key is None or key not in H:
        view_name = H.graph.get("view")
        if any(H.graph.get(k) for k in ("since", "until", "types")):
            hint = "its facts fall outside the filters: widen --since/--until, add " \
                   "--include-undated or drop --type"
        else:
            hint = "try --view full" if view_name != "full" else "it has no links"
        raise NetworkError(f"{name!r} ({key}) is not in the {view_name} view; {hint}")
    return key


# ---------------------------------------------------------------------------- path


def path_lines(ds: Dataset, source: str, target: str, k: int, view_name: str,
               filters: Filters, G: nx.MultiDiGraph | None = None) -> list[str]:
    """The ``k`` shortest paths, each as its one-line chain and then hop by hop."""

    H = load_view(ds, view_name, filters, G=G)
    a, b = node_for(ds, H, source), node_for(ds, H, target)
    try:
        paths = shortest_paths(H, a, b, k)
    except NoPath as exc:
        raise NetworkError(f"{exc} ({filters.describe()}); try --view full, or widen "
                           f"--since/--until") from None
    lines = []
    for i, path in enumerate(paths, 1):
        lines.append(f"path {i} of {len(paths)} ({len(path) - 1} hops, view {view_name}, "
                     f"{filters.describe()}):")
        lines.append("  " + path_text(H, path))
        for h in explain(H, path):
            lines.append(f"    {node_text(H, h.start)} -> {h.words} -> {node_text(H, h.end)}"
                         f"  [{'; '.join(x for x in (h.when(), *h.sources) if x)}]")
    return lines


# ---------------------------------------------------------------------------- centrality


def centrality_text(ds: Dataset, view_name: str, measures: list[str], top: int,
                    filters: Filters, fmt: str, backend: str = "auto",
                    G: nx.MultiDiGraph | None = None) -> str:
    """A ranked table of the measures (``--type`` picks the rows; scores use the whole view)."""

    H = load_view(ds, view_name, filters, with_types=False, G=G)
    try:
        accepted = type_filter(filters.types)
        result = centrality(H, measures, backend=backend)
    except ValueError as exc:
        raise NetworkError(str(exc)) from None
    rows_nodes = [n for n in H if not accepted or (
        H.nodes[n]["kind"] in accepted and node_matches(H.nodes[n], accepted))]
    ranked = result.ranking(measures[0], rows_nodes)[:top]
    rows = [{"rank": i, "label": H.nodes[n]["label"], "id": n, "type": H.nodes[n]["cls"],
             **{m: round(result.scores[m][n], 6) for m in measures}}
            for i, (n, _) in enumerate(ranked, 1)]
    head = (f"view {view_name}: {H.number_of_nodes()} nodes, {H.number_of_edges()} edges; "
            f"{filters.describe()}; ranked by {measures[0]}; backend {result.backend}; "
            + ("weighted" if result.weighted else "unweighted")
            + (f"; types {', '.join(filters.types)}" if filters.types else ""))
    notes = [n for n in result.notes if not n.startswith("weighted")] + (
        [n for n in result.notes if n.startswith("weighted")])
    return render_rows(rows, ["rank", "label", "id", "type", *measures], fmt, head, notes,
                       {"view": view_name, "backend": result.backend,
                        "weighted": result.weighted, "measures": measures})


def render_rows(rows: list[dict[str, Any]], columns: list[str], fmt: str, head: str,
                notes: list[str], meta: dict[str, Any]) -> str:
    def cell(v: Any) -> str:
        return f"{v:.6f}" if isinstance(v, float) else str(v)

    if fmt == "json":
        return json.dumps({**meta, "notes": notes, "rows": rows}, ensure_ascii=False,
                          indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buf.getvalue()
    table = [[cell(r[c]) for c in columns] for r in rows]
    if fmt == "md":
        out = [head + ("  \n" + "  \n".join(notes) if notes else ""), "",
               "| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in table]
        return "\n".join(out) + "\n"
    if fmt != "table":
        raise NetworkError(f"unknown format {fmt!r}: table, csv, json or md")
    widths = [max(len(c), *(len(row[i]) for row in table)) if table else len(c)
              for i, c in enumerate(columns)]
    numeric = {i for i, c in enumerate(columns) if c == "rank" or rows and
               isinstance(rows[0][c], (int, float))}
    lines = [f"# {head}"] + [f"# {n}" for n in notes]
    lines.append("  ".join(c.rjust(w) if i in numeric else c.ljust(w)
                           for i, (c, w) in enumerate(zip(columns, widths, strict=True))))
    for row in table:
        lines.append("  ".join(v.rjust(w) if i in numeric else v.ljust(w)
                               for i, (v, w) in enumerate(zip(row, widths, strict=True)))
                     .rstrip())
    return "\n".join(lines) + "\n"


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


def export_files(ds: Dataset, views: Iterable[str], formats: Iterable[str], out: Path,
                 filters: Filters, G: nx.MultiDiGraph | None = None) -> list[Path]:
    """Write each view in each format into ``out``."""
    G = G if G is not None else project(ds)
    written: list[Path] = []
    for name in progress(list(views), "export"):
        try:
            H = view(G, name, **filters.options())
        except ValueError as exc:
            raise NetworkError(str(exc)) from None
        for fmt in formats:
            written += write(H, fmt, out)
    return written
