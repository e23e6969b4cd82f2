"""Read the curated records in ``data/`` with file and line numbers for every field.

The format is YAML, one folder per kind::

    data/sources/<source>.yaml        metadata of one article (file name, date, language...)
    data/countries/<id>.yaml          one country        (also places/, organisations/,
    data/people/<id>.yaml             one person          events/: one entity per file)
    data/facts/<source>.yaml          posts, participations and agreements stated by one source

Entities cite ``"<source>:<paragraph>"``; facts live in the file of their source and cite
``para: N`` (or a list).  ``read_records`` returns plain :class:`Record` objects; it checks the
*shape* of each record (known fields, required fields, value types) and collects every problem
as a :class:`Problem` instead of stopping at the first.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ENTITY_FOLDERS = {
    "sources": "source",
    "countries": "country",
    "places": "place",
    "organisations": "organisation",
    "people": "person",
    "events": "event",
}
FACT_SECTIONS = {"posts": "post", "participations": "participation", "agreements": "agreement"}

# Field kinds: "str", "int", "bool", "labels", "altlabels", "date", "paras", "cites",
# "ref:<kinds>", "refs:<kinds>", "concept:<scheme>", "choice:<a|b>", "sref" (source reference
# {person|org, para}), "srefs"; "wikidata" (a Q-id) and "signatories" (a list of
# {person, for}) are checked in graph.data.integrity (model v2).
LABELLED = {"labels": "labels", "alt_labels": "altlabels", "label_note": "str", "note": "str"}
CITED = {"cite": "cites", "cite_fields": "fieldcites", "as": "surfaces"}


def _curated(kind: str) -> dict[str, str]:
    """Curation fields: ``distinct_from`` lists records a curator checked are other things."""
    return {"distinct_from": f"refs:{kind}"}


SCHEMA: dict[str, dict[str, str]] = {
    "source": {
        "id": "str", "file": "str", "title": "str", "language": "choice:en|ru|az|tr",
        "date": "date?", "date_basis": "choice:dateline|page header|undated", "date_note": "str",
        "author": "sref:person", "publisher": "sref:organisation",
        "credits": "srefs:organisation", "paragraphs": "int", "url": "str", "checksum": "str",
        "text_complete": "bool", "accessed": "date",
    },
    "country": {"id": "str", "iso": "str", **LABELLED, "wikidata": "wikidata", **CITED,
                **_curated("country")},
    "place": {
        "id": "str", "type": "choice:place|city|venue", **LABELLED,
        "country": "ref:country", "within": "ref:place", "wikidata": "wikidata", **CITED,
        **_curated("place"),
    },
    "organisation": {
        "id": "str", "type": "orgtype", **LABELLED, "country": "ref:country",
        "parent": "ref:organisation", "based_in": "ref:place", "named_after": "ref:person",
        "wikidata": "wikidata", **CITED, **_curated("organisation"),
    },
    "person": {
        "id": "str", **LABELLED, "occupation": "str", "honorary_title": "str",
        "country": "ref:country", "wikidata": "wikidata", **CITED, **_curated("person"),
    },
    "event": {
        "id": "str", "type": "eventtype", **LABELLED, "super_event": "ref:event",
        "venue": "ref:place", "city": "ref:place", "start": "date", "end": "date",
        "date_note": "str", "about": "ref:*", "framework": "ref:organisation|agreement",
        "participants_incomplete": "bool", "series": "ref:event", "edition": "int",
        "parallel_with": "ref:event", "convened_by": "ref:event", "wikidata": "wikidata",
        **CITED, **_curated("event"),
    },
    "post": {
        "id": "str", "person": "ref:person", "role": "concept:post-role", "title": "str",
        "organisation": "ref:organisation", "country": "ref:country", "place": "ref:place",
        "acting": "bool", "start": "date", "end": "date", "note": "str", "para": "paras",
        "as": "surfaces",
    },
    "participation": {
        "id": "str", "agent": "ref:person|organisation|country", "event": "ref:event",
        "role": "concept:participation-role", "on_behalf_of": "ref:organisation|country",
        "group": "str", "group_size": "int",
        "group_size_is": "choice:exactly|more than|at least|about",
        "group_countries": "refs:country", "topic": "str", "certainty": "choice:stated|implied",
        "note": "str", "para": "paras", "as": "surfaces",
    },
    "agreement": {
        "id": "str", "kind": "concept:agreement-kind", "title": "str",
        "parties": "refs:organisation|country", "parties_unstated": "bool",
        "status": "concept:agreement-status", "stated_by": "ref:person|organisation|country",
        "announced_at": "ref:event", "concerns": "refs:*", "scope": "ref:organisation",
        "signatories": "signatories", "signed_on": "date", "signed_at": "ref:place",
        "signed_during": "ref:event", "provides_for": "refs:agreement",
        "start": "date", "end": "date", "note": "str", "para": "paras",
    },
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "source": ("id", "file", "language", "date_basis", "paragraphs"),
    "country": ("id", "iso", "labels", "cite"),
    "place": ("id", "type", "labels", "cite"),
    "organisation": ("id", "type", "labels", "cite"),
    "person": ("id", "labels", "cite"),
    "event": ("id", "type", "labels", "cite"),
    "post": ("id", "person", "role", "title", "para"),
    "participation": ("id", "event", "role", "para"),  # and an agent or a group (integrity)
    "agreement": ("id", "kind", "title", "status", "para"),
}
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# ASCII digits only: "\d" would also take full-width or Arabic-Indic digits
DATE_RE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$|^--([0-9]{2})-([0-9]{2})$")
CITE_RE = re.compile(r"^(?P<source>[^:\s]+):(?P<para>[0-9]+)$")

# Input limits, checked before (or while) parsing, so no input can exhaust memory or the stack.
MAX_FILE_BYTES = 8 << 20     # one YAML file
MAX_DEPTH = 12               # nesting of YAML mappings/lists (records need 4)
MAX_LABEL = 300              # characters in a label or alternative label
MAX_TEXT = 4000              # characters in any other text field (title, note...)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located precisely enough to fix it."""

    file: str
    line: int | None
    record: str | None
    field: str | None
    message: str
    hint: str = ""
    level: str = "error"

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        what = " ".join(
            p for p in (f"record {self.record!r}" if self.record else "",
                        f"field {self.field!r}" if self.field else "") if p
        )
        text = f"{where}: {self.level}: " + (what + ": " if what else "") + self.message
        return text + (f"\n    hint: {self.hint}" if self.hint else "")


@dataclass
class Record:
    kind: str
    id: str
    file: str
    line: int
    data: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)
    source: str | None = None  # for facts: the source whose file holds them

    def line_of(self, name: str) -> int:
        return self.lines.get(name, self.line)

    def cites(self) -> list[tuple[str, int]]:
        """(source, paragraph) pairs this record cites."""
        if "cite" in self.data:
            out = []
            cites = self.data["cite"]
            for c in cites if isinstance(cites, list) else []:
                m = CITE_RE.match(str(c))
                if m:
                    out.append((m["source"], int(m["para"])))
            return out
        paras = self.data.get("para")
        if self.source is None or paras is None:
            return []
        items = paras if isinstance(paras, list) else [paras]
        return [(self.source, p) for p in items if isinstance(p, int) and not isinstance(p, bool)]


class _Dict(dict):  # type: ignore[type-arg,unused-ignore]
    """A mapping that remembers the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser when PyYAML has it (6x faster); the constructors stay ours.

    They refuse aliases (an alias bomb expands a few hundred bytes into gigabytes), nesting
    deeper than MAX_DEPTH (Python would hit its recursion limit; libyaml stops at 1000) and
    duplicate keys, and remember the line of every key.
    """

    _depth = 0

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        if node in self.constructed_objects:    # a node met twice is an alias (*name)
            raise yaml.constructor.ConstructorError(
                None, None, "anchors and aliases (&name, *name) are not allowed in data/; "
                "write the value out", node.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.constructor.ConstructorError(
                    None, None, f"nested deeper than {MAX_DEPTH} levels", node.start_mark)
            return super().construct_object(node, deep)
        finally:
            self._depth -= 1


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Dict:
    loader.flatten_mapping(node)
    out = _Dict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    lines: list[int] = []      # of the keys in order (1 and True are one key, but two in key_lines)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, f"a key must be a plain name, got {key!r}", key_node.start_mark)
        if key in out:
            first = lines[list(out).index(key)]
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {first}); "
                "a key may appear once per record", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = key_node.start_mark.line + 1
        lines.append(key_node.start_mark.line + 1)
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay strings: YAML's implicit timestamps would turn 2025-13-40 into a crash, and
# 2025-12-09 into a date object; the record checks validate date strings themselves.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_IMPLICIT = {first: tuple(resolvers)
             for first, resolvers in _LineLoader.yaml_implicit_resolvers.items()}
# resolve() below is PyYAML's BaseResolver.resolve for a loader with neither path resolvers
# nor resolvers for any first character (key None); fail loudly if PyYAML ever has them
assert not _LineLoader.yaml_path_resolvers and None not in _IMPLICIT  # noqa: S101


def _resolve(loader: _LineLoader, kind: Any, value: Any, implicit: tuple[bool, bool]) -> str:
    """The tag of a node (BaseResolver.resolve with the tables above, 3x faster): a plain
    scalar's is the first implicit resolver's, for its first character, that matches it."""
    if kind is yaml.ScalarNode:
        if implicit[0]:
            for tag, regexp in _IMPLICIT.get(value[:1], ()):
                if regexp.match(value):
                    return tag
        return loader.DEFAULT_SCALAR_TAG
    if kind is yaml.SequenceNode:
        return loader.DEFAULT_SEQUENCE_TAG
    return loader.DEFAULT_MAPPING_TAG


_LineLoader.resolve = _resolve


class _Unsure(Exception):
    """The quick construction met something only the loader's own constructors handle."""


_SCALAR_TAG = yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG
_SEQUENCE_TAG = yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG
_MAPPING_TAG = yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG
#: the scalar tags the quick construction builds, with the loader's own constructor of each
_SCALARS = {tag: _LineLoader.yaml_constructors[tag] for tag in (
    "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null")}


def _quick(loader: _LineLoader, node: Any, depth: int) -> Any:
    """What ``loader`` constructs from ``node`` at nesting ``depth``, without its generic
    machinery (4x faster), for plain mappings, lists and scalars of the tags above; anything
    else raises :class:`_Unsure` (the caller then lets the loader construct the document)."""
    if depth > MAX_DEPTH:
        raise _Unsure
    kind = type(node)
    if kind is yaml.ScalarNode:
        if node.tag == _SCALAR_TAG:
            return node.value
        construct = _SCALARS.get(node.tag)
        if construct is None:
            raise _Unsure
        return construct(loader, node)
    if kind is yaml.SequenceNode and node.tag == _SEQUENCE_TAG:
        return [_quick(loader, item, depth + 1) for item in node.value]
    if kind is not yaml.MappingNode or node.tag != _MAPPING_TAG:
        raise _Unsure
    out = _Dict()
    out.line = node.start_mark.line + 1
    out.key_lines = lines = {}
    for key_node, value_node in node.value:
        if type(key_node) is not yaml.ScalarNode:   # a merge key's tag is not among _SCALARS
            raise _Unsure
        key = _quick(loader, key_node, depth + 1)
        if key in out:
            raise _Unsure
        out[key] = _quick(loader, value_node, depth + 1)
        lines[str(key)] = key_node.start_mark.line + 1
    return out


def _load(text: str) -> Any:
    """``yaml.load(text, Loader=_LineLoader)``: the same value, lines and errors.

    libyaml parses and the loader composes the nodes as always; the quick construction
    builds them when it can: not when the text may hold an alias (an ``*``, which the
    loader refuses) or a node it does not build (:func:`_quick`); the loader then
    constructs the document as before."""
    if "*" not in text:
        loader = _LineLoader(text)
        try:
            node = loader.get_single_node()
            return None if node is None else _quick(loader, node, 1)
        except Exception:  # noqa: BLE001, S110 - the loader's construction says what is wrong
            pass
        finally:
            loader.dispose()
    return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass


def parse_yaml(text: str, file: str) -> tuple[Any, list[Problem]]:
    """Parse YAML text; a syntax error becomes a Problem with its line and column."""
    try:
        return _load(text), []
    except (ValueError, TypeError, OverflowError, KeyError) as exc:  # a scalar was rejected
        # (KeyError: a tagged boolean that is none, "!!bool maybe")
        return None, [Problem(file, None, None, None, f"unreadable value: {exc}",
                              "quote the value")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        col = f", column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        hint = "fix the YAML syntax (indentation, quotes, a missing ':')"
        if isinstance(exc, yaml.constructor.ConstructorError):
            hint = "each record is a flat mapping of fields, each key once"
        return None, [Problem(file, line, None, None, f"malformed YAML{col}: {problem}", hint)]


def read_text(path: Path, file: str) -> tuple[str | None, list[Problem]]:
    """The text of a data file: at most MAX_FILE_BYTES of UTF-8 (else a Problem, no text)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Problem(file, None, None, None,
                                  f"file of {size} bytes; the limit is {MAX_FILE_BYTES}",
                                  "split it: one entity per file, one facts file per source")]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(file, None, None, None, f"cannot read: {exc.strerror or exc}")]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Problem(file, line, None, None,
                              f"not UTF-8: byte 0x{raw[exc.start]:02x} at column {column}",
                              "save the file as UTF-8")]


def date_is_valid(value: str) -> bool:
    """True for YYYY, YYYY-MM, YYYY-MM-DD (a real calendar day) and --MM-DD."""
    m = DATE_RE.match(value)
    if not m:
        return False
    year, month, day, mm, dd = m.groups()
    try:
        if mm:
            dt.date(2000, int(mm), int(dd))  # a leap year admits --02-29
        elif day:
            dt.date(int(year), int(month), int(day))
        elif month:
            return 1 <= int(month) <= 12
    except ValueError:
        return False
    return True


def _norm_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# Characters refused in any text: controls (a terminal would run them as escape sequences),
# line and paragraph separators (N-Triples readers refuse them unescaped), surrogates, and the
# bidirectional overrides and isolates that make text display other than it reads.
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Every character the loop of bad_character refuses, tab and newline included: the categories
# Cc (U+0000-U+001F, U+007F-U+009F), Cs (the surrogates), Zl (U+2028) and Zp (U+2029), which
# Unicode never changes, and _BIDI. Text without one is good, whatever ``multiline`` says.
_MAYBE_BAD = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\u202a-\u202e"
                        "\u2066-\u2069]")


def bad_character(text: str, multiline: bool = False) -> str | None:
    r"""Why ``text`` cannot be a label or a note (None when it can).

    >>> bad_character("Baku\u2028Cinema")
    'the line separator U+2028 at position 5'
    >>> bad_character("two\nlines", multiline=True) is None
    True
    """
    if _MAYBE_BAD.search(text) is None:     # the common case, 20x faster than the loop
        return None
    for pos, ch in enumerate(text, 1):
        cat = unicodedata.category(ch)
        if ch in "\n\t" and multiline:
            continue
        if cat in ("Cc", "Cs", "Zl", "Zp") or ch in _BIDI:
            name = {"Cc": "control character", "Cs": "surrogate", "Zl": "line separator",
                    "Zp": "paragraph separator"}.get(cat, "bidirectional control")
            return f"the {name} U+{ord(ch):04X} at position {pos}"
    return None


Finding = tuple[str, str]     # (message, hint) about one field


def _text_problem(value: str, limit: int, multiline: bool) -> Finding | None:
    if len(value) > limit:
        return (f"is {len(value)} characters long; the limit is {limit}",
                "shorten it: labels are names, notes are a sentence or two")
    why = bad_character(value, multiline)
    if why:
        return f"contains {why}", "remove it (retype the text if it was pasted)"
    return None


def _check_str(rec: Record, name: str, spec: str, value: Any) -> Iterator[Finding]:
    if not isinstance(value, str) or not value.strip():
        yield f"must be a non-empty string, got {value!r}", ""
        return
    found = _text_problem(value, MAX_TEXT, multiline=spec == "str")
    if found:
        yield found
    elif spec.startswith("choice:"):
        choices = spec[7:].split("|")
        if value not in choices:
            yield f"{value!r} is not one of {', '.join(choices)}", ""


def _check_int(rec: Record, name: str, spec: str, value: Any) -> Iterator[Finding]:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        yield f"must be a positive whole number, got {value!r}", ""


def _check_bool(rec: Record, name: str, spec: str, value: Any) -> Iterator[Finding]:
    if not isinstance(value, bool):
        yield f"must be true or false, got {value!r}", ""


def _check_date(rec: Record, name: str, spec: str, value: Any) -> Iterator[Finding]:
    if not isinstance(value, str) or not date_is_valid(value):
        yield (f"{value!r} is not a date",
               "write YYYY-MM-DD, YYYY-MM, YYYY, or --MM-DD when the year is not given "
               "(ASCII digits 0-9)")


def _check_labels(rec: Record, name: str, spec: str, value: Any) -> Iterator[Finding]:
    if not isinstance(value, dict) or not value:
        yield "must map a language (en, ru, az) to a name", "e.g.  labels: {en: Netflix}"
        return
    for lang, text in value.items():
        if lang not in ("en", "ru", "az", "tr"):
            yield f"unknown language tag {lang!r}", "use en, ru, az or tr"
        items = text if spec == "altlabels" and isinstance(text, list) else [text]
        if spec == "labels" and not isinstance(text, str):
            yield f"label for {lang!r} must be one string; put others in alt_labels", ""
        elif not all(isinstance(t, str) and t.strip() for t in items):
            yield f"labels for {lang!r} must be non-empty strings", ""
        else:
            for t in items:
                found = _text_problem(t, MAX_LABEL, multiline=False)
                if found:
                    yield f"label for {lang!r} {found[0]}", found[1]


def _positive(p: Any) -> bool:
    return isinstance(p, int) and not isinstance(p, bool) and p > 0


def _check_paras(rec: Record, name: str, spec: str, value: Any) -> Iterator[Finding]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(_positive(p) for p in items):
        yield (f"must be a paragraph number or a list of them, got {value!r}",
               "paragraphs are blank-line-separated blocks of the source text, from 1")


def _check_cites(rec: Record, name: str, spec: str, value: Any) -> Iterator[Finding]:
    if not isinstance(value, list) or not value:
        yield ("must be a non-empty list of '<source>:<paragraph>'",
               "e.g.  cite: ['002_215d27630291384d:4']")
        return
    for c in value:
        m = CITE_RE.match(c) if isinstance(c, str) else None
        if not m:
            yield (f"{c!r} is not '<source>:<paragraph>'",
                   "e.g.  '002_215d27630291384d:4' (the source's file name without .txt)")
        elif int(m["para"]) < 1:
            yield f"{c!r} cites paragraph 0", "paragraphs are counted from 1"


def _check_fieldcites(rec: Record, name: str, spec: str, value: Any) -> Iterator[Finding]:
    if not isinstance(value, dict) or not value:
        yield ("must map a field name to the citations it comes from",
               "e.g.  cite_fields: {super_event: ['004_7e29c807a69063d9:1']}")
        return
    schema = SCHEMA[rec.kind]
    cite = rec.data.get("cite")
    own = {str(c) for c in cite} if isinstance(cite, list) else set()
    for cited, cites in value.items():
        if cited not in schema or cited in ("id", "cite", "cite_fields", "labels", "alt_labels"):
            yield f"{cited!r} is not a field that can be cited on its own", ""
        elif not isinstance(cites, list) or not cites or not all(str(c) in own for c in cites):
            yield (f"the citations of {cited!r} must be a non-empty list taken from "
                   "this record's 'cite'", f"cite: {sorted(own)}")


def _check_refs(rec: Record, name: str, spec: str, value: Any) -> Iterator[Finding]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        yield f"must be a list of record ids, got {value!r}", ""


def _check_srefs(rec: Record, name: str, spec: str, value: Any) -> Iterator[Finding]:
    items = value if spec.startswith("srefs:") else [value]
    key = "person" if spec.endswith("person") else "org"
    if not isinstance(items, list):
        yield "must be a list", ""
        return
    for item in items:
        if not isinstance(item, dict) or set(item) != {key, "para"} or not isinstance(
                item[key], str) or not _positive(item["para"]):
            yield f"must be {{{key}: <id>, para: <n>}} (n from 1), got {item!r}", ""


def _check_surfaces(rec: Record, name: str, spec: str, value: Any) -> Iterator[Finding]:
    """``as``: the words a cited paragraph uses for the record ("the meeting", "He")."""
    def texts(v: Any) -> bool:
        items = v if isinstance(v, list) else [v]
        return bool(items) and all(isinstance(t, str) and t.strip() for t in items)

    if "cite" not in SCHEMA[rec.kind]:
        if not texts(value):
            yield ("must be the words the paragraph uses, or a list of them",
                   'e.g.  as: "the meeting"')
        return
    cite = rec.data.get("cite")
    own = {str(c) for c in cite} if isinstance(cite, list) else set()
    if not isinstance(value, dict) or not value:
        yield ("must map a citation to the words that paragraph uses",
               "e.g.  as: {'002_215d27630291384d:10': Turkish}")
        return
    for cited, words in value.items():
        if str(cited) not in own:
            yield f"{cited!r} is not one of this record's citations", f"cite: {sorted(own)}"
        elif not texts(words):
            yield f"the words for {cited!r} must be a non-empty string or list of them", ""


def _checked_in_integrity(rec: Record, name: str, spec: str, value: Any) -> Iterator[Finding]:
    """Model v2 fields checked across records in :mod:`graph.data.integrity`."""
    return iter(())


# The check for each kind of field (the part of its spec before ':')
FIELD_CHECKS: dict[str, Callable[[Record, str, str, Any], Iterator[Finding]]] = {
    "str": _check_str, "orgtype": _check_str, "eventtype": _check_str, "choice": _check_str,
    "concept": _check_str, "ref": _check_str, "int": _check_int, "bool": _check_bool,
    "date": _check_date, "labels": _check_labels, "altlabels": _check_labels,
    "paras": _check_paras, "cites": _check_cites, "fieldcites": _check_fieldcites,
    "refs": _check_refs, "sref": _check_srefs, "srefs": _check_srefs,
    "surfaces": _check_surfaces,
    "wikidata": _checked_in_integrity, "signatories": _checked_in_integrity,
}


def _check_field(rec: Record, name: str, spec: str, value: Any) -> Iterator[Problem]:
    optional_null = spec.endswith("?")
    spec = spec.rstrip("?")
    if value is None:
        if not optional_null:
            yield Problem(rec.file, rec.line_of(name), rec.id, name, "is empty",
                          "give a value or remove the field")
        return
    for message, hint in FIELD_CHECKS[spec.split(":", 1)[0]](rec, name, spec, value):
        yield Problem(rec.file, rec.line_of(name), rec.id, name, message, hint)


def surfaces(rec: Record, source: str, para: int) -> list[str]:
    """The surface forms ``as`` gives for one cited paragraph of a record."""
    value = rec.data.get("as")
    if isinstance(value, dict):
        value = value.get(f"{source}:{para}")
    if value is None:
        return []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _shape(rec: Record, raw: dict[str, Any]) -> Iterator[Problem]:
    schema = SCHEMA[rec.kind]
    for name in raw:
        if name not in schema:
            near = [k for k in schema if k.startswith(str(name)[:3])]
            yield Problem(rec.file, rec.line_of(str(name)), rec.id, str(name),
                          f"unknown field for a {rec.kind}",
                          f"did you mean {near[0]!r}?" if near else
                          f"known fields: {', '.join(schema)}")
    for name in REQUIRED[rec.kind]:
        if name not in raw or (raw[name] is None and not SCHEMA[rec.kind][name].endswith("?")):
            if name in raw:
                continue  # reported as empty below
            hint = ("every record cites its source and paragraph"
                    if name in ("cite", "para") else "")
            yield Problem(rec.file, rec.line, rec.id, name, "is missing (required)", hint)
    for name, value in raw.items():
        if name in schema:
            yield from _check_field(rec, str(name), schema[str(name)], value)


def _make(kind: str, raw: Any, file: str, source: str | None,
          problems: list[Problem]) -> Record | None:
    if not isinstance(raw, dict):
        problems.append(Problem(file, getattr(raw, "line", None), None, None,
                                f"a {kind} record must be a mapping of fields, got {raw!r}"))
        return None
    ident = raw.get("id")
    rec = Record(kind=kind, id=str(ident) if ident is not None else "?", file=file,
                 line=getattr(raw, "line", 1), data={k: _norm_value(v) for k, v in raw.items()},
                 lines=dict(getattr(raw, "key_lines", {})), source=source)
    if ident is None or not ID_RE.match(str(ident)):
        problems.append(Problem(file, rec.line_of("id"), None, "id",
                                f"missing or malformed id {ident!r}",
                                "ids are lower-case letters, digits, '-' and '_'"))
    problems.extend(_shape(rec, raw))
    return rec


def read_records(data_dir: Path) -> tuple[list[Record], list[Problem]]:
    """Read every record under ``data_dir``; return the records and the shape problems."""
    records: list[Record] = []
    problems: list[Problem] = []
    if not data_dir.is_dir():
        return [], [Problem(str(data_dir), None, None, None, "data folder not found",
                            "run from the repository root or pass --data DIR")]
    for path in sorted(data_dir.rglob("*")):
        found, errs = read_file(path, data_dir)
        records.extend(found)
        problems.extend(errs)
    return records, problems


def read_file(path: Path, data_dir: Path) -> tuple[list[Record], list[Problem]]:
    """The records of one file of ``data_dir`` and the problems found in it."""
    records: list[Record] = []
    problems: list[Problem] = []
    if path.is_dir() or path.name.startswith("."):
        return records, problems
    rel = str(path.relative_to(data_dir.parent))
    folder = path.relative_to(data_dir).parts[0]
    if path.suffix not in (".yaml", ".yml") or (
        folder not in ENTITY_FOLDERS and folder != "facts"
    ):
        problems.append(Problem(rel, None, None, None, "unexpected file in data/",
                                f"records go in data/{{{','.join(ENTITY_FOLDERS)},facts}}/"
                                "*.yaml", level="warning"))
        return records, problems
    text, errs = read_text(path, rel)
    raw = None
    if text is not None:
        raw, errs = parse_yaml(text, rel)
    problems.extend(errs)
    if errs:
        return records, problems
    if folder in ENTITY_FOLDERS:
        rec = _make(ENTITY_FOLDERS[folder], raw, rel, None, problems)
        if rec is not None:
            if rec.id != path.stem and rec.id != "?":
                problems.append(Problem(rel, rec.line_of("id"), rec.id, "id",
                                        f"id {rec.id!r} differs from the file name",
                                        f"rename the file to {rec.id}.yaml or fix the id"))
            records.append(rec)
        return records, problems
    if not isinstance(raw, dict) or "source" not in raw:
        problems.append(Problem(rel, 1, None, "source",
                                "a facts file must start with 'source: <source id>'",
                                f"e.g.  source: {path.stem}"))
        return records, problems
    source = str(raw["source"])
    if source != path.stem:
        line = getattr(raw, "key_lines", {}).get("source", 1)
        problems.append(Problem(rel, line, None, "source",
                                f"source {source!r} differs from the file name",
                                f"facts of {source} go in data/facts/{source}.yaml"))
    for key, value in raw.items():
        if key == "source":
            continue
        if key not in FACT_SECTIONS:
            problems.append(Problem(rel, getattr(raw, "key_lines", {}).get(key), None, str(key),
                                    "unknown section",
                                    f"sections are {', '.join(FACT_SECTIONS)}"))
            continue
        if not isinstance(value, list):
            problems.append(Problem(rel, getattr(raw, "key_lines", {}).get(key), None, str(key),
                                    "must be a list of records"))
            continue
        for item in value:
            rec = _make(FACT_SECTIONS[key], item, rel, source, problems)
            if rec is not None:
                records.append(rec)
    return records, problems
