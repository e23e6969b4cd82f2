"""SHACL for the build: the SHACL Core subset ``ontology/shapes.ttl`` uses, evaluated over
the merged graph's N-Triples lines with dictionaries.

pyshacl needs about a minute per 100,000 triples on this project's machine, which made SHACL
most of a large build; this engine reads the same shapes and reports the same results
(focus node, path, message, severity: what ``cinecoop validate`` shows), tested against
pyshacl on the curated graph and on broken data. It knows only what the shapes use:
:func:`compile_shapes` returns None for shapes with anything else (a complex path,
``sh:closed``, a shape without ``sh:message``, ...), and validation then runs pyshacl, as
it does when a value fails an ``sh:node`` shape (:class:`NeedsPyshacl`).

What it evaluates: targets ``sh:targetClass`` (with ``rdfs:subClassOf`` in the data),
``sh:targetSubjectsOf``, ``sh:targetObjectsOf``, ``sh:targetNode``; node and property shapes
(a property shape's ``sh:path`` one IRI) with ``sh:minCount``, ``sh:maxCount``, ``sh:class``,
``sh:datatype``, ``sh:nodeKind``, ``sh:hasValue``, ``sh:in``, ``sh:pattern``,
``sh:minInclusive``, ``sh:uniqueLang``, ``sh:node``, ``sh:or``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from graph.data.load import nt_literal

__all__ = ["Shapes", "Result", "NeedsPyshacl", "compile_shapes", "evaluate", "StoreData",
           "update_results"]

Result = tuple[str, str | None, str, str]   # focus, path (None on a node shape), message, level

_RDF_TYPE = f"<{RDF.type}>"
_SUBCLASS = f"<{RDFS.subClassOf}>"
_KNOWN = {SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.property,
          SH.path, SH.message, SH.minCount, SH.maxCount, SH["class"], SH.datatype,
          SH.nodeKind, SH.hasValue, SH["in"], SH.pattern, SH.minInclusive, SH.uniqueLang,
          SH.node, SH["or"]}
_SHAPE_TYPES = {SH.NodeShape, SH.PropertyShape}
_NODE_KINDS = {SH.IRI: "i", SH.Literal: "l", SH.BlankNode: "b", SH.BlankNodeOrIRI: "bi",
               SH.BlankNodeOrLiteral: "bl", SH.IRIOrLiteral: "il"}
_LEXICAL = {
    str(XSD.integer): re.compile(r"^[+-]?[0-9]+$"),
    str(XSD.decimal): re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"),
    str(XSD.boolean): re.compile(r"^(true|false|1|0)$"),
    str(XSD.gYear): re.compile(r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$"),
    str(XSD.gYearMonth): re.compile(r"^-?[0-9]{4,}-(0[1-9]|1[0-2])(Z|[+-][0-9]{2}:[0-9]{2})?$"),
    str(XSD.gMonthDay): re.compile(r"^--(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
                                   r"(Z|[+-][0-9]{2}:[0-9]{2})?$"),
}
_NUMERIC = {str(XSD.integer), str(XSD.decimal), str(XSD.int), str(XSD.long),
            str(XSD.nonNegativeInteger), str(XSD.positiveInteger)}
_ESCAPES = re.compile(r'\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[tbnrf"\'\\])')
_SIMPLE = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'",
           "\\": "\\"}


class NeedsPyshacl(Exception):
    """The data breaks a shape in a way whose report only pyshacl words: run pyshacl.

    pyshacl reports a value that fails an ``sh:node`` shape twice: once with the message of
    the shape that refers to it, once per nested constraint with pyshacl's own wording.
    """


@dataclass
class Shape:
    """One node or property shape: its path (None for a node shape) and constraints."""

    path: str | None
    messages: list[str]
    constraints: list[tuple[str, Any]] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)


@dataclass
class Shapes:
    """The compiled shapes: each targeted shape with the targets that select its focus nodes."""

    targeted: list[tuple[Shape, list[tuple[str, str]]]]   # (shape, [(target kind, term)])


def _term(node: Any) -> str:
    """An rdflib term in the N-Triples form the build writes."""
    if isinstance(node, Literal):
        datatype = str(node.datatype) if node.datatype is not None else None
        return nt_literal(str(node), node.language, datatype)
    if isinstance(node, BNode):
        return f"_:{node}"
    return f"<{node}>"


class _Compiler:
    def __init__(self, g: Graph):
        self.g = g
        self.done: dict[Any, Shape] = {}

    def shape(self, node: Any, reporting: bool) -> Shape | None:
        """The shape ``node``; None when it uses what this engine does not evaluate."""
        if node in self.done:
            return self.done[node]
        g = self.g
        preds = {p for p in g.predicates(node) if str(p).startswith(str(SH))}
        if preds - _KNOWN or set(g.objects(node, RDF.type)) - _SHAPE_TYPES:
            return None
        path = g.value(node, SH.path)
        if path is not None and not isinstance(path, URIRef):
            return None
        messages = sorted(str(m) for m in g.objects(node, SH.message))
        shape = self.done[node] = Shape(None if path is None else f"<{path}>", messages)
        if not self._constraints(node, shape) or (reporting and not messages
                                                  and shape.constraints):
            return None
        for prop in sorted(g.objects(node, SH.property), key=str):
            inner = self.shape(prop, reporting)
            if inner is None or inner.path is None or inner.properties:
                return None
            shape.properties.append(inner)
        return shape

    def _constraints(self, node: Any, shape: Shape) -> bool:
        g = self.g
        for pred, kind in ((SH.minCount, "min"), (SH.maxCount, "max")):
            for value in g.objects(node, pred):
                shape.constraints.append((kind, int(str(value))))
        for value in g.objects(node, SH["class"]):
            shape.constraints.append(("class", f"<{value}>"))
        for value in g.objects(node, SH.datatype):
            shape.constraints.append(("datatype", str(value)))
        for value in g.objects(node, SH.nodeKind):
            kinds = _NODE_KINDS.get(URIRef(str(value)))
            if kinds is None:
                return False
            shape.constraints.append(("kind", kinds))
        for value in g.objects(node, SH.hasValue):
            shape.constraints.append(("has", _term(value)))
        for value in g.objects(node, SH["in"]):
            shape.constraints.append(("in", {_term(v) for v in Collection(g, value)}))
        for value in g.objects(node, SH.pattern):
            shape.constraints.append(("pattern", re.compile(str(value))))
        for value in g.objects(node, SH.minInclusive):
            shape.constraints.append(("minincl", Decimal(str(value))))
        for value in g.objects(node, SH.uniqueLang):
            if str(value) == "true":
                shape.constraints.append(("uniquelang", True))
        for value in g.objects(node, SH.node):
            inner = self.shape(value, False)
            if inner is None:
                return False
            shape.constraints.append(("node", inner))
        for value in g.objects(node, SH["or"]):
            members = [self.shape(v, False) for v in Collection(g, value)]
            if any(m is None for m in members):
                return False
            shape.constraints.append(("or", members))
        return True


def compile_shapes(g: Graph) -> Shapes | None:
    """The shapes of ``g`` with targets, compiled; None when one needs pyshacl."""
    if any(True for _ in g.subject_objects(SH.closed)) or any(
            True for _ in g.subject_objects(SH.deactivated)) or any(
            True for _ in g.subject_objects(SH.severity)):
        return None
    compiler = _Compiler(g)
    targeted = []
    heads = sorted({s for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf,
                                SH.targetNode) for s in g.subjects(p, None)}, key=str)
    for node in heads:
        shape = compiler.shape(node, True)
        if shape is None:
            return None
        targets = sorted((kind, _term(value)) for kind, pred in (
            ("class", SH.targetClass), ("subjects", SH.targetSubjectsOf),
            ("objects", SH.targetObjectsOf), ("node", SH.targetNode))
            for value in g.objects(node, pred))
        targeted.append((shape, targets))
    return Shapes(targeted)


# ---------------------------------------------------------------- the data and its evaluation


class Data:
    """The merged graph as subject -> predicate -> values, from N-Triples lines."""

    def __init__(self, lines: Iterable[str]):
        out: dict[str, dict[str, list[str]]] = {}
        for line in lines:     # (no dict or list made for a subject or predicate seen before)
            s, p, rest = line.split(" ", 2)
            preds = out.get(s)
            if preds is None:
                preds = out[s] = {}
            values = preds.get(p)
            if values is None:
                preds[p] = [rest[:-3]]
            else:
                values.append(rest[:-3])
        self.out = out
        self._supers: dict[str, frozenset[str]] = {}
        self._instances: dict[str, set[str]] | None = None
        #: (constraint kind, id of its argument, value) -> passed (:func:`_value_ok`)
        self.passed: dict[tuple[str, int, str], bool] = {}

    def values(self, node: str, path: str) -> list[str]:
        return self.out.get(node, {}).get(path, [])

    def supers(self, cls: str) -> frozenset[str]:
        """``cls`` and every class it is a subclass of (through ``rdfs:subClassOf``)."""
        found = self._supers.get(cls)
        if found is None:
            self._supers[cls] = frozenset({cls})     # a cycle stops here
            seen, todo = {cls}, [cls]
            while todo:
                for up in self.values(todo.pop(), _SUBCLASS):
                    if up not in seen:
                        seen.add(up)
                        todo.append(up)
            found = self._supers[cls] = frozenset(seen)
        return found

    def is_a(self, node: str, cls: str) -> bool:
        return any(cls in self.supers(t) for t in self.values(node, _RDF_TYPE))

    def focus(self, kind: str, term: str) -> set[str]:
        """The focus nodes one target selects."""
        if kind == "node":
            return {term}
        if kind == "class":
            if self._instances is None:
                self._instances = {}
                for s, preds in self.out.items():
                    for t in preds.get(_RDF_TYPE, ()):
                        for cls in self.supers(t):
                            self._instances.setdefault(cls, set()).add(s)
            return self._instances.get(term, set())
        if kind == "subjects":
            return {s for s, preds in self.out.items() if term in preds}
        return {o for preds in self.out.values() for o in preds.get(term, ())}


def _literal(term: str) -> tuple[str, str | None, str] | None:
    """(lexical form, language, datatype IRI) of a literal term; None for an IRI or blank node."""
    if not term.startswith('"'):
        return None
    end = term.rindex('"')
    text = term[1:end]
    if "\\" in text:
        text = _ESCAPES.sub(lambda m: _SIMPLE.get(m[1]) or chr(int(m[1][1:], 16)), text)
    tail = term[end + 1:]
    if tail.startswith("@"):
        return text, tail[1:], str(RDF.langString)
    return text, None, tail[3:-1] if tail.startswith("^^") else str(XSD.string)


def _well_formed(text: str, datatype: str) -> bool:
    if datatype == str(XSD.date):
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            return False
        return True
    pattern = _LEXICAL.get(datatype)
    return pattern is None or bool(pattern.match(text))


def _kind_ok(term: str, kinds: str) -> bool:
    here = "l" if term.startswith('"') else "b" if term.startswith("_:") else "i"
    return here in kinds


def _value_ok(data: Data, kind: str, arg: Any, v: str) -> bool:
    """Whether one value node passes one value constraint: :func:`_value_check`, asked once
    per (constraint, value) (a value is checked again and again: each article is the
    ``cc:citedIn`` of a hundred nodes, each event the ``cc:event`` of its participations).
    The constraint's argument is keyed by its ``id``: the compiled shapes live as long as
    ``data`` is evaluated."""
    key = (kind, id(arg), v)
    found = data.passed.get(key)
    if found is None:
        found = data.passed[key] = _value_check(data, kind, arg, v)
    return found


def _value_check(data: Data, kind: str, arg: Any, v: str) -> bool:
    """Whether one value node passes one value constraint."""
    if kind == "class":
        return not v.startswith('"') and data.is_a(v, arg)
    if kind == "datatype":
        lit = _literal(v)
        return lit is not None and lit[2] == arg and _well_formed(lit[0], arg)
    if kind == "kind":
        return _kind_ok(v, arg)
    if kind == "in":
        return v in arg
    if kind == "pattern":
        if v.startswith("_:"):
            return False
        lit = _literal(v)
        return bool(arg.search(lit[0] if lit else v[1:-1]))
    if kind == "minincl":
        lit = _literal(v)
        if lit is None or lit[2] not in _NUMERIC:
            return False
        try:
            return Decimal(lit[0]) >= arg
        except InvalidOperation:
            return False
    if kind == "node":
        if not conforms(data, v, arg):
            raise NeedsPyshacl("a value does not conform to an sh:node shape")
        return True
    if kind == "or":
        return any(conforms(data, v, member) for member in arg)
    raise ValueError(f"unknown constraint {kind}")


def _passes(data: Data, shape: Shape, values: list[str]) -> bool:
    """Whether ``values`` (a property's values, or the focus node itself) pass every
    constraint of ``shape`` itself (not its property shapes)."""
    for kind, arg in shape.constraints:
        if kind == "min":
            ok = len(values) >= arg
        elif kind == "max":
            ok = len(values) <= arg
        elif kind == "has":
            ok = arg in values
        elif kind == "uniquelang":
            langs = [lit[1] for v in values if (lit := _literal(v)) and lit[1]]
            ok = len(langs) == len(set(langs))
        else:
            ok = all(_value_ok(data, kind, arg, v) for v in values)
        if not ok:
            return False
    return True


def _values(data: Data, shape: Shape, node: str) -> list[str]:
    return [node] if shape.path is None else data.values(node, shape.path)


def conforms(data: Data, node: str, shape: Shape) -> bool:
    """Whether ``node`` conforms to ``shape`` (its constraints and its property shapes)."""
    return _passes(data, shape, _values(data, shape, node)) and all(
        _passes(data, prop, _values(data, prop, node)) for prop in shape.properties)


def _focus_name(term: str) -> str:
    return term[1:-1] if term.startswith("<") else term[2:] if term.startswith("_:") else term


def evaluate(lines: Iterable[str], shapes: Shapes) -> set[Result]:
    """The validation results of the merged graph ``lines`` (N-Triples, one triple each)."""
    data = Data(lines)
    out: set[Result] = set()
    for shape, targets in shapes.targeted:
        nodes: set[str] = set()
        for kind, term in targets:
            nodes |= data.focus(kind, term)
        for node in sorted(nodes):
            for one in (shape, *shape.properties):
                if not _passes(data, one, _values(data, one, node)):
                    path = None if one.path is None else one.path[1:-1]
                    out.update((_focus_name(node), path, m, "error") for m in one.messages)
    return out


# ---------------------------------------------------------------- a rebuild: changed nodes only


class StoreData(Data):
    """The merged graph read from the default graph of an Oxigraph store (a rebuild's SHACL
    looks at a few nodes; reading them from the store costs no pass over the graph)."""

    def __init__(self, store: ox.Store):
        self.store = store
        self.out = {}
        self._supers = {}
        self._instances = None
        self.passed = {}
        self._default = ox.DefaultGraph()
        self._values: dict[tuple[str, str], list[str]] = {}

    def values(self, node: str, path: str) -> list[str]:
        found = self._values.get((node, path))
        if found is None:
            found = self._values[node, path] = [] if not node.startswith("<") else [
                str(q.object) for q in self.store.quads_for_pattern(
                    ox.NamedNode(node[1:-1]), ox.NamedNode(path[1:-1]), None, self._default)]
        return found

    def referrers(self, node: str, path: str | None = None) -> set[str]:
        """The subjects with ``node`` as a value (on ``path``, or on any predicate)."""
        term = _ox_term(node)
        pred = None if path is None else ox.NamedNode(path[1:-1])
        if term is None:
            return set()
        return {str(q.subject) for q in self.store.quads_for_pattern(None, pred, term,
                                                                   self._default)}


def _ox_term(term: str) -> ox.NamedNode | ox.Literal | None:
    """The pyoxigraph term of an N-Triples term (None for a blank node)."""
    if term.startswith("<"):
        return ox.NamedNode(term[1:-1])
    if term.startswith("_:"):
        return None
    triple = next(iter(ox.parse(f"<x:s> <x:p> {term} .\n".encode(),
                                format=ox.RdfFormat.N_TRIPLES)))
    obj = triple.object
    return obj if isinstance(obj, ox.Literal) else None


def _reach(shape: Shape, into: set[str], inner: set[str]) -> int:
    """How many links away from a focus node a change can alter its result (0: its own
    triples only); adds to ``into`` the paths that lead from a node to a value whose types
    (``sh:class``) or own triples (``sh:node``, ``sh:or``) its result depends on, and to
    ``inner`` the predicates of such a value that count (``rdf:type``, nested paths)."""
    depth = 0
    for one in (shape, *shape.properties):
        for kind, arg in one.constraints:
            if kind not in ("class", "node", "or"):
                continue
            if one.path is not None:
                into.add(one.path)
            inner.add(_RDF_TYPE)
            for nested in [arg] if kind == "node" else arg if kind == "or" else []:
                inner.update(p.path for p in nested.properties if p.path is not None)
                depth = max(depth, _reach(nested, into, inner))
            depth = max(depth, 1 if one.path is not None else 0)
    return depth


def changed_nodes(data: StoreData, shapes: Shapes, lines: list[str]) -> set[str] | None:
    """The nodes whose results can differ after the merged graph gained or lost the triples
    ``lines`` (N-Triples): their subjects and objects, and the nodes that reach a subject
    whose types or nested values changed, through the paths the shapes follow, as many links
    away as the shapes look (:func:`_reach`). None when a ``rdfs:subClassOf`` triple changed
    (the class hierarchy: every node may be concerned)."""
    into: set[str] = set()
    inner: set[str] = set()
    depth = max((_reach(shape, into, inner) for shape, _ in shapes.targeted), default=0)
    nodes: set[str] = set()
    frontier: set[str] = set()
    for line in lines:
        s, p, rest = line.split(" ", 2)
        if p == _SUBCLASS:
            return None
        nodes.update((s, rest[:-3]))
        if p in inner:
            frontier.add(s)
    for _ in range(depth):
        found = {r for node in frontier for path in into for r in data.referrers(node, path)}
        frontier = found - nodes
        nodes |= found
    return nodes


def _targets(data: StoreData, kind: str, term: str, node: str) -> bool:
    """Whether one target selects ``node`` (what :meth:`Data.focus` selects, node by node)."""
    if kind == "node":
        return node == term
    if kind == "class":
        return data.is_a(node, term)
    if kind == "subjects":
        return bool(data.values(node, term))
    return bool(data.referrers(node, term))


def evaluate_nodes(data: StoreData, shapes: Shapes, nodes: set[str]) -> set[Result]:
    """The validation results whose focus node is one of ``nodes`` (what :func:`evaluate`
    reports for them over the whole graph)."""
    out: set[Result] = set()
    for shape, targets in shapes.targeted:
        for node in sorted(nodes):
            if not any(_targets(data, kind, term, node) for kind, term in targets):
                continue
            for one in (shape, *shape.properties):
                if not _passes(data, one, _values(data, one, node)):
                    path = None if one.path is None else one.path[1:-1]
                    out.update((_focus_name(node), path, m, "error") for m in one.messages)
    return out


def update_results(before: set[Result], data: StoreData, shapes: Shapes,
                   lines: list[str]) -> set[Result] | None:
    """The results after the merged graph gained or lost ``lines``, from the results
    ``before``: those of the nodes concerned evaluated again, the others kept. None when the
    change concerns every node (see :func:`changed_nodes`)."""
    nodes = changed_nodes(data, shapes, lines)
    if nodes is None:
        return None
    names = {_focus_name(node) for node in nodes}
    return {r for r in before if r[0] not in names} | evaluate_nodes(data, shapes, nodes)
