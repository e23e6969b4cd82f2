"""Words for readers: ontology labels, sources by outlet and date, citations, dates, numbers.

Everything a published page says instead of an internal name comes from here, so the report and
the site word things the same way. Class and concept names are read from the ontology graph
(``rdfs:label`` / ``skos:prefLabel``), never hard-coded, so new kinds show up with their labels.

>>> long_date("2025-12-09")
'9 December 2025'
>>> long_date("--08-23")
'23 August (year not given)'
>>> rounded(0.24812)
'0.25'
>>> Source("004_x", "004", "2025-12-09", "Trend").cite((5, 6))
'Trend, 9 December 2025, ¶5, 6'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rdflib import RDFS, URIRef
from rdflib.namespace import SKOS

from graph.terms import CC, ID, SCHEMA

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
CITATION = re.compile(r"(?P<source>\d{3}_[0-9a-f]+)(?: ¶(?P<paras>[\d,]+))?")


@dataclass(frozen=True)
class Source:
    """One source article as a reader names it: outlet and date."""

    stem: str
    short: str
    date: str | None
    outlet: str | None
    page_date: bool = False  # the date is the one shown on the page, not a stated dateline
    language: str | None = None
    paragraphs: int | None = None

    def describe(self) -> str:
        """``"Trend, 2025-12-09"`` (ISO date; used in map tooltips and captions)."""
        when = (f"page date {self.date}" if self.page_date else self.date) or "undated"
        return ", ".join(b for b in (self.outlet, when) if b)

    def name(self) -> str:
        """``"Trend, 9 December 2025"``: outlet and date in words."""
        when = long_date(self.date) if self.date else "undated"
        if self.page_date and self.date:
            when += " (date shown on the page)"
        return f"{self.outlet or 'outlet not named'}, {when}"

    def cite(self, paragraphs: Iterable[int] = ()) -> str:
        paras = ", ".join(str(p) for p in paragraphs)
        return self.name() + (f", ¶{paras}" if paras else "")


def _label(ds: Any, node: Any) -> str:
    for prop in (SKOS.prefLabel, RDFS.label):
        found = sorted(ds.objects(node, prop),
                       key=lambda lit: (getattr(lit, "language", None) != "en", str(lit)))
        if found:
            return str(found[0])
    return str(node).rsplit("/", 1)[-1]


def source_list(ds: Any) -> list[Source]:
    """The source articles in the graph, with outlet (publisher, else credited) and date."""
    prefix = str(ID) + "source/"
    stems = {str(s)[len(prefix):]: s for s in ds.subjects(None, CC.NewsArticle)
             if str(s).startswith(prefix)}
    prefixes = [stem.split("_", 1)[0] for stem in stems]
    out = []
    for stem, iri in sorted(stems.items()):
        date = next((str(o) for o in ds.objects(iri, SCHEMA.datePublished)), None)
        page_date = str(ds.value(iri, CC.dateBasis)) == "page header"
        # the publisher when the article names one; else the outlet it credits ("via Azertag")
        outlets = sorted(_label(ds, o) for o in ds.objects(iri, SCHEMA.publisher)) or sorted(
            f"via {_label(ds, o)}" for o in ds.objects(iri, CC.credits))
        short = stem.split("_", 1)[0]
        count = ds.value(iri, CC.paragraphCount)
        out.append(Source(stem, short if prefixes.count(short) == 1 else stem, date,
                          outlets[0] if outlets else None, page_date,
                          str(ds.value(iri, SCHEMA.inLanguage) or "") or None,
                          int(str(count)) if count is not None else None))
    return out


def ontology_labels(ds: Any) -> dict[str, str]:
    """Local name or concept slug -> English label, for every labelled cinecoop term.

    Classes (``FilmAgency`` -> "Film agency") and SKOS concepts (``speaker`` -> "speaker",
    ``co-production`` -> ...) alike, as the ontology graph words them. Read once per build
    from the built store (every label of the graph is looked at) and kept beside it.
    """
    keep = getattr(ds, "cached", None)
    if keep is not None:
        labels: dict[str, str] = keep("ontology-labels", lambda: _ontology_labels(ds))
        return labels
    return _ontology_labels(ds)


def _ontology_labels(ds: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    ns = str(CC._NS)
    for prop in (RDFS.label, SKOS.prefLabel):
        for s, lit in ds.subject_objects(prop):
            if not isinstance(s, URIRef) or getattr(lit, "language", "en") not in ("en", None):
                continue
            text = str(s)
            if text.startswith(ns):
                out.setdefault(text[len(ns):], str(lit))
            elif "/concept/" in text or "/vocab/" in text:
                out.setdefault(text.rstrip("/").rsplit("/", 1)[-1], str(lit))
    return dict(sorted(out.items()))


def term(labels: Mapping[str, str], name: str | None) -> str:
    """The label of a class or concept, else the name made readable (never snake_case)."""
    if not name:
        return ""
    return labels.get(name) or re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).replace(
        "_", " ").replace("-", " ").capitalize()


def long_date(date: str | None) -> str:
    """An ISO date (or ``YYYY``, ``YYYY-MM``, ``--MM-DD``) in words."""
    if not date:
        return "undated"
    m = re.fullmatch(r"(\d{4})(?:-(\d\d))?(?:-(\d\d))?", date)
    if m:
        year, month, day = m.groups()
        if day:
            return f"{int(day)} {MONTHS[int(month) - 1]} {year}"
        return f"{MONTHS[int(month) - 1]} {year}" if month else year
    m = re.fullmatch(r"--(\d\d)-(\d\d)", date)
    if m:
        return f"{int(m.group(2))} {MONTHS[int(m.group(1)) - 1]} (year not given)"
    return date


def event_when(when: str, date: str | None, basis: str | None) -> str:
    """An event's date as a reader says it, from the projection's ``when``/``date``."""
    if basis == "event" and date:
        return long_date(date)
    given = when.split(", reported", 1)[0] if when else ""
    given_words = ""
    if given and given not in ("undated", "date not given"):
        start, _, end = given.partition("..")
        given_words = _span(start, end)
    if date and basis == "reported":
        told = f"reported {long_date(date)}"
        return f"{given_words}; {told}" if given_words else f"date not given, {told}"
    return given_words or "undated"


def _span(start: str, end: str) -> str:
    m1 = re.fullmatch(r"--(\d\d)-(\d\d)", start)
    m2 = re.fullmatch(r"--(\d\d)-(\d\d)", end)
    if m1 and m2 and m1.group(1) == m2.group(1):
        month = MONTHS[int(m1.group(1)) - 1]
        return f"{int(m1.group(2))}\u2013{int(m2.group(2))} {month} (year not given)"
    return f"{long_date(start)} to {long_date(end)}" if end else long_date(start)


def rounded(x: float, places: int = 2) -> str:
    """A score rounded to what it can mean: two decimals, no minus zero."""
    text = f"{x:.{places}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def parse_citations(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """``"004_7e29c807a69063d9 ¶5,6; 003_..."`` -> ``[("004_...", (5, 6)), ...]``."""
    out = []
    for m in CITATION.finditer(text or ""):
        paras = tuple(int(p) for p in (m.group("paras") or "").split(",") if p)
        out.append((m.group("source"), paras))
    return out


def cite_words(text: str, sources: Mapping[str, Source]) -> str:
    """Citations in words: ``"Trend, 9 December 2025, ¶5"``; unknown sources keep their id."""
    parts = []
    for stem, paras in parse_citations(text):
        src = sources.get(stem)
        p = ", ".join(map(str, paras))
        parts.append(src.cite(paras) if src else f"{stem}" + (f" ¶{p}" if p else ""))
    return "; ".join(parts)


VIEW_TITLES: dict[str, str] = {  # view -> the title of its map page
    "org-event": "Who met at which forum",
    "org-org": "Which organisations met",
    "country-country": "Which countries met",
    "person-event": "Who spoke where",
    "full": "The whole graph",
}
MEASURE_WORDS: dict[str, str] = {  # centrality measure -> what it means, for readers
    "degree": "met the most others (degree)",
    "betweenness": "stands between others most often (betweenness)",
    "closeness": "closest to all the others (closeness)",
    "eigenvector": "linked to the best-linked (eigenvector)",
    "pagerank": "reached most often along the links (PageRank)",
}
ENTITY_DIR = "entity"


def entity_href(key: str, prefix: str = "") -> str:
    """The site path of an entity page, from its id: ``entity/person/rashad-azizov.html``."""
    return f"{prefix}{ENTITY_DIR}/{key}.html"


def source_href(stem: str, paragraph: int | None = None, prefix: str = "") -> str:
    """The page of a source article, at the anchor of one paragraph (``#p5``)."""
    return entity_href(f"source/{stem}", prefix) + (f"#p{paragraph}" if paragraph else "")


LIMIT_WEAK, LIMIT_CLEAR = 0.1, 0.3  # modularity below: no structure; from: clear groups


def modularity_words(groups: int, modularity: float) -> str:
    """What a community split means, in words: a split without structure is not a finding.

    >>> modularity_words(3, 0.0004)
    'No community structure: modularity 0.00'
    """
    q = rounded(modularity)
    if groups <= 1 or modularity < LIMIT_WEAK:
        return f"No community structure: modularity {q}"
    if modularity < LIMIT_CLEAR:
        return (f"Weak community structure: {groups} groups, modularity {q} (under "
                f"{LIMIT_CLEAR:.2f}: little better than chance)")
    return f"{groups} groups, modularity {q}"


# ``--MM-DD..--MM-DD``, or ``(?<![\d-])YYYY-MM-DD(?![\d-])``, or ``(?<![\w-])--MM-DD(?![\d-])``,
# each look-behind written after the first character it guards (the engine then skips to a
# digit or hyphen in one step instead of trying every alternative at every character)
_DATES = re.compile(r"--(\d\d)-(\d\d)\.\.--(\d\d)-(\d\d)|(\d(?<![\d-].)\d{3}-\d\d-\d\d)(?![\d-])"
                    r"|(-(?<![\w-].)-\d\d-\d\d)(?![\d-])", re.S)


def humane_dates(text: str) -> str:
    """ISO dates in a line of text said in words.

    >>> humane_dates("Film Week (--08-23..--08-28), reported 2024-09-20")
    'Film Week (23\u201328 August (year not given)), reported 20 September 2024'
    """
    if "-" not in text:     # every date the pattern finds has one (most lines have none)
        return text
    return _DATES.sub(_date_words, text)


def _date_words(m: re.Match[str]) -> str:
    """One date the pattern found, in words (the words of each date text made once: a site
    says the same dates on thousands of lines)."""
    found = _SAID.get(m.group(0))
    if found is None:
        if m.group(1):
            found = _span(f"--{m.group(1)}-{m.group(2)}", f"--{m.group(3)}-{m.group(4)}")
        else:
            found = long_date(m.group(5) or m.group(6))
        _SAID[m.group(0)] = found
    return found


_SAID: dict[str, str] = {}
