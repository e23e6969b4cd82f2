"""One page per entity and per source article for ``cinecoop site``.

An entity page (``entity/<kind>/<id>.html``: the URL is the entity's id, so it stays stable) says
everything ``cinecoop show`` prints (:func:`graph.sparql.describe.describe`), each line cited to
outlet, date and paragraph and linked to the source page at that paragraph; every entity named on
the page links to its own page; the small map of the entity's neighbourhood (the map component of
the main maps) is drawn below; the page carries schema.org JSON-LD of the entity. A source page
(``entity/source/<file>.html``) lists, paragraph by paragraph (anchors ``#p1``, ``#p2``...), the
facts recorded from that paragraph: cited facts and names only, never the article's prose.

Pages load vis-network, the map script and the search index from ``static/`` next to
``index.html`` (relative links: they work from ``file://`` and from any static server), so the
hundreds of pages do not each carry their own copy.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from rdflib import URIRef

from graph.network.projection import view
from graph.network.wording import (
    Source,
    entity_href,
    humane_dates,
    parse_citations,
    source_href,
    term,
)
from graph.progress import progress
from graph.sparql.describe import describe
from graph.terms import ID
from graph.web.neighbourhood import Neighbourhoods

ROOT = "../../"  # from entity/<kind>/<id>.html back to the site folder
SECTIONS = {"about": "About", "posts": "Posts held", "people": "People with a post here",
            "events": "Events", "participants": "Who took part", "agreements": "Agreements",
            "sources": "Sources"}
SCHEMA_TYPES = {"person": "Person", "organisation": "Organization", "country": "Country",
                "place": "Place", "event": "Event", "agreement": "Thing"}
SCHEMA_CLASSES = {"City": "City", "Venue": "Place", "Ministry": "GovernmentOrganization",
                  "GovernmentAgency": "GovernmentOrganization",
                  "FilmAgency": "GovernmentOrganization", "Parliament": "GovernmentOrganization",
                  "Festival": "Festival"}


@dataclass
class Part:
    """A piece of a line: text, or text linked to ``href``."""

    text: str
    href: str | None = None


@dataclass
class Line:
    parts: list[Part]
    cites: list[Part] = field(default_factory=list)
    named: bool = False  # on a source page: only says that the paragraph names the entity


MIRRORED = frozenset({"events", "people"})  # the same facts as "participants" and "posts"


@dataclass
class EntityPage:
    key: str  # "person/rashad-azizov" or "source/004_..."
    file: str  # path under the site folder
    name: str
    kind: str  # the class label, e.g. "Film agency"
    labels: list[tuple[str, str]]  # (language, names)
    sections: list[tuple[str, list[Line]]]
    jsonld: dict[str, Any]
    map_json: str | None = None  # the neighbourhood map's data
    paragraphs: list[tuple[int, list[Line]]] = field(default_factory=list)  # source pages

    def summary(self) -> EntityPage:
        """What the index and the search need of the page (no facts, map or JSON-LD)."""
        return EntityPage(self.key, self.file, self.name, self.kind, self.labels, [], {})


class Linker:
    """Turns a line of ``show`` into parts, linking the names of entities to their pages.

    A name is linked where it stands as whole words (no letter or digit just before or after
    it); where several names start at the same place, the longest wins; the text is read left
    to right and a linked name is not searched again. Names are looked up by their first
    :data:`PREFIX` characters at each place a name can start (found by one regular expression
    of the names' first characters), so a line costs about the same with 50 names or 50,000.
    """

    PREFIX = 4

    def __init__(self, G: nx.MultiDiGraph):
        names: dict[str, str] = {}
        for key, d in sorted(G.nodes(data=True)):
            names.setdefault(str(d["label"]), key)
        self.names = names
        # prefix -> (length, the names of that length), longest first: at one place, one
        # slice of the text per length is looked up, however many names share the prefix
        grouped: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
        for n in names:
            if n:
                grouped[n[:self.PREFIX]][len(n)].add(n)
        self.by_prefix = {p: sorted(((size, frozenset(ns)) for size, ns in by_size.items()),
                                    key=lambda x: -x[0])
                          for p, by_size in grouped.items()}
        self.lengths = sorted({len(p) for p in grouped}, reverse=True)
        first = sorted({n[0] for n in names if n})
        # a first character not just after a letter or digit: ``(?<!\w)[...]``, written with
        # the class first (the engine then skips to the next such character in one step
        # instead of trying the look-behind at every character: 5x faster, the same places)
        self.starts = re.compile("[" + "".join(re.escape(c) for c in first) + "](?<!\\w.)",
                                 re.S) if first else None

    def _match(self, text: str, at: int) -> str | None:
        """The longest name standing as whole words at ``at``, if any."""
        for size in self.lengths:
            bucket = self.by_prefix.get(text[at:at + size])
            if bucket is not None and (name := _longest(text, at, bucket)) is not None:
                return name
        return None

    def parts(self, text: str, skip: str | None = None) -> list[Part]:
        text = humane_dates(text)
        if self.starts is None:
            return [Part(text)]
        out: list[Part] = []
        pos = done = 0
        short = self.lengths != [self.PREFIX]     # some names are shorter than the prefix
        by_prefix, size = self.by_prefix, self.PREFIX
        for m in self.starts.finditer(text):
            at = m.start()
            if at < pos:      # inside a name just linked (or skipped)
                continue
            if short:
                name = self._match(text, at)
            elif (bucket := by_prefix.get(text[at:at + size])) is None:
                continue
            else:
                name = _longest(text, at, bucket)
            if name is None:
                continue
            pos = at + len(name)
            key = self.names[name]
            if key == skip:
                continue
            if at > done:
                out.append(Part(text[done:at]))
            out.append(Part(name, ROOT + entity_href(key)))
            done = pos
        if done < len(text):
            out.append(Part(text[done:]))
        return out


_WORD = re.compile(r"\w").match


def _longest(text: str, at: int, bucket: list[tuple[int, frozenset[str]]]) -> str | None:
    """The longest name of ``bucket`` standing at ``at`` as whole words, if any."""
    for size, names in bucket:
        end = at + size
        if (found := text[at:end]) in names and not (end < len(text) and _WORD(text, end)):
            return found
    return None


def cite_parts(text: str, sources: Mapping[str, Source]) -> list[Part]:
    """Citations linked to the source's page at each paragraph: "Trend, 9 December 2025, ¶5, ¶6"
    (the same list for the same text and sources: read it, do not change it)."""
    memo = _CITES.get(id(sources))
    if memo is None or memo[0] is not sources:
        _CITES.clear()
        memo = _CITES[id(sources)] = (sources, {})
    found = memo[1].get(text)
    if found is None:
        found = memo[1][text] = _cite_parts(text, sources)
    return found


_CITES: dict[int, tuple[Mapping[str, Source], dict[str, list[Part]]]] = {}


def _cite_parts(text: str, sources: Mapping[str, Source]) -> list[Part]:
    out: list[Part] = []
    for stem, paras in parse_citations(text):
        src = sources.get(stem)
        if out:
            out.append(Part("; "))
        out.append(Part(src.name() if src else stem, ROOT + source_href(stem)))
        for p in paras:
            out += [Part(", "), Part(f"¶{p}", ROOT + source_href(stem, p))]
    return out


def entity_page(ds: Any, G: nx.MultiDiGraph, maps: Neighbourhoods, key: str, linker: Linker,
                sources: Mapping[str, Source], labels: Mapping[str, str],
                cited: dict[str, dict[int, list[Line]]]) -> EntityPage:
    """The page of one entity; adds its cited lines to ``cited`` (source -> paragraph -> lines)."""
    d = G.nodes[key]
    desc = describe(ds, URIRef(ID + key))
    by_section: dict[str, list[Line]] = defaultdict(list)
    me = Part(str(d["label"]), ROOT + entity_href(key))
    for section, text, cite in desc.facts:
        line = Line(linker.parts(text, skip=key), cite_parts(cite, sources))
        by_section[section].append(line)
        if section in MIRRORED:
            continue
        if section == "sources":
            fact = Line([me], named=True)
        elif section == "agreements":  # the agreement's line names it and its parties
            fact = Line(line.parts)
        else:
            fact = Line([me, Part(f" ({SECTIONS.get(section, section).lower()}): "),
                         *line.parts])
        for stem, paras in parse_citations(cite):
            for p in paras:
                cited[stem].setdefault(p, []).append(fact)
    sections = [(SECTIONS.get(s, s.capitalize()), by_section[s])
                for s in [*SECTIONS, *sorted(set(by_section) - set(SECTIONS))] if by_section[s]]
    return EntityPage(
        key, entity_href(key), str(d["label"]), term(labels, str(d["cls"])),
        [(lang, " | ".join(names)) for lang, names in sorted(desc.labels.items())],
        sections, jsonld(G, key, sources, labels), maps.json(key))


def jsonld(G: nx.MultiDiGraph, key: str, sources: Mapping[str, Source],
           labels: Mapping[str, str]) -> dict[str, Any]:
    """schema.org JSON-LD of one entity: type, names, links to what it is tied to, sources."""
    d = G.nodes[key]
    kind = str(d["kind"])
    names = sorted({n for ns in d["labels"].values() for n in ns} - {d["label"]})
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": SCHEMA_CLASSES.get(str(d["cls"]), SCHEMA_TYPES.get(kind, "Thing")),
        "@id": str(ID + key), "name": d["label"], "identifier": key,
        "description": term(labels, str(d["cls"])),
    }
    if names:
        data["alternateName"] = names
    if kind == "event" and d.get("date_basis") == "event" and d.get("date"):
        data["startDate"] = d["date"]
    ties = _ties(G, key)
    for prop, keys in ties.items():
        data[prop] = [{"@id": str(ID + k), "name": G.nodes[k]["label"]} for k in keys]
    cited = sorted({stem for text in d["sources"] for stem, _ in parse_citations(text)})
    if cited:
        data["subjectOf"] = [{"@type": "NewsArticle", "@id": str(ID + f"source/{s}"),
                              "name": sources[s].name() if s in sources else s}
                             for s in cited]
    return data


_TIE_PROPS = {"held_post_at": "affiliation", "located_in": "location", "unit_of":
              "parentOrganization", "operates_under": "parentOrganization", "part_of":
              "superEvent", "held_at": "location", "held_in": "location", "party_to": "about"}


def _ties(G: nx.MultiDiGraph, key: str) -> dict[str, list[str]]:
    """schema.org property -> the entities it points to, from the projection's edges."""
    out: dict[str, set[str]] = defaultdict(set)
    # the adjacency's own dicts (the edge views cost a call per edge): the same edges
    for v, keyed in G._succ[key].items():
        for rel in keyed:
            if rel in _TIE_PROPS:
                out[_TIE_PROPS[rel]].add(v)
    for u, keyed in G._pred[key].items():
        for rel in keyed:
            if rel == "participated_in":
                out["attendee"].add(u)
            elif rel == "party_to":
                out["participant"].add(u)
    return {p: sorted(ks) for p, ks in sorted(out.items())}


def paragraph_lines(lines: list[Line]) -> list[Line]:
    """One line naming every entity the paragraph names, then its facts, each once."""
    named = [ln.parts[0] for ln in lines if ln.named]
    out = []
    if named:
        parts = [Part("Names: ")]
        for i, part in enumerate(sorted(named, key=lambda x: x.text.casefold())):
            parts += [Part(", "), part] if i else [part]
        out.append(Line(parts))
    seen: set[tuple[str, ...]] = set()
    for ln in lines:
        text = tuple(x.text for x in ln.parts)
        if not ln.named and text not in seen:
            seen.add(text)
            out.append(ln)
    return out


def source_page(src: Source, paragraphs: dict[int, list[Line]]) -> EntityPage:
    """The page of one source article: its facts, paragraph by paragraph (anchors ``#pN``)."""
    count = max([src.paragraphs or 0, *paragraphs])
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "NewsArticle",
                            "@id": str(ID + f"source/{src.stem}"), "name": src.name(),
                            "identifier": f"source/{src.stem}"}
    if src.date:
        data["datePublished"] = src.date
    if src.outlet:
        data["publisher"] = {"@type": "Organization", "name": src.outlet.removeprefix("via ")}
    if src.language:
        data["inLanguage"] = src.language
    about = [Line([Part(f"File {src.stem}.txt; {count} paragraphs"
                        + (f"; language {src.language}" if src.language else "")
                        + (f"; published {src.date}" if src.date and not src.page_date else "")
                        + ("; the date is the one shown on the page" if src.page_date else ""))])]
    return EntityPage(f"source/{src.stem}", source_href(src.stem), src.name(), "News article",
                      [], [("About", about)], data,
                      paragraphs=[(p, paragraph_lines(paragraphs.get(p, [])))
                                  for p in range(1, count + 1)])


Cited = dict[str, dict[int, list[tuple[int, Line]]]]   # source -> paragraph -> (entity, line)


class Pages:
    """Makes the site's pages: what every page shares (the small maps' pieces, the name
    linker) made once; the entity pages can be made in shares, in separate processes, whose
    cited lines :func:`merge_cited` joins for the source pages."""

    def __init__(self, ds: Any, G: nx.MultiDiGraph, sources: Mapping[str, Source],
                 labels: Mapping[str, str]):
        self.ds, self.G, self.sources, self.labels = ds, G, sources, labels
        self.maps = Neighbourhoods(view(G, "full"), lambda n: ROOT + entity_href(n),
                                   {s.stem: s.describe() for s in sources.values()}, labels)
        self.linker = Linker(G)
        self.keys = sorted(G.nodes)

    def entities(self, places: Iterable[int] | None = None,
                 cited: Cited | None = None, bar: bool = True) -> Iterator[tuple[int, EntityPage]]:
        """(place in id order, page) of the entities at ``places`` (default: every one), one
        at a time; their cited lines go to ``cited`` (``bar``: a progress bar on a terminal,
        out of every entity when ``places`` has no length: shares taken as they come)."""
        keys = self.keys
        mine: dict[str, dict[int, list[Line]]] = defaultdict(dict)
        todo = range(len(keys)) if places is None else places
        total = len(todo) if isinstance(todo, Sized) else len(keys)
        for at in progress(todo, "site: entity pages", total) if bar else todo:
            yield at, entity_page(self.ds, self.G, self.maps, keys[at], self.linker,
                                  self.sources, self.labels, mine)
            if cited is not None and mine:
                for stem, paras in mine.items():
                    into = cited.setdefault(stem, {})
                    for p, lines in paras.items():
                        into.setdefault(p, []).extend((at, ln) for ln in lines)
            mine.clear()

    def source_pages(self, cited: Cited) -> Iterator[EntityPage]:
        """Every source's page, in id order, from the cited lines of every entity page."""
        for stem, src in sorted(self.sources.items()):
            paras = cited.get(stem, {})
            yield source_page(src, {p: [ln for _, ln in lines] for p, lines in paras.items()})


def merge_cited(*shares: Cited) -> Cited:
    """The cited lines of shares of the entity pages, each paragraph's in id order."""
    out: Cited = {}
    for cited in shares:
        for stem, paras in cited.items():
            into = out.setdefault(stem, {})
            for p, lines in paras.items():
                into.setdefault(p, []).extend(lines)
    for paras in out.values():
        for lines in paras.values():
            lines.sort(key=lambda x: x[0])    # stable: a page's own lines keep their order
    return out


def iter_pages(ds: Any, G: nx.MultiDiGraph, sources: Mapping[str, Source],
               labels: Mapping[str, str]) -> Iterator[EntityPage]:
    """Every entity's page and every source's page, in id order, one at a time (a site of
    tens of thousands of pages writes each as it comes)."""
    pages = Pages(ds, G, sources, labels)
    cited: Cited = {}
    for _, page in pages.entities(cited=cited):
        yield page
    yield from pages.source_pages(cited)


def entity_pages(ds: Any, G: nx.MultiDiGraph, sources: Mapping[str, Source],
                 labels: Mapping[str, str]) -> list[EntityPage]:
    """Every entity's page and every source's page, in id order."""
    return list(iter_pages(ds, G, sources, labels))
