"""Turn curated records into quads, written to a sink.

One named graph per source holds everything that source supports: the description of each
entity it cites (with the paragraphs it cites), its posts, participations and agreements, and
the shortcut triples derived from them. The ontology sits in a graph of its own. IRIs are
minted from record ids (:func:`graph.terms.entity_iri`); there are no blank nodes.

:func:`emit` is the one emitter: it writes every triple through a :class:`QuadSink`, whose
``graph(name)`` gives an object with ``add((s, p, o))`` (rdflib terms). Two sinks exist:
:class:`DatasetSink` fills an rdflib ``Dataset`` (:func:`build_dataset`, the reference the tests
compare against) and :class:`OxigraphSink` collects pyoxigraph quads for the build (no rdflib
graph at all). A new field is one ``g.add(...)`` in the emitter; both sinks get it.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib import namespace as _ns

from graph import terms as _terms
from graph.data.records import Record
from graph.terms import (
    EVENT_TYPES,
    ONTOLOGY_FILE,
    ONTOLOGY_GRAPH,
    ORG_TYPES,
    PLACE_TYPES,
    PREFIXES,
    SCHEMES,
    group_iri,
    signature_iri,
    source_graph,
    wikidata_iri,
)


class _Memo:
    """A namespace whose terms are looked up once (rdflib builds a new URIRef per access)."""

    def __init__(self, ns: Any):
        self._ns = ns

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._ns, name)
        setattr(self, name, value)
        return value


CC: Any = _Memo(_terms.CC)
SCHEMA: Any = _Memo(_terms.SCHEMA)
ORG: Any = _Memo(_terms.ORG)
PROV: Any = _Memo(_terms.PROV)
RDF: Any = _Memo(_ns.RDF)
RDFS: Any = _Memo(_ns.RDFS)
SKOS: Any = _Memo(_ns.SKOS)
DCTERMS: Any = _Memo(_ns.DCTERMS)
XSD: Any = _Memo(_ns.XSD)
entity_iri = functools.lru_cache(maxsize=1 << 20)(_terms.entity_iri)
source_iri = functools.lru_cache(maxsize=1 << 16)(_terms.source_iri)
paragraph_iri = functools.lru_cache(maxsize=1 << 18)(_terms.paragraph_iri)
#: rdflib Literals made once per value (each label is written into every graph citing its
#: entity, each paragraph position many times; making one costs rdflib several µs); typed:
#: Literal(1) and Literal(True) are not the same
literal: Any = functools.lru_cache(maxsize=1 << 20, typed=True)(Literal)

CLASS_OF_KIND = {"country": CC.Country, "person": CC.Person}
FACTS = ("post", "participation", "agreement")
Triple = tuple[Any, Any, Any]


class TripleSink(Protocol):
    """What the emitter writes one named graph's triples to (an rdflib Graph is one)."""

    def add(self, triple: Triple, /) -> Any: ...


class QuadSink(Protocol):
    """Where :func:`emit` writes: one :class:`TripleSink` per named graph."""

    def graph(self, name: URIRef) -> TripleSink: ...


class DatasetSink:
    """Writes into an rdflib ``Dataset`` (the reference path)."""

    def __init__(self, ds: Dataset):
        self.ds = ds

    def graph(self, name: URIRef) -> TripleSink:
        return self.ds.graph(name)


class NQuadsSink:
    """Collects the quads as N-Quads lines, per graph (the build path: no rdflib graph).

    Terms are written in canonical N-Triples form (as pyoxigraph writes them), so the lines
    sorted are also the sorted canonical N-Quads.
    """

    def __init__(self) -> None:
        self.graphs: dict[str, list[str]] = {}
        self._literals: dict[tuple[str, str | None, str | None], str] = {}

    def graph(self, name: URIRef) -> TripleSink:
        return _NQuadsGraph(self, self.graphs.setdefault(str(name), []), f" <{name}> .\n")

    def term(self, node: Any) -> str:
        if type(node) is URIRef:
            return f"<{node}>"
        if isinstance(node, Literal):
            dt = node.datatype
            key = (str(node), node.language, str(dt) if dt is not None else None)
            text = self._literals.get(key)
            if text is None:
                text = self._literals[key] = nt_literal(*key)
            return text
        if isinstance(node, URIRef):
            return f"<{node}>"
        if isinstance(node, BNode):
            return f"_:{node}"
        raise TypeError(f"not an RDF term: {node!r}")

    def lines(self, name: str) -> list[str]:
        """One named graph's distinct N-Quads lines, sorted."""
        return sorted(set(self.graphs.get(name, [])))


class _NQuadsGraph:
    def __init__(self, sink: NQuadsSink, lines: list[str], tail: str):
        self.term = sink.term
        self.append = lines.append
        self.tail = tail

    def add(self, triple: Triple, /) -> None:
        term = self.term
        s, p, o = triple
        self.append(f"{term(s)} {term(p)} {term(o)}{self.tail}")


_ECHAR = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"',
          "\\": "\\\\"}
_ESCAPE = str.maketrans({**_ECHAR, **{chr(c): f"\\u{c:04X}" for c in [*range(0x20), 0x7F]
                                      if chr(c) not in _ECHAR}})
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def nt_literal(value: str, lang: str | None, datatype: str | None) -> str:
    """A literal in canonical N-Triples form."""
    text = '"' + value.translate(_ESCAPE) + '"'
    if lang:
        return f"{text}@{lang.lower()}"
    if datatype and datatype != _XSD_STRING:
        return f"{text}^^<{datatype}>"
    return text


def load_ontology(path: Path = ONTOLOGY_FILE) -> Graph:
    g = Graph()
    g.parse(path, format="turtle")
    return g


def concept_ids(ontology: Graph) -> dict[str, set[str]]:
    """Concept ids allowed in each controlled list, read from the ontology's SKOS schemes."""
    out: dict[str, set[str]] = {}
    for name, (ns, scheme) in SCHEMES.items():
        out[name] = {
            str(c)[len(str(ns)):] for c in ontology.subjects(SKOS.inScheme, scheme)
            if str(c).startswith(str(ns))
        }
    return out


def date_literal(value: str) -> Literal:
    """A date as precise as the source: xsd:date, gYearMonth, gYear or gMonthDay."""
    if value.startswith("--"):
        return literal(value, datatype=XSD.gMonthDay)
    kind = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(value)]
    return literal(value, datatype=kind)


def iri(ids: dict[str, Record], ident: str) -> URIRef:
    rec = ids[ident]
    return entity_iri(rec.kind, ident)


def _labels(g: TripleSink, node: URIRef, rec: Record) -> None:
    for lang, text in sorted(rec.data.get("labels", {}).items()):
        g.add((node, SKOS.prefLabel, literal(text, lang=lang)))
        g.add((node, RDFS.label, literal(text, lang=lang)))
    for lang, texts in sorted(rec.data.get("alt_labels", {}).items()):
        for text in texts if isinstance(texts, list) else [texts]:
            g.add((node, SKOS.altLabel, literal(text, lang=lang)))
    if rec.data.get("label_note"):
        g.add((node, CC.labelNote, literal(rec.data["label_note"], lang="en")))
    if rec.data.get("note"):
        g.add((node, SKOS.note, literal(rec.data["note"], lang="en")))


def _cite(g: TripleSink, node: URIRef, source: str, paras: Iterable[int],
          statement: bool = False) -> None:
    """Cite ``source`` (and its paragraphs) for ``node``.

    Every cited node gets ``cc:citedIn``; a statement node (post, participation, signature,
    agreement: a ``prov:Entity``) also ``prov:wasDerivedFrom``, which PROV-O allows on entities
    only (an event is a ``prov:Activity``).
    """
    g.add((node, CC.citedIn, source_iri(source)))
    if statement:
        g.add((node, PROV.wasDerivedFrom, source_iri(source)))
    for p in sorted(set(paras)):
        para = paragraph_iri(source, p)
        g.add((node, CC.citedParagraph, para))
        g.add((para, RDF.type, CC.Paragraph))
        g.add((para, SCHEMA.isPartOf, source_iri(source)))
        g.add((para, SCHEMA.position, literal(p)))


def fields_from(rec: Record, source: str) -> dict[str, Any]:
    """The fields of an entity that ``source`` supports.

    A field listed in ``cite_fields`` comes only from the sources cited there (e.g. a festival
    that one article places inside another); every other field comes from every citing source.
    """
    only = rec.data.get("cite_fields") or {}
    return {name: value for name, value in rec.data.items()
            if name not in only or source in {str(c).split(":", 1)[0] for c in only[name]}}


def describe_entity(g: TripleSink, rec: Record, ids: dict[str, Record],
                    d: dict[str, Any] | None = None) -> URIRef:
    """Add the triples that describe one entity (not its citations) to ``g``.

    ``d`` is the record's fields to state (default: all; see :func:`fields_from`).
    """
    node = entity_iri(rec.kind, rec.id)
    d = rec.data if d is None else d
    if rec.kind == "organisation":
        g.add((node, RDF.type, ORG_TYPES[d["type"]]))
    elif rec.kind == "event":
        g.add((node, RDF.type, EVENT_TYPES[d["type"]]))
    elif rec.kind == "place":
        g.add((node, RDF.type, PLACE_TYPES[d["type"]]))
    else:
        g.add((node, RDF.type, CLASS_OF_KIND[rec.kind]))
    _labels(g, node, rec)
    links = {
        "country": CC.country, "within": CC.within, "based_in": CC.basedIn,
        "named_after": CC.namedAfter, "venue": CC.venue, "city": CC.city,
        "framework": CC.framework, "about": SCHEMA.about,
    }
    for name, prop in links.items():
        if d.get(name):
            g.add((node, prop, iri(ids, d[name])))
    if d.get("parent"):
        parent = iri(ids, d["parent"])
        g.add((node, ORG.unitOf if d.get("type") == "unit" else ORG.subOrganizationOf, parent))
    if d.get("super_event"):
        sup = iri(ids, d["super_event"])
        g.add((node, SCHEMA.superEvent, sup))
        g.add((sup, SCHEMA.subEvent, node))
    if rec.kind == "country":
        g.add((node, CC.isoCode, literal(rec.data["iso"])))
    if d.get("occupation"):
        g.add((node, CC.occupation, literal(d["occupation"], lang="en")))
    if d.get("start"):
        g.add((node, SCHEMA.startDate, date_literal(d["start"])))
    if d.get("end"):
        g.add((node, SCHEMA.endDate, date_literal(d["end"])))
    if d.get("date_note"):
        g.add((node, SKOS.note, literal(d["date_note"], lang="en")))
    if d.get("participants_incomplete"):
        g.add((node, CC.participantsIncomplete, literal(True)))
    _describe_v2(g, node, d, ids)
    return node


def _describe_v2(g: TripleSink, node: URIRef, d: dict[str, Any], ids: dict[str, Record]) -> None:
    """Model v2 fields of an entity: Wikidata item, honorary title, series and editions."""
    if d.get("wikidata"):
        g.add((node, SCHEMA.sameAs, wikidata_iri(d["wikidata"])))
    if d.get("honorary_title"):
        g.add((node, CC.honoraryTitle, literal(d["honorary_title"], lang="en")))
    if d.get("series"):
        g.add((node, CC.partOfSeries, iri(ids, d["series"])))
    if d.get("edition"):
        g.add((node, CC.editionNumber, literal(d["edition"])))
    if d.get("parallel_with"):
        other = iri(ids, d["parallel_with"])
        g.add((node, CC.heldInParallelWith, other))
        g.add((other, CC.heldInParallelWith, node))
    if d.get("convened_by"):
        g.add((node, CC.convenedByDecisionOf, iri(ids, d["convened_by"])))


def describe_source(g: TripleSink, rec: Record, ids: dict[str, Record]) -> URIRef:
    d = rec.data
    node = source_iri(rec.id)
    g.add((node, RDF.type, CC.NewsArticle))
    g.add((node, CC.fileName, literal(d["file"])))
    g.add((node, RDFS.label, literal(d.get("title") or d["file"])))
    if d.get("title"):
        g.add((node, SCHEMA.headline, literal(d["title"], lang=d["language"])))
    g.add((node, SCHEMA.inLanguage, literal(d["language"])))
    g.add((node, DCTERMS.language, literal(d["language"])))
    g.add((node, CC.paragraphCount, literal(d["paragraphs"])))
    g.add((node, CC.dateBasis, literal(d["date_basis"])))
    if d.get("date"):
        g.add((node, SCHEMA.datePublished, date_literal(d["date"])))
    if d.get("date_note"):
        g.add((node, SKOS.note, literal(d["date_note"], lang="en")))
    for name, prop in (("author", SCHEMA.author), ("publisher", SCHEMA.publisher)):
        ref = d.get(name)
        if ref:
            key = "person" if name == "author" else "org"
            g.add((node, prop, iri(ids, ref[key])))
    for ref in d.get("credits") or []:
        g.add((node, CC.credits, iri(ids, ref["org"])))
    if d.get("text_complete") is not None:
        g.add((node, CC.textComplete, literal(bool(d["text_complete"]))))
    if d.get("accessed"):
        g.add((node, CC.accessedOn, date_literal(d["accessed"])))
    return node


def _paras(rec: Record) -> list[int]:
    p = rec.data["para"]
    return p if isinstance(p, list) else [p]


def add_post(g: TripleSink, rec: Record, ids: dict[str, Record], date: str | None) -> None:
    d = rec.data
    node = entity_iri("post", rec.id)
    person = iri(ids, d["person"])
    g.add((node, RDF.type, CC.PostHeld))
    g.add((node, ORG.member, person))
    g.add((node, ORG.role, SCHEMES["post-role"][0][d["role"]]))
    g.add((node, CC.postTitle, literal(d["title"], lang=_lang(ids, rec))))
    if d.get("organisation"):
        organisation = iri(ids, d["organisation"])
        g.add((node, ORG.organization, organisation))
        g.add((person, CC.affiliatedWith, organisation))
    for name, prop in (("country", CC.country), ("place", SCHEMA.location)):
        if d.get(name):
            g.add((node, prop, iri(ids, d[name])))
    if date:
        g.add((node, CC.attestedOn, date_literal(date)))
    if d.get("acting"):
        g.add((node, CC.acting, literal(True)))
    _finish_fact(g, node, rec)


def _finish_fact(g: TripleSink, node: URIRef, rec: Record) -> None:
    """What every fact node ends with: its dates if given, a note, its citation."""
    d = rec.data
    for name, prop in (("start", SCHEMA.startDate), ("end", SCHEMA.endDate)):
        if d.get(name):
            g.add((node, prop, date_literal(d[name])))
    if d.get("note"):
        g.add((node, SKOS.note, literal(d["note"], lang="en")))
    _cite(g, node, rec.source or "", _paras(rec), statement=True)


def _lang(ids: dict[str, Record], rec: Record) -> str:
    src = ids.get(rec.source or "")
    return str(src.data["language"]) if src else "en"


def add_participation(g: TripleSink, rec: Record, ids: dict[str, Record]) -> None:
    d = rec.data
    node = entity_iri("participation", rec.id)
    g.add((node, RDF.type, CC.Participation))
    g.add((node, CC.participant, iri(ids, d["agent"]) if d.get("agent") else
           _add_group(g, rec, ids)))
    g.add((node, CC.event, iri(ids, d["event"])))
    g.add((node, CC.participationRole, SCHEMES["participation-role"][0][d["role"]]))
    if d.get("on_behalf_of"):
        g.add((node, CC.onBehalfOf, iri(ids, d["on_behalf_of"])))
    if d.get("topic"):
        g.add((node, CC.topic, literal(d["topic"], lang="en")))
    g.add((node, CC.certainty, literal(d.get("certainty", "stated"))))
    _finish_fact(g, node, rec)


def add_agreement(g: TripleSink, rec: Record, ids: dict[str, Record]) -> None:
    d = rec.data
    node = entity_iri("agreement", rec.id)
    g.add((node, RDF.type, CC.Agreement))
    g.add((node, SKOS.prefLabel, literal(d["title"], lang="en")))
    g.add((node, RDFS.label, literal(d["title"], lang="en")))
    g.add((node, CC.agreementKind, SCHEMES["agreement-kind"][0][d["kind"]]))
    g.add((node, CC.status, SCHEMES["agreement-status"][0][d["status"]]))
    for party in d.get("parties") or []:
        g.add((node, CC.party, iri(ids, party)))
    if d.get("parties_unstated"):
        g.add((node, CC.partiesUnstated, literal(True)))
    for name, prop in (("stated_by", CC.statedBy), ("announced_at", CC.announcedAt),
                       ("scope", CC.scope)):
        if d.get(name):
            g.add((node, prop, iri(ids, d[name])))
    for target in d.get("concerns") or []:
        g.add((node, CC.concerns, iri(ids, target)))
    _add_signing(g, node, rec, ids)
    _finish_fact(g, node, rec)


def _add_group(g: TripleSink, rec: Record, ids: dict[str, Record]) -> URIRef:
    """The unnamed group of a participation ('more than 30 production companies')."""
    d = rec.data
    node = group_iri(rec.id)
    g.add((node, RDF.type, CC.UnnamedGroup))
    g.add((node, SKOS.prefLabel, literal(d["group"], lang="en")))
    g.add((node, RDFS.label, literal(d["group"], lang="en")))
    if d.get("group_size"):
        g.add((node, CC.groupSize, literal(d["group_size"])))
        g.add((node, CC.groupSizeQualifier, literal(d.get("group_size_is", "exactly"))))
    for country in d.get("group_countries") or []:
        g.add((node, CC.country, iri(ids, country)))
    g.add((node, CC.participatedIn, iri(ids, d["event"])))
    g.add((iri(ids, d["event"]), CC.hasParticipant, node))
    _cite(g, node, rec.source or "", _paras(rec))
    return node


def _add_signing(g: TripleSink, node: URIRef, rec: Record, ids: dict[str, Record]) -> None:
    """Signatories (each a cc:Signature, for a party), and the date, place and event of signing."""
    d = rec.data
    if d.get("signed_on"):
        g.add((node, CC.signedOn, date_literal(d["signed_on"])))
    for name, prop in (("signed_at", CC.signedAt), ("signed_during", CC.signedDuring)):
        if d.get(name):
            g.add((node, prop, iri(ids, d[name])))
    for target in d.get("provides_for") or []:
        g.add((node, CC.providesFor, iri(ids, target)))
    for item in d.get("signatories") or []:
        person = iri(ids, item["person"])
        sig = signature_iri(rec.id, item["person"])
        g.add((sig, RDF.type, CC.Signature))
        g.add((sig, CC.signatory, person))
        g.add((sig, CC.signatureOf, node))
        if item.get("for"):
            g.add((sig, CC.signedFor, iri(ids, item["for"])))
        g.add((node, CC.signedBy, person))
        _cite(g, sig, rec.source or "", _paras(rec), statement=True)


def _country_of(ids: dict[str, Record], ident: str) -> str | None:
    rec = ids[ident]
    if rec.kind == "country":
        return ident
    country = rec.data.get("country")
    if country:
        return str(country)
    parent = rec.data.get("parent")
    return _country_of(ids, parent) if parent else None


def add_shortcuts(graphs: dict[str, TripleSink], parts: list[Record],
                  ids: dict[str, Record]) -> None:
    """Materialise participatedIn/hasParticipant and metWith from participations.

    Every triple goes into the graph of each source whose participations support it (of
    those in ``graphs``: a rebuild writes some graphs only).
    """
    at_event: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for rec in parts:
        d = rec.data
        if not d.get("agent"):
            continue  # an unnamed group: its shortcuts come with the group (_add_group)
        event = iri(ids, d["event"])
        g = graphs.get(rec.source or "")
        agents = [d["agent"]] + ([d["on_behalf_of"]] if d.get("on_behalf_of") else [])
        countries = {c for a in agents if (c := _country_of(ids, a))}
        for agent in sorted(set(agents) | countries):
            node = iri(ids, agent)
            if g is not None:
                g.add((node, CC.participatedIn, event))
                g.add((event, CC.hasParticipant, node))
            if ids[agent].kind in ("organisation", "country"):
                at_event[d["event"]][agent].add(rec.source or "")
    for members in at_event.values():
        _add_met(graphs, members, ids)


def _add_met(graphs: dict[str, TripleSink], members: dict[str, set[str]],
             ids: dict[str, Record]) -> None:
    """``cc:metWith`` both ways between every two agents of one kind at one event (agent ->
    the sources of its participations there), into the graphs of their sources. Each
    agent's IRI and written sources are found once, not once per pair (an event's pairs
    grow with the square of its agents)."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for agent in sorted(members):
        by_kind[ids[agent].kind].append(agent)
    met = CC.metWith
    for same in by_kind.values():
        nodes = [iri(ids, agent) for agent in same]
        written = [members[agent] & graphs.keys() for agent in same]
        for i, a in enumerate(nodes):
            for j in range(i + 1, len(nodes)):
                b = nodes[j]
                for source in sorted(written[i] | written[j]):
                    g = graphs[source]
                    g.add((a, met, b))
                    g.add((b, met, a))


def union_graph(ds: Dataset, with_ontology: bool = True) -> Graph:
    """All named graphs merged into one Graph (duplicates collapse), with the prefixes."""
    g = Graph()
    for prefix, ns in ds.namespaces():
        g.bind(prefix, ns, override=True, replace=True)
    for s, p, o, ctx in ds.quads((None, None, None, None)):
        if with_ontology or ctx != ONTOLOGY_GRAPH:
            g.add((s, p, o))
    return g


def build_dataset(records: list[Record], ontology: Graph | None = None) -> Dataset:
    """The whole knowledge graph as an rdflib Dataset (the reference; see :func:`emit`)."""
    ds = Dataset()
    _bind(ds)
    emit(records, DatasetSink(ds), ontology)
    return ds


def union_ntriples(graphs: dict[str, list[str]]) -> bytes:
    """The merge of the named graphs (graph IRI -> N-Quads lines) as sorted N-Triples, each
    triple once."""
    # " <graph> .\n" ends each line only (a literal holds no raw line break)
    return merge_ntriples("".join("".join(lines).replace(f" <{name}> .\n", " .\n")
                                  for name, lines in graphs.items()).encode("utf-8").split(b"\n"))


def merge_ntriples(lines: list[bytes]) -> bytes:
    """The N-Triples ``lines`` (without their line breaks; empty ones left out) sorted, each
    once (UTF-8 bytes sort as their code points, as the lines' strings do); ``lines`` is
    emptied. Lines that come in sorted runs (each named graph's lines, with its name taken
    off, stay sorted) cost little: the sort merges the runs, and a repeated line then stands
    next to its twin (kept once, in order, by a dict)."""
    lines.sort()
    merged = dict.fromkeys(lines)
    lines.clear()
    merged.pop(b"", None)
    return b"\n".join(merged) + b"\n" if merged else b""


def build_nquads(records: list[Record], ontology: Graph | None = None,
                 only: set[str] | None = None) -> NQuadsSink:
    """The same quads as :func:`build_dataset`, as N-Quads lines per named graph (``only``:
    just the graphs of these sources, see :func:`emit`)."""
    sink = NQuadsSink()
    emit(records, sink, ontology, only)
    return sink


def emit(records: list[Record], sink: QuadSink, ontology: Graph | None = None,
         only: set[str] | None = None) -> None:
    """Write the whole knowledge graph to ``sink``: one named graph per source, plus the
    ontology.

    ``only``: write just the named graphs of these sources (no ontology), each with the same
    triples as in the whole graph: what a rebuild needs for the sources an edit touched.
    """
    ids = {r.id: r for r in records if r.kind not in ("post", "participation")}
    if only is None:
        onto = sink.graph(ONTOLOGY_GRAPH)
        for triple in ontology if ontology is not None else load_ontology():
            onto.add(triple)
    sources = sorted((r for r in records if r.kind == "source"), key=lambda r: r.id)
    source_date = {s.id: s.data.get("date") for s in sources}
    if only is not None:
        sources = [s for s in sources if s.id in only]
    graphs = {s.id: sink.graph(source_graph(s.id)) for s in sources}
    for s in sources:
        describe_source(graphs[s.id], s, ids)
    _emit_entities(graphs, records, ids, source_date)
    parts = []
    for rec in records:
        g = graphs.get(rec.source or "") if rec.kind in FACTS else None
        if g is None:
            if rec.kind == "participation":
                parts.append(rec)     # its shortcuts may meet those of the graphs written
        elif rec.kind == "post":
            add_post(g, rec, ids, source_date.get(rec.source or ""))
        elif rec.kind == "participation":
            add_participation(g, rec, ids)
            parts.append(rec)
        elif rec.kind == "agreement":
            add_agreement(g, rec, ids)
    if only is not None:     # only the events where a written graph has participants count
        events = {rec.data["event"] for rec in parts if (rec.source or "") in graphs}
        parts = [rec for rec in parts if rec.data["event"] in events]
    add_shortcuts(graphs, parts, ids)
    literal.cache_clear()    # (the sink keeps what it needs of them)


def _emit_entities(graphs: dict[str, TripleSink], records: list[Record],
                   ids: dict[str, Record], source_date: dict[str, Any]) -> None:
    """Each entity into the graph of every source citing it; events get ``cc:reportedOn``
    (in the graph of the source with the earliest date, when that graph is written)."""
    reported: dict[str, list[tuple[str, str]]] = defaultdict(list)
    cited = [(rec, rec.cites()) for rec in records if rec.kind not in ("source", *FACTS)]
    cited = [(rec, found) for rec, found in cited if any(source in graphs for source, _ in found)]
    for rec, found in sorted(cited, key=lambda pair: (pair[0].kind, pair[0].id)):
        # (an event that no written graph cites has its cc:reportedOn in none of them)
        by_source: dict[str, list[int]] = defaultdict(list)
        for source, para in found:
            by_source[source].append(para)
        for source, paras in sorted(by_source.items()):
            if rec.kind == "event" and source_date.get(source):
                reported[rec.id].append((str(source_date[source]), source))
            if source not in graphs:
                continue
            node = describe_entity(graphs[source], rec, ids, fields_from(rec, source))
            _cite(graphs[source], node, source, paras)
    for ident, dates in reported.items():
        date, source = min(dates)
        if source in graphs:
            graphs[source].add((entity_iri("event", ident), CC.reportedOn, date_literal(date)))


def _bind(ds: Dataset) -> None:
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns, override=True, replace=True)
