"""Paths, centrality, communities and bridges; the path, centrality and communities commands."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import networkx as nx
import pytest
from clirun import Ran, cinecoop
from conftest import DATA, S0, S1, S2, key, require
from rdflib import Dataset

from graph.network import analytics as A
from graph.network.projection import VIEWS, view

SOURCES = {S0, S1, S2, "003_2832cb0f310ffba0", "004_7e29c807a69063d9"}


def cli(built: Path, *args: str) -> Ran:
    return cinecoop("--data", DATA, "--out", built, *args)


# ---------------------------------------------------------------------------- paths


def test_netflix_reaches_kyrgyzfilm_and_every_hop_cites_a_source(
        ds: Dataset, G: nx.MultiDiGraph) -> None:
    F = view(G, "full")
    netflix, kyrgyzfilm = key(ds, "Netflix"), key(ds, "Kyrgyzfilm")
    (path,) = A.shortest_paths(F, netflix, kyrgyzfilm)
    assert path[0] == netflix and path[-1] == kyrgyzfilm
    hops = A.explain(F, path)
    assert hops
    for h in hops:
        assert h.words and h.sources, h
        assert {s.split(" ")[0] for s in h.sources} <= SOURCES
    # 002 ¶2: the ministry's partnership with Netflix; 001 ¶13: Rabiyya Mirlanova of
    # Kyrgyzfilm at the CIS roundtable, where the ministry also spoke (001 ¶8)
    assert key(ds, "Ministry of Culture of Azerbaijan") in path
    assert hops[0].sources[0].startswith(S2)
    assert "Rabiyya Mirlanova" in hops[-1].words and hops[-1].sources[0].startswith(S1)
    text = A.path_text(F, path)
    assert text.startswith("Netflix - ") and text.endswith(" - Kyrgyzfilm")


def test_k_shortest_simple_paths(ds: Dataset, G: nx.MultiDiGraph) -> None:
    F = view(G, "full")
    paths = A.shortest_paths(F, key(ds, "Netflix"), key(ds, "Kyrgyzfilm"), k=3)
    assert len(paths) == 3 and len({tuple(p) for p in paths}) == 3
    assert [len(p) for p in paths] == sorted(len(p) for p in paths)
    assert all(len(set(p)) == len(p) for p in paths)  # simple


def test_no_path_is_an_exception_not_a_crash(ds: Dataset, G: nx.MultiDiGraph) -> None:
    # Netflix took part in no event, so the org-org view does not hold it
    with pytest.raises(A.NoPath):
        A.shortest_paths(view(G, "org-org"), key(ds, "Netflix"), key(ds, "Kyrgyzfilm"))
    # person-event: the 2021 presentation's speakers (002) appear in no other article, so
    # Anar Karimov has no path to Rabiyya Mirlanova (001), though both spoke at events
    P = view(G, "person-event")
    with pytest.raises(A.NoPath, match="no path joins Anar Karimov and Rabiyya Mirlanova"):
        A.shortest_paths(P, key(ds, "Anar Karimov"), key(ds, "Rabiyya Mirlanova"))


def test_path_command(built: Path) -> None:
    # names in any language: the Russian name of the Azerbaijan Film Agency (004 ¶5)
    done = cli(built, "path", "Netflix", "Kyrgyzfilm", "--k", "2")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("path ") >= 2 and "Rabiyya Mirlanova" in done.stdout
    assert f"{S1} ¶13" in done.stdout and f"{S2} ¶2" in done.stdout
    done = cli(built, "path", "Агентство кино Азербайджанской Республики", "Netflix")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].strip().startswith("Azerbaijan Film Agency - ")


def test_path_command_errors_are_messages(built: Path) -> None:
    for args, words in [
        (("Netflix", "Kyrgyzfilm", "--view", "org-org"), "not in the org-org view"),
        (("Netflix", "Kyrgyzfilm", "--since", "2025-01-01"), "outside the filters"),
        (("Netflix", "Atlantis Studios"), "nothing in the graph is called"),
        (("Netflix", "Kyrgyzfilm", "--since", "soon"), "not a date"),
    ]:
        done = cli(built, "path", *args)
        assert done.returncode == 1, (args, done.stdout)
        assert words in done.stderr and "Traceback" not in done.stderr, done.stderr


# ---------------------------------------------------------------------------- centrality


def test_igraph_and_networkx_give_the_same_ranking(G: nx.MultiDiGraph) -> None:
    require(A.igraph_available(), "python-igraph is not installed (test extra)")
    for name in VIEWS:
        H = view(G, name)
        fast = A.centrality(H, backend="igraph")
        slow = A.centrality(H, backend="networkx")
        for m in A.MEASURES:
            assert A.same_ranking(fast.ranking(m), slow.ranking(m), tol=1e-6), (name, m)
            for n, v in slow.scores[m].items():
                assert fast.scores[m][n] == pytest.approx(v, abs=1e-6), (name, m, n)


def test_sampled_betweenness_states_k_and_seed_and_backends_agree(G: nx.MultiDiGraph) -> None:
    require(A.igraph_available(), "python-igraph is not installed (test extra)")
    H = view(G, "full")
    runs = [A.centrality(H, ["betweenness"], backend=b, sample_threshold=10, k=30, seed=7)
            for b in ("networkx", "igraph")]
    assert "k=30" in runs[0].notes[0] and "seed 7" in runs[0].notes[0]
    assert A.same_ranking(runs[0].ranking("betweenness"), runs[1].ranking("betweenness"),
                          tol=1e-9)
    # the same seed gives the same estimate; below the threshold it is exact (no note)
    again = A.centrality(H, ["betweenness"], backend="networkx", sample_threshold=10, k=30,
                         seed=7)
    assert again.scores == runs[0].scores
    assert not A.centrality(H, ["betweenness"], backend="networkx").notes


def test_weighted_views_say_so(G: nx.MultiDiGraph) -> None:
    weighted = A.centrality(view(G, "org-org"), ["degree"], backend="networkx")
    assert weighted.weighted and any("weight" in n for n in weighted.notes)
    assert not A.centrality(view(G, "org-event"), ["degree"], backend="networkx").weighted


def test_pagerank_sums_to_one(G: nx.MultiDiGraph) -> None:
    for name in VIEWS:
        assert sum(A.pagerank(view(G, name)).values()) == pytest.approx(1.0)


def test_centrality_command_formats(built: Path) -> None:
    done = cli(built, "centrality", "--view", "org-event", "--type", "organisation",
               "--measure", "degree", "--top", "3", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(rows) == 3 and rows[0]["label"] == "Ministry of Culture of Azerbaijan"
    assert all(r["id"].startswith("organisation/") for r in rows)
    done = cli(built, "centrality", "--format", "json", "--top", "2")
    data = json.loads(done.stdout)
    assert data["view"] == "org-org" and data["weighted"] is True and len(data["rows"]) == 2
    assert set(data["measures"]) == set(A.MEASURES) and data["notes"]
    done = cli(built, "centrality", "--format", "md", "--top", "2", "--view", "country-country")
    assert "| rank | label |" in done.stdout and "| 1 | Azerbaijan |" in done.stdout
    done = cli(built, "centrality", "--top", "2")
    assert done.stdout.startswith("# view org-org") and "weighted" in done.stdout


# ---------------------------------------------------------------------------- structure


def test_communities_are_seeded_and_partition_the_view(G: nx.MultiDiGraph) -> None:
    H = view(G, "org-org")
    first, second = A.communities(H), A.communities(H)
    assert first.groups == second.groups and first.modularity == second.modularity
    members = [n for g in first.groups for n in g]
    assert sorted(members) == sorted(H) and len(members) == len(set(members))
    assert 0.0 < first.modularity <= 1.0


def test_ministry_holds_tass_to_the_network(ds: Dataset, G: nx.MultiDiGraph) -> None:
    # 000: TASS's only event is its interview of Rashad Azizov, who spoke for the Ministry
    # of Culture at the Moscow film week: removing the ministry cuts TASS off.
    H = view(G, "org-org")
    ministry, tass = key(ds, "Ministry of Culture of Azerbaijan"), key(ds, "TASS")
    cp = A.cutpoints(H)
    assert ministry in cp.articulation_points
    assert tuple(sorted((ministry, tass))) in cp.bridges


def test_communities_command(built: Path) -> None:
    done = cli(built, "communities", "--view", "org-event")
    assert done.returncode == 0, done.stderr
    assert "modularity" in done.stdout and "articulation points" in done.stdout
    assert "Ministry of Culture of Azerbaijan [Ministry]" in done.stdout


def _cut_reference(H: nx.Graph) -> tuple[list[tuple[str, str]], list[str]]:
    return sorted(tuple(sorted(e)) for e in nx.bridges(H)), sorted(nx.articulation_points(H))


@pytest.mark.parametrize("name", list(VIEWS))
def test_cutpoints_and_splits_agree_with_networkx(G: nx.MultiDiGraph, name: str) -> None:
    """igraph's bridges and articulation points, and the plain walks that size what a cut
    leaves, give networkx's answers on every view (and on a random graph with many cuts)."""
    for H in (view(G, name), nx.gnm_random_graph(300, 330, seed=7)):
        H = nx.relabel_nodes(H, str) if not isinstance(next(iter(H), ""), str) else H
        ref_bridges, ref_points = _cut_reference(H)
        for backend in ("igraph", "networkx"):
            cp = A.cutpoints(H, backend=backend)
            assert (cp.bridges, cp.articulation_points) == (ref_bridges, ref_points), backend
        for n in ref_points:
            rest = nx.subgraph_view(H, filter_node=lambda x, n=n: x != n)
            assert A.split_by(H, n) == sorted(map(len, nx.connected_components(rest)),
                                              reverse=True)
        for u, v in ref_bridges:
            assert A.component_size(H, u, (v, u)) == len(
                nx.node_connected_component(A.without_edge(H, u, v), u))


def test_closeness_beside_the_other_measures_gives_the_same_scores(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """On a large view closeness runs in a forked child: the same scores, in the same order,
    as when every measure runs in this process."""
    H = nx.relabel_nodes(nx.gnm_random_graph(1200, 6000, seed=3), lambda n: f"n/{n:05d}")
    for i, (_, _, d) in enumerate(H.edges(data=True)):
        d["weight"] = 1 + i % 4
    H.graph["weighted"] = True
    assert H.number_of_nodes() >= A.PARALLEL_NODES
    beside = A.centrality(H, A.MEASURES, backend="igraph")
    monkeypatch.setattr(A, "PARALLEL_NODES", 10**9)
    alone = A.centrality(H, A.MEASURES, backend="igraph")
    assert list(beside.scores) == list(alone.scores)
    for m in ("degree", "betweenness", "closeness"):
        assert beside.scores[m] == alone.scores[m], m
    for m in ("eigenvector", "pagerank"):   # igraph's own run-to-run noise: the last bit
        assert all(abs(beside.scores[m][n] - alone.scores[m][n]) < 1e-12 for n in H), m


def test_work_beside_comes_back_or_runs_here() -> None:
    from graph.forked import beside

    assert beside(lambda: {"a": [1, 2.5]})() == {"a": [1, 2.5]}
    parent = os.getpid()
    # the child fails (here: only in the child); the parent runs the work itself
    assert beside(lambda: 1 // (os.getpid() == parent))() == 1


def test_a_failing_caller_takes_the_empty_result_instead_of_running_the_work_again() -> None:
    # graph.forked is shared by validation, the network commands and the site: a site whose
    # maps failed asks its pages' child with again=False and must not make them here
    from graph.forked import beside

    parent = os.getpid()
    ran_here: list[int] = []

    def work() -> int:
        if os.getpid() == parent:
            ran_here.append(1)
        return 1 // (os.getpid() == parent)     # fails in the child only

    later = beside(work, empty=-1)
    assert later(again=False) == -1 and ran_here == []
    assert later() == 1 and ran_here == [1]       # asked again: the work runs here
    assert later() == 1 and ran_here == [1]       # once


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_igraph_reads_the_edges_of_the_view_in_their_order(G: nx.MultiDiGraph,
                                                           name: str) -> None:
    """The conversion to igraph reads the adjacency itself: the edges of
    ``G.edges(data=True)``, in that order, with their weights and distances."""
    H = view(G, name)
    assert A._edge_data(H) == list(H.edges(data=True))
    c = A._to_igraph(H, True)
    assert c.g.get_edgelist() == [(c.index[u], c.index[v]) for u, v in H.edges()]
    assert c.weights == [float(d.get("weight", 1) or 1) for _, _, d in H.edges(data=True)]
    assert c.dist == A._distances(H)
    assert A._edge_data(nx.Graph([(1, 1), (1, 2)])) == [(1, 1, {}), (1, 2, {})]
