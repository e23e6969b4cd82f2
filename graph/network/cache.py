"""The projection kept beside the build, keyed by the hash of the quads it was made from.

:func:`cached_projection` returns the networkx projection of the built graph
(:func:`graph.network.projection.project`) without reading any RDF when the build has not
changed: the first network command after a build projects the Oxigraph store once and writes
``projection-<hash>.pickle`` into the build's own folder (so it is published and removed
with that build); later commands load it. The hash is the ``content`` field of
``manifest.json``; a cache file whose recorded hash differs is ignored and rewritten.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from graph.data.outputs import MANIFEST
from graph.files import write_atomic
from graph.network.projection import project

__all__ = ["build_folder", "cached_projection", "PROJECTION_VERSION"]

PROJECTION_VERSION = 1


def _content(out_dir: Path) -> tuple[Path, str] | None:
    """(the build folder, the content hash) from the manifest, or None for an older build."""
    path = out_dir / MANIFEST
    try:
        content = json.loads(path.read_text(encoding="utf-8")).get("content")
    except (OSError, ValueError):
        return None
    if not isinstance(content, str) or not content.isalnum():
        return None
    return path.resolve().parent, f"{content}-v{PROJECTION_VERSION}"


def build_folder(out_dir: Path) -> Path | None:
    """The build's own folder (where its caches are kept), or None for an older build."""
    found = _content(out_dir)
    return found[0] if found else None


def cached_projection(out_dir: Path, graph: Callable[[], Any]) -> nx.MultiDiGraph:
    """The projection of the build in ``out_dir``; ``graph()`` opens the graph to project
    when no cached projection matches the build."""
    found = _content(out_dir)
    if found is None:
        return project(graph())
    folder, key = found
    path = folder / f"projection-{key[:16]}.pickle"
    try:
        with path.open("rb") as fh:
            stored_key, G = pickle.load(fh)
        if stored_key == key and isinstance(G, nx.MultiDiGraph):
            return G
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
        pass
    G = project(graph())
    try:
        write_atomic(path, pickle.dumps((key, G), protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass   # a read-only build folder: the projection is simply not kept
    return G
