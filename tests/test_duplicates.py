"""Duplicate protection, surface forms and derived-fact moves in validate and build.

Each test plants one change in a temporary copy of data/ and checks what validate or build says.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from clirun import cinecoop
from conftest import DATA, S2, S4

from graph.data.duplicates import (
    KINDS,
    WARN_FROM,
    _distinct,
    _problem,
    duplicates,
    entity_labels,
    record_index,
)
from graph.data.records import Problem, Record, read_records
from graph.names import fold

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(DATA, tmp_path / "data")
    return tmp_path


def _write(root: Path, rel: str, text: str) -> None:
    (root / "data" / rel).write_text(text, encoding="utf-8")


def test_a_shared_label_in_the_same_language_is_an_error(copy: Path) -> None:
    _write(copy, "people/gurban-pirimov-2.yaml",
           f"id: gurban-pirimov-2\nlabels:\n  en: Gurban Pirimov\ncite: ['{S4}:5']\n")
    ran = cinecoop("--data", copy / "data", "validate")
    assert ran.returncode == 1
    assert ("record 'gurban-pirimov-2' field 'labels': shares a label in the same language "
            "with the person 'gurban-pirimov'") in ran.stderr


def test_a_near_spelling_is_a_warning_and_distinct_from_silences_it(copy: Path) -> None:
    # "Gurban Primov" (one letter less) is the example of the issue
    planted = f"id: gurban-primov\nlabels:\n  en: Gurban Primov\ncite: ['{S4}:5']\n"
    _write(copy, "people/gurban-primov.yaml", planted)
    ran = cinecoop("--data", copy / "data", "validate")
    assert ran.returncode == 0
    assert "may be the same person as 'gurban-pirimov'" in ran.stderr
    assert "'Gurban Primov' ~ 'Gurban Pirimov' (1 edit)" in ran.stderr
    _write(copy, "people/gurban-primov.yaml", planted + "distinct_from: [gurban-pirimov]\n")
    ran = cinecoop("--data", copy / "data", "validate")
    assert "may be the same" not in ran.stderr and "0 warning(s)" in ran.stdout


def test_a_homoglyph_organisation_is_caught(copy: Path) -> None:
    # "АRКА" with Cyrillic А and К, as one article prints it: the same as ARKA
    _write(copy, "organisations/arka.yaml", "id: arka\ntype: film-agency\nlabels:\n"
           f"  en: АRКА\ncite: ['{S4}:5']\n")
    ran = cinecoop("--data", copy / "data", "validate")
    assert ("record 'arka' field 'labels': shares a label in the same language with the "
            "organisation 'azerbaijan-film-agency'") in ran.stderr
    assert "'АRКА' ~ 'ARKA' (look-alike letters)" in ran.stderr


def test_validate_names_a_mixed_script_word(copy: Path, sources_dir: Path) -> None:
    texts = copy / "texts"
    shutil.copytree(sources_dir, texts)
    path = texts / f"{S4}.txt"
    text = path.read_text(encoding="utf-8")
    # a Latin p has a Cyrillic twin (р): read in one script, it still names him
    path.write_text(text.replace("Заур Гардашов", "Заур Гаpдашов"), encoding="utf-8")
    ran = cinecoop("--data", copy / "data", "--sources", texts, "validate")
    assert ran.returncode == 0, ran.output
    # Latin X and r have none: the word is read as neither, and the error says why
    path.write_text(text.replace("Заур Гардашов", "Заур Xаrдашов"), encoding="utf-8")
    ran = cinecoop("--data", copy / "data", "--sources", texts, "validate")
    assert ("paragraph 4 does not mention 'Zaur Gardashov' (the word 'Xаrдашов' mixes Latin "
            "and Cyrillic letters") in ran.stderr


def test_a_changed_text_is_a_warning_through_its_checksum(copy: Path, sources_dir: Path) -> None:
    texts = copy / "texts"
    shutil.copytree(sources_dir, texts)
    from graph.text import text_checksum

    src = copy / "data" / "sources" / f"{S2}.yaml"
    checksum = text_checksum((texts / f"{S2}.txt").read_bytes())
    src.write_text(src.read_text(encoding="utf-8") + f"checksum: {checksum}\n",
                   encoding="utf-8")
    assert "changed since" not in cinecoop("--data", copy / "data", "--sources", texts,
                                           "validate").stderr
    with (texts / f"{S2}.txt").open("a", encoding="utf-8") as fh:
        fh.write(" ")
    ran = cinecoop("--data", copy / "data", "--sources", texts, "validate")
    assert f"the text of {S2}.txt changed since it was added" in ran.stderr


def test_skipped_text_checks_say_why(copy: Path, sources_dir: Path) -> None:
    _write(copy, "people/broken.yaml", "id: broken\nlabels:\n  en: X\ncite: ['nowhere:1']\n")
    ran = cinecoop("--data", copy / "data", "--sources", sources_dir, "validate")
    assert "source text checks: not run: the records do not fit together" in ran.stdout


def test_a_citation_that_moves_a_derived_date_is_a_warning(copy: Path) -> None:
    # The 004 panel has no date of its own: it is reported on 2025-12-09 (004's dateline).
    # Citing it from 002 (2021-06-29) would move that date back four years: say so.
    out = copy / "out"
    assert cinecoop("--data", copy / "data", "--out", out, "build").returncode == 0
    event = copy / "data" / "events" / "state-level-cooperation-panel.yaml"
    text = event.read_text(encoding="utf-8")
    event.write_text(text.replace("cite: [", f"cite: ['{S2}:1', "), encoding="utf-8")
    checked = cinecoop("--data", copy / "data", "--out", out, "validate")
    assert "this change moves its reported on from 2025-12-09 to 2021-06-29" in checked.stderr
    ran = cinecoop("--data", copy / "data", "--out", out, "build")
    assert ran.returncode == 0
    assert ("record 'event/state-level-cooperation-panel': this change moves its reported on "
            "from 2025-12-09 to 2021-06-29") in ran.stderr
    assert "## Derived facts that moved" in (out / "CHANGES.md").read_text(encoding="utf-8")


# ------------------------------------------------------- blocking equals comparing all pairs


def _all_pairs(records: list[Record]) -> list[Problem]:
    """The duplicate check before blocking: every label looked up in the index of every
    entity (the reference the blocked check must equal)."""
    entities = [r for r in records if r.kind in KINDS]
    by_id = {(r.kind, r.id): r for r in entities}
    index = record_index(entities)
    seen: set[tuple[str, str, str]] = set()
    out = []
    for rec in entities:
        own = {(lang, fold(text)) for lang, text in entity_labels(rec)}
        for _, text in entity_labels(rec):
            for m in index.find(text, kind=rec.kind, limit=5):
                other = by_id.get((rec.kind, m.id))
                if other is None or other is rec or m.score < WARN_FROM or m.why.startswith("part"):
                    continue
                pair = (rec.kind, *sorted((rec.id, other.id)))
                if pair in seen or _distinct(rec, other):
                    continue
                seen.add(pair)
                first, second = sorted((rec, other), key=lambda r: (
                    min((s for s, _ in r.cites()), default="~"), r.file, r.id))
                shared = own & {(lang, fold(t)) for lang, t in entity_labels(other)}
                pair_words = (text, m.matched) if second is rec else (m.matched, text)
                out.append(_problem(first, second, *pair_words, m.why, bool(shared)))
    return out


PLANTED = {
    # file: text; each a kind of match the name matcher makes (the examples)
    "people/gurban-primov.yaml": "id: gurban-primov\nlabels:\n  en: Gurban Primov\n",
    "people/gurban-pirimov-2.yaml": "id: gurban-pirimov-2\nlabels:\n  en: Gurban Pirimov\n",
    "people/rashad-azizov-ru.yaml": "id: rashad-azizov-ru\nlabels:\n  ru: Рашадом Азизовым\n",
    "people/kamran-qasimov.yaml": "id: kamran-qasimov\nlabels:\n  az: Kiamran Qasımov\n",
    "people/azizov-rashad.yaml": "id: azizov-rashad\nlabels:\n  en: Rashad Azizov Jr\n",
    "organisations/arka.yaml": "id: arka\ntype: film-agency\nlabels:\n  en: АRКА\n",
    "organisations/netflx.yaml": "id: netflx\ntype: studio\nlabels:\n  en: Netflx\n",
    "organisations/ministry.yaml": "id: ministry\ntype: ministry\nlabels:\n"
                                   "  en: Ministry of Culture\n",
}


@pytest.mark.parametrize("where", ["curated", "planted", "model_v2 fixture"])
def test_blocked_check_reports_what_comparing_all_pairs_does(where: str, tmp_path: Path) -> None:
    data = FIXTURES / "model_v2" / "data" if where == "model_v2 fixture" else DATA
    if where == "planted":
        data = tmp_path / "data"
        shutil.copytree(DATA, data)
        for rel, text in PLANTED.items():
            (data / rel).write_text(text + f"cite: ['{S4}:5']\n", encoding="utf-8")
    records, problems = read_records(data)
    assert [p for p in problems if p.level == "error"] == []
    blocked = list(duplicates(records))
    assert blocked == _all_pairs(records)
    if where == "planted":
        found = "\n".join(map(str, blocked))
        for planted in PLANTED:
            ident = planted.split("/")[1].removesuffix(".yaml")
            # a label that holds another person's whole name is not that person
            assert (ident in found) == (ident != "azizov-rashad"), planted
