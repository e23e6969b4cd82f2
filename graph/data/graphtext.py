"""The built graph as text: each named graph's sorted N-Quads, and their merge as N-Triples.

The build makes the text once, from the emitter's lines (:meth:`GraphText.from_sink`), and
every output comes from it: the store is loaded from it, ``graph.trig`` and ``graph.ttl`` are
written from it by pyoxigraph, ``graph.nt`` is its merge. The rdflib ``Dataset`` (the
reference path) gives the same text for the same quads (:meth:`GraphText.from_dataset`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Dataset

from graph.data.delta import Span
from graph.data.load import NQuadsSink, merge_ntriples, union_ntriples

__all__ = ["GraphText", "dataset_lines", "merged"]


@dataclass
class GraphText:
    """The built graph as text: each named graph's sorted N-Quads, and the merged N-Triples."""

    nquads: bytes                 # named graphs in IRI order, each graph's lines sorted
    ntriples: bytes               # the union (a merge: each triple once), sorted
    spans: dict[str, Span] = field(default_factory=dict)   # each graph's place and digest

    @classmethod
    def from_blocks(cls, blocks: list[tuple[str, bytes]], union: bytes | None) -> GraphText:
        """From (graph IRI, its sorted distinct N-Quads lines) in IRI order; ``union``: their
        merge when already made (else made here, :func:`merged`)."""
        spans: dict[str, Span] = {}
        start = 0
        for name, block in blocks:
            spans[name] = (start, start + len(block),
                           hashlib.blake2b(block, digest_size=16).hexdigest())
            start += len(block)
        text = cls(b"".join(block for _, block in blocks), b"", spans)
        text.ntriples = merged(text) if union is None else union
        return text

    @classmethod
    def from_sink(cls, sink: NQuadsSink) -> GraphText:
        """The named graphs of ``sink`` (:func:`graph.data.load.build_nquads`), each graph's
        lines taken out of it as they are written (the sink is left empty), without their
        merge (``ntriples`` is empty: :func:`merged` makes it)."""
        blocks = [(name, "".join(sorted(set(sink.graphs.pop(name)))).encode("utf-8"))
                  for name in sorted(sink.graphs)]
        return cls.from_blocks(blocks, b"")

    @classmethod
    def from_graphs(cls, graphs: dict[str, list[str]], union: bytes | None = None) -> GraphText:
        """From graph IRI -> distinct sorted N-Quads lines (:meth:`NQuadsSink.lines`);
        ``union``: their merge (:func:`graph.data.load.union_ntriples`) when already made."""
        return cls.from_blocks([(name, "".join(graphs[name]).encode("utf-8"))
                                for name in sorted(graphs)],
                               union_ntriples(graphs) if union is None else union)

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


def merged(text: GraphText) -> bytes:
    """The merge of the named graphs of ``text`` as sorted N-Triples, each triple once:
    the graph's name taken off each line (" <graph> .\\n" ends a line only: a literal holds no
    raw line break), each graph's lines staying sorted (:func:`graph.data.load.merge_ntriples`)."""
    nquads = text.nquads
    return merge_ntriples(b"".join(
        nquads[start:end].replace(f" <{name}> .\n".encode(), b" .\n")
        for name, (start, end, _) in text.spans.items()).split(b"\n"))


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
