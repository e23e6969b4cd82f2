"""The store of a rebuild: the previous build's store, updated by the named graphs that changed.

Loading a million quads into a new Oxigraph store takes pyoxigraph most of a large build.
When the build before this one recorded a digest of each named graph (``graphs`` in its
``manifest.json``), the new build's store starts as a backup of the previous one (hard links
to its immutable files: no copy) and only the graphs whose digest changed are rewritten:
their quads removed and added, and the default graph (the merge) told which triples left
every named graph and which arrived. The store holds the same quads as one loaded from
scratch (tested); the previous build's store is not touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

__all__ = ["Span", "Delta", "update_store"]

Span = tuple[int, int, str]   # start and end in the N-Quads text, digest of the graph's lines


@dataclass
class Delta:
    """What an update changed: the merged graph's triples (N-Triples lines, sorted) that left
    it and that arrived, and how many quads the named graphs hold more (or fewer)."""

    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    quads: int = 0


def _quads(store: ox.Store, name: str) -> set[ox.Quad]:
    return set(store.quads_for_pattern(None, None, None, ox.NamedNode(name)))


def update_store(target: Path, previous: Path, nquads: bytes, spans: dict[str, Span],
                 before: dict[str, str], kept: frozenset[str] = frozenset()) -> Delta | None:
    """Make the store ``target`` from the store ``previous`` (whose graphs had the digests
    ``before``) for the named graphs ``spans`` of ``nquads``; ``kept``: graphs not in
    ``spans`` that are unchanged (every other graph of ``before`` is gone). None, with nothing
    made, when it cannot (no previous store, blank nodes); then load the store from scratch."""
    if not (previous / "CURRENT").is_file() or b" _:" in nquads or nquads.startswith(b"_:"):
        return None
    changed = sorted(name for name in spans.keys() | (before.keys() - kept)
                     if name not in before or name not in spans or before[name] != spans[name][2])
    try:
        old = ox.Store.read_only(str(previous))
        old.backup(str(target))
        del old       # freed here (no cycle holds a store): its lock goes with it
    except OSError:
        return None
    store = ox.Store(str(target))
    delta = Delta()
    left: set[ox.Triple] = set()
    arrived: set[ox.Triple] = set()
    for name in changed:
        was = _quads(store, name)
        start, end, _ = spans.get(name, (0, 0, ""))
        now = set(ox.parse(nquads[start:end], format=ox.RdfFormat.N_QUADS))
        delta.quads += len(now) - len(was)
        for quad in was - now:
            store.remove(quad)
            left.add(quad.triple)
        for quad in now - was:
            store.add(quad)
            arrived.add(quad.triple)
    default = ox.DefaultGraph()
    for triple in left - arrived:
        s, p, o = triple.subject, triple.predicate, triple.object
        if not any(not isinstance(q.graph_name, ox.DefaultGraph)
                   for q in store.quads_for_pattern(s, p, o)):
            store.remove(ox.Quad(s, p, o, default))
            delta.removed.append(f"{triple} .\n")
    for triple in arrived:
        quad = ox.Quad(triple.subject, triple.predicate, triple.object, default)
        if quad not in store:
            store.add(quad)
            delta.added.append(f"{triple} .\n")
    store.flush()
    del store     # freed here, and its lock released (a full gc.collect costs a second)
    delta.removed.sort()
    delta.added.sort()
    return delta
