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
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
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


# ------------------------------------------------------------------------------------ data

# Mutations that must be refused (the kinds the issue lists); each returns the new file
# content, or None when it does not apply to that file.
Mutation = Callable[[str, str, random.Random], "str | bytes | None"]


def _label_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.startswith(("  en: ", "  ru: ")):
            return line
    return None


def _in_label(insert: str) -> Mutation:
    def mutate(rel: str, text: str, rng: random.Random) -> str | None:
        line = _label_line(text)
        if line is None:
            return None
        head, value = line.split(": ", 1)
        value = value.strip("'\"")
        pos = rng.randrange(len(value) + 1)
        escaped = json.dumps(value[:pos] + insert + value[pos:])  # YAML reads JSON strings
        return text.replace(line, f"{head}: {escaped}", 1)
    return mutate


def _self_ref(field: str, folder: str) -> Mutation:
    def mutate(rel: str, text: str, rng: random.Random) -> str | None:
        if not rel.startswith(folder + "/") or f"\n{field}:" in text:
            return None
        return text + f"{field}: {Path(rel).stem}\n"
    return mutate


def _with_dates(start: str, end: str) -> Mutation:
    def mutate(rel: str, text: str, rng: random.Random) -> str | None:
        if not rel.startswith("events/") or "\nstart:" in text or "\nend:" in text:
            return None
        return text + f"start: '{start}'\nend: '{end}'\n"
    return mutate


def _replace(pattern: str, new: str) -> Mutation:
    def mutate(rel: str, text: str, rng: random.Random) -> str | None:
        found = list(re.finditer(pattern, text))
        if not found:
            return None
        m = rng.choice(found)
        return text[:m.start()] + m.expand(new) + text[m.end():]
    return mutate


def _invalid_utf8(rel: str, text: str, rng: random.Random) -> bytes:
    raw = text.encode("utf-8")
    pos = rng.randrange(len(raw) + 1)
    return raw[:pos] + rng.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80"]) + raw[pos:]


def _duplicate_key(rel: str, text: str, rng: random.Random) -> str | None:
    lines = [ln for ln in text.splitlines() if ln and not ln[0].isspace() and ":" in ln
             and not ln.startswith(("#", "-"))]
    return text + rng.choice(lines) + "\n" if lines else None


def _alias_bomb(rel: str, text: str, rng: random.Random) -> str:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    return text + bomb if rng.random() < 0.5 else bomb


def _deep(rel: str, text: str, rng: random.Random) -> str:
    return text + "note: " + rng.choice(["[", "{a: "]) * rng.choice([50, 1000, 20000]) + "\n"


def _long_label(rel: str, text: str, rng: random.Random) -> str | None:
    line = _label_line(text)
    n = rng.choice([301, 5000, 100_000])
    return text.replace(line, line.split(": ", 1)[0] + ": " + "L" * n, 1) if line else None


def _cite_five(rel: str, text: str, rng: random.Random) -> str | None:
    if "cite_fields" not in text:
        return None
    return re.sub(r"(?m)^cite: .*$", "cite: 5", text, count=1)


MUST_REFUSE: dict[str, Mutation] = {
    "invalid UTF-8": _invalid_utf8,
    "duplicate key": _duplicate_key,
    "alias bomb": _alias_bomb,
    "deep nesting": _deep,
    "parent of itself": _self_ref("parent", "organisations"),
    "within itself": _self_ref("within", "places"),
    "super_event of itself": _self_ref("super_event", "events"),
    "end before start, coarser": _with_dates("2025-12", "2025-11-30"),
    "end before start": _with_dates("2025-12-09", "2025-12-08"),
    "full-width digits in a date": _with_dates("２０２５", "2026"),
    "Arabic-Indic digits in a date": _with_dates("٢٠٢٥-١٢", "2026"),
    "full-width paragraph": _replace(r":(\d+)'", ":１'"),
    "Arabic-Indic paragraph": _replace(r":(\d+)'", ":٣'"),
    "paragraph 0 cited": _replace(r":(\d+)'", ":0'"),
    "paragraph 0 in facts": _replace(r"para: \d+", "para: 0"),
    "escape sequence in a label": _in_label("\x1b[2J"),
    "bell in a label": _in_label("\x07"),
    "line separator in a label": _in_label("\u2028"),
    "paragraph separator in a label": _in_label("\u2029"),
    "bidi override in a label": _in_label("\u202e"),
    "NUL in a label": _in_label("\x00"),
    "long label": _long_label,
    "cite: 5 with cite_fields": _cite_five,
    "unknown id": _replace(r"(?m)^(  (?:person|agent|event|organisation): )\S+",
                           "\\1no-such-id"),
    "bad date": _replace(r"(?m)^(start|end): .*$", "\\1: '2025-13-40'"),
    "empty required": _replace(r"(?m)^(cite|type|id): .+$", "\\1:"),
}
NOISE_INSERTS = [b":", b"- ", b"[", b"{", b"'", b'"', b"\t", b"&x ", b"*x",
                 b"!!python/object:os.system", b"? ", b"\xef\xbb\xbf", b"\r"]
NOISE_LINES = ["labels: 5\n", "cite: []\n", "id: X Y\n", "x: y\n", "para: [1, two]\n",
               "start: 2025-02-30\n", "labels: {en: ''}\n", "cite: ['a:b:c']\n"]


def _noise(rel: str, text: str, rng: random.Random) -> str | bytes:
    """Random damage that may or may not leave valid data: it must never crash anything."""
    raw = text.encode("utf-8")
    kind = rng.randrange(7)
    pos = rng.randrange(len(raw) + 1)
    if kind == 0:
        return raw[:pos]                                                  # truncated
    if kind == 1:
        return raw[:pos] + bytes([rng.randrange(256)]) + raw[pos + 1:]    # a byte changed
    if kind == 2:
        lines = text.splitlines()
        rng.shuffle(lines)
        return "\n".join(lines) + "\n"                                    # lines shuffled
    if kind == 3:
        return raw[:pos] + rng.choice(NOISE_INSERTS) + raw[pos:]
    if kind == 4:
        return ""                                                         # emptied
    if kind == 5:
        return text + rng.choice(NOISE_LINES)
    return text.replace(": ", ":  ", 1).replace("\n  ", "\n ", 1)        # indentation skew


def data_case(i: int, rng: random.Random, files: list[str],
              texts: dict[str, str]) -> tuple[str, str, str | bytes]:
    """(file, kind, new content) of case ``i``: every other case a must-refuse mutation."""
    while True:
        rel = rng.choice(files)
        if i % 2 == 1:
            return rel, "noise", _noise(rel, texts[rel], rng)
        kind = rng.choice(sorted(MUST_REFUSE))
        content = MUST_REFUSE[kind](rel, texts[rel], rng)
        if content is not None:
            return rel, kind, content


class DataChecker:
    """Validates a copy of data/ with one file mutated, in this process: that file through
    :func:`graph.data.records.read_file`, the others' records read once; then integrity and
    the RDF build, as ``validate`` runs them (SHACL left out for speed: it adds problems, it
    never crashes)."""

    def __init__(self, root: Path):
        from graph.data.load import concept_ids, load_ontology
        from graph.data.records import read_records

        self.data = root / "data"
        shutil.copytree(REPO / "data", self.data)
        self.records, problems = read_records(self.data)
        assert not [p for p in problems if p.level == "error"], problems
        self.concepts = concept_ids(load_ontology())
        self.files = sorted(str(p.relative_to(self.data)) for p in self.data.rglob("*.yaml"))
        self.texts = {f: (self.data / f).read_text(encoding="utf-8") for f in self.files}

    def check(self, rel: str, content: str | bytes) -> bool:
        """True when the mutated data is accepted (no error); exceptions propagate."""
        from graph.data.integrity import check
        from graph.data.load import build_dataset
        from graph.data.records import read_file

        path = self.data / rel
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        try:
            own, problems = read_file(path, self.data)
            records = [r for r in self.records if r.file != f"data/{rel}"] + own
            if any(p.level == "error" for p in problems) or any(
                    p.level == "error" for p in check(records, self.concepts)):
                return False
            build_dataset(records)
            return True
        finally:
            path.write_text(self.texts[rel], encoding="utf-8")


def fuzz_data(runs: int, rng: random.Random, log: Callable[[str], None]) -> dict[str, Any]:
    """Mutated copies of data/ (one file changed per case), each validated."""
    return _in_workers("data", runs, rng.randrange(2**31), log)


def _data_worker(start: int, stop: int, seed: int, emit: Callable[[str], None]) -> None:
    root = Path(tempfile.mkdtemp(prefix="cinecoop-fuzz-data-"))
    try:
        checker = DataChecker(root)
        for i in range(start, stop):
            rel, kind, content = data_case(i, random.Random(f"{seed}-{i}"), checker.files,
                                           checker.texts)
            emit(f"start {i} {kind} {rel}")
            try:
                accepted = checker.check(rel, content)
            except BaseException as exc:  # a crash is what this looks for
                last = traceback.format_exception(exc)[-1].strip()
                emit(f"finding {i} traceback ({kind}, {rel}): {last[:200]}")
                continue
            if accepted and kind != "noise":
                emit(f"finding {i} accepted ({kind}, {rel})")
            else:
                emit(f"ok {i} {'accepted' if accepted else 'refused'}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


# ------------------------------------------------------------------------------------ queries

QUERY_SEEDS = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
    "ASK { ?s a ?t }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2",
    "DESCRIBE <https://w3id.org/cinecoop/id/organisation/netflix>",
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?n WHERE { ?x skos:prefLabel ?n "
    "FILTER(lang(?n) = 'ru') } ORDER BY ?n",
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
]
SOUP_INSERTS = ["{", "}", "(", ")", "'", '"', "<", ">", "^^", "@", "SERVICE", "FILTER", "?",
                "\x00", "\u2028", "#", "\\", "'" * 3, "<x y>", "OPTIONAL", ".",
                "SERVICE <http://127.0.0.1:9/>", "FROM <http://127.0.0.1:9/g>"]


def deep_query(rng: random.Random) -> str:
    """Nesting or chains past the limits (they overflowed pyoxigraph's stack before)."""
    n = rng.choice([17, 100, 5000, 20000, 50000])
    chains = [
        "SELECT (" + " + ".join(["1"] * n) + " AS ?x) WHERE { }",
        "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * n) + " }",
        "SELECT * WHERE { ?s " + "/".join(["<a:b>"] * n) + " ?o }",
    ] if n >= 5000 else []        # a short chain is an ordinary (if costly) query
    return rng.choice([
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * n + "1" + ")" * n + ") }",
        "SELECT * WHERE " + "{" * n + "}" * n,
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * n + "true) }",
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "!(" * n + "true" + ")" * n + ") }",
        *chains,
    ])


def soup(rng: random.Random) -> str:
    """A real query with tokens deleted, inserted, repeated or shuffled."""
    from graph.sparql.named import named_queries
    from graph.sparql.querytext import tokens

    texts = QUERY_SEEDS + [q.text for q in named_queries()]
    toks = [t.text for t in tokens(rng.choice(texts))]
    for _ in range(rng.randrange(1, 6)):
        op, at = rng.randrange(4), rng.randrange(len(toks) + 1)
        if op == 0 and toks:
            del toks[min(at, len(toks) - 1)]
        elif op == 1:
            toks.insert(at, rng.choice(SOUP_INSERTS))
        elif op == 2 and toks:
            toks.insert(at, rng.choice(toks))
        else:
            rng.shuffle(toks)
    return "".join(toks)


BAD_PARAMS = ['"a"^^<x y>', '"x" } UNION { ?s ?p ?o } #', "<x> } ?a ?b ?c {", '"x"@',
              '"x"@en-', "'unclosed", '""^^<>', "<>", "< >", "\u2028", "\x00", '"a\\"',
              '"""x"""', "<http://a/b c>", "_:b0", "?other", "x" * 10000, "Рашад Азизов",
              "event/../../etc", '"1"^^<http://www.w3.org/2001/XMLSchema#integer>', "",
              "=", "<javascript:alert(1)>"]


def query_case(i: int, rng: random.Random) -> tuple[list[str], str | None]:
    """The arguments of one ``cinecoop query`` run, and its standard input."""
    kind = i % 4
    if kind == 0:
        return ["-f", "-"], deep_query(rng)
    if kind == 1:
        return [soup(rng)], None
    if kind == 2:
        var = rng.choice(["v", "s", "x", "1", "v w"])
        return ["SELECT ?v WHERE { ?s ?p ?v } LIMIT 1", "-p",
                f"{var}={rng.choice(BAD_PARAMS)}"], None
    from graph.sparql.named import named_queries

    q = rng.choice(named_queries())
    args = [q.name]
    for p in q.params:
        args += ["-p", f"{p.name}={rng.choice([*BAD_PARAMS, p.example or 'x'])}"]
    return args, None


def fuzz_queries(runs: int, rng: random.Random, log: Callable[[str], None]) -> dict[str, Any]:
    """Deep, long and malformed queries and parameters to ``cinecoop query``."""
    return _in_workers("queries", runs, rng.randrange(2**31), log)


def _queries_worker(start: int, stop: int, seed: int, emit: Callable[[str], None]) -> None:
    from click.testing import CliRunner

    from graph.cli import cli
    from graph.data.build import build

    root = Path(tempfile.mkdtemp(prefix="cinecoop-fuzz-queries-"))
    try:
        build(REPO / "data", root / "out")
        runner = CliRunner()
        for i in range(start, stop):
            args, stdin = query_case(i, random.Random(f"{seed}-{i}"))
            emit(f"start {i} query")
            result = runner.invoke(cli, ["--data", str(REPO / "data"), "--out",
                                         str(root / "out"), "query", *args], input=stdin)
            exc = result.exception
            if exc is not None and not isinstance(exc, SystemExit):
                last = traceback.format_exception(exc)[-1].strip()
                emit(f"finding {i} traceback ({' '.join(args)[:80]!r}): {last[:200]}")
            elif result.exit_code not in (0, 1, 2):
                emit(f"finding {i} exit status {result.exit_code}")
            else:
                emit(f"ok {i}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


# ------------------------------------------------------------------------------------ http


def _get(query: str, extra: str = "") -> bytes:
    from urllib.parse import quote

    return (f"GET /sparql?query={quote(query)}{extra} HTTP/1.1\r\nHost: x\r\n"
            "Connection: close\r\n\r\n").encode()


def _post(body: bytes, ctype: str, extra_headers: str = "") -> bytes:
    return (f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n{extra_headers}\r\n"
            ).encode() + body


def http_case(i: int, rng: random.Random) -> tuple[str, bytes, set[int] | None]:
    """(kind, raw request, the statuses that are right; None: the client hangs up)."""
    from urllib.parse import quote

    kind = rng.randrange(16)
    if kind == 0:
        return "deep query", _get(deep_query(rng)[:60_000]), {400, 414}
    if kind == 1:
        return "SERVICE", _get("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> "
                               "{ ?s ?p ?o } }"), {400}
    if kind == 2:
        return "soup GET", _get(soup(rng)), {200, 400, 403, 406}
    if kind == 3:
        return "soup POST", _post(soup(rng).encode("utf-8", "surrogatepass"),
                                  "application/sparql-query"), {200, 400, 403, 406}
    if kind == 4:
        charset = rng.choice(["nope", "utf-7", "", "x" * 300, "utf-8\x00", "latin-1"])
        return "charset", _post(b"ASK {}", f"application/sparql-query; charset={charset}"), \
            {200, 400, 415}
    if kind == 5:
        length = rng.choice(["abc", "-1", str(1 << 40), "1e3", ""])
        return "content-length", (f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                  f"application/sparql-query\r\nContent-Length: {length}\r\n"
                                  "Connection: close\r\n\r\nASK {}").encode(), {400, 413}
    if kind == 6:
        return "chunked", (b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                           b"Content-Type: application/sparql-query\r\nConnection: close\r\n\r\n"
                           b"6\r\nASK {}\r\n0\r\n\r\n"), {411}
    if kind == 7:
        method = rng.choice(["PUT", "DELETE", "PATCH", "TRACE", "OPTIONS", "BREW", "get"])
        return "method", f"{method} /sparql HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"\
            .encode(), {405, 501}
    if kind == 8:
        return "long URL", _get("ASK {}", "&x=" + "a" * rng.choice([70_000, 200_000])), \
            {400, 414}
    if kind == 9:
        headers = "".join(f"X-{n}: {n}\r\n" for n in range(rng.choice([50, 200])))
        return "many headers", (f"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n{headers}"
                                "Connection: close\r\n\r\n").encode(), {200, 431}
    if kind == 10:
        path = rng.choice(["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/static/../x",
                           "/sparql/..", "/\x00", "/%ff%fe", "/queries.json/.."])
        return "path", f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode(
            "utf-8", "surrogateescape"), {400, 404}
    if kind == 11:
        update = rng.choice(["INSERT DATA { <a:a> <a:b> <a:c> }", "DROP ALL", "LOAD <http://x/>",
                             "CLEAR DEFAULT"])
        return "update", rng.choice([_get(update), _post(update.encode(),
                                                          "application/sparql-update"),
                                     _post(f"update={quote(update)}".encode(),
                                           "application/x-www-form-urlencoded")]), {403}
    if kind == 12:
        return "garbage", bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))) + \
            b"\r\n\r\n", {400, 405, 501, 505, 0}
    if kind == 13:
        value = rng.choice(BAD_PARAMS)
        body = f"query={quote('SELECT ?v WHERE { ?s ?p ?v } LIMIT 1')}&param=v={quote(value)}"
        return "param", _post(body.encode(), "application/x-www-form-urlencoded"), {200, 400}
    if kind == 14:
        query = quote("SELECT * WHERE { ?s ?p ?o }")
        return "hang up", rng.choice([
            b"GET /sparql?query=" + query.encode(),                       # half a request
            (f"GET /sparql?query={query} HTTP/1.1\r\nHost: x\r\n\r\n").encode(),  # big answer
            b"POST /sparql HTTP/1.1\r\nContent-Length: 100\r\n\r\nquery=",
        ]), None
    accept = rng.choice(["image/png", "*/*;q=abc", ",,,", "text/csv;q=2", "a" * 5000])
    return "accept", (f"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: {accept}\r\n"
                      "Connection: close\r\n\r\n").encode(), {200, 406}


def _send(port: int, raw: bytes, hang_up: bool) -> int | None:
    """The status of the answer (0: closed without one), None for a hang-up case."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        try:
            sock.sendall(raw)
        except OSError:
            return 0
        if hang_up:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
            return None
        data = b""
        try:
            while b"\r\n" not in data:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
        except ConnectionResetError:
            return 0
    m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return int(m.group(1)) if m else 0


def fuzz_http(runs: int, rng: random.Random, log: Callable[[str], None]) -> dict[str, Any]:
    """Abusive requests to a real ``cinecoop serve`` on 127.0.0.1."""
    from load import start_server

    tmp = Path(tempfile.mkdtemp(prefix="cinecoop-fuzz-http-"))
    proc, port = start_server(tmp / "out", timeout=5.0, workers=2)
    findings = 0
    try:
        for i in range(runs):
            kind, raw, expected = http_case(i, rng)
            status = _send(port, raw, expected is None)
            if expected is not None and status not in expected:
                findings += 1
                log(f"{i} {kind}: status {status}, expected one of {sorted(expected)}")
            if proc.poll() is not None:
                findings += 1
                log(f"{i} {kind}: the server ended (exit status {proc.returncode})")
                break
        alive = _send(port, _get("ASK { ?s ?p ?o }"), False) == 200
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    tracebacks = err.count("Traceback")
    if tracebacks:
        log(f"{tracebacks} tracebacks in the server log, e.g. {err[:500]}")
    return {"requests": runs, "findings": findings + tracebacks + (not alive),
            "tracebacks": tracebacks, "alive": alive}


# ------------------------------------------------------------------------------------ workers

WORKERS: dict[str, Callable[[int, int, int, Callable[[str], None]], None]] = {
    "data": _data_worker, "queries": _queries_worker,
}


def _in_workers(section: str, runs: int, seed: int, log: Callable[[str], None],
                processes: int = 2) -> dict[str, Any]:
    """Cases [0, runs) in child processes (``--worker``): a crash, even a segfault, ends one
    case, is counted, and the child is restarted after it."""
    chunks = [(k * runs // processes, (k + 1) * runs // processes) for k in range(processes)]
    totals = {"findings": 0, "crashes": 0, "tracebacks": 0, "accepted": 0, "refused": 0}
    lock = threading.Lock()

    def drive(start: int, stop: int) -> None:
        while start < stop:
            current = start
            with subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker",
                                   section, "--start", str(start), "--stop", str(stop),
                                   "--seed", str(seed)],
                                  stdout=subprocess.PIPE, text=True, env=cli_env()) as proc:
                assert proc.stdout is not None
                for line in proc.stdout:
                    word, _, rest = line.strip().partition(" ")
                    with lock:
                        if word == "start":
                            current = int(rest.split(" ", 1)[0])
                        elif word == "finding":
                            totals["findings"] += 1
                            totals["tracebacks" if " traceback " in rest else "accepted"] += 1
                            log(rest)
                        elif word == "ok":
                            totals["refused"] += rest.endswith("refused")
            code = proc.returncode
            if code == 0:
                return
            with lock:      # the case in progress ended the process
                totals["findings"] += 1
                totals["crashes"] += 1
                log(f"{current} crashed the process (exit status {code})")
            start = current + 1

    threads = [threading.Thread(target=drive, args=c) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out = {"cases": runs, **totals}
    if section == "queries":
        del out["accepted"], out["refused"]
    return out


# ------------------------------------------------------------------------------------ main

SECTIONS: dict[str, Callable[[int, random.Random, Callable[[str], None]], dict[str, Any]]] = {
    "data": fuzz_data, "queries": fuzz_queries, "http": fuzz_http, "builds": fuzz_builds,
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
    parser.add_argument("--worker", help=argparse.SUPPRESS)   # internal: one batch of cases
    parser.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--stop", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        WORKERS[args.worker](args.start, args.stop, args.seed,
                             lambda line: print(line, flush=True))
        return 0
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
