"""Namespaces, ontology term names and file locations as plain strings: no rdflib.

The fast read path (``show``, ``find``, ``stats``, look-ups) names terms through this module
so that it never imports rdflib; :mod:`graph.terms` builds its rdflib namespaces from the same
strings, and ``tests/test_terms.py`` checks that ``CC_TERMS`` lists exactly the terms of
:class:`graph.terms.CC` (which are checked against ``ontology/cinema.ttl``).

>>> CC.citedIn
'https://w3id.org/cinecoop/ontology#citedIn'
>>> ID["person/rashad-azizov"]
'https://w3id.org/cinecoop/id/person/rashad-azizov'
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["Space", "BASE", "ID", "ENTITY_KINDS", "GRAPH", "CC", "CC_TERMS", "SCHEMA", "ORG",
           "PROV", "RDF", "RDFS", "SKOS", "XSD", "PREFIXES", "REPO", "ONTOLOGY_DIR",
           "ONTOLOGY_FILE", "SHAPES_FILE"]

REPO = Path(__file__).resolve().parent.parent
# graph/ontology is a link to the repository's ontology/ folder, so that an installed wheel
# carries the ontology and the shapes as package data.
ONTOLOGY_DIR = Path(__file__).resolve().parent / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "cinema.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"

BASE = "https://w3id.org/cinecoop/"


class Space:
    """A namespace of plain-string IRIs: ``Space(base).term`` and ``Space(base)["a/b"]``;
    closed (an unknown term is an AttributeError) when ``terms`` is given."""

    def __init__(self, base: str, terms: frozenset[str] | None = None):
        self.base = base
        self.terms = terms

    def __getattr__(self, name: str) -> str:
        if name.startswith("_") or (self.terms is not None and name not in self.terms):
            raise AttributeError(f"{self.base} has no term {name!r}")
        iri = self.base + name
        setattr(self, name, iri)    # kept: the next look-up does not come here (describe
        return iri                  # names terms hundreds of thousands of times at scale)

    def __getitem__(self, name: str) -> str:
        return self.base + name

    def __str__(self) -> str:
        return self.base

    def __repr__(self) -> str:
        return f"Space({self.base!r})"


CC_TERMS = frozenset("""
Person Organisation GovernmentBody Ministry FilmAgency FilmCommission GovernmentAgency
Parliament IntergovernmentalBody Studio StreamingPlatform Fund Guild Company CulturalCentre
NewsOutlet OrganisationalUnit UnnamedGroup Country Place City Venue Event Festival Programme
Roundtable PanelDiscussion Presentation Interview EventSeries Meeting Conference
SigningCeremony OpeningCeremony PressConference PostHeld Participation Agreement Signature
NewsArticle Paragraph ParticipationRoles PostRoles AgreementKinds AgreementStatuses
isoCode country basedIn within namedAfter occupation honoraryTitle labelNote venue city
framework partOfSeries editionNumber heldInParallelWith convenedByDecisionOf
participantsIncomplete reportedOn participatedIn hasParticipant metWith affiliatedWith
postTitle acting attestedOn participant event participationRole onBehalfOf topic certainty
groupSize groupSizeQualifier agreementKind status party partiesUnstated statedBy announcedAt
concerns scope signedOn signedAt signedDuring providesFor signedBy signatory signatureOf
signedFor citedIn citedParagraph fileName paragraphCount dateBasis textComplete accessedOn
credits
""".split())

ID = Space(BASE + "id/")
#: the kinds of entity a record can be, the first part of its id (``person/rashad-azizov``)
ENTITY_KINDS = ("person", "organisation", "country", "place", "event", "agreement")
GRAPH = Space(BASE + "graph/")
CC = Space(BASE + "ontology#", CC_TERMS)
SCHEMA = Space("https://schema.org/")
ORG = Space("http://www.w3.org/ns/org#")
PROV = Space("http://www.w3.org/ns/prov#")
RDF = Space("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Space("http://www.w3.org/2000/01/rdf-schema#")
SKOS = Space("http://www.w3.org/2004/02/skos/core#")
XSD = Space("http://www.w3.org/2001/XMLSchema#")

#: The one prefix table: Turtle/TriG output, query results, the endpoint's query page. The
#: ontology's own ``@prefix`` lines use the same prefixes (``tests/test_terms.py`` checks).
PREFIXES: dict[str, str] = {
    "cc": CC.base, "id": ID.base, "graph": GRAPH.base, "role": BASE + "vocab/participation-role/",
    "post": BASE + "vocab/post-role/", "akind": BASE + "vocab/agreement-kind/",
    "astatus": BASE + "vocab/agreement-status/",
    "schema": SCHEMA.base, "org": ORG.base, "prov": PROV.base,
    "skos": SKOS.base, "foaf": "http://xmlns.com/foaf/0.1/",
    "dcterms": "http://purl.org/dc/terms/", "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": RDFS.base, "xsd": XSD.base,
    "vann": "http://purl.org/vocab/vann/",
}

#: The entity classes (most specific class names) that events have, by record ``type:``.
EVENT_CLASSES = ("Event", "Festival", "Programme", "Roundtable", "PanelDiscussion",
                 "Presentation", "Interview", "EventSeries", "Meeting", "Conference",
                 "SigningCeremony", "OpeningCeremony", "PressConference")
