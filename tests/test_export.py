"""Exports for network tools: every view in every format reads back with the same counts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from clirun import cinecoop
from conftest import DATA
from rdflib import Dataset

from graph.network import export as E
from graph.network.projection import VIEWS, project, view

PANEL = "event/state-level-cooperation-panel"


def read_back(fmt: str, paths: list[Path]) -> nx.Graph:
    if fmt == "graphml":
        return nx.read_graphml(paths[0])
    if fmt == "gexf":
        return nx.read_gexf(paths[0])
    return E.read_csv(*paths)


@pytest.mark.parametrize("fmt", E.FORMATS)
@pytest.mark.parametrize("name", list(VIEWS))
def test_each_export_reads_back_with_the_same_counts(
        G: nx.MultiDiGraph, tmp_path: Path, name: str, fmt: str) -> None:
    H = view(G, name)
    paths = E.write(H, fmt, tmp_path)
    R = read_back(fmt, paths)
    assert (R.number_of_nodes(), R.number_of_edges()) == (H.number_of_nodes(),
                                                          H.number_of_edges())
    assert set(map(str, R.nodes)) == set(H.nodes)
    # list- and dict-valued attributes survive as text
    some = next(iter(sorted(H)))
    assert R.nodes[some]["kind"] == H.nodes[some]["kind"]
    assert "sources" in R.nodes[some]


def test_exports_are_deterministic(ds: Dataset, G: nx.MultiDiGraph) -> None:
    again = project(ds)  # a second projection of the same graph: same bytes
    for fmt in E.FORMATS:
        assert E.texts(view(G, "org-org"), fmt, "x") == E.texts(view(again, "org-org"), fmt,
                                                                "x"), fmt


def test_gexf_has_gephi_time_intervals(G: nx.MultiDiGraph) -> None:
    root = ET.fromstring(E.gexf_text(view(G, "org-event")))
    ns = {"g": "http://www.gexf.net/1.2draft"}
    graph = root.find("g:graph", ns)
    assert graph is not None
    assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    meta = root.find("g:meta", ns)
    assert meta is None or meta.get("lastmodifieddate") is None  # no wall-clock date
    nodes = {n.get("id"): n for n in root.iterfind(".//g:node", ns)}
    # 004 is dated 2025-12-09 and gives no day for the panel: a one-day span on that date
    assert (nodes[PANEL].get("start"), nodes[PANEL].get("end")) == ("2025-12-09", "2025-12-09")
    # undated (003's Cinema Talks) and timeless nodes (organisations) get no interval
    assert nodes["event/cinema-talks"].get("start") is None
    assert nodes["organisation/kyrgyzfilm"].get("start") is None
    # a year-only date spans the year (the OIC festival, gYear 2025, in the full view)
    full = ET.fromstring(E.gexf_text(view(G, "full")))
    oic = next(n for n in full.iterfind(".//g:node", ns)
               if n.get("id") == "event/oic-cultural-festival-baku-creative-week-2025")
    assert (oic.get("start"), oic.get("end")) == ("2025-01-01", "2025-12-31")


def test_flat_converts_lists_and_dicts() -> None:
    flat = E.flat({"labels": {"en": ["A"], "ru": ["Б"]}, "sources": ["x ¶1", "y ¶2"],
                   "country": None, "year": 2025})
    assert flat == {"labels": '{"en":["A"],"ru":["Б"]}', "sources": "x ¶1; y ¶2",
                    "year": 2025}


def test_export_command(built: Path, tmp_path: Path) -> None:
    done = cinecoop("--data", DATA, "--out", built, "export", "--view", "org-org", "--view",
                    "full", "--format", "gexf", "--format", "csv", "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "full.edges.csv", "full.gexf", "full.nodes.csv",
        "org-org.edges.csv", "org-org.gexf", "org-org.nodes.csv"]
    assert nx.read_gexf(tmp_path / "org-org.gexf").number_of_nodes() > 0


# ---------------------------------------------------------------------------- fast writers


@pytest.mark.parametrize("name", list(VIEWS))
def test_fast_writers_give_networkx_bytes(G: nx.MultiDiGraph, name: str) -> None:
    """GraphML and GEXF are written line by line; networkx's own writers are the reference."""
    H = view(G, name)
    rows = E.rows(H)
    assert rows.plain          # the curated views take the fast path
    assert E.graphml_text(H) == E.graphml_text_networkx(H)
    assert E.gexf_text(H) == E.gexf_text_networkx(H)


def _odd_graph() -> nx.Graph:
    """Values that exercise escaping, types and empty elements."""
    H = nx.Graph(view="odd & <view>", since="2024")
    odd = 'a&b <c> "d" \'e\' tab\there cr\rlf\nvt\x0bfs\x1c ls\u2028 é Ж 😀'
    H.add_node("n/1", label=odd, kind="organisation", flag=True, off=False, score=1.5,
               big=float("inf"), nan=float("nan"), neg=float("-inf"), count=3, empty="",
               date="2025-03")
    H.add_node("n/0")                                   # no attributes at all
    H.add_node("n/2", label="", kind="event", date="2025", sources=["x ¶1", "y ¶2"],
               labels={"en": ["A"], "ru": ["Б"]})
    H.add_edge("n/2", "n/1", relation="met_at", label=odd, weight=2, date="2025-12-01",
               flag=True, year=2025)
    H.add_edge("n/0", "n/1", relation="x", year="not a number")   # year as text: new key
    return H


@pytest.mark.parametrize("make", [
    _odd_graph,
    lambda: nx.Graph(view="empty"),
    lambda: nx.Graph(),
    lambda: nx.Graph([("a", "b")]),
    lambda: nx.empty_graph(["only", "nodes"]),
])
def test_fast_writers_on_odd_values(make: Any) -> None:
    H = make()
    assert E.rows(H).plain
    assert E.graphml_text(H) == E.graphml_text_networkx(H)
    assert E.gexf_text(H) == E.gexf_text_networkx(H)


def test_special_attributes_fall_back_to_networkx() -> None:
    """An attribute networkx's GEXF writer reads itself (``id``, ``viz``, ...) is written by
    networkx, so the bytes never depend on which writer ran."""
    H = nx.Graph(view="v")
    H.add_node("a", id="other", label="A")
    H.add_edge("a", "b", type="directed")
    assert not E.rows(H).plain
    assert E.gexf_text(H) == E.gexf_text_networkx(H)
    assert E.graphml_text(H) == E.graphml_text_networkx(H)


def test_csv_rows_as_dictwriter_writes_them() -> None:
    import csv
    import io

    rows = [{"id": "a", "label": 'x, "y"\nz', "n": 3}, {"id": "b", "kind": "k", "flag": True},
            {"id": "c"}]
    buf = io.StringIO()
    columns = ["id", "label", "kind", "flag", "n"]
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    assert E._csv(rows, ["id", "label", "kind"]) == buf.getvalue()


def test_export_shared_with_a_child_writes_the_same_files(
        G: nx.MultiDiGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a large projection a forked child writes part of the views: the same files, the
    same bytes, listed in the same order as when this process writes them all."""
    from graph.network import commands as C

    views, fmts = list(VIEWS), list(E.FORMATS)
    assert C._other_half(views) and set(C._other_half(views)) < set(views)
    alone = C.export_files(None, views, fmts, tmp_path / "alone", C.Filters(), G=G)
    monkeypatch.setattr(C, "PARALLEL_EXPORT", 0)
    shared = C.export_files(None, views, fmts, tmp_path / "shared", C.Filters(), G=G)
    assert [p.name for p in shared] == [p.name for p in alone]
    for a, b in zip(alone, shared, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    with pytest.raises(C.NetworkError, match="--since"):
        C.export_files(None, views, fmts, tmp_path / "bad", C.Filters(since="soon"), G=G)
    assert not (tmp_path / "bad").exists()
