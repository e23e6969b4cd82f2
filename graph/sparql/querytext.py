"""SPARQL query text: its form, a syntax check that says where it fails, and safe parameters.

Parameters are bound as RDF terms written into the query's WHERE group in place of their
variable, plus a ``BIND`` that keeps the variable projected (``bind_terms``; engines use the
term from the start), or, where that is not safe, by a ``VALUES`` block at the start of the
group (``inject_values``). Each term is written in N-Triples syntax (``term_text``: quotes,
backslashes and line breaks escaped; IRIs and language tags checked for characters they cannot
hold), so a value can never end the block and add query text of its own. The same
text then runs on every store, which keeps their answers equal: a VALUES block at the head of
the WHERE group joins with the whole group, before any GROUP BY, exactly like a pre-bound
variable.

>>> from rdflib import Literal, URIRef
>>> inject_values("SELECT ?p WHERE { ?p ?q ?o }", {"o": Literal('say "hi"')})
'SELECT ?p WHERE { VALUES ?o { "say \\\\"hi\\\\"" } ?p ?q ?o }'
>>> query_form("PREFIX a: <http://a/> ask { ?s a:p ?o }")
'ask'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from graph.sparql.plain import datatype, kind, language

if TYPE_CHECKING:
    from rdflib.term import Node


class QueryError(Exception):
    """A malformed query: ``line`` and ``column`` (1-based) and the offending ``token``."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None,
                 token: str | None = None, query: str | None = None):
        self.reason = message
        self.line = line
        self.column = column
        self.token = token
        self.query = query
        super().__init__(self._text())

    def _text(self) -> str:
        where = ""
        if self.line is not None:
            where = f"line {self.line}, column {self.column}: "
        near = f" (at {self.token!r})" if self.token else ""
        text = f"malformed SPARQL query: {where}{self.reason}{near}"
        if self.query is not None and self.line is not None and self.column is not None:
            lines = self.query.splitlines() or [""]
            if 1 <= self.line <= len(lines):
                src = lines[self.line - 1]
                text += f"\n  {src}\n  {' ' * (self.column - 1)}^"
        return text


@dataclass(frozen=True)
class Token:
    kind: str   # comment | string | iri | var | word | number | punct | space
    text: str
    start: int


_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^\\]|\\.)*?\"\"\"|'''(?:[^\\]|\\.)*?'''
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<number>[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
  | (?P<word>[^\W\d][\w\-.]*(?::[\w\-.%\\:]*)?|:[\w\-.%\\:]*|_:[\w\-.]+)
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|.)
""", re.VERBOSE | re.DOTALL)

FORMS = ("select", "construct", "describe", "ask")

# Limits checked before any parser sees a query: pyoxigraph's parser and evaluator recurse on
# nesting and on long operator chains and overflow the stack (a segfault, no exception) at about
# 5,000 nested brackets or 10,000 chained terms; rdflib's parser gives up at about 28 brackets.
MAX_QUERY_CHARS = 65_536
MAX_TOKENS = 4_000        # words, names, literals and punctuation (not spaces or comments)
MAX_NESTING = 16          # brackets ( [ { inside each other; also a run of ! - + ^
_UPDATE_WORDS = {"insert", "delete", "load", "clear", "create", "drop", "copy", "move", "add",
                 "with"}


def tokens(text: str) -> list[Token]:
    """The tokens of a query, comments and whitespace included (an unclosed string is 'punct')."""
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "punct"
        out.append(Token(kind, m.group(), m.start()))
    return out


def check_limits(text: str) -> None:
    """QueryError when the query is too long, too many tokens, or nested too deeply.

    >>> try:
    ...     check_limits("SELECT * { FILTER(" + "(" * 20 + "1" + ")" * 20 + ") }")
    ... except QueryError as exc:
    ...     print(exc.reason, exc.line, exc.column)
    brackets nested more than 16 deep; the limit keeps the parsers' stacks safe 1 33
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(text)} characters long; the limit is "
                         f"{MAX_QUERY_CHARS}")
    depth = run = count = 0
    for tok in _TOKEN.finditer(text):
        kind, word = tok.lastgroup, tok.group()
        if kind in ("space", "comment"):
            continue
        count += 1
        if count > MAX_TOKENS:
            raise QueryError(f"the query has more than {MAX_TOKENS} tokens (words, names, "
                             "operators), the limit; split it or use a VALUES block")
        if kind == "punct" and word in ("(", "[", "{"):
            depth += 1
            why = f"brackets nested more than {MAX_NESTING} deep" if depth > MAX_NESTING else ""
        else:
            depth -= kind == "punct" and word in (")", "]", "}")
            why = ""
        run = run + 1 if kind == "punct" and word in ("!", "-", "+", "^") else 0
        if run > MAX_NESTING:
            why = f"more than {MAX_NESTING} operators in a row"
        if why:
            line, col = position(text, tok.start())
            raise QueryError(f"{why}; the limit keeps the parsers' stacks safe", line, col,
                             word, None)


def _significant(text: str) -> list[Token]:
    return [t for t in tokens(text) if t.kind not in ("space", "comment")]


def query_form(text: str) -> str:
    """'select', 'construct', 'describe' or 'ask' (QueryError for an update or no form)."""
    for tok in _significant(text):
        word = tok.text.lower()
        if tok.kind == "word" and word in FORMS:
            return word
        if tok.kind == "word" and word in _UPDATE_WORDS:
            line, col = position(text, tok.start)
            raise QueryError("this is a SPARQL Update; only queries (SELECT, CONSTRUCT, "
                             "DESCRIBE, ASK) are run here", line, col, tok.text, text)
    raise QueryError("no SELECT, CONSTRUCT, DESCRIBE or ASK in the query", query=text)


def is_distinct(text: str) -> bool:
    """True for ``SELECT DISTINCT`` (or REDUCED) at the top level of the query."""
    toks = _significant(text)
    for i, tok in enumerate(toks):
        if tok.kind == "word" and tok.text.lower() in FORMS:
            nxt = toks[i + 1].text.lower() if i + 1 < len(toks) else ""
            return tok.text.lower() == "select" and nxt in ("distinct", "reduced")
    return False


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def offset_of(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    return sum(len(x) + 1 for x in lines[:line - 1]) + column - 1


def variables(text: str) -> set[str]:
    return {t.text[1:] for t in _significant(text) if t.kind == "var"}


def where_brace(text: str) -> int:
    """Offset just after the '{' that opens the query's WHERE group."""
    toks = _significant(text)
    i = next((k for k, t in enumerate(toks) if t.kind == "word" and t.text.lower() in FORMS),
             None)
    if i is None:
        raise QueryError("no SELECT, CONSTRUCT, DESCRIBE or ASK in the query", query=text)
    if toks[i].text.lower() == "construct" and i + 1 < len(toks) and toks[i + 1].text == "{":
        depth, i = 0, i + 1
        while i < len(toks):      # skip the CONSTRUCT template
            depth += {"{": 1, "}": -1}.get(toks[i].text, 0)
            i += 1
            if depth == 0:
                break
    for tok in toks[i:]:
        if tok.text == "{":
            return tok.start + 1
    raise QueryError("the query has no WHERE clause to bind parameters into", query=text)


_ECHAR = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r",
                        "\t": "\\t"})


def term_text(term: Node | str) -> str:
    """A term in N-Triples syntax (also SPARQL), refusing anything that could leave its place.

    Plain terms (an IRI as ``str``, a :class:`~graph.sparql.plain.Lit`) and rdflib terms alike.

    >>> from graph.sparql.plain import Lit
    >>> print(term_text(Lit('say "hi"\\n', language="en")))
    "say \\"hi\\"\\n"@en
    """
    try:
        what = kind(term)
    except TypeError:
        raise ValueError(f"cannot bind {term!r}: not an RDF term") from None
    if what == "iri":
        return iri_text(str(term))
    if what == "literal":
        text = '"' + str(term).translate(_ECHAR) + '"'
        tag = language(term)
        if tag:
            if not re.fullmatch(r"[A-Za-z]+(-[A-Za-z0-9]+)*", tag):
                raise ValueError(f"not a language tag: {tag!r}")
            return f"{text}@{tag}"
        dt = datatype(term)
        return f"{text}^^{iri_text(dt)}" if dt else text
    raise ValueError("a blank node cannot be bound as a parameter")


def iri_text(iri: str) -> str:
    """``<iri>``, for an absolute IRI with no character that could end it (else ValueError)."""
    if re.search(r'[\x00-\x20<>"{}|^`\\]', iri) or ":" not in iri:
        raise ValueError(f"not an absolute IRI: {iri!r}")
    return f"<{iri}>"


def _check_bindable(text: str, bindings: dict[str, Node]) -> None:
    """Only variables that occur in the query may be bound (else :class:`QueryError`)."""
    missing = sorted(set(bindings) - variables(text))
    if missing:
        raise QueryError(f"the query has no variable ?{missing[0]} to bind", query=text)


def inject_values(text: str, bindings: dict[str, Node] | None) -> str:
    """The query with ``VALUES`` for ``bindings`` at the head of its WHERE group.

    Only variables that occur in the query may be bound (else QueryError). The block is put
    on the line of the brace so line numbers of later errors still match the user's text.
    """
    if not bindings:
        return text
    _check_bindable(text, bindings)
    at = where_brace(text)
    names = sorted(bindings)
    if len(names) == 1:
        block = f" VALUES ?{names[0]} {{ {term_text(bindings[names[0]])} }}"
    else:
        head = " ".join(f"?{n}" for n in names)
        row = " ".join(term_text(bindings[n]) for n in names)
        block = f" VALUES ({head}) {{ ({row}) }}"
    return text[:at] + block + text[at:]


def bind_terms(text: str, bindings: dict[str, Node] | None) -> str:
    """The query with each bound variable replaced by its RDF term inside the WHERE group,
    and ``BIND(term AS ?var)`` at the group's end (so the variable is still projected).

    Engines then use the term from the start of their plan (Oxigraph joins a ``VALUES``
    block late: a look-up by one IRI over a large store took seconds instead of a fraction).
    ``BOUND(?var)`` becomes ``true``. When the group holds a subquery, a ``VALUES`` block, a
    ``BIND``/``AS`` of a bound variable, or the result does not parse, the parameters are bound
    with ``VALUES`` instead (:func:`inject_values`): the rows are the same either way.

    >>> from rdflib import URIRef
    >>> bind_terms("SELECT ?o WHERE { ?s ?p ?o }", {"s": URIRef("http://a/b")})
    'SELECT ?o WHERE { <http://a/b> ?p ?o  BIND(<http://a/b> AS ?s) }'
    """
    if not bindings:
        return text
    _check_bindable(text, bindings)
    substituted = _substitute(text, {n: term_text(t) for n, t in bindings.items()})
    if substituted is not None:
        try:
            validate(substituted)
            return substituted
        except QueryError:
            pass
    return inject_values(text, bindings)


def _substitute(text: str, terms: dict[str, str]) -> str | None:
    """The WHERE group with ``terms`` in place of their variables, or None when unsafe."""
    toks = _significant(text)
    at = where_brace(text)
    first = next(k for k, t in enumerate(toks) if t.start == at - 1)
    depth, last = 0, None
    for k in range(first, len(toks)):
        depth += {"{": 1, "}": -1}.get(toks[k].text, 0)
        if depth == 0:
            last = k
            break
    if last is None:
        return None
    body = toks[first + 1:last]
    words = {t.text.lower() for t in body if t.kind == "word"}
    if words & {"select", "values"}:
        return None
    edits: list[tuple[int, int, str]] = []
    k = 0
    while k < len(body):
        tok = body[k]
        name = tok.text[1:] if tok.kind == "var" else None
        if name in terms:
            if k > 0 and body[k - 1].kind == "word" and body[k - 1].text.lower() == "as":
                return None
            edits.append((tok.start, tok.start + len(tok.text), terms[name]))
        elif tok.kind == "word" and tok.text.lower() == "bound" and k + 3 < len(body) and \
                body[k + 1].text == "(" and body[k + 2].text[1:] in terms and \
                body[k + 2].kind == "var" and body[k + 3].text == ")":
            edits.append((tok.start, body[k + 3].start + 1, "true"))
            k += 4
            continue
        k += 1
    close = toks[last].start
    binds = "".join(f" BIND({terms[n]} AS ?{n})" for n in sorted(terms))
    out = text[:close].rstrip(" ") + " " + binds + " " + text[close:]
    for start, end, new in sorted(edits, reverse=True):
        out = out[:start] + new + out[end:]
    return out


def token_at(text: str, offset: int) -> str | None:
    """The token starting at, or containing, ``offset`` (None at the end of the text)."""
    for tok in tokens(text):
        if tok.start <= offset < tok.start + len(tok.text) and tok.kind != "space":
            return tok.text
        if tok.start > offset and tok.kind != "space":
            return tok.text
    return None


def check_syntax(text: str) -> None:
    """Parse with rdflib's SPARQL parser; QueryError with line, column and token on failure.

    Only a query pyoxigraph refused gets here (see :func:`validate`), so rdflib's parser (a
    third of a second to import) is imported then and not before.
    """
    from pyparsing import ParseException  # lazy: only to locate an error (see above)
    from rdflib.plugins.sparql import prepareQuery  # lazy: as above

    check_limits(text)
    try:
        query_form(text)
    except QueryError as exc:
        if exc.line is not None:        # an update: say so, where it starts
            raise
    try:
        prepareQuery(text)
    except ParseException as exc:
        found = token_at(text, exc.loc)
        expected = re.sub(r",? found .*$", "", str(exc.msg)).strip()
        expected = re.sub(r"\{?(SelectQuery \| ConstructQuery \| DescribeQuery \| AskQuery)\}?",
                          "a query", expected)
        reason = "unexpected end of query" if found is None else (
            "unexpected token" if expected.startswith("Expected SelectQuery") else
            expected[0].lower() + expected[1:])
        raise QueryError(reason, exc.lineno, exc.col, found, text) from None
    except QueryError:
        raise
    except RecursionError:
        raise QueryError("the query is nested too deeply for the parser", query=text) from None
    except Exception as exc:  # rdflib raises plain Exception for an undeclared prefix
        m = re.match(r"Unknown namespace prefix : (\S*)", str(exc))
        if not m:
            raise QueryError(str(exc), query=text) from None
        prefix = m.group(1)
        for tok in _significant(text):
            if tok.kind == "word" and tok.text.startswith(prefix + ":"):
                line, col = position(text, tok.start)
                raise QueryError(f"undeclared prefix '{prefix}:' (add PREFIX {prefix}: <...>)",
                                 line, col, tok.text, text) from None
        raise QueryError(f"undeclared prefix '{prefix}:'", query=text) from None
    query_form(text)


_EMPTY: list[object] = []


def validate(text: str) -> str:
    """Check a query once for every store, the cheap way; return its form.

    pyoxigraph parses it (on an empty in-memory store: ~0.2 ms, where rdflib's parser takes
    ~80 ms), so every store accepts and refuses the same queries. Only a refused query is
    parsed again by rdflib, whose errors name the offending token more exactly.
    """

    check_limits(text)
    try:
        form = query_form(text)
    except QueryError as exc:
        if exc.line is None:               # no query form at all: let the parser say where
            check_syntax(text)
        raise
    if not _EMPTY:
        _EMPTY.append(ox.Store())
    empty = _EMPTY[0]
    assert isinstance(empty, ox.Store)
    if re.search(r"(?i)\bservice\b", text):   # never let a check reach out to the network
        check_syntax(text)
        return form
    try:
        empty.query(text)
    except SyntaxError as exc:
        check_syntax(text)                  # raises the better-located error when it can
        raise oxigraph_error(text, str(exc)) from None
    return form


def oxigraph_error(text: str, message: str) -> QueryError:
    """QueryError from pyoxigraph's 'error at L:C: expected ...' message."""
    m = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
    if not m:
        return QueryError(message, query=text)
    line, col = int(m.group(1)), int(m.group(2))
    offset = min(offset_of(text, line, col), len(text))
    # pyoxigraph points just past the furthest character it read: name the token before it.
    prev = [t for t in tokens(text[:offset]) if t.kind not in ("space", "comment")]
    token = prev[-1].text if prev else token_at(text, offset)
    reason = m.group(3).split("\n")[0]
    if "unbound" in reason or "not bound" in reason:
        reason = "a variable in SELECT is neither grouped nor aggregated"
    else:
        reason = reason if len(reason) < 120 else reason[:117] + "..."
    if prev:
        line, col = position(text, prev[-1].start)
    return QueryError(reason, line, col, token, text)
