#!/usr/bin/env python3
"""Start and stop a local Virtuoso (Debian ``virtuoso-opensource-7-bin``) on 127.0.0.1 only.

For ``cinecoop push`` and ``--store sparql:URL`` on one machine; the tests start theirs with the
same code (``tests/servers.py`` imports this file). The database lives in a folder of its own::

    python scripts/virtuoso.py start               # .virtuoso/, http://127.0.0.1:8890/sparql
    python scripts/virtuoso.py start --dir /tmp/v --http-port 8891 --isql-port 1112
    python scripts/virtuoso.py status
    python scripts/virtuoso.py stop

``start`` returns once ``/sparql`` answers; the login is dba/dba (local use only) and anonymous
SPARQL Update on ``/sparql`` is granted, as the tests need. ``stop`` shuts the server down.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

STATE = "cinecoop-virtuoso.json"


def free_ports(count: int) -> list[int]:
    """Distinct free ports on 127.0.0.1: every socket stays bound until all are chosen."""
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




def virtuoso_available() -> bool:
    """Debian's virtuoso-opensource-7-bin is installed (server and isql client)."""
    return shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None


@dataclass
class VirtuosoServer:
    """A running Virtuoso bound to loopback, with its database in ``directory``."""

    directory: Path
    isql_port: int
    http_port: int
    pid: int
    process: subprocess.Popen[bytes] | None  # None when started by another process
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


def _alive(server: VirtuosoServer) -> bool:
    if server.process is not None:
        return server.process.poll() is None
    try:
        os.kill(server.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait_ready(server: VirtuosoServer, timeout: float) -> None:
    """Return once ``/sparql`` answers; raise with the log's tail if the server died or hung."""
    url = server.sparql_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    deadline = time.monotonic() + timeout
    while True:
        if not _alive(server):
            raise RuntimeError(f"virtuoso-t exited before it was ready; log {server.log_path}:"
                               f"\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"Virtuoso not ready at {server.sparql_url} after {timeout:.0f} s; "
                               f"log {server.log_path}:\n{server.log_tail()}")
        time.sleep(0.1)


def launch(directory: Path, isql_port: int, http_port: int, *, dirs_allowed: Sequence[Path] = (),
           detach: bool = False) -> VirtuosoServer:
    """Write ``virtuoso.ini`` into ``directory`` and start ``virtuoso-t`` in the foreground mode
    (so its PID is known); ``detach`` lets it outlive this process (``start``)."""
    directory.mkdir(parents=True, exist_ok=True)
    ini = directory / "virtuoso.ini"
    ini.write_text(_virtuoso_ini(directory, isql_port, http_port, dirs_allowed))
    log_path = directory / "virtuoso-t.out"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)],
                                   cwd=directory, stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=detach)
    (directory / STATE).write_text(json.dumps({"pid": process.pid, "isql_port": isql_port,
                                               "http_port": http_port}) + "\n")
    return VirtuosoServer(directory, isql_port, http_port, process.pid,
                          None if detach else process, log_path)


def stop(server: VirtuosoServer) -> None:
    """Shut the server down (``shutdown`` through isql, then SIGTERM, then SIGKILL)."""
    if _alive(server):
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            # The client loses its connection as the server goes down: ignore its exit code.
            subprocess.run(server.isql_command("shutdown;"), capture_output=True, timeout=15,
                           check=False)
    for sig in (signal.SIGTERM, signal.SIGKILL, None):
        deadline = time.monotonic() + 15
        while _alive(server) and time.monotonic() < deadline:
            if server.process is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    server.process.wait(timeout=0.2)
            else:
                time.sleep(0.2)
        if not _alive(server) or sig is None:
            break
        with contextlib.suppress(ProcessLookupError):
            os.kill(server.pid, sig)
    (server.directory / STATE).unlink(missing_ok=True)


@contextlib.contextmanager
def running_virtuoso(tmpdir: Path | str, *, timeout: float = 60.0,
                     dirs_allowed: Sequence[Path] = ()) -> Iterator[VirtuosoServer]:
    """Start a fresh Virtuoso with its database in ``tmpdir``; stop it on exit.

    Anonymous SPARQL Update on ``/sparql`` is granted. ``dirs_allowed`` adds directories the
    server may read, e.g. for ``ld_dir`` bulk loads.
    """
    isql_port, http_port = free_ports(2)
    server = launch(Path(tmpdir).resolve(), isql_port, http_port, dirs_allowed=dirs_allowed)
    try:
        wait_ready(server, timeout)
        server.isql('GRANT SPARQL_UPDATE TO "SPARQL";')
        yield server
    finally:
        stop(server)


def _recorded(directory: Path) -> VirtuosoServer | None:
    try:
        state = json.loads((directory / STATE).read_text())
    except (OSError, ValueError):
        return None
    return VirtuosoServer(directory, state["isql_port"], state["http_port"], state["pid"], None,
                          directory / "virtuoso-t.out")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("start", "stop", "status"))
    parser.add_argument("--dir", type=Path, default=Path(".virtuoso"),
                        help="database folder (default: .virtuoso)")
    parser.add_argument("--http-port", type=int, default=8890)
    parser.add_argument("--isql-port", type=int, default=1111)
    args = parser.parse_args(argv)
    directory = args.dir.resolve()
    running = _recorded(directory)
    if running is not None and not _alive(running):
        running = None
    if args.action == "status":
        print(f"running: {running.sparql_url}" if running else f"not running ({directory})")
        return 0 if running else 1
    if args.action == "stop":
        if running is None:
            print(f"not running ({directory})")
            return 0
        stop(running)
        print(f"stopped {running.sparql_url}")
        return 0
    if running is not None:
        print(f"already running: {running.sparql_url}")
        return 0
    if not virtuoso_available():
        print("virtuoso-t/isql-vt not found: apt-get install virtuoso-opensource-7-bin",
              file=sys.stderr)
        return 1
    server = launch(directory, args.isql_port, args.http_port, detach=True)
    try:
        wait_ready(server, 60)
        server.isql('GRANT SPARQL_UPDATE TO "SPARQL";')
    except (RuntimeError, TimeoutError) as exc:
        stop(server)
        print(exc, file=sys.stderr)
        return 1
    print(f"Virtuoso running: query {server.sparql_url}, Graph Store Protocol "
          f"{server.gsp_auth_url} (dba/dba); stop with: python scripts/virtuoso.py stop"
          + ("" if args.dir == Path(".virtuoso") else f" --dir {args.dir}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
