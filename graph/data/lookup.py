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

from graph.data.duplicates import KINDS, entity_labels
from graph.data.records import Record, read_records
from graph.files import fingerprint
from graph.names import Candidate, Match, NameIndex

TABLE = "names.tsv"
HEADER = "# cinecoop names; data "


class LookupFailed(Exception):
    """No names to search, or a bad --kind."""


def candidates(records: list[Record]) -> list[Candidate]:
    """Every entity record as a candidate with a graph id (``person/rashad-azizov``)."""
    out = []
    for rec in records:
        if rec.kind in KINDS:
            labels = tuple(dict.fromkeys(text for _, text in entity_labels(rec)))
            out.append(Candidate(f"{rec.kind}/{rec.id}", rec.kind, labels or (rec.id,),
                                 tuple(sorted({s for s, _ in rec.cites()}))))
    return out


def names_table(records: list[Record], data_fingerprint: str) -> str:
    """The text of ``names.tsv`` (a build writes it)."""
    return f"{HEADER}{data_fingerprint}\n" + NameIndex.table(candidates(records))


def load_index(out_dir: Path, data_dir: Path | None = None) -> NameIndex:
    """The names of the last build when it is current (or there is no data/), else of data/."""
    try:
        text: str | None = (out_dir / TABLE).read_text(encoding="utf-8")
    except OSError:
        text = None
    head = text.split("\n", 1)[0] if text else ""
    if data_dir is not None and data_dir.is_dir() and (
            head != HEADER + fingerprint((data_dir,))):
        records, problems = read_records(data_dir)
        errors = [p for p in problems if p.level == "error"]
        if errors:
            raise LookupFailed(str(errors[0]).splitlines()[0] + " (run 'cinecoop validate')")
        return NameIndex(candidates(records))
    if text is None:
        raise LookupFailed(f"no data folder and no {TABLE} in {out_dir}; run 'cinecoop build'")
    return NameIndex.from_table(text.split("\n", 1)[1])


def find(out_dir: Path, name: str, kind: str | None = None, limit: int = 10,
         data_dir: Path | None = None) -> list[Match]:
    if kind is not None and kind not in KINDS:
        raise LookupFailed(f"--kind {kind!r}: use one of {', '.join(KINDS)}")
    if not name.strip():
        raise LookupFailed("give a name to look for")
    return load_index(out_dir, data_dir).find(name, kind=kind, limit=limit)


def table(matches: list[Match]) -> list[str]:
    """One line per candidate: id, kind, best label, score, why, sources (aligned)."""
    rows = [(m.id, m.kind, m.label, str(m.score), m.why, " ".join(m.sources) or "-")
            for m in matches]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    return ["  ".join(c.ljust(w) for c, w in zip(r[:5], widths, strict=True)) + "  " + r[5]
            for r in rows]
