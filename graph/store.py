"""Where the triples live (placeholder until the stores land: in-memory only)."""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset


def write_local_store(out_dir: Path, ds: Dataset) -> None:
    """Write the on-disk store next to the text outputs (no-op until Oxigraph lands)."""
    return None
