"""The issue-11 targets: every command as a user runs it (a new process each time), on the
curated graph and on ``synth.py N`` data, with ``python -c pass`` and the rdflib path beside.

    python scripts/bench.py --only targets              # curated + synth 5000 (~1M quads)
    CINECOOP_BENCH_SYNTH=1000 python scripts/bench.py --only targets
    CINECOOP_BENCH_REPEAT=1 CINECOOP_BENCH_DATA=/tmp/synth-data python scripts/bench.py \
        --only targets                                  # reuse a synth.py --data folder

The first table is the large map (``CINECOOP_BENCH_MAP_NODES``, default 20,000 nodes; the
synthetic view of scripts/bench_html.py) written with the node budget and without it.
Each command runs in a fresh process (median of 3; the first ``path`` after a build reads
a large build node by node and keeps nothing (a small one: its view is made and kept), the
first ``centrality`` computes
the scores and keeps them, the first ``report`` computes the report and keeps it: each is
shown apart; ``site`` runs last, after ``report`` and ``export``, as a user runs them, its
first run after the build shown apart too: later runs find the site they wrote unchanged).
Peak memory is the build process's max RSS.
The rdflib path: the same question with ``--store memory`` (the built TriG parsed into
rdflib), for ``path`` and ``centrality`` the TriG parsed into rdflib, projected and measured
with networkx (what every network command did before views were kept), and the rdflib
Dataset built from the records and serialised as TriG.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

SCRIPTS = Path(__file__).resolve().parent
REPO = SCRIPTS.parent
sys.path[:0] = [str(REPO), str(SCRIPTS)]

Emit = Callable[[str, list[dict[str, Any]]], None]
PY = sys.executable
#: The command as a user runs it: the installed ``cinecoop`` script beside this Python (else
#: ``python -m graph.cli``, which starts slower: runpy imports the CLI module twice).
_SCRIPT = Path(PY).with_name("cinecoop")
CINECOOP = [str(_SCRIPT)] if _SCRIPT.is_file() else [PY, "-m", "graph.cli"]
CPU = [0.0]   # CPU seconds (user + system) of the last cinecoop process


def cli(data: Path, out: Path, *args: str) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one ``cinecoop`` process."""
    cmd = ["/usr/bin/time", "-f", "%M %U %S", *CINECOOP, "--data", str(data), "--out",
           str(out), *args]
    t0 = time.perf_counter()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=LIMIT,
                              env={**os.environ, "CINECOOP_PROGRESS": "0"})
    except subprocess.TimeoutExpired:
        raise Unfinished(f"{' '.join(args)}: stopped after {LIMIT:.0f} s") from None
    wall = time.perf_counter() - t0
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(args)} failed: {done.stderr[-500:]}")
    rss, user, system = done.stderr.strip().splitlines()[-1].split()
    CPU[0] = float(user) + float(system)
    return wall, int(rss) // 1024


REPEAT = int(os.environ.get("CINECOOP_BENCH_REPEAT", "3"))
#: CINECOOP_BENCH_TIMEOUT: seconds after which one command is stopped and reported as not
#: finished (none by default).
LIMIT = float(os.environ.get("CINECOOP_BENCH_TIMEOUT", "0")) or None


class Unfinished(Exception):
    """A command stopped at the time limit."""

# The rdflib path in a fresh process: parse graph.trig into rdflib, then ``show``/``stats`` by
# the same describe code on the rdflib graph, or project it, take the view and answer ``path``
# and ``centrality`` with networkx (graph.network.commands, the reference path).
REFERENCE = """
import sys
from pathlib import Path
from graph.data.build import load_dataset
from graph.network.commands import Filters, centrality_text, path_lines
ds = load_dataset(Path(sys.argv[1]))
if sys.argv[2] == "show":
    from graph.sparql.describe import describe, resolve
    print(describe(ds, resolve(ds, sys.argv[3])))
elif sys.argv[2] == "stats":
    from graph.sparql.describe import stats
    print(stats(ds))
elif sys.argv[2] == "path":
    print("\\n".join(path_lines(ds, sys.argv[3], sys.argv[4], 1, "full", Filters())))
else:
    print(centrality_text(ds, "org-org", ["degree", "betweenness", "closeness", "eigenvector",
                                          "pagerank"], 10, Filters(), "table"))
"""


def reference(out: Path, *args: str) -> float:
    """Wall seconds of the rdflib path of ``show NAME``, ``stats``, ``path A B`` or
    ``centrality`` (one process: the TriG parsed into rdflib, the same code answering)."""
    cmd = ["/usr/bin/time", "-f", "%M %U %S", PY, "-c", REFERENCE, str(out), *args]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=LIMIT)
    if done.returncode != 0:
        raise RuntimeError(f"reference {' '.join(args)} failed: {done.stderr[-500:]}")
    return time.perf_counter() - t0


def median(fn: Callable[[], float], n: int = REPEAT) -> tuple[float, float]:
    """Median wall seconds of ``n`` runs, and the median CPU seconds of the same runs."""
    walls, cpus = [], []
    for _ in range(n):
        walls.append(fn())
        cpus.append(CPU[0])
    return statistics.median(walls), statistics.median(cpus)


def run_size(label: str, data: Path, out: Path, names: dict[str, str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def row(what: str, seconds: float, rdflib: float | None = None, **extra: Any) -> None:
        rows.append({"graph": label, "what": what, "seconds": seconds, "cpu s": CPU[0],
                     "rdflib path s": "" if rdflib is None else rdflib, **extra})

    t, peak = cli(data, out, "build")
    row("full build", t, peak_MB=peak)
    edit_one_fact(data)
    t, peak = cli(data, out, "build")
    row("rebuild after editing one facts file", t, peak_MB=peak)
    first, _ = cli(data, out, "path", names["a"], names["b"])
    row("first path after a build (large: read node by node; small: its view made, kept)",
        first)
    first, _ = cli(data, out, "centrality", "--view", "org-org")
    row("first centrality --view org-org after a build (scores computed and kept)", first)
    for kept in (out / "manifest.json").resolve().parent.glob("names-*.pickle"):
        kept.unlink()       # as right after a build: the name index is not made yet
    first, _ = cli(data, out, "show", names["show"])
    row("first show after a build (an id: found in the build's files, no name index made)",
        first)
    if names.get("label"):
        first, _ = cli(data, out, "show", names["label"])
        row("first show of a label after a build (found in names.tsv, no name index made)",
            first)
    first, _ = cli(data, out, "report")
    row("first report after a build (computed and kept; the site reuses it)", first)
    references = {"path": ("path", names["a"], names["b"]), "centrality": ("centrality",),
                  "show": ("show", names["show"]), "stats": ("stats",)}
    for what, args, memory in (
        ("show", ("show", names["show"]), None),
        ("stats", ("stats",), None),
        ("query posts-of (look-up)", ("query", "posts-of", "-p", f"person={names['show']}"),
         ("query", "posts-of", "-p", f"person={names['show']}", "--store", "memory")),
        ("query timeline", ("query", "timeline"), ("query", "timeline", "--store", "memory")),
        ("path", ("path", names["a"], names["b"]), None),
        ("centrality --view org-org (5 measures)", ("centrality", "--view", "org-org"), None),
        ("report (kept: a later run)", ("report",), None),
        ("export", ("export",), None),
        ("site (a later run: the site kept as it was written, nothing made)", ("site",), None),
    ):
        if args == ("site",):   # its first run after a build makes every page
            first, _ = cli(data, out, "site")
            row("first site after a build (makes every page; kept for later runs)", first)
        try:
            seconds, cpu = median(lambda args=args: cli(data, out, *args)[0])
        except Unfinished as exc:
            rows.append({"graph": label, "what": what, "seconds": f"> {LIMIT:.0f} (stopped)",
                         "cpu s": "", "rdflib path s": "", "note": str(exc)})
            continue
        try:
            rdflib: Any = median(lambda m=memory: cli(data, out, *m)[0], 1)[0] if memory and (
                label == "curated" or "posts-of" in what) else None
            if args[0] in references:
                rdflib = reference(out, *references[args[0]])
        except (Unfinished, subprocess.TimeoutExpired):
            rdflib = f"> {LIMIT:.0f} (stopped)"
        CPU[0] = cpu
        row(what, seconds, rdflib)
    return rows


def named_rows(data: Path, out: Path) -> list[dict[str, Any]]:
    """Each named query, run as the usage line in its header says (``query NAME -p ...``)."""
    import shlex

    from graph.sparql.named import QUERIES_DIR, named_query

    rows = []
    for path in sorted(QUERIES_DIR.glob("*.rq")):
        args = shlex.split(named_query(path.stem).usage)[1:]     # after 'cinecoop'
        seconds, cpu = median(lambda args=args: cli(data, out, *args)[0])
        rows.append({"query": path.stem, "seconds": seconds, "cpu s": cpu})
    return rows


def edit_one_fact(data: Path) -> Path:
    """Edit one fact as a curator would: the role of the first speaker in the first facts file
    that has one becomes moderator (in the benchmark's copy of the data). Returns the file."""
    for facts in sorted((data / "facts").glob("*.yaml")):
        text = facts.read_text(encoding="utf-8")
        if "role: speaker\n" in text:
            facts.write_text(text.replace("role: speaker\n", "role: moderator\n", 1),
                             encoding="utf-8")
            return facts
    raise RuntimeError(f"no speaker to edit in {data}/facts")


def rdflib_build(records_dir: Path) -> tuple[float, float]:
    """The rdflib path in-process: Dataset from the records, then TriG (seconds each)."""
    from graph.data.load import build_dataset
    from graph.data.records import read_records

    records, _ = read_records(records_dir)
    t0 = time.perf_counter()
    ds = build_dataset(records)
    t1 = time.perf_counter()
    ds.serialize(format="trig")
    return t1 - t0, time.perf_counter() - t1


def run(emit: Emit) -> None:
    import synth

    base = median(lambda: _wall([PY, "-c", "pass"]), 5)[0]
    helptime = median(lambda: _wall([*CINECOOP, "--help"]), 5)[0]
    emit("start-up (median of 5)", [
        {"command": "python -c pass", "seconds": base, "ratio": 1.0},
        {"command": "cinecoop --help", "seconds": helptime, "ratio": helptime / base}])
    import bench_html

    nodes = int(os.environ.get("CINECOOP_BENCH_MAP_NODES", "20000"))
    emit(f"{nodes:,}-node map: written from the view / ready in Chromium (median of "
         f"{REPEAT}; the baseline draws every node, once)",
         bench_html.large_map_rows(nodes, REPEAT))
    n = int(os.environ.get("CINECOOP_BENCH_SYNTH", "5000"))
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        if os.environ.get("CINECOOP_BENCH_SKIP_CURATED"):
            return _synth(emit, tmp, n, synth)
        shutil.copytree(REPO / "data", Path(tmp) / "curated-data")
        curated = run_size("curated", Path(tmp) / "curated-data", Path(tmp) / "curated-out",
                           {"show": "Rashad Azizov", "a": "Netflix", "b": "Kyrgyzfilm"})
        ds_s, trig_s = rdflib_build(REPO / "data")
        curated.append({"graph": "curated", "what": "full build",
                        "rdflib path s": f"{ds_s:.3g} Dataset + {trig_s:.3g} TriG"})
        emit(f"curated graph (load average {load:.1f} at start)", curated)
        emit("curated graph: every named query as its usage line runs it (fresh process, "
             f"median of {REPEAT})", named_rows(Path(tmp) / "curated-data",
                                                Path(tmp) / "curated-out"))
        if n:      # CINECOOP_BENCH_SYNTH=0: the curated graph only
            _synth(emit, tmp, n, synth)


def _synth(emit: Emit, tmp: str, n: int, synth: Any) -> None:
    """The same table on synth.py data (CINECOOP_BENCH_DATA: an existing --data folder)."""
    given = os.environ.get("CINECOOP_BENCH_DATA")
    data = Path(tmp) / "synth-data"
    if given:
        shutil.copytree(given, data)    # the rebuild row edits a fact: never in the original
    else:
        synth.write_data(synth.synthetic_records(n), data)
    label = yaml.safe_load((data / "people" / "person-000002.yaml").read_text(
        encoding="utf-8"))["labels"]["en"]
    big = run_size(f"synth {n}", data, Path(tmp) / "synth-out",
                   {"show": "person-000001", "a": "person-000001", "b": "person-000777",
                    "label": label})
    triples = sum(1 for _ in (Path(tmp) / "synth-out" / "graph.nt").open("rb"))
    emit(f"synth.py {n} ({triples} distinct triples; load average "
         f"{os.getloadavg()[0]:.1f} at the end)", big)


def _wall(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, cwd=REPO)
    return time.perf_counter() - t0
