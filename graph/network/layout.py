"""Seeded force-directed layouts for maps too large for the browser's physics.

vis-network lays out a few hundred nodes in the page; thousands would keep the browser busy for
tens of seconds. Above a threshold ``graph.web.maps`` asks this module for coordinates once and
turns physics off. python-igraph (the ``fast`` extra) does Fruchterman-Reingold with a grid in
C (20k nodes in about a second); without it a small pure-Python version of the same algorithm
runs (fine for a few thousand nodes, slower above). Both are seeded: same graph, same seed,
same coordinates, rounded so the page bytes are stable.

:func:`cached_layout` keeps a layout in a folder (the build's, beside the cached projection),
keyed by the hash of what it depends on: the sorted nodes and links, the seed, the engine and
this module's ``LAYOUT_VERSION``; a second map of the same view reads the coordinates back.

>>> import networkx as nx
>>> pos = layout(nx.path_graph(["a", "b", "c"]), seed=1)
>>> sorted(pos) == ["a", "b", "c"] and pos == layout(nx.path_graph(["a", "b", "c"]), seed=1)
True
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections import defaultdict
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

import igraph

from graph.files import write_atomic
from graph.network.backends import igraph_available

Position = tuple[float, float]
LAYOUT_VERSION = 1
GRID_ABOVE = 500  # igraph's grid (repulsion from nearby cells only) above this many nodes


def layout(G: Any, seed: int = 7, spacing: float = 90.0,
           engine: str = "auto") -> dict[Hashable, Position]:
    """Node -> (x, y) in page pixels, about ``spacing`` apart, rounded to 0.1 px.

    ``engine`` is "igraph", "python" or "auto" (igraph when installed). Nodes are taken in
    sorted order so the result does not depend on insertion order.
    """
    nodes = sorted(G.nodes, key=str)
    index = {n: i for i, n in enumerate(nodes)}
    edges = sorted({(min(index[u], index[v]), max(index[u], index[v]))
                    for u, v in G.edges() if u != v})
    engine = _engine(engine)
    if not nodes:
        return {}
    if engine == "igraph":
        coords = _igraph_fr(len(nodes), edges, seed)
    elif engine == "python":
        coords = _python_fr(len(nodes), edges, seed)
    else:
        raise ValueError(f"unknown layout engine {engine!r}: use 'auto', 'igraph' or 'python'")
    return dict(zip(nodes, _scale(coords, spacing), strict=True))


def _engine(engine: str) -> str:
    if engine == "auto":
        return "igraph" if igraph_available() else "python"
    return engine


def cached_layout(G: Any, seed: int = 7, spacing: float = 90.0, engine: str = "auto",
                  folder: Path | None = None) -> dict[Hashable, Position]:
    """:func:`layout`, kept as ``layout-<hash>.json`` in ``folder`` (None: not kept).

    A file that cannot be read or does not match is ignored and rewritten; a folder that
    cannot be written to only means the layout is not kept.
    """
    if folder is None or not G.number_of_nodes():
        return layout(G, seed, spacing, engine)
    nodes = sorted(G.nodes, key=str)
    index = {n: i for i, n in enumerate(nodes)}
    edges = sorted({(min(index[u], index[v]), max(index[u], index[v])) for u, v in G.edges()})
    key = hashlib.sha256(json.dumps(
        [LAYOUT_VERSION, _engine(engine), seed, spacing, [str(n) for n in nodes], edges],
        separators=(",", ":")).encode()).hexdigest()
    path = Path(folder) / f"layout-{key[:20]}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored.get("key") == key and len(stored["xy"]) == len(nodes):
            return {n: (float(x), float(y)) for n, (x, y) in zip(nodes, stored["xy"], strict=True)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    pos = layout(G, seed, spacing, engine)
    try:
        write_atomic(path, json.dumps({"key": key, "xy": [pos[n] for n in nodes]},
                                      separators=(",", ":")))
    except OSError:
        pass  # a read-only build folder: the layout is simply not kept
    return pos



def _igraph_fr(n: int, edges: list[tuple[int, int]], seed: int) -> list[Position]:

    g = igraph.Graph(n=n, edges=edges)
    igraph.set_random_number_generator(random.Random(seed))
    try:
        coords = g.layout_fruchterman_reingold(niter=500,
                                               grid="grid" if n > GRID_ABOVE else "nogrid")
    finally:
        igraph.set_random_number_generator(random)
    return [(float(x), float(y)) for x, y in coords.coords]


def _python_fr(n: int, edges: list[tuple[int, int]], seed: int,
               iterations: int | None = None) -> list[Position]:
    """Fruchterman-Reingold with a cell grid: repulsion only from nodes in nearby cells.

    60 rounds up to 2,000 nodes, fewer above (about 14 s for 5,000 nodes).
    """
    if iterations is None:
        iterations = 60 if n <= 2000 else 30
    rng = random.Random(seed)
    side = math.sqrt(n)
    k = 1.0  # ideal edge length; the box is about sqrt(n) k wide
    xs = [rng.uniform(0, side) for _ in range(n)]
    ys = [rng.uniform(0, side) for _ in range(n)]
    temperature = side / 10
    centre = side / 2
    cell = 2 * k
    for step in range(iterations):
        dx = [0.0] * n
        dy = [0.0] * n
        grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i in range(n):
            grid[(int(xs[i] // cell), int(ys[i] // cell))].append(i)
        for (cx, cy), members in grid.items():
            near = [j for ox in (-1, 0, 1) for oy in (-1, 0, 1)
                    for j in grid.get((cx + ox, cy + oy), ())]
            for i in members:
                xi, yi = xs[i], ys[i]
                for j in near:
                    if i == j:
                        continue
                    ddx, ddy = xi - xs[j], yi - ys[j]
                    d2 = ddx * ddx + ddy * ddy
                    if d2 < 1e-9:
                        ddx, ddy, d2 = 0.01 * (1 + i % 7), 0.01 * (1 + j % 5), 1e-4
                    if d2 < cell * cell:
                        f = k * k / d2
                        dx[i] += ddx * f
                        dy[i] += ddy * f
        for u, v in edges:
            ddx, ddy = xs[u] - xs[v], ys[u] - ys[v]
            d = math.sqrt(ddx * ddx + ddy * ddy) or 1e-3
            f = d / k
            dx[u] -= ddx * f
            dy[u] -= ddy * f
            dx[v] += ddx * f
            dy[v] += ddy * f
        for i in range(n):  # a weak pull to the centre keeps components together
            dx[i] -= (xs[i] - centre) * 0.01
            dy[i] -= (ys[i] - centre) * 0.01
            d = math.sqrt(dx[i] * dx[i] + dy[i] * dy[i])
            if d > 0:
                limited = min(d, temperature)
                xs[i] += dx[i] / d * limited
                ys[i] += dy[i] / d * limited
        temperature = max(side / 10 * (1 - (step + 1) / iterations), 0.01)
    return list(zip(xs, ys, strict=True))


def _scale(coords: Sequence[Position], spacing: float) -> list[Position]:
    """Centre on 0 and scale so the box is about sqrt(n) * spacing wide; round to 0.1."""
    n = len(coords)
    if n == 1:
        return [(0.0, 0.0)]
    mx = sum(x for x, _ in coords) / n
    my = sum(y for _, y in coords) / n
    width = max(max(x for x, _ in coords) - min(x for x, _ in coords),
                max(y for _, y in coords) - min(y for _, y in coords)) or 1.0
    factor = math.sqrt(n) * spacing / width
    return [(round((x - mx) * factor, 1) + 0.0, round((y - my) * factor, 1) + 0.0)
            for x, y in coords]
