"""Integrity checks across records: ids, references, citations, controlled lists.

One function per concern, each yielding :class:`~graph.data.records.Problem`; ``check`` runs them
all. These run before any RDF is built, so their messages speak of files and fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from graph.data.records import SCHEMA, Problem, Record
from graph.terms import EVENT_TYPES, ORG_TYPES

ENTITY_KINDS = ("source", "country", "place", "organisation", "person", "event")
FACT_KINDS = ("post", "participation", "agreement")
QID_RE = re.compile(r"^Q[1-9][0-9]*$")
ISO_RE = re.compile(r"^[A-Z]{2}$")


def index(records: Iterable[Record]) -> dict[str, Record]:
    """Entities and agreements by id (the things a reference may point at)."""
    return {r.id: r for r in records if r.kind in ENTITY_KINDS or r.kind == "agreement"}


def duplicate_ids(records: list[Record]) -> Iterator[Problem]:
    seen: dict[tuple[bool, str], Record] = {}
    for rec in records:
        # entities and agreements share one id space (references name them); posts and
        # participations have ids of their own kind.
        key = (rec.kind in ("post", "participation"), rec.kind + rec.id
               if rec.kind in ("post", "participation") else rec.id)
        if key in seen:
            first = seen[key]
            yield Problem(rec.file, rec.line_of("id"), rec.id, "id",
                          f"duplicate id: also used by the {first.kind} in "
                          f"{first.file}:{first.line_of('id')}",
                          "one real-world entity is one record; give different things "
                          "different ids")
        else:
            seen[key] = rec


def _refs(rec: Record) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """(field, target id, allowed kinds) for every reference in a record."""
    for name, spec in SCHEMA[rec.kind].items():
        value = rec.data.get(name)
        if value is None:
            continue
        if spec.startswith(("ref:", "refs:")):
            kinds = tuple(spec.split(":", 1)[1].split("|"))
            for target in value if isinstance(value, list) else [value]:
                if isinstance(target, str):
                    yield name, target, kinds
        elif spec == "signatories" and isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    if isinstance(item.get("person"), str):
                        yield name, item["person"], ("person",)
                    if isinstance(item.get("for"), str):
                        yield name, item["for"], ("organisation", "country")
        elif spec.startswith(("sref:", "srefs:")):
            kind = spec.split(":", 1)[1]
            key = "person" if kind == "person" else "org"
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict) and isinstance(item.get(key), str):
                    yield name, item[key], (kind,)


def dangling_references(records: list[Record], ids: dict[str, Record]) -> Iterator[Problem]:
    for rec in records:
        for name, target, kinds in _refs(rec):
            found = ids.get(target)
            if found is None:
                near = sorted(i for i in ids if i.split("-")[0] == target.split("-")[0])[:3]
                yield Problem(rec.file, rec.line_of(name), rec.id, name,
                              f"unknown id {target!r}",
                              f"did you mean {', '.join(map(repr, near))}?" if near else
                              "add a record for it under data/ or fix the spelling")
            elif kinds != ("*",) and found.kind not in kinds:
                yield Problem(rec.file, rec.line_of(name), rec.id, name,
                              f"{target!r} is a {found.kind}, expected {' or '.join(kinds)}")


def citations(records: list[Record], ids: dict[str, Record]) -> Iterator[Problem]:
    sources = {r.id: r for r in records if r.kind == "source"}
    for rec in records:
        if rec.kind == "source":
            for name in ("author", "publisher", "credits"):
                value = rec.data.get(name)
                for item in value if isinstance(value, list) else [value] if value else []:
                    para = item.get("para") if isinstance(item, dict) else None
                    if isinstance(para, int) and para > rec.data.get("paragraphs", 0):
                        yield Problem(rec.file, rec.line_of(name), rec.id, name,
                                      f"paragraph {para} is beyond the source's "
                                      f"{rec.data.get('paragraphs')} paragraphs")
            continue
        if rec.kind in FACT_KINDS and rec.source not in sources:
            yield Problem(rec.file, 1, rec.id, "source", f"unknown source {rec.source!r}",
                          "add data/sources/<source>.yaml first")
            continue
        field = "cite" if "cite" in rec.data else "para"
        for source, para in rec.cites():
            src = sources.get(source)
            if src is None:
                yield Problem(rec.file, rec.line_of(field), rec.id, field,
                              f"cites unknown source {source!r}",
                              f"known sources: {', '.join(sorted(sources))}")
            elif para > int(src.data.get("paragraphs", 0)):
                yield Problem(rec.file, rec.line_of(field), rec.id, field,
                              f"paragraph {para} is beyond the {src.data.get('paragraphs')} "
                              f"paragraphs of {source}",
                              "paragraphs are blank-line-separated blocks, counted from 1")


def controlled_values(records: list[Record], concepts: dict[str, set[str]]) -> Iterator[Problem]:
    for rec in records:
        for name, spec in SCHEMA[rec.kind].items():
            value = rec.data.get(name)
            if not isinstance(value, str):
                continue
            allowed: set[str] | None = None
            if spec.startswith("concept:"):
                allowed = concepts.get(spec.split(":", 1)[1], set())
            elif spec == "orgtype":
                allowed = set(ORG_TYPES)
            elif spec == "eventtype":
                allowed = set(EVENT_TYPES)
            if allowed is not None and value not in allowed:
                yield Problem(rec.file, rec.line_of(name), rec.id, name,
                              f"{value!r} is not in the {spec.split(':')[-1]} list",
                              f"use one of: {', '.join(sorted(allowed))} "
                              "(or add a concept to ontology/cinema.ttl)")


def consistency(records: list[Record]) -> Iterator[Problem]:
    for rec in records:
        if rec.kind == "agreement":
            if not rec.data.get("parties") and not rec.data.get("parties_unstated"):
                yield Problem(rec.file, rec.line, rec.id, "parties",
                              "an agreement needs parties",
                              "list them, or write 'parties_unstated: true' when the source "
                              "does not name them")
        if rec.kind == "source" and rec.data.get("date_basis") == "undated" and rec.data.get(
                "date"):
            yield Problem(rec.file, rec.line_of("date"), rec.id, "date",
                          "an undated source has a date", "remove the date or the basis")
        if rec.kind == "source" and rec.data.get("date_basis") != "undated" and not rec.data.get(
                "date"):
            yield Problem(rec.file, rec.line_of("date_basis"), rec.id, "date",
                          "a dated source needs its date", "or set date_basis: undated")
        start, end = rec.data.get("start"), rec.data.get("end")
        if isinstance(start, str) and isinstance(end, str) and ends_before_start(start, end):
            yield Problem(rec.file, rec.line_of("end"), rec.id, "end",
                          f"ends ({end}) before it starts ({start})",
                          "dates of different precision are compared at the coarser one")


def ends_before_start(start: str, end: str) -> bool:
    """True when ``end`` is before ``start``, compared at the coarser of their precisions.

    >>> ends_before_start("2025-12", "2025-11-30")
    True
    >>> ends_before_start("2025-12", "2025-12-01")   # same month: not before
    False
    >>> ends_before_start("--12-09", "2025-01-01")   # no year on one side: not comparable
    False
    """
    if start.startswith("--") != end.startswith("--"):
        return False
    n = min(len(start), len(end))
    return start[:n] > end[:n]


HIERARCHIES = ("parent", "within", "super_event")


def cycles(records: list[Record], ids: dict[str, Record]) -> Iterator[Problem]:
    """A ``parent``/``within``/``super_event`` chain that comes back to where it started
    (a self-reference included), reported once, on the record with the smallest id."""
    for name in HIERARCHIES:
        reported: set[str] = set()
        for rec in sorted(records, key=lambda r: r.id):
            chain = [rec.id]
            nxt = rec.data.get(name)
            while isinstance(nxt, str) and nxt in ids and nxt not in chain:
                chain.append(nxt)
                nxt = ids[nxt].data.get(name)
            if nxt != rec.id or rec.id in reported:
                continue
            reported.update(chain)
            yield Problem(rec.file, rec.line_of(name), rec.id, name,
                          f"{name} goes round in a circle: {' -> '.join([*chain, rec.id])}",
                          f"a {rec.kind} cannot be (part of) its own {name}; fix one link")


def identifiers(records: list[Record]) -> Iterator[Problem]:
    """Wikidata ids (``Q`` and digits, one record per item) and ISO 3166-1 codes."""
    seen: dict[tuple[str, str], Record] = {}
    for rec in records:
        for name, regex, hint in (
                ("wikidata", QID_RE, "write the item id as on wikidata.org, e.g.  wikidata: Q227"),
                ("iso", ISO_RE, "two capital letters, e.g.  iso: AZ")):
            value = rec.data.get(name)
            if value is None or name not in SCHEMA[rec.kind]:
                continue
            if not isinstance(value, str) or not regex.match(value):
                yield Problem(rec.file, rec.line_of(name), rec.id, name,
                              f"{value!r} is not a valid {name} id", hint)
                continue
            first = seen.setdefault((name, value), rec)
            if first is not rec:
                yield Problem(rec.file, rec.line_of(name), rec.id, name,
                              f"{value} is also the {name} of {first.kind} {first.id!r}",
                              "one real-world entity is one record; check the id")


def _signatory_problems(rec: Record) -> Iterator[str]:
    value = rec.data.get("signatories")
    if value is None:
        return
    if not isinstance(value, list) or not value:
        yield "must be a list of {person: <id>, for: <party id>} (for: optional)"
        return
    parties = set(rec.data.get("parties") or [])
    for item in value:
        if not isinstance(item, dict) or "person" not in item or set(item) - {"person", "for"}:
            yield f"each signatory is {{person: <id>, for: <party id>}}, got {item!r}"
        elif "for" in item and item["for"] not in parties:
            yield f"signatory {item['person']!r} signs for {item['for']!r}, not a party"


def model_v2(records: list[Record]) -> Iterator[Problem]:
    """Rules of the v2 fields: agent or group, group details, editions, signatories."""
    for rec in records:
        d = rec.data
        if rec.kind == "participation":
            if ("agent" in d) == ("group" in d):
                yield Problem(rec.file, rec.line, rec.id, "agent",
                              "a participation needs either an agent or a group, not both",
                              "name the agent (agent: <id>), or describe the unnamed "
                              "participants (group: 'more than 30 production companies')")
            for name in ("group_size", "group_size_is", "group_countries"):
                if name in d and "group" not in d:
                    yield Problem(rec.file, rec.line_of(name), rec.id, name,
                                  "describes a group, but the participation has no 'group'")
        if rec.kind == "event":
            if "edition" in d and "series" not in d:
                yield Problem(rec.file, rec.line_of("edition"), rec.id, "edition",
                              "an edition number needs the series", "add  series: <event id>")
            for name in ("series", "parallel_with", "convened_by"):
                if d.get(name) == rec.id:
                    yield Problem(rec.file, rec.line_of(name), rec.id, name,
                                  "points at the event itself")
        if rec.kind == "agreement":
            for message in _signatory_problems(rec):
                yield Problem(rec.file, rec.line_of("signatories"), rec.id, "signatories",
                              message, "list the party in 'parties' or fix 'for'")


def series_targets(records: list[Record], ids: dict[str, Record]) -> Iterator[Problem]:
    for rec in records:
        target = ids.get(str(rec.data.get("series"))) if rec.kind == "event" else None
        if target is not None and target.data.get("type") != "series":
            yield Problem(rec.file, rec.line_of("series"), rec.id, "series",
                          f"{target.id!r} is an event of type {target.data.get('type')!r}, "
                          "not a series", f"set  type: series  in {target.file}")


def check(records: list[Record], concepts: dict[str, set[str]]) -> list[Problem]:
    ids = index(records)
    out: list[Problem] = []
    for found in (duplicate_ids(records), dangling_references(records, ids),
                  citations(records, ids), controlled_values(records, concepts),
                  consistency(records), identifiers(records), model_v2(records),
                  series_targets(records, ids), cycles(records, ids)):
        out.extend(found)
    return out


def check_changed(records: list[Record], before: list[Record], after: list[Record],
                  concepts: dict[str, set[str]]) -> list[Problem] | None:
    """The integrity problems of a rebuild in which only the facts ``before`` became
    ``after`` (the records of the changed files), the build before having had none: ``[]``
    when the new facts fit (checked against every record); None when they do not, or when
    the change could concern other records (an agreement's id, which others may refer to,
    came or went; an id is used twice): then :func:`check` says what, in its order."""
    agreements = [{r.id for r in recs if r.kind == "agreement"} for recs in (before, after)]
    if agreements[0] != agreements[1] or any(
            name in SCHEMA[r.kind] for r in after for name in ("wikidata", "iso")) or any(
            name in SCHEMA[r.kind] for r in after for name in HIERARCHIES):
        return None
    # the keys of duplicate_ids: a post's or participation's id with its kind, else the id
    # ("\0" first: no fact's key starts so); one comprehension, no call per record
    if len({r.kind + r.id if r.kind in ("post", "participation") else "\0" + r.id
            for r in records}) != len(records):
        return None
    ids = index(records)
    sources = [r for r in records if r.kind == "source"]
    for found in (dangling_references(after, ids), citations([*sources, *after], ids),
                  controlled_values(after, concepts), consistency(after), model_v2(after),
                  series_targets(after, ids)):
        if next(iter(found), None) is not None:
            return None
    return []
