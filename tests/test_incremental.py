"""A rebuild after an edit reuses what did not change, and writes what a clean build writes.

Each case edits a copy of data/ the way a curator does (a fact changed, an entity file
deleted, an edit reverted), rebuilds into the out/ folder of the build before, and compares
every output with a clean build of the same data in a new folder: the same bytes, the same
quads in the store.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import DATA

from graph.data import cache as cache_module
from graph.data.build import STORE_DIR, build
from graph.data.diff import CHANGES_FILE
from graph.data.records import read_file
from graph.terms import source_graph

S4 = "004_7e29c807a69063d9"
SAME = ("graph.trig", "graph.ttl", "graph.nt", "names.json", "names.tsv", "manifest.json")


def _store(folder: Path) -> set[str]:
    store = ox.Store.read_only(str(folder / STORE_DIR))
    quads = {str(q) for q in store}
    del store
    return quads


def _same_as_clean(data: Path, out: Path, clean: Path) -> None:
    build(data, clean)
    for name in SAME:
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name
    assert _store(out) == _store(clean)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    shutil.copytree(DATA, tmp_path / "data")
    return tmp_path / "data"


def test_a_rebuild_after_an_edit_writes_what_a_clean_build_writes(data: Path,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(data, out)
    first = {name: (out / name).read_bytes() for name in SAME[:4]}
    facts = data / "facts" / f"{S4}.yaml"
    _edit(facts, "role: moderator", "role: speaker")
    touched = build(data, out).report.touched     # only facts changed: a rebuild
    assert touched is not None and S4 in touched and len(touched) < 5, touched
    _same_as_clean(data, out, tmp_path / "clean-edit")
    assert "moderator" in (out / CHANGES_FILE).read_text(encoding="utf-8")
    # the store was updated from the one before (hard links to its files), not loaded anew
    assert any(p.stat().st_nlink > 1 for p in (out / STORE_DIR).resolve().glob("*.sst"))

    (data / "people" / "farid-jafarov.yaml").unlink()      # a deleted file...
    _edit(data / "people" / "birol-guven.yaml", "labels:", "note: checked\nlabels:")
    ran = _build_or_errors(data, out)
    if ran:                                                # ...still referenced: an error
        assert "farid-jafarov" in ran
        shutil.copy(DATA / "people" / "farid-jafarov.yaml", data / "people")
        build(data, out)
    _same_as_clean(data, out, tmp_path / "clean-delete")

    shutil.copy(DATA / "facts" / f"{S4}.yaml", facts)     # the first edit reverted
    shutil.copy(DATA / "people" / "birol-guven.yaml", data / "people")
    build(data, out)
    _same_as_clean(data, out, tmp_path / "clean-revert")
    assert {name: (out / name).read_bytes() for name in SAME[:4]} == first


def _build_or_errors(data: Path, out: Path) -> str:
    from graph.data.build import BuildError

    try:
        build(data, out)
    except BuildError as exc:
        return "\n".join(map(str, exc.problems))
    return ""


def test_a_rebuild_writes_the_changes_and_warnings_a_full_build_writes(data: Path,
                                                                      tmp_path: Path) -> None:
    """A rebuild after facts reads only the touched sources' facts and the derived facts of
    the names.json before (not the whole): CHANGES.md, names.json and the warnings are those
    of a full build against the same build before."""
    out, full = tmp_path / "out", tmp_path / "full"
    build(data, out)
    shutil.copytree(out, full, symlinks=True)        # the same build before, for both
    _edit(data / "facts" / f"{S4}.yaml", "role: moderator", "role: speaker")
    # a post renamed: where it is a person's latest, the derived fact moves (a warning)
    _edit(data / "facts" / f"{S4}.yaml", "id: 004-azizov-director-general",
          "id: 004-azizov-director-general-renamed")
    rebuilt = build(data, out)
    whole = build(data, full, rebuild=False)
    assert rebuilt.report.touched is not None and whole.report.touched is None
    for name in (CHANGES_FILE, "names.json", "names.tsv"):
        assert (out / name).read_bytes() == (full / name).read_bytes(), name
    assert rebuilt.report.warnings == whole.report.warnings
    assert any("moves its latest post" in w.message for w in rebuilt.report.warnings)
    assert "moderator" in (out / CHANGES_FILE).read_text(encoding="utf-8")


def test_a_deleted_source_leaves_its_graph_out_of_the_store(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(data, out)
    (data / "facts" / f"{S4}.yaml").unlink()
    build(data, out)
    _same_as_clean(data, out, tmp_path / "clean")


def test_only_the_edited_file_is_read_again(data: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    build(data, out)
    read: list[str] = []

    def counting(path: Path, data_dir: Path):  # type: ignore[no-untyped-def]
        read.append(path.name)
        return read_file(path, data_dir)

    monkeypatch.setattr(cache_module, "read_file", counting)
    facts = data / "facts" / f"{S4}.yaml"
    _edit(facts, "role: moderator", "role: speaker")
    os.utime(data / "people" / "birol-guven.yaml")            # touched, not changed
    build(data, out)
    assert read == [facts.name]


def test_bad_data_after_a_good_build_fails_and_keeps_the_build(data: Path,
                                                               tmp_path: Path) -> None:
    from graph.data.build import BuildError

    out = tmp_path / "out"
    build(data, out)
    before = {name: (out / name).read_bytes() for name in SAME}
    _edit(data / "facts" / f"{S4}.yaml", "agent: rashad-azizov", "agent: rashad-azizow")
    with pytest.raises(BuildError) as exc:
        build(data, out)
    assert "unknown id 'rashad-azizow'" in "\n".join(map(str, exc.value.problems))
    assert {name: (out / name).read_bytes() for name in SAME} == before


def test_a_rebuild_writes_only_the_pieces_whose_lines_changed(data: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """graph.trig and graph.ttl are spliced from the build before: only the edited source's
    graph and the subject pieces holding its changed triples are written by pyoxigraph."""
    from graph.data import splice

    out = tmp_path / "out"
    build(data, out)
    written: list[str] = []
    real = splice._write

    def counting(lines, fmt, what, count):  # type: ignore[no-untyped-def]
        written.append(what)
        return real(lines, fmt, what, count)

    monkeypatch.setattr(splice, "_write", counting)
    _edit(data / "facts" / f"{S4}.yaml", "role: moderator", "role: speaker")
    build(data, out)
    graphs = [w for w in written if w.startswith("the TriG")]
    assert graphs == [f"the TriG of graph <{source_graph(S4)}>"], written
    assert 1 <= len(written) - len(graphs) <= 2, written
    _same_as_clean(data, out, tmp_path / "clean")


def test_pieces_of_another_code_or_a_changed_file_are_not_reused(data: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    from graph.data import splice

    out = tmp_path / "out"
    build(data, out)
    monkeypatch.setattr(splice, "_code_key", lambda: "another version of cinecoop")
    folder = (out / "current").resolve()
    assert splice.load_pieces(folder) == (splice.Pieces(), {})
    monkeypatch.undo()
    assert splice.load_pieces(folder)[0].graphs
    trig = (out / "graph.trig").resolve()
    trig.write_bytes(trig.read_bytes() + b"# changed by hand\n")
    assert splice.load_pieces(folder) == (splice.Pieces(), {})
    _edit(data / "facts" / f"{S4}.yaml", "role: moderator", "role: speaker")
    build(data, out)
    _same_as_clean(data, out, tmp_path / "clean")


def test_a_file_rewritten_with_its_size_and_time_kept_is_read_again(data: Path,
                                                                    tmp_path: Path) -> None:
    """The build skips reading a file whose size, times and inode are those it saw; a
    rewrite that keeps the size and sets the modification time back still changes the
    inode's ctime, so the edit is seen."""
    out = tmp_path / "out"
    build(data, out)
    facts = data / "facts" / f"{S4}.yaml"
    st = facts.stat()
    _edit(facts, "советник председателя", "советник руководителя")   # the same length
    os.utime(facts, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert facts.stat().st_size == st.st_size
    build(data, out)
    assert "советник руководителя" in (out / "graph.nt").read_text(encoding="utf-8")
    _same_as_clean(data, out, tmp_path / "clean")


def test_names_json_written_in_sections_has_the_bytes_of_the_whole() -> None:
    """A rebuild takes the unchanged sections of names.json (entities, sources, the facts of
    untouched sources) from the build before: the same bytes as json writing it whole."""
    import json

    from graph.data.diff import snapshot, snapshot_json, updated_snapshot
    from graph.data.records import read_records

    records, _ = read_records(DATA)
    snap = snapshot(records)
    whole = json.dumps(snap, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    assert snapshot_json(snap) == whole
    sources = set(snap["facts"])
    assert updated_snapshot(snap, records, {S4}) == snap
    assert snapshot_json(snap, whole, ("entities", "sources", "version"),
                         sources - {S4}) == whole


def test_the_record_cache_walks_files_as_rglob_does(tmp_path: Path) -> None:
    """The records are read in the order ``sorted(rglob)`` gives (the order of the records,
    hence of every message), symlinked folders not entered, dot files left out."""
    root = tmp_path / "data"
    for rel in ("a/b.yaml", "a-c.yaml", "a/z/.hidden", "b.yaml", "Ä/ü.yaml", ".x/y.yaml"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel, encoding="utf-8")
    (root / "link.yaml").symlink_to(root / "b.yaml")
    (root / "linked-folder").symlink_to(root / "a", target_is_directory=True)
    for folder in (root, DATA):
        expected = [str(p.relative_to(folder)) for p in sorted(folder.rglob("*"))
                    if not p.is_dir() and not p.name.startswith(".")]
        assert [below for below, _, _ in cache_module._walk(folder)] == expected
