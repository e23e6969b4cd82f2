"""``cinecoop find``: ranked candidates for a name, read from the last build's ``names.json``.

The build writes every entity's labels and sources once (``out/names.json``); ``find`` loads
that file and the name matcher (:mod:`graph.names`) without rdflib or the store, so a lookup
over 100,000 labels starts and answers in a fraction of a second.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph.data.diff import NAMES_FILE, read_snapshot
from graph.names import Candidate, Match, NameIndex


class LookupFailed(Exception):
    """No names to search, or a bad --kind."""


KINDS = ("person", "organisation", "event", "place", "country")


def index_of(snapshot: dict[str, Any]) -> NameIndex:
    return NameIndex([Candidate(ident, e["kind"], tuple(e["labels"]) or (ident,),
                                tuple(e["sources"]))
                      for ident, e in snapshot["entities"].items()])


def load_index(out_dir: Path) -> NameIndex:
    snap = read_snapshot(out_dir / NAMES_FILE)
    if snap is None:
        raise LookupFailed(f"no {NAMES_FILE} in {out_dir}; run 'cinecoop build'")
    return index_of(snap)


def find(out_dir: Path, name: str, kind: str | None = None, limit: int = 10) -> list[Match]:
    if kind is not None and kind not in KINDS:
        raise LookupFailed(f"--kind {kind!r}: use one of {', '.join(KINDS)}")
    if not name.strip():
        raise LookupFailed("give a name to look for")
    return load_index(out_dir).find(name, kind=kind, limit=limit)


def table(matches: list[Match]) -> list[str]:
    """One line per candidate: id, kind, best label, score, why, sources (aligned)."""
    rows = [(m.id, m.kind, m.label, str(m.score), m.why, " ".join(m.sources) or "-")
            for m in matches]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    return ["  ".join(c.ljust(w) for c, w in zip(r[:5], widths, strict=True)) + "  " + r[5]
            for r in rows]
