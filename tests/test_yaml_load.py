"""The quick YAML construction (graph.data.records._load) gives what PyYAML's loader gives.

The reference is the loader as it was: ``_LineLoader`` with PyYAML's own ``resolve`` and its
own construction (``yaml.load``). Every file of the curated data and of synthetic data, and
YAML written to be awkward (YAML 1.1's booleans, octals, sexagesimals, tags, merge keys,
aliases, duplicate keys, nesting at the limit, syntax errors), must come out the same: the
same values of the same types, the same line of every mapping and key, the same problems.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA, REPO

from graph.data import records
from graph.data.records import MAX_DEPTH, _LineLoader, _resolve, parse_yaml


class _Reference(_LineLoader):
    resolve = yaml.resolver.BaseResolver.resolve


def _reference(text: str) -> Any:
    return yaml.load(text, Loader=_Reference)  # noqa: S506 - a SafeLoader subclass


def _same(quick: Any, ref: Any, where: str = "") -> None:
    """Equal values of the same types, and for mappings the same lines."""
    assert type(quick) is type(ref), f"{where}: {type(quick)} != {type(ref)}"
    if isinstance(ref, dict):
        assert (quick.line, quick.key_lines) == (ref.line, ref.key_lines), where
        assert list(quick) == list(ref), where
        for (qk, qv), (rk, rv) in zip(quick.items(), ref.items(), strict=True):
            _same(qk, rk, f"{where} key")
            _same(qv, rv, f"{where}.{rk}")
    elif isinstance(ref, list):
        assert len(quick) == len(ref), where
        for i, (q, r) in enumerate(zip(quick, ref, strict=True)):
            _same(q, r, f"{where}[{i}]")
    elif isinstance(ref, float) and ref != ref:
        assert quick != quick, where        # nan
    else:
        assert quick == ref, where


def _problems(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """parse_yaml's answer with the quick construction, and with the reference loader."""
    quick = parse_yaml(text, "data/x.yaml")
    with monkeypatch.context() as m:
        m.setattr(records, "_load", _reference)
        ref = parse_yaml(text, "data/x.yaml")
    return quick, ref


def _assert_loads_alike(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    (quick, quick_problems), (ref, ref_problems) = _problems(text, monkeypatch)
    assert quick_problems == ref_problems
    _same(quick, ref, repr(text))


def test_every_curated_file_loads_as_the_loader_loads_it(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    files = sorted(DATA.rglob("*.yaml"))
    assert len(files) > 50
    for path in files:
        _assert_loads_alike(path.read_text(encoding="utf-8"), monkeypatch)


def test_every_synthetic_file_loads_as_the_loader_loads_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    subprocess.run([sys.executable, str(REPO / "scripts" / "synth.py"), "40", "--data",
                    str(data)], check=True, capture_output=True)
    files = sorted(data.rglob("*.yaml"))
    assert len(files) > 100
    for path in files:
        _assert_loads_alike(path.read_text(encoding="utf-8"), monkeypatch)


SCALARS = [
    "yes", "no", "on", "off", "y", "n", "Y", "N", "true", "False", "TRUE", "oN", "Off", "YES",
    "0x10", "0X10", "010", "08", "0o10", "0b101", "0b2", "1_000", "1__0", "+12", "-0", "0",
    "00", "1:30", "190:20:30", "-1:30", "1e3", "1.0e3", "1.0e+3", "1E3", "6.8523015e+5",
    "685.230_15e+03", "0.", ".5", "-.5", "+.5", ".", "..", ".inf", "-.Inf", "+.INF", ".nan",
    ".NaN", "~", "null", "Null", "NULL", "nULL", "", "2025-12-09", "2025-12-09T10:00:00Z",
    "2025-12-09 10:00:00.5 +02:00", "2025-1-9", "=", "<<", "123456789012345678901234567890",
    "1.5", "-1_0.5", "0x_", "0xG", "12:60", "s00322:29", "Izmeda Tahovyev", "Измеда",
    "KOBİA", "a b", "a#b", "a: b", "'a'", '"a"', "a'", "@x", "`x", "%x", "!x", "&x", "*x",
    "|", ">", "-", "- x", "? x", ",", "[x]", "{x}", "x]", "#x", "---", "...",
]


def test_resolve_is_pyyaml_resolve() -> None:
    loader = _LineLoader("")
    plain = [*SCALARS]
    rng = random.Random(11)
    alphabet = "0123456789.+-_:eExXoObBinfINFaluseyYnNtTrRF~<= "
    plain += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
              for _ in range(20000)]
    for kind in (yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode):
        for value in plain if kind is yaml.ScalarNode else [None]:
            for implicit in ((True, False), (False, True), (False, False), (True, True)):
                assert _resolve(loader, kind, value, implicit) == \
                    yaml.resolver.BaseResolver.resolve(loader, kind, value, implicit), value


def _nested(depth: int, seq: bool, top_seq: bool = False) -> str:
    inner = "x"
    for _ in range(depth - 1):
        inner = f"[{inner}]" if seq else f"{{k: {inner}}}"
    return f"- {inner}\n" if top_seq else f"a: {inner}\n"


DOCUMENTS = [
    *(f"a: {s}\n" for s in SCALARS if s),
    *(f"a: '{s}'\n" for s in SCALARS), *(f'a: "{s}"\n' for s in SCALARS),
    *(f"- {s}\n" for s in SCALARS if s), *(f"{s}: 1\n" for s in SCALARS if s),
    *(f"a: [{s}]\n" for s in SCALARS if s), "a:\n", "a: \nb: ~\n", "- \n-\n", "", "# only\n",
    "---\n", "---\na: 1\n...\n", "---\na\n---\nb\n", "%YAML 1.1\n---\na: 1\n",
    "x\n", "1\n", "[1, 2, {a: b}]\n", "{a: [1, {b: c}], d: {}}\n", "a: []\nb: {}\n",
    "a: !!str 5\n", "a: !!int '7'\n", "a: !!float 1\n", "a: !!bool yes\n", "a: !!null ''\n",
    "a: !foo bar\n", "a: !!binary aGVsbG8=\n", "a: !!set {x, y}\n", "a: !!omap [x: 1]\n",
    "a: !!timestamp 2025-12-09\n", "a: !!map {b: 1}\n", "a: !!seq [1]\n", "a: ! 12\n",
    "a: &x 1\n", "a: &x 1\nb: *x\n", "a: &x [1]\nb: *x\n", "a: {b: 1}\nc: '*'\n",
    "base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n", "d:\n  <<: {x: 1}\n  y: 2\n",
    "d:\n  <<: [{x: 1}, {z: 3}]\n", "d: {=: 1}\n", "d: {'<<': 1}\n",
    "a: 1\na: 2\n", "1: a\ntrue: b\n", "1: a\n1.0: b\n", "~: a\n'': b\n", "yes: a\nno: b\n",
    "? [a]\n: b\n", "[a]: b\n", "{a: 1}: b\n", "? |\n  k\n: v\n", "1.5: a\n.inf: b\n",
    "a:\n  b:\n    c: [1, 2]\n  d: e\n", "- - - a\n", "- a: 1\n  b: 2\n- c: 3\n",
    "note: a plain scalar\n  over two lines\n", "note: 'single ''quoted''\n  folded'\n",
    'note: "esc \\u00e9 \\t \\x41 \\\n  joined"\n', "note: |\n  keep\n  lines\n",
    "note: >-\n  folded\n  text\n\n  para\n", "note: |+\n  a\n\n", "note: >2\n   indented\n",
    "labels:\n  en: Baku\n  ru: Баку\n  az: Bakı\n", "a: \U0001F600\n", "\ufeffa: 1\n",
    "a: 1\r\nb: 2\r\n", "a: 1 # comment\n# c\nb: [1, # x\n  2]\n", "a:\tb\n",
    _nested(MAX_DEPTH - 1, True), _nested(MAX_DEPTH, True), _nested(MAX_DEPTH + 1, True),
    _nested(MAX_DEPTH - 1, False), _nested(MAX_DEPTH, False), _nested(MAX_DEPTH + 1, False),
    _nested(MAX_DEPTH, True, top_seq=True), _nested(MAX_DEPTH + 1, True, top_seq=True),
    "a: [" * 60 + "]" * 60 + "\n",
    # broken YAML: the same problem, line and column
    "a: b: c\n", "a: 'open\n", 'a: "open\n', "a:\n  - b\n c: d\n", "- a\nb: c\n",
    "a: [1, 2\n", "a: {b\n", "\ta: 1\n", "a: @x\n", "a: `x\n", "a: b\n---\nc\n", "*x\n",
    "a: *unknown\n", "a: !!int x\n", "a: !!float x\n", "a: !!bool maybe\n", "a: 0b2\n",
    "a: !!int 0x_\n", "a: !!str [1]\n", "%FOO\n---\na\n", "a: \x07\n", "a: \x85b\n",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_awkward_yaml_loads_as_the_loader_loads_it(text: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _assert_loads_alike(text, monkeypatch)


def test_the_quick_construction_is_the_one_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cases above would pass if every document went to the loader's construction: the
    records of data/ must not, a document with an alias must."""
    constructed = []

    class Counting(_LineLoader):
        def construct_document(self, node: Any) -> Any:
            constructed.append(node)
            return super().construct_document(node)

    monkeypatch.setattr(records, "_LineLoader", Counting)
    for path in sorted(DATA.rglob("*.yaml")):
        records._load(path.read_text(encoding="utf-8"))
    assert constructed == []
    with pytest.raises(yaml.constructor.ConstructorError, match="aliases"):
        records._load("a: &x 1\nb: *x\n")
    assert len(constructed) == 1
