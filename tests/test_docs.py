"""The documentation stays honest: commands, options, links and the README's library example.

* every ``jokkgeo <command>`` shown in ``README.md`` and ``docs/*.md`` (code blocks and inline
  code) is a real command, and every ``--option`` shown with it is in that command's ``--help``;
* every relative link in those files (and `data/README.md`) points to an existing file;
* the README's ``python`` example runs on the default study;
* the layer rows of ``docs/design.md`` are those of ``tests/test_layering.py``.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
from pathlib import Path

import click
import pytest

from jokkgeo.cli.main import cli as cli_main

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "data" / "README.md"]

FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)
INLINE = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _command_lines(text: str) -> list[str]:
    """Every piece of code (fenced lines, inline spans) that calls ``jokkgeo <something>``."""
    pieces: list[str] = []
    for block in FENCE.findall(text):
        pieces.extend(re.sub(r"\\\n\s*", " ", block).splitlines())  # join continued lines
    pieces.extend(INLINE.findall(FENCE.sub("", text)))
    out = []
    for piece in pieces:
        piece = piece.split(" #", 1)[0].replace("\\|", "|")
        for m in re.finditer(r"(?:^|[\s/$(])jokkgeo ([a-z][^;&]*)", piece):
            out.append("jokkgeo " + m.group(1).strip())
    return out


def _split(line: str) -> list[str]:
    line = re.sub(r"\[([^\]]*)\]", r" \1 ", line)  # [--opt X] -> --opt X
    try:
        return shlex.split(line)
    except ValueError:
        return line.split()


def _resolve(words: list[str]) -> tuple[list[str], click.Command | None]:
    """The command path named by ``words`` (after ``jokkgeo``) and its click command."""
    ctx = click.Context(cli_main)
    cmd: click.Command = cli_main
    path: list[str] = []
    for word in words:
        if word.startswith("-"):
            continue
        if not isinstance(cmd, click.Group):
            break
        sub = cmd.get_command(ctx, word)
        if sub is None:
            return [*path, word], None
        path.append(word)
        cmd = sub
    return path, cmd


def _options(cmd: click.Command) -> set[str]:
    return {o for p in cmd.params for o in (*p.opts, *p.secondary_opts) if o.startswith("--")}


def _mentions() -> list[tuple[str, str]]:
    return [(doc.relative_to(ROOT).as_posix(), line) for doc in DOCS for line in _command_lines(doc.read_text("utf-8"))]


def test_docs_mention_commands() -> None:
    """The parser finds the commands (guards against a parser that silently finds nothing)."""
    found = {_resolve(_split(line)[1:])[0][0] for _, line in _mentions() if _resolve(_split(line)[1:])[0]}
    assert {"layers", "catchments", "conflicts", "report", "compare", "init", "inspect", "influence"} <= found


@pytest.mark.parametrize(("doc", "line"), _mentions())
def test_documented_command_and_options_exist(doc: str, line: str) -> None:
    words = _split(line)[1:]
    path, cmd = _resolve(words)
    assert path, f"{doc}: `{line}`: no command"
    assert cmd is not None, f"{doc}: `{line}`: 'jokkgeo {' '.join(path)}' is not a command"
    first = words.index(path[0])
    before = {w.split("=", 1)[0] for w in words[:first] if w.startswith("--")}
    after = {w.split("=", 1)[0] for w in words[first:] if w.startswith("--")}
    unknown = (before - _options(cli_main) - {"--help"}) | (after - _options(cmd) - {"--help"})
    assert not unknown, f"{doc}: `{line}`: options not in 'jokkgeo {' '.join(path)} --help': {sorted(unknown)}"


def _links() -> list[tuple[str, str]]:
    out = []
    for doc in DOCS:
        for target in LINK.findall(FENCE.sub("", doc.read_text("utf-8"))):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                continue
            out.append((doc.relative_to(ROOT).as_posix(), target))
    return out


@pytest.mark.parametrize(("doc", "target"), _links())
def test_relative_links_point_to_files(doc: str, target: str) -> None:
    path = (ROOT / doc).parent / target.split("#", 1)[0]
    assert path.exists(), f"{doc}: link to '{target}': no such file"


def test_readme_library_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ``python`` block of the README runs on the default study (paths resolved against the root)."""
    blocks = re.findall(r"^```python\n(.*?)^```", (ROOT / "README.md").read_text("utf-8"), re.S | re.M)
    assert blocks, "README.md: no ```python block"
    code = "\n".join(blocks)
    for rel in sorted(set(re.findall(r"[\"']((?:data|layers|maps|scenarios)/[^\"']*)[\"']", code))):
        assert (ROOT / rel).exists(), f"README.md example: '{rel}' does not exist"
        code = code.replace(f'"{rel}"', repr(str(ROOT / rel))).replace(f"'{rel}'", repr(str(ROOT / rel)))
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {"__name__": "readme_example"})


def test_design_rows_match_layering_test() -> None:
    """The table of docs/design.md lists the parts of each row of ``tests/test_layering.py``'s ROWS."""
    spec = importlib.util.spec_from_file_location("_layering", ROOT / "tests" / "test_layering.py")
    assert spec is not None and spec.loader is not None
    layering = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(layering)
    rows: dict[int, set[str]] = {}
    for line in (ROOT / "docs" / "design.md").read_text("utf-8").splitlines():
        m = re.match(r"\|\s*(\d+)\s*\|([^|]*)\|", line)
        if m:
            rows.setdefault(int(m.group(1)), set()).update(re.findall(r"`([a-z0-9_]+)`", m.group(2)))
    assert rows == {i: set(parts) for i, parts in enumerate(layering.ROWS)}
