"""The full view read node by node (``graph.network.lazyview``): the first ``path`` after a
large build walks it instead of making the whole view. Every node's neighbours, and the
paths between many pairs (printed with their hops), are compared with the whole view made
by the projection (``view_parts``, ``plain_parts``), on the curated build and on
``synth.py 200``; through the CLI, with ids, labels, ``--k``, no path and unknown names,
against the code that makes and keeps the whole view.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from clirun import cinecoop
from conftest import DATA

from graph.network.cache import build_folder
from graph.network.lazyview import FullView, open_full
from graph.network.plain import PlainView, plain_parts
from graph.network.projection import project, view_parts
from graph.network.reads import Filters, NetworkError, path_report
from graph.sparql.ntriples import NT_FILE, LinesReader


def _whole(out: Path) -> PlainView:
    """The full view in plain form, as ``path`` keeps it (projected from graph.nt)."""
    folder = build_folder(out)
    assert folder is not None
    G = project(LinesReader(folder / NT_FILE, folder))
    return PlainView(plain_parts(*view_parts(G, "full")))


def _lazy(out: Path) -> FullView:
    found = open_full(build_folder(out))
    assert found is not None
    return found


def _report(H: object, a: str, b: str, k: int, explained: object = None) -> list[str]:
    try:
        return path_report(H, a, b, k, "full", Filters(), explained=explained)  # type: ignore[arg-type]
    except NetworkError as exc:
        return [f"error: {exc}"]


def _same_neighbours(out: Path) -> int:
    whole = _whole(out)
    with _lazy(out) as lazy:
        for node, nbrs in whole.adj.items():
            assert nbrs == sorted(nbrs), node      # the view lists neighbours sorted
            assert node in lazy, node
            assert lazy.adj[node] == nbrs, node
        for other in ("person/no-such-person", "participation/x", "nokind/x", "person"):
            assert other not in lazy and other not in whole
        return len(whole.adj)


def test_every_curated_node_has_the_whole_views_neighbours(built: Path) -> None:
    assert _same_neighbours(built) > 90


def test_every_synthetic_node_has_the_whole_views_neighbours(synth200: Path) -> None:
    assert _same_neighbours(synth200) > 700


def _same_paths(out: Path, pairs: list[tuple[str, str]], k: int) -> tuple[int, int]:
    """Each pair's paths, printed from the lazy view and from the whole view; (paths found,
    pairs without one). One lazy view answers them all (as one process would), and every
    fortieth pair is asked again of a fresh one (as a first ``path`` is: nothing read for
    another pair helps)."""
    whole = _whole(out)
    found = missing = 0
    with _lazy(out) as shared:
        for i, (a, b) in enumerate(pairs):
            want = _report(whole, a, b, k)
            assert _report(shared, a, b, k, explained=shared.part) == want, (a, b)
            if i % 40 == 0:
                with _lazy(out) as lazy:
                    assert _report(lazy, a, b, k, explained=lazy.part) == want, (a, b)
            found += not want[0].startswith("error")
            missing += want[0].startswith("error: no path")
    return found, missing


def test_curated_paths_print_as_from_the_whole_view(built: Path) -> None:
    """Every pair of curated entities (one way; an entity with itself too), one path each
    (no path for some); every 23rd pair with three."""
    nodes = sorted(_whole(built).adj)
    pairs = [(a, b) for i, a in enumerate(nodes) for b in nodes[i:]]
    found, missing = _same_paths(built, pairs, 1)
    assert found > 3000 and missing > 500
    found, missing = _same_paths(built, pairs[::23], 3)
    assert found > 150 and missing > 20


def test_synthetic_paths_print_as_from_the_whole_view(synth200: Path) -> None:
    nodes = sorted(_whole(synth200).adj)
    rng = random.Random(11)
    pairs = [tuple(rng.sample(nodes, 2)) for _ in range(400)]
    assert _same_paths(synth200, pairs, 1)[0] == 400     # type: ignore[arg-type]
    assert _same_paths(synth200, pairs[:40], 4)[0] == 40     # type: ignore[arg-type]


def _cli(data: Path, out: Path, *args: str) -> str:
    done = cinecoop("--data", data, "--out", out, *args)
    return f"{done.returncode}\n{done.stdout}{done.stderr}"


CASES = (("Gurban Pirimov", "Netflix"), ("Gurban Pirimov", "Netflix", "--k", "3"),
         ("organisation/netflix", "organisation/kyrgyzfilm", "--k", "2"),
         ("Netflix", "Netflix"), ("No Such Name", "Netflix"), ("Netflix", "organisation/azertag"),
         ("Netflix", "Nonexistent Person", "--k", "2"))


def test_the_cli_walks_the_lazy_view_and_prints_what_the_kept_view_prints(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``path`` on a build taken as large (the lazy view) prints what it prints from the
    whole view it makes and keeps, and keeps no view or projection; once a view is kept,
    it is read."""
    from graph.data.build import build
    from graph.network import reads

    lazy_out, whole_out = tmp_path / "lazy", tmp_path / "whole"
    build(DATA, lazy_out)
    shutil.copytree(lazy_out, whole_out, symlinks=True)
    monkeypatch.setattr(reads, "LAZY_BYTES", 0)
    lazy = [_cli(DATA, lazy_out, "path", *case) for case in CASES]
    folder = build_folder(lazy_out)
    assert folder is not None and not list(folder.glob("view-*")) \
        and not list(folder.glob("projection-*"))
    monkeypatch.setattr(reads, "LAZY_BYTES", 10**12)
    whole = [_cli(DATA, whole_out, "path", *case) for case in CASES]
    assert lazy == whole
    assert lazy[0].startswith("0\npath 1 of 1") and "path 3 of 3" in lazy[1]
    assert lazy[4].startswith("1\n") and lazy[6].startswith("1\n")
    assert lazy[5].startswith("1\n") and "no path joins Netflix and" in lazy[5]
    monkeypatch.setattr(reads, "LAZY_BYTES", 0)     # a kept view is read, not walked lazily
    assert reads._lazy_view(whole_out, "full", Filters()) is None
    walk = reads._lazy_view(lazy_out, "full", Filters())
    assert walk is not None
    walk.__exit__()
    assert reads._lazy_view(lazy_out, "org-org", Filters()) is None
    assert reads._lazy_view(lazy_out, "full", Filters(since="2020")) is None


def test_no_lazy_view_without_the_store_or_graph_nt(tmp_path: Path) -> None:
    assert open_full(None) is None and open_full(tmp_path) is None
    (tmp_path / NT_FILE).write_text("")
    assert open_full(tmp_path) is None      # no store


def test_the_lazy_view_links_by_the_projections_predicates() -> None:
    """The predicates read as links are the projection's own (a new one there must be read
    here too)."""
    from graph.network import lazyview
    from graph.network.projection import SIMPLE
    from graph.ns import SCHEMA

    assert lazyview._SIMPLE == {str(p) for p, _, _ in SIMPLE} | {str(SCHEMA.subEvent)}
