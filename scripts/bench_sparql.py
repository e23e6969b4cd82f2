"""Benchmark of the SPARQL stores: loading, opening, and every named query, memory vs Oxigraph.

    python scripts/bench_sparql.py [--events 1000] [--repeat 3]

Run on the curated graph and on ``scripts/synth.py``'s synthetic graph. Query times are the
median of ``--repeat`` runs (one run when a query takes over 5 s), parameters resolved once
beforehand, results converted to rdflib terms (what ``cinecoop query`` pays). Every query's
rows are checked equal on both stores. ``scripts/bench.py`` imports :func:`run`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).resolve().parent
REPO = SCRIPTS.parent
sys.path[:0] = [str(REPO), str(SCRIPTS)]

Emit = Callable[[str, list[dict[str, Any]]], None]
SLOW = 5.0          # seconds: above this a query is timed once
CAP = 600.0         # seconds: a query on the memory store is abandoned after this

PICK = {  # for the synthetic graph: the busiest entity of each kind, found with SPARQL
    "event": "SELECT ?x WHERE { ?p cc:event ?x } GROUP BY ?x ORDER BY DESC(COUNT(?p)) ?x LIMIT 1",
    "person": "SELECT ?x WHERE { ?h org:member ?x } GROUP BY ?x ORDER BY DESC(COUNT(?h)) ?x "
              "LIMIT 1",
    "organisation": "SELECT ?x WHERE { ?h org:organization ?x } GROUP BY ?x "
                    "ORDER BY DESC(COUNT(?h)) ?x LIMIT 1",
    "agent": "SELECT ?x WHERE { ?x cc:participatedIn ?e FILTER NOT EXISTS { ?x a cc:Person } "
             "FILTER NOT EXISTS { ?x a cc:Country } } GROUP BY ?x ORDER BY DESC(COUNT(?e)) ?x "
             "LIMIT 1",
    "source": "SELECT ?x WHERE { ?x a cc:NewsArticle } ORDER BY ?x LIMIT 1",
    "thing": "SELECT ?x WHERE { ?h org:member ?x } GROUP BY ?x ORDER BY DESC(COUNT(?h)) ?x "
             "LIMIT 1",
}
PREFIXES = ("PREFIX cc: <https://w3id.org/cinecoop/ontology#>\n"
            "PREFIX org: <http://www.w3.org/ns/org#>\n")


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median seconds over ``repeat`` runs (one run if the first is slow), and the result."""
    times: list[float] = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
        if times[0] > SLOW:
            break
    return statistics.median(times), result


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def curated_params(store: Any) -> dict[str, dict[str, Any]]:
    """Each named query's header example, resolved to RDF terms on ``store``."""
    from graph.sparql.named import bind_params, named_queries

    return {q.name: bind_params(store, q, {p.name: p.example for p in q.params
                                           if p.example and not p.optional})
            for q in named_queries()}


def synthetic_params(store: Any) -> dict[str, dict[str, Any]]:
    from graph.sparql.named import named_queries

    picked = {k: store.query(PREFIXES + q).rows[0][0] for k, q in PICK.items()}
    return {q.name: {p.name: picked[p.name] for p in q.params if not p.optional}
            for q in named_queries()}


def time_queries(label: str, stores: dict[str, Any], params: dict[str, dict[str, Any]],
                 repeat: int) -> list[dict[str, Any]]:
    from graph.sparql.named import named_queries
    from graph.sparql.stores import QueryTimeout

    rows = []
    for q in named_queries():
        line: dict[str, Any] = {"query": q.name}
        answers = {}
        for name in ("memory", "oxigraph"):
            store = stores[name]
            try:
                seconds, result = timed(lambda s=store, t=q.text, b=params[q.name]:
                                        s.query(t, b, timeout=CAP), repeat)
            except QueryTimeout:
                line[f"{name} ms"] = f"> {CAP:g} s"
                continue
            answers[name] = sorted(map(repr, result.rows))
            line["rows"] = len(result.rows)
            line[f"{name} ms"] = ms(seconds)
        if isinstance(line.get("memory ms"), float) and isinstance(line.get("oxigraph ms"),
                                                                    float):
            line["oxigraph/memory"] = round(line["oxigraph ms"] / max(line["memory ms"], 0.01),
                                            3)
            line["speed-up"] = f"{line['memory ms'] / max(line['oxigraph ms'], 0.01):.1f}x"
        if len(answers) == 2 and answers["memory"] != answers["oxigraph"]:
            line["rows"] = f"{line['rows']} (DIFFER)"
        print(f"  {label} {q.name}: {line}", file=sys.stderr, flush=True)
        rows.append(line)
    return rows


def load_rows(label: str, ds: Any, out: Path, repeat: int) -> tuple[dict[str, Any], Any, Any]:
    """Write graph.trig and the Oxigraph store for ``ds``; time parsing vs opening."""
    from rdflib import Dataset

    from graph.data.build import STORE_DIR, trig_text, write_atomic, write_local_store
    from graph.sparql.stores import MemoryStore, OxigraphStore

    write_atomic(out / "graph.trig", trig_text(ds))
    quads = sum(len(c) for c in ds.graphs())

    def parse() -> Any:
        d = Dataset(default_union=True)
        d.parse(out / "graph.trig", format="trig")
        return d

    t_parse, parsed = timed(parse, repeat)
    t_write, _ = timed(lambda: write_local_store(out, ds), 1)
    t_open, oxi = timed(lambda: OxigraphStore(out / STORE_DIR), repeat)
    row = {"graph": label, "quads": quads,
           "memory: parse graph.trig s": round(t_parse, 3),
           "oxigraph: write store s": round(t_write, 3),
           "oxigraph: open ms": ms(t_open),
           "open/parse": round(t_open / t_parse, 5),
           "parse/open": f"{t_parse / t_open:.0f}x"}
    return row, MemoryStore(parsed), oxi


def cli_rows(out: Path, data: Path) -> list[dict[str, Any]]:
    """One whole ``cinecoop query timeline`` process per store, on the curated graph."""
    rows = []
    for spec in ("oxigraph", "memory"):
        cmd = [sys.executable, "-m", "graph.cli", "--out", str(out), "--data", str(data),
               "query", "timeline", "--store", spec, "--format", "csv"]
        seconds, _ = timed(lambda c=cmd: subprocess.run(c, capture_output=True, check=True,
                                                        cwd=REPO, env={**os.environ}), 3)
        rows.append({"command": f"cinecoop query timeline --store {spec}", "s": round(seconds,
                                                                                  3)})
    return rows


def run(emit: Emit, n_events: int = 1000, repeat: int = 3) -> None:
    import synth

    from graph.data.build import build, load_dataset

    with tempfile.TemporaryDirectory(prefix="bench-sparql-") as tmp:
        curated_out = Path(tmp) / "curated"
        build(REPO / "data", curated_out)
        load, memory, oxi = load_rows("curated", load_dataset(curated_out), curated_out,
                                      repeat)
        stores = {"memory": memory, "oxigraph": oxi}
        curated = time_queries("curated", stores, curated_params(oxi), repeat)
        cli = cli_rows(curated_out, REPO / "data")

        synth_out = Path(tmp) / "synthetic"
        print(f"  synthesising {n_events} events ...", file=sys.stderr, flush=True)
        ds = synth.synthetic_dataset(n_events)
        synth_load, s_memory, s_oxi = load_rows(f"synthetic n_events={n_events}", ds,
                                                synth_out, repeat)
        synthetic = time_queries("synthetic", {"memory": s_memory, "oxigraph": s_oxi},
                                 synthetic_params(s_oxi), repeat)

    emit("sparql: loading (memory parses graph.trig per command; Oxigraph is written once "
         "by build, then opened)", [load, synth_load])
    emit("sparql: one whole command on the curated graph", cli)
    emit("sparql: named queries, curated graph (ms)", curated)
    emit(f"sparql: named queries, synthetic graph, n_events={n_events} (ms)", synthetic)


def print_table(section: str, rows: list[dict[str, Any]]) -> None:
    """Markdown table (the same layout as scripts/bench.py's emit)."""
    print(f"\n### {section}\n")
    cols = list(dict.fromkeys(c for row in rows for c in row))
    print("| " + " | ".join(cols) + " |")
    print("|" + "|".join("---" for _ in cols) + "|")
    for row in rows:
        print("| " + " | ".join(str(row.get(c, "")) for c in cols) + " |")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    run(print_table, args.events, args.repeat)


if __name__ == "__main__":
    main()
