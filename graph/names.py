"""The one name matcher: every place that turns a name into an entity goes through here.

``show``, ``path``, ``--param``, ``find``, ``paras``, ``add``, the duplicate check and the
paragraph text check all use it, so a name that works in one works in all of them. It is
independent of storage: it takes :class:`Candidate` (id, kind, labels) from whatever read
the graph (the records in ``data/``, rdflib, Oxigraph, the ``names.json`` a build writes).

What makes two names the same (each match says why, with a score out of 100):

- ``fold``: case, diacritics (ç→c, ı→i, ё→е), punctuation and spacing are ignored, and a word
  mixing Latin and Cyrillic look-alikes ("АRКА" with Cyrillic А and К) is read in one script;
- ``skeleton``: a Latin transliteration with the romanisation choices folded away
  (Гасымов, Gasymov, Gasimov and Qasımov all become ``gasimov``);
- inflection: Russian case endings (Рашадом Азизовым, Министерстве культуры) through the
  ``pymorphy3`` dictionary, loaded only when a Cyrillic word needs it, and a suffix rule;
- near spellings: at most one edit (insertion, deletion, substitution or swap of two
  neighbours) per word of five letters or more, via ``rapidfuzz``: Primov/Pirimov, Centre/Center.

Two people sharing only a surname never match: every word of a name must match.

>>> fold("Hoçazfilm"), fold("АRКА"), fold("«Trend»")
('hocazfilm', 'arka', 'trend')
>>> skeleton("Кямран Гасымов") == skeleton("Kiamran Qasımov")
True
>>> index = NameIndex([Candidate("person/rashad-azizov", "person", ("Rashad Azizov",
...                                                                 "Рашад Азизов"))])
>>> m = index.find("Рашадом Азизовым")[0]
>>> m.id, m.why
('person/rashad-azizov', 'inflected form')
>>> name_in_text("Кямран Гасымов", "под модераторством Кямрана Гасымова")
True
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from unidecode import unidecode

__all__ = ["Candidate", "Match", "NameIndex", "fold", "skeleton", "words", "mixed_script",
           "name_in_text", "mention", "EXACT", "CONFIDENT", "PARTIAL"]

WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
_GLUED_RE = re.compile(r"(?<=[a-zа-яё])(?=[A-ZА-ЯЁ][a-zа-яё])")
EXACT, HOMOGLYPH, TRANSLIT, INFLECTED, PARTIAL, CONFIDENT = 100, 99, 97, 95, 85, 90
NEAR_MAX = 80  # a near spelling never counts as a sure match

# Cyrillic letters that look like Latin ones (lower case: fold case-folds first).
_CYR_TO_LAT = dict(zip("авекмнорстухіјѕԁӏ", "abekmhopctyxijsdl", strict=True))
_LAT_TO_CYR = {v: k for k, v in _CYR_TO_LAT.items()}
_IA_RE = re.compile(r"(?<=[bcdfghjklmnprstvz])ia")
# Romanisation choices folded away in the skeleton, applied in order.
_ROMAN = (("shch", "sh"), ("dzh", "j"), ("dj", "j"), ("zh", "j"), ("kh", "h"), ("gh", "g"),
          ("ch", "c"), ("sh", "s"), ("ts", "c"), ("ph", "f"), ("x", "h"), ("q", "g"),
          ("w", "v"), ("y", "i"), ("@", "a"), ("'", ""))


def _script(ch: str) -> str:
    if "a" <= ch <= "z":
        return "latin"
    if "\u0400" <= ch <= "\u04ff":
        return "cyrillic"
    return ""


def _unmix(word: str) -> str:
    """A word mixing Latin and Cyrillic look-alikes, written in the one script it can be."""
    scripts = {_script(c) for c in word} - {""}
    if len(scripts) < 2:
        return word
    if all(_script(c) != "cyrillic" or c in _CYR_TO_LAT for c in word):
        return "".join(_CYR_TO_LAT.get(c, c) for c in word)
    if all(_script(c) != "latin" or c in _LAT_TO_CYR for c in word):
        return "".join(_LAT_TO_CYR.get(c, c) for c in word)
    return word


def _plain(text: str) -> str:
    text = text.replace("ı", "i").replace("İ", "I")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).replace("ё", "е").replace("й", "и")


def words(text: str, unmix: bool = True) -> list[str]:
    """The folded words of ``text`` (letters and digits; punctuation separates)."""
    text = _GLUED_RE.sub(" ", text)  # "Oku.AzAccording": words glued by a lost line break
    found = WORD_RE.findall(_plain(text))
    return [_unmix(w) for w in found] if unmix else found


def fold(text: str) -> str:
    """Case, diacritics, punctuation and mixed-script look-alikes folded away."""
    return " ".join(words(text))


def mixed_script(text: str) -> list[str]:
    """The words of ``text`` that mix Latin and Cyrillic letters."""
    return [w for w in WORD_RE.findall(text)
            if len({_script(c) for c in _plain(w)} - {""}) > 1]


@functools.lru_cache(maxsize=65536)
def _skel_word(word: str) -> str:
    out = unidecode(word.replace("ə", "@").replace("ә", "@")).lower()
    for a, b in _ROMAN:
        out = out.replace(a, b)
    out = _IA_RE.sub("a", out)  # я after a consonant: Kyamran, Kiamran, Kamran
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[^a-z0-9]", "", out))


def skeleton(text: str) -> str:
    """A Latin key with the romanisation choices folded away (Гасымов = Qasımov)."""
    return " ".join(_skel_word(w) for w in words(text))


def _is_cyrillic(word: str) -> bool:
    return any(_script(c) == "cyrillic" for c in word)


@functools.lru_cache(maxsize=1)
def _morph() -> Any:
    import pymorphy3  # lazy: the dictionary loads in ~0.1 s, only when Cyrillic needs it

    return pymorphy3.MorphAnalyzer()


@functools.lru_cache(maxsize=65536)
def lemmas(word: str) -> frozenset[str]:
    """Dictionary forms of a folded Russian word (the word itself for others)."""
    if not _is_cyrillic(word):
        return frozenset({word})
    forms = {p.normal_form.replace("ё", "е").replace("й", "и") for p in _morph().parse(word)[:4]}
    return frozenset(forms | {word})


def _suffixed(a: str, b: str) -> bool:
    """Whether two folded words differ only by an inflectional ending."""
    short, long_ = sorted((a, b), key=len)
    if len(short) < 4 or len(long_) - len(short) > 3:
        return False
    if not _is_cyrillic(a):
        return long_.startswith(short)
    common = len(_common_prefix(a, b))
    return common >= 4 and common >= len(long_) - 3 and common >= len(short) - 2


def _common_prefix(a: str, b: str) -> str:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return a[:n]


def _near(a: str, b: str) -> int | None:
    """The edits between two words when they are near spellings (one edit from 5 letters)."""
    if min(len(a), len(b)) < 5:
        return None
    d = OSA.distance(a, b, score_cutoff=1)
    return d if d <= 1 else None


def word_match(query: str, label: str, near: bool = False) -> str | None:
    """Why two folded words are the same word ('' when identical), or None."""
    if query == label:
        return ""
    if _skel_word(query) == _skel_word(label):
        return "transliteration"
    if _is_cyrillic(query) == _is_cyrillic(label):
        if _suffixed(query, label):
            return "inflected form"
        if _is_cyrillic(query) and lemmas(query) & lemmas(label):
            return "inflected form"
    elif _skel_word(query) and _suffixed(_skel_word(query), _skel_word(label)):
        return "inflected form"
    if near and (_near(query, label) is not None or
                 _near(_skel_word(query), _skel_word(label)) is not None):
        return "1 edit"
    return None


def _phrase(query: list[str], text: list[str], near: bool = False) -> tuple[int, str] | None:
    """Where the words of ``query`` run in ``text`` (start, why), or None."""
    n = len(query)
    for i in range(len(text) - n + 1):
        reasons = []
        for j in range(n):
            why = word_match(query[j], text[i + j], near)
            if why is None:
                break
            reasons.append(why)
        else:
            return i, _worst(reasons)
    return None


def _worst(reasons: Iterable[str]) -> str:
    order = ["", "transliteration", "inflected form", "1 edit"]
    ranked = sorted(set(reasons), key=order.index)
    if not ranked:
        return ""
    edits = sum(1 for r in reasons if r == "1 edit")
    if ranked[-1] == "1 edit":
        return f"{edits} edit" + ("s" if edits > 1 else "")
    return ranked[-1]


def mention(name: str, text: str, person: bool = False) -> str | None:
    """Why ``text`` mentions ``name`` (inflection- and script-tolerant), or None.

    A person is mentioned by the full name or, after the first mention, by the surname.
    """
    name_words, text_words = words(name), words(text)
    if not name_words:
        return None
    found = _phrase(name_words, text_words)
    if found is None and person and len(name_words) > 1:
        found = _phrase(name_words[-1:], text_words)
    return None if found is None else (found[1] or "exact")


def name_in_text(name: str, text: str, person: bool = False) -> bool:
    """Whether ``text`` mentions ``name`` (see :func:`mention`)."""
    return mention(name, text, person) is not None


# ------------------------------------------------------------------------- the index


@dataclass(frozen=True)
class Candidate:
    """Something a name can resolve to: ``labels[0]`` is its best label."""

    id: str
    kind: str
    labels: tuple[str, ...]
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    id: str
    kind: str
    label: str       # the candidate's best label
    matched: str     # the label (or id) that matched
    score: int
    why: str
    sources: tuple[str, ...] = ()


@dataclass
class NameIndex:
    """Folded and transliterated keys of every label, built once per graph.

    ``find`` looks names up by dictionary first (exact, look-alike, transliteration), then
    word by word (inflection, part of a label), then by near spelling over all labels.
    """

    candidates: list[Candidate]
    # (candidate, label, folded label, skeleton) per label
    _labels: list[tuple[int, str, str, str]] = field(default_factory=list)
    _by_fold: dict[str, list[int]] = field(default_factory=dict)
    _by_skel: dict[str, list[int]] = field(default_factory=dict)
    _by_id: dict[str, int] = field(default_factory=dict)
    _postings: dict[str, set[int]] | None = None
    _vocab: list[str] = field(default_factory=list)
    _skels: list[str] | None = None

    def __post_init__(self) -> None:
        by_fold, by_skel = defaultdict(list), defaultdict(list)
        for ci, cand in enumerate(self.candidates):
            self._by_id[cand.id.casefold()] = ci
            self._by_id.setdefault(cand.id.rsplit("/", 1)[-1].casefold(), ci)
            for label in cand.labels:
                f = fold(label)
                s = " ".join(_skel_word(w) for w in f.split())
                li = len(self._labels)
                self._labels.append((ci, label, f, s))
                by_fold[f].append(li)
                by_skel[s].append(li)
        self._by_fold, self._by_skel = dict(by_fold), dict(by_skel)

    def _words_index(self) -> dict[str, set[int]]:
        if self._postings is None:
            postings: dict[str, set[int]] = defaultdict(set)
            for li, (_, _, f, s) in enumerate(self._labels):
                for w in f.split():
                    postings[w].add(li)
                for w in s.split():
                    postings["\0" + w].add(li)
            self._postings = dict(postings)
            self._vocab = sorted(k for k in postings if not k.startswith("\0"))
        return self._postings

    def _word_hits(self, word: str) -> set[int]:
        """Labels with a word that may be ``word`` (same word, spelling or ending)."""
        postings = self._words_index()
        hits = set(postings.get(word, ())) | postings.get("\0" + _skel_word(word), set())
        stem = word[:max(3, len(word) - 3)]
        i = bisect_left(self._vocab, stem)
        while i < len(self._vocab) and self._vocab[i].startswith(stem):
            hits |= postings[self._vocab[i]]
            i += 1
        for lemma in (lemmas(word) - {word}) if _is_cyrillic(word) else ():
            hits |= postings.get(lemma, set()) | postings.get("\0" + _skel_word(lemma), set())
        return hits

    def _match(self, li: int, score: int, why: str) -> Match:
        ci, label, _, _ = self._labels[li]
        cand = self.candidates[ci]
        return Match(cand.id, cand.kind, cand.labels[0], label, score, why, cand.sources)

    def _by_words(self, qwords: list[str]) -> list[Match]:
        hits: set[int] | None = None
        for w in qwords:
            found = self._word_hits(w)
            hits = found if hits is None else hits & found
            if not hits:
                return []
        out = []
        for li in sorted(hits or ()):
            lwords = self._labels[li][2].split()
            run = _phrase(qwords, lwords)
            if run is None:
                continue
            whole = len(lwords) == len(qwords)
            why = run[1] or "exact"
            if whole and why == "exact":
                continue  # the same folded words: found (and told apart) by the dictionary
            if whole:
                score = {"exact": EXACT, "transliteration": TRANSLIT}.get(why, INFLECTED)
                out.append(self._match(li, score, why))
            else:
                out.append(self._match(li, PARTIAL, "part of the label" + (
                    f" ({why})" if why != "exact" else "")))
        return out

    def _near(self, qskel: str, qwords: list[str]) -> list[Match]:
        if not qskel:
            return []
        if self._skels is None:   # built once: every look-up scans the same list
            self._skels = [s for _, _, _, s in self._labels]
        found = process.extract(qskel, self._skels, scorer=fuzz.ratio, score_cutoff=70, limit=50)
        out = []
        for _, ratio, li in found:
            lwords = self._labels[li][2].split()
            if len(lwords) != len(qwords):
                continue
            hit = _phrase(qwords, lwords, near=True)
            if hit is not None and hit[1].endswith(("edit", "edits")):
                out.append(self._match(li, min(NEAR_MAX, int(ratio)), hit[1]))
        return out

    def find(self, name: str, kind: str | None = None, limit: int | None = 10,
             thorough: bool = True) -> list[Match]:
        """Ranked candidates for ``name``: best first, one per entity, ties by label.

        ``thorough=False`` stops at the first kind of match found (exact before partial
        before near), which is all :meth:`resolve` needs.
        """
        qwords = words(name)
        qfold = " ".join(qwords)
        found: list[Match] = []
        key = name.strip().strip("/").casefold()
        if key in self._by_id:
            ci = self._by_id[key]
            c = self.candidates[ci]
            found.append(Match(c.id, c.kind, c.labels[0], c.id, EXACT, "id", c.sources))
        plain = " ".join(words(name, unmix=False))
        for li in self._by_fold.get(qfold, ()):
            lplain = " ".join(words(self._labels[li][1], unmix=False))
            homoglyph = plain != lplain and bool(mixed_script(name) or mixed_script(
                self._labels[li][1]))
            found.append(self._match(li, HOMOGLYPH if homoglyph else EXACT,
                                     "look-alike letters" if homoglyph else "exact"))
        qskel = " ".join(_skel_word(w) for w in qwords)
        for li in self._by_skel.get(qskel, ()):
            found.append(self._match(li, TRANSLIT, "transliteration"))
        if qwords and (thorough or not any(m.score >= INFLECTED for m in found)):
            found.extend(self._by_words(qwords))
        if qwords and (thorough or not any(m.score >= PARTIAL for m in found)):
            found.extend(self._near(qskel, qwords))
        return _rank(found, kind, limit)

    def resolve(self, name: str, kind: str | None = None) -> tuple[list[Match], list[Match]]:
        """(sure matches of the best kind, all candidates): one sure match means resolved.

        Exact, look-alike, transliterated and inflected matches of the whole name are sure;
        so is a name that is part of exactly one label set ("Azizov"); near spellings never.
        """
        ranked = self.find(name, kind, limit=None, thorough=False)
        if not ranked or ranked[0].score < PARTIAL:
            return [], ranked[:5]
        top = ranked[0].score if ranked[0].score < CONFIDENT else CONFIDENT
        sure = [m for m in ranked if m.score >= top]
        best = max(m.score for m in sure)
        return [m for m in sure if m.score == best] if best >= CONFIDENT else sure, ranked[:5]


def _rank(found: list[Match], kind: str | None, limit: int | None) -> list[Match]:
    best: dict[str, Match] = {}
    for m in found:
        if kind and m.kind != kind:
            continue
        old = best.get(m.id)
        if old is None or (m.score, m.why == "id", "(" not in m.why) > (
                old.score, old.why == "id", "(" not in old.why):
            best[m.id] = m
    ranked = sorted(best.values(), key=lambda m: (-m.score, fold(m.label), m.id))
    return ranked if limit is None else ranked[:limit]


def describe_match(m: Match) -> str:
    """One line for a candidate: label, id, kind, score and why."""
    return f"{m.label}  ({m.id}, {m.kind}; {m.score}, {m.why})"
