"""Population layers through the store: SCB-shaped grid tables and polygons, DeSO spreading, clear errors.

Every file is written in ``tmp_path`` from code; the expected cells and counts are worked out by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely

from jokkgeo.config.layers import Catalogue, parse_layer_spec
from jokkgeo.errors import CatalogueError, DataLayerError
from jokkgeo.io.population import read_population
from jokkgeo.study.store import LayerStore

CRS = "EPSG:3006"
META = {"provenance": "test", "licence": "CC0 1.0", "attribution": "test", "accuracy_m": 100}


def spec(tmp: Path, lid: str, path: Path, gtype: str = "Polygon", theme: str = "population", **more: Any) -> Any:
    data = {"id": lid, "title": lid, "theme": theme, "geometry_type": gtype, "source": str(path), **META, **more}
    return parse_layer_spec(data, tmp / "layers" / f"{lid}.yaml")


def store_of(*specs: Any) -> LayerStore:
    return LayerStore(Catalogue({s.id: s for s in specs}))


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_scb_grid_table_with_ids_and_five_year_classes(tmp_path):
    # SCB-style export: semicolon, Windows-1252, ids in 'Ruta', counts with the age classes beside them
    csv = write_csv(tmp_path / "rutor.csv",
                    "Ruta;Befolkning;ald20_25;ald25_30;ald65_70;Län\n"
                    "7320007390000;12;3;4;2;Norrbotten\n"
                    "7330007390000;3;1;0;1;Norrbotten\n"
                    "7320007391000;250;40;35;30;Norrbotten\n", encoding="cp1252")
    s = spec(tmp_path, "rutor", csv, population={
        "count": "Befolkning", "working_age": ["ald20_25", "ald25_30"], "age_groups": {"age_65_plus": "ald65_70"},
        "grid": {"id": "Ruta", "cell_m": 1000}})
    store = store_of(s)
    cells = store.layer("rutor")
    assert cells.crs.to_epsg() == 3006
    assert [g.bounds for g in cells.geometry] == [(732000, 7390000, 733000, 7391000),
                                                  (733000, 7390000, 734000, 7391000),
                                                  (732000, 7391000, 733000, 7392000)]
    assert cells.geometry.area.tolist() == [1e6] * 3
    assert cells["population"].tolist() == [12, 3, 250]
    assert cells["working_age"].tolist() == [7, 1, 75] and cells["age_65_plus"].tolist() == [2, 1, 30]
    assert cells["Län"].iloc[0] == "Norrbotten"  # cp1252 decoded
    notes = store.load_notes["rutor"]
    assert any("3 cell(s) built from SCB grid ids in 'Ruta'" in n for n in notes)
    assert any("'working_age' = ald20_25 + ald25_30" in n for n in notes)


def test_250m_corner_coordinates_and_centres(tmp_path):
    csv = write_csv(tmp_path / "r250.csv", "x,y,pop\n732000,7390000,5\n732250,7390000,7\n")
    s = spec(tmp_path, "r250", csv, population={"count": "pop", "grid": {"x": "x", "y": "y", "cell_m": 250}})
    cells = store_of(s).layer("r250")
    assert [g.bounds for g in cells.geometry] == [(732000, 7390000, 732250, 7390250),
                                                  (732250, 7390000, 732500, 7390250)]
    assert cells.geometry.area.tolist() == [62_500.0] * 2 and cells["population"].tolist() == [5, 7]
    csv2 = write_csv(tmp_path / "c250.csv", "E;N;pop\n732125;7390125;5\n")
    s2 = spec(tmp_path, "c250", csv2, population={"count": "pop",
                                                  "grid": {"x": "E", "y": "N", "cell_m": 250, "corner": "centre"}})
    assert store_of(s2).layer("c250").geometry.iloc[0].bounds == (732000, 7390000, 732250, 7390250)


def test_scb_grid_polygons_need_only_the_count(tmp_path):
    gpkg = tmp_path / "scb.gpkg"
    gpd.GeoDataFrame({"rutid_scb": ["7320007390000"], "beftotalt": [7]},
                     geometry=[shapely.box(732000, 7390000, 733000, 7391000)], crs=CRS).to_file(gpkg, layer="rutor")
    s = spec(tmp_path, "scb", gpkg, population={"count": "beftotalt"})
    out = store_of(s).layer("scb")
    assert out["population"].tolist() == [7] and out.geometry.iloc[0].area == 1e6


def test_deso_polygons_spread_onto_roads_and_villages(tmp_path):
    gpkg = tmp_path / "d.gpkg"
    x0, y0 = 700_000, 7_400_000
    gpd.GeoDataFrame({"desokod": ["2510A0010", "2510B0020"], "folk": [900, 100]},
                     geometry=[shapely.box(x0, y0, x0 + 10_000, y0 + 10_000),
                               shapely.box(x0 + 10_000, y0, x0 + 20_000, y0 + 10_000)],
                     crs=CRS).to_file(gpkg, layer="deso")
    gpd.GeoDataFrame({"ref": ["97"]}, geometry=[shapely.LineString([(x0, y0 + 5000), (x0 + 15_000, y0 + 5000)])],
                     crs=CRS).to_file(gpkg, layer="roads")
    gpd.GeoDataFrame({"name": ["v1", "v2", "v3"], "dwellings": [10, 30, 5]},
                     geometry=[shapely.Point(x0 + 1000, y0 + 1000), shapely.Point(x0 + 2000, y0 + 1000),
                               shapely.Point(x0 + 15_000, y0 + 1000)], crs=CRS).to_file(gpkg, layer="villages")
    roads = spec(tmp_path, "roads", gpkg, "LineString", "roads", source={"path": str(gpkg), "layer": "roads"})
    villages = spec(tmp_path, "villages", gpkg, "Point", "settlements",
                    source={"path": str(gpkg), "layer": "villages"})
    on_roads = spec(tmp_path, "deso_roads", gpkg, source={"path": str(gpkg), "layer": "deso"},
                    population={"count": "folk", "spread": {"onto": "roads", "method": "road_length", "step_m": 2500}})
    on_villages = spec(tmp_path, "deso_villages", gpkg, source={"path": str(gpkg), "layer": "deso"},
                       population={"count": "folk", "spread": {"onto": "villages", "method": "weight",
                                                               "weight": "dwellings"}})
    store = store_of(roads, villages, on_roads, on_villages)
    r = store.layer("deso_roads")
    # 10 km of road in the first DeSO (4 points of 225), 5 km in the second (2 points of 50)
    assert sorted(r["population"].round(9).tolist()) == [50, 50, 225, 225, 225, 225]
    assert r.geom_type.unique().tolist() == ["Point"] and r["modelled"].all()
    v = store.layer("deso_villages")
    assert v["name"].tolist() == ["v1", "v2", "v3"] and v["population"].tolist() == pytest.approx([225, 675, 100])
    assert any("in proportion to road length" in n for n in store.load_notes["deso_roads"])
    assert any("shares by dwellings" in n for n in store.load_notes["deso_villages"])
    assert r.attrs["population_notes"]  # travels with the layer into the analyses


def test_unknown_spread_target_is_named(tmp_path):
    gpkg = tmp_path / "d.gpkg"
    gpd.GeoDataFrame({"population": [9]}, geometry=[shapely.box(700_000, 7_400_000, 701_000, 7_401_000)],
                     crs=CRS).to_file(gpkg, layer="deso")
    s = spec(tmp_path, "deso", gpkg, population={"spread": {"onto": "vagar", "method": "road_length"}})
    with pytest.raises(CatalogueError) as err:
        store_of(s).layer("deso")
    msg = str(err.value)
    assert "deso.yaml: key 'population.spread.onto'" in msg and "'vagar'" in msg and "one of: deso" in msg


def test_bad_grid_id_and_missing_count_column_name_file_layer_and_key(tmp_path):
    csv = write_csv(tmp_path / "rutor.csv", "Ruta,Befolkning\n7320007390000,12\n732000739000,3\n")
    s = spec(tmp_path, "rutor", csv, population={"count": "Befolkning", "grid": {"id": "Ruta", "cell_m": 1000}})
    with pytest.raises(DataLayerError) as err:
        store_of(s).layer("rutor")
    msg = str(err.value)
    assert "rutor.yaml (layer 'rutor'): key 'population.grid.id'" in msg and "row 2 ('732000739000')" in msg
    good = write_csv(tmp_path / "rutor.csv", "Ruta,Befolkning\n7320007390000,12\n")
    s2 = spec(tmp_path, "rutor", good, population={"count": "Antal", "grid": {"id": "Ruta", "cell_m": 1000}})
    with pytest.raises(DataLayerError) as err:
        store_of(s2).layer("rutor")
    msg = str(err.value)
    assert "rutor.yaml (layer 'rutor'): key 'population.count': column(s) Antal not found in rutor.csv" in msg
    assert "available: Ruta, Befolkning" in msg
    s3 = spec(tmp_path, "rutor", good, population={"grid": {"id": "RutID", "cell_m": 1000}})
    with pytest.raises(DataLayerError, match=r"key 'population.grid.id': column\(s\) RutID not in rutor.csv"):
        read_population(s3)


def test_population_points_with_standard_names_pass_unchanged(tmp_path):
    gpkg = tmp_path / "p.gpkg"
    gpd.GeoDataFrame({"name": ["Jokkmokk", "road 1"], "population": [2766.0, 12.4], "working_age": [1500.0, 7.0],
                      "kind": ["tatort", "modelled_road"], "modelled": [False, True]},
                     geometry=[shapely.Point(720_000, 7_420_000), shapely.Point(730_000, 7_420_000)],
                     crs=CRS).to_file(gpkg, layer="population")
    store = store_of(spec(tmp_path, "population", gpkg, "Point"))
    out = store.layer("population")
    assert out["population"].tolist() == [2766.0, 12.4] and out["kind"].tolist() == ["tatort", "modelled_road"]
    assert "population" not in store.load_notes


@pytest.mark.parametrize("block, words", [
    ({"grid": {"cell_m": 1000}}, ["population.grid", "needs 'id'"]),
    ({"grid": {"id": "Ruta", "x": "x", "y": "y"}}, ["either 'id' or 'x'/'y'"]),
    ({"grid": {"x": "x", "y": "y"}}, ["population.grid.cell_m", "missing"]),
    ({"grid": {"id": "Ruta", "corner": "middle"}}, ["population.grid.corner", "lower_left, centre"]),
    ({"spread": {"onto": "roads", "method": "area"}}, ["population.spread.method", "road_length"]),
    ({"spread": {"onto": "v", "method": "weight"}}, ["population.spread.weight", "required"]),
    ({"spread": {"method": "equal"}}, ["population.spread.onto", "missing"]),
    ({"age_groups": {"age_0_4": "ald0_5"}}, ["population.age_groups.age_0_4", "age_1_5"]),
    ({"disclosure_threshold": 0}, ["population.disclosure_threshold"]),
    ({"counts": "x"}, ["population.counts", "unknown key"]),
])
def test_population_block_errors_name_file_and_key(tmp_path, block, words):
    with pytest.raises(CatalogueError) as err:
        spec(tmp_path, "p", tmp_path / "p.csv", population=block)
    msg = str(err.value)
    assert msg.startswith(str(tmp_path / "layers" / "p.yaml"))
    for w in words:
        assert w in msg


def test_population_block_only_on_population_theme(tmp_path):
    with pytest.raises(CatalogueError, match="only population-theme layers"):
        spec(tmp_path, "s", tmp_path / "s.gpkg", "Point", "settlements", population={"count": "folk"})
    with pytest.raises(CatalogueError, match="grid cells are polygons"):
        spec(tmp_path, "g", tmp_path / "g.csv", "Point", population={"grid": {"id": "Ruta", "cell_m": 1000}})
