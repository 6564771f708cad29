"""No public name is defined in two jokkgeo modules (issue 11: "names that explain").

The walk reads every module's source (AST, nothing is imported) and collects the public
module-level definitions: classes, functions and assigned constants. Imports and
re-exports are not definitions, so ``from jokkgeo.i18n import text`` in a renderer is fine.
A name defined in two modules means a reader cannot tell which one a call uses: rename one
(``_helper`` if it is module-internal) or import it from the one place that defines it.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "jokkgeo"

# Deliberate repeats: the same role in every module of a kind, never imported from one another.
ALLOWED: dict[str, str] = {
    "__all__": "each module's own export list",
    "log": "each module's own logging.getLogger(__name__)",
    "command": "the click command of each jokkgeo/cli/<name>.py module (looked up by module)",
    "TEXTS": "the (sv, en) string table of each jokkgeo/i18n/<subject>.py module (registered in _TABLES)",
}

# Deprecated top-level shims (removed in phase 2): thin subclasses/wrappers of the config layer's
# classes that keep old import paths working. They share the names on purpose.
SHIMS: frozenset[str] = frozenset({"catalogue.py", "scenarios.py"})


def _defined_names(tree: ast.Module) -> list[str]:
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names.extend(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return [n for n in names if not n.startswith("_") or n == "__all__"]


def public_definitions() -> dict[str, list[str]]:
    """Public name -> modules (paths relative to the package) that define it."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel in SHIMS:
            continue
        for name in _defined_names(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            found[name].append(rel)
    return found


def test_walk_sees_definitions_not_imports():
    tree = ast.parse("from x import a\nimport b\nC = 1\nD: int = 2\n_e = 3\ndef f(): pass\nclass G: pass\n")
    assert _defined_names(tree) == ["C", "D", "f", "G"]


def test_no_public_name_defined_twice():
    twice = {name: paths for name, paths in public_definitions().items() if len(paths) > 1 and name not in ALLOWED}
    assert not twice, "public names defined in more than one module (rename or import from one place):\n" + "\n".join(
        f"  {name}: {', '.join(paths)}" for name, paths in sorted(twice.items())
    )


def test_allow_list_is_needed():
    defs = public_definitions()
    stale = [name for name in ALLOWED if len(defs.get(name, [])) < 2]
    assert not stale, f"allow-list entries no longer defined twice (remove them): {stale}"
