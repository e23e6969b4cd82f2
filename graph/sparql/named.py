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
from typing import TYPE_CHECKING, Any

from graph.data.outputs import MANIFEST
from graph.ns import BASE
from graph.sparql.ntriples import unescape
from graph.sparql.plain import Lit, language
from graph.sparql.querytext import term_text
from graph.sparql.reader import Reader

if TYPE_CHECKING:
    from graph.names import NameIndex
    from graph.sparql.base import QueryResult, Store

QUERIES_DIR = Path(__file__).resolve().parent / "queries"
ID_NS = BASE + "id/"
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

CC_NS = BASE + "ontology#"
PREFIX_LINES = f"""PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX cc: <{CC_NS}>
"""
CATALOGUE = PREFIX_LINES + f"""CONSTRUCT {{ ?s ?p ?o }}
WHERE {{
  VALUES ?p {{ rdf:type skos:prefLabel skos:altLabel rdfs:label }}
  ?s ?p ?o .
  FILTER (STRSTARTS(STR(?s), "{BASE}"))
}}"""
CLASSES = PREFIX_LINES + """SELECT DISTINCT ?s ?c WHERE {
  VALUES ?s { %s }
  ?s rdf:type ?t . ?t rdfs:subClassOf* ?c .
}"""
NAMES = PREFIX_LINES + """SELECT DISTINCT ?p ?l WHERE {
  VALUES ?p { skos:prefLabel rdfs:label } %s ?p ?l .
}"""
CONCEPTS = PREFIX_LINES + """SELECT DISTINCT ?c ?l WHERE {
  ?c skos:inScheme %s . OPTIONAL { ?c skos:prefLabel ?l }
}"""
SOURCES = PREFIX_LINES + """SELECT DISTINCT ?s ?n WHERE {
  ?s rdf:type cc:NewsArticle .
  OPTIONAL { VALUES ?p { cc:fileName rdfs:label schema:headline } ?s ?p ?n }
}"""
TYPED = PREFIX_LINES + "ASK { %s rdf:type ?t }"


def _name_index(store: Store) -> NameIndex:
    """The name index a parameter's name is looked up in: for the built Oxigraph store, the
    build's own (made once per build and kept beside it, as ``show`` uses it); for another
    store, the index of its names, read with one CONSTRUCT."""
    from graph.names import NameIndex  # lazy: the name matcher only for a name (rapidfuzz)
    from graph.sparql.describe import name_index  # lazy: as above

    reader = _build_reader(store)
    if reader is not None:
        return name_index(reader)
    result = store.query(CATALOGUE)
    return name_index(result.graph) if result.graph is not None else NameIndex()


def _build_reader(store: Store) -> Reader | None:
    """A reader of the built Oxigraph store with its build folder (the key of what is kept
    beside the build); None for another store."""
    path = getattr(store, "path", None)
    if getattr(store, "name", "").startswith("oxigraph:") and isinstance(path, Path):
        folder = (path / ".." / MANIFEST).resolve().parent      # the build (the index's key)
        return Reader(path, folder, store.name)
    return None


class Catalogue:
    """What parameter values may name, read from the store when asked: a few small queries
    (the classes of the candidates, a concept scheme, the sources) and the name index."""

    def __init__(self, store: Store):
        self.store = store
        self._names: NameIndex | None = None

    @classmethod
    def of(cls, store: Store) -> Catalogue:
        return cls(store)

    def names(self) -> NameIndex:
        if self._names is None:
            self._names = _name_index(self.store)
        return self._names

    def in_build(self, value: str) -> str | None:
        """The entity whose id or label ``value`` is, read from the build's files when the
        name index would resolve it to that entity alone (:func:`graph.sparql.describe.
        in_build`): such a look-up does not make the index on a large build; None: the index
        decides."""
        from graph.sparql.describe import in_build  # lazy: as for the name index

        reader = _build_reader(self.store)
        return None if reader is None else in_build(reader, value)

    def rows(self, sparql: str) -> list[tuple[Any, ...]]:
        return list(self.store.query(sparql).rows)

    def classes(self, nodes: Iterable[str]) -> dict[str, set[str]]:
        """Local names of each node's cinecoop classes and all their superclasses."""
        found: dict[str, set[str]] = {n: set() for n in nodes}
        if found:
            values = " ".join(term_text(n) for n in sorted(found))
            for node, cls in self.rows(CLASSES % values):
                if str(cls).startswith(CC_NS) and str(node) in found:
                    found[str(node)].add(str(cls)[len(CC_NS):])
        return found

    def typed(self, iri: str) -> bool:
        return bool(self.store.query(TYPED % term_text(iri)).boolean)

    def label(self, iri: str) -> str:
        """The best label: prefLabel in English, else in any language, else rdfs:label, else
        the id (as ``cinecoop show`` names it)."""
        rows = self.rows(NAMES % term_text(iri))
        prefs = sorted((language(lit) != "en", language(lit) or "", str(lit))
                       for p, lit in rows if str(p).endswith("prefLabel"))
        if prefs:
            return prefs[0][2]
        other = sorted(str(lit) for p, lit in rows if not str(p).endswith("prefLabel"))
        return other[0] if other else iri[len(ID_NS):].rsplit("/", 1)[-1]

    def concepts(self, scheme: str) -> dict[str, list[str]]:
        """The concepts of a scheme, each with its preferred labels."""
        found: dict[str, list[str]] = {}
        for concept, name in self.rows(CONCEPTS % term_text(scheme)):
            found.setdefault(str(concept), []).extend([str(name)] if name is not None else [])
        return found

    def sources(self) -> dict[str, list[str]]:
        """The sources, each with its file name, label and headline."""
        found: dict[str, list[str]] = {}
        for src, name in self.rows(SOURCES):
            found.setdefault(str(src), []).extend([str(name)] if name is not None else [])
        return found


def fold(text: str) -> str:
    """:func:`graph.names.fold`, imported when a value is a name (not for a query that has
    no parameter, nor for an IRI or a literal)."""
    from graph.names import fold as fold_name  # lazy: the name matcher only for a name

    return fold_name(text)


def _fold_id(text: str) -> str:

    return fold(text.replace("-", " ").replace("_", " "))


_LITERAL = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
                      r"""(@[A-Za-z]+(-[A-Za-z0-9]+)*|\^\^<[^<>"{}|^`\\\x00-\x20]+>)?""",
                      re.DOTALL)


def parse_literal(value: str) -> Lit | None:
    """``"text"``, ``'text'``, ``"text"@lang`` or ``"v"^^<datatype>`` as a literal; None when
    ``value`` is not one whole literal.

    >>> lit = parse_literal('"say \\\\"hi\\\\""@en')
    >>> str(lit), lit.language, parse_literal('"x" .')
    ('say "hi"', 'en', None)
    """
    m = _LITERAL.fullmatch(value)       # the whole value, nothing after the literal
    if not m:
        return None
    try:
        text = unescape(m.group(1)[1:-1])
    except (ValueError, OverflowError):
        return None
    suffix = m.group(2) or ""
    if suffix.startswith("@"):
        return Lit(text, language=suffix[1:])
    lit = Lit(text, datatype=suffix[3:-1] if suffix else None)
    try:
        term_text(lit)                  # a datatype that is no IRI is refused here
    except ValueError:
        return None
    return lit


def resolve_value(catalogue: Catalogue, param: Param | None, value: str) -> Any:
    """The RDF term a parameter value stands for, as a plain term (:mod:`graph.sparql.plain`).

    ``<IRI>`` is taken as is; ``"text"``, ``"text"@lang`` or ``"v"^^<datatype>`` is a literal;
    anything else is a name looked up according to the parameter's type.
    """
    label = f"parameter {param.name}" if param else "the parameter"
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        try:
            term_text(value[1:-1])
        except ValueError as exc:
            raise ParamError(f"{label}: {exc}") from None
        return value[1:-1]
    if value[:1] in ('"', "'"):
        lit = parse_literal(value)
        if lit is None:
            raise ParamError(f"{label}: {value!r} is not a literal; write \"text\", "
                             "\"text\"@en or \"2025-12-09\"^^<http://www.w3.org/2001/XMLSchema#date>")
        return lit
    types = param.types if param else ("Thing",)
    if types[0] in CONCEPT_TYPES:
        return _concept(catalogue, types[0], value, label)
    if types[0] == "NewsArticle":
        return _source(catalogue, value, label)
    return _entity(catalogue, types, value, label)


def _concept(cat: Catalogue, kind: str, value: str, label: str) -> str:

    concepts = cat.concepts(CC_NS + CONCEPT_TYPES[kind])
    key = _fold_id(value)
    found = [c for c, names in sorted(concepts.items())
             if any(_fold_id(n) == key for n in [c.rsplit("/", 1)[-1], *names])]
    if len(found) == 1:
        return found[0]
    known = sorted(c.rsplit("/", 1)[-1] for c in concepts)
    raise ParamError(f"{label}: {value!r} is not a known {kind}; known: {', '.join(known)}")


def _source(cat: Catalogue, value: str, label: str) -> str:

    key = fold(value)
    sources = cat.sources()
    found: list[str] = []
    for src in sorted(sources):
        stem = src.rsplit("/", 1)[-1]
        names = [fold(n) for n in sources[src]]
        if key in (fold(stem), fold(f"source/{stem}")) or key in names or (
                len(key) >= 3 and fold(stem).startswith(key)):
            found.append(src)
    if len(found) == 1:
        return found[0]
    stems = ", ".join(s.rsplit("/", 1)[-1] for s in (found or sorted(sources)))
    what = "matches several sources" if found else "names no source"
    raise ParamError(f"{label}: {value!r} {what}; sources: {stems}")


def _entity(cat: Catalogue, types: tuple[str, ...], value: str, label: str) -> str:

    short = value.strip().strip("/")
    if "/" in short and re.fullmatch(r"[\w\-./]+", short):
        iri = ID_NS + short
        if not cat.typed(iri):
            raise ParamError(f"{label}: nothing in the graph has the id {short!r}")
        found = [iri]
    elif (known := cat.in_build(value)) is not None:
        found = [known]
    else:
        sure, near = cat.names().resolve(value)
        found = sorted(ID_NS + m.id for m in sure)
    if "Thing" not in types:
        classes = cat.classes(found)
        fitting = [n for n in found if classes[n] & set(types)]
        if not fitting and found:
            kinds = ", ".join(sorted(f"{cat.label(n)} is a "
                                     f"{'/'.join(sorted(classes[n] - {'Organisation'}))}"
                                     for n in found[:5]))
            wanted = " or ".join(types)
            article = "an" if wanted[0] in "AEIOU" else "a"
            raise ParamError(f"{label} needs {article} {wanted}, but {kinds}")
        found = fitting
    if len(found) == 1:
        return found[0]
    if not found:
        from graph.sparql.describe import did_you_mean  # lazy: for a name only

        near = cat.names().resolve(value)[1]
        if near:
            raise ParamError(f"{label}: nothing in the graph is called {value!r}"
                             + did_you_mean(near))
        raise ParamError(f"{label}: nothing in the graph is called {value!r} (try "
                         "'cinecoop find NAME', an id such as event/cinema-talks, or a <IRI>; "
                         "quote a literal: '\"text\"')")
    listed = "\n".join(f"  {cat.label(n)}  ({n[len(ID_NS):]})" for n in found)
    raise ParamError(f"{label}: {value!r} is ambiguous; candidates:\n{listed}\n"
                     "use a fuller name or an id")


def bind_params(store: Store, query: NamedQuery | None, raw: dict[str, str]) -> dict[str, Any]:
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
    bindings: dict[str, Any]
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
