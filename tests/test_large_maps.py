"""Large maps: the node budget and its note, the layout computed in Python (and kept), the
search over what the budget left out, and bad budgets.

A synthetic view (a seeded scale-free graph shaped like the ``full`` view: people,
organisations, events, countries; names in two scripts; dated events and links) goes through
the same page writer as the curated maps and is opened in a real headless Chromium with the
network cut. The curated maps, far below the budget, are checked to be the whole view in
tests/test_html.py (test_page_data_equals_the_view).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import networkx as nx
import pytest
from clirun import cinecoop
from conftest import DATA
from servers import BrowserPage

import graph
from graph.cli import html as html_command
from graph.network.layout import cached_layout, layout
from graph.web.maps import (
    LABEL_NODES,
    MAX_LINKS,
    MAX_NODES,
    build_page,
    map_data,
    render_html,
    script_json,
    vis_assets,
    write_html,
)
from graph.web.site import MAIN_VIEWS

SIZE = 5000  # 2.5 times the budget: enough to prune, quick to draw
KINDS = ("person",) * 10 + ("organisation",) * 6 + ("event",) * 3 + ("country",)
LONELY = ("person/lonely-a", "person/lonely-b")  # linked only to each other: both left out
MAP_JS = Path(__file__).resolve().parent.parent / "graph" / "web" / "static" / "map.js"


def synthetic(n: int = SIZE, seed: int = 1) -> nx.Graph:
    """A ``full``-like view: ``n`` nodes plus two that only know each other."""
    base = nx.barabasi_albert_graph(n, 2, seed=seed)
    G = nx.Graph(view="synthetic", weighted=False)
    key = {i: f"{KINDS[i % len(KINDS)]}/n{i:05d}" for i in base}
    for i in base:
        kind = KINDS[i % len(KINDS)]
        year = 2021 + i % 5 if kind == "event" else None
        G.add_node(key[i], kind=kind, cls="Studio" if kind == "organisation" else kind.title(),
                   label=f"Node {i}", labels={"en": [f"Node {i}"], "ru": [f"Узел {i} Ёлкин"]},
                   year=year, date=f"{year}-06-01" if year else None, sources=[])
    for u, v in base.edges:
        G.add_edge(key[u], key[v], relation="participated_in", label="took part in",
                   head=key[u], year=2021 + (u + v) % 5, sources=[])
    for k, name in zip(LONELY, ("Lonely Ångström", "Lonely Bo"), strict=True):
        G.add_node(k, kind="person", cls="Person", label=name, labels={"en": [name]},
                   year=None, sources=[])
    G.add_edge(*LONELY, relation="met_at", label="met", head=LONELY[0], year=None, sources=[])
    return G


def page_data(html: str) -> dict:
    m = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S)
    assert m, "no embedded data"
    data: dict = json.loads(m.group(1))
    return data


def top_by_degree(G: nx.Graph, k: int) -> set[str]:
    return {n for n, _ in sorted(G.degree, key=lambda nd: (-nd[1], nd[0]))[:k]}


@pytest.fixture(scope="module")
def big() -> nx.Graph:
    return synthetic()


@pytest.fixture(scope="module")
def big_page(big: nx.Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_html(build_page(big, title="Large", caption="synthetic"),
                      tmp_path_factory.mktemp("large") / "large.html")


# ------------------------------------------------------------------------- the page data


def test_the_budget_keeps_the_best_linked_nodes_and_says_so(big: nx.Graph,
                                                            big_page: Path) -> None:
    html = big_page.read_text()
    data = page_data(html)
    kept = top_by_degree(big, MAX_NODES)
    assert {n["id"] for n in data["nodes"]} == kept
    H = big.subgraph(kept)
    assert len(data["edges"]) == H.number_of_edges()
    total = big.number_of_nodes()
    note = re.search(r'<p id="budget-note"[^>]*>(.*?)</p>', html, re.S)
    assert note, "no budget note on the page"
    text = note.group(1)
    assert (f"Showing {MAX_NODES:,} of {total:,} nodes and {H.number_of_edges():,} of "
            f"{big.number_of_edges():,} links") in text
    left = [k for k in big if k not in kept]
    kinds = {k: sum(1 for n in left if big.nodes[n]["kind"] == k) for k in set(KINDS)}
    assert ", ".join(f"{kinds[k]:,} {k}" for k in sorted(kinds)) in text
    assert "--max-nodes" in text and "--focus" in text
    assert f"(of {total:,} nodes and {big.number_of_edges():,} links in the view)" in html
    # the layout was computed here: physics off, every node placed
    assert data["physics"] is False and all("x" in n and "y" in n for n in data["nodes"])
    assert sum(1 for n in data["nodes"] if "label" in n) == LABEL_NODES


def test_left_out_nodes_stay_findable(big: nx.Graph, big_page: Path) -> None:
    data = page_data(big_page.read_text())
    out = data["leftOut"]
    drawn = [n["id"] for n in data["nodes"]]
    assert len(out["names"]) == big.number_of_nodes() - MAX_NODES
    assert sorted(names[0] for names in out["names"]) == sorted(
        big.nodes[k]["label"] for k in big if k not in set(drawn))
    by_label = {d["label"]: k for k, d in big.nodes(data=True)}
    for names, via in zip(out["names"], out["via"], strict=True):
        key = by_label[names[0]]
        assert names == [names[0], *big.nodes[key]["labels"].get("ru", [])]
        assert all(big.has_edge(key, drawn[i]) for i in via), names[0]
        assert len(via) == min(3, sum(1 for u in big[key] if u in set(drawn)))


def test_same_view_same_bytes_and_no_repeated_option_blobs(big: nx.Graph) -> None:
    a = render_html(build_page(big, title="Large", caption="synthetic"))
    b = render_html(build_page(big.copy(), title="Large", caption="synthetic"))
    assert a == b
    for node in page_data(a)["nodes"]:  # fonts and colours are derived in the page
        assert not {"font", "widthConstraint", "color"} & set(node), node


def test_the_focus_is_kept_whatever_its_score(big: nx.Graph) -> None:
    page = build_page(big, title="t", caption="c", max_nodes=50, focus=LONELY[0])
    ids = {n["id"] for n in page.network.nodes}
    assert LONELY[0] in ids and len(ids) == 50
    assert ids - {LONELY[0]} == top_by_degree(big, 49)


def test_the_link_budget_stops_at_the_first_node_that_does_not_fit(big: nx.Graph) -> None:
    page = build_page(big, title="t", caption="c", max_links=500)
    ranking = sorted(big, key=lambda k: (-big.degree(k), k))
    k = len(page.network.nodes)
    assert {n["id"] for n in page.network.nodes} == set(ranking[:k])
    assert len(page.network.edges) == big.subgraph(ranking[:k]).number_of_edges() <= 500
    assert big.subgraph(ranking[:k + 1]).number_of_edges() > 500
    assert f"Showing {k:,} of {big.number_of_nodes():,} nodes" in (page.budget_note or "")
    assert "--max-links 500" in (page.budget_note or "")


def test_no_budget_draws_everything(big: nx.Graph) -> None:
    page = build_page(big, title="t", caption="c", max_nodes=None, max_links=None)
    assert len(page.network.nodes) == big.number_of_nodes() and page.budget_note is None


def test_a_bad_budget_is_refused(big: nx.Graph) -> None:
    for bad in (0, -5):
        with pytest.raises(ValueError, match=f"--max-nodes must be 1 or more, not {bad}"):
            build_page(big, title="t", caption="c", max_nodes=bad)
        with pytest.raises(ValueError, match=f"--max-links must be 1 or more, not {bad}"):
            build_page(big, title="t", caption="c", max_links=bad)


def test_the_cli_defaults_are_the_budget() -> None:
    defaults = {p.name: p.default for p in html_command.params}
    assert defaults["max_nodes"] == MAX_NODES and defaults["max_links"] == MAX_LINKS


# ------------------------------------------------------------------------- the layout cache


def test_layouts_are_kept_beside_the_build(tmp_path: Path) -> None:
    G = nx.les_miserables_graph()
    first = cached_layout(G, seed=3, folder=tmp_path)
    assert first == layout(G, seed=3)
    [kept] = tmp_path.glob("layout-*.json")
    # a second map of the same graph reads the file (shown by planting other coordinates)
    stored = json.loads(kept.read_text())
    stored["xy"] = [[x + 1, y] for x, y in stored["xy"]]
    kept.write_text(json.dumps(stored))
    assert cached_layout(G, seed=3, folder=tmp_path) == {
        n: (x + 1, y) for n, (x, y) in first.items()}
    # another seed or another graph is another file; a broken file is replaced
    cached_layout(G, seed=4, folder=tmp_path)
    assert len(list(tmp_path.glob("layout-*.json"))) == 2
    kept.write_text("{not json")
    assert cached_layout(G, seed=3, folder=tmp_path) == first
    assert json.loads(kept.read_text())["key"] == stored["key"]


# ------------------------------------------------------------------------- the CLI and API


@pytest.fixture
def out(built: Path, tmp_path: Path) -> Path:
    target = tmp_path / "out"
    shutil.copytree(built, target)
    return target


@pytest.mark.parametrize(("flag", "bad"), [("--max-nodes", "0"), ("--max-nodes", "-3"),
                                         ("--max-links", "0")])
def test_cli_refuses_a_bad_budget_and_writes_nothing(out: Path, flag: str, bad: str) -> None:
    target = out / "map.html"
    ran = cinecoop("--data", DATA, "--out", out, "html", flag, bad, "--out", target)
    assert ran.returncode == 1
    what = "node" if flag == "--max-nodes" else "link"
    assert ran.stderr.strip().splitlines() == [
        f"Error: {flag} must be 1 or more, not {bad}: it is the {what} budget of the map "
        f"(a larger view keeps its most central nodes)"]
    assert not target.exists() and not list(out.glob("*.html"))


def test_api_budget_and_layout_cache(out: Path) -> None:
    kg = graph.open_graph(out, data=DATA)
    with pytest.raises(ValueError, match="--max-nodes must be 1 or more"):
        graph.write_map(kg, "full", out / "bad.html", max_nodes=0)
    assert not (out / "bad.html").exists()
    # the curated views are far under the budget: drawn whole, with no budget note
    for name in MAIN_VIEWS:
        small = graph.write_map(kg, name, out / f"{name}.html")
        data = page_data(small.read_text())
        H = graph.view(kg, name)
        assert sorted(n["id"] for n in data["nodes"]) == sorted(H.nodes)
        assert sorted((e["from"], e["to"]) for e in data["edges"]) == sorted(
            (min(u, v), max(u, v)) for u, v in H.edges)
        assert 'id="budget-note"' not in small.read_text() and data["leftOut"]["names"] == []
    cut = graph.write_map(kg, "full", out / "cut.html", max_nodes=10)
    assert len(page_data(cut.read_text())["nodes"]) == 10
    assert "Showing 10 of " in cut.read_text()


# ------------------------------------------------------------------------- in Chromium


def open_page(bp: BrowserPage, file: Path) -> None:
    bp.page.set_viewport_size({"width": 1400, "height": 900})
    bp.page.goto(file.as_uri())
    bp.page.wait_for_function("window.cinecoop && window.cinecoop.ready", timeout=60_000)


def no_errors(bp: BrowserPage) -> None:
    assert bp.errors == []
    assert [c for c in bp.console if c.type in ("error", "warning")] == []
    assert bp.blocked == [] and bp.dialogs == []


def test_large_page_opens_with_its_note(browser_page: BrowserPage, big: nx.Graph,
                                        big_page: Path) -> None:
    open_page(browser_page, big_page)
    page = browser_page.page
    assert page.is_visible("#budget-note")
    assert f"Showing {MAX_NODES:,} of {big.number_of_nodes():,} nodes" in page.text_content(
        "#budget-note")
    assert page.evaluate("cinecoop.network.body.data.nodes.length") == MAX_NODES
    assert page.evaluate("cinecoop.network.physics.options.enabled") is False
    labelled = "cinecoop.nodes.get({filter: n => Boolean(n.label)}).length"
    assert page.evaluate(labelled) == LABEL_NODES
    # found by the search, a node without a drawn name is zoomed to; the names around it
    # (its own among them) are drawn once the view settles
    quiet = min(top_by_degree(big, MAX_NODES), key=lambda k: (big.degree(k), k))
    assert page.evaluate(f"cinecoop.nodes.get({json.dumps(quiet)}).label") is None
    page.fill("#search", big.nodes[quiet]["label"])
    page.press("#search", "Enter")
    page.wait_for_function(f"{labelled} > {LABEL_NODES}", timeout=10_000)
    assert page.evaluate(f"cinecoop.nodes.get({json.dumps(quiet)}).label") == (
        big.nodes[quiet]["label"])
    no_errors(browser_page)


def test_large_page_search_and_filters(browser_page: BrowserPage, big: nx.Graph,
                                       big_page: Path) -> None:
    open_page(browser_page, big_page)
    page = browser_page.page
    kept = top_by_degree(big, MAX_NODES)
    # a drawn node, by its Russian name
    hub = sorted(kept)[0]
    page.fill("#search", big.nodes[hub]["labels"]["ru"][0])
    page.press("#search", "Enter")
    assert page.evaluate("cinecoop.network.getSelectedNodes()") == [hub]
    # a left-out node: the map shows its best-linked neighbour on the map and says why
    gone = next(k for k in sorted(big, key=lambda k: big.degree(k))
                if k not in kept and any(u in kept for u in big[k]))
    page.fill("#search", big.nodes[gone]["labels"]["ru"][0])
    page.press("#search", "Enter")
    status = page.text_content("#status") or ""
    assert f"{big.nodes[gone]['label']} is left out of this map" in status
    best = min((u for u in big[gone] if u in kept), key=lambda u: (-big.degree(u), u))
    assert page.evaluate("cinecoop.network.getSelectedNodes()") == [best]
    # left out with nothing on the map to show
    page.fill("#search", "Lonely Ångström")
    page.press("#search", "Enter")
    assert "has no link to what it shows" in (page.text_content("#status") or "")
    # the type filter hides the drawn events and their links
    page.uncheck("input.type[value=event]")
    hidden = page.evaluate("cinecoop.nodes.get({filter: n => n.hidden}).map(n => n.id).sort()")
    assert hidden == sorted(k for k in kept if big.nodes[k]["kind"] == "event")
    no_errors(browser_page)


def test_a_page_without_its_own_note_gets_it_above_the_map(browser_page: BrowserPage,
                                                           big: nx.Graph, tmp_path: Path) -> None:
    """An entity page's neighbourhood (site.py) carries only the map data and map.js."""
    data = map_data(build_page(big, title="t", caption="c", max_nodes=100,
                               focus=LONELY[0]))
    vis_js, _ = vis_assets()
    file = tmp_path / "entity.html"
    file.write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>e</title></head>'
        '<body><section><div id="map" style="height:400px"></div><pre id="details"></pre>'
        f'</section><script id="map-data" type="application/json">{script_json(data)}</script>'
        f'<script>{vis_js}</script><script>{(MAP_JS).read_text()}</script></body></html>',
        encoding="utf-8")
    open_page(browser_page, file)
    note = browser_page.page.text_content("section > #budget-note") or ""
    assert f"Showing 100 of {big.number_of_nodes():,} nodes" in note
    assert browser_page.page.evaluate("cinecoop.network.getSelectedNodes()") == [LONELY[0]]
    no_errors(browser_page)
