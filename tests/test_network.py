"""The projection and its views, checked against what the articles say."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from conftest import S1, S2, S3, S4, key
from rdflib import Dataset

from graph.data.load import union_graph
from graph.network.analytics import centrality
from graph.network.projection import VIEWS, in_window, project, view

PANEL = "event/state-level-cooperation-panel"
PRESENTATION = "event/azerbaijan-filming-commission-presentation"


def test_every_view_has_the_documented_attributes(G: nx.MultiDiGraph) -> None:
    node_attrs = {"kind", "cls", "label", "labels", "country", "date", "date_basis", "year",
                  "sources"}
    edge_attrs = {"relation", "label", "date", "year", "sources"}
    for name in VIEWS:
        H = view(G, name)
        assert isinstance(H, nx.Graph) and H.number_of_edges() > 0, name
        for n, d in H.nodes(data=True):
            assert node_attrs <= set(d), (name, n)
            assert n == f"{d['kind']}/{n.split('/', 1)[1]}"
        for u, v, d in H.edges(data=True):
            assert edge_attrs <= set(d), (name, u, v)
            assert d["sources"], f"{name}: {u} - {v} cites nothing"
            if name in ("org-org", "country-country"):
                assert d["weight"] == len(d["events"]) >= 1


def test_one_projection_whatever_the_container(ds: Dataset, G: nx.MultiDiGraph) -> None:
    # a plain Graph of the union gives the same projection as the Dataset
    H = project(union_graph(ds))
    assert sorted(H.nodes(data="label")) == sorted(G.nodes(data="label"))
    assert sorted(H.edges(keys=True)) == sorted(G.edges(keys=True))


def test_views_come_from_the_projection_only(ds: Dataset, G: nx.MultiDiGraph) -> None:
    # take Kyrgyzfilm's one fact (001 ¶13, Rabiyya Mirlanova at the roundtable) out of the
    # projection: the organisation disappears from every derived view
    kyrgyzfilm = key(ds, "Kyrgyzfilm")
    assert kyrgyzfilm in view(G, "org-event") and kyrgyzfilm in view(G, "org-org")
    trimmed = G.copy()
    trimmed.remove_edges_from([(u, v, k) for u, v, k in G.edges(kyrgyzfilm, keys=True)])
    for name in ("org-event", "org-org"):
        assert kyrgyzfilm not in view(trimmed, name)


def test_004_panel_links_exactly_the_organisations_the_article_lists(
        ds: Dataset, G: nx.MultiDiGraph, sources_dir: Path) -> None:
    text = (sources_dir / f"{S4}.txt").read_text(encoding="utf-8")
    # (person as written, organisation as written in the article, a label to look it up)
    listed = [
        ("Саадет Юсифова", "министра культуры Азербайджана",  # ¶3, opening
         "Ministry of Culture of Azerbaijan"),
        ("Заур Гардашов", "KOBİA", "KOBİA"),  # ¶4
        ("Бирол Гювен", "Кинематографического управления Турции",  # ¶5
         "Кинематографическое управление Турции"),
        ("Рашад Азизов", "Агентства кино Азербайджанской Республики",
         "Агентство кино Азербайджанской Республики"),
        ("Саида Саира Раз", "Директората электронных медиа и публикаций Пакистана",
         "Директорат электронных медиа и публикаций Пакистана"),
        ("Мамука Блиадзе", "Национального киноцентра Грузии", "Национальный киноцентр Грузии"),
        ("Саифулло Раджабов", "Агентства кинематографии Республики Узбекистан",
         "Агентство кинематографии Республики Узбекистан"),
    ]
    # (the article ends "Раза" with a Latin "a", hence the prefix above)
    for person, written, _ in listed:
        assert person in text and written in text, (person, written)
    expected = {key(ds, lookup) for _, _, lookup in listed}
    H = view(G, "org-event")
    assert set(H.neighbors(PANEL)) == expected
    # the moderator (¶5, Кямран Гасымов) is named with no organisation: no extra node
    assert all(H.nodes[n]["kind"] == "organisation" for n in H.neighbors(PANEL))


def test_004_panel_links_its_countries_pairwise(ds: Dataset, G: nx.MultiDiGraph) -> None:
    # the institutions of ¶4-5 are Azerbaijani, Turkish, Pakistani, Georgian and Uzbek
    countries = {key(ds, n) for n in ("Azerbaijan", "Turkey", "Pakistan", "Georgia",
                                      "Uzbekistan")}
    H = view(G, "country-country")
    for a in countries:
        for b in countries - {a}:
            assert PANEL in H.edges[a, b]["events"]


def test_org_org_weight_counts_shared_events(ds: Dataset, G: nx.MultiDiGraph) -> None:
    # The Ministry of Culture and the Azerbaijan Film Agency were both present at the CIS
    # roundtable (001 ¶8 Farid Jafarov, ¶13 Gurban Pirimov), at Cinema Talks (003 ¶1 organised
    # by the ministry, ¶3 Sabina Baghirova) and at the 004 panel (¶3 Yusifova, ¶5 Azizov).
    ministry, arka = key(ds, "Ministry of Culture of Azerbaijan"), key(ds, "ARKA")
    edge = view(G, "org-org").edges[ministry, arka]
    assert edge["weight"] == 3
    assert set(edge["events"]) == {key(ds, "Cinema Talks"), PANEL,
                                   key(ds, "The Development of Modern Film Production in CIS "
                                           "Countries")}
    cited = {s.split(" ")[0] for s in edge["sources"]}
    assert cited == {S1, S3, S4}


def test_top_organisation_by_degree_is_the_one_at_most_events(
        ds: Dataset, G: nx.MultiDiGraph) -> None:
    # Events at which the articles show each organisation (itself or through its people):
    shown = {
        "Ministry of Culture of Azerbaijan": {
            "Moscow International Film Week",  # 000 ¶4: Azizov, of its department
            "The Development of Modern Film Production in CIS Countries",  # 001 ¶8 Jafarov
            "Presentation of the Azerbaijan Filming Commission",  # 002 ¶4 and ¶6 Karimov
            "Cinema Talks",  # 003 ¶1 organiser, ¶10 Ragimova, Azizov
            "Prospects for State-Level Cooperation in the Film Industry",  # 004 ¶3 Yusifova
        },
        "Azerbaijan Film Agency": {  # 001 ¶13 Pirimov, 003 ¶3 Baghirova, 004 ¶5 Azizov
            "The Development of Modern Film Production in CIS Countries", "Cinema Talks",
            "Prospects for State-Level Cooperation in the Film Industry"},
        "Uzbekistan Cinematography Agency": {  # 001 ¶13 Kuchkarov, 004 ¶5 Rajabov
            "The Development of Modern Film Production in CIS Countries",
            "Prospects for State-Level Cooperation in the Film Industry"},
    }
    best = max(shown, key=lambda org: len(shown[org]))
    H = view(G, "org-event")
    orgs = [n for n in H if H.nodes[n]["kind"] == "organisation"]
    ranking = centrality(H, ["degree"], backend="networkx").ranking("degree", orgs)
    assert ranking[0][0] == key(ds, best)
    assert set(H.neighbors(key(ds, best))) == {key(ds, e) for e in shown[best]}
    for org, events in shown.items():
        assert H.degree(key(ds, org)) == len(events), org


def test_dating_rule(ds: Dataset, G: nx.MultiDiGraph) -> None:
    oic = G.nodes[key(ds, "OIC Cultural Festival: Baku Creative Week 2025")]
    assert (oic["date"], oic["date_basis"], oic["year"]) == ("2025", "event", 2025)  # gYear
    # 000 gives 23-28 August without a year: dated by the article (20 September 2024)
    moscow = G.nodes[key(ds, "Moscow International Film Week")]
    assert (moscow["date"], moscow["date_basis"]) == ("2024-09-20", "reported")
    assert "--08-23" in moscow["when"]
    assert G.nodes[PRESENTATION]["date"] == "2021-06-29"  # 002's date
    talks = G.nodes[key(ds, "Cinema Talks")]  # 003 is undated
    assert (talks["date"], talks["date_basis"], talks["year"]) == (None, None, None)
    # a year counts as the whole year
    assert in_window("2025", "2025-06-01", None, False)
    assert not in_window("2025", "2026-01-01", None, False)
    assert in_window(None, None, None, False) and not in_window(None, "2025", None, False)
    assert in_window(None, "2025", None, True)


def test_since_2025_drops_the_2021_events(ds: Dataset, G: nx.MultiDiGraph) -> None:
    everything = view(G, "org-event")
    later = view(G, "org-event", since="2025-01-01")
    assert PRESENTATION in everything and PRESENTATION not in later
    # Lenfilm and the Turkish ministry appear only in 002 (2021): gone; the roundtable stays
    for name in ("Lenfilm", "Ministry of Culture and Tourism of Turkey"):
        assert key(ds, name) not in later
    assert all((later.nodes[n]["year"] or 0) >= 2025 for n in later
               if later.nodes[n]["kind"] == "event")
    assert PANEL in later
    # undated Cinema Talks only on request
    talks = key(ds, "Cinema Talks")
    assert talks not in later
    assert talks in view(G, "org-event", since="2025-01-01", include_undated=True)
    # --until 2021 keeps only the 2021 presentation among events
    early = view(G, "org-event", until="2021-12-31")
    assert {n for n in early if early.nodes[n]["kind"] == "event"} == {PRESENTATION}
    # the full view drops 2021 facts too: Netflix's only fact is the 2021 partnership (002 ¶2)
    assert key(ds, "Netflix") not in view(G, "full", since="2025")
    with pytest.raises(ValueError, match="not a date"):
        view(G, "org-event", since="last year")


def test_type_filter(ds: Dataset, G: nx.MultiDiGraph) -> None:
    H = view(G, "org-event", types=["FilmAgency"])
    orgs = {n for n in H if H.nodes[n]["kind"] == "organisation"}
    assert orgs and all(H.nodes[n]["cls"] == "FilmAgency" for n in orgs)
    assert key(ds, "ARKA") in orgs and key(ds, "Ministry of Culture of Azerbaijan") not in H
    # the data-file spelling works too, and kinds not named are untouched (events stay)
    assert set(view(G, "org-event", types=["film-agency"])) == set(H)
    assert any(H.nodes[n]["kind"] == "event" for n in H)
    # in the full view, naming two kinds restricts those two and leaves events alone
    P = view(G, "full", types=["person", "organisation"])
    assert {d["kind"] for _, d in P.nodes(data=True)} >= {"person", "organisation", "event"}
    with pytest.raises(ValueError, match="unknown type"):
        view(G, "org-event", types=["dragon"])
    with pytest.raises(ValueError, match="unknown view"):
        view(G, "org-orgs")


def test_full_view_keeps_agreements_and_posts(ds: Dataset, G: nx.MultiDiGraph) -> None:
    F = view(G, "full")
    netflix = key(ds, "Netflix")
    deal = key(ds, "Cooperation with Netflix")
    assert F.nodes[deal]["kind"] == "agreement" and F.nodes[deal]["agreement_kind"] == \
        "partnership"
    assert F.edges[netflix, deal]["relation"] == "party_to"
    assert any(s.startswith(S2) for s in F.edges[netflix, deal]["sources"])
    # 001 ¶8: Farid Jafarov, Deputy Culture Minister
    post = F.edges[key(ds, "Farid Jafarov"), key(ds, "Ministry of Culture of Azerbaijan")]
    assert post["relation"] == "held_post_at" and post["titles"] == ["Deputy Culture Minister"]
