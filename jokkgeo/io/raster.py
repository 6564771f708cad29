"""Read and write GeoTIFF rasters (rasterio), in EPSG:3006.

Decisions
---------
* :func:`read_raster` returns a :class:`RasterData` that unpacks like the tuple
  ``(array, profile)``. Rasters in another CRS are reprojected to EPSG:3006
  (bilinear for floats, nearest for integer/categorical data; the ``resampling``
  keyword overrides); the report notes the reprojection.
* A raster without a CRS is an error unless ``crs`` is given (CLI ``--crs``/spec
  ``source.crs``); its bounds are checked for plausibility like vector data.
* :func:`write_raster` writes tiled, deflate-compressed GeoTIFF with ``nodata`` set,
  atomically (see :mod:`jokkgeo.io.write`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from jokkgeo.crs import check_coordinates
from jokkgeo.errors import CRSError, DataLayerError, DataSourceError
from jokkgeo.io.sniff import check_content, check_driver, gdal_local_path, gdal_read_options
from jokkgeo.settings import WORKING_CRS

log = logging.getLogger(__name__)

RASTER_SUFFIXES = (".tif", ".tiff")
MAX_RASTER_BYTES = 2 * 1024**3
"""Largest raster array (all bands read) accepted in memory: 2 GiB."""


def check_raster_size(
    path: Path | str, width: int, height: int, count: int, dtype: Any, *, max_bytes: int | None = None
) -> None:
    """Refuse a raster whose array would exceed ``max_bytes`` before allocating it.

    Parameters
    ----------
    path
        File name for the message.
    width, height, count
        Columns, rows and bands to be read.
    dtype
        Cell data type (numpy dtype or name).
    max_bytes
        Limit in bytes (default :data:`MAX_RASTER_BYTES`).

    Raises
    ------
    DataSourceError
        Naming the declared size, the memory it needs and the limit.
    """
    limit = MAX_RASTER_BYTES if max_bytes is None else int(max_bytes)
    itemsize = np.dtype(dtype).itemsize
    needed = int(width) * int(height) * int(count) * itemsize
    if width <= 0 or height <= 0 or needed > limit:
        raise DataSourceError(
            f"{path}: raster declares {width} × {height} cells × {count} band(s) of {np.dtype(dtype).name} "
            f"= {needed / 1024**3:.1f} GiB, above the limit of {limit / 1024**3:.1f} GiB; "
            "clip or resample it to the study area (e.g. gdalwarp -te … -tr …) first"
        )


def _north_up(array: np.ndarray, transform: Any) -> tuple[np.ndarray, Any]:
    """Flip a south-up raster (positive y pixel size) to north-up; same cells, same bounds."""
    from affine import Affine

    rows = array.shape[-2]
    flipped = np.ascontiguousarray(array[..., ::-1, :])
    new = transform * Affine.translation(0, rows) * Affine.scale(1, -1)
    return flipped, new


@dataclass
class RasterData:
    """A raster band stack in EPSG:3006.

    ``array`` has shape (bands, rows, cols) or (rows, cols) when one ``band`` was
    requested; ``profile`` is a rasterio profile (crs, transform, nodata, dtype,
    width, height, count). Unpacks as ``array, profile = read_raster(path)``.
    """

    array: np.ndarray
    profile: dict[str, Any]
    path: Path | None = None
    source_crs: str | None = None
    warnings: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[Any]:
        return iter((self.array, self.profile))

    @property
    def transform(self) -> Any:
        return self.profile["transform"]

    @property
    def crs(self) -> Any:
        return self.profile["crs"]

    @property
    def nodata(self) -> float | int | None:
        return self.profile.get("nodata")

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        from rasterio.transform import array_bounds

        height, width = self.array.shape[-2:]
        west, south, east, north = array_bounds(height, width, self.transform)
        return (float(min(west, east)), float(min(south, north)), float(max(west, east)), float(max(south, north)))


def read_raster(
    path: str | os.PathLike[str],
    *,
    band: int | None = None,
    crs: str | None = None,
    resampling: str | None = None,
    max_bytes: int | None = None,
) -> RasterData:
    """Read a GeoTIFF into EPSG:3006.

    Parameters
    ----------
    path
        ``.tif``/``.tiff`` file.
    band
        1-based band number; ``None`` reads all bands (array shape (bands, rows, cols)).
    crs
        CRS for a file that has none (e.g. ``"EPSG:3006"``); overrides the file's CRS.
    resampling
        rasterio resampling name for reprojection (default: bilinear for floats,
        nearest otherwise).
    max_bytes
        Largest array read into memory (default :data:`MAX_RASTER_BYTES`); a bigger
        raster is refused before anything is allocated.

    Returns
    -------
    RasterData
        Array and profile in EPSG:3006 (units of the transform: metres).
    """
    import rasterio
    from rasterio.crs import CRS as RioCRS
    from rasterio.errors import RasterioIOError

    text = str(path).strip()
    if "://" in text or text.lower().startswith(("/vsi", "vsi")):
        raise DataSourceError(f"{text}: URLs and GDAL virtual paths are not opened; give a local file path")
    path = Path(path)
    if path.suffix.lower() not in RASTER_SUFFIXES:
        raise DataSourceError(f"{path}: rasters are read from GeoTIFF (.tif/.tiff) only")
    if not path.is_file():
        raise DataSourceError(f"{path}: file does not exist")
    check_content(path)
    warnings: list[str] = []
    try:
        with gdal_local_path(path) as gdal_path, rasterio.Env(**gdal_read_options()), rasterio.open(gdal_path) as src:
            check_driver(path, src.driver)
            if band is not None and not 1 <= band <= src.count:
                raise DataLayerError(f"{path}: band {band} does not exist; the file has {src.count} band(s)")
            indexes = band if band is not None else list(range(1, src.count + 1))
            check_raster_size(path, src.width, src.height, 1 if band is not None else src.count, src.dtypes[0],
                              max_bytes=max_bytes)
            array = src.read(indexes)
            profile = dict(src.profile)
            src_crs = src.crs
    except RasterioIOError as exc:
        raise DataSourceError(f"{path}: cannot be read as a GeoTIFF ({exc})") from None
    if profile.get("transform") is not None and profile["transform"].e > 0:
        array, profile["transform"] = _north_up(array, profile["transform"])
        warnings.append("south-up raster (positive y pixel size) flipped to north-up")
    if crs is not None:
        declared = RioCRS.from_user_input(crs)
        if src_crs is not None and src_crs != declared:
            warnings.append(f"file CRS {src_crs.to_string()} replaced by declared {crs}")
        src_crs = declared
    if src_crs is None:
        raise CRSError(f"{path}: raster has no CRS; declare one (spec source.crs, CLI --crs EPSG:3006)")
    profile["crs"] = src_crs
    if profile.get("transform") is None or profile["transform"].is_identity:
        raise CRSError(f"{path}: raster has no georeferencing (identity transform); it cannot be placed on a map")
    data = RasterData(array, profile, path=path, source_crs=src_crs.to_string(), warnings=warnings)
    warnings.extend(check_coordinates(data.bounds, src_crs.to_string(), origin=str(path)))
    working = RioCRS.from_user_input(WORKING_CRS)
    if src_crs != working:
        data = _reproject(data, working, resampling)
        warnings.append(f"reprojected from {src_crs.to_string()} to {WORKING_CRS}")
    for message in warnings:
        log.warning("%s", message)
    return data


def _reproject(data: RasterData, dst_crs: Any, resampling: str | None) -> RasterData:
    from rasterio.enums import Resampling
    from rasterio.warp import calculate_default_transform, reproject

    src = data.array if data.array.ndim == 3 else data.array[np.newaxis]
    count, height, width = src.shape
    west, south, east, north = data.bounds
    transform, dst_width, dst_height = calculate_default_transform(
        data.crs, dst_crs, width, height, left=west, bottom=south, right=east, top=north
    )
    if resampling is None:
        resampling = "bilinear" if np.issubdtype(src.dtype, np.floating) else "nearest"
    nodata = data.nodata
    fill = nodata if nodata is not None else (np.nan if np.issubdtype(src.dtype, np.floating) else 0)
    check_raster_size(data.path or "raster", dst_width, dst_height, count, src.dtype)
    dst = np.full((count, dst_height, dst_width), fill, dtype=src.dtype)
    reproject(
        src,
        dst,
        src_transform=data.transform,
        src_crs=data.crs,
        src_nodata=nodata,
        dst_transform=transform,
        dst_crs=dst_crs,
        dst_nodata=fill,
        resampling=Resampling[resampling],
    )
    profile = dict(data.profile)
    profile.update(crs=dst_crs, transform=transform, width=dst_width, height=dst_height)
    if nodata is None and np.issubdtype(src.dtype, np.floating):
        profile["nodata"] = np.nan
    array = dst if data.array.ndim == 3 else dst[0]
    return RasterData(array, profile, path=data.path, source_crs=data.source_crs, warnings=data.warnings)
