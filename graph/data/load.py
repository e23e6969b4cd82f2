"""Turn curated records into an rdflib ``Dataset``.

One named graph per source holds everything that source supports: the description of each
entity it cites (with the paragraphs it cites), its posts, participations and agreements, and
the shortcut triples derived from them. The ontology sits in a graph of its own. IRIs are
minted from record ids (:func:`graph.terms.entity_iri`); there are no blank nodes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from graph.data.records import Record
from graph.terms import (
    CC,
    EVENT_TYPES,
    ONTOLOGY_FILE,
    ONTOLOGY_GRAPH,
    ORG,
    ORG_TYPES,
    PLACE_TYPES,
    PREFIXES,
    PROV,
    SCHEMA,
    SCHEMES,
    entity_iri,
    group_iri,
    paragraph_iri,
    signature_iri,
    source_graph,
    source_iri,
    wikidata_iri,
)

CLASS_OF_KIND = {"country": CC.Country, "person": CC.Person}


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
        return Literal(value, datatype=XSD.gMonthDay)
    kind = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(value)]
    return Literal(value, datatype=kind)


def iri(ids: dict[str, Record], ident: str) -> URIRef:
    rec = ids[ident]
    return entity_iri(rec.kind, ident)


def _labels(g: Graph, node: URIRef, rec: Record) -> None:
    for lang, text in sorted(rec.data.get("labels", {}).items()):
        g.add((node, SKOS.prefLabel, Literal(text, lang=lang)))
        g.add((node, RDFS.label, Literal(text, lang=lang)))
    for lang, texts in sorted(rec.data.get("alt_labels", {}).items()):
        for text in texts if isinstance(texts, list) else [texts]:
            g.add((node, SKOS.altLabel, Literal(text, lang=lang)))
    if rec.data.get("label_note"):
        g.add((node, CC.labelNote, Literal(rec.data["label_note"], lang="en")))
    if rec.data.get("note"):
        g.add((node, SKOS.note, Literal(rec.data["note"], lang="en")))


def _cite(g: Graph, node: URIRef, source: str, paras: Iterable[int],
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
        g.add((para, SCHEMA.position, Literal(p)))


def fields_from(rec: Record, source: str) -> dict[str, Any]:
    """The fields of an entity that ``source`` supports.

    A field listed in ``cite_fields`` comes only from the sources cited there (e.g. a festival
    that one article places inside another); every other field comes from every citing source.
    """
    only = rec.data.get("cite_fields") or {}
    return {name: value for name, value in rec.data.items()
            if name not in only or source in {str(c).split(":", 1)[0] for c in only[name]}}


def describe_entity(g: Graph, rec: Record, ids: dict[str, Record],
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
        g.add((node, CC.isoCode, Literal(rec.data["iso"])))
    if d.get("occupation"):
        g.add((node, CC.occupation, Literal(d["occupation"], lang="en")))
    if d.get("start"):
        g.add((node, SCHEMA.startDate, date_literal(d["start"])))
    if d.get("end"):
        g.add((node, SCHEMA.endDate, date_literal(d["end"])))
    if d.get("date_note"):
        g.add((node, SKOS.note, Literal(d["date_note"], lang="en")))
    if d.get("participants_incomplete"):
        g.add((node, CC.participantsIncomplete, Literal(True)))
    _describe_v2(g, node, d, ids)
    return node


def _describe_v2(g: Graph, node: URIRef, d: dict[str, Any], ids: dict[str, Record]) -> None:
    """Model v2 fields of an entity: Wikidata item, honorary title, series and editions."""
    if d.get("wikidata"):
        g.add((node, SCHEMA.sameAs, wikidata_iri(d["wikidata"])))
    if d.get("honorary_title"):
        g.add((node, CC.honoraryTitle, Literal(d["honorary_title"], lang="en")))
    if d.get("series"):
        g.add((node, CC.partOfSeries, iri(ids, d["series"])))
    if d.get("edition"):
        g.add((node, CC.editionNumber, Literal(d["edition"])))
    if d.get("parallel_with"):
        other = iri(ids, d["parallel_with"])
        g.add((node, CC.heldInParallelWith, other))
        g.add((other, CC.heldInParallelWith, node))
    if d.get("convened_by"):
        g.add((node, CC.convenedByDecisionOf, iri(ids, d["convened_by"])))


def describe_source(g: Graph, rec: Record, ids: dict[str, Record]) -> URIRef:
    d = rec.data
    node = source_iri(rec.id)
    g.add((node, RDF.type, CC.NewsArticle))
    g.add((node, CC.fileName, Literal(d["file"])))
    g.add((node, RDFS.label, Literal(d.get("title") or d["file"])))
    if d.get("title"):
        g.add((node, SCHEMA.headline, Literal(d["title"], lang=d["language"])))
    g.add((node, SCHEMA.inLanguage, Literal(d["language"])))
    g.add((node, DCTERMS.language, Literal(d["language"])))
    g.add((node, CC.paragraphCount, Literal(d["paragraphs"])))
    g.add((node, CC.dateBasis, Literal(d["date_basis"])))
    if d.get("date"):
        g.add((node, SCHEMA.datePublished, date_literal(d["date"])))
    if d.get("date_note"):
        g.add((node, SKOS.note, Literal(d["date_note"], lang="en")))
    for name, prop in (("author", SCHEMA.author), ("publisher", SCHEMA.publisher)):
        ref = d.get(name)
        if ref:
            key = "person" if name == "author" else "org"
            g.add((node, prop, iri(ids, ref[key])))
    for ref in d.get("credits") or []:
        g.add((node, CC.credits, iri(ids, ref["org"])))
    if d.get("text_complete") is not None:
        g.add((node, CC.textComplete, Literal(bool(d["text_complete"]))))
    if d.get("accessed"):
        g.add((node, CC.accessedOn, date_literal(d["accessed"])))
    return node


def _paras(rec: Record) -> list[int]:
    p = rec.data["para"]
    return p if isinstance(p, list) else [p]


def add_post(g: Graph, rec: Record, ids: dict[str, Record], date: str | None) -> None:
    d = rec.data
    node = entity_iri("post", rec.id)
    person = iri(ids, d["person"])
    g.add((node, RDF.type, CC.PostHeld))
    g.add((node, ORG.member, person))
    g.add((node, ORG.role, SCHEMES["post-role"][0][d["role"]]))
    g.add((node, CC.postTitle, Literal(d["title"], lang=_lang(ids, rec))))
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
        g.add((node, CC.acting, Literal(True)))
    _finish_fact(g, node, rec)


def _finish_fact(g: Graph, node: URIRef, rec: Record) -> None:
    """What every fact node ends with: its dates if given, a note, its citation."""
    d = rec.data
    for name, prop in (("start", SCHEMA.startDate), ("end", SCHEMA.endDate)):
        if d.get(name):
            g.add((node, prop, date_literal(d[name])))
    if d.get("note"):
        g.add((node, SKOS.note, Literal(d["note"], lang="en")))
    _cite(g, node, rec.source or "", _paras(rec), statement=True)


def _lang(ids: dict[str, Record], rec: Record) -> str:
    src = ids.get(rec.source or "")
    return str(src.data["language"]) if src else "en"


def add_participation(g: Graph, rec: Record, ids: dict[str, Record]) -> None:
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
        g.add((node, CC.topic, Literal(d["topic"], lang="en")))
    g.add((node, CC.certainty, Literal(d.get("certainty", "stated"))))
    _finish_fact(g, node, rec)


def add_agreement(g: Graph, rec: Record, ids: dict[str, Record]) -> None:
    d = rec.data
    node = entity_iri("agreement", rec.id)
    g.add((node, RDF.type, CC.Agreement))
    g.add((node, SKOS.prefLabel, Literal(d["title"], lang="en")))
    g.add((node, RDFS.label, Literal(d["title"], lang="en")))
    g.add((node, CC.agreementKind, SCHEMES["agreement-kind"][0][d["kind"]]))
    g.add((node, CC.status, SCHEMES["agreement-status"][0][d["status"]]))
    for party in d.get("parties") or []:
        g.add((node, CC.party, iri(ids, party)))
    if d.get("parties_unstated"):
        g.add((node, CC.partiesUnstated, Literal(True)))
    for name, prop in (("stated_by", CC.statedBy), ("announced_at", CC.announcedAt),
                       ("scope", CC.scope)):
        if d.get(name):
            g.add((node, prop, iri(ids, d[name])))
    for target in d.get("concerns") or []:
        g.add((node, CC.concerns, iri(ids, target)))
    _add_signing(g, node, rec, ids)
    _finish_fact(g, node, rec)


def _add_group(g: Graph, rec: Record, ids: dict[str, Record]) -> URIRef:
    """The unnamed group of a participation ('more than 30 production companies')."""
    d = rec.data
    node = group_iri(rec.id)
    g.add((node, RDF.type, CC.UnnamedGroup))
    g.add((node, SKOS.prefLabel, Literal(d["group"], lang="en")))
    g.add((node, RDFS.label, Literal(d["group"], lang="en")))
    if d.get("group_size"):
        g.add((node, CC.groupSize, Literal(d["group_size"])))
        g.add((node, CC.groupSizeQualifier, Literal(d.get("group_size_is", "exactly"))))
    for country in d.get("group_countries") or []:
        g.add((node, CC.country, iri(ids, country)))
    g.add((node, CC.participatedIn, iri(ids, d["event"])))
    g.add((iri(ids, d["event"]), CC.hasParticipant, node))
    _cite(g, node, rec.source or "", _paras(rec))
    return node


def _add_signing(g: Graph, node: URIRef, rec: Record, ids: dict[str, Record]) -> None:
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


def add_shortcuts(graphs: dict[str, Graph], parts: list[Record], ids: dict[str, Record]) -> None:
    """Materialise participatedIn/hasParticipant and metWith from participations.

    Every triple goes into the graph of each source whose participations support it.
    """
    at_event: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for rec in parts:
        d = rec.data
        if not d.get("agent"):
            continue  # an unnamed group: its shortcuts come with the group (_add_group)
        event = iri(ids, d["event"])
        g = graphs[rec.source or ""]
        agents = [d["agent"]] + ([d["on_behalf_of"]] if d.get("on_behalf_of") else [])
        countries = {c for a in agents if (c := _country_of(ids, a))}
        for agent in sorted(set(agents) | countries):
            node = iri(ids, agent)
            g.add((node, CC.participatedIn, event))
            g.add((event, CC.hasParticipant, node))
            if ids[agent].kind in ("organisation", "country"):
                at_event[d["event"]][agent].add(rec.source or "")
    for members in at_event.values():
        names = sorted(members)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                if ids[a].kind != ids[b].kind:
                    continue
                for source in sorted(members[a] | members[b]):
                    graphs[source].add((iri(ids, a), CC.metWith, iri(ids, b)))
                    graphs[source].add((iri(ids, b), CC.metWith, iri(ids, a)))


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
    """The whole knowledge graph: one named graph per source, plus the ontology."""
    ids = {r.id: r for r in records if r.kind not in ("post", "participation")}
    ds = Dataset()
    _bind(ds)
    onto = ds.graph(ONTOLOGY_GRAPH)
    for triple in ontology if ontology is not None else load_ontology():
        onto.add(triple)
    sources = sorted((r for r in records if r.kind == "source"), key=lambda r: r.id)
    graphs: dict[str, Graph] = {s.id: ds.graph(source_graph(s.id)) for s in sources}
    source_date = {s.id: s.data.get("date") for s in sources}
    for s in sources:
        describe_source(graphs[s.id], s, ids)
    reported: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for rec in sorted(records, key=lambda r: (r.kind, r.id)):
        if rec.kind in ("source", "post", "participation", "agreement"):
            continue
        by_source: dict[str, list[int]] = defaultdict(list)
        for source, para in rec.cites():
            by_source[source].append(para)
        for source, paras in sorted(by_source.items()):
            node = describe_entity(graphs[source], rec, ids, fields_from(rec, source))
            _cite(graphs[source], node, source, paras)
            if rec.kind == "event" and source_date.get(source):
                reported[rec.id].append((str(source_date[source]), source))
    for ident, dates in reported.items():
        date, source = min(dates)
        graphs[source].add((entity_iri("event", ident), CC.reportedOn, date_literal(date)))
    parts = []
    for rec in records:
        if rec.kind == "post":
            add_post(graphs[rec.source or ""], rec, ids, source_date.get(rec.source or ""))
        elif rec.kind == "participation":
            add_participation(graphs[rec.source or ""], rec, ids)
            parts.append(rec)
        elif rec.kind == "agreement":
            add_agreement(graphs[rec.source or ""], rec, ids)
    add_shortcuts(graphs, parts, ids)
    return ds


def _bind(ds: Dataset) -> None:

    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns, override=True, replace=True)
