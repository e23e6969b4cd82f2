r"""Source texts: where they are and their paragraphs (names are matched in graph.names).

>>> paragraphs("One.\n\nTwo,\nstill two.\n")
['One.', 'Two,\nstill two.']
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

SOURCES_ENV = "CINECOOP_SOURCES"


def replace_each(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    """``text`` with each ``(old, new)`` of ``pairs`` replaced in turn, only where ``old``
    occurs (the escapes of HTML and XML: most names and values hold none of them, and a test
    is cheaper than a replace or a ``str.translate`` that looks up every character)."""
    for old, new in pairs:
        if old in text:
            text = text.replace(old, new)
    return text


def paragraphs(text: str) -> list[str]:
    """Blank-line-separated blocks of a text, in order (paragraph N is index N-1)."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


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


def text_checksum(raw: bytes) -> str:
    """The checksum a source record keeps of its text (``sha256:<hex>``)."""
    return "sha256:" + hashlib.sha256(raw).hexdigest()
