"""GeoTIFF reading: EPSG:3006 passthrough, reprojection, missing CRS, CRS traps."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from jokkgeo.errors import CRSError, DataLayerError, DataSourceError
from jokkgeo.io.raster import read_raster


def _tif(path, array, *, crs, transform, nodata=None):
    with rasterio.open(path, "w", driver="GTiff", width=array.shape[-1], height=array.shape[-2], count=1,
                       dtype=array.dtype, crs=crs, transform=transform, nodata=nodata) as dst:
        dst.write(array, 1)
    return path


def test_sweref_raster_is_read_unchanged_and_unpacks(tmp_path):
    array = np.arange(12, dtype="int16").reshape(3, 4)
    path = _tif(tmp_path / "a.tif", array, crs="EPSG:3006", transform=from_origin(700000, 7400000, 50, 50), nodata=-1)
    data = read_raster(path, band=1)
    arr, profile = data
    np.testing.assert_array_equal(arr, array)
    assert profile["crs"].to_epsg() == 3006 and data.nodata == -1
    assert data.bounds == (700000.0, 7400000.0 - 150, 700000.0 + 200, 7400000.0)
    assert data.warnings == []


def test_wgs84_raster_is_reprojected(tmp_path):
    array = np.ones((20, 20), dtype="float32")
    path = _tif(tmp_path / "w.tif", array, crs="EPSG:4326", transform=from_origin(19.5, 66.8, 0.01, 0.005))
    data = read_raster(path, band=1)
    assert data.crs.to_epsg() == 3006
    assert any("reprojected from EPSG:4326" in w for w in data.warnings)
    west, south, east, north = data.bounds
    assert 690000 < west < east < 720000 and 7390000 < south < north < 7420000
    assert np.nanmax(data.array) == pytest.approx(1.0)


def test_raster_without_crs_needs_declaration(tmp_path):
    array = np.zeros((2, 2), dtype="uint8")
    path = _tif(tmp_path / "n.tif", array, crs=None, transform=from_origin(700000, 7400000, 10, 10))
    with pytest.raises(CRSError, match="raster has no CRS"):
        read_raster(path)
    assert read_raster(path, crs="EPSG:3006").crs.to_epsg() == 3006


def test_raster_metres_labelled_wgs84(tmp_path):
    path = _tif(tmp_path / "m.tif", np.zeros((2, 2), "uint8"), crs="EPSG:4326",
                transform=from_origin(700000, 7400000, 10, 10))
    with pytest.raises(CRSError, match="SWEREF 99 TM metres labelled as EPSG:4326"):
        read_raster(path)


def test_bad_band_and_not_a_tiff(tmp_path):
    path = _tif(tmp_path / "a.tif", np.zeros((2, 2), "uint8"), crs="EPSG:3006",
                transform=from_origin(700000, 7400000, 10, 10))
    with pytest.raises(DataLayerError, match="band 2 does not exist"):
        read_raster(path, band=2)
    (tmp_path / "fake.tif").write_text("nope", encoding="utf-8")
    with pytest.raises(DataSourceError, match="fake.tif: cannot be read as a GeoTIFF"):
        read_raster(tmp_path / "fake.tif")
