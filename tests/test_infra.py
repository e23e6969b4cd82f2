"""The test infrastructure itself: a real Virtuoso and a real headless Chromium."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from conftest import REPO, require
from servers import BrowserPage, VirtuosoServer, virtuoso_available
from virtuoso import free_ports

EX = "http://example.org/cinecoop-test/"


def select_json(server: VirtuosoServer, query: str) -> list[dict[str, Any]]:
    """Run a SELECT on the anonymous endpoint; return the JSON result bindings."""
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(
        server.sparql_url,
        data=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        bindings: list[dict[str, Any]] = json.load(response)["results"]["bindings"]
    return bindings


def test_virtuoso_anonymous_update_then_select(virtuoso: VirtuosoServer) -> None:
    graph = EX + "graph/update"
    update = f'INSERT DATA {{ GRAPH <{graph}> {{ <{EX}film/1> <{EX}title> "Cold War" }} }}'
    request = urllib.request.Request(
        virtuoso.sparql_url,
        data=urllib.parse.urlencode({"update": update}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200

    rows = select_json(
        virtuoso, f"SELECT ?s ?o WHERE {{ GRAPH <{graph}> {{ ?s <{EX}title> ?o }} }}"
    )

    assert [(r["s"]["value"], r["o"]["value"]) for r in rows] == [(EX + "film/1", "Cold War")]


def test_virtuoso_graph_store_put_with_digest_auth(virtuoso: VirtuosoServer) -> None:
    graph = EX + "graph/gsp"
    turtle = f'@prefix ex: <{EX}> .\n<{EX}film/2> ex:title "Ida" ; ex:year 2013 .\n'
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, virtuoso.gsp_auth_url, virtuoso.user, virtuoso.password)
    opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))
    url = virtuoso.gsp_auth_url + "?" + urllib.parse.urlencode({"graph-uri": graph})
    request = urllib.request.Request(
        url, data=turtle.encode(), method="PUT", headers={"Content-Type": "text/turtle"}
    )
    with opener.open(request, timeout=30) as response:
        assert response.status in (200, 201, 204)

    rows = select_json(
        virtuoso, f"SELECT ?p ?o WHERE {{ GRAPH <{graph}> {{ <{EX}film/2> ?p ?o }} }}"
    )

    assert sorted((r["p"]["value"], r["o"]["value"]) for r in rows) == [
        (EX + "title", "Ida"),
        (EX + "year", "2013"),
    ]


def test_browser_runs_local_page_and_blocks_network(
    browser_page: BrowserPage, tmp_path: Path
) -> None:
    html = tmp_path / "page.html"
    html.write_text(
        "<!doctype html><html><head><title>before</title></head><body>\n"
        "<script>document.title = 'cinecoop ok'; alert('hello');</script>\n"
        '<script src="https://example.org/x.js"'
        " onerror=\"document.body.dataset.external = 'failed'\"></script>\n"
        "</body></html>\n"
    )

    browser_page.page.goto(html.as_uri())

    assert browser_page.page.title() == "cinecoop ok"
    assert browser_page.blocked == ["https://example.org/x.js"]
    assert browser_page.page.evaluate("document.body.dataset.external") == "failed"
    assert [(d.type, d.message) for d in browser_page.dialogs] == [("alert", "hello")]
    assert browser_page.errors == []


def test_the_virtuoso_script_starts_and_stops_a_server(tmp_path: Path) -> None:
    """README: `python scripts/virtuoso.py start` / `stop`, the code the fixtures use too."""
    require(virtuoso_available(), "virtuoso-t/isql-vt not found (virtuoso-opensource-7-bin)")
    isql_port, http_port = free_ports(2)
    script = [sys.executable, str(REPO / "scripts" / "virtuoso.py")]
    where = ["--dir", str(tmp_path / "db"), "--http-port", str(http_port),
             "--isql-port", str(isql_port)]
    started = subprocess.run([*script, "start", *where], capture_output=True, text=True,
                             timeout=120)
    try:
        assert started.returncode == 0, started.stderr
        url = f"http://127.0.0.1:{http_port}/sparql"
        assert f"query {url}" in started.stdout
        status = subprocess.run([*script, "status", *where], capture_output=True, text=True)
        assert status.returncode == 0 and url in status.stdout
        ask = url + "?" + urllib.parse.urlencode({"query": "ASK {}", "format": "text/csv"})
        with urllib.request.urlopen(ask, timeout=30) as response:
            assert response.read().decode().split()[-1] == "1"  # ASK {} is true
    finally:
        stopped = subprocess.run([*script, "stop", *where], capture_output=True, text=True,
                                 timeout=120)
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    status = subprocess.run([*script, "status", *where], capture_output=True, text=True)
    assert status.returncode == 1 and "not running" in status.stdout
