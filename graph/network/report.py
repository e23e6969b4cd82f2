"""``cinecoop report``: one network report, as Markdown and as the same standalone HTML page.

:func:`build_report` computes the content (a list of blocks: headings, paragraphs, tables) from
the one projection; :func:`markdown` and :func:`html` render the same blocks, so the two never
disagree. No wall-clock time is written: the same graph and options give the same bytes.
"""

from __future__ import annotations

import html as html_lib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.network.analytics import MEASURES, centrality, communities, cutpoints

if TYPE_CHECKING:
    import networkx as nx

from graph.data.build import write_atomic
from graph.network.analytics import split_by
from graph.network.projection import VIEWS, view


@dataclass
class Block:
    kind: str  # "h1", "h2", "p", "table", "ul"
    text: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    items: list[str] = field(default_factory=list)


@dataclass
class Report:
    title: str
    blocks: list[Block]


def _fmt(x: float) -> str:
    return f"{x:.4f}"


def build_report(G: nx.MultiDiGraph, since: str | None = None, until: str | None = None,
                 include_undated: bool = False, top: int = 5, backend: str = "auto") -> Report:
    """The report's content for the projection ``G`` under the given time window."""
    opts: dict[str, Any] = {"since": since, "until": until, "include_undated": include_undated}
    views = {name: view(G, name, **opts) for name in VIEWS}
    b: list[Block] = []
    window = ", ".join(f"{k} {v}" for k, v in (("since", since), ("until", until)) if v)
    b.append(Block("p", "Window: " + (window or "all dates") + "; undated facts " +
                   ("included" if include_undated or not window else "left out") +
                   ". Dates: an event's start date when the source gives one with a year, "
                   "else the date of the source reporting it (marked 'reported': the event "
                   "took place on or before it)."))

    # counts
    b.append(Block("h2", "Counts"))
    kinds = Counter(d["kind"] for _, d in G.nodes(data=True))
    relations = Counter(k for _, _, k in G.edges(keys=True))
    b.append(Block("table", header=["entities", "number"],
                   rows=[[k, str(n)] for k, n in sorted(kinds.items())]))
    b.append(Block("table", header=["facts (projection edges)", "number"],
                   rows=[[k, str(n)] for k, n in sorted(relations.items())]))
    b.append(Block("table", header=["view", "nodes", "edges", "what it shows"],
                   rows=[[name, str(H.number_of_nodes()), str(H.number_of_edges()), VIEWS[name]]
                         for name, H in views.items()]))

    # top organisations and countries
    for name, what in (("org-org", "organisations"), ("country-country", "countries")):
        H = views[name]
        b.append(Block("h2", f"Top {what} ({name} view)"))
        if H.number_of_nodes() == 0:
            b.append(Block("p", "No nodes in this window."))
            continue
        c = centrality(H, MEASURES, backend=backend)
        notes = "; ".join(c.notes)
        b.append(Block("p", f"Computed with {c.backend}." + (f" {notes}." if notes else "")))
        rows = []
        for m in MEASURES:
            ranked = c.ranking(m)[:top]
            rows.append([m, "; ".join(f"{H.nodes[n]['label']} ({_fmt(v)})" for n, v in ranked)])
        b.append(Block("table", header=["measure", f"top {top}"], rows=rows))

    # bridges and articulation points
    b.append(Block("h2", "Who holds the network together"))
    for name in ("org-event", "org-org"):
        H = views[name]
        cp = cutpoints(H)
        label = H.nodes
        b.append(Block("p", f"{name}: {H.number_of_nodes()} nodes in {cp.components} "
                       f"connected component(s); {len(cp.articulation_points)} articulation "
                       f"point(s), {len(cp.bridges)} bridge(s)."))
        if cp.articulation_points:
            b.append(Block("ul", items=[
                f"{label[n]['label']} ({label[n]['cls']}): removing it cuts off "
                f"{_cut_off(H, n)} node(s)" for n in cp.articulation_points]))
        if cp.bridges and name == "org-org":
            b.append(Block("ul", items=[f"bridge: {label[u]['label']} - {label[v]['label']}"
                                        for u, v in cp.bridges]))

    # communities
    b.append(Block("h2", "Communities (org-org view, Louvain)"))
    com = communities(views["org-org"])
    b.append(Block("p", f"{len(com.groups)} communities, modularity {com.modularity:.3f} "
                   f"(networkx Louvain, weighted by shared events, seed {com.seed})."))
    b.append(Block("table", header=["#", "size", "members"], rows=[
        [str(i), str(len(g)), "; ".join(views["org-org"].nodes[n]["label"] for n in g)]
        for i, g in enumerate(com.groups, 1)]))

    # timeline
    b.append(Block("h2", "Timeline of events"))
    oe, pe = views["org-event"], views["person-event"]
    events = [(d["date"] or "9999", n, d) for n, d in G.nodes(data=True)
              if d["kind"] == "event" and (n in oe or n in pe or n in views["full"])]
    rows = []
    for _, n, d in sorted(events):
        orgs = len(list(oe.neighbors(n))) if n in oe else 0
        people = len(list(pe.neighbors(n))) if n in pe else 0
        rows.append([d["date"] or "undated", d["when"], d["label"], d["cls"], str(orgs),
                     str(people), "; ".join(d["sources"])])
    b.append(Block("table", header=["date", "as the source gives it", "event", "type",
                                    "organisations", "persons", "sources"], rows=rows))

    # per year
    b.append(Block("h2", "Per year"))
    active: dict[str, set[str]] = defaultdict(set)
    events_per: dict[str, set[str]] = defaultdict(set)
    for u, v in oe.edges():
        org, event = (u, v) if oe.nodes[u]["kind"] == "organisation" else (v, u)
        year = str(oe.nodes[event]["year"] or "undated")
        active[year].add(org)
        events_per[year].add(event)
    new_links: Counter[str] = Counter()
    for _, _, d in views["org-org"].edges(data=True):
        new_links[str(d["year"] or "undated")] += 1
    years = sorted(set(active) | set(new_links), key=lambda y: (y == "undated", y))
    b.append(Block("table", header=["year", "events with organisations",
                                    "organisations active", "new organisation links"],
                   rows=[[y, str(len(events_per[y])), str(len(active[y])), str(new_links[y])]
                         for y in years]))
    b.append(Block("p", "A link is new in the year of the first event the two organisations "
                   "shared; 'undated' counts facts from undated sources."))
    return Report("cinecoop network report", b)


def _cut_off(H: nx.Graph, node: str) -> int:

    sizes = split_by(H, node)
    return sum(sizes[1:])


# ---------------------------------------------------------------------------- rendering


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(report: Report) -> str:
    out = [f"# {report.title}", ""]
    for block in report.blocks:
        if block.kind == "h2":
            out += [f"## {block.text}", ""]
        elif block.kind == "p":
            out += [block.text, ""]
        elif block.kind == "ul":
            out += [f"- {item}" for item in block.items] + [""]
        elif block.kind == "table":
            out.append("| " + " | ".join(map(_md_cell, block.header)) + " |")
            out.append("|" + "|".join("---" for _ in block.header) + "|")
            out += ["| " + " | ".join(map(_md_cell, row)) + " |" for row in block.rows]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


CSS = ("body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;"
       "color:#222}table{border-collapse:collapse;margin:0.5rem 0 1.5rem}"
       "th,td{border:1px solid #ccc;padding:0.25rem 0.5rem;text-align:left;vertical-align:top}"
       "th{background:#f3f3f3}h2{margin-top:2rem}")


def html(report: Report) -> str:
    e = html_lib.escape
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>{e(report.title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
           f"<h1>{e(report.title)}</h1>"]
    for block in report.blocks:
        if block.kind == "h2":
            out.append(f"<h2>{e(block.text)}</h2>")
        elif block.kind == "p":
            out.append(f"<p>{e(block.text)}</p>")
        elif block.kind == "ul":
            out.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in block.items) + "</ul>")
        elif block.kind == "table":
            head = "".join(f"<th>{e(h)}</th>" for h in block.header)
            body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>"
                           for row in block.rows)
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def write_report(report: Report, path: Path) -> list[Path]:
    """Write ``path`` (Markdown) and the same name with ``.html``, atomically."""

    md_path = path if path.suffix == ".md" else path.with_suffix(".md")
    html_path = md_path.with_suffix(".html")
    write_atomic(md_path, markdown(report))
    write_atomic(html_path, html(report))
    return [md_path, html_path]
