"""Model v2 constructs, one test each: what the articles say (seeds) where one says it, else what
the short fixture text ``tests/fixtures/model_v2/texts/f01_council_signing.txt`` says (a text
written for these tests: signatories, signing date and place, a memorandum that provides for a
protocol, an acting director general, an honorary title, a numbered series of meetings, a
meeting convened by decision of an earlier one, a press conference held in parallel, an opening
ceremony attended by "more than 30 production companies", a source marked complete).
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from conftest import DATA, REPO, S1, S3, S4
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from graph.data.build import build, union_graph
from graph.data.integrity import check
from graph.data.load import build_dataset, concept_ids, load_ontology
from graph.data.records import Record, read_records
from graph.data.validate import validate
from graph.network.trends import per_year
from graph.sparql.describe import describe, resolve
from graph.sparql.named import run
from graph.sparql.stores import Store, open_store
from graph.terms import (
    AKIND,
    CC,
    EVENT_TYPES,
    PROV,
    ROLE,
    SCHEMA,
    entity_iri,
    group_iri,
    signature_iri,
    source_graph,
    source_iri,
)

FIXTURE = REPO / "tests" / "fixtures" / "model_v2"
F1 = "f01_council_signing"
ONTOLOGY = load_ontology()


def ids(kind: str, *names: str) -> list[URIRef]:
    return [entity_iri(kind, n) for n in names]


@pytest.fixture(scope="module")
def fx() -> Dataset:
    records, problems = read_records(FIXTURE / "data")
    assert problems == []
    return build_dataset(records)


@pytest.fixture(scope="module")
def fg(fx: Dataset) -> Graph:
    return union_graph(fx, with_ontology=False)


@pytest.fixture(scope="module")
def fx_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    out = tmp_path_factory.mktemp("fx-out")
    build(FIXTURE / "data", out)
    return open_store(None, out, FIXTURE / "data")


def ask(store: Store, name: str, **params: str) -> list[dict[str, object]]:
    result = run(store, name=name, params=params).result
    return [{v: t for v, t in zip(result.vars, row, strict=True) if t is not None}
            for row in result.rows]


def lines(g: Graph, node: URIRef) -> list[str]:
    return [text for _section, text, _cite in describe(g, node).facts]


def test_fixture_passes_every_check_including_the_text() -> None:
    report = validate(FIXTURE / "data", FIXTURE / "texts")
    assert [str(p) for p in report.problems] == []
    assert report.text_checked.startswith("checked against")


# ---------------------------------------------------------------- agreements: signing

def test_signatories_each_for_a_party(fx: Dataset, fg: Graph) -> None:
    """¶2: Ali Veliyev and Botir Karimov signed the memorandum on behalf of their agencies."""
    mou = entity_iri("agreement", "f01-co-production-mou")
    veliyev, karimov = ids("person", "ali-veliyev", "botir-karimov")
    arka, uzbekkino = ids("organisation", "azerbaijan-film-agency", "uzbekkino")
    assert set(fg.objects(mou, CC.signedBy)) == {veliyev, karimov}
    for person, party in ((veliyev, arka), (karimov, uzbekkino)):
        sig = signature_iri("f01-co-production-mou", person.rsplit("/", 1)[-1])
        assert (sig, RDF.type, CC.Signature) in fg
        assert fg.value(sig, CC.signatory) == person
        assert fg.value(sig, CC.signedFor) == party
        assert fg.value(sig, CC.signatureOf) == mou
        assert (sig, PROV.wasDerivedFrom, source_iri(F1)) in fx.graph(source_graph(F1))
    assert "signed by: Ali Veliyev for Azerbaijan Film Agency" in lines(fg, mou)


def test_signing_date_place_and_event_apart_from_the_report(fg: Graph) -> None:
    """¶1-2: signed at the Hotel Uzbekistan during the ceremony of the 14 March meeting."""
    mou = entity_iri("agreement", "f01-co-production-mou")
    assert fg.value(mou, CC.signedOn) == Literal("2026-03-14", datatype=XSD.date)
    assert fg.value(mou, CC.signedAt) == entity_iri("place", "hotel-uzbekistan")
    assert fg.value(mou, CC.signedDuring) == entity_iri("event", "council-signing-ceremony")
    # the report's date stays on the source, not on the agreement
    assert fg.value(mou, SCHEMA.datePublished) is None


def test_memorandum_provides_for_a_protocol(fg: Graph) -> None:
    """¶3: the memorandum provides for a protocol on joint distribution."""
    mou = entity_iri("agreement", "f01-co-production-mou")
    protocol = entity_iri("agreement", "f01-distribution-protocol")
    assert fg.value(mou, CC.agreementKind) == AKIND["mou"]
    assert fg.value(protocol, CC.agreementKind) == AKIND["protocol"]
    assert fg.value(mou, CC.providesFor) == protocol


def test_agreements_query_shows_signatories_and_finds_a_countrys_organisations(
        fx_store: Store) -> None:
    """``with=Uzbekistan`` finds the agreements of Uzbekkino (a party whose country is
    Uzbekistan), with who signed for each party and when and where."""
    rows = ask(fx_store, "agreements", **{"with": "Uzbekistan"})
    mou = entity_iri("agreement", "f01-co-production-mou")
    signed = {(r["party"], r.get("signatory")) for r in rows if r["agreement"] == mou}
    assert signed == {(entity_iri("organisation", "uzbekkino"),
                       entity_iri("person", "botir-karimov")),
                      (entity_iri("organisation", "azerbaijan-film-agency"),
                       entity_iri("person", "ali-veliyev"))}
    assert {r["signedOn"] for r in rows if r["agreement"] == mou} == {
        Literal("2026-03-14", datatype=XSD.date)}
    assert {r["agreement"] for r in rows} == {mou, entity_iri("agreement",
                                                              "f01-distribution-protocol")}


def test_with_country_finds_agreements_of_its_organisations_in_the_seeds(built: Path) -> None:
    """002 ¶2: the Azerbaijani Culture Ministry's partnership with Netflix is an agreement of
    Azerbaijan's organisations; 001 ¶10: ARKA's support programme too."""
    store = open_store(None, built, DATA)
    found = {r["agreement"] for r in ask(store, "agreements", **{"with": "Azerbaijan"})}
    assert entity_iri("agreement", "ministry-of-culture-netflix-partnership") in found
    assert entity_iri("agreement", "arka-state-commissioned-film-support") in found
    # 000 ¶3: Azerbaijan itself is a party of the remakes
    assert entity_iri("agreement", "azerbaijan-russia-film-remakes") in found


def test_signatory_must_sign_for_a_party(tmp_path: Path) -> None:
    rec = Record("agreement", "x", "data/facts/f.yaml", 3,
                 {"id": "x", "kind": "mou", "title": "X", "status": "signed", "para": 1,
                  "parties": ["uzbekkino"],
                  "signatories": [{"person": "ali-veliyev", "for": "azerbaijan-film-agency"}]},
                 source=F1)
    records, _ = read_records(FIXTURE / "data")
    problems = [str(p) for p in check([*records, rec], concept_ids(ONTOLOGY))]
    assert any("signs for 'azerbaijan-film-agency', not a party" in p for p in problems)


# ---------------------------------------------------------------- posts

def test_acting_post(fg: Graph, fx_store: Store) -> None:
    """¶2: 'Acting Director General of the Azerbaijan Film Agency Ali Veliyev'."""
    post = entity_iri("post", "f01-veliyev-acting-director-general")
    assert fg.value(post, CC.acting) == Literal(True)
    rows = ask(fx_store, "posts-of", person="Ali Veliyev")
    assert [r.get("acting") for r in rows] == [Literal(True)]
    rows = ask(fx_store, "people-of", organisation="Uzbekkino")
    assert [r.get("acting") for r in rows] == [None]  # Botir Karimov is director, not acting
    assert any("(acting)" in line for line in lines(fg, entity_iri("person", "ali-veliyev")))


def test_honorary_title_is_not_a_post(fg: Graph) -> None:
    """¶2: 'People's Artist of Uzbekistan Botir Karimov'."""
    karimov = entity_iri("person", "botir-karimov")
    assert fg.value(karimov, CC.honoraryTitle) == Literal("People's Artist of Uzbekistan",
                                                          lang="en")
    assert "honorary title: People's Artist of Uzbekistan" in lines(fg, karimov)


# ---------------------------------------------------------------- events

def test_series_and_numbered_editions(fg: Graph, fx_store: Store) -> None:
    """¶1: 'The Second Meeting of the Council ...' and 'the First Meeting ... in Baku'."""
    series = entity_iri("event", "council-of-film-agencies-meetings")
    first, second = ids("event", "council-first-meeting", "council-second-meeting")
    assert (series, RDF.type, CC.EventSeries) in fg
    assert {(e, fg.value(e, CC.editionNumber)) for e in fg.subjects(CC.partOfSeries, series)} \
        == {(first, Literal(1)), (second, Literal(2))}
    # an edition is not nested in its series (that is schema:superEvent, for a panel in a week)
    assert (second, SCHEMA.superEvent, series) not in fg
    rows = ask(fx_store, "editions", series="Meeting of the Council of Film Agencies")
    assert [r["edition"] for r in rows][0] == first
    signatories = {r["participant"] for r in rows
                   if r["edition"] == second and r.get("role") == ROLE["signatory"]}
    assert signatories == set(ids("person", "ali-veliyev", "botir-karimov"))


def test_series_in_the_seeds(ds: Dataset, built: Path) -> None:
    """004 ¶1: 'Культурный фестиваль ОИС: Бакинская Творческая неделя – 2025' is the 2025 edition
    of Baku Creative Week; the panel of ¶1-5 was held within it."""
    week = resolve(ds, "Культурный фестиваль ОИС: Бакинская Творческая неделя – 2025")
    series = resolve(ds, "Бакинская Творческая неделя")
    assert (week, CC.partOfSeries, series) in ds.graph(source_graph(S4))
    rows = ask(open_store(None, built, DATA), "editions", series="Baku Creative Week")
    assert {r["edition"] for r in rows} == {week}
    # 004 ¶5: Birol Güven spoke for the Cinema Directorate of Turkey
    assert (entity_iri("person", "birol-guven"), entity_iri("organisation",
            "cinema-directorate-turkey")) in {(r.get("participant"), r.get("onBehalfOf"))
                                              for r in rows}


def test_new_event_kinds_are_events() -> None:
    for kind in ("meeting", "conference", "signing-ceremony", "opening-ceremony",
                 "press-conference", "series"):
        cls = EVENT_TYPES[kind]
        assert CC.Event in set(ONTOLOGY.transitive_objects(cls, RDFS.subClassOf)), kind


def test_fixture_uses_the_new_event_kinds(fg: Graph) -> None:
    """¶1 a meeting, ¶2 a signing ceremony, ¶4 a press conference and an opening ceremony."""
    for slug, cls in (("council-second-meeting", CC.Meeting),
                      ("council-signing-ceremony", CC.SigningCeremony),
                      ("council-press-conference", CC.PressConference),
                      ("council-opening-ceremony", CC.OpeningCeremony)):
        assert (entity_iri("event", slug), RDF.type, cls) in fg


def test_held_in_parallel_and_convened_by_decision(fg: Graph) -> None:
    """¶4: a press conference in parallel with the meeting; ¶1: convened by decision of the
    First Meeting."""
    first, second, press = ids("event", "council-first-meeting", "council-second-meeting",
                               "council-press-conference")
    assert (press, CC.heldInParallelWith, second) in fg
    assert (second, CC.heldInParallelWith, press) in fg  # symmetric, both ways
    assert fg.value(second, CC.convenedByDecisionOf) == first
    shown = lines(fg, second)
    assert "convened by decision of: First Meeting of the Council of Film Agencies" in shown


# ---------------------------------------------------------------- unnamed participants

def test_unnamed_group_with_size_and_countries(fg: Graph) -> None:
    """¶4: 'More than 30 production companies from Azerbaijan and Uzbekistan attended'."""
    group = group_iri("f01-production-companies")
    opening = entity_iri("event", "council-opening-ceremony")
    assert (group, RDF.type, CC.UnnamedGroup) in fg
    assert fg.value(group, CC.groupSize) == Literal(30)
    assert str(fg.value(group, CC.groupSizeQualifier)) == "more than"
    assert set(fg.objects(group, CC.country)) == set(ids("country", "az", "uz"))
    part = entity_iri("participation", "f01-production-companies")
    assert fg.value(part, CC.participant) == group
    assert (opening, CC.hasParticipant, group) in fg
    # the countries are not made participants, and the group meets no one
    assert (opening, CC.hasParticipant, entity_iri("country", "az")) not in fg
    assert not list(fg.triples((group, CC.metWith, None)))


def test_unnamed_groups_in_the_seeds(ds: Dataset) -> None:
    """001 ¶6 'brought together industry experts'; 003 ¶1 'involving representatives of the film
    industry'; 004 ¶2 'представители государственных киноинституций различных стран'."""
    for source, part, event in ((S1, "001-industry-experts", "cis-film-production-roundtable"),
                                (S3, "003-film-industry-representatives", "cinema-talks"),
                                (S4, "004-state-film-institutions",
                                 "state-level-cooperation-panel")):
        g = ds.graph(source_graph(source))
        group = group_iri(part)
        assert (group, RDF.type, CC.UnnamedGroup) in g, part
        assert (entity_iri("event", event), CC.hasParticipant, group) in g
        assert g.value(group, SKOS.prefLabel) is not None


def test_participation_needs_an_agent_or_a_group() -> None:
    rec = Record("participation", "p", "data/facts/f.yaml", 3,
                 {"id": "p", "event": "council-second-meeting", "role": "attendee", "para": 1},
                 source=F1)
    problems = [str(p) for p in check([rec], concept_ids(ONTOLOGY))]
    assert any("needs either an agent or a group" in p for p in problems)


# ---------------------------------------------------------------- identity and sources

def test_wikidata_ids_are_format_checked() -> None:
    records, _ = read_records(FIXTURE / "data")
    bad = Record("country", "kg", "data/countries/kg.yaml", 1,
                 {"id": "kg", "iso": "KG", "labels": {"en": "Kyrgyzstan"}, "wikidata": "813",
                  "cite": [f"{F1}:4"]})
    twin = Record("country", "uz2", "data/countries/uz2.yaml", 1,
                  {"id": "uz2", "iso": "UZ", "labels": {"en": "Uzbekistan"}, "wikidata": "Q265",
                   "cite": [f"{F1}:4"]})
    problems = [str(p) for p in check([*records, bad, twin], concept_ids(ONTOLOGY))]
    assert any("'813' is not a valid wikidata id" in p for p in problems)
    assert any("Q265 is also the wikidata of country 'uz'" in p for p in problems)
    assert any("UZ is also the iso of country 'uz'" in p for p in problems)


def test_source_completeness_and_access_date(fg: Graph) -> None:
    src = source_iri(F1)
    assert fg.value(src, CC.textComplete) == Literal(True)
    assert fg.value(src, CC.accessedOn) == Literal("2026-03-20", datatype=XSD.date)
    assert fg.value(src, SCHEMA.datePublished) == Literal("2026-03-14", datatype=XSD.date)


def test_a_series_is_not_counted_as_one_event(G: nx.MultiDiGraph, built: Path) -> None:
    """004 ¶1 names the series Baku Creative Week through its 2025 edition: the series is no
    event of 2025 (timeline, per-year counts and the report's timeline leave it out)."""
    series = "event/baku-creative-week"
    assert G.nodes[series]["cls"] == "EventSeries"
    rows = ask(open_store(None, built, DATA), "timeline")
    assert entity_iri("event", "baku-creative-week") not in {r["event"] for r in rows}
    assert entity_iri("event", "oic-cultural-festival-baku-creative-week-2025") in {
        r["event"] for r in rows}
    def year(row: dict[str, object]) -> str:  # the event's own year, else the reporting one
        start = str(row.get("start") or "")
        return start[:4] if start[:1].isdigit() else str(row.get("reported") or "")[:4]

    assert [y.events for y in per_year(G) if y.year == "2025"] == [
        sum(1 for r in rows if year(r) == "2025")]
