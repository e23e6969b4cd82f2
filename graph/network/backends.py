"""Which optional graph engine is installed: python-igraph (the ``fast`` extra) or networkx only."""

from __future__ import annotations

import functools
import importlib.util

__all__ = ["igraph_available"]


@functools.cache
def igraph_available() -> bool:
    """True when python-igraph can be imported (checked once per process, without importing)."""
    return importlib.util.find_spec("igraph") is not None
