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


def text_checksum(raw: bytes) -> str:
    """The checksum a source record keeps of its text (``sha256:<hex>``)."""
    return "sha256:" + hashlib.sha256(raw).hexdigest()
