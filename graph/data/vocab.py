"""``cinecoop vocab``: what each record kind accepts, and every controlled list, in plain words.

Read from the record schema (:data:`graph.data.records.SCHEMA`, ``REQUIRED``) and from the
ontology (SKOS schemes with their ``skos:definition``; the classes a ``type:`` maps to, with
their ``rdfs:comment``), so the guide cannot drift from what ``validate`` enforces.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SKOS

from graph.data.load import load_ontology
from graph.data.records import REQUIRED, SCHEMA
from graph.terms import EVENT_TYPES, ORG_TYPES, PLACE_TYPES, SCHEMES

TYPE_LISTS = {"orgtype": ORG_TYPES, "eventtype": EVENT_TYPES}
EXAMPLES = {
    "id": "rashad-azizov", "labels": "{en: Rashad Azizov, ru: Рашад Азизов}",
    "alt_labels": "{en: [ARKA]}", "label_note": "'en: curator''s transliteration'",
    "note": "The article does not name the city.", "cite": "['004_7e29c807a69063d9:5']",
    "cite_fields": "{super_event: ['004_7e29c807a69063d9:1']}",
    "as": "{'002_215d27630291384d:10': Turkish}", "distinct_from": "[other-id]",
    "para": "5  (or [4, 5])", "date": "'2025-12-09'", "start": "'2025-12-09' or --08-23",
    "end": "'2025-12-10'", "file": "004_7e29c807a69063d9.txt", "paragraphs": "10",
    "url": "https://example.org/article", "checksum": "sha256:... (written by add source)",
    "iso": "AZ", "title": "генеральный директор", "topic": "film co-production",
    "publisher": "{org: trend, para: 1}", "author": "{person: laman-ismayilova, para: 1}",
    "credits": "[{org: azertag, para: 4}]", "occupation": "film director",
    "date_note": "the article gives no year",
}
KIND_OF_REF = {"ref": "the id of a {}", "refs": "a list of ids of {}s"}


def describe_spec(spec: str) -> str:
    """A field's type in words ('ref:person' -> 'the id of a person')."""
    spec = spec.rstrip("?")
    if spec.startswith(("ref:", "refs:", "sref:", "srefs:")):
        head, kinds = spec.split(":", 1)
        what = " or ".join(kinds.split("|")).replace("*", "any record")
        article = "an" if what[:1] in "aeiou" else "a"
        return {"ref": f"the id of {article} {what}", "refs": f"a list of ids ({what})",
                "sref": f"{{{'person' if kinds == 'person' else 'org'}: <id>, para: <n>}}",
                "srefs": "a list of {org: <id>, para: <n>}"}[head]
    if spec.startswith("choice:"):
        return "one of " + ", ".join(spec[7:].split("|"))
    if spec.startswith("concept:"):
        return f"one of the {spec[8:]} list"
    return {"str": "text", "int": "a whole number", "bool": "true or false",
            "labels": "language -> name (en, ru, az, tr)",
            "altlabels": "language -> list of names",
            "date": "YYYY-MM-DD, YYYY-MM, YYYY or --MM-DD",
            "paras": "a paragraph number or a list", "cites": "a list of '<source>:<paragraph>'",
            "fieldcites": "field -> citations taken from cite",
            "surfaces": "the words a paragraph uses for it",
            "orgtype": "one of the organisation types", "eventtype": "one of the event types",
            }.get(spec, spec)


def fields(kind: str) -> list[tuple[str, bool, str, str]]:
    """(field, required, type in words, example) for one record kind."""
    examples = dict(EXAMPLES, **({"as": '"the meeting"', "id": "004-azizov-speaker"}
                                 if "para" in SCHEMA[kind] else {}))
    return [(name, name in REQUIRED[kind], describe_spec(spec), examples.get(name, ""))
            for name, spec in SCHEMA[kind].items()]


def _text(g: Graph, node: URIRef, *props: URIRef) -> str:
    for prop in props:
        for value in g.objects(node, prop):
            return str(value)
    return ""


def lists(ontology: Graph | None = None) -> dict[str, list[tuple[str, str, str]]]:
    """Every controlled list: name -> (value, label, definition), from the ontology."""
    g = ontology if ontology is not None else load_ontology()
    out: dict[str, list[tuple[str, str, str]]] = {}
    for name, (ns, scheme) in SCHEMES.items():
        out[name] = sorted(
            (str(c)[len(str(ns)):], _text(g, c, SKOS.prefLabel),
             _text(g, c, SKOS.definition, RDFS.comment))
            for c in g.subjects(SKOS.inScheme, scheme) if isinstance(c, URIRef))
    for name, table in (("organisation type", ORG_TYPES), ("event type", EVENT_TYPES),
                        ("place type", PLACE_TYPES)):
        out[name] = [(value, _text(g, cls, RDFS.label), _text(g, cls, RDFS.comment))
                     for value, cls in sorted(table.items())]
    return out


def kinds() -> list[str]:
    return list(SCHEMA)


def lines(kind: str | None = None) -> list[str]:
    """The guide as text: one kind's fields (and the lists they use), or everything."""
    if kind is not None and kind not in SCHEMA and kind not in _list_names():
        raise ValueError(f"no record kind or list {kind!r}; kinds: {', '.join(SCHEMA)}; "
                         f"lists: {', '.join(_list_names())}")
    chosen = [kind] if kind in SCHEMA else ([] if kind else list(SCHEMA))
    out: list[str] = []
    used: set[str] = set()
    for k in chosen:
        out.append(f"{k} (data/{_folder(k)})")
        rows = fields(k)
        width = max(len(r[0]) for r in rows)
        for name, required, what, example in rows:
            flag = "required" if required else "optional"
            out.append(f"  {name:<{width}}  {flag}  {what}" + (f"   e.g. {example}"
                                                              if example else ""))
        used |= {_list_of(spec) for spec in SCHEMA[k].values()} - {""}
        out.append("")
    wanted = [kind] if kind and kind not in SCHEMA else sorted(used) if kind else None
    for name, values in lists().items():
        if wanted is not None and name not in wanted:
            continue
        out.append(f"{name}:")
        width = max(len(v[0]) for v in values)
        out += [f"  {value:<{width}}  {definition or label}" for value, label, definition
                in values]
        out.append("")
    return out[:-1] if out and out[-1] == "" else out


def _folder(kind: str) -> str:
    if kind in ("post", "participation", "agreement"):
        return "facts/<source>.yaml"
    return {"country": "countries", "person": "people"}.get(kind, kind + "s") + "/<id>.yaml"


def _list_of(spec: str) -> str:
    if spec.startswith("concept:"):
        return spec[8:]
    return {"orgtype": "organisation type", "eventtype": "event type",
            "choice:place|city|venue": "place type"}.get(spec, "")


def _list_names() -> list[str]:
    return [*SCHEMES, "organisation type", "event type", "place type"]
