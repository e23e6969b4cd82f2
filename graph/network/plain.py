"""A view in the form paths read it: plain data kept beside the build, read without networkx.

:func:`plain_data` turns a networkx view (an undirected ``nx.Graph`` of
:mod:`graph.network.projection`) into builtins that load fast: the graph's attributes, each
node with what a path prints of it (``label``, ``kind``, ``agreement_kind``), the adjacency as
lists in the view's own order, and each edge's attributes that explain a hop (relation,
words, dates, sources, the merged facts) as one JSON text, decoded only for the hops a path
takes. :class:`PlainView` reads that data through the part of the networkx API the path code
uses: ``G.nodes[n]``, ``G.edges[a, b]``, ``G.adj[n]``, ``n in G``, ``G.graph``.

>>> H = PlainView({"graph": {"view": "x"}, "nodes": {"a": {"label": "A"}, "b": {}},
...                "adj": {"a": ["b"], "b": ["a"]}, "edges": {"a\\tb": '{"weight": 2}'}})
>>> "a" in H, H.nodes["a"]["label"], H.edges["b", "a"]["weight"], list(H.adj["a"])
(True, 'A', 2, ['b'])
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from graph.forked import no_collection

__all__ = ["PlainView", "plain_data", "plain_parts", "NODE_KEYS", "EDGE_KEYS"]

NODE_KEYS = ("label", "kind", "agreement_kind")
EDGE_KEYS = frozenset({"relation", "label", "head", "date", "date_basis", "sources", "facts",
                       "roles", "people", "titles", "weight"})


def _edge(data: dict[str, Any]) -> str:
    kept = {k: v for k, v in data.items() if k in EDGE_KEYS}
    if "facts" in kept:
        kept["facts"] = [{k: v for k, v in f.items() if k in EDGE_KEYS} for f in kept["facts"]]
    return _JSON.encode(kept)


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))   # json.dumps's own


def plain_data(H: Any) -> dict[str, Any]:
    """The plain form of a networkx view ``H`` (see the module doc)."""
    with no_collection():   # many new strings and lists, none in a cycle
        return _plain_data(H)


def _plain_data(H: Any) -> dict[str, Any]:
    same = {n: n for n in H}        # one string per node, shared by every list it is in
    edges: dict[str, str] = {}
    seen: set[str] = set()
    for n, nbrs in H.adj.items():
        for m, data in nbrs.items():
            if m not in seen:
                edges[f"{n}\t{m}"] = _edge(data)
        seen.add(n)
    return {"graph": dict(H.graph),
            "nodes": {same[n]: {k: d[k] for k in NODE_KEYS if k in d}
                      for n, d in H.nodes(data=True)},
            "adj": {same[n]: [same[m] for m in nbrs] for n, nbrs in H.adj.items()},
            "edges": edges}


def plain_parts(nodes: dict[str, dict[str, Any]], edges: dict[tuple[str, str], dict[str, Any]],
                graph: dict[str, Any]) -> dict[str, Any]:
    """:func:`plain_data` of the ``nx.Graph`` that :func:`graph.network.projection.view`
    makes of these parts (``graph`` its attributes, then the nodes in sorted order, then the
    edges, keyed by their sorted pair, in sorted order), made without that graph: the same
    data (tested), a fraction of the time on a large view."""
    with no_collection():
        attrs = {n: nodes[n] for n in sorted(nodes)}
        adj: dict[str, list[str]] = {n: [] for n in attrs}
        pairs = sorted(edges)
        for u, v in pairs:              # as nx.Graph.add_edges_from: a new end is added
            for n in (u, v):
                if n not in adj:
                    adj[n] = []
                    attrs[n] = {}
            adj[u].append(v)
            if v != u:
                adj[v].append(u)
        texts: dict[str, str] = {}
        seen: set[str] = set()
        for n, nbrs in adj.items():
            for m in nbrs:
                if m not in seen:
                    texts[f"{n}\t{m}"] = _edge(edges[(n, m) if n <= m else (m, n)])
            seen.add(n)
        return {"graph": dict(graph),
                "nodes": {n: {k: d[k] for k in NODE_KEYS if k in d} for n, d in attrs.items()},
                "adj": adj, "edges": texts}


class _Edges:
    def __init__(self, texts: dict[str, str]):
        self._texts = texts
        self._read: dict[str, dict[str, Any]] = {}

    def __getitem__(self, pair: tuple[str, str]) -> dict[str, Any]:
        a, b = pair
        key = f"{a}\t{b}" if f"{a}\t{b}" in self._texts else f"{b}\t{a}"
        if key not in self._read:
            self._read[key] = json.loads(self._texts[key])
        return self._read[key]


class PlainView:
    """A view read from its plain form (see the module doc)."""

    def __init__(self, data: dict[str, Any]):
        self.graph: dict[str, Any] = data["graph"]
        self.nodes: dict[str, dict[str, Any]] = data["nodes"]
        self.adj: dict[str, list[str]] = data["adj"]
        self.edges = _Edges(data["edges"])

    def __contains__(self, node: object) -> bool:
        return node in self.nodes

    def __iter__(self) -> Iterator[str]:
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)
