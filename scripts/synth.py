"""Synthetic data in the cinecoop model, for benchmarks (never for the curated graph).

``synthetic_records(n_events, seed)`` makes records of the same shape as ``data/`` — sources,
countries, organisations, people, events, posts, participations, agreements — and
``synthetic_dataset`` runs them through the real loader (``graph.data.load.build_dataset``), so the
triples have exactly the curated graph's structure: about 190 quads per event
(n_events=1000 gives ~190k).

    python scripts/synth.py 1000 --trig /tmp/synth.trig
    python scripts/synth.py 5000 --data /tmp/synth-data   # a data/ folder; then, as a user:
    cinecoop --data /tmp/synth-data --out /tmp/synth-out build

``--data DIR`` writes the records as YAML files laid out like ``data/`` (one file per source
and per entity, one facts file per source), so scale is measured through the CLI.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.data.records import Record  # noqa: E402

ORG_TYPES = ["ministry", "film-agency", "film-commission", "studio", "streaming-platform", "fund",
             "guild", "festival-org", "news-outlet"]
ORG_TYPES = [t for t in ORG_TYPES if t != "festival-org"]
EVENT_TYPES = ["festival", "panel", "roundtable", "presentation"]
ROLES = ["speaker", "speaker", "speaker", "moderator", "presenter", "opening-speaker"]
POSTS = ["director", "director-general", "advisor", "deputy-minister", "specialist", "employee"]
KINDS = ["partnership", "co-production", "mou", "joint-project", "proposal"]
STATUSES = ["proposed", "announced", "signed", "under-way"]


SYLLABLES = ["ra", "sha", "di", "az", "iz", "ov", "ka", "mal", "gu", "li", "yev", "se", "na",
             "ta", "ir", "ba", "ku", "zo", "da", "me", "hov", "ni", "ro", "fa", "qa", "su"]
LATIN_TO_CYRILLIC = [("sha", "ша"), ("yev", "ев"), ("hov", "хов"), ("qa", "га"), ("a", "а"),
                     ("b", "б"), ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"), ("i", "и"),
                     ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("r", "р"),
                     ("s", "с"), ("t", "т"), ("u", "у"), ("v", "в"), ("z", "з")]


def _cyrillic(text: str) -> str:
    out = text.lower()
    for lat, cyr in LATIN_TO_CYRILLIC:
        out = out.replace(lat, cyr)
    return " ".join(w.capitalize() for w in out.split())


ORG_NOUN = {"ministry": "Ministry", "film-agency": "Film Agency",
            "film-commission": "Film Commission", "studio": "Studios",
            "streaming-platform": "Stream", "fund": "Film Fund", "guild": "Guild",
            "news-outlet": "News"}


class _Names:
    """Made-up names of three or four syllables per word, each folded name used once.

    Like real names, they are not near spellings of one another (the build's duplicate
    check warns about those): a name whose words all match an earlier name's words up to
    one edit is drawn again, as a curator would tell two such names apart.
    """

    def __init__(self, rnd: random.Random):
        self.rnd = rnd
        self.seen: set[str] = set()

    def _word(self) -> str:
        return "".join(self.rnd.choice(SYLLABLES) for _ in range(self.rnd.randint(3, 4)))

    def one(self, n_words: int) -> str:
        while True:
            words = [self._word() for _ in range(n_words)]
            keys = {" ".join(words[:i] + words[i + 1:]) + f"#{i}#" + w[:j] + w[j + 1:]
                    for i, w in enumerate(words) for j in range(len(w))}
            keys.update(" ".join(words[:i] + words[i + 1:]) + f"#{i}#" + w
                        for i, w in enumerate(words))
            if not keys & self.seen:
                self.seen.update(keys)
                return " ".join(w.capitalize() for w in words)


def _rec(record_kind: str, ident: str, source: str | None = None, **data: object) -> Record:
    return Record(kind=record_kind, id=ident, file=f"synthetic/{record_kind}", line=1,
                  data={"id": ident, **data}, source=source)


def synthetic_records(n_events: int, seed: int = 0) -> list[Record]:
    rnd = random.Random(seed)
    n_sources = max(1, n_events // 10)
    n_countries = min(60, max(5, n_events // 20))
    n_orgs = max(10, n_events // 2)
    n_people = max(20, n_events * 2)
    out: list[Record] = []
    sources = [f"s{i:05d}" for i in range(n_sources)]
    for i, s in enumerate(sources):
        year = 2015 + i % 11
        out.append(_rec("source", s, file=f"{s}.txt", language=rnd.choice(["en", "ru"]),
                        date=f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                        date_basis="dateline", paragraphs=40))

    def cite() -> list[str]:
        return [f"{rnd.choice(sources)}:{rnd.randint(1, 40)}"]

    name = _Names(random.Random(seed + 1))
    countries = [f"c{i:02d}" for i in range(n_countries)]
    for i, c in enumerate(countries):
        label = name.one(1)
        out.append(_rec("country", c, iso=f"{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}",
                        labels={"en": label, "ru": _cyrillic(label)}, cite=cite()))
    orgs = [f"org-{i:05d}" for i in range(n_orgs)]
    for o in orgs:
        kind = rnd.choice(ORG_TYPES)
        out.append(_rec("organisation", o, type=kind,
                        labels={"en": f"{name.one(1)} {ORG_NOUN[kind]}"},
                        country=rnd.choice(countries), cite=cite()))
    people = [f"person-{i:06d}" for i in range(n_people)]
    person_org: dict[str, str] = {}
    for p in people:
        label = name.one(2)
        out.append(_rec("person", p, labels={"en": label, "ru": _cyrillic(label)},
                        cite=cite()))
        person_org[p] = rnd.choice(orgs)
    events = [f"event-{i:05d}" for i in range(n_events)]
    for i, e in enumerate(events):
        kind = rnd.choice(EVENT_TYPES)
        data: dict[str, object] = {"type": kind,
                                   "labels": {"en": f"{name.one(1)} {kind.capitalize()}"},
                                   "cite": cite()}
        if i % 3:
            data["start"] = f"{2015 + i % 11}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        if i % 7 == 0 and i:
            data["super_event"] = events[i - 1 - (i % 5)]
        out.append(_rec("event", e, **data))
    n_part = 0
    for e in events:
        src = rnd.choice(sources)
        for p in rnd.sample(people, 6):
            n_part += 1
            out.append(_rec("participation", f"p{n_part:07d}", src, agent=p, event=e,
                            role=rnd.choice(ROLES), on_behalf_of=person_org[p], para=1))
    for i, p in enumerate(people):
        out.append(_rec("post", f"post{i:07d}", rnd.choice(sources), person=p,
                        role=rnd.choice(POSTS), title="Director", organisation=person_org[p],
                        para=2))
    for i in range(max(1, n_events // 5)):
        out.append(_rec("agreement", f"agreement-{i:05d}", rnd.choice(sources),
                        kind=rnd.choice(KINDS), title=f"Agreement {i}",
                        status=rnd.choice(STATUSES), parties=rnd.sample(orgs, 2),
                        announced_at=rnd.choice(events), para=3))
    return out


def synthetic_names(n_labels: int, seed: int = 0) -> list[Record]:
    """People with made-up two-word names, each with an English and a Russian label, so that
    ``n_labels`` labels in two scripts exercise the name matcher (``cinecoop find``)."""
    rnd = random.Random(seed)

    def word() -> str:
        return "".join(rnd.choice(SYLLABLES) for _ in range(rnd.randint(2, 3))).capitalize()

    out = []
    for i in range(n_labels // 2):
        name = f"{word()} {word()}"
        out.append(_rec("person", f"p{i}", labels={"en": name, "ru": _cyrillic(name)},
                        cite=[f"s{i % 997}:1"]))
    return out


def synthetic_dataset(n_events: int, seed: int = 0):  # type: ignore[no-untyped-def]
    """An rdflib Dataset of synthetic data, built by the real loader."""
    from graph.data.load import build_dataset

    return build_dataset(synthetic_records(n_events, seed))


FOLDER_OF = {"source": "sources", "country": "countries", "place": "places",
             "organisation": "organisations", "person": "people", "event": "events"}
FACT_SECTION = {"post": "posts", "participation": "participations", "agreement": "agreements"}


def write_data(records: list[Record], folder: Path) -> int:
    """Write ``records`` as a data/ folder of YAML files; returns the number of files."""
    import yaml

    dump = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    facts: dict[str, dict[str, list[dict[str, object]]]] = {}
    files = 0
    for sub in (*FOLDER_OF.values(), "facts"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    for rec in records:
        if rec.kind in FACT_SECTION:
            by_kind = facts.setdefault(rec.source or "", {})
            by_kind.setdefault(FACT_SECTION[rec.kind], []).append(dict(rec.data))
            continue
        text = yaml.dump(dict(rec.data), Dumper=dump, allow_unicode=True, sort_keys=False)
        (folder / FOLDER_OF[rec.kind] / f"{rec.id}.yaml").write_text(text, encoding="utf-8")
        files += 1
    for source, sections in sorted(facts.items()):
        body = {"source": source, **{k: sections[k] for k in FACT_SECTION.values()
                                     if k in sections}}
        text = yaml.dump(body, Dumper=dump, allow_unicode=True, sort_keys=False)
        (folder / "facts" / f"{source}.yaml").write_text(text, encoding="utf-8")
        files += 1
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n_events", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--trig", type=Path, help="write the built graph as TriG here")
    parser.add_argument("--data", type=Path, help="write a data/ folder of YAML records here")
    args = parser.parse_args()
    if args.data:
        records = synthetic_records(args.n_events, args.seed)
        files = write_data(records, args.data)
        print(f"wrote {files} files ({len(records)} records) to {args.data}", file=sys.stderr)
        if not args.trig:
            return
    ds = synthetic_dataset(args.n_events, args.seed)
    print(f"{len(ds)} quads", file=sys.stderr)
    if args.trig:
        from graph.data.build import trig_text, write_atomic

        write_atomic(args.trig, trig_text(ds))


if __name__ == "__main__":
    main()
