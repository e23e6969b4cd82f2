"""Load on a real ``cinecoop serve``: N clients for T seconds of named queries, then runaways.

    python scripts/load.py                           # 50 clients x 60 s (the issue's target)
    python scripts/load.py --clients 10 --seconds 10 # the size CI runs (tests/test_fuzz.py)

It builds the curated graph into a temporary folder, starts ``cinecoop serve --port 0`` on
127.0.0.1 (never another address), and stops it at the end: nothing is left running.

1. ``--clients`` clients, each on its own HTTP/1.1 connection, send the named queries (with
   their example parameters) one after the other for ``--seconds`` seconds. Clients are
   threads spread over a few processes, so the client side does not become the bottleneck.
   Every answer must be 200; a connection reset, a timeout or another status is an error.
2. ``--runaways`` queries that would run for many CPU-minutes (a three-way cross join of the
   whole graph) are sent at once; the server's ``--timeout`` stops them. Meanwhile and
   afterwards, a quick query is timed: the endpoint must keep answering.

Prints requests/s, latency percentiles and errors, and whether the targets (p99 <= 200 ms, the
quick query <= 50 ms after the runaways) are met. Exit status 1 on any error, or, with
``--strict``, on a missed target.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).resolve().parent
REPO = SCRIPTS.parent
sys.path[:0] = [str(REPO), str(SCRIPTS)]

HOST = "127.0.0.1"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
QUICK = "ASK { ?s ?p ?o }"
TARGET_P99_MS = 200.0
TARGET_AFTER_RUNAWAY_MS = 50.0


def named_bodies() -> list[bytes]:
    """One form body per named query, with its example parameters."""
    from graph.sparql.named import named_queries

    bodies = []
    for q in named_queries():
        fields = [("query", q.text), ("named", q.name)]
        fields += [("param", f"{p.name}={p.example}") for p in q.params
                   if p.example and not p.optional]
        if all(p.example or p.optional for p in q.params):
            bodies.append(urllib.parse.urlencode(fields).encode())
    return bodies


def _client(port: int, bodies: list[bytes], offset: int, deadline: float,
            out: list[float], errors: list[str]) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "Accept": "application/sparql-results+json"}
    i = offset
    while time.perf_counter() < deadline:
        body = bodies[i % len(bodies)]
        i += 1
        t0 = time.perf_counter()
        try:
            conn.request("POST", "/sparql", body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                errors.append(f"status {resp.status}")
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
            continue
        out.append((time.perf_counter() - t0) * 1000)
    conn.close()


def _client_process(job: tuple[int, list[bytes], list[int], float, float]
                    ) -> tuple[list[float], list[str]]:
    """One process of client threads; all processes start together at ``start_at``."""
    port, bodies, offsets, start_at, seconds = job
    latencies: list[float] = []
    errors: list[str] = []
    time.sleep(max(0.0, start_at - time.time()))
    deadline = time.perf_counter() + seconds
    threads = [threading.Thread(target=_client, args=(port, bodies, o, deadline, latencies,
                                                      errors)) for o in offsets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def load_phase(port: int, clients: int, seconds: float) -> dict[str, Any]:
    """``clients`` clients for ``seconds`` s, threads spread over up to 4 processes."""
    bodies = named_bodies()
    procs = min(4, clients)
    start_at = time.time() + 1.0
    jobs = [(port, bodies, list(range(k, clients, procs)), start_at, seconds)
            for k in range(procs)]
    with mp.get_context("spawn").Pool(procs) as pool:
        parts = pool.map(_client_process, jobs)
    latencies = [x for lat, _ in parts for x in lat]
    errors = [e for _, err in parts for e in err]
    return {"clients": clients, "seconds": seconds, "requests": len(latencies),
            "per_s": len(latencies) / seconds, "errors": len(errors),
            "error_kinds": sorted(set(errors))[:5],
            "p50": pct(latencies, 0.50), "p90": pct(latencies, 0.90),
            "p99": pct(latencies, 0.99), "max": max(latencies, default=float("nan"))}


def _get(port: int, query: str) -> tuple[int, float]:
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    t0 = time.perf_counter()
    conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}))
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp.status, (time.perf_counter() - t0) * 1000


def runaway_phase(port: int, runaways: int) -> dict[str, Any]:
    """Send ``runaways`` huge queries at once; time a quick query during and after them."""
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda: statuses.append(_get(port, RUNAWAY)[0]))
               for _ in range(runaways)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    during = [_get(port, QUICK + f" # during {i}") for i in range(3)]
    for t in threads:
        t.join()
    time.sleep(0.2)
    after = [_get(port, QUICK + f" # after {i}") for i in range(20)]
    bad = [s for s, _ in during + after if s != 200]
    return {"runaways": runaways, "runaway_statuses": sorted(statuses),
            "during_ms": max(ms for _, ms in during), "after_p50_ms": pct(
                [ms for _, ms in after], 0.5), "after_max_ms": max(ms for _, ms in after),
            "errors": len(bad)}


def start_server(out: Path, timeout: float, workers: int) -> tuple[subprocess.Popen[str], int]:
    cmd = [sys.executable, "-m", "graph.cli", "--data", str(REPO / "data"), "--out", str(out),
           "serve", "--host", HOST, "--port", "0", "--quiet", "--timeout", str(timeout),
           "--max-running", str(workers)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1",
           "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("CINECOOP_SOURCES", None)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)/sparql", line)
    if not m:
        proc.kill()
        raise SystemExit(f"the server did not start: {line}{proc.communicate()[1]}")
    return proc, int(m.group(1))


def run(clients: int, seconds: float, runaways: int = 4, timeout: float = 30.0,
        workers: int = 4) -> dict[str, Any]:
    """Both phases on a fresh server; the summary (``errors`` must be 0)."""
    tmp = Path(tempfile.mkdtemp(prefix="cinecoop-load-"))
    proc, port = start_server(tmp / "out", timeout, workers)
    try:
        load = load_phase(port, clients, seconds)
        runaway = runaway_phase(port, runaways) if runaways else {"errors": 0}
    finally:
        proc.terminate()
        try:
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        shutil.rmtree(tmp, ignore_errors=True)
    tracebacks = err.count("Traceback")
    return {"load": load, "runaway": runaway, "server_tracebacks": tracebacks,
            "errors": load["errors"] + runaway["errors"] + tracebacks}


def report(summary: dict[str, Any]) -> list[str]:
    load, runaway = summary["load"], summary["runaway"]
    lines = [f"load: {load['clients']} clients x {load['seconds']:g} s: {load['requests']} "
             f"requests ({load['per_s']:.0f}/s), {load['errors']} errors; latency ms p50 "
             f"{load['p50']:.1f}, p90 {load['p90']:.1f}, p99 {load['p99']:.1f}, max "
             f"{load['max']:.1f} (target p99 <= {TARGET_P99_MS:g}: "
             f"{'met' if load['p99'] <= TARGET_P99_MS else 'MISSED'})"]
    if load["error_kinds"]:
        lines.append(f"  errors: {load['error_kinds']}")
    if "runaways" in runaway:
        met = runaway["after_max_ms"] <= TARGET_AFTER_RUNAWAY_MS
        lines.append(f"runaway: {runaway['runaways']} runaway queries answered "
                     f"{runaway['runaway_statuses']}; a quick query meanwhile "
                     f"{runaway['during_ms']:.1f} ms, afterwards p50 "
                     f"{runaway['after_p50_ms']:.1f} ms, max {runaway['after_max_ms']:.1f} ms "
                     f"(target <= {TARGET_AFTER_RUNAWAY_MS:g}: {'met' if met else 'MISSED'}); "
                     f"{runaway['errors']} errors")
    lines.append(f"server log: {summary['server_tracebacks']} tracebacks")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--runaways", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="the server's query timeout (stops the runaways)")
    parser.add_argument("--workers", type=int, default=4, help="the server's --max-running")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    summary = run(args.clients, args.seconds, args.runaways, args.timeout, args.workers)
    for line in report(summary):
        print(line)
    missed = summary["load"]["p99"] > TARGET_P99_MS or (
        args.runaways and summary["runaway"]["after_max_ms"] > TARGET_AFTER_RUNAWAY_MS)
    return 1 if summary["errors"] or (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
