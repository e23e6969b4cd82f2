"""``cinecoop serve``: a real HTTP server on loopback, queried by real SPARQL clients.

SPARQLWrapper and rdflib's SPARQLStore read the results; facts asserted are those of the
articles (004 ¶5: the panel speakers; 002 ¶1, ¶5: the Culture Ministry's partnership with Netflix).
The query page runs in headless Chromium with every request off the server blocked.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from clirun import cinecoop
from conftest import DATA, S4
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from servers import BrowserPage

from graph.sparql.formats import choose_format, parse_accept, term_tsv
from graph.sparql.serve import EndpointServer, is_update, make_server
from graph.sparql.stores import Store, open_store

if TYPE_CHECKING:
    from playwright.sync_api import Route

ID = "https://w3id.org/cinecoop/id/"
PANEL = URIRef(ID + "event/state-level-cooperation-panel")
NETFLIX = URIRef(ID + "organisation/netflix")
MINISTRY = URIRef(ID + "organisation/ministry-of-culture-azerbaijan")
PREFIXES = """PREFIX cc: <https://w3id.org/cinecoop/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
"""
PANEL_PEOPLE = PREFIXES + """SELECT DISTINCT ?person ?name WHERE {
  ?x a cc:Participation ; cc:event ?event ; cc:participant ?person .
  ?person a cc:Person ; skos:prefLabel ?name .
}"""
NETFLIX_PARTIES = PREFIXES + f"""SELECT ?agreement ?party WHERE {{
  ?agreement a cc:Agreement ; cc:party <{NETFLIX}>, ?party .
}}"""
TRUNCATED = "X-Cinecoop-Truncated"


@contextlib.contextmanager
def serving(store: Store, **options: Any) -> Iterator[EndpointServer]:
    """The endpoint on 127.0.0.1, a free port, served by a thread; shut down on exit."""
    server = make_server(store, "127.0.0.1", 0, **options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


@pytest.fixture(scope="module", params=["oxigraph", "memory"])
def store(request: pytest.FixtureRequest, built: Path) -> Store:
    return open_store(request.param, built, DATA)


@pytest.fixture(scope="module")
def endpoint(store: Store) -> Iterator[str]:
    with serving(store, timeout=30.0, max_rows=10_000) as server:
        yield server.url + "sparql"


def http(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None,
         method: str | None = None) -> tuple[int, dict[str, str], str]:
    """(status, headers, body text) of one request, errors included."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers.items()), resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers.items()), exc.read().decode("utf-8")


def form(**fields: str | list[str]) -> bytes:
    return urllib.parse.urlencode(fields, doseq=True).encode()


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


# ------------------------------------------------------------------ real clients


def test_sparqlwrapper_json_panel_speakers_with_languages(endpoint: str) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setQuery(PANEL_PEOPLE.replace("?event", f"<{PANEL}>"))
    client.setReturnFormat(JSON)
    doc = client.query().convert()
    assert isinstance(doc, dict)
    names = {(b["name"]["value"], b["name"].get("xml:lang")) for b in doc["results"]["bindings"]}
    # 004 ¶5: "генеральный директор Кинематографического управления Турции Бирол Гювен,
    # генеральный директор Агентства кино Азербайджанской Республики Рашад Азизов"
    assert {("Бирол Гювен", "ru"), ("Рашад Азизов", "ru"), ("Birol Güven", "en"),
            ("Rashad Azizov", "en")} <= names
    assert doc["head"]["vars"] == ["person", "name"]


def test_sparqlwrapper_xml_netflix_partnership_with_the_ministry(endpoint: str) -> None:
    from SPARQLWrapper import POST, XML, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setQuery(NETFLIX_PARTIES)
    client.setReturnFormat(XML)
    doc = client.query().convert()
    pairs = set()
    for result in doc.getElementsByTagName("result"):  # type: ignore[union-attr]
        row = {b.getAttribute("name"): b.getElementsByTagName("uri")[0].firstChild.data
               for b in result.getElementsByTagName("binding")}
        pairs.add((row["agreement"], row["party"]))
    # 002 ¶1: "The Azerbaijan Culture Ministry has started a partnership with ... Netflix."
    assert any(party == str(MINISTRY) for _, party in pairs)
    (agreement,) = {a for a, p in pairs if p == str(MINISTRY)}
    assert (agreement, str(NETFLIX)) in pairs


def test_sparqlwrapper_csv_utf8_and_spec_layout(endpoint: str) -> None:
    from SPARQLWrapper import CSV, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setQuery(PREFIXES + f"""SELECT ?name ?lang WHERE {{
        <{ID}person/rashad-azizov> skos:prefLabel ?name BIND(lang(?name) AS ?lang) }}
        ORDER BY ?lang""")
    client.setReturnFormat(CSV)
    raw = client.query().convert()
    assert isinstance(raw, bytes)
    text = raw.decode("utf-8")
    assert text.startswith("name,lang\r\n")          # bare names, CRLF (SPARQL 1.1 CSV)
    rows = list(csv.reader(io.StringIO(text)))
    assert ["Rashad Azizov", "en"] in rows and ["Рашад Азизов", "ru"] in rows


def test_sparqlwrapper_construct_as_turtle(endpoint: str) -> None:
    from SPARQLWrapper import TURTLE, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setQuery(PREFIXES + f"""CONSTRUCT {{ ?p cc:participatedIn <{PANEL}> }}
        WHERE {{ ?x cc:event <{PANEL}> ; cc:participant ?p }}""")
    client.setReturnFormat(TURTLE)
    raw = client.query().convert()
    assert isinstance(raw, bytes)
    g = Graph().parse(data=raw.decode("utf-8"), format="turtle")
    participated = URIRef("https://w3id.org/cinecoop/ontology#participatedIn")
    assert (URIRef(ID + "person/birol-guven"), participated, PANEL) in g
    assert (URIRef(ID + "person/rashad-azizov"), participated, PANEL) in g


def test_rdflib_sparqlstore_select_ask_and_construct(endpoint: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    for method in ("GET", "POST", "POST_FORM"):
        g = Graph(store=SPARQLStore(endpoint, method=method))
        rows = {(row[0], row[1]) for row in g.query(NETFLIX_PARTIES)}  # type: ignore[index]
        assert any(p == MINISTRY for _, p in rows)
        ask = g.query(PREFIXES + f"ASK {{ ?a cc:party <{NETFLIX}>, <{MINISTRY}> }}")
        assert ask.askAnswer is True
    g = Graph(store=SPARQLStore(endpoint))
    built = g.query(PREFIXES + f"CONSTRUCT {{ ?a cc:party ?p }} WHERE {{ ?a cc:party "
                    f"<{NETFLIX}>, ?p }}").graph
    assert built is not None
    assert set(built.objects(None, URIRef("https://w3id.org/cinecoop/ontology#party"))) >= {
        NETFLIX, MINISTRY}


def test_json_and_xml_keep_datatypes_and_tsv_writes_turtle_terms(endpoint: str) -> None:
    # 004 is dated 2025-12-09 (its dateline); the source carries schema:datePublished.
    query = PREFIXES + f"SELECT ?date WHERE {{ <{ID}source/{S4}> schema:datePublished ?date }}"
    url = endpoint + "?" + urllib.parse.urlencode({"query": query})
    date = str(XSD.date)
    status, headers, body = http(url, headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and headers["Content-Type"] == "application/sparql-results+json"
    (binding,) = json.loads(body)["results"]["bindings"]
    assert binding["date"] == {"type": "literal", "value": "2025-12-09", "datatype": date}
    status, headers, body = http(url, headers={"Accept": "application/sparql-results+xml"})
    assert f'<literal datatype="{date}">2025-12-09</literal>' in body
    status, headers, body = http(url, headers={"Accept": "text/tab-separated-values"})
    assert headers["Content-Type"].startswith("text/tab-separated-values")
    assert body == f'?date\n"2025-12-09"^^<{date}>\n'
    # rdflib's own result parsers read every table format back to the same typed literal
    from rdflib.query import Result

    for accept, fmt in (("application/sparql-results+json", "json"),
                        ("application/sparql-results+xml", "xml"),
                        ("text/tab-separated-values", "tsv")):
        _, _, body = http(url, headers={"Accept": accept})
        parsed = Result.parse(io.StringIO(body) if fmt == "tsv" else io.BytesIO(body.encode()),
                              format=fmt)
        assert [tuple(r) for r in parsed] == [(Literal("2025-12-09", datatype=XSD.date),)]


def test_sparql_query_body_and_n_triples(endpoint: str) -> None:
    query = PREFIXES + f"CONSTRUCT {{ <{NETFLIX}> skos:prefLabel ?l }} WHERE {{ " \
                       f"<{NETFLIX}> skos:prefLabel ?l }}"
    status, headers, body = http(endpoint, data=query.encode(), headers={
        "Content-Type": "application/sparql-query", "Accept": "application/n-triples"})
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
    assert f'<{NETFLIX}> <http://www.w3.org/2004/02/skos/core#prefLabel> "Netflix"@en .\n' \
        in body
    lines = body.splitlines()
    assert lines == sorted(lines)


def test_parameters_are_bound_as_terms_not_pasted(endpoint: str) -> None:
    query = PREFIXES + "SELECT ?name WHERE { ?p skos:prefLabel ?name FILTER(lang(?name)='ru') }"
    status, _, body = http(endpoint, data=form(query=query, param=f"p=<{ID}person/birol-guven>"),
                           headers={**FORM, "Accept": "text/csv"})
    assert (status, body.splitlines()[1:]) == (200, ["Бирол Гювен"])
    # a quoted value is one literal, whatever it holds: no row, no syntax error
    hostile = '"x } ?p ?q ?name . #"'
    status, _, body = http(endpoint, data=form(query=query, param=f"name={hostile}"),
                           headers={**FORM, "Accept": "text/csv"})
    assert (status, body) == (200, "name\r\n")
    status, _, body = http(endpoint, data=form(query=query, param="no equals sign"),
                           headers=FORM)
    assert status == 400 and "NAME=VALUE" in body


def test_named_query_parameters_by_name_in_any_language(endpoint: str) -> None:
    from graph.sparql.named import named_query

    text = named_query("participants").text
    # 004 ¶1 names the panel in Russian; the name resolves to the event, typed by the query
    panel_ru = "Перспективы государственно-уровневого сотрудничества в киноиндустрии"
    status, _, body = http(endpoint, data=form(query=text, named="participants",
                                               param=f"event={panel_ru}"), headers=FORM)
    assert status == 200, body
    people = {b["participant"]["value"] for b in json.loads(body)["results"]["bindings"]}
    assert {ID + "person/birol-guven", ID + "person/rashad-azizov"} <= people
    status, _, body = http(endpoint, data=form(query=text, named="participants"), headers=FORM)
    assert status == 400 and "'event'" in body
    status, _, body = http(endpoint, data=form(query=text, named="participants",
                                               param="event=No Such Festival"), headers=FORM)
    assert status == 400 and "No Such Festival" in body


# ------------------------------------------------------------------ refusals and limits


def test_updates_are_refused(endpoint: str) -> None:
    insert = f'INSERT DATA {{ <{NETFLIX}> <{ID}p> "x" }}'
    attempts = [
        (form(update=insert), FORM),
        (insert.encode(), {"Content-Type": "application/sparql-update"}),
        (form(query=insert), FORM),
        (form(query="PREFIX a: <http://a/#>\n# sneaky\n" + "DELETE WHERE { ?s ?p ?o }"), FORM),
    ]
    for data, headers in attempts:
        status, _, body = http(endpoint, data=data, headers=headers)
        assert status == 403, body
        assert "read-only" in body
    status, _, _ = http(endpoint + "?" + urllib.parse.urlencode({"update": insert}))
    assert status == 403
    status, headers, _ = http(endpoint, data=b"<a> <b> <c> .", method="PUT",
                              headers={"Content-Type": "text/turtle"})
    assert status == 405 and "POST" in headers["Allow"]
    # and nothing changed
    ask = f'ASK {{ <{NETFLIX}> <{ID}p> "x" }}'
    _, _, body = http(endpoint + "?" + urllib.parse.urlencode({"query": ask}))
    assert json.loads(body)["boolean"] is False


def test_rdflib_update_store_is_refused(endpoint: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore

    update_store = SPARQLUpdateStore(endpoint, endpoint)
    with pytest.raises(urllib.error.HTTPError) as info:
        update_store.update(f'INSERT DATA {{ <{NETFLIX}> <{ID}p> "x" }}')
    info.value.close()
    assert info.value.code == 403


def test_malformed_query_is_400_with_line_column_and_token(endpoint: str) -> None:
    query = "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?o = ) }"
    status, headers, body = http(endpoint + "?" + urllib.parse.urlencode({"query": query}))
    assert status == 400
    assert headers["Content-Type"].startswith("text/plain")
    assert "line 3" in body and "column" in body and "'FILTER'" in body


def test_bad_requests_say_what_to_send(endpoint: str) -> None:
    status, _, body = http(endpoint)
    assert status == 400 and "query=" in body
    status, _, body = http(endpoint, data=b"SELECT * {}", headers={"Content-Type": "text/x"})
    assert status == 415 and "application/sparql-query" in body
    q = urllib.parse.urlencode({"query": "ASK {}"})
    status, _, body = http(f"{endpoint}?{q}", headers={"Accept": "image/png"})
    assert status == 406 and "application/sparql-results+json" in body
    status, _, body = http(f"{endpoint}?{q}&{q}")
    assert status == 400 and "more than one" in body


def test_row_cap_truncates_and_says_so(store: Store) -> None:
    # 004 ¶4-5 name at least five people at the panel besides the moderator: more than 3
    query = PANEL_PEOPLE.replace("?event", f"<{PANEL}>") + " ORDER BY ?person ?name"
    total = len(store.query(query).rows)
    assert total > 3
    with serving(store, max_rows=3) as server:
        url = server.url + "sparql?" + urllib.parse.urlencode({"query": query})
        status, headers, body = http(url)
        assert status == 200
        assert headers["X-Cinecoop-Row-Cap"] == "3"
        assert headers[TRUNCATED] == "true"
        assert headers["X-Cinecoop-Total-Rows"] == str(total)
        assert len(json.loads(body)["results"]["bindings"]) == 3
        small = urllib.parse.urlencode({"query": query + " LIMIT 3"})
        _, headers, _ = http(server.url + "sparql?" + small)
        assert TRUNCATED not in headers


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_a_timed_out_query_is_really_stopped(built: Path) -> None:
    """The worker running a query past the timeout is killed; the next query is answered."""
    store = open_store("oxigraph", built, DATA)
    slow = urllib.parse.urlencode({"query": RUNAWAY})
    quick = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    with serving(store, timeout=0.5, max_running=1) as server:
        pool = server.settings.pool
        assert pool is not None
        before = set(pool.pids())
        status, _, body = http(server.url + "sparql?" + slow)
        assert status == 503 and "0.5 s timeout" in body and "stopped" in body
        status, _, body = http(server.url + "sparql?" + quick)
        assert (status, json.loads(body)["boolean"]) == (200, True)
        (killed,) = before
        assert killed not in pool.pids()
        with pytest.raises(ProcessLookupError):   # gone, not running on in the background
            os.kill(killed, 0)


def test_others_are_answered_while_and_after_runaway_queries_run(built: Path) -> None:
    store = open_store("oxigraph", built, DATA)
    slow = urllib.parse.urlencode({"query": RUNAWAY})
    quick = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    with serving(store, timeout=1.0, max_running=4) as server:
        runaways = [threading.Thread(target=http, args=(server.url + "sparql?" + slow,))
                    for _ in range(4)]
        for t in runaways:
            t.start()
        for t in runaways:
            t.join(30)
        status, _, body = http(server.url + "sparql?" + quick)
        assert (status, json.loads(body)["boolean"]) == (200, True)


def test_service_is_refused_and_sends_no_request(store: Store) -> None:
    """SERVICE would make the server fetch any address (request forgery): refused before it
    runs; a listener on loopback checks that nothing arrives."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.5)
    target = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    with serving(store) as server:
        for query in (f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
                      f"SELECT * WHERE {{ service silent <{target}> {{ ?s ?p ?o }} }}"):
            status, _, body = http(server.url + "sparql?" + urllib.parse.urlencode(
                {"query": query}))
            assert status == 400 and "SERVICE is refused" in body
    with pytest.raises(TimeoutError):
        listener.accept()
    listener.close()


def test_unknown_charset_is_415(endpoint: str) -> None:
    status, _, body = http(endpoint, data=b"ASK {}", headers={
        "Content-Type": "application/sparql-query; charset=nope"})
    assert status == 415 and "unknown charset 'nope'" in body


def test_answers_carry_an_etag_and_are_cached(endpoint: str) -> None:
    url = endpoint + "?" + urllib.parse.urlencode({"query": NETFLIX_PARTIES})
    status, headers, body = http(url)
    assert status == 200 and headers["ETag"].startswith('"')
    again, headers2, body2 = http(url)
    assert (again, headers2["ETag"], body2) == (200, headers["ETag"], body)
    status, _, body = http(url, headers={"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, "")
    _, csv_headers, _ = http(url, headers={"Accept": "text/csv"})
    assert csv_headers["ETag"] != headers["ETag"]      # one entry per format


def test_fifty_clients_at_once_all_get_in(endpoint: str) -> None:
    """The listen backlog takes 50 simultaneous connections (no reset)."""
    url = endpoint + "?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    statuses: list[int] = []
    barrier = threading.Barrier(50)

    def one() -> None:
        barrier.wait()
        statuses.append(http(url)[0])

    threads = [threading.Thread(target=one) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert statuses == [200] * 50


def test_a_client_that_hangs_up_is_one_log_line(built: Path) -> None:
    import socket

    with subprocess.Popen(
        [sys.executable, "-m", "graph.cli", "--data", str(DATA), "--out", str(built), "serve",
         "--port", "0", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        m = re.search(r"http://127\.0\.0\.1:(\d+)/sparql", proc.stdout.readline())
        assert m
        query = urllib.parse.quote("SELECT * WHERE { ?s ?p ?o }")
        for _ in range(5):   # ask for a large answer, then hang up at once
            sock = socket.create_connection(("127.0.0.1", int(m.group(1))))
            sock.sendall(f"GET /sparql?query={query} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
            sock.close()
        status, _, _ = http(f"http://127.0.0.1:{m.group(1)}/sparql?query=ASK%7B%7D")
        assert status == 200
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert "Traceback" not in err
    for line in err.splitlines():
        assert "client went away" in line or not line.strip(), line


def test_endpoint_as_a_sparql_store_of_the_project(endpoint: str, store: Store) -> None:
    """The project's own ``sparql:URL`` store, pointed at this endpoint, gets the same rows."""
    remote = open_store(f"sparql:{endpoint}", Path("unused"), Path("unused"))
    query = NETFLIX_PARTIES + " ORDER BY ?agreement ?party"
    assert remote.query(query).rows == store.query(query).rows


# ------------------------------------------------------------------ pure parts


def test_negotiation() -> None:
    assert choose_format("select", None).media_type == "application/sparql-results+json"
    assert choose_format("select", "*/*").key == "json"
    assert choose_format("select", "text/*").key == "csv"
    assert choose_format("select", "text/csv;q=0.4, text/tab-separated-values").key == "tsv"
    assert choose_format("select", "application/json").key == "json"
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert choose_format("select", browser).key == "json"
    assert choose_format("graph", browser).key == "turtle"
    assert choose_format("graph", "application/n-triples, text/turtle;q=0.5").key == "ntriples"
    assert choose_format("graph", "application/sparql-results+json") is None
    assert choose_format("graph", "image/png", "nt").key == "ntriples"   # format= wins
    assert choose_format("select", None, "xml").key == "xml"
    assert choose_format("graph", None, "xml").key == "rdfxml"
    assert parse_accept("a/b;q=x, c/d") == [("a/b", 0.0), ("c/d", 1.0)]


def test_tsv_terms_escape_tabs_and_newlines() -> None:
    assert term_tsv(Literal("a\tb\nc", lang="ru")) == '"a\\tb\\nc"@ru'
    assert term_tsv(Literal("x", datatype=XSD.string)) == '"x"'
    assert term_tsv(None) == ""


def test_update_detection() -> None:
    assert is_update("prefix x: <http://a#b>\nwith <g> delete { ?s ?p ?o } where {}")
    assert not is_update("# INSERT\nSELECT * {}")
    assert not is_update("PREFIX insert: <http://a/>\nASK { ?s insert:x ?o }")


# ------------------------------------------------------------------ the command


def test_cli_serve_answers_and_stops(built: Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", "from graph.cli import main; main()", "--data", str(DATA),
         "--out", str(built), "serve", "--port", "0", "--store", "memory", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as proc:
        try:
            assert proc.stdout is not None and proc.stderr is not None
            line = proc.stdout.readline()
            m = re.search(r"SPARQL endpoint (http://127\.0\.0\.1:\d+/sparql)", line)
            assert m, line + (proc.stderr.read() if proc.poll() is not None else "")
            ask = PREFIXES + f"ASK {{ ?a cc:party <{NETFLIX}>, <{MINISTRY}> }}"
            _, _, body = http(m.group(1) + "?" + urllib.parse.urlencode({"query": ask}))
            assert json.loads(body) == {"head": {}, "boolean": True}
        finally:
            proc.terminate()
            proc.wait(10)


def test_cli_serve_port_in_use_is_a_clear_error(built: Path) -> None:
    with serving(open_store("memory", built, DATA)) as server:
        port = server.server_address[1]
        proc = cinecoop("--data", DATA, "--out", built, "serve", "--port", str(port),
                        "--store", "memory")
    assert proc.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in proc.stderr
    assert "Traceback" not in proc.stderr


# ------------------------------------------------------------------ the query page


def test_query_page_lists_named_queries(endpoint: str) -> None:
    status, headers, page = http(endpoint.removesuffix("sparql"))
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)   # nothing from elsewhere
    status, _, listing = http(endpoint.removesuffix("sparql") + "queries.json")
    from graph.sparql.named import named_queries

    names = [q["name"] for q in json.loads(listing)]
    assert names == [q.name for q in named_queries()] and "participants" in names


def test_query_page_runs_a_named_query_offline(store: Store, browser_page: BrowserPage) -> None:
    with serving(store) as server:
        page = browser_page.page
        allowed = server.url   # http://127.0.0.1:<port>/ : everything else stays blocked

        def route(route: Route) -> None:
            if route.request.url.startswith(allowed):
                route.continue_()
            else:
                route.fallback()   # to the fixture's handler, which aborts and records it

        page.route("**/*", route)
        page.goto(server.url)
        page.wait_for_selector("#picker button")
        page.click("#picker button[data-name=participants]")
        assert page.input_value("#params input[data-param=event]") == \
            "state-level-cooperation-panel"          # the query's own example value
        assert "SELECT DISTINCT ?participant" in page.input_value("#editor")
        page.click("#run")
        page.wait_for_selector("#result-table tbody tr")
        page.wait_for_selector("#result-table td .label")      # labels fetched and shown
        table = page.inner_text("#result-table")
        # 004 ¶5: Бирол Гювен and Рашад Азизов among the speakers
        assert "Birol Güven" in table and "Rashad Azizov" in table
        assert "speaker" in table
        assert re.match(r"\d+ rows · \d+ ms", page.inner_text("#status"))
        page.set_viewport_size({"width": 1360, "height": 900})
        shot = Path(__file__).resolve().parent.parent / "out" / "test-artifacts"
        shot.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot / f"serve-page-{store.name.split(':')[0]}.png"))
        if store.name.startswith("oxigraph"):
            page.screenshot(path=str(shot / "serve-page.png"))

        # a malformed query shows the parser's message, no exception in the page
        page.fill("#editor", "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?o = ) }")
        page.click("#run")
        page.wait_for_selector(".notice.error")
        assert "line 3" in page.inner_text(".notice.error")
    assert browser_page.errors == []
    assert [c for c in browser_page.console if c.type == "error"
            and "400" not in c.text] == []           # the 400 above is the only failed load
    assert browser_page.blocked == []
    assert browser_page.dialogs == []
