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
from typing import Any

from graph.data import records as _records
from graph.data.records import ENTITY_FOLDERS, MAX_FILE_BYTES, Problem, Record, read_file
from graph.files import Entries, sorted_entries
from graph.forked import beside, no_collection
from graph.ns import ONTOLOGY_DIR

__all__ = ["CACHE_FILE", "RecordCache", "load_cache", "save_cache", "read_records_cached",
           "touched_sources", "changed_records",
           "cached_duplicates", "keep_duplicates"]

CACHE_FILE = "records.pickle"
_FORMAT = 4
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
    """Per file (path relative to the data folder's parent): (bytes hash, its records and
    problems pickled, how many records). Each file's pickle is made once, when the file is
    read: saving the cache then writes bytes, not a hundred thousand objects again."""

    files: dict[str, tuple[str, bytes, int]] = field(default_factory=dict)
    duplicates: tuple[str, list[Problem]] | None = None   # (entity files' hash, problems)
    code: str = ""
    shacl: set[Result] | None = None    # the SHACL results of the build that kept the cache
    stats: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # rel -> stat
    entity_key: str | None = field(default=None, compare=False)   # this build's, once made
    #: what the ontology's files give (the code key covers them): the concepts of each
    #: controlled list, and the compiled shapes ((None,) when they need pyshacl)
    concepts: dict[str, set[str]] | None = None
    shapes: tuple[Any] | None = None


def unpack(entry: tuple[str, bytes, int]) -> tuple[list[Record], list[Problem]]:
    """The records and problems of one file as the cache keeps them."""
    found: tuple[list[Record], list[Problem]] = pickle.loads(entry[1])  # noqa: S301 - ours
    return found


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


def read_records_cached(data_dir: Path, cache: RecordCache, entries: Entries | None = None
                        ) -> tuple[list[Record], list[Problem], RecordCache]:
    """What :func:`graph.data.records.read_records` returns, reading only the files whose
    bytes are not in ``cache``; and the cache of this reading (for the next build).

    A file whose size, times and inode are those the cache saw is not even read (its hash is
    the one kept): any write changes its ``ctime``, which no program can set back.
    ``entries``: :func:`~graph.files.sorted_entries` of ``data_dir``, when already walked."""
    if not data_dir.is_dir():
        return (*_records.read_records(data_dir), RecordCache(code=cache.code))
    now = RecordCache(code=cache.code, duplicates=cache.duplicates, shacl=cache.shacl,
                      concepts=cache.concepts, shapes=cache.shapes)
    records: list[Record] = []
    problems: list[Problem] = []
    with no_collection():    # ~100,000 records and their dicts, none in a cycle
        _read(data_dir, cache, now, records, problems, entries)
    return records, problems, now


def _read(data_dir: Path, cache: RecordCache, now: RecordCache, records: list[Record],
          problems: list[Problem], entries: Entries | None) -> None:
    """Each file's records and problems: kept in ``cache``, else read (into ``now``)."""
    head = f"{data_dir.name}/" if data_dir.name else ""
    files: list[tuple[str, str, Stat | None, str | None, tuple[str, bytes, int] | None]] = []
    for below, path, stat in _walk(data_dir, entries):
        rel = head + below if head else str(Path(path).relative_to(data_dir.parent))
        old = cache.files.get(rel)
        if old is not None and stat is not None and cache.stats.get(rel) == stat:
            digest: str | None = old[0]
        else:
            digest = _digest(Path(path))
        files.append((rel, path, stat, digest, old if old is not None and digest is not None
                      and old[0] == digest else None))
    read = _read_new([path for _, path, _, _, kept in files if kept is None], data_dir)
    for rel, path, stat, digest, kept in files:
        if kept is not None:
            found, errs = unpack(kept)
            blob = kept[1]
        else:
            found, errs, blob = read[path]
        if digest is not None:
            now.files[rel] = (digest, blob, len(found))
            if stat is not None:
                now.stats[rel] = stat
        records.extend(found)
        problems.extend(errs)


#: from this many files to read, a forked child reads the second half of them
SHARE_FROM = 2000


def _read_new(paths: list[str], data_dir: Path
              ) -> dict[str, tuple[list[Record], list[Problem], bytes]]:
    """Each file's records, problems and their pickle (what the cache keeps). Many files are
    read by two processes: a forked child reads the second half and sends their pickles,
    which this one would make anyway."""
    if len(paths) < SHARE_FROM:
        return {path: _read_one(path, data_dir) for path in paths}
    half = len(paths) // 2
    theirs = beside(lambda: [_read_one(path, data_dir)[2] for path in paths[half:]])
    out = {path: _read_one(path, data_dir) for path in paths[:half]}
    for path, blob in zip(paths[half:], theirs(), strict=True):
        found, errs = pickle.loads(blob)  # noqa: S301 - made by our own child
        out[path] = (found, errs, blob)
    return out


def _read_one(path: str, data_dir: Path) -> tuple[list[Record], list[Problem], bytes]:
    found, errs = read_file(Path(path), data_dir)
    return found, errs, pickle.dumps((found, errs), protocol=pickle.HIGHEST_PROTOCOL)


Stat = tuple[int, int, int, int]


def _walk(data_dir: Path, entries: Entries | None = None
          ) -> list[tuple[str, str, Stat | None]]:
    """(path below ``data_dir``, path, size/mtime/ctime/inode) of every file under it whose
    name does not start with a dot, in the order ``sorted(data_dir.rglob("*"))`` gives
    (component by component); symlinked folders are not entered, as with ``rglob``."""
    out: list[tuple[str, str, Stat | None]] = []
    for below, entry in sorted_entries(data_dir) if entries is None else entries:
        if entry.name.startswith("."):
            continue
        try:
            st = entry.stat()
            stat: Stat | None = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        except OSError:
            stat = None
        out.append((below, entry.path, stat))
    return out


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
    if cache.entity_key is not None:
        return cache.entity_key
    head = f"{data_dir.name}/" if data_dir.name else ""     # as the paths are kept
    folders = tuple(f"{head}{folder}/" for folder in ENTITY_FOLDERS)
    cache.entity_key = hashlib.sha256("".join(   # the files in the order they were read
        f"{rel}\0{digest}\n" for rel, (digest, _, _) in cache.files.items()
        if rel.startswith(folders)).encode()).hexdigest()
    return cache.entity_key


def cached_duplicates(cache: RecordCache, data_dir: Path) -> list[Problem] | None:
    """The duplicate-name problems found before, when no entity file changed since."""
    if cache.duplicates is not None and cache.duplicates[0] == _entity_key(cache, data_dir):
        return list(cache.duplicates[1])
    return None


def keep_duplicates(cache: RecordCache, data_dir: Path, problems: list[Problem]) -> None:
    """Keep the duplicate-name problems of the entity files now in ``cache``."""
    cache.duplicates = (_entity_key(cache, data_dir), list(problems))


FACTS = ("post", "participation", "agreement")


def changed_records(before: RecordCache, now: RecordCache
                    ) -> tuple[list[Record], list[Record]] | None:
    """The records of the files that changed since ``before`` (as they were, as they are);
    None when nothing is known of the build before."""
    if not before.files:
        return None
    was: list[Record] = []
    is_: list[Record] = []
    for rel in sorted(before.files.keys() | now.files.keys()):
        old, new = before.files.get(rel), now.files.get(rel)
        if old is None or new is None or old[0] != new[0]:
            was.extend(unpack(old)[0] if old else [])
            is_.extend(unpack(new)[0] if new else [])
    return was, is_


def touched_sources(changed: tuple[list[Record], list[Record]] | None,
                    records: list[Record]) -> set[str] | None:
    """The sources whose named graphs the ``changed`` records (:func:`changed_records`) can
    alter, when only facts changed: the sources of the changed facts (as they were and as
    they are), and every source with a participation at an event where a changed
    participation is (they share ``cc:metWith`` triples). None when an entity or source file
    changed, was added or removed, or nothing is known of the build before: then every
    graph is made again."""
    if changed is None:
        return None
    both = [*changed[0], *changed[1]]
    if any(rec.kind not in FACTS for rec in both):
        return None
    sources = {rec.source or "" for rec in both}
    events = {rec.data.get("event") for rec in both if rec.kind == "participation"}
    if events:
        sources |= {rec.source or "" for rec in records
                    if rec.kind == "participation" and rec.data.get("event") in events}
    return sources
