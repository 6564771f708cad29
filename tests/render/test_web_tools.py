"""Map tools and geographic context of the web maps (jokkgeo.render.web_tools, render.context, present.context)."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point, box

from jokkgeo.config.layers import parse_layer_spec
from jokkgeo.config.recipes import BasemapSpec, TileSource, parse_recipe
from jokkgeo.errors import CatalogueError
from jokkgeo.render.context import MapContext, PlaceLabel, context_layers, draw_context
from jokkgeo.render.document import MapDocument, MapLayer, RasterImage
from jokkgeo.render.styles import raster_style, style_from_mapping
from jokkgeo.render.web import ASSETS, render_html, synced_maps_html, web_map
from jokkgeo.render.web_tools import raster_grid, tile_sources

X0, Y0 = 740_000.0, 7_370_000.0
INJECTION = "<img src=x onerror=alert(1)>"


def _context_layer(lid, kind, geom, z=-10):
    style = style_from_mapping({"color": "#7fa7c4", "fill_color": "#b9d3e6", "z_order": z}, kind=kind, title=lid)
    return MapLayer(id=lid, title=f"{lid} (bakgrund)", group="Bakgrund", style=style,
                    data=gpd.GeoDataFrame(geometry=[geom], crs="EPSG:3006"), attribution="Natural Earth",
                    licence="Public domain")


def _doc(basemap=None, language="sv"):
    pts = gpd.GeoDataFrame({"name": ["Jokkmokk"]}, geometry=[Point(X0, Y0)], crs="EPSG:3006")
    pst = style_from_mapping({"tooltip": "name", "popup": {"name": "Namn"}}, kind="point", title="Orter")
    grid = np.arange(16, dtype=float).reshape(4, 4)
    layers = [
        MapLayer(id="settlements", title="Orter", group="Orter", style=pst, data=pts),
        MapLayer(id="surface", title="Påverkan", group="Analys", style=raster_style(title="Påverkan"),
                 raster=RasterImage(grid, (X0, Y0, X0 + 4000, Y0 + 4000))),
    ]
    context = MapContext(
        layers=[_context_layer("coast", "line", LineString([(X0 - 5e4, Y0), (X0, Y0 - 5e4)])),
                _context_layer("water", "polygon", box(X0 - 3e4, Y0 - 3e4, X0 - 1e4, Y0 - 1e4)),
                _context_layer("sea", "polygon", box(X0 - 9e4, Y0 - 9e4, X0 - 6e4, Y0 - 6e4), z=-11)],
        labels=[PlaceLabel.of("Jokkmokk", "Jåhkåmåhkke", X0, Y0, 0), PlaceLabel.of(INJECTION, None, X0, Y0 + 1e4, 1)],
        basemap=basemap or BasemapSpec(),
    )
    return MapDocument(id="t", title="T", layers=layers, language=language, context=context)


@pytest.fixture(scope="module")
def page():
    return render_html(web_map(_doc()))


def _calls(page, fn):
    return [json.loads(f"[{m.group(1)}]") for m in re.finditer(rf"jokkgeo\.{fn}\(map_jokkgeo,(.*?)\);\n", page)]


# --- assets and guarantees -----------------------------------------------------------------


def test_tools_are_inlined_and_nothing_loads_from_the_network(page):
    assert "<script src" not in page and "<link" not in page
    assert not re.search(r"src=[\"']?(https?:|//)", page)
    assert not re.search(r"url\([\"']?(https?:|//)", page)
    js = (ASSETS / "jokkgeo-tools.js").read_text(encoding="utf-8")
    css = (ASSETS / "jokkgeo-tools.css").read_text(encoding="utf-8")
    assert "J.tools = function" in page and js.splitlines()[5] in page
    assert css.splitlines()[1] in page
    assert "http" not in js.lower() and "http" not in css.lower()  # the tools fetch nothing


def test_same_inputs_same_bytes():
    assert render_html(web_map(_doc())) == render_html(web_map(_doc()))
    docs = [_doc(), _doc()]
    assert synced_maps_html(docs, title="A") == synced_maps_html([_doc(), _doc()], title="A")


def test_context_layers_are_drawn_first_bottom_up_without_attributes(page):
    calls = _calls(page, "context")
    assert [c[0]["title"] for c in calls] == ["sea (bakgrund)", "water (bakgrund)", "coast (bakgrund)"]
    assert all(f["properties"] == {} for c in calls for f in c[1]["features"])
    assert page.index("jokkgeo.context(") < page.index("jokkgeo.vector(") < page.index("jokkgeo.finish(")
    # not in the legend, but the source is credited
    legend = page[page.index('id="jg-legend"'):page.index('id="jg-caveats"')]
    assert "bakgrund" not in legend
    assert "Natural Earth (Public domain)" in page


def test_labels_are_escaped_and_ranked(page):
    (cfg,) = _calls(page, "labels")[0]
    texts = [item[2] for item in cfg["items"]]
    assert texts[0] == "Jokkmokk / Jåhkåmåhkke"
    assert texts[1] == "&lt;img src=x onerror=alert(1)&gt;"
    assert [item[3] for item in cfg["items"]] == [0, 1]
    assert cfg["minZoom"] == [0, 9]
    assert INJECTION not in page


def test_raster_layer_gets_its_click_values(page):
    ((key, grid),) = _calls(page, "rasterValues")
    assert key == "l1"
    assert grid["cols"] == grid["rows"] == 4 and grid["v"] == list(range(16))


def test_tools_config_and_texts(page):
    (cfg,) = _calls(page, "finish")[0]
    assert cfg["tools"] == {t: True for t in ("fullscreen", "search", "measure", "minimap", "hash", "print",
                                                 "coordinates")}
    assert cfg["text"]["measure"] == "Mät avstånd och area"
    assert cfg["defaultBase"] == "none"
    assert [t["id"] for t in cfg["tiles"]] == ["osm"]


def test_side_by_side_panes_keep_one_link_and_no_overview_map():
    page = synced_maps_html([_doc(), _doc()], title="A")
    tools = [json.loads(m.group(1))["tools"] for m in re.finditer(r"jokkgeo\.finish\(map_p\d,(.*?)\);\n", page)]
    assert [t["hash"] for t in tools] == [True, False]
    assert not any(t["minimap"] for t in tools)
    assert page.count("jokkgeo.context(map_p0,") == 3 and page.count("jokkgeo.context(map_p1,") == 3


# --- raster value grid (hand-solved) ----------------------------------------------------------


def test_raster_grid_samples_block_centres():
    values = np.arange(36, dtype=float).reshape(6, 6)
    values[0, 1] = np.nan
    grid = raster_grid(RasterImage(values, (0.0, 0.0, 600.0, 600.0)), max_cells=3)
    # step 2: the centre sample of each 2x2 block is cell (1, 1) of the block -> rows/cols 1, 3, 5
    assert (grid["cols"], grid["rows"], grid["dx"], grid["dy"]) == (3, 3, 200.0, 200.0)
    assert grid["v"] == [7, 9, 11, 19, 21, 23, 31, 33, 35]
    assert (grid["x0"], grid["y1"]) == (0.0, 600.0)
    nan_grid = raster_grid(RasterImage(values, (0.0, 0.0, 600.0, 600.0)), max_cells=6)
    assert nan_grid["v"][1] is None and nan_grid["v"][2] == 2
    rounded = raster_grid(RasterImage(np.array([[0.123456, 1234.5]]), (0.0, 0.0, 2.0, 1.0)))
    assert rounded["v"] == [0.123, 1230]  # three significant digits


# --- tile backgrounds --------------------------------------------------------------------------


def test_basemap_recipe_key_and_tile_sources():
    r = parse_recipe({"title": "T", "layers": ["roads"], "basemap": {
        "osm": False, "default": "topo",
        "tiles": [{"id": "topo", "title": "Topo", "url": "https://x.example/{z}/{x}/{y}.png",
                   "attribution": "© <Lantmäteriet>", "max_zoom": 17}]}}, "maps/m.yaml")
    assert r.basemap == BasemapSpec(osm=False, default="topo", tiles=(TileSource(
        id="topo", title="Topo", url="https://x.example/{z}/{x}/{y}.png", attribution="© <Lantmäteriet>",
        max_zoom=17),))
    tiles, default = tile_sources(_doc(basemap=r.basemap))
    assert default == "topo" and [t["id"] for t in tiles] == ["topo"]
    assert tiles[0]["attribution"] == "© &lt;Lantmäteriet&gt;"
    offline = _doc()
    offline.online_basemaps = False
    assert tile_sources(offline) == ([], "none")
    assert parse_recipe({"title": "T", "layers": ["roads"]}, "maps/m.yaml").basemap == BasemapSpec()


T0 = "basemap.tiles[0]"


@pytest.mark.parametrize(("basemap", "key"), [
    ({"tiles": [{"id": "a", "title": "A", "url": "file:///x/{z}/{x}/{y}", "attribution": "x"}]}, f"{T0}.url"),
    ({"tiles": [{"id": "a", "title": "A", "url": "https://x/{z}/{x}.png", "attribution": "x"}]}, f"{T0}.url"),
    ({"tiles": [{"id": "a", "title": "A", "url": "https://x/{z}/{x}/{y}.png"}]}, "basemap.tiles[0]"),
    ({"default": "osm", "osm": False}, "basemap.default"),
    ({"tiles": [{"id": "osm", "title": "A", "url": "https://x/{z}/{x}/{y}", "attribution": "x"}]}, "basemap.tiles"),
    ({"colour": 1}, "basemap"),
])
def test_basemap_mistakes_name_the_key(basemap, key):
    with pytest.raises(CatalogueError, match=re.escape(f"key '{key}")):
        parse_recipe({"title": "T", "layers": ["roads"], "basemap": basemap}, "maps/m.yaml")


# --- static figures ------------------------------------------------------------------------------


def test_context_layers_for_figures_bottom_first_and_drawn_under():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    doc = _doc()
    assert [lay.id for lay in context_layers(doc)] == ["sea", "water", "coast"]
    fig, ax = plt.subplots()
    ax.set_xlim(X0 - 1e5, X0 + 1e4)
    ax.set_ylim(Y0 - 1e5, Y0 + 1e4)
    ax.plot([X0], [Y0])  # the figure's own data: limits are kept
    artists = draw_context(ax, doc, labels=True)
    assert len(artists) >= 4
    assert all(a.get_zorder() < 1 for a in artists)
    assert ax.get_xlim() == (X0 - 1e5, X0 + 1e4)
    assert [a.get_text() for a in artists if hasattr(a, "get_text")] == ["Jokkmokk / Jåhkåmåhkke"]
    plt.close(fig)


# --- the context from a catalogue ---------------------------------------------------------------


def _spec(lid, theme, geometry_type, **extra):
    data = {"id": lid, "title": lid.title(), "theme": theme, "source": {"path": f"data/{lid}.gpkg"},
            "geometry_type": geometry_type, "provenance": "p", "licence": "CC0", "attribution": "a",
            "accuracy_m": 10, **extra}
    return parse_layer_spec(data, f"layers/{lid}.yaml")


def test_map_context_from_the_catalogue():
    from jokkgeo.present.context import map_context
    from jokkgeo.study.store import LayerStore

    frames = {
        "lakes": gpd.GeoDataFrame(geometry=[box(0, 0, 10, 10)], crs="EPSG:3006"),
        "secret_water": gpd.GeoDataFrame(geometry=[box(0, 0, 10, 10)], crs="EPSG:3006"),
        "towns": gpd.GeoDataFrame(
            {"name": ["Jokkmokk", "Kvikkjokk", "Arvidsjaur", "", "Jokkmokk"],
             "name_smj": ["Jåhkåmåhkke", "Huhttán", None, None, None],
             "name_sju": [None, None, "Árviesjávrrie", None, None],
             "kind": ["tatort", "by", "regional_centre", "by", "tatort"]},
            geometry=[Point(1, 1), Point(2, 2), Point(3, 3), Point(4, 4), Point(5, 5)], crs="EPSG:3006"),
    }
    catalogue = {"lakes": _spec("lakes", "context", "Polygon"),
                 "secret_water": _spec("secret_water", "context", "Polygon", sensitivity="restricted"),
                 "towns": _spec("towns", "settlements", "Point"),
                 "roads": _spec("roads", "roads", "LineString")}
    store = LayerStore(catalogue, public=True, loader=lambda spec: frames[spec.id])
    ctx = map_context(store, basemap=BasemapSpec(osm=False))
    assert [lay.id for lay in ctx.layers] == ["lakes"]  # restricted context left out of a public run
    assert [(lab.text, lab.rank) for lab in ctx.labels] == [
        ("Jokkmokk / Jåhkåmåhkke", 0), ("Kvikkjokk / Huhttán", 1), ("Arvidsjaur / Árviesjávrrie", 0)]
    assert ctx.basemap.osm is False
    assert map_context(store, exclude=["lakes"]).layers == []  # already on the map as a layer


# --- the SWEREF 99 TM formula of the coordinate readout, measuring and raster values ----------------


def test_tm_formula_matches_pyproj():
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("node is not installed (the formula is also exercised in the browser tests)")
    from pyproj import Transformer

    lats = np.array([55.4, 59.33, 63.8, 65.6, 66.6, 67.86, 69.0, 66.0])
    lons = np.array([13.0, 18.07, 20.3, 22.15, 19.8, 20.22, 20.5, 11.0])
    script = ("global.window = {};\n" + (ASSETS / "jokkgeo-tools.js").read_text(encoding="utf-8")
              + f"\nconsole.log(JSON.stringify({json.dumps(list(zip(lats.tolist(), lons.tolist(), strict=True)))}"
              ".map(p => window.jokkgeo.tm.forward(p[0], p[1]))));")
    out = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True, timeout=30)
    got = np.array(json.loads(out.stdout))
    east, north = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True).transform(lons, lats)
    assert np.abs(got[:, 0] - east).max() < 0.001
    assert np.abs(got[:, 1] - north).max() < 0.001


def test_default_study_context_layers():
    from jokkgeo.io.configs import read_catalogue

    root = Path(__file__).resolve().parents[2]
    cat = read_catalogue(root / "layers", root=root)
    ctx = {lid: cat[lid] for lid in cat if cat[lid].theme == "context"}
    assert set(ctx) == {"context_water", "context_sea", "context_coast"}
    for spec in ctx.values():
        assert "Natural Earth" in spec.provenance and spec.licence.startswith("Public domain")
        assert spec.accuracy_m >= 1000 and spec.source.path.name == "context.gpkg"
    water = gpd.read_file(root / "data" / "context.gpkg", layer="context_water")
    assert water.crs.to_epsg() == 3006 and len(water) > 10
    # the Lule River reservoirs reach Porjus (66.955 N, 19.817 E: 710 249, 7 434 503)
    assert water.intersects(Point(710_249, 7_434_503).buffer(10_000)).any()


@pytest.mark.realdata
def test_build_context_reproduces_the_committed_layers(tmp_path):
    import importlib.util

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("build_context", root / "scripts" / "build_context.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    if not mod.DEFAULT_SOURCE.exists():
        pytest.skip("../shared/data/real is not here")
    assert mod.main(["--out", str(tmp_path)]) == 0
    for name, _ in mod.LAYERS:
        built = gpd.read_file(tmp_path / "context.gpkg", layer=name)
        committed = gpd.read_file(root / "data" / "context.gpkg", layer=name)
        assert built.drop(columns="geometry").equals(committed.drop(columns="geometry"))
        assert built.geometry.geom_equals_exact(committed.geometry, tolerance=0.01).all()
