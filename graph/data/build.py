"""``cinecoop build``: validate, then write the graph as TriG, Turtle and N-Triples.

Only after validation passed, every output is written into a fresh build folder, read back
with pyoxigraph, then published at once (:mod:`graph.data.publish`): a failed or killed build
leaves the previous outputs untouched and whole.
``manifest.json`` records a fingerprint of ``data/`` and ``ontology/``; commands that read
the graph call :func:`ensure_built`, which rebuilds only when that fingerprint changed.
"""

from __future__ import annotations

import gc
import json
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.namespace import RDF

from graph.data.diff import (
    CHANGES_FILE,
    NAMES_FILE,
    changes,
    markdown,
    moved_warnings,
    read_snapshot,
    snapshot,
    snapshot_json,
)
from graph.data.duplicates import names_table
from graph.data.load import union_graph
from graph.data.lookup import TABLE
from graph.data.publish import build_lock, publish
from graph.data.records import Problem
from graph.data.validate import Report, validate
from graph.files import fingerprint as files_fingerprint
from graph.files import write_atomic
from graph.terms import CC, ONTOLOGY_DIR, ONTOLOGY_GRAPH

STORE_DIR = "store"
OUTPUTS = ("graph.trig", "graph.ttl", "graph.nt")
MANIFEST = "manifest.json"
ALL_OUTPUTS = (*OUTPUTS, STORE_DIR, NAMES_FILE, TABLE, CHANGES_FILE, MANIFEST)
FORMAT_VERSION = 1


class BuildError(Exception):
    """Validation failed; ``problems`` says where and why. Nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len([p for p in problems if p.level == 'error'])} error(s)")


def fingerprint(data_dir: Path, ontology_dir: Path = ONTOLOGY_DIR) -> str:
    """A hash of every input file's path and bytes (data and ontology)."""
    return files_fingerprint((data_dir, ontology_dir), f"cinecoop-build-{FORMAT_VERSION}")


@dataclass
class BuildResult:
    out_dir: Path
    report: Report
    counts: dict[str, int]
    triples: int
    rebuilt: bool = True




def sorted_ntriples(g: Graph) -> str:
    text = g.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return "".join(sorted(set(line + "\n" for line in text.splitlines() if line.strip())))


def class_counts(ds: Dataset) -> dict[str, int]:
    """Instances per cinecoop class in the data (ontology graph excluded)."""


    prefix = str(CC._NS)
    seen: set[tuple[str, str]] = set()
    for s, _, o, ctx in ds.quads((None, RDF.type, None, None)):
        if ctx != ONTOLOGY_GRAPH and str(o).startswith(prefix):
            seen.add((str(s), str(o)[len(prefix):]))
    return dict(sorted(Counter(cls for _, cls in seen).items()))


def trig_text(ds: Dataset) -> str:
    """TriG with the named graphs in IRI order (rdflib's own TriG writer orders them by hash)."""
    bindings = sorted((p, ns) for p, ns in ds.namespaces() if p)
    head = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in bindings)
    blocks = []
    for ctx in sorted((c for c in ds.graphs() if len(c)), key=lambda c: str(c.identifier)):
        g = Graph()
        for p, ns in bindings:
            g.bind(p, ns, override=True, replace=True)
        for triple in ctx:
            g.add(triple)
        body = "\n".join(
            ("    " + line) if line.strip() else ""
            for line in g.serialize(format="turtle").splitlines()
            if not line.startswith("@prefix")
        ).strip("\n")
        blocks.append(f"<{ctx.identifier}> {{\n{body}\n}}\n")
    return head + "\n" + "\n".join(blocks)


def serialise(ds: Dataset) -> dict[str, str]:
    """The three outputs as text, byte-identical for the same input."""
    trig = trig_text(ds)
    union = union_graph(ds)
    return {"graph.trig": trig, "graph.ttl": union.serialize(format="turtle"),
            "graph.nt": sorted_ntriples(union)}


def build(data_dir: Path, out_dir: Path, sources: Path | None = None) -> BuildResult:
    """Validate ``data_dir``, then publish every output into ``out_dir`` at once.

    The outputs are written into a fresh build folder, read back (:func:`verify_outputs`) and
    only then published (:mod:`graph.data.publish`): a failed or killed build leaves the
    previous outputs in place, whole.
    """
    report = validate(data_dir, sources)
    if not report.ok or report.dataset is None:
        raise BuildError(report.problems)
    ds = report.dataset
    summary: dict[str, Any] = {}
    previous = read_snapshot(out_dir / NAMES_FILE)
    report.problems.extend(moved_warnings(previous, report.records))
    now = snapshot(report.records)
    names = names_table(report.records, files_fingerprint((data_dir,)))

    def write(folder: Path) -> None:
        write_atomic(folder / NAMES_FILE, snapshot_json(now))
        write_atomic(folder / TABLE, names)
        write_atomic(folder / CHANGES_FILE, markdown(changes(previous, now), "the previous build",
                                                     "this build") if previous else
                     "# Changes\n\nThe first build in this folder.\n")
        summary.update(write_outputs(folder, ds, fingerprint(data_dir)))
        verify_outputs(folder)

    with build_lock(out_dir):
        publish(out_dir, write, ALL_OUTPUTS)
    return BuildResult(out_dir, report, summary["counts"], summary["triples"])


def write_outputs(folder: Path, ds: Dataset, fingerprint_: str) -> dict[str, Any]:
    """Write every output of a build into ``folder``: the three texts, the store, the manifest.

    Returns the manifest (class counts, triples). The manifest is written last.
    """
    texts = serialise(ds)
    for name, text in texts.items():
        write_atomic(folder / name, text)
    write_store(folder / STORE_DIR, ds)
    counts = class_counts(ds)
    triples = texts["graph.nt"].count("\n")  # one distinct triple per line
    manifest = {"fingerprint": fingerprint_, "counts": counts, "triples": triples,
                "outputs": list(OUTPUTS)}
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


def is_current(data_dir: Path, out_dir: Path) -> bool:
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return manifest.get("fingerprint") == fingerprint(data_dir) and all(
        (out_dir / name).is_file() for name in OUTPUTS)


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


def write_store(target: Path, ds: Dataset) -> None:
    """Create the Oxigraph store ``target`` (a new folder): one named graph per source, the
    ontology, and the default graph holding their merge."""
    quads, union = dataset_lines(ds)
    store = ox.Store(str(target))
    # One document (blank nodes stay shared): the named graphs, then the default graph
    # holding their merge, each triple once, as rdflib's default_union has it (Oxigraph's
    # own union mode would repeat a triple once per graph).
    store.bulk_load(input=b"".join(quads) + b"".join(sorted(union)),
                    format=ox.RdfFormat.N_QUADS)
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
