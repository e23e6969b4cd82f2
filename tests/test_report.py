"""``cinecoop report``: Markdown and the same standalone HTML, from the articles' facts."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pytest
from clirun import cinecoop
from conftest import DATA

from graph.network.report import build_report, html, markdown


@pytest.fixture(scope="module")
def md(G: nx.MultiDiGraph) -> str:
    return markdown(build_report(G))


def section(text: str, title: str) -> str:
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


def test_report_sections(md: str) -> None:
    for title in ("Counts", "Top organisations (org-org view)", "Top countries",
                  "Who holds the network together", "Communities", "Timeline of events",
                  "Per year"):
        assert f"## {title}" in md


def test_timeline_orders_events_by_date_and_marks_undated(md: str) -> None:
    rows = [line for line in section(md, "Timeline of events").splitlines()
            if line.startswith("| ") and not line.startswith("| date")]
    dates = [r.split(" | ")[0].lstrip("| ") for r in rows]
    # 002 (2021-06-29) is the earliest article; 003's Cinema Talks has no date: last
    assert "Presentation of the Azerbaijan Filming Commission" in rows[0]
    assert dates[-1] == "undated" and "Cinema Talks" in rows[-1]
    dated = [d for d in dates if d != "undated"]
    assert dated == sorted(dated)


def test_per_year_counts_the_2021_organisations(md: str) -> None:
    # 002 (2021): the Ministry of Culture (¶4), Lenfilm (¶8), the Turkish ministry (¶10) and
    # the Azerbaijan Filming Commission (¶14) took part in the presentation.
    row = next(line for line in section(md, "Per year").splitlines()
               if line.startswith("| 2021 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1:3] == ["1", "4"]
    # four organisations at one event: 4*3/2 = 6 new links in 2021
    assert cells[3] == "6"


def test_ministry_tops_the_organisations(md: str) -> None:
    # The Ministry of Culture of Azerbaijan is present in all five articles' events
    top = section(md, "Top organisations (org-org view)")
    degree_row = next(line for line in top.splitlines() if line.startswith("| degree |"))
    assert degree_row.split(" | ")[1].startswith("Ministry of Culture of Azerbaijan")
    assert "weighted" in top


def test_html_is_the_same_content_standalone(G: nx.MultiDiGraph) -> None:
    report = build_report(G)
    page = html(report)
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"(src|href)=", page)  # nothing loaded from anywhere
    for block in report.blocks:
        for row in block.rows:
            for cell in row:
                assert cell.replace("&", "&amp;").replace("<", "&lt;").replace(
                    ">", "&gt;").replace('"', "&quot;").replace("'", "&#x27;") in page


def test_window_changes_the_report(G: nx.MultiDiGraph) -> None:
    later = markdown(build_report(G, since="2025-01-01"))
    assert "Window: since 2025-01-01" in later
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
