"""Real external components for tests: a throwaway Virtuoso server and a headless Chromium page.

Plain helpers, usable outside pytest; ``tests/conftest.py`` wraps them in fixtures.
Facts behind the choices here are in ``shared/design/components.md``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
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


def _free_ports(count: int) -> list[int]:
    """Distinct free ports: every socket stays bound until all are chosen."""
    with contextlib.ExitStack() as stack:
        ports = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind(("127.0.0.1", 0))
            ports.append(sock.getsockname()[1])
        return ports


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        return f"(no log: {exc})"
    return "\n".join(text.splitlines()[-lines:])


# --------------------------------------------------------------------------------------------
# Virtuoso


def virtuoso_available() -> bool:
    """Debian's virtuoso-opensource-7-bin is installed (server and isql client)."""
    return shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None


@dataclass
class VirtuosoServer:
    """A running Virtuoso bound to loopback, with its database in ``directory``."""

    directory: Path
    isql_port: int
    http_port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    user: str = "dba"
    password: str = "dba"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql_url(self) -> str:
        """Anonymous SPARQL query and update endpoint."""
        return f"{self.base_url}/sparql"

    @property
    def sparql_auth_url(self) -> str:
        """SPARQL endpoint behind HTTP Digest auth (``user``/``password``)."""
        return f"{self.base_url}/sparql-auth"

    @property
    def gsp_auth_url(self) -> str:
        """Graph Store Protocol endpoint behind HTTP Digest auth (``user``/``password``)."""
        return f"{self.base_url}/sparql-graph-crud-auth"

    def isql_command(self, sql: str) -> list[str]:
        """The ``isql-vt`` command line that runs ``sql`` on this server."""
        return ["isql-vt", f"127.0.0.1:{self.isql_port}", self.user, self.password, f"exec={sql}"]

    def isql(self, sql: str, timeout: float = 120.0) -> str:
        """Run SQL statements through ``isql-vt``; raise if the client reports an error."""
        result = subprocess.run(
            self.isql_command(sql),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        output = result.stdout + result.stderr
        if result.returncode != 0 or "*** Error" in output:
            raise RuntimeError(f"isql-vt failed ({result.returncode}) on {sql!r}:\n{output}")
        return output

    def log_tail(self, lines: int = 30) -> str:
        return _tail(self.log_path, lines)


def _virtuoso_ini(directory: Path, isql_port: int, http_port: int, dirs: Sequence[Path]) -> str:
    allowed = ", ".join([".", str(directory), *(str(d) for d in dirs)])
    return f"""\
[Database]
DatabaseFile = {directory}/virtuoso.db
ErrorLogFile = {directory}/virtuoso.log
LockFile = {directory}/virtuoso.lck
TransactionFile = {directory}/virtuoso.trx
xa_persistent_file = {directory}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {directory}/virtuoso-temp.db
TransactionFile = {directory}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql_port}
DisableUnixSocket = 1
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
MaxQueryMem = 256M
DirsAllowed = {allowed}
ResultSetMaxRows = 100000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {directory}
ServerThreads = 5
MaxClientConnections = 5
KeepAliveTimeout = 10
MaxKeepAlives = 10
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
"""


def _wait_for_sparql(server: VirtuosoServer, timeout: float) -> None:
    url = server.sparql_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"virtuoso-t exited with {server.process.returncode} before it was ready; "
                f"log {server.log_path}:\n{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"Virtuoso not ready at {server.sparql_url} after {timeout:.0f} s; "
                f"log {server.log_path}:\n{server.log_tail()}"
            )
        time.sleep(0.1)


def _stop_virtuoso(server: VirtuosoServer) -> None:
    process = server.process
    if process.poll() is None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            # The client loses its connection as the server goes down: ignore its exit code.
            subprocess.run(
                server.isql_command("shutdown;"), capture_output=True, timeout=15, check=False
            )
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            process.wait(timeout=15)
            return
        except subprocess.TimeoutExpired:
            process.send_signal(sig)
    process.wait()


@contextlib.contextmanager
def running_virtuoso(
    tmpdir: Path | str,
    *,
    timeout: float = 60.0,
    dirs_allowed: Sequence[Path] = (),
) -> Iterator[VirtuosoServer]:
    """Start a fresh Virtuoso with its database in ``tmpdir``; stop it on exit.

    Anonymous SPARQL Update on ``/sparql`` is granted. ``dirs_allowed`` adds directories the
    server may read, e.g. for ``ld_dir`` bulk loads.
    """
    directory = Path(tmpdir).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    isql_port, http_port = _free_ports(2)
    ini = directory / "virtuoso.ini"
    ini.write_text(_virtuoso_ini(directory, isql_port, http_port, dirs_allowed))
    log_path = directory / "virtuoso-t.out"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            ["virtuoso-t", "+foreground", "+configfile", str(ini)],
            cwd=directory,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = VirtuosoServer(directory, isql_port, http_port, process, log_path)
    try:
        _wait_for_sparql(server, timeout)
        server.isql('GRANT SPARQL_UPDATE TO "SPARQL";')
        yield server
    finally:
        _stop_virtuoso(server)


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
