"""Paths, centrality, communities and bridges on the views of :mod:`graph.network.projection`.

Free functions over an undirected ``nx.Graph`` (a view). networkx is the API; when python-igraph
is installed the heavy measures run in its C code (``backend="auto"``), with the same
definitions and normalisation as networkx, so both give the same numbers (tested on the
curated graph).

Weights. In a weighted view (``G.graph["weighted"]``: ``org-org``, ``country-country``) an
edge's ``weight`` is the number of shared events, a *strength*. Degree is then the weighted
degree divided by ``n - 1``; eigenvector and PageRank use the weight as is; betweenness and
closeness walk shortest paths, where a strong tie must be *short*, so they use the distance
``1 / weight``.

Scale. Above ``SAMPLE_THRESHOLD`` nodes, betweenness is estimated from ``k`` source nodes drawn
with ``random.Random(seed)`` (networkx's ``k``/``seed`` estimate; igraph gets the same sources),
and the result says so (``Centrality.notes``).
"""

from __future__ import annotations

import math
import random
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import igraph as ig
import networkx as nx

from graph.forked import beside
from graph.network.backends import igraph_available
from graph.network.paths import INVERSE as INVERSE
from graph.network.paths import Hop as Hop
from graph.network.paths import NoPath as NoPath
from graph.network.paths import explain as explain
from graph.network.paths import hop as hop
from graph.network.paths import node_text as node_text
from graph.network.paths import path_text as path_text
from graph.network.paths import shortest_paths as shortest_paths

if TYPE_CHECKING:
    import networkx as nx

MEASURES = ("degree", "betweenness", "closeness", "eigenvector", "pagerank")
SAMPLE_THRESHOLD = 2000
PARALLEL_NODES = 1000     # from this size, closeness runs beside the other measures
CLOSENESS_SHARE = 0.6     # of the nodes, whose closeness the forked child computes
SAMPLE_K = 256
SEED = 0

# ---------------------------------------------------------------------------- centrality


@dataclass
class Centrality:
    scores: dict[str, dict[str, float]]  # measure -> node -> score
    backend: str
    weighted: bool
    notes: list[str] = field(default_factory=list)

    def ranking(self, measure: str, nodes: Iterable[str] | None = None) -> list[tuple[str, float]]:
        """Nodes by decreasing score, ties broken by key (stable)."""
        scores = self.scores[measure]
        keep = scores if nodes is None else [n for n in nodes if n in scores]
        return sorted(((n, scores[n]) for n in keep), key=lambda kv: (-round(kv[1], 12), kv[0]))



def distance_unit(G: nx.Graph) -> int | None:
    """The least common multiple of the weights, so that ``unit / weight`` is an exact integer
    distance (ties between paths stay exact in both backends); None when it would be huge."""
    return _unit(_weights(_edge_data(G)))


def _unit(weights: Iterable[float]) -> int | None:
    unit = 1
    for w in sorted({int(w) for w in weights}):
        unit = math.lcm(unit, w)
        if unit > 2**40:
            return None
    return unit


def _edge_data(G: nx.Graph) -> list[tuple[Any, Any, dict[str, Any]]]:
    """``list(G.edges(data=True))``, read from the adjacency of an undirected ``G`` (the same
    edges in the same order, each once, without the edge view's calls per edge)."""
    if G.is_directed():
        return list(G.edges(data=True))
    seen: set[Any] = set()
    out: list[tuple[Any, Any, dict[str, Any]]] = []
    for n, nbrs in G._adj.items():
        out.extend((n, m, d) for m, d in nbrs.items() if m not in seen)
        seen.add(n)
    return out


def _weights(edges: list[tuple[Any, Any, dict[str, Any]]]) -> list[float]:
    return [float(d.get("weight", 1) or 1) for _, _, d in edges]


def _distances(G: nx.Graph) -> list[float]:
    return _unit_distances(_weights(_edge_data(G)))


def _unit_distances(weights: list[float]) -> list[float]:
    unit = _unit(weights)
    return [unit // int(w) if unit and w == int(w) else 1.0 / w for w in weights]


def _with_distance(G: nx.Graph) -> nx.Graph:
    H = G.copy()
    for (_, _, d), dist in zip(H.edges(data=True), _distances(G), strict=True):
        d["distance"] = dist
    return H


def sample_sources(G: nx.Graph, k: int, seed: int) -> list[str]:
    """The ``k`` source nodes of sampled betweenness (networkx draws them the same way)."""
    return random.Random(seed).sample(list(G.nodes()), k)


def pagerank(G: nx.Graph, alpha: float = 0.85, weight: str | None = "weight",
             max_iter: int = 1000, tol: float = 1.0e-12) -> dict[str, float]:
    """PageRank by power iteration, as networkx's reference implementation does it.

    (``nx.pagerank`` needs scipy, which cinecoop does not install.)
    """

    n = G.number_of_nodes()
    if n == 0:
        return {}
    D = G.to_directed() if not G.is_directed() else G
    out_w = {u: sum(d.get(weight, 1) if weight else 1 for _, _, d in D.out_edges(u, data=True))
             for u in D}
    x = dict.fromkeys(D, 1.0 / n)
    dangling = [u for u in D if out_w[u] == 0]
    for _ in range(max_iter):
        last = x
        x = dict.fromkeys(D, 0.0)
        danglesum = alpha * sum(last[u] for u in dangling)
        for u in D:
            if out_w[u] == 0:
                continue
            share = alpha * last[u] / out_w[u]
            for _, v, d in D.out_edges(u, data=True):
                x[v] += share * (d.get(weight, 1) if weight else 1)
        for u in x:
            x[u] += danglesum / n + (1.0 - alpha) / n
        if sum(abs(x[u] - last[u]) for u in x) < n * tol:
            return x
    raise nx.PowerIterationFailedConvergence(max_iter)


def centrality(G: nx.Graph, measures: Iterable[str] = MEASURES, backend: str = "auto",
               sample_threshold: int = SAMPLE_THRESHOLD, k: int = SAMPLE_K,
               seed: int = SEED) -> Centrality:
    """Scores of each measure for every node of ``G`` (see the module doc)."""
    measures = list(measures)
    for m in measures:
        if m not in MEASURES:
            raise ValueError(f"unknown measure {m!r}; choose from {', '.join(MEASURES)}")
    if backend == "auto":
        backend = "igraph" if igraph_available() else "networkx"
    if backend not in ("networkx", "igraph"):
        raise ValueError(f"unknown backend {backend!r}: networkx, igraph or auto")
    if backend == "igraph" and not igraph_available():
        raise ValueError("backend igraph asked for but python-igraph is not installed "
                         "(pip install 'cinecoop[fast]')")
    weighted = bool(G.graph.get("weighted"))
    n = G.number_of_nodes()
    sources = sample_sources(G, k, seed) if n > sample_threshold and k < n else None
    notes = []
    if sources is not None and "betweenness" in measures:
        notes.append(f"betweenness estimated from k={len(sources)} sampled source nodes "
                     f"(seed {seed}), as the view has {n} nodes (> {sample_threshold})")
    if "eigenvector" in measures and n:

        parts = nx.number_connected_components(G)
        if parts > 1:
            notes.append(f"eigenvector: the view has {parts} connected components; the scores "
                         f"concentrate in the one with the largest eigenvalue")
    if weighted:
        notes.append("weighted: weight = shared events; betweenness and closeness use the "
                     "distance 1/weight")
    if not n:
        scores: dict[str, dict[str, float]] = {m: {} for m in measures}
    elif backend == "igraph":
        scores = _igraph_all(_to_igraph(G, weighted), measures, sources)
    else:
        scores = {m: _networkx_scores(G, m, weighted, sources, seed) for m in measures}
    return Centrality(scores, backend, weighted, notes)


def _networkx_scores(G: nx.Graph, measure: str, weighted: bool,
                     sources: list[str] | None, seed: int) -> dict[str, float]:

    n = G.number_of_nodes()
    w = "weight" if weighted else None
    if measure == "degree":
        if n <= 1:
            return dict.fromkeys(G, 0.0)
        return {u: float(d) / (n - 1) for u, d in G.degree(weight=w)}
    if measure == "betweenness":
        H = _with_distance(G) if weighted else G
        dist = "distance" if weighted else None
        if sources is None:
            return nx.betweenness_centrality(H, weight=dist)
        # networkx draws its k sources with random.Random(seed).sample(nodes, k): the same
        # sources as sample_sources(), which the igraph path uses
        return nx.betweenness_centrality(H, k=len(sources), seed=seed, weight=dist)
    if measure == "closeness":
        if not weighted:
            return nx.closeness_centrality(G)
        unit = distance_unit(G) or 1  # distances are unit/weight: back to 1/weight
        scores = nx.closeness_centrality(_with_distance(G), distance="distance")
        return {u: v * unit for u, v in scores.items()}
    if measure == "eigenvector":
        return _eigenvector_nx(G, w)
    return pagerank(G, weight=w)


def _eigenvector_nx(G: nx.Graph, weight: str | None) -> dict[str, float]:

    if G.number_of_edges() == 0:
        return dict.fromkeys(G, 0.0)
    return nx.eigenvector_centrality(G, weight=weight, max_iter=1000, tol=1.0e-9)


@dataclass
class _IGraph:
    g: Any  # igraph.Graph
    nodes: list[str]
    index: dict[str, int]
    weights: list[float] | None  # strengths, in weighted views
    dist: list[float] | None  # distances (unit / weight), in weighted views
    unit: int


def _to_igraph(G: nx.Graph, weighted: bool) -> _IGraph:

    nodes = list(G.nodes())
    index = {u: i for i, u in enumerate(nodes)}
    edges = _edge_data(G)
    g = ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v, _ in edges],
                 directed=False)
    weights = _weights(edges)
    return _IGraph(g, nodes, index, weights if weighted else None,
                   _unit_distances(weights) if weighted else None,
                   (_unit(weights) or 1) if weighted else 1)


def _igraph_all(c: _IGraph, measures: list[str], sources: list[str] | None
                ) -> dict[str, dict[str, float]]:
    """Every measure on the converted view. On a large view, closeness (a shortest-path
    search from every node, the costliest) is shared: a forked child takes most of the
    nodes while this process computes the other measures, then closeness of the rest."""
    n = len(c.nodes)
    if "closeness" not in measures or len(measures) < 2 or n < PARALLEL_NODES:
        return {m: _igraph_scores(c, m, sources) for m in measures}
    cut = int(n * CLOSENESS_SHARE)
    later = beside(lambda: _igraph_closeness(c, range(cut)))
    scores = {m: _igraph_scores(c, m, sources) for m in measures if m != "closeness"}
    rest = _igraph_closeness(c, range(cut, n))
    first = later()
    scores["closeness"] = {u: (first[u] if i < cut else rest[u]) for i, u in enumerate(c.nodes)}
    return {m: scores[m] for m in measures}


def _igraph_closeness(c: _IGraph, which: range) -> dict[str, float]:
    """Closeness of the nodes numbered ``which`` (each node's own shortest-path search)."""
    n = len(c.nodes)
    components = c.g.connected_components()
    sizes, member = components.sizes(), components.membership
    raw = c.g.closeness(vertices=which, weights=c.dist, normalized=True)
    out = {}
    for j, i in enumerate(which):
        reach = sizes[member[i]]
        value = raw[j] if raw[j] == raw[j] else 0.0  # NaN for isolated nodes
        out[c.nodes[i]] = float(value) * ((reach - 1) / (n - 1)) * c.unit if n > 1 else 0.0
    return out


def _igraph_scores(c: _IGraph, measure: str, sources: list[str] | None) -> dict[str, float]:
    g, nodes, index, w, dist = c.g, c.nodes, c.index, c.weights, c.dist
    n = len(nodes)
    edges = g.ecount()
    if measure == "degree":
        if n <= 1:
            return dict.fromkeys(nodes, 0.0)
        values = g.strength(weights=w, loops=False)
        return {u: float(values[i]) / (n - 1) for i, u in enumerate(nodes)}
    if measure == "betweenness":
        if sources is None:
            raw = g.betweenness(directed=False, weights=dist)
            scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
        else:
            raw = g.betweenness(directed=False, weights=dist,
                                sources=[index[s] for s in sources])
            # networkx's estimate (no endpoints): igraph counts each undirected path once,
            # networkx once per ordered pair, and source nodes cannot lie inside their own paths
            k, chosen = len(sources), set(sources)
            return {u: float(raw[i]) * 2.0 / (((k - 1) if u in chosen else k) * (n - 2))
                    for i, u in enumerate(nodes)}
        return {u: float(raw[i]) * scale for i, u in enumerate(nodes)}
    if measure == "closeness":
        return _igraph_closeness(c, range(n))
    if measure == "eigenvector":
        if not edges:
            return dict.fromkeys(nodes, 0.0)
        with warnings.catch_warnings():  # igraph warns on disconnected views; so says our note
            warnings.simplefilter("ignore", RuntimeWarning)
            values = g.eigenvector_centrality(weights=w)
        norm = sum(x * x for x in values) ** 0.5 or 1.0
        return {u: float(values[i]) / norm for i, u in enumerate(nodes)}
    values = g.personalized_pagerank(directed=False, damping=0.85, weights=w)
    return {u: float(values[i]) for i, u in enumerate(nodes)}


def rank_groups(ranking: list[tuple[str, float]], tol: float = 1.0e-9) -> list[list[str]]:
    """A ranking as groups of tied nodes (scores within ``tol``), best first."""
    groups: list[list[str]] = []
    last: float | None = None
    for node, value in sorted(ranking, key=lambda kv: (-kv[1], kv[0])):
        if last is None or last - value > tol:
            groups.append([])
        groups[-1].append(node)
        last = value
    return [sorted(g) for g in groups]


def same_ranking(a: list[tuple[str, float]], b: list[tuple[str, float]],
                 tol: float = 1.0e-9) -> bool:
    """Two rankings agree when they order the same nodes the same way, ties within ``tol``."""
    return rank_groups(a, tol) == rank_groups(b, tol)


# ---------------------------------------------------------------------------- structure


@dataclass
class Communities:
    groups: list[list[str]]  # largest first, members sorted
    modularity: float
    method: str
    seed: int


def communities(G: nx.Graph, seed: int = SEED, resolution: float = 1.0) -> Communities:
    """Louvain communities (networkx, seeded, weighted in weighted views) and their modularity."""

    if G.number_of_nodes() == 0:
        return Communities([], 0.0, "louvain", seed)
    weight = "weight" if G.graph.get("weighted") else None
    H = nx.Graph()
    H.add_nodes_from(sorted(G))
    H.add_edges_from(sorted((min(u, v), max(u, v), {"weight": d.get("weight", 1)})
                            for u, v, d in G.edges(data=True)))
    parts = nx.community.louvain_communities(H, weight=weight, resolution=resolution, seed=seed)
    groups = sorted((sorted(p) for p in parts), key=lambda p: (-len(p), p[0]))
    q = nx.community.modularity(H, [set(p) for p in groups], weight=weight) \
        if H.number_of_edges() else 0.0
    return Communities(groups, q, "louvain", seed)


@dataclass
class Cutpoints:
    bridges: list[tuple[str, str]]
    articulation_points: list[str]
    components: int


def cutpoints(G: nx.Graph, backend: str = "auto") -> Cutpoints:
    """Edges and nodes whose removal disconnects the view (who holds the network together):
    found by igraph when installed (``backend="auto"``), else by networkx; the same sets."""
    if backend == "auto":
        backend = "igraph" if igraph_available() else "networkx"
    if backend == "igraph" and G.number_of_nodes():
        nodes = list(G)
        index = {u: i for i, u in enumerate(nodes)}
        g = ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in G.edges()])
        found = [(nodes[a], nodes[b]) for a, b in (g.es[e].tuple for e in g.bridges())]
        points = sorted(nodes[i] for i in g.articulation_points())
    else:
        found = list(nx.bridges(G))
        points = sorted(nx.articulation_points(G))
    bridges = sorted(tuple(sorted(e)) for e in found)
    return Cutpoints([(a, b) for a, b in bridges], points,
                     nx.number_connected_components(G) if len(G) else 0)


def _component(adj: Any, start: str, seen: set[str], gone: tuple[str, str] | None = None) -> int:
    """The size of ``start``'s component in the adjacency ``adj``, not entering ``seen``
    (which it fills) nor crossing the edge ``gone``."""
    seen.add(start)
    stack = [start]
    size = 0
    while stack:
        u = stack.pop()
        size += 1
        for v in adj[u]:
            if v not in seen and (gone is None or (u, v) != gone and (v, u) != gone):
                seen.add(v)
                stack.append(v)
    return size


def split_by(G: nx.Graph, point: str) -> list[int]:
    """Component sizes left when ``point`` is removed (largest first)."""
    adj = G._adj     # plain dicts: a walk over nx.subgraph_view is ~10x slower
    seen = {point}
    return sorted((_component(adj, n, seen) for n in G if n not in seen), reverse=True)


def component_size(G: nx.Graph, node: str, without: tuple[str, str] | None = None) -> int:
    """How many nodes ``node``'s component has, in ``G`` seen without the edge ``without``."""
    return _component(G._adj, node, set(), without)


def without_edge(G: nx.Graph, u: str, v: str) -> nx.Graph:
    """``G`` seen without the edge u-v (a view: nothing is copied)."""
    gone = {(u, v), (v, u)}
    return nx.subgraph_view(G, filter_edge=lambda a, b: (a, b) not in gone)


def iter_kind(G: nx.Graph, *kinds: str) -> Iterator[str]:
    return (n for n, d in G.nodes(data=True) if d.get("kind") in kinds)
