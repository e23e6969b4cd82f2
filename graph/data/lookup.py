"""``cinecoop find``: ranked candidates for a name, from the last build's ``names.json``.

The build writes every entity's labels and sources once (``out/names.json``, with a
fingerprint of ``data/``); ``find`` loads that file and the name matcher (:mod:`graph.names`)
without rdflib or the store, so a lookup over 100,000 labels starts and answers in a fraction
of a second. When ``data/`` changed since, it reads the records themselves: ``find`` never
builds, so the last build stays the one ``diff`` and ``CHANGES.md`` compare with.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph.data.diff import NAMES_FILE, read_snapshot, snapshot
from graph.data.records import read_records
from graph.files import fingerprint
from graph.names import Candidate, Match, NameIndex


class LookupFailed(Exception):
    """No names to search, or a bad --kind."""


KINDS = ("person", "organisation", "event", "place", "country")


def index_of(snapshot: dict[str, Any]) -> NameIndex:
    return NameIndex([Candidate(ident, e["kind"], tuple(e["labels"]) or (ident,),
                                tuple(e["sources"]))
                      for ident, e in snapshot["entities"].items()])


def load_index(out_dir: Path, data_dir: Path | None = None) -> NameIndex:
    """The names of the last build when it is current (or there is no data/), else of data/."""
    snap = read_snapshot(out_dir / NAMES_FILE)
    if data_dir is not None and data_dir.is_dir() and (
            snap is None or snap.get("data_fingerprint") != fingerprint((data_dir,))):
        records, problems = read_records(data_dir)
        errors = [p for p in problems if p.level == "error"]
        if errors:
            raise LookupFailed(str(errors[0]).splitlines()[0] + " (run 'cinecoop validate')")
        snap = snapshot(records)
    if snap is None:
        raise LookupFailed(f"no data folder and no {NAMES_FILE} in {out_dir}; run "
                           "'cinecoop build'")
    return index_of(snap)


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
