"""The published site: entity and source pages, links, JSON-LD, search, the report, in Chromium.

Facts from the articles: 004 ¶5 names Рашад Азизов director general of the Azerbaijan Film
Agency; 000 ¶4 names him head of a department of the Ministry of Culture of Azerbaijan. The
link check parses every written page in Python; the browser opens a sample (one per kind, the
sources, the index and the report) with the network blocked.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import networkx as nx
import pytest
from conftest import REPO, S4
from rdflib import Dataset
from servers import BrowserPage

from graph.web.site import write_site

ARTIFACTS = REPO / "out" / "test-artifacts"
AZIZOV = "entity/person/rashad-azizov.html"
FILM_AGENCY = "entity/organisation/azerbaijan-film-agency.html"


@pytest.fixture(scope="module")
def site(ds: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    write_site(ds, out)
    return out


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for name in ("href", "src"):
            if a.get(name) and tag != "a" or (tag == "a" and name == "href" and a.get(name)):
                self.refs.append(str(a[name]))
        if a.get("id"):
            self.ids.add(str(a["id"]))


def parse(file: Path) -> Links:
    p = Links()
    p.feed(file.read_text("utf-8"))
    return p


def jsonld(file: Path) -> dict:
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', file.read_text(), re.S)
    assert m, file
    data: dict = json.loads(m.group(1))
    return data


def entity_files(site: Path) -> list[Path]:
    return sorted((site / "entity").rglob("*.html"))


# ------------------------------------------------------------------------- files


def test_one_page_per_entity_and_source_at_a_stable_url(site: Path, G: nx.MultiDiGraph) -> None:
    written = {str(f.relative_to(site / "entity"))[:-5] for f in entity_files(site)}
    sources = {f"source/{s}" for s in ("000_06f276725383997b", "001_7c0143c62be84d35",
                                        "002_215d27630291384d", "003_2832cb0f310ffba0", S4)}
    assert written == set(G.nodes) | sources
    assert (site / AZIZOV).is_file()


def test_every_internal_link_resolves(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    anchors = {p: parse(p).ids for p in pages}
    checked = 0
    for page in pages:
        for ref in parse(page).refs:
            parts = urlsplit(ref)
            if parts.scheme or ref.startswith("//"):
                continue  # JSON-LD @ids are in a script, never links; nothing external here
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file(), (page.relative_to(site), ref)
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in anchors[target], (page.relative_to(site), ref)
            checked += 1
    assert checked > 1000


def test_json_ld_names_the_entity(site: Path, G: nx.MultiDiGraph) -> None:
    for file in entity_files(site):
        data = jsonld(file)
        assert data["@context"] == "https://schema.org"
        h1 = re.search(r'<h1 id="name">(.*?)</h1>', file.read_text()).group(1)  # type: ignore[union-attr]
        assert data["name"] == html_lib.unescape(h1), file
    azizov = jsonld(site / AZIZOV)
    assert azizov["@type"] == "Person" and "Рашад Азизов" in azizov["alternateName"]
    assert "https://w3id.org/cinecoop/id/organisation/azerbaijan-film-agency" in {
        a["@id"] for a in azizov["affiliation"]}  # 004 ¶5
    assert jsonld(site / FILM_AGENCY)["@type"] == "GovernmentOrganization"


def test_a_fact_leads_to_the_paragraph_that_states_it(site: Path) -> None:
    page = (site / AZIZOV).read_text()
    # 004 ¶5: director general of the film agency, cited to Trend's article of 9 December 2025
    line = next(li for li in page.split("<li>") if "генеральный директор" in li)
    assert f'href="../../entity/source/{S4}.html#p5"' in line
    assert "Trend, 9 December 2025</a>, <a" in line and ">¶5</a>" in line
    assert 'href="../../entity/organisation/azerbaijan-film-agency.html"' in line
    source = (site / f"entity/source/{S4}.html").read_text()
    p5 = source.split('id="p5"', 1)[1].split('id="p6"', 1)[0]
    assert "Rashad Azizov" in p5 and "генеральный директор" in p5


def test_no_article_prose_on_source_pages(site: Path, sources_dir: Path) -> None:
    text = (sources_dir / f"{S4}.txt").read_text("utf-8")
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if len(p.strip()) > 200]
    page = html_lib.unescape((site / f"entity/source/{S4}.html").read_text())
    for para in paragraphs:
        assert para[:120] not in page


# ------------------------------------------------------------------------- in Chromium


def open_page(bp: BrowserPage, file: Path, shot: str | None = None, map_: bool = False) -> None:
    bp.page.set_viewport_size({"width": 1300, "height": 900})
    bp.page.goto(file.as_uri())
    if map_:
        bp.page.wait_for_function("window.cinecoop && window.cinecoop.ready", timeout=30_000)
    if shot:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        bp.page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
        print(f"screenshot: {ARTIFACTS / shot}")


def no_errors(bp: BrowserPage) -> None:
    assert bp.errors == []
    assert [c for c in bp.console if c.type in ("error", "warning")] == []
    assert bp.blocked == []
    assert bp.dialogs == []


def sample(site: Path) -> list[Path]:
    """One page per kind of entity (the first in id order), Azizov, the film agency, sources."""
    files = entity_files(site)
    first = {}
    for f in files:
        first.setdefault(f.parent.name, f)
    return sorted({*first.values(), site / AZIZOV, site / FILM_AGENCY,
                   *(site / "entity" / "source").glob("*.html")})


def test_entity_pages_load_without_errors(browser_page: BrowserPage, site: Path) -> None:
    for file in sample(site):
        has_map = 'id="map-data"' in file.read_text()
        open_page(browser_page, file, shot="entity-azizov.png" if file == site / AZIZOV
                  else None, map_=has_map)
        ld = json.loads(browser_page.page.text_content('script[type="application/ld+json"]')
                        or "")
        assert ld["name"] == browser_page.page.text_content("#name")
        if has_map:  # the neighbourhood map draws the entity and its neighbours, selected
            assert browser_page.page.evaluate("cinecoop.network.getSelectedNodes().length") == 1
        no_errors(browser_page)


def test_search_finds_azizov_from_the_index(browser_page: BrowserPage, site: Path) -> None:
    open_page(browser_page, site / "index.html")
    page = browser_page.page
    page.fill("#site-search", "Азизов")
    page.wait_for_selector("#site-results a")
    first = page.locator("#site-results a").first
    assert first.text_content() == "Rashad Azizov"
    page.screenshot(path=str(ARTIFACTS / "index.png"), full_page=True)
    print(f"screenshot: {ARTIFACTS / 'index.png'}")
    first.click()
    page.wait_for_url(f"**/{AZIZOV}")
    page.wait_for_load_state("load")
    page.wait_for_function("window.cinecoopSearch !== undefined")  # the search is ready
    # and from an entity page, in another script and without diacritics
    page.fill("#site-search", "hocazfilm")
    page.wait_for_selector("#site-results a")
    assert page.locator("#site-results a").first.text_content() == "Hoçazfilm"
    no_errors(browser_page)


def test_from_a_map_to_a_person(browser_page: BrowserPage, site: Path) -> None:
    open_page(browser_page, site / "person-event.html", map_=True)
    page = browser_page.page
    page.fill("#search", "Азизов")
    page.press("#search", "Enter")
    link = page.locator("#details a.page-link")
    assert link.text_content() == "Open the page of Rashad Azizov \u2192"
    link.click()
    page.wait_for_function("window.cinecoop && window.cinecoop.ready", timeout=30_000)
    assert page.url.endswith(AZIZOV)
    page.locator(f'a[href="../../entity/source/{S4}.html#p5"]').first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"{S4}.html#p5")
    assert "Rashad Azizov" in (page.text_content("#p5") or "")
    no_errors(browser_page)


def test_report_shows_outlets_and_no_internal_names(browser_page: BrowserPage,
                                                    site: Path) -> None:
    open_page(browser_page, site / "report.html", shot="report.png")
    text = browser_page.page.text_content("body") or ""
    for outlet in ("Trend", "Azertag", "Oku.Az", "Azernews"):
        assert outlet in text
    for internal in ("held_post_at", "operates_under", "projection edges", "org-org",
                     "0.0000", "--08-23"):
        assert internal not in text
    assert browser_page.page.locator("svg.chart").count() == 6
    no_errors(browser_page)
