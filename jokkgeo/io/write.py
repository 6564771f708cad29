"""Atomic writers for every output (GeoPackage, GeoJSON, CSV, GeoTIFF, text, bytes).

Public API
----------
- ``write_vector(gdf, path, *, layer=None, overwrite=False)`` — ``.gpkg``, ``.geojson``/``.json``, ``.fgb``
- ``write_gpkg_layers(layers: dict[str, GeoDataFrame], path, *, overwrite=False, update=False)``
- ``write_table(df, path, *, overwrite=False, sep=",")`` — CSV, UTF-8; geometry written as WKT
- ``write_raster(array, path, *, transform, crs, nodata, overwrite=False)`` — see :mod:`jokkgeo.io.raster`
- ``write_text(path, text, *, overwrite=False, encoding="utf-8")``, ``write_bytes(path, data, *, overwrite=False)``
- ``atomic_output(path, *, overwrite=False)`` — context manager yielding a temporary path to write to

Guarantees (decisions recorded here)
------------------------------------
* **Atomic.** Every writer writes into a private temporary folder created *in the
  target's folder* (same file system), then ``os.replace``-s the finished file onto
  the target. A failed or interrupted run (exception, Ctrl-C) removes the temporary
  folder and leaves any earlier result untouched; readers never see a half-written file.
* **No silent overwrite.** An existing target (file, or symlink, even dangling) raises
  :class:`~jokkgeo.errors.OutputExistsError` unless ``overwrite=True``. The check is
  repeated just before the rename. A directory at the target path is always refused.
* **Symlinks are replaced, not followed.** Writing ``overwrite=True`` onto a symlink
  replaces the link itself with a regular file; the file it pointed to is not modified
  (GDAL and ``open(path, "w")`` would otherwise write through the link).
* **GeoPackage layers.** ``write_vector(..., layer="x")`` onto an existing GeoPackage
  *adds* layer ``x`` (no ``overwrite`` needed) or *replaces* it (``overwrite=True``)
  while keeping every other layer: the file is copied into the temporary folder, the
  layer is written into the copy, and the copy is renamed into place. pyogrio would
  otherwise delete an existing layer (or a non-GeoPackage file at that path) before
  writing. A target that exists but is not a GeoPackage is refused, never deleted.
  ``layer=None`` means the whole file is the output (layer named after the file stem).
* **Allow-list.** Only the suffixes in :data:`VECTOR_SUFFIXES` / ``.csv`` / ``.tif`` are
  written by the data writers; URLs and GDAL ``/vsi…`` paths are refused.
* Missing parent folders are created.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jokkgeo.errors import DataSourceError, OutputExistsError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import numpy as np
    import pandas as pd

log = logging.getLogger(__name__)

VECTOR_SUFFIXES: dict[str, str] = {
    ".gpkg": "GPKG",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".fgb": "FlatGeobuf",
}
"""Vector output formats (suffix -> OGR driver)."""

TABLE_SUFFIXES: tuple[str, ...] = (".csv",)
RASTER_SUFFIXES: tuple[str, ...] = (".tif", ".tiff")

_TMP_PREFIX = ".jokkgeo-tmp-"


def _as_local_path(path: str | os.PathLike[str]) -> Path:
    text = os.fspath(path)
    lowered = text.strip().lower()
    if "://" in lowered or lowered.startswith(("/vsi", "vsi")):
        raise DataSourceError(f"{text}: URLs and GDAL virtual paths cannot be written; give a local file path")
    return Path(text).expanduser()


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _refuse_existing(path: Path, overwrite: bool) -> None:
    if path.is_dir() and not path.is_symlink():
        raise OutputExistsError(f"{path}: is a folder; choose a file name for the output")
    if _exists(path) and not overwrite:
        raise OutputExistsError(f"{path}: output already exists; pass overwrite=True (CLI: --overwrite) to replace it")


@contextmanager
def atomic_output(path: str | os.PathLike[str], *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write ``path``'s content to; rename it into place on success.

    The temporary file has the same name as the target (so drivers that look at the
    suffix work) inside a hidden temporary folder next to the target. On any
    exception, including ``KeyboardInterrupt``, the temporary folder is removed and
    the target is left as it was.

    Parameters
    ----------
    path
        Final output path.
    overwrite
        Replace an existing output (otherwise :class:`OutputExistsError`).

    Examples
    --------
    >>> with atomic_output(tmp / "map.html") as tmp_path:    # doctest: +SKIP
    ...     tmp_path.write_text("<html>…</html>", encoding="utf-8")
    """
    target = _as_local_path(path)
    _refuse_existing(target, overwrite)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp_dir = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=target.parent))
    except (PermissionError, NotADirectoryError, FileExistsError) as exc:
        raise DataSourceError(f"{target}: cannot write into {target.parent} ({exc.strerror or exc})") from None
    tmp_path = tmp_dir / target.name
    try:
        yield tmp_path
        if not tmp_path.exists():
            raise DataSourceError(f"{target}: nothing was written")
        _refuse_existing(target, overwrite)  # re-check: another process may have written it meanwhile
        os.replace(tmp_path, target)
        log.info("wrote %s", target)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)


def write_text(path: str | os.PathLike[str], text: str, *, overwrite: bool = False, encoding: str = "utf-8") -> Path:
    """Write text atomically (HTML, JSON, SVG, Markdown …). Returns the path written."""
    with atomic_output(path, overwrite=overwrite) as tmp:
        tmp.write_text(text, encoding=encoding)
    return Path(path)


def write_bytes(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False) -> Path:
    """Write bytes atomically (PNG, PDF …). Returns the path written."""
    with atomic_output(path, overwrite=overwrite) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def _vector_driver(path: Path) -> str:
    driver = VECTOR_SUFFIXES.get(path.suffix.lower())
    if driver is None:
        raise DataSourceError(
            f"{path}: cannot write vector format '{path.suffix or '(none)'}'; use one of {', '.join(VECTOR_SUFFIXES)}"
        )
    return driver


def _is_geopackage(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _gpkg_layers(path: Path) -> list[str]:
    import pyogrio

    return [str(name) for name in pyogrio.list_layers(path)[:, 0]]


def _copy_gpkg(src: Path, dst: Path) -> None:
    """Consistent copy of a GeoPackage (SQLite backup API: includes a pending -wal)."""
    source = sqlite3.connect(f"file:{src.resolve()}?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(dst)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()


def _write_frame(gdf: gpd.GeoDataFrame, path: Path, *, driver: str, layer: str | None) -> None:
    import pyogrio

    kwargs: dict[str, Any] = {"driver": driver}
    if layer is not None:
        kwargs["layer"] = layer
    if driver == "GeoJSON":
        kwargs["RFC7946"] = False  # keep the CRS (EPSG:3006); RFC 7946 would force WGS84
    if driver == "FlatGeobuf":
        kwargs["SPATIAL_INDEX"] = False  # keep row order (outputs are small; order is meaningful)
    if driver == "GPKG":
        # GeoPackage 1.2 opens without warnings in older GDAL/QGIS (Debian 12's GDAL 3.6 warns on 1.4)
        kwargs["dataset_options"] = {"VERSION": "1.2"}
    pyogrio.write_dataframe(gdf, path, **kwargs)


def write_vector(
    gdf: gpd.GeoDataFrame,
    path: str | os.PathLike[str],
    *,
    layer: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write a GeoDataFrame atomically to GeoPackage, GeoJSON or FlatGeobuf.

    Parameters
    ----------
    gdf
        Data to write (any CRS; it is written as is, normally EPSG:3006).
    path
        ``.gpkg``, ``.geojson``/``.json`` or ``.fgb``.
    layer
        GeoPackage layer name. With a layer name an existing GeoPackage is updated:
        the layer is added (or, with ``overwrite=True``, replaced) and all other
        layers are kept. Without one the whole file is the output.
    overwrite
        Replace an existing output file or layer.

    Returns
    -------
    Path
        The path written.
    """
    target = _as_local_path(path)
    driver = _vector_driver(target)
    if layer is not None and driver != "GPKG":
        raise DataSourceError(f"{target}: layer names are only supported for GeoPackage (.gpkg) outputs")
    if driver == "GPKG" and layer is not None and _exists(target):
        return write_gpkg_layers({layer: gdf}, target, overwrite=overwrite, update=True)
    with atomic_output(target, overwrite=overwrite) as tmp:
        _write_frame(gdf, tmp, driver=driver, layer=layer or (target.stem if driver == "GPKG" else None))
    return target


def write_gpkg_layers(
    layers: Mapping[str, gpd.GeoDataFrame],
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    update: bool = False,
) -> Path:
    """Write several layers into one GeoPackage atomically.

    Parameters
    ----------
    layers
        Layer name -> GeoDataFrame.
    path
        A ``.gpkg`` path.
    overwrite
        Without ``update``: replace an existing file. With ``update``: replace
        layers of the same name.
    update
        Keep the existing file's other layers (copy it, write the layers into the
        copy, rename). Without ``overwrite`` an already present layer name is an error.
    """
    target = _as_local_path(path)
    if _vector_driver(target) != "GPKG":
        raise DataSourceError(f"{target}: write_gpkg_layers writes GeoPackages; use a .gpkg path")
    if not layers:
        raise DataSourceError(f"{target}: no layers to write")
    if update and _exists(target):
        if target.is_dir() or not _is_geopackage(target):
            raise OutputExistsError(f"{target}: exists but is not a GeoPackage; refusing to modify or delete it")
        existing = set(_gpkg_layers(target))
        clashes = sorted(existing.intersection(layers))
        if clashes and not overwrite:
            raise OutputExistsError(
                f"{target}: layer(s) {', '.join(clashes)} already exist; pass overwrite=True (CLI: --overwrite)"
            )
        with atomic_output(target, overwrite=True) as tmp:
            _copy_gpkg(target, tmp)
            for name, gdf in layers.items():
                _write_frame(gdf, tmp, driver="GPKG", layer=name)  # pyogrio replaces only this layer
        return target
    with atomic_output(target, overwrite=overwrite) as tmp:
        for name, gdf in layers.items():
            _write_frame(gdf, tmp, driver="GPKG", layer=name)
    return target


def write_table(
    df: pd.DataFrame, path: str | os.PathLike[str], *, overwrite: bool = False, sep: str = ","
) -> Path:
    """Write a table as UTF-8 CSV atomically (geometry columns as WKT, index not written).

    Use ``sep=";"`` for Swedish Excel; numbers keep a decimal point.
    """
    import geopandas as gpd

    target = _as_local_path(path)
    if target.suffix.lower() not in TABLE_SUFFIXES:
        raise DataSourceError(f"{target}: tables are written as .csv")
    out = df
    if isinstance(df, gpd.GeoDataFrame):
        out = df.to_wkt()
    with atomic_output(target, overwrite=overwrite) as tmp:
        out.to_csv(tmp, index=False, sep=sep, encoding="utf-8")
    return target


def write_raster(
    array: np.ndarray,
    path: str | os.PathLike[str],
    *,
    transform: Any,
    crs: Any,
    nodata: float | int | None,
    overwrite: bool = False,
) -> Path:
    """Write a GeoTIFF atomically (tiled, deflate); see :func:`jokkgeo.io.raster.write_raster`."""
    from jokkgeo.io.raster import write_raster as _write_raster

    return _write_raster(array, path, transform=transform, crs=crs, nodata=nodata, overwrite=overwrite)
