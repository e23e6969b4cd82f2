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

    countries = [f"c{i:02d}" for i in range(n_countries)]
    for i, c in enumerate(countries):
        out.append(_rec("country", c, iso=f"{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}",
                        labels={"en": f"Country {i}", "ru": f"Страна {i}"}, cite=cite()))
    orgs = [f"org-{i:05d}" for i in range(n_orgs)]
    for o in orgs:
        out.append(_rec("organisation", o, type=rnd.choice(ORG_TYPES),
                        labels={"en": f"Organisation {o[4:]}"}, country=rnd.choice(countries),
                        cite=cite()))
    people = [f"person-{i:06d}" for i in range(n_people)]
    person_org: dict[str, str] = {}
    for p in people:
        out.append(_rec("person", p, labels={"en": f"Person {p[7:]}", "ru": f"Персона {p[7:]}"},
                        cite=cite()))
        person_org[p] = rnd.choice(orgs)
    events = [f"event-{i:05d}" for i in range(n_events)]
    for i, e in enumerate(events):
        data: dict[str, object] = {"type": rnd.choice(EVENT_TYPES),
                                   "labels": {"en": f"Event {i}"}, "cite": cite()}
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
