"""cinecoop: a knowledge graph of cross-border cinema cooperation.

The Python API (:mod:`graph.api`) is re-exported here; it is imported on first use, so that
``import graph`` (and ``cinecoop --help``) stays instant::

    import graph
    kg = graph.open_graph("out", data="data")
    graph.query(kg, "posts-of", person="Rashad Azizov").to_dataframe()

Layers, each a subpackage whose ``__init__`` says what it may import: :mod:`graph.data`
(records to RDF), :mod:`graph.sparql` (stores and queries), :mod:`graph.network` (networkx
views and analytics), :mod:`graph.web` (maps and the site); :mod:`graph.cli` on top.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["OpenGraph", "Rows", "open_graph", "query", "describe", "find", "view", "write_map"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from graph import api  # lazy: import graph stays instant (the CLI imports it)

        return getattr(api, name)
    raise AttributeError(f"module 'graph' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
