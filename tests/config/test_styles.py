"""Style schema (validation only; resolving colours is render's job)."""

from __future__ import annotations

import pytest

from jokkgeo.config.styles import check_style
from jokkgeo.errors import CatalogueError


def test_colour_rules_report_their_field():
    spec = check_style({"graduated": {"field": "pop", "bins": [1, 2], "cmap": "Reds"}}, "x.yaml")
    assert spec.graduated.field == "pop" and spec.categorical is None


@pytest.mark.parametrize(
    ("style", "key"),
    [
        ({"colour": "red"}, "style.colour"),
        ({"fill_opacity": 2}, "style.fill_opacity"),
        ({"graduated": {"field": "x", "bins": [2, 1]}}, "style.graduated.bins"),
        ({"graduated": {"field": "x", "bins": [1, 2], "colors": ["red"]}}, "style.graduated.colors"),
        ({"categorical": {"field": "k", "values": {"a": "nope"}}}, "style.categorical.values.a"),
        ({"marker": "hexagon"}, "style.marker"),
        ({"cmap": "no_such_map"}, "style.cmap"),
        ({"categorical": {"field": "k", "values": {"a": "red"}}, "graduated": {"field": "x", "bins": [1]}}, "style"),
    ],
)
def test_bad_styles_name_the_key(style, key):
    with pytest.raises(CatalogueError, match="^layers/x.yaml: key '" + key.replace(".", r"\.") + "'"):
        check_style(style, "layers/x.yaml")


def test_marker_names_are_the_renderers_markers():
    from jokkgeo.config.styles import MARKER_NAMES
    from jokkgeo.render.styles import MARKERS

    assert tuple(MARKERS) == MARKER_NAMES
