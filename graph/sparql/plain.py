"""RDF terms as plain Python, and what kind a term is, without importing rdflib.

The fast read path (``cinecoop query NAME`` on the Oxigraph store) never imports rdflib: an
IRI is a ``str``, a literal a :class:`Lit` (a ``str`` with ``language`` and ``datatype``), a
blank node a :class:`Blank`. The formatting code (:mod:`graph.sparql.formats`,
:mod:`graph.sparql.tables`) takes these and rdflib's terms alike, through :func:`kind`,
:func:`language` and :func:`datatype`: the memory and remote stores still answer in rdflib
terms (the reference path), and both print the same.

>>> kind("https://w3id.org/cinecoop/id/person/rashad-azizov"), kind(Lit("Баку", "ru"))
('iri', 'literal')
>>> datatype(Lit("x", datatype="http://www.w3.org/2001/XMLSchema#string")) is None
True
"""

from __future__ import annotations

import sys
from typing import Any

import pyoxigraph as ox

from graph.ns import XSD
from graph.sparql.reader import Lit

__all__ = ["Lit", "Blank", "kind", "language", "datatype", "from_ox", "XSD_STRING"]

XSD_STRING = XSD.string


class Blank(str):
    """A blank node, by its label."""

    def __repr__(self) -> str:
        return f"Blank({str(self)!r})"


def _rdflib_bnode(term: Any) -> bool:
    """True for an rdflib BNode; rdflib is not imported to find out (no rdflib, no BNode)."""
    rdflib_term = sys.modules.get("rdflib.term")
    return rdflib_term is not None and isinstance(term, rdflib_term.BNode)


def kind(term: Any) -> str:
    """'iri', 'literal' or 'bnode', for a plain or an rdflib term (TypeError otherwise)."""
    if hasattr(term, "language") and hasattr(term, "datatype"):
        return "literal"
    if isinstance(term, Blank) or _rdflib_bnode(term):
        return "bnode"
    if isinstance(term, str) and type(term).__name__ != "Variable":
        return "iri"
    raise TypeError(f"not an RDF term: {term!r}")


def language(term: Any) -> str | None:
    """A literal's language tag (None for none, and for anything not a literal)."""
    return getattr(term, "language", None) or None


def datatype(term: Any) -> str | None:
    """A literal's datatype IRI as a string; None for a plain string or a tagged literal."""
    dt = getattr(term, "datatype", None)
    if dt is None or language(term):
        return None
    text = str(dt)
    return None if text == XSD_STRING else text


def from_ox(term: Any) -> Any:
    """A pyoxigraph term as a plain term (None stays None)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        return Lit(term.value, term.language, term.datatype.value)
    if isinstance(term, ox.BlankNode):
        return Blank(term.value)
    raise TypeError(f"unsupported term from Oxigraph: {term!r}")
