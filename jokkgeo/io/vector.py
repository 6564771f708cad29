"""Read vector data into GeoDataFrames in EPSG:3006 (SWEREF 99 TM), with checks on entry.

Formats (by suffix; anything else, URLs and GDAL ``/vsi…`` paths are refused):

=================  ==========================================================
``.gpkg``          GeoPackage (``layer`` required when it holds several layers)
``.geojson/.json`` GeoJSON
``.shp``           Shapefile (text encoding: see below)
``.zip``           zipped Shapefile/GeoPackage/GeoJSON/FlatGeobuf, extracted safely
                   (:mod:`jokkgeo.io.zipsafe`); ``layer`` picks a member by file stem
``.fgb``           FlatGeobuf
``.csv/.txt``      x/y, lon/lat or WKT columns (:mod:`jokkgeo.io.csvfile`)
``.osm/.xml/.pbf`` OpenStreetMap; ``layer`` is the kind: roads, rail, places (:mod:`jokkgeo.io.osm`)
=================  ==========================================================

GeoTIFF rasters are read with :func:`jokkgeo.io.raster.read_raster`.

Checks on entry, all counted in the :class:`LoadReport` and logged:

1. a CRS is present (file) or declared (``crs``); a declared CRS overrides a file's
   CRS with a warning (this is how mislabelled data is fixed);
2. the coordinates are plausible for that CRS (:func:`jokkgeo.crs.check_coordinates`);
3. null/empty geometries are dropped, Z/M dropped, invalid geometries repaired, and
   the geometry type must match ``geometry_type`` (:func:`jokkgeo.io.checks.check_geometries`);
4. text that looks like mojibake (UTF-8 read as Latin-1, e.g. ``JÃ¥hkÃ¥mÃ¥hkke``) is warned about.

Shapefile encodings: the ``encoding`` given wins; else a ``.cpg`` file is honoured;
else the file is read as Windows-1252 (Swedish exports) and, if that produces
mojibake, re-read as UTF-8 with a warning saying so.

A file with no features, or whose features all lack geometry, is an error.
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from jokkgeo.config.layers import LayerSpec
from jokkgeo.crs import check_coordinates, describe_coordinates, parse_crs
from jokkgeo.errors import CRSError, DataLayerError, DataSourceError
from jokkgeo.io.checks import check_geometries, geometry_type_counts
from jokkgeo.io.osm import OSM_SUFFIXES
from jokkgeo.io.raster import RASTER_SUFFIXES
from jokkgeo.io.sniff import check_content, check_driver, gdal_guard, gdal_local_path
from jokkgeo.settings import WORKING_CRS

log = logging.getLogger(__name__)

OGR_SUFFIXES = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".json": "GeoJSON", ".shp": "ESRI Shapefile",
                ".fgb": "FlatGeobuf"}
CSV_SUFFIXES = (".csv", ".txt")
VECTOR_SUFFIXES = (*OGR_SUFFIXES, ".zip", *CSV_SUFFIXES, *OSM_SUFFIXES)
"""Every suffix :func:`read_vector` opens."""

_ZIP_MEMBER_SUFFIXES = (".shp", ".gpkg", ".geojson", ".fgb")
"""Datasets looked for inside a zip (a ``.json`` there is usually metadata, so it is ignored)."""
_MOJIBAKE = re.compile(r"Ã[\u0080-\u00bf]|Ã[¤¥¶„…–©¼]|â€|Â[\u00a0-\u00bf]")


@dataclass
class LoadReport:
    """What happened while loading one layer: counts of every drop and repair.

    ``n_read`` features were read; ``n_features`` remain after dropping
    ``n_null_dropped + n_empty_dropped + n_unrepairable_dropped + n_malformed_dropped
    + n_nonfinite_dropped`` and filtering ``n_filtered`` (spec ``where``). Malformed
    geometries GEOS refuses (ring not closed: repaired, counted in ``n_repaired``;
    a line/ring with too few points: dropped) and features with NaN/infinite
    coordinates (dropped) are listed by 0-based feature number in ``*_ids``. ``geometry_types`` and
    ``bounds`` (EPSG:3006 metres) describe the features returned (after filtering).
    """

    path: Path
    layer: str | None = None
    format: str | None = None
    encoding: str | None = None
    source_crs: str | None = None
    declared_crs: str | None = None
    n_read: int = 0
    n_features: int = 0
    n_null_dropped: int = 0
    n_empty_dropped: int = 0
    n_repaired: int = 0
    n_unrepairable_dropped: int = 0
    n_z_dropped: int = 0
    n_m_dropped: int = 0
    n_filtered: int = 0
    n_malformed_dropped: int = 0
    n_nonfinite_dropped: int = 0
    malformed_repaired_ids: list[Any] = field(default_factory=list)
    malformed_dropped_ids: list[Any] = field(default_factory=list)
    nonfinite_dropped_ids: list[Any] = field(default_factory=list)
    z_dropped: bool = False
    geometry_types: dict[str, int] = field(default_factory=dict)
    bounds: tuple[float, float, float, float] | None = None
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict (for report manifests)."""
        data = asdict(self)
        data["path"] = str(self.path)
        data["bounds"] = list(self.bounds) if self.bounds else None
        return data


@dataclass
class LoadedLayer:
    """A loaded layer: data in EPSG:3006 plus its load report (and spec if any)."""

    gdf: gpd.GeoDataFrame
    report: LoadReport
    spec: LayerSpec | None = None


def check_input_path(path: str | Path) -> Path:
    """Refuse URLs, GDAL virtual paths and unsupported formats; return a local :class:`Path`.

    Parameters
    ----------
    path
        A path given by the user.
    """
    text = str(path).strip()
    lowered = text.lower()
    if "://" in lowered or lowered.startswith(("/vsi", "vsi")):
        raise DataSourceError(f"{text}: URLs and GDAL virtual paths are not opened; give a local file path")
    p = Path(text).expanduser()
    suffix = p.suffix.lower()
    if suffix in RASTER_SUFFIXES:
        raise DataSourceError(f"{p}: is a raster (GeoTIFF); read it with read_raster / geometry_type: Raster")
    if suffix not in VECTOR_SUFFIXES:
        raise DataSourceError(
            f"{p}: format '{suffix or '(none)'}' is not supported; use one of {', '.join(VECTOR_SUFFIXES)}"
        )
    if not p.exists():
        raise DataSourceError(f"{p}: file does not exist")
    if not p.is_file():
        raise DataSourceError(f"{p}: is not a file")
    if p.stat().st_size == 0:
        raise DataSourceError(f"{p}: is empty (0 bytes)")
    return p


def mojibake_columns(df: pd.DataFrame) -> dict[str, str]:
    """Text columns that look like UTF-8 decoded as Latin-1/cp1252 -> one example value.

    Parameters
    ----------
    df
        A table read from a file.
    """
    found: dict[str, str] = {}
    for column in df.columns:
        if column == getattr(df, "_geometry_column_name", None):
            continue
        values = df[column]
        if not (pd.api.types.is_string_dtype(values) or values.dtype == object):
            continue
        text = values.dropna()
        if text.empty:
            continue
        text = text.astype(str)
        hits = text[text.str.contains(_MOJIBAKE, regex=True)]
        if not hits.empty:
            found[str(column)] = str(hits.iloc[0])
    return found


def gdal_message(exc: BaseException) -> str:
    """GDAL's message without its hint about driver prefixes (which users should not use).

    Parameters
    ----------
    exc
        The exception raised by GDAL/pyogrio.
    """
    text = str(exc).split("; It might help", 1)[0].strip()
    return text.rstrip(".")


def _ogr_layers(path: Path, gdal_path: Path | None = None) -> list[str]:
    import pyogrio
    from pyogrio.errors import DataSourceError as OgrSourceError

    gpath = gdal_path or path
    try:
        with gdal_guard():
            info = pyogrio.list_layers(gpath)
            driver = pyogrio.read_info(gpath, layer=0)["driver"] if len(info) else None
    except (OgrSourceError, RuntimeError, OSError, ValueError) as exc:
        kind = OGR_SUFFIXES.get(path.suffix.lower(), "OSM")
        raise DataSourceError(f"{path}: cannot be opened as {kind} data ({gdal_message(exc)})") from None
    if driver is not None:
        check_driver(path, str(driver))
    return [str(name) for name, gtype in info if gtype is not None] or [str(name) for name, _ in info]


def _check_shapefile(path: Path) -> None:
    """Refuse a Shapefile whose .dbf is missing or whose parts are truncated or disagree."""
    import struct

    def sibling(ext: str) -> Path | None:
        for candidate in (path.with_suffix(ext), path.with_suffix(ext.upper())):
            if candidate.exists():
                return candidate
        return None

    dbf, shx = sibling(".dbf"), sibling(".shx")
    if dbf is None:
        raise DataSourceError(
            f"{path}: the Shapefile's attribute file {path.with_suffix('.dbf').name} is missing; "
            "a Shapefile is .shp + .shx + .dbf (+ .prj, .cpg): include all its parts"
        )
    if shx is None:
        raise DataSourceError(f"{path}: the Shapefile's index file {path.with_suffix('.shx').name} is missing; "
                              "include all its parts")
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(100)
    if len(head) < 100:
        raise DataSourceError(f"{path}: is truncated ({size} bytes, shorter than the 100-byte Shapefile header)")
    declared = struct.unpack(">i", head[24:28])[0] * 2
    if declared != size:
        raise DataSourceError(
            f"{path}: is truncated or damaged: its header declares {declared} bytes but the file has {size}; "
            "copy or export the Shapefile again"
        )
    shx_size = shx.stat().st_size
    n_shx = (shx_size - 100) // 8
    with open(dbf, "rb") as fh:
        dbf_head = fh.read(32)
    if len(dbf_head) < 12:
        raise DataSourceError(f"{dbf}: is truncated ({len(dbf_head)} bytes)")
    n_records = struct.unpack("<I", dbf_head[4:8])[0]
    header_len, record_len = struct.unpack("<HH", dbf_head[8:12])
    dbf_size = dbf.stat().st_size
    if dbf_size < header_len + n_records * record_len:
        raise DataSourceError(
            f"{dbf}: is truncated: it declares {n_records} records ({header_len + n_records * record_len} bytes) "
            f"but has {dbf_size} bytes; copy or export the Shapefile again"
        )
    if shx_size < 100 or (shx_size - 100) % 8 or n_shx != n_records:
        raise DataSourceError(
            f"{path}: its parts disagree: {shx.name} indexes {n_shx} shapes, {dbf.name} has {n_records} records; "
            "the Shapefile is damaged or its parts come from different exports"
        )


def _geometries_from_wkb(wkb: np.ndarray, report: LoadReport) -> np.ndarray:
    """Parse WKB one feature at a time: repair what GEOS refuses (unclosed rings), drop the rest, with ids."""
    import shapely

    geoms = shapely.from_wkb(wkb, on_invalid="ignore")
    failed = np.flatnonzero(~pd.isna(pd.Series(wkb, dtype=object)).to_numpy() & shapely.is_missing(geoms))
    if len(failed):
        fixed = shapely.from_wkb(wkb[failed], on_invalid="fix")
        ok = ~shapely.is_missing(fixed)
        geoms[failed[ok]] = fixed[ok]
        repaired, dropped = failed[ok].tolist(), failed[~ok].tolist()
        if repaired:
            report.n_repaired += len(repaired)
            report.malformed_repaired_ids.extend(repaired)
            report.warnings.append(
                f"repaired {len(repaired)} malformed geometr{'y' if len(repaired) == 1 else 'ies'} "
                f"(e.g. polygon ring not closed) at feature(s) {_id_list(repaired)}"
            )
        if dropped:
            report.n_malformed_dropped += len(dropped)
            report.malformed_dropped_ids.extend(dropped)
            report.warnings.append(
                f"dropped {len(dropped)} malformed geometr{'y' if len(dropped) == 1 else 'ies'} "
                f"(e.g. a line or ring with too few points) at feature(s) {_id_list(dropped)}"
            )
    return geoms


def _id_list(ids: list[Any], limit: int = 10) -> str:
    shown = ", ".join(f"#{i}" for i in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _read_frame(path: Path, layer: str | None, encoding: str | None, report: LoadReport) -> Any:
    """``pyogrio.read_dataframe``; when GEOS refuses a geometry, read attributes and WKB apart and repair."""
    import pyogrio
    import shapely.errors
    from pyogrio.raw import read as raw_read

    with gdal_guard(), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Non closed ring", category=RuntimeWarning)
        try:
            return pyogrio.read_dataframe(path, layer=layer, encoding=encoding)
        except shapely.errors.GEOSException:
            pass
        table = pyogrio.read_dataframe(path, layer=layer, encoding=encoding, read_geometry=False)
        meta, _fids, wkb, _fields = raw_read(path, layer=layer, encoding=encoding, columns=[])
    geoms = _geometries_from_wkb(np.asarray(wkb, dtype=object), report)
    return gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(geoms, index=table.index), crs=meta.get("crs"))


def _read_ogr(path: Path, layer: str | None, encoding: str | None, report: LoadReport) -> gpd.GeoDataFrame:

    check_content(path)
    if path.suffix.lower() == ".shp":
        _check_shapefile(path)
    with gdal_local_path(path) as gdal_path:
        return _read_ogr_checked(path, gdal_path, layer, encoding, report)


def _read_ogr_checked(
    path: Path, gdal_path: Path, layer: str | None, encoding: str | None, report: LoadReport
) -> gpd.GeoDataFrame:
    from pyogrio.errors import DataLayerError as OgrLayerError
    from pyogrio.errors import DataSourceError as OgrSourceError

    layers = _ogr_layers(path, gdal_path)
    if layer is None:
        if len(layers) > 1:
            raise DataLayerError(
                f"{path}: holds {len(layers)} layers ({', '.join(layers)}); name one with source.layer (CLI --layer)"
            )
        layer = layers[0] if layers else None
    elif layer not in layers:
        raise DataLayerError(f"{path}: has no layer '{layer}'; available: {', '.join(layers) or '(none)'}")
    report.layer = layer
    is_shp = path.suffix.lower() == ".shp"
    cpg = path.with_suffix(".cpg")
    guessed = is_shp and encoding is None and not (cpg.exists() or path.with_suffix(".CPG").exists())
    if guessed:
        encoding = "cp1252"
        report.notes.append("no .cpg file: text read as Windows-1252 (cp1252)")
    try:
        gdf = _read_frame(gdal_path, layer, encoding, report)
        if encoding:
            report.encoding = encoding
        elif is_shp:
            cpg_file = cpg if cpg.exists() else path.with_suffix(".CPG")
            report.encoding = cpg_file.read_text(encoding="ascii", errors="replace").strip() + " (.cpg)"
        else:
            report.encoding = "utf-8"
        if guessed and mojibake_columns(gdf):
            retry = _read_frame(gdal_path, layer, "utf-8", LoadReport(path=path))
            if not mojibake_columns(retry):
                gdf = retry
                report.encoding = "utf-8"
                report.warnings.append(
                    "no .cpg file and the text is UTF-8, not Windows-1252: read as UTF-8; "
                    "add a .cpg file containing UTF-8 or set source.encoding: utf-8"
                )
    except (OgrSourceError, OgrLayerError, RuntimeError, OSError, ValueError, UnicodeDecodeError) as exc:
        raise DataSourceError(f"{path}: cannot be read ({gdal_message(exc)})") from None
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise DataLayerError(f"{path}: layer '{layer}' has no geometry column (a plain table)")
    return gdf


def _read_zip(path: Path, layer: str | None, encoding: str | None, report: LoadReport) -> gpd.GeoDataFrame:
    from jokkgeo.io.zipsafe import extracted_zip

    with extracted_zip(path) as folder:
        members = sorted(
            p for p in folder.rglob("*")
            if p.is_file() and p.suffix.lower() in _ZIP_MEMBER_SUFFIXES and not p.name.startswith(".")
        )
        if not members:
            raise DataSourceError(f"{path}: holds no .shp/.gpkg/.geojson/.fgb file")
        chosen = members
        if layer is not None and len(members) > 1:
            chosen = [m for m in members if m.stem == layer]
            if not chosen:
                names = ", ".join(m.relative_to(folder).as_posix() for m in members)
                raise DataLayerError(f"{path}: no member named '{layer}'; members: {names}")
        if len(chosen) > 1:
            names = ", ".join(m.relative_to(folder).as_posix() for m in chosen)
            raise DataLayerError(f"{path}: holds {len(chosen)} datasets ({names}); "
                                 "name one with source.layer (CLI --layer)")
        member = chosen[0]
        inner_layer = layer if member.suffix.lower() == ".gpkg" else None
        report.notes.append(f"read zip member {member.relative_to(folder).as_posix()}")
        report.format = f"zip/{OGR_SUFFIXES[member.suffix.lower()]}"
        gdf = _read_ogr(member, inner_layer, encoding, report)
        report.layer = layer
        return gdf


def read_vector(
    path: str | Path,
    *,
    layer: str | None = None,
    crs: str | None = None,
    encoding: str | None = None,
    geometry_type: str | None = None,
    x: str | None = None,
    y: str | None = None,
    lon: str | None = None,
    lat: str | None = None,
    wkt: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
) -> LoadedLayer:
    """Read one vector file, check it, and return it in EPSG:3006.

    Parameters
    ----------
    path
        Local file (formats in the module docstring).
    layer
        GeoPackage layer, zip member stem, or OSM kind (roads/rail/places).
    crs
        CRS of the coordinates when the file has none or is mislabelled (e.g. ``"EPSG:3006"``).
    encoding
        Text encoding (Shapefile/CSV), e.g. ``"cp1252"``.
    geometry_type
        Declared type (``Point``/``LineString``/``Polygon``; Multi- variants accepted);
        ``None`` skips the type check.
    x, y, lon, lat, wkt, delimiter, decimal
        CSV options (see :mod:`jokkgeo.io.csvfile`).

    Returns
    -------
    LoadedLayer
        ``gdf`` in EPSG:3006 (metres) and a :class:`LoadReport` with every count.

    Raises
    ------
    DataSourceError, DataLayerError, CRSError, GeometryError
        With a message naming the file, the problem and the fix.
    """
    path = check_input_path(path)
    suffix = path.suffix.lower()
    report = LoadReport(path=path, layer=layer, declared_crs=crs)
    origin = f"{path}" + (f" (layer {layer})" if layer else "")
    if suffix == ".zip":
        gdf = _read_zip(path, layer, encoding, report)
    elif suffix in CSV_SUFFIXES:
        from jokkgeo.io.csvfile import read_csv_geometries

        result = read_csv_geometries(
            path, x=x, y=y, lon=lon, lat=lat, wkt=wkt, crs=crs, encoding=encoding, delimiter=delimiter, decimal=decimal
        )
        gdf = result.gdf
        report.format, report.encoding = "CSV", result.encoding
        report.notes.extend(result.notes)
    elif suffix in OSM_SUFFIXES:
        from jokkgeo.io.osm import OSM_KINDS, read_osm_features

        if layer is None:
            raise DataLayerError(f"{path}: OSM data needs a layer (source.layer / --layer): "
                                 f"one of {', '.join(OSM_KINDS)}")
        check_content(path)  # an XML VRT named .osm would otherwise be opened by the VRT driver
        with gdal_local_path(path) as gdal_path:
            _ogr_layers(path, gdal_path)  # checks the driver GDAL picks is OSM
            with gdal_guard():
                gdf = read_osm_features(gdal_path, layer)
        report.format = "OSM"
    else:
        report.format = OGR_SUFFIXES[suffix]
        gdf = _read_ogr(path, layer, encoding, report)

    report.n_read = len(gdf)
    if report.n_read == 0:
        raise DataLayerError(f"{origin}: has no features (empty layer)")

    report.source_crs = gdf.crs.to_string() if gdf.crs is not None else None
    if crs is not None:
        declared = parse_crs(crs, origin=origin)
        if gdf.crs is not None and not gdf.crs.equals(declared):
            report.warnings.append(f"file CRS {gdf.crs.to_string()} replaced by declared {crs}")
        gdf = gdf.set_crs(declared, allow_override=True)
    if gdf.crs is None:
        bounds = gdf.geometry.total_bounds
        looks = describe_coordinates(bounds) if np.isfinite(bounds).all() else None
        hint = f" The coordinates look like {looks}." if looks else ""
        raise CRSError(
            f"{origin}: has no CRS.{hint} Declare it with source.crs in the layer spec "
            f"(CLI --crs), e.g. EPSG:3006 for SWEREF 99 TM metres or EPSG:4326 for lon/lat degrees"
        )

    gdf, check = check_geometries(gdf, geometry_type=geometry_type, origin=origin)
    report.n_null_dropped = check.n_null_dropped - report.n_malformed_dropped  # those are counted apart
    report.n_empty_dropped = check.n_empty_dropped
    report.n_repaired += check.n_repaired
    report.n_nonfinite_dropped = check.n_nonfinite_dropped
    report.nonfinite_dropped_ids = list(check.nonfinite_ids)
    report.n_unrepairable_dropped = check.n_unrepairable_dropped
    report.n_z_dropped, report.n_m_dropped = check.n_z_dropped, check.n_m_dropped
    report.z_dropped = bool(check.n_z_dropped or check.n_m_dropped)
    report.geometry_types = check.geometry_types
    for note in check.notes:
        if report.n_malformed_dropped and note.endswith("feature(s) without geometry"):
            if report.n_null_dropped:  # the malformed ones are reported apart, in the warnings
                report.notes.append(f"dropped {report.n_null_dropped} feature(s) without geometry")
            continue
        report.notes.append(note)
    if gdf.empty:
        raise DataLayerError(
            f"{origin}: none of its {report.n_read} features has a usable geometry "
            f"({check.n_null_dropped} without geometry, {check.n_empty_dropped} empty, "
            f"{check.n_unrepairable_dropped} invalid beyond repair, {report.n_malformed_dropped} malformed, "
            f"{check.n_nonfinite_dropped} with NaN/infinite coordinates)"
        )

    report.warnings.extend(check_coordinates(gdf.total_bounds, gdf.crs, origin=origin))
    if not gdf.crs.equals(parse_crs(WORKING_CRS)):
        gdf = gdf.to_crs(WORKING_CRS)
        report.notes.append(f"reprojected from {report.declared_crs or report.source_crs} to {WORKING_CRS}")
    bounds = gdf.total_bounds
    if not np.isfinite(bounds).all():
        raise CRSError(f"{origin}: coordinates cannot be transformed to {WORKING_CRS}; check the declared CRS")
    report.bounds = tuple(float(v) for v in bounds)  # type: ignore[assignment]

    bad_text = mojibake_columns(gdf)
    if bad_text:
        examples = "; ".join(f"{col}: {val!r}" for col, val in list(bad_text.items())[:3])
        report.warnings.append(
            f"text looks garbled (UTF-8 read with the wrong encoding) in column(s) {', '.join(bad_text)} "
            f"— e.g. {examples}; set source.encoding (utf-8 or cp1252)"
        )
    report.n_features = len(gdf)
    for message in report.warnings:
        log.warning("%s: %s", origin, message)
    return LoadedLayer(gdf, report)


def read_layer(spec: LayerSpec) -> LoadedLayer:
    """Read the layer a spec describes, apply rename/where/keep, return it in EPSG:3006.

    ``attributes.rename`` is applied first, then ``where`` (equality/membership, on the
    renamed columns), then ``keep``. A column named in any of them that does not exist
    is an error naming the spec and the available columns.

    Parameters
    ----------
    spec
        The catalogue layer spec (path, CRS, attributes).
    """
    if spec.geometry_type == "Raster":
        raise DataLayerError(f"{spec.spec_path}: layer '{spec.id}' is a raster; "
                             "read it with jokkgeo.io.raster.read_raster")
    src = spec.source
    loaded = read_vector(
        src.path,
        layer=src.layer,
        crs=src.crs,
        encoding=src.encoding,
        geometry_type=spec.geometry_type,
        x=src.x,
        y=src.y,
        lon=src.lon,
        lat=src.lat,
        wkt=src.wkt,
        delimiter=src.delimiter,
        decimal=src.decimal,
    )
    gdf = loaded.gdf
    geom_name = gdf.geometry.name

    def require(columns: list[str], key: str, frame: pd.DataFrame) -> None:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            available = ", ".join(str(c) for c in frame.columns if c != geom_name)
            raise DataLayerError(
                f"{spec.spec_path}: key '{key}': column(s) {', '.join(missing)} not in {src.path.name}; "
                f"available: {available}"
            )

    require(list(spec.rename), "attributes.rename", gdf)
    gdf = gdf.rename(columns=dict(spec.rename))
    require(list(spec.where), "attributes.where", gdf)
    if spec.where:
        mask = np.ones(len(gdf), dtype=bool)
        for column, values in spec.where.items():
            mask &= gdf[column].isin(list(values)).to_numpy(dtype=bool, na_value=False)
        loaded.report.n_filtered = int((~mask).sum())
        gdf = gdf.loc[mask]
        if loaded.report.n_filtered:
            loaded.report.notes.append(f"filtered out {loaded.report.n_filtered} feature(s) by attributes.where")
        if not gdf.empty:
            loaded.report.geometry_types = geometry_type_counts(gdf.geometry)
            loaded.report.bounds = tuple(float(v) for v in gdf.total_bounds)  # type: ignore[assignment]
        else:
            loaded.report.geometry_types = {}
            loaded.report.bounds = None
            loaded.report.warnings.append("attributes.where removed every feature")
            log.warning("%s: attributes.where removed every feature of layer '%s'", spec.spec_path, spec.id)
    if spec.keep is not None:
        require(list(spec.keep), "attributes.keep", gdf)
        gdf = gdf[[*(c for c in spec.keep if c != geom_name), geom_name]]
    loaded.gdf = gdf
    loaded.report.n_features = len(gdf)
    loaded.spec = spec
    return loaded
