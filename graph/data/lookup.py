"""``cinecoop find``: ranked candidates for a name, from the last build's ``names.tsv``.

The build writes one row per label (id, kind, best label, citing sources, the label, its folded
form and its transliteration skeleton) to ``out/names.tsv``, headed by a fingerprint of
``data/``. ``find`` reads that table into the name matcher (:mod:`graph.names`) without
rdflib, YAML or the store, and without folding anything again, so a lookup over 100,000 labels
starts and answers in a fraction of a second. When ``data/`` changed since, it reads the
records themselves: ``find`` never builds, so the last build stays the one ``diff`` and
``CHANGES.md`` compare with.
"""

from __future__ import annotations

from pathlib import Path

from graph.data.outputs import is_current
from graph.names import Match, NameIndex

TABLE = "names.tsv"
HEADER = "# cinecoop names; data "
KINDS = ("country", "place", "organisation", "person", "event")


class LookupFailed(Exception):
    """No names to search, or a bad --kind."""


def built_index(out_dir: Path, data_dir: Path | None = None) -> NameIndex | None:
    """The last build's names, or None when there is none or ``data_dir`` changed since
    (then the caller reads the records: :func:`graph.data.duplicates.record_names`)."""
    try:
        text = (out_dir / TABLE).read_text(encoding="utf-8")
    except OSError:
        return None
    _, _, body = text.partition("\n")
    if data_dir is not None and data_dir.is_dir() and not is_current(data_dir, out_dir):
        return None     # one stat per file decides, as for every reader
    return NameIndex.from_table(body)


def find(index: NameIndex, name: str, kind: str | None = None, limit: int = 10) -> list[Match]:
    if kind is not None and kind not in KINDS:
        raise LookupFailed(f"--kind {kind!r}: use one of {', '.join(KINDS)}")
    if not name.strip():
        raise LookupFailed("give a name to look for")
    return index.find(name, kind=kind, limit=limit)


def table(matches: list[Match]) -> list[str]:
    """One line per candidate: id, kind, best label, score, why, sources (aligned)."""
    rows = [(m.id, m.kind, m.label, str(m.score), m.why, " ".join(m.sources) or "-")
            for m in matches]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    return ["  ".join(c.ljust(w) for c, w in zip(r[:5], widths, strict=True)) + "  " + r[5]
            for r in rows]
