"""Snapping and shortest travel times on a :class:`~jokkgeo.network.arrays.RoadNetwork`.

Sites are snapped to the nearest point on the nearest *open* road segment
(shapely STR-tree), not to the nearest node: in a sparse rural network the
nearest node can be kilometres along the road. The off-road access leg is
travelled at ``access_speed_kph``. Each site becomes a virtual source node with
arcs to the two ends of its snapped segment (weight: access leg plus the part
of the segment travelled), so one ``scipy.sparse.csgraph.dijkstra`` call serves
all sites.

``direction="to_site"`` (default) measures travel *from* each place *to* the
site (the commuter's question; Dijkstra on the reversed graph);
``"from_site"`` measures travel from the site outwards. They differ only
where one-way streets are involved.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely
from scipy.sparse.csgraph import dijkstra

from jokkgeo.errors import AnalysisError
from jokkgeo.network.arrays import RoadNetwork, csr_with_sources
from jokkgeo.network.profiles import SpeedProfile, get_profile, seasonal_classes

log = logging.getLogger(__name__)

DIRECTIONS = ("to_site", "from_site")


def check_direction(direction: str) -> None:
    if direction not in DIRECTIONS:
        raise AnalysisError(f"direction must be one of {', '.join(DIRECTIONS)}; got {direction!r}")


@dataclass(frozen=True)
class Snaps:
    """Access points of sites on the network (one row per site and snapped segment).

    ``table`` columns: ``site`` (position), ``geom`` (segment index), ``frac``
    (position along the segment, 0..1), ``distance_m`` (off-road access leg),
    ``access_s`` (its travel time), ``x``/``y`` (snapped point).
    """

    table: pd.DataFrame
    site_ids: tuple[str, ...]
    site_geoms: np.ndarray

    @property
    def n_sites(self) -> int:
        return len(self.site_ids)


def _open_tree(network: RoadNetwork, prof: SpeedProfile, *, stable: bool = False) -> tuple[Any, np.ndarray]:
    """STR-tree of open segments; ``stable`` keeps only classes no packaged season closes."""
    key = ("strtree", prof.key, stable)
    if key not in network._cache:
        is_open = network.open_geometries(prof)
        if stable:
            fwd, bwd = network.geometry_arcs()
            arc = np.where(fwd >= 0, fwd, bwd)
            is_open = is_open & ~np.isin(network.arc_class[arc], list(seasonal_classes()))
        open_geoms = np.flatnonzero(is_open)
        network._cache[key] = (shapely.STRtree(network.geometries[open_geoms]), open_geoms)
    return network._cache[key]


def snap_sites(
    network: RoadNetwork,
    geoms: np.ndarray,
    site_ids: tuple[str, ...],
    *,
    profile: str | SpeedProfile | None,
    max_snap_m: float,
    access_speed_kph: float,
) -> Snaps:
    """Snap site geometries (points or polygons, EPSG:3006) to the nearest open road segments.

    A polygon touching or crossing several roads gets an access point on each
    (access leg 0). Every site also gets an access point on the nearest road
    of a class that no packaged season closes (so closing forest tracks in
    winter never gives a *shorter* access leg than in summer). Raises :class:`~jokkgeo.errors.AnalysisError` naming the
    site when no open road lies within ``max_snap_m``.
    """
    prof = get_profile(profile)
    tree, open_geoms = _open_tree(network, prof)
    if len(open_geoms) == 0:
        raise AnalysisError(f"no road is open under profile '{prof.name}'; nothing to route on")
    site_idx, tree_idx = tree.query_nearest(geoms, max_distance=max_snap_m, all_matches=True)
    missing = np.setdiff1d(np.arange(len(geoms)), site_idx)
    if missing.size:
        _, dist = tree.query_nearest(geoms[missing], return_distance=True, all_matches=False)
        names = ", ".join(f"'{site_ids[i]}' ({d:,.0f} m)" for i, d in zip(missing, dist))
        raise AnalysisError(
            f"site(s) farther than the maximum snap distance {max_snap_m:,.0f} m from any open road "
            f"(profile '{prof.name}'): {names}; check the site coordinates (EPSG:3006) or raise max_snap_m / --max-snap-m"
        )
    geom = open_geoms[tree_idx]
    # second access point: nearest road of a class no season closes (keeps winter within summer)
    tree2, open2 = _open_tree(network, prof, stable=True)
    if len(open2):
        s2, t2 = tree2.query_nearest(geoms, max_distance=max_snap_m, all_matches=False)
        site_idx = np.concatenate([site_idx, s2])
        geom = np.concatenate([geom, open2[t2]])
        pairs = np.unique(np.stack([site_idx, geom], axis=1), axis=0)
        site_idx, geom = pairs[:, 0], pairs[:, 1]
    road = network.geometries[geom]
    legs = shapely.shortest_line(geoms[site_idx], road)
    on_road = shapely.get_point(legs, 1)
    frac = shapely.line_locate_point(road, on_road, normalized=True)
    dist = shapely.length(legs)
    xy = shapely.get_coordinates(on_road)
    table = pd.DataFrame(
        {
            "site": site_idx.astype(np.int64),
            "geom": geom.astype(np.int64),
            "frac": np.clip(frac, 0.0, 1.0),
            "distance_m": dist,
            "access_s": dist / (access_speed_kph / 3.6),
            "x": xy[:, 0],
            "y": xy[:, 1],
        }
    )
    return Snaps(table=table, site_ids=tuple(site_ids), site_geoms=geoms)


def _source_arcs(
    network: RoadNetwork, w: np.ndarray, snaps: Snaps, direction: str
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per site: target node positions and weights of its virtual source arcs."""
    fwd, bwd = network.geometry_arcs()
    t = snaps.table
    a = fwd[t["geom"].to_numpy()]
    b = bwd[t["geom"].to_numpy()]
    f = t["frac"].to_numpy()
    acc = t["access_s"].to_numpy()
    wa = np.where(a >= 0, w[np.maximum(a, 0)], np.inf)
    wb = np.where(b >= 0, w[np.maximum(b, 0)], np.inf)
    with np.errstate(invalid="ignore"):
        return _source_targets(network, snaps, a, b, wa, wb, f, acc, direction)


def _source_targets(network: RoadNetwork, snaps: Snaps, a: np.ndarray, b: np.ndarray, wa: np.ndarray,
                    wb: np.ndarray, f: np.ndarray, acc: np.ndarray, direction: str) -> tuple[list[np.ndarray], list[np.ndarray]]:
    t = snaps.table
    if direction == "to_site":
        # reversed graph: virtual arcs site -> start (via fwd arc), site -> end (via bwd arc)
        n1, w1 = network.arc_u[np.maximum(a, 0)], acc + f * wa
        n2, w2 = network.arc_u[np.maximum(b, 0)], acc + (1 - f) * wb
    else:
        n1, w1 = network.arc_v[np.maximum(a, 0)], acc + (1 - f) * wa
        n2, w2 = network.arc_v[np.maximum(b, 0)], acc + f * wb
    # a snap exactly at a segment end is at that node whatever the arcs' directions
    start = np.where(a >= 0, network.arc_u[np.maximum(a, 0)], network.arc_v[np.maximum(b, 0)])
    end = np.where(a >= 0, network.arc_v[np.maximum(a, 0)], network.arc_u[np.maximum(b, 0)])
    w3 = np.where(f <= 1e-12, acc, np.inf)
    w4 = np.where(f >= 1 - 1e-12, acc, np.inf)
    site = t["site"].to_numpy()
    targets, weights = [], []
    for i in range(snaps.n_sites):
        m = site == i
        targets.append(np.concatenate([n1[m], n2[m], start[m], end[m]]))
        weights.append(np.concatenate([w1[m], w2[m], w3[m], w4[m]]))
    return targets, weights


def node_travel_times(
    network: RoadNetwork,
    snaps: Snaps,
    *,
    profile: str | SpeedProfile | None,
    direction: str = "to_site",
    limit_s: float = np.inf,
    nearest: bool = False,
    sites: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Travel times (s) between sites and every node, with one Dijkstra call.

    Parameters
    ----------
    nearest
        ``True``: one multi-source search (``min_only``); returns ``(times[n],
        nearest_site_position[n])`` (-1 where unreached). ``False``: returns
        ``(times[k, n], None)`` for the sites in ``sites`` (default all).
    limit_s
        Stop searching beyond this time; farther nodes get ``inf``.
    """
    check_direction(direction)
    prof = get_profile(profile)
    w = network.travel_time(prof)
    base = network.csr(prof, reverse=direction == "to_site")
    targets, weights = _source_arcs(network, w, snaps, direction)
    n = network.n_nodes
    if sites is None:
        sites = np.arange(snaps.n_sites)
    mat = csr_with_sources(base, [targets[i] for i in sites], [weights[i] for i in sites])
    idx = n + np.arange(len(sites))
    if nearest:
        dist, _, src = dijkstra(mat, directed=True, indices=idx, limit=limit_s, min_only=True, return_predecessors=True)
        owner = np.where(src[:n] >= n, np.asarray(sites)[np.clip(src[:n] - n, 0, len(sites) - 1)], -1)
        return dist[:n], owner
    dist = dijkstra(mat, directed=True, indices=idx, limit=limit_s)
    return np.atleast_2d(dist)[:, :n], None


def _via_ends(network: RoadNetwork, node_t: np.ndarray, a: np.ndarray, b: np.ndarray, wa: np.ndarray,
              wb: np.ndarray, frac: np.ndarray, direction: str) -> tuple[np.ndarray, ...]:
    if direction == "to_site":
        na, nb = network.arc_v[np.maximum(a, 0)], network.arc_v[np.maximum(b, 0)]
        return node_t[na] + (1 - frac) * wa, node_t[nb] + frac * wb, na, nb
    na, nb = network.arc_u[np.maximum(a, 0)], network.arc_u[np.maximum(b, 0)]
    return node_t[na] + frac * wa, node_t[nb] + (1 - frac) * wb, na, nb


def _direct(row: Any, p: np.ndarray, wa: np.ndarray, wb: np.ndarray, direction: str) -> np.ndarray:
    """Time between the snapped point of ``row`` and points ``p`` on the same segment."""
    if direction == "to_site":
        d = np.where(p <= row.frac, row.access_s + (row.frac - p) * wa, row.access_s + (p - row.frac) * wb)
    else:
        d = np.where(p >= row.frac, row.access_s + (p - row.frac) * wa, row.access_s + (row.frac - p) * wb)
    return np.where(np.isnan(d), np.inf, d)


def point_times(
    network: RoadNetwork,
    w: np.ndarray,
    node_t: np.ndarray,
    geom: np.ndarray,
    frac: np.ndarray,
    *,
    direction: str,
    snaps: pd.DataFrame | None = None,
    node_owner: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Travel time (s) at points on segments (``geom``, ``frac``), from node times.

    A point at fraction ``p`` of segment ``g`` is reached through either end,
    along the arcs that exist (one-way streets only one way), assuming uniform
    speed along the segment. Points on a site's own segment also get the direct
    way to/from the snapped point (``snaps`` rows of the sites concerned).
    Returns times and, with ``node_owner``, the site position giving the minimum.
    """
    fwd, bwd = network.geometry_arcs()
    a, b = fwd[geom], bwd[geom]
    wa = np.where(a >= 0, w[np.maximum(a, 0)], np.inf)
    wb = np.where(b >= 0, w[np.maximum(b, 0)], np.inf)
    with np.errstate(invalid="ignore"):
        ta, tb, na, nb = _via_ends(network, node_t, a, b, wa, wb, frac, direction)
    ta = np.where(np.isnan(ta), np.inf, ta)  # 0 * inf where an arc is missing or closed
    tb = np.where(np.isnan(tb), np.inf, tb)
    use_b = tb < ta
    t = np.where(use_b, tb, ta)
    nearest_node = np.where(use_b, nb, na)
    # a point at a segment end is that node (whatever the arcs' directions)
    g_start, g_end = network.geometry_nodes()
    for at_end, nodes in ((frac <= 1e-12, g_start[geom]), (frac >= 1 - 1e-12, g_end[geom])):
        if at_end.any():
            tn = np.where(at_end, node_t[nodes], np.inf)
            better = tn < t
            t = np.where(better, tn, t)
            nearest_node = np.where(better, nodes, nearest_node)
    owner = None
    if node_owner is not None:
        owner = np.where(np.isfinite(t), node_owner[nearest_node], -1)
    if snaps is not None and len(snaps):
        on_snapped = np.isin(geom, snaps["geom"].to_numpy())
        if on_snapped.any():
            pos = np.flatnonzero(on_snapped)
            for row in snaps.itertuples(index=False):  # few rows: one per site access point
                sel = pos[geom[pos] == row.geom]
                if not sel.size:
                    continue
                p = frac[sel]
                with np.errstate(invalid="ignore"):
                    direct = _direct(row, p, wa[sel], wb[sel], direction)
                better = direct < t[sel]
                t[sel[better]] = direct[better]
                if owner is not None:
                    owner[sel[better]] = row.site
    return t, owner
