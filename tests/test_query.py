"""The named-query library and ``cinecoop query``: every answer checked against the articles.

Each named query runs on the curated graph (the Oxigraph store that ``build`` writes, the
default); expectations come from the article texts, cited by source and paragraph. That the
three stores agree row for row is ``tests/test_push.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import REPO, Ran
from clirun import cinecoop as run_cinecoop
from conftest import DATA, S0, S2, S3, S4
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from graph.sparql.named import ParamError, UnknownQuery, named_queries, run
from graph.sparql.stores import QueryResult, Store, open_store
from graph.text import read_paragraphs

ID = "https://w3id.org/cinecoop/id/"
PANEL = URIRef(ID + "event/state-level-cooperation-panel")
PRESENTATION = URIRef(ID + "event/azerbaijan-filming-commission-presentation")
ROUNDTABLE = URIRef(ID + "event/cis-film-production-roundtable")
CINEMA_TALKS = URIRef(ID + "event/cinema-talks")
MOSCOW_WEEK = URIRef(ID + "event/moscow-international-film-week")
MINISTRY = URIRef(ID + "organisation/ministry-of-culture-azerbaijan")
ARKA = URIRef(ID + "organisation/azerbaijan-film-agency")
ROLE = "https://w3id.org/cinecoop/vocab/participation-role/"
POST = "https://w3id.org/cinecoop/vocab/post-role/"


def org(slug: str) -> URIRef:
    return URIRef(ID + "organisation/" + slug)


def person(slug: str) -> URIRef:
    return URIRef(ID + "person/" + slug)


def country(code: str) -> URIRef:
    return URIRef(ID + "country/" + code)


def source(stem: str) -> URIRef:
    return URIRef(ID + "source/" + stem)


@pytest.fixture(scope="module")
def store(built: Path) -> Store:
    return open_store(None, built, DATA)


def ask(store: Store, name: str, **params: str) -> list[dict[str, object]]:
    """Rows of a named query as dicts (unbound values left out)."""
    result: QueryResult = run(store, name=name, params=params).result
    return [{v: t for v, t in zip(result.vars, row, strict=True) if t is not None}
            for row in result.rows]


def column(rows: list[dict[str, object]], name: str) -> set[object]:
    return {r[name] for r in rows if name in r}


# ------------------------------------------------------------------ the library itself


def test_library_has_the_questions_of_the_issue_with_headers() -> None:
    names = {q.name for q in named_queries()}
    assert len(names) >= 12
    assert {"agencies-at-event", "events-of", "posts-of", "organisation-pairs", "country-pairs",
            "agreements", "repeat-organisations", "timeline", "source-says", "sources-of",
            "multilingual-names", "unaffiliated-people"} <= names
    for q in named_queries():
        assert q.title and q.title != q.name, q.name
        assert len(q.description) > 40, q.name
        assert q.usage.startswith(f"cinecoop query {q.name}"), q.name
        for p in q.params:
            assert p.description and p.example, (q.name, p.name)
            assert f"?{p.name}" in q.text, (q.name, p.name)
        if q.params:
            assert "never pasted" in q.text, f"{q.name}: say how values are given"


def test_every_header_example_runs_and_answers(store: Store) -> None:
    for q in named_queries():
        params = {p.name: p.example for p in q.params if p.example}
        rows = ask(store, q.name, **params)  # type: ignore[arg-type]
        assert rows, f"{q.name} with its header example {params} gave no rows"


# ------------------------------------------------------------------ one test per question


def test_agencies_at_baku_cinema_breeze(store: Store) -> None:
    # 004 ¶1: the panel took place within Baku Cinema Breeze; ¶3-¶5 name who spoke for whom.
    rows = ask(store, "agencies-at-event", event="Baku Cinema Breeze")
    pairs = {(r.get("organisation"), r.get("person")) for r in rows}
    assert {(org("cinema-directorate-turkey"), person("birol-guven")),
            (ARKA, person("rashad-azizov")),
            (org("electronic-media-directorate-pakistan"), person("saida-saira-raza")),
            (org("national-film-center-georgia"), person("mamuka-bliadze")),
            (org("uzbekistan-cinematography-agency"), person("saifullo-rajabov")),
            (org("kobia"), person("zaur-gardashov")),
            (MINISTRY, person("saadat-yusifova"))} <= pairs
    assert {country(c) for c in ("az", "tr", "pk", "ge", "uz")} <= column(rows, "country")
    # ¶10 names Italy only as a partner to strengthen ties with, not as a participant.
    assert country("it") not in column(rows, "country")
    roles = {r["role"] for r in rows if r.get("organisation") == MINISTRY}
    assert roles == {URIRef(ROLE + "opening-speaker")}  # ¶3: "Вступительным словом"
    assert column(rows, "at") == {PANEL}


def test_participants_of_the_panel_by_its_russian_title(store: Store) -> None:
    rows = ask(store, "participants",
               event="Перспективы государственно-уровневого сотрудничества в киноиндустрии")
    by_role: dict[object, set[object]] = {}
    for r in rows:
        by_role.setdefault(r["role"], set()).add(r["participant"])
    assert by_role[URIRef(ROLE + "moderator")] == {person("kamran-gasimov")}       # ¶5
    assert by_role[URIRef(ROLE + "opening-speaker")] == {person("saadat-yusifova")}  # ¶3
    assert {person(p) for p in ("birol-guven", "rashad-azizov", "saida-saira-raza",
                                "mamuka-bliadze", "saifullo-rajabov")} <= \
        by_role[URIRef(ROLE + "speaker")]                                            # ¶5
    assert column(rows, "source") == {source(S4)}
    speakers_para5 = {r["participant"] for r in rows if r.get("paragraph") == Literal(5)}
    assert person("birol-guven") in speakers_para5


def test_events_of_the_culture_ministry_and_of_georgia(store: Store) -> None:
    rows = ask(store, "events-of", agent="Ministry of Culture of Azerbaijan")
    # 001 ¶7 deputy minister Jafarov; 002 ¶3 the ministry's statement; 003 ¶1 organiser;
    # 004 ¶3 deputy minister Yusifova.
    assert {ROUNDTABLE, PRESENTATION, CINEMA_TALKS, PANEL} <= column(rows, "event")
    assert URIRef(ROLE + "organiser") in {r.get("role") for r in rows
                                          if r["event"] == CINEMA_TALKS}
    # Georgia is in one article only (004 ¶5: the National Film Center of Georgia).
    georgia = ask(store, "events-of", agent="Грузия")
    assert column(georgia, "event") == {PANEL}
    assert column(georgia, "via") == {org("national-film-center-georgia")}
    assert column(georgia, "reported") == {Literal("2025-12-09", datatype=XSD.date)}


def test_posts_of_rashad_azizov_in_date_order_with_sources(store: Store) -> None:
    rows = ask(store, "posts-of", person="Рашад Азизов")
    # 000 (page header 2024-09-20) ¶4 and 003 (undated) ¶10: head of the Creative Industries
    # department; 004 (2025-12-09) ¶5: Director General of the Film Agency. Undated last.
    assert [(r["source"], r["post"], r.get("attested")) for r in rows] == [
        (source(S0), URIRef(POST + "head-of-unit"), Literal("2024-09-20", datatype=XSD.date)),
        (source(S4), URIRef(POST + "director-general"), Literal("2025-12-09",
                                                               datatype=XSD.date)),
        (source(S3), URIRef(POST + "head-of-unit"), None),
    ]
    assert rows[1]["organisation"] == ARKA
    assert rows[1]["paragraph"] == Literal(5)
    assert "Агентства кино" in str(rows[1]["title"])  # the post as the Russian text words it


def test_people_of_the_film_agency_by_its_acronym(store: Store) -> None:
    rows = ask(store, "people-of", organisation="ARKA")
    # 001 ¶13 Pirimov (ARKA Deputy Director General); 003 ¶3, ¶7 two employees; 004 ¶5 Azizov.
    assert column(rows, "person") == {person("gurban-pirimov"), person("sabina-baghirova"),
                                      person("turan-mammadli"), person("rashad-azizov")}
    ministry = ask(store, "people-of", organisation="Ministry of Culture of Azerbaijan")
    # 002 ¶5 the minister, 001 ¶7 and 004 ¶3 deputy ministers; 000 ¶4 a department head.
    assert {person("anar-karimov"), person("farid-jafarov"), person("saadat-yusifova"),
            person("rashad-azizov")} <= column(ministry, "person")
    assert org("creative-industries-department") in column(ministry, "unit")


def test_organisation_pairs_with_where_and_when(store: Store) -> None:
    rows = ask(store, "organisation-pairs")
    assert all(str(r["a"]) < str(r["b"]) for r in rows)
    by_pair = {(r["a"], r["b"], r["event"]): r for r in rows}
    # 002 ¶7, ¶9: Lenfilm's director and Turkey's deputy minister at the same presentation.
    assert (org("lenfilm"), org("ministry-of-culture-and-tourism-turkey"), PRESENTATION) in by_pair
    # 004 ¶1, ¶5: the Film Agency and Turkey's Cinema Directorate, at Baku Congress Center.
    met = by_pair[(ARKA, org("cinema-directorate-turkey"), PANEL)]
    assert met["venue"] == URIRef(ID + "place/baku-congress-center")
    assert met["city"] == URIRef(ID + "place/baku")
    assert met["reported"] == Literal("2025-12-09", datatype=XSD.date)


def test_country_pairs(store: Store) -> None:
    rows = {(r["a"], r["b"]): r for r in ask(store, "country-pairs")}
    # Azerbaijan and Turkey: 002 (2021-06-29, Demircan) and 004 (2025-12-09, Güven).
    az_tr = rows[(country("az"), country("tr"))]
    assert az_tr["events"] == Literal(2)
    assert (az_tr["first"], az_tr["last"]) == (Literal("2021-06-29", datatype=XSD.date),
                                               Literal("2025-12-09", datatype=XSD.date))
    assert (country("ge"), country("pk")) in rows          # 004 ¶5
    assert not any(country("it") in pair for pair in rows)  # 004 ¶10: Italy not present


def test_who_met_georgia(store: Store) -> None:
    rows = ask(store, "met-with", agent="Georgia")
    # 004 ¶5: Georgia's film centre sat with Turkey, Azerbaijan, Pakistan and Uzbekistan.
    assert column(rows, "other") == {country(c) for c in ("az", "tr", "pk", "uz")}
    assert column(rows, "event") == {PANEL}


def test_agreements_by_party_kind_and_status(store: Store) -> None:
    netflix = ask(store, "agreements", **{"with": "Netflix"})
    # 002 ¶1-¶4: the ministry's partnership with Netflix, stated at the presentation.
    assert column(netflix, "agreement") == {URIRef(ID + "agreement/ministry-of-culture-"
                                                   "netflix-partnership")}
    assert column(netflix, "party") == {MINISTRY, org("netflix")}
    assert column(netflix, "announcedAt") == {PRESENTATION}
    assert column(netflix, "kind") == {URIRef("https://w3id.org/cinecoop/vocab/agreement-kind/"
                                              "partnership")}
    coprod = ask(store, "agreements", kind="co-production")
    # 000 ¶3: remakes "in the future" with Russia: a possible co-production of two countries.
    remakes = [r for r in coprod if str(r["agreement"]).endswith("azerbaijan-russia-film-remakes")]
    assert {r["party"] for r in remakes} == {country("az"), country("ru")}
    assert {str(r["status"]).rsplit("/", 1)[-1] for r in remakes} == {"possible"}
    # 003 ¶6: Cinema Park, negotiations "ongoing for a year".
    talks = ask(store, "agreements", status="under negotiation")
    assert column(talks, "agreement") == {URIRef(ID + "agreement/cinema-park-project")}
    everything = ask(store, "agreements")
    assert column(netflix, "agreement") | column(talks, "agreement") <= column(everything,
                                                                              "agreement")


def test_organisations_at_more_than_one_event(store: Store) -> None:
    rows = {r["organisation"]: r for r in ask(store, "repeat-organisations")}
    # Ministry: 001 ¶7, 002 ¶3, 003 ¶1, 004 ¶3; Film Agency: 001 ¶13, 003 ¶3, 004 ¶5.
    assert int(rows[MINISTRY]["events"]) >= 4  # type: ignore[call-overload]
    assert int(rows[ARKA]["events"]) >= 3  # type: ignore[call-overload]
    assert org("kobia") not in rows            # only at the 004 panel
    assert org("netflix") not in rows          # a party to an agreement, at no event


def test_timeline(store: Store) -> None:
    rows = ask(store, "timeline")
    order = [r["event"] for r in rows]
    # Reported 2021-06-29 (002), 2024-09-20 (000), 2025-12-01 (001), 2025-12-09 (004);
    # Cinema Talks comes from the undated 003, so it comes last.
    assert order.index(PRESENTATION) < order.index(MOSCOW_WEEK) < order.index(ROUNDTABLE) \
        < order.index(PANEL)
    assert order[-1] == CINEMA_TALKS and "reported" not in rows[-1]
    week = rows[order.index(MOSCOW_WEEK)]    # 000 ¶7: "from 23 to 28 August", no year
    assert (week["start"], week["end"]) == (Literal("--08-23", datatype=XSD.gMonthDay),
                                            Literal("--08-28", datatype=XSD.gMonthDay))
    assert rows[order.index(PANEL)]["within"] == URIRef(ID + "event/baku-cinema-breeze")


def test_what_002_says_matches_its_paragraphs(store: Store, sources_dir: Path) -> None:
    rows = ask(store, "source-says", source="002")
    paragraphs = read_paragraphs(sources_dir, f"{S2}.txt")
    assert paragraphs is not None
    for slug, name in (("anar-karimov", "Anar Karimov"), ("fyodor-sherbakov", "Fyodor Sherbakov"),
                       ("ahmet-misbah-demircan", "Ahmet Misbah Demircan"),
                       ("ilkin-mahammadli", "Ilkin Mahammadli")):
        in_text = {i + 1 for i, text in enumerate(paragraphs) if name in text}
        cited = {int(r["paragraph"]) for r in rows  # type: ignore[call-overload]
                 if r["thing"] == person(slug)}
        assert in_text and in_text <= cited, (name, in_text, cited)
    things = column(rows, "thing")
    assert org("netflix") in things and org("lenfilm") in things
    assert URIRef(ID + "agreement/ministry-of-culture-netflix-partnership") in things
    assert person("rashad-azizov") not in things    # he is not in 002


def test_sources_of_a_person_and_of_a_fact(store: Store) -> None:
    rows = ask(store, "sources-of", thing="Rashad Azizov")
    assert column(rows, "source") == {source(S0), source(S3), source(S4)}
    fact = ask(store, "sources-of", thing="post/004-azizov-director-general")
    assert [(r["source"], r["paragraph"], r["published"], r["outlet"]) for r in fact] == [
        (source(S4), Literal(5), Literal("2025-12-09", datatype=XSD.date), org("trend"))]


def test_names_in_several_languages(store: Store) -> None:
    rows = ask(store, "multilingual-names")
    arka = {(str(r["lang"]), str(r["name"])) for r in rows if r["entity"] == ARKA}
    assert ("", "ARKA") in arka or ("en", "ARKA") in arka                          # 001 ¶5
    assert ("ru", "Агентство кино Азербайджанской Республики") in arka             # 004 ¶5
    assert any(lang == "en" for lang, _ in arka)


def test_people_with_no_known_affiliation(store: Store) -> None:
    rows = ask(store, "unaffiliated-people")
    people = column(rows, "person")
    # 004 ¶5 names the moderator with no organisation; 001 ¶13: Semashko only "from Belarus".
    assert person("kamran-gasimov") in people
    assert {r["role"] for r in rows if r["person"] == person("kamran-gasimov")} == {
        URIRef(ROLE + "moderator")}
    assert person("svetlana-semashko") in people
    assert person("rashad-azizov") not in people and person("birol-guven") not in people


def test_named_graphs_one_per_article(store: Store, sources_dir: Path) -> None:
    rows = ask(store, "graphs")
    stems = sorted(p.stem for p in sources_dir.glob("*.txt"))
    expected = {URIRef(f"https://w3id.org/cinecoop/graph/{s}") for s in stems}
    assert column(rows, "graph") == expected | {URIRef("https://w3id.org/cinecoop/graph/ontology")}
    assert all(int(r["triples"]) > 0 for r in rows)  # type: ignore[call-overload]


# ------------------------------------------------------------------ parameters


def test_parameter_errors_name_the_parameter(store: Store) -> None:
    with pytest.raises(ParamError, match="needs the parameter 'person'"):
        run(store, name="posts-of", params={})
    with pytest.raises(ParamError, match="has no parameter 'who'.*person"):
        run(store, name="posts-of", params={"who": "Azizov"})
    with pytest.raises(ParamError, match="needs a Person, but Baku is a City"):
        run(store, name="posts-of", params={"person": "Baku"})
    with pytest.raises(ParamError, match="nothing in the graph is called 'Spielberg'"):
        run(store, name="posts-of", params={"person": "Spielberg"})
    with pytest.raises(ParamError, match="not a known AgreementKind; known: .*co-production"):
        run(store, name="agreements", params={"kind": "treaty"})
    with pytest.raises(UnknownQuery) as info:
        run(store, name="agencies-at-evnt")
    assert "agencies-at-event" in info.value.known


def test_parameter_values_are_terms_not_query_text(store: Store) -> None:
    query = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?who WHERE { ?who skos:prefLabel ?name }"""
    found = run(store, text=query, params={"name": '"Рашад Азизов"@ru'}).result.rows
    assert found == [(person("rashad-azizov"),)]
    sneaky = '"x" } UNION { ?who ?p ?o'    # refused whole, not cut down to "x"
    with pytest.raises(ParamError, match="is not a literal"):
        run(store, text=query, params={"name": sneaky})
    iri = run(store, text=query.replace("?name }", "?name . ?who skos:prefLabel ?n2 }")
              .replace("SELECT ?who", "SELECT ?n2"),
              params={"who": f"<{ID}person/rashad-azizov>"}).result.rows
    assert (Literal("Rashad Azizov", lang="en"),) in iri
    with pytest.raises(ParamError, match="not an absolute IRI"):
        run(store, text=query, params={"who": "<x> } ?a ?b ?c {>"})


# ------------------------------------------------------------------ the command line


def cinecoop(built: Path, *args: str) -> tuple[int, str, str]:
    result = run_cinecoop("--out", built, "--data", DATA, *args)
    return result.returncode, result.stdout, result.stderr


def test_cli_table_shows_labels_and_dates(built: Path) -> None:
    code, out, err = cinecoop(built, "query", "posts-of", "--param", "person=Rashad Azizov")
    assert code == 0
    assert "Azerbaijan Film Agency" in out and "director general" in out
    assert "2025-12-09" in out and "https://" not in out
    assert "3 rows" in err


def test_cli_formats(built: Path) -> None:
    code, out, _ = cinecoop(built, "query", "met-with", "-p", "agent=Georgia", "--format",
                            "json")
    doc = json.loads(out)
    assert doc["head"]["vars"] == ["other", "event", "reported"]
    assert {b["other"]["value"] for b in doc["results"]["bindings"]} == {
        str(country(c)) for c in ("az", "tr", "pk", "uz")}
    assert doc["results"]["bindings"][0]["reported"]["datatype"] == str(XSD.date)
    _, csv_out, _ = cinecoop(built, "query", "met-with", "-p", "agent=Georgia", "-o", "csv")
    assert csv_out.splitlines()[0] == "other,event,reported"
    assert f"{ID}country/az,{PANEL},2025-12-09" in csv_out.splitlines()
    _, tsv_out, _ = cinecoop(built, "query", "met-with", "-p", "agent=Georgia", "-o", "tsv")
    assert tsv_out.splitlines()[0] == "?other\t?event\t?reported"
    assert f'"2025-12-09"^^<{XSD.date}>' in tsv_out
    _, md, _ = cinecoop(built, "query", "met-with", "-p", "agent=Georgia", "-o", "md")
    assert md.splitlines()[0] == "| other | event | reported |"
    assert "| Georgia |" not in md and "| Turkey |" in md


def test_cli_construct_describe_and_ask(built: Path) -> None:
    construct = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    CONSTRUCT { ?p skos:prefLabel ?l } WHERE { ?p skos:prefLabel ?l . FILTER(?p = ?who) }"""
    code, out, _ = cinecoop(built, "query", construct, "-p", "who=Birol Güven")
    assert code == 0 and "Бирол Гювен" in out and "@prefix skos:" in out
    _, nt, _ = cinecoop(built, "query", construct, "-p", "who=Birol Güven", "-o", "nt")
    assert f'<{ID}person/birol-guven> <http://www.w3.org/2004/02/skos/core#prefLabel> ' \
        '"Бирол Гювен"@ru .' in nt.splitlines()
    _, jsonld, _ = cinecoop(built, "query", construct, "-p", "who=Birol Güven", "-o", "jsonld")
    assert json.loads(jsonld)
    code, out, _ = cinecoop(built, "query", f"DESCRIBE <{ID}person/birol-guven>", "-o", "nt")
    assert code == 0 and "person/birol-guven" in out
    yes = "PREFIX cc: <https://w3id.org/cinecoop/ontology#> ASK { ?who cc:participatedIn ?e }"
    assert cinecoop(built, "query", yes, "-p", "who=Georgia", "-p", "e=Cinema Talks")[:2] == \
        (1, "false\n")
    assert cinecoop(built, "query", yes, "-p", "who=Georgia", "-p",
                    f"e=<{PANEL}>")[:2] == (0, "true\n")
    code, out, _ = cinecoop(built, "query", yes, "-o", "json")
    assert json.loads(out)["boolean"] is True
    code, _, err = cinecoop(built, "query", yes, "-o", "ttl")
    assert code == 2 and "CONSTRUCT and DESCRIBE" in err


def test_cli_query_from_file_and_store_choice(built: Path, tmp_path: Path) -> None:
    q = tmp_path / "q.rq"
    q.write_text("PREFIX cc: <https://w3id.org/cinecoop/ontology#>\n"
                 "SELECT ?c WHERE { ?c a cc:Country } ORDER BY ?c\n", encoding="utf-8")
    outs = {spec: cinecoop(built, "query", "-f", str(q), "--store", spec, "-o", "csv")[1]
            for spec in ("memory", "oxigraph", f"oxigraph:{built / 'store'}")}
    assert len(set(outs.values())) == 1
    assert f"{ID}country/ge" in outs["memory"]


def test_cli_lists_and_prints_named_queries(built: Path) -> None:
    code, out, _ = cinecoop(built, "queries")
    assert code == 0
    for q in named_queries():
        assert q.name in out and q.title in out
    assert "agencies-at-event  --param event=<Event>" in out
    code, out, _ = cinecoop(built, "queries", "posts-of")
    assert out.startswith("# title: Posts a person held")


@pytest.mark.parametrize(("query", "line", "column", "token"), [
    ("SELECT ?x WHERE {\n  ?x ?p ?o .\n  FILTER (?x = ) }", 3, 3, "FILTER"),
    ("SELECT ?x WHERE { ?x foo:bar ?o }", 1, 22, "foo:bar"),
    ("SELEC ?x WHERE { ?x ?p ?o }", 1, 1, "SELEC"),
    ("SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x LIMT 3", 1, 42, "LIMT"),
    ("PREFIX a: <http://a/>\nDELETE WHERE { ?s ?p ?o }", 2, 1, "DELETE"),
    ("SELECT ?x WHERE { ?x ?p ?o } GROUP BY ?p", 1, 39, "?p"),
])
def test_malformed_query_says_line_column_token(built: Path, query: str, line: int, column: int,
                                                token: str) -> None:
    code, out, err = cinecoop(built, "query", query)
    assert code == 2 and out == ""
    assert f"line {line}, column {column}" in err and repr(token) in err
    assert "Traceback" not in err


def test_cli_errors_exit_2_with_a_message_and_no_traceback(built: Path) -> None:
    def run_cli(*args: str) -> Ran:
        return run_cinecoop("--out", built, "--data", DATA, *args)

    unknown = run_cli("query", "agencies-at-evnt")
    assert unknown.returncode == 2 and "agencies-at-event" in unknown.stderr
    missing = run_cli("query", "agencies-at-event")
    assert missing.returncode == 2 and "'event'" in missing.stderr
    bad = run_cli("query", "SELECT ?x WHERE { ?x ?p }")
    assert bad.returncode == 2 and "line 1, column" in bad.stderr
    down = run_cli("query", "timeline", "--store", "sparql:http://127.0.0.1:9/sparql")
    assert down.returncode == 2
    assert "http://127.0.0.1:9/sparql" in down.stderr and "refused" in down.stderr
    store = run_cli("query", "timeline", "--store", "mongo:x")
    assert store.returncode == 2 and "'memory'" in store.stderr
    for r in (unknown, missing, bad, down, store):
        assert "Traceback" not in r.stderr


# ------------------------------------------------------------------ limits before parsing

DEEP = {
    "5,000 nested parentheses": "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "1"
                                + ")" * 5000 + ") }",
    "20,000 nested braces": "SELECT * WHERE " + "{" * 20000 + "}" * 20000,
    "50,000 '!'": "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * 50000 + "true) }",
    "10,000 chained '+'": "SELECT (" + " + ".join(["1"] * 10000) + " AS ?x) WHERE { }",
}


@pytest.mark.parametrize("case", sorted(DEEP))
def test_deep_or_long_queries_are_refused_before_the_parser(case: str) -> None:
    """Each of these overflowed pyoxigraph's stack (a segfault): now a one-line error.
    A separate process: a segfault, were the limit gone, must not end the test run."""
    result = subprocess.run([sys.executable, "-m", "graph.cli", "--data", str(DATA), "query",
                             "-f", "-"], input=DEEP[case], capture_output=True, text=True,
                            cwd=REPO, timeout=120)
    assert result.returncode == 2, result.stderr     # a usage error, as any malformed query
    assert "Traceback" not in result.stderr
    assert "the limit" in result.stderr and "malformed SPARQL query" in result.stderr


def test_limits_leave_ordinary_queries_alone(built: Path) -> None:
    store = open_store(None, built, DATA)
    nested = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 12 + "1" + ")" * 12 + ") } LIMIT 1"
    assert len(run(store, text=nested).result.rows) == 1
    for query in named_queries():
        assert query.text     # every named query is within the limits (run above, too)


@pytest.mark.parametrize("value", ['"a"^^<x y>', '"x" } UNION { ?s ?p ?v } #', '"x" .',
                                   '"x"^^<a:b> junk'])
def test_literal_parameters_are_whole_literals(built: Path, value: str) -> None:
    code, _, err = cinecoop(built, "query", "SELECT ?v WHERE { }", "-p", f"v={value}")
    assert code != 0 and "is not a literal" in err
