"""The package layout is the architecture: layers import downwards only, and nothing cycles.

Layers, lowest first: the top-level modules (terms, names, files...), ``data``, ``sparql``,
``network``, ``web``, then ``cli``. A module may import its own layer and the layers below it.
Imports sit at the top of modules; only ``cli.py`` imports inside functions (to keep ``--help``
instant), an optional dependency may be probed inside ``try``, and a heavy import deferred on
purpose says so on its line (``# lazy: why``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "graph"
LAYERS = {"top": 0, "data": 1, "sparql": 2, "network": 3, "web": 4, "cli": 5}
MAX_FUNCTION_LINES = 80


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> int:
    parts = module.split(".")
    if module == "graph.api":
        return LAYERS["cli"]  # the API stands beside the CLI, over every layer
    if len(parts) > 1 and parts[1] in LAYERS:
        return LAYERS[parts[1]]
    return LAYERS["top"]


def graph_imports(path: Path, known: set[str]) -> list[tuple[str, ast.stmt]]:
    """Every ``graph.*`` module that ``path`` imports, with the import statement."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            base = node.module
            for alias in node.names:
                target = f"{base}.{alias.name}"
                name = target if target in known else base
                if name.split(".")[0] == "graph":
                    found.append((name, node))
        elif isinstance(node, ast.Import):
            found += [(a.name, node) for a in node.names if a.name.split(".")[0] == "graph"]
    return found


def import_graph() -> nx.DiGraph:
    mods = modules()
    g = nx.DiGraph()
    g.add_nodes_from(mods)
    for name, path in mods.items():
        for target, _ in graph_imports(path, set(mods)):
            if target != name and target in mods and name != "graph":  # the API re-exports
                g.add_edge(name, target)
    return g


def test_the_import_walk_sees_the_layers() -> None:
    g = import_graph()
    assert g.has_edge("graph.sparql.stores", "graph.data.build")
    assert g.has_edge("graph.network.projection", "graph.terms")


def test_no_import_cycle() -> None:
    cycles = list(nx.simple_cycles(import_graph()))
    assert cycles == [], "import cycles: " + "; ".join(" -> ".join(c + c[:1]) for c in cycles)


def test_layers_import_downwards_only() -> None:
    upward = [f"{a} imports {b}" for a, b in import_graph().edges if layer(b) > layer(a)]
    assert upward == []


def _nested_import(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """An import inside a function, not in a ``try`` (optional dependency probe)."""
    in_function = False
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.Try):
            return False
        in_function = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    return in_function


@pytest.mark.parametrize("name", sorted(n for n in modules() if n != "graph.cli"))
def test_imports_at_the_top_of_the_module(name: str) -> None:
    source = modules()[name].read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    nested = [f"line {n.lineno}: {ast.unparse(n)}" for n in ast.walk(tree)
              if isinstance(n, (ast.Import, ast.ImportFrom)) and _nested_import(n, parents)
              and "# lazy:" not in lines[n.lineno - 1]]
    assert nested == [], f"{name} imports inside functions (move to the top): {nested}"


def test_every_subpackage_says_what_it_is_for() -> None:
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "May import" in doc, f"{init} needs a docstring saying what it may import"


def test_no_function_over_80_lines() -> None:
    """Long functions are split into named steps (a dispatch table where a chain of ifs grew)."""
    long = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{name}.{node.name}: {lines} lines")
    assert long == []
