"""``cinecoop paras``: an article's paragraphs with what each one mentions.

For each paragraph: the entities of ``data/`` it mentions (the words it uses, the id, and why
they match: the one name matcher of :mod:`graph.names`), then the names in it that match no
entity, each with its closest existing entity when there is one. Candidate names are runs of
capitalised words (with "of", "and", "for" between them in English); a capitalised word that
only starts a sentence counts when the Russian dictionary (``pymorphy3``) says it is a name,
a surname, a place or an organisation, or does not know it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from graph.data.curate import CurateError, _records
from graph.data.duplicates import KINDS, entity_labels, record_index
from graph.data.records import Record
from graph.names import WORD_RE, Match, NameIndex, _morph, mention, words
from graph.text import read_paragraphs

JOINERS = {"of", "and", "for", "the", "de", "и"}
SENTENCE_END = (".", "!", "?", "…", ":", "-", "|", "—")
NAME_TAGS = ("Name", "Surn", "Patr", "Geox", "Orgn", "Abbr", "UNKN")


@dataclass
class Paragraph:
    number: int
    text: str
    mentions: list[tuple[str, str, str]] = field(default_factory=list)  # (words, id, why)
    unknown: list[tuple[str, Match | None]] = field(default_factory=list)


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in WORD_RE.finditer(text)]


def _runs(text: str, tokens: list[tuple[str, int, int]], n: int) -> list[str]:
    return [text[tokens[i][1]:tokens[i + n - 1][2]] for i in range(len(tokens) - n + 1)]


def _surface(label: str, text: str, near: bool = False) -> str | None:
    """The words of ``text`` that a label's mention spans (a run as long as the label)."""
    tokens = _tokens(text)
    for run in _runs(text, tokens, len(words(label))):
        if mention(label, run, near=near):
            return run
    return None


def _mentions(text: str, entities: list[Record]) -> list[tuple[str, str, str]]:
    found: dict[str, tuple[str, str, str]] = {}
    for rec in entities:
        for near in (False, True):
            for _, label in entity_labels(rec):
                why = mention(label, text, person=rec.kind == "person" and not near, near=near)
                if why and rec.id not in found:
                    surface = _surface(label, text, near) or (
                        _surface(label.split()[-1], text) if rec.kind == "person" else None)
                    found[rec.id] = (surface or label, f"{rec.kind}/{rec.id}", why)
    return sorted(found.values(), key=lambda m: (text.find(m[0]), m[1]))


def _namelike(word: str) -> bool:
    """Whether a capitalised Russian word is a name (or a word the dictionary does not know)."""
    tags = str(_morph().parse(word.lower())[0].tag)
    return any(t in tags for t in NAME_TAGS)


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before.endswith(SENTENCE_END)


def candidate_names(text: str) -> list[str]:
    """Runs of capitalised words (joined by spaces or one hyphen, dot or apostrophe)."""
    tokens = _tokens(text)
    runs: list[tuple[int, int]] = []
    current: list[int] = []

    def close() -> None:
        while current and tokens[current[-1]][0].lower() in JOINERS:
            current.pop()
        if current:
            runs.append((tokens[current[0]][1], tokens[current[-1]][2]))
        current.clear()

    for i, (tok, start, _) in enumerate(tokens):
        gap = text[tokens[i - 1][2]:start] if i else ""
        if current and not (gap.isspace() or gap in ("-", ".", "'", "’")):
            close()
        capital = tok[:1].isupper() and len(tok) > 1 and not tok.isdigit()
        nxt = tokens[i + 1][0] if i + 1 < len(tokens) else ""
        if capital and not current and _sentence_start(text, start):
            cyrillic = bool(re.search("[а-яё]", tok.lower()))
            capital = _namelike(tok) if cyrillic else nxt[:1].isupper()
        if capital:
            current.append(i)
        elif current and tok.lower() in JOINERS and nxt[:1].isupper():
            current.append(i)
        else:
            close()
    close()
    return list(dict.fromkeys(text[a:b] for a, b in runs))


def _unknown(text: str, mentioned: list[tuple[str, str, str]],
             index: NameIndex) -> list[tuple[str, Match | None]]:
    for surface, _, _ in sorted(mentioned, key=lambda m: -len(m[0])):
        text = text.replace(surface, " | ")
    known = {m[1] for m in mentioned}
    out = []
    for name in candidate_names(text):
        near = [m for m in index.find(name, limit=3) if m.score >= 75]
        if near and near[0].score >= 90 and f"{near[0].kind}/{near[0].id}" in known:
            continue  # the same entity, mentioned again in another form
        out.append((name, near[0] if near else None))
    return out


def read_source(data_dir: Path, sources: Path | None, source: str,
                numbers: tuple[int, ...] = ()) -> list[Paragraph]:
    """The numbered paragraphs of one source, each with its mentions and unknown names."""
    records = _records(data_dir)
    src = next((r for r in records if r.kind == "source" and (
        r.id == source or r.id.startswith(source))), None)
    if src is None:
        known = ", ".join(r.id for r in records if r.kind == "source")
        raise CurateError(f"no source {source!r}; sources: {known}")
    if sources is None:
        raise CurateError("no sources folder: give --sources DIR (or CINECOOP_SOURCES)")
    blocks = read_paragraphs(sources, str(src.data["file"]))
    if blocks is None:
        raise CurateError(f"{src.data['file']} is not in {sources}")
    bad = [n for n in numbers if not 1 <= n <= len(blocks)]
    if bad:
        raise CurateError(f"{src.id} has paragraphs 1 to {len(blocks)}, not {bad[0]}")
    entities = [r for r in records if r.kind in KINDS]
    index = record_index(entities)
    out = []
    for n in numbers or tuple(range(1, len(blocks) + 1)):
        para = Paragraph(n, blocks[n - 1], _mentions(blocks[n - 1], entities))
        para.unknown = _unknown(blocks[n - 1], para.mentions, index)
        out.append(para)
    return out
