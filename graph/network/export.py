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
from typing import TYPE_CHECKING, Any, NamedTuple

import networkx as nx

from graph.files import write_atomic
from graph.network.projection import period
from graph.text import replace_each

if TYPE_CHECKING:
    import networkx as nx

FORMATS = ("graphml", "gexf", "csv")


def _value(v: Any) -> str | int | float | bool | None:
    if v is None or type(v) in _SCALARS or isinstance(v, (str, int, float, bool)):
        return v
    if isinstance(v, (list, tuple)):
        try:        # joined when every item is a string (join refuses anything else)
            return "; ".join(v)
        except TypeError:
            pass
    return _JSON.encode(v)


_SCALARS = frozenset({str, int, float, bool})
#: json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":")), made once
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def flat(data: dict[str, Any]) -> dict[str, str | int | float | bool]:
    """Attributes with every value a scalar (see the module doc); ``None`` dropped."""
    out: dict[str, str | int | float | bool] = {}
    for k in sorted(data):
        value = _value(data[k])
        if value is not None:
            out[k] = value
    return out


class Rows(NamedTuple):
    """A view flattened once for every format: graph attributes, nodes and edges in the
    order the writers use (sorted), each with its flat attributes and its Gephi time span;
    ``plain``: the fast writers below give networkx's bytes for them (no attribute those
    writers treat specially, every value exactly a str, int, float or bool, no self-loop)."""

    graph: dict[str, str | int | float | bool]
    nodes: list[tuple[str, dict[str, Any], dict[str, str]]]
    edges: list[tuple[str, str, dict[str, Any], dict[str, str]]]
    plain: bool = False


def rows(G: nx.Graph) -> Rows:
    """``G`` flattened (see :func:`flat_graph`, whose node and edge order this is)."""
    spans: dict[Any, dict[str, str]] = {}
    types: set[type] = set()
    special = [False]

    def span(d: dict[str, Any]) -> dict[str, str]:
        date = d.get("date")
        if date not in spans:
            spans[date] = _span(d)
        return spans[date]

    def flattened(d: dict[str, Any]) -> dict[str, Any]:
        out = _flat(d)
        types.update(map(type, out.values()))
        if not special[0] and not _SPECIAL.isdisjoint(out):
            special[0] = True
        return out

    nodes = [(n, flattened(d := G.nodes[n]), span(d)) for n in sorted(G)]
    edges = sorted(((min(a, b), max(a, b), d) for a, b, d in G.edges(data=True)),
                   key=lambda e: (e[0], e[1]))
    graph = flattened({k: v for k, v in G.graph.items() if k in ("view", "since", "until")})
    flat_edges = [(u, v, flattened(d), span(d)) for u, v, d in edges]
    plain = not special[0] and types <= _SCALARS and all(u != v for u, v, _, _ in flat_edges)
    return Rows(graph, nodes, flat_edges, plain)


def _flat(data: dict[str, Any]) -> dict[str, Any]:
    """:func:`flat`, with a scalar value taken as it is without a call (the usual case)."""
    out: dict[str, Any] = {}
    for k in sorted(data):
        value = data[k]
        if type(value) not in _SCALARS:
            value = _value(value)
            if value is None:
                continue
        out[k] = value
    return out


def flat_graph(G: nx.Graph, with_time: bool = False) -> nx.Graph:
    """A copy of ``G`` in sorted order with flattened attributes (and Gephi time spans)."""
    return _rows_graph(rows(G), with_time)


def _rows_graph(r: Rows, with_time: bool) -> nx.Graph:
    H = nx.Graph()
    H.graph.update(r.graph)
    for node, attrs, span in r.nodes:
        H.add_node(node, **({**attrs, **span} if with_time else attrs))
    for u, v, attrs, span in r.edges:
        H.add_edge(u, v, **({**attrs, **span} if with_time else attrs))
    if with_time:
        H.graph["mode"] = "dynamic"
    return H


def _span(data: dict[str, Any]) -> dict[str, str]:
    date = data.get("date")
    first, last = period(date), period(date, end=True)
    if first is None or last is None:
        return {}
    return {"start": first, "end": last}


# ---------------------------------------------------------------------------- XML writers
# GraphML and GEXF written line by line with the bytes networkx's writers give (tested
# against them): networkx builds an ElementTree of every element first, 5-10x slower. A
# view with anything those writers treat specially falls back to networkx itself.

_GRAPHML_TYPES = {str: "string", int: "long", float: "double", bool: "boolean"}
_SPECIAL = frozenset({"id", "pid", "parents", "spells", "slices", "viz", "type", "key",
                      "networkx_key", "start", "end", "node_default", "edge_default"})


def _cdata(text: str) -> str:
    """Text content escaped as ElementTree escapes it."""
    return replace_each(text, _CDATA_ESCAPES)


def _attr(text: str) -> str:
    """An attribute value escaped as ElementTree escapes it: text content's escapes, then
    quotes and the characters an attribute would normalise away."""
    return replace_each(text, _ATTR_ESCAPES)


_CDATA_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_ATTR_ESCAPES = (*_CDATA_ESCAPES, ('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"),
                 ("\t", "&#09;"))


#: What str.splitlines also breaks at, in an ASCII text (the others are character references)
_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e"


def _document(lines: list[str]) -> str:
    """As networkx hands it over: ASCII with character references, re-split into lines."""
    text = "\n".join(lines).encode("ascii", "xmlcharrefreplace").decode("ascii")
    if any(c in text for c in _BREAKS):      # a substring test per character: no regex pass
        text = "\n".join(text.splitlines())
    return text + "\n"


def _text(value: Any) -> str:
    """A value as element text: ``str`` and ElementTree's escapes (most values need none)."""
    text = value if type(value) is str else str(value)
    if "&" in text or "<" in text or ">" in text:
        return _cdata(text)
    return text


def _graphml(r: Rows) -> str:
    key_lines: list[str] = []
    tags: dict[tuple[str, str, type], tuple[str, str]] = {}   # (scope, name, type) -> tags

    def key(scope: str, name: str, kind: type, pad: str) -> tuple[str, str]:
        """The opening and empty ``<data>`` tags of a new key (declared in order of use)."""
        kid = f"d{len(tags)}"
        key_lines.append(f'  <key id="{kid}" for="{scope}" attr.name="{_attr(name)}" '
                         f'attr.type="{_GRAPHML_TYPES[kind]}" />')
        found = tags[(scope, name, kind)] = (f'{pad}<data key="{kid}">',
                                             f'{pad}<data key="{kid}" />')
        return found

    def data(scope: str, attrs: dict[str, Any], pad: str, out: list[str]) -> None:
        for name, value in attrs.items():
            kind = type(value)
            opening, empty = tags.get((scope, name, kind)) or key(scope, name, kind, pad)
            text = _text(value)
            out.append(f"{opening}{text}</data>" if text else empty)

    graph_data: list[str] = []
    data("graph", r.graph, "    ", graph_data)
    body: list[str] = []

    def element(scope: str, head: str, attrs: dict[str, Any]) -> None:
        if attrs:
            body.append(f"{head}>")
            data(scope, attrs, "      ", body)
            body.append(f"    </{scope}>")
        else:
            body.append(f"{head} />")

    for n, attrs, _ in r.nodes:
        element("node", f'    <node id="{_attr(n)}"', attrs)
    for u, v, attrs, _ in r.edges:
        element("edge", f'    <edge source="{_attr(u)}" target="{_attr(v)}"', attrs)
    body += graph_data
    graph = ['  <graph edgedefault="undirected">', *body, "  </graph>"] if body else \
        ['  <graph edgedefault="undirected" />']
    return _document([f'<graphml xmlns="{_NS_GRAPHML}" xmlns:xsi="{_NS_XSI}" '
                      f'xsi:schemaLocation="{_NS_GRAPHML} {_NS_GRAPHML}/1.0/graphml.xsd">',
                      *reversed(key_lines), *graph, "</graphml>"])


_NS_GRAPHML = "http://graphml.graphdrawing.org/xmlns"
_NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_NS_GEXF = "http://www.gexf.net/1.2draft"


def _gexf_value(value: Any) -> str:
    if type(value) is bool:
        return str(value).lower()
    text = str(value)
    if type(value) is float:
        return {"inf": "INF", "nan": "NaN", "-inf": "-INF"}.get(text, text)
    return text


def _gexf(r: Rows) -> str:
    ids: dict[tuple[str, str], str] = {}        # (class, name) -> the attvalue's opening
    declared: dict[str, list[str]] = {"node": [], "edge": []}
    timed = False
    spans: dict[tuple[str, str], str] = {}

    def attribute(cls: str, name: str, value: Any) -> str:
        """A new attribute of ``cls``, typed by its first value: its attvalue's opening."""
        aid = str(len(ids))
        declared[cls].append(f'      <attribute id="{aid}" title="{_attr(name)}" '
                             f'type="{_GRAPHML_TYPES[type(value)]}" />')
        found = ids[(cls, name)] = f'          <attvalue for="{aid}" value="'
        return found

    def element(cls: str, head: str, attrs: dict[str, Any], span: dict[str, str],
                skip: tuple[str, ...], out: list[str]) -> None:
        nonlocal timed
        if span:
            timed = True
            when = (span["start"], span["end"])
            if when not in spans:
                spans[when] = f' start="{_attr(when[0])}" end="{_attr(when[1])}"'
            head += spans[when]
        values = [f"{ids.get((cls, name)) or attribute(cls, name, value)}"
                  f'{_attr(value if type(value) is str else _gexf_value(value))}" />'
                  for name, value in attrs.items() if name not in skip]
        if values:
            out += [f"      {head}>", "        <attvalues>", *values, "        </attvalues>",
                    f"      </{cls}>"]
        else:
            out.append(f"      {head} />")

    nodes: list[str] = []
    for n, attrs, span in r.nodes:
        label = str(attrs.get("label", n))
        element("node", f'<node id="{_attr(n)}" label="{_attr(label)}"', attrs, span,
                ("label",), nodes)
    edges: list[str] = []
    for i, (u, v, attrs, span) in enumerate(r.edges):
        head = f'<edge source="{_attr(u)}" target="{_attr(v)}" id="{i}"'
        for special in ("label", "weight"):
            if special in attrs:
                head += f' {special}="{_attr(str(attrs[special]))}"'
        element("edge", head, attrs, span, ("label", "weight"), edges)
    graph = [f'  <graph defaultedgetype="undirected" mode="dynamic" name=""'
             f'{" timeformat=" + chr(34) + "date" + chr(34) if timed else ""}>']
    for cls in ("edge", "node"):
        if declared[cls]:
            graph += [f'    <attributes mode="static" class="{cls}">', *declared[cls],
                      "    </attributes>"]
    graph += ["    <nodes>", *nodes, "    </nodes>"] if nodes else ["    <nodes />"]
    graph += ["    <edges>", *edges, "    </edges>"] if edges else ["    <edges />"]
    return _document([f'<gexf xmlns="{_NS_GEXF}" xmlns:xsi="{_NS_XSI}" '
                      f'xsi:schemaLocation="{_NS_GEXF} {_NS_GEXF}/gexf.xsd" version="1.2">',
                      "  <meta>", f"    <creator>{_cdata(f'NetworkX {nx.__version__}')}</creator>",
                      "  </meta>", *graph, "  </graph>", "</gexf>"])


def graphml_text(G: nx.Graph, r: Rows | None = None) -> str:
    r = r if r is not None else rows(G)
    return _graphml(r) if r.plain else graphml_text_networkx(G, r)


def graphml_text_networkx(G: nx.Graph, r: Rows | None = None) -> str:
    """:func:`graphml_text` by networkx's own writer (the reference)."""
    H = _rows_graph(r if r is not None else rows(G), with_time=False)
    return "\n".join(nx.generate_graphml(H)) + "\n"


def gexf_text(G: nx.Graph, r: Rows | None = None) -> str:
    r = r if r is not None else rows(G)
    return _gexf(r) if r.plain else gexf_text_networkx(G, r)


def gexf_text_networkx(G: nx.Graph, r: Rows | None = None) -> str:
    """:func:`gexf_text` by networkx's own writer (the reference)."""
    H = _rows_graph(r if r is not None else rows(G), with_time=True)
    for key in list(H.graph):  # networkx's GEXF writer stores no graph attributes but mode
        if key != "mode":
            del H.graph[key]
    text = "\n".join(nx.generate_gexf(H)) + "\n"
    # networkx stamps today's date into <meta>: drop it (same data, same bytes)
    return re.sub(r' lastmodifieddate="[^"]*"', "", text, count=1)


def _csv(rows: list[dict[str, Any]], first: list[str]) -> str:
    """As ``csv.DictWriter`` writes them (a missing column empty), without its checks."""
    columns = first + sorted({k for r in rows for k in r} - set(first))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[r.get(c, "") for c in columns] for r in rows])
    return buf.getvalue()


def csv_texts(G: nx.Graph, r: Rows | None = None) -> tuple[str, str]:
    """(nodes.csv, edges.csv): one row per node (``id`` first), per edge (``source, target``)."""
    r = r if r is not None else rows(G)
    nodes = [{"id": n, **d} for n, d, _ in r.nodes]
    edges = [{"source": u, "target": v, **d} for u, v, d, _ in r.edges]
    return _csv(nodes, ["id", "label", "kind"]), _csv(edges, ["source", "target", "relation"])


def texts(G: nx.Graph, fmt: str, stem: str, r: Rows | None = None) -> dict[str, str]:
    """File name -> text for one view in one format (``r``: its :func:`rows`, when made)."""
    if fmt == "graphml":
        return {f"{stem}.graphml": graphml_text(G, r)}
    if fmt == "gexf":
        return {f"{stem}.gexf": gexf_text(G, r)}
    if fmt == "csv":
        nodes, edges = csv_texts(G, r)
        return {f"{stem}.nodes.csv": nodes, f"{stem}.edges.csv": edges}
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def write(G: nx.Graph, fmt: str, folder: Path, stem: str | None = None,
          r: Rows | None = None) -> list[Path]:
    """Write one view in one format into ``folder`` (atomically); the paths written."""

    written = []
    for name, text in texts(G, fmt, stem or str(G.graph.get("view", "graph")), r).items():
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
