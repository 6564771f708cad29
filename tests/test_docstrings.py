"""Every public function of jokkgeo documents its parameters the numpydoc way (issue 11).

The walk reads the source (AST, nothing is imported) of every public module (no ``_`` in the
module path) and checks every public module-level function and every public method of a
public module-level class: when it takes parameters (``self``/``cls`` aside), its docstring
must have a numpydoc ``Parameters`` section naming each of them. Grouped entries
(``a, b : float``) and ``*args``/``**kwargs`` spelt with or without stars are accepted.

Not checked: click command callbacks in ``jokkgeo/cli`` (their documentation is ``--help``),
properties, dunder methods (``__init__`` of dataclasses is generated), ``typing.overload``
stubs and private names.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "jokkgeo"

_CLICK_DECORATORS = {"command", "group", "option", "argument", "pass_context", "pass_obj", "version_option"}
_SKIP_DECORATORS = {"property", "cached_property", "setter", "getter", "deleter", "overload"}
_SECTION = re.compile(r"^\s*(\w[\w ]*)\n\s*-{3,}\s*$", re.MULTILINE)


def _decorator_names(node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    names = set()
    for dec in node.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        if isinstance(target, ast.Attribute):
            names.add(target.attr)
        elif isinstance(target, ast.Name):
            names.add(target.id)
    return names


def _parameters(node: ast.FunctionDef | ast.AsyncFunctionDef, *, method: bool) -> list[str]:
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    if method and "staticmethod" not in _decorator_names(node) and positional:
        positional = positional[1:]  # self / cls
    names = [a.arg for a in (*positional, *args.kwonlyargs)]
    if args.vararg:
        names.append(args.vararg.arg)
    if args.kwarg:
        names.append(args.kwarg.arg)
    return names


def documented_parameters(doc: str | None) -> set[str] | None:
    """Names in the numpydoc ``Parameters`` section of ``doc`` (``None`` when it has none)."""
    if not doc:
        return None
    import inspect

    text = inspect.cleandoc(doc)
    lines = text.splitlines()
    for i, line in enumerate(lines[:-1]):
        if line.strip() == "Parameters" and re.fullmatch(r"\s*-{3,}\s*", lines[i + 1]):
            indent = len(line) - len(line.lstrip())
            names: set[str] = set()
            j = i + 2
            while j < len(lines):
                cur = lines[j]
                if j + 1 < len(lines) and cur.strip() and re.fullmatch(r"\s*-{3,}\s*", lines[j + 1]):
                    break  # next section
                if cur.strip() and len(cur) - len(cur.lstrip()) == indent:
                    head = cur.split(" : ", 1)[0].strip().rstrip(":")
                    names.update(part.strip().lstrip("*") for part in head.split(","))
                j += 1
            return names
    return None


def _functions(tree: ast.Module, *, cli: bool) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef, bool]]:
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name.startswith("_") or (cli and _decorator_names(node) & _CLICK_DECORATORS):
                continue
            yield node.name, node, False
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and not item.name.startswith("_"):
                    yield f"{node.name}.{item.name}", item, True


def public_modules() -> Iterator[tuple[str, Path]]:
    """``(dotted name, path)`` of every public jokkgeo module."""
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        if any(p.startswith("_") for p in parts):
            continue
        yield ".".join(parts), path


def undocumented() -> list[str]:
    """``module:function: missing names`` for every public function lacking numpydoc parameters."""
    missing = []
    for module, path in public_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for qualname, node, method in _functions(tree, cli=module.startswith("jokkgeo.cli.")):
            if _decorator_names(node) & _SKIP_DECORATORS:
                continue
            params = _parameters(node, method=method)
            if not params:
                continue
            documented = documented_parameters(ast.get_docstring(node, clean=False))
            absent = [p for p in params if documented is None or p not in documented]
            if absent:
                missing.append(f"{module}:{qualname}: {', '.join(absent)}")
    return missing


def test_parameters_section_parser():
    doc = """Summary.

    Parameters
    ----------
    a, b : float
        Two numbers.
    *args
        More.
    language
        Code.

    Returns
    -------
    value : float
        Not a parameter.
    """
    assert documented_parameters(doc) == {"a", "b", "args", "language"}
    assert documented_parameters("Summary only.") is None


def test_every_public_function_documents_its_parameters():
    missing = undocumented()
    assert not missing, f"{len(missing)} public functions without numpydoc Parameters:\n" + "\n".join(missing)


_IMPORT_ALL = """
import importlib, pathlib, socket, sys

def refuse(*args, **kwargs):
    raise RuntimeError("network access while importing jokkgeo")

socket.socket.connect = refuse
socket.create_connection = refuse
package = pathlib.Path(sys.argv[1])
for path in sorted(package.rglob("*.py")):
    rel = path.relative_to(package.parent).with_suffix("")
    if rel.name == "__main__":
        continue
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    importlib.import_module(".".join(parts))
"""


def test_every_module_imports_without_side_effects(tmp_path):
    # doctest collection (--doctest-modules) imports every module: no network, no files, no output
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PACKAGE.parent), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", _IMPORT_ALL, str(PACKAGE)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert list(tmp_path.iterdir()) == []
