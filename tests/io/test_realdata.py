"""Loaders on real public data in ../shared/data/real (skipped when absent).

Expected counts, CRS and the Jokkmokk area come from that folder's MANIFEST.md,
not from jokkgeo.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from jokkgeo.io.raster import read_raster
from jokkgeo.io.vector import read_vector

REAL = Path(__file__).parents[2].parent / "shared" / "data" / "real"
pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real not available"),
]


@pytest.mark.parametrize(
    "relpath, layer, gtype, count, source_epsg",
    [
        ("boundaries/se_kommuner_scb2024_swemapdata.gpkg", "kommuner", "Polygon", 290, 3006),
        ("boundaries/se_landskap_swemapdata.gpkg", "landskap", "Polygon", 25, 4326),
        ("settlements/se_tatorter_scb2020_swemapdata.gpkg", "tatorter", "Point", 2017, 3006),
        ("energy/jrc_hydro_power_plants_sweden.gpkg", "hydro_plants", "Point", 147, 4326),
        ("infrastructure/airports_north_sweden_airportsdata.gpkg", "airports", "Point", 25, 4326),
    ],
)
def test_real_layers_load_with_expected_counts(relpath, layer, gtype, count, source_epsg):
    loaded = read_vector(REAL / relpath, layer=layer, geometry_type=gtype)
    assert loaded.report.n_features == count
    assert loaded.gdf.crs.to_epsg() == 3006
    from pyproj import CRS

    assert CRS.from_user_input(loaded.report.source_crs).to_epsg() == source_epsg
    assert loaded.gdf.is_valid.all()


def test_jokkmokk_area_matches_manifest():
    gdf = read_vector(REAL / "boundaries/se_kommuner_scb2024_swemapdata.gpkg", layer="kommuner").gdf
    jokkmokk = gdf[gdf["code"].astype(str) == "2510"]
    assert jokkmokk["name"].iloc[0] == "Jokkmokk"
    assert jokkmokk.area.sum() / 1e6 == pytest.approx(19_625, rel=0.01)


def test_aoi_geojson_and_etopo_raster():
    aoi = read_vector(REAL / "boundaries/jokkmokk_kommun_aoi_wgs84.geojson", geometry_type="Polygon")
    assert aoi.report.n_features == 1 and aoi.report.source_crs == "EPSG:4326"
    dem = read_raster(REAL / "elevation/etopo5_norrbotten_14-25E_64-69.5N.tif", band=1)
    assert dem.crs.to_epsg() == 3006 and dem.nodata == -32768
    valid = dem.array[dem.array != dem.nodata]
    assert valid.min() >= -2647 and valid.max() <= 1569
    west, south, east, north = dem.bounds
    assert west < 700000 < east and south < 7400000 < north  # covers Jokkmokk
    assert np.issubdtype(dem.array.dtype, np.integer)
