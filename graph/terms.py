"""Namespaces and ontology terms.

``CC`` is a closed namespace: a term that is not declared in ``ontology/cinema.ttl`` fails at
import (``_fail = True``); ``tests/test_terms.py`` keeps this list and the Turtle in sync.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from graph import ns
from graph.ns import BASE as BASE
from graph.ns import ONTOLOGY_DIR as ONTOLOGY_DIR
from graph.ns import ONTOLOGY_FILE as ONTOLOGY_FILE
from graph.ns import REPO as REPO
from graph.ns import SHAPES_FILE as SHAPES_FILE

ID = Namespace(ns.ID.base)
GRAPH = Namespace(ns.GRAPH.base)
ONTOLOGY_GRAPH = GRAPH["ontology"]
ROLE = Namespace(BASE + "vocab/participation-role/")
POST = Namespace(BASE + "vocab/post-role/")
AKIND = Namespace(BASE + "vocab/agreement-kind/")
ASTATUS = Namespace(BASE + "vocab/agreement-status/")

SCHEMA = Namespace(ns.SCHEMA.base)
ORG = Namespace(ns.ORG.base)
PROV = Namespace(ns.PROV.base)

#: The one prefix table (plain strings, in :mod:`graph.ns`, so the fast read path has it).
PREFIXES = ns.PREFIXES


class CC(DefinedNamespace):
    """The cinecoop ontology (``ontology/cinema.ttl``)."""

    _NS = Namespace(ns.CC.base)
    _fail = True

    # classes
    Person: URIRef
    Organisation: URIRef
    GovernmentBody: URIRef
    Ministry: URIRef
    FilmAgency: URIRef
    FilmCommission: URIRef
    GovernmentAgency: URIRef
    Parliament: URIRef
    IntergovernmentalBody: URIRef
    Studio: URIRef
    StreamingPlatform: URIRef
    Fund: URIRef
    Guild: URIRef
    Company: URIRef
    CulturalCentre: URIRef
    NewsOutlet: URIRef
    OrganisationalUnit: URIRef
    UnnamedGroup: URIRef
    Country: URIRef
    Place: URIRef
    City: URIRef
    Venue: URIRef
    Event: URIRef
    Festival: URIRef
    Programme: URIRef
    Roundtable: URIRef
    PanelDiscussion: URIRef
    Presentation: URIRef
    Interview: URIRef
    EventSeries: URIRef
    Meeting: URIRef
    Conference: URIRef
    SigningCeremony: URIRef
    OpeningCeremony: URIRef
    PressConference: URIRef
    PostHeld: URIRef
    Participation: URIRef
    Agreement: URIRef
    Signature: URIRef
    NewsArticle: URIRef
    Paragraph: URIRef
    # concept schemes
    ParticipationRoles: URIRef
    PostRoles: URIRef
    AgreementKinds: URIRef
    AgreementStatuses: URIRef
    # properties
    isoCode: URIRef
    country: URIRef
    basedIn: URIRef
    within: URIRef
    namedAfter: URIRef
    occupation: URIRef
    honoraryTitle: URIRef
    labelNote: URIRef
    venue: URIRef
    city: URIRef
    framework: URIRef
    partOfSeries: URIRef
    editionNumber: URIRef
    heldInParallelWith: URIRef
    convenedByDecisionOf: URIRef
    participantsIncomplete: URIRef
    reportedOn: URIRef
    participatedIn: URIRef
    hasParticipant: URIRef
    metWith: URIRef
    affiliatedWith: URIRef
    postTitle: URIRef
    acting: URIRef
    attestedOn: URIRef
    participant: URIRef
    event: URIRef
    participationRole: URIRef
    onBehalfOf: URIRef
    topic: URIRef
    certainty: URIRef
    groupSize: URIRef
    groupSizeQualifier: URIRef
    agreementKind: URIRef
    status: URIRef
    party: URIRef
    partiesUnstated: URIRef
    statedBy: URIRef
    announcedAt: URIRef
    concerns: URIRef
    scope: URIRef
    signedOn: URIRef
    signedAt: URIRef
    signedDuring: URIRef
    providesFor: URIRef
    signedBy: URIRef
    signatory: URIRef
    signatureOf: URIRef
    signedFor: URIRef
    citedIn: URIRef
    citedParagraph: URIRef
    fileName: URIRef
    paragraphCount: URIRef
    dateBasis: URIRef
    textComplete: URIRef
    accessedOn: URIRef
    credits: URIRef


# Record kinds (the folders of data/) and the class each `type:` value maps to.
ORG_TYPES: dict[str, URIRef] = {
    "organisation": CC.Organisation,
    "ministry": CC.Ministry,
    "film-agency": CC.FilmAgency,
    "film-commission": CC.FilmCommission,
    "government-agency": CC.GovernmentAgency,
    "parliament": CC.Parliament,
    "intergovernmental": CC.IntergovernmentalBody,
    "studio": CC.Studio,
    "streaming-platform": CC.StreamingPlatform,
    "fund": CC.Fund,
    "guild": CC.Guild,
    "company": CC.Company,
    "cultural-centre": CC.CulturalCentre,
    "news-outlet": CC.NewsOutlet,
    "unit": CC.OrganisationalUnit,
}
EVENT_TYPES: dict[str, URIRef] = {
    "event": CC.Event,
    "festival": CC.Festival,
    "programme": CC.Programme,
    "roundtable": CC.Roundtable,
    "panel": CC.PanelDiscussion,
    "presentation": CC.Presentation,
    "interview": CC.Interview,
    "series": CC.EventSeries,
    "meeting": CC.Meeting,
    "conference": CC.Conference,
    "signing-ceremony": CC.SigningCeremony,
    "opening-ceremony": CC.OpeningCeremony,
    "press-conference": CC.PressConference,
}
PLACE_TYPES: dict[str, URIRef] = {"place": CC.Place, "city": CC.City, "venue": CC.Venue}

# Controlled lists: record field -> (namespace of its concepts, scheme).
SCHEMES: dict[str, tuple[Namespace, URIRef]] = {
    "participation-role": (ROLE, CC.ParticipationRoles),
    "post-role": (POST, CC.PostRoles),
    "agreement-kind": (AKIND, CC.AgreementKinds),
    "agreement-status": (ASTATUS, CC.AgreementStatuses),
}


def entity_iri(kind: str, ident: str) -> URIRef:
    """The IRI of a record: ``entity_iri("person", "rashad-azizov")``."""
    return ID[f"{kind}/{ident}"]


WIKIDATA = Namespace("http://www.wikidata.org/entity/")


def wikidata_iri(qid: str) -> URIRef:
    """The Wikidata item IRI of a curated ``wikidata: Q...`` id."""
    return WIKIDATA[qid]


def group_iri(participation_id: str) -> URIRef:
    """The unnamed group of participants a participation record describes."""
    return ID[f"group/{participation_id}"]


def signature_iri(agreement_id: str, person_id: str) -> URIRef:
    return ID[f"signature/{agreement_id}/{person_id}"]


def source_iri(source_id: str) -> URIRef:
    return ID[f"source/{source_id}"]


def paragraph_iri(source_id: str, number: int) -> URIRef:
    return ID[f"source/{source_id}/paragraph/{number}"]


def source_graph(source_id: str) -> URIRef:
    return GRAPH[source_id]
