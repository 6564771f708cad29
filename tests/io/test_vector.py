"""Loaders: every format, layer choice, encodings, CRS traps, geometry checks, refusals."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from iosample import NAMES, POPULATION, XS, YS, make_points

from jokkgeo.errors import CRSError, DataLayerError, DataSourceError, GeometryError
from jokkgeo.io.configs import layer_spec_from_data
from jokkgeo.io.vector import read_layer, read_vector

FORMATS = ["gpkg", "geojson", "geojson_wgs84", "shp", "zip", "fgb", "csv_xy", "csv_lonlat", "csv_wkt", "csv_excel"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reads_the_same_points_in_sweref(all_formats, fmt):
    path, kwargs = all_formats[fmt]
    loaded = read_vector(path, geometry_type="Point", **kwargs)
    gdf = loaded.gdf
    assert gdf.crs.to_epsg() == 3006
    # via WGS84 (6+ decimals in GeoJSON/CSV) positions survive to well under a metre
    tol = 0.5 if fmt in ("geojson_wgs84", "csv_lonlat") else 1e-6
    np.testing.assert_allclose(gdf.geometry.x.to_numpy(), XS, atol=tol)
    np.testing.assert_allclose(gdf.geometry.y.to_numpy(), YS, atol=tol)
    name_col = "namn" if fmt == "csv_excel" else "name"
    pop_col = "befolkning" if fmt == "csv_excel" else "population"
    assert list(gdf[name_col]) == NAMES  # å ä ö intact in every format
    assert list(gdf[pop_col].astype(int)) == POPULATION
    assert loaded.report.n_read == loaded.report.n_features == 4
    assert loaded.report.geometry_types == {"Point": 4}
    np.testing.assert_allclose(loaded.report.bounds, (min(XS), min(YS), max(XS), max(YS)), atol=tol)


def test_excel_csv_sniffs_semicolon_decimal_comma_and_cp1252(all_formats):
    loaded = read_vector(all_formats["csv_excel"][0], crs="EPSG:3006")
    assert loaded.report.encoding == "cp1252"
    assert any("Windows-1252" in n for n in loaded.report.notes)
    assert loaded.gdf.geometry.x.iloc[1] == pytest.approx(716500.5)


def test_csv_lonlat_without_crs_is_assumed_wgs84_with_a_note(all_formats):
    loaded = read_vector(all_formats["csv_lonlat"][0])
    assert loaded.report.source_crs == "EPSG:4326"
    assert any("assumed WGS84" in n for n in loaded.report.notes)


def test_csv_bad_number_and_bad_wkt_name_the_lines(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,x,y\na,715000,7395000\nb,abc,7395000\n", encoding="utf-8")
    with pytest.raises(GeometryError, match=r"column 'x'.*line\(s\) 3"):
        read_vector(bad, crs="EPSG:3006")
    badwkt = tmp_path / "badwkt.csv"
    badwkt.write_text('name,wkt\na,POINT (715000 7395000)\nb,"POINT (1 2"\n', encoding="utf-8")
    with pytest.raises(GeometryError, match=r"not WKT on line\(s\) 3"):
        read_vector(badwkt, crs="EPSG:3006")


def test_csv_blank_coordinates_are_dropped_and_counted(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text("name,x,y\na,715000,7395000\nb,,\nc,716000,7396000\n", encoding="utf-8")
    loaded = read_vector(path, crs="EPSG:3006")
    assert loaded.report.n_null_dropped == 1
    assert list(loaded.gdf["name"]) == ["a", "c"]


def test_csv_without_geometry_columns_is_a_clear_error(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("kommun,invånare\nJokkmokk,5000\n", encoding="utf-8")
    with pytest.raises(DataSourceError, match="no geometry columns"):
        read_vector(path)


# --- GeoPackage layers --------------------------------------------------------


def test_geopackage_with_several_layers_needs_a_layer_name(tmp_path, points):
    path = tmp_path / "multi.gpkg"
    pyogrio.write_dataframe(points, path, layer="a")
    pyogrio.write_dataframe(points.iloc[:2], path, layer="b")
    with pytest.raises(DataLayerError, match=r"holds 2 layers \(a, b\)"):
        read_vector(path)
    with pytest.raises(DataLayerError, match="no layer 'c'; available: a, b"):
        read_vector(path, layer="c")
    assert len(read_vector(path, layer="b").gdf) == 2


def test_zip_with_several_shapefiles_needs_a_layer(tmp_path, points):
    import zipfile

    for name in ("one", "two"):
        pyogrio.write_dataframe(points, tmp_path / f"{name}.shp")
    with zipfile.ZipFile(tmp_path / "two.zip", "w") as zf:
        for f in tmp_path.glob("*.*"):
            if f.suffix != ".zip":
                zf.write(f, f.name)
    with pytest.raises(DataLayerError, match="holds 2 datasets"):
        read_vector(tmp_path / "two.zip")
    assert len(read_vector(tmp_path / "two.zip", layer="two").gdf) == 4


# --- encodings ----------------------------------------------------------------


def _shp(tmp_path: Path, encoding: str, keep_cpg: bool) -> Path:
    path = tmp_path / f"enc_{encoding}_{keep_cpg}.shp"
    pyogrio.write_dataframe(make_points(), path, encoding=encoding)
    cpg = path.with_suffix(".cpg")
    if not keep_cpg and cpg.exists():
        cpg.unlink()
    return path


def test_cp1252_shapefile_without_cpg_reads_swedish_letters(tmp_path):
    path = _shp(tmp_path, "cp1252", keep_cpg=False)
    assert "å".encode("cp1252") in path.with_suffix(".dbf").read_bytes()  # really cp1252 on disk
    loaded = read_vector(path)
    assert list(loaded.gdf["name"]) == NAMES
    assert loaded.report.encoding == "cp1252"
    assert not loaded.report.warnings


def test_utf8_shapefile_with_cpg(tmp_path):
    loaded = read_vector(_shp(tmp_path, "UTF-8", keep_cpg=True))
    assert list(loaded.gdf["name"]) == NAMES
    assert loaded.report.encoding == "UTF-8 (.cpg)"
    assert not loaded.report.warnings


def test_utf8_shapefile_without_cpg_is_detected_and_warned(tmp_path):
    path = _shp(tmp_path, "UTF-8", keep_cpg=False)
    loaded = read_vector(path)
    assert list(loaded.gdf["name"]) == NAMES
    assert any("UTF-8, not Windows-1252" in w for w in loaded.report.warnings)


def test_explicit_wrong_encoding_gives_a_mojibake_warning(tmp_path):
    path = _shp(tmp_path, "UTF-8", keep_cpg=False)
    loaded = read_vector(path, encoding="cp1252")
    assert loaded.gdf["name"].iloc[1] == "JÃ¥hkÃ¥mÃ¥hkke"
    assert any("garbled" in w and "name" in w for w in loaded.report.warnings)


# --- geometry checks through the loader ----------------------------------------


def test_null_empty_invalid_z_geometries_are_counted(tmp_path):
    bowtie = shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])  # self-intersecting
    square = shapely.box(0, 0, 10, 10)
    square_z = shapely.Polygon([(0, 0, 5), (10, 0, 5), (10, 10, 5), (0, 0, 5)])
    geoms = [square, bowtie, None, shapely.Polygon(), square_z]
    gdf = gpd.GeoDataFrame({"id": range(5)}, geometry=geoms, crs="EPSG:3006")
    gdf = gdf.set_geometry(gdf.geometry.translate(715000, 7395000))
    path = tmp_path / "geoms.gpkg"
    pyogrio.write_dataframe(gdf, path)
    loaded = read_vector(path, geometry_type="Polygon")
    rep = loaded.report
    assert (rep.n_read, rep.n_null_dropped, rep.n_empty_dropped, rep.n_repaired, rep.n_z_dropped) == (5, 1, 1, 1, 1)
    assert rep.n_features == 3
    assert list(loaded.gdf["id"]) == [0, 1, 4]
    assert not loaded.gdf.has_z.any()
    assert loaded.gdf.is_valid.all()
    # the bow-tie becomes two triangles of 25 m² each
    assert loaded.gdf.geometry.iloc[1].area == pytest.approx(50.0)


def test_mixed_types_against_declared_type_is_an_error_with_counts(tmp_path):
    geoms = [shapely.Point(715000, 7395000), shapely.Point(716000, 7395000),
             shapely.LineString([(715000, 7395000), (716000, 7396000)])]
    path = tmp_path / "mixed.geojson"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"a": [1, 2, 3]}, geometry=geoms, crs=3006), path, RFC7946=False)
    with pytest.raises(GeometryError, match=r"declared geometry_type Point but found 1 LineString, 2 Point"):
        read_vector(path, geometry_type="Point")


def test_layer_whose_geometries_are_all_null_is_an_error(tmp_path):
    path = tmp_path / "nulls.gpkg"
    gdf = gpd.GeoDataFrame({"a": [1, 2]}, geometry=[None, None], crs=3006)
    pyogrio.write_dataframe(gdf, path, geometry_type="Point")
    with pytest.raises(DataLayerError, match="none of its 2 features has a usable geometry"):
        read_vector(path)


def test_empty_layer_is_an_error(tmp_path, points):
    path = tmp_path / "empty.gpkg"
    pyogrio.write_dataframe(points.iloc[:0], path, geometry_type="Point")
    with pytest.raises(DataLayerError, match="has no features"):
        read_vector(path)


# --- CRS traps ---------------------------------------------------------------


def test_sweref_metres_labelled_wgs84(tmp_path, points):
    path = tmp_path / "mislabelled.gpkg"
    pyogrio.write_dataframe(points.set_crs(4326, allow_override=True), path)
    with pytest.raises(CRSError, match="look like SWEREF 99 TM metres labelled as EPSG:4326.*declare crs: EPSG:3006"):
        read_vector(path)
    fixed = read_vector(path, crs="EPSG:3006")  # declaring the CRS fixes it, with a warning
    assert any("replaced by declared" in w for w in fixed.report.warnings)
    np.testing.assert_allclose(fixed.gdf.geometry.x, XS)


def test_geojson_without_crs_member_holding_sweref_metres(tmp_path):
    path = tmp_path / "export.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"namn": "Porjus"}, '
                    '"geometry": {"type": "Point", "coordinates": [690000, 7440000]}}]}', encoding="utf-8")
    with pytest.raises(CRSError, match="export.geojson.*look like SWEREF 99 TM metres labelled as EPSG:4326"):
        read_vector(path)
    assert read_vector(path, crs="EPSG:3006").gdf.geometry.x.iloc[0] == 690000


def test_degrees_labelled_sweref(tmp_path, points):
    path = tmp_path / "degrees.gpkg"
    pyogrio.write_dataframe(points.to_crs(4326).set_crs(3006, allow_override=True), path)
    with pytest.raises(CRSError, match="look like degrees"):
        read_vector(path)


def test_swapped_lon_lat_in_csv(tmp_path, points):
    wgs = points.to_crs(4326)
    path = tmp_path / "swapped.csv"
    wgs.assign(lon=wgs.geometry.y, lat=wgs.geometry.x).drop(columns="geometry").to_csv(path, index=False)
    with pytest.raises(CRSError, match="latitude/longitude with the axes swapped"):
        read_vector(path)


def test_missing_crs_says_what_coordinates_look_like(tmp_path, all_formats):
    with pytest.raises(CRSError, match=r"has no CRS\. The coordinates look like SWEREF 99 TM metres"):
        read_vector(all_formats["csv_xy"][0])


# --- refused paths --------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, message",
    [
        ("/vsizip/data.zip/x.shp", "virtual paths"),
        ("https://example.org/x.geojson", "URLs"),
        ("layers.vrt", "format '.vrt' is not supported"),
        ("nothing_here.gpkg", "does not exist"),
        ("image.tif", "is a raster"),
    ],
)
def test_refused_inputs(tmp_path, raw, message):
    path = raw if "/" in raw.split(".")[0] or "://" in raw else tmp_path / raw
    with pytest.raises(DataSourceError, match=message):
        read_vector(path)


def test_zero_byte_and_garbage_files(tmp_path):
    (tmp_path / "zero.gpkg").write_bytes(b"")
    with pytest.raises(DataSourceError, match=r"zero.gpkg: is empty \(0 bytes\)"):
        read_vector(tmp_path / "zero.gpkg")
    (tmp_path / "junk.geojson").write_text("this is not json", encoding="utf-8")
    with pytest.raises(DataSourceError, match="junk.geojson: cannot be opened as GeoJSON"):
        read_vector(tmp_path / "junk.geojson")
    # fixed bytes: random ones sometimes mark the header as a WAL database, and GDAL then warns instead
    (tmp_path / "trunc.gpkg").write_bytes(b"SQLite format 3\x00" + bytes(range(7, 207)))
    with pytest.raises(DataSourceError, match="trunc.gpkg"):
        read_vector(tmp_path / "trunc.gpkg")


# --- read_layer (spec) ----------------------------------------------------------


def _spec(tmp_path: Path, **extra):
    data = {
        "id": "settlements",
        "title": "Tätorter",
        "theme": "settlements",
        "source": {"path": "data/pts.gpkg"},
        "geometry_type": "Point",
        "provenance": "test",
        "licence": "CC0",
        "attribution": "test",
        "accuracy_m": 10,
        **extra,
    }
    return layer_spec_from_data(data, tmp_path / "layers" / "settlements.yaml", root=tmp_path)


def test_read_layer_applies_rename_where_keep(tmp_path, points):
    (tmp_path / "data").mkdir()
    pyogrio.write_dataframe(points, tmp_path / "data" / "pts.gpkg")
    spec = _spec(tmp_path, attributes={"rename": {"population": "pop"}, "where": {"name": ["Porjus", "Jokkmokk"]},
                                       "keep": ["name", "pop"]})
    loaded = read_layer(spec)
    assert list(loaded.gdf.columns) == ["name", "pop", "geometry"]
    assert list(loaded.gdf["name"]) == ["Jokkmokk", "Porjus"]
    assert list(loaded.gdf.index) == [0, 3]
    assert loaded.report.n_filtered == 2 and loaded.report.n_features == 2
    assert loaded.report.geometry_types == {"Point": 2}
    assert loaded.report.bounds == (min(XS[0], XS[3]), min(YS[0], YS[3]), max(XS[0], XS[3]), max(YS[0], YS[3]))
    assert loaded.spec is spec


def test_read_layer_unknown_column_names_the_spec(tmp_path, points):
    (tmp_path / "data").mkdir()
    pyogrio.write_dataframe(points, tmp_path / "data" / "pts.gpkg")
    spec = _spec(tmp_path, attributes={"where": {"kind": "tatort"}})
    with pytest.raises(DataLayerError, match=r"settlements.yaml: key 'attributes.where': column\(s\) kind"):
        read_layer(spec)


def test_csv_codes_with_leading_zero_stay_text_numbers_become_numeric(tmp_path):
    path = tmp_path / "kommuner.csv"
    path.write_text("kod;invånare;lon;lat\n0180;975 551;18,07;59,33\n2510;4 975;19,83;66,61\n", encoding="utf-8")
    gdf = read_vector(path).gdf
    assert list(gdf["kod"]) == ["0180", "2510"]
    assert list(gdf["invånare"]) == [975551, 4975]

