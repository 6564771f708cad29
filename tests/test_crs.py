"""Coordinate plausibility for the declared CRS."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from jokkgeo.crs import check_coordinates, check_working_crs, describe_coordinates
from jokkgeo.errors import CRSError

SWEREF = (690000.0, 7395000.0, 760000.0, 7450000.0)  # Jokkmokk area, metres
LONLAT = (19.0, 66.5, 20.5, 67.2)  # same area, degrees


def test_plausible_data_passes():
    assert check_coordinates(SWEREF, "EPSG:3006", origin="f") == []
    assert check_coordinates(LONLAT, "EPSG:4326", origin="f") == []


def test_sweref_metres_labelled_wgs84():
    with pytest.raises(CRSError, match="look like SWEREF 99 TM metres labelled as EPSG:4326.*declare crs: EPSG:3006"):
        check_coordinates(SWEREF, "EPSG:4326", origin="f.geojson")


def test_swapped_lon_lat():
    swapped = (LONLAT[1], LONLAT[0], LONLAT[3], LONLAT[2])
    with pytest.raises(CRSError, match="axes swapped"):
        check_coordinates(swapped, "EPSG:4326", origin="f")


def test_degrees_labelled_sweref():
    expected = r"look like degrees .*labelled EPSG:3006 \(SWEREF 99 TM, metres\); declare crs: EPSG:4326"
    with pytest.raises(CRSError, match=expected):
        check_coordinates(LONLAT, "EPSG:3006", origin="f")


def test_sweref_easting_northing_swapped():
    swapped = (SWEREF[1], SWEREF[0], SWEREF[3], SWEREF[2])
    with pytest.raises(CRSError, match="easting and northing swapped"):
        check_coordinates(swapped, "EPSG:3006", origin="f")


def test_metres_far_outside_area_of_use_are_refused():
    # Web Mercator metres of Jokkmokk labelled as SWEREF 99 TM: inside no known pattern, outside Sweden
    with pytest.raises(CRSError, match="outside the area where EPSG:3006 is used"):
        check_coordinates((2_200_000, 10_000_000, 2_300_000, 10_100_000), "EPSG:3006", origin="f")


def test_partly_outside_area_of_use_is_a_warning():
    # from Jokkmokk (SWEREF) to well inside Finland, beyond the SWEREF 99 TM area of use
    warnings = check_coordinates((700000, 7400000, 1_100_000, 7_450_000), "EPSG:3006", origin="f")
    assert len(warnings) == 1 and "outside the area of use" in warnings[0]


def test_describe_coordinates():
    assert describe_coordinates(SWEREF) == "SWEREF 99 TM metres (EPSG:3006)"
    assert describe_coordinates(LONLAT).startswith("longitude/latitude degrees over Sweden")
    assert describe_coordinates((1e7, 1e7, 2e7, 2e7)) is None


def test_check_working_crs():
    gdf = gpd.GeoDataFrame(geometry=[shapely.Point(19.8, 66.6)], crs="EPSG:4326")
    with pytest.raises(CRSError, match=r"sites: CRS is EPSG:4326, analyses need EPSG:3006"):
        check_working_crs(gdf, "sites")
    with pytest.raises(CRSError, match="has no CRS"):
        check_working_crs(gdf.set_crs(None, allow_override=True), "sites")
    check_working_crs(gdf.to_crs(3006), "sites")
