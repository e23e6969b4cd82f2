"""Fuzzing cinecoop as a careless curator and as an attacker would; exit 1 on any finding.

    python scripts/fuzz.py                        # every section at full size (the issue's table)
    python scripts/fuzz.py data --runs 500        # mutated copies of data/: validate each
    python scripts/fuzz.py queries --runs 500     # malformed, deep, huge queries and parameters
    python scripts/fuzz.py http --runs 500        # abusive requests to a real `cinecoop serve`
    python scripts/fuzz.py builds --runs 20       # SIGKILL `cinecoop build` at random moments

Every section runs the real command line (``python -m graph.cli``) or the real endpoint in
subprocesses, on copies in a temporary folder (``data/`` and ``out/`` of the repository are
never touched), and counts findings:

* ``data``: a traceback or a crash (exit status other than 0/1), or a broken input of a kind
  that must be refused accepted with exit 0;
* ``queries``: a traceback or a crash of ``cinecoop query``;
* ``http``: a response other than the expected status, a 5xx, a dropped connection, a
  traceback in the server's log, or the server gone;
* ``builds``: an ``out/`` whose outputs do not all come from one build, after a kill.

The random choices come from ``--seed``: a finding is reproduced by the same command.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).resolve().parent
REPO = SCRIPTS.parent
sys.path[:0] = [str(REPO), str(SCRIPTS)]

FULL = {"data": 10_000, "queries": 2_500, "http": 2_000, "builds": 100}
CLI = [sys.executable, "-m", "graph.cli"]


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("CINECOOP_SOURCES", None)   # the source texts are not what is fuzzed here
    return env


def is_crash(proc: subprocess.CompletedProcess[str]) -> str | None:
    """Why a finished CLI run counts as a crash (None if it ended as a CLI should)."""
    if proc.returncode < 0 or proc.returncode > 2:
        return f"exit status {proc.returncode}"
    if "Traceback (most recent call last)" in proc.stderr:
        return "traceback: " + proc.stderr.strip().splitlines()[-1][:200]
    return None


# ------------------------------------------------------------------------------------ builds


def _digest(out: Path) -> dict[str, Any]:
    """What a reader of ``out/`` sees: the manifest's fingerprint, file hashes, store size."""
    import pyoxigraph as ox

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    seen: dict[str, Any] = {"fingerprint": manifest["fingerprint"]}
    for name in ("graph.trig", "graph.ttl", "graph.nt"):
        seen[name] = hashlib.sha256((out / name).read_bytes()).hexdigest()
    store = ox.Store.read_only(str(out / "store"))
    seen["store"] = len(store)
    del store
    return seen


def _marked_copy(src: Path, dst: Path) -> None:
    """A copy of data/ with one more triple: a note on the first person."""
    shutil.copytree(src, dst)
    person = sorted((dst / "people").glob("*.yaml"))[0]
    person.write_text(person.read_text(encoding="utf-8") + "note: a fuzz marker\n",
                      encoding="utf-8")


def fuzz_builds(runs: int, rng: random.Random, log: Callable[[str], None]) -> dict[str, Any]:
    """Kill ``cinecoop build`` with SIGKILL, half at a random moment, half during its writes;
    after each kill, everything a reader sees in ``out/`` must come from one build."""
    tmp = Path(tempfile.mkdtemp(prefix="cinecoop-fuzz-builds-"))
    try:
        versions = [tmp / "a", tmp / "b"]
        shutil.copytree(REPO / "data", versions[0])
        _marked_copy(REPO / "data", versions[1])
        out = tmp / "out"
        expected = {}
        started = time.perf_counter()
        for data in versions:       # each version built once, in full: what it must look like
            subprocess.run([*CLI, "--data", str(data), "build", "--out", str(out)],
                           env=cli_env(), check=True, capture_output=True)
            expected[_digest(out)["fingerprint"]] = _digest(out)
        full = (time.perf_counter() - started) / 2
        mixed, killed = [], 0
        for i in range(runs):
            aimed = i % 2 == 1
            proc = subprocess.Popen([*CLI, "--data", str(versions[i % 2]), "build", "--out",
                                     str(out)], env=cli_env(), stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            _kill_later(proc, out, full, aimed, rng)
            killed += proc.returncode == -signal.SIGKILL
            seen = _digest(out)
            if seen != expected.get(seen["fingerprint"]):
                mixed.append(f"run {i} ({'write phase' if aimed else 'random'}): {seen}")
        subprocess.run([*CLI, "--data", str(versions[0]), "build", "--out", str(out)],
                       env=cli_env(), check=True, capture_output=True)
        leftovers = sorted(p.name for p in (out / ".builds").iterdir())
        if len(leftovers) > 2:
            mixed.append(f"leftover build folders after a clean build: {leftovers}")
        for m in mixed:
            log(m)
        return {"runs": runs, "killed": killed, "mixed": len(mixed), "findings": len(mixed)}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _kill_later(proc: subprocess.Popen[bytes], out: Path, full: float, aimed: bool,
                rng: random.Random) -> None:
    if aimed:    # wait until the build folder appears, then kill while it is being written
        builds = out / ".builds"
        before = set(os.listdir(builds))
        deadline = time.monotonic() + 4 * full + 5
        while proc.poll() is None and time.monotonic() < deadline and \
                not set(os.listdir(builds)) - before:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.25))
    else:
        time.sleep(rng.uniform(0, full * 1.1))
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait()


# ------------------------------------------------------------------------------------ main

SECTIONS: dict[str, Callable[[int, random.Random, Callable[[str], None]], dict[str, Any]]] = {
    "builds": fuzz_builds,
}


def run(section: str, runs: int, seed: int = 12,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    """Run one section with ``runs`` cases; its summary (``findings`` must be 0)."""
    return SECTIONS[section](runs, random.Random(f"{seed}-{section}"), log)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("section", nargs="?", choices=[*SECTIONS, "all"], default="all")
    parser.add_argument("--runs", type=int, default=None,
                        help="cases per section (default: the full size of each)")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    names = list(SECTIONS) if args.section == "all" else [args.section]
    findings = 0
    for name in names:
        started = time.perf_counter()
        summary = run(name, args.runs or FULL[name], args.seed,
                      log=lambda m, n=name: print(f"  {n}: {m}", file=sys.stderr))
        findings += summary["findings"]
        fields = ", ".join(f"{k} {v}" for k, v in summary.items())
        print(f"{name}: {fields} ({time.perf_counter() - started:.0f} s)")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
