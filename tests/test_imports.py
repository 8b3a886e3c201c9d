"""The package's modules import each other without cycles, and only downwards through the layers of
DESIGN §12 (function-local imports included)."""

from __future__ import annotations

import ast
from pathlib import Path

import alignbench

PACKAGE = Path(alignbench.__file__).parent


def _import_graph() -> dict[str, set[str]]:
    """Module -> the alignbench modules it imports anywhere in its code, the package root included
    (modules take ``__version__`` from ``alignbench._version``, never from the root)."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                deps.add(node.module)
            elif isinstance(node, ast.Import):
                deps.update(alias.name for alias in node.names)
        graph[module] = {d for d in deps if (d == "alignbench" or d.startswith("alignbench.")) and d != module}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                return [*path[path.index(dep) :], dep] if dep in path else [*path, dep]
            if dep not in state and (found := visit(dep, [*path, dep])):
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return None


def test_no_import_cycles():
    graph = _import_graph()
    assert "alignbench.scoring.evaluate" in graph["alignbench.runs.baselines"]  # the graph sees real imports
    cycle = _cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


#: The layers, lowest first (README "Layout"): a module may import its own layer and the ones below.
LAYERS = ("ground", "sources", "dataset", "aligners", "scoring", "runs", "views", "annotate", "commands", "api")
#: Modules at the package root that form the ground layer; every other root module is the public API.
GROUND = {"records", "fileio", "progress", "environment", "_version"}


def layer(module: str) -> str:
    """The layer of an ``alignbench`` module: its subpackage, ``ground`` or ``api`` (the root, cli, testing)."""
    parts = module.split(".")[1:]
    if parts and parts[0] in GROUND:
        return "ground"
    if parts and parts[0] in LAYERS:
        return parts[0]
    return "api"


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} ({layer(module)}) imports {dep} ({layer(dep)})"
        for module, deps in graph.items()
        for dep in deps
        if LAYERS.index(layer(dep)) > LAYERS.index(layer(module))
    )


def test_imports_point_down_the_layers():
    graph = _import_graph()
    assert {layer(m) for m in graph} >= set(LAYERS) - {"annotate"}  # every layer is seen (annotate: once it exists)
    assert upward_imports(graph) == []


def test_the_layer_check_sees_an_upward_import():
    graph = {"alignbench.scoring.evaluate": {"alignbench.views.formats", "alignbench.records"}}
    assert upward_imports(graph) == ["alignbench.scoring.evaluate (scoring) imports alignbench.views.formats (views)"]


def test_no_module_is_over_400_lines():
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 420
    }
    assert long == {}


def test_formatting_does_not_need_the_scorer():
    for view in ("alignbench.views.formats", "alignbench.views.leaderboard", "alignbench.views.compare"):
        assert not {"alignbench.scoring.evaluate", "alignbench.scoring.compare"} & _import_graph()[view]
    from alignbench.scoring.evaluate import metric_names  # still importable from its old home
    from alignbench.scoring.metrics import ALL_METRICS

    assert metric_names() == [str(m) for m in ALL_METRICS]
