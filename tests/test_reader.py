"""The look-ups read the store without rdflib, and say what the rdflib path says.

``show``, ``find`` and ``stats`` read the Oxigraph store through :mod:`graph.sparql.reader`
(plain-string terms); the built TriG parsed into rdflib is the reference they are checked
against, entity by entity.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, REPO
from rdflib import Dataset

from graph.sparql.describe import LookupError_, describe, entities, label, resolve, stats
from graph.sparql.reader import GraphUnavailable, Lit, Reader, load_reader, open_reader


@pytest.fixture(scope="module")
def reader(built: Path) -> Reader:
    return open_reader(built)


def test_every_entity_is_described_as_the_rdflib_path_describes_it(
        reader: Reader, ds: Dataset) -> None:
    nodes = entities(reader)
    assert [str(n) for n in entities(ds)] == nodes and len(nodes) > 50
    for node in nodes:
        lean, ref = describe(reader, node), describe(ds, node)
        assert (lean.kind, lean.labels, lean.facts) == (ref.kind, ref.labels, ref.facts), node


def test_the_graph_read_into_memory_describes_as_the_store_does(reader: Reader) -> None:
    whole = load_reader(reader)
    for node in entities(reader):
        lean, mem = describe(reader, node), describe(whole, node)
        assert (lean.kind, lean.labels, lean.facts) == (mem.kind, mem.labels, mem.facts), node
    assert stats(whole) == stats(reader)
    # literals apart by language: the Russian label is not the English one
    node = resolve(reader, "Rashad Azizov")
    pref = "http://www.w3.org/2004/02/skos/core#prefLabel"
    assert list(whole.subjects(pref, Lit("Рашад Азизов", "ru"))) == [node]
    assert list(whole.subjects(pref, Lit("Рашад Азизов", "en"))) == []
    assert (node, pref, Lit("Rashad Azizov", "en")) in whole


def test_stats_and_names_agree_with_the_rdflib_path(reader: Reader, ds: Dataset) -> None:
    assert stats(reader) == stats(ds)
    for name in ("Рашадом Азизовым", "Кямрана Гасымова", "Netflix", "Azerbaijan Film Agency"):
        assert str(resolve(reader, name)) == str(resolve(ds, name))
    misses = []
    for g in (reader, ds):
        with pytest.raises(LookupError_) as caught:
            resolve(g, "Heydar Aliyev Centre")      # the graph says "Center": did you mean
        misses.append(str(caught.value))
    assert misses[0] == misses[1] and "place/heydar-aliyev-center" in misses[0]


def test_stats_read_by_property_count_what_describing_each_entity_counts(
        reader: Reader, ds: Dataset) -> None:
    # stats reads one pattern per property; the slow way asks each entity for its class,
    # citations and countries, as show does
    from collections import Counter

    from graph.sparql.describe import citations, entity_class

    per_class: Counter[str] = Counter()
    per_source: Counter[str] = Counter()
    per_country: Counter[str] = Counter()
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    cc = "https://w3id.org/cinecoop/ontology#"
    for node in entities(reader):
        per_class[entity_class(reader, node)] += 1
        per_source.update(c.source for c in citations(reader, node))
        per_country.update(label(reader, c) for c in reader.objects(node, cc + "country"))
    for cls in ("PostHeld", "Participation"):
        for fact in set(reader.subjects(rdf_type, cc + cls)):
            per_class[cls] += 1
            per_source.update(c.source for c in citations(reader, fact))
    counted = stats(reader)
    assert counted == {"class": per_class, "source": per_source, "country": per_country}
    assert counted == stats(ds)
    # 004 ¶5 cites the director general's post and his speech at the forum
    source_004 = next(s for s in counted["source"] if s.startswith("004_"))
    assert counted["source"][source_004] >= 2 and counted["class"]["PostHeld"] >= 1


def test_terms_come_out_plain(reader: Reader) -> None:
    # 004 ¶5: Rashad Azizov, director general of the Azerbaijan Film Agency
    node = resolve(reader, "Rashad Azizov")
    assert type(node) is str and node.endswith("/person/rashad-azizov")
    labels = list(reader.objects(node, "http://www.w3.org/2004/02/skos/core#prefLabel"))
    assert all(isinstance(x, Lit) for x in labels)
    assert {(str(x), x.language) for x in labels} >= {("Rashad Azizov", "en"),
                                                      ("Рашад Азизов", "ru")}
    assert label(reader, node, "ru") == "Рашад Азизов"
    assert list(reader.objects("not an IRI at all", None)) == []


def test_a_missing_store_says_to_build(tmp_path: Path) -> None:
    with pytest.raises(GraphUnavailable, match="run 'cinecoop build'"):
        open_reader(tmp_path)


@pytest.mark.parametrize("args", [["show", "Рашадом Азизовым"], ["find", "Gurban Primov"],
                                  ["stats"], ["show", "Gurban Primov"]])
def test_look_ups_import_no_rdflib_or_networkx(built: Path, args: list[str]) -> None:
    """A cold look-up after a build stays light: no rdflib, networkx or pyshacl."""
    code = ("import sys; from graph.cli import main\n"
            f"sys.argv = ['cinecoop', '--data', {str(DATA)!r}, '--out', {str(built)!r}, "
            f"*{args!r}]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy = {'rdflib', 'networkx', 'pyshacl', 'igraph'} & set(sys.modules)\n"
            "print('HEAVY', sorted(heavy), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert "HEAVY []" in done.stderr, done.stderr
    assert done.stdout or "did you mean" in done.stderr


def test_output_piped_into_head_stops_quietly(built: Path) -> None:
    cli = [sys.executable, "-c", "from graph.cli import main; main()"]
    shell = (f"{' '.join(cli[:2])} '{cli[2]}' --data {DATA} --out {built} show 'Rashad Azizov'"
             " | head -1")
    done = subprocess.run(["bash", "-o", "pipefail", "-c", shell], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.startswith("Rashad Azizov  [Person]")
    assert "Error" not in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("which", ["built", "synth200"])
def test_stats_of_a_build_read_from_its_lines_count_what_the_store_counts(
        which: str, request: pytest.FixtureRequest) -> None:
    """The first ``stats`` after a build reads graph.nt's lines by predicate (no store, no
    per-quad objects): the same counts as the store's patterns give."""
    from graph.sparql.describe import _stats, _stats_of_build

    store = open_reader(request.getfixturevalue(which))
    quick = _stats_of_build(store)
    assert quick is not None and quick == _stats(store)
    assert sum(quick["class"].values()) > 100 and quick["country"] and quick["source"]
