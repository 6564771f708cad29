"""Layer styles: parsing, per-feature colours, legend entries."""

import numpy as np
import pandas as pd
import pytest

from jokkgeo.errors import CatalogueError
from jokkgeo.render.styles import (
    OTHER_COLOR,
    band_style,
    graduated_labels,
    severity_style,
    style_from_mapping,
)


def test_categorical_colours_and_legend():
    st = style_from_mapping(
        {"categorical": {"field": "kind", "values": {"tatort": "red", "by": {"color": "#00ff00", "label": "By",
                                                                             "label_en": "Village"}}}},
        kind="point", title="Orter", language="en",
    )
    frame = pd.DataFrame({"kind": ["by", "tatort", "gård", None]})
    assert list(st.feature_colors(frame)) == ["#00ff00", "#ff0000", OTHER_COLOR, OTHER_COLOR]
    labels = [e.label for e in st.legend_entries()]
    assert labels == ["tatort", "Village"]
    assert [e.fill_color for e in st.legend_entries()] == ["#ff0000", "#00ff00"]


def test_graduated_classes_are_right_open():
    st = style_from_mapping(
        {"graduated": {"field": "population", "bins": [500, 1000], "colors": ["#000001", "#000002", "#000003"]}},
        kind="point", title="Befolkning",
    )
    frame = pd.DataFrame({"population": [10, 500, 999.9, 1000, 5000, np.nan]})
    assert list(st.feature_colors(frame)) == ["#000001", "#000002", "#000002", "#000003", "#000003", OTHER_COLOR]
    assert [e.label for e in st.legend_entries()] == ["< 500", "500–1\u202f000", "≥ 1\u202f000"]


def test_single_symbol_uses_title_and_fill():
    st = style_from_mapping({"color": "#123456", "legend": "Vägar (OSM)"}, kind="line", title="Vägar")
    (entry,) = st.legend_entries()
    assert entry.label == "Vägar (OSM)" and entry.color == "#123456" and entry.kind == "line"
    assert list(st.feature_colors(pd.DataFrame({"a": [1, 2]}))) == ["#123456", "#123456"]


@pytest.mark.parametrize(
    "style, key",
    [
        ({"color": "not-a-colour"}, "style.color"),
        ({"fill_opacity": 2}, "style.fill_opacity"),
        ({"graduated": {"field": "x", "bins": [2, 1]}}, "style.graduated.bins"),
        ({"graduated": {"field": "x", "bins": [1, 2], "colors": ["red"]}}, "style.graduated.colors"),
        ({"categorical": {"field": "k", "values": {"a": "nope"}}}, "style.categorical.values.a"),
        ({"marker": "hexagon"}, "style.marker"),
        ({"cmap": "no_such_map"}, "style.cmap"),
    ],
)
def test_bad_styles_name_the_key(style, key):
    with pytest.raises(CatalogueError, match="layers/x.yaml: key '" + key.replace(".", r"\.")):
        style_from_mapping(style, kind="polygon", title="t", origin="layers/x.yaml: style")


def test_band_style_orders_minutes_and_labels_them():
    st = band_style([60, 30, 90, 45], title="Restid")
    labels = [e.label for e in st.legend_entries()]
    assert labels == ["≤ 30 min", "≤ 45 min", "≤ 60 min", "≤ 90 min"]
    colours = st.feature_colors(pd.DataFrame({"minutes": [30, 45, 60, 90]}))
    assert len(set(colours)) == 4  # every band its own colour
    assert list(colours) == [e.fill_color for e in st.legend_entries()]


def test_severity_style_swedish_labels():
    st = severity_style(title="Konflikter")
    assert [e.label for e in st.legend_entries()] == ["Stor konflikt", "Måttlig konflikt", "Liten konflikt"]
    colours = st.feature_colors(pd.DataFrame({"severity": ["minor", "major"]}))
    assert colours[0] != colours[1]


def test_legend_numbers_use_the_one_formatter():
    # legends format through jokkgeo.i18n.format_number: thin grouping, decimal comma in Swedish
    assert graduated_labels([12500]) == ("< 12\u202f500", "≥ 12\u202f500")
    assert graduated_labels([0.25]) == ("< 0,25", "≥ 0,25")
    assert graduated_labels([0.25], language="en") == ("< 0.25", "≥ 0.25")
    assert graduated_labels([1, 2], unit="km") == ("< 1 km", "1–2 km", "≥ 2 km")
