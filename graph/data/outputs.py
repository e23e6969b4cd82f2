"""What a build leaves in ``out/`` and whether it is current: light enough for every reader.

Commands that only read the graph import this module, not :mod:`graph.data.build` (which
pulls in validation and pyshacl), so they start fast; they build only when the inputs changed.

``manifest.json`` holds two fingerprints of ``data/`` and ``ontology/``: ``stat`` (each file's
path, size and modification time: cheap) and ``fingerprint`` (each file's path and bytes).
When ``stat`` matches, the build is current without reading a file; otherwise the bytes
decide (a ``touch`` does not cause a rebuild).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from graph.files import Entries, sorted_entries, write_atomic
from graph.ns import ONTOLOGY_DIR

__all__ = ["STORE_DIR", "OUTPUTS", "MANIFEST", "FORMAT_VERSION", "fingerprint",
           "stat_fingerprint", "is_current"]

STORE_DIR = "store"
OUTPUTS = ("graph.trig", "graph.ttl", "graph.nt")
MANIFEST = "manifest.json"
FORMAT_VERSION = 1


def fingerprint(data_dir: Path, ontology_dir: Path = ONTOLOGY_DIR,
                known: dict[str, str] | None = None, entries: Entries | None = None) -> str:
    """A hash of every input file's path and bytes (data and ontology): of each path with a
    hash of the file's bytes, that hash taken from ``known`` (path -> blake2b hex digest of
    16 bytes, as the build's record cache keeps them) when it is there. ``entries``: what
    :func:`~graph.files.sorted_entries` gave for ``data_dir`` (its ``stat`` calls are kept:
    a build walks the data folder once)."""
    h = hashlib.sha256(f"cinecoop-build-{FORMAT_VERSION}".encode())
    for root in (data_dir, ontology_dir):
        head = f"{root.name}/" if root.name else ""
        walked = entries if root is data_dir and entries is not None else sorted_entries(root)
        for below, entry in walked:
            if not entry.is_file():
                continue
            rel = head + below
            digest = known.get(rel) if known else None
            if digest is None:
                with open(os.path.join(root, below), "rb") as fh:
                    digest = hashlib.blake2b(fh.read(), digest_size=16).hexdigest()
            h.update(f"{rel}\0{digest}\n".encode())
    return h.hexdigest()


def _stat_lines(root: Path, entries: Entries | None = None) -> list[tuple[str, str]]:
    """(path below ``root``, ``path\0size\0mtime`` line) for every file under ``root``, the
    line's path relative to ``root.parent``; in the order the paths sort component by
    component (:func:`~graph.files.sorted_entries`), one ``stat`` per file; symlinked
    folders are not entered and symlinked files count, as with ``rglob``."""
    head = f"{root.name}/" if root.name else ""
    out = []
    for below, entry in sorted_entries(root) if entries is None else entries:
        if entry.is_file():
            st = entry.stat()
            out.append((below, f"{head}{below}\0{st.st_size}\0{st.st_mtime_ns}\n"))
    return out


def stat_fingerprint(data_dir: Path, ontology_dir: Path = ONTOLOGY_DIR,
                     entries: Entries | None = None) -> str:
    """A hash of every input file's path, size and modification time (no file is read).

    Every read command checks it: at 20,000 files it is one ``stat`` each, no more
    (``entries``: as for :func:`fingerprint`)."""
    h = hashlib.sha256(f"cinecoop-stat-{FORMAT_VERSION}".encode())
    for root in (data_dir, ontology_dir):
        h.update("".join(line for _, line in _stat_lines(
            root, entries if root is data_dir else None)).encode())
    return h.hexdigest()


def is_current(data_dir: Path, out_dir: Path) -> bool:
    """Whether ``out_dir`` holds the build of the current ``data_dir`` and ontology."""
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not all((out_dir / name).is_file() for name in OUTPUTS):
        return False
    stat = stat_fingerprint(data_dir)
    if manifest.get("stat") and manifest["stat"] == stat:
        return True
    if manifest.get("fingerprint") != fingerprint(data_dir):
        return False
    _refresh_stat(out_dir / MANIFEST, manifest, stat)
    return True


def _refresh_stat(path: Path, manifest: dict[str, object], stat: str) -> None:
    """The same bytes with new file times (a ``touch``, a checkout): keep the new times, so
    the next reader decides without reading every file again."""
    try:
        write_atomic(path.resolve(), json.dumps({**manifest, "stat": stat}, indent=2,
                                                sort_keys=True) + "\n")
    except OSError:
        pass    # a read-only build: the bytes decide each time, as before
