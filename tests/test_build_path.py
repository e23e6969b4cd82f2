"""The build path writes the same quads as the rdflib reference, in canonical form.

``graph.data.load.emit`` writes through a sink: the rdflib ``Dataset`` (the reference) and the
N-Quads lines the build uses must hold the same quads, graph by graph.
"""

from __future__ import annotations

import pyoxigraph as ox
from conftest import DATA
from rdflib import Literal, URIRef

from graph.data.build import dataset_lines
from graph.data.load import build_dataset, build_nquads, load_ontology, nt_literal
from graph.data.records import read_records


def _canonical(data: bytes) -> set[str]:
    """Each quad once, in pyoxigraph's canonical N-Quads form."""
    return {str(q) for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)}


def test_nquads_sink_holds_the_reference_quads() -> None:
    records, problems = read_records(DATA)
    assert problems == []
    ontology = load_ontology()
    reference = b"".join(dataset_lines(build_dataset(records, ontology))[0])
    sink = build_nquads(records, ontology)
    lines = [line for name in sorted(sink.graphs) for line in sink.lines(name)]
    ours = "".join(lines).encode("utf-8")
    assert _canonical(ours) == _canonical(reference)
    # the lines are already canonical: pyoxigraph writes them back byte for byte
    again = ox.serialize(ox.parse(ours, format=ox.RdfFormat.N_QUADS),
                         format=ox.RdfFormat.N_QUADS)
    assert again == ours


def test_literals_are_escaped_as_canonical_n_triples() -> None:
    tricky = 'a "quoted"\\ line\nbreak\ttab\x01 \u2028 é'
    text = nt_literal(tricky, "EN", None)
    quad = f"<urn:s> <urn:p> {text} .\n".encode()
    parsed = next(iter(ox.parse(quad, format=ox.RdfFormat.N_TRIPLES)))
    assert parsed.object == ox.Literal(tricky, language="en")
    assert ox.serialize([parsed], format=ox.RdfFormat.N_TRIPLES) == quad
    typed = Literal("2025", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYear"))
    assert nt_literal(str(typed), None, str(typed.datatype)) == \
        '"2025"^^<http://www.w3.org/2001/XMLSchema#gYear>'
