"""``cinecoop report``: the network report as a publication, in Markdown and as the same HTML page.

:func:`build_report` computes the content (a list of blocks: headings, paragraphs, lists, tables,
charts) from the one projection, in named steps (sources, holdings, maps, the most central,
what holds the network together, communities, change over time, timeline). Everything is
worded for readers: class and concept names are the ontology's labels, sources are named by
outlet and date with the paragraph, scores are rounded to two decimals and results that mean
nothing are said in words ("no community structure: modularity 0.00"). :func:`markdown` and
:func:`html` render the same blocks, so the two never disagree; with ``links`` the names link
to the maps and the entity pages of ``cinecoop site``. No wall-clock time is written: the same
graph and options give the same bytes.
"""

from __future__ import annotations

import html as html_lib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import networkx as nx

from graph.files import write_atomic
from graph.forked import beside, no_collection
from graph.network.analytics import (
    MEASURES,
    PARALLEL_NODES,
    Centrality,
    Communities,
    centrality,
    communities,
    component_size,
    cutpoints,
    split_by,
)
from graph.network.charts import CHART_CSS, bar_chart
from graph.network.projection import VIEWS, view
from graph.network.trends import SERIES_CLASS, SERIES_WORDS, Trends, trends
from graph.network.wording import (
    LIMIT_WEAK,
    MEASURE_WORDS,
    VIEW_TITLES,
    Source,
    entity_href,
    event_when,
    long_date,
    modularity_words,
    ontology_labels,
    parse_citations,
    rounded,
    source_href,
    source_list,
    term,
)


@dataclass(frozen=True)
class Link:
    text: str
    href: str


Inline = str | Link
Rich = str | Link | list[Inline]


@dataclass
class Block:
    kind: str  # "h2", "p", "table", "ul", "charts"
    text: Rich = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[Rich]] = field(default_factory=list)
    items: list[Rich] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)  # SVG documents (HTML only)


@dataclass
class Report:
    title: str
    blocks: list[Block]


@dataclass
class Context:
    """What the report knows beyond the projection: ontology labels, sources, links."""

    labels: Mapping[str, str] = field(default_factory=dict)
    sources: Mapping[str, Source] = field(default_factory=dict)
    links: bool = False  # link names to the maps and entity pages of ``cinecoop site``

    def entity(self, G: Any, key: str) -> Inline:
        name = str(G.nodes[key]["label"]) if key in G else key
        return Link(name, entity_href(key)) if self.links else name

    def cite(self, citations: Sequence[str]) -> list[Inline]:
        """Citations as "Trend, 9 December 2025, ¶5", linked to the source's paragraph."""
        out: list[Inline] = []
        for text in citations:
            for stem, paras in parse_citations(text):
                src = self.sources.get(stem)
                words = src.cite(paras) if src else stem
                if out:
                    out.append("; ")
                out.append(Link(words, source_href(stem, paras[0] if paras else None))
                           if self.links else words)
        return out


TITLE = "Cross-border cinema cooperation: what the articles show"

#: (view name, view) -> the scores of every measure (:data:`MEASURES`) on it
Scores = Callable[[str, nx.Graph], Centrality]


def build_report(G: nx.MultiDiGraph, since: str | None = None, until: str | None = None,
                 include_undated: bool = False, top: int = 5, backend: str = "auto",
                 context: Context | Callable[[], Context] | None = None,
                 scores: Scores | None = None) -> Report:
    """The report's content for the projection ``G`` under the given time window
    (``context``: or the function that gives it, asked once the views are made; ``scores``:
    gives the centrality of a named view, every measure, instead of computing it here:
    scores kept beside the build, shared with ``cinecoop centrality``)."""
    with no_collection():   # views, scores and blocks: many objects, none in a cycle
        return _build_report(G, since, until, include_undated, top, backend, context, scores)


def _build_report(G: nx.MultiDiGraph, since: str | None, until: str | None,
                  include_undated: bool, top: int, backend: str,
                  context: Context | Callable[[], Context] | None,
                  scores: Scores | None) -> Report:
    opts: dict[str, Any] = {"since": since, "until": until, "include_undated": include_undated}
    # On a large graph each forked child starts once the views it reads are made (made once,
    # here, and seen by the child as they are): the communities (Louvain, networkx) as soon as
    # the two grouped views exist, the per-year figures once the org-event view does too;
    # this process makes the other views and the measures meanwhile.
    large = G.number_of_nodes() >= PARALLEL_NODES
    made = {name: view(G, name, **opts) for name in GROUPED}

    def grouped() -> dict[str, Communities]:
        return {name: communities(made[name]) for name in GROUPED}

    groups = beside(grouped) if made["org-org"].number_of_nodes() >= PARALLEL_NODES \
        else grouped
    made["org-event"] = view(G, "org-event", **opts)
    per_year = partial(trends, G, top, backend)
    yearly = beside(per_year) if large else per_year
    views = {name: made[name] if name in made else view(G, name, **opts) for name in VIEWS}
    ctx = (context() if callable(context) else context) or Context()
    central = _most_central(views, ctx, top, scores or (
        lambda _, H: centrality(H, MEASURES, backend=backend)))
    holding = _holds_together(views, ctx)
    timeline = _timeline(G, views, ctx)
    change = _change(yearly(), G, ctx)
    blocks = [*_intro(ctx, since, until, include_undated), *_holdings(G, ctx),
              *_maps(views, ctx), *central, *holding, *_communities(views, ctx, groups()),
              *change, *timeline, *_sources(ctx)]
    return Report(TITLE, blocks)


# ---------------------------------------------------------------------------- the steps


def _intro(ctx: Context, since: str | None, until: str | None,
           include_undated: bool) -> list[Block]:
    n = len(ctx.sources)
    lead: list[Inline] = [f"Built from {n} news article{'s' if n != 1 else ''}"
                          if n else "Built from the curated graph", ". " if n else "."]
    if n:
        lead[-1] = ": "
        for i, src in enumerate(ctx.sources.values()):
            lead += ["; " if i else "", *ctx.cite([src.stem])]
        lead.append(". Every figure below counts facts those articles state, each cited to "
                    "its paragraph.")
    if since or until:
        window = " ".join(w for w in (f"from {long_date(since)}" if since else "",
                                      f"until {long_date(until)}" if until else "") if w)
        undated = "included" if include_undated else "left out"
        when = f"Time window: {window}; facts without a date {undated}."
    else:
        when = "All dates."
    return [Block("p", lead), Block("p", when + " Dates: an event's own date when the article "
                                    "gives one with a year, else the date of the article "
                                    "reporting it (the event took place on or before it).")]


RELATION_WORDS = {  # projection relation -> ontology class it comes from, and what it counts
    "participated_in": ("Participation", "a person or organisation at an event"),
    "represented": ("Participation", "an organisation or country represented by its people"),
    "held_post_at": ("PostHeld", "a person's post in an organisation"),
}


def _holdings(G: nx.MultiDiGraph, ctx: Context) -> list[Block]:
    kinds = Counter(d["kind"] for _, d in G.nodes(data=True))
    types = Counter(d["cls"] for _, d in G.nodes(data=True) if d["kind"] == "organisation")
    facts = Counter(k for _, _, k in G.edges(keys=True) if k in RELATION_WORDS)
    rows: list[list[Rich]] = [[term(ctx.labels, k.capitalize()), str(n)]
                              for k, n in sorted(kinds.items())]
    fact_rows: list[list[Rich]] = [
        [f"{term(ctx.labels, RELATION_WORDS[k][0])}: {RELATION_WORDS[k][1]}", str(n)]
        for k, n in sorted(facts.items())]
    return [Block("h2", "What the graph holds"),
            Block("table", header=["entities", "number"], rows=rows),
            Block("table", header=["organisations by kind", "number"],
                  rows=[[term(ctx.labels, c), str(n)] for c, n in
                        sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))]),
            Block("table", header=["facts", "number"], rows=fact_rows)]


def _maps(views: Mapping[str, nx.Graph], ctx: Context) -> list[Block]:
    rows: list[list[Rich]] = []
    for name, H in views.items():
        title = VIEW_TITLES.get(name, name)
        rows.append([Link(title, f"{name}.html") if ctx.links else title,
                     str(H.number_of_nodes()), str(H.number_of_edges()),
                     VIEWS[name][0].upper() + VIEWS[name][1:]])
    return [Block("h2", "The maps"),
            Block("table", header=["map", "points", "links", "what it shows"], rows=rows)]


def _ranked(H: nx.Graph, ctx: Context, measure: str, ranked: list[tuple[str, float]]) -> Rich:
    shown = ranked if measure == "degree" else [(n, v) for n, v in ranked if abs(v) >= 0.005]
    if not shown:
        return "no one stands out: every score rounds to 0.00"
    out: list[Inline] = []
    others = H.number_of_nodes() - 1
    for i, (n, v) in enumerate(shown):
        out += ["; " if i else "", ctx.entity(H, n),
                f" ({H.degree(n)} of {others})" if measure == "degree" else f" ({rounded(v)})"]
    if len(shown) < len(ranked):
        out.append("; every other scores 0.00")
    return out


def _most_central(views: Mapping[str, nx.Graph], ctx: Context, top: int,
                  scores: Scores) -> list[Block]:
    out = []
    for name, what in (("org-org", "organisations"), ("country-country", "countries")):
        H = views[name]
        out.append(Block("h2", f"The most central {what}"))
        if H.number_of_nodes() == 0:
            out.append(Block("p", f"No {what} met in this window."))
            continue
        c = scores(name, H)
        weighted = " Counted on the map where a link's weight is the number of shared " \
                   "events." if H.graph.get("weighted") else ""
        out.append(Block("p", f"On the map “{VIEW_TITLES.get(name, name)}” ({H.number_of_nodes()}"
                         f" {what}); scores rounded to two decimals.{weighted}"))
        out.append(Block("table", header=["measure", f"top {top}"], rows=[
            [MEASURE_WORDS[m], _ranked(H, ctx, m, c.ranking(m)[:top])] for m in MEASURES]))
        if any(v > 1.0 for v in c.scores.get("closeness", {}).values()):
            out.append(Block("p", "Closeness above 1: a link that counts several shared "
                             "events is read as a shorter distance."))
    return out


def _holds_together(views: Mapping[str, nx.Graph], ctx: Context) -> list[Block]:
    out = [Block("h2", "Who holds the network together")]
    for name in ("org-event", "org-org"):
        H = views[name]
        cp = cutpoints(H)
        pieces = "in one piece" if cp.components == 1 else f"in {cp.components} separate pieces"
        alone = "" if cp.articulation_points or cp.bridges else \
            " No single point or link holds it together."
        out.append(Block("p", f"The map “{VIEW_TITLES.get(name, name)}” ({H.number_of_nodes()} "
                         f"points) is {pieces}.{alone}"))
        items: list[Rich] = []
        for n in cp.articulation_points:
            cut = sum(split_by(H, n)[1:])
            items.append([ctx.entity(H, n), f" ({term(ctx.labels, H.nodes[n]['cls'])}): "
                          f"without it, {cut} point{'s' if cut != 1 else ''} would be cut off"])
        if name == "org-org":
            for u, v in cp.bridges:
                small, big = _bridge_sides(H, u, v)
                side = small_side(H, big, small)
                items.append(["the link between ", ctx.entity(H, big), " and ",
                              ctx.entity(H, small), f" is the only one joining {side} to the rest"])
        if items:
            out.append(Block("ul", items=items))
    return out


def _bridge_sides(H: nx.Graph, u: str, v: str) -> tuple[str, str]:
    """(the end on the smaller side of the bridge u-v, the other end)."""
    return (v, u) if component_size(H, v, (u, v)) <= component_size(H, u, (u, v)) else (u, v)


def small_side(H: nx.Graph, big: str, small: str) -> str:
    n = component_size(H, small, (big, small))
    return "it" if n == 1 else f"it and {n - 1} other{'s' if n > 2 else ''}"


GROUPED = ("org-org", "country-country")   # the views whose communities the report gives


def _communities(views: Mapping[str, nx.Graph], ctx: Context,
                 found: Mapping[str, Communities]) -> list[Block]:
    out = [Block("h2", "Groups that met among themselves")]
    for name in GROUPED:
        H = views[name]
        com = found[name]
        words = modularity_words(len(com.groups), com.modularity)
        out.append(Block("p", f"“{VIEW_TITLES.get(name, name)}”: {words}."))
        if len(com.groups) > 1 and com.modularity >= LIMIT_WEAK:
            out.append(Block("table", header=["group", "members"], rows=[
                [str(i), [x for j, n in enumerate(g) for x in ("; " if j else "",
                                                               ctx.entity(H, n))]]
                for i, g in enumerate(com.groups, 1)]))
    out.append(Block("p", "Groups by the Louvain method (networkx, weighted by shared events, "
                     "seed 0)."))
    return out


CHARTS = {"events": "Events", "participations": "Participations",
          "organisations": "Organisations active", "new_ties": "New ties (organisations)",
          "agreements": "Agreements reported", "country_ties": "Pairs of countries met"}


def _filled(series: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The series with the years between its first and last dated year (0 where none)."""
    values = dict(series)
    years = sorted(int(y) for y in values if y.isdigit())
    if not years:
        return series
    out = [(str(y), values.get(str(y), 0)) for y in range(years[0], years[-1] + 1)]
    return out + [(y, n) for y, n in series if not y.isdigit()]


def _change(t: Trends, G: nx.MultiDiGraph, ctx: Context) -> list[Block]:
    out = [Block("h2", "Change over time"),
           Block("charts", charts=[bar_chart(title, _filled(t.series(s)))
                                   for s, title in CHARTS.items()]),
           Block("table", header=["year", *(SERIES_WORDS[s] for s in SERIES_WORDS)],
                 rows=[[y.year, *(str(getattr(y, s)) for s in SERIES_WORDS)] for y in t.years]),
           Block("p", "A tie is new in the year of the first event the two shared; "
                 "“undated” counts facts from undated articles.")]
    items: list[Rich] = []
    for ty in t.top:
        line: list[Inline] = [f"{ty.year}: "]
        for i, (key, _, n) in enumerate(ty.top):
            line += ["; " if i else "", ctx.entity(G, key), f" (met {n})"]
        if ty.entered:
            line.append(". New in the top: ")
            for i, key in enumerate(ty.entered):
                line += [", " if i else "", ctx.entity(G, key)]
        items.append(line)
    if items:
        out += [Block("p", "The organisations that met the most others, year by year:"),
                Block("ul", items=items)]
    if t.country_pairs:
        out.append(Block("table", header=["year", "countries that met", "events"], rows=[
            [y, f"{a} and {b}", str(n)] for y, a, b, n in t.country_pairs]))
    return out


def _timeline(G: nx.MultiDiGraph, views: Mapping[str, nx.Graph], ctx: Context) -> list[Block]:
    oe, pe = views["org-event"], views["person-event"]
    events = sorted(((d["date"] or "9999", n) for n, d in G.nodes(data=True)
                     if d["kind"] == "event" and d.get("cls") != SERIES_CLASS
                     and (n in oe or n in pe or n in views["full"])))
    rows: list[list[Rich]] = []
    for _, n in events:
        d = G.nodes[n]
        rows.append([event_when(d["when"], d["date"], d["date_basis"]), ctx.entity(G, n),
                     term(ctx.labels, d["cls"]),
                     str(len(list(oe.neighbors(n))) if n in oe else 0),
                     str(len(list(pe.neighbors(n))) if n in pe else 0),
                     ctx.cite(d["sources"])])
    return [Block("h2", "Timeline of events"),
            Block("table", header=["when", "event", "kind", "organisations", "people",
                                   "sources"], rows=rows)]


LANGUAGES = {"en": "English", "ru": "Russian", "az": "Azerbaijani", "tr": "Turkish",
             "uz": "Uzbek", "kk": "Kazakh", "ky": "Kyrgyz", "tg": "Tajik", "ka": "Georgian"}


def _sources(ctx: Context) -> list[Block]:
    if not ctx.sources:
        return []
    items: list[Rich] = []
    for src in ctx.sources.values():
        language = LANGUAGES.get(src.language or "", src.language)
        extra = ", ".join(x for x in (f"in {language}" if language else "",
                                      f"{src.paragraphs} paragraphs" if src.paragraphs else "")
                          if x)
        items.append([*ctx.cite([src.stem]), f" ({extra}; file {src.stem})"])
    return [Block("h2", "Sources"), Block("ul", items=items)]


# ---------------------------------------------------------------------------- rendering


def _parts(value: Rich) -> list[Inline]:
    return value if isinstance(value, list) else [value]


def _md_text(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("[", "\\[").replace("]", "\\]")


def md_inline(value: Rich) -> str:
    return "".join(f"[{_md_text(p.text)}]({p.href})" if isinstance(p, Link) else _md_text(p)
                   for p in _parts(value))


def html_inline(value: Rich) -> str:
    e = html_lib.escape
    return "".join(f'<a href="{e(p.href)}">{e(p.text)}</a>' if isinstance(p, Link) else e(p)
                   for p in _parts(value))


def plain(value: Rich) -> str:
    return "".join(p.text if isinstance(p, Link) else p for p in _parts(value))


def markdown(report: Report) -> str:
    out = [f"# {report.title}", ""]
    for block in report.blocks:
        if block.kind == "h2":
            out += [f"## {plain(block.text)}", ""]
        elif block.kind == "p":
            out += [md_inline(block.text), ""]
        elif block.kind == "ul":
            out += [f"- {md_inline(item)}" for item in block.items] + [""]
        elif block.kind == "charts":
            out += ["(Charts of the figures below in the HTML version of this report.)", ""]
        elif block.kind == "table":
            out.append("| " + " | ".join(map(_md_text, block.header)) + " |")
            out.append("|" + "|".join("---" for _ in block.header) + "|")
            out += ["| " + " | ".join(map(md_inline, row)) + " |" for row in block.rows]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


CSS = ("body{font:16px/1.55 system-ui,sans-serif;max-width:62rem;margin:2rem auto;"
       "padding:0 1rem;color:#1d1d1d;background:#fafaf7}"
       "h1{font:700 30px/1.2 Georgia,serif}h2{font:700 22px/1.3 Georgia,serif;margin-top:2.2rem}"
       "table{border-collapse:collapse;margin:0.5rem 0 1.5rem;background:#fff}"
       "th,td{border:1px solid #d8d6cf;padding:0.3rem 0.55rem;text-align:left;"
       "vertical-align:top}th{background:#f0efe9}a{color:#0b5394}"
       "nav{font-size:14px;margin-bottom:1rem}" + CHART_CSS)


def html(report: Report, home: str | None = None) -> str:
    """The same blocks as one standalone HTML page (``home``: a link back to the site)."""
    e = html_lib.escape
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{e(report.title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>"]
    if home:
        out.append(f'<nav><a href="{e(home)}">All maps and pages</a></nav>')
    out.append(f"<h1>{e(report.title)}</h1>")
    for block in report.blocks:
        if block.kind == "h2":
            out.append(f"<h2>{html_inline(block.text)}</h2>")
        elif block.kind == "p":
            out.append(f"<p>{html_inline(block.text)}</p>")
        elif block.kind == "ul":
            out.append("<ul>" + "".join(f"<li>{html_inline(i)}</li>" for i in block.items)
                       + "</ul>")
        elif block.kind == "charts":
            out.append('<div class="charts">' + "".join(block.charts) + "</div>")
        elif block.kind == "table":
            head = "".join(f"<th>{e(h)}</th>" for h in block.header)
            body = "".join("<tr>" + "".join(f"<td>{html_inline(c)}</td>" for c in row)
                           + "</tr>" for row in block.rows)
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def unlinked(report: Report) -> Report:
    """The same report with every link reduced to its text: what :func:`build_report` gives
    without ``links`` (so one report, made with links, serves the site and a plain report)."""
    def text(value: Rich) -> Rich:
        if isinstance(value, Link):
            return value.text
        return [p.text if isinstance(p, Link) else p for p in value] \
            if isinstance(value, list) else value

    return Report(report.title, [
        Block(b.kind, text(b.text), b.header, [[text(c) for c in row] for row in b.rows],
              [text(i) for i in b.items], b.charts) for b in report.blocks])


def write_report(report: Report, path: Path, home: str | None = None) -> list[Path]:
    """Write ``path`` (Markdown) and the same name with ``.html``, atomically."""
    md_path = path if path.suffix == ".md" else path.with_suffix(".md")
    html_path = md_path.with_suffix(".html")
    write_atomic(md_path, markdown(report))
    write_atomic(html_path, html(report, home))
    return [md_path, html_path]


def report_context(ds: Any, links: bool = False) -> Context:
    """The labels and sources of the built graph ``ds`` for :func:`build_report`."""
    return Context(ontology_labels(ds), {s.stem: s for s in source_list(ds)}, links)
