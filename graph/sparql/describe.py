"""Find entities by any name and describe them: ``cinecoop show`` and ``cinecoop stats``.

Names match by id, or by any label in any language, through the one name matcher
(:mod:`graph.names`): "азизов", "Рашадом Азизовым", "Azizov" and "hocazfilm" all work. A name
that is a whole word or phrase of one label matches too; exact matches win over partial ones;
a miss lists near spellings ("did you mean").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from graph.data.lookup import built_index
from graph.names import ID_KEY, Candidate, Match, NameIndex, describe_match, fold, label_keys
from graph.ns import CC, ENTITY_KINDS, EVENT_CLASSES, ID, ORG, PROV, RDF, RDFS, SCHEMA, SKOS
from graph.sparql.ntriples import Unreadable, subject_lines, with_lines
from graph.sparql.reader import Lit, Patterns, as_reader, is_true

T = TypeVar("T")

#: A graph as the look-ups read it: a :class:`~graph.sparql.reader.Reader` (the store, no
#: rdflib), or any rdflib graph (wrapped by :func:`~graph.sparql.reader.as_reader`).
Graph = Any
R = Patterns

ENTITY_CLASSES = (CC.Person, CC.Organisation, CC.Country, CC.Place, CC.Event, CC.Agreement)
LABEL_PROPS = (SKOS.prefLabel, SKOS.altLabel, RDFS.label)
EVENT_CLASS_IRIS = tuple(CC[name] for name in EVENT_CLASSES)


class LookupError_(LookupError):
    """No entity, or several, match a name; ``candidates`` lists (iri, label)."""

    def __init__(self, name: str, candidates: list[tuple[Any, str]],
                 near: list[Match] | None = None):
        self.name = name
        self.candidates = candidates
        self.near = near or []
        if candidates:
            listed = "\n".join(f"  {label}  ({short_id(iri)})" for iri, label in candidates)
            msg = f"{name!r} is ambiguous; candidates:\n{listed}\nuse a fuller name or an id"
        else:
            msg = f"nothing in the graph is called {name!r}" + did_you_mean(self.near)
        super().__init__(msg)


def did_you_mean(near: list[Match]) -> str:
    """'; did you mean:' and the top candidates, one a line (empty when there are none)."""
    if not near:
        return ""
    return "; did you mean:\n" + "\n".join(f"  {describe_match(m)}" for m in near[:5])


def short_id(iri: Any) -> str:
    text = str(iri)
    return text[len(str(ID)):] if text.startswith(str(ID)) else text


def label(g: Graph, node: Any, lang: str = "en") -> str:
    """The best label: prefLabel in ``lang``, else in any language, else the id."""
    return _label(as_reader(g), node, lang)


def _remembered(g: R, what: str, node: Any, make: Any) -> Any:
    """``make()``, remembered per reader when the reader is a snapshot that never changes
    (a :class:`~graph.sparql.reader.MemoryReader`: the site describes every entity, and
    names the same events, organisations and citations again and again)."""
    memo = getattr(g, "lookups", None)
    if memo is None:
        return make()
    key = (what, node)
    found = memo.get(key)
    if found is None:
        found = memo[key] = make()
    return found


def _label(g: R, node: Any, lang: str = "en") -> str:
    if node is None:
        return "not stated"
    if lang == "en":
        label: str = _remembered(g, "label", node, lambda: _best_label(g, node, lang))
        return label
    return _best_label(g, node, lang)


def _best_label(g: R, node: Any, lang: str) -> str:
    labels = sorted(g.objects(node, SKOS.prefLabel), key=lambda lit: (
        getattr(lit, "language", None) != lang, str(getattr(lit, "language", "")), str(lit)))
    if labels:
        return str(labels[0])
    other = sorted(str(x) for x in g.objects(node, RDFS.label))
    return other[0] if other else short_id(node).rsplit("/", 1)[-1]


def entity_class(g: Graph, node: Any) -> str:
    """The most specific cinecoop class name of a node (e.g. 'FilmAgency')."""
    return _entity_class(as_reader(g), node)


def _entity_class(g: R, node: Any) -> str:
    prefix = CC.base
    names = sorted(str(t)[len(prefix):] for t in g.objects(node, RDF.type)
                   if str(t).startswith(prefix))
    return names[0] if names else "Thing"


def entities(g: Graph) -> list[Any]:
    """Every person, organisation, country, place, event and agreement, in IRI order."""
    r = as_reader(g)
    return [r.node(iri) for iri in _entities(r)]


def _entities(g: R, typed: Iterable[Any] | None = None) -> list[str]:
    """The entities among ``typed`` (default: every subject with a type), sorted: the IRIs
    of the build's records of :data:`ENTITY_KINDS`."""
    found: set[str] = set()
    for s in g.subjects(RDF.type, None) if typed is None else typed:
        if not isinstance(s, Lit) and str(s).startswith(ID.base) and \
                str(s)[len(ID.base):].split("/", 1)[0] in ENTITY_KINDS:
            found.add(str(s))
    return sorted(found)


def candidates(g: Graph) -> list[Candidate]:
    """Every entity of the graph as a name-matcher candidate (id, kind, labels, sources).

    Read with one pattern per property (not several look-ups per entity), so it stays fast on
    the Oxigraph store of a large graph.
    """
    g = as_reader(g)
    nodes = _entities(g)
    pref, alt, rdfs_label, cited, paras, part_of = (_by_subject(g, prop) for prop in (
        *LABEL_PROPS, CC.citedIn, CC.citedParagraph, SCHEMA.isPartOf))
    source_of: dict[Any, str] = {}     # a source's IRI -> its id, worked out once each

    def source(iri: Any) -> str:
        found = source_of.get(iri)
        if found is None:
            found = source_of[iri] = short_id(iri).split("/", 1)[1]
        return found

    out = []
    none: list[Any] = []
    for node in nodes:
        ident = short_id(node)
        prefs = sorted(pref.get(node, none), key=_pref_order)
        other = sorted(str(x) for x in rdfs_label.get(node, none))
        best = str(prefs[0]) if prefs else other[0] if other else ident.rsplit("/", 1)[-1]
        names = sorted({*map(str, prefs), *map(str, alt.get(node, none)), *other} - {best})
        srcs = {source(x) for x in cited.get(node, none)}
        srcs.update(source(x) for p in paras.get(node, none) for x in part_of.get(p, none))
        out.append(Candidate(ident, ident.split("/", 1)[0], (best, *names),
                             tuple(sorted(srcs))))
    return out


def _pref_order(lit: Any) -> tuple[bool, str, str]:
    """Preferred labels in English first, then by language and text."""
    return (getattr(lit, "language", None) != "en", str(getattr(lit, "language", "")),
            str(lit))


def _by_subject(g: R, prop: Any) -> dict[Any, list[Any]]:
    index: dict[Any, list[Any]] = defaultdict(list)
    for s, _, o in g.triples((None, prop, None)):
        index[s].append(o)
    return index


def name_index(g: Graph) -> NameIndex:
    """The name index of a graph, built once per graph (and again if it grew); for the built
    store, once per build (kept beside it), from its own files (:func:`_built_index`)."""
    r = as_reader(g)
    return r.cached("names", lambda: _built_index(r) or NameIndex(candidates(r)))


ENTITY_PREFIXES = tuple(f"{ID.base}{kind}/" for kind in ENTITY_KINDS)


def _built_index(r: R) -> NameIndex | None:
    """The index of a build read from its files, or None when ``r`` is no build: the
    candidates from the entities' lines of its sorted ``graph.nt`` (and the paragraphs'
    sources), without the facts' lines; each label's keys from its ``names.tsv`` (the
    same folding, done by the build), the others (agreements' titles) folded here. The same
    index as the store's (tested)."""
    folder = getattr(r, "folder", None)
    props = (RDF.type, *LABEL_PROPS, CC.citedIn, CC.citedParagraph)
    lines = subject_lines(folder, {**dict.fromkeys(ENTITY_PREFIXES, props),
                                   f"{ID.base}source/": (SCHEMA.isPartOf,)})
    if lines is None:
        return None
    table = _names_table(folder)
    keys = table.keys() if table is not None else {}
    return NameIndex([replace(c, keys=tuple(keys.get(label) or label_keys(label)
                                            for label in c.labels))
                      for c in candidates(lines)])


_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")


def by_id_in_build(r: R, name: str) -> str | None:
    """The IRI of the entity whose id ``name`` is (``person-000001``, ``person/x``), found
    in the build's files without the name index, when the index would resolve ``name`` to
    that entity alone; None when it cannot tell (then the index decides). The index takes an
    id's entity (the first in IRI order, as it lists them, when kinds share the id) and any
    entity with a label whose folded form is the name's: so the name must be an entity's
    typed subject in the sorted ``graph.nt`` (a binary search per kind) and no label may fold
    to it, which ``names.tsv`` tells for every label but the agreements' titles (read from
    their few lines of ``graph.nt``). ``show`` and ``path`` with an id take milliseconds on
    a large build whose index is not made yet (tested against the index)."""
    folder = getattr(r, "folder", None)
    if folder is None or name != name.strip().strip("/").casefold():
        return None
    kind, _, slug = name.rpartition("/")
    if not _SLUG.fullmatch(slug) or (kind and kind not in ENTITY_KINDS):
        return None
    heads = {_type_line(iri): iri
             for iri in (f"{ID.base}{k}/{slug}" for k in ([kind] if kind else ENTITY_KINDS))}
    typed = with_lines(folder, heads)
    table = _names_table(folder) if typed else None
    folded = fold(name)
    if not typed or table is None or table.has_fold(folded) or _titled(folder, folded):
        return None
    return min(heads[h] for h in typed)


def by_label_in_build(r: R, name: str) -> str | None:
    """The IRI of the one entity with a label that is ``name`` once folded (``Rashad
    Azizov``), found in the build's ``names.tsv`` without the name index, when the index
    would resolve ``name`` to that entity alone; None when it cannot tell (then the index
    decides). Of what it finds, the index keeps the exact matches: the labels that fold to
    the name in the same letters, and an entity whose id (or its last part) the name is. So
    exactly one entity of ``names.tsv`` may have such a label, its typed subject must be in
    ``graph.nt``, no agreement's title (``names.tsv`` leaves them out) may fold to the name,
    and a name that could be an id must be no other entity's. ``show``, ``path`` and a
    ``--param`` given a name do not make the index on a large build (tested against it)."""
    folder = getattr(r, "folder", None)
    table = _names_table(folder)
    ids = table.exact_ids(name) if table is not None else set()
    if len(ids) != 1:
        return None
    iri = f"{ID.base}{ids.pop()}"
    own = _type_line(iri)
    heads = [own]
    key = name.strip().strip("/").casefold()
    if ID_KEY.match(key):  # the index looks the name up as an id too
        if not _SLUG.fullmatch(key):
            return None
        heads += [_type_line(f"{ID.base}{k}/{key}") for k in ENTITY_KINDS]
    if with_lines(folder, heads) != {own} or _titled(folder, fold(name)):
        return None
    return iri


def in_build(r: R, name: str) -> str | None:
    """The IRI of the entity ``name`` (an id, or a label) surely means, found in the
    build's files without the name index (:func:`by_id_in_build`,
    :func:`by_label_in_build`); None: the index decides."""
    return by_id_in_build(r, name) or by_label_in_build(r, name)


def _type_line(iri: str) -> str:
    """How the ``rdf:type`` line of ``iri`` starts in ``graph.nt`` (for :func:`with_lines`)."""
    return f"<{iri}> <{RDF.type}> "


#: (build folder, what) -> what was read of it: once per process (``path`` resolves two
#: names, each by id and by label, before the index may be made; a build's folder never
#: changes)
_READ: dict[tuple[Any, str], Any] = {}


def _once(folder: Any, what: str, read: Callable[[], T]) -> T:
    key = (folder, what)
    if key not in _READ:
        _READ[key] = read()
    found: T = _READ[key]
    return found


def _names_table(folder: Any) -> NameIndex | None:
    """The build's ``names.tsv`` as an index (None: no build folder, or no table)."""
    return None if folder is None else _once(folder, "names", lambda: built_index(folder))


def _agreement_titles(folder: Any) -> tuple[str, ...] | None:
    """The labels of the agreements of the build in ``folder`` (``names.tsv`` leaves their
    titles out), read from their lines of ``graph.nt``; None when that file cannot be read."""
    def read() -> tuple[str, ...] | None:
        agreements = subject_lines(folder, {f"{ID.base}agreement/": LABEL_PROPS})
        return None if agreements is None else tuple(
            str(o) for prop in LABEL_PROPS for _, o in agreements.pairs(prop))

    return _once(folder, "titles", read)


def _titled(folder: Any, folded: str) -> bool:
    """Whether an agreement's title may fold to ``folded`` (so the index would find it too):
    also when the titles cannot be read."""
    titles = _agreement_titles(folder)
    return titles is None or any(_folds_to(title, folded) for title in titles)


def _folds_to(text: str, folded: str) -> bool:
    """``fold(text) == folded``, without folding an ASCII ``text`` that lacks one of the
    words: folding ASCII only lowers it and splits it into words, so each folded word is a
    part of the lowered text."""
    if text.isascii():
        lowered = text.lower()
        if not all(word in lowered for word in folded.split()):
            return False
    return fold(text) == folded


def find(g: Graph, name: str) -> list[Any]:
    """Entities ``name`` surely means (see :mod:`graph.names`): one, several, or none."""
    r = as_reader(g)
    sure, _ = name_index(r).resolve(name)
    return sorted(r.node(ID[m.id]) for m in sure)


def resolve(g: Graph, name: str) -> Any:
    """Exactly one entity for ``name``, or :class:`LookupError_` with the candidates (the
    IRI as the graph's own term: a ``str`` from a reader, a ``URIRef`` from rdflib)."""
    r = as_reader(g)
    iri = in_build(r, name)
    if iri is not None:
        return r.node(iri)
    sure, near = name_index(r).resolve(name)
    if len(sure) == 1:
        return r.node(ID[sure[0].id])
    if sure:
        raise LookupError_(name, [(r.node(ID[m.id]), m.label) for m in sure])
    raise LookupError_(name, [], near)


# ------------------------------------------------------------------ describing

@dataclass
class Citation:
    source: str
    paragraphs: tuple[int, ...]

    def __str__(self) -> str:
        return f"{self.source} ¶{','.join(map(str, self.paragraphs))}"


def citations(g: Graph, node: Any) -> list[Citation]:
    """Where a node is cited: per source, the paragraph numbers (none for a whole source)."""
    g = as_reader(g)
    by_source: dict[str, list[int]] = defaultdict(list)
    for para in g.objects(node, CC.citedParagraph):
        found = _remembered(g, "paragraph", para, lambda para=para: _paragraph(g, para))
        if found:
            by_source[found[0]].append(found[1])
    for src in g.objects(node, CC.citedIn):
        by_source.setdefault(short_id(src).split("/", 1)[1], [])
    return [Citation(s, tuple(sorted(set(p)))) for s, p in sorted(by_source.items())]


def _paragraph(g: R, para: Any) -> tuple[str, int] | tuple[()]:
    """A paragraph's source (its id) and place, or ``()`` when either is missing (a
    paragraph is cited by every fact it states: worked out once per snapshot)."""
    src = g.value(para, SCHEMA.isPartOf)
    pos = g.value(para, SCHEMA.position)
    if src is not None and pos is not None:
        return short_id(src).split("/", 1)[1], int(str(pos))
    return ()


def cite_text(g: Graph, node: Any) -> str:
    """The citations of a node as text: ``001 ¶2,3; 004 ¶1``."""
    g = as_reader(g)
    text: str = _remembered(g, "cite", node,
                            lambda: "; ".join(map(str, citations(g, node))))
    return text


def _date(g: R, node: Any, *props: str) -> str:
    for prop in props:
        value = g.value(node, prop)
        if value is not None:
            return str(value)
    return ""


def event_when(g: Graph, event: Any) -> str:
    """An event's date as the sources give it, or 'reported <date>', or 'undated'."""
    r = as_reader(g)
    when: str = _remembered(r, "when", event, lambda: _when(r, event))
    return when


def _when(g: R, event: Any) -> str:
    start, end = _date(g, event, SCHEMA.startDate), _date(g, event, SCHEMA.endDate)
    if start:
        return f"{start}..{end}" if end else start
    reported = _date(g, event, CC.reportedOn)
    return f"date not given, reported {reported}" if reported else "undated"


@dataclass
class Description:
    node: Any
    kind: str
    labels: dict[str, list[str]] = field(default_factory=dict)
    facts: list[tuple[str, str, str]] = field(default_factory=list)  # (section, text, cite)


def describe(g: Graph, node: Any) -> Description:
    """Everything known about one entity, each line with its citation."""
    given, node = node, str(node)   # compared with the plain-string terms the reader gives
    g = as_reader(g)
    d = Description(node, _entity_class(g, node))
    _describe_labels(g, d)
    cite = cite_text(g, node)
    _describe_links(g, d, cite)
    if (node, RDF.type, CC.Event) in g or any(
            (node, RDF.type, cls) in g for cls in EVENT_CLASS_IRIS):
        _describe_event(g, d, cite)
    _describe_posts(g, d)
    _describe_participations(g, d)
    _describe_agreements(g, d)
    if d.kind == "Agreement":
        _describe_agreement(g, d, cite)
    met = sorted({_label(g, o) for o in g.objects(node, CC.metWith)})
    if met:
        d.facts.append(("about", "met (same event): " + ", ".join(met), ""))
    d.facts.append(("sources", "cited by", cite))
    d.node = given
    return d


def _describe_labels(g: R, d: Description) -> None:
    for prop, tag in ((SKOS.prefLabel, ""), (SKOS.altLabel, " (alt)")):
        for lit in sorted(g.objects(d.node, prop), key=str):
            lang = getattr(lit, "language", None) or "-"
            d.labels.setdefault(lang + tag, []).append(str(lit))


LINKS = ((CC.country, "country"), (CC.basedIn, "based in"), (ORG.unitOf, "unit of"),
         (ORG.subOrganizationOf, "operates under"), (CC.namedAfter, "named after"),
         (CC.within, "within"), (CC.venue, "venue"), (CC.city, "city"),
         (CC.partOfSeries, "edition of"), (SCHEMA.superEvent, "part of"),
         (CC.framework, "in the framework of"), (SCHEMA.about, "about"),
         (CC.heldInParallelWith, "held in parallel with"),
         (CC.convenedByDecisionOf, "convened by decision of"))
TEXTS = ((CC.occupation, "occupation"), (CC.honoraryTitle, "honorary title"),
         (CC.editionNumber, "edition number"), (CC.labelNote, "label note"),
         (SKOS.note, "note"))


def _describe_links(g: R, d: Description, cite: str) -> None:
    """Links to other entities, free-text fields and the Wikidata item."""
    seen: set[Any] = set()
    for prop, what in LINKS:
        for obj in sorted(g.objects(d.node, prop), key=str):
            if prop == SCHEMA.superEvent and (d.node, CC.partOfSeries, obj) in g:
                continue  # an edition's series is shown once, as "edition of"
            seen.add(obj)
            d.facts.append(("about", f"{what}: {_label(g, obj)}", cite))
    for prop, what in TEXTS:
        for obj in sorted(g.objects(d.node, prop), key=str):
            d.facts.append(("about", f"{what}: {obj}", cite))
    for item in sorted(g.objects(d.node, SCHEMA.sameAs), key=str):
        d.facts.append(("about", f"Wikidata: {str(item).rsplit('/', 1)[-1]}", ""))


def _describe_event(g: R, d: Description, cite: str) -> None:
    node = d.node
    d.facts.append(("about", f"when: {event_when(g, node)}", cite))
    editions = set(g.subjects(CC.partOfSeries, node))
    for sub in sorted(set(g.objects(node, SCHEMA.subEvent)) - editions, key=str):
        d.facts.append(("about", f"includes: {_label(g, sub)}", cite_text(g, sub)))
    for ed in sorted(editions, key=lambda e: (int(str(g.value(e, CC.editionNumber) or 0)),
                                              event_when(g, e), str(e))):
        number = g.value(ed, CC.editionNumber)
        text = f"edition: {_label(g, ed)} ({event_when(g, ed)})"
        d.facts.append(("about", text + (f", no. {number}" if number else ""), cite_text(g, ed)))
    if is_true(g.value(node, CC.participantsIncomplete)):
        d.facts.append(("about", "participants: the source lists only some ('and others')",
                        cite))


def _describe_posts(g: R, d: Description) -> None:
    """Posts held (a person) or posts in this organisation; acting posts say so."""
    node = d.node
    posts = [(p, "person") for p in g.subjects(ORG.member, node)] + \
            [(p, "org") for p in g.subjects(ORG.organization, node)]
    rows = []
    for post, side in posts:
        title, when, person, org, cite = _remembered(g, "post", post,
                                                     lambda post=post: _post(g, post))
        other = org if side == "person" else person
        who = f" — {_label(g, other)}" if other is not None else ""
        rows.append((when, ("posts" if side == "person" else "people"),
                     f"{when}: {title}{who}", cite))
    for _when, section, text, c in sorted(rows):
        d.facts.append((section, text, c))


def _post(g: R, post: Any) -> tuple[str, str, Any, Any, str]:
    """What a post's line says on either page (the person's, the organisation's): title,
    when, the person, the organisation, the citations (worked out once per snapshot)."""
    title = str(g.value(post, CC.postTitle))
    if is_true(g.value(post, CC.acting)):
        title += " (acting)"
    when = _date(g, post, CC.attestedOn) or "undated source"
    source = g.value(post, PROV.wasDerivedFrom)
    if source is not None and str(g.value(source, CC.dateBasis)) == "page header":
        when += " (page date)"  # the date the page shows; the article gives none
    return (title, when, g.value(post, ORG.member), g.value(post, ORG.organization),
            cite_text(g, post))


def _describe_participations(g: R, d: Description) -> None:
    """Participations: as participant, on whose behalf, or (an event) who took part."""
    node = d.node
    for part in sorted(set(g.subjects(CC.participant, node)) |
                       set(g.subjects(CC.onBehalfOf, node)) |
                       set(g.subjects(CC.event, node)), key=str):
        event, agent, role, behalf, tail, cite = _remembered(
            g, "participation", part, lambda part=part: _participation(g, part))
        if event == node:
            text = f"{_label(g, agent)}: {role}"
            if behalf is not None:
                text += f" for {_label(g, behalf)}"
            section = "participants"
        else:
            text = f"{_label(g, event)} ({event_when(g, event)}): "
            text += role if agent == node else f"{_label(g, agent)} as {role}"
            if behalf is not None and behalf != node:
                text += f" for {_label(g, behalf)}"
            section = "events"
        d.facts.append((section, text + tail, cite))


def _participation(g: R, part: Any) -> tuple[Any, Any, str, Any, str, str]:
    """What a participation's line says on any page (the event's, the participant's, the
    one they spoke for): event, participant, role, on whose behalf, what follows the names
    (topic, certainty), the citations (worked out once per snapshot)."""
    event = g.value(part, CC.event)
    agent = g.value(part, CC.participant)
    role = _label(g, g.value(part, CC.participationRole))
    behalf = g.value(part, CC.onBehalfOf)
    tail = ""
    topic = g.value(part, CC.topic)
    if topic is not None:
        tail += f" — {topic}"
    if str(g.value(part, CC.certainty)) == "implied":
        tail += " [implied]"
    return event, agent, role, behalf, tail, cite_text(g, part)


AGREEMENT_LINKS = (CC.party, CC.statedBy, CC.concerns, CC.announcedAt, CC.scope, CC.signedBy,
                   CC.signedDuring, CC.signedAt)


def _describe_agreements(g: R, d: Description) -> None:
    """Agreements this entity is a party to, signed, stated, hosted or is the subject of."""
    found: set[Any] = set()
    for prop in AGREEMENT_LINKS:
        found |= set(g.subjects(prop, d.node))
    for agreement in sorted(found, key=str):
        kind = _label(g, g.value(agreement, CC.agreementKind))
        status = _label(g, g.value(agreement, CC.status))
        parties = sorted(_label(g, p) for p in g.objects(agreement, CC.party))
        parties = parties or ["parties not stated"]
        signed = _date(g, agreement, CC.signedOn)
        text = f"{_label(g, agreement)} ({kind}, {status}; {', '.join(parties)})"
        d.facts.append(("agreements", text + (f", signed {signed}" if signed else ""),
                        cite_text(g, agreement)))


def _describe_agreement(g: R, d: Description, cite: str) -> None:
    """An agreement's own fields, its signatories and the date, place and event of signing."""
    node = d.node
    for prop, what in ((CC.agreementKind, "kind"), (CC.status, "status"),
                       (CC.party, "party"), (CC.statedBy, "stated by"),
                       (CC.announcedAt, "announced at"), (CC.concerns, "concerns"),
                       (CC.scope, "scope"), (CC.signedAt, "signed at"),
                       (CC.signedDuring, "signed during"), (CC.providesFor, "provides for")):
        for obj in sorted(g.objects(node, prop), key=str):
            d.facts.append(("about", f"{what}: {_label(g, obj)}", cite))
    signed = _date(g, node, CC.signedOn)
    if signed:
        d.facts.append(("about", f"signed on: {signed}", cite))
    for sig in sorted(g.subjects(CC.signatureOf, node), key=str):
        text = f"signed by: {_label(g, g.value(sig, CC.signatory))}"
        party = g.value(sig, CC.signedFor)
        d.facts.append(("about", text + (f" for {_label(g, party)}" if party else ""),
                        cite_text(g, sig)))


def stats(g: Graph) -> dict[str, Counter[str]]:
    """Counts per class, per source (records citing it) and per country (entities in it);
    for the built store, counted once per build (kept beside it)."""
    r = as_reader(g)
    return r.cached("stats", lambda: _stats_of_build(r) or _stats(r))


def _stats_of_build(r: R) -> dict[str, Counter[str]] | None:
    """:func:`_stats` of the lines it reads from the build's sorted ``graph.nt`` (what it
    counts and reads is named by ids: their run of the file, searched by predicate, the
    other lines not decoded), else None (tested equal to the store's counts)."""
    lines = subject_lines(getattr(r, "folder", None), {ID.base: _STATS_PROPS})
    try:
        return None if lines is None else _stats(lines)
    except Unreadable:
        return None


#: what :func:`_stats` reads (a country's name: its preferred labels)
_STATS_PROPS = (RDF.type, CC.citedParagraph, CC.citedIn, CC.country, SCHEMA.isPartOf,
                SCHEMA.position, SKOS.prefLabel)


def _stats(g: R) -> dict[str, Counter[str]]:
    """The counts, read with one pattern per property (not several look-ups per entity, which
    took 10 s at 5,000 synthetic events); the same numbers as describing each entity."""
    types: dict[Any, list[Any]] = defaultdict(list)
    for s, _, t in g.triples((None, RDF.type, None)):
        types[s].append(t)
    cited, cited_in, country = (_index(g, p) for p in (CC.citedParagraph, CC.citedIn,
                                                       CC.country))
    part_of = {p: o for p, _, o in g.triples((None, SCHEMA.isPartOf, None))}
    placed = {p for p, _, _ in g.triples((None, SCHEMA.position, None))}

    def sources(node: Any) -> set[str]:
        found = {part_of[p] for p in cited.get(node, ()) if p in part_of and p in placed}
        found.update(cited_in.get(node, ()))
        return {short_id(src).split("/", 1)[1] for src in found}

    per_class: Counter[str] = Counter()
    per_source: Counter[str] = Counter()
    per_country: Counter[str] = Counter()
    names: dict[Any, str] = {}
    for node in _entities(g, list(types)):
        kinds = sorted(str(t)[len(CC.base):] for t in types[node] if str(t).startswith(CC.base))
        per_class[kinds[0] if kinds else "Thing"] += 1
        per_source.update(sources(node))
        for c in country.get(node, ()):
            if c not in names:
                names[c] = _label(g, c)
            per_country[names[c]] += 1
    for cls in (CC.PostHeld, CC.Participation):
        for fact in {s for s, kinds in types.items() if cls in kinds}:
            per_class[str(cls).rsplit("#", 1)[-1]] += 1
            per_source.update(sources(fact))
    return {"class": per_class, "source": per_source, "country": per_country}


def _index(g: R, prop: Any) -> dict[Any, list[Any]]:
    """Subject -> objects of one property, read with one pattern."""
    index: dict[Any, list[Any]] = defaultdict(list)
    for s, _, o in g.triples((None, prop, None)):
        index[s].append(o)
    return index
