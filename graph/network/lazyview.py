"""The full view, read node by node from the build: what a first ``path`` walks.

The first ``path`` after a build used to read all of ``graph.nt``, project the whole graph
and make the full view's plain form (seconds at 5,000 events) to walk a few dozen nodes of
it. :class:`FullView` answers the same questions without the whole view: a node's
neighbours are read when the search asks for them, from the build's sorted ``graph.nt`` (a
subject's lines, by binary search) and its Oxigraph store (the triples whose object it is),
and turned into the full view's links by the projection's own rules
(:mod:`graph.network.projection`):

- a predicate of :data:`~graph.network.projection.SIMPLE` or ``schema:subEvent`` links its
  subject and object;
- a post (its last ``org:member`` and ``org:organization``, as the projection's ``dict`` of
  those pairs keeps the last line) links the person and the organisation;
- a participation (its last ``cc:event``, ``cc:participant`` and ``cc:onBehalfOf``) links
  the agent and the event when both are entities, and the one spoken for (another entity
  than the agent) and the event;
- both ends must be entities (a subject typed with a cinecoop class whose IRI has a node
  key) and differ (the projection's ``_add``).

The full view's adjacency lists each node's neighbours in sorted order (:func:`plain_parts`
appends the ends of the pairs in sorted pair order: the neighbours before the node, then
those after it), so a node's neighbours are given sorted here, and the search
(:func:`graph.network.paths.shortest_paths`) finds the same paths in the same order. The
hops of the paths found are explained by the real projection and view run on the lines of
the few subjects they depend on (:meth:`FullView.part`): the nodes, the posts and
participations between consecutive nodes, the agents of those participations, the events
an agreement was announced at, and the paragraphs and sources they cite
(``tests/test_lazyview.py`` compares the adjacency of every node and the paths with the
whole view's).
"""

from __future__ import annotations

import mmap
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from graph.network.relations import ID_NS, node_key
from graph.ns import CC, ORG, RDF, SCHEMA
from graph.sparql.ntriples import (
    NT_FILE,
    LinesReader,
    Unreadable,
    _first_line_from,
    _iri,
    _term,
)

__all__ = ["FullView", "open_full"]

_SIMPLE = frozenset(str(p) for p in (
    CC.country, ORG.unitOf, ORG.subOrganizationOf, CC.basedIn, CC.within, CC.venue, CC.city,
    SCHEMA.superEvent, CC.framework, CC.namedAfter, SCHEMA.about, CC.party, CC.statedBy,
    CC.announcedAt, CC.concerns, CC.scope, SCHEMA.subEvent))
_MEMBER, _UNIT = str(ORG.member), str(ORG.organization)
_EVENT, _AGENT, _BEHALF = str(CC.event), str(CC.participant), str(CC.onBehalfOf)
_FACT = frozenset({_MEMBER, _UNIT, _EVENT, _AGENT, _BEHALF})
_TYPE = f"<{RDF.type}>"
_CC = CC.base
_CITED = (f"<{CC.citedParagraph}>", f"<{CC.citedIn}>", f"<{SCHEMA.isPartOf}>")
_ANNOUNCED = f"<{CC.announcedAt}>"

Line = tuple[str, str, str]     # subject, predicate and object tokens of a line of graph.nt


class _Lines:
    """The build's sorted ``graph.nt``, memory-mapped: a subject's lines by binary search."""

    def __init__(self, path: Path):
        self._fh = path.open("rb")
        try:
            self._data = mmap.mmap(self._fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            self._fh.close()
            raise
        self._runs: dict[str, list[Line]] = {}

    def close(self) -> None:
        self._data.close()
        self._fh.close()

    def run(self, iri: str, predicate: str = "") -> list[Line]:
        """The lines whose subject is ``iri`` (and predicate token ``predicate``, when
        given), in the file's order; :class:`Unreadable` for a line of another shape."""
        head = f"<{iri}> {predicate} " if predicate else f"<{iri}> "
        found = self._runs.get(head)
        if found is None:
            found = self._runs[head] = list(self._read(head.encode("utf-8")))
        return found

    def _read(self, head: bytes) -> Iterator[Line]:
        data = self._data
        at = _first_line_from(data, head)
        while data[at:at + len(head)] == head:
            end = data.find(b"\n", at)
            end = len(data) if end < 0 else end
            try:
                s, p, rest = data[at:end].decode("utf-8").split(" ", 2)
            except (UnicodeDecodeError, ValueError):
                s = p = rest = ""
            if rest[-2:] != " .":
                raise Unreadable(f"not an N-Triples line: {data[at:at + 80]!r}")
            yield s, p, rest[:-2]
            at = end + 1


def _as_written(line: Line) -> str:
    """The line as graph.nt has it (str order is the order of the UTF-8 bytes it is
    sorted by)."""
    return f"{line[0]} {line[1]} {line[2]} ."


def _last(lines: Iterable[Line]) -> dict[str, Any]:
    """Predicate IRI -> the term of its last line (the projection's ``dict(pairs)``)."""
    return {_iri(p): _term(o) for _, p, o in lines}


class _Adjacency(Mapping[str, list[str]]):
    """node -> its neighbours in the full view, sorted (read on first use)."""

    def __init__(self, view: FullView):
        self._view = view
        self._found: dict[str, list[str]] = {}

    def __getitem__(self, node: str) -> list[str]:
        found = self._found.get(node)
        if found is None:
            found = self._found[node] = self._view.neighbours(node)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._found)

    def __len__(self) -> int:
        return len(self._found)


class _Nodes(Mapping[str, dict[str, Any]]):
    """node -> what a path prints of it (from :meth:`FullView.part`)."""

    def __init__(self, view: FullView):
        self._view = view

    def __getitem__(self, node: str) -> dict[str, Any]:
        found: dict[str, Any] = self._view.part([[node]]).nodes[node]
        return found

    def __iter__(self) -> Iterator[str]:
        raise TypeError("the nodes of a lazily read view are not listed")

    def __len__(self) -> int:
        raise TypeError("the nodes of a lazily read view are not counted")


class FullView:
    """The full view (no filters) of the build in ``folder``, read node by node (see the
    module doc): ``n in H``, ``H.adj[n]`` and ``H.graph`` as a
    :class:`~graph.network.plain.PlainView` gives them; ``H.nodes[n]`` and the hops'
    edges from :meth:`part`. Use it as a context manager (it holds ``graph.nt`` mapped and
    the store open)."""

    def __init__(self, folder: Path, store: Any):
        self._lines = _Lines(folder / NT_FILE)
        self._store = store
        self._typed: dict[str, bool] = {}
        self._facts: dict[str, dict[str, Any]] = {}
        self._via: dict[tuple[str, str], set[str]] = {}
        self._parts: dict[frozenset[str], Any] = {}
        self.graph: dict[str, Any] = {"view": "full", "weighted": False, "since": None,
                                      "until": None, "include_undated": False, "types": []}
        self.adj = _Adjacency(self)
        self.nodes = _Nodes(self)

    def __enter__(self) -> FullView:
        return self

    def __exit__(self, *exc: object) -> None:
        self._lines.close()

    def __contains__(self, node: object) -> bool:
        return isinstance(node, str) and self._is_entity(node)

    # -------------------------------------------------------------- the adjacency

    def _is_entity(self, key: str) -> bool:
        """Whether ``key`` is a node: its IRI typed with a cinecoop class (the projection's
        ``_Facts.types``)."""
        found = self._typed.get(key)
        if found is None:
            found = self._typed[key] = node_key(ID_NS + key) == key and any(
                str(_term(o)).startswith(_CC) for _, _, o in self._lines.run(ID_NS + key, _TYPE))
        return found

    def _entity(self, term: Any) -> str | None:
        key = node_key(term)
        return key if key is not None and self._is_entity(key) else None

    def _fact(self, iri: str) -> dict[str, Any]:
        found = self._facts.get(iri)
        if found is None:
            found = self._facts[iri] = _last(self._lines.run(iri))
        return found

    def _fact_links(self, iri: str) -> list[tuple[str, str]]:
        """The links a post or participation makes (the projection's ``_add_posts`` and
        ``_add_participations``)."""
        f = self._fact(iri)
        links = []
        if _MEMBER in f:
            person, unit = self._entity(f[_MEMBER]), self._entity(f.get(_UNIT, ""))
            if person is not None and unit is not None:
                links.append((person, unit))
        if _EVENT in f:
            event, agent = self._entity(f[_EVENT]), self._entity(f.get(_AGENT, ""))
            if event is not None and agent is not None:
                links.append((agent, event))
                who = self._entity(f[_BEHALF]) if _BEHALF in f else None
                if who is not None and who != agent:
                    links.append((who, event))
        return [(a, b) for a, b in links if a != b]

    def _incoming(self, iri: str) -> Iterator[tuple[str, str]]:
        import pyoxigraph as ox  # lazy: the store's terms

        for q in self._store.quads_for_pattern(None, None, ox.NamedNode(iri),
                                               ox.DefaultGraph()):
            if isinstance(q.subject, ox.NamedNode):
                yield q.subject.value, q.predicate.value

    def neighbours(self, node: str) -> list[str]:
        """The neighbours of ``node`` in the full view, sorted as its adjacency lists them."""
        iri = ID_NS + node
        found: set[str] = set()
        for _, p, o in self._lines.run(iri):
            if _iri(p) in _SIMPLE and (other := self._entity(_term(o))) is not None:
                found.add(other)
        for s, p in self._incoming(iri):
            if p in _SIMPLE:
                if (other := self._entity(s)) is not None:
                    found.add(other)
            elif p in _FACT:
                for a, b in self._fact_links(s):
                    if node in (a, b):
                        other = b if a == node else a
                        found.add(other)
                        self._via.setdefault((a, b) if a <= b else (b, a), set()).add(s)
        found.discard(node)
        return sorted(found)

    # -------------------------------------------------------------- the hops explained

    def part(self, paths: Iterable[list[str]]) -> Any:
        """The full view (a :class:`~graph.network.plain.PlainView`) of the projection of
        the lines the nodes of ``paths`` and the hops between them depend on: for these
        nodes and hops, the same data as the whole view's."""
        nodes = frozenset(n for path in paths for n in path)
        found = self._parts.get(nodes)
        if found is None:
            found = self._parts[nodes] = self._part(
                nodes, {(a, b) if a <= b else (b, a) for path in paths
                        for a, b in zip(path, path[1:], strict=False)})
        return found

    def _part(self, nodes: frozenset[str], hops: set[tuple[str, str]]) -> Any:
        from graph.network.plain import PlainView, plain_parts  # lazy: networkx
        from graph.network.projection import project, view_parts  # lazy: as above

        for n in nodes:
            self.adj[n]     # noqa: B018 - every post and participation between them found
        subjects = {ID_NS + n for n in nodes}
        for hop in hops:
            for fact in self._via.get(hop, ()):
                subjects.add(fact)
                subjects.update(ID_NS + k for link in self._fact_links(fact) for k in link)
        for n in nodes:         # an agreement is dated by the events it was announced at
            if n.startswith("agreement/"):
                subjects.update(_iri(o) for _, _, o in self._lines.run(ID_NS + n, _ANNOUNCED))
        lines = [line for s in subjects for line in self._lines.run(s)]
        cited = {_iri(o) for _, p, o in lines if p in _CITED[:2] and o[:1] == "<"}
        lines += [line for s in cited - subjects for line in self._lines.run(s)]
        sources = {_iri(o) for _, p, o in lines if p == _CITED[2] and o[:1] == "<"}
        lines += [line for s in sources - subjects - cited for line in self._lines.run(s)]
        by_p: dict[str, list[tuple[str, str]]] = {}
        for s, p, o in sorted(set(lines), key=_as_written):    # graph.nt's order
            by_p.setdefault(p, []).append((s, o))
        G = project(LinesReader.of_lines(by_p))
        return PlainView(plain_parts(*view_parts(G, "full")))


def open_full(folder: Path | None) -> FullView | None:
    """The lazily read full view of the build in ``folder`` (its ``graph.nt`` and store),
    or None when either is missing."""
    if folder is None or not (folder / NT_FILE).is_file():
        return None
    from graph.data.outputs import STORE_DIR  # lazy: only to find the store
    from graph.sparql.reader import GraphUnavailable, Reader  # lazy: as above

    try:
        return FullView(folder, Reader(folder / STORE_DIR).store)
    except (OSError, ValueError, GraphUnavailable):
        return None
