"""HTML maps: built from the real views, opened in a real headless Chromium with the network cut.

Expectations come from the articles: 004 para 5 lists Рашад Азизов as director general of the
Azerbaijan Film Agency (Агентство кино Азербайджанской Республики); 002 (2021-06-29) reports
the presentation of the Azerbaijan Filming Commission, the only event of 2021.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import networkx as nx
import pytest
from clirun import Ran
from clirun import cinecoop as run_cinecoop
from conftest import DATA, REPO, S0, S3, S4
from rdflib import Dataset
from servers import BrowserPage

from graph.network.layout import layout
from graph.network.projection import VIEWS, view
from graph.web.maps import build_page, render_html, vis_assets, write_html
from graph.web.site import MAIN_VIEWS, write_site

ARTIFACTS = REPO / "out" / "test-artifacts"
AZIZOV = "person/rashad-azizov"
FILM_AGENCY = "organisation/azerbaijan-film-agency"
PRESENTATION = "event/azerbaijan-filming-commission-presentation"
EVIL = "<img src=x onerror=alert(1)>"
EVIL_SCRIPT = "</script><script>alert(2)</script><!--"


@pytest.fixture(scope="module")
def site(ds: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    write_site(ds, out)
    return out


def page_data(html: str) -> dict:
    m = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S)
    assert m, "no embedded data"
    data: dict = json.loads(m.group(1))
    return data


def evil_graph() -> nx.Graph:
    H = nx.Graph(view="test", weighted=False)
    H.add_node("person/evil", kind="person", cls="Person", label=EVIL,
               labels={"en": [EVIL], "ru": [EVIL_SCRIPT]}, country=EVIL, date=None,
               date_basis=None, year=None, sources=[f"{EVIL} ¶1"])
    H.add_node("event/evil", kind="event", cls="Event", label=EVIL_SCRIPT,
               labels={"en": [EVIL_SCRIPT]}, country=None, date="2025-01-01",
               date_basis="event", year=2025, sources=[])
    H.add_edge("person/evil", "event/evil", relation="participated_in", label=EVIL,
               head="person/evil", date="2025-01-01", year=2025, sources=[EVIL])
    return H


# ------------------------------------------------------------------------- the files


def test_site_has_one_page_per_main_view_and_an_index(site: Path, G: nx.MultiDiGraph) -> None:
    index = (site / "index.html").read_text()
    for name in ("org-event", "org-org", "country-country", "full"):
        assert (site / f"{name}.html").is_file()
        assert f'href="{name}.html"' in index
        H = view(G, name)
        assert f"{H.number_of_nodes()} nodes, {H.number_of_edges()} links" in index
    assert "Who met at which forum" in index
    assert 'href="report.html"' in index and (site / "report.html").is_file()


def test_every_map_says_what_it_leaves_out(site: Path) -> None:
    for name in MAIN_VIEWS:
        assert "Left out:" in (site / f"{name}.html").read_text(), name
    # no article states the country of Kyrgyzfilm or Tajikfilm (001 ¶13): they count for none
    html = (site / "country-country.html").read_text()
    assert "count for no country" in html and "Kyrgyzfilm" in html


def test_organisations_are_coloured_by_kind(site: Path) -> None:
    data = page_data((site / "org-org.html").read_text())
    colour = {n["id"]: data["orgColours"][n["cls"]] for n in data["nodes"] if "cls" in n}
    # 004 ¶5: a film agency; the ministry of culture: a ministry; two kinds, two colours
    assert colour[FILM_AGENCY] != colour["organisation/ministry-of-culture-azerbaijan"]
    html = (site / "org-org.html").read_text()
    assert "Film agency" in html and "Ministry" in html  # the ontology's labels in the legend
    assert "line width: shared events" in html
    person_event = (site / "person-event.html").read_text()
    assert "through its people" not in person_event  # people take part themselves


def test_page_data_equals_the_view(site: Path, G: nx.MultiDiGraph) -> None:
    for name in MAIN_VIEWS:
        H = view(G, name)
        data = page_data((site / f"{name}.html").read_text())
        assert sorted(n["id"] for n in data["nodes"]) == sorted(H.nodes)
        assert sorted((e["from"], e["to"]) for e in data["edges"]) == sorted(
            (min(u, v), max(u, v)) for u, v in H.edges)


def test_no_external_url_outside_the_vis_network_licence_text(site: Path) -> None:
    vis_js, vis_css = vis_assets()
    for file in sorted(site.glob("*.html")):
        html = file.read_text()
        assert not re.search(r"<(script|img|iframe)[^>]*\ssrc=", html, re.I), file.name
        assert not re.search(r"<link\b", html, re.I), file.name
        assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", html, re.I), file.name
        ours = html.replace(vis_js, "").replace(vis_css, "")
        assert not re.search(r"https?://", ours), (file.name, re.findall(r"https?://\S+", ours))


def test_same_data_same_bytes(ds: Dataset, site: Path, tmp_path: Path) -> None:
    write_site(ds, tmp_path)
    for file in sorted(site.rglob("*.html")) + sorted(site.glob("static/*")):
        rel = file.relative_to(site)
        assert (tmp_path / rel).read_bytes() == file.read_bytes(), rel


def test_tooltips_are_plain_text_with_every_label_type_country_and_sources(site: Path) -> None:
    data = page_data((site / "full.html").read_text())
    azizov = next(n for n in data["nodes"] if n["id"] == AZIZOV)
    title = azizov["title"]
    assert "Rashad Azizov" in title and "Рашад Азизов" in title  # en and ru labels
    assert "Type: Person" in title
    assert "Country:" not in title  # no article states his country (not inferred from posts)
    semashko = next(n for n in data["nodes"] if n["id"] == "person/svetlana-semashko")
    assert "Country: Belarus" in semashko["title"]  # 001 ¶13 "from Belarus"
    arka = next(n for n in data["nodes"] if n["id"] == "organisation/azerbaijan-film-agency")
    assert "Country: Azerbaijan" in arka["title"]
    for source in (S0, S3, S4):  # 000 and 003 (head of department), 004 para 5
        assert source in title
    assert "Trend, 2025-12-09" in title  # the outlet and date of 004
    assert "<" not in title
    panel = next(n for n in data["nodes"] if n["id"] == "event/state-level-cooperation-panel")
    assert "2025-12-09" in panel["title"]  # dated by the report of 004


def test_edges_say_the_relation_in_words(site: Path) -> None:
    data = page_data((site / "person-event.html").read_text())
    edge = next(e for e in data["edges"]
                if {e["from"], e["to"]} == {AZIZOV, "event/state-level-cooperation-panel"})
    assert "Rashad Azizov spoke at Prospects for State-Level Cooperation" in edge["title"]
    assert S4 in edge["title"]


def test_legend_names_the_size_measure_and_caption_the_sources(site: Path) -> None:
    html = (site / "org-org.html").read_text()
    assert "degree centrality" in html and "counting shared events" in html
    # the sources of data/ (the five articles, 004 the latest dated; or a grown copy)
    from graph.data.records import read_records

    sources = [r for r in read_records(DATA)[0] if r.kind == "source"]
    assert f"Built from {len(sources)} source articles" in html
    latest = max(str(r.data["date"]) for r in sources if r.data.get("date"))
    assert f"Latest source date {latest}" in html


def test_labels_titles_and_captions_are_escaped() -> None:
    page = build_page(evil_graph(), title=EVIL, caption=EVIL_SCRIPT, notes=[EVIL])
    html = render_html(page).replace(vis_assets()[0], "")
    assert "<img" not in html
    assert html.count("</script>") == html.count("<script")  # no early end of a script
    assert "<!--" not in html.split('id="map-data"', 1)[1].split("</script>", 1)[0]
    data = page_data(html)
    assert {n["name"] for n in data["nodes"]} == {EVIL, EVIL_SCRIPT}


def test_large_graphs_get_a_seeded_layout_and_no_physics() -> None:
    H = nx.barabasi_albert_graph(1200, 2, seed=3)
    nx.relabel_nodes(H, {n: f"organisation/o{n}" for n in H}, copy=False)
    for n in H:
        H.nodes[n].update(kind="organisation", label=f"Org {n}")
    a = render_html(build_page(H, title="t", caption="c"))
    b = render_html(build_page(H, title="t", caption="c"))
    assert a == b
    data = page_data(a)
    assert data["physics"] is False and data["options"]["physics"]["enabled"] is False
    assert all("x" in n and "y" in n for n in data["nodes"])
    assert "layout was computed in advance" in a
    few = page_data(render_html(build_page(H, title="t", caption="c", label_limit=50)))
    drawn = {n["id"] for n in few["nodes"] if "label" in n}
    degree = sorted(H.degree, key=lambda nd: (-nd[1], nd[0]))
    assert drawn == {n for n, _ in degree[:50]}  # the 50 best linked keep their names drawn
    assert all(n["name"] for n in few["nodes"])  # every node keeps its name for search


def test_pruning_says_what_was_left_out() -> None:
    H = nx.star_graph(30)
    nx.relabel_nodes(H, {n: f"organisation/o{n:02d}" for n in H}, copy=False)
    for n in H:
        H.nodes[n].update(kind="organisation", label=n)
    page = build_page(H, title="t", caption="c", max_nodes=10)
    assert len(page.network.nodes) == 10
    assert "organisation/o00" in page.network.node_ids  # the hub stays
    note = page.budget_note or ""
    assert "Showing 10 of 31 nodes and 9 of 30 links" in note
    assert "Left out: 21 nodes (21 organisation) and 21 links" in note


@pytest.mark.parametrize("engine", ["python", "igraph"])
def test_layout_is_seeded(engine: str) -> None:
    if engine == "igraph":
        pytest.importorskip("igraph")
    H = nx.les_miserables_graph()
    assert layout(H, seed=1, engine=engine) == layout(H.copy(), seed=1, engine=engine)
    assert layout(H, seed=1, engine=engine) != layout(H, seed=2, engine=engine)


# ------------------------------------------------------------------------- the CLI


def cinecoop(*args: str, out: Path) -> Ran:
    return run_cinecoop("--data", DATA, "--out", out, *args)


@pytest.fixture
def out(built: Path, tmp_path: Path) -> Path:
    target = tmp_path / "out"
    shutil.copytree(built, target)
    return target


def test_cli_html_focus_draws_the_neighbourhood(out: Path, G: nx.MultiDiGraph) -> None:
    result = cinecoop("html", "--focus", "Азизов", "--depth", "1", out=out)
    assert result.returncode == 0, result.stderr
    written = out / "full-rashad-azizov.html"
    data = page_data(written.read_text())
    expected = nx.ego_graph(view(G, "full"), AZIZOV, radius=1)
    assert sorted(n["id"] for n in data["nodes"]) == sorted(expected)
    assert FILM_AGENCY in {n["id"] for n in data["nodes"]}  # 004 para 5
    assert "Rashad Azizov: everything within 1 link" in written.read_text()
    assert data["focus"] == AZIZOV  # selected when the page opens


def test_cli_html_filters_and_errors(out: Path) -> None:
    result = cinecoop("html", "--view", "org-event", "--until", "2021", "--out",
                      str(out / "early.html"), out=out)
    assert result.returncode == 0, result.stderr
    ids = {n["id"] for n in page_data((out / "early.html").read_text())["nodes"]}
    assert PRESENTATION in ids and "event/state-level-cooperation-panel" not in ids
    bad = cinecoop("html", "--view", "org-org", "--focus", "Азизов", out=out)
    assert bad.returncode == 1 and "not on the org-org map" in bad.stderr
    assert "Traceback" not in bad.stderr
    missing = cinecoop("html", "--focus", "Nobody Atall", out=out)
    assert missing.returncode == 1 and "Nobody Atall" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_cli_site(out: Path) -> None:
    result = cinecoop("site", "--out", str(out / "site"), out=out)
    assert result.returncode == 0, result.stderr
    assert (out / "site" / "index.html").is_file()
    assert "Who met at which forum" in result.stdout


# ------------------------------------------------------------------------- in Chromium


def open_page(bp: BrowserPage, file: Path, shot: str | None = None) -> None:
    bp.page.set_viewport_size({"width": 1400, "height": 900})
    bp.page.goto(file.as_uri())
    bp.page.wait_for_function("window.cinecoop && window.cinecoop.ready", timeout=30_000)
    if shot:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        bp.page.screenshot(path=str(ARTIFACTS / shot))


def no_errors(bp: BrowserPage) -> None:
    assert bp.errors == []
    assert [c for c in bp.console if c.type in ("error", "warning")] == []
    assert bp.blocked == []  # nothing outside file:// was even asked for
    assert bp.dialogs == []


@pytest.mark.parametrize("name", list(MAIN_VIEWS))
def test_page_opens_offline_with_the_view_counts(browser_page: BrowserPage, site: Path,
                                                 G: nx.MultiDiGraph, name: str) -> None:
    open_page(browser_page, site / f"{name}.html", shot=f"{name}.png")
    H = view(G, name)
    counts = browser_page.page.evaluate(
        "[cinecoop.network.body.data.nodes.length, cinecoop.network.body.data.edges.length]")
    assert counts == [H.number_of_nodes(), H.number_of_edges()]
    assert browser_page.page.text_content("#title") == MAIN_VIEWS[name][0]
    no_errors(browser_page)


@pytest.mark.parametrize("name", list(MAIN_VIEWS))
def test_searching_azizov_in_cyrillic_focuses_him(browser_page: BrowserPage, site: Path,
                                                  G: nx.MultiDiGraph, name: str) -> None:
    open_page(browser_page, site / f"{name}.html")
    page = browser_page.page
    page.fill("#search", "Азизов")
    page.press("#search", "Enter")
    page.wait_for_timeout(700)  # the focus animation takes 400 ms
    selected = page.evaluate("cinecoop.network.getSelectedNodes()")
    H = view(G, name)
    if AZIZOV in H:
        assert selected == [AZIZOV]
    else:  # not drawn: the map focuses what ties him to it, first his agency (004 para 5)
        assert selected == [FILM_AGENCY if FILM_AGENCY in H else "country/az"]
        assert "Rashad Azizov is not drawn on this map" in page.text_content("#status")
    # the focused node is in the middle of the map
    where = page.evaluate("""() => {
        const id = cinecoop.network.getSelectedNodes()[0];
        const p = cinecoop.network.canvasToDOM(cinecoop.network.getPositions([id])[id]);
        const box = document.getElementById('map').getBoundingClientRect();
        return [p.x / box.width, p.y / box.height];
    }""")
    assert 0.3 < where[0] < 0.7 and 0.3 < where[1] < 0.7, where
    assert "Rashad Azizov" in page.text_content("#details")
    # case and diacritics do not matter: KOBİA by "kobia", Hoçazfilm by "HOCAZFILM"
    for query, label in (("kobia", "KOBİA"), ("HOCAZFILM", "Hoçazfilm")):
        if any(d.get("label") == label for _, d in H.nodes(data=True)):
            page.fill("#search", query)
            page.press("#search", "Enter")
            got = page.evaluate("cinecoop.nodes.get(cinecoop.network.getSelectedNodes()[0]).name")
            assert got == label
    no_errors(browser_page)


@pytest.mark.parametrize("name", ["org-event", "full"])
def test_type_filter_hides_that_type_and_its_links(browser_page: BrowserPage, site: Path,
                                                   G: nx.MultiDiGraph, name: str) -> None:
    open_page(browser_page, site / f"{name}.html")
    page = browser_page.page
    H = view(G, name)
    page.uncheck("input.type[value=event]")
    hidden = page.evaluate("cinecoop.nodes.get({filter: n => n.hidden}).map(n => n.id).sort()")
    assert hidden == sorted(n for n, d in H.nodes(data=True) if d["kind"] == "event")
    shown_edges = page.evaluate("cinecoop.edges.get({filter: e => !e.hidden}).length")
    assert shown_edges == sum(1 for u, v in H.edges
                              if "event" not in (H.nodes[u]["kind"], H.nodes[v]["kind"]))
    page.check("input.type[value=event]")
    assert page.evaluate("cinecoop.nodes.get({filter: n => n.hidden}).length") == 0
    no_errors(browser_page)


def test_year_filter_keeps_the_2021_presentation(browser_page: BrowserPage, site: Path,
                                                  G: nx.MultiDiGraph) -> None:
    open_page(browser_page, site / "org-event.html")
    page = browser_page.page
    page.select_option("#year-from", "2021")
    page.select_option("#year-to", "2021")
    page.uncheck("#undated")
    events = page.evaluate(
        "cinecoop.nodes.get({filter: n => !n.hidden && n.group === 'event'}).map(n => n.id)")
    assert events == [PRESENTATION]  # 002, 2021-06-29: the only event of 2021
    orgs = page.evaluate(
        "cinecoop.nodes.get({filter: n => !n.hidden && n.group !== 'event'}).map(n => n.id)")
    # 002: Lenfilm (Fyodor Sherbakov) was at the presentation; Kyrgyzfilm only at 001's 2025
    # roundtable, so it is left out
    assert "organisation/lenfilm" in orgs and "organisation/kyrgyzfilm" not in orgs
    H = view(G, "org-event")
    assert sorted(orgs) == sorted(H[PRESENTATION])
    no_errors(browser_page)


def test_physics_switch(browser_page: BrowserPage, site: Path) -> None:
    open_page(browser_page, site / "country-country.html")
    page = browser_page.page
    assert page.evaluate("cinecoop.network.physics.options.enabled") is True
    page.uncheck("#physics")
    assert page.evaluate("cinecoop.network.physics.options.enabled") is False
    no_errors(browser_page)


def test_injected_labels_stay_text(browser_page: BrowserPage, tmp_path: Path) -> None:
    page_obj = build_page(evil_graph(), title=EVIL, caption=EVIL_SCRIPT, notes=[EVIL])
    file = write_html(page_obj, tmp_path / "evil.html")
    open_page(browser_page, file, shot="injected-labels.png")
    page = browser_page.page
    assert page.text_content("#title") == EVIL
    assert EVIL_SCRIPT in page.text_content("#caption")
    assert page.evaluate("document.images.length") == 0
    page.fill("#search", "img src")
    page.press("#search", "Enter")
    assert page.evaluate("cinecoop.network.getSelectedNodes()") == ["person/evil"]
    details = page.text_content("#details")
    assert EVIL in details and EVIL_SCRIPT in details
    # hover shows the tooltip as text (physics off and the focus animation over: nothing moves)
    page.uncheck("#physics")
    page.wait_for_timeout(600)
    page.mouse.move(1, 1)
    pos = page.evaluate("""() => { const p = cinecoop.network.getPositions(['person/evil']);
        const d = cinecoop.network.canvasToDOM(p['person/evil']);
        const box = document.getElementById('map').getBoundingClientRect();
        return [box.left + d.x, box.top + d.y]; }""")
    page.mouse.move(pos[0], pos[1], steps=5)
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    assert EVIL in page.text_content("div.vis-tooltip")
    assert page.evaluate("document.images.length") == 0
    no_errors(browser_page)
    assert browser_page.dialogs == []


def test_views_all_have_pages() -> None:
    assert set(MAIN_VIEWS) <= set(VIEWS)
