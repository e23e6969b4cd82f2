"""Queries run in worker processes, so that a query past its timeout can really be stopped.

pyoxigraph cannot cancel a query, and Python cannot stop a thread: an abandoned query in a
thread keeps a core busy until it ends. A :class:`QueryPool` keeps ``size`` worker processes,
each with the store opened read-only (Oxigraph) or parsed (memory); a query goes to an idle
worker; a worker that passes the timeout is killed (SIGKILL) and replaced at once. Requests
wait for a worker in a bounded queue: past ``queue_limit`` waiting, or when no worker frees up
within the wait, :class:`Busy`.

Workers start from a ``forkserver`` (one clean process that imported this module once), so a
replacement is ready in a few tens of milliseconds and never inherits the server's threads.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import signal
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph

from graph.sparql.base import QueryError, QueryResult, QueryTimeout, StoreError
from graph.sparql.stores import MemoryStore, OxigraphStore

__all__ = ["Busy", "Opener", "QueryPool"]


class Busy(Exception):
    """Every worker is busy and the queue is full (or the wait ran out)."""


@dataclass(frozen=True)
class Opener:
    """How a worker opens the store: ``kind`` 'oxigraph' (a store folder) or 'memory' (a TriG
    file); ``path`` is resolved once, so every worker serves the same build."""

    kind: str
    path: str

    def open(self) -> OxigraphStore | MemoryStore:
        if self.kind == "oxigraph":
            return OxigraphStore(Path(self.path))
        ds = Dataset(default_union=True)
        ds.parse(self.path, format="trig")
        return MemoryStore(ds, name=f"memory:{self.path}")


def _worker_main(conn: Connection, opener: Opener) -> None:
    """A worker: open the store, then answer (text, bindings) with a result or an error.

    Ctrl-C reaches the whole process group: the server decides, workers ignore it; when the
    server is gone, the pipe closes and the worker ends quietly.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        try:
            store = opener.open()
        except Exception as exc:
            conn.send(("error", "StoreError", f"cannot open {opener.path}: {exc}", None, None,
                       None, None))
            return
        conn.send(("ready",))
        while True:
            text, bindings = conn.recv()
            conn.send(_answer(store, text, bindings))
    except (EOFError, OSError):
        return


def _answer(store: OxigraphStore | MemoryStore, text: str, bindings: Any) -> tuple[Any, ...]:
    try:
        result = store.query(text, bindings)
    except QueryError as exc:
        return ("error", "QueryError", exc.reason, exc.line, exc.column, exc.token, exc.query)
    except Exception as exc:  # handed to the server, which answers for it
        return ("error", type(exc).__name__, str(exc), None, None, None, None)
    if result.graph is not None:      # triples travel better than a Graph object
        return ("ok", QueryResult("graph", [], []), list(result.graph))
    return ("ok", result, None)


class _Worker:
    def __init__(self, ctx: Any, opener: Opener):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, opener), daemon=True,
                                   name="cinecoop-query-worker")
        self.process.start()
        child.close()

    def ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise StoreError(f"a query worker did not start within {timeout:g} s")
        msg = self.conn.recv()
        if msg[0] != "ready":
            self.kill()
            raise StoreError(msg[2])

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryPool:
    """``size`` worker processes answering queries on one store, killed on timeout."""

    def __init__(self, opener: Opener, size: int = 4, queue_limit: int = 64):
        self.opener = opener
        self.size = size
        self.queue_limit = queue_limit
        self._ctx = mp.get_context("forkserver")
        self._ctx.set_forkserver_preload(["graph.sparql.workers", "graph.sparql.stores"])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._waiting = 0
        self._closed = False
        workers = [_Worker(self._ctx, opener) for _ in range(size)]
        try:
            for w in workers:
                w.ready(120)
        except BaseException:
            for w in workers:
                w.kill()
            raise
        for w in workers:
            self._idle.put(w)

    def query(self, text: str, bindings: dict[str, Any] | None, timeout: float | None,
              wait: float) -> QueryResult:
        """Run one query on a free worker; QueryTimeout (and the worker killed) past
        ``timeout``; Busy when no worker frees up within ``wait`` seconds."""
        worker = self._take(wait)
        try:
            worker.conn.send((text, bindings))
            if not worker.conn.poll(timeout):
                raise QueryTimeout(f"the query ran longer than the {timeout:g} s timeout and "
                                   "was stopped")
            msg = worker.conn.recv()
        except QueryTimeout:
            self._replace(worker)
            raise
        except (EOFError, OSError):
            self._replace(worker)
            raise StoreError("the query worker ended unexpectedly; it was replaced") from None
        self._idle.put(worker)
        return _decode(msg)

    def _take(self, wait: float) -> _Worker:
        with self._lock:
            if self._waiting >= self.queue_limit:
                raise Busy(f"{self._waiting} queries are waiting for one of {self.size} workers")
            self._waiting += 1
        try:
            return self._idle.get(timeout=wait)
        except queue.Empty:
            raise Busy(f"no query worker was free within {wait:g} s") from None
        finally:
            with self._lock:
                self._waiting -= 1

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and start another in the background (ready in tens of ms)."""
        worker.kill()

        def start() -> None:
            while not self._closed:
                fresh = _Worker(self._ctx, self.opener)
                try:
                    fresh.ready(120)
                except StoreError:
                    time.sleep(1)
                    continue
                if self._closed:
                    fresh.kill()
                else:
                    self._idle.put(fresh)
                return

        threading.Thread(target=start, name="cinecoop-worker-start", daemon=True).start()

    def pids(self) -> list[int]:
        """The process ids of the idle workers (for tests and logs)."""
        with self._idle.mutex:
            return [w.process.pid for w in self._idle.queue if w.process.pid is not None]

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return


def _decode(msg: tuple[Any, ...]) -> QueryResult:
    if msg[0] == "ok":
        result, triples = msg[1], msg[2]
        if triples is not None:
            g = Graph()
            for t in triples:
                g.add(t)
            result = QueryResult("graph", [], [], graph=g)
        assert isinstance(result, QueryResult)
        return result
    _, kind, message, line, column, token, query = msg
    if kind == "QueryError":
        raise QueryError(message, line, column, token, query)
    if kind == "QueryTimeout":
        raise QueryTimeout(message)
    raise StoreError(message if kind == "StoreError" else f"{kind}: {message}")
