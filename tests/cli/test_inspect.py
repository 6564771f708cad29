"""``jokkgeo inspect``: good files print a summary; every bad-input class exits 2 naming file and problem."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import rasterio
import shapely
from click.testing import CliRunner
from rasterio.transform import from_origin

from jokkgeo.cli.main import cli

XS = [715000.0, 716000.0]
YS = [7395000.0, 7396000.0]


def _points(crs="EPSG:3006"):
    return gpd.GeoDataFrame({"name": ["Jokkmokk", "Jåhkåmåhkke"]}, geometry=shapely.points(XS, YS), crs=crs)


def _run(*args):
    return CliRunner().invoke(cli, ["inspect", *map(str, args)])


def test_inspect_geopackage(tmp_path):
    path = tmp_path / "pts.gpkg"
    pyogrio.write_dataframe(_points(), path)
    result = _run(path)
    assert result.exit_code == 0, result.output
    assert "features:   2 of 2 read" in result.output
    assert "geometry:   Point 2" in result.output
    assert "715000.0 7395000.0 716000.0 7396000.0" in result.output
    assert "name (str" in result.output


def test_inspect_reports_repairs(tmp_path):
    bowtie = shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])
    gdf = gpd.GeoDataFrame({"a": [1, 2]}, geometry=[shapely.affinity.translate(bowtie, 715000, 7395000), None],
                           crs="EPSG:3006")
    path = tmp_path / "poly.gpkg"
    pyogrio.write_dataframe(gdf, path)
    result = _run(path)
    assert result.exit_code == 0, result.output
    assert "repairs:    1 null dropped, 1 repaired" in result.output


def test_inspect_csv_with_crs_option(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("namn;X;Y\nJokkmokk;715000,5;7395000\n", encoding="utf-8")
    assert _run(path).exit_code == 2
    result = _run(path, "--crs", "EPSG:3006")
    assert result.exit_code == 0, result.output
    assert "715000.5" in result.output


def test_inspect_raster(tmp_path):
    path = tmp_path / "r.tif"
    with rasterio.open(path, "w", driver="GTiff", width=4, height=3, count=1, dtype="uint8", crs="EPSG:3006",
                       transform=from_origin(700000, 7400000, 25, 25), nodata=255) as dst:
        dst.write(np.zeros((3, 4), "uint8"), 1)
    result = _run(path)
    assert result.exit_code == 0, result.output
    assert "4 x 3 cells, 1 band(s), uint8" in result.output and "nodata:     255" in result.output


def _broken_gpkg(p):
    p.write_bytes(b"SQLite format 3\x00" + b"\x01" * 300)


def _junk_geojson(p):
    p.write_text("{ not json", encoding="utf-8")


def _zero_bytes(p):
    p.write_bytes(b"")


def _empty_layer(p):
    pyogrio.write_dataframe(_points().iloc[:0], p, geometry_type="Point")


def _metres_as_wgs84(p):
    pyogrio.write_dataframe(_points().set_crs(4326, allow_override=True), p)


def _degrees_as_sweref(p):
    pyogrio.write_dataframe(_points().to_crs(4326).set_crs(3006, allow_override=True), p)


def _no_crs_csv(p):
    p.write_text("name,x,y\na,715000,7395000\n", encoding="utf-8")


def _table_without_coordinates(p):
    p.write_text("kommun,invånare\nJokkmokk,5000\n", encoding="utf-8")


def _text_as_shapefile(p):
    p.write_text("this is not a shapefile", encoding="utf-8")


def _png_as_geojson(p):
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)


def _fake_tif(p):
    p.write_text("not a tiff", encoding="utf-8")


def _bad_zip(p):
    p.write_bytes(b"PK\x03\x04 broken")


def _two_layers(p):
    pyogrio.write_dataframe(_points(), p, layer="a")
    pyogrio.write_dataframe(_points(), p, layer="b")


def _all_null(p):
    pyogrio.write_dataframe(gpd.GeoDataFrame({"a": [1]}, geometry=[None], crs=3006), p, geometry_type="Point")


@pytest.mark.parametrize(
    "name, make, problem",
    [
        ("broken.gpkg", _broken_gpkg, "cannot be opened as GPKG"),
        ("junk.geojson", _junk_geojson, "cannot be opened as GeoJSON"),
        ("zero.gpkg", _zero_bytes, r"is empty \(0 bytes\)"),
        ("empty.gpkg", _empty_layer, "has no features"),
        ("allnull.gpkg", _all_null, "none of its 1 features has a usable geometry"),
        ("wgs.gpkg", _metres_as_wgs84, "look like SWEREF 99 TM metres labelled as EPSG:4326"),
        ("deg.gpkg", _degrees_as_sweref, "look like degrees"),
        ("nocrs.csv", _no_crs_csv, "has no CRS"),
        ("table.csv", _table_without_coordinates, "no geometry columns"),
        ("text.shp", _text_as_shapefile, "cannot be opened as ESRI Shapefile"),
        ("image.geojson", _png_as_geojson, "cannot be opened as GeoJSON"),
        ("notes.md", lambda p: p.write_text("# hej", encoding="utf-8"), "format '.md' is not supported"),
        ("fake.tif", _fake_tif, "cannot be read as a GeoTIFF"),
        ("bad.zip", _bad_zip, "not a valid zip archive"),
        ("two.gpkg", _two_layers, r"holds 2 layers \(a, b\); name one"),
        ("missing.gpkg", None, "does not exist"),
    ],
)
def test_bad_inputs_exit_2_with_a_message_naming_file_and_problem(tmp_path, name, make, problem):
    path = tmp_path / name
    if make is not None:
        make(path)
    result = _run(path)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert name in result.stderr
    assert __import__("re").search(problem, result.stderr), result.stderr


def test_wrong_declared_geometry_type_exits_2(tmp_path):
    path = tmp_path / "pts.gpkg"
    pyogrio.write_dataframe(_points(), path)
    result = _run(path, "--geometry-type", "Polygon")
    assert result.exit_code == 2
    assert "declared geometry_type Polygon but found 2 Point" in result.stderr


def test_directory_exits_2(tmp_path):
    folder = tmp_path / "dir.gpkg"
    folder.mkdir()
    result = _run(folder)
    assert result.exit_code == 2 and "is not a file" in result.stderr


def test_internal_error_exits_1_without_traceback(tmp_path, monkeypatch, capsys):
    from jokkgeo.cli.main import main
    from jokkgeo.io import inspection

    def bug(*args, **kwargs):
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(inspection, "inspect_file", bug)
    with pytest.raises(SystemExit) as info:
        main(["inspect", str(tmp_path / "x.gpkg")])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert "Internal error: ZeroDivisionError" in err and "Traceback" not in err
