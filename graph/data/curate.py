"""Curating without hand-copying: ``add source``, ``add KIND``, ``cite`` and ``paras``.

Every command reads ``data/``, checks its input completely, and only then writes canonical
YAML (``graph.data.canonical``) atomically; bad input raises :class:`CurateError` with a one-line
message and writes nothing.

Source ids: ``<NNN>_<first 16 hex digits of the SHA-256 of the text>``, NNN being the next
number after the highest one in ``data/sources/`` (``005_...`` after ``004_...``); a text whose
file name already has that form keeps it. The text goes into the sources folder as
``<id>.txt``; the record keeps its checksum, so ``validate`` warns when it later changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from graph.data.canonical import canonical_text
from graph.data.duplicates import KINDS, entity_labels, record_index
from graph.data.records import (
    CITE_RE,
    ENTITY_FOLDERS,
    ID_RE,
    REQUIRED,
    SCHEMA,
    Record,
    _check_field,
    parse_yaml,
    read_records,
)
from graph.files import slug, write_atomic
from graph.names import Match, mention
from graph.text import paragraphs, text_checksum

FOLDER_OF = {kind: folder for folder, kind in ENTITY_FOLDERS.items()}
SOURCE_ID_RE = re.compile(r"^(\d{3})_[0-9a-f]{16}$")
LANGUAGES = ("en", "ru", "az", "tr")
MONTHS = {m: i for i, m in enumerate(
    ("january february march april may june july august september october november "
     "december").split(), 1)}
MONTHS_RU = {m: i for i, m in enumerate(
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
    .split(), 1)}


PLURAL = {"person": "people", "country": "countries"}


class CurateError(Exception):
    """Bad input for a curation command; nothing was written."""


@dataclass
class Written:
    """What a curation command wrote (paths) and what it has to say."""

    paths: list[Path]
    message: str


def _records(data_dir: Path) -> list[Record]:
    records, problems = read_records(data_dir)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise CurateError(f"{errors[0]}".splitlines()[0] + " (fix data/ first: run "
                          "'cinecoop validate')")
    return records


def _dump(path: Path, body: dict[str, Any], head: str = "") -> str:
    plain = json.loads(json.dumps(body))  # the line-keeping mappings of the reader, as dicts
    text = head + yaml.safe_dump(plain, allow_unicode=True, sort_keys=False, width=100)
    return canonical_text(path, text)


# ----------------------------------------------------------------------- add source


def guess_language(text: str) -> str:
    """The language a text's script suggests: ru (Cyrillic), az (ə), tr (ğ ş ı), else en."""
    cyrillic = sum(1 for c in text if "\u0400" <= c <= "\u04ff")
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    if cyrillic > latin:
        return "ru"
    if "ə" in text.lower():
        return "az"
    if sum(text.count(c) for c in "ğşı") > 3:
        return "tr"
    return "en"


def dateline(first: str) -> str | None:
    """A date printed at the top of an article (ISO, 'September 20, 2024', '9 декабря 2025')."""
    head = first[:200]
    m = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", head)
    if m:
        return _iso(int(m[1]), int(m[2]), int(m[3]))
    m = re.search(r"\b([A-Za-z]+)\s+(\d{1,2}),\s+(\d{4})\b", head)
    if m and m[1].lower() in MONTHS:
        return _iso(int(m[3]), MONTHS[m[1].lower()], int(m[2]))
    m = re.search(r"\b(\d{1,2})\s+([A-Za-zА-Яа-я]+)\s+(\d{4})\b", head)
    if m:
        month = MONTHS.get(m[2].lower()) or MONTHS_RU.get(m[2].lower())
        if month:
            return _iso(int(m[3]), month, int(m[1]))
    return None


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _next_source_id(records: list[Record], text: bytes, stem: str) -> str:
    if SOURCE_ID_RE.match(stem):
        return stem
    numbers = [int(m[1]) for r in records if r.kind == "source" and (m := SOURCE_ID_RE.match(r.id))]
    return f"{max(numbers, default=-1) + 1:03d}_{hashlib.sha256(text).hexdigest()[:16]}"


def _already_a_source(records: list[Record], sources: Path, raw: bytes,
                      url: str | None) -> None:
    digest = text_checksum(raw)
    for rec in (r for r in records if r.kind == "source"):
        if url and rec.data.get("url") == url:
            raise CurateError(f"{url} is already the source {rec.id} ({rec.file})")
        kept = rec.data.get("checksum")
        path = sources / str(rec.data["file"])
        if kept == digest or (not kept and path.is_file() and
                              text_checksum(path.read_bytes()) == digest):
            raise CurateError(f"this text is already the source {rec.id} ({rec.file})")


def add_source(data_dir: Path, sources: Path | None, text_file: Path, url: str | None = None,
               lang: str | None = None, date: str | None = None,
               publisher: str | None = None) -> Written:
    """Register an article: data/sources/<id>.yaml, an empty facts file, the text copied."""
    if sources is None:
        raise CurateError("no sources folder: give --sources DIR (or CINECOOP_SOURCES), the "
                          "folder the article texts live in")
    if not text_file.is_file():
        raise CurateError(f"{text_file}: no such file")
    raw = text_file.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CurateError(f"{text_file}: not UTF-8 text; save it as UTF-8") from None
    blocks = paragraphs(text)
    if not blocks:
        raise CurateError(f"{text_file}: the text is empty")
    if lang is not None and lang not in LANGUAGES:
        raise CurateError(f"--lang {lang!r}: use one of {', '.join(LANGUAGES)}")
    records = _records(data_dir)
    _already_a_source(records, sources, raw, url)
    ident = _next_source_id(records, raw, text_file.stem)
    if any(r.id == ident for r in records):
        raise CurateError(f"the id {ident} is already taken; rename {text_file.name}")
    body: dict[str, Any] = {"id": ident, "file": f"{ident}.txt", "language": lang or
                            guess_language(text)}
    found = date or dateline(blocks[0])
    if date is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", date):
        raise CurateError(f"--date {date!r}: write YYYY-MM-DD, YYYY-MM or YYYY")
    body.update({"date": found, "date_basis": "dateline"} if found else
                {"date_basis": "undated"})
    if url:
        body["url"] = url
    if publisher:
        body["publisher"] = _publisher(records, publisher, blocks)
    body.update({"paragraphs": len(blocks), "checksum": text_checksum(raw)})
    record_path = data_dir / "sources" / f"{ident}.yaml"
    facts_path = data_dir / "facts" / f"{ident}.yaml"
    head = ("# Source metadata. The text itself stays outside the repo "
            "(--sources DIR / CINECOOP_SOURCES).\n")
    record_text = _dump(record_path, body, head)
    facts_text = _dump(facts_path, {"source": ident})
    target = sources / f"{ident}.txt"
    if target.exists() and target.read_bytes() != raw:
        raise CurateError(f"{target} exists with another text")
    write_atomic(target, raw)
    write_atomic(record_path, record_text)
    write_atomic(facts_path, facts_text)
    how = f"dated {found} by its dateline" if found and not date else (
        f"dated {found}" if found else "undated: no dateline found (give --date)")
    return Written([record_path, facts_path, target],
                   f"added source {ident} ({body['language']}, {len(blocks)} paragraphs, {how})")


def _publisher(records: list[Record], ident: str, blocks: list[str]) -> dict[str, Any]:
    org = next((r for r in records if r.kind == "organisation" and r.id == ident), None)
    if org is None:
        raise CurateError(f"--publisher {ident!r}: no organisation has that id "
                          "(see 'cinecoop find NAME --kind organisation')")
    for n, block in enumerate(blocks, 1):
        if any(mention(label, block) for _, label in entity_labels(org)):
            return {"org": ident, "para": n}
    raise CurateError(f"--publisher {ident!r}: the text never names it; leave it out or add "
                      "the spelling the text uses to its alt_labels")


# ------------------------------------------------------------------ add KIND / cite


def _pairs(values: tuple[str, ...], option: str) -> list[tuple[str, str]]:
    out = []
    for v in values:
        lang, sep, text = v.partition("=")
        if not sep or lang not in LANGUAGES or not text.strip():
            raise CurateError(f"{option} {v!r}: write LANG=TEXT with LANG one of "
                              f"{', '.join(LANGUAGES)}, e.g. {option} ru=\"Рашад Азизов\"")
        out.append((lang, text.strip()))
    return out


def _check_cites(records: list[Record], cites: tuple[str, ...]) -> list[str]:
    sources = {r.id: r for r in records if r.kind == "source"}
    for c in cites:
        m = CITE_RE.match(c)
        if not m:
            raise CurateError(f"--cite {c!r}: write SOURCE:PARAGRAPH, e.g. "
                              "004_7e29c807a69063d9:5")
        src = sources.get(m["source"])
        if src is None:
            raise CurateError(f"--cite {c!r}: no source {m['source']!r} "
                              "(add it with 'cinecoop add source FILE.txt')")
        if not 1 <= int(m["para"]) <= int(src.data["paragraphs"]):
            raise CurateError(f"--cite {c!r}: {src.id} has paragraphs 1 to "
                              f"{src.data['paragraphs']}")
    return list(dict.fromkeys(cites))


def likely_duplicates(records: list[Record], kind: str,
                      labels: list[tuple[str, str]]) -> list[Match]:
    """Records of ``kind`` that one of ``labels`` may name (not as part of a longer name)."""
    index = record_index(records)
    found: dict[str, Match] = {}
    for _, text in labels:
        for m in index.find(text, kind=kind, limit=5):
            if m.score >= 75 and not m.why.startswith("part") and m.id not in found:
                found[m.id] = m
    return sorted(found.values(), key=lambda m: (-m.score, m.id))


def add_entity(data_dir: Path, kind: str, labels: tuple[str, ...], cites: tuple[str, ...],
               alt_labels: tuple[str, ...] = (), ident: str | None = None,
               fields: tuple[str, ...] = (), distinct_from: tuple[str, ...] = ()) -> Written:
    """Write data/<folder>/<id>.yaml for a new entity, refusing likely duplicates."""
    if kind not in KINDS:
        raise CurateError(f"cannot add a {kind!r}: kinds are {', '.join(KINDS)} "
                          "(and 'add source FILE.txt')")
    records = _records(data_dir)
    label_pairs, alt_pairs = _pairs(labels, "--label"), _pairs(alt_labels, "--alt")
    if not label_pairs:
        raise CurateError("give at least one --label LANG=TEXT")
    if len({lang for lang, _ in label_pairs}) != len(label_pairs):
        raise CurateError("one --label per language; put other names in --alt LANG=TEXT")
    if not cites:
        raise CurateError("give --cite SOURCE:PARAGRAPH: every record cites where it comes from")
    ident = ident or slug(dict(label_pairs).get("en") or label_pairs[0][1])
    if not ID_RE.match(ident or ""):
        raise CurateError(f"--id {ident!r}: ids are lower-case letters, digits, '-' and '_'")
    known = {r.id for r in records if r.kind == kind}
    for other in distinct_from:
        if other not in known:
            raise CurateError(f"--distinct-from {other!r}: no {kind} has that id")
    dupes = [m for m in likely_duplicates(records, kind, label_pairs + alt_pairs)
             if m.id not in distinct_from]
    if dupes:
        listed = "; ".join(f"{m.id} ({m.label!r}: {m.why}, {m.score})" for m in dupes)
        raise CurateError(f"likely already in the graph: {listed}; cite that record with "
                          f"'cinecoop cite {dupes[0].id} SOURCE:N', or add --distinct-from "
                          f"{dupes[0].id} if they are different {PLURAL.get(kind, kind + 's')}")
    if any(r.id == ident for r in records if r.kind not in ("post", "participation")):
        raise CurateError(f"the id {ident!r} is taken; give another with --id")
    body = _entity_body(kind, ident, label_pairs, alt_pairs, _check_cites(records, cites),
                        fields, distinct_from)
    path = data_dir / FOLDER_OF[kind] / f"{ident}.yaml"
    _check_shape(kind, ident, body, path)
    write_atomic(path, _dump(path, body))
    return Written([path], f"added {kind} {ident}: {path}")


def _entity_body(kind: str, ident: str, labels: list[tuple[str, str]],
                 alts: list[tuple[str, str]], cites: list[str], fields: tuple[str, ...],
                 distinct_from: tuple[str, ...]) -> dict[str, Any]:
    body: dict[str, Any] = {"id": ident, "labels": dict(labels)}
    alt: dict[str, list[str]] = {}
    for lang, text in alts:
        alt.setdefault(lang, []).append(text)
    if alt:
        body["alt_labels"] = alt
    for item in fields:
        name, sep, value = item.partition("=")
        if not sep or name not in SCHEMA[kind] or name in body or name in (
                "cite", "cite_fields", "as", "distinct_from"):
            settable = [f for f in SCHEMA[kind] if f not in (
                "id", "labels", "alt_labels", "cite", "cite_fields", "as", "distinct_from")]
            raise CurateError(f"--set {item!r}: a {kind} takes --set FIELD=VALUE with FIELD "
                              f"one of {', '.join(settable)} (see 'cinecoop vocab {kind}')")
        body[name] = yaml.safe_load(value) if SCHEMA[kind][name] == "bool" else value
    body["cite"] = cites
    if distinct_from:
        body["distinct_from"] = list(distinct_from)
    return body


def _check_shape(kind: str, ident: str, body: dict[str, Any], path: Path) -> None:
    rec = Record(kind, ident, str(path), 1, body)
    missing = [f for f in REQUIRED[kind] if f not in body]
    if missing:
        raise CurateError(f"a {kind} needs {', '.join(missing)}: add --set "
                          f"{missing[0]}=VALUE (see 'cinecoop vocab {kind}')")
    for name, value in body.items():
        for problem in _check_field(rec, name, SCHEMA[kind][name], value):
            raise CurateError(f"--set {name}: {problem.message}" + (
                f" ({problem.hint})" if problem.hint else ""))


def cite(data_dir: Path, ident: str, citation: str, surface: str | None = None) -> Written:
    """Add ``SOURCE:N`` to the citations of an existing entity (``as`` the words it uses)."""
    records = _records(data_dir)
    found = [r for r in records if r.id == ident and r.kind in KINDS]
    if not found:
        raise CurateError(f"no person, organisation, event, place or country has the id "
                          f"{ident!r} (see 'cinecoop find NAME')")
    rec = found[0]
    _check_cites(records, (citation,))
    if citation in (rec.data.get("cite") or []):
        raise CurateError(f"{ident} already cites {citation}")
    path = data_dir.parent / rec.file if not Path(rec.file).is_absolute() else Path(rec.file)
    raw, _ = parse_yaml(path.read_text(encoding="utf-8"), rec.file)
    raw["cite"] = [*raw.get("cite", []), citation]
    if surface is not None:
        if not surface.strip():
            raise CurateError("--as: give the words the paragraph uses")
        raw["as"] = {**(raw.get("as") or {}), citation: surface.strip()}
    head = "".join(line + "\n" for line in path.read_text(encoding="utf-8").splitlines()
                   if line.startswith("#"))
    write_atomic(path, _dump(path, raw, head))
    return Written([path], f"{ident} now cites {citation}: {path}")
