"""What must hold at every size: parameters bound into the pattern, the same rows either way,
the cached projection equal to a fresh one, synthetic data that builds through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import yaml
from conftest import REPO
from rdflib import Literal, URIRef

from graph.network.cache import build_folder, cached_projection
from graph.network.projection import project
from graph.sparql.named import named_queries
from graph.sparql.ntriples import LinesReader, Unreadable, lines_reader
from graph.sparql.quadgraph import open_graph
from graph.sparql.querytext import bind_terms, inject_values
from graph.sparql.reader import open_reader
from graph.sparql.stores import MemoryStore, OxigraphStore

AZIZOV = URIRef("https://w3id.org/cinecoop/id/person/rashad-azizov")


def test_a_parameter_is_written_into_the_pattern() -> None:
    text = next(q for q in named_queries() if q.name == "posts-of").text
    bound = bind_terms(text, {"person": AZIZOV})
    assert f"org:member <{AZIZOV}>" in bound
    assert "VALUES" not in bound and f"BIND(<{AZIZOV}> AS ?person)" in bound
    assert bound.count("\n") == text.count("\n")       # error positions keep their lines


def test_unsafe_shapes_fall_back_to_values() -> None:
    sub = "SELECT ?x WHERE { { SELECT ?x WHERE { ?x ?p ?o } } }"
    assert bind_terms(sub, {"x": AZIZOV}) == inject_values(sub, {"x": AZIZOV})
    rebound = "SELECT ?x WHERE { ?s ?p ?o BIND(?o AS ?x) }"
    assert bind_terms(rebound, {"x": Literal("a")}) == inject_values(rebound, {"x": Literal("a")})


def test_bound_and_values_give_the_same_rows(built: Path, ds: object) -> None:
    """Every named query with a parameter: written into the pattern, or joined as VALUES,
    the rows are the same on Oxigraph and in rdflib."""
    stores = [OxigraphStore(built / "store"), MemoryStore(ds)]  # type: ignore[arg-type]
    cases = {"posts-of": {"person": AZIZOV},
             "agreements": {"with": URIRef("https://w3id.org/cinecoop/id/organisation/netflix")},
             "met-with": {"agent": URIRef("https://w3id.org/cinecoop/id/country/ge")}}
    for q in named_queries():
        if q.name not in cases:
            continue
        for store in stores:
            bound = store._run(bind_terms(q.text, cases[q.name]), "select") \
                if isinstance(store, OxigraphStore) else \
                store._run(bind_terms(q.text, cases[q.name]))
            joined = store._run(inject_values(q.text, cases[q.name]), "select") \
                if isinstance(store, OxigraphStore) else \
                store._run(inject_values(q.text, cases[q.name]))
            assert bound.rows == joined.rows and bound.rows, (q.name, store.name)


def test_cached_projection_is_the_projection_of_the_store(built: Path, G: nx.MultiDiGraph
                                                          ) -> None:
    """The store read by quad patterns projects to the graph the rdflib path projects; the
    cache gives it back unchanged."""
    fresh = project(open_graph(built / "store"))
    assert sorted(fresh.nodes(data=True)) == sorted(G.nodes(data=True))
    assert sorted(fresh.edges(keys=True, data=True)) == sorted(G.edges(keys=True, data=True))
    first = cached_projection(built, lambda: open_graph(built / "store"))
    again = cached_projection(built, lambda: (_ for _ in ()).throw(AssertionError("re-read")))
    assert sorted(again.edges(keys=True, data=True)) == sorted(first.edges(keys=True, data=True))


def _signature(G: nx.MultiDiGraph) -> tuple[Any, ...]:
    """Everything of a projection, order included (nodes, edges, attribute keys)."""
    return (list(G.nodes(data=True)), [list(d) for _, d in G.nodes(data=True)],
            list(G.edges(keys=True, data=True)), [list(d) for *_, d in G.edges(keys=True,
                                                                                data=True)])


def test_graph_nt_projects_as_the_store_does(built: Path, G: nx.MultiDiGraph) -> None:
    """The build's graph.nt read as text gives the projection of the store read by quad
    patterns and of the rdflib Dataset, order included; the cache makes it from the text."""
    lines = lines_reader(build_folder(built))
    assert lines is not None
    from_text = project(lines)
    assert _signature(from_text) == _signature(project(open_reader(built))) == _signature(G)
    cached = cached_projection(built, lambda: (_ for _ in ()).throw(AssertionError("store")))
    assert _signature(cached) == _signature(from_text)


def test_lines_reader_reads_every_literal_as_the_store_does(tmp_path: Path) -> None:
    """Escapes, languages, datatypes and characters a line split could break: the reader's
    terms are the store's, triple for triple."""
    import pyoxigraph as ox

    from graph.sparql.reader import Reader

    ex = "https://example.org/"
    odd = ['plain', 'quote " and \\ backslash', "tab\tnew\nline\rcr", "ls\u2028ps\u2029nel\x85",
           "é Ж 😀", "", "\x00\x1f control"]
    store = ox.Store()
    for i, text in enumerate(odd):
        s = ox.NamedNode(f"{ex}s{i}")
        store.add(ox.Quad(s, ox.NamedNode(f"{ex}p"), ox.Literal(text)))
        store.add(ox.Quad(s, ox.NamedNode(f"{ex}q"), ox.Literal(text, language="ru")))
        store.add(ox.Quad(s, ox.NamedNode(f"{ex}r"), ox.Literal(
            text, datatype=ox.NamedNode(f"{ex}type"))))
        store.add(ox.Quad(s, ox.NamedNode(f"{ex}i"), ox.NamedNode(f"{ex}o/ü{i}")))
    text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).decode()
    lines = LinesReader(text)
    reader = Reader(store)
    for p in ("p", "q", "r", "i"):
        want = sorted(((s, o) for s, _, o in reader.triples((None, ex + p, None))), key=repr)
        got = sorted(lines.pairs(ex + p), key=repr)
        assert [(s, o, getattr(o, "language", None), getattr(o, "datatype", None))
                for s, o in got] == [(s, o, getattr(o, "language", None),
                                      getattr(o, "datatype", None)) for s, o in want], p
    assert len(list(lines.triples((None, None, None)))) == 4 * len(odd)


def test_names_resolve_from_graph_nt_as_from_the_store(built: Path) -> None:
    """The name index made from graph.nt has the store's candidates; a name resolves to the
    same entity either way (path resolves through the text when no index is kept yet)."""
    from graph.network.reads import resolve_in_build, resolve_name
    from graph.sparql.describe import candidates

    lines = lines_reader(build_folder(built))
    assert lines is not None
    assert candidates(lines) == candidates(open_reader(built))
    for name in ("Rashad Azizov", "Netflix", "Kyrgyzfilm", "Рашадом Азизовым"):
        assert resolve_in_build(built, name) == resolve_name(open_reader(built), name)


def test_one_text_reader_per_file_and_a_new_one_for_new_bytes(tmp_path: Path) -> None:
    """graph.nt is read once per process; a file with other bytes is read again."""
    nt = tmp_path / "graph.nt"
    nt.write_text('<https://example.org/s> <https://example.org/p> "a" .\n', encoding="utf-8")
    first = lines_reader(tmp_path)
    assert first is not None and first is lines_reader(tmp_path)
    assert [o for _, o in first.pairs("https://example.org/p")] == ["a"]
    nt.write_text('<https://example.org/s> <https://example.org/p> "bb" .\n', encoding="utf-8")
    again = lines_reader(tmp_path)
    assert again is not None and again is not first
    assert [o for _, o in again.pairs("https://example.org/p")] == ["bb"]


def test_a_blank_node_sends_the_projection_to_the_store(tmp_path: Path) -> None:
    """A line the text reader does not read (a blank node) is read from the store instead."""
    lines = LinesReader("_:b0 <https://example.org/p> <https://example.org/o> .\n")
    with pytest.raises(Unreadable):
        lines.pairs("https://example.org/p")
    assert lines_reader(tmp_path) is None       # no graph.nt there: the store is read


def test_synthetic_data_builds_through_the_cli(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    subprocess.run([sys.executable, str(REPO / "scripts" / "synth.py"), "20", "--data",
                    str(data)], check=True, capture_output=True)
    assert len(list((data / "facts").glob("*.yaml"))) >= 1
    cli = [sys.executable, "-m", "graph.cli", "--data", str(data), "--out", str(out)]
    built = subprocess.run([*cli, "build"], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    shown = subprocess.run([*cli, "show", "person-000001"], capture_output=True, text=True)
    label = yaml.safe_load((data / "people" / "person-000001.yaml").read_text())["labels"]["en"]
    assert shown.returncode == 0 and label in shown.stdout, shown.stderr
    assert_index_of_the_store(out)


def assert_index_of_the_store(out: Path) -> None:
    """The name index read from the build's files (graph.nt's entity lines, names.tsv's
    keys) is the one made from the store, row for row and key for key."""
    from graph.names import NameIndex
    from graph.sparql.describe import _built_index, candidates

    reader = open_reader(out)
    made = _built_index(reader)
    assert made is not None
    assert made.table() == NameIndex(candidates(reader)).table()


def test_the_name_index_is_read_from_the_build(built: Path, tmp_path: Path) -> None:
    """The curated build's index from its files is the store's, the agreements (which
    names.tsv leaves out) included; without names.tsv every label is folded here, the same."""
    import shutil

    assert_index_of_the_store(built)
    out = tmp_path / "out"
    shutil.copytree(built.resolve() / "current", out, symlinks=True)
    (out / "names.tsv").unlink()
    assert_index_of_the_store(out)
    assert "agreement/ministry-of-culture-netflix-partnership" in _index_rows(out)


def _index_rows(out: Path) -> str:
    from graph.sparql.describe import _built_index

    made = _built_index(open_reader(out))
    assert made is not None
    return made.table().split("\f")[0]


def test_entity_lines_are_found_in_the_sorted_file(tmp_path: Path) -> None:
    """subject_lines reads the run of lines of each subject prefix and only the predicates
    asked for; a predicate written inside another line's literal is not taken for one."""
    from graph.sparql.ntriples import subject_lines

    ex = "https://example.org/"
    label = "http://www.w3.org/2004/02/skos/core#prefLabel"
    lines = sorted([
        f'<{ex}a/1> <{label}> "one"@en .',
        f'<{ex}a/1> <{ex}note> "x <{label}> \\"y\\"" .',
        f'<{ex}a/2> <{label}> "two \\u00E9" .',
        f'<{ex}a/2> <{ex}link> <{ex}b/1> .',
        f'<{ex}ab/3> <{label}> "not a/" .',
        f'<{ex}b/1> <{label}> "bee" .',
        f'<{ex}c/1> <{label}> "sea" .',
    ])
    (tmp_path / "graph.nt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = subject_lines(tmp_path, {f"{ex}a/": (label,), f"{ex}c/": (label, f"{ex}link")})
    assert found is not None
    assert found.pairs(label) == [(f"{ex}a/1", "one"), (f"{ex}a/2", "two é"),
                                  (f"{ex}c/1", "sea")]
    assert found.pairs(f"{ex}note") == [] and found.pairs(f"{ex}link") == []
    assert subject_lines(tmp_path / "none", {f"{ex}a/": (label,)}) is None


def test_progress_is_drawn_on_a_terminal_only(monkeypatch: object, capsys: object) -> None:
    from graph.progress import Steps, progress

    mp: Any = monkeypatch
    cap: Any = capsys
    mp.setenv("CINECOOP_PROGRESS", "0")
    assert list(progress(range(3), "x")) == [0, 1, 2]
    with Steps("build", ("a", "b")) as steps:
        steps.next("a")
    assert cap.readouterr().err == ""
    mp.setenv("CINECOOP_PROGRESS", "1")
    assert list(progress(range(3), "export")) == [0, 1, 2]
    assert "export" in cap.readouterr().err


def test_a_touched_file_is_current_an_edited_one_is_not(tmp_path: Path) -> None:
    """Readers check the build by file stats first, then by bytes: a touch does not rebuild."""
    import os
    import shutil

    from graph.data.build import build
    from graph.data.outputs import is_current, stat_fingerprint

    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    build(data, tmp_path / "out")
    assert is_current(data, tmp_path / "out")
    person = data / "people" / "rashad-azizov.yaml"
    os.utime(person, ns=(1, 1))
    assert is_current(data, tmp_path / "out")          # stats differ, bytes are the same
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["stat"] == stat_fingerprint(data)  # kept: the next check reads no file
    assert (tmp_path / "out" / "manifest.json").is_symlink()   # still the build's own
    person.write_text(person.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert not is_current(data, tmp_path / "out")


def test_the_name_index_is_kept_beside_the_build(built: Path) -> None:
    """Resolving a name on the store builds the name index once per build, then reuses it."""
    from graph.sparql.describe import resolve

    first = resolve(open_graph(built / "store"), "Рашадом Азизовым")   # inflected: the index
    folder = (built / "manifest.json").resolve().parent
    assert list(folder.glob("names-*.pickle"))
    again = resolve(open_graph(built / "store"), "azizov")
    assert first == again == AZIZOV


def test_an_id_resolves_from_the_build_files_as_the_index_resolves_it(built: Path) -> None:
    """``show``/``path`` with an id find the entity in graph.nt and names.tsv without making
    the name index, only where the index would give that entity alone: every curated id,
    whole, as its last part, in capitals or padded, resolves as the index resolves it; an id
    that is also a label's folded form (``netflix``) is left to the index."""
    from graph.sparql.describe import by_id_in_build, entities, name_index, short_id

    reader = open_reader(built)
    index = name_index(reader)
    quick = 0
    for node in entities(reader):
        ident = short_id(node)
        for name in (ident, ident.split("/", 1)[1], ident.upper(), f" {ident}"):
            found = by_id_in_build(reader, name)
            sure, _ = index.resolve(name)
            if found is not None:
                quick += 1
                assert [found] == [f"https://w3id.org/cinecoop/id/{m.id}" for m in sure], name
    assert quick >= len(entities(reader))       # every whole id at least
    assert by_id_in_build(reader, "netflix") is None
    assert index.resolve("netflix")[0][0].id == "organisation/netflix"
    assert by_id_in_build(reader, "person/no-such-person") is None
    assert by_id_in_build(reader, "Person/rashad-azizov") is None


@pytest.mark.parametrize("which", ["curated", "synth200"])
def test_a_label_resolves_from_the_build_files_as_the_index_resolves_it(
        which: str, request: pytest.FixtureRequest) -> None:
    """``show``/``path``/``--param`` with a label find the entity in names.tsv and graph.nt
    without making the name index, only where the index would give that entity alone:
    every label of every entity, as written, in capitals, padded and with its punctuation
    changed, resolves as the index resolves it (most of them found this way); an
    agreement's title, a label in look-alike letters and an inflected form are left to the
    index (shared labels, titles and ids: the next test)."""
    from graph.sparql.describe import by_label_in_build, name_index

    out = request.getfixturevalue("built" if which == "curated" else which)
    reader = open_reader(out)
    index = name_index(reader)
    rows = [row.split("\t") for row in index.table().split("\f")[0].splitlines()]
    quick = tried = 0
    for *_, label in rows:
        for name in (label, label.upper(), f"  {label} ", label.replace(" ", " - ")):
            found = by_label_in_build(reader, name)
            tried += 1
            if found is not None:
                quick += 1
                sure, _ = index.resolve(name)
                assert [found] == [f"https://w3id.org/cinecoop/id/{m.id}" for m in sure], name
    assert quick >= 0.8 * tried, (quick, tried)
    agreements = [label for ident, _, _, _, label in rows if ident.startswith("agreement/")]
    assert agreements
    for name in agreements:     # the index finds the agreement (one of its sure matches)
        assert by_label_in_build(reader, name) is None, name
        assert any(m.id.startswith("agreement/") for m in index.resolve(name)[0]), name
    if which == "curated":
        assert by_label_in_build(reader, "Netflix") == str(URIRef(
            "https://w3id.org/cinecoop/id/organisation/netflix"))
        assert by_label_in_build(reader, "Rаshad Azizov") is None    # a Cyrillic "а"
        assert [m.id for m in index.resolve("Rаshad Azizov")[0]] == ["person/rashad-azizov"]
        assert by_label_in_build(reader, "Рашадом Азизовым") is None  # inflected: the index


def test_a_label_the_index_would_not_resolve_alone_is_left_to_it(tmp_path: Path) -> None:
    """Where the index finds more than the one entity with the label: two people with the
    same label (distinct, as curators may record them), an organisation named as an
    agreement is titled (names.tsv leaves titles out), a one-word label that is another
    entity's id. None of these is found in the build's files, and the index lists both."""
    import shutil

    from graph.data.build import build
    from graph.sparql.describe import by_label_in_build, name_index

    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    twin = (data / "people" / "rashad-azizov.yaml").read_text(encoding="utf-8")
    (data / "people" / "rashad-azizov-2.yaml").write_text(twin.replace(
        "id: rashad-azizov", "id: rashad-azizov-2\ndistinct_from: [rashad-azizov]"),
        encoding="utf-8")
    org = (data / "organisations" / "netflix.yaml").read_text(encoding="utf-8")
    for ident, label in (("creative-az", "Creative Azerbaijan"), ("tengri", "Tengri Studio"),
                         ("kino-tengri", "Tengri")):
        (data / "organisations" / f"{ident}.yaml").write_text(
            org.replace("id: netflix", f"id: {ident}").replace("en: Netflix", f"en: {label}")
            .replace("wikidata: Q907311\n", ""), encoding="utf-8")
    build(data, tmp_path / "out")
    reader = open_reader(tmp_path / "out")
    index = name_index(reader)
    for name, ids in (("Rashad Azizov", ["person/rashad-azizov", "person/rashad-azizov-2"]),
                      ("Creative Azerbaijan", ["agreement/", "organisation/creative-az"]),
                      ("Tengri", ["organisation/kino-tengri", "organisation/tengri"])):
        assert by_label_in_build(reader, name) is None, name
        sure = sorted(m.id for m in index.resolve(name)[0])
        assert len(sure) == 2 and all(i.startswith(want) for i, want in zip(
            sure, ids, strict=True)), (name, sure)
    for name in ("Gurban Pirimov", "Tengri Studio", "Netflix"):
        assert by_label_in_build(reader, name) is not None, name      # the others still


def test_an_agreement_title_is_compared_with_an_id_as_folding_compares_them() -> None:
    """``by_id_in_build`` skips folding an ASCII agreement title that lacks a word of the id:
    the same answer as folding every title, on titles that fold to an id (glued words,
    capitals, punctuation), near misses and other scripts, and on random strings."""
    import random
    import string

    from graph.names import fold
    from graph.sparql.describe import _folds_to

    titles = ["Person-000001", "PERSON 000001.", "person000001", "Oku.AzAccording",
              "ﬁlm-deal", "film deal", "Fılm Deal", "İstanbul accord", "Ёлка-1", "елка 1",
              "Agreement ½", "agreement 12", "", "  -  "]
    ids = ["person 000001", "oku az according", "film deal", "istanbul accord", "елка 1",
           "agreement 12", "agreement 1 2"]
    rnd = random.Random(11)
    alphabet = string.ascii_letters + string.digits + " -_./'’Ééıİ½ﬁЁёй"
    titles += ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 10)))
               for _ in range(3000)]
    ids += [fold(t) for t in titles[-300:]]
    agree = 0
    for title in titles:
        for folded in ids:
            assert _folds_to(title, folded) == (fold(title) == folded), (title, folded)
            agree += fold(title) == folded
    assert agree >= 300 + 6         # the cases that do fold to an id were compared too


def test_a_parameter_given_as_an_id_or_a_label_needs_no_name_index(tmp_path: Path) -> None:
    """``query NAME -p person=<id>`` or ``person=<label>`` on a build takes the entity from the
    build's files (as ``show`` does), and no index is made for it (the first look-up after a
    large build stays quick): the same rows as a part of the name gives through the name
    index, which that look-up makes."""
    data, out = tmp_path / "data", tmp_path / "out"
    subprocess.run([sys.executable, str(REPO / "scripts" / "synth.py"), "20", "--data",
                    str(data)], check=True, capture_output=True)
    cli = [sys.executable, "-m", "graph.cli", "--data", str(data), "--out", str(out)]
    built = subprocess.run([*cli, "build"], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    folder = (out / "manifest.json").resolve().parent
    posts = [*cli, "query", "posts-of", "-p"]
    by_id = subprocess.run([*posts, "person=person-000001"], capture_output=True, text=True)
    assert by_id.returncode == 0, by_id.stderr
    assert not list(folder.glob("names-*.pickle"))
    label = yaml.safe_load((data / "people" / "person-000001.yaml").read_text())["labels"]["en"]
    by_name = subprocess.run([*posts, f"person={label}"], capture_output=True, text=True)
    assert not list(folder.glob("names-*.pickle"))
    part = subprocess.run([*posts, f"person={label.split()[-1]}"], capture_output=True,
                          text=True)
    assert list(folder.glob("names-*.pickle"))
    assert by_id.stdout == by_name.stdout and "(0 rows" not in by_id.stdout, by_id.stdout
    assert part.stdout == by_id.stdout, part.stderr
