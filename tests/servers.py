"""Real external components for tests: a throwaway Virtuoso server and a headless Chromium page.

Plain helpers, usable outside pytest; ``tests/conftest.py`` wraps them in fixtures.
Facts behind the choices here are in ``shared/design/components.md``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page, Route

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Schemes a page may still load while the network is blocked.
LOCAL_SCHEMES = ("file://", "data:", "about:")


def find_free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# --------------------------------------------------------------------------------------------
# Virtuoso: scripts/virtuoso.py, the same script users run to start one by hand

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from virtuoso import VirtuosoServer, running_virtuoso, virtuoso_available  # noqa: E402

__all__ = ["VirtuosoServer", "running_virtuoso", "virtuoso_available"]


# --------------------------------------------------------------------------------------------
# Chromium


def chromium_available() -> bool:
    """Debian's chromium and the playwright Python package are both installed."""
    return os.access(CHROMIUM, os.X_OK) and importlib.util.find_spec("playwright") is not None


class ConsoleEntry(NamedTuple):
    type: str
    text: str


class DialogEntry(NamedTuple):
    type: str
    message: str


@dataclass
class BrowserPage:
    """A page plus everything it said: console lines, uncaught errors, dialogs, blocked URLs."""

    page: Page
    console: list[ConsoleEntry] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[DialogEntry] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


@contextlib.contextmanager
def launched_chromium() -> Iterator[Browser]:
    """Debian's headless Chromium driven by playwright (never ``playwright install``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def chromium_page(
    block_network: bool = True, *, browser: Browser | None = None
) -> Iterator[BrowserPage]:
    """A fresh page in its own context; launches Chromium unless ``browser`` is given.

    With ``block_network``, every request that is not ``file://``, ``data:`` or ``about:`` is
    aborted and its URL recorded in ``.blocked``. Dialogs are dismissed and recorded.
    """
    with contextlib.ExitStack() as stack:
        if browser is None:
            browser = stack.enter_context(launched_chromium())
        context = browser.new_context()
        stack.callback(context.close)
        page = context.new_page()
        result = BrowserPage(page)

        if block_network:

            def route(route: Route) -> None:
                url = route.request.url
                if url.startswith(LOCAL_SCHEMES):
                    route.continue_()
                else:
                    result.blocked.append(url)
                    route.abort("blockedbyclient")

            context.route("**/*", route)

        page.on("console", lambda msg: result.console.append(ConsoleEntry(msg.type, msg.text)))
        page.on("pageerror", lambda exc: result.errors.append(str(exc)))

        def on_dialog(dialog: Dialog) -> None:
            result.dialogs.append(DialogEntry(dialog.type, dialog.message))
            dialog.dismiss()

        page.on("dialog", on_dialog)
        yield result
