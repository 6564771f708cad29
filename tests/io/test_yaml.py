"""YAML hardening (issue 12): aliases, duplicate keys, YAML 1.1 typing, size."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from jokkgeo.errors import CatalogueError, DataSourceError
from jokkgeo.io.yamlfile import read_yaml

BILLION_LAUGHS = """# 358-byte bomb
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def _write(tmp_path, text, name="x.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_billion_laughs_fails_fast_with_one_line(tmp_path):
    assert len(BILLION_LAUGHS.encode()) == 358
    path = _write(tmp_path, BILLION_LAUGHS, "bomb.yaml")
    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(CatalogueError) as info:
        read_yaml(path)
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    text = str(info.value)
    assert text == f"{path}: line 2: YAML anchors and aliases (&name, *name) are not allowed; write the values out"
    assert elapsed < 1 and peak < 5_000_000


def test_alias_alone_is_refused_with_its_line(tmp_path):
    path = _write(tmp_path, "a: 1\nb:\n  - *x\n")
    with pytest.raises(CatalogueError, match=r"x.yaml: line 3: YAML anchors and aliases"):
        read_yaml(path)


def test_duplicate_key_names_key_and_lines(tmp_path):
    path = _write(tmp_path, "id: a\ntitle: A\nsource:\n  path: x.gpkg\n  path: y.gpkg\n")
    with pytest.raises(CatalogueError, match=r"x.yaml: key 'path' is given twice \(lines 4 and 5\)"):
        read_yaml(path)


def test_codes_and_norway_stay_strings(tmp_path):
    path = _write(tmp_path, "code: 0114\ncountry: NO\na: yes\nb: on\nc: off\nd: No\nt: 1:20\nday: 2020-01-01\n"
                            "ok: true\nbad: false\nn: 114\nx: -2.5\ne: 1e3\nnone: null\n")
    assert read_yaml(path) == {
        "code": "0114", "country": "NO", "a": "yes", "b": "on", "c": "off", "d": "No", "t": "1:20",
        "day": "2020-01-01", "ok": True, "bad": False, "n": 114, "x": -2.5, "e": 1000.0, "none": None,
    }


def test_deep_nesting_refused(tmp_path):
    path = _write(tmp_path, "a: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(CatalogueError, match="x.yaml: line 1: nested deeper than 100 levels"):
        read_yaml(path)


def test_size_limit_and_encoding(tmp_path):
    with pytest.raises(CatalogueError, match="config files may be at most 10 bytes"):
        read_yaml(_write(tmp_path, "a: 1234567890\n"), max_bytes=10)
    bad = tmp_path / "latin.yaml"
    bad.write_bytes("a: Jåkkåkaska".encode("latin-1"))
    with pytest.raises(CatalogueError, match="latin.yaml: not UTF-8"):
        read_yaml(bad)
    with pytest.raises(DataSourceError, match="does not exist"):
        read_yaml(tmp_path / "nope.yaml")


def test_python_tags_refused(tmp_path):
    with pytest.raises(CatalogueError, match="x.yaml: invalid YAML at line 1"):
        read_yaml(_write(tmp_path, "a: !!python/object/apply:os.system ['echo hi']\n"))


def test_huge_numbers_do_not_crash(tmp_path):
    data = read_yaml(_write(tmp_path, "a: " + "1" * 5000 + "\nb: 123456789012345678\nc: 1e400\n"))
    assert data["a"] == "1" * 5000 and data["b"] == 123456789012345678 and data["c"] == float("inf")
