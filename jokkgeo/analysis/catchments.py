"""Travel-time catchments (isochrone polygons) around investment sites.

One Dijkstra call per question (:mod:`jokkgeo.network.routing`) labels every
node with its travel time; points sampled every ``cell_m / 2`` along every road
segment get a time through either segment end, so *partly* reached segments
count up to the exact point reached before the cut-off. The reached points are
burnt into a grid of ``cell_m`` cells (one value per cell: the fastest band),
dilated by ``buffer_m`` with a disk and polygonised (rasterio). Bands built on
one grid nest by construction (the 60-minute area contains the 30-minute one).

Polygons are **approximate**: a ``buffer_m`` corridor around the reached
roads, with edges on a ``cell_m`` grid (matches a vector buffer union within a
few per cent of area). Travel times themselves are exact for the speed model.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from jokkgeo._progress import progress
from jokkgeo.errors import AnalysisError, CRSError
from jokkgeo.network.arrays import RoadNetwork
from jokkgeo.network.profiles import SpeedProfile, get_profile
from jokkgeo.network.routing import check_direction, node_travel_times, point_times, snap_sites
from jokkgeo.settings import WORKING_CRS

log = logging.getLogger(__name__)

DEFAULT_MINUTES: tuple[float, ...] = (15.0, 30.0, 60.0, 90.0)
DEFAULT_ACCESS_SPEED_KPH = 30.0
"""Off-road access leg speed (km/h): the unmapped last stretch, at the forest-track fallback speed."""
DEFAULT_MAX_SNAP_M = 10_000.0
"""A site farther than this from any open road is an error (m)."""
DEFAULT_CELL_M = 50.0
DEFAULT_BUFFER_M = 250.0


@dataclass
class CatchmentResult:
    """Catchment polygons plus the parameters that made them.

    Attributes
    ----------
    polygons
        One row per site and band: ``site_id``, ``minutes``, ``area_m2``,
        ``status`` (``"ok"`` or ``"empty"``), geometry (EPSG:3006; ``None`` when
        empty). Each site's reach on its own.
    nearest
        One row per site and band for the *nearest-site* split: the area
        within the band of any site, each cell given to the site reached fastest.
    node_times
        Per network node (index: node id): ``minutes_<site_id>`` per site,
        ``minutes_nearest`` and ``nearest_site_id`` (NaN/None beyond the
        longest band).
    snaps
        Access legs: ``site_id``, ``distance_m``, ``access_s``, LineString from
        the site to its snapped point.
    params
        Minutes, season/profile, direction, access speed, snap distance, grid
        and buffer, network edits and speed-source counts (for the manifest).
    warnings
        Human-readable notes (empty bands, repaired polygons, ...).
    """

    polygons: gpd.GeoDataFrame
    nearest: gpd.GeoDataFrame
    node_times: pd.DataFrame
    snaps: gpd.GeoDataFrame
    params: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


# ----------------------------------------------------------------- helpers
def validate_minutes(minutes: Sequence[float] | float) -> tuple[float, ...]:
    """Sorted unique positive cut-offs in minutes."""
    if isinstance(minutes, (int, float)):
        minutes = [minutes]
    try:
        vals = sorted({float(m) for m in minutes})
    except (TypeError, ValueError):
        raise AnalysisError(f"minutes must be numbers, e.g. [15, 30, 60, 90]; got {minutes!r}")
    if not vals or any(not math.isfinite(m) or m <= 0 for m in vals):
        raise AnalysisError(f"minutes must be positive numbers, e.g. [15, 30, 60, 90]; got {minutes!r}")
    return tuple(vals)


def site_table(
    sites: gpd.GeoDataFrame, site_id_col: str | None, *, what: str = "sites"
) -> tuple[tuple[str, ...], np.ndarray]:
    """Site ids (text) and geometries; checks CRS, ids and geometry."""
    if not isinstance(sites, gpd.GeoDataFrame):
        raise AnalysisError(f"{what} must be a GeoDataFrame of points or polygons in {WORKING_CRS}")
    check_crs(sites, what)
    if len(sites) == 0:
        raise AnalysisError(f"{what} has no features; give at least one site")
    if site_id_col is not None and site_id_col not in sites.columns:
        raise AnalysisError(
            f"{what} has no column '{site_id_col}'; columns are: {', '.join(map(str, sites.columns))}. "
            "Pass site_id_col= (CLI: the layer needs a 'site_id' field)"
        )
    ids = tuple(str(v) for v in (sites[site_id_col] if site_id_col else sites.index))
    dup = pd.Series(ids)[pd.Series(ids).duplicated()].unique()
    if len(dup):
        raise AnalysisError(f"{what}: duplicate site ids {', '.join(map(str, dup))}; ids must be unique")
    geoms = sites.geometry.values.to_numpy() if hasattr(sites.geometry.values, "to_numpy") else np.asarray(sites.geometry.values)
    bad = [ids[i] for i, g in enumerate(geoms) if g is None or shapely.is_empty(g)]
    if bad:
        raise AnalysisError(f"{what}: site(s) without geometry: {', '.join(bad)}")
    geoms = np.asarray(geoms, dtype=object)
    kinds = set(shapely.get_type_id(geoms).tolist())
    if not kinds <= {0, 3, 4, 6}:
        raise AnalysisError(f"{what}: sites must be points or polygons (got geometry type ids {sorted(kinds)})")
    return ids, geoms


def check_crs(gdf: gpd.GeoDataFrame, what: str) -> None:
    """Refuse data that is not in EPSG:3006."""
    from pyproj import CRS

    if gdf.crs is None:
        raise CRSError(f"{what} has no CRS; set it, e.g. gdf.set_crs('EPSG:3006'), or reproject to {WORKING_CRS}")
    if CRS.from_user_input(gdf.crs) != CRS.from_user_input(WORKING_CRS):
        raise CRSError(f"{what} is in {gdf.crs.to_string()}, not {WORKING_CRS}; reproject with gdf.to_crs('EPSG:3006')")


def grid_cell(cell_m: float, buffer_m: float) -> tuple[float, int]:
    """Actual grid cell (m) near ``cell_m`` and the dilation radius in cells for ``buffer_m``.

    A road seeds a band about one cell wide, so dilating by ``r`` cells gives a
    corridor ``(2 r + 1)`` cells wide; the cell is adjusted to ``buffer_m / (r + 0.5)``
    so that this equals ``2 * buffer_m`` (no systematic area bias).
    """
    if buffer_m <= 0:
        return float(cell_m), 0
    radius = max(int(round(buffer_m / cell_m - 0.5)), 0)
    # a multiple of 1/128 m: grid coordinates are then exact in floating point, so the
    # polygons of different bands share vertices exactly (nesting without slivers)
    return round(buffer_m / (radius + 0.5) * 128) / 128, radius


def _grid(network: RoadNetwork, cell_m: float, margin_m: float) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Row/column of every sample point on a grid covering the network (cached)."""
    key = ("grid", float(cell_m), float(margin_m))
    if key not in network._cache:
        _, _, sx, sy = network.samples(cell_m / 2)
        x0 = math.floor((min(sx.min(), network.node_x.min()) - margin_m) / cell_m) * cell_m
        y1 = math.ceil((max(sy.max(), network.node_y.max()) + margin_m) / cell_m) * cell_m
        cols = ((sx - x0) // cell_m).astype(np.int64)
        rows = ((y1 - sy) // cell_m).astype(np.int64)
        network._cache[key] = (rows, cols, x0, y1)
    return network._cache[key]


def _disk_max_filter(a: np.ndarray, radius: int) -> np.ndarray:
    """Maximum over the cells within ``radius + 0.5`` cells (= ``buffer_m``), as a union of separable rectangles."""
    from scipy.ndimage import maximum_filter1d

    if radius <= 0:
        return a
    out = np.zeros_like(a)
    r2 = (radius + 0.5) ** 2  # the disk of radius buffer_m (= radius + 0.5 cells)
    widths = [int(math.floor(math.sqrt(r2 - h * h))) for h in range(radius + 1)]
    horizontal: dict[int, np.ndarray] = {}
    for h, w in enumerate(widths):
        if h < radius and widths[h + 1] == w:
            continue  # contained in the next, taller rectangle
        if w not in horizontal:
            horizontal[w] = maximum_filter1d(a, 2 * w + 1, axis=1, mode="constant", cval=0)
        np.maximum(out, maximum_filter1d(horizontal[w], 2 * h + 1, axis=0, mode="constant", cval=0), out=out)
    return out


def _polygonise(labels: np.ndarray, transform: Any) -> dict[int, Any]:
    """Label raster (0 = nothing) -> {label: valid (Multi)Polygon}."""
    from rasterio import features
    from shapely.geometry import shape

    pieces: dict[int, list[Any]] = {}
    if not labels.any():
        return {}
    for geom, value in features.shapes(labels, mask=labels > 0, transform=transform, connectivity=4):
        pieces.setdefault(int(value), []).append(shape(geom))
    out = {}
    for value, polys in pieces.items():
        geom = polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)
        if not shapely.is_valid(geom):
            geom = shapely.make_valid(geom)
            log.debug("repaired a grid polygon (pixel corners touching)")
        out[value] = geom
    return out


def _disk_offsets(radius: int) -> tuple[np.ndarray, np.ndarray]:
    dy, dx = np.mgrid[-radius:radius + 1, -radius:radius + 1]
    inside = dy * dy + dx * dx <= (radius + 0.5) ** 2  # radius buffer_m = radius + 0.5 cells
    return dy[inside].ravel(), dx[inside].ravel()


def _polygonise_cells(shape: tuple[int, int], flat: np.ndarray, labels: np.ndarray, x0: float, y1: float,
                      cell: float, r0: int, c0: int) -> dict[int, Any]:
    """Polygonise labelled cells (flat indices into a grid of ``shape``), cropped to their bounding box."""
    if flat.size == 0:
        return {}
    rr, cc = np.divmod(flat, shape[1])
    ra, ca = rr.min(), cc.min()
    crop = np.zeros((rr.max() - ra + 1, cc.max() - ca + 1), dtype=np.int32)
    crop[rr - ra, cc - ca] = labels
    return _polygonise(crop, _affine(x0, y1, cell, r0 + int(ra), c0 + int(ca)))


def _band_rasters(
    rows: np.ndarray, cols: np.ndarray, value: np.ndarray, radius: int
) -> tuple[np.ndarray, int, int]:
    """Burn ``value`` (max per cell) into a cropped grid and dilate it by a disk of ``radius`` cells.

    Sparse reach (few cells for the grid's size, typical of rural roads) is
    dilated by stamping the disk around each reached cell; dense reach by
    separable maximum filters over the whole grid. Both give the same grid.
    """
    r0, c0 = rows.min() - radius - 1, cols.min() - radius - 1
    h, w = rows.max() - r0 + radius + 2, cols.max() - c0 + radius + 2
    flat = (rows - r0) * w + (cols - c0)
    order = np.lexsort((value, flat))
    flat_s, value_s = flat[order], value[order]
    last = np.ones(len(flat_s), dtype=bool)
    last[:-1] = flat_s[1:] != flat_s[:-1]
    cells, best = flat_s[last], value_s[last]  # max value per cell
    grid = np.zeros((h, w), dtype=value.dtype)
    dy, dx = _disk_offsets(radius)
    n_passes = 2 * (radius + 1)
    if len(cells) * len(dy) < h * w * n_passes / 4:
        cr, cc = np.divmod(cells, w)
        flat_stamp = ((cr[:, None] + dy[None, :]) * w + (cc[:, None] + dx[None, :])).ravel()
        np.maximum.at(grid.ravel(), flat_stamp, np.repeat(best, len(dy)))
        return grid, int(r0), int(c0)
    grid.ravel()[cells] = best
    return _disk_max_filter(grid, radius), int(r0), int(c0)


def _affine(x0: float, y1: float, cell: float, r0: int, c0: int) -> Any:
    from affine import Affine

    return Affine(cell, 0.0, x0 + c0 * cell, 0.0, -cell, y1 - r0 * cell)


# -------------------------------------------------------------------- API
def catchments(
    network: RoadNetwork,
    sites: gpd.GeoDataFrame,
    *,
    minutes: Sequence[float] = DEFAULT_MINUTES,
    profile: str | SpeedProfile | None = "summer",
    site_id_col: str | None = "site_id",
    direction: str = "to_site",
    access_speed_kph: float = DEFAULT_ACCESS_SPEED_KPH,
    max_snap_m: float = DEFAULT_MAX_SNAP_M,
    cell_m: float = DEFAULT_CELL_M,
    buffer_m: float = DEFAULT_BUFFER_M,
    per_site: bool = True,
    nearest: bool = True,
) -> CatchmentResult:
    """Travel-time catchment polygons per site and per nearest site, for several cut-offs.

    Parameters
    ----------
    network
        Road network in EPSG:3006 (:mod:`jokkgeo.network.graph`).
    sites
        Points or polygons in EPSG:3006, one per site.
    minutes
        Cut-offs (minutes); each gives one band polygon per site.
    profile
        Season profile name (``"summer"``, ``"winter"``, ...) or a
        :class:`~jokkgeo.network.profiles.SpeedProfile`.
    site_id_col
        Column with unique site ids (``None``: use the index).
    direction
        ``"to_site"`` (travel from places to the site; default) or ``"from_site"``.
    access_speed_kph
        Speed of the off-road leg from a site to its nearest road (km/h).
    max_snap_m
        A site farther than this from every open road is an error naming it.
    cell_m, buffer_m
        Grid cell and corridor half-width (m) of the approximate polygons
        (the cell is adjusted slightly, see :func:`grid_cell`; the value used
        is in ``params["cell_m"]``).
    per_site, nearest
        Which polygon sets to build (per site alone; nearest-site split).

    Returns
    -------
    CatchmentResult
        Polygons in EPSG:3006 with ``area_m2``; times in minutes.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from jokkgeo.network.graph import graph_from_lines
    >>> roads = gpd.GeoDataFrame({"highway": ["primary"], "maxspeed": ["60"]},
    ...     geometry=[shapely.LineString([(0, 0), (10000, 0)])], crs="EPSG:3006")
    >>> site = gpd.GeoDataFrame({"site_id": ["a"]}, geometry=[shapely.Point(0, 0)], crs="EPSG:3006")
    >>> res = catchments(graph_from_lines(roads), site, minutes=[5, 15])
    >>> res.node_times["minutes_a"].round(2).tolist()   # 10 km at 60 km/h: 10 minutes
    [0.0, 10.0]
    >>> res.polygons[["site_id", "minutes", "status"]].values.tolist()
    [['a', 5.0, 'ok'], ['a', 15.0, 'ok']]
    """
    mins = validate_minutes(minutes)
    check_direction(direction)
    for name, value in (("access_speed_kph", access_speed_kph), ("max_snap_m", max_snap_m),
                        ("cell_m", cell_m), ("buffer_m", buffer_m)):
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0) or (
            value == 0 and name in ("access_speed_kph", "cell_m")
        ):
            raise AnalysisError(f"{name} must be a positive number, got {value!r}")
    prof = get_profile(profile)
    ids, geoms = site_table(sites, site_id_col)
    snaps = snap_sites(network, geoms, ids, profile=prof, max_snap_m=max_snap_m, access_speed_kph=access_speed_kph)
    cut_s = np.array(mins) * 60.0
    limit = float(cut_s[-1])
    w = network.travel_time(prof)
    cell_m, radius = grid_cell(cell_m, buffer_m)
    geom_s, frac_s, _, _ = network.samples(cell_m / 2)
    rows, cols, x0, y1 = _grid(network, cell_m, buffer_m + 2 * cell_m)
    warnings: list[str] = []

    def levels_of(t: np.ndarray) -> np.ndarray:
        # level = number of bands containing the time (0 = beyond the longest)
        return (len(cut_s) - np.searchsorted(cut_s, t, side="left")).astype(np.int32)

    node_cols: dict[str, np.ndarray] = {}
    poly_rows: list[dict[str, Any]] = []
    if per_site:
        def per_site_times() -> Any:
            # one Dijkstra call per batch of sites (batches cap memory at ~2e7 node times)
            chunk = max(1, int(2e7 // max(network.n_nodes, 1)))
            for start in range(0, len(ids), chunk):
                batch = np.arange(start, min(start + chunk, len(ids)))
                times, _ = node_travel_times(network, snaps, profile=prof, direction=direction, limit_s=limit,
                                             sites=batch)
                yield from zip(batch, times)

        for site, node_t in progress(per_site_times(), total=len(ids), desc="catchments"):
            node_cols[f"minutes_{ids[site]}"] = np.where(node_t <= limit, node_t / 60.0, np.nan)
            site_snaps = snaps.table[snaps.table["site"] == site]
            t, _ = point_times(network, w, node_t, geom_s, frac_s, direction=direction, snaps=site_snaps)
            poly_rows.extend(_site_bands(ids[site], t, cut_s, mins, levels_of, rows, cols, radius,
                                         x0, y1, cell_m, warnings))
    polygons = gpd.GeoDataFrame(
        poly_rows or None, columns=["site_id", "minutes", "area_m2", "status", "geometry"], geometry="geometry", crs=WORKING_CRS
    )

    nearest_rows: list[dict[str, Any]] = []
    node_t, owner = node_travel_times(network, snaps, profile=prof, direction=direction, limit_s=limit, nearest=True)
    node_cols["minutes_nearest"] = np.where(node_t <= limit, node_t / 60.0, np.nan)
    node_cols["nearest_site_id"] = np.where(owner >= 0, np.array(ids, dtype=object)[np.maximum(owner, 0)], None)
    if nearest:
        t, t_owner = point_times(network, w, node_t, geom_s, frac_s, direction=direction, snaps=snaps.table,
                                 node_owner=owner)
        nearest_rows = _nearest_bands(ids, t, t_owner, cut_s, mins, levels_of, rows, cols, radius, x0, y1, cell_m,
                                      warnings)
    nearest_gdf = gpd.GeoDataFrame(
        nearest_rows or None, columns=["site_id", "minutes", "area_m2", "status", "geometry"], geometry="geometry",
        crs=WORKING_CRS,
    )
    node_times = pd.DataFrame(node_cols, index=pd.Index(network.node_id, name="node"))
    st = snaps.table
    legs = shapely.shortest_line(geoms[st["site"].to_numpy()], shapely.points(st["x"].to_numpy(), st["y"].to_numpy()))
    snaps_gdf = gpd.GeoDataFrame(
        {"site_id": np.array(ids, dtype=object)[st["site"].to_numpy()], "distance_m": st["distance_m"].to_numpy(),
         "access_s": st["access_s"].to_numpy()},
        geometry=legs, crs=WORKING_CRS,
    )
    for msg in warnings:
        log.warning(msg)
    params = {
        "minutes": list(mins),
        "season": prof.name,
        "profile": prof.as_dict(),
        "direction": direction,
        "access_speed_kph": float(access_speed_kph),
        "max_snap_m": float(max_snap_m),
        "cell_m": float(cell_m),
        "buffer_m": float(buffer_m),
        "polygon_method": "approximate: reached road points (incl. partial edges) on a grid, dilated by buffer_m",
        "n_sites": len(ids),
        "network": {"n_nodes": network.n_nodes, "n_arcs": network.n_arcs, "edits": list(network.edits),
                    "speed_sources": network.speed_report.as_dict()},
    }
    return CatchmentResult(polygons=polygons, nearest=nearest_gdf, node_times=node_times, snaps=snaps_gdf,
                           params=params, warnings=warnings)


def _site_bands(site_id: str, t: np.ndarray, cut_s: np.ndarray, mins: tuple[float, ...], levels_of: Any,
                rows: np.ndarray, cols: np.ndarray, radius: int, x0: float, y1: float, cell_m: float,
                warnings: list[str]) -> list[dict[str, Any]]:
    reached = np.flatnonzero(t <= cut_s[-1])
    out: list[dict[str, Any]] = []
    if reached.size == 0:
        for m in mins:
            out.append(_empty_row(site_id, m, warnings))
        return out
    lev = levels_of(t[reached]).astype(np.uint8)
    grid, r0, c0 = _band_rasters(rows[reached], cols[reached], lev, radius)
    nz = np.flatnonzero(grid)
    nz_level = grid.ravel()[nz]
    for b, m in enumerate(mins):
        sel = nz_level >= len(mins) - b
        geom = _polygonise_cells(grid.shape, nz[sel], np.ones(int(sel.sum()), np.int32), x0, y1, cell_m, r0, c0).get(1)
        out.append(_row(site_id, m, geom, warnings))
    return out


def _nearest_bands(ids: tuple[str, ...], t: np.ndarray, owner: np.ndarray, cut_s: np.ndarray,
                   mins: tuple[float, ...], levels_of: Any, rows: np.ndarray, cols: np.ndarray, radius: int,
                   x0: float, y1: float, cell_m: float, warnings: list[str]) -> list[dict[str, Any]]:
    k = len(ids)
    reached = np.flatnonzero(t <= cut_s[-1])
    if reached.size == 0:
        return [_empty_row(s, m, warnings) for s in ids for m in mins]
    # one value per cell: best band, then fastest time (0.1 s steps), then lowest site position;
    # the dilation keeps the maximum, so a cell goes to the site reached fastest within buffer_m
    lev = levels_of(t[reached]).astype(np.int64)
    q_max = int(math.ceil(cut_s[-1] * 10))
    q = np.clip(np.floor((cut_s[-1] - t[reached]) * 10), 0, q_max).astype(np.int64)
    value = (lev * (q_max + 1) + q) * k + (k - 1 - owner[reached])
    if (len(mins) + 1) * (q_max + 1) * k < np.iinfo(np.int32).max:
        value = value.astype(np.int32)  # halves the grid's memory
    grid, r0, c0 = _band_rasters(rows[reached], cols[reached], value, radius)
    shape = grid.shape
    nz = np.flatnonzero(grid)
    vals = grid.ravel()[nz]
    del grid
    nz_level = vals // (k * (q_max + 1))
    nz_owner = (k - 1) - vals % k
    out = []
    per_band = {}
    for b, m in enumerate(mins):
        sel = nz_level >= len(mins) - b
        per_band[m] = _polygonise_cells(shape, nz[sel], (nz_owner[sel] + 1).astype(np.int32), x0, y1, cell_m, r0, c0)
    for s, sid in enumerate(ids):
        for m in mins:
            geom = per_band[m].get(s + 1)
            out.append(_row(sid, m, geom, warnings, nearest=bool(per_band[m])))
    return out


def _row(site_id: str, minutes: float, geom: Any, warnings: list[str], nearest: bool = False) -> dict[str, Any]:
    if geom is None or shapely.is_empty(geom):
        return _empty_row(site_id, minutes, warnings, nearest=nearest)
    return {"site_id": site_id, "minutes": minutes, "area_m2": float(shapely.area(geom)), "status": "ok", "geometry": geom}


def _empty_row(site_id: str, minutes: float, warnings: list[str], nearest: bool = False) -> dict[str, Any]:
    if nearest:
        msg = f"site '{site_id}': no area within {minutes:g} min is nearer to it than to another site"
    else:
        msg = (f"site '{site_id}': nothing reached within {minutes:g} min (the access leg or the site's road "
               "island takes longer); band left empty")
    warnings.append(msg)
    return {"site_id": site_id, "minutes": minutes, "area_m2": 0.0, "status": "empty", "geometry": None}
