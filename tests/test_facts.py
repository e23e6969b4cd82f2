"""Facts of the articles, as the graph states them (and nothing they do not say)."""

from __future__ import annotations

from conftest import S0, S1, S3, S4
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import XSD

from graph.sparql.describe import citations, find, label, resolve
from graph.terms import CC, ORG, SCHEMA


def _rows(ds: Dataset, query: str, **bindings: URIRef) -> list[tuple[str, ...]]:
    prefixes = (
        "PREFIX cc: <https://w3id.org/cinecoop/ontology#>\n"
        "PREFIX org: <http://www.w3.org/ns/org#>\n"
        "PREFIX schema: <https://schema.org/>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "PREFIX prov: <http://www.w3.org/ns/prov#>\n"
    )
    return sorted(tuple(str(v) for v in row)  # type: ignore[union-attr]
                  for row in ds.query(prefixes + query, initBindings=bindings))


def test_one_organisation_across_english_and_russian(ds: Dataset) -> None:
    # 001 ¶10 "Azerbaijan Film Agency (ARKA)", 003 ¶3 "Azerbaijan Film Agency",
    # 004 ¶5 "Агентства кино Азербайджанской Республики": one node, cited by all three.
    names = ["Azerbaijan Film Agency", "ARKA", "Агентство кино Азербайджанской Республики"]
    nodes = {resolve(ds, n) for n in names}
    assert len(nodes) == 1
    (arka,) = nodes
    assert {S1, S3, S4} <= {c.source for c in citations(ds, arka)}
    # 001 ¶13 "Uzbekistan Cinematography Agency" = 004 ¶5 "Агентства кинематографии Республики
    # Узбекистан"
    assert resolve(ds, "Uzbekistan Cinematography Agency") == resolve(
        ds, "Агентство кинематографии Республики Узбекистан")


def test_post_changed_between_articles_keeps_both_with_dates(ds: Dataset) -> None:
    # 000 ¶4: head of the Creative Industries and Digital Development Department (page dated
    # 20 September 2024); 004 ¶5 (2025-12-09): Director General of the Azerbaijan Film Agency.
    rows = _rows(ds, """
        SELECT ?org ?date ?src WHERE {
          ?post org:member ?person ; org:organization ?org ; prov:wasDerivedFrom ?src .
          OPTIONAL { ?post cc:attestedOn ?date }
        }""", person=resolve(ds, "Rashad Azizov"))
    dept = str(resolve(ds, "Creative Industries and Digital Development Department"))
    arka = str(resolve(ds, "ARKA"))
    src = "https://w3id.org/cinecoop/id/source/"
    assert (dept, "2024-09-20", src + S0) in rows
    assert (arka, "2025-12-09", src + S4) in rows
    # 003 (undated) repeats the department post: kept, with no date rather than a guess.
    assert (dept, "None", src + S3) in rows
    assert len(rows) == 3
    # no end date is inferred for the old post
    for post in ds.subjects(ORG.member, resolve(ds, "Rashad Azizov")):
        assert ds.value(post, SCHEMA.endDate) is None


def test_panel_moderator_and_speakers_with_their_organisations(ds: Dataset) -> None:
    # 004 ¶3-5, as the article lists them.
    expected = {
        ("Kamran Gasimov", "moderator", None),
        ("Saadat Yusifova", "opening speaker", "Ministry of Culture of Azerbaijan"),
        ("Zaur Gardashov", "speaker", "KOBİA"),
        ("Birol Güven", "speaker", "Cinema Directorate of Turkey"),
        ("Rashad Azizov", "speaker", "Azerbaijan Film Agency"),
        ("Saida Saira Raza", "speaker",
         "Directorate of Electronic Media and Publications of Pakistan"),
        ("Mamuka Bliadze", "speaker", "National Film Center of Georgia"),
        ("Saifullo Rajabov", "speaker", "Uzbekistan Cinematography Agency"),
        # ¶2: "представители государственных киноинституций различных стран обсудили"
        ("representatives of state film institutions of various countries", "speaker", None),
    }
    panel = resolve(ds, "Перспективы государственно-уровневого сотрудничества в киноиндустрии")
    got = set()
    for part in ds.subjects(CC.event, panel):
        behalf = ds.value(part, CC.onBehalfOf)
        got.add((label(ds, ds.value(part, CC.participant)),
                 label(ds, ds.value(part, CC.participationRole)),
                 label(ds, behalf) if behalf is not None else None))
    assert got == expected
    # "и др." (and others): the list is marked incomplete
    assert ds.value(panel, CC.participantsIncomplete) == Literal(True)


def test_roundtable_moderator_and_speakers(ds: Dataset) -> None:
    # 001 ¶7: moderated by Azer Aydemir; ¶13 lists Rabiyya Mirlanova of Kyrgyzfilm among others.
    roundtable = resolve(ds, "The Development of Modern Film Production in CIS Countries")
    roles = {(label(ds, ds.value(p, CC.participant)), label(ds, ds.value(p, CC.participationRole)))
             for p in ds.subjects(CC.event, roundtable)}
    assert ("Azer Aydemir", "moderator") in roles
    assert ("Rabiyya Mirlanova", "speaker") in roles
    assert ("Svetlana Semashko", "speaker") in roles
    semashko = next(p for p in ds.subjects(CC.event, roundtable)
                    if ds.value(p, CC.participant) == resolve(ds, "Svetlana Semashko"))
    assert ds.value(semashko, CC.onBehalfOf) == resolve(ds, "Belarus")  # "from Belarus"


def test_nothing_the_article_does_not_say(ds: Dataset) -> None:
    # 003 ¶1: Cinema Talks at the Heydar Aliyev Center — no city, no date in the article.
    talks = resolve(ds, "Cinema Talks")
    assert ds.value(talks, CC.venue) == resolve(ds, "Heydar Aliyev Center")
    for prop in (CC.city, SCHEMA.startDate, CC.reportedOn):
        assert ds.value(talks, prop) is None, prop
    # 001: the roundtable has no venue, city or date; only the article's date as "reported".
    roundtable = resolve(ds, "The Development of Modern Film Production in CIS Countries")
    for prop in (CC.venue, CC.city, SCHEMA.startDate):
        assert ds.value(roundtable, prop) is None, prop
    assert ds.value(roundtable, CC.reportedOn) == Literal("2025-12-01", datatype=XSD.date)
    # 000 ¶9: "from 23 to 28 August" with no year -> month-day only.
    week = resolve(ds, "Moscow International Film Week")
    assert ds.value(week, SCHEMA.startDate) == Literal("--08-23", datatype=XSD.gMonthDay)
    assert ds.value(week, SCHEMA.endDate) == Literal("--08-28", datatype=XSD.gMonthDay)
    # 003 carries no date at all: the source is undated, not guessed.
    src3 = URIRef(f"https://w3id.org/cinecoop/id/source/{S3}")
    assert ds.value(src3, SCHEMA.datePublished) is None
    assert str(ds.value(src3, CC.dateBasis)) == "undated"
    # Kyrgyzfilm's country is not stated in 001.
    assert ds.value(resolve(ds, "Kyrgyzfilm"), CC.country) is None


def test_netflix_partnership(ds: Dataset) -> None:
    # 002 ¶2: the Azerbaijan Culture Ministry has started a partnership with Netflix.
    netflix = resolve(ds, "Netflix")
    (agreement,) = list(ds.subjects(CC.party, netflix))
    parties = set(ds.objects(agreement, CC.party))
    assert parties == {netflix, resolve(ds, "Ministry of Culture of Azerbaijan")}
    assert label(ds, ds.value(agreement, CC.agreementKind)) == "partnership"


def test_units_and_people_link_to_their_ministry(ds: Dataset) -> None:
    dept = resolve(ds, "Creative Industries and Digital Development Department")
    assert ds.value(dept, ORG.unitOf) == resolve(ds, "Ministry of Culture of Azerbaijan")
    assert find(ds, "hocazfilm") == [resolve(ds, "Hoçazfilm")]


def test_each_source_graph_says_only_what_that_source_says(ds: Dataset) -> None:
    from graph.terms import source_graph

    # 003 ¶12 names Baku Cinema Breeze as a festival; only 004 ¶1 places it within the OIC
    # Cultural Festival: Baku Creative Week 2025.
    bcb = resolve(ds, "Baku Cinema Breeze")
    week = resolve(ds, "Культурный фестиваль ОИС: Бакинская Творческая неделя – 2025")
    assert (bcb, SCHEMA.superEvent, week) in ds.graph(source_graph(S4))
    assert (bcb, SCHEMA.superEvent, None) not in ds.graph(source_graph(S3))
    # "operating under the Culture Ministry" is 001 ¶10; 003 and 004 do not say it.
    arka = resolve(ds, "ARKA")
    ministry = resolve(ds, "Ministry of Culture of Azerbaijan")
    assert (arka, ORG.subOrganizationOf, ministry) in ds.graph(source_graph(S1))
    for source in (S3, S4):
        assert (arka, ORG.subOrganizationOf, None) not in ds.graph(source_graph(source))
    # posts stay in the graph of the source that states them
    posts = {ds.value(p, ORG.organization) for p in ds.graph(source_graph(S4)).subjects(
        ORG.member, resolve(ds, "Rashad Azizov"))}
    assert posts == {arka}
