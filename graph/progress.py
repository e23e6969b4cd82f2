"""Progress bars for long steps, shown only when stderr is a terminal.

``progress(items, desc)`` wraps an iterable; ``Steps(desc, names)`` walks named phases
(``step.next("SHACL")``). On a terminal they draw a tqdm bar on stderr that disappears when
done; when stderr is not a terminal (pipes, CI, tests) they print nothing at all, so output
stays byte-identical. ``CINECOOP_PROGRESS=0`` turns them off, ``=1`` forces them on.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from tqdm import tqdm

__all__ = ["enabled", "progress", "Steps"]

T = TypeVar("T")


def enabled() -> bool:
    """Whether bars are drawn: stderr is a terminal (or CINECOOP_PROGRESS says otherwise)."""
    forced = os.environ.get("CINECOOP_PROGRESS")
    if forced in ("0", "1"):
        return forced == "1"
    return sys.stderr.isatty()


def progress(items: Iterable[T], desc: str, total: int | None = None) -> Iterator[T]:
    """``items``, with a bar on a terminal."""
    if not enabled():
        yield from items
        return
    yield from tqdm(items, desc=desc, total=total, leave=False, file=sys.stderr,
                    dynamic_ncols=True)


class Steps:
    """A bar over named phases: ``steps.next("emit quads")`` marks the start of one."""

    def __init__(self, desc: str, names: Sequence[str]):
        self._bar: Any = None
        if enabled():
            self._bar = tqdm(total=len(names), desc=desc, leave=False, file=sys.stderr,
                             dynamic_ncols=True, bar_format="{desc}: {n_fmt}/{total_fmt} "
                             "{bar} {elapsed} {postfix}")
        self._started = False

    def next(self, name: str) -> None:
        if self._bar is None:
            return
        if self._started:
            self._bar.update(1)
        self._started = True
        self._bar.set_postfix_str(name)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Steps:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
