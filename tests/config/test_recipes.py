"""Map recipe schema (pure parsing)."""

from __future__ import annotations

import pytest

from jokkgeo.config.recipes import check_unique_ids, parse_recipe
from jokkgeo.errors import CatalogueError


def test_analysis_kept_generic_with_origin():
    r = parse_recipe({"title": "t", "analyses": [{"type": "conflicts", "rules": "x.yaml"}]}, "maps/m.yaml")
    spec = r.analyses[0]
    assert (spec.type, spec.get("rules"), spec.origin) == ("conflicts", "x.yaml", "maps/m.yaml: key 'analyses[0]")
    assert str(spec.fail("rules", "no such file")) == "maps/m.yaml: key 'analyses[0].rules': no such file"


def test_known_types_checked_when_given():
    with pytest.raises(CatalogueError, match=r"key 'analyses\[0\].type': 'x' is not an analysis type; use one of: a"):
        parse_recipe({"title": "t", "analyses": [{"type": "x"}]}, "m.yaml", known_types=["a"])


def test_extent_and_figure_ranges():
    r = parse_recipe({"title": "t", "layers": ["a"], "extent": [650000, 7390000, 760000, 7420000],
                      "figure": {"size": [10, 8], "dpi": 150, "formats": "png"}}, "m.yaml")
    assert r.extent == (650000.0, 7390000.0, 760000.0, 7420000.0)
    assert (r.figure.size_in, r.figure.dpi, r.figure.formats) == ((10.0, 8.0), 150, ("png",))
    with pytest.raises(CatalogueError, match=r"key 'extent_buffer_m': must be in \[0, 1e\+06\]"):
        parse_recipe({"title": "t", "layers": ["a"], "extent_buffer_m": 1e308}, "m.yaml")


def test_unique_ids():
    a = parse_recipe({"id": "x", "title": "t", "layers": ["a"]}, "a.yaml")
    b = parse_recipe({"id": "x", "title": "t", "layers": ["a"]}, "b.yaml")
    with pytest.raises(CatalogueError, match="b.yaml: key 'id': 'x' is already used by a.yaml"):
        check_unique_ids([a, b])
