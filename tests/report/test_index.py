"""The front page: order, key-figure tables, Excel CSV (BOM, ';', decimal comma), caveats once."""

import io
from types import SimpleNamespace

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point, box

from jokkgeo.render.document import MapDocument, MapLayer
from jokkgeo.render.styles import simple_style
from jokkgeo.report.index import excel_csv, index_html, key_figure_tables, ordered_runs, thumbnail_svg
from jokkgeo.report.runners import AnalysisOutput


def _doc(title, caveats=(), layer_caveat=None):
    gdf = gpd.GeoDataFrame({"name": ["a"]}, geometry=[box(700000, 7300000, 710000, 7310000)], crs="EPSG:3006")
    lay = MapLayer(id="x", title="X", group="g", style=simple_style("polygon", title="X", color="#123456"),
                   data=gdf, caveat=layer_caveat)
    pts = gpd.GeoDataFrame({"name": ["p"]}, geometry=[Point(705000, 7305000)], crs="EPSG:3006")
    pl = MapLayer(id="p", title="P", group="g", style=simple_style("point", title="P", color="#000000"), data=pts)
    return MapDocument(id=title, title=title, layers=[lay, pl], caveats=list(caveats))


def _run(rid, title, *, tables=None, compare=False, caveats=(), layer_caveat=None):
    out = AnalysisOutput(tables=dict(tables or {}), parameters={"pane_titles": ["a", "b"]} if compare else {})
    recipe = SimpleNamespace(id=rid, figure=SimpleNamespace(formats=("png",)))
    return SimpleNamespace(recipe=recipe, document=_doc(title, caveats, layer_caveat), outputs=[(None, out)])


def _catchments():
    return pd.DataFrame({"site_id": ["s1", "s1", "s2", "s2"], "site_name": ["Gruvan", "Gruvan", "Verket", "Verket"],
                         "minutes": [30.0, 60.0, 30.0, 60.0], "area_m2": [1.5e6, 4e6, 2e6, 2.5e6],
                         "population": [100.0, 1250.0, 0.0, 10.0], "dwellings": [40, 500, 0, 4]})


def test_overview_first_and_comparisons_last():
    runs = [_run("cmp", "C", compare=True), _run("a", "A"), _run("overview", "O"), _run("b", "B")]
    assert [r.recipe.id for r in ordered_runs(runs)] == ["overview", "a", "b", "cmp"]


def test_band_figures_one_row_per_site_one_column_per_band_and_measure():
    tables = key_figure_tables([_run("c", "Restid", tables={"catchments_per_site": _catchments()})], "sv")
    [(title, frame)] = tables.values()
    assert title.startswith("Befolkning och bostäder inom restid per arbetsplats")
    assert list(frame.columns) == ["Arbetsplats", "Befolkning ≤ 30 min", "Befolkning ≤ 60 min",
                                   "Bostäder ≤ 30 min", "Bostäder ≤ 60 min"]
    assert frame.set_index("Arbetsplats").loc["Gruvan"].tolist() == [100.0, 1250.0, 40, 500]


def test_area_figures_when_there_is_no_population():
    table = _catchments().drop(columns=["population", "dwellings"])
    [(title, frame)] = key_figure_tables([_run("c", "R", tables={"catchments_per_site": table})], "en").values()
    assert title.startswith("Area within travel time")
    assert frame.set_index("Workplace").loc["Verket"].tolist() == [2.0, 2.5]  # km²


def test_conflicts_by_severity_and_crossings():
    conflicts = pd.DataFrame({"severity": ["major", "minor", "major"], "zoi_area_m2": [1e6, 5e5, 2e6]})
    crossings = pd.DataFrame({"route_label": ["Sirges"], "n_crossings": [5], "n_roads": [2], "n_rail": [2],
                              "n_power_lines": [1]})
    tables = key_figure_tables([_run("k", "Kallak", tables={"conflicts": conflicts, "crossing_counts": crossings})],
                               "sv")
    sev = tables["nyckeltal_konflikter"][1]
    assert sev.to_dict("records") == [
        {"Karta": "Kallak", "Allvarlighet": "stor", "Antal konflikter": 2, "Påverkad yta (km²)": 3.0},
        {"Karta": "Kallak", "Allvarlighet": "liten", "Antal konflikter": 1, "Påverkad yta (km²)": 0.5}]
    cross = tables["nyckeltal_korsningar"][1]
    assert list(cross.columns) == ["Karta", "Flyttled", "Korsningar", "varav vägar", "varav järnväg",
                                   "varav kraftledningar"]


def test_excel_csv_has_bom_semicolons_decimal_comma_and_reads_back():
    frame = pd.DataFrame({"Ort": ["Jåhkåmåhkke", "=1+1"], "Yta (km²)": [1.5, 1234.25], "Antal": [3, 4]})
    csv = excel_csv(frame, "sv")
    raw = csv.encode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = csv.lstrip("\ufeff").splitlines()
    assert lines[0] == "Ort;Yta (km²);Antal"
    assert lines[1] == "Jåhkåmåhkke;1,5;3"
    assert lines[2].startswith("'=1+1;")  # a formula is neutralised
    back = pd.read_csv(io.StringIO(csv.lstrip("\ufeff")), sep=";", decimal=",")
    assert back["Yta (km²)"].tolist() == [1.5, 1234.25]
    assert excel_csv(frame, "en").lstrip("\ufeff").splitlines()[1] == "Jåhkåmåhkke,1.5,3"


def test_excel_headers_can_be_translated_and_stay_unique():
    frame = pd.DataFrame({"site_id": ["s"], "site_name": ["S"], "population": [1.0]})
    head = excel_csv(frame, "sv", translate_headers=True).lstrip("\ufeff").splitlines()[0]
    assert head == "Arbetsplats (site_id);Arbetsplats (site_name);Befolkning"


def test_page_lists_each_caveat_once_and_links_to_it():
    shared = "Samråd med samebyarna krävs."
    runs = [_run("a", "A", caveats=[shared], layer_caveat="Schematisk."), _run("overview", "O", caveats=[shared])]
    page = index_html(runs, {"created_utc": "2026-12-03T19:00:00+00:00", "inputs": []}, "sv")
    assert page.count(shared) == 1 and page.count("Schematisk.") == 1
    assert '<meta name="viewport"' in page and "2026-12-03" in page
    assert page.index('id="map-overview"') < page.index('id="map-a"')
    assert page.count('href="#cav-1"') == 2 and 'href="#cav-2"' in page and 'id="cav-2"' in page


def test_thumbnail_is_an_svg_sketch_in_the_layer_colours():
    svg = thumbnail_svg(_doc("T"), width=100, height=80)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'stroke="#123456"' in svg and "<circle" in svg and "<path" in svg
