"""``cinecoop build``: validate, then write the graph as TriG, Turtle and N-Triples.

Only after validation passed, every output is written into a fresh build folder, read back
with pyoxigraph, then published at once (:mod:`graph.data.publish`): a failed or killed build
leaves the previous outputs untouched and whole.
``manifest.json`` records a fingerprint of ``data/`` and ``ontology/``; commands that read
the graph call :func:`ensure_built`, which rebuilds only when that fingerprint changed.
"""

from __future__ import annotations

import gc
import hashlib
import json
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset
from rdflib.namespace import RDF

from graph.data.load import PREFIXES, union_ntriples
from graph.data.load import union_graph as union_graph  # re-exported: callers import it here
from graph.data.outputs import (
    MANIFEST,
    OUTPUTS,
    STORE_DIR,
    fingerprint,
    is_current,
    stat_fingerprint,
)
from graph.data.publish import build_lock, publish
from graph.data.records import Problem
from graph.data.validate import Report, validate
from graph.files import write_atomic
from graph.progress import Steps
from graph.terms import CC, ONTOLOGY_GRAPH

ALL_OUTPUTS = (*OUTPUTS, STORE_DIR, MANIFEST)


class BuildError(Exception):
    """Validation failed; ``problems`` says where and why. Nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len([p for p in problems if p.level == 'error'])} error(s)")


@dataclass
class BuildResult:
    out_dir: Path
    report: Report
    counts: dict[str, int]
    triples: int
    rebuilt: bool = True


# ---------------------------------------------------------------- the build path (pyoxigraph)


@dataclass
class GraphText:
    """The built graph as text: each named graph's sorted N-Quads, and the merged N-Triples."""

    nquads: bytes                 # named graphs in IRI order, each graph's lines sorted
    ntriples: bytes               # the union (a merge: each triple once), sorted

    @classmethod
    def from_graphs(cls, graphs: dict[str, list[str]]) -> GraphText:
        """From graph IRI -> distinct sorted N-Quads lines (:meth:`NQuadsSink.lines`)."""
        quads = "".join(line for name in sorted(graphs) for line in graphs[name])
        return cls(quads.encode("utf-8"), union_ntriples(graphs))

    @classmethod
    def from_dataset(cls, ds: Dataset) -> GraphText:
        """From an rdflib Dataset (the reference path; the same text for the same quads)."""
        canonical = ox.serialize(ox.parse(b"".join(dataset_lines(ds)[0]),
                                          format=ox.RdfFormat.N_QUADS),
                                 format=ox.RdfFormat.N_QUADS)
        graphs: dict[str, list[str]] = {}
        for line in (canonical or b"").decode("utf-8").splitlines(keepends=True):
            graphs.setdefault(line[line.rindex(" <") + 2:-4], []).append(line)
        return cls.from_graphs({name: sorted(set(lines)) for name, lines in graphs.items()})


def serialise_text(text: GraphText) -> dict[str, bytes]:
    """graph.trig, graph.ttl and graph.nt, written by pyoxigraph: byte-identical per input."""
    # id: is left out: entity IRIs hold a slash, which a prefixed name must escape (id:a\/b)
    prefixes = {p: ns for p, ns in sorted(PREFIXES.items()) if p != "id"}
    trig = ox.serialize(ox.parse(text.nquads, format=ox.RdfFormat.N_QUADS),
                        format=ox.RdfFormat.TRIG, prefixes=prefixes)
    ttl = ox.serialize(ox.parse(text.ntriples, format=ox.RdfFormat.N_TRIPLES),
                       format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    assert trig is not None and ttl is not None
    return {"graph.trig": _sorted_prefixes(trig), "graph.ttl": _sorted_prefixes(ttl),
            "graph.nt": text.ntriples}


def serialise(ds: Dataset) -> dict[str, str]:
    """The three outputs for an rdflib Dataset (the same bytes the build writes for it)."""
    return {name: data.decode("utf-8")
            for name, data in serialise_text(GraphText.from_dataset(ds)).items()}


def trig_text(ds: Dataset) -> str:
    """graph.trig for an rdflib Dataset."""
    return serialise(ds)["graph.trig"]


def _sorted_prefixes(data: bytes) -> bytes:
    """The ``@prefix`` lines pyoxigraph writes first, in prefix order (it keeps no order)."""
    head: list[bytes] = []
    rest = data
    while rest.startswith(b"@prefix "):
        line, _, rest = rest.partition(b"\n")
        head.append(line + b"\n")
    return b"".join(sorted(head)) + rest


def text_class_counts(text: GraphText) -> dict[str, int]:
    """Instances per cinecoop class in the data (the ontology graph excluded)."""
    typed = f" <{RDF.type}> <{CC._NS}"
    ontology = f" <{ONTOLOGY_GRAPH}> .\n"
    seen: set[tuple[str, str]] = set()
    for line in text.nquads.decode("utf-8").splitlines(keepends=True):
        if typed in line and not line.endswith(ontology):
            subject, _, rest = line.partition(typed)
            seen.add((subject, rest.split(">", 1)[0]))
    return dict(sorted(Counter(cls for _, cls in seen).items()))


def build(data_dir: Path, out_dir: Path, sources: Path | None = None) -> BuildResult:
    """Validate ``data_dir``, then publish every output into ``out_dir`` at once.

    The outputs are written into a fresh build folder, read back (:func:`verify_outputs`) and
    only then published (:mod:`graph.data.publish`): a failed or killed build leaves the
    previous outputs in place, whole.
    """
    with Steps("build", ("validate", "merge", "write", "read back", "publish")) as steps:
        steps.next("validate (records, integrity, SHACL)")
        prints = (fingerprint(data_dir), stat_fingerprint(data_dir))   # before reading
        report = validate(data_dir, sources)
        if not report.ok or report.graphs is None:
            raise BuildError(report.problems)
        steps.next("merge the graphs")
        text = GraphText.from_graphs(report.graphs)
        summary: dict[str, Any] = {}

        def write(folder: Path) -> None:
            steps.next("write TriG, Turtle, N-Triples and the store")
            summary.update(write_outputs(folder, text, prints[0], prints[1]))
            steps.next("read the outputs back")
            verify_outputs(folder)
            steps.next("publish")

        with build_lock(out_dir):
            publish(out_dir, write, ALL_OUTPUTS)
    return BuildResult(out_dir, report, summary["counts"], summary["triples"])


def write_outputs(folder: Path, text: GraphText, fingerprint_: str,
                  stat: str | None = None) -> dict[str, Any]:
    """Write every output of a build into ``folder``: the three texts, the store, the manifest.

    Returns the manifest (class counts, triples, ``content``: a hash of the quads that keys
    caches kept beside the build). The manifest is written last.
    """
    for name, data in serialise_text(text).items():
        write_atomic(folder / name, data)
    write_store(folder / STORE_DIR, text)
    counts = text_class_counts(text)
    triples = text.ntriples.count(b"\n")  # one distinct triple per line
    manifest = {"fingerprint": fingerprint_, "stat": stat, "counts": counts, "triples": triples,
                "outputs": list(OUTPUTS),
                "content": hashlib.sha256(text.nquads).hexdigest()}
    write_atomic(folder / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


class OutputError(Exception):
    """An output the build wrote does not read back: it is not published."""


def verify_outputs(folder: Path) -> None:
    """Parse every output written into ``folder`` with pyoxigraph (a second parser: rdflib
    wrote them) and open the store; OutputError naming the file when one does not read back.
    """
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    counted: dict[str, int] = {}
    for name, fmt in (("graph.trig", ox.RdfFormat.TRIG), ("graph.ttl", ox.RdfFormat.TURTLE),
                      ("graph.nt", ox.RdfFormat.N_TRIPLES)):
        try:
            counted[name] = sum(1 for _ in ox.parse(path=str(folder / name), format=fmt))
        except (SyntaxError, ValueError, OSError) as exc:
            raise OutputError(f"the build wrote a {name} that does not read back ({exc}); "
                              "nothing was published") from None
    if counted["graph.nt"] != manifest["triples"] or counted["graph.ttl"] != manifest["triples"]:
        raise OutputError(f"graph.nt/graph.ttl read back {counted['graph.nt']}/"
                          f"{counted['graph.ttl']} triples, not {manifest['triples']}")
    try:
        store = ox.Store.read_only(str(folder / STORE_DIR))
        in_store = len(store)
        del store
    except OSError as exc:
        raise OutputError(f"the store written by the build does not open: {exc}") from None
    if in_store != counted["graph.trig"] + manifest["triples"]:
        raise OutputError(f"the store holds {in_store} quads, expected "
                          f"{counted['graph.trig'] + manifest['triples']}")


def ensure_built(data_dir: Path, out_dir: Path) -> bool:
    """Build unless the outputs are current; True when it rebuilt."""
    if is_current(data_dir, out_dir):
        return False
    build(data_dir, out_dir)
    return True


def load_dataset(out_dir: Path) -> Dataset:
    """Parse the built ``graph.trig`` into an in-memory rdflib Dataset."""
    ds = Dataset(default_union=True)
    ds.parse(out_dir / "graph.trig", format="trig")
    return ds


def dataset_lines(ds: Dataset) -> tuple[list[bytes], set[bytes]]:
    """The named graphs as N-Quads lines, and the set of their N-Triples lines (the merge)."""
    quads: list[bytes] = []
    union: set[bytes] = set()
    for ctx in sorted(ds.graphs(), key=lambda c: str(c.identifier)):
        name = str(ctx.identifier)
        if not len(ctx) or name.startswith("urn:x-rdflib:"):
            continue
        tail = f" <{name}> .\n".encode()
        for line in ctx.serialize(format="nt", encoding="utf-8").splitlines():
            line = line.strip()
            if line.endswith(b"."):
                quads.append(line[:-1].rstrip() + tail)
                union.add(line + b"\n")
    return quads, union


def write_store(target: Path, data: GraphText | Dataset) -> None:
    """Create the Oxigraph store ``target`` (a new folder): one named graph per source, the
    ontology, and the default graph holding their merge."""
    text = data if isinstance(data, GraphText) else GraphText.from_dataset(data)
    store = ox.Store(str(target))
    # One document (blank nodes stay shared): the named graphs, then the default graph
    # holding their merge, each triple once, as rdflib's default_union has it (Oxigraph's
    # own union mode would repeat a triple once per graph).
    store.bulk_load(input=text.nquads + text.ntriples, format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    gc.collect()   # pyoxigraph releases its lock only when the object is collected


def write_local_store(out_dir: Path, ds: Dataset) -> None:
    """Publish the outputs of ``out_dir`` again, with a store made from ``ds`` (for an ``out/``
    that has the graph files but no store, e.g. one copied without it)."""

    def write(folder: Path) -> None:
        for name in (*OUTPUTS, MANIFEST):
            if (out_dir / name).is_file():
                shutil.copyfile(out_dir / name, folder / name)
        write_store(folder / STORE_DIR, ds)

    with build_lock(out_dir):
        names = tuple(n for n in (*OUTPUTS, MANIFEST) if (out_dir / n).is_file())
        publish(out_dir, write, (*names, STORE_DIR))
