"""Paths in a view, each hop explained in words and cited: networkx's search, in plain Python.

The functions take a networkx view or a :class:`graph.network.plain.PlainView` (the view kept
beside the build) alike: they read ``G.nodes[n]``, ``G.edges[a, b]``, ``n in G`` and the
adjacency ``G.adj[n]`` (neighbours in the view's order). :func:`shortest_paths` is networkx's
``shortest_simple_paths`` for unweighted graphs (Yen's algorithm over a bidirectional
breadth-first search; networkx 3.x, BSD-3-Clause, Copyright (C) 2004-2024 NetworkX
Developers), written out here so that the same paths, ties broken the same way, come from a
view without importing networkx; ``tests/test_analytics.py`` checks both agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from heapq import heappop, heappush
from itertools import count, islice
from typing import Any

from graph.network.relations import TIMELESS, merge_citations, role_words

__all__ = ["INVERSE", "NoPath", "Hop", "hop", "node_text", "explain", "path_text",
           "shortest_paths", "simple_paths"]

Graph = Any     # an undirected networkx view, or a PlainView

# relation -> words read from the edge's other end (its tail back to its head)
INVERSE: dict[str, str] = {
    "located_in": "is the country of", "unit_of": "has as a unit", "operates_under": "oversees",
    "based_in": "is the base of", "within": "contains", "held_at": "hosted",
    "held_in": "hosted", "part_of": "includes", "framework": "framed",
    "named_after": "gave its name to", "about": "was the subject of",
    "party_to": "has as party", "stated": "was stated by",
    "announced_at": "saw the announcement of", "concerns": "is concerned by",
    "scope": "is the scope of", "met_at": "", "held_post_at": "had as",
}


class NoPath(Exception):
    """No path joins the two nodes in the chosen view."""


# ---------------------------------------------------------------------------- paths


@dataclass
class Hop:
    start: str
    end: str
    words: str  # the relation read from start to end
    date: str | None
    date_basis: str | None
    sources: list[str]
    timeless: bool = False  # structure (a unit's parent, a country): no date expected

    def when(self) -> str:
        if not self.date:
            return "" if self.timeless else "undated"
        return f"reported {self.date}" if self.date_basis == "reported" else self.date


def _fact_words(G: Graph, fact: dict[str, Any], start: str) -> str:
    """A fact's words read from ``start`` (its head, or its other end)."""
    relation = fact["relation"]
    if fact.get("head") in (start, None) or relation == "met_at":
        words = fact["label"]
        if relation == "held_post_at":
            words = f"held the post \"{'; '.join(fact.get('titles', []))}\" at"
        return str(words)
    roles = fact.get("roles", [])
    if relation == "participated_in":
        return " and ".join(role_words(r).had for r in roles)
    if relation == "represented":
        people = ", ".join(G.nodes[p]["label"] if p in G else p.rsplit("/", 1)[-1]
                           for p in fact.get("people", []))
        verbs = " and ".join(role_words(r).acted_for for r in roles)
        return f"{people} {verbs}"
    if relation == "held_post_at":
        return f"had as \"{'; '.join(fact.get('titles', []))}\""
    return INVERSE.get(relation, f"({relation}) of")


def hop(G: Graph, start: str, end: str) -> Hop:
    """The edge ``start``–``end`` of a view, explained in words from ``start``."""
    data = G.edges[start, end]
    facts = data.get("facts") or [data]
    words = "; ".join(dict.fromkeys(_fact_words(G, f, start) for f in facts))
    dated = sorted((f["date"], f.get("date_basis")) for f in facts if f.get("date"))
    date, basis = dated[0] if dated else (None, None)
    sources = merge_citations(s for f in facts for s in f.get("sources", []))
    timeless = all(f["relation"] in TIMELESS for f in facts)
    return Hop(start, end, words, date, basis, sources, timeless)


def node_text(G: Graph, node: str) -> str:
    data = G.nodes[node]
    text = str(data.get("label", node))
    if data.get("kind") == "agreement" and data.get("agreement_kind"):
        text += f" [{data['agreement_kind']}]"
    return text


def explain(G: Graph, path: list[str]) -> list[Hop]:
    return [hop(G, a, b) for a, b in zip(path, path[1:], strict=False)]


def path_text(G: Graph, path: list[str]) -> str:
    """``Netflix - is party to (reported 2021-06-29, 002_… ¶2) - Cooperation with Netflix …``."""
    parts = [node_text(G, path[0])]
    for h in explain(G, path):
        cited = "; ".join(h.sources) or "no source"
        parts.append(f"{h.words} ({h.when()}, {cited})" if h.when() else f"{h.words} ({cited})")
        parts.append(node_text(G, h.end))
    return " - ".join(parts)


def shortest_paths(G: Graph, source: str, target: str, k: int = 1) -> list[list[str]]:
    """The ``k`` shortest simple paths (fewest hops; ties in the view's stable order)."""

    for node in (source, target):
        if node not in G:
            raise NoPath(f"{node} is not in this view (or the filters removed it)")
    if source == target:
        return [[source]]
    found = list(islice(simple_paths(G.adj, source, target), max(1, k)))
    if not found:
        raise NoPath(f"no path joins {G.nodes[source]['label']} and "
                     f"{G.nodes[target]['label']} in this view")
    return found


Adjacency = Mapping[str, Iterable[str]]


def simple_paths(adj: Adjacency, source: str, target: str) -> Iterator[list[str]]:
    """Simple paths from ``source`` to ``target``, shortest first (networkx's
    ``shortest_simple_paths`` without weights: the same paths in the same order)."""
    found: list[list[str]] = []
    buffer = _PathBuffer()
    prev: list[str] | None = None
    while True:
        if not prev:
            first = _bidirectional_path(adj, source, target, set(), set())
            if first is not None:
                buffer.push(len(first), first)
        else:
            ignore_nodes: set[str] = set()
            ignore_edges: set[tuple[str, str]] = set()
            for i in range(1, len(prev)):
                root = prev[:i]
                for path in found:
                    if path[:i] == root:
                        ignore_edges.add((path[i - 1], path[i]))
                spur = _bidirectional_path(adj, root[-1], target, ignore_nodes, ignore_edges)
                if spur is not None:
                    buffer.push(len(root) + len(spur), root[:-1] + spur)
                ignore_nodes.add(root[-1])
        if not buffer:
            return
        prev = buffer.pop()
        yield prev
        found.append(prev)


class _PathBuffer:
    """Candidate paths by length, then by the order they were found; each path once."""

    def __init__(self) -> None:
        self.paths: set[tuple[str, ...]] = set()
        self.heap: list[tuple[int, int, list[str]]] = []
        self.counter = count()

    def __len__(self) -> int:
        return len(self.heap)

    def push(self, cost: int, path: list[str]) -> None:
        key = tuple(path)
        if key not in self.paths:
            heappush(self.heap, (cost, next(self.counter), path))
            self.paths.add(key)

    def pop(self) -> list[str]:
        _, _, path = heappop(self.heap)
        self.paths.remove(tuple(path))
        return path


def _bidirectional_path(adj: Adjacency, source: str, target: str, ignore_nodes: set[str],
                        ignore_edges: set[tuple[str, str]]) -> list[str] | None:
    """A shortest path avoiding ``ignore_nodes`` and ``ignore_edges`` (either direction),
    or None; the two searches meet as networkx's do."""
    if source in ignore_nodes or target in ignore_nodes:
        return None
    if source == target:
        return [source]
    met = _meet(adj, source, target, ignore_nodes, ignore_edges)
    if met is None:
        return None
    pred, succ, w = met
    path: list[str] = []
    node: str | None = w
    while node is not None:
        path.append(node)
        node = succ[node]
    node = pred[path[0]]
    while node is not None:
        path.insert(0, node)
        node = pred[node]
    return path


def _neighbours(adj: Adjacency, ignore_nodes: set[str], ignore_edges: set[tuple[str, str]]
                ) -> Callable[[str], Iterator[str]]:
    def around(v: str) -> Iterator[str]:
        for w in adj[v]:
            if w in ignore_nodes or (v, w) in ignore_edges or (w, v) in ignore_edges:
                continue
            yield w

    return around


def _meet(adj: Adjacency, source: str, target: str, ignore_nodes: set[str],
          ignore_edges: set[tuple[str, str]]
          ) -> tuple[dict[str, str | None], dict[str, str | None], str] | None:
    """Breadth-first from both ends, always growing the smaller fringe."""
    around = _neighbours(adj, ignore_nodes, ignore_edges)
    pred: dict[str, str | None] = {source: None}
    succ: dict[str, str | None] = {target: None}
    forward, reverse = [source], [target]
    while forward and reverse:
        if len(forward) <= len(reverse):
            level, forward = forward, []
            for v in level:
                for w in around(v):
                    if w not in pred:
                        forward.append(w)
                        pred[w] = v
                    if w in succ:
                        return pred, succ, w
        else:
            level, reverse = reverse, []
            for v in level:
                for w in around(v):
                    if w not in succ:
                        succ[w] = v
                        reverse.append(w)
                    if w in pred:
                        return pred, succ, w
    return None
