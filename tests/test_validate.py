"""SHACL runs over the built graph and reports per record, in plain language."""

from __future__ import annotations

from conftest import DATA
from rdflib import Literal
from rdflib.namespace import SKOS

from graph.data.load import build_dataset
from graph.data.records import read_records
from graph.data.validate import shacl_problems
from graph.terms import CC, entity_iri, source_graph


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
