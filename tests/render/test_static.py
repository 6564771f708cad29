"""Print figures: size, DPI, legend entries, north arrow, reproducible bytes (no browser)."""

import io
import math

import geopandas as gpd
import numpy as np
import pytest
from PIL import Image
from pyproj import Transformer
from shapely.geometry import LineString, Point, box

from jokkgeo.render.document import MapDocument, MapLayer
from jokkgeo.render.static import figure_bytes, legend_items, static_figure
from jokkgeo.render.styles import band_style, style_from_mapping

X0, Y0 = 740_000.0, 7_370_000.0


def _doc():
    pts = gpd.GeoDataFrame({"name": ["Jåhkåmåhkke", "Gállok"], "kind": ["tatort", "by"]},
                           geometry=[Point(X0 + 5000, Y0 + 5000), Point(X0 + 15000, Y0 + 12000)], crs="EPSG:3006")
    bands = gpd.GeoDataFrame({"minutes": [30, 60]}, geometry=[box(X0, Y0, X0 + 10000, Y0 + 10000),
                                                              box(X0, Y0, X0 + 20000, Y0 + 20000)], crs="EPSG:3006")
    road = gpd.GeoDataFrame({"ref": ["E45"]}, geometry=[LineString([(X0, Y0), (X0 + 20000, Y0 + 20000)])],
                            crs="EPSG:3006")
    return MapDocument(id="f", title="Figur", language="sv", layers=[
        MapLayer(id="s", title="Orter", group="g", data=pts, illustrative=True, style=style_from_mapping(
            {"categorical": {"field": "kind", "values": {"tatort": "red", "by": {"color": "blue", "label": "By"}}},
             "label_field": "name"}, kind="point", title="Orter")),
        MapLayer(id="r", title="Vägar", group="g", data=road, style=style_from_mapping({}, kind="line",
                                                                                         title="Vägar")),
        MapLayer(id="catchment_bands", title="Restid", group="g", data=bands, style=band_style([30, 60],
                                                                                              title="Restid")),
    ])


@pytest.fixture(scope="module")
def figure():
    return static_figure(_doc(), dpi=100)


def test_png_size_and_dpi(figure):
    fig, _ = figure
    png = figure_bytes(fig, "png", dpi=300)
    img = Image.open(io.BytesIO(png))
    assert abs(img.size[0] - 160 / 25.4 * 300) <= 1  # a 160 mm report column at 300 dpi
    assert fig.get_size_inches()[0] * 25.4 == pytest.approx(160)
    assert img.info["dpi"] == pytest.approx((300, 300), abs=0.1)
    arr = np.asarray(img.convert("L"))
    assert arr.std() > 5  # not blank


def test_legend_entries_present(figure):
    fig, _ = figure
    texts = [t.get_text() for t in fig.jokkgeo_legend.get_texts()]
    assert texts[0] == "Orter\u00a0*" and texts[-1] == "* Illustrativ/schematisk"  # the mark explained once
    assert "tatort" in texts and "By" in texts and "Vägar" in texts
    assert "≤ 30 min" in texts and "≤ 60 min" in texts
    assert [label for label, _ in legend_items(_doc())] == texts


def test_title_caveat_attribution_and_ticks(figure):
    fig, ax = figure
    all_text = " ".join(t.get_text() for t in fig.texts)
    assert "Figur" in all_text and "Förbehåll" in all_text and "SWEREF 99 TM (EPSG:3006)" in all_text
    assert "Restider och zoner är ungefärliga" in all_text  # catchment layer present
    assert "SWEREF 99 TM" in ax.get_xlabel()
    lo, hi = ax.get_xlim()
    assert 700_000 < lo < hi < 800_000  # SWEREF 99 TM metres, not degrees


def test_full_page_and_options():
    from jokkgeo.config.recipes import FigureSpec

    fig, _ = static_figure(_doc(), figure=FigureSpec(page="a4_landscape", title=False, caveats="off"), dpi=50)
    assert tuple(fig.get_size_inches() * 25.4) == pytest.approx((297, 210))
    all_text = " ".join(t.get_text() for t in fig.texts)
    assert "Figur" not in all_text and "Förbehåll" not in all_text and "Källor" not in all_text
    assert "SWEREF 99 TM (EPSG:3006)" in all_text  # the reference system is always printed
    full, _ = static_figure(_doc(), figure=FigureSpec(caveats="full"), dpi=50)
    assert "Illustrativa/schematiska lager visar" in " ".join(t.get_text() for t in full.texts)


def test_north_arrow_points_to_true_north(figure):
    _, ax = figure
    # meridian convergence by hand: gamma = atan(tan(lon - 15°) * sin(lat)); true north is west of grid
    # north east of the central meridian 15° E, so the arrow turns anticlockwise (negative angle)
    cx, cy = np.mean(ax.get_xlim()), np.mean(ax.get_ylim())
    lon, lat = Transformer.from_crs(3006, 4326, always_xy=True).transform(cx, cy)
    gamma = math.degrees(math.atan(math.tan(math.radians(lon - 15)) * math.sin(math.radians(lat))))
    assert ax.jokkgeo_north_angle == pytest.approx(-gamma, abs=0.3)
    assert ax.jokkgeo_north_angle < 0


def test_vector_formats_are_reproducible():
    a = figure_bytes(static_figure(_doc(), dpi=100)[0], "svg")
    b = figure_bytes(static_figure(_doc(), dpi=100)[0], "svg")
    assert a == b and a.lstrip().startswith(b"<?xml")
    pdf = figure_bytes(static_figure(_doc(), dpi=100)[0], "pdf")
    assert pdf.startswith(b"%PDF") and pdf == figure_bytes(static_figure(_doc(), dpi=100)[0], "pdf")
