"""Curating a sixth article through the commands, in a temporary copy of data/.

The article (tests/fixtures/article_ru.txt, written for this test, in Russian) names an
existing person in an inflected form (¶2 "Рашада Азизова") and another with a one-letter
misspelling (¶3 "Мамука Блеадзе" for Мамука Блиадзе), and one new person (¶4).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import Ran, cinecoop
from conftest import DATA, REPO

FIXTURE = REPO / "tests" / "fixtures" / "article_ru.txt"
EVENT = "azerbaijan-georgia-film-meeting-2026"


def run(root: Path, *args: str, ok: bool = True) -> Ran:
    result = cinecoop("--data", root / "data", "--out", root / "out", "--sources",
                      root / "texts", *args)
    assert (result.returncode == 0) == ok, result.output
    return result


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory, sources_dir: Path) -> dict[str, object]:
    """Curate the fixture article step by step; keep each step's output for the tests."""
    root = tmp_path_factory.mktemp("curate")
    shutil.copytree(DATA, root / "data")
    shutil.copytree(sources_dir, root / "texts")
    steps: dict[str, object] = {"root": root}
    run(root, "build")
    added = run(root, "add", "source", str(FIXTURE), "--url", "https://example.org/fixture",
                "--publisher", "trend")
    source = added.output.split()[2]
    steps["source"] = source
    steps["paras"] = run(root, "paras", source).output
    steps["find_azizov"] = run(root, "find", "Рашада Азизова").output
    steps["find_bliadze"] = run(root, "find", "Мамука Блеадзе").output
    before = tree(root / "data")
    steps["refused"] = run(root, "add", "person", "--label", "ru=Мамука Блеадзе",
                           "--cite", f"{source}:3", ok=False).output
    steps["refused_wrote"] = tree(root / "data") != before
    run(root, "add", "person", "--label", "ru=Эльнара Сафарова", "--label",
        "en=Elnara Safarova", "--cite", f"{source}:4", "--set", "occupation=producer")
    run(root, "add", "event", "--id", EVENT, "--label", "en=Working meeting of film "
        "industry representatives of Azerbaijan and Georgia", "--label",
        "ru=Рабочая встреча представителей киноиндустрии Азербайджана и Грузии",
        "--cite", f"{source}:1", "--set", "type=event", "--set", "city=baku")
    run(root, "cite", "rashad-azizov", f"{source}:2")
    run(root, "cite", "mamuka-bliadze", f"{source}:3", "--as", "Мамука Блеадзе")
    facts = root / "data" / "facts" / f"{source}.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + f"""participations:
- id: {source[:3]}-azizov-chair
  agent: rashad-azizov
  event: {EVENT}
  role: moderator
  on_behalf_of: azerbaijan-film-agency
  para: 2
- id: {source[:3]}-bliadze
  agent: mamuka-bliadze
  event: {EVENT}
  role: attendee
  on_behalf_of: national-film-center-georgia
  para: 3
  as: Мамука Блеадзе
""", encoding="utf-8")
    planted = root / "data" / "people" / "rashad-azizov-2.yaml"
    planted.write_text(f"id: rashad-azizov-2\nlabels:\n  az: Rəşad Əzizov\n"
                       f"cite: ['{source}:2']\n", encoding="utf-8")
    steps["validate_planted"] = run(root, "validate").output
    planted.unlink()
    steps["validate"] = run(root, "validate").output
    steps["diff"] = run(root, "diff", "--format", "json").output
    steps["build"] = run(root, "build").output
    steps["changes"] = (root / "out" / "CHANGES.md").read_text(encoding="utf-8")
    return steps


def test_add_source_follows_the_id_scheme(grown: dict[str, object]) -> None:
    root = grown["root"]
    assert isinstance(root, Path)
    source = str(grown["source"])
    assert source.startswith("005_") and len(source) == 20
    record = (root / "data" / "sources" / f"{source}.yaml").read_text(encoding="utf-8")
    for line in ("language: ru", "date: '2026-01-20'", "date_basis: dateline",
                 "paragraphs: 4", "url: https://example.org/fixture", "checksum: sha256:"):
        assert line in record
    assert (root / "texts" / f"{source}.txt").read_bytes() == FIXTURE.read_bytes()


def test_paras_finds_both_existing_people(grown: dict[str, object]) -> None:
    text = str(grown["paras"])
    assert "Рашада Азизова -> person/rashad-azizov (inflected form)" in text
    assert "Мамука Блеадзе -> person/mamuka-bliadze (1 edit)" in text
    assert "? Эльнары Сафаровой  (not in the graph)" in text


def test_find_ranks_them_first(grown: dict[str, object]) -> None:
    assert str(grown["find_azizov"]).split()[0] == "person/rashad-azizov"
    assert str(grown["find_bliadze"]).split()[0] == "person/mamuka-bliadze"


def test_add_refuses_the_misspelt_duplicate(grown: dict[str, object]) -> None:
    assert "likely already in the graph: mamuka-bliadze" in str(grown["refused"])
    assert grown["refused_wrote"] is False


def test_planted_duplicate_is_a_warning_naming_the_existing_id(grown: dict[str, object]) -> None:
    text = str(grown["validate_planted"])
    assert "warning: record 'rashad-azizov-2' field 'labels': may be the same person as " \
           "'rashad-azizov'" in text
    assert "0 error(s), 0 warning(s)" in str(grown["validate"])


def test_diff_and_build_show_exactly_the_new_facts(grown: dict[str, object]) -> None:
    source = str(grown["source"])
    found = json.loads(str(grown["diff"]))
    assert found["added"] == {"event/" + EVENT: "Working meeting of film industry "
                              "representatives of Azerbaijan and Georgia",
                              "person/elnara-safarova": "Elnara Safarova"}
    assert found["removed"] == {} and found["relabelled"] == {}
    assert list(found["facts"]) == [source]
    assert sorted(found["facts"][source]["added"]) == [
        "participation/005-azizov-chair", "participation/005-bliadze"]
    changes = str(grown["changes"])
    assert f"## Facts of {source}" in changes
    assert "+ `participation/005-azizov-chair` participation: rashad-azizov moderator at " \
           f"{EVENT} for azerbaijan-film-agency" in changes
    assert changes.count("\n- + ") == 2


def test_the_suite_passes_on_the_grown_data(grown: dict[str, object]) -> None:
    """The assertions about the five articles hold with a sixth one added."""
    root = grown["root"]
    assert isinstance(root, Path)
    env = dict(os.environ, CINECOOP_TEST_DATA=str(root / "data"),
               CINECOOP_SOURCES=str(root / "texts"))
    tests = ["tests/test_facts.py", "tests/test_coverage.py", "tests/test_terms.py",
             "tests/test_network.py", "tests/test_query.py", "tests/test_analytics.py",
             "tests/test_validate.py"]
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                           "-m", "not virtuoso and not browser", *tests], cwd=REPO, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]


@pytest.mark.parametrize(("args", "message"), [
    (["add", "source", "missing.txt"], "missing.txt: no such file"),
    (["add", "source", str(FIXTURE), "--lang", "fr"], "--lang 'fr': use one of en, ru, az, tr"),
    (["add", "source", str(FIXTURE), "--publisher", "nobody"], "no organisation has that id"),
    (["add", "person", "--label", "Рашад", "--cite", "004_7e29c807a69063d9:5"],
     "write LANG=TEXT"),
    (["add", "person", "--label", "en=New Person", "--cite", "004_7e29c807a69063d9:99"],
     "has paragraphs 1 to 10"),
    (["add", "person", "--label", "en=Rashad Azizow", "--cite", "004_7e29c807a69063d9:5"],
     "likely already in the graph: rashad-azizov"),
    (["add", "organisation", "--label", "en=New Org", "--cite", "004_7e29c807a69063d9:5"],
     "a organisation needs type"),
    (["add", "person", "--label", "en=New Person", "--cite", "004_7e29c807a69063d9:5",
      "--set", "colour=red"], "--set 'colour=red'"),
    (["cite", "nobody", "004_7e29c807a69063d9:5"], "no person, organisation"),
    (["cite", "rashad-azizov", "004_7e29c807a69063d9:5"], "already cites"),
    (["cite", "rashad-azizov", "004:5"], "no source '004'"),
    (["paras", "999"], "no source '999'"),
    (["paras", "004", "11"], "has paragraphs 1 to 10, not 11"),
    (["vocab", "spaceship"], "no record kind or list 'spaceship'"),
    (["diff", "no-such-revision"], "git"),
    (["find", "Zzyzx Qwerty"], "nothing in the graph is called"),
])
def test_bad_input_is_one_clear_line_and_writes_nothing(
        tmp_path: Path, sources_dir: Path, args: list[str], message: str) -> None:
    shutil.copytree(DATA, tmp_path / "data")
    shutil.copytree(sources_dir, tmp_path / "texts")
    before = tree(tmp_path / "data"), tree(tmp_path / "texts")
    result = run(tmp_path, *args, ok=False)
    assert message in result.output and "Traceback" not in result.output
    assert (tree(tmp_path / "data"), tree(tmp_path / "texts")) == before


def test_add_source_refuses_a_text_or_url_already_there(tmp_path: Path,
                                                         sources_dir: Path) -> None:
    shutil.copytree(DATA, tmp_path / "data")
    shutil.copytree(sources_dir, tmp_path / "texts")
    seed = sources_dir / "004_7e29c807a69063d9.txt"
    copy = tmp_path / "again.txt"
    copy.write_bytes(seed.read_bytes())
    result = run(tmp_path, "add", "source", str(copy), ok=False)
    assert "this text is already the source 004_7e29c807a69063d9" in result.output
    run(tmp_path, "add", "source", str(FIXTURE), "--url", "https://example.org/a")
    other = tmp_path / "other.txt"
    other.write_text("Another text.\n", encoding="utf-8")
    result = run(tmp_path, "add", "source", str(other), "--url", "https://example.org/a",
                 ok=False)
    assert "https://example.org/a is already the source 005_" in result.output


def test_vocab_reads_the_ontology() -> None:
    result = cinecoop("vocab", "participation")
    assert result.returncode == 0
    assert "moderator" in result.output and "Moderated the event or discussion." in result.output
    assert re.search(r"^  para +required", result.output, re.M)
