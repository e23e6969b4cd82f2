"""``cinecoop push`` to a real Virtuoso, then every named query on all three stores.

How rows are compared across stores (and why that is fair):

- Literals typed ``xsd:string`` are the plain literals they equal in RDF 1.1; every store
  returns them untyped (``graph.sparql.stores.plain``), so they compare equal as terms.
- Numbers compare by value and numeric kind (integer vs decimal/double), not by datatype IRI
  or lexical form: a server may answer ``COUNT`` as ``xsd:int`` or ``"02"``; the count is the
  same. Everything else (IRIs, language tags, date types) must be identical.
- Rows compare as multisets: ORDER BY ties and string collation may be ordered differently.

Virtuoso's union default graph repeats a triple once per graph that holds it; the named
queries use DISTINCT for that reason (see ``graph/store.py``).
"""

from __future__ import annotations

import urllib.parse
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA
from rdflib import Dataset, Literal
from rdflib.namespace import XSD
from rdflib.term import Node
from servers import VirtuosoServer, find_free_port

from graph.cli import cli
from graph.sparql.named import named_queries, run
from graph.sparql.plain import datatype
from graph.sparql.querytext import term_text
from graph.sparql.remote import SparqlStore, push
from graph.sparql.stores import OxigraphStore, QueryTimeout, Store, StoreError, open_store

INTEGERS = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger,
            XSD.positiveInteger, XSD.unsignedInt, XSD.unsignedLong}
DECIMALS = {XSD.decimal, XSD.double, XSD.float}
# The header examples, plus a second value where a query walks a hierarchy or has options.
EXTRA_PARAMS: dict[str, list[dict[str, str]]] = {
    "people-of": [{"organisation": "Ministry of Culture of Azerbaijan"}],
    "agencies-at-event": [{"event": "OIC Cultural Festival: Baku Creative Week 2025"}],
    "participants": [{"event": "Cinema Talks"}],
    "agreements": [{}, {"kind": "co-production"}, {"with": "Azerbaijan"}],
    "events-of": [{"agent": "Рашад Азизов"}, {"agent": "Azerbaijan"}],
    "sources-of": [{"thing": "participation/004-azizov-speaker"}],
}
CASES = [(q.name, {p.name: p.example for p in q.params if p.example})
         for q in named_queries()]
CASES += [(name, params) for name, extra in EXTRA_PARAMS.items() for params in extra]


def canonical(term: Node | None) -> object:
    """A term as compared across stores (see the module docstring)."""
    if isinstance(term, Literal) and term.datatype in INTEGERS:
        return ("integer", int(str(term)))
    if isinstance(term, Literal) and term.datatype in DECIMALS:
        return ("decimal", Decimal(str(term)))
    return term.n3() if term is not None else None


def rows_of(store: Store, name: str, params: dict[str, str]) -> Counter[tuple[object, ...]]:
    result = run(store, name=name, params=params).result
    return Counter(tuple(canonical(t) for t in row) for row in result.rows)


@pytest.fixture(scope="module")
def pushed(virtuoso: VirtuosoServer, ds: Dataset) -> SparqlStore:
    """The built graph in Virtuoso, through the Graph Store Protocol with Digest auth."""
    push(ds, virtuoso.gsp_auth_url, user=virtuoso.user, password=virtuoso.password)
    return SparqlStore(virtuoso.sparql_url)


@pytest.fixture(scope="module")
def local(built: Path) -> dict[str, Store]:
    return {"memory": open_store("memory", built, DATA), "oxigraph": open_store(None, built,
                                                                                DATA)}


@pytest.mark.parametrize(("name", "params"), CASES,
                         ids=[f"{n}-{'-'.join(p) or 'none'}-{i}" for i, (n, p) in
                              enumerate(CASES)])
def test_named_query_same_rows_on_all_three_stores(name: str, params: dict[str, str],
                                                   local: dict[str, Store],
                                                   pushed: SparqlStore) -> None:
    reference = rows_of(local["memory"], name, params)
    assert reference, f"{name} {params} answers nothing: a poor test"
    assert rows_of(local["oxigraph"], name, params) == reference
    assert rows_of(pushed, name, params) == reference


def canonical_any(term: object) -> object:
    """:func:`canonical` for plain terms (``graph.sparql.plain``) and rdflib terms alike."""
    if term is None:
        return None
    dt = datatype(term)
    if dt in {str(x) for x in INTEGERS}:
        return ("integer", int(str(term)))
    if dt in {str(x) for x in DECIMALS}:
        return ("decimal", Decimal(str(term)))
    return term_text(term)


@pytest.mark.parametrize(("name", "params"), CASES[::3])
def test_plain_terms_from_oxigraph_equal_the_servers_rows(name: str, params: dict[str, str],
                                                          built: Path,
                                                          pushed: SparqlStore) -> None:
    """What ``cinecoop query`` reads from Oxigraph without rdflib (plain terms) is what
    Virtuoso answers."""
    plain = OxigraphStore(built / "store", plain=True)
    mine = Counter(tuple(map(canonical_any, row))
                   for row in run(plain, name=name, params=params).result.rows)
    theirs = Counter(tuple(map(canonical_any, row))
                     for row in run(pushed, name=name, params=params).result.rows)
    assert mine and mine == theirs


def test_pushed_graphs_are_the_built_named_graphs(pushed: SparqlStore, ds: Dataset) -> None:
    q = ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
         'FILTER (STRSTARTS(STR(?g), "https://w3id.org/cinecoop/graph/")) } GROUP BY ?g')
    remote = {str(g): int(str(n)) for g, n in pushed.query(q).rows}
    assert remote == {str(c.identifier): len(c) for c in ds.graphs() if len(c)}


def test_push_by_sparql_update_replaces_the_graphs(virtuoso: VirtuosoServer, ds: Dataset,
                                                   pushed: SparqlStore) -> None:
    before = pushed.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                          'FILTER (STRSTARTS(STR(?g), "https://w3id.org/cinecoop/")) }').rows
    # twice: the second run must replace, not add to, what the first one wrote
    for _ in range(2):
        done = push(ds, virtuoso.sparql_url, method="update", batch=500)
    assert {p.graph for p in done} == {str(c.identifier) for c in ds.graphs() if len(c)}
    after = pushed.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                         'FILTER (STRSTARTS(STR(?g), "https://w3id.org/cinecoop/")) }').rows
    assert after == before


def test_cli_push_then_query_the_server(virtuoso: VirtuosoServer, built: Path) -> None:
    runner = CliRunner()
    base = ["--out", str(built), "--data", str(DATA)]
    result = runner.invoke(cli, [*base, "push", "--to", virtuoso.gsp_auth_url, "--user",
                                 virtuoso.user, "--password", virtuoso.password])
    assert result.exit_code == 0, result.output
    assert "https://w3id.org/cinecoop/graph/ontology" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("pushed 6 graphs")
    # 004 ¶5: Georgia's film centre met Turkey, Azerbaijan, Pakistan and Uzbekistan there
    result = runner.invoke(cli, [*base, "query", "met-with", "-p", "agent=Georgia", "--store",
                                 f"sparql:{virtuoso.sparql_url}", "-o", "csv"])
    assert result.exit_code == 0, result.output
    countries = {line.split(",")[0].rsplit("/", 1)[-1] for line in
                 result.stdout.splitlines()[1:]}
    assert countries == {"az", "tr", "pk", "uz"}


def test_push_errors_say_url_and_why(virtuoso: VirtuosoServer, ds: Dataset) -> None:
    with pytest.raises(StoreError, match=r"refused .*HTTP 401.*--user/--password"):
        push(ds, virtuoso.gsp_auth_url, user=virtuoso.user, password="wrong")
    port = find_free_port()
    url = f"http://127.0.0.1:{port}/sparql-graph-crud"
    with pytest.raises(StoreError, match=rf"cannot reach .*{url}.*refused"):
        push(ds, url)
    with pytest.raises(StoreError, match=r"cannot reach .*nonexistent\.invalid"):
        SparqlStore("http://nonexistent.invalid/sparql").query("ASK {}")


def test_credentials_in_the_url_and_a_bad_query_on_the_server(virtuoso: VirtuosoServer,
                                                              pushed: SparqlStore) -> None:
    parts = urllib.parse.urlsplit(virtuoso.sparql_auth_url)
    with_user = parts._replace(netloc=f"{virtuoso.user}:{virtuoso.password}@{parts.netloc}")
    store = SparqlStore(urllib.parse.urlunsplit(with_user))
    assert store.url == virtuoso.sparql_auth_url and store.user == virtuoso.user
    assert store.query("ASK { ?s ?p ?o }").boolean is True
    assert store.query("ASK { ?s <urn:cinecoop:nothing> ?o }").boolean is False
    # a query the local parser accepts but the server cannot run: the server's reason is shown
    with pytest.raises(StoreError, match=r"/sparql answered HTTP 500: Virtuoso .*Error"):
        pushed.query("SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x LIMIT 1 OFFSET 99999999999999999")


def test_a_silent_server_times_out_with_its_url() -> None:
    import socket
    import threading

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        accepted: list[socket.socket] = []
        thread = threading.Thread(target=lambda: accepted.append(listener.accept()[0]))
        thread.start()
        url = f"http://127.0.0.1:{port}/sparql"
        with pytest.raises(QueryTimeout, match=rf"{url} did not answer within 0.3 s"):
            SparqlStore(url).query("ASK {}", timeout=0.3)
        thread.join()
        for conn in accepted:
            conn.close()
