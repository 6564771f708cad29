"""Points or shapes from CSV: x/y, lon/lat or WKT columns (Swedish Excel exports included).

Decisions
---------
* Encoding: the given one, else UTF-8 (a BOM is accepted), else Windows-1252
  (Swedish Excel "CSV (semikolonavgränsad)") with a note in the report.
* Delimiter: the given one, else sniffed from the first lines among ``; , TAB |``.
* Decimal comma: the given ``decimal``, else a number like ``19,8`` is read as 19.8
  when the delimiter is not a comma. Spaces/no-break spaces used as thousands
  separators are removed. Other columns whose values are all numbers become numeric,
  except codes with a leading zero (kommunkod "0180"), which stay text.
* Geometry columns: the ones the spec names (``x``/``y``, ``lon``/``lat`` or ``wkt``),
  else the first match of :data:`XY_NAMES`, :data:`LONLAT_NAMES`, :data:`WKT_NAMES`
  (case-insensitive). lon/lat without a declared CRS means EPSG:4326; x/y without one
  has no CRS (the loader then asks for ``crs``).
* A blank coordinate/WKT gives a missing geometry (dropped and counted later); a
  value that is not a number / not WKT (or WKT of a line/ring with too few points)
  is an error naming the rows. ``NaN``/``Infinity`` coordinates (x/y or inside WKT)
  are read, noted with their line numbers, and dropped by the geometry check
  (:func:`jokkgeo.io.checks.check_geometries`).
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from jokkgeo.errors import DataSourceError, GeometryError

log = logging.getLogger(__name__)

XY_NAMES = (("x", "y"), ("easting", "northing"), ("east", "north"), ("e", "n"))
LONLAT_NAMES = (("lon", "lat"), ("longitude", "latitude"), ("lng", "lat"), ("long", "lat"))
WKT_NAMES = ("wkt", "geometry", "geom", "the_geom")
_DELIMITERS = ";,\t|"
_NAN_TEXT = r"(?i)[+-]?(nan|inf|infinity)"


@dataclass
class CsvResult:
    gdf: gpd.GeoDataFrame
    encoding: str
    delimiter: str
    notes: list[str] = field(default_factory=list)


def _decode(path: Path, encoding: str | None, notes: list[str]) -> tuple[str, str]:
    raw = path.read_bytes()
    if encoding:
        try:
            return raw.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise DataSourceError(f"{path}: cannot be decoded as {encoding} ({exc}); check source.encoding") from None
    if b"\x00" in raw[:4096]:
        raise DataSourceError(f"{path}: is a binary file, not CSV text")
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        notes.append("not UTF-8: read as Windows-1252 (cp1252); set source.encoding if å/ä/ö look wrong")
        return raw.decode("cp1252", errors="replace"), "cp1252"


def _sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        header = text.splitlines()[0] if text else ""
        counts = {d: header.count(d) for d in _DELIMITERS}
        best = max(counts, key=counts.__getitem__)
        return best if counts[best] else ","


def _to_number(values: pd.Series, *, decimal: str | None, delimiter: str) -> pd.Series:
    text = values.astype("string").str.strip().str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    if decimal == ",":
        text = text.str.replace(",", ".", regex=False)
    elif decimal is None and delimiter != ",":
        text = text.str.replace(r"^([-+]?\d+),(\d+)$", r"\1.\2", regex=True)
    return pd.to_numeric(text, errors="coerce")


def _find(columns: list[str], names: tuple[str, ...]) -> list[str] | None:
    lower = {c.lower().strip(): c for c in columns}
    if all(n in lower for n in names):
        return [lower[n] for n in names]
    return None


def _rows(mask: np.ndarray) -> str:
    lines = (np.flatnonzero(mask) + 2).tolist()  # +1 header, +1 one-based
    more = f" and {len(lines) - 5} more" if len(lines) > 5 else ""
    return ", ".join(map(str, lines[:5])) + more


def read_text_table(path: Path, *, encoding: str | None = None, delimiter: str | None = None,
                    notes: list[str] | None = None) -> tuple[pd.DataFrame, str, str]:
    """A CSV file as a table of text cells (encoding and delimiter detected unless given).

    Every cell stays text (13-digit grid ids keep every digit); empty cells are missing.

    Parameters
    ----------
    path
        ``.csv``/``.txt`` file.
    encoding, delimiter
        Text options (else detected).
    notes
        Receives a note when an encoding fallback was used.

    Returns
    -------
    tuple
        ``(table, encoding used, delimiter used)``.
    """
    text, used_encoding = _decode(path, encoding, notes if notes is not None else [])
    if not text.strip():
        raise DataSourceError(f"{path}: is empty")
    sep = delimiter or _sniff_delimiter(text)
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataSourceError(f"{path}: is not a readable CSV table ({exc})") from None
    df.columns = [str(c).strip() for c in df.columns]
    return df, used_encoding, sep


def read_csv_geometries(
    path: str | Path,
    *,
    x: str | None = None,
    y: str | None = None,
    lon: str | None = None,
    lat: str | None = None,
    wkt: str | None = None,
    crs: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
) -> CsvResult:
    """Read a CSV file into a GeoDataFrame (CRS as declared; see module docstring).

    Parameters
    ----------
    path
        ``.csv``/``.txt`` file.
    x, y, lon, lat, wkt
        Geometry column names (else detected).
    crs
        CRS of the coordinates (lon/lat default: EPSG:4326).
    encoding, delimiter, decimal
        Text options (else detected).
    """
    path = Path(path)
    notes: list[str] = []
    df, used_encoding, sep = read_text_table(path, encoding=encoding, delimiter=delimiter, notes=notes)
    columns = list(df.columns)

    chosen: tuple[str, list[str]] | None = None
    if wkt:
        chosen = ("wkt", [wkt])
    elif x or y:
        chosen = ("xy", [x or "", y or ""])
    elif lon or lat:
        chosen = ("lonlat", [lon or "", lat or ""])
    else:
        for kind, candidates in (("wkt", tuple((n,) for n in WKT_NAMES)), ("xy", XY_NAMES), ("lonlat", LONLAT_NAMES)):
            for names in candidates:
                found = _find(columns, names)
                if found:
                    chosen = (kind, found)
                    break
            if chosen:
                break
    if chosen is None:
        raise DataSourceError(
            f"{path}: no geometry columns found among {columns}; name them in the spec "
            "(source.x/source.y, source.lon/source.lat or source.wkt) or use columns x,y / lon,lat / wkt"
        )
    kind, cols = chosen
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataSourceError(f"{path}: column(s) {missing} not found; the file has {columns}")

    if kind == "wkt":
        raw = df[cols[0]]
        blank = raw.isna().to_numpy()
        geoms = shapely.from_wkt(raw.where(~blank, None).to_numpy(dtype=object), on_invalid="ignore")
        failed = ~blank & shapely.is_missing(geoms)
        if failed.any():  # GEOS refuses unclosed rings: close them, and say so
            fixed = shapely.from_wkt(np.where(failed, raw.to_numpy(dtype=object), None), on_invalid="fix")
            repaired = failed & ~shapely.is_missing(fixed)
            geoms = np.where(repaired, fixed, geoms)
            if repaired.any():
                notes.append(f"closed {int(repaired.sum())} polygon ring(s) that were not closed "
                             f"on line(s) {_rows(repaired)}")
        bad = ~blank & shapely.is_missing(geoms)
        if bad.any():
            raise GeometryError(
                f"{path}: column '{cols[0]}' holds text that is not WKT on line(s) {_rows(bad)} "
                "(or WKT of a line/ring with too few points); fix or remove those rows"
            )
        coords, owner = shapely.get_coordinates(geoms, return_index=True)
        nonfinite = np.zeros(len(geoms), dtype=bool)
        nonfinite[np.unique(owner[~np.isfinite(coords).all(axis=1)])] = True
        if nonfinite.any():
            notes.append(
                f"{int(nonfinite.sum())} row(s) with NaN/infinite coordinates on line(s) {_rows(nonfinite)} "
                "(dropped by the geometry check)"
            )
        df = df.drop(columns=cols)
        out_crs = crs
    else:
        xs = _to_number(df[cols[0]], decimal=decimal, delimiter=sep)
        ys = _to_number(df[cols[1]], decimal=decimal, delimiter=sep)
        for name, raw, num in ((cols[0], df[cols[0]], xs), (cols[1], df[cols[1]], ys)):
            nan_text = raw.astype("string").str.strip().str.fullmatch(_NAN_TEXT).fillna(False).to_numpy(dtype=bool)
            bad = (raw.notna() & num.isna()).to_numpy() & ~nan_text
            if bad.any():
                raise GeometryError(
                    f"{path}: column '{name}' has values that are not numbers on line(s) {_rows(bad)}; "
                    "check delimiter/decimal (source.delimiter, source.decimal)"
                )
        blank = (df[cols[0]].isna() | df[cols[1]].isna()).to_numpy()
        nonfinite = ~blank & ~(np.isfinite(xs.to_numpy(dtype=float, na_value=np.nan))
                               & np.isfinite(ys.to_numpy(dtype=float, na_value=np.nan)))
        if nonfinite.any():
            notes.append(
                f"{int(nonfinite.sum())} row(s) with NaN/infinite coordinates on line(s) {_rows(nonfinite)} "
                "(dropped by the geometry check)"
            )
        geoms = shapely.points(xs.to_numpy(dtype=float, na_value=np.nan), ys.to_numpy(dtype=float, na_value=np.nan))
        geoms = np.where(blank, None, geoms)
        df[cols[0]], df[cols[1]] = xs, ys
        out_crs = crs or ("EPSG:4326" if kind == "lonlat" else None)
        if kind == "lonlat" and not crs:
            notes.append("lon/lat columns without a declared CRS: assumed WGS84 (EPSG:4326)")

    for column in df.columns:
        if column in cols:
            continue
        values = df[column]
        if values.notna().any() and not values.str.match(r"^\s*0\d").any():  # keep codes like "0180" as text
            numeric = _to_number(values, decimal=decimal, delimiter=sep)
            if numeric.notna().sum() == values.notna().sum():
                df[column] = numeric
    gdf = gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, index=df.index), crs=out_crs)
    return CsvResult(gdf, used_encoding, sep, notes)


def read_table(path: str | Path, *, index_col: int | None = 0) -> pd.DataFrame:
    """Read a plain CSV table (no geometry): UTF-8 or Windows-1252, delimiter sniffed, decimal comma accepted.

    Parameters
    ----------
    path
        The ``.csv`` file.
    index_col
        Column to use as the index (default: the first); ``None`` for none.

    Raises
    ------
    jokkgeo.errors.DataSourceError
        When the file cannot be read or parsed as a table.
    """
    import io as _io

    p = Path(path)
    notes: list[str] = []
    try:
        text, _ = _decode(p, None, notes)
    except OSError as exc:
        raise DataSourceError(f"{p}: cannot be read ({exc.strerror or exc})") from None
    delimiter = _sniff_delimiter(text)
    try:
        frame = pd.read_csv(_io.StringIO(text), sep=delimiter, index_col=index_col,
                            decimal="," if delimiter == ";" else ".")
    except (ValueError, pd.errors.ParserError) as exc:
        raise DataSourceError(f"{p}: cannot read as a CSV table ({exc})") from None
    for note in notes:
        log.warning("%s: %s", p, note)
    return frame
