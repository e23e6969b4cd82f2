"""Benchmark of the HTML maps: writing pages and opening them in headless Chromium.

    python scripts/bench_html.py                 # 300, 1k, 5k, 20k nodes + the demo site
    python scripts/bench_html.py --nodes 1000 5000

Run alone or as the ``html`` section of scripts/bench.py (``run(emit)``). Synthetic networkx
graphs shaped like the ``full`` view (persons, organisations, events, countries; about two
links per node, Barabási-Albert, seeded) are drawn with ``graph.web.maps.build_page``; above
``graph.web.maps.LAYOUT_THRESHOLD`` nodes the layout is computed in Python and physics is off.
These pages draw every node (no node budget), to show how the page itself scales;
:func:`large_map_rows` (the issue-11 target, run by scripts/bench_targets.py) writes a 20,000-node
view with the default budget (``graph.web.maps.MAX_NODES``) and without it, in the same run.
"Ready" is the page's own clock (``performance.now()`` since navigation) when vis-network has
stabilised (physics on) or drawn the first frame (physics off); search and filter times are
measured inside the page. Chromium is Debian's, driven by playwright, network blocked.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).resolve().parent
REPO = SCRIPTS.parent
sys.path[:0] = [str(REPO), str(SCRIPTS), str(REPO / "tests")]

Emit = Callable[[str, list[dict[str, Any]]], None]
SIZES = (300, 1000, 5000, 20000)
KINDS = (("person", 0.5), ("organisation", 0.3), ("event", 0.15), ("country", 0.05))


def synthetic_view(n: int, seed: int = 0) -> Any:
    """A ``full``-like view with ``n`` nodes and about ``2n`` links, attributes filled."""
    import random

    import networkx as nx

    rng = random.Random(seed)
    base = nx.barabasi_albert_graph(n, 2, seed=seed)
    G = nx.Graph(view="synthetic", weighted=False)
    names = {}
    for i in sorted(base):
        r, acc, kind = rng.random(), 0.0, "person"
        for k, share in KINDS:
            acc += share
            if r < acc:
                kind = k
                break
        key = f"{kind}/{kind[:3]}-{i:05d}"
        names[i] = key
        year = rng.choice((2021, 2023, 2024, 2025)) if kind == "event" else None
        label = f"{kind.title()} {i} Šćęń"
        G.add_node(key, kind=kind, cls=kind.title(), label=label,
                   labels={"en": [label], "ru": [f"Узел {i} Ёлкин"]}, country="Country 1",
                   date=f"{year}-06-01" if year else None, date_basis="event" if year else None,
                   year=year, sources=[f"{rng.randrange(100):03d}_synthetic ¶{rng.randrange(9)+1}"])
    for u, v in sorted(base.edges):
        year = rng.choice((2021, 2023, 2024, 2025, None))
        G.add_edge(names[u], names[v], relation="participated_in", label="spoke at",
                   head=names[u], date=f"{year}-06-01" if year else None,
                   date_basis="event" if year else None, year=year,
                   sources=[f"{rng.randrange(100):03d}_synthetic ¶1"])
    return G


def write_rows(sizes: list[int], tmp: Path) -> tuple[list[dict[str, Any]], list[Path]]:
    from graph.network.layout import layout
    from graph.web.maps import build_page, render_html

    rows, files = [], []
    for n in sizes:
        G = synthetic_view(n)
        t0 = time.perf_counter()
        if n > 400:
            layout(G, seed=7)
        t_layout = time.perf_counter() - t0
        t0 = time.perf_counter()
        page = build_page(G, title=f"synthetic {n}", caption="benchmark", max_nodes=None,
                          max_links=None)
        t_build = time.perf_counter() - t0
        t0 = time.perf_counter()
        html = render_html(page)
        t_render = time.perf_counter() - t0
        file = tmp / f"synthetic-{n}.html"
        t0 = time.perf_counter()
        file.write_text(html, encoding="utf-8")
        t_write = time.perf_counter() - t0
        files.append(file)
        rows.append({"nodes": n, "links": G.number_of_edges(),
                     "physics": "browser" if page.physics else "off (layout in Python)",
                     "layout s": t_layout if n > 400 else 0.0,
                     "build_page s (incl. layout)": t_build, "render s": t_render,
                     "write s": t_write, "total s": t_build + t_render + t_write,
                     "file MB": file.stat().st_size / 1e6})
    return rows, files


def child_cpu() -> float:
    """CPU seconds (user + system) used so far by this process's descendants (Chromium's
    browser, renderer and GPU processes), read from /proc; 0.0 where there is no /proc."""
    import os

    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    mine, frontier = set(), {os.getpid()}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - mine
        mine |= frontier
    return sum(cpu[pid] for pid in mine)


def browser_rows(files: list[Path], search: str) -> list[dict[str, Any]]:
    from servers import chromium_available, chromium_page, launched_chromium

    if not chromium_available():
        return [{"file": "(chromium or playwright missing: not measured)"}]
    rows = []
    with launched_chromium() as browser:
        for file in files:
            with chromium_page(block_network=True, browser=browser) as bp:
                page = bp.page
                page.set_viewport_size({"width": 1400, "height": 900})
                c0, t0 = child_cpu(), time.perf_counter()
                page.goto(file.as_uri(), timeout=300_000)
                page.wait_for_function("window.cinecoop && window.cinecoop.ready",
                                       timeout=300_000, polling=50)
                wall = time.perf_counter() - t0
                cpu = child_cpu() - c0
                ready_ms = page.evaluate("cinecoop.readyMs")
                t = page.evaluate("cinecoop.timings")
                search_ms = page.evaluate(f"""() => {{ const t = performance.now();
                    cinecoop.search({search!r}); return performance.now() - t; }}""")
                filter_ms = page.evaluate("""() => {
                    const box = document.querySelector('input.type');
                    const t = performance.now(); box.checked = false;
                    cinecoop.applyFilters(); box.checked = true; cinecoop.applyFilters();
                    return (performance.now() - t) / 2; }""")
                n = page.evaluate("cinecoop.nodes.length")
                errors = len(bp.errors) + sum(1 for c in bp.console if c.type == "error")
                rows.append({"page": file.name, "nodes": n, "ready s (page clock)":
                             ready_ms / 1000, "goto+ready s (wall)": wall,
                             "goto+ready Chromium CPU s": cpu,
                             "HTML+scripts loaded s": t["start"] / 1000,
                             "JSON+DataSets s": (t["datasets"] - t["start"]) / 1000,
                             "vis.Network() s": (t["network"] - t["datasets"]) / 1000,
                             "first draw/stabilise s": (ready_ms - t["network"]) / 1000,
                             "search ms": search_ms, "type filter ms": filter_ms,
                             "errors": errors, "blocked requests": len(bp.blocked)})
    return rows


def _write_once(G: Any, file: Path, **options: Any) -> tuple[float, float]:
    """Wall and CPU seconds of one map written from the view in memory to the file."""
    from graph.web.maps import build_page, write_html

    c0, t0 = time.process_time(), time.perf_counter()
    write_html(build_page(G, title=f"synthetic {G.number_of_nodes()}", caption="benchmark",
                          **options), file)
    return time.perf_counter() - t0, time.process_time() - c0


def large_map_rows(n: int = 20000, repeat: int = 3) -> list[dict[str, Any]]:
    """The issue-11 target: an ``n``-node view written, then opened in Chromium, with the
    node budget (the default) and without it (every node drawn: the baseline), same run."""
    import os
    import statistics
    from functools import partial

    from graph.network.layout import cached_layout
    from graph.web.maps import MAX_LINKS, MAX_NODES

    G = synthetic_view(n)
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        budget = f"budget {MAX_NODES:,} nodes / {MAX_LINKS:,} links"
        cases = [(f"{budget} (the default)", {}, repeat),
                 (f"{budget}, layout kept from an earlier map",
                  {"positions": partial(cached_layout, folder=tmp)}, repeat),
                 (f"baseline: all {n:,} nodes, no budget", {"max_nodes": None,
                                                             "max_links": None}, 1)]
        for what, options, times in cases:
            file = tmp / f"map-{len(rows)}.html"
            if "positions" in options:
                _write_once(G, file, **options)  # computes and keeps the layout
            runs = [_write_once(G, file, **options) for _ in range(times)]
            browser = [browser_rows([file], "Узел 7")[0] for _ in range(times)]
            ready = [b.get("ready s (page clock)", float("nan")) for b in browser]
            rows.append({"map": what, "nodes drawn": browser[0].get("nodes", ""),
                         "written s": statistics.median(r[0] for r in runs),
                         "written cpu s": statistics.median(r[1] for r in runs),
                         "ready in Chromium s": statistics.median(ready),
                         "goto+ready wall s": statistics.median(
                             b.get("goto+ready s (wall)", float("nan")) for b in browser),
                         "goto+ready Chromium CPU s": statistics.median(
                             b.get("goto+ready Chromium CPU s", float("nan")) for b in browser),
                         "file MB": file.stat().st_size / 1e6,
                         "errors": sum(b.get("errors", 0) for b in browser),
                         "load average": round(os.getloadavg()[0], 1)})
    return rows


def run(emit: Emit, sizes: list[int] | None = None) -> None:
    from graph.data.build import build, load_dataset
    from graph.web.site import write_site

    sizes = list(sizes or SIZES)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        rows, files = write_rows(sizes, tmp)
        emit("write synthetic pages (one run each)", rows)
        emit("open synthetic pages in Chromium (network blocked)",
             browser_rows(files, "Узел 7"))

        build(REPO / "data", tmp / "out")
        ds = load_dataset(tmp / "out")
        t0 = time.perf_counter()
        site = write_site(ds, tmp / "site")
        t_site = time.perf_counter() - t0
        pages = site.maps
        emit("demo site (curated graph)", [
            {"page": p.file, "nodes": p.nodes, "links": p.edges,
             "KB": (tmp / "site" / p.file).stat().st_size // 1000} for p in pages
        ] + [{"page": "write_site total s (maps, entity pages, report, index)",
               "nodes": round(t_site, 2)},
              {"page": "entity and source pages", "nodes": site.entity_pages}])
        emit("open demo pages in Chromium",
             browser_rows([tmp / "site" / p.file for p in pages], "Азизов"))


def main() -> None:
    from bench import emit

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, nargs="*", default=list(SIZES))
    args = parser.parse_args()
    run(emit, args.nodes)


if __name__ == "__main__":
    main()
