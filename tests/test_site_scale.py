"""The site at scale: its fast parts give what the map component and a regular expression give.

Entity pages no longer build a graph, a centrality and a map page per entity
(:mod:`graph.web.neighbourhood`), nor run one regular expression of every name over each line
(:class:`graph.web.entities.Linker`); these tests compare them, entity by entity and line by
line, with the reference they replace, on the curated graph and on a hub larger than a small
map draws.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
import pytest
from clirun import cinecoop
from conftest import DATA, REPO
from rdflib import Dataset
from servers import BrowserPage

from graph.files import AtomicBatch
from graph.network.projection import view
from graph.network.wording import entity_href, ontology_labels, source_list
from graph.ns import SKOS
from graph.sparql.describe import describe
from graph.sparql.ntriples import memory_reader, nt_by_subject, nt_triples
from graph.sparql.reader import MemoryReader, _from_ox, open_reader
from graph.terms import ID
from graph.web.entities import ROOT, Linker, Part, entity_pages
from graph.web.maps import LAYOUT_THRESHOLD, build_page, map_data, script_json
from graph.web.neighbourhood import Neighbourhoods
from graph.web.pages import entity_html
from graph.web.site import beside


def reference_json(full: nx.Graph, key: str, notes: dict[str, str],
                   labels: dict[str, str]) -> str:
    """The small map as it was made before: an ego graph through ``build_page``."""
    H = nx.ego_graph(full, key, radius=1).copy()
    H.graph.update(full.graph)
    page = build_page(H, title=str(full.nodes[key]["label"]), caption="", focus=key,
                      pages={n: ROOT + entity_href(n) for n in H}, class_labels=labels,
                      source_notes=notes)
    return script_json(map_data(page))


def neighbourhoods(ds: Dataset, G: nx.MultiDiGraph) -> tuple[Neighbourhoods, dict[str, str],
                                                               dict[str, str]]:
    notes = {s.stem: s.describe() for s in source_list(ds)}
    labels = ontology_labels(ds)
    return (Neighbourhoods(view(G, "full"), lambda n: ROOT + entity_href(n), notes, labels),
            notes, labels)


def test_every_small_map_is_the_map_components_own(ds: Dataset, G: nx.MultiDiGraph) -> None:
    maps, notes, labels = neighbourhoods(ds, G)
    full = view(G, "full")
    assert len(full) > 50
    for key in sorted(full):
        assert maps.json(key) == reference_json(full, key, notes, labels), key
    azizov = json.loads(maps.json("person/rashad-azizov") or "")
    ids = {n["id"] for n in azizov["nodes"]}
    # 004 ¶5: director general of the Azerbaijan Film Agency: a neighbour on his map
    assert "organisation/azerbaijan-film-agency" in ids and azizov["focus"] in ids
    assert all(n["page"].startswith(ROOT + "entity/") for n in azizov["nodes"])


def test_a_hub_larger_than_a_small_map_goes_through_the_map_component(
        ds: Dataset, G: nx.MultiDiGraph) -> None:
    full = hub_graph(ds, G, LAYOUT_THRESHOLD + 5)
    hub = "person/rashad-azizov"
    notes = {s.stem: s.describe() for s in source_list(ds)}
    labels = ontology_labels(ds)
    maps = Neighbourhoods(full, lambda n: ROOT + entity_href(n), notes, labels)
    data = maps.json(hub) or ""
    assert data == reference_json(full, hub, notes, labels)
    assert json.loads(data)["physics"] is False   # laid out in advance, as a large map


def old_parts(G: nx.MultiDiGraph, text: str, skip: str | None) -> list[tuple[str, str | None]]:
    """The linker as it was: one alternation of every name, longest first."""
    from graph.network.wording import humane_dates

    names: dict[str, str] = {}
    for key, d in sorted(G.nodes(data=True)):
        names.setdefault(str(d["label"]), key)
    ordered = sorted(names, key=lambda n: (-len(n), n))
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in ordered))
    text = humane_dates(text)
    out: list[tuple[str, str | None]] = []
    pos = 0
    for m in pattern.finditer(text):
        key = names[m.group(0)]
        if key == skip:
            continue
        if m.start() > pos:
            out.append((text[pos:m.start()], None))
        out.append((m.group(0), ROOT + entity_href(key)))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], None))
    return out


def pairs(parts: list[Part]) -> list[tuple[str, str | None]]:
    return [(p.text, p.href) for p in parts]


def test_names_are_linked_as_a_regular_expression_of_every_name_links_them(
        ds: Dataset, G: nx.MultiDiGraph) -> None:
    linker = Linker(G)
    reader = memory_reader(ds)
    lines = 0
    for key in sorted(G.nodes):
        for _, text, _ in describe(reader, ID + key).facts:
            assert pairs(linker.parts(text, skip=key)) == old_parts(G, text, key), text
            lines += 1
    assert lines > 300
    # whole words only, the longest name first, a name next to punctuation still linked
    tricky = ("Azerbaijan Film Agency, Azerbaijan Film Agencyx; (Rashad Azizov)"
              " xRashad Azizov Rashad Azizov2")
    assert pairs(linker.parts(tricky)) == old_parts(G, tricky, None)
    linked = [text for text, href in pairs(linker.parts(tricky)) if href]
    # the agency; in "Agencyx" only the country; Azizov in brackets, not inside other words
    assert linked == ["Azerbaijan Film Agency", "Azerbaijan", "Rashad Azizov"]


def test_the_whole_graph_read_from_the_builds_n_triples_is_the_stores(built: Path) -> None:
    """memory_reader reads graph.nt (4x faster than the store's quads): the same triples, terms
    and literal forms; a file of another shape is refused, and the store is read instead."""
    reader = open_reader(built)
    fast = memory_reader(reader)
    slow = MemoryReader((_from_ox(q.subject), q.predicate.value, _from_ox(q.object))
                        for q in reader.store.quads_for_pattern(None, None, None,
                                                                ox.DefaultGraph()))

    def terms(r: MemoryReader) -> set[tuple[str, str, str, str | None, str | None, str]]:
        return {(s, p, str(o), getattr(o, "language", None), getattr(o, "datatype", None),
                 type(o).__name__) for s, by_p in r.spo.items() for p, objs in by_p.items()
                for o in objs}

    assert terms(fast) == terms(slow) and len(terms(fast)) > 2000
    # a label in Russian and a dated literal survive the text form (004 ¶5: Рашад Азизов)
    azizov = ID + "person/rashad-azizov"
    assert "Рашад Азизов" in {str(x) for x in fast.objects(azizov, SKOS.prefLabel)}
    assert describe(fast, azizov).facts == describe(slow, azizov).facts


def test_n_triples_escapes_and_odd_lines(tmp_path: Path) -> None:
    nt = tmp_path / "graph.nt"
    nt.write_text('<a:s> <a:p> "say \\"hi\\"\\n\\u00E9\\U0001F600 \\\\ ok"@en .\n'
                  '<a:s> <a:p> "2025-12-09"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
                  '<a:s> <a:p> "plain" .\n<a:s> <a:q> <a:o> .\n', encoding="utf-8")
    got = list(nt_triples(nt))
    assert got[0][2] == 'say "hi"\né\U0001F600 \\ ok' and got[0][2].language == "en"
    assert got[1][2].datatype == "http://www.w3.org/2001/XMLSchema#date"
    assert got[2][2] == "plain" and got[2][2].datatype is None and got[3][2] == "a:o"
    nt.write_text("_:b0 <a:p> <a:o> .\n", encoding="utf-8")
    with pytest.raises(ValueError, match="blank node"):
        list(nt_triples(nt))


def test_pages_are_the_bytes_the_template_gave(ds: Dataset, G: nx.MultiDiGraph) -> None:
    """Entity and source pages are written by string formatting (graph.web.pages); the jinja2
    template they came from (kept in tests/fixtures) gives the same bytes for every page,
    and a name with markup stays text."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(REPO / "tests" / "fixtures"),
                             autoescape=True, keep_trailing_newline=True, trim_blocks=True,
                             lstrip_blocks=True)
    template = env.get_template("entity.html.j2")
    srcs = {s.stem: s for s in source_list(ds)}
    pages = entity_pages(memory_reader(ds), G, srcs, ontology_labels(ds))
    assert {p.key.split("/")[0] for p in pages} >= {"person", "organisation", "source"}
    for page in pages:
        jsonld = script_json(page.jsonld)
        assert entity_html(page, ROOT, jsonld) == template.render(
            page=page, root=ROOT, jsonld=jsonld), page.key
    odd = pages[0]
    odd.name = "<img src=x onerror=alert(1)> & 'Ö'"
    odd.sections[0][1][0].parts.append(Part('"<b>"', "../../x.html?a=1&b=2"))
    html = entity_html(odd, ROOT, "{}")
    assert html == template.render(page=odd, root=ROOT, jsonld="{}")
    assert "<img" not in html and "&lt;img src=x" in html


def test_pages_made_in_shares_are_the_pages_of_one_process(
        ds: Dataset, G: nx.MultiDiGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The entity pages are shared between the forked process and this one, a run of
    PAGES_AT_ONCE at a time to whichever is free: every file of the site has the bytes it has
    when one process makes every page, and every page those of the pages made one after the
    other in id order (the source pages gather the lines each share cited, in that order).
    When the child fails, this process makes the pages of the runs it took."""
    import graph.web.site as site
    from graph.forked import Later

    def files(folder: Path) -> dict[str, bytes]:
        return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
                if p.is_file()}

    def made_in(every: str) -> dict[str, bytes]:
        site.write_site(ds, tmp_path / every, projection=G)
        return files(tmp_path / every)

    with monkeypatch.context() as m:     # no child: this process makes every page
        m.setattr(site, "beside", lambda work, empty=None: Later(work, empty))
        alone = made_in("alone")
    for size in (1, 3, 48, 10**6):
        monkeypatch.setattr(site, "PAGES_AT_ONCE", size)
        assert made_in(str(size)) == alone, size
    parent, real = os.getpid(), site._page_files

    def failing(*args: Any) -> Any:
        if os.getpid() != parent:     # after taking a run of pages
            next(iter(args[1]), None)
            raise RuntimeError("the child stops")
        return real(*args)

    monkeypatch.setattr(site, "PAGES_AT_ONCE", 2)
    monkeypatch.setattr(site, "_page_files", failing)
    assert made_in("failed") == alone
    srcs = {s.stem: s for s in source_list(ds)}
    pages = entity_pages(memory_reader(ds), G, srcs, ontology_labels(ds))
    assert len([f for f in alone if f.startswith("entity/")]) == len(pages)
    for page in pages:
        assert alone[page.file] == entity_html(
            page, ROOT, script_json(page.jsonld)).encode("utf-8"), page.key
    assert any(b"<li>" in alone[p.file] for p in pages if p.key.startswith("source/"))


def test_work_beside_runs_in_another_process_and_its_errors_come_back() -> None:
    assert beside(os.getpid)() != os.getpid()

    def broken() -> None:
        raise ValueError("no such page")

    with pytest.raises(ValueError, match="no such page"):
        beside(broken)()
    # this process failing too (or interrupted): the work is not run again here
    assert beside(broken, empty="nothing")(again=False) == "nothing"


def test_a_failed_site_publishes_no_page(ds: Dataset, G: nx.MultiDiGraph, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The pages are written beside their targets in the forked process; when a later step
    fails in this one, none is published and no temporary file is left."""
    import graph.web.site as site

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the report failed")

    monkeypatch.setattr(site, "build_report", broken)
    with pytest.raises(RuntimeError, match="the report failed"):
        site.write_site(ds, tmp_path, projection=G)
    assert not list((tmp_path / "entity").rglob("*.html"))
    assert not [p for p in tmp_path.rglob(".*") if p.is_file()]


def test_a_batch_hands_its_files_to_another(tmp_path: Path) -> None:
    with AtomicBatch() as first:
        first.write(tmp_path / "a.html", "A")
        pending = first.detach()
    assert not (tmp_path / "a.html").exists() and Path(pending[0][0]).is_file()
    with AtomicBatch() as second:
        second.adopt(pending)
        second.write(tmp_path / "b.html", "B")
    assert (tmp_path / "a.html").read_text() == "A" and (tmp_path / "b.html").read_text() == "B"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "b.html"]


def test_names_of_four_characters_or_more_take_the_short_way() -> None:
    """Where no name is shorter than the look-up prefix, a word is checked by one table
    look-up: the same links as the regular expression."""
    G = nx.MultiDiGraph()
    for key, label in (("organisation/kino", "Kino"), ("organisation/kino-film", "Kino Film"),
                       ("person/anna", "Anna Kino"), ("country/aze", "Azərbaycan")):
        G.add_node(key, label=label)
    linker = Linker(G)
    assert linker.lengths == [Linker.PREFIX]
    for text in ("Kino Film and Kino, Anna Kino Film; Kinox (Azərbaycan) xKino Kino2 Kino",
                 "Anna Kino Film Kino Film", "", "no names here"):
        for skip in (None, "organisation/kino", "person/anna"):
            assert pairs(linker.parts(text, skip)) == old_parts(G, text, skip), (text, skip)


def test_many_names_sharing_a_prefix_are_looked_up_by_length() -> None:
    """Names that share their first characters (``Agreement 1`` ... ``Agreement 120``, one
    shorter than the prefix) are looked up one length at a time: the same links as the
    regular expression, the longest whole name first."""
    G = nx.MultiDiGraph()
    for i in range(1, 121):
        G.add_node(f"agreement/a{i}", label=f"Agreement {i}")
    for key, label in (("agreement/plain", "Agreement"), ("country/ag", "Ag"),
                       ("organisation/agr", "Agreement 12 Film")):
        G.add_node(key, label=label)
    linker = Linker(G)
    for text in ("Agreement 120, Agreement 12 Film and Agreement 12; Agreement 1200 Agreement",
                 "Ag Agreement 7x (Agreement 7) Agreement 12 Films", "Agreemen Agreement 121"):
        for skip in (None, "agreement/a12", "agreement/plain", "country/ag"):
            assert pairs(linker.parts(text, skip)) == old_parts(G, text, skip), (text, skip)


def hub_graph(ds: Dataset, G: nx.MultiDiGraph, extra: int) -> nx.Graph:
    """The full view with ``extra`` invented people who met Azizov (only in this copy)."""
    full = nx.Graph(view(G, "full"))
    hub = "person/rashad-azizov"
    for i in range(extra):
        other = f"person/extra-{i:03d}"
        full.add_node(other, kind="person", label=f"Extra {i}", labels={"en": [f"Extra {i}"]},
                      cls="Person", sources=[])
        full.add_edge(hub, other, relation="met_at", head=hub, label="met", sources=[])
    return full


def test_small_maps_draw_offline_in_chromium_a_hubs_too(
        browser_page: BrowserPage, ds: Dataset, G: nx.MultiDiGraph, tmp_path: Path) -> None:
    """Pages written by graph.web.pages with their small maps from graph.web.neighbourhood:
    Azizov's page (his posts, 004 ¶5 and 000 ¶4, on the page) and the same page when he
    has more neighbours than a map lays out in the page (the layout made in advance)."""
    from graph.web.site import _write_static

    srcs = {s.stem: s for s in source_list(ds)}
    pages = {p.key: p for p in entity_pages(memory_reader(ds), G, srcs, ontology_labels(ds))}
    page = pages["person/rashad-azizov"]
    text = entity_html(page, ROOT, script_json(page.jsonld))
    posts = dict(page.sections)["Posts held"]
    cited = [" ".join(c.text for c in line.cites) for line in posts]
    assert any("Azerbaijan Film Agency" in "".join(p.text for p in line.parts)
               and "¶5" in c for line, c in zip(posts, cited, strict=True))   # 004 ¶5
    assert any("Ministry of Culture" in "".join(p.text for p in line.parts)
               for line in posts)                                            # 000 ¶4
    hub = hub_graph(ds, G, LAYOUT_THRESHOLD + 5)
    notes = {s.stem: s.describe() for s in srcs.values()}
    big = Neighbourhoods(hub, lambda n: ROOT + entity_href(n), notes, ontology_labels(ds))
    with AtomicBatch() as batch:
        _write_static(batch, tmp_path, list(pages.values()))
    files = {"small": tmp_path / "entity/person/rashad-azizov.html",
             "hub": tmp_path / "entity/person/hub.html"}
    files["small"].parent.mkdir(parents=True)
    files["small"].write_text(text, encoding="utf-8")
    page.map_json = big.json("person/rashad-azizov")
    files["hub"].write_text(entity_html(page, ROOT, script_json(page.jsonld)), "utf-8")
    for what, file in files.items():
        browser_page.page.goto(file.as_uri())
        browser_page.page.wait_for_function("window.cinecoop && window.cinecoop.ready",
                                            timeout=60_000)
        drawn = browser_page.page.evaluate("cinecoop.network.body.data.nodes.length")
        selected = browser_page.page.evaluate("cinecoop.network.getSelectedNodes()")
        assert selected == ["person/rashad-azizov"], what
        assert drawn == (len(json.loads(text.split('type="application/json">')[1]
                                        .split("</script>")[0])["nodes"])
                         if what == "small" else LAYOUT_THRESHOLD + 5 + drawn_before(ds, G))
        assert browser_page.errors == [] and browser_page.blocked == [], what


def drawn_before(ds: Dataset, G: nx.MultiDiGraph) -> int:
    """Azizov and his neighbours in the full view."""
    full = view(G, "full")
    return 1 + len(full.adj["person/rashad-azizov"])


def test_ontology_labels_are_kept_beside_the_build(built: Path, ds: Dataset) -> None:
    """The report and the site read the ontology's labels once per build (every label of the
    graph is looked at): what is kept is what the graph says."""
    from conftest import DATA

    from graph.api import OpenGraph

    assert ontology_labels(OpenGraph(built, DATA).graph) == ontology_labels(ds)
    assert list((built / "current").glob("ontology-labels-*.pickle"))
    kept = ontology_labels(OpenGraph(built, DATA).graph)     # read back in a new graph
    assert kept == ontology_labels(ds) and kept["FilmAgency"] == "Film agency"


def test_a_site_made_again_from_the_same_build_is_left_as_it_is(
        built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``site`` run again on the same build, by the same code, with every file of the site as
    it left them, makes nothing (what it wrote is kept beside the build) and says what it
    said; a page changed, removed, or put back with its old bytes and times makes the site
    again, with the bytes of the first."""
    import shutil

    import graph.web.site as site

    out = tmp_path / "out"
    shutil.copytree(built, out, symlinks=True)

    def pages() -> dict[str, bytes]:
        return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
                if p.is_file() and p.parts[len(out.parts)] in ("entity", "static")
                or p.parent == out and p.suffix in (".html", ".md")}

    first = cinecoop("--data", DATA, "--out", out, "site")
    assert first.returncode == 0, first.stderr
    written = pages()
    assert len(written) > 100 and "index.html" in written and "report.md" in written

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the site was made again")

    with monkeypatch.context() as m:
        m.setattr(site, "write_site", broken)
        again = cinecoop("--data", DATA, "--out", out, "site")
        assert again.returncode == 0 and again.stdout == first.stdout
    page = out / "entity" / "person" / "rashad-azizov.html"
    page.write_text("changed", encoding="utf-8")
    for change in ("changed", "removed", "put back"):
        with monkeypatch.context() as m:
            m.setattr(site, "write_site", broken)
            assert "the site was made again" in cinecoop("--data", DATA, "--out", out,
                                                         "site").output, change
        assert cinecoop("--data", DATA, "--out", out, "site").stdout == first.stdout
        assert pages() == written, change
        if change == "changed":
            page.unlink()
        elif change == "removed":     # the same bytes and times, in a new file
            data, before = page.read_bytes(), page.stat()
            page.unlink()
            page.write_bytes(data)
            os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_the_reader_indexed_by_object_when_asked_answers_as_one_indexed_up_front(
        built: Path, tmp_path: Path) -> None:
    """graph.nt read subject by subject (:func:`nt_by_subject`), its index by object made per
    predicate when first asked: the same triples, in the same order, for every pattern, as
    the reader that indexes every triple as it reads them; a file whose subjects are not
    together is refused (the store is read instead)."""
    nt = open_reader(built).folder / "graph.nt"
    lazy = MemoryReader.by_subject(*nt_by_subject(nt))
    eager = MemoryReader(nt_triples(nt))
    assert lazy.spo == eager.spo
    assert list(lazy.triples((None, None, None))) == list(eager.triples((None, None, None)))
    predicates = sorted({p for by_p in eager.spo.values() for p in by_p})
    for p in predicates:
        assert list(lazy.triples((None, p, None))) == list(eager.triples((None, p, None))), p
        for o in {o for _, _, o in eager.triples((None, p, None))}:
            assert list(lazy.subjects(p, o)) == list(eager.subjects(p, o)), (p, o)
            assert lazy.value(None, p, o) == eager.value(None, p, o)
    azizov = ID + "person/rashad-azizov"
    assert describe(lazy, azizov).facts == describe(eager, azizov).facts
    assert memory_reader(open_reader(built)).spo == eager.spo
    odd = tmp_path / "graph.nt"
    odd.write_text("<a:s> <a:p> <a:o> .\n<a:t> <a:p> <a:o> .\n<a:s> <a:q> <a:o> .\n",
                   encoding="utf-8")
    with pytest.raises(ValueError, match="not sorted"):
        nt_by_subject(odd)


def test_names_and_dates_are_found_where_the_look_behind_first_found_them() -> None:
    """The linker's and the dates' patterns check their look-behinds after the first
    character (so the engine skips to a candidate character): on random text made of the
    characters that matter, the same places and groups as the patterns written look-behind
    first, and the same links as the regular expression of every name."""
    import random

    from graph.network.wording import _DATES, humane_dates

    old_dates = re.compile(r"--(\d\d)-(\d\d)\.\.--(\d\d)-(\d\d)|(?<![\d-])(\d{4}-\d\d-\d\d)"
                           r"(?![\d-])|(?<![\w-])(--\d\d-\d\d)(?![\d-])")
    G = nx.MultiDiGraph()
    for key, label in (("organisation/kino", "Kino"), ("person/anna", "Anna Kino"),
                       ("organisation/q", "«Kino»"), ("event/n", "1 Kino"),
                       ("place/x", "-Kino")):
        G.add_node(key, label=label)
    linker = Linker(G)
    old_starts = re.compile("(?<!\\w)[" + "".join(re.escape(c) for c in "-1AK«") + "]")
    rng = random.Random(11)
    pieces = ["0", "1", "2", "-", "--", ".", "..", " ", "a", "_", "\n", "Kino", "Anna ", "«",
              "»", "1 ", "-Kino", "2024-01-02", "--08-23", "é"]
    for _ in range(4000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 12)))
        found = [(m.span(), m.groups()) for m in _DATES.finditer(text)]
        assert found == [(m.span(), m.groups()) for m in old_dates.finditer(text)], text
        assert [m.start() for m in linker.starts.finditer(text)] == \
            [m.start() for m in old_starts.finditer(text)], text
        assert pairs(linker.parts(text)) == old_parts(G, text, None), text
    assert humane_dates("--08-23..--08-28 and 2024-09-20, x2024-09-20, 12024-09-20") == \
        "23\u201328 August (year not given) and 20 September 2024, x20 September 2024, " \
        "12024-09-20"
