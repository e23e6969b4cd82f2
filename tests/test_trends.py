"""``cinecoop trends``: every per-year figure equals what the named queries count for that year.

The series are computed from the networkx projection; the expectations here are counted from the
rows of the named SPARQL queries (timeline, participants, agencies-at-event, agreements,
sources-of, organisation-pairs, met-with) on the Oxigraph store, by the same dating rule: an
event's start date when it has a year, else the date of the article reporting it.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import networkx as nx
import pytest
from clirun import cinecoop
from conftest import DATA
from rdflib import URIRef

from graph.network.trends import UNDATED, Trends, trends, trends_text
from graph.sparql.base import Store
from graph.sparql.named import run
from graph.sparql.stores import open_store


@pytest.fixture(scope="module")
def store(built: Path) -> Store:
    return open_store(None, built, DATA)


@pytest.fixture(scope="module")
def t(G: nx.MultiDiGraph) -> Trends:
    return trends(G)


def ask(store: Store, name: str, **params: str) -> list[dict[str, object]]:
    result = run(store, name=name, params=params).result
    return [{v: x for v, x in zip(result.vars, row, strict=True) if x is not None}
            for row in result.rows]


def year(value: object | None) -> str:
    text = str(value or "")
    return text[:4] if re.match(r"\d{4}", text) else UNDATED


@pytest.fixture(scope="module")
def event_years(store: Store) -> dict[URIRef, str]:
    """Event -> year by the dating rule, from the timeline query."""
    out = {}
    for row in ask(store, "timeline"):
        start = row.get("start")
        out[row["event"]] = year(start) if year(start) != UNDATED else year(row.get("reported"))
    return out


def series(t: Trends, name: str) -> dict[str, int]:
    return {y: n for y, n in t.series(name) if n}


def test_events_per_year(t: Trends, event_years: dict[URIRef, str]) -> None:
    assert series(t, "events") == dict(Counter(event_years.values()))
    # 002 (2021-06-29) reports the presentation of the Azerbaijan Filming Commission, the only
    # event of 2021; 003 is undated, so its Cinema Talks count under "undated"
    assert series(t, "events")["2021"] == 1


def test_participations_and_active_organisations_per_year(
        t: Trends, store: Store, event_years: dict[URIRef, str]) -> None:
    parts: Counter[str] = Counter()
    active: dict[str, set[object]] = defaultdict(set)
    for event, y in event_years.items():
        iri = f"<{event}>"
        # unnamed groups ("representatives of the film industry") are not in the network
        rows = [r for r in ask(store, "participants", event=iri) if r["at"] == event
                and "/id/group/" not in str(r["participant"])]
        parts[y] += len({r["participant"] for r in rows})
        active[y] |= {r["organisation"] for r in ask(store, "agencies-at-event", event=iri)
                      if r["at"] == event and "organisation" in r}
    assert series(t, "participations") == {y: n for y, n in parts.items() if n}
    assert series(t, "organisations") == {y: len(o) for y, o in active.items() if o}


def test_agreements_per_year(t: Trends, store: Store, event_years: dict[URIRef, str]) -> None:
    expected: Counter[str] = Counter()
    rows = ask(store, "agreements")
    for agreement in sorted({r["agreement"] for r in rows}):
        at = [event_years[r["announcedAt"]] for r in rows
              if r["agreement"] == agreement and "announcedAt" in r]
        dated = sorted(y for y in at if y != UNDATED)
        if not dated:  # no dated event: the earliest article reporting it
            published = [str(r["published"]) for r in
                         ask(store, "sources-of", thing=f"<{agreement}>") if "published" in r]
            dated = [year(min(published))] if published else [UNDATED]
        expected[dated[0]] += 1
    assert series(t, "agreements") == dict(expected)


def test_new_organisation_ties_per_year(t: Trends, store: Store,
                                        event_years: dict[URIRef, str]) -> None:
    first: dict[tuple[object, object], str] = {}
    for row in ask(store, "organisation-pairs"):
        y = event_years[row["event"]]
        pair = (row["a"], row["b"])
        if pair not in first or (first[pair] == UNDATED or y < first[pair]) and y != UNDATED:
            first[pair] = y
    assert series(t, "new_ties") == dict(Counter(first.values()))
    # 002 ¶4-14: four organisations at the 2021 presentation, 4*3/2 = 6 pairs
    assert series(t, "new_ties")["2021"] == 6


def test_country_ties_per_year(t: Trends, store: Store, event_years: dict[URIRef, str]) -> None:
    countries = {r[k] for r in ask(store, "country-pairs") for k in ("a", "b")}
    pairs: set[tuple[str, str, str]] = set()
    for c in countries:
        for row in ask(store, "met-with", agent=f"<{c}>"):
            if row["other"] in countries:
                a, b = sorted((str(c), str(row["other"])))
                pairs.add((event_years[row["event"]], a, b))
    assert series(t, "country_ties") == dict(Counter(y for y, _, _ in pairs))
    first: dict[tuple[str, str], str] = {}
    for y, a, b in sorted(pairs, key=lambda p: (p[0] == UNDATED, p)):
        first.setdefault((a, b), y)
    assert series(t, "new_country_ties") == dict(Counter(first.values()))
    assert len(t.country_pairs) == len(pairs)


def test_top_organisations_per_year(t: Trends) -> None:
    by_year = {ty.year: ty for ty in t.top}
    # 2021 (002): the four organisations at the presentation each met the three others
    assert sorted(lab for _, lab, _ in by_year["2021"].top) == [
        "Azerbaijan Filming Commission", "Lenfilm", "Ministry of Culture and Tourism of Turkey",
        "Ministry of Culture of Azerbaijan"]
    assert {n for _, _, n in by_year["2021"].top} == {3}
    # 004 (2025): the Azerbaijan Film Agency spoke at the Baku panel (¶5): new in the top
    assert "organisation/azerbaijan-film-agency" in by_year["2025"].entered
    assert "organisation/ministry-of-culture-azerbaijan" not in by_year["2025"].entered


def test_formats(t: Trends) -> None:
    rows = trends_text(t, "csv").splitlines()
    assert rows[0].startswith("year,events,participations,agreements,organisations,new_ties")
    data = json.loads(trends_text(t, "json"))
    assert [y["year"] for y in data["years"]] == [y.year for y in t.years]
    table = trends_text(t, "table")
    assert "top 2021:" in table and "Azerbaijan - Turkey" in table


def test_cli_trends(built: Path) -> None:
    result = cinecoop("--data", DATA, "--out", built, "trends", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("2021,1,")
