"""The small maps of entity pages: every entity's neighbourhood, from one pass over a view.

An entity page draws the entity and everything one link away in the full view, with the map
component of the main maps (``map.js``), from a JSON island. :class:`Neighbourhoods` writes
that island for every entity of a site without building a graph, a centrality and a
:class:`~graph.web.maps.MapPage` per page: what belongs to one node (its tooltip without the
count of its links, its name, kind, page) and to one link (its tooltip) is turned into JSON
once; a page puts together the pieces of its own nodes and links, with the sizes (degree
within the neighbourhood) and link counts of that neighbourhood. The JSON is what
:func:`graph.web.maps.build_page` and :func:`graph.web.maps.map_data` give for the same
neighbourhood (``tests/test_site_scale.py`` compares them entity by entity). A
neighbourhood too large for a map drawn by physics in the page (above
:data:`~graph.web.maps.LAYOUT_THRESHOLD` nodes or :data:`~graph.web.maps.MAX_LINKS` links:
a hub) goes through ``build_page`` itself: its layout, budget and note.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import networkx as nx

from graph.web.maps import (
    EDGE_STYLES,
    KIND_STYLES,
    LABEL_LIMIT,
    LAYOUT_THRESHOLD,
    MAX_LINKS,
    RELATION_FAMILY,
    _boost,
    _names,
    build_page,
    edge_tooltip,
    edge_width,
    map_data,
    node_tooltip,
    org_colour,
    script_json,
    short_label,
    vis_options,
)

__all__ = ["Neighbourhoods"]

_MARK = "\x00"   # stands for a node's count of links while its tooltip is made

class _Within:
    """The names a tooltip may use: those of the nodes drawn on one small map (as the map's
    own graph would give them)."""

    def __init__(self, G: nx.Graph, members: set[str]):
        self.nodes = G.nodes
        self._members = members

    def __contains__(self, node: object) -> bool:
        return node in self._members


def _js(obj: Any) -> str:
    return script_json(obj)


_MISSING: Any = object()


def _size(degree: int, top: int, n: int) -> str:
    """A node's size on a small map of ``n`` nodes, as the map component gives it (degree
    centrality within the map, scaled to the highest, ``top``), as JSON."""
    value = float(degree) / (n - 1) if n > 1 else 0.0
    top_value = float(top) / (n - 1) if n > 1 else 0.0
    size = round(8 + 30 * math.sqrt(max(value, 0.0) / (top_value or 1.0)), 1)
    return repr(size)


class Neighbourhoods:
    """The data of every entity's small map in ``full`` (the full view of the projection).

    ``href(key)``: the link to an entity's page; ``source_notes``: source id -> short
    description for citations; ``labels``: class name -> label (the legend of a hub's map).
    """

    def __init__(self, full: nx.Graph, href: Callable[[str], str],
                 source_notes: Mapping[str, str], labels: Mapping[str, str]):
        self.full = full
        self.href = href
        self.source_notes = dict(source_notes)
        self.labels = labels
        self._node: dict[str, tuple[str, str, str, int | None, str | None]] = {}
        self._edge: dict[tuple[str, str], str | None] = {}
        self._within: dict[tuple[str, str, tuple[str, ...]], str] = {}
        self._sizes: dict[tuple[int, int, int], str] = {}   # (degree, top, nodes) -> size
        self._tail = _js({"options": vis_options(physics=True, large=False, seed=7)})[1:-1]
        styles = {f: {"color": c, "dashes": d} for f, (c, d, _) in EDGE_STYLES.items()}
        self._styles = _js({"labelLimit": LABEL_LIMIT, "edgeStyles": styles})[1:-1]

    # -------------------------------------------------------------- pieces, made once

    def _node_parts(self, n: str) -> tuple[str, str, str, int | None, str | None]:
        """JSON before the size, the tooltip before/after its link count, year, class."""
        got = self._node.get(n)
        if got is not None:
            return got
        data = self.full.nodes[n]
        kind = data.get("kind") if data.get("kind") in KIND_STYLES else "other"
        name = str(data.get("label") or n)
        head = _js({"id": str(n), "name": name, "group": kind})[:-1]
        # the tooltip around its count of links (a character no tooltip has stands for it)
        title = node_tooltip(str(n), data, _MARK, self.source_notes)  # type: ignore[arg-type]
        before, after = title.split(_MARK)
        rest: dict[str, Any] = {}
        names = _names(data)
        if names != [name]:
            rest["names"] = names
        year = int(data["year"]) if data.get("year") is not None else None
        if year is not None:
            rest["year"] = year
        cls = None
        if kind == "organisation":
            cls = rest["cls"] = str(data.get("cls") or "Organisation")
        rest["page"] = self.href(n)
        rest["label"] = short_label(name)
        parts = (head, _js(before)[:-1],
                 _js(after)[1:] + "," + _js(rest)[1:], year, cls)
        self._node[n] = parts
        return parts

    def _edge_json(self, u: str, v: str, data: Mapping[str, Any]) -> str | None:
        """The link's JSON, or None when its tooltip names nodes that may not be drawn."""
        key = (u, v)
        if key in self._edge:
            return self._edge[key]
        text: str | None = None
        if not data.get("people") and not data.get("events"):
            text = _js(self._edge_dict(self.full, u, v, data))
        self._edge[key] = text
        return text

    def _within_json(self, u: str, v: str, data: Mapping[str, Any], members: set[str]) -> str:
        """The JSON of a link whose tooltip names people or events: they are named where
        they are drawn, so it is made once per link and set of those drawn."""
        drawn = tuple(n for n in (*(data.get("events") or ()), *(data.get("people") or ()))
                      if n in members)
        key = (u, v, drawn)
        text = self._within.get(key)
        if text is None:
            text = self._within[key] = _js(self._edge_dict(_Within(self.full, members), u, v,
                                                           data))
        return text

    def _edge_dict(self, G: Any, u: str, v: str, data: Mapping[str, Any]) -> dict[str, Any]:
        family = RELATION_FAMILY.get(str(data.get("relation")), "structure")
        edge: dict[str, Any] = {"from": u, "to": v, "family": family,
                                "title": edge_tooltip(G, u, v, data, self.source_notes)}
        if data.get("year") is not None:
            edge["year"] = int(data["year"])
        if data.get("weight") is not None:
            edge["width"] = edge_width(data["weight"])
        return edge

    # -------------------------------------------------------------- one page

    def json(self, key: str) -> str | None:
        """The JSON island of ``key``'s small map (None: the entity is not in the view)."""
        full = self.full
        if key not in full:
            return None
        members = {key, *full._adj[key]}
        links = self._links(members)
        if len(members) > LAYOUT_THRESHOLD or len(links) > MAX_LINKS:
            return self._hub(key, members)
        degree = dict.fromkeys(members, 0)
        for u, v, _ in links:
            degree[u] += 1
            degree[v] += 1
        nodes = sorted(members)
        top = max(degree.values()) or 1
        n = len(nodes)
        node_json, years, org_kinds = [], set(), set()
        node_parts, sizes, edge_cache = self._node, self._sizes, self._edge
        for m in nodes:
            got = node_parts.get(m)
            head, before, after, year, cls = got if got is not None else self._node_parts(m)
            deg = degree[m]
            size = sizes.get((deg, top, n))
            if size is None:
                size = sizes[(deg, top, n)] = _size(deg, top, n)
            node_json.append(f'{head},"size":{size},"title":{before}{deg}{after}')
            if year is not None:
                years.add(year)
            if cls is not None:
                org_kinds.add(cls)
        edge_json: list[str] = []
        for u, v, data in links:
            text = edge_cache.get((u, v), _MISSING)
            if text is _MISSING:
                text = self._edge_json(u, v, data)
            if text is None:
                text = self._within_json(u, v, data, members)
            if data.get("year") is not None:
                years.add(int(data["year"]))
            edge_json.append(text)
        colours = {c: org_colour(c) for c in sorted(org_kinds)}
        return ('{"nodes":[' + ",".join(node_json) + '],"edges":[' + ",".join(edge_json)
                + "]," + self._tail + ',"people":[],"years":' + _js(sorted(years))
                + ',"physics":true,"focus":' + _js(key)
                + ',"leftOut":{"names":[],"via":[]},"budgetNote":null,"orgColours":'
                + _js(colours) + ',"fontBoost":' + str(_boost(n)) + "," + self._styles + "}")

    def _links(self, members: set[str]) -> list[tuple[str, str, Any]]:
        """The links among ``members``, each once, sorted as a map lists them."""
        adj = self.full._adj    # the adjacency's own dicts: its views cost a call per look-up
        found: list[tuple[str, str, Any]] = []
        for u in members:
            nbrs = adj[u]
            if len(nbrs) <= len(members):
                found.extend((u, v, d) for v, d in nbrs.items() if v in members and u < v)
            else:
                found.extend((u, v, nbrs[v]) for v in members if u < v and v in nbrs)
        found.sort(key=lambda e: (e[0], e[1], str(e[2].get("relation"))))
        return found

    def _hub(self, key: str, members: set[str]) -> str:
        """A large neighbourhood: the map component's own build (layout, budget, note)."""
        H = nx.ego_graph(self.full, key, radius=1).copy()
        H.graph.update(self.full.graph)
        page = build_page(H, title=str(self.full.nodes[key]["label"]), caption="", focus=key,
                          pages={n: self.href(n) for n in members},
                          class_labels=self.labels, source_notes=self.source_notes)
        return script_json(map_data(page))
