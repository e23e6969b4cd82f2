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

if TYPE_CHECKING:
    import networkx as nx

FORMATS = ("graphml", "gexf", "csv")


def _value(v: Any) -> str | int | float | bool | None:
    if v is None or type(v) in _SCALARS or isinstance(v, (str, int, float, bool)):
        return v
    if isinstance(v, (list, tuple)) and all(isinstance(x, str) for x in v):
        return "; ".join(v)
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
    ``plain``: nothing in them that networkx's writers treat specially (see below)."""

    graph: dict[str, str | int | float | bool]
    nodes: list[tuple[str, dict[str, Any], dict[str, str]]]
    edges: list[tuple[str, str, dict[str, Any], dict[str, str]]]
    plain: bool = False


def rows(G: nx.Graph) -> Rows:
    """``G`` flattened (see :func:`flat_graph`, whose node and edge order this is)."""
    spans: dict[Any, dict[str, str]] = {}

    def span(d: dict[str, Any]) -> dict[str, str]:
        date = d.get("date")
        if date not in spans:
            spans[date] = _span(d)
        return spans[date]

    nodes = [(n, flat(d := G.nodes[n]), span(d)) for n in sorted(G)]
    edges = sorted(((min(a, b), max(a, b), d) for a, b, d in G.edges(data=True)),
                   key=lambda e: (e[0], e[1]))
    r = Rows(flat({k: v for k, v in G.graph.items() if k in ("view", "since", "until")}),
             nodes, [(u, v, flat(d), span(d)) for u, v, d in edges])
    return r._replace(plain=_plain_rows(r))


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
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _attr(text: str) -> str:
    """An attribute value escaped as ElementTree escapes it: text content's escapes, then
    quotes and the characters an attribute would normalise away."""
    text = _cdata(text)
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\t" in text:
        text = text.replace("\t", "&#09;")
    return text


_BREAKS = re.compile("[\r\x0b\x0c\x1c-\x1e]")    # what str.splitlines also breaks at


def _document(lines: list[str]) -> str:
    """As networkx hands it over: ASCII with character references, re-split into lines."""
    text = "\n".join(lines).encode("ascii", "xmlcharrefreplace").decode("ascii")
    if _BREAKS.search(text):
        text = "\n".join(text.splitlines())
    return text + "\n"


def _plain_rows(r: Rows) -> bool:
    """Whether the fast writers give networkx's bytes for ``r`` (no special attribute, every
    value exactly a str, int, float or bool, no self-loop)."""
    types: set[type] = set()
    for d in (r.graph, *(a for _, a, _ in r.nodes), *(a for *_, a, _ in r.edges)):
        if not _SPECIAL.isdisjoint(d):
            return False
        types.update(map(type, d.values()))
    return types <= _SCALARS and all(u != v for u, v, _, _ in r.edges)


def _graphml(r: Rows) -> str:
    keys: dict[tuple[str, str, str], str] = {}
    key_lines: list[str] = []

    def data(scope: str, attrs: dict[str, Any], pad: str) -> list[str]:
        out = []
        for name, value in attrs.items():
            xml_type = _GRAPHML_TYPES[type(value)]
            kid = keys.get((name, xml_type, scope))
            if kid is None:
                kid = keys[(name, xml_type, scope)] = f"d{len(keys)}"
                key_lines.append(f'  <key id="{kid}" for="{scope}" attr.name="{_attr(name)}" '
                                 f'attr.type="{xml_type}" />')
            text = _cdata(str(value))
            out.append(f'{pad}<data key="{kid}">{text}</data>' if text
                       else f'{pad}<data key="{kid}" />')
        return out

    graph_data = data("graph", r.graph, "    ")
    body: list[str] = []
    for tag, head, attrs in [("node", f'<node id="{_attr(n)}"', a) for n, a, _ in r.nodes] + \
            [("edge", f'<edge source="{_attr(u)}" target="{_attr(v)}"', a)
             for u, v, a, _ in r.edges]:
        lines = data(tag, attrs, "      ")
        body += [f"    {head}>", *lines, f"    </{tag}>"] if lines else [f"    {head} />"]
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
    ids: dict[tuple[str, str], str] = {}
    declared: dict[str, list[str]] = {"node": [], "edge": []}
    timed = False

    def element(cls: str, head: str, attrs: dict[str, Any], span: dict[str, str]) -> list[str]:
        nonlocal timed
        if span:
            timed = True
            head += f' start="{_attr(span["start"])}" end="{_attr(span["end"])}"'
        values = []
        for name, value in attrs.items():
            aid = ids.get((cls, name))
            if aid is None:
                aid = ids[(cls, name)] = str(len(ids))
                declared[cls].append(f'      <attribute id="{aid}" title="{_attr(name)}" '
                                     f'type="{_GRAPHML_TYPES[type(value)]}" />')
            values.append(f'          <attvalue for="{aid}" value="{_attr(_gexf_value(value))}" />')
        if not values:
            return [f"      {head} />"]
        return [f"      {head}>", "        <attvalues>", *values, "        </attvalues>",
                f"      </{cls}>"]

    nodes: list[str] = []
    for n, attrs, span in r.nodes:
        rest = dict(attrs)
        label = str(rest.pop("label", n))
        nodes += element("node", f'<node id="{_attr(n)}" label="{_attr(label)}"', rest, span)
    edges: list[str] = []
    for i, (u, v, attrs, span) in enumerate(r.edges):
        rest = dict(attrs)
        head = f'<edge source="{_attr(u)}" target="{_attr(v)}" id="{i}"'
        for special in ("label", "weight"):
            if special in rest:
                head += f' {special}="{_attr(str(rest.pop(special)))}"'
        edges += element("edge", head, rest, span)
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
