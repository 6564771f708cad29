"""Accessibility of places: travel time to the nearest site (and to each site), totals per band.

Places (settlements, housing land, population cells; points or polygons in
EPSG:3006) are snapped to the nearest point of the nearest open road segment —
exactly, found through a KD-tree of points every ``step_m`` along the roads
(:func:`snap_places`) — and travel the off-road leg at ``access_speed_kph``.
Like sites (:func:`jokkgeo.network.routing.snap_sites`) they also get an
access point on the nearest road no season closes, and on networks with added
road layers they keep the access they had before each addition, so adding
roads never lengthens a place's time. Polygons are represented by a point on their surface.
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
from jokkgeo.network.routing import (_open_tree, check_direction, n_generations, node_travel_times, open_mask,
                                     point_times, snap_sites)

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


PIECES_PER_POINT = 16
"""Road pieces stored per road point for the exact nearest-segment search (see :func:`_piece_index`)."""
NEIGHBOUR_POINTS = 24
"""Road points whose pieces are examined when building the per-point piece lists."""
FIRST_PIECES = 4
"""Stored pieces every place is projected onto first (the others only where these cannot prove the answer)."""
SORT_MIN_PLACES = 20_000
"""From this many places on, :func:`snap_places` processes them in spatial order (faster memory access)."""
SORT_CELL_M = 2_000.0
"""Cell size (m) of that spatial order."""
FAR_POINTS = 16
"""Road points examined (second KD-tree query) for places the stored pieces cannot settle."""


def _project(px: np.ndarray, py: np.ndarray, ax: np.ndarray, ay: np.ndarray, bx: np.ndarray,
             by: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distance from points to straight pieces and the position (0..1) of the nearest point on each."""
    vx, vy = bx - ax, by - ay
    vv = vx * vx + vy * vy
    # the same arithmetic as clip(((px-ax)*vx + (py-ay)*vy) / vv) and hypot(ax + t*vx - px, ...), with fewer temporaries
    num = px - ax
    num *= vx
    tmp = py - ay
    tmp *= vy
    num += tmp
    t = np.divide(num, vv, out=np.zeros(num.shape), where=vv > 0)
    np.clip(t, 0.0, 1.0, out=t)
    ex = np.multiply(t, vx, out=num)
    ex += ax
    ex -= px
    ey = np.multiply(t, vy, out=tmp)
    ey += ay
    ey -= py
    return np.hypot(ex, ey, out=ex), t


def _piece_index(network: RoadNetwork, prof: SpeedProfile, step_m: float, stable: bool = False,
                 max_generation: int | None = None) -> tuple[Any, ...]:
    """Exact nearest-segment index: KD-tree over road points, and per point its nearest road pieces.

    The open segments are cut into straight pieces no longer than ``step_m``
    (``network.samples``). For every distinct road point ``u`` the
    :data:`PIECES_PER_POINT` pieces nearest to ``u`` are stored, with a
    *clearance* ``c[u]``: every other piece is at least ``c[u]`` from ``u``
    (the next piece's distance, or — for pieces not seen among the
    :data:`NEIGHBOUR_POINTS` nearest points — that point's distance minus half
    the longest piece). A place ``p`` whose nearest road point is ``u`` at
    ``D`` and whose nearest stored piece is at ``d`` is exact when
    ``d + D < c[u]``: any closer piece would lie within ``d + D`` of ``u``.
    Returns ``(tree, lists, ldist, piece_a, piece_b, ptr, touching, half)``: ``lists`` piece
    numbers (-1 padded), ``ldist`` their distances from the point followed by
    the clearance (``inf`` padded; a place is first projected onto the
    nearest few pieces only, and onto more when those cannot prove the answer);
    ``touching[ptr[u]:ptr[u + 1]]`` are the pieces with an end at point ``u``;
    ``half`` is half the longest piece (m).
    """
    from scipy.spatial import cKDTree

    key = ("piece_index", prof.key, float(step_m), stable, max_generation)
    if key not in network._cache:
        geom, _, x, y = network.samples(step_m)
        is_open = open_mask(network, prof, stable=stable, max_generation=max_generation)
        n = len(geom)
        i = np.flatnonzero(is_open[geom[:-1]] & (geom[1:] == geom[:-1])) if n > 1 else np.zeros(0, np.int64)
        pa, pb = i, i + 1
        open_samples = np.flatnonzero(is_open[geom])
        uniq, inverse = np.unique(np.column_stack([x[open_samples], y[open_samples]]), axis=0, return_inverse=True)
        point_of = np.full(n, -1, dtype=np.int64)
        point_of[open_samples] = inverse.ravel()
        nu, npc = len(uniq), len(pa)
        m = PIECES_PER_POINT
        lists = np.full((nu, m), -1, dtype=np.int64)
        ldist = np.full((nu, m + 1), np.inf)  # distance from the point to each stored piece, then the clearance
        tree = cKDTree(uniq) if nu else None
        half = 0.0
        ptr = np.zeros(nu + 1, dtype=np.int64)
        touching = np.zeros(0, dtype=np.int64)
        if nu and npc:
            half = float(np.hypot(x[pb] - x[pa], y[pb] - y[pa]).max()) / 2
            # point -> pieces touching it (CSR)
            ends = np.concatenate([point_of[pa], point_of[pb]])
            pieces = np.concatenate([np.arange(npc), np.arange(npc)])
            order = np.argsort(ends, kind="stable")
            ptr = np.zeros(nu + 1, dtype=np.int64)
            np.cumsum(np.bincount(ends, minlength=nu), out=ptr[1:])
            touching = pieces[order]
            k2 = min(NEIGHBOUR_POINTS, nu)
            dk, nb = tree.query(uniq, k=k2)
            dk, nb = dk.reshape(nu, k2), nb.reshape(nu, k2)
            limit = dk[:, -1] - half if k2 == NEIGHBOUR_POINTS else np.full(nu, np.inf)
            for lo in range(0, nu, 50_000):  # chunks bound the memory of the pair arrays
                hi = min(lo + 50_000, nu)
                nbf = nb[lo:hi].ravel()
                cnt = ptr[nbf + 1] - ptr[nbf]
                start = np.cumsum(cnt) - cnt
                own = np.repeat(np.repeat(np.arange(lo, hi), k2), cnt)
                pc = touching[np.repeat(ptr[nbf] - start, cnt) + np.arange(int(cnt.sum()))]
                pair = np.unique(own * npc + pc)
                own, pc = pair // npc, pair % npc
                dd, _ = _project(uniq[own, 0], uniq[own, 1], x[pa[pc]], y[pa[pc]], x[pb[pc]], y[pb[pc]])
                order = np.lexsort((dd, own))
                own, pc, dd = own[order], pc[order], dd[order]
                first = np.searchsorted(own, np.arange(lo, hi))
                rank = np.arange(len(own)) - first[own - lo]
                sel = rank < m
                lists[own[sel], rank[sel]] = pc[sel]
                ldist[own[sel], rank[sel]] = dd[sel]
                nxt = rank == m
                ldist[lo:hi, m] = limit[lo:hi]
                ldist[own[nxt], m] = np.minimum(dd[nxt], limit[own[nxt]])
            # a point's stored pieces beyond its clearance are not needed for the bound
            ldist[:, :m] = np.minimum(ldist[:, :m], ldist[:, m:])
        network._cache[key] = (tree, lists, ldist, pa, pb, ptr, touching, half)
    return network._cache[key]


def _node_tree(network: RoadNetwork, prof: SpeedProfile, stable: bool = False,
               max_generation: int | None = None) -> tuple[Any, np.ndarray, np.ndarray]:
    """KD-tree over the nodes at the ends of open segments: ``(tree, geom, frac)`` per node (frac 0 or 1)."""
    from scipy.spatial import cKDTree

    key = ("node_tree", prof.key, stable, max_generation)
    if key not in network._cache:
        is_open = open_mask(network, prof, stable=stable, max_generation=max_generation)
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
    stable: bool = False, max_generation: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Snap points to open roads: ``(segment index or -1, fraction along it, distance m)``.

    Exact: the result is the nearest open segment and the nearest point on it,
    as ``shapely.STRtree.query_nearest`` gives (ties between equally near
    segments may be broken differently). A KD-tree over the road points of
    ``network.samples(step_m)`` (every vertex, and no gap above ``step_m``)
    finds the nearest road point; the place is projected onto the road pieces
    stored there (:func:`_piece_index`), and the few places for which those
    pieces cannot prove the answer (about 1 % on a dense lattice) are snapped
    with shapely's STR-tree. ``step_m=0`` snaps to the nearest *node* instead
    (faster, coarser).
    ``stable=True`` snaps only to roads of classes no packaged season closes;
    ``max_generation`` only to roads the network had before later road layers
    were added (see :func:`jokkgeo.network.routing.open_mask`).
    """
    prof = get_profile(profile)
    ok = np.isfinite(xy).all(axis=1)
    if len(xy) >= SORT_MIN_PLACES and ok.all():
        # many places: snap them in spatial order (row-major cells of SORT_CELL_M), so that the KD-tree
        # queries and the look-ups of road points and pieces touch nearby memory; no place's result changes
        cell = np.floor((xy - xy.min(axis=0)) / SORT_CELL_M)
        perm = np.lexsort((cell[:, 0], cell[:, 1]))
        res = _snap_places(network, xy[perm], prof=prof, max_snap_m=max_snap_m, step_m=step_m, stable=stable,
                           max_generation=max_generation)
        out = tuple(np.empty_like(r) for r in res)
        for o, r in zip(out, res):
            o[perm] = r
        return out
    return _snap_places(network, xy, prof=prof, max_snap_m=max_snap_m, step_m=step_m, stable=stable,
                        max_generation=max_generation)


def _snap_places(network: RoadNetwork, xy: np.ndarray, *, prof: SpeedProfile, max_snap_m: float, step_m: float,
                 stable: bool, max_generation: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`snap_places` on points in the given order."""
    if step_m == 0:  # snap to the nearest node
        geom = np.full(len(xy), -1, dtype=np.int64)
        frac = np.zeros(len(xy))
        dist = np.full(len(xy), np.inf)
        ok = np.isfinite(xy).all(axis=1)
        tree, node_geom, node_frac = _node_tree(network, prof, stable, max_generation)
        if tree.n and ok.any():
            d, i = tree.query(xy[ok], distance_upper_bound=max_snap_m, workers=KDTREE_WORKERS)
            hit = np.isfinite(d)
            pos = np.flatnonzero(ok)[hit]
            geom[pos], frac[pos], dist[pos] = node_geom[i[hit]], node_frac[i[hit]], d[hit]
        return geom, frac, dist
    tree, lists, ldist, pa, pb, ptr, touching, half = _piece_index(network, prof, step_m, stable, max_generation)
    geom_s, frac_s, sx, sy = network.samples(step_m)
    geom = np.full(len(xy), -1, dtype=np.int64)
    frac = np.zeros(len(xy))
    dist = np.full(len(xy), np.inf)
    ok = np.isfinite(xy).all(axis=1)
    if not (len(pa) and ok.any()):
        return geom, frac, dist
    d1, u = tree.query(xy[ok], distance_upper_bound=max_snap_m + step_m / 2, workers=KDTREE_WORKERS)
    hit = np.isfinite(d1)
    pos = np.flatnonzero(ok)[hit]
    u, d1 = u[hit], d1[hit]
    n = len(pos)
    m = lists.shape[1]
    k1 = min(FIRST_PIECES, m)
    # pass 1: the FIRST_PIECES pieces stored nearest to u (n x k1)
    cand = lists[u, :k1]
    cc = np.maximum(cand, 0)
    a, b = pa[cc], pb[cc]
    dd, t = _project(xy[pos, 0][:, None], xy[pos, 1][:, None], sx[a], sy[a], sx[b], sy[b])
    dd = np.where(cand >= 0, dd, np.inf)
    j = np.argmin(dd, axis=1)
    r = np.arange(n)
    best, best_a, best_b, best_t = dd[r, j], a[r, j], b[r, j], t[r, j]
    # pass 2, where needed: the other stored pieces that could be nearer (ldist from u < best + d1)
    todo = np.flatnonzero(~(best + d1 < ldist[u, k1] * (1 - 1e-12)))
    if todo.size and m > k1:
        need = (ldist[u[todo], k1:m] < (best[todo] + d1[todo])[:, None] * (1 + 1e-12)) & (lists[u[todo], k1:m] >= 0)
        row, col = np.nonzero(need)  # row-major: grouped by place
        if row.size:
            c2 = lists[u[todo[row]], k1 + col]
            a2, b2 = pa[c2], pb[c2]
            p2 = pos[todo[row]]
            d2, t2 = _project(xy[p2, 0], xy[p2, 1], sx[a2], sy[a2], sx[b2], sy[b2])
            starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])
            mins = np.minimum.reduceat(d2, starts)
            grp = row[starts]
            hit_min = np.flatnonzero(d2 <= np.repeat(mins, np.diff(np.r_[starts, len(row)])))
            first = hit_min[np.r_[True, row[hit_min[1:]] != row[hit_min[:-1]]]]
            sel = todo[grp]
            better = mins < best[sel]
            sb = sel[better]
            best[sb], best_a[sb], best_b[sb], best_t[sb] = d2[first][better], a2[first][better], b2[first][better], t2[first][better]
        todo = todo[~(best[todo] + d1[todo] < ldist[u[todo], m] * (1 - 1e-12))]
    if todo.size:
        # places far from the roads: the nearest piece has an end within best + half of the place, so
        # the pieces at the road points within that radius decide (complete when fewer than K are)
        kq = min(FAR_POINTS, tree.n)
        dk, nk = tree.query(xy[pos[todo]], k=kq, workers=KDTREE_WORKERS)
        dk, nk = dk.reshape(len(todo), kq), nk.reshape(len(todo), kq)
        radius = best[todo] + half + 1e-6
        inside = dk <= radius[:, None]
        complete = ~inside[:, -1] if kq == FAR_POINTS else np.ones(len(todo), dtype=bool)
        row, col = np.nonzero(inside & complete[:, None])
        if row.size:
            pts = nk[row, col]
            cnt = ptr[pts + 1] - ptr[pts]
            start = np.cumsum(cnt) - cnt
            prow = np.repeat(row, cnt)  # still grouped by place
            pc = touching[np.repeat(ptr[pts] - start, cnt) + np.arange(int(cnt.sum()))]
            a3, b3 = pa[pc], pb[pc]
            p3 = pos[todo[prow]]
            d3, t3 = _project(xy[p3, 0], xy[p3, 1], sx[a3], sy[a3], sx[b3], sy[b3])
            starts = np.flatnonzero(np.r_[True, prow[1:] != prow[:-1]])
            mins = np.minimum.reduceat(d3, starts)
            hit_min = np.flatnonzero(d3 <= np.repeat(mins, np.diff(np.r_[starts, len(prow)])))
            first = hit_min[np.r_[True, prow[hit_min[1:]] != prow[hit_min[:-1]]]]
            sel = todo[prow[starts]]
            better = mins < best[sel]
            sb = sel[better]
            best[sb], best_a[sb], best_b[sb], best_t[sb] = d3[first][better], a3[first][better], b3[first][better], t3[first][better]
        todo = todo[~complete]
    best_f = frac_s[best_a] + best_t * (frac_s[best_b] - frac_s[best_a])
    best_g = geom_s[best_a]
    if todo.size:  # rare: the stored pieces cannot prove the nearest one; ask shapely's STR-tree
        stree, sgeoms = _open_tree(network, prof, stable=stable, max_generation=max_generation)
        q = shapely.points(xy[pos[todo]])
        (qi, ti), qd = stree.query_nearest(q, return_distance=True, all_matches=False)
        g_u = sgeoms[ti]
        roads = network.geometries[g_u]
        f_u = shapely.line_locate_point(roads, q[qi], normalized=True)  # projects onto the nearest point
        idx = todo[qi]
        best[idx], best_f[idx], best_g[idx] = qd, f_u, g_u
    log.debug("snapped %d places with the KD-tree, %d through the STR-tree", n - todo.size, todo.size)
    within = best <= max_snap_m
    geom[pos[within]] = best_g[within]
    frac[pos[within]] = np.clip(best_f[within], 0.0, 1.0)
    dist[pos[within]] = best[within]
    return geom, frac, dist


def _place_access(network: RoadNetwork, xy: np.ndarray, *, prof: SpeedProfile, max_snap_m: float,
                  step_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[np.ndarray, ...]]]:
    """Access points of places: the nearest open road, and extra candidates ``(place positions, geom, frac, dist)``.

    Extra access points (the same rule as for sites, :func:`jokkgeo.network.routing.snap_sites`): the
    nearest road of a class no season closes (only needed where the nearest road is of a seasonal
    class, e.g. a forest track), and, on networks with added road layers, the nearest roads as they
    were before each addition (only needed where the nearest road is a newer one).
    """
    g1, f1, d1 = snap_places(network, xy, profile=prof, max_snap_m=max_snap_m, step_m=step_m)
    fwd_arc, bwd_arc = network.geometry_arcs()
    seasonal = list(seasonal_classes())
    first_arc = np.where(fwd_arc >= 0, fwd_arc, bwd_arc)
    gen_of = network.geometry_generation()
    cands: list[tuple[np.ndarray, ...]] = []
    last = n_generations(network) - 1
    cur = g1.copy()  # per place: nearest road of the current generation prefix (-1: none)
    cur_stable = np.full(len(xy), -1, dtype=np.int64)  # nearest stable-class road found so far (-1: none yet)
    for gen in range(last, -1, -1):
        if gen < last:  # re-snap the places whose nearest road is newer than this prefix
            sub = np.flatnonzero((cur >= 0) & (gen_of[np.maximum(cur, 0)] > gen))
            if sub.size:
                g, f, d = snap_places(network, xy[sub], profile=prof, max_snap_m=max_snap_m, step_m=step_m,
                                      max_generation=gen)
                cur[sub] = g
                keep = g >= 0
                cands.append((sub[keep], g[keep], f[keep], d[keep]))
        seasonal_near = (cur >= 0) & np.isin(network.arc_class[first_arc[np.maximum(cur, 0)]], seasonal)
        stale = (cur_stable < 0) | (gen_of[np.maximum(cur_stable, 0)] > gen)
        ss = np.flatnonzero(seasonal_near & stale)
        if ss.size:
            g2, f2, d2 = snap_places(network, xy[ss], profile=prof, max_snap_m=max_snap_m, step_m=step_m,
                                     stable=True, max_generation=None if gen == last else gen)
            cur_stable[ss] = g2
            keep = g2 >= 0
            cands.append((ss[keep], g2[keep], f2[keep], d2[keep]))
    return g1, f1, d1, cands


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
        Spacing (m) of the road points of the KD-tree used to find each place's
        nearest segment (a speed setting: the result is exact for any spacing).
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
    g1, f1, d1, cands = _place_access(network, xy, prof=prof, max_snap_m=max_place, step_m=step_m)
    snapped = g1 >= 0
    speed_ms = access_speed_kph / 3.6

    def place_time(node_t: np.ndarray, node_owner: np.ndarray | None, site_snaps: Any) -> tuple[np.ndarray, ...]:
        t, o = point_times(network, w, node_t, np.maximum(g1, 0), f1, direction=direction, snaps=site_snaps,
                           node_owner=node_owner)
        best = np.where(snapped, t + d1 / speed_ms, np.inf)
        best_owner = o if o is not None else np.full(len(xy), -1, dtype=np.int64)
        best_dist = np.where(snapped, d1, np.nan)
        for sub, g2, f2, d2 in cands:
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
