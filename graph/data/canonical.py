"""The canonical form of the YAML records (``cinecoop fmt``).

One layout for every file keeps diffs small and reviews easy: fields in the schema's order,
citation and party lists on one line, leading comment lines kept. ``cinecoop fmt --check``
lists files that differ; ``cinecoop fmt`` rewrites them (atomically).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from graph.data.records import ENTITY_FOLDERS, FACT_SECTIONS, SCHEMA, parse_yaml

FLOW_FIELDS = {"cite", "para", "parties", "concerns", "distinct_from"}


class _Flow(list):  # type: ignore[type-arg,unused-ignore]
    pass


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence(
    "tag:yaml.org,2002:seq", v, flow_style=True))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _order(kind: str, rec: dict[str, Any]) -> dict[str, Any]:
    order = list(SCHEMA[kind])
    out: dict[str, Any] = {}
    for key in sorted(rec, key=lambda k: (order.index(k) if k in order else len(order), k)):
        value = rec[key]
        value = _plain(value)
        if key == "cite_fields":
            value = {k: _Flow(v) if isinstance(v, list) else v for k, v in value.items()}
        out[key] = _Flow(value) if key in FLOW_FIELDS and isinstance(value, list) else value
    return out


def canonical_text(path: Path, text: str) -> str:
    """The canonical form of one record file (its path says what kind of records it holds)."""

    leading = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        leading.append(line + "\n")
    head = "".join(leading)
    raw, problems = parse_yaml(text, str(path))
    if problems:
        raise ValueError(str(problems[0]))
    folder = path.parent.name
    if folder in ENTITY_FOLDERS:
        body: Any = _order(ENTITY_FOLDERS[folder], raw)
    else:
        body = {"source": raw["source"]}
        for section, kind in FACT_SECTIONS.items():
            if section in raw:
                body[section] = [_order(kind, rec) for rec in raw[section]]
    return head + yaml.dump(body, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                            width=100, default_flow_style=False)


def noncanonical(data_dir: Path) -> list[tuple[Path, str]]:
    """(path, canonical text) for every record file that is not in canonical form.

    Call it on data that reads without errors (``read_records``): it reformats records, it
    does not repair them.
    """
    out = []
    for path in sorted(data_dir.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        want = canonical_text(path, text)
        if want != text:
            out.append((path, want))
    return out
