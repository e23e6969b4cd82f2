"""The build path writes the same quads as the rdflib reference, in canonical form.

``graph.data.load.emit`` writes through a sink: the rdflib ``Dataset`` (the reference) and the
N-Quads lines the build uses must hold the same quads, graph by graph.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import DATA
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import RDF

from graph.data import build as build_module
from graph.data import load as load_module
from graph.data import validate as validate_module
from graph.data.build import GraphText, dataset_lines, text_class_counts
from graph.data.load import build_dataset, build_nquads, load_ontology, nt_literal
from graph.data.records import Record, read_records
from graph.terms import CC, ONTOLOGY_GRAPH, source_graph


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


def test_built_outputs_hold_the_reference_graph(built: Path) -> None:
    """graph.trig (named graphs) and graph.nt (their merge), written by pyoxigraph, hold exactly
    the quads and triples of the rdflib reference built from the same records."""
    records, _ = read_records(DATA)
    reference = build_dataset(records, load_ontology())
    quads = b"".join(dataset_lines(reference)[0])
    trig = ox.parse(path=str(built / "graph.trig"), format=ox.RdfFormat.TRIG)
    assert {str(q) for q in trig} == _canonical(quads)
    merged = {str(ox.Triple(q.subject, q.predicate, q.object))
              for q in ox.parse(quads, format=ox.RdfFormat.N_QUADS)}
    nt = (built / "graph.nt").read_bytes()
    assert {str(t) for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)} == merged
    assert nt.splitlines() == sorted(set(nt.splitlines()))   # sorted, each triple once
    store = ox.Store.read_only(str(built / "store"))
    assert len(store) == len(_canonical(quads)) + len(merged)
    del store


def test_class_counts_leave_the_ontology_graph_out() -> None:
    """The manifest's class counts (from the merged graph's typed lines) are the instances the
    data graphs type, each once, as the rdflib reference has them; a node typed only in the
    ontology graph does not count."""
    records, _ = read_records(DATA)
    ontology = load_ontology()
    reference = build_dataset(records, ontology)
    seen = {(s, o) for ctx in reference.graphs() if ctx.identifier != ONTOLOGY_GRAPH
            for s, o in ctx.subject_objects(RDF.type)
            if isinstance(s, URIRef) and str(o).startswith(str(CC._NS))}
    expected = dict(sorted(Counter(str(o)[len(str(CC._NS)):] for _, o in seen).items()))
    sink = build_nquads(records, ontology)
    graphs = {name: sink.lines(name) for name in sink.graphs}
    assert text_class_counts(GraphText.from_graphs(graphs)) == expected
    cls = next(iter(expected))
    typed = f"<urn:x-only-in-the-ontology> <{RDF.type}> <{CC._NS}{cls}> <{ONTOLOGY_GRAPH}> .\n"
    graphs[str(ONTOLOGY_GRAPH)] = sorted([*graphs[str(ONTOLOGY_GRAPH)], typed])
    assert text_class_counts(GraphText.from_graphs(graphs)) == expected


def test_shacl_and_turtle_made_beside_give_the_same_outputs(built: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    """A large graph's SHACL and graph.ttl are made in a forked child (here forced on the
    curated graph): the same bytes as made in the build's own process."""
    monkeypatch.setattr(build_module, "SIDE_FROM", 0)
    result = build_module.build(DATA, tmp_path / "out")
    assert result.report.ok
    for name in ("graph.trig", "graph.ttl", "graph.nt", "manifest.json"):
        ours = (tmp_path / "out" / name).read_bytes()
        if name == "manifest.json":   # the fingerprint of data/ is the same; so is the rest
            ours = ours.replace(str(tmp_path / "out").encode(), str(built).encode())
        assert ours == (built / name).read_bytes(), name


def _stop_after_validation(*_args: object, **_kwargs: object) -> dict[str, str]:
    raise RuntimeError("stopped while the store loads")


def _stop_before_the_merge(_text: object) -> bytes:
    raise RuntimeError("stopped before the merge")


@pytest.mark.parametrize("where", ["after validation", "before the merge"])
def test_a_build_stopped_while_its_store_loads_leaves_nothing(
        where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store starts loading into the new build folder as soon as the named graphs exist;
    a build that stops after that (here: before their merge is made, and after validation)
    waits for the load to end, removes the folder and leaves the build before published."""
    out = tmp_path / "out"
    build_module.build(DATA, out)
    before = {name: (out / name).read_bytes() for name in ("graph.trig", "manifest.json")}
    folders = sorted(p.name for p in (out / ".builds").iterdir())
    threads = threading.active_count()
    if where == "after validation":
        monkeypatch.setattr(build_module, "curation_outputs", _stop_after_validation)
    else:
        monkeypatch.setattr(validate_module, "merged", _stop_before_the_merge)
    with pytest.raises(RuntimeError, match="stopped"):
        build_module.build(DATA, out, rebuild=False)
    assert sorted(p.name for p in (out / ".builds").iterdir()) == folders
    assert {name: (out / name).read_bytes() for name in before} == before
    assert threading.active_count() == threads      # the store's thread ended


def test_store_with_blank_nodes_keeps_them_shared(tmp_path: Path) -> None:
    """With blank nodes, the named graphs and their merge are loaded as one document: a blank
    node of a named graph is the same node in the default graph."""
    ds = Dataset()
    node, graph = BNode(), ds.graph(URIRef("urn:x-graph:a"))
    graph.add((node, RDF.type, URIRef("urn:x:Thing")))
    graph.add((URIRef("urn:x:s"), URIRef("urn:x:p"), node))
    build_module.write_store(tmp_path / "store", ds)
    store = ox.Store.read_only(str(tmp_path / "store"))
    rows = list(store.query("SELECT ?b WHERE { GRAPH <urn:x-graph:a> { <urn:x:s> <urn:x:p> ?b }"
                            " ?b a <urn:x:Thing> }"))
    assert len(rows) == 1 and isinstance(rows[0]["b"], ox.BlankNode)
    assert len(store) == 4
    del store


def _curated_text() -> GraphText:
    records, _ = read_records(DATA)
    return GraphText.from_sink(build_nquads(records, load_ontology()))


def _quads(store: ox.Store) -> set[str]:
    return {str(q) for q in store}


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_the_store_loaded_in_pieces_by_threads_holds_the_reference_quads(threads: int) -> None:
    """The store's text loaded in many small pieces, several loads at once (the build's way),
    holds the quads of the named graphs and of their merge in the default graph, exactly as
    one load of each text gives them."""
    text = _curated_text()
    text.ntriples = validate_module.merged(text)
    reference = ox.Store()
    reference.bulk_load(input=text.nquads, format=ox.RdfFormat.N_QUADS)
    reference.bulk_load(input=text.ntriples, format=ox.RdfFormat.N_TRIPLES,
                        to_graph=ox.DefaultGraph())
    work = list(build_module.store_work(text.nquads, lambda: text.ntriples, size=4096))
    assert len(work) > 20 and {fmt for _, fmt, _ in work} == {ox.RdfFormat.N_QUADS,
                                                              ox.RdfFormat.N_TRIPLES}
    assert b"".join(data for data, _, graph in work if graph is None) == text.nquads
    store = ox.Store()
    build_module.load_store_pieces(store, iter(work), threads)
    assert _quads(store) == _quads(reference)
    assert len(store) == text.nquads.count(b"\n") + text.ntriples.count(b"\n")


def test_the_merge_is_asked_for_once_the_named_graphs_are_taken() -> None:
    """The pieces of the named graphs come first; the merge is asked for only after them."""
    text = _curated_text()
    asked: list[int] = []
    taken: list[ox.RdfFormat] = []

    def merge() -> bytes:
        asked.append(len(taken))
        return validate_module.merged(text)

    for _, fmt, _ in build_module.store_work(text.nquads, merge, size=4096):
        taken.append(fmt)
    named = taken.count(ox.RdfFormat.N_QUADS)
    assert asked == [named] and taken[:named] == [ox.RdfFormat.N_QUADS] * named


def test_a_piece_that_fails_to_load_stops_every_chain() -> None:
    """A piece that does not load (or a merge that fails) is raised, and no chain takes
    another piece after it; every thread of the load has ended."""
    text = _curated_text()
    pieces = list(build_module.store_work(text.nquads, lambda: b"", size=4096))
    taken: list[int] = []

    def work() -> Iterator[build_module.Piece]:
        for i, piece in enumerate(pieces):
            taken.append(i)
            yield (b"<urn:x:s> <urn:x:p> oops .\n", *piece[1:]) if i == 1 else piece

    threads = threading.active_count()
    with pytest.raises(SyntaxError):
        build_module.load_store_pieces(ox.Store(), work(), 2)
    assert len(taken) < len(pieces) and threading.active_count() == threads

    def merge() -> bytes:
        raise RuntimeError("the build stopped before the merge")

    store = ox.Store()
    with pytest.raises(RuntimeError, match="before the merge"):
        build_module.load_store_pieces(store, build_module.store_work(text.nquads, merge, 4096))
    assert threading.active_count() == threads
    assert len(store) == text.nquads.count(b"\n")   # the named graphs were loaded


def _met_reference(records: list[Record]) -> dict[str, set[tuple[str, str]]]:
    """``cc:metWith`` by its definition: every two agents of one kind (organisations or
    countries: the participant, whom it acts for, and their countries) at one event, both
    ways, in the graph of each source of a participation of either there."""
    ids = {r.id: r for r in records if r.kind not in ("post", "participation")}
    at: dict[str, dict[str, set[str]]] = {}
    for rec in records:
        if rec.kind != "participation" or not rec.data.get("agent"):
            continue
        agents = {rec.data["agent"], *([rec.data["on_behalf_of"]]
                                       if rec.data.get("on_behalf_of") else [])}
        agents |= {c for a in agents if (c := load_module._country_of(ids, a))}
        for agent in agents:
            if ids[agent].kind in ("organisation", "country"):
                at.setdefault(rec.data["event"], {}).setdefault(agent, set()).add(
                    str(rec.source))
    out: dict[str, set[tuple[str, str]]] = {}
    for members in at.values():
        for a in members:
            for b in members:
                if a != b and ids[a].kind == ids[b].kind:
                    for source in members[a] | members[b]:
                        out.setdefault(str(source_graph(source)), set()).add(
                            (str(load_module.iri(ids, a)), str(load_module.iri(ids, b))))
    return out


@pytest.mark.parametrize("events", [0, 80])
def test_met_with_is_every_pair_of_one_kind_at_an_event(events: int, tmp_path: Path) -> None:
    """The emitter's ``cc:metWith`` triples, graph by graph, are those of the definition
    (curated data, and synthetic data with many agents at an event)."""
    data = DATA
    if events:
        data = tmp_path / "data"
        subprocess.run([sys.executable, str(Path(__file__).resolve().parent.parent / "scripts"
                                            / "synth.py"), str(events), "--data", str(data)],
                       check=True, capture_output=True)
    records, problems = read_records(data)
    assert not [p for p in problems if p.level == "error"]
    sink = build_nquads(records, load_ontology())
    met = f" <{CC.metWith}> "
    ours: dict[str, set[tuple[str, str]]] = {}
    for name, lines in sink.graphs.items():
        for line in lines:
            if met in line:
                s, _, o = line.partition(met)
                ours.setdefault(name, set()).add((s[1:-1], o[:o.rindex(" <")][1:-1]))
    reference = _met_reference(records)
    assert ours == reference and sum(map(len, reference.values())) > 10


@pytest.mark.parametrize("size", [1, 50, 4096, 1 << 30])
def test_the_store_text_is_cut_into_even_pieces_of_whole_lines(size: int) -> None:
    """The pieces of a text are whole lines, all of it in order, of about the same size (no
    small last piece: each load has a fixed cost)."""
    text = _curated_text().nquads
    pieces = list(build_module._pieces(text, size))
    assert b"".join(pieces) == text and all(piece.endswith(b"\n") for piece in pieces)
    assert len(pieces) == min(max(1, round(len(text) / size)), text.count(b"\n"))
    if len(pieces) > 2:
        sizes = sorted(map(len, pieces[:-1]))
        assert sizes[-1] - sizes[0] < 2 * max(text.splitlines(keepends=True), key=len).__len__()
    assert list(build_module._pieces(b"", size)) == []
