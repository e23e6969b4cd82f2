"""What a build keeps for the next one: each data file's records, keyed by the file's bytes.

A build writes ``records.pickle`` into its own folder (beside ``graph.trig``, see
:mod:`graph.data.publish`): for every file of ``data/`` its path, a hash of its bytes and what
reading it gave (records and shape problems), and the duplicate-name problems with a hash of
the entity files they were found in. The next build reads and checks a file again only when
its bytes changed, and runs the duplicate check again only when an entity file changed, was
added or was removed. The cache is also keyed by the code that reads records and compares
names, so a new version of cinecoop does not reuse what an older one found (every module of
``graph.data``, the terms, the name matcher and the ontology's files count: a rebuild also
reuses the graphs and SHACL results these make, see :mod:`graph.data.validate`). A missing,
unreadable or foreign cache is ignored: the build then reads everything, as the first does.
The cache also keeps the SHACL results of its build (``shacl``), which a rebuild updates for
the nodes an edit concerns (:func:`graph.data.shacl.update_results`).
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from graph.data import records as _records
from graph.data.records import ENTITY_FOLDERS, MAX_FILE_BYTES, Problem, Record, read_file
from graph.ns import ONTOLOGY_DIR

__all__ = ["CACHE_FILE", "RecordCache", "load_cache", "save_cache", "read_records_cached",
           "touched_sources",
           "cached_duplicates", "keep_duplicates"]

CACHE_FILE = "records.pickle"
_FORMAT = 2
_TOP = Path(__file__).resolve().parent.parent
Result = tuple[str, str | None, str, str]   # as graph.data.shacl.Result


def _code_key() -> str:
    """A hash of the code and the ontology whose results the cache keeps (reading records,
    comparing names, emitting quads, SHACL)."""
    h = hashlib.sha256(f"cinecoop-records-cache-{_FORMAT}".encode())
    files = [*sorted((_TOP / "data").glob("*.py")), *(_TOP / name for name in (
        "terms.py", "ns.py", "names.py", "text.py")), *sorted(ONTOLOGY_DIR.glob("*.ttl"))]
    for path in files:
        h.update(f"{path.name}\0".encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@dataclass
class RecordCache:
    """Per file (path relative to the data folder's parent): (bytes hash, records, problems)."""

    files: dict[str, tuple[str, list[Record], list[Problem]]] = field(default_factory=dict)
    duplicates: tuple[str, list[Problem]] | None = None   # (entity files' hash, problems)
    code: str = ""
    shacl: set[Result] | None = None    # the SHACL results of the build that kept the cache


def load_cache(folder: Path | None) -> RecordCache:
    """The cache a build left in ``folder`` (an empty one when there is none to trust)."""
    code = _code_key()
    if folder is None:
        return RecordCache(code=code)
    try:
        with open(folder / CACHE_FILE, "rb") as f:
            cache = pickle.load(f)  # noqa: S301 - written by cinecoop into its own build folder
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError,
            ValueError):
        return RecordCache(code=code)
    if not isinstance(cache, RecordCache) or cache.code != code:
        return RecordCache(code=code)
    return cache


def save_cache(folder: Path, cache: RecordCache) -> None:
    with open(folder / CACHE_FILE, "wb") as f:
        pickle.dump(cache, f, protocol=pickle.HIGHEST_PROTOCOL)


def read_records_cached(data_dir: Path, cache: RecordCache
                        ) -> tuple[list[Record], list[Problem], RecordCache]:
    """What :func:`graph.data.records.read_records` returns, reading only the files whose
    bytes are not in ``cache``; and the cache of this reading (for the next build)."""
    if not data_dir.is_dir():
        return (*_records.read_records(data_dir), RecordCache(code=cache.code))
    now = RecordCache(code=cache.code, duplicates=cache.duplicates)
    records: list[Record] = []
    problems: list[Problem] = []
    for path in sorted(data_dir.rglob("*")):
        if path.is_dir() or path.name.startswith("."):
            continue
        rel = str(path.relative_to(data_dir.parent))
        digest = _digest(path)
        old = cache.files.get(rel)
        if digest is not None and old is not None and old[0] == digest:
            found, errs = old[1], old[2]
        else:
            found, errs = read_file(path, data_dir)
        if digest is not None:
            now.files[rel] = (digest, found, errs)
        records.extend(found)
        problems.extend(errs)
    return records, problems, now


def _digest(path: Path) -> str | None:
    """A hash of the file's bytes (None for a file too large or unreadable: never cached)."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return None


def _entity_key(cache: RecordCache, data_dir: Path) -> str:
    """A hash of every entity file (path and bytes): what the duplicate check reads."""
    h = hashlib.sha256()
    for rel, (digest, _, _) in sorted(cache.files.items()):
        parts = Path(rel).relative_to(data_dir.name).parts if rel.startswith(
            data_dir.name + "/") else ()
        if parts and parts[0] in ENTITY_FOLDERS:
            h.update(f"{rel}\0{digest}\n".encode())
    return h.hexdigest()


def cached_duplicates(cache: RecordCache, data_dir: Path) -> list[Problem] | None:
    """The duplicate-name problems found before, when no entity file changed since."""
    if cache.duplicates is not None and cache.duplicates[0] == _entity_key(cache, data_dir):
        return list(cache.duplicates[1])
    return None


def keep_duplicates(cache: RecordCache, data_dir: Path, problems: list[Problem]) -> None:
    """Keep the duplicate-name problems of the entity files now in ``cache``."""
    cache.duplicates = (_entity_key(cache, data_dir), list(problems))


FACTS = ("post", "participation", "agreement")


def touched_sources(before: RecordCache, now: RecordCache,
                    records: list[Record]) -> set[str] | None:
    """The sources whose named graphs the files changed since ``before`` can alter, when
    only facts changed: the sources of the changed facts (as they were and as they are), and
    every source with a participation at an event where a changed participation is (they
    share ``cc:metWith`` triples). None when an entity or source file changed, was added or
    removed, or nothing is known of the build before: then every graph is made again."""
    if not before.files or len(records) != sum(len(v[1]) for v in now.files.values()):
        return None
    changed: list[Record] = []
    for rel in before.files.keys() | now.files.keys():
        was, now_ = before.files.get(rel), now.files.get(rel)
        if was is None or now_ is None or was[0] != now_[0]:
            changed.extend([*(was[1] if was else []), *(now_[1] if now_ else [])])
    if any(rec.kind not in FACTS for rec in changed):
        return None
    sources = {rec.source or "" for rec in changed}
    events = {rec.data.get("event") for rec in changed if rec.kind == "participation"}
    if events:
        sources |= {rec.source or "" for rec in records
                    if rec.kind == "participation" and rec.data.get("event") in events}
    return sources
