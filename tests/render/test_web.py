"""Web maps rendered to strings: structure, offline assets, escaping, determinism (no browser)."""

import json
import re

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point, box

from jokkgeo.errors import CRSError
from jokkgeo.render.document import MapDocument, MapLayer, RasterImage
from jokkgeo.render.styles import raster_style, style_from_mapping
from jokkgeo.render.web import display_geometries, feature_collection, render_html, script_json, web_map

INJECTIONS = ("{{ 7*7 }}", "<img src=x onerror=alert(1)>", "<script>window.__pwned=1</script>")
X0, Y0 = 740_000.0, 7_370_000.0


def _doc(title="Testkarta {{ 7*7 }}"):
    pts = gpd.GeoDataFrame(
        {"name": ["Jåhkåmåhkke", *INJECTIONS], "kind": ["tatort", "by", "by", "tatort"]},
        geometry=[Point(X0 + i * 5000, Y0 + i * 4000) for i in range(4)], crs="EPSG:3006",
    )
    lines = gpd.GeoDataFrame({"ref": ["E45"]}, geometry=[LineString([(X0, Y0), (X0 + 30000, Y0 + 20000)])],
                             crs="EPSG:3006")
    pst = style_from_mapping(
        {"categorical": {"field": "kind", "values": {"tatort": "#d62728", "by": {"color": "#ff7f0e", "label": "By"}}},
         "popup": {"name": "Namn", "kind": "<b>Typ</b>"}, "tooltip": "name"},
        kind="point", title="Orter", theme="settlements",
    )
    lst = style_from_mapping({"color": "#8c564b", "weight": 3}, kind="line", title="Vägar")
    grid = np.linspace(0, 1, 100).reshape(10, 10)
    return MapDocument(
        id="toy", title=title, language="sv",
        layers=[
            MapLayer(id="settlements", title="Orter", group="Orter", style=pst, data=pts, illustrative=True,
                     caveat="Schematisk {{ 7*7 }}", attribution="© SCB", licence="CC0"),
            MapLayer(id="roads", title="Vägar <i>", group="Vägar", style=lst, data=lines, restricted=True,
                     show=False),
            MapLayer(id="surface", title="Påverkan", group="Analys", style=raster_style(title="Påverkan"),
                     raster=RasterImage(grid, (X0, Y0, X0 + 30000, Y0 + 30000))),
        ],
    )


@pytest.fixture(scope="module")
def page():
    return render_html(web_map(_doc()))


def _calls(page, fn):
    """The JSON arguments of every jokkgeo.<fn>(map, cfg[, data]) call in the page."""
    out = []
    for m in re.finditer(rf"jokkgeo\.{fn}\(map_jokkgeo,(.*?)\);\n", page):
        out.append(json.loads(f"[{m.group(1)}]"))
    return out


def test_no_external_resources(page):
    assert "<script src" not in page and "<link" not in page
    # nothing that loads: no src=/url() pointing at the network (links such as leafletjs.com in Leaflet's
    # attribution prefix are not loaded)
    assert not re.search(r"src=[\"']?(https?:|//)", page)
    assert not re.search(r"url\([\"']?(https?:|//)", page)
    assert "L.map(" in page and "Leaflet 1.9.4" in page  # inlined Leaflet
    assert "jquery" not in page.lower() and "bootstrap" not in page.lower()
    # the only online URL is the optional tile layer, off by default (a radio in the control)
    assert "tile.openstreetmap.org" in page


def test_layers_and_groups(page):
    vectors = _calls(page, "vector")
    images = _calls(page, "image")
    by_id = {cfg["layerId"]: cfg for cfg, *_ in vectors + images}
    assert set(by_id) == {"settlements", "roads", "surface"}
    assert by_id["settlements"]["group"] == "Orter" and by_id["settlements"]["show"] is True
    assert by_id["roads"]["show"] is False
    assert images[0][0]["url"].startswith("data:image/png;base64,")
    # drawing order: raster first, then line, then points
    order = sorted(by_id, key=lambda lid: page.index(f'"layerId":"{lid}"'))
    assert order == ["surface", "roads", "settlements"]
    feats = next(data for cfg, data in vectors if cfg["layerId"] == "settlements")["features"]
    assert len(feats) == 4
    assert [f["properties"]["c"] for f in feats] == ["#d62728", "#ff7f0e", "#ff7f0e", "#d62728"]


def test_legend_entries_and_flags(page):
    legend = page[page.index('id="jg-legend"'):page.index('id="jg-caveats"')]
    for label in ("Orter", "tatort", "By", "Vägar &lt;i&gt;", "Påverkan", "≥ 0,8", "Illustrativ/schematisk",
                  "Känsliga uppgifter"):
        assert label in legend
    caveats = page[page.index('id="jg-caveats"'):]
    assert "Schematisk {{ 7*7 }}" in caveats and "© SCB (CC0)" in caveats


def test_popup_values_and_field_names_are_escaped(page):
    cfg, data = next((c, d) for c, d in _calls(page, "vector") if c["layerId"] == "settlements")
    assert cfg["fields"] == ["Namn", "&lt;b&gt;Typ&lt;/b&gt;"]
    values = [f["properties"]["p"][0] for f in data["features"]]
    assert values == ["Jåhkåmåhkke", "{{ 7*7 }}", "&lt;img src=x onerror=alert(1)&gt;",
                      "&lt;script&gt;window.__pwned=1&lt;/script&gt;"]
    tips = [f["properties"]["t"] for f in data["features"]]
    assert tips == values
    # nothing of the data appears unescaped, and no template was evaluated
    assert "<script>window.__pwned" not in page and "<img src=x" not in page
    assert "Testkarta 49" not in page and "Schematisk 49" not in page
    assert "<title>Testkarta {{ 7*7 }}</title>" in page


def test_deterministic_output():
    assert render_html(web_map(_doc())) == render_html(web_map(_doc()))


def test_script_json_cannot_close_the_script():
    text = script_json({"a": "</script><b>&'\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "'" not in text
    assert json.loads(text) == {"a": "</script><b>&'\u2028"}


def test_display_geometry_is_simplified_and_rounded():
    # a wiggly line: 2001 vertices 1 m apart with 2 m zig-zags simplifies to a few vertices at 25 m
    xs = X0 + np.arange(2001.0)
    ys = Y0 + np.where(np.arange(2001) % 2 == 0, 0.0, 2.0)
    gdf = gpd.GeoDataFrame(geometry=[LineString(np.c_[xs, ys])], crs="EPSG:3006")
    out = display_geometries(gdf, simplify_m=25)
    coords = np.asarray(out.iloc[0].coords)
    assert len(coords) < 10
    assert np.allclose(coords, np.round(coords, 5))
    layer = MapLayer(id="l", title="l", group="g", style=style_from_mapping({}, kind="line", title="l"), data=gdf)
    fc, _ = feature_collection(layer, simplify_m=25)
    text = json.dumps(fc)
    assert not re.search(r"\d\.\d{6,}", text)  # at most 5 decimals in the page


def test_map_layers_must_be_sweref():
    gdf = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs="EPSG:4326")
    with pytest.raises(CRSError, match="EPSG:3006"):
        MapLayer(id="x", title="x", group="g", style=style_from_mapping({}, kind="polygon", title="x"), data=gdf)


def test_english_text():
    doc = _doc(title="Test")
    doc.language = "en"
    page = render_html(web_map(doc))
    assert "Illustrative/schematic" in page and "Sensitive data" in page and "Caveats" in page
