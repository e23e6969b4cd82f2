"""The ``cinecoop`` command: a thin click layer over the library.

Each command parses its options, calls one library function and prints. Heavy imports
(rdflib, networkx, pyvis, pyshacl) happen inside the commands so ``--help`` is instant.
Domain errors become ``click.ClickException`` (exit 1, no traceback); usage errors exit 2.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from rdflib import Dataset


@dataclass
class Config:
    """The global options, and the graph they name, opened on first use through the Python
    API (:class:`graph.api.OpenGraph`): the commands make the calls a notebook makes."""

    data: Path
    out: Path
    sources: Path | None
    _kg: Any = None

    def kg(self) -> Any:
        if self._kg is None:
            from graph.api import OpenGraph

            self._kg = OpenGraph(self.out, self.data)
        return self._kg

    def ensure_built(self) -> None:
        """Rebuild first when data/ or ontology/ changed (bad data: BuildError, which the
        group turns into a one-line error). The check alone imports no validation code."""
        self.kg().ensure_built()

    def graph(self) -> Any:
        """The built graph, read from the Oxigraph store (quad patterns; nothing is parsed)."""
        from graph.sparql.reader import GraphUnavailable

        try:
            return self.kg().graph
        except GraphUnavailable as exc:
            raise click.ClickException(str(exc)) from None

    def reader(self) -> Any:
        """The built graph with plain-string terms, for look-ups (imports no rdflib)."""
        from graph.sparql.reader import GraphUnavailable

        try:
            return self.kg().reader
        except GraphUnavailable as exc:
            raise click.ClickException(str(exc)) from None

    def projection(self) -> Any:
        """The networkx projection, cached beside the build (projected once per build)."""
        return self.kg().projection

    def layout_cache(self) -> Path | None:
        """Where map layouts are kept: the build's own folder."""
        folder: Path | None = self.kg().cache_dir()
        return folder

    def dataset(self) -> Dataset:
        """The built graph parsed into rdflib (the slow reference path: commands use
        :meth:`graph` and :meth:`projection`)."""
        dataset: Dataset = self.kg().dataset
        return dataset


pass_config = click.make_pass_decorator(Config)


def _print_problems(problems: list[Any]) -> None:
    for p in problems:
        click.echo(str(p), err=True)


class Cinecoop(click.Group):
    """The command group; a refusal of the file system is a one-line error, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:   # `cinecoop ... | head`: the reader has gone; stop quietly
            sys.stdout = None     # nothing more to flush at exit
            sys.exit(0)
        except OSError as exc:  # an unwritable --out, a missing folder
            where = f" {exc.filename}" if exc.filename else ""
            raise click.ClickException(
                f"cannot use{where}: {exc.strerror or exc}; check the path and its permissions"
            ) from None
        except Exception as exc:
            reader = sys.modules.get("graph.sparql.reader")   # a store that will not open
            if reader is not None and isinstance(exc, reader.GraphUnavailable):
                raise click.ClickException(str(exc)) from None
            build = sys.modules.get("graph.data.build")   # only a (re)build raises BuildError
            if build is None or not isinstance(exc, build.BuildError):
                raise
            _print_problems(exc.problems)  # a command that reads the graph found bad data
            error = QueryFailed if ctx.invoked_subcommand == "query" else click.ClickException
            raise error("the data does not validate; run 'cinecoop validate' for details") from None


@click.group(cls=Cinecoop, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data", type=click.Path(path_type=Path), default=Path("data"), show_default=True,
              help="Folder of curated records.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="Folder of built outputs.")
@click.option("--sources", type=click.Path(path_type=Path), envvar="CINECOOP_SOURCES",
              default=None, help="Folder of the source article texts [env: CINECOOP_SOURCES].")
@click.version_option(package_name="cinecoop")
@click.pass_context
def cli(ctx: click.Context, data: Path, out: Path, sources: Path | None) -> None:
    """cinecoop: a knowledge graph of cross-border cinema cooperation."""
    ctx.obj = Config(data=data, out=out, sources=sources)


SOURCES_HELP = "Folder of the source article texts (overrides the global option)."


@cli.command()
@click.option("--sources", type=click.Path(path_type=Path), default=None, help=SOURCES_HELP)
@pass_config
def validate(cfg: Config, sources: Path | None) -> None:
    """Check the curated data: format, integrity, SHACL and (with --sources) the texts."""
    from graph.data.validate import validate as run

    report = run(cfg.data, sources or cfg.sources)
    if report.records:  # against the last build: a change that moves a derived fact
        from graph.data.diff import NAMES_FILE, moved_warnings, read_snapshot

        report.problems.extend(moved_warnings(read_snapshot(cfg.out / NAMES_FILE),
                                              report.records))
    _print_problems(report.problems)
    click.echo(f"{len(report.records)} records, {len(report.errors)} error(s), "
               f"{len(report.warnings)} warning(s); source text checks: {report.text_checked}")
    if not report.ok:
        sys.exit(1)


@cli.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Output folder (default: the global --out, 'out').")
@click.option("--sources", type=click.Path(path_type=Path), default=None, help=SOURCES_HELP)
@pass_config
def build(cfg: Config, out_dir: Path | None, sources: Path | None) -> None:
    """Validate, then write graph.trig, graph.ttl and graph.nt (atomically)."""
    from graph.data.build import BuildError
    from graph.data.build import build as run

    target = out_dir or cfg.out
    try:
        result = run(cfg.data, target, sources or cfg.sources)
    except BuildError as exc:
        _print_problems(exc.problems)
        raise click.ClickException(
            f"build failed with {len([p for p in exc.problems if p.level == 'error'])} "
            f"error(s); nothing was written to {target}") from None
    _print_problems(result.report.warnings)
    click.echo(f"built {target}/ ({result.triples} triples; "
               f"source text checks: {result.report.text_checked})")
    width = max(len(k) for k in result.counts)
    for cls, n in result.counts.items():
        click.echo(f"  {cls:<{width}}  {n:>4}")


@cli.command()
@pass_config
def stats(cfg: Config) -> None:
    """Counts per class, per source and per country."""
    from graph.sparql.describe import stats as run

    counts = run(cfg.reader())
    for title, key in (("per class", "class"), ("per source (records citing it)", "source"),
                       ("per country (entities in it)", "country")):
        click.echo(title)
        rows = sorted(counts[key].items(), key=lambda kv: (-kv[1], kv[0]))
        width = max((len(k) for k, _ in rows), default=0)
        for name, n in rows:
            click.echo(f"  {name:<{width}}  {n:>4}")


@cli.command()
@click.argument("name")
@pass_config
def show(cfg: Config, name: str) -> None:
    """Everything known about one entity, found by id or any label in any language."""
    from graph.api import describe
    from graph.sparql.describe import LookupError_, label
    from graph.text import printable

    try:
        d = describe(cfg.kg(), name)
    except LookupError_ as exc:
        # line by line: the candidates of "did you mean" stay one a line
        raise click.ClickException("\n".join(printable(line)
                                             for line in str(exc).split("\n"))) from None
    lines = [f"{label(cfg.reader(), d.node)}  [{d.kind}]  {d.node}"]
    lines += [f"  label {lang}: {' | '.join(names)}" for lang, names in sorted(d.labels.items())]
    section = None
    for sec, text, cite in d.facts:
        if sec != section:
            lines.append(f"{sec}:")
            section = sec
        lines.append(f"  {text}" + (f"   [{cite}]" if cite else ""))
    # data never reaches the terminal raw (no escape sequences); one write, not one a line
    click.echo("\n".join(printable(line) for line in lines))


def _store_options(func: Any) -> Any:
    """--store, --user, --password: where queries run (shared by query and serve)."""
    for option in reversed((
        click.option("--store", "store_spec", envvar="CINECOOP_STORE", metavar="SPEC",
                     help="oxigraph (default: out/store), oxigraph:PATH, memory or "
                          "sparql:URL [env: CINECOOP_STORE]."),
        click.option("--user", envvar="CINECOOP_USER", help="User for a sparql: store."),
        click.option("--password", envvar="CINECOOP_PASSWORD",
                     help="Password for a sparql: store [env: CINECOOP_PASSWORD]."),
    )):
        func = option(func)
    return func


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback only unless you mean to share it).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="TCP port; 0 picks a free one.")
@_store_options
@click.option("--timeout", type=click.FloatRange(min=0), default=30.0, show_default=True,
              help="Seconds a query may run before it gets 503 (0: no limit).")
@click.option("--max-rows", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Most rows (or triples) sent per query; a cut result says so in the "
                   "X-Cinecoop-Truncated header.")
@click.option("--max-running", type=click.IntRange(min=1), default=4, show_default=True,
              help="Worker processes evaluating queries (a worker past the timeout is "
                   "killed and replaced); more queries wait in a queue, past it 503.")
@click.option("--quiet", is_flag=True, help="Do not log each request.")
@pass_config
def serve(cfg: Config, host: str, port: int, store_spec: str | None, user: str | None,
          password: str | None, timeout: float, max_rows: int, max_running: int,
          quiet: bool) -> None:
    """A read-only SPARQL 1.1 endpoint at /sparql and a query page at /.

    \b
      cinecoop serve                      # http://127.0.0.1:8000/
      curl http://127.0.0.1:8000/sparql -H 'Accept: text/csv' \\
           --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 5'
    """
    from graph.sparql.serve import make_server
    from graph.sparql.serve import serve as run
    from graph.sparql.stores import StoreError, open_store

    try:
        store = open_store(store_spec, cfg.out, cfg.data, user=user, password=password)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        server = make_server(store, host, port, timeout or None, max_rows, quiet=quiet,
                             max_running=max_running)
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another --port "
            "(0 picks a free one)") from None
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}: other machines can reach this endpoint",
                   err=True)
    run(server, click.echo)


@cli.command()
@click.option("--check", is_flag=True, help="Only list files not in canonical form (exit 1).")
@pass_config
def fmt(cfg: Config, check: bool) -> None:
    """Rewrite data/ in canonical form (field order, one-line citation lists)."""
    from graph.data.build import write_atomic
    from graph.data.canonical import noncanonical
    from graph.data.records import read_records

    problems = [p for p in read_records(cfg.data)[1] if p.level == "error"]
    if problems:
        _print_problems(problems)
        raise click.ClickException("fix these first: fmt reformats records, it does not "
                                   "repair them")
    files = noncanonical(cfg.data)
    for path, text in files:
        if check:
            click.echo(f"{path}: not in canonical form", err=True)
        else:
            write_atomic(path, text)
            click.echo(f"reformatted {path}")
    if check and files:
        raise click.ClickException(f"{len(files)} file(s) not in canonical form; "
                                   "run 'cinecoop fmt' to fix them")


# ---------------------------------------------------------------- network (graph/netcmd.py)

VIEW_NAMES = ("org-event", "org-org", "country-country", "person-event", "full")
MEASURE_NAMES = ("degree", "betweenness", "closeness", "eigenvector", "pagerank")


def _filter_options(func: Any) -> Any:
    """--since/--until/--include-undated/--type, shared by the network commands."""
    for option in reversed([
        click.option("--since", metavar="DATE", default=None,
                     help="Only facts dated on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)."),
        click.option("--until", metavar="DATE", default=None,
                     help="Only facts dated on or before DATE."),
        click.option("--include-undated", is_flag=True,
                     help="With --since/--until, keep facts that have no date."),
        click.option("--type", "types", multiple=True, metavar="TYPE",
                     help="Keep only nodes of this kind or class (organisation, FilmAgency, "
                          "film-agency...); repeatable."),
    ]):
        func = option(func)
    return func


def _filters(since: str | None, until: str | None, include_undated: bool,
             types: tuple[str, ...]) -> Any:
    from graph.network.reads import Filters

    return Filters(since, until, include_undated, tuple(types))


def _network_call(func: Any, *args: Any, **kwargs: Any) -> Any:
    from graph.network.reads import NetworkError

    try:
        return func(*args, **kwargs)
    except NetworkError as exc:
        raise click.ClickException(str(exc)) from None


@cli.command()
@click.argument("source")
@click.argument("target")
@click.option("--k", "k", type=click.IntRange(min=1), default=1, show_default=True,
              help="How many shortest simple paths.")
@click.option("--view", "view_name", type=click.Choice(VIEW_NAMES), default="full",
              show_default=True, help="The view to walk.")
@_filter_options
@pass_config
def path(cfg: Config, source: str, target: str, k: int, view_name: str, since: str | None,
         until: str | None, include_undated: bool, types: tuple[str, ...]) -> None:
    """Shortest path(s) between two entities named by any label, each hop explained and cited."""
    from graph.network.reads import path_lines

    filters = _filters(since, until, include_undated, types)
    _current(cfg)
    lines = _network_call(path_lines, cfg.out, source, target, k, view_name, filters,
                          make_plain=lambda: _plain_view(cfg, view_name, filters),
                          resolve=lambda name: _resolve(cfg, name))
    click.echo("\n".join(lines))


def _view(cfg: Config, view_name: str, filters: Any, with_types: bool = True) -> Any:
    """The networkx view of the cached projection (when nothing is kept for it)."""
    from graph.network.commands import load_view

    return load_view(None, view_name, filters, with_types, G=cfg.projection())


def _plain_view(cfg: Config, view_name: str, filters: Any) -> Any:
    """The view of the cached projection in plain form (when nothing is kept for it)."""
    from graph.network.commands import plain_view

    return plain_view(cfg.projection(), view_name, filters)


def _current(cfg: Config) -> None:
    """Rebuild first when data/ changed. A current build is recognised by its files' stats
    alone (no API, no name matcher imported): what path, centrality and communities read is
    kept beside the build."""
    from graph.data.outputs import is_current

    if not (cfg.data.is_dir() and is_current(cfg.data, cfg.out)):
        cfg.ensure_built()


def _resolve(cfg: Config, name: str) -> str:
    """The IRI of the entity a name means, or NetworkError (the one place path looks names
    up): the build's name index, read as ``show`` reads it."""
    from graph.network.reads import resolve_in_build

    return resolve_in_build(cfg.out, name)


@cli.command()
@click.option("--measure", type=click.Choice(("all", *MEASURE_NAMES)), default="all",
              show_default=True, help="One measure (ranks by it) or all (ranks by degree).")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many ranked rows to show.")
@click.option("--view", "view_name", type=click.Choice(VIEW_NAMES), default="org-org",
              show_default=True, help="Which view of the network to measure.")
@click.option("--format", "fmt", type=click.Choice(("table", "csv", "json", "md")),
              default="table", show_default=True, help="Output format.")
@click.option("--backend", type=click.Choice(("auto", "networkx", "igraph")), default="auto",
              show_default=True, help="auto: igraph when installed, else networkx.")
@_filter_options
@pass_config
def centrality(cfg: Config, measure: str, top: int, view_name: str, fmt: str, backend: str,
               since: str | None, until: str | None, include_undated: bool,
               types: tuple[str, ...]) -> None:
    """Degree, betweenness, closeness, eigenvector and PageRank, ranked (--type picks rows)."""
    from graph.network.reads import centrality_text

    measures = list(MEASURE_NAMES) if measure == "all" else [measure]
    filters = _filters(since, until, include_undated, types)
    _current(cfg)
    click.echo(_network_call(centrality_text, cfg.out, view_name, measures, top, filters, fmt,
                             backend, compute=lambda: _centrality(cfg, view_name, measures,
                                                                  filters, backend)),
               nl=False)


def _centrality(cfg: Config, view_name: str, measures: list[str], filters: Any,
                backend: str) -> Any:
    """Every ranked row of the measures (when no table is kept for these options)."""
    from graph.network.analytics import centrality
    from graph.network.cache import build_folder
    from graph.network.commands import centrality_table
    from graph.network.orgorg import measured_view
    from graph.network.reads import kept_scores

    H = measured_view(build_folder(cfg.out), view_name, filters.since, filters.until,
                      filters.include_undated)
    if H is None:
        H = _view(cfg, view_name, filters, with_types=False)
    return centrality_table(H, view_name, measures, filters, backend, scores=lambda: kept_scores(
        cfg.out, view_name, filters, measures, backend,
        lambda: centrality(H, measures, backend=backend)))


@cli.command()
@click.option("--view", "view_name", type=click.Choice(VIEW_NAMES), default="org-org",
              show_default=True, help="Which view of the network to partition.")
@_filter_options
@pass_config
def communities(cfg: Config, view_name: str, since: str | None, until: str | None,
                include_undated: bool, types: tuple[str, ...]) -> None:
    """Louvain communities with modularity; articulation points and bridges."""
    from graph.network.reads import communities_lines

    filters = _filters(since, until, include_undated, types)
    _current(cfg)
    click.echo("\n".join(_network_call(communities_lines, cfg.out, view_name, filters,
                                       compute=lambda: _communities(cfg, view_name, filters))))


def _communities(cfg: Config, view_name: str, filters: Any) -> list[str]:
    """The lines of ``communities`` (when none are kept for these options)."""
    from graph.network.commands import communities_lines

    lines: list[str] = communities_lines(cfg.graph(), view_name, filters, G=cfg.projection())
    return lines


@cli.command()
@click.option("--format", "fmt", type=click.Choice(("table", "csv", "json")), default="table",
              show_default=True, help="Output format (csv: the per-year figures only).")
@click.option("--top", type=click.IntRange(min=1), default=5, show_default=True,
              help="How many top organisations per year.")
@pass_config
def trends(cfg: Config, fmt: str, top: int) -> None:
    """Change over time: events, participations, agreements, active organisations and new
    ties per year; the top organisations of each year; pairs of countries per year."""
    from graph.network.trends import trends as compute
    from graph.network.trends import trends_text

    click.echo(trends_text(compute(cfg.projection(), top), fmt), nl=False)


@cli.command()
@click.option("--out", "out_file", type=click.Path(path_type=Path), default=None,
              help="Markdown file (default: OUT/report.md); the HTML goes beside it.")
@click.option("--top", type=click.IntRange(min=1), default=5, show_default=True,
              help="How many top entities per measure.")
@click.option("--since", metavar="DATE", default=None, help="Only facts dated on or after DATE.")
@click.option("--until", metavar="DATE", default=None, help="Only facts dated on or before DATE.")
@click.option("--include-undated", is_flag=True, help="With a window, keep undated facts.")
@pass_config
def report(cfg: Config, out_file: Path | None, top: int, since: str | None, until: str | None,
           include_undated: bool) -> None:
    """The network report: counts, top organisations and countries, bridges, communities,
    timeline and per-year figures, as Markdown and standalone HTML."""
    from graph.forked import no_collection
    from graph.network.report import unlinked, write_report

    target = out_file or cfg.out / "report.md"
    site_there = (target.parent / "index.html").is_file()  # link to the site's pages
    _current(cfg)
    with no_collection(freeze=True):     # the process ends after the report
        try:
            content = _kept_report(cfg, since, until, include_undated, top)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        written = write_report(content if site_there else unlinked(content), target,
                               home="index.html" if site_there else None)
    for path in written:
        click.echo(f"wrote {path}")


def _kept_report(cfg: Config, since: str | None = None, until: str | None = None,
                 include_undated: bool = False, top: int = 5) -> Any:
    """The report's content, its names linked to the site's pages, kept beside the build per
    options: made once per build, for ``report`` (which drops the links when no site is
    beside it) and ``site`` alike."""
    from graph.network.cache import is_large, kept
    from graph.network.report import build_report, report_context

    def context() -> Any:
        return report_context(cfg.graph(), links=True)

    def scores(name: str, H: Any) -> Any:  # shared with ``centrality`` (kept beside the build)
        from graph.network.analytics import MEASURES, centrality
        from graph.network.reads import Filters, kept_scores

        return kept_scores(cfg.out, name, Filters(since, until, include_undated),
                           list(MEASURES), "auto", lambda: centrality(H, MEASURES))

    def make() -> Any:
        from graph.forked import beside

        G = cfg.projection()
        # large: the store's labels and sources read by a child beside the report's views
        ctx = beside(context) if is_large(cfg.out) else context()
        return build_report(G, since, until, include_undated, top, context=ctx, scores=scores)

    options = {"since": since, "until": until, "include_undated": include_undated, "top": top}
    return kept(cfg.out, "report", options, make)


@cli.command()
@click.option("--view", "view_names", type=click.Choice(("all", *VIEW_NAMES)), multiple=True,
              default=("all",), show_default=True, help="Repeatable.")
@click.option("--format", "formats", type=click.Choice(("all", "graphml", "gexf", "csv")),
              multiple=True, default=("all",), show_default=True, help="Repeatable.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Folder (default: OUT/export); files are VIEW.graphml, VIEW.gexf, "
                   "VIEW.nodes.csv and VIEW.edges.csv.")
@_filter_options
@pass_config
def export(cfg: Config, view_names: tuple[str, ...], formats: tuple[str, ...],
           out_dir: Path | None, since: str | None, until: str | None, include_undated: bool,
           types: tuple[str, ...]) -> None:
    """Write views as GraphML, GEXF (Gephi, with time intervals) and CSV node/edge lists."""
    from graph.forked import no_collection
    from graph.network.commands import export_files

    views = VIEW_NAMES if "all" in view_names else tuple(dict.fromkeys(view_names))
    fmts = ("graphml", "gexf", "csv") if "all" in formats else tuple(dict.fromkeys(formats))
    _current(cfg)
    with no_collection(freeze=True):     # the process ends after the files
        written = _network_call(export_files, None, views, fmts,     # the store unopened
                                out_dir or cfg.out / "export",
                                _filters(since, until, include_undated, types),
                                G=cfg.projection())
    for path in written:
        click.echo(f"wrote {path}")


# ---------------------------------------------------------------- HTML maps (graph/html.py)


@cli.command()
@click.option("--view", "view_name", type=click.Choice(VIEW_NAMES), default="full",
              show_default=True, help="The view to draw.")
@click.option("--out", "out_file", type=click.Path(path_type=Path), default=None,
              help="HTML file (default: OUT/VIEW.html, or OUT/VIEW-ID.html with --focus).")
@click.option("--focus", metavar="NAME", default=None,
              help="Draw only the neighbourhood of this entity (any label, any language).")
@click.option("--depth", type=click.IntRange(min=0), default=1, show_default=True,
              help="With --focus: how many links away from it.")
@click.option("--max-nodes", type=int, default=2000, show_default=True,
              help="Node budget: a larger view keeps its N most central nodes (the page says "
                   "what was left out; search still finds the others).")
@click.option("--max-links", type=int, default=6000, show_default=True,
              help="Link budget: nodes are kept, most central first, while the links among "
                   "them stay within N.")
@click.option("--size-by", type=click.Choice(MEASURE_NAMES), default="degree",
              show_default=True, help="Centrality measure that sets node size.")
@_filter_options
@pass_config
def html(cfg: Config, view_name: str, out_file: Path | None, focus: str | None, depth: int,
         max_nodes: int, max_links: int, size_by: str, since: str | None, until: str | None,
         include_undated: bool, types: tuple[str, ...]) -> None:
    """An interactive map of a view: one self-contained HTML file that works offline."""
    from graph.sparql.describe import LookupError_
    from graph.web.maps import write_html
    from graph.web.site import focus_file, map_page

    ds = cfg.graph()
    try:
        page = map_page(ds, view_name, since=since, until=until,
                        include_undated=include_undated, types=types, focus=focus,
                        depth=depth, max_nodes=max_nodes, max_links=max_links,
                        size_by=size_by,
                        projection=cfg.projection(), cache_dir=cfg.layout_cache())
    except (ValueError, LookupError_) as exc:
        raise click.ClickException(str(exc)) from None
    target = out_file or cfg.out / focus_file(ds, view_name, focus)
    write_html(page, target)
    click.echo(f"wrote {target} ({len(page.network.nodes)} nodes, "
               f"{len(page.network.edges)} links)")
    if page.whole:
        click.echo(f"the view has {page.whole[0]:,} nodes and {page.whole[1]:,} links: the map "
                   f"keeps those with the highest {size_by} within its budget (--max-nodes, "
                   f"--max-links); its note says what was left out")


@cli.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Folder (default: the global --out, 'out').")
@pass_config
def site(cfg: Config, out_dir: Path | None) -> None:
    """The demo site: the maps, a page per entity and source, the report and index.html."""
    import atexit
    import gc

    from graph.web.site import kept_site, write_site

    # the process ends after the site: its last collection pass over the graph in memory
    # (about 1 s at 5,000 events) is spared
    atexit.register(gc.freeze)
    target = out_dir or cfg.out
    cfg.ensure_built()
    site = kept_site(cfg.out, target, lambda: write_site(
        cfg.graph(), target, projection=cfg.projection(), cache_dir=cfg.layout_cache(),
        report=lambda: _kept_report(cfg)))
    for page in site.maps:
        click.echo(f"wrote {target / page.file}  {page.title}: {page.nodes} nodes, "
                   f"{page.edges} links")
    click.echo(f"wrote {site.report}  the report, linked to the maps and pages")
    click.echo(f"wrote {site.entity_pages} entity and source pages under {target / 'entity'}")
    click.echo(f"wrote {site.index}")


# ---------------------------------------------------------------- SPARQL (graph/sparql.py)


class QueryFailed(click.ClickException):
    """Any error of ``cinecoop query``: exit 2, so that 1 stays 'ASK answered false'."""

    exit_code = 2


def _open_store(cfg: Config, spec: str | None, user: str | None = None,
                password: str | None = None, plain: bool = False) -> Any:
    from graph.sparql.stores import StoreError, open_store

    try:
        return open_store(spec, cfg.out, cfg.data, user=user, password=password, plain=plain)
    except StoreError as exc:
        raise QueryFailed(str(exc)) from None


@cli.command()
@click.argument("query", required=False, metavar="[NAME | SPARQL]")
@click.option("-f", "--file", "query_file", type=click.File("r", encoding="utf-8"),
              help="Read the query from a file ('-' for stdin).")
@click.option("-n", "--name", help="Run this named query (see 'cinecoop queries').")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind ?NAME: an entity by any name or id, a <IRI>, or a \"literal\". "
                   "Repeatable.")
@_store_options
@click.option("--format", "-o", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "md", "csv", "tsv", "json", "xml", "ttl", "nt",
                                 "jsonld"]),
              help="table/md show labels; csv, tsv, json, xml are the SPARQL result formats; "
                   "ttl, nt, jsonld for CONSTRUCT/DESCRIBE.")
@click.option("--lang", default="en", show_default=True, help="Language of labels in tables.")
@click.option("--max-width", type=click.IntRange(min=0), default=60, show_default=True,
              help="Widest table cell before it is cut (0: no limit).")
@click.option("--timeout", type=click.FloatRange(min=0), default=None,
              help="Give up after this many seconds.")
@pass_config
def query(cfg: Config, query: str | None, query_file: Any, name: str | None,
          params: tuple[str, ...], store_spec: str | None, user: str | None,
          password: str | None, fmt: str, lang: str, max_width: int,
          timeout: float | None) -> None:
    """Run a SPARQL query: inline, from a file (-f), or a named one with --param values.

    \b
      cinecoop query agencies-at-event --param event="Baku Cinema Breeze"
      cinecoop query 'PREFIX cc: <https://w3id.org/cinecoop/ontology#>
                      SELECT ?p WHERE { ?p a cc:Person }'
      cinecoop query -f q.rq --store memory --format json

    Exit status: 0 done (ASK: true), 1 ASK false, 2 error.
    """

    from graph.sparql.named import ParamError, is_query_name, parse_param_items, run
    from graph.sparql.stores import QueryError, StoreError
    from graph.sparql.tables import FormatError, render

    given = [x for x in (query, query_file, name) if x is not None]
    if len(given) != 1:
        raise QueryFailed("give one query: a name, SPARQL text, -f FILE or --name NAME "
                          "(list the named ones with 'cinecoop queries')")
    text = None
    if query_file is not None:
        text = query_file.read()
    elif query is not None and is_query_name(query):
        name = query.strip()
    elif query is not None:
        text = query
    try:
        values = parse_param_items(params)
        store = _open_store(cfg, store_spec, user, password, plain=True)
        outcome = run(store, text=text, name=name, params=values, timeout=timeout)
        out = render(outcome.result, fmt, store, lang=lang, max_width=max_width)
    except (QueryError, ParamError, StoreError, FormatError) as exc:
        raise QueryFailed(str(exc)) from None
    click.echo(out, nl=False)
    if fmt == "table" and outcome.result.kind == "select":
        n = len(outcome.result.rows)
        click.echo(f"({n} row{'s' if n != 1 else ''}, {store.name})", err=True)
    if outcome.result.kind == "ask" and not outcome.result.boolean:
        sys.exit(1)


@cli.command()
@click.argument("name", required=False)
def queries(name: str | None) -> None:
    """List the named queries (title, parameters), or print one of them."""
    from graph.sparql.named import UnknownQuery, named_queries, named_query

    if name is not None:
        try:
            click.echo(named_query(name).text, nl=False)
        except UnknownQuery as exc:
            raise QueryFailed(str(exc)) from None
        return
    for q in named_queries():
        params = " ".join(f"--param {p.name}=<{'|'.join(p.types)}>" if not p.optional else
                          f"[--param {p.name}=<{'|'.join(p.types)}>]" for p in q.params)
        click.echo(f"{q.name}  {params}".rstrip())
        click.echo(f"    {q.title}")


@cli.command()
@click.option("--to", "url", required=True, metavar="URL",
              help="Graph Store endpoint (gsp) or SPARQL Update endpoint (update).")
@click.option("--method", type=click.Choice(["gsp", "update"]), default="gsp",
              show_default=True, help="Graph Store Protocol PUT, or SPARQL Update.")
@click.option("--user", envvar="CINECOOP_USER", help="User (HTTP Basic or Digest).")
@click.option("--password", envvar="CINECOOP_PASSWORD",
              help="Password [env: CINECOOP_PASSWORD].")
@pass_config
def push(cfg: Config, url: str, method: str, user: str | None, password: str | None) -> None:
    """Upload the built graph to a SPARQL server: each named graph is replaced."""
    from graph.sparql.remote import push as run
    from graph.sparql.stores import StoreError

    ds = cfg.graph()
    try:
        pushed = run(ds, url, method=method, user=user, password=password)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    width = max((len(p.graph) for p in pushed), default=0)
    for item in pushed:
        click.echo(f"  {item.graph:<{width}}  {item.triples:>7} triples")
    total = sum(p.triples for p in pushed)
    click.echo(f"pushed {len(pushed)} graphs ({total} triples) to {url} by {method}; "
               "query them with --store sparql:<the server's query endpoint>")


# ---------------------------------------------------------------- curation (CURATING.md)

KIND_NAMES = ("person", "organisation", "event", "place", "country")


def _curate_call(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a curation function; its one-line errors become click errors (exit 1)."""
    from graph.data.curate import CurateError

    try:
        return func(*args, **kwargs)
    except CurateError as exc:
        raise click.ClickException(str(exc)) from None


@cli.command()
@click.argument("name")
@click.option("--kind", type=click.Choice(KIND_NAMES), default=None, help="Only this kind.")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True,
              help="Most candidates shown.")
@pass_config
def find(cfg: Config, name: str, kind: str | None, limit: int) -> None:
    """Ranked candidates for a name: id, kind, label, score, why, citing sources."""
    from graph.data.lookup import LookupFailed, built_index, table
    from graph.data.lookup import find as run

    index = built_index(cfg.out, cfg.data)
    try:
        if index is None:  # data/ changed since the last build (or none): read the records
            from graph.data.duplicates import record_names

            try:
                index = record_names(cfg.data)
            except ValueError as exc:
                raise click.ClickException(str(exc)) from None
        found = run(index, name, kind, limit)
    except LookupFailed as exc:
        raise click.ClickException(str(exc)) from None
    if not found:
        raise click.ClickException(f"nothing in the graph is called {name!r} or anything "
                                   "near it; add it with 'cinecoop add KIND'")
    for line in table(found):
        click.echo(line)


@cli.group()
def add() -> None:
    """Add a source (an article text) or an entity, as canonical YAML in data/."""


@add.command("source")
@click.argument("text_file", metavar="FILE.txt", type=click.Path(path_type=Path))
@click.option("--url", default=None, help="Where the article was published.")
@click.option("--lang", default=None, help="en, ru, az or tr (default: guessed from the script).")
@click.option("--date", default=None, help="YYYY-MM-DD, when the text has no dateline.")
@click.option("--publisher", default=None, metavar="ID", help="The publishing organisation's id.")
@pass_config
def add_source(cfg: Config, text_file: Path, url: str | None, lang: str | None,
               date: str | None, publisher: str | None) -> None:
    """Register an article: data/sources/<id>.yaml, an empty facts file, the text copied.

    The id is <NNN>_<16 hex digits of the text's SHA-256>, NNN the next number.
    """
    from graph.data.curate import add_source as run

    done = _curate_call(run, cfg.data, cfg.sources, text_file, url, lang, date, publisher)
    click.echo(done.message)
    for path in done.paths:
        click.echo(f"  wrote {path}")


def _add_entity_command(kind: str) -> None:
    @add.command(kind, help=f"Add a {kind} (refused when the name matches one already there).")
    @click.option("--label", "labels", multiple=True, metavar="LANG=TEXT", required=True,
                  help="Its name in a language (one per language).")
    @click.option("--alt", "alts", multiple=True, metavar="LANG=TEXT",
                  help="Another name it goes by.")
    @click.option("--cite", "cites", multiple=True, metavar="SOURCE:N", required=True,
                  help="A paragraph that names it.")
    @click.option("--id", "ident", default=None, help="The id (default: from the label).")
    @click.option("--set", "fields", multiple=True, metavar="FIELD=VALUE",
                  help="Any other field (see 'cinecoop vocab KIND'), e.g. --set type=ministry.")
    @click.option("--distinct-from", "distinct", multiple=True, metavar="ID",
                  help="Add it although its name matches this record: they are different.")
    @pass_config
    def command(cfg: Config, labels: tuple[str, ...], alts: tuple[str, ...],
                cites: tuple[str, ...], ident: str | None, fields: tuple[str, ...],
                distinct: tuple[str, ...]) -> None:
        from graph.data.curate import add_entity

        done = _curate_call(add_entity, cfg.data, kind, labels, cites, alts, ident, fields,
                            distinct)
        click.echo(done.message)


for _kind in KIND_NAMES:
    _add_entity_command(_kind)


@cli.command()
@click.argument("ident", metavar="ID")
@click.argument("citation", metavar="SOURCE:N")
@click.option("--as", "surface", default=None, metavar="WORDS",
              help="The words that paragraph uses for it ('the meeting', a misspelling).")
@pass_config
def cite(cfg: Config, ident: str, citation: str, surface: str | None) -> None:
    """Add a citation (SOURCE:N) to an existing entity."""
    from graph.data.curate import cite as run

    click.echo(_curate_call(run, cfg.data, ident, citation, surface).message)


@cli.command()
@click.argument("source")
@click.argument("numbers", nargs=-1, type=click.IntRange(min=1), metavar="[N ...]")
@pass_config
def paras(cfg: Config, source: str, numbers: tuple[int, ...]) -> None:
    """An article's paragraphs, each with the entities it mentions and the unknown names."""
    from graph.data.paras import read_source

    for p in _curate_call(read_source, cfg.data, cfg.sources, source, numbers):
        click.echo(f"[{p.number}] {p.text}")
        for surface, ident, why in p.mentions:
            click.echo(f"    {surface} -> {ident}" + ("" if why == "exact" else f" ({why})"))
        for name, near in p.unknown:
            closest = (f"; closest: {near.kind}/{near.id} ({near.why}, {near.score})"
                       if near else "")
            click.echo(f"    ? {name}  (not in the graph{closest})")


@cli.command()
@click.argument("kind", required=False)
def vocab(kind: str | None) -> None:
    """The fields each record kind accepts and every controlled list, with definitions."""
    from graph.data.vocab import lines

    try:
        text = lines(kind)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("\n".join(text))


@cli.command()
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option("--format", "fmt", type=click.Choice(("md", "json")), default="md",
              show_default=True, help="Markdown or JSON.")
@pass_config
def diff(cfg: Config, old: str | None, new: str | None, fmt: str) -> None:
    """What changed: entities added, removed or relabelled, facts per source.

    OLD and NEW are build folders, data folders or git revisions; by default OLD is the last
    build (--out) and NEW the working tree (--data).
    """
    import json

    from graph.data.diff import DiffError, changes, load_version, markdown

    try:
        old_name, before = load_version(old, cfg.data, cfg.out)
        new_name, after = load_version(new if new is not None else str(cfg.data), cfg.data,
                                       cfg.out)
    except DiffError as exc:
        raise click.ClickException(str(exc)) from None
    found = changes(before, after)
    if fmt == "json":
        click.echo(json.dumps(found, ensure_ascii=False, indent=2, sort_keys=True))
    else:
        click.echo(markdown(found, old_name, new_name).rstrip("\n"))


def main() -> None:
    cli(prog_name="cinecoop")


if __name__ == "__main__":
    main()
