"""Benchmark of the network layer: projection, views, centrality (networkx vs igraph), communities.

    python scripts/bench_network.py                  # curated graph + 1000 synthetic events
    python scripts/bench_network.py --events 1000 5000

Run alone or as the ``network`` section of scripts/bench.py (``run(emit)``). Times are wall
seconds in this process (median of 3 for the quick steps, one run for the heavy ones).
Above ``graph.network.analytics.SAMPLE_THRESHOLD`` nodes, betweenness is the k-sample estimate (both
backends use the same k sources), as the command line computes it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).resolve().parent
REPO = SCRIPTS.parent
sys.path[:0] = [str(REPO), str(SCRIPTS)]

from bench import timed  # noqa: E402

Emit = Callable[[str, list[dict[str, Any]]], None]
CENTRALITY_VIEWS = ("org-org", "org-event", "full")


def graphs(events: list[int]) -> Iterator[tuple[str, Any, float]]:
    """(name, dataset, seconds to make it): the curated graph, then each synthetic size."""
    from graph.data.build import ensure_built, load_dataset

    out = REPO / "out"
    ensure_built(REPO / "data", out)
    yield "curated", load_dataset(out), 0.0
    import synth

    for n in events:
        t, ds = timed(lambda n=n: synth.synthetic_dataset(n_events=n), 1)
        yield f"synthetic {n} events", ds, t


def run(emit: Emit, events: list[int] | None = None, nx_limit: int | None = None) -> None:
    """Time every step; networkx closeness (exact, all pairs) is skipped on views larger than
    ``nx_limit`` nodes (it takes minutes there; igraph's is still timed)."""
    from graph.network import analytics as A
    from graph.network.projection import VIEWS, project, view

    for name, ds, t_make in graphs([1000] if events is None else events):
        rows: list[dict[str, Any]] = []
        views_rows: list[dict[str, Any]] = []
        cent_rows: list[dict[str, Any]] = []
        comm_rows: list[dict[str, Any]] = []
        triples = sum(1 for _ in ds.quads((None, None, None, None)))
        t_proj, G = timed(lambda ds=ds: project(ds), 3 if name == "curated" else 1)
        rows.append({"graph": name, "triples (quads)": triples, "make s": t_make,
                     "project s": t_proj, "nodes": G.number_of_nodes(),
                     "edges": G.number_of_edges()})
        built = {}
        for v in VIEWS:
            t_view, H = timed(lambda G=G, v=v: view(G, v), 3)
            built[v] = H
            views_rows.append({"graph": name, "view": v, "nodes": H.number_of_nodes(),
                               "edges": H.number_of_edges(), "view s": t_view,
                               "since 2025 s": timed(lambda G=G, v=v: view(
                                   G, v, since="2025-01-01"), 3)[0]})
        for v in CENTRALITY_VIEWS:
            H = built[v]
            for m in A.MEASURES:
                row: dict[str, Any] = {"graph": name, "view": v, "nodes": H.number_of_nodes(),
                                       "measure": m}
                slow = None
                if m == "closeness" and nx_limit is not None and len(H) > nx_limit:
                    row["networkx s"] = f"skipped (> {nx_limit} nodes)"
                else:
                    t_nx, slow = timed(lambda H=H, m=m: A.centrality(H, [m], backend="networkx"),
                                       1)
                    row["networkx s"] = t_nx
                if A.igraph_available():
                    t_ig, fast = timed(lambda H=H, m=m: A.centrality(H, [m], backend="igraph"),
                                       3)
                    row["igraph s"] = t_ig
                    if slow is not None:
                        row.update({"speed-up": row["networkx s"] / t_ig if t_ig else 0.0,
                                    "same ranking": A.same_ranking(slow.ranking(m),
                                                                   fast.ranking(m), tol=1e-6)})
                row["note"] = f"sampled k={A.SAMPLE_K}" if (
                    m == "betweenness" and H.number_of_nodes() > A.SAMPLE_THRESHOLD) else ""
                cent_rows.append(row)
            if A.igraph_available() and H.number_of_nodes() > A.SAMPLE_THRESHOLD:
                exact = A.centrality(H, ["betweenness"], backend="igraph",
                                     sample_threshold=10**9)
                t_exact = timed(lambda H=H: A.centrality(H, ["betweenness"], backend="igraph",
                                                         sample_threshold=10**9), 1)[0]
                sampled = A.centrality(H, ["betweenness"], backend="igraph")
                top_exact = [n for n, _ in exact.ranking("betweenness")[:10]]
                top_sampled = [n for n, _ in sampled.ranking("betweenness")[:10]]
                cent_rows.append({"graph": name, "view": v, "nodes": H.number_of_nodes(),
                                  "measure": "betweenness exact (igraph)", "igraph s": t_exact,
                                  "note": f"top 10 shared with the k={A.SAMPLE_K} estimate: "
                                          f"{len(set(top_exact) & set(top_sampled))}/10"})
        for v in ("org-org", "country-country", "org-event"):
            H = built[v]
            t_c, com = timed(lambda H=H: A.communities(H), 1)
            t_cut, _ = timed(lambda H=H: A.cutpoints(H), 1)
            comm_rows.append({"graph": name, "view": v, "nodes": H.number_of_nodes(),
                              "edges": H.number_of_edges(), "Louvain s": t_c,
                              "communities": len(com.groups), "modularity": com.modularity,
                              "bridges+articulation s": t_cut})
        emit(f"{name}: projection (RDF -> networkx MultiDiGraph)", rows)
        emit(f"{name}: views", views_rows)
        emit(f"{name}: centrality, networkx vs igraph", cent_rows)
        emit(f"{name}: communities (Louvain, seed 0) and cut points", comm_rows)


def main() -> None:
    from bench import emit

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="*", default=[1000],
                        help="synthetic sizes in events (default: 1000)")
    parser.add_argument("--nx-limit", type=int, default=None,
                        help="skip networkx closeness on views with more nodes than this")
    args = parser.parse_args()
    run(emit, args.events, args.nx_limit)


if __name__ == "__main__":
    main()
