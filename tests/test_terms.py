"""The ontology: constants in graph/terms.py match ontology/cinema.ttl, every term is
documented, and standard-vocabulary queries work after RDFS inference."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import FOAF, OWL, RDF, RDFS

from graph import ns
from graph.data.load import union_graph
from graph.sparql.describe import resolve
from graph.terms import CC, EVENT_TYPES, ONTOLOGY_FILE, ORG, PROV, SCHEMA

ONTOLOGY = Graph().parse(ONTOLOGY_FILE, format="turtle")
NS = str(CC._NS)
DECLARED = {s for s in ONTOLOGY.subjects(RDF.type, None)
            if isinstance(s, URIRef) and str(s).startswith(NS)}
CONSTANTS = {CC[name] for name in CC.__annotations__}
STANDARD = ("https://schema.org/", str(ORG), str(PROV), str(FOAF),
            "http://www.w3.org/2004/02/skos/core#", "http://purl.org/dc/terms/")


def test_constants_and_turtle_agree() -> None:
    assert CONSTANTS == DECLARED


def test_misspelt_term_fails_at_use() -> None:
    with pytest.raises(AttributeError):
        CC.Persn  # noqa: B018
    with pytest.raises(AttributeError):
        ns.CC.Persn  # noqa: B018


def test_plain_string_terms_are_the_ontology_terms() -> None:
    """graph.ns (the fast read path, no rdflib) names exactly the terms the Turtle declares,
    in the same namespaces as graph.terms."""
    assert {ns.CC[name] for name in ns.CC_TERMS} == {str(t) for t in DECLARED}
    assert (ns.CC.base, ns.SCHEMA.base, ns.ORG.base, ns.PROV.base) == (
        NS, str(SCHEMA), str(ORG), str(PROV))
    assert set(ns.EVENT_CLASSES) == {str(c)[len(NS):] for c in EVENT_TYPES.values()}


@pytest.mark.parametrize("term", sorted(DECLARED), ids=lambda t: t[len(NS):])
def test_every_term_has_label_and_comment(term: URIRef) -> None:
    if (term, RDF.type, URIRef("http://www.w3.org/2004/02/skos/core#ConceptScheme")) in ONTOLOGY:
        assert ONTOLOGY.value(term, RDFS.label) is not None
        return
    assert ONTOLOGY.value(term, RDFS.label) is not None, "no rdfs:label"
    assert ONTOLOGY.value(term, RDFS.comment) is not None, "no rdfs:comment"


@pytest.mark.parametrize("cls", sorted(c for c in ONTOLOGY.subjects(RDF.type, OWL.Class)
                                        if str(c).startswith(NS)),
                         ids=lambda t: t[len(NS):])
def test_every_class_reaches_a_standard_class(cls: URIRef) -> None:
    supers = set(ONTOLOGY.transitive_objects(cls, RDFS.subClassOf))
    assert any(str(s).startswith(STANDARD) for s in supers)


@pytest.fixture(scope="module")
def inferred(ds: Dataset) -> Graph:
    import owlrl

    g = union_graph(ds)
    # improved_datatypes=False: owlrl would otherwise patch rdflib's literal parsing globally
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics, improved_datatypes=False).expand(g)
    return g


def test_schema_org_client_after_rdfs_inference(inferred: Graph, ds: Dataset) -> None:
    people = set(inferred.subjects(RDF.type, SCHEMA.Person))
    assert resolve(ds, "Rashad Azizov") in people
    assert set(inferred.subjects(RDF.type, FOAF.Person)) == people
    orgs = set(inferred.subjects(RDF.type, SCHEMA.Organization))
    assert {resolve(ds, "Netflix"), resolve(ds, "Kyrgyzfilm")} <= orgs
    gov = set(inferred.subjects(RDF.type, SCHEMA.GovernmentOrganization))
    assert resolve(ds, "Ministry of Culture of Azerbaijan") in gov
    assert resolve(ds, "Netflix") not in gov
    # 004 ¶5: Birol Güven took part in the panel -> schema:attendee after inference
    panel = resolve(ds, "Перспективы государственно-уровневого сотрудничества в киноиндустрии")
    assert (panel, SCHEMA.attendee, resolve(ds, "Бирол Гювен")) in inferred
    # ORG: a post is an org:Membership; the department is an org:OrganizationalUnit
    assert set(inferred.subjects(RDF.type, ORG.Membership))
    dept = resolve(ds, "Creative Industries and Digital Development Department")
    assert (dept, RDF.type, ORG.OrganizationalUnit) in inferred
    # PROV: every post, participation and agreement (statements: prov:Entity) derives from a
    # source; events are prov:Activity and cite theirs with cc:citedIn
    assert not set(inferred.subjects(RDF.type, PROV.Activity)) & set(
        inferred.subjects(PROV.wasDerivedFrom, None))
    for cls in (CC.PostHeld, CC.Participation, CC.Agreement):
        for node in inferred.subjects(RDF.type, cls):
            assert inferred.value(node, PROV.wasDerivedFrom) is not None, node
