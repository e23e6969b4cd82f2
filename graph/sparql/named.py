"""Running SPARQL for people: the named-query library and parameters given as names.

Named queries are the ``graph/queries/*.rq`` files. Each starts with a header of comments::

    # title: Organisations and countries at an event
    # description: Which organisations ... (continued on lines starting '#   ')
    # param: event (Event) - the event; events held within it count too. e.g. Baku Cinema Breeze
    # usage: cinecoop query agencies-at-event --param event="Baku Cinema Breeze"

A parameter's type is an ontology class (``Event``, ``Organisation|Country``), ``Thing`` (any
entity or fact), ``NewsArticle`` (a source), or a controlled list (``AgreementKind``,
``AgreementStatus``); ``optional`` may follow. Values are resolved to RDF terms against the
store being queried (:func:`resolve_value`) and bound with a VALUES block, never pasted.

>>> q = named_query("agencies-at-event")
>>> q.title, [(p.name, p.types, p.optional) for p in q.params]
('Organisations and countries at an event', [('event', ('Event',), False)])
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.util import from_n3

from graph.names import fold
from graph.sparql.describe import did_you_mean, find, name_index
from graph.sparql.describe import label as label_of
from graph.sparql.querytext import term_text
from graph.terms import BASE, CC, ID, SCHEMA

if TYPE_CHECKING:
    from rdflib import Graph, URIRef
    from rdflib.term import Node

    from graph.sparql.stores import QueryResult, Store

QUERIES_DIR = Path(__file__).resolve().parent / "queries"
CONCEPT_TYPES = {"AgreementKind": "AgreementKinds", "AgreementStatus": "AgreementStatuses",
                 "ParticipationRole": "ParticipationRoles", "PostRole": "PostRoles"}


class ParamError(Exception):
    """A parameter is missing, unknown, or its value names nothing (or several things)."""


class UnknownQuery(ParamError):
    def __init__(self, name: str, known: list[str]):
        self.name = name
        self.known = known
        listed = "\n".join(f"  {k}" for k in known)
        super().__init__(f"no named query {name!r}; the named queries are:\n{listed}\n"
                         "(see 'cinecoop queries')")


@dataclass(frozen=True)
class Param:
    name: str
    types: tuple[str, ...]
    optional: bool
    description: str
    example: str | None

    @property
    def type_text(self) -> str:
        return "|".join(self.types) + (", optional" if self.optional else "")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    usage: str = ""


_PARAM = re.compile(r"(\w+)\s*\(([^)]*)\)\s*[-\u2014]\s*(.*)$", re.DOTALL)


def parse_named(name: str, text: str) -> NamedQuery:
    """A named query from its ``.rq`` text (header comments, then the query)."""
    fields: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        body = line[1:]
        if body.startswith("   ") and fields:          # continuation line
            key, value = fields[-1]
            fields[-1] = (key, f"{value} {body.strip()}")
            continue
        key, sep, value = body.strip().partition(":")
        if sep:
            fields.append((key.strip().lower(), value.strip()))
    meta = {k: v for k, v in fields if k != "param"}
    params = []
    for key, value in fields:
        if key != "param":
            continue
        m = _PARAM.match(value)
        if not m:
            raise ValueError(f"{name}.rq: cannot read the parameter line {value!r}")
        pname, spec, desc = m.groups()
        flags = [s.strip() for s in spec.split(",")]
        desc, _, example = desc.partition(" e.g. ")
        params.append(Param(pname, tuple(flags[0].split("|")), "optional" in flags[1:],
                            desc.strip().rstrip("."), example.strip() or None))
    return NamedQuery(name, meta.get("title", name), meta.get("description", ""),
                      tuple(params), text, meta.get("usage", ""))


def named_queries(directory: Path = QUERIES_DIR) -> list[NamedQuery]:
    """Every named query, by name."""
    return [parse_named(p.stem, p.read_text(encoding="utf-8"))
            for p in sorted(directory.glob("*.rq"))]


def is_query_name(text: str) -> bool:
    """True when ``text`` names a query (one word such as ``posts-of``) rather than SPARQL.

    >>> is_query_name(" posts-of "), is_query_name("ASK"), is_query_name("ASK {}")
    (True, False, False)
    """
    word = text.strip()
    return bool(re.fullmatch(r"[\w-]+", word)) and not re.fullmatch(
        r"(?i)select|ask|construct|describe", word)


def named_query(name: str, directory: Path = QUERIES_DIR) -> NamedQuery:
    path = directory / f"{name}.rq"
    if not re.fullmatch(r"[\w-]+", name) or not path.is_file():
        raise UnknownQuery(name, [q.name for q in named_queries(directory)])
    return parse_named(name, path.read_text(encoding="utf-8"))


def parse_param_items(items: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``["event=Baku Cinema Breeze"]`` -> ``{"event": "Baku Cinema Breeze"}``."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip().lstrip("?$")
        if not sep or not re.fullmatch(r"\w+", key):
            raise ParamError(f"--param {item!r}: write NAME=VALUE, e.g. --param event=cinema-talks")
        if key in out:
            raise ParamError(f"--param {key} is given twice")
        out[key] = value.strip()
    return out


# ------------------------------------------------------------------ resolving values

CATALOGUE = f"""
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX cc: <{CC._NS}>
CONSTRUCT {{ ?s ?p ?o }}
WHERE {{
  {{
    VALUES ?p {{ rdf:type skos:prefLabel skos:altLabel rdfs:label skos:inScheme cc:fileName
                schema:headline }}
    ?s ?p ?o .
    FILTER (STRSTARTS(STR(?s), "{BASE}"))
  }} UNION {{
    ?s rdfs:subClassOf ?o . BIND (rdfs:subClassOf AS ?p)
  }}
}}"""


@dataclass
class Catalogue:
    """Names, types and classes of everything a parameter may name, read from the store."""

    graph: Graph

    @classmethod
    def of(cls, store: Store) -> Catalogue:

        result = store.query(CATALOGUE)
        return cls(result.graph if result.graph is not None else Graph())

    def classes(self, node: URIRef) -> set[str]:
        """Local names of the node's cinecoop classes and all their superclasses."""

        found: set[str] = set()
        for t in self.graph.objects(node, RDF.type):
            for sup in self.graph.transitive_objects(t, RDFS.subClassOf):
                if str(sup).startswith(str(CC._NS)):
                    found.add(str(sup)[len(str(CC._NS)):])
        return found


def _iris(nodes: Iterable[Node]) -> list[URIRef]:

    return [n for n in nodes if isinstance(n, URIRef)]


def _fold_id(text: str) -> str:

    return fold(text.replace("-", " ").replace("_", " "))


_LITERAL = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
                      r"""(@[A-Za-z]+(-[A-Za-z0-9]+)*|\^\^<[^<>"{}|^`\\\x00-\x20]+>)?""",
                      re.DOTALL)


def resolve_value(catalogue: Catalogue, param: Param | None, value: str) -> Node:
    """The RDF term a parameter value stands for.

    ``<IRI>`` is taken as is; ``"text"``, ``"text"@lang`` or ``"v"^^<datatype>`` is a literal;
    anything else is a name looked up according to the parameter's type.
    """


    label = f"parameter {param.name}" if param else "the parameter"
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        iri = URIRef(value[1:-1])
        try:
            term_text(iri)
        except ValueError as exc:
            raise ParamError(f"{label}: {exc}") from None
        return iri
    if value[:1] in ('"', "'"):

        lit: object = None
        if _LITERAL.fullmatch(value):   # the whole value, nothing after the literal
            try:
                lit = from_n3(value)
                if isinstance(lit, Literal):
                    term_text(lit)      # a datatype that is no IRI is refused here
            except Exception:
                lit = None
        if not isinstance(lit, Literal):
            raise ParamError(f"{label}: {value!r} is not a literal; write \"text\", "
                             "\"text\"@en or \"2025-12-09\"^^<http://www.w3.org/2001/XMLSchema#date>")
        return lit
    types = param.types if param else ("Thing",)
    if types[0] in CONCEPT_TYPES:
        return _concept(catalogue, types[0], value, label)
    if types[0] == "NewsArticle":
        return _source(catalogue, value, label)
    return _entity(catalogue, types, value, label)


def _concept(cat: Catalogue, kind: str, value: str, label: str) -> URIRef:

    scheme = URIRef(str(CC._NS) + CONCEPT_TYPES[kind])
    key = _fold_id(value)
    found: list[URIRef] = []
    for concept in sorted(_iris(cat.graph.subjects(SKOS.inScheme, scheme))):
        names = [str(concept).rsplit("/", 1)[-1]] + [str(x) for x in
                                                   cat.graph.objects(concept, SKOS.prefLabel)]
        if any(_fold_id(n) == key for n in names):
            found.append(concept)
    if len(found) == 1:
        return found[0]
    known = sorted(str(c).rsplit("/", 1)[-1] for c in cat.graph.subjects(SKOS.inScheme, scheme))
    raise ParamError(f"{label}: {value!r} is not a known {kind}; known: {', '.join(known)}")


def _source(cat: Catalogue, value: str, label: str) -> URIRef:


    key = fold(value)
    sources = sorted(_iris(cat.graph.subjects(RDF.type, CC.NewsArticle)))
    found: list[URIRef] = []
    for src in sources:
        stem = str(src).rsplit("/", 1)[-1]
        names = [fold(str(n)) for p in (CC.fileName, RDFS.label, SCHEMA.headline)
                 for n in cat.graph.objects(src, p)]
        if key in (fold(stem), fold(f"source/{stem}")) or key in names or (
                len(key) >= 3 and fold(stem).startswith(key)):
            found.append(src)
    if len(found) == 1:
        return found[0]
    stems = ", ".join(str(s).rsplit("/", 1)[-1] for s in (found or sources))
    what = "matches several sources" if found else "names no source"
    raise ParamError(f"{label}: {value!r} {what}; sources: {stems}")


def _entity(cat: Catalogue, types: tuple[str, ...], value: str, label: str) -> URIRef:


    short = value.strip().strip("/")
    if "/" in short and re.fullmatch(r"[\w\-./]+", short):
        iri = URIRef(str(ID) + short)
        if (iri, RDF.type, None) in cat.graph:
            found = [iri]
        else:
            raise ParamError(f"{label}: nothing in the graph has the id {short!r}")
    else:
        found = find(cat.graph, value)
    if "Thing" not in types:
        fitting = [n for n in found if cat.classes(n) & set(types)]
        if not fitting and found:
            kinds = ", ".join(sorted(f"{label_of(cat.graph, n)} is a "
                                     f"{'/'.join(sorted(cat.classes(n) - {'Organisation'}))}"
                                     for n in found[:5]))
            wanted = " or ".join(types)
            article = "an" if wanted[0] in "AEIOU" else "a"
            raise ParamError(f"{label} needs {article} {wanted}, but {kinds}")
        found = fitting
    if len(found) == 1:
        return found[0]
    if not found:
        near = name_index(cat.graph).resolve(value)[1]
        if near:
            raise ParamError(f"{label}: nothing in the graph is called {value!r}"
                             + did_you_mean(near))
        raise ParamError(f"{label}: nothing in the graph is called {value!r} (try "
                         "'cinecoop find NAME', an id such as event/cinema-talks, or a <IRI>; "
                         "quote a literal: '\"text\"')")
    listed = "\n".join(f"  {label_of(cat.graph, n)}  ({str(n)[len(str(ID)):]})"
                       for n in found)
    raise ParamError(f"{label}: {value!r} is ambiguous; candidates:\n{listed}\n"
                     "use a fuller name or an id")


def bind_params(store: Store, query: NamedQuery | None, raw: dict[str, str]) -> dict[str, Node]:
    """Check ``raw`` against the query's declared parameters and resolve every value."""
    params = {p.name: p for p in query.params} if query else {}
    if query is not None:
        unknown = sorted(set(raw) - set(params))
        if unknown:
            declared = ", ".join(f"{p.name} ({p.type_text})" for p in query.params) or "none"
            raise ParamError(f"query {query.name} has no parameter {unknown[0]!r}; "
                             f"its parameters: {declared}")
        for p in query.params:
            if not p.optional and p.name not in raw:
                example = "=..." if not p.example else (
                    f'="{p.example}"' if " " in p.example else f"={p.example}")
                raise ParamError(f"query {query.name} needs the parameter {p.name!r} "
                                 f"({p.type_text}: {p.description}); add "
                                 f"--param {p.name}{example}")
    if not raw:
        return {}
    catalogue = Catalogue.of(store)
    return {k: resolve_value(catalogue, params.get(k), v) for k, v in sorted(raw.items())}


@dataclass
class Outcome:
    query: NamedQuery | None
    text: str
    bindings: dict[str, Node]
    result: QueryResult


def run(store: Store, *, text: str | None = None, name: str | None = None,
        params: dict[str, str] | None = None, timeout: float | None = None) -> Outcome:
    """Run an ad-hoc query (``text``) or a named one (``name``) with ``params`` on ``store``."""
    if (text is None) == (name is None):
        raise ParamError("give either a query text or the name of a named query")
    named = named_query(name) if name is not None else None
    sparql = named.text if named is not None else str(text)
    bindings = bind_params(store, named, params or {})
    return Outcome(named, sparql, bindings, store.query(sparql, bindings, timeout=timeout))
