"""The package is laid out as its pipeline: core → data → model → chapters → publish → cli.

The import graph is read from the source (every ``import`` statement, at any
depth), so that an import moved into a function to hide a cycle is still seen.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from paths import ROOT

PACKAGE = ROOT / "src" / "labels_report"
LAYERS = {"core": 0, "data": 1, "model": 2, "chapters": 3, "publish": 4}
TOP = 5
"""``labels_report`` itself (its lazy API), ``cli`` and the staff's page ``serve``: they may import any stage."""
LAZY_ALLOWED = {"labels_report", "labels_report.cli"}
"""The only modules that import the package inside functions: the command, to answer
``--help`` and an unchanged rebuild without loading pandas, and the package's lazy API."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in ("cli", "serve"):
        return TOP
    return LAYERS[parts[1]]


def resolve(name: str) -> str | None:
    """The package module an imported name refers to (``a.b.c`` may be the attribute ``c`` of ``a.b``)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports(module: str) -> list[tuple[str, bool]]:
    """(imported package module, whether the import sits inside a function)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, nested: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = nested or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            names: list[str] = []
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                names = [f"{child.module}.{alias.name}" for alias in child.names] + [child.module]
            for name in names:
                if name.startswith("labels_report"):
                    target = resolve(name)
                    if target is not None and target != module:
                        found.append((target, inner))
            visit(child, inner)

    visit(tree, False)
    # Every module of the package loads the root package first; the root itself imports
    # nothing at load time (test_the_root_package_imports_nothing_when_loaded).
    return [(target, nested) for target, nested in dict.fromkeys(found) if target != "labels_report"]


GRAPH = {module: imports(module) for module in MODULES}


def test_the_package_has_its_pipeline_stages():
    for stage in LAYERS:
        assert (PACKAGE / stage / "__init__.py").is_file(), stage
    flat = [p.name for p in PACKAGE.glob("*.py")]
    assert sorted(flat) == ["__init__.py", "cli.py"], "every module belongs to a stage"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_only_go_down_the_pipeline(module):
    for target, _nested in GRAPH[module]:
        assert layer(target) <= layer(module), f"{module} imports {target}, a later stage"


def test_data_and_chapters_never_import_publish():
    for module, targets in GRAPH.items():
        if layer(module) in (LAYERS["data"], LAYERS["chapters"]):
            assert not [t for t, _ in targets if t.startswith("labels_report.publish")], module


@pytest.mark.parametrize("module", sorted(set(MODULES) - LAZY_ALLOWED))
def test_no_import_of_the_package_is_hidden_in_a_function(module):
    assert [t for t, nested in GRAPH[module] if nested] == []


def test_the_import_graph_has_no_cycle():
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target, _ in GRAPH[module]:
            if state.get(target) == 1:
                cycle = path[path.index(target):] + [target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in GRAPH:
        if module not in state:
            visit(module)


def test_the_root_package_imports_nothing_when_loaded():
    assert not [t for t, nested in imports_of_root() if not nested]


def imports_of_root() -> list[tuple[str, bool]]:
    tree = ast.parse(MODULES["labels_report"].read_text(encoding="utf-8"))
    return [(n.module or "", False) for n in tree.body if isinstance(n, ast.ImportFrom)
            and (n.module or "").startswith("labels_report")]


def test_the_graph_reader_sees_what_it_must():
    """The checks above can fail: the reader finds a real edge, a nested import and a cycle."""
    assert ("labels_report.core.errors", False) in GRAPH["labels_report.core.i18n"]
    assert any(nested for _, nested in GRAPH["labels_report.cli"]), "cli imports lazily"
    assert layer("labels_report.publish.build") > layer("labels_report.chapters.base") > layer("labels_report.core.i18n")
