"""Geometry checks: every drop and repair counted, declared type enforced."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from jokkgeo.errors import GeometryError
from jokkgeo.io.checks import check_geometries, geometry_type_counts


def _frame(geoms):
    return gpd.GeoDataFrame({"i": range(len(geoms))}, geometry=geoms, crs="EPSG:3006",
                            index=[10 + k for k in range(len(geoms))])


def test_clean_data_is_unchanged_and_input_not_mutated():
    gdf = _frame([shapely.box(0, 0, 1, 1), shapely.box(2, 2, 3, 3)])
    before = gdf.copy()
    out, rep = check_geometries(gdf, geometry_type="Polygon")
    assert out.geom_equals(gdf).all() and list(out.index) == [10, 11]
    assert (rep.n_null_dropped, rep.n_empty_dropped, rep.n_repaired, rep.n_z_dropped) == (0, 0, 0, 0)
    assert rep.notes == [] and rep.geometry_types == {"Polygon": 2}
    assert gdf.equals(before)


def test_null_and_empty_dropped_and_counted_keeping_index():
    gdf = _frame([shapely.Point(1, 1), None, shapely.Point(), shapely.Point(2, 2), None])
    out, rep = check_geometries(gdf, geometry_type="Point")
    assert list(out.index) == [10, 13]
    assert (rep.n_in, rep.n_null_dropped, rep.n_empty_dropped, rep.n_out) == (5, 2, 1, 2)
    assert any("2 feature(s) without geometry" in n for n in rep.notes)


def test_bowtie_repaired_keeps_polygon_dimension_and_area():
    bowtie = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])  # two triangles of area 1
    out, rep = check_geometries(_frame([bowtie]), geometry_type="Polygon")
    assert rep.n_repaired == 1
    geom = out.geometry.iloc[0]
    assert geom.is_valid and geom.geom_type == "MultiPolygon" and geom.area == pytest.approx(2.0)


def test_polygon_with_dangling_spike_keeps_only_the_polygon():
    spike = shapely.Polygon([(0, 0), (1, 0), (1, 1), (1, 2), (1, 1), (0, 1)])
    out, rep = check_geometries(_frame([spike]), geometry_type="Polygon")
    assert rep.n_repaired == 1
    assert out.geometry.iloc[0].geom_type == "Polygon" and out.geometry.iloc[0].area == pytest.approx(1.0)


def test_collapsed_polygon_is_dropped_and_counted():
    flat = shapely.Polygon([(0, 0), (1, 0), (2, 0), (0, 0)])  # zero area
    out, rep = check_geometries(_frame([flat, shapely.box(0, 0, 1, 1)]), geometry_type="Polygon")
    assert rep.n_unrepairable_dropped == 1 and rep.n_repaired == 0 and list(out.index) == [11]


def test_z_dropped_with_note():
    gdf = _frame([shapely.Point(1, 2, 3), shapely.Point(4, 5)])
    out, rep = check_geometries(gdf, geometry_type="Point")
    assert rep.n_z_dropped == 1 and not out.has_z.any()
    assert out.geometry.iloc[0].equals(shapely.Point(1, 2))
    assert any("Z (height)" in n for n in rep.notes)


def test_multi_variant_accepted_mixed_types_refused_with_counts():
    multi = shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 2, 3, 3)])
    out, rep = check_geometries(_frame([shapely.box(0, 0, 1, 1), multi]), geometry_type="Polygon")
    assert rep.geometry_types == {"MultiPolygon": 1, "Polygon": 1}
    mixed = _frame([shapely.box(0, 0, 1, 1), shapely.Point(0, 0), shapely.Point(1, 1),
                    shapely.LineString([(0, 0), (1, 1)])])
    expected = r"found 1 LineString, 2 Point, 1 Polygon; 3 feature\(s\) are 1 LineString, 2 Point"
    with pytest.raises(GeometryError, match=expected):
        check_geometries(mixed, geometry_type="Polygon", origin="f.gpkg")


def test_undeclared_mixed_types_noted():
    _, rep = check_geometries(_frame([shapely.Point(0, 0), shapely.box(0, 0, 1, 1)]))
    assert any("mixed geometry types" in n for n in rep.notes)


def test_geometry_type_counts():
    assert geometry_type_counts(gpd.GeoSeries([shapely.Point(0, 0), None, shapely.Point(1, 1)])) == {"Point": 2}


def test_degenerate_line_is_dropped_not_turned_into_a_point():
    degenerate = shapely.LineString([(1, 1), (1, 1)])
    ok = shapely.LineString([(0, 0), (1, 1)])
    out, rep = check_geometries(_frame([degenerate, ok]), geometry_type="LineString")
    assert rep.n_unrepairable_dropped == 1 and list(out.index) == [11]
    assert (out.geom_type == "LineString").all()
