"""Every person, organisation and event the five articles name is in the graph — and no other.

The tables are written from the articles (name as printed, source, paragraph), not from
data/: a name that does not resolve, resolves to the wrong kind, or is not cited from that
source fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import S0, S1, S2, S3, S4
from rdflib import Dataset, URIRef
from rdflib.namespace import RDF

from graph.names import name_in_text
from graph.sparql.describe import citations, find
from graph.terms import CC
from graph.text import read_paragraphs

PEOPLE = [
    ("Rashad Azizov", S0, 4), ("Jeffrey Roundtree", S0, 10),
    ("Laman Ismayilova", S1, 2), ("Azer Aydemir", S1, 7), ("Masim Mammadov", S1, 7),
    ("Farid Jafarov", S1, 8), ("Tair Iksanov", S1, 13), ("Rovshan Muradov", S1, 13),
    ("Gurban Pirimov", S1, 13), ("Amil Mamibayli", S1, 13), ("Ali-Sattar Guliyev", S1, 13),
    ("Svetlana Semashko", S1, 13), ("Rabiyya Mirlanova", S1, 13),
    ("Yekaterina Svirina", S1, 13), ("Akmal Abdullozoda", S1, 13),
    ("Mannob Kuchkarov", S1, 13),
    ("Laman Ismayilova", S2, 1), ("Anar Karimov", S2, 6), ("Fyodor Sherbakov", S2, 8),
    ("Ahmet Misbah Demircan", S2, 10), ("Ilkin Mahammadli", S2, 14),
    ("Sabina Baghirova", S3, 3), ("Azer Aydemir", S3, 6), ("Jafar Jabbarly", S3, 6),
    ("Turan Mammadli", S3, 7), ("Gunay Ragimova", S3, 10), ("Mushfig Khatamov", S3, 10),
    ("Rashad Azizov", S3, 10),
    ("Саадет Юсифова", S4, 3), ("Заур Гардашов", S4, 4), ("Кямран Гасымов", S4, 5),
    ("Бирол Гювен", S4, 5), ("Рашад Азизов", S4, 5), ("Саида Саира Разa", S4, 5),
    ("Мамука Блиадзе", S4, 5), ("Саифулло Раджабов", S4, 5),
]

ORGANISATIONS = [
    ("Ministry of Culture of Azerbaijan", S0, 4),
    ("Creative Industries and Digital Development Department", S0, 4),
    ("TASS", S0, 4), ("Oku.Az", S0, 4),
    ("CIS", S1, 3), ("Hoçazfilm", S1, 7), ("Culture Ministry", S1, 10),
    ("Azerbaijan Film Agency", S1, 10), ("ARKA", S1, 13),
    ("Interstate Fund for Humanitarian Cooperation of CIS Countries", S1, 13),
    ("National Assembly of Azerbaijan", S1, 13), ("Nizami Cinema Center", S1, 13),
    ("Kyrgyzfilm", S1, 13), ("Roskino JSC", S1, 13), ("Tajikfilm", S1, 13),
    ("Uzbekistan Cinematography Agency", S1, 13),
    ("Azerbaijan Culture Ministry", S2, 2), ("Netflix", S2, 2), ("Azertag", S2, 4),
    ("Azerbaijan Filming Commission", S2, 4), ("State Filming Commission", S2, 6),
    ("Lenfilm Film Studio", S2, 8), ("Culture and Tourism Ministry", S2, 10),
    ("Azernews", S3, 1), ("Azerbaijan Film Agency", S3, 3),
    ("Film Industry Development Fund", S3, 6), ("Azerbaijanfilm", S3, 6),
    ("Producers Guild of Azerbaijan", S3, 10),
    ("Department of Creative Industries and Digital Development", S3, 10),
    ("Trend", S4, 1), ("ОИС", S4, 1), ("KOBİA", S4, 4),
    ("Кинематографическое управление Турции", S4, 5),
    ("Агентство кино Азербайджанской Республики", S4, 5),
    ("Директорат электронных медиа и публикаций Пакистана", S4, 5),
    ("Национальный киноцентр Грузии", S4, 5),
    ("Агентство кинематографии Республики Узбекистан", S4, 5),
]

EVENTS = [
    ("Moscow International Film Week", S0, 9),
    ("The Development of Modern Film Production in CIS Countries", S1, 6),
    ("Presentation of the Azerbaijan Filming Commission", S2, 4),
    ("Cinema Talks", S3, 1), ("Baku Cinema Breeze", S3, 12),
    ("Культурный фестиваль ОИС: Бакинская Творческая неделя – 2025", S4, 1),
    ("Baku Cinema Breeze", S4, 1),
    # the series of which the festival's name ("– 2025") makes it an edition
    ("Бакинская Творческая неделя", S4, 1),
    ("Перспективы государственно-уровневого сотрудничества в киноиндустрии", S4, 1),
]

COUNTRIES = [
    ("Azerbaijan", S0, 3), ("Russia", S0, 3), ("Belarus", S1, 13), ("Turkey", S2, 10),
    ("Uzbekistan", S1, 13), ("Пакистан", S4, 10), ("Грузия", S4, 10), ("Италия", S4, 10),
]

# Where the article names something by another word, the record says so with ``as:``.
PRINTED = {("Turkey", S2, 10): "Turkish",
           ("Culture and Tourism Ministry", S2, 10): "Culture and Tourism Minister"}

TABLES = {CC.Person: PEOPLE, CC.Organisation: ORGANISATIONS, CC.Event: EVENTS,
          CC.Country: COUNTRIES}


def _instances(ds: Dataset, cls: URIRef) -> set[URIRef]:
    """Instances of ``cls`` or its subclasses (subclass links read from the ontology graph)."""
    from rdflib.namespace import RDFS

    classes = {cls} | set(ds.transitive_subjects(RDFS.subClassOf, cls))
    return {s for c in classes for s in ds.subjects(RDF.type, c) if isinstance(s, URIRef)}


def _one(ds: Dataset, name: str, cls: URIRef) -> URIRef:
    found = [n for n in find(ds, name) if n in _instances(ds, cls)]
    assert len(found) == 1, f"{name!r}: expected one {cls.fragment}, found {found}"
    return found[0]


@pytest.mark.parametrize(("cls", "name", "source", "para"), [
    (cls, *row) for cls, rows in TABLES.items() for row in rows
], ids=lambda v: v if isinstance(v, str) and not v.startswith("http") else None)
def test_named_in_source_is_in_graph_and_cited(ds: Dataset, cls: URIRef, name: str,
                                                source: str, para: int) -> None:
    node = _one(ds, name, cls)
    cited = {c.source for c in citations(ds, node)}
    assert source in cited, f"{name} is named in {source} but the graph does not cite it"


@pytest.mark.parametrize(("name", "source", "para"),
                         [row for rows in TABLES.values() for row in rows])
def test_table_matches_the_article_text(sources_dir: Path, name: str, source: str,
                                        para: int) -> None:
    """Guards the tables themselves: each name really is in that paragraph."""
    paragraphs = read_paragraphs(sources_dir, f"{source}.txt")
    assert paragraphs is not None
    printed = PRINTED.get((name, source, para), name)
    assert name_in_text(printed, paragraphs[para - 1], person=True), (name, source, para)


@pytest.mark.parametrize("cls", list(TABLES), ids=lambda c: c.fragment)
def test_nothing_that_the_articles_do_not_name(ds: Dataset, cls: URIRef) -> None:
    # scoped to what the five articles state: a sixth article may add others
    five = {S0, S1, S2, S3, S4}
    stated = {n for n in _instances(ds, cls) if {c.source for c in citations(ds, n)} & five}
    assert stated == {_one(ds, name, cls) for name, _, _ in TABLES[cls]}


def test_no_country_the_articles_do_not_name(ds: Dataset) -> None:
    # Kyrgyzfilm and Tajikfilm are named, but Kyrgyzstan and Tajikistan are not.
    assert not find(ds, "Kyrgyzstan") and not find(ds, "Tajikistan")
