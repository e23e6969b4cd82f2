"""The ``org-org`` view for measuring it, made from a few of the build's lines.

The first ``centrality --view org-org`` after a large build used to read all of
``graph.nt``, project the whole graph and make the view with every edge's words, dates and
citations, to measure a graph of which it reads the nodes, the edges in order and their
weights, and each node's label and class. :func:`org_org_graph` makes that graph from what
the projection's rules read for it (:mod:`graph.network.projection`):

- every participation's last ``cc:event``, ``cc:participant`` and ``cc:onBehalfOf`` (the
  projection's ``dict`` of those pairs keeps the last line), found in the whole file by
  predicate;
- the entities (a subject under an entity kind's IRIs typed with a cinecoop class), from
  each kind's run of the sorted file;
- the organisations' labels and types and the ontology's ``rdfs:subClassOf``, projected by
  the projection itself for the nodes' attributes.

An organisation is at an event when it took part (an entity other than the event) or was
spoken for by another entity that took part; two organisations at the same events are
linked, weighted by how many. Nodes and edges are inserted in sorted order, as
:func:`~graph.network.projection.view` inserts them, so every measure reads the same graph:
``tests/test_orgorg.py`` compares the nodes, edges, weights and score tables with the
view's, and :func:`org_org_graph` gives None (the view is made as before) where the file is
missing or holds a line it does not read.
"""

from __future__ import annotations

import mmap
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.network.cache import nt_size
from graph.network.relations import node_key
from graph.ns import CC, ENTITY_KINDS, ID, RDF, RDFS, SKOS
from graph.sparql.ntriples import (
    NT_FILE,
    LinesReader,
    Unreadable,
    _first_line_from,
    _with_predicate,
)

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["org_org_graph", "measured_view", "LARGE_BYTES"]

#: From this size of ``graph.nt``, ``centrality --view org-org`` without a date window
#: measures :func:`org_org_graph` (below it, the view of the projection is made as before).
LARGE_BYTES = 10_000_000

_FACTS = (CC.event, CC.participant, CC.onBehalfOf)
_LABELS = (SKOS.prefLabel, SKOS.altLabel, RDFS.label)


def _read(folder: Path) -> dict[str, list[tuple[str, str]]]:
    """Predicate token -> (subject, object) tokens of the lines the view depends on."""
    lines: dict[str, list[tuple[str, str]]] = {}

    def add(predicate: Any, found: Any) -> None:
        lines.setdefault(f"<{predicate}>", []).extend(found)

    with (folder / NT_FILE).open("rb") as fh, \
            mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        whole = (0, len(data))
        for p in (*_FACTS, RDFS.subClassOf):
            add(p, _with_predicate(data, whole, str(p)))
        for kind in ENTITY_KINDS:
            key = f"<{ID.base}{kind}/".encode()
            span = (_first_line_from(data, key),
                    _first_line_from(data, key[:-1] + bytes([key[-1] + 1])))
            for p in (RDF.type, *(_LABELS if kind == "organisation" else ())):
                add(p, _with_predicate(data, span, str(p)))
    return lines


def _present(r: LinesReader) -> dict[str, set[str]]:
    """event -> the organisations at it (the projection's participations, read as the
    ``org-org`` view reads them)."""
    entities = {k for s, o in r.pairs(str(RDF.type)) if str(o).startswith(CC.base)
                and (k := node_key(s))}
    event_of = dict(r.pairs(str(CC.event)))
    agent_of = dict(r.pairs(str(CC.participant)))
    behalf = dict(r.pairs(str(CC.onBehalfOf)))
    present: dict[str, set[str]] = defaultdict(set)
    for part, e in event_of.items():
        event, agent = node_key(e), node_key(agent_of.get(part, ""))
        if event not in entities or agent not in entities:
            continue
        assert event is not None and agent is not None
        if not event.startswith("event/"):
            continue
        if agent != event and agent.startswith("organisation/"):
            present[event].add(agent)
        who = node_key(behalf[part]) if part in behalf else None
        if who in entities and who != agent and who != event and who is not None \
                and who.startswith("organisation/"):
            present[event].add(who)
    return present


def org_org_graph(folder: Path | None) -> nx.Graph | None:
    """The ``org-org`` view's graph (no filters) with its weights and its nodes' attributes,
    from the build's ``graph.nt`` in ``folder``; None when it cannot be read."""
    if folder is None:
        return None
    try:
        lines = _read(folder)
        r = LinesReader.of_lines(lines, folder)
        present = _present(r)
    except (OSError, ValueError):       # missing, empty, or a line not read (Unreadable)
        return None
    import networkx as nx  # lazy: the view's graph

    from graph.network.projection import project  # lazy: networkx, the nodes' attributes

    weights: dict[tuple[str, str], int] = defaultdict(int)
    members: set[str] = set()
    for orgs in present.values():
        members.update(orgs)
        for a, b in combinations(sorted(orgs), 2):
            weights[(a, b)] += 1
    org_lines = f"<{ID.base}organisation/"
    about = {p: lines.get(p, []) for p in (f"<{RDFS.subClassOf}>", *(f"<{p}>" for p in _LABELS))}
    about[f"<{RDF.type}>"] = [(s, o) for s, o in lines[f"<{RDF.type}>"] if s.startswith(org_lines)]
    try:
        G = project(LinesReader.of_lines(about, folder))
    except Unreadable:
        return None
    H = nx.Graph(view="org-org", weighted=True, since=None, until=None, include_undated=False,
                 types=[])
    H.add_nodes_from((n, dict(G.nodes[n])) for n in sorted(members))
    H.add_edges_from((a, b, {"weight": w}) for (a, b), w in sorted(weights.items()))
    return H


def measured_view(folder: Path | None, view_name: str, since: str | None, until: str | None,
                  include_undated: bool) -> nx.Graph | None:
    """:func:`org_org_graph` for ``centrality`` of the ``org-org`` view without a date
    window on a large build; None otherwise (or when it cannot be read)."""
    if view_name != "org-org" or since is not None or until is not None or include_undated \
            or folder is None:
        return None
    if nt_size(folder) <= LARGE_BYTES:
        return None
    return org_org_graph(folder)
