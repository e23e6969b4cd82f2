"""What changed between two versions of the data: ``cinecoop diff`` and ``out/CHANGES.md``.

A *snapshot* is the part of the data a curator reviews: every entity (kind, labels, the
sources citing it), every fact per source (a one-line description) and the derived facts
(an event's reported date, a person's latest post). ``build`` writes it as
``out/names.json`` and ``out/CHANGES.md`` against the previous build. A version is a build
folder, a ``data/`` folder, or a git revision (``HEAD``, ``main~2``), whose ``data/`` is read
from git without touching the working tree.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Collection
from pathlib import Path
from typing import Any

from graph.data.duplicates import KINDS, entity_labels
from graph.data.records import Problem, Record, read_records

NAMES_FILE = "names.json"
CHANGES_FILE = "CHANGES.md"
SNAPSHOT_VERSION = 1


class DiffError(Exception):
    """A version to compare cannot be read."""


def _fact_text(rec: Record) -> str:
    d = rec.data
    if rec.kind == "post":
        where = f" at {d['organisation']}" if d.get("organisation") else ""
        return f"post: {d.get('person')} {d.get('role')}{where} ({d.get('title')})"
    if rec.kind == "participation":
        behalf = f" for {d['on_behalf_of']}" if d.get("on_behalf_of") else ""
        return f"participation: {d.get('agent')} {d.get('role')} at {d.get('event')}{behalf}"
    parties = ", ".join(d.get("parties") or []) or "parties not stated"
    return f"agreement: {d.get('title')} ({d.get('kind')}, {d.get('status')}; {parties})"


def derived(records: list[Record]) -> dict[str, str]:
    """Facts the build derives: events' reported dates, people's latest posts."""
    dates = {r.id: str(r.data.get("date") or "") for r in records if r.kind == "source"}
    out: dict[str, str] = {}
    for rec in records:
        if rec.kind == "event" and not rec.data.get("start"):
            reported = sorted(d for s, _ in rec.cites() if (d := dates.get(s, "")))
            if reported:
                out[f"event/{rec.id} reported on"] = reported[0]
    latest: dict[str, tuple[str, str]] = {}
    for rec in records:
        if rec.kind == "post" and rec.source is not None:
            when = dates.get(rec.source, "")
            person = str(rec.data.get("person"))
            if when and (person not in latest or (when, rec.id) > latest[person]):
                latest[person] = (when, rec.id)
    for person, (when, post) in latest.items():
        out[f"person/{person} latest post"] = f"{post} ({when})"
    return dict(sorted(out.items()))


def snapshot(records: list[Record]) -> dict[str, Any]:
    """The reviewable content of the data (see the module docstring)."""
    entities: dict[str, Any] = {}
    facts: dict[str, dict[str, str]] = {}
    for rec in records:
        if rec.kind in KINDS:
            entities[f"{rec.kind}/{rec.id}"] = {
                "kind": rec.kind, "labels": [text for _, text in entity_labels(rec)],
                "prefs": {str(k): str(v) for k, v in (rec.data.get("labels") or {}).items()},
                "sources": sorted({s for s, _ in rec.cites()})}
        elif rec.kind in ("post", "participation", "agreement") and rec.source:
            facts.setdefault(rec.source, {})[f"{rec.kind}/{rec.id}"] = _fact_text(rec)
    sources = {r.id: {"file": str(r.data.get("file")), "date": str(r.data.get("date") or ""),
                      "language": str(r.data.get("language"))}
               for r in records if r.kind == "source"}
    return {"version": SNAPSHOT_VERSION, "entities": dict(sorted(entities.items())),
            "sources": dict(sorted(sources.items())),
            "facts": {s: dict(sorted(f.items())) for s, f in sorted(facts.items())},
            "derived": derived(records)}


def snapshot_json(snap: dict[str, Any], before: str | None = None,
                  same: Collection[str] = (), same_facts: Collection[str] = ()) -> str:
    """``names.json``: the snapshot as indented JSON, keys sorted.

    ``before``: the text of a snapshot whose top-level sections ``same`` and whose facts of
    the sources ``same_facts`` are this one's; their text is taken from it (json's indented
    writer is pure Python: a second or two at 5,000 synthetic events). The bytes are those of
    the whole written at once (tested).
    """
    kept = _sections(before, 1) if before else {}
    kept_facts = _sections(kept["facts"], 2) if "facts" in kept and same_facts else {}
    parts = []
    for key, value in sorted(snap.items()):
        if key in same and key in kept:
            text = kept[key]
        elif key == "facts" and isinstance(value, dict) and value and kept_facts:
            text = "{\n" + ",\n".join(
                f"  {_dump(source, 0)}: " + (kept_facts[source] if source in same_facts and
                                             source in kept_facts else _dump(facts, 2))
                for source, facts in sorted(value.items())) + "\n }"
        else:
            text = _dump(value, 1)
        parts.append(f" {_dump(key, 0)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n" if parts else "{}\n"


def _dump(value: Any, level: int) -> str:
    """``value`` as it stands at depth ``level`` of the indented snapshot."""
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    return text.replace("\n", "\n" + " " * level) if level else text


def _sections(text: str, level: int) -> dict[str, str]:
    """The text of each member of the object ``text`` whose members stand at depth
    ``level`` (as :func:`snapshot_json` writes them), by key."""
    pad = "\n" + " " * level + '"'
    starts = [m.start() for m in re.finditer(re.escape(pad), text)]
    out: dict[str, str] = {}
    for i, start in enumerate(starts):
        end = starts[i + 1] - 1 if i + 1 < len(starts) else text.rindex(
            "\n" + " " * (level - 1) + "}")
        member = text[start + 1 + level:end]
        key_end = member.index('": ') + 1
        out[json.loads(member[:key_end])] = member[key_end + 2:]
    return out


def updated_snapshot(before: dict[str, Any], records: list[Record],
                     sources: set[str]) -> dict[str, Any]:
    """The snapshot of ``records`` from the snapshot ``before`` of a build whose records
    differ only in the facts of ``sources``: their facts and the derived facts made again."""
    facts = {name: found for name, found in before.get("facts", {}).items()
             if name not in sources}
    made: dict[str, dict[str, str]] = {}
    for rec in records:
        if rec.kind in ("post", "participation", "agreement") and rec.source in sources:
            made.setdefault(rec.source, {})[f"{rec.kind}/{rec.id}"] = _fact_text(rec)
    facts.update({name: dict(sorted(found.items())) for name, found in made.items()})
    return {**before, "facts": dict(sorted(facts.items())), "derived": derived(records)}


def fact_snapshots(text: str, sources: set[str], records: list[Record]
                   ) -> tuple[dict[str, Any], dict[str, Any], str] | None:
    """For a rebuild whose records differ from those of the snapshot ``text`` (a previous
    ``names.json``) only in the facts of ``sources``: the parts of the snapshot before and of
    the one now that can differ (the facts of ``sources`` and the derived facts; the entities
    and sources left empty, being the same), and the text of ``names.json`` now, whose other
    sections are taken from ``text`` (which is not parsed whole: 0.5 s at 5,000 synthetic
    events). :func:`changes` of the two parts is that of the whole snapshots. None when
    ``text`` is not a snapshot of this version."""
    try:
        top = _sections(text, 1)
        if (set(top) != {"version", "entities", "sources", "facts", "derived"}
                or json.loads(top["version"]) != SNAPSHOT_VERSION):
            return None
        kept = _sections(top["facts"], 2) if top["facts"] != "{}" else {}
        was = {"version": SNAPSHOT_VERSION, "entities": {}, "sources": {},
               "facts": {name: json.loads(kept[name]) for name in sorted(kept.keys() & sources)},
               "derived": json.loads(top["derived"])}
    except (ValueError, KeyError, IndexError):
        return None
    now = updated_snapshot(was, records, sources)
    whole = {**now, "facts": {**{name: None for name in kept.keys() - sources}, **now["facts"]}}
    return was, now, snapshot_json(whole, text, ("entities", "sources", "version"),
                                   kept.keys() - sources)


def read_snapshot(path: Path, text: str | None = None) -> dict[str, Any] | None:
    """A build's snapshot (``names.json``; ``text``: its text, when already read), or None
    when there is none."""
    try:
        data = json.loads(text if text else path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("version") == SNAPSHOT_VERSION else None


def _records_of(data_dir: Path) -> list[Record]:
    records, problems = read_records(data_dir)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise DiffError(f"{data_dir} does not read: {str(errors[0]).splitlines()[0]}")
    return records


def _git_records(rev: str, data_dir: Path) -> list[Record]:
    root = _git(["rev-parse", "--show-toplevel"], data_dir.resolve().parent).strip()
    rel = data_dir.resolve().relative_to(Path(root)).as_posix()
    try:
        raw = subprocess.run(["git", "archive", "--format=tar", rev, rel], cwd=root,
                             capture_output=True, check=True).stdout
    except subprocess.CalledProcessError as exc:
        raise DiffError(f"{rev!r} is not a git revision with {rel}/: "
                        f"{exc.stderr.decode(errors='replace').strip()}") from None
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        tar.extractall(tmp, filter="data")
        return _records_of(Path(tmp) / rel)


def _git(args: list[str], cwd: Path) -> str:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=True,
                              text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        raise DiffError(f"{cwd} is not in a git repository") from None


def load_version(spec: str | None, data_dir: Path, out_dir: Path) -> tuple[str, dict[str, Any]]:
    """(name, snapshot) of a version: None = the last build, a folder, or a git revision."""
    if spec is None:
        snap = read_snapshot(out_dir / NAMES_FILE)
        if snap is None:
            raise DiffError(f"no build in {out_dir} to compare with; run 'cinecoop build' "
                            "first, or name two versions")
        return f"the build in {out_dir}", snap
    path = Path(spec)
    if path.is_dir():
        if (path / NAMES_FILE).is_file():
            snap = read_snapshot(path / NAMES_FILE)
            if snap is None:
                raise DiffError(f"{path / NAMES_FILE} is not a snapshot of this version")
            return f"the build in {path}", snap
        return str(path), snapshot(_records_of(path))
    if "/" in spec and not path.exists() and spec.startswith((".", "/")):
        raise DiffError(f"{spec}: no such folder")
    return f"git {spec}", snapshot(_git_records(spec, data_dir))


def changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Entities added, removed or relabelled; facts added or removed per source; moves."""
    oe, ne = old["entities"], new["entities"]
    relabelled = {i: {"from": oe[i]["prefs"], "to": ne[i]["prefs"]}
                  for i in sorted(set(oe) & set(ne)) if oe[i]["prefs"] != ne[i]["prefs"]}
    facts: dict[str, Any] = {}
    for src in sorted(set(old["facts"]) | set(new["facts"])):
        of, nf = old["facts"].get(src, {}), new["facts"].get(src, {})
        added = {k: nf[k] for k in sorted(set(nf) - set(of))}
        removed = {k: of[k] for k in sorted(set(of) - set(nf))}
        changed = {k: nf[k] for k in sorted(set(of) & set(nf)) if of[k] != nf[k]}
        if added or removed or changed:
            facts[src] = {"added": added, "removed": removed, "changed": changed}
    od, nd = old.get("derived", {}), new.get("derived", {})
    moved = {k: {"from": od[k], "to": nd[k]} for k in sorted(set(od) & set(nd)) if od[k] != nd[k]}
    os_, ns = old.get("sources", {}), new.get("sources", {})
    cited = {}
    for i in sorted(set(oe) & set(ne)):
        more = sorted(set(ne[i]["sources"]) - set(oe[i]["sources"]))
        fewer = sorted(set(oe[i]["sources"]) - set(ne[i]["sources"]))
        if more or fewer:
            cited[i] = {"added": more, "removed": fewer}
    return {"sources_added": {s: ns[s] for s in sorted(set(ns) - set(os_))},
            "sources_removed": {s: os_[s] for s in sorted(set(os_) - set(ns))},
            "added": {i: ne[i]["labels"][0] for i in sorted(set(ne) - set(oe))},
            "removed": {i: oe[i]["labels"][0] for i in sorted(set(oe) - set(ne))},
            "relabelled": relabelled, "cited": cited, "facts": facts, "derived_moved": moved}


def is_empty(ch: dict[str, Any]) -> bool:
    return not any(ch.get(k) for k in ("sources_added", "sources_removed", "added", "removed",
                                       "relabelled", "cited", "facts", "derived_moved"))


def markdown(ch: dict[str, Any], old_name: str, new_name: str) -> str:
    """The changes as Markdown (stable order: a golden file can hold it)."""
    lines = [f"# Changes from {old_name} to {new_name}", ""]
    if is_empty(ch):
        return "\n".join([*lines, "No changes.", ""])
    for title, key in (("Sources added", "sources_added"), ("Sources removed",
                                                             "sources_removed")):
        if ch.get(key):
            lines += [f"## {title}", ""] + [
                f"- `{s}` {v['file']} ({v['language']}, {v['date'] or 'undated'})"
                for s, v in ch[key].items()]
            lines.append("")
    for title, key in (("Entities added", "added"), ("Entities removed", "removed")):
        if ch[key]:
            lines += [f"## {title}", ""] + [f"- `{i}` {label}" for i, label in ch[key].items()]
            lines.append("")
    if ch["relabelled"]:
        lines += ["## Entities relabelled", ""]
        for i, r in ch["relabelled"].items():
            lines.append(f"- `{i}`: {_labels(r['from'])} → {_labels(r['to'])}")
        lines.append("")
    if ch.get("cited"):
        lines += ["## Citations changed", ""]
        for i, c in ch["cited"].items():
            parts = [f"now cited by {', '.join(c['added'])}"] if c["added"] else []
            parts += [f"no longer by {', '.join(c['removed'])}"] if c["removed"] else []
            lines.append(f"- `{i}` {'; '.join(parts)}")
        lines.append("")
    for src, f in ch["facts"].items():
        lines += [f"## Facts of {src}", ""]
        for sign, key in (("+", "added"), ("-", "removed"), ("~", "changed")):
            lines += [f"- {sign} `{k}` {text}" for k, text in f[key].items()]
        lines.append("")
    if ch["derived_moved"]:
        lines += ["## Derived facts that moved", ""]
        lines += [f"- {k}: {m['from']} → {m['to']}" for k, m in ch["derived_moved"].items()]
        lines.append("")
    return "\n".join(lines)


def _labels(prefs: dict[str, str]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(prefs.items()))


def moved_warnings(old: dict[str, Any] | None, records: list[Record],
                   now: dict[str, str] | None = None) -> list[Problem]:
    """A warning for each derived fact the change moves (against the last build); ``now``:
    the derived facts of ``records``, when already made."""
    if old is None:
        return []
    now = derived(records) if now is None else now
    moved = [(key, was) for key, was in sorted(old.get("derived", {}).items())
             if key in now and now[key] != was]
    by_key = {f"{r.kind}/{r.id}": r for r in records if r.kind in KINDS} if moved else {}
    out = []
    for key, was in moved:
        ident, what = key.split(" ", 1)
        rec = by_key.get(ident)
        out.append(Problem(rec.file if rec else "data/", rec.line if rec else None,
                           ident, None, f"this change moves its {what} from {was} to "
                           f"{now[key]}", "check that the new citation or post is meant to "
                           "move it; 'cinecoop diff' lists every change", "warning"))
    return out
