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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from anyascii import anyascii

__all__ = ["Candidate", "Match", "NameIndex", "fold", "skeleton", "words", "mixed_script",
           "name_in_text", "mention", "word_keys", "EXACT", "CONFIDENT", "PARTIAL"]

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
    out = anyascii(word.replace("ə", "@").replace("ә", "@")).lower()
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
    from rapidfuzz.distance import OSA  # lazy: only near spellings need it (13 ms to import)

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
        if _is_cyrillic(query) and query[:2] == label[:2] and lemmas(query) & lemmas(label):
            return "inflected form"
    elif _skel_word(query) and _suffixed(_skel_word(query), _skel_word(label)):
        return "inflected form"
    if near and (_near(query, label) is not None or
                 _near(_skel_word(query), _skel_word(label)) is not None):
        return "1 edit"
    return None


@functools.lru_cache(maxsize=65536)
def word_keys(word: str) -> frozenset[str]:
    """Keys that two folded words share whenever :func:`word_match` says they are the same
    word, near spellings included: the same skeleton, the same first four letters (folded or
    transliterated: an inflected form), a dictionary form of a Russian word together with
    its first two letters (what :func:`word_match` asks of an inflected Russian word), or a
    shared one-deletion form of the folded word or of its skeleton (a word one edit off
    another shares one: insertion, deletion, substitution or swap). Two labels that
    :class:`NameIndex` matches whole share a key at every word, so a comparison of all pairs
    need only compare those.

    >>> bool(word_keys("pirimov") & word_keys("primov"))
    True
    >>> bool(word_keys("azizov") & word_keys("abbasov"))
    False
    """
    skel = _skel_word(word)
    keys = {"s" + skel}
    if len(word) >= 4:
        keys.add("f" + word[:4])
    if len(skel) >= 4:
        keys.add("k" + skel[:4])
    if _is_cyrillic(word):   # a word has no space: the key says where its prefix ends
        keys.update(f"l{word[:2]} {lemma}" for lemma in lemmas(word))
    for form in {word, skel}:
        if len(form) >= 5:
            keys.add("d" + form)
            keys.update("d" + form[:i] + form[i + 1:] for i in range(len(form)))
    return frozenset(keys)


def _phrase(query: list[str], text: list[str], near: bool = False) -> tuple[int, str] | None:
    """Where the words of ``query`` run in ``text`` (start, why), or None.

    With ``near``, a word may be misspelt, but not every word (two words both one edit
    off are two other names: "Anar Mammadov" is not "Amil Mammadli").
    """
    n = len(query)
    for i in range(len(text) - n + 1):
        reasons = []
        for j in range(n):
            why = word_match(query[j], text[i + j], near)
            if why is None:
                break
            reasons.append(why)
        else:
            if n > 1 and all(r.endswith(("edit", "edits")) for r in reasons):
                continue
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


def mention(name: str, text: str, person: bool = False, near: bool = False) -> str | None:
    """Why ``text`` mentions ``name`` (inflection- and script-tolerant), or None.

    A person is mentioned by the full name or, after the first mention, by the surname;
    ``near`` also accepts the full name misspelt (one edit per word of five letters or more).
    """
    name_words, text_words = words(name), words(text)
    if not name_words:
        return None
    found = _phrase(name_words, text_words)
    if found is None and near:
        found = _phrase(name_words, text_words, near=True)
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
    keys: tuple[tuple[str, str], ...] = ()  # (fold, skeleton) per label, when precomputed


def _flat(text: str) -> str:
    """A label on one line of the index (tabs, line breaks and form feeds as spaces)."""
    return re.sub(r"[\t\n\r\f\v\x1c-\x1e\x85\u2028\u2029]", " ", text)


def label_keys(label: str) -> tuple[str, str]:
    """What the index keeps of a label: its folded form and its skeleton."""
    f = fold(label)
    return f, " ".join(_skel_word(w) for w in f.split())


@dataclass(frozen=True)
class Match:
    id: str
    kind: str
    label: str       # the candidate's best label
    matched: str     # the label (or id) that matched
    score: int
    why: str
    sources: tuple[str, ...] = ()


ID_KEY = re.compile(r"^[\w\-./]+$")


class NameIndex:
    """Folded and transliterated keys of every label, one line per label in three texts.

    ``rows`` (id, kind, best label, sources, label; tab-separated), ``folds`` and ``skels``
    hold line N for label N. ``find`` looks names up by equal keys first (exact, look-alike,
    transliteration), then word by word in the labels whose words start like the query's
    (inflection, part of a label), then by near spelling (rapidfuzz). The key texts are
    searched with regular expressions as they are, and an index read from a build's
    ``names.tsv`` (:meth:`from_table`) starts without folding or splitting anything, so
    100,000 labels take milliseconds.
    """

    def __init__(self, candidates: Iterable[Candidate] = ()) -> None:
        rows, folds, skels = [], [], []
        for cand in candidates:
            keys = cand.keys if len(cand.keys) == len(cand.labels) else [
                label_keys(label) for label in cand.labels]
            head = "\t".join((cand.id, cand.kind, _flat(cand.labels[0]), " ".join(cand.sources)))
            for label, (f, sk) in zip(cand.labels, keys, strict=True):
                rows.append(f"{head}\t{_flat(label)}\n")
                folds.append(f + "\n")
                skels.append(sk + "\n")
        self._texts = ["".join(rows), "".join(folds), "".join(skels)]
        self._lines: dict[int, list[str]] = {}

    @classmethod
    def from_table(cls, text: str) -> NameIndex:
        """An index from :meth:`table` text."""
        index = cls()
        parts = text.split("\f")
        if len(parts) == 3:
            index._texts = parts
        return index

    def keys(self) -> dict[str, tuple[str, str]]:
        """Each label's (fold, skeleton), as the index holds them (a label with a tab or a
        line break under its one-line form: the keys are the same, words are split alike)."""
        rows, folds, skels = (self._column(i) for i in range(3))
        return {row[row.rindex("\t") + 1:]: (f, sk)
                for row, f, sk in zip(rows, folds, skels, strict=False) if row}

    def table(self) -> str:
        """The index as text: what a build writes to ``names.tsv``."""
        return "\f".join(self._texts)

    def _column(self, which: int) -> list[str]:
        """The lines of one text (0 rows, 1 folds, 2 skeletons), split once when needed."""
        if which not in self._lines:
            self._lines[which] = self._texts[which].split("\n")
        return self._lines[which]

    def _search(self, pattern: str, which: int, cap: int = 5000) -> list[int]:
        """Lines of a text (0 rows, 1 folds, 2 skeletons) where ``pattern`` (a regex) matches."""
        text = self._texts[which]
        return self._lines_at(text, (m.start() for m in re.finditer(pattern, text,
                                                                     re.MULTILINE)), cap)

    def _starting(self, prefix: str, which: int, whole: bool = False,
                  cap: int = 5000) -> list[int]:
        """Lines that are ``prefix`` (``whole``) or have a word starting with it: found by
        ``str.find``, the fastest scan Python has."""
        text = self._texts[which]
        needles = [("\n" + prefix + "\n")] if whole else ["\n" + prefix, " " + prefix]
        hits: list[int] = [0] if text.startswith(prefix + ("\n" if whole else "")) else []
        for needle in needles:
            pos = text.find(needle)
            while pos >= 0 and len(hits) < 4 * cap:
                hits.append(pos + 1)
                pos = text.find(needle, pos + 1)
        return self._lines_at(text, iter(sorted(hits)), cap)

    @staticmethod
    def _lines_at(text: str, positions: Iterator[int], cap: int) -> list[int]:
        out: list[int] = []
        line, last = 0, 0
        for pos in positions:
            line += text.count("\n", last, pos)
            last = pos
            if not out or out[-1] != line:
                out.append(line)
                if len(out) >= cap:
                    break
        return out

    def has_fold(self, folded: str) -> bool:
        """Whether a label's folded form (:func:`fold`) is ``folded``."""
        return bool(self._equal(folded, 1))

    def _equal(self, query: str, which: int) -> list[int]:
        return self._starting(query, which, whole=True) if query else []

    def _match(self, li: int, score: int, why: str) -> Match:
        ident, kind, best, src, label = self._column(0)[li].split("\t")
        return Match(ident, kind, best, label, score, why, tuple(src.split()))

    def _by_id(self, name: str) -> list[Match]:
        """The entity whose id (``person/rashad-azizov``) or its last part is ``name``."""
        key = name.strip().strip("/").casefold()
        if not ID_KEY.match(key):
            return []
        text = self._texts[0]
        for needle in ("\n" + key + "\t", "/" + key + "\t"):
            pos = 0 if needle[0] == "\n" and text.startswith(key + "\t") else text.find(needle)
            while pos >= 0:
                start = text.rfind("\n", 0, pos + 1) + 1 if pos else 0
                if "\t" not in text[start:pos + 1]:   # in the id column
                    m = self._match(text.count("\n", 0, start), EXACT, "id")
                    return [replace(m, matched=m.id)]
                pos = text.find(needle, pos + 1)
        return []

    def _equal_labels(self, name: str, qwords: list[str]) -> Iterator[tuple[int, bool]]:
        """(line, whether only look-alike letters make it equal) of each label whose folded
        form is the name's."""
        plain = " ".join(words(name, unmix=False))
        for li in self._equal(" ".join(qwords), 1):
            label = self._column(0)[li].split("\t")[4]
            yield li, plain != " ".join(words(label, unmix=False)) and bool(
                mixed_script(name) or mixed_script(label))

    def exact_ids(self, name: str) -> set[str]:
        """The ids of the entities with a label that is ``name`` once folded, in the same
        letters: the labels :meth:`find` scores exact (ids as names aside)."""
        return {self._column(0)[li].partition("\t")[0]
                for li, homoglyph in self._equal_labels(name, words(name)) if not homoglyph}

    def _word_hits(self, qwords: list[str], dictionary: bool = False) -> set[int]:
        """Labels that may hold the query's words: those with a word starting like its
        longest word does (folded or transliterated; or its dictionary forms)."""
        word = max(qwords, key=len)
        forms = set(lemmas(word)) - {word} if dictionary else {word}
        hits: set[int] = set()
        for form in forms:
            for key, which in ((form, 1), (_skel_word(form), 2)):
                stem = key[:max(3, len(key) - 3)]
                if stem:
                    hits.update(self._starting(stem, which))
        return hits

    def _by_words(self, qwords: list[str]) -> list[Match]:
        out = self._by_words_in(self._word_hits(qwords), qwords)
        if not out and any(_is_cyrillic(w) for w in qwords):
            out = self._by_words_in(self._word_hits(qwords, dictionary=True), qwords)
        return out

    def _by_words_in(self, hits: set[int], qwords: list[str]) -> list[Match]:
        out = []
        for li in sorted(hits):
            lwords = self._column(1)[li].split()
            run = _phrase(qwords, lwords)
            if run is None:
                continue
            whole = len(lwords) == len(qwords)
            why = run[1] or "exact"
            if whole and why == "exact":
                continue  # the same folded words: found (and told apart) by equal keys
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
        from rapidfuzz import fuzz, process  # lazy: an exact name (show, --param) needs none

        found = process.extract(qskel, self._column(2), scorer=fuzz.ratio, score_cutoff=70,
                                limit=50)
        out = []
        for _, ratio, li in found:
            lwords = self._column(1)[li].split()
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
        found = self._by_id(name)
        for li, homoglyph in self._equal_labels(name, qwords):
            found.append(self._match(li, HOMOGLYPH if homoglyph else EXACT,
                                     "look-alike letters" if homoglyph else "exact"))
        qskel = " ".join(_skel_word(w) for w in qwords)
        found += [self._match(li, TRANSLIT, "transliteration")
                  for li in self._equal(qskel, 2)]
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
        if old is None or (m.score, m.why != "id", "(" not in m.why) > (
                old.score, old.why != "id", "(" not in old.why):
            best[m.id] = m
    ranked = sorted(best.values(), key=lambda m: (-m.score, fold(m.label), m.id))
    return ranked if limit is None else ranked[:limit]


def describe_match(m: Match) -> str:
    """One line for a candidate: label, id, kind, score and why."""
    return f"{m.label}  ({m.id}, {m.kind}; {m.score}, {m.why})"
