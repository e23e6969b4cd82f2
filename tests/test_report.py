"""``cinecoop report``: Markdown and the same standalone HTML, from the articles' facts."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pytest
from clirun import cinecoop
from conftest import DATA

from graph.network.report import (
    build_report,
    html,
    markdown,
    plain,
    report_context,
    unlinked,
)

INTERNAL = ("held_post_at", "operates_under", "participated_in", "projection", "met_at",
            "org-org", "country-country", "org-event", "person-event", "FilmAgency")


@pytest.fixture(scope="module")
def md(G: nx.MultiDiGraph, ds: object) -> str:
    return markdown(build_report(G, context=report_context(ds)))


def section(text: str, title: str) -> str:
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


def test_report_sections(md: str) -> None:
    for title in ("What the graph holds", "The maps", "The most central organisations",
                  "The most central countries", "Who holds the network together",
                  "Groups that met among themselves", "Change over time",
                  "Timeline of events", "Sources"):
        assert f"## {title}" in md


def test_timeline_orders_events_by_date_and_marks_undated(md: str) -> None:
    rows = [line for line in section(md, "Timeline of events").splitlines()
            if line.startswith("| ") and not line.startswith("| when")]
    dates = [r.split(" | ")[0].lstrip("| ") for r in rows]
    # 002 (2021-06-29) is the earliest article; 003's Cinema Talks has no date: last
    assert "Presentation of the Azerbaijan Filming Commission" in rows[0]
    assert dates[0] == "date not given, reported 29 June 2021"
    assert dates[-1] == "undated" and "Cinema Talks" in rows[-1]
    # 000 ¶6: the film week ran 23 to 28 August, the year not given
    assert any(d.startswith("23–28 August (year not given)") for d in dates)
    # sources by outlet, date and paragraph: 004 is Trend's (¶1 names the panel)
    assert "Trend, 9 December 2025, ¶1" in section(md, "Timeline of events")


def test_per_year_counts_the_2021_organisations(md: str) -> None:
    # 002 (2021): the Ministry of Culture (¶4), Lenfilm (¶8), the Turkish ministry (¶10) and
    # the Azerbaijan Filming Commission (¶14) took part in the presentation.
    text = section(md, "Change over time")
    header = next(line for line in text.splitlines() if line.startswith("| year | events"))
    names = [c.strip() for c in header.strip("|").split("|")]
    row = next(line for line in text.splitlines() if line.startswith("| 2021 |"))
    cells = dict(zip(names, [c.strip() for c in row.strip("|").split("|")], strict=True))
    assert cells["events"] == "1" and cells["organisations active"] == "4"
    # four organisations at one event: 4*3/2 = 6 new ties in 2021
    assert cells["new ties between organisations"] == "6"


def test_ministry_tops_the_organisations(md: str) -> None:
    # The Ministry of Culture of Azerbaijan is present in all five articles' events
    top = section(md, "The most central organisations")
    degree_row = next(line for line in top.splitlines() if "(degree)" in line)
    assert degree_row.split(" | ")[1].startswith("Ministry of Culture of Azerbaijan (19 of 19)")
    assert "weight is the number of shared events" in top
    assert not re.search(r"\d\.\d{3}", md)  # scores rounded to two decimals


def test_reads_as_prose_without_internal_names(md: str) -> None:
    for name in INTERNAL:
        assert name not in md, name
    # the outlets of the sources: 004 is Trend's, 002 credits Azertag, 000 Oku.Az
    for outlet in ("Trend, 9 December 2025", "via Azertag, 29 June 2021", "via Oku.Az"):
        assert outlet in section(md, "Sources")
    assert "000_06f276725383997b ¶" not in md  # never a bare file id as a citation
    # organisations by kind, in the ontology's words (004 ¶5 names the film agency)
    assert "| Film agency |" in section(md, "What the graph holds")


def test_meaningless_results_are_said_in_words(md: str) -> None:
    # countries met in overlapping groups: the Louvain split has no structure
    groups = section(md, "Groups that met among themselves")
    assert "“Which countries met”: No community structure: modularity 0.00." in groups


def test_links_to_maps_and_entity_pages(G: nx.MultiDiGraph, ds: object) -> None:
    report = build_report(G, context=report_context(ds, links=True))
    page = html(report, home="index.html")
    assert '<a href="org-org.html">Which organisations met</a>' in page
    assert 'href="entity/organisation/ministry-of-culture-azerbaijan.html"' in page
    assert 'href="entity/source/004_7e29c807a69063d9.html#p1"' in page
    assert "](entity/person/" in markdown(report) or "](entity/organisation/" in markdown(report)


def test_html_is_the_same_content_standalone(G: nx.MultiDiGraph) -> None:
    report = build_report(G)
    page = html(report)
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"(src|href)=", page)  # nothing loaded from anywhere, no links
    assert page.count("<svg") == 6  # the charts of the per-year figures, inline
    for block in report.blocks:
        for row in block.rows:
            for cell in row:
                text = plain(cell)
                assert text.replace("&", "&amp;").replace("<", "&lt;").replace(
                    ">", "&gt;").replace('"', "&quot;").replace("'", "&#x27;") in page


def test_window_changes_the_report(G: nx.MultiDiGraph) -> None:
    later = markdown(build_report(G, since="2025-01-01"))
    assert "Time window: from 1 January 2025; facts without a date left out." in later
    timeline = section(later, "Timeline of events")
    assert "Presentation of the Azerbaijan Filming Commission" not in timeline
    assert "Cinema Talks" not in timeline


def test_report_command_writes_both_files_identically_twice(built: Path, tmp_path: Path) -> None:
    outputs = []
    for run in ("a", "b"):
        target = tmp_path / run / "network.md"
        done = cinecoop("--data", DATA, "--out", built, "report", "--out", target)
        assert done.returncode == 0, done.stderr
        outputs.append((target.read_bytes(), target.with_suffix(".html").read_bytes()))
    assert outputs[0] == outputs[1]
    assert b"## Timeline of events" in outputs[0][0] and b"<h2>Timeline of events</h2>" in \
        outputs[0][1]


def test_communities_command_says_when_a_split_means_nothing(built: Path) -> None:
    # every country that met shares events with most others: no structure to report
    done = cinecoop("--data", DATA, "--out", built, "communities", "--view", "country-country")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1].startswith("No community structure: modularity 0.00")
    assert not any(line.startswith("  1. (") for line in lines)  # no groups presented


def test_groups_found_beside_give_the_same_report(G: nx.MultiDiGraph, ds: object,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """On large graphs the communities and the per-year figures are found in forked
    children: the same bytes."""
    from graph.network import report as R

    ctx = report_context(ds)
    here = markdown(build_report(G, context=ctx))
    monkeypatch.setattr(R, "PARALLEL_NODES", 0)
    assert markdown(build_report(G, context=ctx)) == here


def test_the_report_is_kept_per_build_and_options(tmp_path: Path) -> None:
    """A report is made once per build and options and kept beside the build; an edit to the
    data gives a new build, whose report says what the data now says."""
    import shutil

    data, out = tmp_path / "data", tmp_path / "out"
    shutil.copytree(DATA, data)

    def report(*args: str) -> str:
        target = tmp_path / "r" / "network.md"
        done = cinecoop("--data", data, "--out", out, "report", "--out", target, *args)
        assert done.returncode == 0, done.stderr
        return target.read_text(encoding="utf-8")

    first = report()
    assert "Ministry of Culture of Azerbaijan" in first
    assert len(list((out / "current").glob("report-*.pickle"))) == 1
    assert report() == first                           # the kept one, the same bytes
    assert report("--top", "2") != first               # other options: another report
    assert len(list((out / "current").glob("report-*.pickle"))) == 2
    entity = data / "organisations" / "ministry-of-culture-azerbaijan.yaml"
    entity.write_text(entity.read_text(encoding="utf-8").replace(
        "en: Ministry of Culture of Azerbaijan", "en: Azerbaijani Ministry of Culture"),
        encoding="utf-8")
    edited = report()
    assert "Azerbaijani Ministry of Culture" in edited and "Ministry of Culture of Azerbaijan" \
        not in edited


def test_one_report_made_with_links_gives_the_plain_one(G: nx.MultiDiGraph, ds: object) -> None:
    """The report is made (and kept) once, its names linked: without links it renders the
    bytes of a report made without them."""
    linked = build_report(G, context=report_context(ds, links=True))
    alone = build_report(G, context=report_context(ds))
    assert markdown(unlinked(linked)) == markdown(alone) != markdown(linked)
    assert html(unlinked(linked)) == html(alone) != html(linked)
    assert html(unlinked(linked), home="index.html") == html(alone, home="index.html")


def test_report_and_site_share_one_kept_report(built: Path, tmp_path: Path, G: nx.MultiDiGraph,
                                               ds: object) -> None:
    """``report`` keeps the report beside the build; ``site`` reuses it (no second one is
    made) and writes the linked report, as the report command then does beside the site."""
    import shutil

    out = tmp_path / "out"
    shutil.copytree(built, out, symlinks=True)
    for kept in (out / "current").glob("report-*.pickle"):
        kept.unlink()
    assert cinecoop("--data", DATA, "--out", out, "report").returncode == 0
    alone = build_report(G, context=report_context(ds))
    assert (out / "report.md").read_text(encoding="utf-8") == markdown(alone)
    assert len(list((out / "current").glob("report-*.pickle"))) == 1
    done = cinecoop("--data", DATA, "--out", out, "site")
    assert done.returncode == 0, done.stderr
    assert len(list((out / "current").glob("report-*.pickle"))) == 1
    linked = build_report(G, context=report_context(ds, links=True))
    assert (out / "report.html").read_text(encoding="utf-8") == html(linked, home="index.html")
    assert (out / "report.md").read_text(encoding="utf-8") == markdown(linked)
    assert cinecoop("--data", DATA, "--out", out, "report").returncode == 0  # beside the site
    assert (out / "report.html").read_text(encoding="utf-8") == html(linked, home="index.html")
