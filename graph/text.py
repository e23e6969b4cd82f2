"""Source texts and names: paragraphs, case- and diacritic-insensitive matching.

>>> fold("Hoçazfilm")
'hocazfilm'
>>> fold("АЗИЗОВ") == fold("азизов")
True
>>> name_in_text("Кямран Гасымов", "под модераторством Кямрана Гасымова", person=True)
True
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

WORD_RE = re.compile(r"\w+", re.UNICODE)
SOURCES_ENV = "CINECOOP_SOURCES"


def fold(text: str) -> str:
    """Lower-case, strip diacritics (ç→c, İ→i, ё→е, ü→u), keep Cyrillic letters."""
    text = text.replace("ı", "i").replace("İ", "I")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).replace("ё", "е")


def words(text: str) -> list[str]:
    return WORD_RE.findall(fold(text))


def paragraphs(text: str) -> list[str]:
    """Blank-line-separated blocks of a text, in order (paragraph N is index N-1)."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _stem(word: str) -> str:
    # tolerate inflection (Russian cases, English -ish/-i): drop up to two final letters
    return word if len(word) <= 4 else word[: max(4, len(word) - 2)]


def _phrase_in(label_words: list[str], text_words: list[str]) -> bool:
    stems = [_stem(w) for w in label_words]
    n = len(stems)
    for i in range(len(text_words) - n + 1):
        if all(text_words[i + j].startswith(stems[j]) for j in range(n)):
            return True
    return False


def name_in_text(name: str, text: str, person: bool = False) -> bool:
    """Whether ``text`` mentions ``name`` (inflection-tolerant); a person also by surname."""
    label_words, text_words = words(name), words(text)
    if not label_words:
        return False
    if _phrase_in(label_words, text_words):
        return True
    return person and len(label_words) > 1 and _phrase_in(label_words[-1:], text_words)


def sources_dir(option: str | Path | None = None) -> Path | None:
    """The folder of source texts: the --sources option, else $CINECOOP_SOURCES, else None."""
    value = option or os.environ.get(SOURCES_ENV)
    return Path(value) if value else None


def read_paragraphs(folder: Path, file_name: str) -> list[str] | None:
    path = folder / file_name
    if not path.is_file():
        return None
    return paragraphs(path.read_text(encoding="utf-8"))


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    r"""``text`` safe for a terminal: control and separator characters written as ``\uXXXX``
    (a label can never send an escape sequence to the terminal that shows it).

    >>> printable("Baku\x1b[31m red")
    'Baku\\u001b[31m red'
    """
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
