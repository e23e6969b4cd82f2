"""How heavy work runs: in a forked process beside this one, and without collection passes.

:func:`beside` (:mod:`graph.forked`, shared with validation and the site) starts ``work`` in
a child forked from this process (it sees the parent's memory as it is: views and projections
are not copied or pickled to it) and returns the function that waits for its result. Where
processes do not fork, or the child fails, the work runs in this process when its result is
asked for, so the answer never depends on whether a child ran.

:func:`no_collection` stops Python's cyclic garbage collector while a large structure is made
(a projection, a view: hundreds of thousands of dicts and lists, none in a cycle): each
collection pass would walk every object alive, and building them triggers many passes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from graph.forked import beside

__all__ = ["beside", "no_collection"]


@contextmanager
def no_collection() -> Iterator[None]:
    """No cyclic garbage collection inside the block (reference counting still frees)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
