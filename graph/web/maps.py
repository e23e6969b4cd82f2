"""Interactive HTML maps of the networkx views: one self-contained file per map.

:func:`build_page` is pure: it turns a view (``graph.network.projection.view``) into a
:class:`MapPage` holding a :class:`VisNetwork` (nodes, edges and vis-network options, under the
names ``pyvis.network.Network`` gives them) and what the page says around it (title, caption,
legend, notes). pyvis itself is not imported (it pulls in IPython: about 0.4 s of every
``cinecoop html``); only the copy of vis-network it ships is read. :func:`render_html` turns
that into one HTML document and :func:`write_html` writes it. The document inlines
vis-network from pyvis's own copy plus ``graph/static/map.js`` and ``map.css``: it loads
nothing from the network, works from ``file://`` and carries no timestamp, so the same view
gives the same bytes.

Safety: every string from the data reaches the page either through jinja2's autoescaping or
inside a JSON ``<script type="application/json">`` block with ``<``, ``>``, ``&``, U+2028 and
U+2029 escaped; the page script only ever writes data with ``textContent`` and gives
vis-network plain-text tooltips, so a label such as ``<img src=x onerror=alert(1)>`` stays
text. pyvis's own template (its ``heading`` is inserted unescaped, and it links Bootstrap from a
CDN) is not used.

>>> import networkx as nx
>>> G = nx.Graph()
>>> G.add_node("person/a", kind="person", label="<b>A</b>", labels={"en": ["<b>A</b>"]})
>>> page = build_page(G, title="T", caption="C")
>>> "<b>A</b>" in render_html(page)
False
"""

from __future__ import annotations

import functools
import json
import math
import weakref
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from importlib import resources, util
from pathlib import Path
from typing import Any

import jinja2

from graph.files import write_atomic
from graph.network.analytics import centrality as scores
from graph.network.layout import layout
from graph.text import replace_each

# kind -> (colour, vis shape, legend name); Okabe-Ito colours stay apart for colour-blind readers
KIND_STYLES: dict[str, tuple[str, str, str]] = {
    "organisation": ("#E69F00", "square", "Organisation"),
    "event": ("#D55E00", "star", "Event"),
    "person": ("#0072B2", "dot", "Person"),
    "country": ("#009E73", "diamond", "Country"),
    "place": ("#CC79A7", "triangleDown", "Place"),
    "agreement": ("#56B4E9", "hexagon", "Agreement"),
}
OTHER_STYLE = ("#999999", "dot", "Other")
# relation family -> (colour, dashed, legend text)
EDGE_STYLES: dict[str, tuple[str, bool, str]] = {
    "participation": ("#555555", False, "took part in an event (directly or through its people)"),
    "met": ("#8a8a8a", False, "met at the same event (thicker: more shared events)"),
    "post": ("#0072B2", True, "held a post at"),
    "agreement": ("#7b3294", False, "agreement: party, statement, announcement, subject"),
    "structure": ("#b5b5b5", True, "structure: country, parent body, venue, part of"),
}
RELATION_FAMILY = {
    "participated_in": "participation", "represented": "participation", "met_at": "met",
    "held_post_at": "post", "party_to": "agreement", "stated": "agreement",
    "announced_at": "agreement", "concerns": "agreement", "scope": "agreement",
}
DATE_BASIS_WORDS = {
    "reported": "reported on that date: took place on or before it",
    "event": "date of the event",
}
SIZE_MEASURES = {  # graph.network.analytics measure -> what the legend says node size means
    "degree": "degree centrality: how many others a node is linked to in this map",
    "betweenness": "betweenness centrality: how often a node lies on the shortest paths "
                   "between others (a broker)",
    "closeness": "closeness centrality: how near a node is to all the others",
    "eigenvector": "eigenvector centrality: linked to nodes that are well linked themselves",
    "pagerank": "PageRank: reached often by following links at random",
}
WEIGHTED_NOTE = ", counting shared events (weight)"
LAYOUT_THRESHOLD = 400  # above this many nodes the layout is computed here and physics is off
# the node budget: a larger view is cut to its MAX_NODES highest-scoring nodes, with a note
# (vis-network starts 2,000 nodes in about 0.3 s, 20,000 in about 3 s: scripts/bench_html.py)
MAX_NODES = 2000
MAX_LINKS = 6000  # and the links among them: vis-network spends more per link than per node
LABEL_NODES = 500  # names drawn when the page opens (measuring label text is slow in vis);
# map.js draws more names as the reader zooms in, in the part of the map in view
LABEL_LIMIT = 64  # characters of a label drawn on the map (the tooltip has it all)
LEFT_OUT_INDEX = 50_000  # names of left-out nodes the page's search still finds
VIS_DIR = ("templates", "lib", "vis-9.1.2")


@dataclass
class VisNetwork:
    """The vis-network data of a page, with the attribute names of ``pyvis.network.Network``."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    node_ids: list[str] = field(default_factory=list)
    node_map: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class MapPage:
    """Everything one map page shows; ``network`` holds the vis-network nodes and edges."""

    network: VisNetwork
    title: str
    caption: str
    size_note: str
    legend: list[dict[str, Any]] = field(default_factory=list)
    edge_legend: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    width_note: dict[str, Any] | None = None  # line width legend (weighted views)
    physics: bool = True
    focus: str | None = None  # node selected when the page opens
    home: str | None = None  # link back to the site's index (maps of ``cinecoop site``)
    left_out: dict[str, Any] = field(default_factory=dict)  # search index of pruned nodes
    org_colours: dict[str, str] = field(default_factory=dict)  # organisation class -> colour
    font_boost: int = 12  # the name of the largest node is drawn 12 + font_boost px
    budget_note: str | None = None  # what the node budget left out (shown first)
    whole: tuple[int, int] | None = None  # nodes and links of the view before the budget


# ------------------------------------------------------------------------------- measures


def centrality(G: Any, measure: str = "degree", seed: int = 7) -> dict[Any, float]:
    """Node -> score of ``measure`` (graph.network.analytics; sampled betweenness when large)."""

    if measure not in SIZE_MEASURES:
        raise ValueError(f"unknown size measure {measure!r}; use one of: "
                         f"{', '.join(SIZE_MEASURES)}")
    # degree needs no conversion to igraph (the same numbers: the views have no self-links)
    backend = "networkx" if measure == "degree" else "auto"
    return dict(scores(G, [measure], seed=seed, backend=backend).scores[measure])


def check_budget(max_nodes: int | None, max_links: int | None) -> None:
    """Refuse a budget below 1 (ValueError, one line)."""
    for flag, value, what in (("--max-nodes", max_nodes, "node"), ("--max-links", max_links,
                                                                    "link")):
        if value is not None and value < 1:
            raise ValueError(f"{flag} must be 1 or more, not {value}: it is the {what} "
                             f"budget of the map (a larger view keeps its most central nodes)")


def prune(G: Any, max_nodes: int, values: Mapping[Any, float], keep: Sequence[Any] = (),
          measure: str = "score", order: Sequence[Any] | None = None,
          max_links: int | None = None) -> tuple[Any, str | None]:
    """The subgraph of the highest-valued nodes (``keep`` first: the focus), and a note on
    what was left out (None when nothing was); ``order``: ``ranked(G, values)``.

    Nodes are taken best first while there are at most ``max_nodes`` of them and at most
    ``max_links`` links among them (every link between two kept nodes is kept).
    """
    check_budget(max_nodes, max_links)
    n, links = G.number_of_nodes(), G.number_of_edges()
    if n <= max_nodes and (max_links is None or links <= max_links):
        return G, None
    first = [v for v in dict.fromkeys(keep) if v in G]
    chosen = set(first)
    ranking = [*first, *(v for v in (ranked(G, values) if order is None else order)
                         if v not in chosen)]
    H = _subgraph(G, _take(G, ranking, max_nodes, max_links))
    k, m = H.number_of_nodes(), H.number_of_edges()
    gone = Counter(G.nodes[v].get("kind", "other") for v in G if v not in H)
    kinds = ", ".join(f"{c:,} {kind}" for kind, c in sorted(gone.items()))
    budget = f"--max-nodes {max_nodes:,}" + (f", --max-links {max_links:,}" if max_links
                                             else "")
    note = (f"Showing {k:,} of {n:,} nodes and {m:,} of {links:,} links: those with the "
            f"highest {measure} (the map's budget: {budget}). Left out: {n - k:,} nodes "
            f"({kinds}) and {links - m:,} links. To see the rest: cinecoop html --focus NAME "
            f"(a neighbourhood), --since/--until/--type, or a higher --max-nodes/--max-links.")
    return H, note


def _take(G: Any, ranking: Sequence[Any], max_nodes: int, max_links: int | None) -> list[Any]:
    """The first nodes of ``ranking`` that fit both budgets (the first always does)."""
    taken: list[Any] = []
    index: set[Any] = set()
    links = 0
    adj = G.adj
    for v in ranking:
        if len(taken) == max_nodes:
            break
        new = sum(1 for u in adj[v] if u in index or u == v)
        if max_links is not None and taken and links + new > max_links:
            break
        taken.append(v)
        index.add(v)
        links += new
    return taken


def ranked(G: Any, values: Mapping[Any, float]) -> list[Any]:
    """The nodes of ``G``, highest value first (ties by name)."""
    return sorted(G, key=lambda v: (-values.get(v, 0.0), str(v)))


def _subgraph(G: Any, keep: Sequence[Any]) -> Any:
    """``G.subgraph(keep).copy()`` for a simple graph, without the view's per-item checks."""
    if G.is_multigraph() or G.is_directed():
        return G.subgraph(keep).copy()
    H = G.__class__()
    H.graph.update(G.graph)
    nodes = G.nodes
    H.add_nodes_from((v, nodes[v]) for v in keep)
    rank = {v: i for i, v in enumerate(keep)}
    adj = G.adj
    H.add_edges_from((u, v, d) for u in keep for v, d in adj[u].items()
                     if rank.get(v, -1) >= rank[u])  # each link once (a self-link too)
    return H


# ------------------------------------------------------------------------------- text


def cite(sources: Sequence[str], source_notes: Mapping[str, str] | None) -> list[str]:
    """``"004_7e29c807a69063d9 ¶5"`` -> ``"004_7e29c807a69063d9 ¶5 (Trend, 2025-12-09)"``."""
    out = []
    for s in sources:
        stem = s.split(" ", 1)[0]
        note = (source_notes or {}).get(stem)
        out.append(f"{s} ({note})" if note else s)
    return out


def _date_line(data: Mapping[str, Any]) -> str | None:
    when, date, basis = data.get("when"), data.get("date"), data.get("date_basis")
    if when:
        return f"Date: {when}"
    if date:
        words = DATE_BASIS_WORDS.get(basis or "", basis or "")
        return f"Date: {date}" + (f" ({words})" if words else "")
    return None


def node_tooltip(key: str, data: Mapping[str, Any], links: int,
                 source_notes: Mapping[str, str] | None = None) -> str:
    """Plain text: name, type, every label by language, country, date, links, sources."""
    kind = data.get("kind", "other")
    lines = [str(data.get("label") or key)]
    cls = data.get("cls")
    kind_name = KIND_STYLES.get(kind, OTHER_STYLE)[2]
    lines.append(f"Type: {kind_name}" + (f" ({cls})" if cls and cls.lower() != kind else ""))
    for lang, names in sorted((data.get("labels") or {}).items()):
        lines.append(f"Name [{lang}]: {' | '.join(names)}")
    if data.get("country") and kind != "country":
        lines.append(f"Country: {data['country']}")
    date = _date_line(data)
    if date:
        lines.append(date)
    lines.append(f"Links in this map: {links}")
    srcs = cite(data.get("sources") or [], source_notes)
    if srcs:
        lines.append("Sources: " + "; ".join(srcs))
    lines.append(f"Id: {key}")
    return "\n".join(lines)


def edge_tooltip(G: Any, u: str, v: str, data: Mapping[str, Any],
                 source_notes: Mapping[str, str] | None = None) -> str:
    """Plain text: who, the relation in words, dates, shared events, people, sources."""
    def name(n: str) -> str:
        return str(G.nodes[n].get("label") or n) if n in G else n

    head = str(data["head"]) if data.get("head") in (u, v) else u
    facts = data.get("facts") or [data]
    lines = []
    for fact in facts:
        h = str(fact["head"]) if fact.get("head") in (u, v) else head
        o = v if h == u else u
        words = fact.get("label") or fact.get("relation", "linked to").replace("_", " ")
        if fact.get("relation") == "represented":
            lines.append(f"{name(h)}, represented at {name(o)}: {words}")
        elif fact.get("relation") == "met_at":
            lines.append(f"{name(h)} and {name(o)} {words}")
        else:
            lines.append(f"{name(h)} {words} {name(o)}")
        if fact.get("titles"):
            lines.append("Post: " + "; ".join(fact["titles"]))
    relations = sorted({f.get("relation", "") for f in facts})
    lines.append("Relation: " + ", ".join(r for r in relations if r))
    if data.get("weight") is not None and data.get("events"):
        lines.append(f"Shared events: {data['weight']}")
        for e in data["events"]:
            lines.append(f"  - {name(e)}")
    if data.get("people"):
        lines.append("People: " + ", ".join(sorted(name(p) for p in data["people"])))
    date = _date_line(data)
    if date:
        lines.append(date)
    srcs = cite(sorted({s for f in facts for s in f.get("sources") or []}), source_notes)
    if srcs:
        lines.append("Sources: " + "; ".join(srcs))
    return "\n".join(lines)


# ------------------------------------------------------------------------------- people index


def related_people(context: Any, H: Any) -> dict[str, list[str]]:
    """Person (not drawn in ``H``) -> nodes of ``H`` tied to them in the projection ``context``.

    Lets the search box answer "Азизов" on a map of organisations or countries: his posts, the
    organisations he spoke for, his events and his country, strongest tie first.
    """
    ties: dict[str, Counter[str]] = defaultdict(Counter)
    pairs, stated, _ = _person_ties(context)
    for person, other, weight, country in pairs:
        if person in H:
            continue
        if other in H:
            ties[person][other] += weight
        # a map of countries: the country of the organisation stands in for it
        if country is not None and country in H:
            ties[person][country] += weight
    for person, country in stated:
        if person not in H and country in H:
            ties[person][country] += 1  # a country the source states
    order = {k: i for i, k in enumerate(("organisation", "event", "country"))}
    return {p: sorted(c, key=lambda n: (-c[n], order.get(H.nodes[n].get("kind"), 9),
                                        str(H.nodes[n].get("label")), n))
            for p, c in sorted(ties.items())}


_Ties = tuple[list[tuple[str, str, int, "str | None"]], list[tuple[str, str]],
              dict[str, tuple[str, list[str]]]]
_TIES: weakref.WeakKeyDictionary[Any, tuple[int, _Ties]] = weakref.WeakKeyDictionary()


def _person_ties(context: Any) -> _Ties:
    """Every tie of a person in the projection ``context``, read once per projection (each map
    of a site keeps those to its own nodes): (person, other, weight, the other's country when
    it is an organisation), (person, the country a source states for them), and a place for
    people's names. The projection is read-only: it is known by identity and node count
    (counting a multigraph's edges costs a pass over them)."""
    kept = _TIES.get(context)
    if kept is not None and kept[0] == context.number_of_nodes():
        return kept[1]
    nodes = context.nodes
    kind = {n: d.get("kind") for n, d in nodes(data=True)}
    org_country = {n: nodes[n].get("country_id") for n, k in kind.items()
                   if k == "organisation"}
    pairs = []
    for u, v, data in context.edges(data=True):
        rel = data.get("relation")
        for person, other in ((u, v), (v, u)):
            if kind[person] == "person":
                pairs.append((person, other, 2 if rel == "held_post_at" else 1,
                              org_country.get(other)))
        if rel == "represented":
            pairs.extend((person, u, 2, org_country.get(u)) for person in data.get("people", []))
    stated = [(n, d["country_id"]) for n, d in nodes(data=True)
              if d.get("kind") == "person" and d.get("country_id") is not None]
    found: _Ties = (pairs, stated, {})
    _TIES[context] = (context.number_of_nodes(), found)
    return found


def short_label(text: str, limit: int = LABEL_LIMIT) -> str:
    """The label drawn on the map: long titles are cut at a word, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "\u2026"


def _names(data: Mapping[str, Any]) -> list[str]:
    names = [str(data.get("label") or "")]
    for values in (data.get("labels") or {}).values():
        names.extend(str(x) for x in values)
    return list(dict.fromkeys(n for n in names if n))


# ------------------------------------------------------------------------------- build


ORG_COLOURS: dict[str, str] = {  # organisation class -> fill colour (the square stays)
    "Ministry": "#E69F00", "FilmAgency": "#F0E442", "FilmCommission": "#FFE9A8",
    "GovernmentAgency": "#C9A227", "GovernmentBody": "#D9B44A", "Parliament": "#8C6D1F",
    "IntergovernmentalBody": "#9E7BB5", "Studio": "#A6611A", "StreamingPlatform": "#DFC27D",
    "Company": "#B8B86A", "Fund": "#80CDC1", "Guild": "#35978F", "CulturalCentre": "#F4A582",
    "NewsOutlet": "#BABABA", "OrganisationalUnit": "#FDB863", "Organisation": "#FFF3D6",
}
SPARE_COLOURS = ("#B2ABD2", "#E7D4E8", "#C7EAE5", "#FEE0B6", "#D8DAEB", "#F6E8C3")
# what a participation link means, per view (people take part; organisations also through them)
PARTICIPATION_WORDS = {
    "person-event": "took part in the event (spoke, moderated, opened, presented...)",
    "org-event": "took part in the event, itself or through its people",
    "full": "took part in an event (a person), or was represented there by its people "
            "(an organisation or country)",
}


def org_colour(cls: str) -> str:
    """The fill colour of an organisation class; a class added later gets a spare colour."""
    if cls in ORG_COLOURS:
        return ORG_COLOURS[cls]
    return SPARE_COLOURS[sum(map(ord, cls)) % len(SPARE_COLOURS)]


def _humane(cls: str) -> str:
    words = "".join(f" {c.lower()}" if c.isupper() else c for c in cls).strip()
    return words[:1].upper() + words[1:]


@dataclass
class _Nodes:
    kinds: Counter[str] = field(default_factory=Counter)
    org_kinds: Counter[str] = field(default_factory=Counter)
    years: set[int] = field(default_factory=set)


def build_page(G: Any, *, title: str, caption: str, size_by: str = "degree",
               context: Any = None, source_notes: Mapping[str, str] | None = None,
               notes: Sequence[str] = (), layout_threshold: int = LAYOUT_THRESHOLD,
               max_nodes: int | None = MAX_NODES, max_links: int | None = MAX_LINKS,
               label_limit: int = LABEL_NODES,
               focus: str | None = None, seed: int = 7,
               pages: Mapping[str, str] | None = None,
               class_labels: Mapping[str, str] | None = None,
               positions: Callable[..., Mapping[Any, Any]] = layout) -> MapPage:
    """The map of view ``G`` (pure: nothing is read or written, unless ``positions`` does).

    ``size_by``: a measure of ``SIZE_MEASURES`` (weighted by shared events in weighted views).
    ``context``: the full projection, used to make people findable on maps that do
    not draw them. ``source_notes``: source id -> short description for citations. Above
    ``layout_threshold`` nodes the layout is computed here by ``positions(G, seed=...)``
    (seeded) and physics starts off; above ``max_nodes`` nodes or ``max_links`` links (the
    budget; None: none) only the highest-scoring nodes are kept (``focus`` always), with a
    note saying so and the names of the others kept for the search; only the
    ``label_limit`` highest-scoring nodes have their name drawn when the page opens (the page
    draws more as the reader zooms in).
    ``pages``: node -> link to its entity page (the details panel offers it);
    ``class_labels``: class name -> label for the legend (the ontology's labels).
    """
    values = centrality(G, size_by, seed)
    page_notes = list(notes)
    whole = G
    note = None
    order = ranked(G, values)
    check_budget(max_nodes, max_links)
    if max_nodes is not None or max_links is not None:
        G, note = prune(G, max_nodes or G.number_of_nodes(), values,
                        keep=[focus] if focus else [], measure=size_by, order=order,
                        max_links=max_links)
    nodes = sorted(G.nodes, key=str)
    large = len(nodes) > layout_threshold
    net = VisNetwork()
    seen = _add_nodes(net, G, nodes, values, source_notes, pages or {},
                      pos=positions(G, seed=seed) if large else {},
                      labelled=_labelled(nodes, values, label_limit, size_by, page_notes))
    families, widths = _add_edges(net, G, source_notes, seen.years)
    net.options = vis_options(physics=not large, large=large, seed=seed)
    if large:
        page_notes.append(f"{len(nodes):,} nodes: the layout was computed in advance (seeded "
                          f"force-directed) and physics is off; zoom in to read labels.")
    size_note = SIZE_MEASURES[size_by] + (WEIGHTED_NOTE if G.graph.get("weighted") else "")
    people, known = _people(context, G)
    return MapPage(network=net, title=title, caption=caption, size_note=size_note,
                   legend=_legend(seen, class_labels or {}),
                   edge_legend=_edge_legend(families, str(G.graph.get("view", ""))),
                   width_note=_width_note(widths), notes=page_notes,
                   people=people, years=sorted(seen.years), physics=not large,
                   focus=focus if focus in G else None,
                   left_out=left_out_index(whole, G, order, known),
                   org_colours={c: org_colour(c) for c in sorted(seen.org_kinds)},
                   font_boost=_boost(len(nodes)), budget_note=note,
                   whole=(whole.number_of_nodes(), whole.size()) if note else None)


def _boost(n: int) -> int:
    """How much larger a hub's name is drawn: a crowded map is zoomed out more."""
    return 12 if n <= 40 else 22


def _labelled(nodes: list[Any], values: Mapping[Any, float], limit: int, size_by: str,
              notes: list[str]) -> set[Any]:
    """The nodes whose name is drawn (measuring label text is most of vis-network's start)."""
    labelled = set(ranked(nodes, values)[:limit])
    if len(labelled) < len(nodes):
        notes.append(f"Names are drawn for the {limit:,} highest-{size_by} nodes, and for the "
                     f"others as you zoom in; hover, click or search to see any of them.")
    return labelled


def left_out_index(whole: Any, H: Any, order: Sequence[Any], known: Set[Any] = frozenset(),
                   limit: int = LEFT_OUT_INDEX) -> dict[str, Any]:
    """The search index of the nodes of ``whole`` that the budget left out of ``H``.

    ``order``: the nodes of ``whole``, highest score first (:func:`ranked`). ``names[i]``: the
    label first, then the other names; ``via[i]``: up to 3 neighbours drawn on the map
    (indices into the page's sorted nodes), highest score first. Nodes in ``known`` (people
    the people index already covers) are skipped; at most ``limit`` entries, in ``order``.
    """
    if whole is H:
        return {"names": [], "via": []}
    index = {n: i for i, n in enumerate(sorted(H.nodes, key=str))}
    position = {v: i for i, v in enumerate(order)}
    names: list[list[str]] = []
    via: list[list[int]] = []
    attrs, adj = whole.nodes, whole.adj
    for v in order:
        if v in index or v in known:
            continue
        if len(names) == limit:
            break
        data = attrs[v]
        label = str(data.get("label") or v)
        others = [str(x) for xs in (data.get("labels") or {}).values() for x in xs]
        names.append(list(dict.fromkeys(x for x in [label, *others] if x)))
        near = sorted((u for u in adj[v] if u in index), key=position.__getitem__)[:3]
        via.append([index[u] for u in near])
    return {"names": names, "via": via}


def _add_nodes(net: VisNetwork, G: Any, nodes: list[Any], values: Mapping[Any, float],
               source_notes: Mapping[str, str] | None, pages: Mapping[str, str],
               pos: Mapping[Any, Any], labelled: set[Any]) -> _Nodes:
    """Append the nodes: only what map.js needs (it derives fonts and organisation colours)."""
    seen = _Nodes()
    top = max((values.get(n, 0.0) for n in nodes), default=0.0) or 1.0
    for n in nodes:
        data = G.nodes[n]
        kind = data.get("kind") if data.get("kind") in KIND_STYLES else "other"
        seen.kinds[kind] += 1
        name = str(data.get("label") or n)
        node: dict[str, Any] = {
            "id": str(n), "name": name, "group": kind,
            "size": round(8 + 30 * math.sqrt(max(values.get(n, 0.0), 0.0) / top), 1),
            "title": node_tooltip(str(n), data, G.degree(n), source_notes),
        }
        names = _names(data)
        if names != [name]:
            node["names"] = names
        if data.get("year") is not None:
            node["year"] = int(data["year"])
            seen.years.add(node["year"])
        if kind == "organisation":
            node["cls"] = str(data.get("cls") or "Organisation")
            seen.org_kinds[node["cls"]] += 1
        if str(n) in pages:
            node["page"] = pages[str(n)]
        if n in labelled:
            node["label"] = short_label(name)
        if n in pos:
            node["x"], node["y"] = pos[n]
        net.nodes.append(node)
        net.node_ids.append(str(n))
        net.node_map[str(n)] = node
    return seen


def _add_edges(net: VisNetwork, G: Any, source_notes: Mapping[str, str] | None,
               years: set[int]) -> tuple[Counter[str], list[int]]:
    """Append the edges (pyvis's add_edge scans every node and edge per call: too slow); map.js
    numbers them in this order and styles them by family."""
    families: Counter[str] = Counter()
    widths: list[int] = []
    rows = sorted(((min(str(u), str(v)), max(str(u), str(v)), d) for u, v, d in G.edges(data=True)),
                  key=lambda e: (e[0], e[1], str(e[2].get("relation"))))
    for u, v, data in rows:
        family = RELATION_FAMILY.get(str(data.get("relation")), "structure")
        families[family] += 1
        edge: dict[str, Any] = {"from": u, "to": v, "family": family,
                                "title": edge_tooltip(G, u, v, data, source_notes)}
        if data.get("year") is not None:
            edge["year"] = int(data["year"])
            years.add(edge["year"])
        if data.get("weight") is not None:
            edge["width"] = edge_width(data["weight"])
            widths.append(int(data["weight"]))
        net.edges.append(edge)
    return families, widths


def edge_width(weight: Any) -> float:
    """Line width of a link of ``weight`` shared events (1 -> 1 px, capped at 9 px)."""
    return round(min(1 + 1.5 * (float(weight) - 1), 9), 1)


def _legend(seen: _Nodes, labels: Mapping[str, str]) -> list[dict[str, Any]]:
    out = []
    for k in [*KIND_STYLES, "other"]:
        if not seen.kinds[k]:
            continue
        colour, shape, name = KIND_STYLES.get(k, OTHER_STYLE)
        item: dict[str, Any] = {"kind": k, "name": name, "count": seen.kinds[k],
                                "colour": colour, "shape": shape, "subkinds": []}
        if k == "organisation":
            item["subkinds"] = [{"name": labels.get(c) or _humane(c), "count": n,
                                 "colour": org_colour(c)}
                                for c, n in sorted(seen.org_kinds.items(),
                                                   key=lambda cn: (-cn[1], cn[0]))]
            item["colour"] = "#ffffff"
        out.append(item)
    return out


def _edge_legend(families: Counter[str], view_name: str) -> list[dict[str, Any]]:
    out = []
    for f, (colour, dashed, text) in EDGE_STYLES.items():
        if families[f]:
            if f == "participation":
                text = PARTICIPATION_WORDS.get(view_name, text)
            out.append({"family": f, "text": text, "colour": colour, "dashed": dashed,
                        "count": families[f]})
    return out


def _width_note(widths: list[int]) -> dict[str, Any] | None:
    """The legend entry for line width: thin = 1 shared event, thick = the most."""
    if not widths:
        return None
    low, high = min(widths), max(widths)
    return {"low": low, "high": high, "low_width": edge_width(low),
            "high_width": edge_width(high)}


def _people(context: Any, G: Any) -> tuple[list[dict[str, Any]], set[Any]]:
    """The people index (people not drawn, with what ties them to the map), and their keys."""
    if context is None:
        return [], set()
    ties = related_people(context, G)
    names = _person_ties(context)[2]     # each person's names, made once per projection
    for p in ties:
        if p not in names:
            names[p] = (str(context.nodes[p].get("label") or p), _names(context.nodes[p]))
    return [{"label": names[p][0], "names": names[p][1], "via": targets}
            for p, targets in ties.items()], set(ties)


def vis_options(physics: bool, large: bool, seed: int) -> dict[str, Any]:
    groups = {k: {"shape": s, "color": {"background": c, "border": "#333333",
                                        "highlight": {"background": c, "border": "#000000"}}}
              for k, (c, s, _) in [*KIND_STYLES.items(), ("other", OTHER_STYLE)]}
    return {
        "groups": groups,
        # names smaller than 7 px on screen are not drawn: zoom in to read the crowded parts
        "nodes": {"borderWidth": 1, "font": {"size": 14, "face": "system-ui, sans-serif",
                                             "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "scaling": {"label": {"drawThreshold": 7, "maxVisible": 30}},
                  # large maps: map.js limits only the long names (word wrapping is slow)
                  "widthConstraint": False if large else {"maximum": 180}},
        "edges": {"smooth": False if large else {"type": "continuous"},
                  "color": {"inherit": False}, "width": 1.2,
                  "selectionWidth": 2, "hoverWidth": 1.5},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": large,
                        "hideEdgesOnZoom": large, "navigationButtons": False,
                        "keyboard": False, "multiselect": False},
        "layout": {"randomSeed": seed, "improvedLayout": not large},
        "physics": {"enabled": physics, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -170, "springLength": 170,
                                         "centralGravity": 0.012, "avoidOverlap": 0.9},
                    "stabilization": {"enabled": physics, "iterations": 400, "fit": True}},
    }


# ------------------------------------------------------------------------------- render


def script_json(obj: Any) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``</script>``, ``<!--``, U+2028).

    One encoder serves every call (``json.dumps`` with these options makes one per call: a
    site encodes a hundred thousand small pieces), with the options ``json.dumps`` is given
    here, so the text is the one it gives."""
    return replace_each(_encode(obj), _SCRIPT_ESCAPES)


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode
_SCRIPT_ESCAPES = (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                   ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def _asset(*parts: str) -> str:
    return resources.files("graph.web").joinpath(*parts).read_text("utf-8")


def vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS from the copy pyvis ships."""

    spec = util.find_spec("pyvis")  # pyvis's files, without importing it (IPython)
    if spec is None or spec.origin is None:
        raise RuntimeError("pyvis is not installed: its copy of vis-network draws the maps "
                           "(pip install pyvis)")
    base = Path(spec.origin).parent.joinpath(*VIS_DIR)
    js = (base / "vis-network.min.js").read_text("utf-8")
    css = (base / "vis-network.css").read_text("utf-8")
    return js, css


def _inline(text: str, tag: str) -> str:
    if f"</{tag}" in text.lower():
        raise ValueError(f"cannot inline a {tag} that contains '</{tag}'")
    return text


@functools.lru_cache(maxsize=1)
def template_env() -> Any:
    """The one template environment (templates are compiled once per process)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("graph.web", "templates"),
        autoescape=True, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)


def map_data(page: MapPage) -> dict[str, Any]:
    """What map.js reads: nodes, edges, vis options, people, years, link styles."""
    net = page.network
    return {"nodes": net.nodes, "edges": net.edges, "options": net.options,
            "people": page.people, "years": page.years, "physics": page.physics,
            "focus": page.focus, "leftOut": page.left_out or {"names": [], "via": []},
            "budgetNote": page.budget_note,
            "orgColours": page.org_colours, "fontBoost": page.font_boost,
            "labelLimit": LABEL_LIMIT,
            "edgeStyles": {f: {"color": c, "dashes": d} for f, (c, d, _) in EDGE_STYLES.items()}}


def render_html(page: MapPage) -> str:
    """The page as one self-contained HTML document (pure)."""
    net = page.network
    vis_js, vis_css = vis_assets()
    return template_env().get_template("map.html").render(
        page=page, data_json=script_json(map_data(page)),
        vis_js=_inline(vis_js, "script"), vis_css=_inline(vis_css, "style"),
        map_js=_inline(_asset("static", "map.js"), "script"),
        map_css=_inline(_asset("static", "map.css"), "style"),
        node_count=len(net.nodes), edge_count=len(net.edges))


def write_html(page: MapPage, path: Path) -> Path:
    """Write the page atomically; returns ``path``."""

    write_atomic(path, render_html(page))
    return path
