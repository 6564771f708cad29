"""Accessibility of places: travel time to the nearest site (and to each site), totals per band.

Places (settlements, housing land, population cells; points or polygons in
EPSG:3006) are snapped to the nearest open road segment — found through a
KD-tree of points every ``step_m`` along the roads, then projected exactly
onto that segment — and travel the off-road leg at ``access_speed_kph``. Polygons are represented by a point on their surface.
Times are in minutes; a place farther than ``max_snap_m`` from any open road,
or on a road island without a site, is *unreachable* (NaN) and counted.
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

from jokkgeo.analysis.catchments import (
    DEFAULT_ACCESS_SPEED_KPH,
    DEFAULT_MAX_SNAP_M,
    DEFAULT_MINUTES,
    check_crs,
    site_table,
    validate_minutes,
)
from jokkgeo.errors import AnalysisError
from jokkgeo.network.arrays import RoadNetwork
from jokkgeo.network.profiles import SpeedProfile, get_profile, seasonal_classes
from jokkgeo.network.routing import check_direction, node_travel_times, point_times, snap_sites

log = logging.getLogger(__name__)

VALUE_COLUMNS: tuple[str, ...] = ("population", "dwellings")


@dataclass
class AccessibilityResult:
    """Per-place travel times and per-band totals.

    Attributes
    ----------
    places
        The input places (same index, CRS and columns) plus ``minutes_nearest``
        (minutes to the nearest site, NaN when unreachable), ``nearest_site_id``,
        ``band_minutes`` (smallest band containing the place, NaN beyond),
        ``snap_distance_m`` (off-road leg), ``reachable`` and, with
        ``per_site``, ``minutes_<site_id>`` per site.
    totals
        Cumulative totals per ``scope`` (``"site"``: each site on its own;
        ``"nearest"``: places counted at their nearest site; ``"any"``: any
        site), ``site_id`` and ``minutes``: ``n_places``, ``population``,
        ``dwellings`` (when the columns exist) and ``area_m2`` (polygon places).
    params
        Parameters for the manifest (as in :class:`~jokkgeo.analysis.catchments.CatchmentResult`).
    n_unreachable
        Places with no time (too far from a road or on an island without a site).
    """

    places: gpd.GeoDataFrame
    totals: pd.DataFrame
    params: dict[str, Any]
    n_unreachable: int = 0
    warnings: list[str] = field(default_factory=list)


KDTREE_WORKERS = -1
"""Threads for KD-tree queries (-1: all cores). The benchmark also reports 1."""


def _sample_tree(network: RoadNetwork, prof: SpeedProfile, step_m: float, stable: bool = False) -> tuple[Any, ...]:
    """KD-tree over the distinct road points of open segments, and the road pieces at each point.

    Returns ``(tree, ptr, piece_a, piece_b)``: the straight road pieces touching
    distinct point ``u`` (several at a junction) run from sample ``piece_a[k]``
    to sample ``piece_b[k]`` for ``k`` in ``ptr[u]:ptr[u + 1]``.
    """
    from scipy.spatial import cKDTree

    key = ("sample_tree", prof.key, float(step_m), stable)
    if key not in network._cache:
        geom, _, x, y = network.samples(step_m)
        is_open = network.open_geometries(prof)
        if stable:
            fwd, bwd = network.geometry_arcs()
            arc = np.where(fwd >= 0, fwd, bwd)
            is_open = is_open & ~np.isin(network.arc_class[arc], list(seasonal_classes()))
        open_samples = np.flatnonzero(is_open[geom])
        xy = np.column_stack([x[open_samples], y[open_samples]])
        uniq, inverse = np.unique(xy, axis=0, return_inverse=True)
        inverse = inverse.ravel()
        n = len(geom)
        a_parts, b_parts, u_parts = [], [], []
        for step in (-1, 1):  # the piece before and the piece after each sample
            nb = open_samples + step
            ok = (nb >= 0) & (nb < n)
            ok[ok] = geom[nb[ok]] == geom[open_samples[ok]]
            a_parts.append(open_samples[ok])
            b_parts.append(nb[ok])
            u_parts.append(inverse[ok])
        u_all = np.concatenate(u_parts)
        order = np.argsort(u_all, kind="stable")
        ptr = np.zeros(len(uniq) + 1, dtype=np.int64)
        np.cumsum(np.bincount(u_all, minlength=len(uniq)), out=ptr[1:])
        network._cache[key] = (cKDTree(uniq), ptr, np.concatenate(a_parts)[order], np.concatenate(b_parts)[order])
    return network._cache[key]


def _node_tree(network: RoadNetwork, prof: SpeedProfile, stable: bool = False) -> tuple[Any, np.ndarray, np.ndarray]:
    """KD-tree over the nodes at the ends of open segments: ``(tree, geom, frac)`` per node (frac 0 or 1)."""
    from scipy.spatial import cKDTree

    key = ("node_tree", prof.key, stable)
    if key not in network._cache:
        is_open = network.open_geometries(prof)
        if stable:
            fwd, bwd = network.geometry_arcs()
            arc = np.where(fwd >= 0, fwd, bwd)
            is_open = is_open & ~np.isin(network.arc_class[arc], list(seasonal_classes()))
        g = np.flatnonzero(is_open)
        start, end = network.geometry_nodes()
        nodes = np.concatenate([start[g], end[g]])
        geoms = np.concatenate([g, g])
        fracs = np.concatenate([np.zeros(len(g)), np.ones(len(g))])
        nodes, first = np.unique(nodes, return_index=True)
        tree = cKDTree(np.column_stack([network.node_x[nodes], network.node_y[nodes]]))
        network._cache[key] = (tree, geoms[first], fracs[first])
    return network._cache[key]


def place_points(places: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """x/y of each place (a point on a polygon's surface, a line's midpoint; NaN if empty) and geometry type ids."""
    geoms = np.asarray(places.geometry.values, dtype=object)
    xy = np.full((len(geoms), 2), np.nan)
    kinds = shapely.get_type_id(geoms)  # -1 for missing
    empty = shapely.is_empty(geoms)
    points = kinds == 0
    if points.all() and not empty.any():  # the common case: all points
        return shapely.get_coordinates(geoms), kinds
    ok = (kinds >= 0) & ~empty
    points &= ok
    xy[points] = shapely.get_coordinates(geoms[points])
    other = ok & ~points
    if other.any():
        g = geoms[other]
        pts = shapely.point_on_surface(g)
        lines = np.isin(kinds[other], [1, 5])
        pts[lines] = shapely.line_interpolate_point(g[lines], 0.5, normalized=True)
        xy[other] = shapely.get_coordinates(pts)
    return xy, kinds


def snap_places(
    network: RoadNetwork, xy: np.ndarray, *, profile: str | SpeedProfile | None, max_snap_m: float, step_m: float,
    stable: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Snap points to open roads: ``(segment index or -1, fraction along it, distance m)``.

    A KD-tree over the road points of ``network.samples(step_m)`` (every vertex,
    and no gap above ``step_m``) finds the nearest road point; the place is then
    projected exactly onto the two straight road pieces on either side of it.
    ``step_m=0`` snaps to the nearest *node* instead (faster, coarser).
    ``stable=True`` snaps only to roads of classes no packaged season closes.
    """
    prof = get_profile(profile)
    if step_m == 0:  # snap to the nearest node
        geom = np.full(len(xy), -1, dtype=np.int64)
        frac = np.zeros(len(xy))
        dist = np.full(len(xy), np.inf)
        ok = np.isfinite(xy).all(axis=1)
        tree, node_geom, node_frac = _node_tree(network, prof, stable)
        if tree.n and ok.any():
            d, i = tree.query(xy[ok], distance_upper_bound=max_snap_m, workers=KDTREE_WORKERS)
            hit = np.isfinite(d)
            pos = np.flatnonzero(ok)[hit]
            geom[pos], frac[pos], dist[pos] = node_geom[i[hit]], node_frac[i[hit]], d[hit]
        return geom, frac, dist
    tree, ptr, piece_a, piece_b = _sample_tree(network, prof, step_m, stable)
    geom_s, frac_s, sx, sy = network.samples(step_m)
    geom = np.full(len(xy), -1, dtype=np.int64)
    frac = np.zeros(len(xy))
    dist = np.full(len(xy), np.inf)
    ok = np.isfinite(xy).all(axis=1)
    if not (len(piece_a) and ok.any()):
        return geom, frac, dist
    d, u = tree.query(xy[ok], distance_upper_bound=max_snap_m + step_m / 2, workers=KDTREE_WORKERS)
    hit = np.isfinite(d)
    pos = np.flatnonzero(ok)[hit]
    u = u[hit]
    # project each place onto every straight road piece at its nearest road point (one flat pass)
    counts = ptr[u + 1] - ptr[u]
    starts = np.cumsum(counts) - counts
    owner = np.repeat(np.arange(len(u)), counts)
    k = np.repeat(ptr[u] - starts, counts) + np.arange(int(counts.sum()))
    a, b = piece_a[k], piece_b[k]
    px, py = xy[pos[owner], 0], xy[pos[owner], 1]
    ax, ay = sx[a], sy[a]
    vx, vy = sx[b] - ax, sy[b] - ay
    vv = vx * vx + vy * vy
    t = np.clip(np.divide((px - ax) * vx + (py - ay) * vy, vv, out=np.zeros_like(vv), where=vv > 0), 0.0, 1.0)
    dd = np.hypot(ax + t * vx - px, ay + t * vy - py)
    best = np.minimum.reduceat(dd, starts)
    first_min = np.flatnonzero(dd <= np.repeat(best, counts))
    grp = owner[first_min]  # already grouped by place
    keep = np.ones(len(grp), dtype=bool)
    keep[1:] = grp[1:] != grp[:-1]
    pick = first_min[keep]
    best_f = frac_s[a[pick]] + t[pick] * (frac_s[b[pick]] - frac_s[a[pick]])
    within = best <= max_snap_m
    geom[pos[within]] = geom_s[a[pick]][within]
    frac[pos[within]] = best_f[within]
    dist[pos[within]] = best[within]
    return geom, frac, dist


def accessibility(
    network: RoadNetwork,
    sites: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    *,
    minutes: Sequence[float] = DEFAULT_MINUTES,
    profile: str | SpeedProfile | None = "summer",
    site_id_col: str | None = "site_id",
    direction: str = "to_site",
    access_speed_kph: float = DEFAULT_ACCESS_SPEED_KPH,
    max_snap_m: float = DEFAULT_MAX_SNAP_M,
    place_max_snap_m: float | None = None,
    step_m: float = 200.0,
    snap: str = "edge",
    per_site: bool = True,
    value_columns: Sequence[str] = VALUE_COLUMNS,
) -> AccessibilityResult:
    """Travel time from every place to the nearest site (and to each site), with totals per band.

    Parameters
    ----------
    network
        Road network (EPSG:3006).
    sites
        Site points/polygons with unique ``site_id_col`` (EPSG:3006).
    places
        Points or polygons (EPSG:3006); the input is not modified.
    minutes
        Band cut-offs (minutes) for ``band_minutes`` and the totals.
    profile, direction, access_speed_kph, max_snap_m
        As in :func:`jokkgeo.analysis.catchments.catchments` (``max_snap_m`` for sites).
    place_max_snap_m
        Places farther than this from an open road are unreachable (default ``max_snap_m``).
    step_m
        Spacing (m) of the road points used to find each place's nearest
        segment (the place is then projected exactly onto that segment).
    snap
        ``"edge"`` (default): nearest point on the nearest road segment.
        ``"node"``: nearest network node (as ``osmnx.distance.nearest_nodes``;
        faster, but in sparse rural networks the nearest node can be far along
        the road).
    per_site
        Also compute ``minutes_<site_id>`` per site and per-site totals.
    value_columns
        Numeric columns summed per band when present (e.g. ``population``, ``dwellings``).

    Returns
    -------
    AccessibilityResult

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from jokkgeo.network.graph import graph_from_lines
    >>> roads = gpd.GeoDataFrame({"maxspeed": ["60"]},
    ...     geometry=[shapely.LineString([(0, 0), (10000, 0)])], crs="EPSG:3006")
    >>> site = gpd.GeoDataFrame({"site_id": ["a"]}, geometry=[shapely.Point(0, 0)], crs="EPSG:3006")
    >>> town = gpd.GeoDataFrame({"population": [100]}, geometry=[shapely.Point(6000, 0)], crs="EPSG:3006")
    >>> accessibility(graph_from_lines(roads), site, town, minutes=[10]).places["minutes_nearest"].round(2).tolist()
    [6.0]
    """
    mins = validate_minutes(minutes)
    check_direction(direction)
    if snap not in ("edge", "node"):
        raise AnalysisError(f"snap must be 'edge' or 'node', got {snap!r}")
    step_m = 0.0 if snap == "node" else step_m
    if snap == "edge" and not step_m > 0:
        raise AnalysisError(f"step_m must be a positive number of metres, got {step_m!r}")
    if not isinstance(places, gpd.GeoDataFrame):
        raise AnalysisError("places must be a GeoDataFrame of points or polygons in EPSG:3006")
    check_crs(places, "places")
    if not (access_speed_kph > 0 and math.isfinite(access_speed_kph)):
        raise AnalysisError(f"access_speed_kph must be a positive number, got {access_speed_kph!r}")
    prof = get_profile(profile)
    ids, geoms = site_table(sites, site_id_col)
    snaps = snap_sites(network, geoms, ids, profile=prof, max_snap_m=max_snap_m, access_speed_kph=access_speed_kph)
    w = network.travel_time(prof)
    xy, kinds = place_points(places)
    max_place = place_max_snap_m or max_snap_m
    # access points: nearest open road, plus (for places whose nearest road is of a class some
    # season closes, e.g. a forest track) the nearest road of a class no season closes
    g1, f1, d1 = snap_places(network, xy, profile=prof, max_snap_m=max_place, step_m=step_m)
    fwd_arc, bwd_arc = network.geometry_arcs()
    seasonal = list(seasonal_classes())
    first_arc = np.where(fwd_arc >= 0, fwd_arc, bwd_arc)
    on_seasonal = (g1 >= 0) & np.isin(network.arc_class[first_arc[np.maximum(g1, 0)]], seasonal)
    cands = [(g1, f1, d1)]
    if on_seasonal.any():
        sub = np.flatnonzero(on_seasonal)
        g2s, f2s, d2s = snap_places(network, xy[sub], profile=prof, max_snap_m=max_place, step_m=step_m, stable=True)
        keep = g2s >= 0
        cands.append((sub[keep], g2s[keep], f2s[keep], d2s[keep]))
    snapped = g1 >= 0
    speed_ms = access_speed_kph / 3.6

    def place_time(node_t: np.ndarray, node_owner: np.ndarray | None, site_snaps: Any) -> tuple[np.ndarray, ...]:
        t, o = point_times(network, w, node_t, np.maximum(g1, 0), f1, direction=direction, snaps=site_snaps,
                           node_owner=node_owner)
        best = np.where(snapped, t + d1 / speed_ms, np.inf)
        best_owner = o if o is not None else np.full(len(xy), -1, dtype=np.int64)
        best_dist = np.where(snapped, d1, np.nan)
        if len(cands) > 1:
            sub, g2, f2, d2 = cands[1]
            t2, o2 = point_times(network, w, node_t, g2, f2, direction=direction, snaps=site_snaps,
                                 node_owner=node_owner)
            tot2 = t2 + d2 / speed_ms
            better = tot2 < best[sub]
            best[sub[better]] = tot2[better]
            best_dist[sub[better]] = d2[better]
            if o2 is not None:
                best_owner[sub[better]] = o2[better]
        return best, best_owner, best_dist

    node_t, owner = node_travel_times(network, snaps, profile=prof, direction=direction, nearest=True)
    total, t_owner, snap_dist = place_time(node_t, owner, snaps.table)
    reachable = np.isfinite(total)
    minutes_nearest = np.where(reachable, total / 60.0, np.nan)
    cut = np.array(mins)
    band_idx = np.searchsorted(cut, minutes_nearest, side="left")
    cols: dict[str, Any] = {
        "minutes_nearest": minutes_nearest,
        "nearest_site_id": np.where(reachable, np.array(ids, dtype=object)[np.maximum(t_owner, 0)], None),
        "band_minutes": np.where(reachable & (band_idx < len(cut)), cut[np.minimum(band_idx, len(cut) - 1)], np.nan),
        "snap_distance_m": snap_dist,
        "reachable": reachable,
    }
    per_site_minutes: dict[str, np.ndarray] = {}
    if per_site:
        chunk = max(1, int(2e7 // max(network.n_nodes, 1)))
        for start in range(0, len(ids), chunk):
            batch = np.arange(start, min(start + chunk, len(ids)))
            times, _ = node_travel_times(network, snaps, profile=prof, direction=direction, sites=batch)
            for row, s in enumerate(batch):
                tot, _, _ = place_time(times[row], None, snaps.table[snaps.table["site"] == s])
                per_site_minutes[ids[s]] = np.where(np.isfinite(tot), tot / 60.0, np.nan)
                cols[f"minutes_{ids[s]}"] = per_site_minutes[ids[s]]
    # one concat instead of a column-by-column insert; replaces same-named columns of the input
    base = places.drop(columns=[c for c in cols if c in places.columns])
    out = pd.concat([base, pd.DataFrame(cols, index=places.index)], axis=1)
    out = gpd.GeoDataFrame(out, geometry=places.geometry.name, crs=places.crs)

    n_unreachable = int((~reachable).sum())
    warnings = []
    if n_unreachable:
        n_far = int((~snapped).sum())
        msg = (f"{n_unreachable} of {len(places)} place(s) unreachable: {n_far} farther than "
               f"{max_place:,.0f} m from an open road, {n_unreachable - n_far} on road parts "
               "not connected to any site")
        warnings.append(msg)
        log.warning(msg)
    totals = _totals(out, ids, mins, per_site_minutes, value_columns, np.where(reachable, t_owner, -1), kinds)
    params = {
        "minutes": list(mins),
        "season": prof.name,
        "profile": prof.as_dict(),
        "direction": direction,
        "access_speed_kph": float(access_speed_kph),
        "max_snap_m": float(max_snap_m),
        "place_max_snap_m": float(place_max_snap_m or max_snap_m),
        "step_m": float(step_m),
        "snap": snap,
        "place_point": "points as given; polygons by a point on their surface",
        "n_places": len(places),
        "n_unreachable": n_unreachable,
    }
    return AccessibilityResult(places=out, totals=totals, params=params, n_unreachable=n_unreachable, warnings=warnings)


def _totals(out: gpd.GeoDataFrame, ids: tuple[str, ...], mins: tuple[float, ...],
            per_site: dict[str, np.ndarray], value_columns: Sequence[str], nearest_pos: np.ndarray,
            kinds: np.ndarray) -> pd.DataFrame:
    """Cumulative totals per scope, site and band (vectorised with bincount)."""
    values = {c: pd.to_numeric(out[c], errors="coerce").fillna(0).to_numpy(dtype=float)
              for c in value_columns if c in out.columns}
    geoms = np.asarray(out.geometry.values, dtype=object)
    polygonal = (kinds == 3) | (kinds == 6)
    area = np.zeros(len(geoms))
    area[polygonal] = shapely.area(geoms[polygonal])
    weights = {"n_places": np.ones(len(geoms)), **values, "area_m2": area}
    cut = np.array(mins)
    nb = len(cut)

    def table(scope: str, labels: list[str | None], group: np.ndarray, t: np.ndarray) -> pd.DataFrame:
        band = np.searchsorted(cut, np.nan_to_num(t, nan=np.inf), side="left")  # nb = beyond the last band
        valid = group >= 0
        key = group[valid] * (nb + 1) + band[valid]
        cols = {}
        for name, wgt in weights.items():
            sums = np.bincount(key, weights=wgt[valid], minlength=len(labels) * (nb + 1)).reshape(len(labels), nb + 1)
            cols[name] = np.cumsum(sums[:, :nb], axis=1).ravel()
        df = pd.DataFrame({"scope": scope, "site_id": np.repeat(np.array(labels, dtype=object), nb),
                           "minutes": np.tile(cut, len(labels)), **cols})
        df["n_places"] = df["n_places"].round().astype(np.int64)
        return df

    parts = []
    n = len(geoms)
    for sid, t in per_site.items():
        parts.append(table("site", [sid], np.zeros(n, dtype=np.int64), t))
    group = nearest_pos.astype(np.int64)
    nearest_t = out["minutes_nearest"].to_numpy(dtype=float)
    parts.append(table("nearest", list(ids), group, nearest_t))
    parts.append(table("any", [None], np.zeros(n, dtype=np.int64), nearest_t))
    return pd.concat(parts, ignore_index=True)
