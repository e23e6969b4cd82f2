"""Change over time: per-year series computed from the one projection (``cinecoop trends``).

Every fact is dated by the projection's rule (an event's start date when a source gives one with
a year, else the date of the article reporting it); facts with no date count under "undated".

- ``events``: events of that year;
- ``participations``: who took part in which event (a person, organisation or country and an
  event, once per pair whatever the roles), by the event's year;
- ``agreements``: agreements dated in that year (the event they were announced at, else the
  earliest article reporting them);
- ``organisations``: organisations active that year (at an event of the year, themselves or
  through their people: the ``org-event`` view);
- ``new_ties``: pairs of organisations that met for the first time that year (``org-org``);
- ``country_ties``: pairs of countries that met at an event of that year, and ``new_country_ties``
  those meeting for the first time.

:func:`top_by_year` ranks organisations per year (weighted degree in that year's ``org-org``
view) and says who entered the top for the first time; :func:`country_pairs_by_year` lists the
pairs of countries per year.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from graph.network.analytics import Centrality
from graph.network.projection import met_degrees, view

if TYPE_CHECKING:
    import networkx as nx

UNDATED = "undated"
SERIES_CLASS = "EventSeries"
SERIES = ("events", "participations", "agreements", "organisations", "new_ties",
          "country_ties", "new_country_ties")
SERIES_WORDS = {
    "events": "events",
    "participations": "participations (who took part in which event)",
    "agreements": "agreements reported",
    "organisations": "organisations active",
    "new_ties": "new ties between organisations",
    "country_ties": "pairs of countries that met",
    "new_country_ties": "pairs of countries meeting for the first time",
}


@dataclass
class Year:
    year: str
    events: int = 0
    participations: int = 0
    agreements: int = 0
    organisations: int = 0
    new_ties: int = 0
    country_ties: int = 0
    new_country_ties: int = 0


@dataclass
class TopYear:
    year: str
    top: list[tuple[str, str, int]]  # (key, label, number of organisations linked)
    entered: list[str] = field(default_factory=list)  # keys new in the top this year


@dataclass
class Trends:
    years: list[Year]
    top: list[TopYear]
    country_pairs: list[tuple[str, str, str, int]]  # (year, country, country, shared events)

    def series(self, name: str) -> list[tuple[str, int]]:
        return [(y.year, int(getattr(y, name))) for y in self.years]


def year_key(year: int | None) -> str:
    return str(year) if year is not None else UNDATED


def _order(years: set[str]) -> list[str]:
    return sorted(years, key=lambda y: (y == UNDATED, y))


def per_year(G: nx.MultiDiGraph) -> list[Year]:
    """The per-year counts of the module docstring."""
    rows: dict[str, Year] = {}

    def row(year: int | None) -> Year:
        key = year_key(year)
        return rows.setdefault(key, Year(key))

    for _, d in G.nodes(data=True):
        if d["kind"] == "event" and d.get("cls") != SERIES_CLASS:  # a series is no one event
            row(d["year"]).events += 1
        elif d["kind"] == "agreement":
            row(d["year"]).agreements += 1
    for _, v, rel, d in G.edges(keys=True, data=True):
        if rel == "participated_in" and G.nodes[v]["kind"] == "event":
            row(d["year"]).participations += 1
    oe = view(G, "org-event")
    active: dict[str, set[str]] = defaultdict(set)
    for u, v in oe.edges():
        org, event = (u, v) if oe.nodes[u]["kind"] == "organisation" else (v, u)
        active[year_key(oe.nodes[event]["year"])].add(org)
    for year, orgs in active.items():
        rows.setdefault(year, Year(year)).organisations = len(orgs)
    for _, _, d in view(G, "org-org").edges(data=True):
        row(d["year"]).new_ties += 1
    for year, _a, _b, _n in country_pairs_by_year(G):
        rows.setdefault(year, Year(year)).country_ties += 1
    for _, _, d in view(G, "country-country").edges(data=True):
        row(d["year"]).new_country_ties += 1
    return [rows[y] for y in _order(set(rows))]


def country_pairs_by_year(G: nx.MultiDiGraph) -> list[tuple[str, str, str, int]]:
    """(year, country label, country label, events that year) for every pair that met."""
    H = view(G, "country-country")
    count: Counter[tuple[str, str, str]] = Counter()
    for u, v, d in H.edges(data=True):
        a, b = sorted((H.nodes[u]["label"], H.nodes[v]["label"]))
        for event in d["events"]:
            count[(year_key(G.nodes[event]["year"]), a, b)] += 1
    order = {y: i for i, y in enumerate(_order({k[0] for k in count}))}
    return [(y, a, b, n) for (y, a, b), n in
            sorted(count.items(), key=lambda kv: (order[kv[0][0]], -kv[1], kv[0][1:]))]


def top_by_year(G: nx.MultiDiGraph, top: int = 5, backend: str = "auto") -> list[TopYear]:
    """The ``top`` organisations of each dated year by degree in that year's ``org-org`` view.

    ``entered`` lists those in the top for the first time (not in the top of an earlier year).
    The degrees are counted without making each year's view (:func:`met_degrees`): the
    scores :func:`centrality` gives there, where a weight is a whole number of events, so
    the weighted degree is exact whichever ``backend`` would sum it.
    """
    years = sorted({d["year"] for _, d in G.nodes(data=True)
                    if d["kind"] == "event" and d["year"] is not None})
    seen: set[str] = set()
    out: list[TopYear] = []
    for year in years:
        degrees = met_degrees(G, since=str(year), until=str(year))
        if not degrees:
            continue
        rows = [(n, str(G.nodes[n]["label"]), degrees[n][1])
                for n, _ in _by_degree(degrees).ranking("degree")[:top]]
        entered = [n for n, _, _ in rows if n not in seen]
        seen.update(n for n, _, _ in rows)
        out.append(TopYear(str(year), rows, entered if out else []))
    return out


def _by_degree(degrees: dict[str, tuple[int, int]]) -> Centrality:
    """Degree centrality of a weighted view from (weighted degree, partners) per node: the
    weighted degree over ``n - 1``, as :func:`centrality` scores it."""
    n = len(degrees)
    return Centrality({"degree": {node: float(weight) / (n - 1) if n > 1 else 0.0
                                  for node, (weight, _) in degrees.items()}},
                      "", weighted=True)


def trends(G: nx.MultiDiGraph, top: int = 5, backend: str = "auto") -> Trends:
    """Everything of the module docstring for the projection ``G``."""
    return Trends(per_year(G), top_by_year(G, top, backend), country_pairs_by_year(G))


# ---------------------------------------------------------------------------- rendering


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                       for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip()
             for r in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def trends_text(t: Trends, fmt: str = "table") -> str:
    """``table`` (per-year figures, top organisations, country pairs), ``csv`` or ``json``."""
    header = ["year", *SERIES]
    rows = [[y.year, *(str(getattr(y, s)) for s in SERIES)] for y in t.years]
    if fmt == "json":
        data: dict[str, Any] = {
            "years": [asdict(y) for y in t.years],
            "top": [{"year": ty.year, "top": [{"id": k, "label": lab, "linked": n}
                                             for k, lab, n in ty.top],
                     "entered": ty.entered} for ty in t.top],
            "country_pairs": [{"year": y, "a": a, "b": b, "events": n}
                              for y, a, b, n in t.country_pairs]}
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return buf.getvalue()
    lines = _table(header, rows)
    lines.append("")
    for ty in t.top:
        names = {k: lab for k, lab, _ in ty.top}
        ranked = "; ".join(f"{lab} ({n})" for _, lab, n in ty.top)
        lines.append(f"top {ty.year}: {ranked}")
        if ty.entered:
            lines.append(f"  new in the top: {'; '.join(names[k] for k in ty.entered)}")
    lines.append("")
    for y, a, b, n in t.country_pairs:
        lines.append(f"{y}  {a} - {b}  ({n} event{'s' if n != 1 else ''})")
    return "\n".join(lines) + "\n"
