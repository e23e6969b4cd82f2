"""The build's SHACL engine (graph.data.shacl) reports exactly what pyshacl reports.

Each case breaks the curated graph behind the loader's back, one constraint of
``ontology/shapes.ttl`` at a time (and all of them at once), and compares the results
(focus node, path, message, level) of both engines on the whole merged graph.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
import pytest
from conftest import DATA
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from graph.data.build import GraphText
from graph.data.load import build_dataset, build_nquads, union_graph, union_ntriples
from graph.data.records import read_records
from graph.data.shacl import NeedsPyshacl, StoreData, compile_shapes, evaluate, update_results
from graph.data.validate import fast_shacl_problems, shacl_problems, shacl_results
from graph.terms import CC, ORG, PROV, SCHEMA, SHAPES_FILE, entity_iri, source_iri

RECORDS, _ = read_records(DATA)


def _node(kind: str, pick: Callable[[Any], bool] = lambda rec: True) -> URIRef:
    """The first record of ``kind`` (that ``pick`` accepts) as a node of the graph."""
    rec = next(r for r in RECORDS if r.kind == kind and pick(r))
    return source_iri(rec.id) if kind == "source" else entity_iri(kind, rec.id)


def _add(ds: Dataset, node: URIRef, pred: URIRef, value: Any) -> None:
    """Add a value in the first graph (by name) that describes ``node``: a source's graph,
    never whichever graph the Dataset happens to list first (that order follows the hash
    seed, and the default graph is not a source's)."""
    min((g for g in ds.graphs() if (node, None, None) in g),
        key=lambda g: str(g.identifier)).add((node, pred, value))


def _set(ds: Dataset, node: URIRef, pred: URIRef, *values: Any) -> None:
    """Replace ``pred`` of ``node`` with ``values`` (in a graph that describes it)."""
    graphs = sorted((g for g in ds.graphs() if (node, None, None) in g),
                    key=lambda g: str(g.identifier))
    for g in graphs:
        g.remove((node, pred, None))
    for value in values:
        graphs[0].add((node, pred, value))


EVENT, EVENT_2 = _node("event"), _node("event", lambda r: r.id > "b")
PERSON = entity_iri("person", "rashad-azizov")
GROUP = entity_iri("group", next(r.id for r in RECORDS if r.kind == "participation"
                                 and r.data.get("group")))
BREAKS: dict[str, Callable[[Dataset], None]] = {
    "no event (minCount)": lambda ds: _set(ds, _node("participation"), CC.event),
    "two events (maxCount)": lambda ds: _set(
        ds, _node("participation"), CC.event, EVENT, EVENT_2),
    "no citation": lambda ds: _set(ds, _node("post"), CC.citedIn),
    "no derivation": lambda ds: _set(ds, _node("agreement"), PROV.wasDerivedFrom),
    "second English label (uniqueLang)": lambda ds: _add(
        ds, PERSON, SKOS.prefLabel, Literal("Someone", lang="en")),
    "two start dates": lambda ds: _set(ds, EVENT, SCHEMA.startDate,
                                       Literal("2025", datatype=XSD.gYear),
                                       Literal("2024", datatype=XSD.gYear)),
    "start date as text (sh:or of datatypes)": lambda ds: _set(
        ds, EVENT, SCHEMA.startDate, Literal("last spring")),
    "ISO code pattern": lambda ds: _set(ds, _node("country"), CC.isoCode, Literal("aze")),
    "venue not a venue (class)": lambda ds: _set(ds, EVENT, CC.venue, PERSON),
    "super-event a literal (class)": lambda ds: _set(ds, EVENT, SCHEMA.superEvent,
                                                     Literal("the festival")),
    "edition 0 (minInclusive)": lambda ds: _set(ds, EVENT, CC.editionNumber, Literal(0)),
    "edition as text (datatype)": lambda ds: _set(ds, EVENT, CC.editionNumber,
                                                  Literal("first")),
    "Wikidata not an IRI (nodeKind, pattern)": lambda ds: _set(
        ds, PERSON, SCHEMA.sameAs, Literal("Q42")),
    "Wikidata another site (pattern)": lambda ds: _set(
        ds, PERSON, SCHEMA.sameAs, URIRef("https://example.org/Q42")),
    "group qualifier outside the list (in)": lambda ds: _set(
        ds, GROUP, CC.groupSizeQualifier, Literal("some")),
    "participant an event (or of classes)": lambda ds: _set(
        ds, _node("participation"), CC.participant, EVENT),
    "agreement without parties (node-level or)": lambda ds: (
        _set(ds, _node("agreement"), CC.party),
        _set(ds, _node("agreement"), CC.partiesUnstated)),
    "source without file name, text complete 'yes'": lambda ds: (
        _set(ds, _node("source"), CC.fileName),
        _set(ds, _node("source"), CC.textComplete, Literal("yes"))),
    "paragraph count as text": lambda ds: _set(ds, _node("source"), CC.paragraphCount,
                                               Literal("ten")),
}


def _lines(ds: Dataset) -> list[str]:
    text = union_graph(ds).serialize(format="nt", encoding="utf-8").decode("utf-8")
    return [line + "\n" for line in text.splitlines() if line.strip()]


def _both(ds: Dataset) -> tuple[set[Any], set[Any]]:
    compiled = compile_shapes(Graph().parse(SHAPES_FILE, format="turtle"))
    assert compiled is not None, "the engine must evaluate every shape of shapes.ttl"
    return evaluate(_lines(ds), compiled), shacl_results(union_graph(ds))


def test_the_curated_graph_passes_in_both() -> None:
    ours, pyshacl = _both(build_dataset(RECORDS))
    assert ours == pyshacl == set()


@pytest.mark.parametrize("case", sorted(BREAKS))
def test_a_broken_constraint_is_reported_as_pyshacl_reports_it(case: str) -> None:
    ds = build_dataset(RECORDS)
    BREAKS[case](ds)
    ours, pyshacl = _both(ds)
    assert pyshacl, f"{case}: the break must violate a shape"
    assert ours == pyshacl


def test_every_break_at_once_gives_the_same_problems_on_the_build_path() -> None:
    """What ``validate`` runs (the engine on the filtered N-Quads lines) equals pyshacl on the
    whole graph, as problems per record."""
    ds = build_dataset(RECORDS)
    for case in sorted(BREAKS):
        BREAKS[case](ds)
    graphs: dict[str, list[str]] = {}
    for line in GraphText.from_dataset(ds).nquads.decode("utf-8").splitlines(keepends=True):
        graphs.setdefault(line[line.rindex(" <") + 2:-4], []).append(line)
    reference = shacl_problems(union_graph(ds), RECORDS)
    assert len(reference) >= len(BREAKS) // 2
    assert fast_shacl_problems(graphs, RECORDS) == reference


def test_a_value_failing_a_node_shape_is_left_to_pyshacl() -> None:
    """pyshacl words the nested constraint of an sh:node shape itself: that case runs pyshacl
    (integrity checks stop such a role before SHACL; this is the graph broken behind them)."""
    ds = build_dataset(RECORDS)
    _set(ds, _node("post"), ORG.role, CC.PostRoles)
    compiled = compile_shapes(Graph().parse(SHAPES_FILE, format="turtle"))
    assert compiled is not None
    with pytest.raises(NeedsPyshacl):
        evaluate(_lines(ds), compiled)
    graphs: dict[str, list[str]] = {}
    for line in GraphText.from_dataset(ds).nquads.decode("utf-8").splitlines(keepends=True):
        graphs.setdefault(line[line.rindex(" <") + 2:-4], []).append(line)
    reference = shacl_problems(union_graph(ds), RECORDS)
    assert any("post-role list" in p.message for p in reference)
    assert fast_shacl_problems(graphs, RECORDS) == reference


def test_shapes_beyond_the_engine_fall_back_to_pyshacl() -> None:
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    assert compile_shapes(shapes) is not None
    closed = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ; sh:closed true ;
            sh:message "closed" .""", format="turtle")
    assert compile_shapes(closed) is None
    silent = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ;
            sh:property [ sh:path <urn:p> ; sh:minCount 1 ] .""", format="turtle")
    assert compile_shapes(silent) is None   # pyshacl's own message: leave it to pyshacl


def _store_of(lines: list[str]) -> ox.Store:
    store = ox.Store()
    store.bulk_load(input="".join(lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES,
                    to_graph=ox.DefaultGraph())
    return store


def test_a_rebuild_validates_again_the_nodes_a_change_concerns() -> None:
    """A rebuild validates only the nodes a change concerns (graph.data.shacl.update_results,
    reading them from the store) and keeps the other results: the same results as the whole
    graph validated again, after changes that cross records: the type of a node others refer
    to removed or changed (their sh:class fails or passes), values removed, bad dates added."""
    import random

    sink = build_nquads(RECORDS)
    lines = union_ntriples({name: sink.lines(name) for name in sink.graphs}
                           ).decode("utf-8").splitlines(keepends=True)
    shapes = compile_shapes(Graph().parse(SHAPES_FILE, format="turtle"))
    assert shapes is not None
    before = evaluate(lines, shapes)
    typed = [line for line in lines if f" <{RDF.type}> <{CC._NS}" in line]
    subjects = sorted({line.split(" ", 1)[0] for line in typed})
    classes = sorted({line.split(" ")[2] for line in typed})
    dated = [line for line in lines if f" <{SCHEMA.startDate}> " in line]
    data = [line for line in lines if f" <{RDFS.subClassOf}> " not in line]  # next test
    rng = random.Random(11)
    failing = 0
    for _ in range(25):
        removed = set(rng.sample(data, 2) + rng.sample(typed, 2))
        added = {f"{rng.choice(subjects)} <{RDF.type}> {rng.choice(classes)} .\n",
                 rng.choice(dated).split(" ", 1)[0] + f' <{SCHEMA.startDate}> "someday" .\n'}
        added -= set(lines)
        now = sorted(set(lines) - removed | added)
        store = _store_of(now)
        expected = evaluate(now, shapes)
        assert update_results(before, StoreData(store), shapes,
                              sorted(removed | added)) == expected
        failing += len(expected - before) > 0
    assert failing > 10      # the changes did break shapes, beyond the changed nodes' own


def test_a_changed_class_hierarchy_validates_everything_again() -> None:
    line = f"<{CC.Person}> <{RDFS.subClassOf}> <{CC.Organisation}> .\n"
    shapes = compile_shapes(Graph().parse(SHAPES_FILE, format="turtle"))
    assert shapes is not None
    assert update_results(set(), StoreData(_store_of([line])), shapes, [line]) is None
