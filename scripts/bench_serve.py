"""Benchmark of ``cinecoop serve``: requests/s and latency of named queries over loopback HTTP.

    python scripts/bench_serve.py                    # curated graph + 1000 synthetic events
    python scripts/bench_serve.py --events 0         # curated graph only

Run alone or as the ``serve`` section of scripts/bench.py (``run(emit)``). The server runs in
this process on 127.0.0.1 (a thread, port picked free); clients keep one HTTP/1.1 connection
each (``http.client``). Every loop is bounded: at most ``REQUESTS`` requests or ``BUDGET``
seconds per measurement. "in-process" is the same query on the same store without HTTP, for
the cost of the protocol and the serialisation.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).resolve().parent
REPO = SCRIPTS.parent
sys.path[:0] = [str(REPO), str(SCRIPTS)]

Emit = Callable[[str, list[dict[str, Any]]], None]
REQUESTS = 200          # most requests per measurement
BUDGET = 3.0            # most seconds per measurement
CLIENTS = 4             # threads for the concurrent measurement
CURATED = ("participants", "agencies-at-event", "posts-of", "organisation-pairs", "timeline")
SYNTHETIC = ("organisation-pairs", "country-pairs", "timeline", "graphs")
ACCEPT = {"json": "application/sparql-results+json", "csv": "text/csv"}


def _body(name: str, with_examples: bool) -> bytes:
    from graph.sparql.named import named_query

    q = named_query(name)
    fields: list[tuple[str, str]] = [("query", q.text)]
    if with_examples and q.params:
        fields.append(("named", name))
        fields += [("param", f"{p.name}={p.example}") for p in q.params
                   if p.example and not p.optional]
    return urllib.parse.urlencode(fields).encode()


def _client(port: int, body: bytes, accept: str, deadline: float, limit: int,
            latencies: list[float], rows: list[int]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
    try:
        while len(latencies) < limit and time.perf_counter() < deadline:
            t0 = time.perf_counter()
            conn.request("POST", "/sparql", body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            latencies.append(time.perf_counter() - t0)
            if resp.status != 200:
                raise RuntimeError(f"HTTP {resp.status}: {data[:300]!r}")
            # rows of the result: the server's count when it cut it, else the CSV/JSON rows
            total = resp.getheader("X-Cinecoop-Total-Rows")
            if total:
                rows.append(int(total))
            elif data.startswith(b"{"):
                rows.append(len(json.loads(data)["results"]["bindings"]))
            else:
                rows.append(data.count(b"\n") - 1)
    finally:
        conn.close()


def measure(port: int, body: bytes, accept: str, clients: int = 1) -> dict[str, Any]:
    """Requests/s and latency (ms) over at most REQUESTS requests or BUDGET seconds."""
    latencies: list[float] = []
    rows: list[int] = []
    deadline = time.perf_counter() + BUDGET
    t0 = time.perf_counter()
    threads = [threading.Thread(target=_client, args=(port, body, accept, deadline, REQUESTS,
                                                      latencies, rows)) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    ms = sorted(x * 1000 for x in latencies)
    return {"requests": len(ms), "req/s": len(ms) / wall, "median ms": statistics.median(ms),
            "p95 ms": ms[min(len(ms) - 1, int(len(ms) * 0.95))], "rows": rows[-1]}


def _in_process(store: Any, body: bytes) -> float:
    """Median ms of the same query run on the store directly (params resolved once)."""
    from graph.sparql.named import bind_params, named_query

    fields = urllib.parse.parse_qs(body.decode())
    text = fields["query"][0]
    named = named_query(fields["named"][0]) if "named" in fields else None
    raw = dict(v.split("=", 1) for v in fields.get("param", []))
    bindings = bind_params(store, named, raw) if raw else None
    times = []
    deadline = time.perf_counter() + BUDGET
    while len(times) < REQUESTS and time.perf_counter() < deadline:
        t0 = time.perf_counter()
        store.query(text, bindings)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def bench_store(label: str, store: Any, names: tuple[str, ...], with_examples: bool,
                emit: Emit) -> None:
    from graph.sparql.serve import make_server

    server = make_server(store, "127.0.0.1", 0, timeout=60.0, max_rows=10_000)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    table = []
    try:
        for name in names:
            body = _body(name, with_examples)
            measure_once = measure(port, body, ACCEPT["json"], 1)  # warm-up (catalogue, caches)
            one = measure(port, body, ACCEPT["json"], 1)
            csv = measure(port, body, ACCEPT["csv"], 1)
            many = measure(port, body, ACCEPT["json"], CLIENTS)
            table.append({"query": name, "rows": one["rows"],
                          "in-process ms": _in_process(store, body),
                          "HTTP median ms": one["median ms"], "p95 ms": one["p95 ms"],
                          "req/s (1 client)": one["req/s"], "CSV req/s": csv["req/s"],
                          f"req/s ({CLIENTS} clients)": many["req/s"],
                          "requests": one["requests"] + csv["requests"] + many["requests"]
                          + measure_once["requests"]})
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
    emit(f"serve: {label}", table)


def run(emit: Emit, events: tuple[int, ...] = (1000,)) -> None:
    from graph.data.build import build, load_dataset, write_local_store
    from graph.sparql.stores import MemoryStore, open_store

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        build(REPO / "data", out)
        bench_store("curated graph, oxigraph", open_store("oxigraph", out, REPO / "data"),
                    CURATED, True, emit)
        bench_store("curated graph, memory (rdflib)", MemoryStore(load_dataset(out)), CURATED,
                    True, emit)
        import synth

        for n in events:
            ds = synth.synthetic_dataset(n)
            synth_out = Path(tmp) / f"synth{n}"
            write_local_store(synth_out, ds)
            triples = sum(1 for _ in ds.quads((None, None, None, None)))
            bench_store(f"synthetic {n} events ({triples} quads), oxigraph",
                        open_store(f"oxigraph:{synth_out / 'store'}", synth_out, synth_out),
                        SYNTHETIC, False, emit)


def main() -> None:
    from bench import emit

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="*", default=[1000],
                        help="synthetic graph sizes (0 or none: curated only)")
    args = parser.parse_args()
    run(emit, tuple(n for n in args.events if n > 0))


if __name__ == "__main__":
    main()
