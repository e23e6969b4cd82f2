"""The fast read path: ``query NAME``, ``path`` and ``centrality`` print what the reference
path prints, from terms bound safely and from what is kept beside the build, never stale.

Expectations come from the reference implementations in the same run (networkx's
``shortest_simple_paths``, the networkx views, the rdflib memory store), which the other test
files check against the articles.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from itertools import islice
from pathlib import Path

import networkx as nx
import pytest
from clirun import cinecoop
from conftest import DATA, REPO
from rdflib import Dataset

from graph.network.commands import Filters, centrality_text, communities_lines, path_lines
from graph.network.paths import NoPath, shortest_paths, simple_paths
from graph.network.plain import PlainView, plain_data
from graph.network.projection import VIEWS, view
from graph.network.reads import path_report
from graph.sparql.named import named_queries, parse_literal, run
from graph.sparql.plain import Lit, datatype, kind, language
from graph.sparql.stores import MemoryStore, OxigraphStore, Store
from graph.sparql.tables import render

FORMATS = ("table", "md", "csv", "tsv", "json", "xml")


# ---------------------------------------------------------------------------- paths


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_a_plain_view_made_from_the_parts_is_the_networkx_views(G: nx.MultiDiGraph,
                                                                name: str) -> None:
    """``path`` keeps a view's plain form made straight from what the view is made of: the
    same data, pickled to the same bytes, as the plain form of the networkx view, with every
    kind of filter."""
    import pickle

    from graph.network.plain import plain_parts
    from graph.network.projection import view_parts

    for options in ({}, {"since": "2024"}, {"until": "2023-06", "include_undated": True},
                    {"types": ["person", "FilmAgency"]}):
        made = plain_parts(*view_parts(G, name, **options))
        want = plain_data(view(G, name, **options))
        assert made == want, options
        assert pickle.dumps(made) == pickle.dumps(want), options


def _pairs(H: nx.Graph, step: int) -> list[tuple[str, str]]:
    nodes = sorted(H)
    return [(a, b) for i, a in enumerate(nodes[::step]) for b in nodes[i * step + 1::step]]


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_simple_paths_are_networkx_paths_in_the_same_order(G: nx.MultiDiGraph,
                                                           name: str) -> None:
    """The plain-Python search gives networkx's paths, ties broken the same way, on the
    networkx view and on its plain form."""
    H = view(G, name)
    P = PlainView(plain_data(H))
    checked = 0
    for a, b in _pairs(H, 3 if name == "full" else 1):
        try:
            want = list(islice(nx.shortest_simple_paths(H, a, b), 3))
        except nx.NetworkXNoPath:
            want = []
        assert list(islice(simple_paths(H.adj, a, b), 3)) == want, (a, b)
        assert list(islice(simple_paths(P.adj, a, b), 3)) == want, (a, b)
        checked += bool(want)
    assert checked > 20


def test_a_path_reads_the_same_from_the_plain_view(ds: Dataset, G: nx.MultiDiGraph) -> None:
    for name, a, b in (("full", "organisation/netflix", "organisation/kyrgyzfilm"),
                       ("org-org", "organisation/roskino", "organisation/tajikfilm")):
        H = view(G, name)
        P = PlainView(plain_data(H))
        assert path_report(P, a, b, 3, name, Filters()) == path_report(H, a, b, 3, name,
                                                                        Filters())
    with pytest.raises(NoPath):
        shortest_paths(PlainView(plain_data(view(G, "org-org"))), "organisation/roskino",
                       "organisation/netflix")


# ---------------------------------------------------------------------------- kept beside the build


def _cli(data: Path, out: Path, *args: str) -> str:
    done = cinecoop("--data", data, "--out", out, *args)
    assert done.returncode == 0, done.output
    return done.stdout


def test_a_first_path_with_the_name_index_made_beside_prints_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a large build the first path makes the name index in a child while it makes the
    view (forced here on the curated build): the same lines as a path that made both in one
    process, and the index is kept beside the build."""
    from graph.data.build import build
    from graph.network import reads

    lines = {}
    for large in (0, 10**12):
        out = tmp_path / f"out-{large}"
        build(DATA, out)
        monkeypatch.setattr(reads, "LARGE_BYTES", large)
        lines[large] = _cli(DATA, out, "path", "Pirimov", "Netflix", "--k", "2")  # a part
        assert list((out / "manifest.json").resolve().parent.glob("names-*.pickle"))
    assert lines[0] == lines[10**12] and "Netflix" in lines[0]


def test_kept_views_and_scores_print_what_networkx_prints_and_follow_the_data(
        tmp_path: Path) -> None:
    """The first run keeps a view and a score table beside the build; later runs read them and
    print the same; an edit to the data gives a new build, whose answers are new, never the
    kept ones of the old build."""
    data, out = tmp_path / "data", tmp_path / "out"
    shutil.copytree(DATA, data)
    path_args = ("path", "Gurban Pirimov", "Netflix", "--k", "2")
    cent_args = ("centrality", "--view", "org-org", "--format", "csv")
    first = _cli(data, out, *path_args), _cli(data, out, *cent_args)
    folder = (out / "manifest.json").resolve().parent
    assert len(list(folder.glob("view-*.pickle"))) == 1
    assert len(list(folder.glob("centrality-*.pickle"))) == 1
    assert (_cli(data, out, *path_args), _cli(data, out, *cent_args)) == first
    from graph.api import open_graph

    kg = open_graph(out, data)
    assert first == ("\n".join(path_lines(kg.graph, "Gurban Pirimov", "Netflix", 2, "full",
                                          Filters(), G=kg.projection)) + "\n",
                     centrality_text(kg.graph, "org-org", ["degree", "betweenness",
                                     "closeness", "eigenvector", "pagerank"], 10, Filters(),
                                     "csv", G=kg.projection))
    assert _cli(data, out, "communities") == _cli(data, out, "communities") == "\n".join(
        communities_lines(kg.graph, "org-org", Filters(), G=kg.projection)) + "\n"
    for file, old, new in (("organisations/netflix.yaml", "en: Netflix", "en: Netflix Streaming"),
                           ("organisations/roskino.yaml", "en: Roskino", "en: Roskino Agency")):
        text = (data / file).read_text(encoding="utf-8")
        assert old in text
        (data / file).write_text(text.replace(old, new), encoding="utf-8")
    edited = _cli(data, out, *path_args), _cli(data, out, *cent_args)
    assert "Netflix Streaming" in edited[0] and "Netflix Streaming" not in first[0]
    assert "Roskino Agency" in edited[1] and "Roskino Agency" not in first[1]
    assert (out / "manifest.json").resolve().parent != folder


# ---------------------------------------------------------------------------- cold processes


def _modules_after(*args: str) -> set[str]:
    """Which of rdflib, networkx, igraph and pyshacl a fresh ``cinecoop ARGS`` imported."""
    script = ("import sys\nfrom graph.cli import cli\n"
              "try:\n    cli.main(sys.argv[1:], prog_name='cinecoop')\n"
              "except SystemExit as exc:\n    code = exc.code\n"
              "heavy = ('rdflib', 'networkx', 'igraph', 'pyshacl')\n"
              "sys.stderr.write('MODULES ' + ' '.join(m for m in heavy if m in sys.modules))\n"
              "sys.exit(code)\n")
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                          text=True, cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr
    return set(done.stderr.rsplit("MODULES", 1)[1].split())


def test_cold_reads_import_no_rdflib_and_no_networkx(built: Path) -> None:
    """A fresh ``query NAME`` imports neither rdflib nor networkx; once a build has its view
    and scores kept (the first run after a build makes them), a fresh ``path``,
    ``centrality`` or ``communities`` imports neither, nor igraph."""
    common = ("--data", str(DATA), "--out", str(built))
    heavy = {"rdflib", "networkx", "igraph", "pyshacl"}
    for args in (("path", "Gurban Pirimov", "Netflix"), ("centrality", "--view", "org-org"),
                 ("communities", "--view", "org-org")):
        _modules_after(*common, *args)                      # keeps what the next one reads
        assert not _modules_after(*common, *args) & heavy, args
    for args in (("query", "timeline"), ("query", "posts-of", "-p", "person=Рашадом Азизовым"),
                 ("query", "agreements", "-p", "kind=mou", "-o", "json")):
        assert not _modules_after(*common, *args) & heavy, args


# ---------------------------------------------------------------------------- parameters


def _examples() -> list[tuple[str, dict[str, str]]]:
    return [(q.name, {p.name: p.example for p in q.params if p.example})
            for q in named_queries() if all(p.example or p.optional for p in q.params)]


def _shape(term: object) -> tuple[str, str, str | None, str | None] | None:
    return None if term is None else (kind(term), str(term), language(term), datatype(term))


def test_plain_terms_print_as_rdflib_terms_do(built: Path, ds: Dataset) -> None:
    """Every named query with its header example: the Oxigraph store answering in plain terms
    (no rdflib) and the rdflib memory store give the same rows and print the same text."""
    plain, memory = OxigraphStore(built / "store", plain=True), MemoryStore(ds)
    assert len(_examples()) >= 10
    for name, params in _examples():
        a = run(plain, name=name, params=params).result
        b = run(memory, name=name, params=params).result
        assert all(kind(t) == "iri" and type(t) is str or isinstance(t, Lit)
                   for row in a.rows for t in row if t is not None)
        assert [tuple(map(_shape, row)) for row in a.rows] == \
               [tuple(map(_shape, row)) for row in b.rows], name
        for fmt in FORMATS:
            assert render(a, fmt, plain) == render(b, fmt, memory), (name, fmt)


TRICKY = ['say "hi" > there', "line one\nline two\r\n\ttabbed", "back\\slash \\n not a newline",
          "Рашад Азизов 😀 \u2028 end", '"} UNION { ?s ?p ?o } #', "'single' and <angle>"]


@pytest.mark.parametrize("value", TRICKY)
def test_parameters_are_bound_as_whole_terms(built: Path, ds: Dataset, value: str) -> None:
    """Quotes, '>', line breaks, backslashes and any Unicode in a parameter come back as the
    same literal on every store: the value is a term, never query text."""
    query = "SELECT ?v ?n WHERE { BIND(?x AS ?v) BIND(STRLEN(?x) AS ?n) }"
    stores: list[Store] = [OxigraphStore(built / "store", plain=True),
                           OxigraphStore(built / "store"), MemoryStore(ds)]
    for store in stores:
        for term in (Lit(value), Lit(value, language="ru")):
            rows = store.query(query, {"x": term}).rows
            assert len(rows) == 1 and str(rows[0][0]) == value, store.name
            assert (getattr(rows[0][0], "language", None) or None) == term.language
            assert int(str(rows[0][1])) == len(value)
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") \
        .replace("\r", "\\r")
    assert parse_literal(f'"{escaped}"') == value
    code = cinecoop("--data", DATA, "--out", built, "query", query, "-p",
                    f'x="{escaped}"', "-o", "json")
    assert code.returncode == 0, code.output
    assert json.loads(code.stdout)["results"]["bindings"][0]["v"]["value"] == value


def test_an_iri_parameter_cannot_leave_its_brackets(built: Path) -> None:
    for value in ("<http://a/b> } ?s ?p ?o {>", "<http://a/\nb>", "<no-scheme>"):
        done = cinecoop("--data", DATA, "--out", built, "query", "SELECT ?v WHERE { }",
                        "-p", f"v={value}")
        assert done.returncode == 2 and "not an absolute IRI" in done.stderr, value


# ---------------------------------------------------------------------------- is the build current


def test_the_stat_check_walks_files_as_rglob_does(tmp_path: Path) -> None:
    """The checks every read makes (one ``stat`` per input file; the bytes when the stats
    differ) hash what the plain ``rglob`` definitions hash: the same files, in the same
    order, symlinks alike."""
    import hashlib
    import os

    from graph.data.outputs import FORMAT_VERSION, fingerprint, stat_fingerprint
    from graph.ns import ONTOLOGY_DIR

    data = tmp_path / "data"
    for rel in ("a/b.yaml", "a-c.yaml", "a/z/.hidden", "b.yaml", "Ä/ü.yaml"):
        (data / rel).parent.mkdir(parents=True, exist_ok=True)
        (data / rel).write_text(rel, encoding="utf-8")
    (data / "link.yaml").symlink_to(data / "b.yaml")
    (data / "linked-folder").symlink_to(data / "a", target_is_directory=True)

    def by_rglob(root_dir: Path) -> str:
        h = hashlib.sha256(f"cinecoop-stat-{FORMAT_VERSION}".encode())
        for root in (root_dir, ONTOLOGY_DIR):
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                st = os.stat(path)
                h.update(f"{path.relative_to(root.parent)}\0{st.st_size}\0{st.st_mtime_ns}\n"
                         .encode())
        return h.hexdigest()

    def bytes_by_rglob(root_dir: Path) -> str:
        h = hashlib.sha256(f"cinecoop-build-{FORMAT_VERSION}".encode())
        for root in (root_dir, ONTOLOGY_DIR):
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
                h.update(f"{path.relative_to(root.parent)}\0{digest}\n".encode())
        return h.hexdigest()

    for folder in (data, DATA):
        assert stat_fingerprint(folder) == by_rglob(folder)
        assert fingerprint(folder) == bytes_by_rglob(folder)
