"""The stores behind ``graph/store.py``: Oxigraph on disk as ``build`` writes it, rdflib in
memory, one query interface; the same answers from both for any query, not only named ones.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from conftest import DATA, S4
from rdflib import Dataset, Literal, URIRef
from rdflib.compare import to_isomorphic

from graph.data.build import write_local_store
from graph.data.load import union_graph
from graph.sparql.querytext import inject_values
from graph.sparql.stores import (
    STORE_DIR,
    MemoryStore,
    OxigraphStore,
    QueryError,
    QueryTimeout,
    Store,
    StoreError,
    open_store,
)

ID = "https://w3id.org/cinecoop/id/"
G = "https://w3id.org/cinecoop/graph/"
AZIZOV = URIRef(ID + "person/rashad-azizov")
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


@pytest.fixture(scope="module")
def stores(built: Path) -> dict[str, Store]:
    return {"oxigraph": open_store(None, built, DATA), "memory": open_store("memory", built,
                                                                            DATA)}


def test_build_writes_one_named_graph_per_source_and_the_ontology(built: Path,
                                                                   ds: Dataset) -> None:
    store = OxigraphStore(built / STORE_DIR)
    counts = {str(g): int(n) for g, n in store.query(PER_GRAPH).rows}  # type: ignore[arg-type]
    expected = {str(c.identifier): len(c) for c in ds.graphs() if len(c)}
    assert counts == expected
    assert G + S4 in counts and G + "ontology" in counts
    # the default graph is the merge: a triple stated by several sources is in it once
    assert store.query(COUNT_ALL).rows == [(Literal(len(union_graph(ds))),)]


@pytest.mark.parametrize("query", [
    COUNT_ALL,
    PER_GRAPH,
    # Azizov's English name is stated by three sources (000, 003, 004): one row, not three
    f"SELECT ?l WHERE {{ <{AZIZOV}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }}",
    f"SELECT ?g WHERE {{ GRAPH ?g {{ <{AZIZOV}> ?p ?o }} }} ORDER BY ?g",
    "SELECT ?p (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p",
    "SELECT DISTINCT ?type WHERE { GRAPH ?g { ?s a ?type } } ORDER BY ?type",
])
def test_memory_and_oxigraph_agree_on_any_query(stores: dict[str, Store], query: str) -> None:
    rows = {name: sorted(s.query(query).rows, key=repr) for name, s in stores.items()}
    assert rows["oxigraph"] == rows["memory"]
    assert rows["memory"]


def test_memory_and_oxigraph_agree_on_construct_and_ask(stores: dict[str, Store]) -> None:
    q = f"DESCRIBE <{AZIZOV}>"
    graphs = {name: s.query(q).graph for name, s in stores.items()}
    assert graphs["memory"] is not None and graphs["oxigraph"] is not None
    assert to_isomorphic(graphs["memory"]) == to_isomorphic(graphs["oxigraph"])
    for s in stores.values():
        assert s.query(f"ASK {{ <{AZIZOV}> ?p ?o }}").boolean is True
        assert s.query("ASK { ?s <urn:nothing> ?o }").boolean is False


def test_plain_literals_come_back_untyped_everywhere(stores: dict[str, Store]) -> None:
    q = (f"SELECT ?c WHERE {{ ?part <https://w3id.org/cinecoop/ontology#participant> <{AZIZOV}> ;"
         " <https://w3id.org/cinecoop/ontology#certainty> ?c }")
    for s in stores.values():
        values = {row[0] for row in s.query(q).rows}
        assert Literal("stated") in values   # 004 ¶5 names him; the plain "stated" literal
        assert all(v.datatype is None for v in values)  # type: ignore[union-attr]


def test_bindings_are_values_at_the_head_of_where() -> None:
    q = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert inject_values(q, {"s": AZIZOV}) == (
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ <{AZIZOV}> }} ?s ?p ?o }}")
    multi = inject_values("SELECT * { ?a ?b ?c } # {", {"c": Literal('a"b\n'), "a": AZIZOV})
    assert multi.startswith(f'SELECT * {{ VALUES (?a ?c) {{ (<{AZIZOV}> "a\\"b\\n") }}')
    with pytest.raises(QueryError, match="no variable \\?x"):
        inject_values("SELECT ?a { ?a ?b ?c }", {"x": AZIZOV})


def test_two_readers_at_once_and_a_rebuild_beside_them(built: Path, ds: Dataset,
                                                       tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_local_store(out, ds)
    readers = [OxigraphStore(out / STORE_DIR), OxigraphStore(out / STORE_DIR)]
    errors: list[BaseException] = []

    def read(store: Store) -> None:
        try:
            for _ in range(20):
                assert store.query(COUNT_ALL).rows[0][0] == Literal(len(union_graph(ds)))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read, args=(r,)) for r in readers]
    for t in threads:
        t.start()
    write_local_store(out, ds)      # swaps in a new store while the readers read the old one
    for t in threads:
        t.join()
    assert errors == []
    assert OxigraphStore(out / STORE_DIR).query(COUNT_ALL).rows == readers[0].query(
        COUNT_ALL).rows
    # one pointer per output, the current and previous builds, no temporary folders left
    assert sorted(p.name for p in out.iterdir()) == [
        ".build.lock", ".builds", "current", "previous", STORE_DIR]
    assert len(list((out / ".builds").iterdir())) == 2


def test_store_is_written_again_when_missing(built: Path, tmp_path: Path) -> None:
    import shutil

    out = tmp_path / "out"
    shutil.copytree(built, out)
    shutil.rmtree(out / STORE_DIR)
    store = open_store(None, out, DATA)
    assert store.query(f"ASK {{ <{AZIZOV}> ?p ?o }}").boolean is True


def test_store_errors_say_what_and_how(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no Oxigraph store at .*cinecoop build"):
        open_store(f"oxigraph:{tmp_path / 'nowhere'}", tmp_path, DATA)
    with pytest.raises(StoreError, match="unknown store 'mongo'.*'memory'.*'sparql:URL'"):
        open_store("mongo", tmp_path, DATA)
    with pytest.raises(StoreError, match="not an http"):
        open_store("sparql:ftp://example.org/sparql", tmp_path, DATA)


def test_malformed_queries_give_line_column_and_token(stores: dict[str, Store]) -> None:
    for store in stores.values():
        with pytest.raises(QueryError) as info:
            store.query("SELECT ?s\nWHERE {\n  ?s ?p ?o\n  FILTR(?o) }")
        assert (info.value.line, info.value.column, info.value.token) == (4, 3, "FILTR")
        assert "line 4, column 3" in str(info.value)
        with pytest.raises(QueryError, match="SPARQL Update"):
            store.query("CLEAR ALL")


def test_timeout_gives_up(ds: Dataset) -> None:
    store = MemoryStore(ds)
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"
    with pytest.raises(QueryTimeout, match="longer than 0.05 s"):
        store.query(heavy + " LIMIT 1", timeout=0.05)
    assert store.query(COUNT_ALL, timeout=60).rows


def test_a_query_only_oxigraph_can_parse_is_a_clear_error_on_memory(
        stores: dict[str, Store]) -> None:
    # ADJUST is SPARQL 1.2: Oxigraph's parser (the common check) accepts it, rdflib's does not
    q = ('SELECT ?x WHERE { BIND (ADJUST("2025-12-09T10:00:00Z"^^<http://www.w3.org/2001/'
         'XMLSchema#dateTime>, "PT1H"^^<http://www.w3.org/2001/XMLSchema#dayTimeDuration>) '
         "AS ?x) }")
    assert str(stores["oxigraph"].query(q).rows[0][0]).startswith("2025-12-09T11:00:00")
    with pytest.raises(StoreError, match="rdflib .*could not run this query"):
        stores["memory"].query(q)
