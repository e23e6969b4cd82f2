"""The report's and export's shortcuts at scale give what the plain code gives.

The per-year rankings are counted without making each year's ``org-org`` view
(:func:`graph.network.projection.met_degrees`); the report takes its context from a function
called once the views are made (on a large build, a forked child reading the store). Each is
checked against the reference (each year's view and :func:`centrality`; the context given as
it is) on the curated graph and on synthetic data (``scripts/synth.py``'s records through the
real loader).
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import networkx as nx
import pytest
from conftest import REPO

from graph.forked import beside
from graph.network.analytics import centrality
from graph.network.projection import met_degrees, project, view
from graph.network.report import build_report, html, markdown, report_context
from graph.network.trends import TopYear, top_by_year

WINDOWS = [(None, None, False), ("2024", "2025", False), ("2025", None, True),
           (None, "2025-06", False), ("2019", "2021", False), ("2023-03", "2023-09", True)]


@pytest.fixture(scope="module")
def synth() -> nx.MultiDiGraph:
    """The projection of ``synth.py 150``'s records, loaded by the real loader."""
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import synth as S
    finally:
        sys.path.remove(str(REPO / "scripts"))
    return project(S.synthetic_dataset(150))


def reference_top_by_year(G: nx.MultiDiGraph, top: int, backend: str) -> list[TopYear]:
    """The rankings as they were made: each year's org-org view, its degree centrality."""
    years = sorted({d["year"] for _, d in G.nodes(data=True)
                    if d["kind"] == "event" and d["year"] is not None})
    seen: set[str] = set()
    out: list[TopYear] = []
    for year in years:
        H = view(G, "org-org", since=str(year), until=str(year))
        if H.number_of_nodes() == 0:
            continue
        ranked = centrality(H, ["degree"], backend=backend).ranking("degree")[:top]
        rows = [(n, str(H.nodes[n]["label"]), H.degree(n)) for n, _ in ranked]
        entered = [n for n, _, _ in rows if n not in seen]
        seen.update(n for n, _, _ in rows)
        out.append(TopYear(str(year), rows, entered if out else []))
    return out


def _check_degrees(G: nx.MultiDiGraph) -> None:
    years = {str(d["year"]) for _, d in G.nodes(data=True) if d.get("year") is not None}
    windows = WINDOWS + [(y, y, False) for y in sorted(years)]
    for since, until, undated in windows:
        H = view(G, "org-org", since=since, until=until, include_undated=undated)
        found = met_degrees(G, since, until, undated)
        assert set(found) == set(H), (since, until)
        assert found == {n: (H.degree(n, weight="weight"), H.degree(n)) for n in H}


def test_met_degrees_are_the_org_org_views_degrees(G: nx.MultiDiGraph,
                                                   synth: nx.MultiDiGraph) -> None:
    _check_degrees(G)
    _check_degrees(synth)
    assert len(met_degrees(synth)) > 50    # synthetic organisations met at events


@pytest.mark.parametrize("backend", ["igraph", "networkx"])
@pytest.mark.parametrize("top", [1, 5, 40])
def test_rankings_per_year_are_the_views_rankings(G: nx.MultiDiGraph, synth: nx.MultiDiGraph,
                                                  backend: str, top: int) -> None:
    for graph in (G, synth):
        assert top_by_year(graph, top, backend) == reference_top_by_year(graph, top, backend)
    assert len(top_by_year(synth, top)) > 1 and len(top_by_year(G, top)) >= 1


def test_context_given_later_gives_the_same_report(G: nx.MultiDiGraph, ds: object,
                                                   synth: nx.MultiDiGraph) -> None:
    """The context as a function (asked once the views are made) or from a forked child
    (as a large build reads the store's labels): the report of the context given."""
    ctx = report_context(ds, links=True)
    given = build_report(G, context=ctx)
    assert markdown(build_report(G, context=lambda: ctx)) == markdown(given)
    later = build_report(G, context=beside(lambda: report_context(ds, links=True)))
    assert html(later, home="index.html") == html(given, home="index.html")
    assert later == given
    assert markdown(build_report(synth, since="2024", context=lambda: ctx)) == \
        markdown(build_report(synth, since="2024", context=ctx))


def test_report_and_export_leave_what_they_made_out_of_collection(
        built: Path, tmp_path: Path, G: nx.MultiDiGraph, ds: object) -> None:
    """The commands make their views and files without collection passes and freeze what is
    alive at the end (the process ends: no pass over it at exit); collection goes on after
    them, and the report they write is the one the function gives."""
    import shutil

    from clirun import cinecoop
    from conftest import DATA

    out = tmp_path / "out"
    shutil.copytree(built, out, symlinks=True)
    gc.unfreeze()
    try:
        for command in ("report", "export"):
            done = cinecoop("--data", DATA, "--out", out, command)
            assert done.returncode == 0, done.stderr
            assert gc.isenabled() and gc.get_freeze_count() > 0, command
            gc.unfreeze()
    finally:
        gc.unfreeze()
    assert (out / "report.md").read_text(encoding="utf-8") == markdown(
        build_report(G, context=report_context(ds)))
    assert (out / "export" / "full.gexf").read_bytes()


def test_report_and_centrality_share_kept_scores(built: Path, tmp_path: Path) -> None:
    """The scores of the org-org view are kept beside the build by whichever of ``report``
    and ``centrality`` runs first, and taken by the other: the same report, the same table
    as each gives alone."""
    import shutil

    from clirun import cinecoop
    from conftest import DATA

    def fresh(name: str) -> Path:
        out = tmp_path / name
        shutil.copytree(built, out, symlinks=True)
        for kept in (out / "current").glob("*-*.pickle"):
            if kept.name.startswith(("scores-", "centrality-", "report-")):
                kept.unlink()
        return out

    def run(out: Path, *args: str) -> str:
        done = cinecoop("--data", DATA, "--out", out, *args)
        assert done.returncode == 0, done.stderr
        return done.stdout

    alone = fresh("alone")
    table = run(alone, "centrality", "--view", "org-org", "--format", "json")
    assert len(list((alone / "current").glob("scores-*.pickle"))) == 1
    report = fresh("report-only")
    run(report, "report")
    assert len(list((report / "current").glob("scores-*.pickle"))) == 2   # both grouped views
    report_alone = (report / "report.md").read_bytes()
    after = run(report, "centrality", "--view", "org-org", "--format", "json")
    assert after == table
    run(alone, "report")                 # the scores centrality kept
    assert (alone / "report.md").read_bytes() == report_alone
    assert len(list((alone / "current").glob("scores-*.pickle"))) == 2
    other = run(fresh("windowed"), "centrality", "--since", "2025-12", "--format", "json")
    assert other != table                # another window: other scores, kept apart
