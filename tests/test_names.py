"""The one name matcher (graph/names.py): pairs written from the articles.

Each pair is a name as an article prints it and a label a record has (or the label a curator
would give it); the ones that must not match are different people or things whose names share
words or letters.
"""

from __future__ import annotations

import pytest

from graph.names import (
    CONFIDENT,
    Candidate,
    NameIndex,
    fold,
    mention,
    mixed_script,
    skeleton,
)

# (as printed, label, why): must match, and be sure (resolve without asking)
SURE = [
    ("Рашадом Азизовым", "Рашад Азизов", "inflected form"),         # 004 ¶5 style, instrumental
    ("Рашадом Азизовым", "Rashad Azizov", "inflected form"),        # across scripts too
    ("Кямрана Гасымова", "Кямран Гасымов", "inflected form"),       # 004 ¶5, genitive
    ("Kamran Gasymov", "Kamran Gasimov", "transliteration"),
    ("Kamran Qasımov", "Kamran Gasimov", "transliteration"),         # Azerbaijani spelling
    ("Кямран Гасымов", "Kiamran Gasimov", "transliteration"),
    ("Rashad Azizov", "Рашад Азизов", "transliteration"),
    ("Fyodor Shcherbakov", "Fyodor Sherbakov", "transliteration"),   # 002 ¶8
    ("Турции", "Турция", "inflected form"),                          # 004 ¶5
    ("АRКА", "ARKA", "look-alike letters"),                          # Cyrillic А and К
    ("Hocazfilm", "Hoçazfilm", "exact"),                             # 001 ¶7
    ("KOBIA", "KOBİA", "exact"),                                     # 004 ¶4
    ("«Trend»", "Trend", "exact"),
]

# (as printed, label, why): a candidate, never a sure match (a near spelling)
NEAR = [
    ("Gurban Primov", "Gurban Pirimov", "1 edit"),                   # 001 ¶13 has Pirimov
    ("Heydar Aliyev Centre", "Heydar Aliyev Center", "1 edit"),      # 003 ¶1 has Center
    ("AZERTAC", "Azertag", "1 edit"),                                # 002 ¶4 has Azertag
    ("Masim Mamedov", "Masim Mammadov", "1 edit"),
    ("Rashad Azimov", "Rashad Azizov", "1 edit"),
    ("Türkiye", "Turkey", "1 edit"),
]

# must not match at all: different people or things
APART = [
    ("Masim Mammadov", "Turan Mammadli"),          # 001 ¶7 and 003 ¶7: two people
    ("Anar Mammadov", "Masim Mammadov"),           # same surname, other first name
    ("Ali-Sattar Guliyev", "Heydar Aliyev"),
    ("Ministry of Culture of Azerbaijan", "Minister of Culture of Azerbaijan"),
    ("Azerbaijan Film Agency", "Azerbaijan Filming Commission"),
]


def _index(*labels: str) -> NameIndex:
    return NameIndex([Candidate(f"x/{i}", "thing", (label,)) for i, label in enumerate(labels)])


@pytest.mark.parametrize(("name", "label", "why"), SURE)
def test_sure_pairs(name: str, label: str, why: str) -> None:
    found = _index(label).find(name)
    assert found and found[0].why == why, found
    assert found[0].score >= CONFIDENT
    sure, _ = _index(label).resolve(name)
    assert [m.label for m in sure] == [label]


@pytest.mark.parametrize(("name", "label", "why"), NEAR)
def test_near_pairs_are_suggested_not_resolved(name: str, label: str, why: str) -> None:
    found = _index(label).find(name)
    assert found and found[0].why == why and found[0].score < CONFIDENT, found
    sure, near = _index(label).resolve(name)
    assert sure == [] and near[0].label == label


@pytest.mark.parametrize(("name", "label"), APART)
def test_apart_pairs(name: str, label: str) -> None:
    assert _index(label).find(name) == []
    assert _index(name).find(label) == []


def test_a_surname_alone_is_ambiguous_between_two_people() -> None:
    index = _index("Anar Mammadov", "Masim Mammadov")
    sure, _ = index.resolve("Mammadov")
    assert sorted(m.label for m in sure) == ["Anar Mammadov", "Masim Mammadov"]


def test_turkiye_through_labels() -> None:
    # a near spelling of Turkey; sure only when a record gives the label
    index = NameIndex([Candidate("country/tr", "country", ("Turkey", "Турция", "Türkiye"))])
    assert index.find("Turkiye")[0].why == "exact"


def test_ministry_in_the_locative() -> None:
    # "в Министерстве культуры": part of the ministry's Russian name, inflected
    index = _index("Министерство культуры Азербайджанской Республики", "Министр культуры")
    sure, _ = index.resolve("Министерстве культуры")
    assert [m.label for m in sure] == ["Министерство культуры Азербайджанской Республики"]
    assert sure[0].why == "part of the label (inflected form)"


def test_folding_and_mixed_scripts() -> None:
    assert fold("Oku.AzAccording") == "oku az according"   # words glued by a lost line break
    assert mixed_script("the АRКА cluster") == ["АRКА"]
    assert skeleton("Гасымов") == skeleton("Qasımov") == skeleton("Gasimov")


def test_mention_in_a_paragraph() -> None:
    text = "В дискуссии под модераторством Кямрана Гасымова приняли участие"
    assert mention("Кямран Гасымов", text) == "inflected form"
    assert mention("Kamran Gasimov", text) == "inflected form"
    assert mention("Гасымов", "Рашад Азизов") is None
    # a person is mentioned again by surname alone
    assert mention("Rashad Azizov", "Azizov added that", person=True) == "exact"


def test_kind_filter_and_ids() -> None:
    index = NameIndex([Candidate("place/baku", "place", ("Baku",)),
                       Candidate("event/baku-cinema-breeze", "event", ("Baku Cinema Breeze",))])
    assert [m.id for m in index.find("baku")] == ["place/baku", "event/baku-cinema-breeze"]
    assert [m.id for m in index.find("Baku", kind="event")] == ["event/baku-cinema-breeze"]
    assert index.find("event/baku-cinema-breeze")[0].why == "id"
