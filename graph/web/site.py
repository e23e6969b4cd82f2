"""The map pages of ``cinecoop html`` and the small demo site of ``cinecoop site``.

:func:`map_page` turns the built graph into one :class:`graph.web.maps.MapPage`: the view
(optionally
filtered, or narrowed to the neighbourhood of one entity), a title, and a caption saying what the
view shows and which sources it was built from (their outlets and dates; never the time of the
run, so the bytes stay the same). :func:`write_site` writes one page per main view and an
``index.html`` linking them (and ``report.html`` when the analytics report is there).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
from rdflib import RDF

from graph.data.build import write_atomic
from graph.network.projection import VIEWS, node_key, node_key_source, project, view
from graph.progress import progress
from graph.sparql.describe import label, resolve
from graph.terms import CC, SCHEMA
from graph.web.maps import build_page, template_env, write_html

if TYPE_CHECKING:
    from rdflib import Dataset, Graph

    from graph.web.maps import MapPage

# view -> (page title, one line for the index)
MAIN_VIEWS: dict[str, tuple[str, str]] = {
    "org-event": ("Who met at which forum",
                  "Organisations and the forums, panels and festivals they took part in, "
                  "directly or through the people who spoke for them."),
    "org-org": ("Which organisations met",
                "Organisations linked when they were at the same event; thicker links, more "
                "shared events."),
    "country-country": ("Which countries met",
                        "Countries linked when their institutions or envoys were at the same "
                        "event."),
    "person-event": ("Who spoke where",
                     "People and the events they spoke at, moderated, opened or presented."),
    "full": ("The whole graph",
             "Every person, organisation, country, place, event and agreement, with the facts "
             "between them."),
}
REPORT_FILE = "report.html"


@dataclass(frozen=True)
class Source:
    stem: str
    short: str
    date: str | None
    outlet: str | None
    page_date: bool = False  # the date is the one shown on the page, not a stated dateline

    def describe(self) -> str:
        when = (f"page date {self.date}" if self.page_date else self.date) or "undated"
        bits = [b for b in (self.outlet, when) if b]
        return ", ".join(bits)


@dataclass(frozen=True)
class SitePage:
    file: str
    view: str
    title: str
    summary: str
    nodes: int
    edges: int


def sources(ds: Dataset | Graph) -> list[Source]:
    """The source articles in the graph, with outlet (publisher, else credited) and date."""


    stems = {}
    for s in ds.subjects(RDF.type, CC.NewsArticle):
        stem = node_key_source(s)
        if stem:
            stems[stem] = s
    prefixes = [stem.split("_", 1)[0] for stem in stems]
    out = []
    for stem, iri in sorted(stems.items()):
        date = next((str(o) for o in ds.objects(iri, SCHEMA.datePublished)), None)
        page_date = str(ds.value(iri, CC.dateBasis)) == "page header"
        # the publisher when the article names one; else the outlet it credits ("via Azertag")
        outlets = sorted(label(ds, o) for o in ds.objects(iri, SCHEMA.publisher)) or sorted(
            f"via {label(ds, o)}" for o in ds.objects(iri, CC.credits))
        prefix = stem.split("_", 1)[0]
        short = prefix if prefixes.count(prefix) == 1 else stem
        out.append(Source(stem, short, date, outlets[0] if outlets else None, page_date))
    return out


def provenance(srcs: Sequence[Source]) -> str:
    """One sentence naming the sources and the latest source date."""
    if not srcs:
        return "Built from an empty graph (no sources)."
    listed = "; ".join(f"{s.short} ({s.describe()})" for s in srcs)
    dates = sorted(s.date for s in srcs if s.date)
    undated = sum(1 for s in srcs if not s.date)
    latest = f"Latest source date {dates[-1]}" if dates else "No source is dated"
    extra = f", {undated} undated" if undated and dates else ""
    n = len(srcs)
    return f"Built from {n} source article{'s' if n != 1 else ''}: {listed}. {latest}{extra}."


def _filters_text(since: str | None, until: str | None, include_undated: bool,
                  types: Sequence[str]) -> str:
    parts = []
    if since or until:
        window = f"from {since or 'the start'} to {until or 'the end'}"
        parts.append(window + (", undated facts included" if include_undated else
                               ", undated facts left out"))
    if types:
        parts.append("types: " + ", ".join(types))
    return f" Filtered: {'; '.join(parts)}." if parts else ""


def map_page(ds: Dataset | Graph, view_name: str, *, since: str | None = None,
             until: str | None = None, include_undated: bool = False,
             types: Sequence[str] = (), focus: str | None = None, depth: int = 1,
             max_nodes: int | None = None, size_by: str = "degree",
             projection: Any = None) -> MapPage:
    """The map of one view of the built graph; raises ValueError/LookupError_ on bad input."""


    if view_name not in VIEWS:
        raise ValueError(f"unknown view {view_name!r}; choose one of: {', '.join(VIEWS)}")
    G = projection if projection is not None else project(ds)
    focus_key = None
    H = view(G, view_name, since=since, until=until, include_undated=include_undated,
             types=list(types) or None)
    title, _ = MAIN_VIEWS.get(view_name, (view_name, ""))
    what = VIEWS[view_name]
    if focus is not None:

        key = node_key(resolve(ds, focus))
        if key is None or key not in H:
            name = G.nodes[key]["label"] if key in G else focus
            raise ValueError(f"{name!r} is not on the {view_name} map (with these filters); "
                             f"try --view full or other filters")
        if depth < 0:
            raise ValueError(f"--depth must be 0 or more, not {depth}")
        name = H.nodes[key]["label"]
        H = nx.ego_graph(H, key, radius=depth).copy()
        focus_key = key
        title = f"{name}: everything within {depth} link{'s' if depth != 1 else ''}"
        what = f"the neighbourhood of {name} in the {view_name} view ({what})"
    srcs = sources(ds)
    caption = (f"View {view_name}: {what[0].upper()}{what[1:]}. {H.number_of_nodes()} nodes, "
               f"{H.number_of_edges()} links."
               f"{_filters_text(since, until, include_undated, types)}\n{provenance(srcs)}")
    notes = []
    if any(H.nodes[n].get("kind") == "event" for n in H):
        notes.append("Event dates: where a source gives no date, an event is dated by the "
                     "article that reports it (it took place on or before that day).")
    return build_page(H, title=title, caption=caption, context=G,
                      source_notes={s.stem: s.describe() for s in srcs}, notes=notes,
                      max_nodes=max_nodes, size_by=size_by, focus=focus_key)


def focus_file(ds: Dataset | Graph, view_name: str, focus: str | None) -> str:
    """Default file name of a map: ``VIEW.html``, or ``VIEW-ID.html`` for a neighbourhood."""
    if focus is None:
        return f"{view_name}.html"

    key = node_key(resolve(ds, focus)) or "focus"
    return f"{view_name}-{key.rsplit('/', 1)[-1]}.html"


def write_site(ds: Dataset | Graph, out_dir: Path,
               views: Sequence[str] = tuple(MAIN_VIEWS),
               projection: nx.MultiDiGraph | None = None) -> list[SitePage]:
    """One map page per main view plus ``index.html`` in ``out_dir``; returns the pages
    (``projection``: the projection of ``ds`` when the caller has it)."""

    out_dir.mkdir(parents=True, exist_ok=True)
    G = projection if projection is not None else project(ds)
    pages = []
    for name in progress(views, "site", total=len(views)):
        page = map_page(ds, name, projection=G)
        file = f"{name}.html"
        write_html(page, out_dir / file)
        pages.append(SitePage(file, name, MAIN_VIEWS[name][0], MAIN_VIEWS[name][1],
                              len(page.network.nodes), len(page.network.edges)))
    report = REPORT_FILE if (out_dir / REPORT_FILE).is_file() else None
    html = template_env().get_template("index.html").render(
        pages=pages, report=report, provenance=provenance(sources(ds)))
    write_atomic(out_dir / "index.html", html)
    return pages
