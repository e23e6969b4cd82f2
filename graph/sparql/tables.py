"""Query results as text: a table or Markdown for people, the standard formats for programs.

``table`` and ``md`` show labels instead of IRIs (the preferred label in the chosen language,
read from the same store), dates as dates and sources by their id; ``csv``, ``tsv``, ``json``
and ``xml`` are the SPARQL 1.1 result formats (IRIs as they are), written by
:mod:`graph.sparql.formats`; a CONSTRUCT or DESCRIBE result is Turtle, N-Triples or JSON-LD.

>>> from graph.sparql.plain import Lit
>>> show(Lit("--08-23", datatype="http://www.w3.org/2001/XMLSchema#gMonthDay"), {})
'08-23 (no year)'
>>> print(table(["who", "n"], [("Рашад Азизов", "3"), ("KOBİA", "")]))
who           n
------------  -
Рашад Азизов  3
KOBİA
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from graph.ns import BASE, ID, PREFIXES, RDFS, SKOS
from graph.sparql import formats as rf
from graph.sparql.plain import datatype, kind, language

if TYPE_CHECKING:
    from graph.sparql.stores import QueryResult, Store

TABLE_FORMATS = ("table", "md", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("ttl", "nt", "jsonld")
FORMATS = TABLE_FORMATS + GRAPH_FORMATS
XSD = "http://www.w3.org/2001/XMLSchema#"
LABELS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?s ?p ?l WHERE {
  VALUES ?s { %s }
  VALUES ?p { skos:prefLabel rdfs:label }
  ?s ?p ?l .
}"""


LABEL_PROPS = (SKOS.prefLabel, RDFS.label)


class FormatError(ValueError):
    """A format that does not fit the kind of result (e.g. ``ttl`` for a SELECT)."""


def _own_name(iri: str) -> str | None:
    """How our own IRIs read without a label: sources by id, paragraphs as 'id ¶n'."""
    if not iri.startswith(BASE):
        return None
    rest = iri[len(str(ID)):] if iri.startswith(str(ID)) else iri[len(BASE):]
    parts = rest.split("/")
    if parts[0] == "source" and len(parts) == 2:
        return parts[1]
    if parts[0] == "source" and len(parts) == 4 and parts[2] == "paragraph":
        return f"{parts[1]} ¶{parts[3]}"
    return None


def _is_iri(term: Any) -> bool:
    try:
        return kind(term) == "iri"
    except TypeError:
        return False


def labels(store: Store, nodes: Iterable[Any], lang: str = "en",
           chunk: int = 200) -> dict[str, str]:
    """The label to show for each IRI: prefLabel in ``lang``, then English, then any. Keyed
    by the IRI as a string (plain and rdflib terms alike)."""

    wanted = sorted({str(n) for n in nodes if _is_iri(n) and _own_name(str(n)) is None})
    found: dict[str, list[tuple[tuple[int, str, str], str]]] = {}
    for s, p, lit in _label_rows(store, wanted, chunk):
        if not _is_iri(s) or lit is None or kind(lit) != "literal":
            continue
        tag = language(lit) or ""
        rank = (0 if str(p).endswith("prefLabel") else 3) + (
            0 if tag == lang else 1 if tag == "en" else 2)
        found.setdefault(str(s), []).append(((rank, tag, str(lit)), str(lit)))
    return {s: min(cands)[1] for s, cands in found.items()}


def _label_rows(store: Store, iris: list[str], chunk: int) -> Iterable[tuple[Any, ...]]:
    """(iri, property, label) for the IRIs: by quad patterns where the store reads them (the
    Oxigraph store; its engine joins a VALUES block after scanning), else by SPARQL."""
    objects = getattr(store, "objects", None)
    if objects is not None:
        for iri in iris:
            for prop in LABEL_PROPS:
                for lit in dict.fromkeys(objects(iri, prop)):
                    yield iri, prop, lit
        return
    for i in range(0, len(iris), chunk):
        values = " ".join(f"<{n}>" for n in iris[i:i + chunk])
        yield from store.query(LABELS % values).rows


def show(term: Any, names: dict[str, str]) -> str:
    """One cell for people: a label for an IRI, the plain value of a literal."""

    if term is None:
        return ""
    what = kind(term)
    if what == "iri":
        iri = str(term)
        own = _own_name(iri)
        if own is not None:
            return own
        if iri in names:
            return names[iri]
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns) and prefix != "id":
                return f"{prefix}:{iri[len(ns):]}"
        return iri[len(str(ID)):] if iri.startswith(str(ID)) else iri
    if what == "bnode":
        return f"_:{term}"
    dt = datatype(term) or ""
    text = str(term)
    if dt == XSD + "gMonthDay" and text.startswith("--"):
        return f"{text[2:]} (no year)"
    if dt == XSD + "dateTime" and "T" in text:
        return text.replace("T", " ")
    return " ".join(text.split())


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal (wide East Asian characters count two)."""
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def clip(text: str, limit: int) -> str:
    if limit <= 0 or width(text) <= limit:
        return text
    out = ""
    for c in text:
        if width(out + c) > limit - 1:
            break
        out += c
    return out + "…"


def table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table: header, dashes, rows; columns padded by display width."""
    widths = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(head)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c + " " * (w - width(c)) for c, w in zip(cells, widths,
                                                                  strict=True)).rstrip()

    return "\n".join([line(head), line(["-" * w for w in widths])] + [line(r) for r in rows])


def markdown(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    def esc(cell: str) -> str:
        return cell.replace("\\", "\\\\").replace("|", "\\|")

    lines = ["| " + " | ".join(esc(h) for h in head) + " |",
             "|" + "|".join(" --- " for _ in head) + "|"]
    lines += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def render(result: QueryResult, fmt: str, store: Store, *, lang: str = "en",
           max_width: int = 60) -> str:
    """The text of ``result`` in ``fmt`` (see FORMATS); ends with a newline."""


    if result.kind == "graph":
        if fmt in TABLE_FORMATS and fmt != "table":
            raise FormatError(f"--format {fmt} is for SELECT and ASK; a CONSTRUCT or "
                              f"DESCRIBE result is written as {', '.join(GRAPH_FORMATS)}")
        from rdflib import Graph  # lazy: CONSTRUCT and DESCRIBE results are rdflib graphs

        g = Graph()
        for prefix, ns in PREFIXES.items():
            g.bind(prefix, ns, override=True, replace=True)
        for triple in result.graph if result.graph is not None else Graph():
            g.add(triple)
        chosen = rf.choose_format("graph", None, "ttl" if fmt == "table" else fmt)
        assert chosen is not None
        text = rf.serialise_graph(chosen, g)
        return text if text.endswith("\n") else text + "\n"
    if fmt in GRAPH_FORMATS:
        raise FormatError(f"--format {fmt} is for CONSTRUCT and DESCRIBE; a {result.kind.upper()}"
                          f" result is written as {', '.join(TABLE_FORMATS)}")
    if result.kind == "ask":
        if fmt in ("table", "md"):
            return ("true" if result.boolean else "false") + "\n"
        chosen = rf.choose_format("ask", None, fmt)
        assert chosen is not None
        text = rf.serialise_table(chosen, "ask", [], [], result.boolean)
        return text if text.endswith("\n") else text + "\n"
    if fmt in ("table", "md"):
        names = labels(store, (t for row in result.rows for t in row if t is not None), lang)
        cells = [[clip(show(t, names), max_width if fmt == "table" else 0) for t in row]
                 for row in result.rows]
        text = table(result.vars, cells) if fmt == "table" else markdown(result.vars, cells)
        return text + "\n"
    chosen = rf.choose_format("select", None, fmt)
    assert chosen is not None
    text = rf.serialise_table(chosen, "select", result.vars, result.rows, None)
    return text if text.endswith("\n") else text + "\n"
