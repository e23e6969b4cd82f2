"""SHACL runs over the built graph and reports per record, in plain language."""

from __future__ import annotations

from conftest import DATA
from rdflib import Literal
from rdflib.namespace import SKOS

from graph.data.load import build_dataset
from graph.data.records import read_records
from graph.data.validate import shacl_problems
from graph.terms import CC, PROV, entity_iri, source_graph


def test_shacl_passes_on_the_curated_graph() -> None:
    records, problems = read_records(DATA)
    assert problems == []
    assert shacl_problems(build_dataset(records), records) == []


def test_shacl_reports_by_record_with_file_and_field() -> None:
    records, _ = read_records(DATA)
    ds = build_dataset(records)
    panel = entity_iri("participation", "004-guven-speaker")
    g = ds.graph(source_graph("004_7e29c807a69063d9"))
    # break the graph behind the loader's back: drop the event and the citation of a fact,
    # and give a person a second English preferred label
    g.remove((panel, CC.event, None))
    g.remove((panel, CC.citedIn, None))
    g.add((entity_iri("person", "birol-guven"), SKOS.prefLabel, Literal("B. Guven", lang="en")))
    problems = shacl_problems(ds, records)
    text = "\n".join(map(str, problems))
    assert "data/facts/004_7e29c807a69063d9.yaml" in text
    assert ("record '004-guven-speaker' field 'event': "
            "SHACL: a participation has exactly one event") in text
    assert "has no citation" in text
    assert "record 'birol-guven' field 'prefLabel'" in text
    assert all(p.level == "error" for p in problems)


def test_shacl_on_the_predicates_it_needs_reports_what_the_whole_graph_does() -> None:
    """validate() gives pyshacl only the triples whose predicate a shape looks at; on broken
    data that reports exactly what pyshacl reports on the whole graph."""
    from graph.data.build import GraphText
    from graph.data.load import union_graph
    from graph.data.validate import shacl_data

    records, _ = read_records(DATA)
    ds = build_dataset(records)
    g = ds.graph(source_graph("004_7e29c807a69063d9"))
    panel = entity_iri("participation", "004-guven-speaker")
    g.remove((panel, CC.event, None))
    g.remove((panel, PROV.wasDerivedFrom, None))
    g.add((entity_iri("person", "birol-guven"), SKOS.prefLabel, Literal("B. Guven", lang="en")))
    g.add((entity_iri("event", "baku-cinema-breeze"), SKOS.prefLabel, Literal("X", lang="en")))
    whole = shacl_problems(union_graph(ds), records)
    graphs: dict[str, list[str]] = {}
    for line in GraphText.from_dataset(ds).nquads.decode("utf-8").splitlines(keepends=True):
        graphs.setdefault(line[line.rindex(" <") + 2:-4], []).append(line)
    part = shacl_data(graphs)
    assert len(part) < len(union_graph(ds))
    assert shacl_problems(part, records) == whole
    assert len(whole) >= 4
