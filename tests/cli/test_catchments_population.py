"""``jokkgeo catchments`` rates population-theme layers by default: people and working age per band.

The population layer is an SCB-style grid table (``Ruta`` ids, 1 km cells) made in code; the road is
20 km long, so every cell is within 60 minutes of the site (a hand-checkable upper bound).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
import yaml
from click.testing import CliRunner
from shapely.geometry import LineString, Point

from jokkgeo.cli.main import cli

CRS = "EPSG:3006"
X0, Y0 = 700_000, 7_400_000
META = {"provenance": "test", "licence": "CC0", "attribution": "test", "accuracy_m": 10}


def _write(project: Path) -> None:
    (project / "data").mkdir()
    (project / "layers").mkdir()
    gpkg = project / "data" / "study.gpkg"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"highway": ["primary"], "maxspeed": ["60"], "oneway": ["no"]},
                                             geometry=[LineString([(X0, Y0), (X0 + 20_000, Y0)])], crs=CRS),
                            gpkg, layer="roads")
    pyogrio.write_dataframe(gpd.GeoDataFrame({"site_id": ["mine"], "name": ["Gruvan"]},
                                             geometry=[Point(X0, Y0)], crs=CRS), gpkg, layer="investment_sites")
    # cells just north of the road (lower-left corners on the road's line): 12 + 250 people
    (project / "data" / "rutor.csv").write_text(
        "Ruta;Totalt;Arbetsfor\n7050007400000;12;7\n7150007400000;250;160\n", encoding="utf-8")
    specs = [
        {"id": "roads", "title": "Vägar", "theme": "roads", "geometry_type": "LineString",
         "source": {"path": "data/study.gpkg", "layer": "roads"}, **META},
        {"id": "investment_sites", "title": "Platser", "theme": "investment_sites", "geometry_type": "Point",
         "source": {"path": "data/study.gpkg", "layer": "investment_sites"}, **META},
        {"id": "rutor", "title": "Befolkning per km-ruta", "theme": "population", "geometry_type": "Polygon",
         "source": "data/rutor.csv", **META,
         "population": {"count": "Totalt", "working_age": "Arbetsfor", "grid": {"id": "Ruta", "cell_m": 1000}}},
    ]
    for spec in specs:
        (project / "layers" / f"{spec['id']}.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True),
                                                                encoding="utf-8")


def test_population_layer_rated_by_default(tmp_path):
    _write(tmp_path)
    out = tmp_path / "out.gpkg"
    res = CliRunner().invoke(cli, ["catchments", "--catalog", str(tmp_path / "layers"), "--minutes", "60",
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "places_rutor" in dict(pyogrio.list_layers(out))
    totals = gpd.read_file(out, layer="band_totals")
    row = totals[(totals["layer"] == "rutor") & (totals["scope"] == "site")].iloc[0]
    assert row["population"] == 262 and row["working_age"] == 167 and row["n_places"] == 2
    assert "befolkning 262" in res.output and "varav 20–64 år 167" in res.output
    cells = gpd.read_file(out, layer="places_rutor")
    assert sorted(cells.geometry.area.round().tolist()) == [1e6, 1e6]


def test_layers_check_reads_grid_tables(tmp_path):
    _write(tmp_path)
    res = CliRunner().invoke(cli, ["layers", "check", "--catalog", str(tmp_path / "layers"), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "3 layer(s) checked, 0 with errors" in res.output
    spec = yaml.safe_load((tmp_path / "layers" / "rutor.yaml").read_text(encoding="utf-8"))
    spec["population"]["count"] = "Antal"
    (tmp_path / "layers" / "rutor.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    res = CliRunner().invoke(cli, ["layers", "check", "--catalog", str(tmp_path / "layers"), "--lang", "en"])
    assert "key 'population.count': column(s) Antal not found in rutor.csv" in res.output
