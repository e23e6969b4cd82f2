"""Every input limit, each with a case: bad data is a clear problem, never a crash or a pass.

Each case breaks one file of a copy of ``data/`` the way a careless curator (or the fuzzer,
scripts/fuzz.py) would, and checks the one-line problem that names file, record, field and what
is wrong. Query limits are in tests/test_query.py and tests/test_serve.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from clirun import cinecoop
from conftest import DATA, S4

from graph.data.records import MAX_DEPTH, MAX_FILE_BYTES, MAX_LABEL
from graph.data.validate import validate

KOBIA = "organisations/kobia.yaml"
BCB = "events/baku-cinema-breeze.yaml"


def _edit(data: Path, file: str, old: str | None, new: str) -> None:
    path = data / file
    text = path.read_text(encoding="utf-8")
    if old is None:
        text += new
    else:
        assert old in text, f"fixture text {old!r} not in {file}"
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


CASES = {
    # case: (file, old text (None: append), new text, words of the error)
    "duplicate key": (KOBIA, None, "type: organisation\n",
                      ["data/organisations/kobia.yaml:7", "duplicate key 'type'",
                       "first on line 2"]),
    "alias": (KOBIA, "note: Named", "alt_labels: &a {en: [x]}\nlabel_note: *a\nnote: Named",
              ["anchors and aliases", "not allowed"]),
    "deep nesting": (KOBIA, None, "label_note: " + "[" * 50 + "]" * 50 + "\n",
                     [f"nested deeper than {MAX_DEPTH} levels"]),
    "long label": (KOBIA, "en: KOBİA", "en: " + "K" * (MAX_LABEL + 1),
                   ["record 'kobia' field 'labels'",
                    f"is {MAX_LABEL + 1} characters long; the limit is {MAX_LABEL}"]),
    "line separator in a label": (KOBIA, "en: KOBİA", 'en: "KOB\\u2028İA"',
                                  ["field 'labels'", "line separator U+2028 at position 4"]),
    "escape sequence in a label": (KOBIA, "en: KOBİA", 'en: "\\e[31mKOBİA"',
                                   ["control character U+001B at position 1"]),
    "control character in a note": (KOBIA, "note: Named", 'note: "a\\x07" \nlabel_note: Named',
                                    ["field 'note'", "control character U+0007 at position 2"]),
    "full-width digits in a date": (BCB, "cite:", "start: '２０２５'\ncite:",
                                    ["field 'start'", "is not a date", "ASCII digits"]),
    "Arabic-Indic digits in a paragraph": (
        KOBIA, "'004_7e29c807a69063d9:4'", "'004_7e29c807a69063d9:٤'",
        ["field 'cite'", "is not '<source>:<paragraph>'"]),
    "paragraph 0 cited": (KOBIA, "'004_7e29c807a69063d9:4'", "'004_7e29c807a69063d9:0'",
                          ["field 'cite'", "cites paragraph 0", "counted from 1"]),
    "paragraph 0 in facts": (f"facts/{S4}.yaml", "para: 4\n", "para: 0\n",
                             ["field 'para'", "must be a paragraph number"]),
    "cite not a list beside cite_fields": (
        BCB, "cite: ['003_2832cb0f310ffba0:12', '004_7e29c807a69063d9:1']", "cite: 5",
        ["field 'cite'", "must be a non-empty list"]),
    "parent of itself": (KOBIA, None, "parent: kobia\n",
                         ["record 'kobia' field 'parent'",
                          "parent goes round in a circle: kobia -> kobia"]),
    "super_event cycle": ("events/oic-cultural-festival-baku-creative-week-2025.yaml",
                          "cite:", "super_event: baku-cinema-breeze\ncite:",
                          ["super_event goes round in a circle: baku-cinema-breeze -> "
                           "oic-cultural-festival-baku-creative-week-2025 -> baku-cinema-breeze"]),
    "end before start at different precision": (
        BCB, "cite:", "start: '2025-12'\nend: '2025-11-30'\ncite:",
        ["field 'end'", "ends (2025-11-30) before it starts (2025-12)"]),
}


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def _errors(data: Path) -> str:
    report = validate(data)
    assert not report.ok, "the broken data was accepted"
    return "\n".join(str(p) for p in report.errors)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_a_clear_problem(case: str, data_copy: Path) -> None:
    file, old, new, words = CASES[case]
    _edit(data_copy, file, old, new)
    errors = _errors(data_copy)
    for word in words:
        assert word in errors, f"{word!r} missing from:\n{errors}"


def test_within_cycle_names_every_place(data_copy: Path) -> None:
    _edit(data_copy, "places/baku.yaml", "cite:", "within: baku-congress-center\ncite:")
    assert "within goes round in a circle: baku -> baku-congress-center -> baku" in \
        _errors(data_copy)


def test_same_month_end_is_not_before_start(data_copy: Path) -> None:
    _edit(data_copy, BCB, "cite:", "start: '2025-12'\nend: '2025-12-01'\ncite:")
    assert validate(data_copy).ok


def test_invalid_utf8_names_line_and_byte(data_copy: Path) -> None:
    path = data_copy / KOBIA
    path.write_bytes(path.read_bytes().replace("KOBİA".encode(), b"KOB\xff"))
    assert "data/organisations/kobia.yaml:4: error: not UTF-8: byte 0xff at column 10" in \
        _errors(data_copy)


def test_file_size_is_bounded(data_copy: Path) -> None:
    with (data_copy / KOBIA).open("a", encoding="utf-8") as fh:
        fh.write("#" + "x" * MAX_FILE_BYTES + "\n")
    assert f"the limit is {MAX_FILE_BYTES}" in _errors(data_copy)


def test_alias_bomb_is_refused_at_once(data_copy: Path) -> None:
    """The 376-byte bomb that ran for minutes: refused at its first alias."""
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    (data_copy / KOBIA).write_text(bomb, encoding="utf-8")
    assert "anchors and aliases" in _errors(data_copy)


def test_cli_reports_limits_without_traceback(data_copy: Path, tmp_path: Path) -> None:
    _edit(data_copy, KOBIA, None, "parent: kobia\n")
    (data_copy / BCB).write_bytes(b"id: \xc3\x28\n")
    out = tmp_path / "out"
    result = cinecoop("--data", data_copy, "--out", out, "build")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "not UTF-8" in result.stderr
    assert not out.exists() or not (out / "graph.trig").exists()


def test_show_never_prints_escape_sequences(data_copy: Path, tmp_path: Path) -> None:
    """A label is refused with an escape character; `show` escapes whatever the graph holds."""
    from graph.text import printable

    assert printable("KOB\x1b[2JİA\u2028") == "KOB\\u001b[2JİA\\u2028"


def test_every_kind_of_field_has_a_check() -> None:
    from graph.data.records import FIELD_CHECKS, SCHEMA

    kinds = {spec.rstrip("?").split(":", 1)[0] for fields in SCHEMA.values()
             for spec in fields.values()}
    assert kinds <= set(FIELD_CHECKS)
