"""The ``org-org`` view made from a few of the build's lines (``graph.network.orgorg``), which
the first ``centrality --view org-org`` after a large build measures: the same nodes, edges,
weights, order and node attributes as the view of the projection, the same score tables
(both backends), on the curated build and ``synth.py 200``, and through the CLI against the
code that projects the whole graph.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import networkx as nx
import pytest
from clirun import cinecoop
from conftest import DATA

from graph.network.analytics import MEASURES, _edge_data
from graph.network.cache import build_folder
from graph.network.commands import centrality_table
from graph.network.orgorg import measured_view, org_org_graph
from graph.network.projection import project, view
from graph.network.reads import Filters
from graph.sparql.ntriples import NT_FILE, LinesReader


def _graphs(out: Path) -> tuple[nx.Graph, nx.Graph]:
    folder = build_folder(out)
    assert folder is not None
    made = org_org_graph(folder)
    assert made is not None
    return made, view(project(LinesReader(folder / NT_FILE, folder)), "org-org")


def _same_graph(out: Path) -> tuple[nx.Graph, nx.Graph]:
    made, want = _graphs(out)
    assert made.graph == want.graph
    assert list(made) == list(want)
    assert [(u, v, d["weight"]) for u, v, d in _edge_data(made)] == \
        [(u, v, d["weight"]) for u, v, d in _edge_data(want)]
    for n in want:
        for attr in ("label", "kind", "cls", "classes"):
            assert made.nodes[n][attr] == want.nodes[n][attr], (n, attr)
    return made, want


@pytest.mark.parametrize("backend", ["igraph", "networkx"])
def test_the_curated_org_org_view_measures_as_the_projections(built: Path,
                                                              backend: str) -> None:
    made, want = _same_graph(built)
    assert made.number_of_edges() > 50
    for types in ((), ("FilmAgency", "person")):
        filters = Filters(types=types)
        assert centrality_table(made, "org-org", list(MEASURES), filters, backend) == \
            centrality_table(want, "org-org", list(MEASURES), filters, backend)


def test_the_synthetic_org_org_view_measures_as_the_projections(synth200: Path) -> None:
    made, want = _same_graph(synth200)
    assert made.number_of_nodes() > 90 and made.number_of_edges() > 300
    assert centrality_table(made, "org-org", list(MEASURES), Filters(), "igraph") == \
        centrality_table(want, "org-org", list(MEASURES), Filters(), "igraph")
    assert centrality_table(made, "org-org", ["closeness"], Filters(), "networkx") == \
        centrality_table(want, "org-org", ["closeness"], Filters(), "networkx")


def test_only_a_large_build_without_dates_is_measured_from_its_lines(built: Path,
                                                                     tmp_path: Path) -> None:
    from graph.network import orgorg

    folder = build_folder(built)
    assert measured_view(folder, "org-org", None, None, False) is None  # small: the view
    orgorg.LARGE_BYTES, large = 0, orgorg.LARGE_BYTES
    try:
        assert measured_view(folder, "org-org", None, None, False) is not None
        for args in (("full", None, None, False), ("org-org", "2020", None, False),
                     ("org-org", None, "2024", False), ("org-org", None, None, True)):
            assert measured_view(folder, *args) is None, args  # type: ignore[arg-type]
        assert measured_view(None, "org-org", None, None, False) is None
        assert measured_view(tmp_path, "org-org", None, None, False) is None
    finally:
        orgorg.LARGE_BYTES = large
    assert org_org_graph(None) is None and org_org_graph(tmp_path) is None


CASES = (("centrality", "--view", "org-org"),
         ("centrality", "--view", "org-org", "--format", "csv", "--top", "500"),
         ("centrality", "--view", "org-org", "--measure", "closeness", "--format", "json"),
         ("centrality", "--view", "org-org", "--type", "FilmAgency", "--format", "md"),
         ("centrality", "--view", "org-org", "--since", "2024"))


def test_the_cli_prints_the_tables_of_the_whole_projection(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``centrality --view org-org`` on a build taken as large measures the view made from
    its lines: the same output as the view of the projection gives, and no projection kept."""
    from graph.data.build import build
    from graph.network import orgorg

    fast_out, whole_out = tmp_path / "fast", tmp_path / "whole"
    build(DATA, fast_out)
    shutil.copytree(fast_out, whole_out, symlinks=True)
    monkeypatch.setattr(orgorg, "LARGE_BYTES", 0)
    fast = [cinecoop("--data", DATA, "--out", fast_out, *case) for case in CASES]
    monkeypatch.setattr(orgorg, "LARGE_BYTES", 10**12)
    whole = [cinecoop("--data", DATA, "--out", whole_out, *case) for case in CASES]
    assert [(r.returncode, r.stdout) for r in fast] == [(r.returncode, r.stdout) for r in whole]
    assert all(r.returncode == 0 and "organisation/" in r.stdout for r in fast)
    folder = build_folder(fast_out)
    assert folder is not None
    assert len(list(folder.glob("projection-*"))) == 1      # made for --since alone
