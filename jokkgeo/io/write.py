"""Atomic writers for every output (GeoPackage, GeoJSON, CSV, GeoTIFF, text, bytes, report folders).

Public API
----------
- ``write_vector(gdf, path, *, layer=None, overwrite=False, metadata=None)`` — ``.gpkg``,
  ``.geojson``/``.json``, ``.fgb``
- ``write_gpkg_layers(layers: dict[str, GeoDataFrame], path, *, overwrite=False, update=False, metadata=None)``
- ``write_table(df, path, *, overwrite=False, sep=",", metadata=None)`` — CSV, UTF-8; geometry as WKT
- ``write_raster(array, path, *, transform, crs, nodata, overwrite=False, metadata=None)`` — see
  :mod:`jokkgeo.io.raster`
- ``write_text(path, text, *, overwrite=False, encoding="utf-8")``, ``write_bytes(path, data, *, overwrite=False)``
- ``write_figure(fig, stem, *, formats=("png", "svg", "pdf"), dpi=300, overwrite=False)`` — matplotlib figures
- ``atomic_output(path, *, overwrite=False)`` — context manager yielding a temporary path to write to
- ``atomic_dir(target, *, overwrite=False)`` — context manager yielding a temporary folder (report bundles)
- ``check_output_path(path, *, overwrite, kind="file")`` — every check that can be made *before* the work
- :class:`LayerMetadata` — title, description, caveats, sources, restricted flag carried by every output

Guarantees (decisions recorded here)
------------------------------------
* **Atomic.** Every writer writes into a private temporary folder created *in the
  target's folder* (same file system), then ``os.replace``-s the finished file onto
  the target. A failed or interrupted run (exception, Ctrl-C) removes the temporary
  folder and leaves any earlier result untouched; readers never see a half-written file.
  Temporary names carry the process id (``.jokkgeo-tmp-<pid>-…``, ``.<name>.tmp-<pid>-…``);
  leftovers of killed runs (``kill -9``) whose process is gone are removed by the next write
  into that folder (:func:`clean_stale_temps`).
* **No silent overwrite.** An existing target (file, or symlink, even dangling) raises
  :class:`~jokkgeo.errors.OutputExistsError` unless ``overwrite=True``. The check is
  repeated just before the rename. A directory at the target path is always refused.
* **Only what jokkgeo wrote is replaced.** A folder is replaced (``atomic_dir``) only when it
  carries the marker file :data:`BUNDLE_MARKER` that ``atomic_dir`` writes into every bundle
  (or is empty). A ``.gpkg`` target that is not a GeoPackage is refused, never deleted; an
  existing GeoPackage is never replaced as a whole: the layers being written are added or
  (with ``overwrite=True``) replaced, every other layer is kept (the file is copied into the
  temporary folder, the layers written into the copy, and the copy renamed into place).
* **Symlinks are replaced, not followed.** Writing ``overwrite=True`` onto a symlink
  replaces the link itself with a regular file; the file it pointed to is not modified.
* **One geometry type per GeoPackage layer.** A frame mixing points, lines and polygons is
  written as ``<name>_points``, ``<name>_lines``, ``<name>_polygons`` (single and multi parts of
  one family share a layer, promoted to Multi*). Object columns holding only booleans are
  written as GeoPackage booleans (not ``'True'``/``'False'`` text).
* **Metadata travels with the data.** With ``metadata=LayerMetadata(...)`` a GeoPackage layer
  gets ``gpkg_contents.identifier`` (``<title> (<layer>)``, identifiers must be unique) and
  ``gpkg_contents.description`` (description, caveats, sources, restricted flag — QGIS shows it) and
  the GeoPackage metadata extension
  (``gpkg_metadata`` + ``gpkg_metadata_reference``, keys ``title``, ``description``,
  ``caveats``, ``sources``, ``restricted``, ``written_by``); a GeoTIFF gets the same keys as
  dataset tags; a CSV table gets a sidecar ``<stem>.metadata.txt`` (first line
  ``RESTRICTED …`` for restricted data), because a comment line inside the CSV breaks Excel
  and pandas.
* **CSV** is UTF-8 with CRLF row ends (RFC 4180, as Excel writes it; a CR inside a value is
  quoted). **No formulas in tables.** CSV cells (and headers) starting with ``= + - @``, TAB or CR
  are prefixed with ``'`` so Excel/LibreOffice show them as text; numbers (also negative
  numbers stored as text) are written unchanged.
* **Clear errors.** OS errors while writing (read-only folder, disk full, permission denied,
  name too long) become :class:`~jokkgeo.errors.DataSourceError` naming the output and the
  cause. :func:`check_output_path` finds most of them before any analysis runs.
* **Allow-list.** Only the suffixes in :data:`WRITE_DRIVERS` / ``.csv`` / ``.tif`` are
  written by the data writers; URLs and GDAL ``/vsi…`` paths are refused.
* Missing parent folders are created.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import secrets
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jokkgeo.errors import DataSourceError, JokkgeoError, OutputExistsError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import numpy as np
    import pandas as pd

log = logging.getLogger(__name__)

WRITE_DRIVERS: dict[str, str] = {
    ".gpkg": "GPKG",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".fgb": "FlatGeobuf",
}
"""Vector output formats (suffix -> OGR driver)."""

TABLE_SUFFIXES: tuple[str, ...] = (".csv",)

BUNDLE_MARKER = ".jokkgeo-bundle"
"""File written into every folder :func:`atomic_dir` creates; only such folders are ever replaced."""
MAX_NAME_BYTES = 255
"""Longest file or folder name (UTF-8 bytes) most file systems accept."""

_TMP_PREFIX = ".jokkgeo-tmp-"
_STALE_TMP = re.compile(r"^(?:\.jokkgeo-tmp-|\..+\.(?:tmp|old)-)(\d+)-")
_LEGACY_TMP = re.compile(r"^\..+\.(?:tmp|old)-[a-z0-9_]{8}$")
_LEGACY_TMP_AGE_S = 6 * 3600
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class LayerMetadata:
    """What every output carries besides its data: title, description, caveats, sources, restricted flag.

    Parameters
    ----------
    title
        Short human title (GeoPackage ``identifier``, QGIS layer title).
    description
        One or a few sentences on what the layer holds.
    caveats
        Caveats a receiver must see (a string or several).
    sources
        Data sources / citations (a string or several).
    restricted
        ``True`` for data that must not be shared freely (e.g. reindeer-herding layers).

    Examples
    --------
    >>> LayerMetadata("Konflikter", "Överlapp", caveats="Schematiska data", restricted=True).as_tags()["restricted"]
    'true'
    """

    title: str = ""
    description: str = ""
    caveats: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    restricted: bool = False

    def __post_init__(self) -> None:
        for name in ("caveats", "sources"):
            value = getattr(self, name)
            if value is None:
                value = ()
            elif isinstance(value, str):
                value = (value,) if value.strip() else ()
            object.__setattr__(self, name, tuple(str(v) for v in value if str(v).strip()))
        object.__setattr__(self, "restricted", bool(self.restricted))

    @classmethod
    def from_spec(
        cls,
        spec: Any,
        *,
        language: str = "sv",
        caveats: tuple[str, ...] | list[str] = (),
        sources: tuple[str, ...] | list[str] = (),
        restricted: bool | None = None,
    ) -> LayerMetadata:
        """Metadata of an output derived from a catalogue layer (title, description, caveat, sources, flag).

        Parameters
        ----------
        spec
            A layer spec (``jokkgeo.config.layers.LayerSpec``: ``label``/``title``, ``description``,
            ``caveat_text``, ``attribution``, ``licence``, ``provenance``, ``restricted``,
            ``illustrative``).
        language
            ``"sv"`` or ``"en"``.
        caveats, sources
            Added after the spec's own (e.g. an analysis result's ``provenance.caveats`` and
            citations).
        restricted
            Overrides the spec's flag (e.g. ``True`` for a result derived from any restricted layer).
        """
        label = getattr(spec, "label", None)
        title = label(language) if callable(label) else str(getattr(spec, "title", ""))
        description = getattr(spec, "description_en", None) if language == "en" else None
        description = description or getattr(spec, "description", None) or ""
        caveat_text = getattr(spec, "caveat_text", None)
        own_caveats = [caveat_text(language)] if callable(caveat_text) and caveat_text(language) else []
        if getattr(spec, "illustrative", False):
            own_caveats.insert(0, "Illustrative / schematic data" if language == "en"
                               else "Illustrativa / schematiska data")
        own_sources = [
            f"{key}: {value}" for key in ("attribution", "licence", "provenance") if (value := getattr(spec, key, None))
        ]
        flag = bool(getattr(spec, "restricted", False)) if restricted is None else restricted
        return cls(title, str(description), (*own_caveats, *caveats), (*own_sources, *sources), flag)

    def as_tags(self) -> dict[str, str]:
        """Flat text keys (GeoPackage metadata, GeoTIFF tags)."""
        return {
            "title": self.title,
            "description": self.description,
            "caveats": " | ".join(self.caveats),
            "sources": " | ".join(self.sources),
            "restricted": "true" if self.restricted else "false",
            "written_by": "jokkgeo",
        }

    def as_text(self) -> str:
        """Readable text (``gpkg_contents.description``, CSV sidecar), restricted notice first."""
        lines = []
        if self.restricted:
            lines.append("RESTRICTED / BEGRÄNSAD: derived from restricted data; do not share without consent.")
        if self.title:
            lines.append(self.title)
        if self.description:
            lines.append(self.description)
        lines.extend(f"Caveat: {c}" for c in self.caveats)
        lines.extend(f"Source: {s}" for s in self.sources)
        return "\n".join(lines)


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


_ERRNO_TEXT = {
    errno.ENOSPC: "the disk is full; free some space or write elsewhere",
    errno.EDQUOT: "the disk quota is exceeded; free some space or write elsewhere",
    errno.EACCES: "permission denied; choose a folder you can write to",
    errno.EPERM: "permission denied; choose a folder you can write to",
    errno.EROFS: "the folder is on a read-only file system; choose another output folder",
    errno.ENAMETOOLONG: f"the name is too long (at most {MAX_NAME_BYTES} bytes per name); choose a shorter name",
    errno.ENOTDIR: "a part of the path is a file, not a folder; choose another output folder",
    errno.EISDIR: "a folder is in the way; choose another output name",
}


def os_error_message(target: Path | str, exc: OSError) -> str:
    """One user-facing message for an OS error while writing ``target``.

    Parameters
    ----------
    target
        The output being written.
    exc
        The error raised by the operating system.
    """
    text = _ERRNO_TEXT.get(exc.errno or -1, exc.strerror or str(exc))
    return f"{target}: cannot write into {Path(target).parent} ({text})"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def clean_stale_temps(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove jokkgeo temporary files/folders in ``folder`` left by runs that were killed.

    Removed: ``.jokkgeo-tmp-<pid>-…`` and ``.<name>.tmp-<pid>-…`` / ``.<name>.old-<pid>-…``
    whose process no longer exists, and the older pid-less ``.<name>.tmp-xxxxxxxx`` report
    temporaries when older than six hours. Returns what was removed.

    Parameters
    ----------
    folder
        The folder outputs are written into.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = _STALE_TMP.match(entry.name)
        stale = False
        if match:
            stale = not _pid_alive(int(match.group(1)))
        elif _LEGACY_TMP.match(entry.name):
            try:
                stale = now - entry.stat(follow_symlinks=False).st_mtime > _LEGACY_TMP_AGE_S
            except OSError:
                stale = False
        if not stale:
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
            log.info("removed %s left by an interrupted run", path)
        except OSError:
            continue
    return removed


def _tmp_name(stem: str) -> str:
    return f"{stem}{os.getpid()}-{secrets.token_hex(4)}"


def _check_name(path: Path) -> None:
    text = str(path)
    bad = sorted({repr(ch) for ch in text if ord(ch) < 32 or ord(ch) == 127})
    if bad:
        raise DataSourceError(
            f"{text!r}: output name contains control character(s) {', '.join(bad)} (e.g. a newline); "
            "choose a plain name"
        )
    for part in path.parts:
        if len(part.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES:
            raise DataSourceError(
                f"{path}: the name '{part[:40]}…' is {len(part.encode('utf-8', 'surrogateescape'))} bytes long; "
                f"file systems accept at most {MAX_NAME_BYTES}; choose a shorter name"
            )


def is_jokkgeo_dir(path: str | os.PathLike[str]) -> bool:
    """``True`` when ``path`` is a folder jokkgeo wrote (it holds :data:`BUNDLE_MARKER`) or an empty folder.

    Parameters
    ----------
    path
        A folder.
    """
    folder = Path(path)
    if not folder.is_dir() or folder.is_symlink():
        return False
    if (folder / BUNDLE_MARKER).is_file():
        return True
    return not any(folder.iterdir())


def _is_geopackage(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def check_output_path(
    path: str | os.PathLike[str], *, overwrite: bool = False, kind: str = "file"
) -> Path:
    """Check an output location before any work is done; return it as a :class:`Path`.

    Call this first in a command, so a bad ``--out`` fails in a second instead of after
    the whole analysis.

    Parameters
    ----------
    path
        The output file (``kind="file"``) or folder (``kind="dir"``, e.g. a report bundle).
    overwrite
        Whether an existing output may be replaced (CLI ``--overwrite``).
    kind
        ``"file"`` or ``"dir"``.

    Raises
    ------
    DataSourceError
        URL or ``/vsi`` path; a name with control characters (newline …) or longer than
        255 bytes; a parent that is a file; a folder that cannot be written to.
    OutputExistsError
        The output exists and ``overwrite`` is false; a file is where a folder is wanted
        or vice versa; with ``overwrite``, an existing folder that jokkgeo did not write
        (no :data:`BUNDLE_MARKER`) or a ``.gpkg`` that is not a GeoPackage.
    """
    if kind not in ("file", "dir"):
        raise ValueError(f"kind must be 'file' or 'dir', not {kind!r}")
    target = _as_local_path(path)
    _check_name(target)
    if not target.name:
        raise DataSourceError(f"{target}: give a {'folder' if kind == 'dir' else 'file'} name for the output")
    ancestor = target.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        if ancestor.is_symlink():
            break
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise DataSourceError(f"{target}: cannot write into {target.parent} ({ancestor} is a file, not a folder)")
    try:
        fd, probe = tempfile.mkstemp(prefix=_TMP_PREFIX + _tmp_name("probe-"), dir=ancestor)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise DataSourceError(os_error_message(target, exc)) from None
    if not _exists(target):
        return target
    what = "folder" if kind == "dir" else "file"
    if kind == "dir":
        if not target.is_dir() or target.is_symlink():
            raise OutputExistsError(f"{target}: exists and is not a folder; choose another output folder")
        if not overwrite:
            raise OutputExistsError(f"{target}: already exists; pass --overwrite to replace the {what}")
        if not is_jokkgeo_dir(target):
            raise OutputExistsError(
                f"{target}: exists and was not written by jokkgeo (no {BUNDLE_MARKER} file); refusing to replace it "
                "even with --overwrite, so nothing of yours is lost; choose a new output folder"
            )
        return target
    if target.is_dir() and not target.is_symlink():
        raise OutputExistsError(f"{target}: is a folder; choose a file name for the output")
    if target.suffix.lower() == ".gpkg" and not target.is_symlink() and not _is_geopackage(target):
        raise OutputExistsError(f"{target}: exists but is not a GeoPackage; refusing to modify or delete it")
    if not overwrite:
        raise OutputExistsError(f"{target}: output already exists; "
                                "pass overwrite=True (CLI: --overwrite) to replace it")
    return target


@contextmanager
def atomic_output(path: str | os.PathLike[str], *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write ``path``'s content to; rename it into place on success.

    The temporary file has the same name as the target (so drivers that look at the
    suffix work) inside a hidden temporary folder next to the target. On any
    exception, including ``KeyboardInterrupt``, the temporary folder is removed and
    the target is left as it was. OS errors become :class:`DataSourceError`.

    Parameters
    ----------
    path
        Final output path.
    overwrite
        Replace an existing output (otherwise :class:`OutputExistsError`).

    Examples
    --------
    >>> import pathlib, shutil, tempfile
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_output(tmp / "map.html") as tmp_path:
    ...     _ = tmp_path.write_text("<html>…</html>", encoding="utf-8")
    >>> (tmp / "map.html").read_text(encoding="utf-8")
    '<html>…</html>'
    >>> shutil.rmtree(tmp)
    """
    target = _as_local_path(path)
    _check_name(target)
    _refuse_existing(target, overwrite)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        clean_stale_temps(target.parent)
        tmp_dir = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX + _tmp_name(""), dir=target.parent))
    except (OSError, FileExistsError) as exc:
        raise DataSourceError(os_error_message(target, exc)) from None
    tmp_path = tmp_dir / target.name
    try:
        try:
            yield tmp_path
            if not tmp_path.exists():
                raise DataSourceError(f"{target}: nothing was written")
            _refuse_existing(target, overwrite)  # re-check: another process may have written it meanwhile
            os.replace(tmp_path, target)
        except JokkgeoError:
            raise
        except OSError as exc:
            raise DataSourceError(os_error_message(target, exc)) from None
        log.info("wrote %s", target)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)


@contextmanager
def atomic_dir(target: str | os.PathLike[str], *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary sibling folder to build an output folder in; rename it into place on success.

    The folder gets the marker file :data:`BUNDLE_MARKER` at once, so the finished
    folder says it was written by jokkgeo. On success an existing ``target`` is replaced
    only if it carries that marker (or is empty); on failure (also Ctrl-C) the temporary
    folder is removed and ``target`` is left as it was. Temporary folders are named
    ``.<name>.tmp-<pid>-<random>``; those of killed runs are removed on the next call.

    Parameters
    ----------
    target
        The output folder (e.g. the report bundle, CLI ``--out``).
    overwrite
        Replace an existing jokkgeo folder (otherwise :class:`OutputExistsError`).

    Raises
    ------
    OutputExistsError
        ``target`` exists and ``overwrite`` is false, or it is not a folder jokkgeo wrote.
    DataSourceError
        The folder cannot be written (message names the cause).

    Examples
    --------
    >>> import pathlib, shutil, tempfile
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_dir(tmp / "report", overwrite=True) as folder:
    ...     _ = (folder / "index.html").write_text("…", encoding="utf-8")
    >>> sorted(p.name for p in (tmp / "report").iterdir())
    ['.jokkgeo-bundle', 'index.html']
    >>> shutil.rmtree(tmp)
    """
    out = check_output_path(target, overwrite=overwrite, kind="dir")
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        clean_stale_temps(parent)
        tmp = parent / _tmp_name(f".{out.name}.tmp-")
        tmp.mkdir()
    except OSError as exc:
        raise DataSourceError(os_error_message(out, exc)) from None
    try:
        try:
            (tmp / BUNDLE_MARKER).write_text(
                json.dumps({"written_by": "jokkgeo", "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
                + "\n",
                encoding="utf-8",
            )
            yield tmp
            check_output_path(out, overwrite=overwrite, kind="dir")  # re-check just before the swap
            if _exists(out):
                old = parent / _tmp_name(f".{out.name}.old-")
                os.replace(out, old)
                try:
                    os.replace(tmp, out)
                except OSError:
                    os.replace(old, out)  # put the previous bundle back
                    raise
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(tmp, out)
        except JokkgeoError:
            raise
        except OSError as exc:
            raise DataSourceError(os_error_message(out, exc)) from None
        log.info("wrote folder %s", out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def write_text(path: str | os.PathLike[str], text: str, *, overwrite: bool = False, encoding: str = "utf-8") -> Path:
    """Write text atomically (HTML, JSON, SVG, Markdown …). Returns the path written.

    Parameters
    ----------
    path
        File to write (its folder must exist).
    text
        The content.
    overwrite
        Replace an existing file (else an existing file is an error).
    encoding
        Text encoding.
    """
    with atomic_output(path, overwrite=overwrite) as tmp:
        tmp.write_text(text, encoding=encoding)
    return Path(path)


def write_bytes(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False) -> Path:
    """Write bytes atomically (PNG, PDF …). Returns the path written.

    Parameters
    ----------
    path
        File to write (its folder must exist).
    data
        The content.
    overwrite
        Replace an existing file (else an existing file is an error).
    """
    with atomic_output(path, overwrite=overwrite) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_figure(fig: Any, stem: str | os.PathLike[str], *, formats: Sequence[str] = ("png", "svg", "pdf"),
                 dpi: int = 300, overwrite: bool = False) -> list[Path]:
    """Write a matplotlib figure as ``stem.png``/``.svg``/``.pdf``, each file atomically.

    The bytes come from :func:`jokkgeo.render.static.figure_bytes` (fixed metadata, so the
    same figure gives the same files); renderers never write files themselves.

    Parameters
    ----------
    fig
        A matplotlib figure (e.g. from :func:`jokkgeo.render.static.static_figure`).
    stem
        The output path without suffix; each format adds its own.
    formats
        Any of ``png``, ``svg``, ``pdf``.
    dpi
        Resolution of raster output.
    overwrite
        Replace existing files (otherwise :class:`~jokkgeo.errors.OutputExistsError`).

    Returns
    -------
    list of Path
        The files written, in the order of ``formats``.
    """
    from jokkgeo.render.static import figure_bytes

    stem = Path(stem)
    return [write_bytes(stem.with_suffix(f".{fmt}"), figure_bytes(fig, fmt, dpi=dpi), overwrite=overwrite)
            for fmt in formats]


def _vector_driver(path: Path) -> str:
    driver = WRITE_DRIVERS.get(path.suffix.lower())
    if driver is None:
        raise DataSourceError(
            f"{path}: cannot write vector format '{path.suffix or '(none)'}'; use one of {', '.join(WRITE_DRIVERS)}"
        )
    return driver


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


_FAMILY_SUFFIX = {0: "points", 1: "lines", 2: "polygons"}
_FAMILY_TYPE = {0: "Point", 1: "LineString", 2: "Polygon"}


def split_by_geometry(name: str, gdf: Any) -> dict[str, Any]:
    """One frame per geometry family (points, lines, polygons): ``{name: gdf}`` when there is one family.

    Parameters
    ----------
    name
        Layer name; a mixed frame gives ``<name>_points``, ``<name>_lines``, ``<name>_polygons``.
    gdf
        A GeoDataFrame (a plain DataFrame is returned as is). Rows without geometry go
        with the first family.
    """
    import geopandas as gpd
    import numpy as np
    import shapely

    if not isinstance(gdf, gpd.GeoDataFrame) or len(gdf) == 0:
        return {name: gdf}
    geoms = np.asarray(gdf.geometry.array, dtype=object)
    dims = np.where(shapely.is_missing(geoms) | shapely.is_empty(geoms), -1, shapely.get_dimensions(geoms))
    families = sorted(int(d) for d in np.unique(dims) if d >= 0)
    if len(families) <= 1:
        return {name: gdf}
    dims = np.where(dims < 0, families[0], dims)
    parts = {f"{name}_{_FAMILY_SUFFIX[d]}": gdf.loc[dims == d] for d in families}
    log.info("%s: mixed geometry types written as layers %s", name, ", ".join(parts))
    return parts


def _geometry_type(gdf: Any) -> str | None:
    """The one GeoPackage geometry type of a single-family frame (Multi* when any part is multi)."""
    import geopandas as gpd
    import numpy as np
    import shapely

    if not isinstance(gdf, gpd.GeoDataFrame):
        return None
    geoms = np.asarray(gdf.geometry.array, dtype=object)
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if len(geoms) == 0:
        return None
    dims = np.unique(shapely.get_dimensions(geoms))
    types = set(shapely.get_type_id(geoms).tolist())
    if len(dims) != 1 or 7 in types:  # GeometryCollection: let GDAL decide
        return None
    base = _FAMILY_TYPE[int(dims[0])]
    multi = types & {4, 5, 6}
    return f"Multi{base}" if multi else base


def _prepared(frame: Any) -> Any:
    """A copy whose object columns holding only booleans are nullable booleans (GeoPackage booleans)."""
    import pandas as pd

    out = frame
    for col in frame.columns:
        if col == getattr(frame, "_geometry_column_name", None):
            continue
        series = frame[col]
        if series.dtype != object:
            continue
        values = series.dropna()
        if len(values) and all(isinstance(v, (bool,)) or type(v).__name__ == "bool_" for v in values):
            if out is frame:
                out = frame.copy()
            out[col] = series.astype("boolean")
    return out if isinstance(out, pd.DataFrame) else frame


def _write_frame(
    gdf: gpd.GeoDataFrame, path: Path, *, driver: str, layer: str | None, metadata: LayerMetadata | None = None
) -> None:
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
        geometry_type = _geometry_type(gdf)
        if geometry_type is not None:
            kwargs["geometry_type"] = geometry_type
            kwargs["promote_to_multi"] = geometry_type.startswith("Multi")
        if metadata is not None:
            # identifiers must be unique in a GeoPackage: the title plus the layer name
            identifier = f"{metadata.title} ({layer})" if metadata.title and layer else (metadata.title or layer or "")
            kwargs["layer_options"] = {"IDENTIFIER": identifier, "DESCRIPTION": metadata.as_text()}
            kwargs["layer_metadata"] = metadata.as_tags()
    elif metadata is not None and driver != "GeoJSON":
        kwargs["layer_metadata"] = metadata.as_tags()
    pyogrio.write_dataframe(_prepared(gdf), path, **kwargs)


def _metadata_for(metadata: LayerMetadata | Mapping[str, LayerMetadata] | None, name: str) -> LayerMetadata | None:
    if metadata is None or isinstance(metadata, LayerMetadata):
        return metadata
    return metadata.get(name)


def write_vector(
    gdf: gpd.GeoDataFrame,
    path: str | os.PathLike[str],
    *,
    layer: str | None = None,
    overwrite: bool = False,
    metadata: LayerMetadata | None = None,
) -> Path:
    """Write a GeoDataFrame atomically to GeoPackage, GeoJSON or FlatGeobuf.

    Parameters
    ----------
    gdf
        Data to write (any CRS; it is written as is, normally EPSG:3006).
    path
        ``.gpkg``, ``.geojson``/``.json`` or ``.fgb``.
    layer
        GeoPackage layer name (default: the file stem). An existing GeoPackage is
        updated: the layer is added (or, with ``overwrite=True``, replaced) and all
        other layers are kept; a mixed-geometry frame becomes ``<layer>_points`` /
        ``_lines`` / ``_polygons``.
    overwrite
        Replace an existing output file or layer.
    metadata
        Title, description, caveats, sources, restricted flag (GeoPackage contents and
        metadata tables; FlatGeobuf layer metadata; GeoJSON carries none).

    Returns
    -------
    Path
        The path written.

    Examples
    --------
    >>> import pathlib, shutil, tempfile
    >>> import geopandas as gpd, shapely
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> gdf = gpd.GeoDataFrame({"zone": ["a"]}, geometry=[shapely.box(0, 0, 100, 100)], crs="EPSG:3006")
    >>> write_vector(gdf, tmp / "out.gpkg", layer="zones",
    ...              metadata=LayerMetadata("Zoner", "Buffertzoner", caveats="Schematisk")).name
    'out.gpkg'
    >>> shutil.rmtree(tmp)
    """
    target = _as_local_path(path)
    driver = _vector_driver(target)
    if layer is not None and driver != "GPKG":
        raise DataSourceError(f"{target}: layer names are only supported for GeoPackage (.gpkg) outputs")
    if driver == "GPKG":
        name = layer or target.stem
        return write_gpkg_layers({name: gdf}, target, overwrite=overwrite, update=layer is not None or overwrite,
                                 metadata=metadata)
    with atomic_output(target, overwrite=overwrite) as tmp:
        _write_gdal(target, lambda: _write_frame(gdf, tmp, driver=driver, layer=None, metadata=metadata))
    return target


def _write_gdal(target: Path, write: Any) -> None:
    """Run a pyogrio write; its file errors become DataSourceError naming ``target``."""
    from pyogrio.errors import DataLayerError, FieldError, GeometryError
    from pyogrio.errors import DataSourceError as OgrSourceError

    try:
        write()
    except (OgrSourceError, DataLayerError, FieldError, GeometryError) as exc:
        raise DataSourceError(f"{target}: cannot be written ({str(exc).strip().rstrip('.')})") from None


def write_gpkg_layers(
    layers: Mapping[str, gpd.GeoDataFrame],
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    update: bool = False,
    metadata: LayerMetadata | Mapping[str, LayerMetadata] | None = None,
) -> Path:
    """Write several layers into one GeoPackage atomically.

    Parameters
    ----------
    layers
        Layer name -> GeoDataFrame (or plain DataFrame: an attribute table). A frame
        mixing geometry families is written as ``<name>_points``/``_lines``/``_polygons``.
    path
        A ``.gpkg`` path.
    overwrite
        Replace layers of the same name in an existing GeoPackage (its other layers are
        kept; a file that is not a GeoPackage is refused, never deleted).
    update
        Add to an existing GeoPackage without ``overwrite`` (an already present layer
        name is then an error).
    metadata
        One :class:`LayerMetadata` for every layer, or layer name -> metadata (split
        layers inherit their frame's).

    Returns
    -------
    Path
        The path written.
    """
    target = _as_local_path(path)
    if _vector_driver(target) != "GPKG":
        raise DataSourceError(f"{target}: write_gpkg_layers writes GeoPackages; use a .gpkg path")
    if not layers:
        raise DataSourceError(f"{target}: no layers to write")
    frames: dict[str, tuple[Any, LayerMetadata | None]] = {}
    for name, gdf in layers.items():
        for part_name, part in split_by_geometry(name, gdf).items():
            frames[part_name] = (part, _metadata_for(metadata, name))
    if _exists(target) and (update or overwrite):
        if target.is_dir() or not _is_geopackage(target):
            raise OutputExistsError(f"{target}: exists but is not a GeoPackage; refusing to modify or delete it")
        try:
            existing = set(_gpkg_layers(target))
        except Exception as exc:  # a damaged SQLite file: refuse, do not replace
            raise OutputExistsError(f"{target}: exists but cannot be read as a GeoPackage ({exc}); "
                                    "refusing to replace it") from None
        clashes = sorted(existing.intersection(frames))
        if clashes and not overwrite:
            raise OutputExistsError(
                f"{target}: layer(s) {', '.join(clashes)} already exist; pass overwrite=True (CLI: --overwrite)"
            )
        with atomic_output(target, overwrite=True) as tmp:
            _copy_gpkg(target, tmp)
            for name, (gdf, meta) in frames.items():  # pyogrio replaces only this layer
                _write_gdal(target, lambda gdf=gdf, name=name, meta=meta:
                            _write_frame(gdf, tmp, driver="GPKG", layer=name, metadata=meta))
        return target
    with atomic_output(target, overwrite=overwrite) as tmp:
        for name, (gdf, meta) in frames.items():
            _write_gdal(target, lambda gdf=gdf, name=name, meta=meta: _write_frame(gdf, tmp, driver="GPKG", layer=name,
                                                                               metadata=meta))
    return target


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy in which text cells (and headers) that a spreadsheet would run as a formula start with ``'``.

    Cells starting with ``= + - @``, TAB or CR are prefixed with ``'`` unless they are a
    plain number (``-12``, ``-3,5``, ``+4e3``), which stay as they are; numeric columns
    are never touched.

    Parameters
    ----------
    df
        The table to write.
    """
    import pandas as pd

    def fix(value: Any) -> Any:
        if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.match(value.strip()):
            return "'" + value
        return value

    out = df.copy()
    for col in out.columns:
        series = out[col]
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            out[col] = series.map(fix)
    out.columns = [fix(c) if isinstance(c, str) else c for c in out.columns]
    return out


def write_table(
    df: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    sep: str = ",",
    metadata: LayerMetadata | None = None,
) -> Path:
    """Write a table as UTF-8 CSV atomically (geometry columns as WKT, index not written).

    Text that a spreadsheet would read as a formula is neutralised
    (:func:`neutralise_formulas`).

    Parameters
    ----------
    df
        Table (a GeoDataFrame's geometry is written as WKT).
    path
        ``.csv`` output.
    overwrite
        Replace an existing file.
    sep
        Delimiter; use ``";"`` for Swedish Excel (numbers keep a decimal point).
    metadata
        Written to the sidecar ``<stem>.metadata.txt`` next to the table (restricted
        data: first line ``RESTRICTED / BEGRÄNSAD …``).

    Returns
    -------
    Path
        The path written.
    """
    import geopandas as gpd

    target = _as_local_path(path)
    if target.suffix.lower() not in TABLE_SUFFIXES:
        raise DataSourceError(f"{target}: tables are written as .csv")
    out = df
    if isinstance(df, gpd.GeoDataFrame):
        out = df.to_wkt()
    out = neutralise_formulas(out)
    sidecar = metadata_sidecar(target)
    if metadata is not None:
        _refuse_existing(sidecar, overwrite)
    with atomic_output(target, overwrite=overwrite) as tmp:
        # CRLF rows (RFC 4180, what Excel writes): a CR inside a value is then quoted, never a row break
        out.to_csv(tmp, index=False, sep=sep, encoding="utf-8", lineterminator="\r\n")
    if metadata is not None:
        write_text(sidecar, metadata.as_text() + "\n", overwrite=overwrite)
    return target


def metadata_sidecar(table: str | os.PathLike[str]) -> Path:
    """The metadata file written next to a CSV table: ``<stem>.metadata.txt``.

    Parameters
    ----------
    table
        The ``.csv`` path.
    """
    path = Path(table)
    return path.with_name(f"{path.stem}.metadata.txt")


def write_raster(
    array: np.ndarray,
    path: str | os.PathLike[str],
    *,
    transform: Any,
    crs: Any,
    nodata: float | int | None,
    overwrite: bool = False,
    metadata: LayerMetadata | None = None,
) -> Path:
    """Write a GeoTIFF atomically: tiled (256×256 blocks), deflate, ``nodata`` set.

    Parameters
    ----------
    array
        (rows, cols) or (bands, rows, cols).
    path
        ``.tif``/``.tiff`` output.
    transform
        Affine transform (metres in EPSG:3006).
    crs
        CRS of the array, normally ``"EPSG:3006"``.
    nodata
        Value that marks missing cells (``None`` only for data with no gaps).
    overwrite
        Replace an existing file.
    metadata
        Written as GeoTIFF dataset tags (``title``, ``description``, ``caveats``,
        ``sources``, ``restricted``, ``written_by``).
    """
    import numpy as np
    import rasterio

    from jokkgeo.io.raster import RASTER_SUFFIXES

    tags = metadata.as_tags() if metadata is not None else None
    target = _as_local_path(path)
    if target.suffix.lower() not in RASTER_SUFFIXES:
        raise DataSourceError(f"{target}: rasters are written as GeoTIFF (.tif)")
    data = np.asarray(array)
    if data.ndim == 2:
        data = data[np.newaxis]
    if data.ndim != 3:
        raise ValueError(f"raster array must be 2-D or 3-D, got shape {np.shape(array)}")
    count, height, width = data.shape
    profile: dict[str, Any] = {
        "driver": "GTiff",
        "dtype": data.dtype,
        "count": count,
        "height": height,
        "width": width,
        "crs": crs,
        "transform": transform,
        "nodata": nodata,
        "compress": "deflate",
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
    }
    with atomic_output(target, overwrite=overwrite) as tmp:
        with rasterio.open(tmp, "w", **profile) as dst:
            dst.write(data)
            if tags:
                dst.update_tags(**{k: str(v) for k, v in tags.items()})
    return target
