"""What ``path``, ``centrality`` and ``communities`` print, from what is kept beside the build.

A fresh ``cinecoop path``, ``centrality`` or ``communities`` reads a view in plain form, a
table of scores or the lines it printed, kept beside the build
(:func:`graph.network.cache.kept`, keyed by the build's quads and by the view and filters):
no networkx, no projection, no RDF. Only when nothing is kept for that build and those
options is the view made (``make_plain``: the view of the cached projection in plain form)
or the answer computed (``compute``), once; the caller passes those functions, so this module
imports neither networkx nor igraph. :mod:`graph.network.commands` prints the same lines from
a networkx view (the API and the tests use it).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.forked import beside
from graph.network.cache import build_folder, kept, kept_file, nt_size
from graph.network.lazyview import FullView, open_full
from graph.network.paths import NoPath, explain, node_text, path_text, shortest_paths
from graph.network.plain import PlainView
from graph.network.relations import node_key
from graph.sparql.ntriples import Unreadable, lines_reader
from graph.sparql.reader import open_reader

__all__ = ["NetworkError", "Filters", "kept_view", "resolve_name", "resolve_in_build",
           "node_in_view",
           "path_report", "path_lines", "centrality_text", "communities_lines", "render_table",
           "render_rows"]


#: From this size of ``graph.nt`` (about 400 events), the first ``path`` makes the name index
#: in a child beside the view (below it, forking costs more than it saves).
LARGE_BYTES = 10_000_000
#: From this size of ``graph.nt``, a ``path`` in the full view without filters walks the view
#: read node by node (:mod:`graph.network.lazyview`) when it is not kept: the search reads
#: a few dozen nodes where the whole view takes seconds to make. Below it, the view is made
#: (in well under a second) and kept, and later paths read it.
LAZY_BYTES = 10_000_000


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



def kept_view(out_dir: Path, view_name: str, filters: Filters,
              make_plain: Callable[[], dict[str, Any]]) -> PlainView:
    """The view (with every filter) in plain form (``make_plain()``: see
    :func:`graph.network.plain.plain_data`), kept beside the build in ``out_dir``."""
    return PlainView(kept(out_dir, "view", {"view": view_name, **filters.options()},
                          make_plain))


def resolve_name(graph: Any, name: str) -> str:
    """The IRI of the entity ``name`` means (any label, any language) in ``graph`` (the
    built graph as the look-ups read it), or NetworkError with the candidates."""
    from graph.sparql.describe import LookupError_, resolve  # lazy: the name matcher, for path

    try:
        return str(resolve(graph, name))
    except LookupError_ as exc:
        raise NetworkError(str(exc)) from None


def resolve_in_build(out_dir: Path, name: str) -> str:
    """:func:`resolve_name` in the build in ``out_dir``: by its kept name index, else by one
    made from its ``graph.nt`` read as text (once per process, shared with the projection),
    else from the store."""
    lines = lines_reader(build_folder(out_dir))
    if lines is not None:
        try:
            return resolve_name(lines, name)
        except Unreadable:
            pass
    return resolve_name(open_reader(out_dir), name)


def index_in_build(out_dir: Path) -> None:
    """Make the name index :func:`resolve_in_build` reads (kept beside the build), or load
    it when it is kept."""
    from graph.sparql.describe import name_index  # lazy: the name matcher, for path

    lines = lines_reader(build_folder(out_dir))
    name_index(lines if lines is not None else open_reader(out_dir))


def in_files(out_dir: Path, *names: str) -> bool:
    """Whether each of ``names`` (an id or a label) is one entity's that the build's files
    resolve without the name index (:func:`graph.sparql.describe.in_build`)."""
    from graph.sparql.describe import in_build  # lazy: the name matcher, for path

    lines = lines_reader(build_folder(out_dir))
    return lines is not None and all(in_build(lines, name) for name in names)


def node_in_view(H: Any, iri: str, name: str) -> str:
    """The view's node for the entity ``iri`` (that ``name`` resolved to), or a clear error."""
    key = node_key(iri)
    if key is None or key not in H:
        view_name = H.graph.get("view")
        if any(H.graph.get(k) for k in ("since", "until", "types")):
            hint = "its facts fall outside the filters: widen --since/--until, add " \
                   "--include-undated or drop --type"
        else:
            hint = "try --view full" if view_name != "full" else "it has no links"
        raise NetworkError(f"{name!r} ({key}) is not in the {view_name} view; {hint}")
    return key


def path_report(H: Any, a: str, b: str, k: int, view_name: str, filters: Filters,
                explained: Callable[[list[list[str]]], Any] | None = None) -> list[str]:
    """The ``k`` shortest paths from ``a`` to ``b``, each as its one-line chain and then hop
    by hop (``H``: a networkx view or a :class:`PlainView`; ``explained(paths)``, when given,
    the view that explains the paths found, as :meth:`FullView.part`)."""
    try:
        paths = shortest_paths(H, a, b, k)
    except NoPath as exc:
        raise NetworkError(f"{exc} ({filters.describe()}); try --view full, or widen "
                           f"--since/--until") from None
    if explained is not None:
        H = explained(paths)
    lines = []
    for i, path in enumerate(paths, 1):
        lines.append(f"path {i} of {len(paths)} ({len(path) - 1} hops, view {view_name}, "
                     f"{filters.describe()}):")
        lines.append("  " + path_text(H, path))
        for h in explain(H, path):
            lines.append(f"    {node_text(H, h.start)} -> {h.words} -> {node_text(H, h.end)}"
                         f"  [{'; '.join(x for x in (h.when(), *h.sources) if x)}]")
    return lines


def path_lines(out_dir: Path, source: str, target: str, k: int, view_name: str,
               filters: Filters, *, make_plain: Callable[[], dict[str, Any]],
               resolve: Callable[[str], str]) -> list[str]:
    """``cinecoop path``: ``resolve`` gives the IRI a name stands for (NetworkError if none).
    When the view has to be made, the build's name index is made (and kept) at the same
    time in a child on the other core (:func:`graph.forked.beside`)."""
    def make() -> Any:
        large = nt_size(build_folder(out_dir)) > LARGE_BYTES
        ready = beside(lambda: index_in_build(out_dir)) if large and not (
            in_files(out_dir, source, target)) else None
        made = make_plain()
        if ready is not None:
            ready()
        return made

    walk = _lazy_view(out_dir, view_name, filters)
    if walk is not None:
        try:
            with walk:
                a = node_in_view(walk, resolve(source), source)
                b = node_in_view(walk, resolve(target), target)
                return path_report(walk, a, b, k, view_name, filters, explained=walk.part)
        except Unreadable:
            pass    # a line of graph.nt not read here: the whole view, from the store
    H = kept_view(out_dir, view_name, filters, make)
    a = node_in_view(H, resolve(source), source)
    b = node_in_view(H, resolve(target), target)
    return path_report(H, a, b, k, view_name, filters)


def _lazy_view(out_dir: Path, view_name: str, filters: Filters) -> FullView | None:
    """The full view read node by node (:mod:`graph.network.lazyview`) for a ``path`` in
    the full view without filters on a large build whose view is not kept; else None."""
    if view_name != "full" or filters.options() != Filters().options():
        return None
    folder = build_folder(out_dir)
    if folder is None or nt_size(folder) <= LAZY_BYTES:
        return None
    params = {"view": view_name, **filters.options()}
    view_file = kept_file(out_dir, "view", params)
    if view_file is None or view_file.is_file():
        return None
    return open_full(folder)


def centrality_text(out_dir: Path, view_name: str, measures: list[str], top: int,
                    filters: Filters, fmt: str, backend: str, *,
                    compute: Callable[[], dict[str, Any]]) -> str:
    """``cinecoop centrality``: the table of scores (``compute()``: every ranked row, see
    :func:`graph.network.commands.centrality_table`) kept beside the build, cut to ``top``."""
    params = {"view": view_name, **filters.options(), "measures": measures, "backend": backend}
    table = kept(out_dir, "centrality", params, compute)
    return render_table(table, top, fmt)


def kept_scores(out_dir: Path, view_name: str, filters: Filters, measures: list[str],
                backend: str, compute: Callable[[], Any]) -> Any:
    """The scores of ``measures`` for every node of a view (``compute()``: its
    :class:`~graph.network.analytics.Centrality`), kept beside the build: made once per
    build, view, window, measures and backend by ``centrality`` or ``report``, whichever
    runs first (the same view: the type filter never changes the scores)."""
    params = {"view": view_name, **filters.options(with_types=False), "measures": measures,
              "backend": backend}
    return kept(out_dir, "scores", params, compute)


def communities_lines(out_dir: Path, view_name: str, filters: Filters, *,
                      compute: Callable[[], list[str]]) -> list[str]:
    """``cinecoop communities``: the lines (``compute()``, see
    :func:`graph.network.commands.communities_lines`) kept beside the build."""
    return kept(out_dir, "communities", {"view": view_name, **filters.options()}, compute)


def render_table(table: dict[str, Any], top: int, fmt: str) -> str:
    """A ranked table (rows, columns, head, notes, meta) in ``fmt``, its first ``top`` rows."""
    return render_rows(table["rows"][:top], table["columns"], fmt, table["head"],
                       table["notes"], table["meta"])


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
