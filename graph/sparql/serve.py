"""``cinecoop serve``: a read-only SPARQL 1.1 Protocol endpoint and an offline query page.

Standard library HTTP (``ThreadingHTTPServer``) over any store of :mod:`graph.sparql.stores`.

* ``GET /sparql?query=...``, ``POST /sparql`` with a form body (``query=...``) or an
  ``application/sparql-query`` body. Results by content negotiation (``Accept``, or a
  ``format=``/``output=`` parameter): SPARQL JSON (default), XML, CSV, TSV for SELECT/ASK;
  Turtle (default), N-Triples, RDF/XML, JSON-LD for CONSTRUCT/DESCRIBE.
* ``param=NAME=VALUE`` (repeatable) binds ``?NAME`` as an RDF term, never pasted into the
  query text. Values are read as ``cinecoop query --param`` reads them: a name in any language,
  an id (``event/cinema-talks``), ``<IRI>`` (or a bare ``http(s)://`` IRI) or ``"literal"``;
  ``named=QUERY`` types them by that named query's declared parameters (and requires the
  mandatory ones).
* Read-only: ``update=`` or an ``application/sparql-update`` body gets 403.
* A malformed query gets 400 with the parser's line, column and token (sizes and nesting are
  bounded before any parser runs: :func:`graph.sparql.querytext.check_limits`).
* ``SERVICE`` is refused (400): the endpoint never sends a request of its own; rdflib's loading
  of ``FROM`` graphs from the web is off too.
* Local stores are queried by ``max_running`` worker processes (:mod:`graph.sparql.workers`):
  a query past the timeout gets 503 and its worker is killed and replaced, so it really
  stops. Requests wait for a worker in a bounded queue (503 ``busy`` past it).
* The graph does not change while it is served: answers are cached by query, parameters, format
  and build, and carry an ``ETag`` (``If-None-Match`` gets 304).
* A body in an unknown charset gets 415; a client that hangs up is one log line.
* At most ``max_rows`` rows (or triples) are sent: the ``X-Cinecoop-Row-Cap`` header always
  says the cap, and ``X-Cinecoop-Truncated: true`` with ``X-Cinecoop-Total-Rows`` says when it
  cut the result.
* ``GET /`` is the query page (inline JS/CSS, nothing fetched from elsewhere);
  ``GET /queries.json`` lists the named queries.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import sys
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import rdflib.plugins.sparql
from rdflib import Graph

from graph.sparql.base import run_with_timeout
from graph.sparql.formats import (
    choose_format,
    formats_for,
    serialise_graph,
    serialise_table,
    sorted_triples,
)
from graph.sparql.named import Catalogue, ParamError, named_queries, named_query, resolve_value
from graph.sparql.querytext import check_limits, term_text, tokens
from graph.sparql.querytext import validate as validate_query
from graph.sparql.stores import MemoryStore, OxigraphStore, QueryError, QueryTimeout, StoreError
from graph.sparql.workers import Busy, Opener, QueryPool
from graph.terms import PREFIXES

if TYPE_CHECKING:
    from graph.sparql.stores import Store

ENDPOINT = "/sparql"
MAX_BODY = 1 << 20  # bytes; a longer request body gets 413
QUEUE_WAIT = 30.0   # seconds a request waits for a free query worker before 503 busy
CACHE_ENTRIES = 512
CACHE_MAX_BYTES = 1 << 20  # larger answers are not kept
UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY",
                "WITH")
_PROLOGUE = re.compile(r"\s+|#[^\n]*|(?i:PREFIX)\s*[^\s:]*:\s*<[^>]*>|(?i:BASE)\s*<[^>]*>")


class HTTPError(Exception):
    """A response other than 200: status and a plain-text message for people."""

    def __init__(self, status: HTTPStatus, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


# ---------------------------------------------------------------------------------------------
# Pure helpers


def is_update(text: str) -> bool:
    """True when ``text``, after its prologue and comments, starts with an update operation.

    >>> is_update("PREFIX ex: <http://e/#> # add one\\nINSERT DATA { ex:a ex:b ex:c }")
    True
    >>> is_update("SELECT * { ?s ?p ?o }")
    False
    """
    pos = 0
    while m := _PROLOGUE.match(text, pos):
        if m.end() == pos:
            break
        pos = m.end()
    word = re.match(r"[A-Za-z]+", text[pos:])
    return word is not None and word.group(0).upper() in UPDATE_WORDS


def split_params(values: list[str]) -> dict[str, str]:
    """``param=NAME=VALUE`` request values as ``{NAME: VALUE}``; ValueError on a bad one.

    >>> split_params(["event=Baku Cinema Breeze", "with=<https://w3id.org/cinecoop/id/x>"])
    {'event': 'Baku Cinema Breeze', 'with': '<https://w3id.org/cinecoop/id/x>'}
    """
    out: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"bad parameter {item!r}: send param=NAME=VALUE, "
                             "e.g. param=event=Baku Cinema Breeze")
        if name in out:
            raise ValueError(f"parameter {name!r} is given twice")
        value = value.strip()
        # a bare http(s) IRI is meant as the IRI (names are looked up, "text" is a literal)
        out[name] = f"<{value}>" if re.fullmatch(r"https?://\S+", value) else value
    return out


def prefixed_graph(triples: list[Any]) -> Any:
    """A graph of ``triples`` with the project's prefixes bound (shorter Turtle)."""


    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    for triple in triples:
        g.add(triple)
    return g


def query_error_message(exc: Exception) -> str:
    """The parser's message, with its line, column and token when it did not say them."""
    text = str(exc)
    line, column, token = (getattr(exc, a, None) for a in ("line", "column", "token"))
    if line is not None and f"line {line}" not in text:
        near = f" (at {token!r})" if token else ""
        text = f"line {line}, column {column}{near}: {text}"
    return text if text.lower().startswith("malformed") else f"malformed query: {text}"


# ---------------------------------------------------------------------------------------------
# The named-query library, for the page


def query_listing() -> list[dict[str, Any]]:
    """Name, title, description, parameters and text of every named query (``graph/queries``)."""

    return [{"name": q.name, "title": q.title, "description": q.description, "text": q.text,
             "params": [{"name": p.name, "type": p.type_text, "optional": p.optional,
                         "description": p.description, "example": p.example}
                        for p in q.params]}
            for q in named_queries()]


# ---------------------------------------------------------------------------------------------
# The server


@dataclass
class Settings:
    store: Store
    timeout: float | None
    max_rows: int
    page: bytes
    queries_json: bytes
    quiet: bool
    max_running: int = 4
    pool: QueryPool | None = None
    build: str | None = None      # what the store serves (None: it may change, no cache)
    _catalogue: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _slots: threading.BoundedSemaphore | None = None
    _resolved: dict[tuple[Any, str], Any] = field(default_factory=dict)
    _cache: OrderedDict[str, tuple[bytes, str, dict[str, str]]] = field(
        default_factory=OrderedDict)

    def cached(self, key: str) -> tuple[bytes, str, dict[str, str]] | None:
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
            return hit

    def keep(self, key: str, answer: tuple[bytes, str, dict[str, str]]) -> None:
        if self.build is None or len(answer[0]) > CACHE_MAX_BYTES:
            return
        with self._lock:
            self._cache[key] = answer
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)

    def run_query(self, text: str, bindings: dict[str, Any] | None) -> Any:
        """The query on a worker process when there is a pool (stopped at the timeout), else
        in a thread (:meth:`run_in_thread`)."""
        if self.pool is None:
            return self.run_in_thread(text, bindings)
        try:
            return self.pool.query(text, bindings, self.timeout, QUEUE_WAIT)
        except Busy as exc:
            raise HTTPError(HTTPStatus.SERVICE_UNAVAILABLE, f"busy: {exc}; try again shortly",
                            {"Retry-After": "5"}) from None

    def run_in_thread(self, text: str, bindings: dict[str, Any] | None) -> Any:
        """``store.query`` in a worker thread, given up after ``timeout`` s.

        Python cannot stop a thread, nor can pyoxigraph or rdflib cancel a query: an abandoned
        query runs on in the background. At most ``max_running`` queries run at once, the
        abandoned ones included, so runaway queries cannot take every CPU; past that, 503.
        Local stores get no timeout of their own (this one counts their worker exactly);
        a ``sparql:`` store gets it too, so the remote server can cancel.
        """

        with self._lock:
            if self._slots is None:
                self._slots = threading.BoundedSemaphore(self.max_running)
        slots = self._slots
        if not slots.acquire(timeout=min(self.timeout or 5.0, 5.0)):
            raise HTTPError(HTTPStatus.SERVICE_UNAVAILABLE,
                            f"busy: {self.max_running} queries are running (queries past the "
                            "timeout finish in the background); try again shortly",
                            {"Retry-After": "5"})
        local = isinstance(self.store, MemoryStore | OxigraphStore)
        return run_with_timeout(
            lambda: self.store.query(text, bindings, timeout=None if local else self.timeout),
            self.timeout, self.store.name, done=slots.release)

    def bindings(self, raw: dict[str, str], named: str | None) -> dict[str, Any]:
        """Parameter values resolved to RDF terms as ``cinecoop query --param`` resolves them
        (names, ids, ``<IRI>``, ``"literal"``), typed by the named query's declarations when
        ``named`` is given. The store's catalogue of names is read once and kept, and so are the
        terms found (the store does not change while it is served)."""

        declared = {}
        if named:
            query = named_query(named)
            declared = {p.name: p for p in query.params}
            for p in query.params:
                if not p.optional and p.name not in raw:
                    example = f" (e.g. {p.example})" if p.example else ""
                    raise ValueError(f"query {named} needs the parameter {p.name!r}: "
                                     f"{p.description}{example}")
        if not raw:
            return {}
        with self._lock:
            if self._catalogue is None:
                self._catalogue = Catalogue.of(self.store)
        out = {}
        for name, value in sorted(raw.items()):
            param = declared.get(name)
            key = (param, value)
            if key not in self._resolved:
                if len(self._resolved) >= 4096:
                    self._resolved.clear()
                self._resolved[key] = resolve_value(self._catalogue, param, value)
            out[name] = self._resolved[key]
        return out


class EndpointServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128   # the listen backlog: 50 clients connecting at once all get in
    settings: Settings

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One log line, never a traceback: a client that hung up is no server error."""
        exc = sys.exc_info()[1]
        what = ("client went away" if isinstance(exc, ConnectionError | TimeoutError)
                else "request failed")
        sys.stderr.write(f"{client_address[0]}:{client_address[1]} {what}: "
                         f"{type(exc).__name__}: {exc}\n")

    def server_close(self) -> None:
        super().server_close()
        if getattr(self, "settings", None) is not None and self.settings.pool is not None:
            self.settings.pool.close()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host if isinstance(host, str) else host.decode()}:{port}/"


def render_page(store_name: str, queries: list[dict[str, Any]], timeout: float | None,
                max_rows: int) -> bytes:
    """The query page with the named queries and settings inlined (no request leaves it)."""
    template = resources.files("graph.web").joinpath("static/query.html").read_text("utf-8")
    config = {"endpoint": ENDPOINT, "store": store_name, "queries": queries,
              "timeout": timeout, "maxRows": max_rows}
    # "<" written as \u003c: no text of a query can end the <script> element or open a comment
    blob = json.dumps(config, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    return template.replace("/*CONFIG*/null", blob).encode("utf-8")


def make_server(store: Store, host: str = "127.0.0.1", port: int = 0,
                timeout: float | None = 30.0, max_rows: int = 10_000, *,
                quiet: bool = True, max_running: int = 4) -> EndpointServer:
    """A bound (not yet serving) endpoint; call ``serve_forever()`` on it, ``shutdown()`` to stop.

    ``port=0`` picks a free port: read it from ``server.url``. ``max_running`` bounds the
    queries evaluated at once (see :meth:`Settings.run_query`).
    """
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False   # FROM <url> never fetches the web
    queries = query_listing()
    server = EndpointServer((host, port), Handler)
    opener = store_opener(store)
    try:
        pool = QueryPool(opener, max_running) if opener is not None else None
    except BaseException:
        server.server_close()
        raise
    server.settings = Settings(
        store=store, timeout=timeout, max_rows=max_rows,
        page=render_page(getattr(store, "name", "store"), queries, timeout, max_rows),
        queries_json=json.dumps(queries, ensure_ascii=False, indent=1).encode("utf-8"),
        quiet=quiet, max_running=max_running, pool=pool,
        build=f"{opener.kind}:{opener.path}:{os.stat(opener.path).st_mtime_ns}"
        if opener else None)
    return server


def store_opener(store: Store) -> Opener | None:
    """How worker processes open the same build as ``store`` (None: queries stay in threads;
    a ``sparql:`` store has its own server, which applies the timeout)."""
    if isinstance(store, OxigraphStore):
        return Opener("oxigraph", os.path.realpath(store.path))
    if isinstance(store, MemoryStore) and store.source is not None:
        return Opener("memory", os.path.realpath(store.source))
    return None


def refuse_service(text: str) -> None:
    """HTTPError 400 for a query with SERVICE: the endpoint never makes requests of its own."""
    for tok in tokens(text):
        if tok.kind == "word" and tok.text.lower() == "service":
            raise HTTPError(HTTPStatus.BAD_REQUEST,
                            "SERVICE is refused: this endpoint does not send requests to other "
                            "servers; query them yourself")


class Handler(BaseHTTPRequestHandler):
    server: EndpointServer
    protocol_version = "HTTP/1.1"
    server_version = "cinecoop-sparql"
    timeout = 60  # seconds an idle keep-alive connection is kept
    disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms ACK stall

    # -- routing --------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._guard(self._get)

    def do_HEAD(self) -> None:
        self._guard(self._get, head=True)

    def do_POST(self) -> None:
        self._guard(self._post)

    def _refuse_method(self) -> None:
        self._guard(self._raise_read_only)

    do_PUT = do_DELETE = do_PATCH = _refuse_method

    def _raise_read_only(self) -> None:
        raise HTTPError(HTTPStatus.METHOD_NOT_ALLOWED,
                        f"{self.command} is not allowed: this endpoint is read-only "
                        f"(use GET or POST with a SPARQL query)",
                        {"Allow": "GET, HEAD, POST"})

    def _get(self) -> None:
        url = urlsplit(self.path)
        settings = self.server.settings
        if url.path in ("/", "/index.html"):
            self._send(HTTPStatus.OK, settings.page, "text/html; charset=utf-8")
        elif url.path == "/queries.json":
            self._send(HTTPStatus.OK, settings.queries_json, "application/json")
        elif url.path == "/favicon.ico":
            self._send(HTTPStatus.NO_CONTENT, b"", None)
        elif url.path == ENDPOINT:
            self._sparql(parse_qs(url.query, keep_blank_values=True), None)
        else:
            raise HTTPError(HTTPStatus.NOT_FOUND,
                            f"no such page: {url.path} (the SPARQL endpoint is {ENDPOINT}, "
                            f"the query page is /)")

    def _post(self) -> None:
        url = urlsplit(self.path)
        if url.path != ENDPOINT:
            raise HTTPError(HTTPStatus.NOT_FOUND, f"POST goes to {ENDPOINT}, not {url.path}")
        params = parse_qs(url.query, keep_blank_values=True)
        ctype = self.headers.get_content_type()
        if ctype == "application/sparql-update":
            self._read_body()
            raise HTTPError(HTTPStatus.FORBIDDEN,
                            "SPARQL Update is refused: this endpoint is read-only")
        charset = self.headers.get_content_charset("utf-8")
        try:
            codecs.lookup(charset)
        except (LookupError, ValueError):   # unknown, or not even a name (a NUL in it)
            self._read_body()
            raise HTTPError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                            f"unknown charset {charset!r}: send the body as UTF-8") from None
        body = self._read_body().decode(charset, errors="replace")
        if ctype == "application/x-www-form-urlencoded":
            for key, values in parse_qs(body, keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
            self._sparql(params, None)
        elif ctype == "application/sparql-query":
            self._sparql(params, body)
        else:
            raise HTTPError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                            f"unsupported request body {ctype!r}: send "
                            "application/x-www-form-urlencoded (query=...) or "
                            "application/sparql-query")

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise HTTPError(HTTPStatus.LENGTH_REQUIRED, "send the body with a Content-Length")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise HTTPError(HTTPStatus.BAD_REQUEST, "bad Content-Length") from None
        if length > MAX_BODY:
            self.close_connection = True
            raise HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                            f"request body of {length} bytes; the limit is {MAX_BODY}")
        return self.rfile.read(length) if length > 0 else b""

    # -- the SPARQL protocol --------------------------------------------------------------------

    def _sparql(self, params: dict[str, list[str]], body_query: str | None) -> None:
        settings = self.server.settings
        text = self._query_text(params, body_query)
        bindings = self._bindings(params)
        names = params.get("format", []) + params.get("output", [])
        terms = sorted((k, term_text(v)) for k, v in bindings.items())
        # the same request on the same build gets the same bytes: look it up before any work
        key = hashlib.sha256(repr((settings.build, text, terms, self.headers.get("Accept"),
                                   names, settings.max_rows)).encode("utf-8")).hexdigest()
        etag = {"ETag": f'"{key[:32]}"'} if settings.build is not None else {}
        if etag and etag["ETag"] in self.headers.get("If-None-Match", ""):
            self._send(HTTPStatus.NOT_MODIFIED, b"", None, etag)
            return
        answer = settings.cached(key)
        if answer is None:
            answer = self._answer(self._checked(text), bindings, names)
            settings.keep(key, answer)
        payload, content_type, headers = answer
        self._send(HTTPStatus.OK, payload, content_type, {**headers, **etag})

    def _checked(self, text: str) -> str:
        """``text`` once it is within the limits, has no SERVICE, and parses."""
        try:
            check_limits(text)
        except QueryError as exc:
            raise HTTPError(HTTPStatus.BAD_REQUEST, query_error_message(exc)) from None
        refuse_service(text)
        return text

    def _query_text(self, params: dict[str, list[str]], body_query: str | None) -> str:
        """The one query of the request, refused when it is an update or uses SERVICE."""
        if "update" in params:
            raise HTTPError(HTTPStatus.FORBIDDEN,
                            "SPARQL Update is refused: this endpoint is read-only")
        queries = params.get("query", []) + ([body_query] if body_query is not None else [])
        if not queries or not queries[0].strip():
            raise HTTPError(HTTPStatus.BAD_REQUEST,
                            f"no query: send ?query=... (GET), a form with query=... or an "
                            f"application/sparql-query body (POST) to {ENDPOINT}; "
                            "the query page is at /")
        if len(queries) > 1:
            raise HTTPError(HTTPStatus.BAD_REQUEST, "more than one query in the request")
        for unsupported in ("default-graph-uri", "named-graph-uri"):
            if unsupported in params:
                raise HTTPError(HTTPStatus.BAD_REQUEST,
                                f"{unsupported} is not supported here: the default graph is the "
                                "union of all named graphs; use GRAPH or FROM in the query")
        text = queries[0]
        if is_update(text):
            raise HTTPError(HTTPStatus.FORBIDDEN,
                            "SPARQL Update is refused: this endpoint is read-only")
        return text

    def _answer(self, text: str, bindings: dict[str, Any], names: list[str]
                ) -> tuple[bytes, str, dict[str, str]]:
        """Run the query; the payload in the negotiated format, its content type, headers."""
        try:
            form = validate_query(text)
        except QueryError as exc:
            raise HTTPError(HTTPStatus.BAD_REQUEST, query_error_message(exc)) from None
        kind = form if form in ("select", "ask") else "graph"
        fmt = choose_format(kind, self.headers.get("Accept"), *names)
        if fmt is None:
            offered = ", ".join(m for f in formats_for(kind) for m in f.media_types)
            raise HTTPError(HTTPStatus.NOT_ACCEPTABLE,
                            f"none of the accepted types fits a {kind} result; "
                            f"offered: {offered}")
        started = time.perf_counter()
        result = self._execute(text, bindings or None)
        elapsed = (time.perf_counter() - started) * 1000
        cap = self.server.settings.max_rows
        headers = {"X-Cinecoop-Row-Cap": str(cap), "Server-Timing": f"query;dur={elapsed:.1f}",
                   "Vary": "Accept"}
        if result.kind == "graph":
            triples = sorted_triples(result.graph)
            total = len(triples)
            payload = serialise_graph(fmt, prefixed_graph(triples[:cap]))
        else:
            rows = list(result.rows or [])
            total = len(rows)
            payload = serialise_table(fmt, result.kind, list(result.vars or []), rows[:cap],
                                      result.boolean)
        if total > cap:
            headers.update({"X-Cinecoop-Truncated": "true", "X-Cinecoop-Total-Rows": str(total)})
        return payload.encode("utf-8"), fmt.content_type, headers

    def _bindings(self, params: dict[str, list[str]]) -> dict[str, Any]:

        named = params["named"][0] if params.get("named") else None
        try:
            return self.server.settings.bindings(split_params(params.get("param", [])), named)
        except (ValueError, ParamError) as exc:
            raise HTTPError(HTTPStatus.BAD_REQUEST, str(exc)) from None
        except (QueryError, StoreError) as exc:
            raise HTTPError(HTTPStatus.BAD_GATEWAY,
                            f"cannot read the names of the store to resolve parameters: {exc}"
                            ) from None

    def _execute(self, text: str, bindings: dict[str, Any] | None) -> Any:

        settings = self.server.settings
        try:
            return settings.run_query(text, bindings)
        except QueryError as exc:
            raise HTTPError(HTTPStatus.BAD_REQUEST, query_error_message(exc)) from None
        except QueryTimeout as exc:
            raise HTTPError(HTTPStatus.SERVICE_UNAVAILABLE, str(exc)) from None
        except StoreError as exc:  # e.g. a sparql:URL store that cannot be reached
            raise HTTPError(HTTPStatus.BAD_GATEWAY, str(exc)) from None
        except HTTPError:
            raise
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            raise HTTPError(HTTPStatus.INTERNAL_SERVER_ERROR,
                            f"the query failed: {type(exc).__name__}: {exc}") from None

    # -- responses ------------------------------------------------------------------------------

    def _guard(self, action: Callable[[], None], head: bool = False) -> None:
        self._head_only = head
        try:
            action()
        except HTTPError as exc:
            self._send(exc.status, (exc.message + "\n").encode("utf-8"),
                       "text/plain; charset=utf-8", exc.headers)
        except (ConnectionError, TimeoutError):
            raise                     # the client is gone: one log line (handle_error)
        except Exception as exc:      # a bug: say so in one line, answer 500, keep serving
            sys.stderr.write(f"{self.client_address[0]}: internal error on {self.command} "
                             f"{self.path[:200]!r}: {type(exc).__name__}: {exc}\n")
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR,
                       f"internal error: {type(exc).__name__}: {exc}\n".encode(),
                       "text/plain; charset=utf-8")

    def _send(self, status: HTTPStatus, body: bytes, content_type: str | None,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if content_type and content_type.startswith("text/html"):
            self.send_header("Content-Security-Policy",
                             "default-src 'self'; script-src 'unsafe-inline'; "
                             "style-src 'unsafe-inline'; img-src 'self' data:")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if not getattr(self, "_head_only", False) and body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        if not self.server.settings.quiet:
            super().log_message(format, *args)


def serve(server: EndpointServer, echo: Callable[[str], None] = print) -> None:
    """Serve until Ctrl-C, then close the socket."""
    echo(f"SPARQL endpoint {server.url.rstrip('/')}{ENDPOINT} "
         f"(store {server.settings.store.name}); query page {server.url}; Ctrl-C stops")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
