"""What is kept beside the build, keyed by the hash of the quads it was made from.

:func:`kept` returns a value derived from the build in ``out_dir`` (a projection, a view in
plain form, a table of centrality scores), made once per build and per parameters: the first
command that needs it makes it and writes ``<name>-<hash>[-<params>].pickle`` into the build's
own folder (so it is published and removed with that build); later commands load it. The
hash is the ``content`` field of ``manifest.json``: a rebuild whose quads differ has another
hash, in another folder, so nothing kept can be read for the wrong build. A file whose
recorded key differs is ignored and written again; a read-only folder keeps nothing.

:func:`cached_projection` is the networkx projection (:func:`graph.network.projection.project`)
kept that way; networkx is imported only when a projection is asked for. It is made from the
build's ``graph.nt`` (the store's default graph, the same lines the store was loaded from:
:mod:`graph.sparql.ntriples`), read as text, or from the store when that file is missing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from graph.data.outputs import MANIFEST

__all__ = ["kept", "kept_file", "build_folder", "cached_projection", "is_large", "nt_size",
           "PROJECTION_VERSION", "KEPT_VERSION"]

T = TypeVar("T")
PROJECTION_VERSION = 1
KEPT_VERSION = 2      # the plain forms of views and the centrality tables
#: From this size of ``graph.nt`` (about 400 events), a new projection is written to its
#: file by a forked child while the command goes on.
LARGE_BYTES = 10_000_000


def _content(out_dir: Path) -> tuple[Path, str] | None:
    """(the build folder, the content hash) from the manifest, or None for an older build."""
    path = out_dir / MANIFEST
    try:
        content = json.loads(path.read_text(encoding="utf-8")).get("content")
    except (OSError, ValueError):
        return None
    if not isinstance(content, str) or not content.isalnum():
        return None
    return path.resolve().parent, content


def build_folder(out_dir: Path) -> Path | None:
    """The build's own folder (where its caches are kept), or None for an older build."""
    found = _content(out_dir)
    return found[0] if found else None


def kept(out_dir: Path, name: str, params: dict[str, Any] | None, make: Callable[[], T],
         version: int = KEPT_VERSION, check: Callable[[Any], bool] | None = None,
         beside: bool = False) -> T:
    """``make()`` for the build in ``out_dir`` and ``params`` (JSON-able), kept beside it.

    ``check`` may refuse a loaded value (made by an older version of the code); ``beside``:
    a new value is written by a forked child (:func:`graph.files.keep_pickle`)."""
    found = _kept_at(out_dir, name, params, version)
    if found is None:
        return make()
    path, key = found
    from graph.files import keep_pickle  # lazy: tempfile and shutil, only to write

    return keep_pickle(path, key, make, check, beside)


def kept_file(out_dir: Path, name: str, params: dict[str, Any] | None,
              version: int = KEPT_VERSION) -> Path | None:
    """Where :func:`kept` keeps what it makes of ``name`` and ``params`` (None for an older
    build, which keeps nothing): a caller may look whether it is there."""
    found = _kept_at(out_dir, name, params, version)
    return found[0] if found else None


def _kept_at(out_dir: Path, name: str, params: dict[str, Any] | None,
             version: int) -> tuple[Path, str] | None:
    """The file and the key of what is kept of ``name`` and ``params``."""
    found = _content(out_dir)
    if found is None:
        return None
    folder, content = found
    key = f"{content}-v{version}"
    tag = ""
    if params is not None:
        text = json.dumps(params, sort_keys=True, ensure_ascii=False)
        key += "|" + text
        tag = "-" + hashlib.sha256(text.encode()).hexdigest()[:12]
    return folder / f"{name}-{content[:16]}{tag}.pickle", key


def cached_projection(out_dir: Path, graph: Callable[[], Any]) -> Any:
    """The projection (an ``nx.MultiDiGraph``) of the build in ``out_dir``; ``graph()`` opens
    the graph to project when no kept projection matches the build."""
    import networkx as nx  # lazy: only a command that needs the projection loads networkx

    from graph.network.projection import project  # lazy: as above (networkx, rdflib)
    from graph.sparql.ntriples import Unreadable, lines_reader  # lazy: to project

    def make() -> Any:
        lines = lines_reader(build_folder(out_dir))  # the store's triples, read as text
        if lines is not None:
            try:
                return project(lines)
            except Unreadable:
                pass
        return project(graph())

    # a large projection is written by a child while this process uses it
    return kept(out_dir, "projection", None, make, version=PROJECTION_VERSION,
                check=lambda G: isinstance(G, nx.MultiDiGraph), beside=is_large(out_dir))


def is_large(out_dir: Path) -> bool:
    """Whether the build in ``out_dir`` is large (``graph.nt`` over :data:`LARGE_BYTES`):
    where work is worth a forked child."""
    return nt_size(build_folder(out_dir)) > LARGE_BYTES


def nt_size(folder: Path | None) -> int:
    """The size in bytes of the ``graph.nt`` of the build folder ``folder`` (0 when there is
    none): how large a build is, for the choices that depend on it (each with its bound)."""
    from graph.sparql.ntriples import NT_FILE  # lazy: as in cached_projection

    try:
        return 0 if folder is None else (folder / NT_FILE).stat().st_size
    except OSError:
        return 0
