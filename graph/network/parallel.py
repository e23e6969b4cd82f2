"""How heavy work runs: in a forked process beside this one, and without collection passes.

:func:`beside` starts ``work`` in a child forked from this process (it sees the parent's
memory as it is: views and projections are not copied or pickled to it) and returns the
function that waits for its result, which comes back pickled. Where processes do not fork,
or the child fails, the work runs in this process when its result is asked for, so the
answer never depends on whether a child ran.

:func:`no_collection` stops Python's cyclic garbage collector while a large structure is made
(a projection, a view: hundreds of thousands of dicts and lists, none in a cycle): each
collection pass would walk every object alive, and building them triggers many passes.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

__all__ = ["beside", "no_collection"]

T = TypeVar("T")


def beside(work: Callable[[], T]) -> Callable[[], T]:
    """Start ``work`` in a forked child; the function returned waits for its result."""
    import multiprocessing  # lazy: 40 ms to import, only where a child is started

    if "fork" not in multiprocessing.get_all_start_methods():
        return work
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_send, args=(send, work), daemon=True)
    child.start()
    send.close()
    done: list[Any] = []

    def result() -> T:
        if not done:
            try:
                found = receive.recv()
            except (EOFError, OSError):
                found = None
            receive.close()
            child.join()
            done.append(work() if found is None else found[0])
        value: T = done[0]
        return value

    return result


def _send(conn: Connection, work: Callable[[], Any]) -> None:
    try:
        found: tuple[Any] | None = (work(),)
    except Exception:   # noqa: BLE001 - the parent runs the work again and sees the error
        found = None
    conn.send(found)
    conn.close()


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
