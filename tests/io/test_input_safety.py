"""Inputs that are not what they claim, malformed geometries, damaged Shapefiles, odd names."""

from __future__ import annotations

import json
import shutil
import struct
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from jokkgeo.errors import DataSourceError, GeometryError
from jokkgeo.io.vector import read_vector

SECRET = "TOPSECRET-9f3a"


def _vrt(tmp_path: Path) -> str:
    secret = tmp_path / "secret.csv"
    secret.write_text(f"x,y,secret\n715000,7395000,{SECRET}\n", encoding="utf-8")
    return (
        '<OGRVRTDataSource><OGRVRTLayer name="x">'
        f"<SrcDataSource>{secret}</SrcDataSource><SrcLayer>secret</SrcLayer>"
        "<GeometryType>wkbPoint</GeometryType><LayerSRS>EPSG:3006</LayerSRS>"
        '<GeometryField encoding="PointFromColumns" x="x" y="y"/></OGRVRTLayer></OGRVRTDataSource>'
    )


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".shp", ".fgb", ".json"])
def test_vrt_disguised_as_vector_is_refused(tmp_path, suffix):
    path = tmp_path / f"roads{suffix}"
    path.write_text(_vrt(tmp_path), encoding="utf-8")
    if suffix == ".shp":  # a Shapefile's parts, so only the content is wrong
        for ext in (".dbf", ".shx"):
            path.with_suffix(ext).write_bytes(b"")
    with pytest.raises(DataSourceError, match="VRT") as info:
        read_vector(path, crs="EPSG:3006")
    assert SECRET not in str(info.value)


def test_vrt_inside_zip_is_refused(tmp_path):
    vrt = tmp_path / "roads.geojson"
    vrt.write_text(_vrt(tmp_path), encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "roads.zip", "w") as zf:
        zf.write(vrt, "roads.geojson")
    with pytest.raises(DataSourceError, match="VRT"):
        read_vector(tmp_path / "roads.zip")


def test_driver_other_than_suffix_is_refused(tmp_path):
    """A SQLite file that is not a GeoPackage (opened by GDAL's SQLite driver) is refused."""
    import sqlite3

    path = tmp_path / "fake.gpkg"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x INTEGER, wkt TEXT)")
    con.execute("INSERT INTO t VALUES (1, 'POINT (715000 7395000)')")
    con.commit()
    con.close()
    with pytest.raises(DataSourceError, match="fake.gpkg"):
        read_vector(path, crs="EPSG:3006")


def test_gdal_options_are_restored_after_read(tmp_path, points):
    from jokkgeo.io.sniff import gdal_read_options

    points.to_file(tmp_path / "p.gpkg", layer="p")
    before = {k: pyogrio.get_gdal_config_option(k) for k in gdal_read_options()}
    read_vector(tmp_path / "p.gpkg")
    assert {k: pyogrio.get_gdal_config_option(k) for k in gdal_read_options()} == before


def test_raster_vrt_disguised_as_tif_is_refused(tmp_path):
    from jokkgeo.io.raster import read_raster

    path = tmp_path / "dem.tif"
    path.write_text(
        '<VRTDataset rasterXSize="1" rasterYSize="1"><VRTRasterBand dataType="Byte" band="1">'
        f"<SimpleSource><SourceFilename>{tmp_path / 'x.tif'}</SourceFilename></SimpleSource>"
        "</VRTRasterBand></VRTDataset>",
        encoding="utf-8",
    )
    with pytest.raises(DataSourceError, match="VRT"):
        read_raster(path)


# --- malformed geometries --------------------------------------------------------

def _geojson(tmp_path: Path, geometries: list[dict], name: str = "bad.geojson") -> Path:
    feats = [{"type": "Feature", "properties": {"id": i + 1}, "geometry": g} for i, g in enumerate(geometries)]
    path = tmp_path / name
    text = json.dumps({"type": "FeatureCollection", "features": feats}, allow_nan=True)
    path.write_text(text, encoding="utf-8")
    return path


GOOD_POLY = {"type": "Polygon",
             "coordinates": [[[715000, 7395000], [716000, 7395000], [716000, 7396000], [715000, 7395000]]]}


def test_unclosed_ring_is_repaired_and_counted(tmp_path):
    unclosed = {"type": "Polygon", "coordinates": [[[715000, 7395000], [716000, 7395000], [716000, 7396000]]]}
    path = _geojson(tmp_path, [GOOD_POLY, unclosed])
    loaded = read_vector(path, crs="EPSG:3006", geometry_type="Polygon")
    assert len(loaded.gdf) == 2
    assert loaded.report.n_repaired == 1
    assert loaded.report.malformed_repaired_ids == [1]
    assert shapely.equals(loaded.gdf.geometry.iloc[1], shapely.from_geojson(json.dumps(GOOD_POLY)))


def test_too_few_points_are_dropped_with_ids(tmp_path):
    line = {"type": "LineString", "coordinates": [[715000, 7395000], [716000, 7396000]]}
    one_point = {"type": "LineString", "coordinates": [[715000, 7395000]]}
    path = _geojson(tmp_path, [line, one_point, line])
    loaded = read_vector(path, crs="EPSG:3006", geometry_type="LineString")
    assert len(loaded.gdf) == 2
    assert loaded.report.n_malformed_dropped == 1
    assert loaded.report.malformed_dropped_ids == [1]
    assert loaded.report.n_null_dropped == 0
    assert any("#1" in w for w in loaded.report.warnings)


def test_ring_with_too_few_points_is_dropped(tmp_path):
    ring3 = {"type": "Polygon", "coordinates": [[[715000, 7395000], [716000, 7395000]]]}
    path = _geojson(tmp_path, [GOOD_POLY, ring3])
    loaded = read_vector(path, crs="EPSG:3006", geometry_type="Polygon")
    assert len(loaded.gdf) == 1
    # GEOS refuses a 2-point ring; closed by the repair it collapses and is dropped, with its id
    assert loaded.report.n_malformed_dropped + loaded.report.n_unrepairable_dropped == 1
    assert any("feature #1" in n for n in loaded.report.notes)


def test_nan_and_infinite_coordinates_are_dropped_with_ids(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"id": [1, 2, 3]},
        geometry=[shapely.Point(715000, 7395000), shapely.Point(np.nan, 7395000), shapely.Point(np.inf, 7395000)],
        crs="EPSG:3006",
    )
    pyogrio.write_dataframe(gdf, tmp_path / "nan.gpkg", layer="nan")
    loaded = read_vector(tmp_path / "nan.gpkg")
    assert len(loaded.gdf) == 1
    assert loaded.report.n_nonfinite_dropped == 2
    assert loaded.report.nonfinite_dropped_ids == [1, 2]


def test_all_nan_is_a_clear_error(tmp_path):
    path = _geojson(tmp_path, [{"type": "Point", "coordinates": [float("nan"), 7395000]}])
    with pytest.raises(Exception, match="NaN/infinite") as info:
        read_vector(path, crs="EPSG:3006")
    assert "bad.geojson" in str(info.value)


def test_csv_nan_and_infinity_coordinates(tmp_path):
    path = tmp_path / "pts.csv"
    path.write_text("name,x,y\na,715000,7395000\nb,NaN,7395000\nc,715000,Infinity\nd,-inf,7395000\n", encoding="utf-8")
    loaded = read_vector(path, crs="EPSG:3006")
    assert loaded.gdf["name"].tolist() == ["a"]
    assert loaded.report.n_nonfinite_dropped == 3
    assert any("line(s) 3, 4, 5" in n for n in loaded.report.notes)


def test_wkt_nan_coordinates(tmp_path):
    path = tmp_path / "wkt.csv"
    path.write_text('name;wkt\na;POINT (715000 7395000)\nb;POINT (nan 7395000)\nc;LINESTRING (1 1)\n', encoding="utf-8")
    with pytest.raises(GeometryError, match=r"wkt.csv: column 'wkt'.*line\(s\) 4"):
        read_vector(path, crs="EPSG:3006")
    path.write_text('name;wkt\na;POINT (715000 7395000)\nb;POINT (nan 7395000)\n'
                    'c;POLYGON ((715000 7395000, 716000 7395000, 716000 7396000))\n', encoding="utf-8")
    loaded = read_vector(path, crs="EPSG:3006")
    assert loaded.gdf["name"].tolist() == ["a", "c"]
    assert loaded.report.n_nonfinite_dropped == 1
    assert any("closed 1 polygon ring" in n and "line(s) 4" in n for n in loaded.report.notes)


# --- Shapefiles ------------------------------------------------------------------

def _shapefile(tmp_path: Path, points) -> Path:
    folder = tmp_path / "shp"
    folder.mkdir()
    pyogrio.write_dataframe(points, folder / "pts.shp", encoding="UTF-8")
    return folder / "pts.shp"


def test_zipped_shapefile_without_dbf_is_an_error(tmp_path, points):
    shp = _shapefile(tmp_path, points)
    with zipfile.ZipFile(tmp_path / "pts.zip", "w") as zf:
        for part in shp.parent.iterdir():
            if part.suffix != ".dbf":
                zf.write(part, part.name)
    with pytest.raises(DataSourceError, match=r"pts.shp: .*pts.dbf is missing"):
        read_vector(tmp_path / "pts.zip")


def test_shapefile_without_dbf_is_an_error(tmp_path, points):
    shp = _shapefile(tmp_path, points)
    shp.with_suffix(".dbf").unlink()
    with pytest.raises(DataSourceError, match="pts.dbf is missing"):
        read_vector(shp)


def test_truncated_shapefile_is_not_ok(tmp_path, points):
    from jokkgeo.io.inspection import inspect_file

    shp = _shapefile(tmp_path, points)
    data = shp.read_bytes()
    shp.write_bytes(data[: len(data) - 20])
    with pytest.raises(DataSourceError, match="truncated"):
        read_vector(shp)
    assert not inspect_file(shp).ok


def test_truncated_dbf_is_not_ok(tmp_path, points):
    shp = _shapefile(tmp_path, points)
    dbf = shp.with_suffix(".dbf")
    dbf.write_bytes(dbf.read_bytes()[:-30])
    with pytest.raises(DataSourceError, match="truncated"):
        read_vector(shp)


def test_shapefile_parts_that_disagree(tmp_path, points):
    shp = _shapefile(tmp_path, points)
    dbf = shp.with_suffix(".dbf")
    raw = bytearray(dbf.read_bytes())
    raw[4:8] = struct.pack("<I", 3)  # claims 3 records, .shx indexes 4
    dbf.write_bytes(bytes(raw))
    with pytest.raises(DataSourceError, match="disagree"):
        read_vector(shp)


# --- names -----------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "shp", "fgb", "csv_xy"])
def test_names_with_semicolon_can_be_read(tmp_path, all_formats, fmt):
    src, kwargs = all_formats[fmt]
    folder = tmp_path / "a;b"
    folder.mkdir()
    for part in src.parent.iterdir():
        if part.is_file() and part.stem == src.stem:
            shutil.copy(part, folder / f"x;y{part.suffix}")
    loaded = read_vector(folder / f"x;y{src.suffix}", **kwargs)
    assert len(loaded.gdf) == 4


# --- rasters ---------------------------------------------------------------------

def test_south_up_raster_has_correct_bounds(tmp_path):
    import rasterio
    from rasterio.transform import Affine

    from jokkgeo.io.raster import read_raster

    # 3 rows × 2 cols of 100 m, origin at the SOUTH-west corner (715000, 7395000), y growing downwards in rows
    array = np.arange(6, dtype="float32").reshape(3, 2)
    transform = Affine(100, 0, 715000, 0, 100, 7395000)
    with rasterio.open(tmp_path / "south.tif", "w", driver="GTiff", width=2, height=3, count=1, dtype="float32",
                       crs="EPSG:3006", transform=transform) as dst:
        dst.write(array, 1)
    data = read_raster(tmp_path / "south.tif", band=1)
    assert data.bounds == (715000.0, 7395000.0, 715200.0, 7395300.0)
    assert data.transform.e < 0
    # the northernmost row (last in the file) comes first after the flip
    assert data.array[0].tolist() == [4.0, 5.0]
    assert any("south-up" in w for w in data.warnings)


def test_absurd_raster_size_is_refused_before_allocation(tmp_path):
    import rasterio
    from rasterio.transform import from_origin

    from jokkgeo.io.raster import read_raster

    path = tmp_path / "huge.tif"
    with rasterio.open(path, "w", driver="GTiff", width=100_000, height=100_000, count=1, dtype="float32",
                       crs="EPSG:3006", transform=from_origin(600000, 7500000, 1, 1), tiled=True,
                       compress="deflate", sparse_ok=True):
        pass
    assert path.stat().st_size < 10_000_000
    with pytest.raises(DataSourceError, match=r"100000 × 100000 cells.*37.3 GiB.*limit"):
        read_raster(path)


@pytest.mark.parametrize("suffix", [".osm", ".xml"])
def test_vrt_disguised_as_osm_is_refused(tmp_path, suffix):
    path = tmp_path / f"roads{suffix}"
    padding = "<!-- <osm> -->" + " " * 2000  # the VRT tag far from the start
    path.write_text(padding + _vrt(tmp_path), encoding="utf-8")
    with pytest.raises(DataSourceError, match="VRT"):
        read_vector(path, layer="roads")


def test_vrt_after_long_comment_in_geojson_is_refused(tmp_path):
    path = tmp_path / "roads.geojson"
    path.write_text("<!--" + "x" * 5000 + "-->" + _vrt(tmp_path), encoding="utf-8")
    with pytest.raises(DataSourceError, match="VRT"):
        read_vector(path, crs="EPSG:3006")


def test_gdal_options_restored_after_concurrent_reads(tmp_path, points):
    from concurrent.futures import ThreadPoolExecutor

    from jokkgeo.io.sniff import gdal_read_options

    points.to_file(tmp_path / "p.gpkg", layer="p")
    before = {k: pyogrio.get_gdal_config_option(k) for k in gdal_read_options()}
    with ThreadPoolExecutor(4) as pool:
        assert all(len(r.gdf) == 4 for r in pool.map(lambda _: read_vector(tmp_path / "p.gpkg"), range(16)))
    assert {k: pyogrio.get_gdal_config_option(k) for k in gdal_read_options()} == before
