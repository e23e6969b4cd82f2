"""Exports of the views for network tools: GraphML, GEXF (Gephi) and CSV node/edge lists.

networkx's GraphML and GEXF writers accept only scalar attributes, so :func:`flat` converts:
``None`` is left out, a list of strings becomes one ``"; "``-joined string, anything else
that is not a scalar (a dict such as ``labels``, a list of dicts such as ``facts``) becomes
compact JSON with sorted keys. In GEXF, events and dated edges get Gephi time intervals
(``start``/``end``, ``timeformat="date"``): a year-only date spans that year; a date known only
as "reported on" is a one-day interval on that date (the fact took place on or before it).
Every writer returns text (deterministic: sorted nodes, edges and columns); :func:`write`
puts the files in place atomically.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from graph.files import write_atomic
from graph.network.projection import period

if TYPE_CHECKING:
    import networkx as nx

FORMATS = ("graphml", "gexf", "csv")


def _value(v: Any) -> str | int | float | bool | None:
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    if isinstance(v, (list, tuple)) and all(isinstance(x, str) for x in v):
        return "; ".join(v)
    return json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def flat(data: dict[str, Any]) -> dict[str, str | int | float | bool]:
    """Attributes with every value a scalar (see the module doc); ``None`` dropped."""
    out: dict[str, str | int | float | bool] = {}
    for k, v in sorted(data.items()):
        value = _value(v)
        if value is not None:
            out[k] = value
    return out


def flat_graph(G: nx.Graph, with_time: bool = False) -> nx.Graph:
    """A copy of ``G`` in sorted order with flattened attributes (and Gephi time spans)."""

    H = nx.Graph()
    H.graph.update(flat({k: v for k, v in G.graph.items() if k in ("view", "since", "until")}))
    for node in sorted(G):
        attrs = flat(G.nodes[node])
        if with_time:
            attrs.update(_span(G.nodes[node]))
        H.add_node(node, **attrs)
    for u, v, d in sorted((min(a, b), max(a, b), d) for a, b, d in G.edges(data=True)):
        attrs = flat(d)
        if with_time:
            attrs.update(_span(d))
        H.add_edge(u, v, **attrs)
    if with_time:
        H.graph["mode"] = "dynamic"
    return H


def _span(data: dict[str, Any]) -> dict[str, str]:
    date = data.get("date")
    first, last = period(date), period(date, end=True)
    if first is None or last is None:
        return {}
    return {"start": first, "end": last}


def graphml_text(G: nx.Graph) -> str:

    return "\n".join(nx.generate_graphml(flat_graph(G))) + "\n"


def gexf_text(G: nx.Graph) -> str:

    H = flat_graph(G, with_time=True)
    for key in list(H.graph):  # networkx's GEXF writer stores no graph attributes but mode
        if key != "mode":
            del H.graph[key]
    text = "\n".join(nx.generate_gexf(H)) + "\n"
    # networkx stamps today's date into <meta>: drop it (same data, same bytes)
    return re.sub(r' lastmodifieddate="[^"]*"', "", text, count=1)


def _csv(rows: list[dict[str, Any]], first: list[str]) -> str:
    columns = first + sorted({k for r in rows for k in r} - set(first))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buf.getvalue()


def csv_texts(G: nx.Graph) -> tuple[str, str]:
    """(nodes.csv, edges.csv): one row per node (``id`` first), per edge (``source, target``)."""
    H = flat_graph(G)
    nodes = [{"id": n, **d} for n, d in H.nodes(data=True)]
    edges = [{"source": u, "target": v, **d} for u, v, d in H.edges(data=True)]
    return _csv(nodes, ["id", "label", "kind"]), _csv(edges, ["source", "target", "relation"])


def texts(G: nx.Graph, fmt: str, stem: str) -> dict[str, str]:
    """File name -> text for one view in one format."""
    if fmt == "graphml":
        return {f"{stem}.graphml": graphml_text(G)}
    if fmt == "gexf":
        return {f"{stem}.gexf": gexf_text(G)}
    if fmt == "csv":
        nodes, edges = csv_texts(G)
        return {f"{stem}.nodes.csv": nodes, f"{stem}.edges.csv": edges}
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def write(G: nx.Graph, fmt: str, folder: Path, stem: str | None = None) -> list[Path]:
    """Write one view in one format into ``folder`` (atomically); the paths written."""

    written = []
    for name, text in texts(G, fmt, stem or str(G.graph.get("view", "graph"))).items():
        path = folder / name
        write_atomic(path, text)
        written.append(path)
    return written


def read_csv(nodes_path: Path, edges_path: Path) -> nx.Graph:
    """Read the CSV pair back as an ``nx.Graph`` (string attributes)."""

    G = nx.Graph()
    with nodes_path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            G.add_node(row.pop("id"), **row)
    with edges_path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            G.add_edge(row.pop("source"), row.pop("target"), **row)
    return G
