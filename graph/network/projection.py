"""One projection of the RDF graph into networkx, and the named views derived from it.

:func:`project` is the single RDF → networkx conversion: a ``MultiDiGraph`` whose nodes are the
entities (persons, organisations, countries, places, events, agreements) and whose edges are the
facts between them, keyed by relation. Fact nodes of the RDF graph (``cc:Participation``,
``cc:PostHeld``) become labelled edges; the materialised shortcuts (``cc:participatedIn``,
``cc:hasParticipant``, ``cc:metWith``, ``cc:affiliatedWith``) are left out because they repeat
those facts. :func:`view` derives every named view from that projection and nothing else.

Node keys are short ids ``"kind/id"`` (``"organisation/netflix"``). Node attributes: ``kind``,
``cls`` (most specific cinecoop class), ``label`` (English preferred label, else any),
``labels`` (language → names, preferred first), ``country`` (label) and ``country_id`` (key),
``date``, ``date_basis``, ``year``, ``when`` (the date as the source gives it, in words) and
``sources`` (citations such as ``"004_7e29c807a69063d9 ¶5"``).

Edge attributes: ``relation`` (snake_case), ``label`` (the relation in words, read from the
edge's ``head`` node to the other one), ``head``, ``date``, ``date_basis``, ``year``,
``sources``; participation edges add ``roles`` and (for ``represented``) ``people``;
aggregated views add ``weight`` (number of shared events) and ``events`` (their keys).

**Dating rule.** An event's date is its start date when the source gives one with a year
(``xsd:date``, or ``xsd:gYear`` 2025, which counts as the whole of 2025); a ``--MM-DD``
without a year does not date it. Otherwise the date is its ``cc:reportedOn`` date (the source's
date: the event took place on or before it), kept as the filter date with
``date_basis="reported"``. An agreement takes the date of the event it was announced at, else
the earliest date of the sources reporting it (``reported``); a post held takes its
``cc:attestedOn`` date (``reported``). Participation edges carry their event's date.
``since``/``until`` accept ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` and compare periods: a fact
is in the window when its period overlaps it. Facts without a date (an event from an undated
source, a post attested by it) are kept only with ``include_undated``; timeless structure
(an organisation's country, a unit's parent, an event's venue, a sub-event) is kept whenever
both ends are. With a window, entities left without any edge are dropped.

**Type filter.** ``types`` names kinds (``organisation``), classes (``FilmAgency``,
``Ministry``) or data types (``film-agency``), case-insensitively. For each kind named by some
type, only the nodes of that kind matching one of the types stay; kinds no type names are
untouched (``types=["FilmAgency"]`` keeps every event of ``org-event`` but only film agencies).

All views are undirected ``nx.Graph`` s (``full`` too: parallel facts between the same pair are
merged into one edge whose ``facts`` list keeps each one, the first in relation order giving
``relation`` and ``label``). ``G.graph`` records the view name, ``weighted`` and the filters.

>>> from graph.network.projection import VIEWS
>>> sorted(VIEWS)
['country-country', 'full', 'org-event', 'org-org', 'person-event']
"""

from __future__ import annotations

import calendar
import functools
import weakref
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from itertools import combinations
from typing import TYPE_CHECKING, Any, NamedTuple

import networkx as nx
import pyoxigraph as ox

from graph.forked import no_collection
from graph.network.relations import KINDS as KINDS
from graph.network.relations import RELATION_ORDER as RELATION_ORDER
from graph.network.relations import ROLE_WORDS as ROLE_WORDS
from graph.network.relations import TIMELESS as TIMELESS
from graph.network.relations import RoleWords as RoleWords
from graph.network.relations import merge_citations as merge_citations
from graph.network.relations import node_key as node_key
from graph.network.relations import role_words as role_words
from graph.ns import CC, ID, ORG, RDF, RDFS, SCHEMA, SKOS
from graph.sparql.reader import Lit, Patterns, RdflibReader, Reader, as_reader
from graph.terms import EVENT_TYPES, ORG_TYPES, PLACE_TYPES

if TYPE_CHECKING:
    import networkx as nx

Node = Any  # a plain term (graph.sparql.reader): an IRI is a str, a literal a Lit

VIEWS: dict[str, str] = {
    "org-event": "organisations and the events they took part in, directly or through their "
                 "people",
    "org-org": "organisations linked when they took part in the same event (weight = shared "
               "events)",
    "country-country": "countries linked when their organisations or envoys took part in the "
                       "same event (weight = shared events)",
    "person-event": "persons and the events they took part in",
    "full": "every entity, with participations, posts and agreements as labelled edges",
}
WEIGHTED_VIEWS = frozenset({"org-org", "country-country"})

# simple object properties: predicate -> (relation, words)
SIMPLE: list[tuple[Any, str, str]] = [
    (CC.country, "located_in", "is in"),
    (ORG.unitOf, "unit_of", "is a unit of"),
    (ORG.subOrganizationOf, "operates_under", "operates under"),
    (CC.basedIn, "based_in", "is based in"),
    (CC.within, "within", "is within"),
    (CC.venue, "held_at", "was held at"),
    (CC.city, "held_in", "was held in"),
    (SCHEMA.superEvent, "part_of", "is part of"),
    (CC.framework, "framework", "was in the framework of"),
    (CC.namedAfter, "named_after", "is named after"),
    (SCHEMA.about, "about", "was about"),
    (CC.party, "party_to", "is party to"),  # reversed below: party -> agreement
    (CC.statedBy, "stated", "stated"),  # reversed below: who stated -> agreement
    (CC.announcedAt, "announced_at", "was announced at"),
    (CC.concerns, "concerns", "concerns"),
    (CC.scope, "scope", "has as scope"),
]
REVERSED = frozenset({CC.party, CC.statedBy})

#: :func:`node_key`, remembered: the projection asks for the same IRIs' keys again and again
_key = functools.lru_cache(maxsize=1 << 17)(node_key)


# ---------------------------------------------------------------------------- helpers


class _QuadReader(RdflibReader):
    """An rdflib Dataset read over all its named graphs (its quads), with plain terms."""

    def triples(self, pattern: tuple[Any, Any, Any]) -> Iterator[tuple[Any, Any, Any]]:
        s, p, o = (self._in(t) for t in pattern)
        for ts, tp, to, _ in self.graph.quads((s, p, o, None)):
            yield self._out(ts), str(tp), self._out(to)


def readable(ds: Any) -> Patterns:
    """What :func:`project` reads: ``ds`` as plain terms. The Oxigraph store (a
    :class:`~graph.sparql.reader.Reader`, or the rdflib view of it) is read directly; an
    rdflib Dataset over every named graph; any other rdflib graph as it is."""
    if isinstance(ds, Patterns):
        return ds
    store = getattr(ds, "store", None)
    if isinstance(store, ox.Store):           # quadgraph.StoreGraph: read the store itself
        return Reader(store, getattr(ds, "folder", None), getattr(ds, "name", "oxigraph"))
    if hasattr(ds, "quads") and hasattr(ds, "graphs"):
        return _QuadReader(ds)
    return as_reader(ds)


def _pairs(g: Patterns, pred: str) -> Iterable[tuple[Node, Node]]:
    """(subject, object) for ``pred``."""
    pairs = getattr(g, "pairs", None)
    if pairs is not None:               # a LinesReader has them as a list
        found: list[tuple[Node, Node]] = pairs(pred)
        return found
    return ((s, o) for s, _, o in g.triples((None, pred, None)))


def _index(g: Any, pred: Any) -> dict[Node, list[Node]]:
    out: dict[Node, set[Node]] = defaultdict(set)
    for s, o in _pairs(g, pred):
        out[s].add(o)
    return {k: sorted(v) for k, v in out.items()}


def _lit(value: Any) -> str:
    return str(value)


def year_of(date: str | None) -> int | None:
    if date and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None


def period(date: str | None, end: bool = False) -> str | None:
    """The first (or last) day of the period a ``YYYY[-MM[-DD]]`` string names."""
    if not date or year_of(date) is None:
        return None
    parts = date.split("-")
    if len(parts) == 1:
        return f"{parts[0]}-12-31" if end else f"{parts[0]}-01-01"
    if len(parts) == 2:
        last = calendar.monthrange(int(parts[0]), int(parts[1]))[1]
        return f"{parts[0]}-{parts[1]}-{last:02d}" if end else f"{parts[0]}-{parts[1]}-01"
    return date[:10]


def in_window(date: str | None, since: str | None, until: str | None,
              include_undated: bool) -> bool:
    """Whether a fact dated ``date`` is kept by the window (see the dating rule above)."""
    if since is None and until is None:
        return True
    first, last = period(date), period(date, end=True)
    if first is None or last is None:
        return include_undated
    if since is not None and last < (period(since) or since):
        return False
    return not (until is not None and first > (period(until, end=True) or until))


def _check_date(value: str | None, what: str) -> None:
    if value is None:
        return
    try:
        first = period(value)
        if first is None:
            raise ValueError
        import datetime

        datetime.date.fromisoformat(first)
        datetime.date.fromisoformat(period(value, end=True) or "")
    except ValueError:
        raise ValueError(f"{what} {value!r} is not a date: use YYYY, YYYY-MM or "
                         f"YYYY-MM-DD") from None


# ---------------------------------------------------------------------------- projection


class _Facts:
    """What :func:`project` reads from the RDF graph, indexed once (one pattern per property)."""

    def __init__(self, ds: Any):
        self.ds = ds
        self.cc = CC.base
        para_src = {p: node_key_source(s) for p, s in _pairs(ds, SCHEMA.isPartOf)}
        para_pos = {p: int(o) for p, o in _pairs(ds, SCHEMA.position)}
        self.cited: dict[Node, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
        for s, para in _pairs(ds, CC.citedParagraph):
            src = para_src.get(para)
            if src is not None:
                self.cited[s][src].add(para_pos.get(para, 0))
        for s, src_iri in _pairs(ds, CC.citedIn):
            src = node_key_source(src_iri)
            if src is not None:
                self.cited[s][src]  # noqa: B018  (creates the entry: a source without paragraphs)
        self.published = {s: _lit(o) for s, o in _pairs(ds, SCHEMA.datePublished)}
        self.source_iris = {node_key_source(s): s for s in self.published}
        self.supers = _index(ds, RDFS.subClassOf)   # from the ontology graph when present
        self.types: dict[Node, set[Node]] = defaultdict(set)
        for s, o in _pairs(ds, RDF.type):
            if not isinstance(s, Lit) and str(o).startswith(self.cc) and _key(s):
                self.types[s].add(o)
        self.pref = _index(ds, SKOS.prefLabel)
        self.alt = _index(ds, SKOS.altLabel)
        self.rdfs_label = _index(ds, RDFS.label)
        self.starts = {s: o for s, o in _pairs(ds, SCHEMA.startDate)}
        self.ends = {s: o for s, o in _pairs(ds, SCHEMA.endDate)}
        self.reported = {s: _lit(o) for s, o in _pairs(ds, CC.reportedOn)}

    def sources(self, *subjects: Node) -> list[str]:
        """Citations of ``subjects`` as ``"<source> ¶<paragraphs>"``, merged per source."""
        merged: dict[str, set[int]] = defaultdict(set)
        for s in subjects:
            for src, paras in self.cited.get(s, {}).items():
                merged[src] |= paras
        return [f"{src} ¶{','.join(map(str, sorted(p for p in paras if p)))}"
                if any(paras) else src for src, paras in sorted(merged.items())]

    def ancestors(self, cls: Node) -> set[Node]:
        seen: set[Node] = set()
        todo = [cls]
        while todo:
            for sup in self.supers.get(todo.pop(), []):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        return seen

    def names(self, iri: Node) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for prop in (self.pref, self.alt):
            for lit in prop.get(iri, []):
                lang = getattr(lit, "language", None) or "und"
                out.setdefault(lang, [])
                if str(lit) not in out[lang]:
                    out[lang].append(str(lit))
        return dict(sorted(out.items()))

    def best_label(self, iri: Node, labels: dict[str, list[str]]) -> str:
        for lang in ("en", *labels):
            if labels.get(lang):
                return labels[lang][0]
        other = sorted(str(x) for x in self.rdfs_label.get(iri, []))
        return other[0] if other else str(iri).rsplit("/", 1)[-1]

    def event_date(self, iri: Node) -> tuple[str | None, str | None, str]:
        start = self.starts.get(iri)
        end = self.ends.get(iri)
        given = f"{start}..{end}" if start is not None and end is not None else (
            str(start) if start is not None else "")
        if start is not None and year_of(str(start)) is not None:
            return str(start), "event", given
        rep = self.reported.get(iri)
        if rep:
            when = f"{given}, reported {rep}" if given else f"date not given, reported {rep}"
            return rep, "reported", when
        return None, None, given or "undated"


def project(ds: Any) -> nx.MultiDiGraph:
    """The RDF graph as a networkx ``MultiDiGraph`` of entities and facts (see module doc).

    ``ds`` is the Oxigraph store (a :class:`~graph.sparql.reader.Reader`, or the store read
    as an rdflib graph), an rdflib Dataset or Graph: it is read with plain terms
    (:func:`readable`). The steps run in this order.
    """
    with no_collection():      # ~2 million new objects, none in a cycle
        return _project(ds)


def _project(ds: Any) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    facts = _Facts(readable(ds))
    _add_nodes(G, facts)
    _date_agreements(G, facts)
    _add_simple_links(G, facts)
    _add_countries(G, facts)
    _add_posts(G, facts)
    _add_participations(G, facts)
    _word_edges(G)
    # A person's country is only what a source states (cc:country, e.g. "from Belarus"); it
    # is not inferred from the organisations they worked for.
    G.graph["name"] = "cinecoop projection"
    return G


def _add_nodes(G: nx.MultiDiGraph, f: _Facts) -> None:
    """One node per typed entity: kind, classes, labels, date (events), citations."""
    cc = f.cc
    for iri in sorted(f.types):
        key = _key(iri)
        assert key is not None
        kind = key.split("/", 1)[0]
        asserted = f.types[iri]
        inherited = set().union(*(f.ancestors(c) for c in asserted)) if f.supers else set()
        specific = sorted(c for c in asserted if c not in inherited) or sorted(asserted)
        classes = sorted({str(c)[len(cc):] for c in asserted | inherited
                          if str(c).startswith(cc)})
        labels = f.names(iri)
        date: str | None = None
        basis: str | None = None
        when = ""
        if kind == "event":
            date, basis, when = f.event_date(iri)
        G.add_node(key, kind=kind, cls=str(specific[0])[len(cc):], classes=classes,
                   label=f.best_label(iri, labels), labels=labels, country=None,
                   country_id=None, date=date, date_basis=basis, year=year_of(date),
                   when=when, sources=f.sources(iri))


def _add(G: nx.MultiDiGraph, head: str, tail: str, relation: str, label: str,
         date: str | None, basis: str | None, srcs: list[str], **extra: Any) -> None:
    """Add one fact edge, or merge its sources and list attributes into the existing one."""
    if head not in G._node or tail not in G._node or head == tail:
        return
    keyed = G._adj[head].get(tail)      # G.edges[head, tail, relation], when it is there
    data = keyed.get(relation) if keyed is not None else None
    if data is not None:
        data["sources"] = sorted(set(data["sources"]) | set(srcs))
        for name, values in extra.items():
            if isinstance(values, list):
                data[name] = sorted(set(data.get(name, [])) | set(values))
        return
    G.add_edge(head, tail, key=relation, relation=relation, label=label, head=head,
               date=date, date_basis=basis, year=year_of(date), sources=sorted(srcs),
               **extra)


def _node_date(G: nx.MultiDiGraph, key: str) -> tuple[str | None, str | None]:
    data = G.nodes[key] if key in G else {}
    return data.get("date"), data.get("date_basis")


def _date_agreements(G: nx.MultiDiGraph, f: _Facts) -> None:
    """Agreements: dated by the event they were announced at, else by their sources."""
    announced = _index(f.ds, CC.announcedAt)
    for iri in sorted(f.types):
        key = _key(iri)
        if key and key.startswith("agreement/"):
            events = [k for e in announced.get(iri, []) if (k := _key(e)) in G]
            dated = sorted(d for k in events if (d := G.nodes[k]["date"]))
            if dated:
                date, basis = dated[0], G.nodes[events[0]]["date_basis"]
            else:
                cited_in = {c.split(" ", 1)[0] for c in G.nodes[key]["sources"]}
                pubs = sorted(f.published[f.source_iris[c]] for c in cited_in
                              if c in f.source_iris)
                date, basis = (pubs[0], "reported") if pubs else (None, None)
            when = (f"reported {date}" if basis == "reported" else date) if date else "undated"
            G.nodes[key].update(date=date, date_basis=basis, year=year_of(date), when=when)
    kinds_of = {s: str(o).rsplit("/", 1)[-1] for s, o in _pairs(f.ds, CC.agreementKind)}
    status_of = {s: str(o).rsplit("/", 1)[-1] for s, o in _pairs(f.ds, CC.status)}
    for s, kind in kinds_of.items():
        if (key := _key(s)) in G:
            G.nodes[key].update(agreement_kind=kind, status=status_of.get(s))


def _add_simple_links(G: nx.MultiDiGraph, f: _Facts) -> None:
    """The object properties of :data:`SIMPLE`; an agreement's links carry its date."""
    for pred, relation, words in SIMPLE:
        for s, o in sorted(_pairs(f.ds, pred)):
            a, b = _key(s), _key(o)
            if a is None or b is None:
                continue
            head, tail = (b, a) if pred in REVERSED else (a, b)
            agreement = next((k for k in (head, tail) if k.startswith("agreement/")), None)
            date, basis = _node_date(G, agreement) if agreement else (None, None)
            _add(G, head, tail, relation, words, date, basis, f.sources(s))
    for s, o in sorted(_pairs(f.ds, SCHEMA.subEvent)):  # the inverse spelling of superEvent
        a, b = _key(o), _key(s)
        if a and b:
            _add(G, a, b, "part_of", "is part of", None, None, f.sources(o))


def _add_countries(G: nx.MultiDiGraph, f: _Facts) -> None:
    """Each node's country (label and key) as its sources state it; a country is its own."""
    for org, country in sorted(_pairs(f.ds, CC.country)):
        a, b = _key(org), _key(country)
        if a in G and b in G:
            G.nodes[a].update(country=G.nodes[b]["label"], country_id=b)
    for key, data in G.nodes(data=True):
        if data["kind"] == "country":
            data.update(country=data["label"], country_id=key)


def _add_posts(G: nx.MultiDiGraph, f: _Facts) -> None:
    """Posts held: person -> organisation, with the titles the sources give."""
    members = dict(_pairs(f.ds, ORG.member))
    orgs = dict(_pairs(f.ds, ORG.organization))
    titles = _index(f.ds, CC.postTitle)
    attested = {s: _lit(o) for s, o in _pairs(f.ds, CC.attestedOn)}
    for post in sorted(members):
        person, unit = _key(members[post]), _key(orgs.get(post, ""))
        if person is None or unit is None:
            continue
        title = str(titles[post][0]) if titles.get(post) else "a post"
        date = attested.get(post)
        _add(G, person, unit, "held_post_at", "held a post at", date,
             "reported" if date else None, f.sources(post), titles=[title])


def _add_participations(G: nx.MultiDiGraph, f: _Facts) -> None:
    """Participations: agent -> event, and the organisation or country spoken for -> event."""
    part_event = dict(_pairs(f.ds, CC.event))
    part_agent = dict(_pairs(f.ds, CC.participant))
    behalf = dict(_pairs(f.ds, CC.onBehalfOf))
    role_of = dict(_pairs(f.ds, CC.participationRole))
    certainty = {s: str(o) for s, o in _pairs(f.ds, CC.certainty)}
    for part in sorted(part_event):
        event, agent = _key(part_event[part]), _key(part_agent.get(part, ""))
        if event not in G or agent not in G:
            continue
        assert event is not None and agent is not None
        role = str(role_of.get(part, "")).rsplit("/", 1)[-1] or "participant"
        verb, for_it = role_words(role)[:2]
        date, basis = _node_date(G, event)
        srcs = f.sources(part)
        _add(G, agent, event, "participated_in", verb, date, basis, srcs, roles=[role],
             certainty=[certainty.get(part, "stated")])
        who = _key(behalf[part]) if part in behalf else None
        if who in G and who != agent:
            assert who is not None
            _add(G, who, event, "represented", "", date, basis, srcs, people=[agent],
                 roles=[role], acts=[f"{for_it}\t{agent}"])


def _word_edges(G: nx.MultiDiGraph) -> None:
    """Words for several roles and for "represented" edges, now that every person is known."""
    for key, data in (kd for nbrs in G._adj.values() for keyed in nbrs.values()
                      for kd in keyed.items()):     # every edge, without the edge view
        if key == "participated_in" and len(data.get("roles", [])) > 1:
            data["label"] = " and ".join(role_words(r).did for r in data["roles"])
        if key == "represented":
            by_verb: dict[str, list[str]] = defaultdict(list)
            for act in data.pop("acts"):
                verb, person = act.split("\t")
                by_verb[verb].append(G.nodes[person]["label"])
            data["label"] = "; ".join(f"{', '.join(sorted(who))} {verb}"
                                      for verb, who in sorted(by_verb.items()))


def node_key_source(iri: Any) -> str | None:
    """``"000_06f276725383997b"`` for a source IRI (also a paragraph's source)."""
    text = str(iri)
    prefix = ID.base + "source/"
    return text[len(prefix):].split("/", 1)[0] if text.startswith(prefix) else None


# ---------------------------------------------------------------------------- views


def type_filter(types: Iterable[str] | None) -> dict[str, set[str]]:
    """kind -> accepted names (lower-case kinds and classes) for the given ``types``."""
    if not types:
        return {}
    data_types = {**ORG_TYPES, **EVENT_TYPES, **PLACE_TYPES}
    by_kind: dict[str, set[str]] = defaultdict(set)
    kind_of_class = {str(c).rsplit("#", 1)[-1].lower(): k for k, table in (
        ("organisation", ORG_TYPES), ("event", EVENT_TYPES), ("place", PLACE_TYPES))
        for c in table.values()}
    kind_of_class.update({"person": "person", "country": "country", "agreement": "agreement",
                          "governmentbody": "organisation"})
    for raw in types:
        name = raw.strip().lower()
        if name in data_types:
            name = str(data_types[name]).rsplit("#", 1)[-1].lower()
        if name.endswith("s") and name[:-1] in KINDS:
            name = name[:-1]
        kind = name if name in KINDS else kind_of_class.get(name)
        if kind is None:
            known = sorted(set(KINDS) | set(data_types))
            raise ValueError(f"unknown type {raw!r}; use one of: {', '.join(known)} "
                             f"or a class name such as FilmAgency")
        by_kind[kind].add(name)
    return by_kind


def node_matches(data: dict[str, Any], accepted: dict[str, set[str]]) -> bool:
    names = accepted.get(data["kind"])
    if not names:
        return True
    return data["kind"] in names or any(c.lower() in names for c in data.get("classes", [])) \
        or data["cls"].lower() in names


class _Out:
    """What a view builder makes: nodes (attributes copied from the projection) and edges
    keyed by their sorted pair; :func:`view` turns them into the sorted ``nx.Graph``."""

    def __init__(self, attrs: dict[str, dict[str, Any]]):
        self.attrs = attrs
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: dict[tuple[str, str], dict[str, Any]] = {}

    def node(self, key: str) -> None:
        if key not in self.nodes:
            self.nodes[key] = dict(self.attrs[key])

    def edge(self, u: str, v: str, data: dict[str, Any]) -> None:
        """As ``nx.Graph.add_edge(u, v, **data)`` (attributes of a repeated pair merged)."""
        pair = (u, v) if u <= v else (v, u)
        if pair in self.edges:
            self.edges[pair].update(data)
        else:
            self.edges[pair] = dict(data)


def view(G: nx.MultiDiGraph, name: str, since: str | None = None, until: str | None = None,
         include_undated: bool = False, types: Iterable[str] | None = None) -> nx.Graph:
    """The named view of the projection ``G`` (an undirected ``nx.Graph``; see module doc),
    read-only (``nx.freeze``: made once per projection and arguments; copy it to change it).

    Nodes and edges are inserted in sorted order, so walks, samples and ties do not depend on
    Python's hash seed.
    """
    base = _base(G)
    key = (name, since, until, include_undated, tuple(sorted(types or ())))
    if key in base.views:    # the report and the site ask for the same view several times
        return base.views[key]
    with no_collection():
        out, attrs = _view(G, base, name, since, until, include_undated, types)
        S = nx.Graph(**attrs)
        S.add_nodes_from(sorted(out.nodes.items()))
        S.add_edges_from((u, v, d) for (u, v), d in sorted(out.edges.items()))
    base.views[key] = frozen = nx.freeze(S)   # shared, so read-only: copy it to change it
    return frozen


def view_parts(G: nx.MultiDiGraph, name: str, since: str | None = None,
               until: str | None = None, include_undated: bool = False,
               types: Iterable[str] | None = None
               ) -> tuple[dict[str, dict[str, Any]], dict[tuple[str, str], dict[str, Any]],
                          dict[str, Any]]:
    """What :func:`view` makes its graph of: the nodes (key -> attributes), the edges
    (sorted pair -> attributes) and the graph's attributes, without the networkx graph
    (:func:`graph.network.plain.plain_parts` makes a view's plain form from them)."""
    base = _base(G)
    with no_collection():
        out, attrs = _view(G, base, name, since, until, include_undated, types)
    return out.nodes, out.edges, attrs


class _Base(NamedTuple):
    """Per projection: its edges (in its order), those each view reads, the views made from
    it, and its size when they were made (a projection given nodes or newly linked pairs
    starts again; treat a projection as read-only once views are made from it)."""

    size: tuple[int, int]
    edges: list[tuple[str, str, dict[str, Any]]]
    nodes: dict[str, dict[str, Any]]
    candidates: dict[str, list[tuple[str, str, dict[str, Any]]]]
    views: dict[tuple[Any, ...], nx.Graph]


def _base(G: nx.MultiDiGraph) -> _Base:
    # nodes and linked pairs: a cheap stamp of the projection (views are made many times)
    size = (G.number_of_nodes(), sum(map(len, G._adj.values())))
    base = _VIEWS.get(G)
    if base is None or base.size != size:
        base = _VIEWS[G] = _Base(size, _edges(G), dict(G._node), {}, {})
    return base


def _edges(G: nx.MultiDiGraph) -> list[tuple[str, str, dict[str, Any]]]:
    """``list(G.edges(data=True))``, read from the adjacency without the view's per-edge
    calls (the same edges in the same order: by head, tail, then key)."""
    with no_collection():
        return [(u, v, d) for u, nbrs in G._adj.items() for v, keyed in nbrs.items()
                for d in keyed.values()]


#: Per projection (dropped with it): its edges and the views already made.
_VIEWS: weakref.WeakKeyDictionary[nx.MultiDiGraph, _Base] = weakref.WeakKeyDictionary()


class _Kept(NamedTuple):
    """What the filters keep of the projection, for one view (``attrs``: its node
    attributes, by key)."""

    attrs: dict[str, dict[str, Any]]
    nodes: set[str]
    edges: list[tuple[str, str, dict[str, Any]]]
    windowed: bool


#: The facts each view reads: (relations, kinds at the head, kinds at the tail); None: all.
_READS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] | None] = {
    "full": None,
    "person-event": (("participated_in",), ("person",), ("event",)),
    "org-event": (("participated_in", "represented"), ("organisation", "country"), ("event",)),
    "org-org": (("participated_in", "represented"), ("organisation", "country"), ("event",)),
    "country-country": (("participated_in", "represented"), ("organisation", "country"),
                        ("event",)),
}


def check_options(name: str, since: str | None, until: str | None,
                  types: Iterable[str] | None) -> dict[str, set[str]]:
    """ValueError for an unknown view, a bad date or type; else the type filter."""
    if name not in VIEWS:
        raise ValueError(f"unknown view {name!r}; choose one of: {', '.join(VIEWS)}")
    _check_date(since, "--since")
    _check_date(until, "--until")
    return type_filter(types)


def _candidates(G: nx.MultiDiGraph, base: _Base, name: str) -> list[tuple[str, str, Any]]:
    """The projection's edges a view may read (:data:`_READS`), in the projection's order."""
    reads = _READS[name]
    if reads is None:
        return base.edges
    if name not in base.candidates:
        relations, heads, tails = reads
        kinds = base.nodes
        base.candidates[name] = [e for e in base.edges if e[2]["relation"] in relations
                                 and kinds[e[0]]["kind"] in heads
                                 and kinds[e[1]]["kind"] in tails]
    return base.candidates[name]


def _view(G: nx.MultiDiGraph, base: _Base, name: str, since: str | None, until: str | None,
          include_undated: bool, types: Iterable[str] | None) -> tuple[_Out, dict[str, Any]]:
    """Filter the projection by date and type, then build the named view (:data:`BUILDERS`)."""
    kept = _filtered(G, base, name, since, until, include_undated, types)  # checks the name
    out = _Out(base.nodes)
    BUILDERS[name](out, kept)
    return out, {"view": name, "weighted": name in WEIGHTED_VIEWS, "since": since,
                 "until": until, "include_undated": include_undated,
                 "types": sorted(types or [])}


def _filtered(G: nx.MultiDiGraph, base: _Base, name: str, since: str | None,
              until: str | None, include_undated: bool,
              types: Iterable[str] | None) -> _Kept:
    """What the date and type filters keep of the facts the named view reads."""
    accepted = check_options(name, since, until, types)
    windowed = since is not None or until is not None
    memo: dict[str | None, bool] = {}

    def dated_in(date: str | None) -> bool:
        if date not in memo:
            memo[date] = in_window(date, since, until, include_undated)
        return memo[date]

    if windowed or accepted:
        kept = {n for n, d in base.nodes.items()
                if (d["kind"] not in ("event", "agreement") or dated_in(d["date"]))
                and node_matches(d, accepted)}
    else:
        kept = set(base.nodes)
    candidates = _candidates(G, base, name)
    edges = [(u, v, d) for u, v, d in candidates if u in kept and v in kept
             and (not windowed or d["relation"] in TIMELESS or dated_in(d["date"]))]
    return _Kept(base.nodes, kept, edges, windowed)


def met_degrees(G: nx.MultiDiGraph, since: str | None = None, until: str | None = None,
                include_undated: bool = False) -> dict[str, tuple[int, int]]:
    """Each node of ``view(G, "org-org", since, until, include_undated)`` -> (its weighted
    degree: the events it shared, counted per partner; its number of partners), without
    making the view (its labels, sources and event lists): the per-year rankings of
    ``trends`` ask this of eleven windows. The same filters and pairs as the view."""
    k = _filtered(G, _base(G), "org-org", since, until, include_undated, None)
    shared: Counter[tuple[str, str]] = Counter()
    found: dict[str, tuple[int, int]] = {}
    for members in _present(k, countries=False).values():
        for m in members:
            found[m] = (0, 0)
        shared.update(combinations(sorted(members), 2))
    for (a, b), n in shared.items():
        for x in (a, b):
            weight, partners = found[x]
            found[x] = (weight + n, partners + 1)
    return found


_RANK = {r: i for i, r in enumerate(RELATION_ORDER)}


def _full_view(H: _Out, k: _Kept) -> None:
    """Every entity; parallel facts between a pair merged into one edge listing each."""
    if not k.windowed:
        for n in sorted(k.nodes):
            H.node(n)
    merged: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for u, v, d in k.edges:
        merged[(u, v) if u <= v else (v, u)].append(d)
    rank = _RANK
    for (u, v), facts in sorted(merged.items()):
        if len(facts) > 1:
            facts.sort(key=lambda d: (rank.get(d["relation"], 99), d["head"]))
        H.node(u)
        H.node(v)
        H.edge(u, v, {**facts[0], "facts": [dict(f) for f in facts] if len(facts) > 1 else [],
                      "relations": [f["relation"] for f in facts]})


def _person_event_view(H: _Out, k: _Kept) -> None:
    kinds = k.attrs
    for u, v, d in sorted(k.edges, key=lambda e: (e[0], e[1])):
        if d["relation"] == "participated_in" and kinds[u]["kind"] == "person" \
                and kinds[v]["kind"] == "event":
            H.node(u)
            H.node(v)
            H.edge(u, v, d)


def _org_event_links(k: _Kept) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Organisation (or country) -> event links, direct or through a representative."""
    kinds = k.attrs
    org_event: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for u, v, d in k.edges:
        if d["relation"] in ("participated_in", "represented") and \
                kinds[u]["kind"] in ("organisation", "country") and kinds[v]["kind"] == "event":
            org_event[(u, v)].append(d)
    return org_event


def _org_event_view(H: _Out, k: _Kept) -> None:
    kinds = k.attrs
    for (u, v), facts in sorted(_org_event_links(k).items()):
        if kinds[u]["kind"] != "organisation":
            continue
        facts.sort(key=lambda d: d["relation"])
        H.node(u)
        H.node(v)
        people = sorted({p for d in facts for p in d.get("people", [])})
        H.edge(u, v, {"relation": "represented" if people else "participated_in",
                      "label": "; ".join(d["label"] for d in facts), "head": u,
                      "date": facts[0]["date"], "date_basis": facts[0]["date_basis"],
                      "year": facts[0]["year"], "people": people,
                      "roles": sorted({r for d in facts for r in d.get("roles", [])}),
                      "sources": sorted({s for d in facts for s in d["sources"]})})


def _present(k: _Kept, countries: bool,
             cites: dict[tuple[str, str], set[str]] | None = None) -> dict[str, set[str]]:
    """Event -> the organisations (or countries) at it, directly or through their people
    (``cites``: filled with the sources of each one's presence)."""
    kinds = k.attrs
    present: dict[str, set[str]] = defaultdict(set)
    for (u, v), facts in _org_event_links(k).items():
        if not countries and kinds[u]["kind"] == "organisation":
            who = u
        elif countries:
            who = u if kinds[u]["kind"] == "country" else kinds[u]["country_id"]
            if who is None or who not in k.nodes:
                continue
        else:
            continue
        present[v].add(who)
        if cites is not None:
            cites[(who, v)].update(s for d in facts for s in d["sources"])
    return present


def _met_view(H: _Out, k: _Kept, countries: bool) -> None:
    """Aggregated views: organisations (or countries) linked when at the same event."""
    kinds = k.attrs
    cites: dict[tuple[str, str], set[str]] = defaultdict(set)
    present = _present(k, countries, cites)
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for event, members in present.items():
        for a, b in combinations(sorted(members), 2):
            pairs[(a, b)].append(event)
        for m in members:
            H.node(m)
    order = {e: (kinds[e]["date"] or "9999", e) for e in present}
    for (a, b), events in sorted(pairs.items()):
        events.sort(key=order.__getitem__)
        dates = [kinds[e]["date"] for e in events if kinds[e]["date"]]
        first = events[0]
        H.edge(a, b, {"relation": "met_at", "head": a,
                      "label": "met at " + "; ".join(kinds[e]["label"] for e in events),
                      "weight": len(events), "events": events,
                      "date": dates[0] if dates else None,
                      "date_basis": kinds[first]["date_basis"] if dates else None,
                      "year": year_of(dates[0]) if dates else None,
                      "sources": sorted({s for e in events for x in (a, b)
                                         for s in cites[(x, e)]})})


#: view name -> the function that builds it from what the filters kept
BUILDERS: dict[str, Any] = {
    "full": _full_view,
    "person-event": _person_event_view,
    "org-event": _org_event_view,
    "org-org": lambda H, k: _met_view(H, k, countries=False),
    "country-country": lambda H, k: _met_view(H, k, countries=True),
}


def build_view(ds: Any, name: str, **options: Any) -> nx.Graph:
    """``view(project(ds), name, **options)``."""
    return view(project(ds), name, **options)
