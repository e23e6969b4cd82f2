"""How heavy work runs: in a forked process beside this one, and without collection passes.

:func:`beside` starts ``work`` in a child forked from this process (it sees the parent's memory
as it is: records, views and projections are neither copied nor pickled to it) and returns the
function that waits for its result, which comes back pickled. Where processes do not fork, or
the child fails, the work runs in this process when its result is asked for (and raises its
error here), so the answer never depends on whether a child ran; a caller that is failing
itself or was interrupted asks with ``again=False`` and gets ``empty`` instead.

Used by validation (the duplicate-name check), the network commands (communities, closeness,
export) and the site (its pages). :class:`Shares` hands out work in runs to whichever process
is free (this one or a child forked after it was made), so that both finish together however
busy each is.

:func:`no_collection` stops Python's cyclic garbage collector while a large structure is made
(a projection, a view, the lines of ``graph.nt``: hundreds of thousands of dicts, lists and
tuples, none in a cycle): each collection pass would walk every object alive, and building
them triggers many passes (and, in a forked child, the memory it shares with its parent is not
written to by the collector, so not copied).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import ForkProcess

__all__ = ["beside", "Later", "Shares", "no_collection"]

T = TypeVar("T")


class Later(Generic[T]):
    """The result of work started by :func:`beside`; call it to wait for it (once: later
    calls give the same value)."""

    def __init__(self, work: Callable[[], T], empty: Any = None,
                 child: tuple[ForkProcess, Connection] | None = None):
        self._work, self._empty, self._child = work, empty, child
        self._done: list[T] = []

    def __call__(self, again: bool = True) -> T:
        if self._done:
            return self._done[0]
        found = None
        if self._child is not None:
            child, receive = self._child
            try:
                found = receive.recv()
            except (EOFError, OSError):
                found = None
            receive.close()
            child.join()
            self._child = None
        if found is None and not again:
            empty: T = self._empty
            return empty
        self._done.append(self._work() if found is None else found[0])
        return self._done[0]


def beside(work: Callable[[], T], empty: Any = None) -> Later[T]:
    """Start ``work`` in a forked child; the :class:`Later` returned waits for its result."""
    import multiprocessing  # lazy: 40 ms to import, only where a child is started

    if "fork" not in multiprocessing.get_all_start_methods():
        return Later(work, empty)
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_send, args=(send, work), daemon=True)
    child.start()
    send.close()
    return Later(work, empty, (child, receive))


def _send(conn: Connection, work: Callable[[], Any]) -> None:
    try:
        found: tuple[Any] | None = (work(),)
    except Exception:   # noqa: BLE001 - the parent runs the work again and sees the error
        found = None
    conn.send(found)
    conn.close()


class Shares:
    """The places ``0 .. total - 1`` handed out in runs of ``size``, in order, to whichever
    process asks next: iterating gives the places of every run this process takes, until
    none is left; children forked after this was made share the count (in shared memory).

    :meth:`left_over` gives what other processes took: the work of a child that failed,
    made again by the parent once it has taken its own runs."""

    def __init__(self, total: int, size: int):
        import multiprocessing  # lazy: as in beside()

        self.total, self.size = total, max(1, size)
        self._next = multiprocessing.Value("q", 0)
        self._taken: list[int] = []      # the runs this process took (each process its own)

    def __iter__(self) -> Iterator[int]:
        while True:
            with self._next.get_lock():
                start = self._next.value
                self._next.value = start + self.size
            if start >= self.total:
                return
            self._taken.append(start)
            yield from range(start, min(start + self.size, self.total))

    def left_over(self) -> Iterator[int]:
        """Every place in a run this process did not take (call it once the runs are out)."""
        mine = set(self._taken)
        for start in range(0, self.total, self.size):
            if start not in mine:
                yield from range(start, min(start + self.size, self.total))


@contextmanager
def no_collection(freeze: bool = False) -> Iterator[None]:
    """No cyclic garbage collection inside the block (reference counting still frees).

    ``freeze``: what is alive at its end is frozen out of later passes, for a command that
    ends after the block (a report, an export): collecting again would start with a pass
    over everything made inside it, and the exit would make another over everything alive
    (about a second each at 5,000 events). Children forked inside it collect nothing
    either, so they leave the memory they share with this process unwritten."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if collecting:
            gc.enable()
