"""A view as plain data: the form of a view kept beside the build, read without networkx.

:func:`plain_data` turns a networkx view (an undirected ``nx.Graph`` of
:mod:`graph.network.projection`) into dicts and lists of builtins: the graph's attributes, the
nodes with theirs, and the adjacency in the view's own order, each edge's attributes shared
by both ends. :class:`PlainView` reads that data through the part of the networkx API the
path and centrality code use (``G.nodes[n]``, ``G.edges[a, b]``, ``G.adj[n]``, ``n in G``,
``G.graph``, the numbers of nodes and edges).

>>> H = PlainView({"graph": {"view": "x"}, "nodes": {"a": {"label": "A"}, "b": {}},
...                "adj": {"a": {"b": {"weight": 2}}, "b": {"a": {"weight": 2}}}})
>>> "a" in H, H.nodes["a"]["label"], H.edges["b", "a"]["weight"], list(H.adj["a"])
(True, 'A', 2, ['b'])
>>> H.number_of_nodes(), H.number_of_edges()
(2, 1)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["PlainView", "plain_data"]


def plain_data(H: Any) -> dict[str, Any]:
    """The plain form of a networkx view ``H`` (node and edge attributes are copied shallowly;
    they hold strings, numbers and lists, as the projection writes them)."""
    return {"graph": dict(H.graph),
            "nodes": {n: dict(d) for n, d in H.nodes(data=True)},
            "adj": {n: dict(nbrs) for n, nbrs in H.adj.items()}}


class _Edges:
    def __init__(self, adj: dict[str, dict[str, dict[str, Any]]]):
        self._adj = adj

    def __getitem__(self, pair: tuple[str, str]) -> dict[str, Any]:
        a, b = pair
        return self._adj[a][b]


class PlainView:
    """A view read from its plain form (see the module doc)."""

    def __init__(self, data: dict[str, Any]):
        self.graph: dict[str, Any] = data["graph"]
        self.nodes: dict[str, dict[str, Any]] = data["nodes"]
        self.adj: dict[str, dict[str, dict[str, Any]]] = data["adj"]
        self.edges = _Edges(self.adj)

    def __contains__(self, node: object) -> bool:
        return node in self.nodes

    def __iter__(self) -> Iterator[str]:
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    def number_of_nodes(self) -> int:
        return len(self.nodes)

    def number_of_edges(self) -> int:
        loops = sum(1 for n, nbrs in self.adj.items() if n in nbrs)
        return (sum(len(nbrs) for nbrs in self.adj.values()) + loops) // 2
