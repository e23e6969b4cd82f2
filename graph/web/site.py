"""The map pages of ``cinecoop html`` and the demo site of ``cinecoop site``.

:func:`map_page` turns the built graph into one :class:`graph.web.maps.MapPage`: the view
(optionally filtered, or narrowed to the neighbourhood of one entity), a title, a caption saying
what the view shows and which sources it was built from (their outlets and dates; never the time
of the run, so the bytes stay the same), and a note of what the view leaves out and why.
:func:`write_site` writes, in named steps: one page per main view, the shared static files, one
page per entity and per source (:mod:`graph.web.entities`), the report with links to all of
them, and an ``index.html`` with a search over every name.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from graph.files import AtomicBatch
from graph.forked import Shares, beside, no_collection
from graph.network.cache import kept
from graph.network.layout import cached_layout
from graph.network.projection import VIEWS, node_key, project, view
from graph.network.report import Report, build_report, report_context, write_report
from graph.network.wording import Source, entity_href, ontology_labels, source_list
from graph.sparql.describe import resolve
from graph.sparql.ntriples import memory_reader
from graph.web.entities import ROOT, Cited, EntityPage, Pages, merge_cited
from graph.web.maps import (
    MAX_LINKS,
    MAX_NODES,
    _asset,
    build_page,
    check_budget,
    render_html,
    script_json,
    template_env,
    vis_assets,
)
from graph.web.pages import entity_html

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
class SitePage:
    file: str
    view: str
    title: str
    summary: str
    nodes: int
    edges: int


def sources(ds: Dataset | Graph) -> list[Source]:
    """The source articles in the graph, with outlet (publisher, else credited) and date."""
    return source_list(ds)


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
             max_nodes: int | None = MAX_NODES, max_links: int | None = MAX_LINKS,
             size_by: str = "degree",
             projection: Any = None, pages: bool = False,
             labels: dict[str, str] | None = None, cache_dir: Path | None = None,
             srcs: Sequence[Source] | None = None) -> MapPage:
    """The map of one view of the built graph; raises ValueError/LookupError_ on bad input.

    ``max_nodes``, ``max_links``: the budget (None: no limit); ``cache_dir``: where computed
    layouts are kept (the build's folder), keyed by what they depend on; ``srcs``: the
    graph's sources when the caller has them (:func:`sources`).
    """
    check_budget(max_nodes, max_links)

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
    srcs = sources(ds) if srcs is None else srcs
    caption = (f"View {view_name}: {what[0].upper()}{what[1:]}. {H.number_of_nodes()} nodes, "
               f"{H.number_of_edges()} links."
               f"{_filters_text(since, until, include_undated, types)}\n{provenance(srcs)}")
    labels = labels if labels is not None else ontology_labels(ds)
    notes = [] if focus_key else [left_out(G, H, view_name, labels)]
    if any(H.nodes[n].get("kind") == "event" for n in H):
        notes.append("Event dates: where a source gives no date, an event is dated by the "
                     "article that reports it (it took place on or before that day).")
    return build_page(H, title=title, caption=caption, context=G,
                      source_notes={s.stem: s.describe() for s in srcs}, notes=notes,
                      max_nodes=max_nodes, max_links=max_links, size_by=size_by,
                      focus=focus_key,
                      pages={n: entity_href(n) for n in H} if pages else None,
                      class_labels=labels, positions=partial(cached_layout, folder=cache_dir))


def focus_file(ds: Dataset | Graph, view_name: str, focus: str | None) -> str:
    """Default file name of a map: ``VIEW.html``, or ``VIEW-ID.html`` for a neighbourhood."""
    if focus is None:
        return f"{view_name}.html"

    key = node_key(resolve(ds, focus)) or "focus"
    return f"{view_name}-{key.rsplit('/', 1)[-1]}.html"


DRAWN = {"org-event": ("organisation", "event"), "org-org": ("organisation",),
         "country-country": ("country",), "person-event": ("person", "event")}
PLURALS = {"person": "people", "organisation": "organisations", "country": "countries",
           "place": "places", "event": "events", "agreement": "agreements"}


def _names(G: nx.MultiDiGraph, keys: Sequence[str], limit: int = 8) -> str:
    names = sorted(str(G.nodes[k]["label"]) for k in keys)
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def left_out(G: nx.MultiDiGraph, H: nx.Graph, view_name: str, labels: dict[str, str]) -> str:
    """What the map of ``view_name`` leaves out of the graph, and why (one note)."""
    drawn = DRAWN.get(view_name)
    if drawn is None:
        missing = [n for n in G if n not in H]
        return ("Left out: nothing; every entity of the graph is drawn." if not missing else
                f"Left out: {len(missing)} entities outside the filters.")
    parts = ["Not drawn on this map: " + ", ".join(
        PLURALS.get(k, k) for k in PLURALS if k not in drawn) + " (the search still finds "
        "people and shows what ties them to the map)"]
    for kind in drawn:
        if kind == "event":
            continue
        missing = [n for n, d in G.nodes(data=True) if d["kind"] == kind and n not in H]
        if missing:
            why = {"organisation": "at no event the articles report",
                   "person": "named with a post but at no event",
                   "country": "no organisation or envoy of theirs is at an event"}[kind]
            what = PLURALS[kind] if len(missing) != 1 else kind
            parts.append(f"{len(missing)} {what} ({_names(G, missing)}): {why}")
    if view_name == "country-country":
        oe = view(G, "org-event")
        stateless = [n for n, d in oe.nodes(data=True)
                     if d["kind"] == "organisation" and not d.get("country_id")]
        if stateless:
            parts.append(f"{len(stateless)} organisations at these events count for no country "
                         f"because no article states theirs ({_names(G, stateless)})")
    return "Left out: " + "; ".join(parts[1:]) + ". " + parts[0] + "." if len(parts) > 1 \
        else parts[0] + "."


@dataclass
class Site:
    maps: list[SitePage]
    report: Path
    entity_pages: int
    index: Path
    files: list[str] = field(default_factory=list)   # every file of the site, under its folder


#: The entity pages are handed out in runs of this many (in id order) to whichever process is
#: free: the forked child from the start, this one once it has drawn the maps and written the
#: report (:class:`graph.forked.Shares`), so that both finish at about the same time.
PAGES_AT_ONCE = 48


def write_site(ds: Dataset | Graph, out_dir: Path,
               views: Sequence[str] = tuple(MAIN_VIEWS),
               projection: nx.MultiDiGraph | None = None,
               cache_dir: Path | None = None,
               report: Callable[[], Report] | None = None) -> Site:
    """The whole site in ``out_dir``: maps, static files, entity pages, report, index
    (``projection``: the projection of ``ds`` when the caller has it; ``cache_dir``: where
    the maps' layouts are kept; ``report``: gives the report's content, names linked, when
    the caller keeps it, as ``cinecoop report`` does: else it is made here).

    The pages are made on both cores: a forked process makes entity pages while this one
    draws the maps and writes the report, then both take the pages left, a run at a time
    (:data:`PAGES_AT_ONCE`); the source pages follow from the lines both cited. Every file is
    published together, with one flush to disk, once all are written (on an error, none
    is)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    G = projection if projection is not None else project(ds)
    labels = ontology_labels(ds)
    srcs = source_list(ds)
    with no_collection():   # every entity is described: the graph read once, not per look-up
        pages = Pages(memory_reader(ds), G, {s.stem: s for s in srcs}, labels)
    # maps, pages, static files, index: published in order; no collection pass, here or in
    # the child (the pages make no cycles to speak of: 10 MB more at 5,000 events, and about
    # 0.7 s less CPU than passes over what is made inside the block alone)
    with no_collection(), AtomicBatch() as batch:
        shares = Shares(len(pages.keys), PAGES_AT_ONCE)
        finish = beside(partial(_their_pages, pages, shares, out_dir, os.getpid()),
                        empty=_NO_PAGES)
        try:
            maps = _write_maps(ds, G, batch, out_dir, views, labels, cache_dir, srcs)
            content = report() if report is not None else \
                build_report(G, context=report_context(ds, links=True))
            written = write_report(content, out_dir / "report.md", home="index.html")
            here = _page_files(pages, shares, out_dir, False)
        except BaseException:   # the pages' files are removed with the batch's own
            batch.adopt(finish(again=False).pending)
            raise
        there = finish()   # the child's files join this batch: published with it
        batch.adopt(here.pending + there.pending)
        made = _source_files(pages, batch, out_dir, merge_cited(here.cited, there.cited))
        made = [p for _, p in sorted(here.summaries + there.summaries)] + made
        _write_static(batch, out_dir, made)
        batch.write(out_dir / "index.html", template_env().get_template("index.html").render(
            pages=maps, report=REPORT_FILE, provenance=provenance(srcs),
            groups=_index_groups(G, made, labels), names_js=_names_js(made),
            site_js=_asset("static", "site.js")))
    files = [*(m.file for m in maps), *(str(p.relative_to(out_dir)) for p in written),
             *(p.file for p in made), *(f"static/{name}" for name in STATIC), "index.html"]
    return Site(maps, written[1], len(made), out_dir / "index.html", files)


Pending = list[tuple[str, Path | str]]


@dataclass
class PageFiles:
    """A share of the entity pages written to temporary files beside their targets: the
    pages' summaries (for the index) by place, the files to publish, the lines they cite."""

    summaries: list[tuple[int, EntityPage]]
    pending: Pending
    cited: Cited


_NO_PAGES = PageFiles([], [], {})


def _their_pages(pages: Pages, shares: Shares, out_dir: Path, parent: int) -> PageFiles:
    """The forked child's pages: the runs it takes while there are any. In the parent (no
    fork, or the child failed: its work is made again here) the runs the child took."""
    places = shares if os.getpid() != parent else shares.left_over()
    return _page_files(pages, places, out_dir, True)


def _page_files(pages: Pages, places: Iterable[int], out_dir: Path, bar: bool) -> PageFiles:
    """The entity pages at ``places`` written beside their targets (nothing published)."""
    summaries = []
    cited: Cited = {}
    root = str(out_dir)     # paths as text: a Path per page costs more than its writing
    with AtomicBatch() as batch:
        for at, page in pages.entities(places, cited, bar):
            batch.write(f"{root}/{page.file}", entity_html(page, ROOT, script_json(page.jsonld)))
            summaries.append((at, page.summary()))
        return PageFiles(summaries, batch.detach(), cited)


def _source_files(pages: Pages, batch: AtomicBatch, out_dir: Path,
                  cited: Cited) -> list[EntityPage]:
    """Every source page, from the lines every entity page cited; their summaries."""
    out = []
    for page in pages.source_pages(cited):
        batch.write(out_dir / page.file, entity_html(page, ROOT, script_json(page.jsonld)))
        out.append(page.summary())
    return out


def _write_maps(ds: Dataset | Graph, G: nx.MultiDiGraph, batch: AtomicBatch, out_dir: Path,
                views: Sequence[str], labels: dict[str, str], cache_dir: Path | None,
                srcs: Sequence[Source]) -> list[SitePage]:
    out = []
    for name in views:
        page = map_page(ds, name, projection=G, pages=True, labels=labels, cache_dir=cache_dir,
                        srcs=srcs)
        page.home = "index.html"
        file = f"{name}.html"
        batch.write(out_dir / file, render_html(page))
        out.append(SitePage(file, name, MAIN_VIEWS[name][0], MAIN_VIEWS[name][1],
                            len(page.network.nodes), len(page.network.edges)))
    return out


def _names_js(pages: Sequence[EntityPage]) -> str:
    """The search index: ``[name, kind, path, [every name]]`` per page, as a script."""
    rows = [[p.name, p.kind, p.file,
             sorted({p.name, *(n for _, ns in p.labels for n in ns.split(" | "))})]
            for p in pages]
    return "window.CINECOOP_NAMES = " + script_json(rows) + ";\n"


STATIC = ("vis-network.min.js", "vis-network.css", "map.js", "site.js", "site.css", "names.js")


def _write_static(batch: AtomicBatch, out_dir: Path, pages: Sequence[EntityPage]) -> None:
    vis_js, vis_css = vis_assets()
    texts = (vis_js, vis_css, _asset("static", "map.js"), _asset("static", "site.js"),
             _asset("static", "site.css"), _names_js(pages))
    for name, text in zip(STATIC, texts, strict=True):
        batch.write(out_dir / "static" / name, text)


def kept_site(build: Path, out_dir: Path, make: Callable[[], Site]) -> Site:
    """``make()`` (:func:`write_site` into ``out_dir``), unless the site in ``out_dir`` is the
    one this code made from the build in ``build`` last time: every file of it as that run
    left it (size, modification and change times, inode; kept beside the build, keyed by its
    content, the folder and a hash of the code). Then nothing is written or made again: the
    site is a function of the build and the code. A file changed, removed or put back
    (even with its old bytes and times: its change time or inode differ) makes the site
    again, as its first run does."""
    def made() -> tuple[Site, list[Stamp]]:
        site = make()
        return site, _stamps(out_dir, site.files)

    def unchanged(found: Any) -> bool:
        return isinstance(found, tuple) and isinstance(found[0], Site) and \
            _stamps(out_dir, found[0].files) == found[1]

    params = {"site": str(out_dir.resolve()), "code": _code_key()}
    site: Site = kept(build, "site", params, made, check=unchanged)[0]
    return site


Stamp = tuple[int, int, int, int] | None


def _stamps(out_dir: Path, files: Sequence[str]) -> list[Stamp]:
    out: list[Stamp] = []
    for name in files:
        try:
            st = os.stat(out_dir / name)
        except OSError:
            out.append(None)
            continue
        out.append((st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
    return out


def _code_key() -> str:
    """A hash of the code that makes a site: every module, template and static file of the
    package (any change to it may change a page), and the versions of the libraries whose
    output it writes (vis-network from pyvis, layouts from networkx, jinja2's escaping)."""
    h = hashlib.sha256(b"cinecoop-site-1")
    for lib in ("pyvis", "networkx", "jinja2"):
        h.update(f"{lib} {metadata.version(lib)}\0".encode())
    top = Path(__file__).resolve().parent.parent
    for path in sorted(top.rglob("*")):
        if path.suffix in (".py", ".j2", ".html", ".js", ".css", ".rq", ".ttl") and \
                "__pycache__" not in path.parts:
            h.update(f"{path.relative_to(top)}\0".encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _index_groups(G: nx.MultiDiGraph, pages: Sequence[EntityPage],
                  labels: dict[str, str]) -> list[tuple[str, list[EntityPage]]]:
    """Entity pages grouped by kind for the index (people, organisations, ..., sources)."""
    groups: dict[str, list[EntityPage]] = {}
    for p in pages:
        kind = p.key.split("/", 1)[0]
        groups.setdefault(kind, []).append(p)
    order = [*PLURALS, "source"]
    return [(PLURALS.get(k, "sources").capitalize(),
             sorted(groups[k], key=lambda p: p.name.casefold()))
            for k in order if k in groups]
