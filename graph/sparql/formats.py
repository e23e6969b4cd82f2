"""SPARQL results on the wire: content negotiation and the standard serialisations.

Pure functions, no I/O. SELECT and ASK results are written as SPARQL 1.1 Query Results JSON,
XML, CSV and TSV (W3C Recommendations of 2013-03-21); CONSTRUCT and DESCRIBE graphs as Turtle,
N-Triples, RDF/XML or JSON-LD. Literals keep their language tag or datatype (a simple literal,
``xsd:string``, is written without one, as RDF 1.1 makes the two the same term).

>>> from rdflib import Literal, URIRef
>>> print(select_json(["x"], [(Literal("Баку", lang="ru"),)]))
{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"Баку","xml:lang":"ru"}}]}}
>>> choose_format("select", "text/csv;q=0.5, application/sparql-results+xml").key
'xml'
>>> choose_format("graph", None, "nt").media_type
'application/n-triples'
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph.sparql.plain import datatype, kind, language

if TYPE_CHECKING:
    from rdflib import Graph

RESULTS_NS = "http://www.w3.org/2005/sparql-results#"


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as XML entities (``xml.sax.saxutils.escape``, whose module
    imports ``urllib.request``: a tenth of a second at start-up)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """An XML attribute value with its quotes (as ``xml.sax.saxutils.quoteattr`` writes it)."""
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))
Row = Sequence[Any]     # rdflib terms or plain ones (graph.sparql.plain), None when unbound


@dataclass(frozen=True)
class Format:
    """One serialisation: its key, the media types that select it, the type sent back."""

    key: str
    media_types: tuple[str, ...]
    names: tuple[str, ...]  # values accepted in the ``format=`` / ``output=`` parameter

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def content_type(self) -> str:
        text = self.media_type.startswith("text/") or self.key in ("xml", "rdfxml")
        return self.media_type + ("; charset=utf-8" if text else "")


# In order of preference: the first is the default when the client accepts anything.
TABLE_FORMATS = (
    Format("json", ("application/sparql-results+json", "application/json"), ("json",)),
    Format("xml", ("application/sparql-results+xml",), ("xml",)),
    Format("csv", ("text/csv",), ("csv",)),
    Format("tsv", ("text/tab-separated-values",), ("tsv",)),
)
GRAPH_FORMATS = (
    Format("turtle", ("text/turtle", "application/x-turtle", "text/n3", "text/rdf+n3"),
           ("turtle", "ttl", "n3")),
    Format("ntriples", ("application/n-triples", "text/plain"), ("nt", "ntriples", "n-triples")),
    Format("rdfxml", ("application/rdf+xml",), ("xml", "rdfxml", "rdf+xml", "rdf")),
    Format("jsonld", ("application/ld+json",), ("json", "jsonld", "json-ld")),
)


def formats_for(kind: str) -> tuple[Format, ...]:
    """The serialisations offered for a result of ``kind`` (select, ask or graph)."""
    return GRAPH_FORMATS if kind == "graph" else TABLE_FORMATS


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """``Accept`` as (media range, q) pairs, in the order given; malformed q counts as 0."""
    ranges = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            name, _, value = f.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((fields[0].lower(), q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """The q of the most specific range matching ``media_type`` (0 when none matches)."""
    best: tuple[int, float] = (-1, 0.0)
    major = media_type.split("/")[0]
    for rng, q in ranges:
        if rng == media_type:
            specificity = 2
        elif rng == f"{major}/*":
            specificity = 1
        elif rng == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best[0]:
            best = (specificity, q)
    return best[1]


def choose_format(kind: str, accept: str | None, *names: str) -> Format | None:
    """The serialisation for a ``kind`` result, or None when nothing acceptable is offered.

    ``names`` (the ``format=``/``output=`` parameters, short names or media types) win over
    ``Accept``; unknown names are ignored. Without ``Accept`` the first format is the default.
    """
    offered = formats_for(kind)
    for name in names:
        wanted = name.strip().lower()
        for fmt in offered:
            if wanted in fmt.names or wanted in fmt.media_types:
                return fmt
    ranges = parse_accept(accept)
    if not ranges:
        return offered[0]
    best: tuple[float, int, Format] | None = None
    for rank, fmt in enumerate(offered):
        q = max(_quality(m, ranges) for m in fmt.media_types)
        if q > 0 and (best is None or (q, -rank) > (best[0], -best[1])):
            best = (q, rank, fmt)
    return best[2] if best else None


# ---------------------------------------------------------------------------------------------
# SELECT and ASK


def term_json(term: Any) -> dict[str, str]:
    """One RDF term in the SPARQL 1.1 JSON results form."""
    what = kind(term)
    if what == "iri":
        return {"type": "uri", "value": str(term)}
    if what == "bnode":
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    tag, dt = language(term), datatype(term)
    if tag:
        out["xml:lang"] = tag
    elif dt:
        out["datatype"] = dt
    return out


def select_json(variables: Sequence[str], rows: Iterable[Row]) -> str:
    bindings = [{v: term_json(t) for v, t in zip(variables, row, strict=True) if t is not None}
                for row in rows]
    doc = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def ask_json(value: bool) -> str:
    return json.dumps({"head": {}, "boolean": bool(value)}, separators=(",", ":"))


def _term_xml(term: Any) -> str:
    what = kind(term)
    if what == "iri":
        return f"<uri>{escape(str(term))}</uri>"
    if what == "bnode":
        return f"<bnode>{escape(str(term))}</bnode>"
    attr = ""
    tag, dt = language(term), datatype(term)
    if tag:
        attr = f" xml:lang={quoteattr(tag)}"
    elif dt:
        attr = f" datatype={quoteattr(dt)}"
    return f"<literal{attr}>{escape(str(term))}</literal>"


_XML_HEAD = f'<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="{RESULTS_NS}">\n'


def select_xml(variables: Sequence[str], rows: Iterable[Row]) -> str:
    parts = [_XML_HEAD, "  <head>\n"]
    parts += [f"    <variable name={quoteattr(v)}/>\n" for v in variables]
    parts.append("  </head>\n  <results>\n")
    for row in rows:
        parts.append("    <result>\n")
        for v, t in zip(variables, row, strict=True):
            if t is not None:
                parts.append(f"      <binding name={quoteattr(v)}>{_term_xml(t)}</binding>\n")
        parts.append("    </result>\n")
    parts.append("  </results>\n</sparql>\n")
    return "".join(parts)


def ask_xml(value: bool) -> str:
    return f"{_XML_HEAD}  <head/>\n  <boolean>{'true' if value else 'false'}</boolean>\n</sparql>\n"


def _csv_value(term: Any) -> str:
    if term is None:
        return ""
    if kind(term) == "bnode":
        return f"_:{term}"
    return str(term)


def select_csv(variables: Sequence[str], rows: Iterable[Row]) -> str:
    """CSV: header of bare names, values as plain strings (IRIs, lexical forms), CRLF."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_csv_value(t) for t in row])
    return buf.getvalue()


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def term_tsv(term: Any) -> str:
    """One term in Turtle (N-Triples) syntax, with tabs and newlines escaped."""
    if term is None:
        return ""
    what = kind(term)
    if what == "iri":
        return f"<{term}>"
    if what == "bnode":
        return f"_:{term}"
    text = f'"{str(term).translate(_TSV_ESCAPES)}"'
    tag, dt = language(term), datatype(term)
    if tag:
        return f"{text}@{tag}"
    if dt:
        return f"{text}^^<{dt}>"
    return text


def select_tsv(variables: Sequence[str], rows: Iterable[Row]) -> str:
    """TSV: header of ``?names``, values as Turtle terms, one line per row."""
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join(term_tsv(t) for t in row) for row in rows]
    return "\n".join(lines) + "\n"


def ask_table(value: bool, eol: str) -> str:
    """ASK as CSV/TSV (not defined by the spec): one ``_askResult`` column, as Jena writes it."""
    return f"_askResult{eol}{'true' if value else 'false'}{eol}"


def serialise_table(fmt: Format, kind: str, variables: Sequence[str], rows: Sequence[Row],
                    boolean: bool | None) -> str:
    """A SELECT (``rows``) or ASK (``boolean``) result in the table format ``fmt``."""
    if kind == "ask":
        value = bool(boolean)
        if fmt.key in ("csv", "tsv"):
            return ask_table(value, "\r\n" if fmt.key == "csv" else "\n")
        return ask_json(value) if fmt.key == "json" else ask_xml(value)
    writer = {"json": select_json, "xml": select_xml, "csv": select_csv, "tsv": select_tsv}
    return writer[fmt.key](variables, rows)


# ---------------------------------------------------------------------------------------------
# CONSTRUCT and DESCRIBE


def sorted_triples(graph: Graph) -> list[tuple[Any, Any, Any]]:
    """The triples of ``graph`` in a stable order (by their N-Triples form)."""
    return sorted(graph, key=lambda t: tuple(term.n3() for term in t))


def serialise_graph(fmt: Format, graph: Graph) -> str:
    """A graph result in ``fmt``; N-Triples lines are sorted so equal graphs give equal bytes."""
    if fmt.key == "ntriples":
        text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
        return "".join(sorted(line + "\n" for line in text.splitlines() if line.strip()))
    rdflib_name = {"turtle": "turtle", "rdfxml": "xml", "jsonld": "json-ld"}[fmt.key]
    return graph.serialize(format=rdflib_name)
