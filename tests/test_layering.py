"""The package's layering: no import cycles, no import that goes up or sideways.

Each top-level part of ``jokkgeo`` sits in a row; a module may import only from
parts in lower rows (and from its own part). Sideways imports between two parts
of one row are refused too. Analyses and renderers are pure: they never import
``jokkgeo.io``. The rows are written out in ``docs/design.md``.

Two changes from the rows of the plan, each to keep a leaf where it belongs:

* ``settings`` sits in row 0 with ``errors``: like ``errors`` it imports nothing from
  jokkgeo, and ``crs`` (row 1, the working-CRS guard) reads ``settings.WORKING_CRS``,
  which would otherwise be a sideways import inside row 1.
* ``__main__`` (``python -m jokkgeo``) gets the top row of its own: it only calls
  ``jokkgeo.cli.main``, which would otherwise be sideways inside the CLI's row.
"""

from __future__ import annotations

import ast
from pathlib import Path

import jokkgeo

PACKAGE = Path(jokkgeo.__file__).resolve().parent

ROWS: tuple[tuple[str, ...], ...] = (
    ("errors", "settings"),
    ("crs", "results", "i18n", "_progress", "_optional"),
    ("config",),
    ("network",),
    ("analysis", "render"),
    ("io",),
    ("study",),
    ("workflows", "present"),
    ("report",),
    ("cli",),
    ("__main__",),
)
"""Lowest row first. ``jokkgeo/__init__.py`` (the re-exports) may import anything lazily."""

ROW_OF = {part: i for i, row in enumerate(ROWS) for part in row}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(rel.parts).removesuffix(".__init__")
        out[name] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """jokkgeo modules imported by ``name`` (at any depth of the file, lazy imports included)."""
    pkg = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")[: len(pkg.split(".")) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            targets = [f"{mod}.{a.name}" for a in node.names] + [mod]
        for t in targets:
            while t and t not in modules and "." in t:
                t = t.rsplit(".", 1)[0]
            if t in modules and t != name:
                found.add(t)
    return found


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {m: _imports(m, p, modules) for m, p in modules.items()}


def test_every_part_has_a_row():
    parts = {_part(m) for m in _modules()} - {""}
    assert parts <= set(ROW_OF), f"parts without a row in ROWS: {sorted(parts - set(ROW_OF))}"


def test_no_import_goes_up_or_sideways():
    bad = []
    for mod, deps in _graph().items():
        src = _part(mod)
        if src == "":
            continue  # jokkgeo/__init__.py re-exports
        for dep in deps:
            dst = _part(dep)
            if dst == "" or dst == src:
                continue
            if ROW_OF[dst] >= ROW_OF[src]:
                bad.append(f"{mod} -> {dep} ({src} row {ROW_OF[src]}, {dst} row {ROW_OF[dst]})")
    assert not bad, "imports that go up or sideways:\n" + "\n".join(sorted(bad))


def test_analysis_and_render_never_touch_io():
    bad = [f"{m} -> {d}" for m, deps in _graph().items() for d in deps
           if _part(m) in ("analysis", "render", "network", "config") and _part(d) == "io"]
    assert not bad, "\n".join(bad)


def test_no_import_cycles():
    graph = _graph()
    cycles: list[str] = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycles.append(" -> ".join(stack[stack.index(dep):] + [dep]))
            elif dep not in state:
                visit(dep, stack + [dep])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_checker_sees_a_planted_upward_import(tmp_path):
    """The walker resolves relative and lazy imports (so the tests above can fail)."""
    pkg = tmp_path / "jokkgeo"
    (pkg / "analysis").mkdir(parents=True)
    (pkg / "io").mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "analysis" / "__init__.py").write_text("")
    (pkg / "io" / "__init__.py").write_text("")
    (pkg / "io" / "vector.py").write_text("X = 1\n")
    (pkg / "analysis" / "x.py").write_text("def f():\n    from ..io.vector import X\n    return X\n")
    modules = {"jokkgeo": pkg / "__init__.py", "jokkgeo.io": pkg / "io" / "__init__.py",
               "jokkgeo.analysis": pkg / "analysis" / "__init__.py", "jokkgeo.io.vector": pkg / "io" / "vector.py",
               "jokkgeo.analysis.x": pkg / "analysis" / "x.py"}
    assert _imports("jokkgeo.analysis.x", modules["jokkgeo.analysis.x"], modules) == {"jokkgeo.io.vector"}
