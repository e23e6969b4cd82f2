"""``cinecoop build``: validate, then write the graph as TriG, Turtle and N-Triples.

Only after validation passed, every output is written into a fresh build folder, read back
with pyoxigraph, then published at once (:mod:`graph.data.publish`): a failed or killed build
leaves the previous outputs untouched and whole.
``manifest.json`` records a fingerprint of ``data/`` and ``ontology/``; commands that read
the graph call :func:`ensure_built`, which rebuilds only when that fingerprint changed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import shutil
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset
from rdflib.namespace import RDF

from graph.data.cache import save_cache
from graph.data.delta import Delta, update_store
from graph.data.diff import (
    CHANGES_FILE,
    NAMES_FILE,
    changes,
    fact_snapshots,
    markdown,
    moved_warnings,
    read_snapshot,
    snapshot,
    snapshot_json,
)
from graph.data.duplicates import names_table
from graph.data.graphtext import GraphText as GraphText  # re-exported: callers import it here
from graph.data.graphtext import dataset_lines as dataset_lines
from graph.data.load import PREFIXES
from graph.data.load import union_graph as union_graph  # re-exported: callers import it here
from graph.data.lookup import TABLE
from graph.data.outputs import (
    MANIFEST,
    OUTPUTS,
    STORE_DIR,
    fingerprint,
    is_current,
    stat_fingerprint,
)
from graph.data.publish import CURRENT, build_lock, forget_first_build, new_folder, publish
from graph.data.records import Problem
from graph.data.shacl import Result
from graph.data.splice import (
    PIECES_FILE,
    Old,
    OutputError,
    edited,
    load_pieces,
    new_pieces,
    save_pieces,
    sorted_prefixes,
    splice_trig,
    splice_ttl,
)
from graph.data.validate import (
    Report,
    finish_shacl,
    result_problems,
    store_shacl_results,
    union_shacl_results,
    validate,
)
from graph.files import Part, sorted_entries, write_atomic, write_atomic_parts
from graph.forked import Later, beside
from graph.progress import Steps
from graph.terms import CC, ONTOLOGY_GRAPH

ALL_OUTPUTS = (*OUTPUTS, STORE_DIR, NAMES_FILE, TABLE, CHANGES_FILE, MANIFEST)


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


def serialise_text(text: GraphText) -> dict[str, bytes]:
    """graph.trig, graph.ttl and graph.nt, written by pyoxigraph: byte-identical per input."""
    # id: is left out: entity IRIs hold a slash, which a prefixed name must escape (id:a\/b)
    prefixes = {p: ns for p, ns in sorted(PREFIXES.items()) if p != "id"}
    trig = ox.serialize(ox.parse(text.nquads, format=ox.RdfFormat.N_QUADS),
                        format=ox.RdfFormat.TRIG, prefixes=prefixes)
    ttl = ox.serialize(ox.parse(text.ntriples, format=ox.RdfFormat.N_TRIPLES),
                       format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    assert trig is not None and ttl is not None
    return {"graph.trig": sorted_prefixes(trig), "graph.ttl": sorted_prefixes(ttl),
            "graph.nt": text.ntriples}


def serialise(ds: Dataset) -> dict[str, str]:
    """The three outputs for an rdflib Dataset (the same bytes the build writes for it)."""
    return {name: data.decode("utf-8")
            for name, data in serialise_text(GraphText.from_dataset(ds)).items()}


def trig_text(ds: Dataset) -> str:
    """graph.trig for an rdflib Dataset."""
    return serialise(ds)["graph.trig"]


_TYPED_MIDDLE = f"> <{RDF.type}> <{CC._NS}".encode()
_TYPED_LINE = re.compile(re.escape(_TYPED_MIDDLE) + rb"([^>]*)> \.\n")


def text_class_counts(text: GraphText) -> dict[str, int]:
    """Instances per cinecoop class in the data (the ontology graph excluded): the typed
    lines of the merged graph (each triple once), found by their literal middle, unless the
    ontology graph types something with a cinecoop class itself."""
    start, end, _ = text.spans.get(str(ONTOLOGY_GRAPH), (0, 0, ""))
    if _TYPED_MIDDLE in text.nquads[start:end]:
        return _quad_class_counts(text)
    return dict(sorted(Counter(cls.decode("utf-8")
                               for cls in _TYPED_LINE.findall(text.ntriples)).items()))


def _quad_class_counts(text: GraphText) -> dict[str, int]:
    """:func:`text_class_counts` from the named graphs' quads, the ontology's left out."""
    typed = re.compile(rb"^(<[^>]*>) <" + re.escape(str(RDF.type).encode()) + rb"> <"
                       + re.escape(str(CC._NS).encode()) + rb"([^>]*)> <([^>]*)> \.$",
                       re.MULTILINE)
    ontology = str(ONTOLOGY_GRAPH).encode()
    seen = {(subject, cls) for subject, cls, graph in typed.findall(text.nquads)
            if graph != ontology}
    return dict(sorted(Counter(cls.decode("utf-8") for _, cls in seen).items()))


def build(data_dir: Path, out_dir: Path, sources: Path | None = None,
          rebuild: bool = True) -> BuildResult:
    """Validate ``data_dir``, then publish every output into ``out_dir`` at once.

    The outputs are written into a fresh build folder and only then published
    (:mod:`graph.data.publish`): a failed or killed build leaves the previous outputs in
    place, whole. ``rebuild``: when only facts changed since the build before, make only the
    graphs they touch and update the rest from that build (:func:`write_rebuild`). The
    store of a full build is loaded into that folder from the moment the named graphs exist
    (:class:`StoreLoad`), while validation and the other outputs go on.
    """
    with Steps("build", ("validate", "merge", "write", "read back", "publish")) as steps:
        steps.next("validate (records, integrity, SHACL)")
        # one walk of data/ (each entry keeps its stat) for both fingerprints and the cache
        entries = sorted_entries(data_dir) if data_dir.is_dir() else None
        stat = stat_fingerprint(data_dir, entries=entries)   # before reading: a later edit
        previous = (out_dir / CURRENT).resolve() if (out_dir / CURRENT).is_dir() else None
        made = not out_dir.exists()
        try:
            with ExitStack() as held:    # the build lock, once taken, until the build ends
                store = StoreLoad(out_dir, previous, held)
                try:
                    try:
                        report, summary = _build_into(data_dir, out_dir, sources,
                                                      (rebuild, previous, entries, stat),
                                                      store, steps)
                    finally:
                        store.close()    # its thread ends (before the folder may go)
                except BaseException:
                    if store.folder is not None:
                        shutil.rmtree(store.folder, ignore_errors=True)
                        if previous is None:
                            forget_first_build(out_dir, made)
                    raise
        except _NoRebuild:
            return build(data_dir, out_dir, sources, rebuild=False)
    return BuildResult(out_dir, report, summary["counts"], summary["triples"])


def _build_into(data_dir: Path, out_dir: Path, sources: Path | None,
                how: tuple[bool, Path | None, Any, str | None], store: StoreLoad,
                steps: Steps) -> tuple[Report, dict[str, Any]]:
    """:func:`build` into the build folder of ``store`` (:meth:`StoreLoad.begin`); ``how``:
    whether a rebuild may be made, the build before, the entries of ``data_dir`` and their
    stat fingerprint."""
    rebuild, previous, entries, stat = how
    report = validate(data_dir, sources, previous,
                      rebuild and previous is not None and rebuildable(previous), entries,
                      later=True, started=store)
    if not report.ok or report.text is None:
        raise BuildError(report.problems)
    prints = (fingerprint(data_dir, known={rel: kept[0] for rel, kept in (
        report.cache.files.items() if report.cache else ())}, entries=entries),
              stat)   # the bytes read
    del entries
    steps.next("merge the graphs")
    union = report.union
    side = None if union is None else (beside if len(union) >= SIDE_FROM else Later)(
        functools.partial(shacl_and_turtle, union, previous))
    text, report.text, union = report.text, None, None
    summary: dict[str, Any] = {}
    curation = curation_outputs(prints[0], out_dir, report)

    def write(folder: Path) -> None:
        steps.next("write TriG, Turtle, N-Triples and the store")
        for name, content in curation.items():
            write_atomic(folder / name, content, flush=False)   # publish flushes
        if report.touched is not None and previous is not None:
            summary.update(write_rebuild(folder, text, prints, report, previous))
        else:
            summary.update(write_outputs(folder, text, prints[0], prints[1],
                                         lambda: steps.next("read the outputs back"),
                                         previous, side, store.wait))
            if side is not None:     # validated in the child while the outputs were made
                finish_shacl(report, side()[0])
                if not report.ok:
                    raise BuildError(report.problems)
        if report.cache is not None:
            save_cache(folder, report.cache)
        steps.next("publish")

    publish(out_dir, write, ALL_OUTPUTS, store.begin())
    return report, summary


class StoreLoad:
    """The store of a full build, loaded in a thread of its own from the moment the named
    graphs exist (:class:`graph.data.validate.Started`): the named graphs first, then, once
    it is made, their merge as the default graph (:func:`write_store`). pyoxigraph does not
    hold Python's lock while it loads. The build's folder (and the build lock of
    ``out_dir``, held in ``held`` until the build ends) is taken then, or when the build
    publishes (:meth:`begin`): a build stopped before, e.g. by bad records, writes nothing.
    A rebuild updates the store itself (:func:`write_rebuild`)."""

    def __init__(self, out_dir: Path, previous: Path | None, held: ExitStack) -> None:
        self.out_dir, self.previous, self._held = out_dir, previous, held
        self.folder: Path | None = None
        self._union: Future[bytes] = Future()
        self._pool: ThreadPoolExecutor | None = None
        self._done: Future[None] | None = None

    def begin(self) -> Path:
        """The new build folder, made the first time (with the build lock taken)."""
        if self.folder is None:
            self._held.enter_context(build_lock(self.out_dir))
            self.folder = new_folder(self.out_dir)
        return self.folder

    def named(self, text: GraphText) -> None:
        target = self.begin() / STORE_DIR
        self._pool = ThreadPoolExecutor(1)
        self._done = self._pool.submit(write_store, target, text, self.previous,
                                       self._union.result)

    def merged(self, union: bytes) -> None:
        self._union.set_result(union)

    def wait(self) -> None:
        """Wait for the store to be loaded (and raise what stopped it)."""
        if self._done is None:
            raise RuntimeError("the store was not started: no named graphs were given")
        self._done.result()

    def close(self) -> None:
        """Stop waiting for a merge that will not come, and wait for the thread to end (a
        load cannot be interrupted: this returns when it ends)."""
        if not self._union.done():
            self._union.set_exception(RuntimeError("the build stopped before the merge"))
        if self._pool is not None:
            self._pool.shutdown(wait=True)


class _NoRebuild(Exception):
    """The build before cannot be updated after all (its store or texts do not fit)."""


def rebuildable(previous: Path) -> bool:
    """Whether the build in ``previous`` kept what :func:`write_rebuild` updates."""
    try:
        manifest = json.loads((previous / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (isinstance(manifest, dict) and isinstance(manifest.get("graphs"), dict)
            and isinstance(manifest.get("quads"), int) and (previous / PIECES_FILE).is_file()
            and (previous / "graph.nt").is_file() and (previous / STORE_DIR / "CURRENT").is_file())


def write_rebuild(folder: Path, text: GraphText, prints: tuple[str, str | None],
                  report: Report, previous: Path) -> dict[str, Any]:
    """The outputs of a rebuild whose ``text`` holds only the graphs an edit touched: the
    store of the build before updated (:func:`graph.data.delta.update_store`), which tells
    which triples left and joined the merged graph; graph.nt is the previous one with those
    lines out and in, SHACL validates the nodes they concern, and graph.trig and graph.ttl
    take every piece that did not change from the build before (:mod:`graph.data.splice`)."""
    manifest = json.loads((previous / MANIFEST).read_text(encoding="utf-8"))
    kept = frozenset(manifest["graphs"]) - text.spans.keys()
    before, files = load_pieces(previous)
    if any(before.graphs.get(name, ("",))[0] != manifest["graphs"][name] for name in kept):
        raise _NoRebuild     # the pieces of the graphs not made again are not all there
    delta = update_store(folder / STORE_DIR, previous / STORE_DIR, text.nquads, text.spans,
                         manifest["graphs"], kept)
    union = None if delta is None else edited(Old.map(previous / "graph.nt"), delta.removed,
                                              delta.added)
    if delta is None or union is None:
        raise _NoRebuild
    store = ox.Store.read_only(str(folder / STORE_DIR))   # (it opens: no check at the end)
    typed = _ontology_typed(store)
    assert report.cache is not None
    shacl = None if typed else store_shacl_results(store, report.cache,
                                                   [*delta.removed, *delta.added], union.whole)
    del store
    if shacl is None:
        raise _NoRebuild
    report.cache.shacl = shacl
    report.problems[report.shacl_at:report.shacl_at] = result_problems(report.cache.shacl,
                                                                       report.records)
    if not report.ok:
        raise BuildError(report.problems)
    pieces = new_pieces()
    spans = {**{name: (0, 0, manifest["graphs"][name]) for name in kept}, **text.spans}
    for name, parts in (("graph.trig", splice_trig(text.nquads, spans, before, files, pieces)),
                        ("graph.ttl", splice_ttl(union, before, files, pieces)),
                        ("graph.nt", union.parts())):
        pieces.sizes[name] = write_atomic_parts(folder / name, parts, flush=False)
    save_pieces(folder, pieces)
    graphs = {name: span[2] for name, span in spans.items()}
    now = _manifest(prints, _shift_counts(manifest["counts"], delta),
                    manifest["triples"] + len(delta.added) - len(delta.removed),
                    manifest["quads"] + delta.quads, graphs)
    write_atomic(folder / MANIFEST, json.dumps(now, indent=2, sort_keys=True) + "\n",
                 flush=False)
    return now


def _manifest(prints: tuple[str, str | None], counts: dict[str, int], triples: int,
              quads: int, graphs: dict[str, str]) -> dict[str, Any]:
    """``manifest.json``: ``content`` hashes the digests of the named graphs (the merged graph
    follows from them): the key of every cache kept beside the build."""
    content = hashlib.sha256("".join(f"{name} {digest}\n" for name, digest in
                                     sorted(graphs.items())).encode()).hexdigest()
    return {"fingerprint": prints[0], "stat": prints[1], "counts": counts,
            "triples": triples, "quads": quads, "outputs": list(OUTPUTS), "content": content,
            "graphs": dict(sorted(graphs.items()))}


_TYPED = f"<{RDF.type}>"


def _shift_counts(counts: dict[str, int], delta: Delta) -> dict[str, int]:
    """The class counts of the build before, with the typed triples that left or arrived."""
    out = Counter(counts)
    for lines, step in ((delta.removed, -1), (delta.added, 1)):
        for line in lines:
            _, p, rest = line.split(" ", 2)
            if p == _TYPED and rest.startswith(f"<{CC._NS}"):
                out[rest[len(str(CC._NS)) + 1:rest.index(">")]] += step
    return dict(sorted((name, n) for name, n in out.items() if n > 0))


def _ontology_typed(store: ox.Store) -> bool:
    """Whether the ontology graph types anything with a cinecoop class (then the class
    counts, which leave the ontology out, cannot follow the merged graph)."""
    return any(str(q.object).startswith(f"<{CC._NS}") for q in store.quads_for_pattern(
        None, ox.NamedNode(str(RDF.type)), None, ox.NamedNode(str(ONTOLOGY_GRAPH))))


def curation_outputs(data_print: str, out_dir: Path, report: Report) -> dict[str, str]:
    """``names.json`` (the snapshot ``diff`` compares), ``names.tsv`` (what ``find`` reads,
    headed by ``data_print``) and ``CHANGES.md`` against the build before; warns (in
    ``report``) when a derived fact moved. A rebuild after facts only keeps the entities'
    part of both (no entity file changed) and makes again the facts of the sources touched,
    reading only those sections of the names.json before (:func:`fact_snapshots`)."""
    try:
        before = (out_dir / NAMES_FILE).read_text(encoding="utf-8")
    except OSError:
        before = ""
    touched = report.touched
    parts = fact_snapshots(before, touched, report.records) if (
        touched is not None and before) else None
    if parts is not None:
        was, now, names = parts
        report.problems.extend(moved_warnings(was, report.records, now["derived"]))
        try:
            rows = (out_dir / TABLE).read_text(encoding="utf-8").partition("\n")[2]
        except OSError:
            rows = None
        return {NAMES_FILE: names, TABLE: names_table(report.records, data_print, rows),
                CHANGES_FILE: markdown(changes(was, now), "the previous build", "this build")}
    previous = read_snapshot(out_dir / NAMES_FILE, before)
    now = snapshot(report.records)
    report.problems.extend(moved_warnings(previous, report.records, now["derived"]))
    return {NAMES_FILE: snapshot_json(now), TABLE: names_table(report.records, data_print),
            CHANGES_FILE: markdown(changes(previous, now), "the previous build", "this build")
            if previous else "# Changes\n\nThe first build in this folder.\n"}


#: from this many bytes of merged N-Triples, :func:`shacl_and_turtle` runs in a forked child
#: (below, it runs in this process when the outputs are written: a child costs ~50 ms)
SIDE_FROM = 8 << 20


def shacl_and_turtle(union: bytes, previous: Path | None
                     ) -> tuple[set[Result], list[Part], list[tuple[bytes, str, int, int]]]:
    """What a child process makes of the merged graph ``union`` while the build writes the
    rest: its SHACL results, graph.ttl (reusing the unchanged pieces of the build in
    ``previous``) and the subject pieces of graph.ttl."""
    before, files = load_pieces(previous)
    pieces = new_pieces()
    turtle = splice_ttl(union, before, files, pieces)
    del files
    return union_shacl_results(union), turtle, pieces.subjects


def write_outputs(folder: Path, text: GraphText, fingerprint_: str, stat: str | None = None,
                  reading: Callable[[], None] | None = None,
                  previous: Path | None = None,
                  side: Later[tuple[set[Result], list[Part], list[Any]]] | None = None,
                  store: Callable[[], None] | None = None) -> dict[str, Any]:
    """Write every output of a build into ``folder``: the three texts, the store, the manifest.

    pyoxigraph loads the store in a thread of its own while the texts are written (it does
    not hold Python's lock); ``store``: waits for a store already being loaded into
    ``folder`` (:class:`StoreLoad`) instead; ``previous``: the folder of the build before,
    whose store it updates (:func:`write_store`) and whose unchanged pieces of graph.trig and
    graph.ttl it reuses (:mod:`graph.data.splice`; what pyoxigraph writes anew is parsed
    back); ``side``: a child process making graph.ttl (:func:`shacl_and_turtle`). Returns the
    manifest (class counts, triples, ``content``: a hash of the quads that keys caches kept
    beside the build, ``graphs``: a digest per named graph).
    """
    with ThreadPoolExecutor(1) as pool:
        loaded = store or pool.submit(write_store, folder / STORE_DIR, text, previous).result
        try:
            before, files = load_pieces(previous)
            pieces = new_pieces()
            for name, parts in (("graph.trig", splice_trig(text.nquads, text.spans, before,
                                                           files, pieces)),
                                ("graph.nt", [text.ntriples])):
                pieces.sizes[name] = write_atomic_parts(folder / name, parts, flush=False)
            if side is None:
                turtle = splice_ttl(text.ntriples, before, files, pieces)
            else:
                turtle, pieces.subjects = side()[1:]
            del files
            pieces.sizes["graph.ttl"] = write_atomic_parts(folder / "graph.ttl", turtle,
                                                           flush=False)
            del turtle
            save_pieces(folder, pieces)
            manifest = _manifest((fingerprint_, stat), text_class_counts(text),
                                 text.ntriples.count(b"\n"),  # one distinct triple per line
                                 text.nquads.count(b"\n"),
                                 {name: span[2] for name, span in text.spans.items()})
            write_atomic(folder / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n",
                         flush=False)
            if reading is not None:
                reading()
        finally:
            loaded()   # waits for the store (and raises what stopped it)
    verify_store(folder, manifest["quads"] + manifest["triples"])
    return manifest


def verify_outputs(folder: Path) -> None:
    """Parse every output written into ``folder`` with pyoxigraph and open the store;
    OutputError naming the file when one does not read back."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    quads = verify_texts(folder, manifest["triples"])
    verify_store(folder, quads + manifest["triples"])


def verify_texts(folder: Path, triples: int) -> int:
    """Parse graph.trig, graph.ttl and graph.nt in ``folder`` (each must read back, the last
    two with ``triples`` triples); the number of quads in graph.trig."""
    counted: dict[str, int] = {}
    for name, fmt in (("graph.trig", ox.RdfFormat.TRIG), ("graph.ttl", ox.RdfFormat.TURTLE),
                      ("graph.nt", ox.RdfFormat.N_TRIPLES)):
        try:
            counted[name] = sum(1 for _ in ox.parse(path=str(folder / name), format=fmt))
        except (SyntaxError, ValueError, OSError) as exc:
            raise OutputError(f"the build wrote a {name} that does not read back ({exc}); "
                              "nothing was published") from None
    if counted["graph.nt"] != triples or counted["graph.ttl"] != triples:
        raise OutputError(f"graph.nt/graph.ttl read back {counted['graph.nt']}/"
                          f"{counted['graph.ttl']} triples, not {triples}")
    return counted["graph.trig"]


def verify_store(folder: Path, expected: int) -> None:
    """Open the store in ``folder``: it must hold ``expected`` quads."""
    try:
        store = ox.Store.read_only(str(folder / STORE_DIR))
        in_store = len(store)
        del store
    except OSError as exc:
        raise OutputError(f"the store written by the build does not open: {exc}") from None
    if in_store != expected:
        raise OutputError(f"the store holds {in_store} quads, expected {expected}")


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


def write_store(target: Path, data: GraphText | Dataset, previous: Path | None = None,
                union: Callable[[], bytes] | None = None) -> None:
    """Create the Oxigraph store ``target`` (a new folder): one named graph per source, the
    ontology, and the default graph holding their merge (``union()`` gives it when the text
    does not hold it yet: the named graphs are loaded meanwhile).

    With ``previous`` (the folder of the build before), the store of that build updated by
    the graphs that changed (:mod:`graph.data.delta`) when its manifest says what they were.
    """
    text = data if isinstance(data, GraphText) else GraphText.from_dataset(data)
    if previous is not None and text.spans:
        try:
            before = json.loads((previous / MANIFEST).read_text(encoding="utf-8"))["graphs"]
        except (OSError, ValueError, KeyError, TypeError):
            before = None
        if isinstance(before, dict) and update_store(target, previous / STORE_DIR, text.nquads,
                                                     text.spans, before):
            return
        shutil.rmtree(target, ignore_errors=True)
    merge = union if union is not None else functools.partial(getattr, text, "ntriples")
    store = ox.Store(str(target))
    # The named graphs, then the default graph holding their merge, each triple once, as
    # rdflib's default_union has it (Oxigraph's own union mode would repeat a triple once per
    # graph). With blank nodes, one document, so that they stay shared; else two loads (no
    # copy of both texts in memory).
    # (lenient: IRIs are not checked again; graph.trig, written from the same lines, is read
    # back strictly, and the store is not published without it)
    if b"_:" in text.nquads:
        store.bulk_load(input=text.nquads + merge(), format=ox.RdfFormat.N_QUADS, lenient=True)
    else:   # in pieces: pyoxigraph's memory grows with the size of one load
        load_store_pieces(store, store_work(text.nquads, merge))
    store.flush()
    del store     # freed here, and its lock released (a full gc.collect costs a second)


#: about this many bytes of text per bulk load of the store (pyoxigraph keeps a load's quads
#: in memory: one load of a million quads takes 0.9 GB, two of half a million 0.6), and how
#: many loads run at once (:func:`load_store_pieces`): at 5,000 events the named graphs' 188 MB
#: go in three loads and the merge's 130 MB in two, 1.06 GB for the store at most, against
#: 0.94 GB for two and two loads one at a time, 1.38 GB for two of 94 MB at once
LOAD_BYTES = 64 << 20
LOAD_THREADS = 2

#: a piece of the store's text: its bytes, their format and the graph they go to (None: the
#: graphs named in N-Quads)
Piece = tuple[bytes, ox.RdfFormat, ox.DefaultGraph | None]


def store_work(nquads: bytes, merge: Callable[[], bytes], size: int = LOAD_BYTES
               ) -> Iterator[Piece]:
    """The pieces of the named graphs, then those of their merge (``merge()`` asked for only
    when the named graphs' pieces are all taken: the merge is made meanwhile)."""
    for piece in _pieces(nquads, size):
        yield piece, ox.RdfFormat.N_QUADS, None
    for piece in _pieces(merge(), size):
        yield piece, ox.RdfFormat.N_TRIPLES, ox.DefaultGraph()


def load_store_pieces(store: ox.Store, work: Iterator[Piece],
                      threads: int = LOAD_THREADS) -> None:
    """Bulk-load the pieces of ``work`` into ``store``, ``threads`` loads at once, in order of
    start (the default graph's pieces after the named graphs').

    Why: pyoxigraph's bulk load of a piece parses it in the calling thread, then builds its
    index files in one thread of its own, so one load at a time keeps one core busy, and the
    store was the end of the build's critical path with the other core idle. Two chains of
    loads use both when the rest of the build leaves one free; the quads are the same (a
    store is a set: the order of the loads does not matter). The first error stops both
    chains (neither takes another piece) and is raised; so is the merge's (``work`` raising)."""
    lock, stop = threading.Lock(), threading.Event()

    def take() -> Piece | None:
        with lock:    # (a generator that raised gives no more pieces: the others stop)
            return None if stop.is_set() else next(work, None)

    def chain() -> None:
        try:
            while (piece := take()) is not None:
                data, fmt, graph = piece
                store.bulk_load(input=data, format=fmt, to_graph=graph, lenient=True)
        except BaseException:
            stop.set()
            raise

    with ThreadPoolExecutor(max(threads - 1, 1)) as pool:
        others = [pool.submit(chain) for _ in range(threads - 1)]
        try:
            chain()
        finally:
            for other in others:
                other.exception()     # wait for each chain to end (an error above wins)
        for other in others:
            other.result()


def _pieces(data: bytes, size: int = LOAD_BYTES) -> Iterator[bytes]:
    """``data`` in pieces of whole lines: as many as make about ``size`` bytes each, of about
    the same size (each load costs pyoxigraph about 0.7 s of CPU beyond its quads: a last
    piece of a few bytes would cost as much)."""
    count = max(1, round(len(data) / size))
    start = 0
    for k in range(1, count + 1):
        cut = data.find(b"\n", max(start, len(data) * k // count))
        end = len(data) if k == count or cut < 0 else cut + 1
        if end > start:
            yield data[start:end]
        start = end


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
