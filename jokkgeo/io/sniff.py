"""What a file really is: content checks before GDAL opens it, and GDAL options that forbid I/O beyond it.

GDAL picks a driver by a file's *content*, not its suffix: an XML VRT saved as
``roads.geojson`` is opened by the VRT driver, which then reads any local file it
names (``/etc/passwd``) or fetches URLs. jokkgeo therefore

1. checks the first bytes against the format the suffix promises
   (:func:`check_content`) before GDAL sees the file,
2. opens it with GDAL options that forbid network access, VRT tricks and
   sibling-file probing (:func:`gdal_read_options`, scoped with :func:`gdal_guard`),
3. checks afterwards that the driver GDAL actually used is the one the suffix
   promises (:func:`check_driver`).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jokkgeo.errors import DataSourceError

EXPECTED_DRIVERS: dict[str, tuple[str, ...]] = {
    ".gpkg": ("GPKG",),
    ".geojson": ("GeoJSON", "GeoJSONSeq"),
    ".json": ("GeoJSON", "GeoJSONSeq"),
    ".shp": ("ESRI Shapefile",),
    ".fgb": ("FlatGeobuf",),
    ".tif": ("GTiff",),
    ".tiff": ("GTiff",),
    ".osm": ("OSM",),
    ".xml": ("OSM",),
    ".pbf": ("OSM",),
}
"""Suffix -> the GDAL drivers allowed to open it."""

_VRT_TAG = re.compile(rb"<\s*(OGRVRTDataSource|VRTDataset)", re.IGNORECASE)
_TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")
_FORMAT_NAMES = {
    ".gpkg": "GeoPackage (SQLite)",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".shp": "ESRI Shapefile",
    ".fgb": "FlatGeobuf",
    ".tif": "GeoTIFF",
    ".tiff": "GeoTIFF",
    ".osm": "OpenStreetMap XML",
    ".xml": "OpenStreetMap XML",
    ".pbf": "OpenStreetMap PBF",
}


def gdal_read_options() -> dict[str, str]:
    """GDAL configuration options set while jokkgeo reads a user file.

    No HTTP or cloud access (``/vsicurl`` only for a suffix no file has), no Python or
    raw-file VRT sources, no listing of sibling files.
    """
    return {
        "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".jokkgeo-no-network",
        "GDAL_HTTP_MAX_RETRY": "0",
        "GDAL_HTTP_TIMEOUT": "1",
        "GDAL_HTTP_CONNECTTIMEOUT": "1",
        "GDAL_VRT_ENABLE_PYTHON": "NO",
        "GDAL_VRT_ENABLE_RAWRASTERBAND": "NO",
        "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
        "CPL_LOG_ERRORS": "OFF",
    }


_GUARD_LOCK = threading.Lock()
_guard_depth = 0
_guard_saved: dict[str, str | None] = {}


@contextmanager
def gdal_guard() -> Iterator[None]:
    """Set :func:`gdal_read_options` for pyogrio reads inside the block and restore the previous values.

    GDAL's options are process-wide: the first block to enter (also across threads)
    saves the previous values and the last one to leave restores (or unsets) them, also
    on errors, so nothing is left behind.
    """
    import pyogrio

    global _guard_depth
    options = gdal_read_options()
    with _GUARD_LOCK:
        if _guard_depth == 0:
            _guard_saved.clear()
            _guard_saved.update({key: pyogrio.get_gdal_config_option(key) for key in options})
            pyogrio.set_gdal_config_options(options)
        _guard_depth += 1
    try:
        yield
    finally:
        with _GUARD_LOCK:
            _guard_depth -= 1
            if _guard_depth == 0:
                pyogrio.set_gdal_config_options(
                    {k: (None if v is None else str(v)) for k, v in _guard_saved.items()}
                )


def _head(path: Path, size: int = 512) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(size)
    except OSError as exc:
        raise DataSourceError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def check_content(path: Path) -> None:
    """Refuse a file whose first bytes do not match the format its suffix promises.

    Parameters
    ----------
    path
        A local file with one of the suffixes in :data:`EXPECTED_DRIVERS`
        (other suffixes are not checked here).

    Raises
    ------
    DataSourceError
        When the content is a GDAL VRT (XML) or anything else than the suffix says.
    """
    suffix = path.suffix.lower()
    if suffix not in EXPECTED_DRIVERS:
        return
    head = _head(path, 65536)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if _VRT_TAG.search(head):
        raise DataSourceError(
            f"{path}: is a GDAL VRT (XML), not {_FORMAT_NAMES[suffix]}; VRT files can read other files "
            "and URLs and are not opened; export the data itself to a real file"
        )
    ok = {
        ".gpkg": head.startswith(b"SQLite format 3\x00"),
        ".fgb": head.startswith(b"fgb\x03"),
        ".shp": head[:4] == b"\x00\x00\x27\x0a",
        ".geojson": text.startswith((b"{", b"\x1e")),
        ".json": text.startswith((b"{", b"\x1e")),
        ".tif": head.startswith(_TIFF_MAGIC),
        ".tiff": head.startswith(_TIFF_MAGIC),
        ".osm": text.startswith(b"<") and b"<osm" in head,
        ".xml": text.startswith(b"<") and b"<osm" in head,
        ".pbf": b"OSMHeader" in head[:64],
    }[suffix]
    if not ok:
        raise DataSourceError(
            f"{path}: cannot be {'read as a' if suffix in ('.tif', '.tiff') else 'opened as'} {_FORMAT_NAMES[suffix]}: "
            f"its content is not {_FORMAT_NAMES[suffix]} "
            f"(the file starts with {head[:16]!r}); "
            "check that the file is what its suffix says, or re-export it"
        )


def check_driver(path: Path, driver: str) -> None:
    """Refuse a file that GDAL opened with another driver than its suffix promises.

    Parameters
    ----------
    path
        The file opened.
    driver
        The short name of the driver GDAL used (``pyogrio.read_info(...)["driver"]``,
        ``rasterio`` ``src.driver``).
    """
    allowed = EXPECTED_DRIVERS.get(path.suffix.lower())
    if allowed is not None and driver not in allowed:
        raise DataSourceError(
            f"{path}: GDAL opened it as {driver}, not {_FORMAT_NAMES[path.suffix.lower()]}; "
            "refusing to read it (only the format its suffix names is accepted)"
        )


@contextmanager
def gdal_local_path(path: Path) -> Iterator[Path]:
    """Yield a path pyogrio hands to GDAL unchanged: ``path`` itself, or a link to it.

    pyogrio parses paths as URIs, so a local name with ``;`` (``a;b.gpkg``), ``!``,
    ``?`` or a ``scheme:`` prefix would be cut short or turned into a ``/vsi…`` path.
    Such a file (with its sibling files of the same stem, e.g. a Shapefile's .dbf/.shx)
    is linked into a private temporary folder under a plain name for the read.

    Parameters
    ----------
    path
        A local, existing file.
    """
    import shutil
    import tempfile

    from pyogrio.util import vsi_path

    absolute = path.absolute()
    if vsi_path(str(absolute)) == str(absolute):
        yield absolute
        return
    tmp = Path(tempfile.mkdtemp(prefix="jokkgeo-read-"))
    try:
        for sibling in absolute.parent.iterdir():
            if sibling.is_file() and (sibling == absolute or sibling.stem == absolute.stem):
                os.symlink(sibling, tmp / ("data" + sibling.suffix))
        yield tmp / ("data" + absolute.suffix)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
