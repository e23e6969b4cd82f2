"""The Python API (``import graph``) answers as the CLI does, from the articles' facts."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from conftest import DATA, REPO, S4

import graph


@pytest.fixture(scope="module")
def kg(tmp_path_factory: pytest.TempPathFactory) -> graph.OpenGraph:
    return graph.open_graph(tmp_path_factory.mktemp("api"), data=DATA)


def test_import_graph_is_light_and_exports_the_api() -> None:
    code = ("import sys, graph; heavy = {'rdflib', 'networkx', 'pyoxigraph'} & set(sys.modules);"
            " print(sorted(heavy), sorted(graph.__all__) == sorted(set(graph.__all__)))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "[] True"
    assert {"open_graph", "query", "describe", "find", "view", "write_map"} <= set(graph.__all__)


def test_named_query_rows_records_and_dataframe(kg: graph.OpenGraph) -> None:
    # 004 ¶5: Rashad Azizov, director general of the Azerbaijan Film Agency, on 2025-12-09
    rows = graph.query(kg, "posts-of", person="Rashad Azizov")
    assert isinstance(rows, graph.Rows)
    from_004 = [r for r in rows.records() if str(r["source"]).endswith(S4)]
    assert [r["attested"] for r in from_004] == [dt.date(2025, 12, 9)]
    assert any(r["organisation"] == "Azerbaijan Film Agency" for r in rows.labelled())
    frame = rows.to_dataframe(labels=True)
    assert isinstance(frame, pd.DataFrame) and list(frame.columns) == rows.vars
    assert "Azerbaijan Film Agency" in set(frame["organisation"])


def test_ask_gives_a_bool_and_inline_sparql_works(kg: graph.OpenGraph) -> None:
    prefix = "PREFIX cc: <https://w3id.org/cinecoop/ontology#>\n"
    # 002: the Ministry of Culture of Azerbaijan and Netflix are parties of one agreement
    assert graph.query(kg, prefix + "ASK { ?a cc:party ?m, ?n }", m="Netflix",
                       n="Ministry of Culture of Azerbaijan") is True
    assert graph.query(kg, prefix + "ASK { ?a cc:metWith ?b }", a="Italy",
                       b="Azerbaijan") is False


def test_describe_find_view_and_map(kg: graph.OpenGraph, tmp_path: Path) -> None:
    d = graph.describe(kg, "Рашадом Азизовым")
    assert d.kind == "Person" and "Rashad Azizov" in d.labels["en"]
    assert graph.find(kg, "Gurban Primov")[0].id == "person/gurban-pirimov"
    # 004 ¶5: both agencies spoke at the Baku Cinema Breeze panel
    G = graph.view(kg, "org-org")
    assert isinstance(G, nx.Graph) and G.has_edge("organisation/azerbaijan-film-agency",
                                                  "organisation/national-film-center-georgia")
    target = graph.write_map(kg, "org-org", tmp_path / "m.html")
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
