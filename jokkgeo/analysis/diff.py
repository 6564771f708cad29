"""Differences between a baseline and a scenario result (pure, vectorised).

Generic building blocks used by :mod:`jokkgeo.workflows.comparison`:

- :func:`area_changes` — gained and lost areas between band polygons (shapely difference),
- :func:`table_changes` — per-key deltas of numeric columns (band totals, shares, density),
- :func:`access_changes` — places that gain or lose access within each band,
- :func:`keyed_changes` — new, removed and changed features keyed by stable keys
  (conflicts with their severity), and :func:`new_features` (e.g. new crossings).

All functions take results in EPSG:3006 (metres), never mutate their inputs and
return empty tables when the two results are identical.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from jokkgeo.errors import AnalysisError, CRSError

logger = logging.getLogger(__name__)

GAINED = "gained"
LOST = "lost"
NEW = "new"
REMOVED = "removed"
CHANGED = "changed"


def _check_crs(*frames: gpd.GeoDataFrame, what: str) -> None:
    crs = [f.crs for f in frames]
    for c in crs:
        if c is None:
            raise CRSError(f"{what}: layer has no CRS; set it (EPSG:3006) before comparing")
        if c.is_geographic:
            raise CRSError(f"{what}: CRS {c.to_string()} is geographic; reproject to EPSG:3006 (metres)")
    if len({c.to_string() for c in crs}) > 1:
        raise CRSError(f"{what}: baseline and scenario CRS differ ({', '.join(c.to_string() for c in crs)})")


def _check_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise AnalysisError(f"{what}: missing columns {missing}; columns are {list(frame.columns)}")


def _dissolve(frame: gpd.GeoDataFrame, keys: list[str]) -> pd.DataFrame:
    """One (multi)polygon per key combination, as a plain frame with a shapely array."""
    if frame.empty:
        return pd.DataFrame({**{k: pd.Series([], dtype=frame[k].dtype) for k in keys}, "geometry": []})
    geoms = frame.geometry.to_numpy()
    codes = frame.groupby(keys, sort=True, dropna=False).ngroup().to_numpy()
    order = np.argsort(codes, kind="stable")
    splits = np.flatnonzero(np.diff(codes[order])) + 1
    groups = np.split(order, splits)
    first = np.array([g[0] for g in groups])
    unioned = np.array([geoms[g[0]] if len(g) == 1 else shapely.union_all(geoms[g]) for g in groups], dtype=object)
    out = frame.iloc[first][keys].reset_index(drop=True)
    out["geometry"] = unioned
    return out


def area_changes(
    baseline: gpd.GeoDataFrame,
    scenario: gpd.GeoDataFrame,
    *,
    keys: Sequence[str],
    min_area_m2: float = 1.0,
) -> gpd.GeoDataFrame:
    """Areas gained and lost between two sets of band polygons, per key (e.g. site and band).

    Parameters
    ----------
    baseline, scenario
        Polygon layers in a projected CRS (EPSG:3006), one or more rows per key.
    keys
        Columns identifying a polygon (e.g. ``["site_id", "minutes"]``); rows with the
        same key are dissolved first.
    min_area_m2
        Pieces smaller than this (m²) are dropped as slivers; the count is logged.

    Returns
    -------
    geopandas.GeoDataFrame
        ``keys`` + ``change`` (``"gained"``/``"lost"``) + ``area_m2`` + geometry; empty when
        the areas are equal. Gained = scenario minus baseline; lost = baseline minus scenario.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> b = gpd.GeoDataFrame({"band": [30]}, geometry=[box(0, 0, 10, 10)], crs="EPSG:3006")
    >>> s = gpd.GeoDataFrame({"band": [30]}, geometry=[box(2, 0, 12, 10)], crs="EPSG:3006")
    >>> area_changes(b, s, keys=["band"])[["change", "area_m2"]].values.tolist()
    [['gained', 20.0], ['lost', 20.0]]
    """
    keys = list(keys)
    _check_crs(baseline, scenario, what="area_changes")
    _check_columns(baseline, keys, "area_changes baseline")
    _check_columns(scenario, keys, "area_changes scenario")
    base = _dissolve(baseline, keys)
    scen = _dissolve(scenario, keys)
    merged = base.merge(scen, on=keys, how="outer", suffixes=("_b", "_s"))
    empty = shapely.from_wkt("POLYGON EMPTY")
    gb = merged["geometry_b"].to_numpy(dtype=object)
    gs = merged["geometry_s"].to_numpy(dtype=object)
    gb = np.where(pd.isna(gb), empty, gb)
    gs = np.where(pd.isna(gs), empty, gs)
    # identical geometries give exact empties; skip the overlay for them
    same = shapely.equals_exact(gb, gs, tolerance=0.0)
    gained = np.full(len(merged), empty, dtype=object)
    lost = np.full(len(merged), empty, dtype=object)
    diff = ~same
    if diff.any():
        gained[diff] = shapely.difference(gs[diff], gb[diff])
        lost[diff] = shapely.difference(gb[diff], gs[diff])
    parts = []
    for label, geoms in ((GAINED, gained), (LOST, lost)):
        part = merged[keys].copy()
        part["change"] = label
        part["area_m2"] = shapely.area(geoms)
        part["geometry"] = geoms
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    positive = out["area_m2"] > 0
    sliver = positive & (out["area_m2"] < min_area_m2)
    if sliver.any():
        logger.info("area_changes: dropped %d sliver pieces below %.1f m²", int(sliver.sum()), min_area_m2)
    out = out[positive & ~sliver].sort_values([*keys, "change"], kind="stable").reset_index(drop=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=scenario.crs)


def table_changes(
    baseline: pd.DataFrame,
    scenario: pd.DataFrame,
    *,
    keys: Sequence[str],
    values: Sequence[str],
    atol: float = 1e-9,
    only_changed: bool = False,
) -> pd.DataFrame:
    """Baseline, scenario and change of numeric columns, per key.

    Parameters
    ----------
    baseline, scenario
        Tables with the ``keys`` and ``values`` columns (one row per key).
    keys
        Identifying columns (e.g. ``["site_id", "minutes"]`` or ``["sameby"]``).
    values
        Numeric columns to compare (units as in their names).
    atol
        Absolute tolerance below which a change counts as none.
    only_changed
        Keep only rows where some value changed (or the key exists on one side only).

    Returns
    -------
    pandas.DataFrame
        ``keys``, then ``<v>_baseline``, ``<v>_scenario``, ``<v>_change`` for each value
        (a key missing on one side counts as 0 there), and ``status``
        (``"both"``, ``"new"``, ``"removed"``).

    Examples
    --------
    >>> b = pd.DataFrame({"site_id": ["a"], "population": [100]})
    >>> s = pd.DataFrame({"site_id": ["a"], "population": [250]})
    >>> table_changes(b, s, keys=["site_id"], values=["population"])["population_change"].tolist()
    [150.0]
    """
    keys, values = list(keys), list(values)
    for frame, side in ((baseline, "baseline"), (scenario, "scenario")):
        _check_columns(frame, [*keys, *values], f"table_changes {side}")
        if frame.duplicated(keys).any():
            raise AnalysisError(f"table_changes {side}: keys {keys} are not unique; aggregate first")
    b = pd.DataFrame(baseline[[*keys, *values]]).rename(columns={v: f"{v}_baseline" for v in values})
    s = pd.DataFrame(scenario[[*keys, *values]]).rename(columns={v: f"{v}_scenario" for v in values})
    merged = b.merge(s, on=keys, how="outer", indicator=True)
    status = merged.pop("_merge").map({"both": "both", "left_only": REMOVED, "right_only": NEW}).astype(str)
    changed = status != "both"
    cols = list(keys)
    for v in values:
        vb = merged[f"{v}_baseline"].astype(float).fillna(0.0)
        vs = merged[f"{v}_scenario"].astype(float).fillna(0.0)
        merged[f"{v}_baseline"] = vb
        merged[f"{v}_scenario"] = vs
        delta = vs - vb
        delta = delta.where(delta.abs() > atol, 0.0)
        merged[f"{v}_change"] = delta
        changed |= delta != 0
        cols += [f"{v}_baseline", f"{v}_scenario", f"{v}_change"]
    merged["status"] = status.to_numpy()
    out = merged[[*cols, "status"]]
    if only_changed:
        out = out[changed.to_numpy()]
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def access_changes(
    baseline: pd.DataFrame,
    scenario: pd.DataFrame,
    *,
    keys: Sequence[str],
    bands_minutes: Sequence[float],
    minutes: str = "minutes",
) -> pd.DataFrame:
    """Places that gain or lose access within each travel-time band.

    Parameters
    ----------
    baseline, scenario
        Long tables, one row per place and site, with the travel time in ``minutes``
        (NaN or inf: not reachable). A row missing on one side counts as not reachable.
    keys
        Identifying columns (e.g. ``["site_id", "place"]``).
    bands_minutes
        Band limits in minutes; a place is inside a band when ``minutes <= band``.
    minutes
        Name of the travel-time column (minutes) in both tables.

    Returns
    -------
    pandas.DataFrame
        ``keys``, ``band_minutes``, ``change`` (``"gained"``/``"lost"``),
        ``minutes_baseline``, ``minutes_scenario``. Empty when nothing crosses a band limit.
    """
    keys = list(keys)
    bands = sorted(float(b) for b in bands_minutes)
    if not bands or any(b <= 0 for b in bands):
        raise AnalysisError(f"access_changes: bands_minutes must be positive minutes, got {list(bands_minutes)}")
    for frame, side in ((baseline, "baseline"), (scenario, "scenario")):
        _check_columns(frame, [*keys, minutes], f"access_changes {side}")
        if frame.duplicated(keys).any():
            raise AnalysisError(f"access_changes {side}: keys {keys} are not unique")
    merged = pd.DataFrame(baseline[[*keys, minutes]]).merge(
        pd.DataFrame(scenario[[*keys, minutes]]), on=keys, how="outer", suffixes=("_baseline", "_scenario")
    )
    mb = merged[f"{minutes}_baseline"].astype(float).fillna(np.inf).to_numpy()
    ms = merged[f"{minutes}_scenario"].astype(float).fillna(np.inf).to_numpy()
    band_arr = np.asarray(bands)
    inb = mb[:, None] <= band_arr[None, :]
    ins = ms[:, None] <= band_arr[None, :]
    rows, cols = np.nonzero(inb != ins)
    out = merged.iloc[rows][keys].reset_index(drop=True)
    out["band_minutes"] = band_arr[cols]
    out["change"] = np.where(ins[rows, cols], GAINED, LOST)
    out["minutes_baseline"] = np.where(np.isfinite(mb[rows]), mb[rows], np.nan)
    out["minutes_scenario"] = np.where(np.isfinite(ms[rows]), ms[rows], np.nan)
    return out.sort_values(["band_minutes", *keys], kind="stable").reset_index(drop=True)


def _occurrence_keys(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    out = pd.DataFrame(frame[keys]).copy()
    out["key_occurrence"] = out.groupby(keys, dropna=False).cumcount().to_numpy()
    return out


def keyed_changes(
    baseline: pd.DataFrame,
    scenario: pd.DataFrame,
    *,
    keys: Sequence[str],
    compare: Sequence[str] = (),
    carry: Sequence[str] = (),
    atol: float = 1e-9,
) -> pd.DataFrame:
    """New, removed and changed features, matched by stable keys.

    Parameters
    ----------
    baseline, scenario
        Feature tables (GeoDataFrames keep their geometry) with the ``keys`` columns.
        Repeated keys are matched in order of appearance (``key_occurrence``).
    keys
        Columns that identify a feature across runs (e.g. rule and both feature ids).
    compare
        Columns whose change makes a matched feature ``"changed"`` (e.g. ``severity``);
        numbers are compared with tolerance ``atol``.
    carry
        Extra columns copied from the scenario side (baseline side for removed rows);
        missing on a side means empty values.
    atol
        Absolute tolerance for numeric ``compare`` columns.

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        ``keys``, ``key_occurrence``, ``status`` (``"new"``/``"removed"``/``"changed"``),
        ``<c>_baseline`` and ``<c>_scenario`` for each compared column, ``carry``
        columns and (for GeoDataFrames) the geometry. Unchanged features are left out.
    """
    keys, compare, carry = list(keys), list(compare), list(carry)
    for frame, side in ((baseline, "baseline"), (scenario, "scenario")):
        _check_columns(frame, [*keys, *compare], f"keyed_changes {side}")
    is_geo = isinstance(scenario, gpd.GeoDataFrame) or isinstance(baseline, gpd.GeoDataFrame)
    if is_geo and isinstance(baseline, gpd.GeoDataFrame) and isinstance(scenario, gpd.GeoDataFrame):
        _check_crs(baseline, scenario, what="keyed_changes")
    full = [*keys, "key_occurrence"]

    def one_side(frame: pd.DataFrame, suffix: str) -> pd.DataFrame:
        k = _occurrence_keys(frame, keys)
        for c in compare:
            k[f"{c}_{suffix}"] = frame[c].to_numpy()
        for c in carry:  # a carried column may exist on one side only
            k[f"{c}__{suffix}"] = frame[c].to_numpy() if c in frame.columns else None
        if isinstance(frame, gpd.GeoDataFrame):
            k[f"geometry__{suffix}"] = frame.geometry.to_numpy()
        return k.reset_index(drop=True)

    merged = one_side(baseline, "baseline").merge(one_side(scenario, "scenario"), on=full, how="outer", indicator=True)
    which = merged.pop("_merge")
    status = pd.Series(np.where(which == "left_only", REMOVED, np.where(which == "right_only", NEW, "")),
                       index=merged.index)
    both = which == "both"
    differs = pd.Series(False, index=merged.index)
    for c in compare:
        vb, vs = merged[f"{c}_baseline"], merged[f"{c}_scenario"]
        if pd.api.types.is_numeric_dtype(vb) and pd.api.types.is_numeric_dtype(vs):
            d = ~np.isclose(vb.astype(float), vs.astype(float), atol=atol, rtol=0.0, equal_nan=True)
        else:
            d = ~((vb == vs) | (vb.isna() & vs.isna())).to_numpy()
        differs |= d
    status[both & differs] = CHANGED
    merged["status"] = status
    keep = merged["status"] != ""
    out = merged[keep.to_numpy()].copy()
    use_base = (out["status"] == REMOVED).to_numpy()
    cols = [*full, "status", *[f"{c}_{s}" for c in compare for s in ("baseline", "scenario")]]
    for c in carry:
        out[c] = np.where(use_base, out[f"{c}__baseline"], out[f"{c}__scenario"])
        cols.append(c)
    if is_geo:
        gb = out.get("geometry__baseline", pd.Series([None] * len(out), index=out.index)).to_numpy(dtype=object)
        gs = out.get("geometry__scenario", pd.Series([None] * len(out), index=out.index)).to_numpy(dtype=object)
        out["geometry"] = np.where(use_base, gb, gs)
        crs = scenario.crs if isinstance(scenario, gpd.GeoDataFrame) else baseline.crs
        result = gpd.GeoDataFrame(out[[*cols, "geometry"]], geometry="geometry", crs=crs)
    else:
        result = out[cols]
    order = pd.Categorical(result["status"], categories=[NEW, CHANGED, REMOVED], ordered=True)
    return result.assign(_o=order).sort_values(["_o", *full], kind="stable").drop(columns="_o").reset_index(drop=True)


def new_features(
    baseline: pd.DataFrame, scenario: pd.DataFrame, *, keys: Sequence[str], carry: Sequence[str] = ()
) -> pd.DataFrame:
    """Features present in ``scenario`` but not in ``baseline`` (by ``keys``), e.g. new crossings.

    Parameters
    ----------
    baseline, scenario
        Feature tables with the ``keys`` columns.
    keys
        Columns that identify a feature across runs.
    carry
        Extra columns copied from the scenario side.
    """
    changes = keyed_changes(baseline, scenario, keys=keys, carry=carry)
    return changes[changes["status"] == NEW].reset_index(drop=True)
