"""Likely duplicates among the records: the same person, organisation or place added twice.

Two records of the same kind are compared through the one name matcher
(:mod:`graph.names`): sharing a label in the same language is an error; any other match of a
label (another script, an inflected form, a near spelling) is a warning with its reason.
``distinct_from: [<id>]`` on either record says a curator checked they are different things
and silences the pair.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from graph.data.lookup import HEADER
from graph.data.records import Problem, Record, read_records
from graph.names import (
    Candidate,
    Match,
    NameIndex,
    fold,
    label_keys,
    word_keys,
    words,
)

KINDS = ("country", "place", "organisation", "person", "event")
WARN_FROM = 75  # a near spelling scores up to 80


def entity_labels(rec: Record) -> list[tuple[str, str]]:
    """(language, label) of a record: its labels, then its alternative labels."""
    labels = sorted((rec.data.get("labels") or {}).items(), key=lambda kv: kv[0] != "en")
    out = [(str(lang), str(text)) for lang, text in labels]
    for lang, alts in (rec.data.get("alt_labels") or {}).items():
        for text in alts if isinstance(alts, list) else [alts]:
            out.append((str(lang), str(text)))
    return out


def candidate(rec: Record) -> Candidate:
    """A record as a name-matcher candidate (its sources from its citations)."""
    labels = tuple(dict.fromkeys(text for _, text in entity_labels(rec)))
    sources = tuple(sorted({s for s, _ in rec.cites()}))
    return Candidate(rec.id, rec.kind, labels or (rec.id,), sources)


def record_index(records: list[Record]) -> NameIndex:
    """The name index of the entity records (ids are the records' own, kind apart)."""
    return NameIndex([candidate(r) for r in records if r.kind in KINDS])


def _distinct(a: Record, b: Record) -> bool:
    return b.id in (a.data.get("distinct_from") or []) or a.id in (
        b.data.get("distinct_from") or [])


class _Blocks:
    """The entity labels indexed by (kind, number of words, word position) and word key.

    Two labels the name matcher can match whole (exactly, by transliteration, an inflected
    form or a near spelling) have as many words and share a key (:func:`graph.names.word_keys`)
    at every position, so each label is compared only with the labels passing that test: the
    same pairs as comparing every label with every other, in about linear time.
    """

    def __init__(self, entities: list[Record]) -> None:
        self.entities = entities
        self.cands = [candidate(r) for r in entities]
        self.by_id = {(r.kind, r.id.casefold()): i for i, r in enumerate(entities)}
        self.owner: list[int] = []
        self.keys: list[list[frozenset[str]]] = []
        self.keys_of: dict[str, list[frozenset[str]]] = {}
        self.post: dict[tuple[str, int, int], dict[str, list[int]]] = {}
        for i, (rec, cand) in enumerate(zip(entities, self.cands, strict=True)):
            for label in cand.labels:
                li = len(self.owner)
                self.owner.append(i)
                keys = self.label_keys(label)
                self.keys.append(keys)
                for j, word in enumerate(keys):
                    post = self.post.get((rec.kind, len(keys), j))
                    if post is None:
                        post = self.post[rec.kind, len(keys), j] = defaultdict(list)
                    for key in word:
                        post[key].append(li)

    def _keyed(self, i: int) -> Candidate:
        """Entity ``i`` as a candidate with its labels' index keys (computed once)."""
        cand = self.cands[i]
        if len(cand.keys) != len(cand.labels):
            cand = self.cands[i] = replace(cand, keys=tuple(label_keys(t) for t in cand.labels))
        return cand

    def label_keys(self, text: str) -> list[frozenset[str]]:
        found = self.keys_of.get(text)
        if found is None:
            found = self.keys_of[text] = [word_keys(w) for w in words(text)]
        return found

    def others(self, i: int, text: str) -> list[int]:
        """The entities (positions) other than ``i`` whose labels may match ``text``."""
        kind = self.entities[i].kind
        keys = self.label_keys(text)
        found: set[int] = set()
        ident = self.by_id.get((kind, text.strip().strip("/").casefold()))
        if ident is not None:
            found.add(ident)
        if keys:
            found.update(self.owner[li] for li in self._sharing(kind, keys))
        found.discard(i)
        return sorted(found)

    def _sharing(self, kind: str, keys: list[frozenset[str]]) -> set[int]:
        """Labels sharing a key with ``keys`` (a label's) at every word: those reached from
        the word whose keys reach the fewest labels, kept if they share a key at the others
        (all of it in C: ``map`` and ``set`` over the posting lists of each word's keys)."""
        n = len(keys)
        # for each word, the posting lists of its keys (those some label of this kind has)
        lists = [[*filter(None, map(self.post.get((kind, n, j), {}).get, keys[j]))]
                 for j in range(n)]
        reach = [sum(map(len, found)) for found in lists]
        order = sorted(range(n), key=reach.__getitem__)
        if not reach[order[0]]:
            return set()
        found = set().union(*lists[order[0]])
        for j in order[1:]:
            if not found:
                break
            if reach[j] <= 16 * len(found):   # the labels sharing a key there, by set
                found.intersection_update(set().union(*lists[j]))
            else:                       # fewer: each label's keys there
                found = {li for li in found if not keys[j].isdisjoint(self.keys[li][j])}
        return found

    def find(self, i: int, text: str) -> list[Match]:
        """What the name index of every entity finds for ``text`` (a label of entity ``i``),
        looked up among the entities that may match it (and ``i`` itself)."""
        others = self.others(i, text)
        if not others:
            return []
        index = NameIndex([self._keyed(j) for j in sorted([i, *others])])
        return index.find(text, kind=self.entities[i].kind, limit=5)


def duplicates(records: list[Record]) -> Iterator[Problem]:
    """An error per shared label, a warning per likely duplicate pair (reported once)."""
    entities = [r for r in records if r.kind in KINDS]
    by_id = {(r.kind, r.id): r for r in entities}
    blocks = _Blocks(entities)
    seen: set[tuple[str, str, str]] = set()
    for i, rec in enumerate(entities):
        own = {(lang, fold(text)) for lang, text in entity_labels(rec)}
        for _, text in entity_labels(rec):
            for m in blocks.find(i, text):
                other = by_id.get((rec.kind, m.id))
                if other is None or other is rec or m.score < WARN_FROM or m.why.startswith("part"):
                    continue
                a, b = sorted((rec.id, other.id))
                pair = (rec.kind, a, b)
                if pair in seen or _distinct(rec, other):
                    continue
                seen.add(pair)
                # the record cited from the earlier source is the one already there
                first, second = sorted((rec, other), key=lambda r: (
                    min((s for s, _ in r.cites()), default="~"), r.file, r.id))
                shared = own & {(lang, fold(t)) for lang, t in entity_labels(other)}
                words_ = (text, m.matched) if second is rec else (m.matched, text)
                yield _problem(first, second, *words_, m.why, bool(shared))


def _problem(rec: Record, other: Record, text: str, matched: str, why: str,
             shared: bool) -> Problem:
    hint = (f"if they are one {rec.kind}, merge them and keep the id {rec.id!r}; if not, add "
            f"'distinct_from: [{rec.id}]' to {other.file}")
    if shared:
        return Problem(other.file, other.line_of("labels"), other.id, "labels",
                       f"shares a label in the same language with the {rec.kind} {rec.id!r} "
                       f"({rec.file}): {text!r} ~ {matched!r} ({why})", hint)
    return Problem(other.file, other.line_of("labels"), other.id, "labels",
                   f"may be the same {rec.kind} as {rec.id!r} ({rec.file}): {text!r} ~ "
                   f"{matched!r} ({why})", hint, "warning")


def candidates(records: list[Record]) -> list[Candidate]:
    """Every entity record as a candidate with a graph id (``person/rashad-azizov``)."""
    out = []
    for rec in records:
        if rec.kind in KINDS:
            labels = tuple(dict.fromkeys(text for _, text in entity_labels(rec)))
            out.append(Candidate(f"{rec.kind}/{rec.id}", rec.kind, labels or (rec.id,),
                                 tuple(sorted({s for s, _ in rec.cites()}))))
    return out


def names_table(records: list[Record], data_fingerprint: str, rows: str | None = None) -> str:
    """The text of ``names.tsv`` (a build writes it; ``cinecoop find`` reads it); ``rows``:
    its rows when known (the entities did not change since they were made)."""
    return f"{HEADER}{data_fingerprint}\n" + (
        NameIndex(candidates(records)).table() if rows is None else rows)


def record_names(data_dir: Path) -> NameIndex:
    """The name index of the records in ``data_dir`` (ValueError when they do not read)."""
    records, problems = read_records(data_dir)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise ValueError(str(errors[0]).splitlines()[0] + " (run 'cinecoop validate')")
    return NameIndex(candidates(records))
