"""A remote SPARQL 1.1 server: query it (``sparql:URL`` store) and upload to it (``push``).

HTTP goes through urllib with Basic and Digest authentication (Virtuoso's ``*-auth``
endpoints accept Digest only). Uploads send N-Triples (also valid Turtle): Virtuoso's Turtle
parser mishandles escaped characters in prefixed names, full IRIs avoid that.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef

from graph.progress import progress
from graph.sparql.base import QueryResult, QueryTimeout, StoreError, plain, prepare
from graph.sparql.querytext import QueryError, is_distinct, query_form

if TYPE_CHECKING:
    from rdflib import Dataset
    from rdflib.term import Node

RESULTS_JSON = "application/sparql-results+json"
USER_AGENT = "cinecoop"


def _opener(url: str, user: str | None, password: str | None) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = []
    if user is not None:
        mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        mgr.add_password(None, url, user, password or "")
        handlers += [urllib.request.HTTPDigestAuthHandler(mgr),
                     urllib.request.HTTPBasicAuthHandler(mgr)]
    return urllib.request.build_opener(*handlers)


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """``http://user:pw@host/x`` -> (``http://host/x``, user, pw)."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return url, None, None
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    clean = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    return (clean, urllib.parse.unquote(parts.username),
            urllib.parse.unquote(parts.password or ""))


def http(url: str, *, data: bytes | None = None, method: str = "GET",
         headers: dict[str, str] | None = None, user: str | None = None,
         password: str | None = None, timeout: float | None = 60.0) -> tuple[int, bytes, str]:
    """One HTTP request: (status, body, content type). StoreError when it cannot be done."""
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"User-Agent": USER_AGENT, **(headers or {})})
    try:
        with _opener(url, user, password).open(req, timeout=timeout) as resp:
            return resp.status, resp.read(), resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        body = exc.read()
        return exc.code, body, exc.headers.get("Content-Type", "") if exc.headers else ""
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise QueryTimeout(f"the SPARQL server at {url} did not answer within "
                               f"{timeout:g} s") from None
        raise StoreError(f"cannot reach the SPARQL server at {url}: {exc.reason}") from None
    except TimeoutError:
        raise QueryTimeout(f"the SPARQL server at {url} did not answer within {timeout:g} s"
                           ) from None
    except (ConnectionError, OSError) as exc:
        raise StoreError(f"cannot reach the SPARQL server at {url}: {exc}") from None


def _message(body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text[:400]


def term_from_json(cell: dict[str, Any] | None) -> Node | None:
    """A term of SPARQL 1.1 Results JSON as an rdflib term."""

    if cell is None:
        return None
    kind, value = cell.get("type"), cell.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    lang = cell.get("xml:lang")
    if lang:
        return Literal(value, lang=lang)
    dt = cell.get("datatype")
    return plain(Literal(value, datatype=URIRef(dt) if dt else None))


def parse_results_json(body: bytes) -> QueryResult:
    doc = json.loads(body.decode("utf-8"))
    if "boolean" in doc:
        return QueryResult("ask", [], [], boolean=bool(doc["boolean"]))
    names = list(doc.get("head", {}).get("vars", []))
    rows = [tuple(term_from_json(b.get(n)) for n in names)
            for b in doc.get("results", {}).get("bindings", [])]
    return QueryResult("select", names, rows)


@dataclass
class SparqlStore:
    """Any SPARQL 1.1 Protocol endpoint (POST, form-encoded; results as JSON or N-Triples)."""

    url: str
    user: str | None = None
    password: str | None = None

    def __post_init__(self) -> None:
        url, user, password = split_credentials(self.url)
        self.url = url
        self.user = self.user if self.user is not None else user
        self.password = self.password if self.password is not None else password
        if not re.match(r"https?://", self.url):
            raise StoreError(f"not an http(s) URL: {self.url!r} (use sparql:http://host/sparql)")
        self.name = f"sparql:{self.url}"

    def query(self, sparql: str, bindings: dict[str, Node] | None = None,
              timeout: float | None = None) -> QueryResult:

        text = prepare(sparql, bindings)
        kind = query_form(text)
        graph_result = kind in ("construct", "describe")
        accept = "application/n-triples, text/plain;q=0.9" if graph_result else RESULTS_JSON
        # No server-side timeout parameter: Virtuoso's would return partial results silently.
        form = {"query": text}
        status, body, ctype = http(
            self.url, data=urllib.parse.urlencode(form).encode(), method="POST",
            headers={"Accept": accept,
                     "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            user=self.user, password=self.password,
            timeout=timeout if timeout is not None else 120.0)
        if status == 400:
            raise QueryError(f"the server at {self.url} rejected the query: {_message(body)}",
                             query=text)
        if status in (401, 403):
            raise StoreError(f"the SPARQL server at {self.url} refused access (HTTP {status}); "
                             "give the right --user/--password")
        if status >= 300:
            raise StoreError(f"the SPARQL server at {self.url} answered HTTP {status}: "
                             f"{_message(body)}")
        if graph_result:
            g = Graph()
            fmt = "turtle" if "turtle" in ctype else "nt"
            g.parse(data=body.decode("utf-8"), format=fmt)
            out = Graph()
            for s, p, o in g:
                out.add((s, p, plain(o)))
            return QueryResult("graph", [], [], graph=out)
        try:
            result = parse_results_json(body)
        except ValueError:
            raise StoreError(f"the server at {self.url} did not answer in SPARQL results JSON "
                             f"(Content-Type {ctype!r})") from None
        if kind == "ask" and result.kind == "select":
            # Virtuoso's /sparql-auth answers ASK as one row of ?__ASK_RETVAL (1 or 0)
            values = [str(row[0]) for row in result.rows if row and row[0] is not None]
            return QueryResult("ask", [], [], boolean=bool(values) and values[0] not in
                               ("0", "false"))
        if is_distinct(text):
            # Virtuoso 7.2 can repeat a row of a SELECT DISTINCT with several OPTIONALs
            # (graph/queries/timeline.rq showed it): apply DISTINCT again, keeping the order.
            result.rows = list(dict.fromkeys(result.rows))
        return result


# ------------------------------------------------------------------ push


@dataclass
class PushedGraph:
    graph: str
    triples: int


def graph_ntriples(ds: Dataset) -> list[tuple[str, list[str]]]:
    """(graph IRI, sorted N-Triples lines) for every non-empty named graph (of an rdflib
    Dataset, or of the Oxigraph store read through ``graph_names``/``graph_ntriples``)."""
    out = []
    if hasattr(ds, "graph_names"):
        store: Any = ds
        for name in store.graph_names():
            text = store.graph_ntriples(name).decode("utf-8")
            out.append((name, [line for line in text.splitlines() if line.strip()]))
        return [(name, lines) for name, lines in out if lines]
    for ctx in sorted(ds.graphs(), key=lambda c: str(c.identifier)):
        name = str(ctx.identifier)
        if not len(ctx) or name.startswith("urn:x-rdflib:"):
            continue
        text = ctx.serialize(format="nt", encoding="utf-8").decode("utf-8")
        out.append((name, sorted(line for line in text.splitlines() if line.strip())))
    return out


def push(ds: Dataset, url: str, *, method: str = "gsp", user: str | None = None,
         password: str | None = None, batch: int = 2000,
         timeout: float = 120.0) -> list[PushedGraph]:
    """Replace each named graph of ``ds`` on the server at ``url``.

    ``gsp``: SPARQL 1.1 Graph Store Protocol, ``PUT url?graph=G`` with the graph as N-Triples.
    ``update``: SPARQL 1.1 Update, ``DROP SILENT GRAPH`` then ``INSERT DATA`` in batches.
    """
    url, url_user, url_password = split_credentials(url)
    user = user if user is not None else url_user
    password = password if password is not None else url_password
    done = []
    graphs = graph_ntriples(ds)
    for name, lines in progress(graphs, "push", total=len(graphs)):
        if method == "gsp":
            _put_graph(url, name, lines, user, password, timeout)
        elif method == "update":
            _update_graph(url, name, lines, user, password, batch, timeout)
        else:
            raise StoreError(f"unknown push method {method!r}: use 'gsp' or 'update'")
        done.append(PushedGraph(name, len(lines)))
    return done


def _check(status: int, body: bytes, url: str, what: str) -> None:
    if status in (401, 403):
        raise StoreError(f"the server at {url} refused {what} (HTTP {status}): check "
                         "--user/--password and that this account may write")
    if status >= 300:
        raise StoreError(f"the server at {url} failed {what} (HTTP {status}): {_message(body)}")


def _put_graph(url: str, graph: str, lines: list[str], user: str | None,
               password: str | None, timeout: float) -> None:
    sep = "&" if "?" in url else "?"
    target = f"{url}{sep}{urllib.parse.urlencode({'graph': graph})}"
    data = ("\n".join(lines) + "\n").encode("utf-8")
    status, body, _ = http(target, data=data, method="PUT",
                           headers={"Content-Type": "text/turtle; charset=utf-8"},
                           user=user, password=password, timeout=timeout)
    _check(status, body, url, f"PUT of graph <{graph}>")


def _update_graph(url: str, graph: str, lines: list[str], user: str | None,
                  password: str | None, batch: int, timeout: float) -> None:
    requests = [f"DROP SILENT GRAPH <{graph}>"]
    for i in range(0, len(lines), batch):
        body = "\n".join(lines[i:i + batch])
        requests.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")
    for update in requests:
        status, resp, _ = http(
            url, data=urllib.parse.urlencode({"update": update}).encode(), method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            user=user, password=password, timeout=timeout)
        _check(status, resp, url, f"the update of graph <{graph}>")
