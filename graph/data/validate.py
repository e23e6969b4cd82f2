"""``cinecoop validate``: three layers of checks, reported per record.

1. shape of each record (``graph.data.records``): YAML syntax, fields, types, dates;
2. integrity across records (``graph.data.integrity``): ids, references, citations, lists;
3. SHACL over the built graph (``ontology/shapes.ttl``), regrouped by record;
4. when the source texts are available: each source file exists with the paragraph count the
   metadata gives, and each cited paragraph names the entity the record is about.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH

from graph.data.cache import (
    RecordCache,
    cached_duplicates,
    changed_records,
    keep_duplicates,
    load_cache,
    read_records_cached,
    touched_sources,
)
from graph.data.duplicates import duplicates
from graph.data.graphtext import GraphText, merged
from graph.data.integrity import check, check_changed
from graph.data.load import (
    PREFIXES,
    build_nquads,
    concept_ids,
    load_ontology,
    union_graph,
    union_ntriples,
)
from graph.data.records import Problem, Record, surfaces
from graph.data.shacl import (
    NeedsPyshacl,
    Result,
    StoreData,
    compile_shapes,
    evaluate,
    update_results,
)
from graph.files import Entries
from graph.forked import beside
from graph.names import mention, mixed_script
from graph.terms import ID, SHAPES_FILE
from graph.text import read_paragraphs, text_checksum


@dataclass
class Report:
    records: list[Record]
    problems: list[Problem] = field(default_factory=list)
    #: the named graphs (and, unless a rebuild, their merge) as text
    text: GraphText | None = None
    cache: RecordCache | None = None             # what the next build may reuse
    text_checked: str = "not run: no source texts (use --sources DIR or CINECOOP_SOURCES)"
    #: a rebuild: ``graphs`` holds only the graphs of these sources, and SHACL runs when the
    #: store is updated (:func:`graph.data.build.build`); its problems go at ``shacl_at``
    touched: set[str] | None = None
    shacl_at: int = 0

    @property
    def union(self) -> bytes | None:
        """The merge of the graphs, as N-Triples (None on a rebuild or before they exist)."""
        return None if self.text is None or self.touched is not None else self.text.ntriples

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


class Started(Protocol):
    """Told of the graph as soon as its text is made (:func:`validate`): the build loads its
    store from the named graphs while the merge is made and validation goes on."""

    def named(self, text: GraphText) -> None:
        """The named graphs of a full build exist (``text.nquads``, ``text.spans``)."""

    def merged(self, union: bytes) -> None:
        """Their merge exists (``union``, as sorted N-Triples)."""


def shacl_results(data: Dataset | Graph, shapes: Path = SHAPES_FILE) -> set[Result]:
    """pyshacl's results over the union of all graphs (a Dataset, or their merge as a Graph):
    (focus node, path, message, level) each once."""
    import pyshacl  # lazy: the build runs graph.data.shacl; pyshacl only as the reference

    union = union_graph(data) if isinstance(data, Dataset) else data
    shapes_graph = Graph().parse(shapes, format="turtle")
    conforms, results, _ = pyshacl.validate(union, shacl_graph=shapes_graph, inference="none",
                                            abort_on_first=False, allow_warnings=True)
    if conforms:
        return set()
    out: set[Result] = set()
    assert isinstance(results, Graph)
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        severity = results.value(result, SH.resultSeverity)
        out.add((str(focus), str(path) if path else None,
                 str(results.value(result, SH.resultMessage)),
                 "warning" if severity in (SH.Warning, SH.Info) else "error"))
    return out


def result_problems(results: set[Result], records: list[Record]) -> list[Problem]:
    """One Problem per (record, path, message), located at the record the focus node is."""
    if not results:
        return []
    by_iri = {str(ID[f"{rec.kind}/{rec.id}"]): rec for rec in records}
    out: set[Problem] = set()
    for focus, path, message, level in results:
        owner = by_iri.get(focus)
        field_name = path.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if path else None
        out.add(Problem(owner.file if owner else "(built graph)", owner.line if owner else None,
                        owner.id if owner else focus, field_name,
                        f"SHACL: {message}", "see ontology/shapes.ttl", level))
    return sorted(out, key=lambda p: (p.file, p.line or 0, p.field or "", p.message))


def shacl_problems(data: Dataset | Graph, records: list[Record],
                   shapes: Path = SHAPES_FILE) -> list[Problem]:
    """Run pyshacl over the union of all graphs (a Dataset, or their merge as a Graph); one
    Problem per (record, path, message)."""
    return result_problems(shacl_results(data, shapes), records)


def fast_shacl_problems(graphs: dict[str, list[str]], records: list[Record],
                        shapes: Path = SHAPES_FILE, union: bytes | None = None) -> list[Problem]:
    """SHACL over the built graphs (graph IRI -> N-Quads lines; ``union``: their merge, when
    already made): the engine of :mod:`graph.data.shacl` when it evaluates every shape, else
    pyshacl; the same problems."""
    return result_problems(union_shacl_results(
        union_ntriples(graphs) if union is None else union, shapes), records)


def union_shacl_results(union: bytes, shapes: Path = SHAPES_FILE) -> set[Result]:
    """The SHACL results of the merged graph ``union`` (sorted N-Triples): the engine of
    :mod:`graph.data.shacl` when it evaluates every shape, else pyshacl; the same results."""
    shapes_graph = Graph().parse(shapes, format="turtle")
    compiled = compile_shapes(shapes_graph)
    wanted = _wanted_lines(union, shacl_predicates(shapes_graph))
    if compiled is not None:
        try:
            return evaluate(wanted.decode("utf-8").splitlines(keepends=True), compiled)
        except NeedsPyshacl:
            pass
    g = Graph()
    for prefix, ns in PREFIXES.items():   # pyshacl's own messages name nodes with them
        g.bind(prefix, ns, override=True, replace=True)
    return shacl_results(g.parse(data=wanted, format="nt"), shapes)


def store_shacl_results(store: ox.Store, cache: RecordCache, lines: list[str],
                        union: Callable[[], bytes], shapes: Path = SHAPES_FILE) -> set[Result]:
    """The SHACL results of a rebuild whose merged graph (the default graph of ``store``;
    ``union()`` gives it as N-Triples) gained or lost the triples ``lines``, from the results of the
    build before (``cache.shacl``): only the nodes the change concerns are validated again
    (:func:`graph.data.shacl.update_results`); the whole graph when that cannot be said. The
    compiled shapes are kept in ``cache`` (its key covers the shapes' file)."""
    before = cache.shacl
    if before is not None and not lines:
        return before
    if cache.shapes is None or shapes != SHAPES_FILE:
        cache.shapes = (compile_shapes(Graph().parse(shapes, format="turtle")),)
    compiled = cache.shapes[0]
    if before is not None and compiled is not None:
        try:
            found = update_results(before, StoreData(store), compiled, lines)
        except NeedsPyshacl:
            found = None
        if found is not None:
            return found
    return union_shacl_results(union(), shapes)


def _wanted_lines(text: bytes, wanted: set[str] | None) -> bytes:
    """The N-Triples lines whose predicate is in ``wanted`` (all when None)."""
    if wanted is None:
        return text
    keep = {f"<{p}>".encode() for p in wanted}
    return b"".join(line for line in text.splitlines(keepends=True)
                    if line.split(b" ", 2)[1] in keep)


def shacl_predicates(shapes: Graph) -> set[str] | None:
    """The predicates the SHACL results depend on: each ``sh:path`` and ``sh:targetSubjectsOf``
    / ``sh:targetObjectsOf``, plus ``rdf:type`` and ``rdfs:subClassOf`` (targets and
    ``sh:class``). None when a shape uses a complex path or ``sh:closed`` (then every triple
    counts)."""
    preds = {str(RDF.type), str(RDFS.subClassOf)}
    for prop in (SH.path, SH.targetSubjectsOf, SH.targetObjectsOf):
        for value in shapes.objects(None, prop):
            if not isinstance(value, URIRef):
                return None
            preds.add(str(value))
    if any(True for _ in shapes.subject_objects(SH.closed)):
        return None
    return preds


def shacl_data(graphs: dict[str, list[str]], shapes: Path = SHAPES_FILE) -> Graph:
    """The merged graph SHACL needs: only the triples whose predicate a shape looks at (the
    results are the same as on the whole graph, and pyshacl reads far less)."""
    wanted = shacl_predicates(Graph().parse(shapes, format="turtle"))
    g = Graph()
    for prefix, ns in PREFIXES.items():   # pyshacl's own messages name nodes with them
        g.bind(prefix, ns, override=True, replace=True)
    return g.parse(data=_wanted_lines(union_ntriples(graphs), wanted), format="nt")


def _names(rec: Record, ids: dict[str, Record]) -> tuple[list[str], bool]:
    """The names a record uses that its cited paragraph should mention."""
    target: Record = rec
    if rec.kind == "post":
        target = ids.get(rec.data.get("person", ""), rec)
    elif rec.kind == "participation":
        target = ids.get(rec.data.get("agent", ""), rec)
    elif rec.kind == "agreement":
        return [], False
    names = list(target.data.get("labels", {}).values())
    for alts in target.data.get("alt_labels", {}).values():
        names.extend(alts if isinstance(alts, list) else [alts])
    if target.kind == "country":
        names.append(str(target.data.get("iso", "")))
    return names, target.kind == "person"


def _source_texts(records: list[Record], folder: Path) -> tuple[dict[str, list[str] | None],
                                                                list[Problem]]:
    """Each source's paragraphs (None when its file is missing), and what is wrong with them."""
    out: list[Problem] = []
    texts: dict[str, list[str] | None] = {}
    for src in (r for r in records if r.kind == "source"):
        blocks = read_paragraphs(folder, str(src.data["file"]))
        texts[src.id] = blocks
        if blocks is None:
            out.append(Problem(src.file, src.line_of("file"), src.id, "file",
                               f"source text {src.data['file']} not found in {folder}",
                               "point --sources at the folder of the article texts",
                               "warning"))
            continue
        if len(blocks) != src.data["paragraphs"]:
            out.append(Problem(src.file, src.line_of("paragraphs"), src.id, "paragraphs",
                               f"the text has {len(blocks)} paragraphs, the metadata says "
                               f"{src.data['paragraphs']}",
                               "the text changed: re-check every paragraph cited from it"))
        want = src.data.get("checksum")
        if want and want != text_checksum((folder / str(src.data["file"])).read_bytes()):
            out.append(Problem(src.file, src.line_of("checksum"), src.id, "checksum",
                               f"the text of {src.data['file']} changed since it was added",
                               "re-check the paragraphs cited from it, then update 'checksum' "
                               f"to {text_checksum((folder / str(src.data['file'])).read_bytes())}",
                               "warning"))
    return texts, out


def _unmentioned(rec: Record, names: list[str], person: bool, source: str,
                 chosen: list[int], body: str) -> Problem | None:
    forms = [f for p in chosen for f in surfaces(rec, source, p)]
    if any(mention(n, body, person) for n in names + forms):
        return None
    field_name = "cite" if "cite" in rec.data else "para"
    message = (f"{source} paragraph {', '.join(map(str, chosen))} does not mention "
               f"{(forms or names)[0]!r}")
    mixed = mixed_script(body) + [w for n in names + forms for w in mixed_script(n)]
    if mixed:
        message += (f" (the word {mixed[0]!r} mixes Latin and Cyrillic letters; look-alikes "
                    "are read in one script only when every letter has a twin)")
    return Problem(rec.file, rec.line_of(field_name), rec.id, field_name, message,
                   "cite the paragraph that names it, add the spelling the source uses to "
                   "alt_labels, or give the words it uses: as: {'<source>:<n>': the meeting}"
                   if "cite" in rec.data else
                   "cite the paragraph that names it, or give the words it uses: "
                   'as: "the meeting"')


def text_problems(records: list[Record], folder: Path) -> list[Problem]:
    """Check records against the source texts in ``folder``."""
    texts, out = _source_texts(records, folder)
    ids = {r.id: r for r in records if r.kind not in ("post", "participation")}
    for rec in records:
        names, person = _names(rec, ids)
        if not names:
            continue
        by_source: dict[str, list[int]] = {}
        for source, para in rec.cites():
            by_source.setdefault(source, []).append(para)
        for source, paras in by_source.items():
            text = texts.get(source)
            if not text:
                continue
            groups = [[p] for p in paras] if rec.kind in (
                "country", "place", "organisation", "person", "event") else [paras]
            for chosen in groups:
                body = " ".join(text[p - 1] for p in chosen if p <= len(text))
                problem = _unmentioned(rec, names, person, source, chosen, body)
                if problem is not None:
                    out.append(problem)
    return out


def _kept(cache: RecordCache, data_dir: Path, problems: list[Problem]) -> list[Problem]:
    keep_duplicates(cache, data_dir, problems)
    return problems


def _stopped(report: Report, sources: Path | None, why: str) -> Report:
    if sources is not None:
        report.text_checked = (f"not run: {why}; fix the {len(report.errors)} error(s) above "
                               "first")
    return report


def finish_shacl(report: Report, results: set[Result]) -> None:
    """Put the SHACL ``results`` of the whole graph in ``report`` (its problems at
    ``report.shacl_at``) and in its cache: what :func:`validate` does itself unless told
    ``later``."""
    if report.cache is not None:
        report.cache.shacl = results
    report.problems[report.shacl_at:report.shacl_at] = result_problems(results, report.records)


def _graph_text(records: list[Record], ontology: Graph | None, touched: set[str] | None,
                started: Started | None) -> GraphText:
    """The graphs of ``records`` as text (only those of the ``touched`` sources, without a
    merge, on a rebuild); ``started`` told of each part as it is made."""
    text = GraphText.from_sink(build_nquads(records, ontology, touched))
    if touched is None:
        if started is not None:
            started.named(text)
        text.ntriples = merged(text)
        if started is not None:
            started.merged(text.ntriples)
    return text


def validate(data_dir: Path, sources: Path | None = None,
             previous: Path | None = None, rebuild: bool = False,
             entries: Entries | None = None, later: bool = False,
             started: Started | None = None) -> Report:
    """Validate ``data_dir``; build the dataset only when the records are sound.

    ``previous`` is the folder of a build before: a file whose bytes did not change since is
    not read again, and the duplicate check runs again only when an entity file changed
    (:mod:`graph.data.cache`). ``rebuild``: when only facts changed since, make only the
    graphs they touch (``report.touched``) and leave SHACL to the build, which validates the
    changed nodes on the updated store (:func:`store_shacl_results`). ``entries``: the
    files of ``data_dir`` as :func:`graph.files.sorted_entries` gave them (the build walks
    the folder once). ``later``: leave SHACL over the whole graph (``report.union``) to the
    caller, who gives its results to :func:`finish_shacl` (the build validates in a child
    process while it writes). ``started``: told of the named graphs of a full build, then of
    their merge, as soon as each is made (before the duplicate check's result is in).
    """
    before = load_cache(previous)
    records, problems, cache = read_records_cached(data_dir, before, entries)
    report = Report(records, problems, cache=cache)
    if report.errors:
        return _stopped(report, sources, "the records do not read")
    known = cached_duplicates(cache, data_dir)
    same_names = (lambda: known) if known is not None else beside(
        lambda: list(duplicates(records)))
    ontology = None
    if cache.concepts is None:
        ontology = load_ontology()
        cache.concepts = concept_ids(ontology)
    changed = changed_records(before, cache) if rebuild and len(records) == sum(
        kept[2] for kept in cache.files.values()) else None
    touched = touched_sources(changed, records)
    found = None if touched is None or changed is None else check_changed(
        records, *changed, cache.concepts)
    report.problems.extend(check(records, cache.concepts) if found is None else found)
    if report.errors:
        report.problems.extend(_kept(cache, data_dir, same_names()))
        return _stopped(report, sources, "the records do not fit together")
    if touched is None:
        cache.shacl = None
    report.text, report.touched = _graph_text(records, ontology, touched, started), touched
    shacl = None if touched is not None or later else union_shacl_results(report.text.ntriples)
    report.problems.extend(_kept(cache, data_dir, same_names()))
    if report.errors:
        report.text = None
        return _stopped(report, sources, "the records do not fit together")
    report.shacl_at = len(report.problems)
    if shacl is not None:
        finish_shacl(report, shacl)
    if sources is not None:
        if not sources.is_dir():
            report.problems.append(Problem(str(sources), None, None, None,
                                           "source folder not found", level="warning"))
        else:
            report.problems.extend(text_problems(records, sources))
            report.text_checked = f"checked against {sources}"
    return report
