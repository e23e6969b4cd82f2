"""Benchmarks: numbers and ratios, measured in one process (never asserted in tests).

    python scripts/bench.py            # every section
    python scripts/bench.py --only build,sparql

Sections: ``build`` (this file: CLI start-up, validate/build on the curated and a synthetic
graph), then ``sparql``, ``serve``, ``network`` and ``html`` from scripts/bench_*.py. Each
section prints Markdown tables; ratios compare with a baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import compileall
import importlib
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


def emit(section: str, rows: list[dict[str, Any]]) -> None:
    """Print one Markdown table."""
    print(f"\n### {section}\n")
    if not rows:
        print("(no rows)")
        return
    cols = list(rows[0])
    for row in rows[1:]:
        cols += [c for c in row if c not in cols]
    print("| " + " | ".join(cols) + " |")
    print("|" + "|".join("---" for _ in cols) + "|")
    for row in rows:
        print("| " + " | ".join(_fmt(row.get(c, "")) for c in cols) + " |")
    sys.stdout.flush()


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Median wall time in seconds over ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def run_build(out: Emit) -> None:
    from rdflib import Dataset

    from graph.data.build import build, load_dataset, serialise
    from graph.data.validate import shacl_problems

    py = sys.executable
    base, _ = timed(lambda: subprocess.run([py, "-c", "pass"], check=True), 5)
    from bench_targets import CINECOOP

    helptime, _ = timed(lambda: subprocess.run([*CINECOOP, "--help"], check=True,
                                               capture_output=True, cwd=REPO), 5)
    out("CLI start-up (median of 5)", [
        {"command": "python -c pass (baseline)", "seconds": base, "ratio": 1.0},
        {"command": "cinecoop --help", "seconds": helptime, "ratio": helptime / base},
    ])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        t_build, result = timed(lambda: build(REPO / "data", Path(tmp) / "out"))
        t_load, _ = timed(lambda: load_dataset(Path(tmp) / "out"))
        rows.append({"graph": "curated", "triples": result.triples, "build s": t_build,
                     "parse trig s": t_load})
    import synth

    for n_events in (100, 1000):
        records = synth.synthetic_records(n_events)
        from graph.data.load import build_dataset

        t_ds, ds = timed(lambda records=records: build_dataset(records), 1)
        n = sum(1 for _ in ds.quads((None, None, None, None)))
        t_ser, texts = timed(lambda ds=ds: serialise(ds), 1)
        t_shacl, _ = timed(lambda ds=ds, records=records: shacl_problems(ds, records), 1)

        def parse(texts: dict[str, str] = texts) -> Dataset:
            d = Dataset()
            d.parse(data=texts["graph.trig"], format="trig")
            return d

        t_parse, _ = timed(parse, 1)
        rows.append({"graph": f"synthetic {n_events} events", "triples": n,
                     "load records s": t_ds, "serialise s": t_ser, "SHACL s": t_shacl,
                     "parse trig s": t_parse})
    out("build and validate", rows)


def run_curation(out: Emit) -> None:
    """find and show on the curated graph end to end; find over 100,000 labels, cold."""
    from bench_targets import CINECOOP as cli  # the installed script, as a user runs it
    from synth import synthetic_names

    from graph.data.build import build
    from graph.data.duplicates import names_table
    from graph.data.lookup import TABLE
    from graph.files import write_atomic

    py = sys.executable
    base, _ = timed(lambda: subprocess.run([py, "-c", "pass"], check=True), 5)
    rows: list[dict[str, Any]] = [{"command": "python -c pass (baseline)", "seconds": base,
                                   "ratio": 1.0}]
    with tempfile.TemporaryDirectory() as tmp:
        curated = Path(tmp) / "out"
        build(REPO / "data", curated)
        for args in (["find", "Рашадом Азизовым"], ["find", "Gurban Primov"],
                     ["show", "Рашадом Азизовым"], ["show", "Kyrgyzfilm"]):
            cmd = [*cli, "--out", str(curated), *args]
            t, _ = timed(lambda cmd=cmd: subprocess.run(cmd, check=False, capture_output=True,
                                                        cwd=REPO), 5)
            rows.append({"command": f"cinecoop {' '.join(args)} (curated)", "seconds": t,
                         "ratio": t / base})
        synth = Path(tmp) / "synth"
        records = synthetic_names(100_000)
        write_atomic(synth / TABLE, names_table(records, "synthetic"))
        probe = str(records[len(records) // 2].data["labels"]["ru"])
        for args in (["find", probe], ["find", probe[:-1] + "ым"], ["find", "Zzyzx Qwerty"]):
            cmd = [*cli, "--data", str(Path(tmp) / "no-data"), "--out", str(synth), *args]
            t, _ = timed(lambda cmd=cmd: subprocess.run(cmd, check=False, capture_output=True,
                                                        cwd=REPO), 3)
            rows.append({"command": f"cinecoop find {args[1]!r} (100,000 labels, cold)",
                         "seconds": t, "ratio": t / base})
    out("curation: find and show, each a new process (median)", rows)


# "build" is measured here; the other sections (targets first: the table in the README) are
# scripts/bench_<name>.py, each with run(emit)
SECTIONS = ("targets", "build", "curation", "sparql", "serve", "network", "html")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated sections")
    args = parser.parse_args()
    wanted = [s for s in args.only.split(",") if s] or list(SECTIONS)
    # Time what an install runs: the package byte-compiled (an editable install writes no .pyc
    # and PYTHONDONTWRITEBYTECODE may be set; setup.sh compiles too). Only stale files compile.
    compileall.compile_dir(str(REPO / "graph"), quiet=1)
    for name in wanted:
        print(f"\n## {name}")
        fn: Callable[[Emit], None] | None = {"build": run_build,
                                             "curation": run_curation}.get(name)
        if fn is None:
            try:
                module = importlib.import_module(f"bench_{name}")
            except ModuleNotFoundError:
                print(f"(scripts/bench_{name}.py not present)")
                continue
            fn = module.run
        t0 = time.perf_counter()
        fn(emit)
        print(f"\n({name}: {time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
