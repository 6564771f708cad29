"""Snapping and shortest travel times on a :class:`~jokkgeo.network.arrays.RoadNetwork`.

Sites are snapped to the nearest point on the nearest *open* road segment
(shapely STR-tree), not to the nearest node: in a sparse rural network the
nearest node can be kilometres along the road. They also get an access point
on the nearest road no season closes, and on networks with road layers added
by ``add_lines`` they keep the access points they had before each addition
(:func:`snap_sites`), so adding roads never lengthens a travel time. The
off-road access legs are travelled at ``access_speed_kph``. Each site becomes a virtual source node with
arcs to the two ends of each snapped segment (weight: access leg plus the part
of the segment travelled), so one ``scipy.sparse.csgraph.dijkstra`` call serves
all sites.

``direction="to_site"`` (default) measures travel *from* each place *to* the
site (the commuter's question; Dijkstra on the reversed graph);
``"from_site"`` measures travel from the site outwards. They differ only
where one-way streets are involved.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from jokkgeo.errors import AnalysisError
from jokkgeo.network.arrays import MIN_TRAVEL_TIME_S, RoadNetwork
from jokkgeo.network.profiles import SpeedProfile, get_profile, seasonal_classes

log = logging.getLogger(__name__)

DIRECTIONS = ("to_site", "from_site")



def check_direction(direction: str) -> None:
    """Refuse a direction other than ``"to_site"`` or ``"from_site"``.

    Parameters
    ----------
    direction
        The direction given.
    """
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

    @functools.cached_property
    def columns(self) -> dict[str, np.ndarray]:
        """The table's columns as numpy arrays (read once; the table is not to be changed after)."""
        return {str(c): self.table[c].to_numpy() for c in self.table.columns}

    @functools.cached_property
    def memo(self) -> dict[Any, Any]:
        """Results derived from these snaps alone (virtual source arcs per network, profile and direction)."""
        return {}


def open_mask(network: RoadNetwork, prof: SpeedProfile, *, stable: bool = False,
              max_generation: int | None = None) -> np.ndarray:
    """Boolean per geometry: open under ``prof``; ``stable`` keeps only classes no packaged season
    closes; ``max_generation`` keeps only roads the network had before later road layers were added.

    Parameters
    ----------
    network
        The road network.
    prof
        The season profile.
    stable
        Keep only road classes that no packaged season closes.
    max_generation
        Keep only roads added up to this generation of road layers.
    """
    is_open = network.open_geometries(prof)
    if stable:
        fwd, bwd = network.geometry_arcs()
        arc = np.where(fwd >= 0, fwd, bwd)
        is_open = is_open & ~np.isin(network.arc_class[arc], list(seasonal_classes()))
    if max_generation is not None:
        is_open = is_open & (network.geometry_generation() <= max_generation)
    return is_open


def n_generations(network: RoadNetwork) -> int:
    """Number of road generations: 1 + the number of road layers added with ``add_lines``.

    Parameters
    ----------
    network
        The road network.
    """
    gen = network.geometry_generation()
    return int(gen.max()) + 1 if len(gen) else 1


def _open_tree(network: RoadNetwork, prof: SpeedProfile, *, stable: bool = False,
               max_generation: int | None = None) -> tuple[Any, np.ndarray]:
    """STR-tree of open segments (see :func:`open_mask`) and their segment indices."""
    key = ("strtree", prof.key, stable, max_generation)
    if key not in network._cache:
        open_geoms = np.flatnonzero(open_mask(network, prof, stable=stable, max_generation=max_generation))
        network._cache[key] = (shapely.STRtree(network.geometries[open_geoms]), open_geoms)
    return network._cache[key]


def lifted_profile(prof: SpeedProfile) -> SpeedProfile:
    """``prof`` with its seasonal closures lifted (same speeds): the roads as if no season closed them.

    Parameters
    ----------
    prof
        A season profile.

    Examples
    --------
    >>> from jokkgeo.network.profiles import get_profile
    >>> lifted_profile(get_profile("winter")).closed, lifted_profile(get_profile("winter")).factors["track"]
    (frozenset(), 0.7)
    """
    return dataclasses.replace(prof, closed=frozenset())


def _snap_pairs(network: RoadNetwork, geoms: np.ndarray, prof: SpeedProfile, max_snap_m: float, *,
                stable: bool, every_generation: bool) -> tuple[np.ndarray, np.ndarray]:
    """(site, segment) pairs: the nearest open road(s), per generation prefix when asked."""
    s_parts, g_parts = [], []
    last = n_generations(network) - 1
    for gen in range(last, -1, -1) if every_generation else (last,):
        tree, open_geoms = _open_tree(network, prof, stable=stable, max_generation=None if gen == last else gen)
        if len(open_geoms):
            s2, i2 = tree.query_nearest(geoms, max_distance=max_snap_m, all_matches=not stable)
            s_parts.append(s2)
            g_parts.append(open_geoms[i2])
    if not s_parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(s_parts), np.concatenate(g_parts)


def _legs_table(network: RoadNetwork, geoms: np.ndarray, site_idx: np.ndarray, geom: np.ndarray,
                access_speed_kph: float) -> pd.DataFrame:
    road = network.geometries[geom]
    legs = shapely.shortest_line(geoms[site_idx], road)
    on_road = shapely.get_point(legs, 1)
    frac = shapely.line_locate_point(road, on_road, normalized=True)
    dist = shapely.length(legs)
    xy = shapely.get_coordinates(on_road).reshape(-1, 2)
    return pd.DataFrame(
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


def snap_sites(
    network: RoadNetwork,
    geoms: np.ndarray,
    site_ids: tuple[str, ...],
    *,
    profile: str | SpeedProfile | None,
    max_snap_m: float,
    access_speed_kph: float,
    direction: str = "to_site",
) -> Snaps:
    """Snap site geometries (points or polygons, EPSG:3006) to the nearest open road segments.

    **Access rule.** Each site gets an access point at the nearest point of
    the nearest open road segment (ties: all of them; a polygon touching or
    crossing several roads gets one on each, with a 0 m leg), and one at the
    nearest point of the nearest road of a class that no packaged season
    closes (so closing forest tracks in winter never gives a *shorter* access
    leg than in summer). The off-road leg is travelled at ``access_speed_kph``.

    **Access legs are never shortcuts.** The site's *reference* access is its
    nearest road as if no season closed a road (and, on networks with added
    road layers, the nearest road before each addition). Any other off-road
    leg (to a farther road) takes at least as long as the road network offers
    from the site through its reference access to that leg's road point,
    travelled in ``direction`` with the profile's speeds and seasonal closures
    lifted: ``access_s = max(leg at access_speed_kph, road time)``. Only where
    the roads offer no route at all does the leg keep its own time. So when
    the nearer road is open no off-road leg gives a shorter time than the
    roads do, and as closures are lifted for the comparison in every season,
    winter times are never shorter than summer times.

    **Added roads keep the old access.** On a network with road layers added
    by :func:`jokkgeo.network.graph.add_lines` the rule is applied to the
    network as it was before each addition too (see
    :meth:`~jokkgeo.network.arrays.RoadNetwork.geometry_generation`): a new
    road near a site adds an access point and never replaces the one the site
    had, so **adding roads never lengthens a travel time** (existing arcs are
    not changed by ``add_lines``). A network built in one go from a layer that
    already contains the new road snaps to the nearest road only.

    Parameters
    ----------
    network
        The road network.
    geoms
        Site geometries (EPSG:3006).
    site_ids
        Site ids, for messages.
    profile
        Season profile.
    max_snap_m
        Largest off-road leg (m); a site farther from every open road is an error.
    access_speed_kph
        Speed of the off-road leg (km/h).
    direction
        ``"to_site"`` or ``"from_site"``: the direction in which road times are compared.

    Raises
    ------
    jokkgeo.errors.AnalysisError
        Naming the site when no open road lies within ``max_snap_m``.
    """
    check_direction(direction)
    prof = get_profile(profile)
    # the snaps are a pure function of the network and these inputs: kept for the next call with the same
    # sites (a few recent site sets per network; a copy of the table is handed out)
    memo = network._cache.setdefault("snap_sites", {})
    key = (prof.key, float(max_snap_m), float(access_speed_kph), direction, tuple(site_ids),
           tuple(shapely.to_wkb(geoms)))
    if key not in memo:
        memo[key] = _snap_sites(network, geoms, tuple(site_ids), prof, max_snap_m, access_speed_kph, direction)
        while len(memo) > SNAP_MEMO_SIZE:
            memo.pop(next(iter(memo)))
    table = memo[key]
    return Snaps(table=table.copy(), site_ids=tuple(site_ids), site_geoms=geoms)


SNAP_MEMO_SIZE = 8
"""Site sets whose snaps are kept per network (:func:`snap_sites`)."""


def _snap_sites(network: RoadNetwork, geoms: np.ndarray, site_ids: tuple[str, ...], prof: SpeedProfile,
                max_snap_m: float, access_speed_kph: float, direction: str) -> pd.DataFrame:
    """The access-point table of :func:`snap_sites` (computed)."""
    tree, open_geoms = _open_tree(network, prof)
    if len(open_geoms) == 0:
        raise AnalysisError(f"no road is open under profile '{prof.name}'; nothing to route on")
    site_idx, tree_idx = tree.query_nearest(geoms, max_distance=max_snap_m, all_matches=True)
    missing = np.setdiff1d(np.arange(len(geoms)), site_idx)
    if missing.size:
        _, dist = tree.query_nearest(geoms[missing], return_distance=True, all_matches=False)
        names = ", ".join(f"'{site_ids[i]}' ({d:,.0f} m)" for i, d in zip(missing, dist, strict=False))
        raise AnalysisError(
            f"site(s) farther than the maximum snap distance {max_snap_m:,.0f} m from any open road "
            f"(profile '{prof.name}'): {names}; check the site coordinates (EPSG:3006) "
            "or raise max_snap_m / --max-snap-m"
        )
    # nearest open roads per generation prefix, and the nearest road of a class no season closes
    s1, g1 = _snap_pairs(network, geoms, prof, max_snap_m, stable=False, every_generation=True)
    s2, g2 = _snap_pairs(network, geoms, prof, max_snap_m, stable=True, every_generation=True)
    pairs = np.unique(np.stack([np.concatenate([s1, s2]), np.concatenate([g1, g2])], axis=1), axis=0)
    table = _legs_table(network, geoms, pairs[:, 0], pairs[:, 1], access_speed_kph)
    # reference access: the nearest roads with seasonal closures lifted
    lifted = lifted_profile(prof)
    if lifted.key == prof.key:  # nothing closed: the reference roads are the nearest open roads
        sr, gr = s1, g1
    else:
        sr, gr = _snap_pairs(network, geoms, lifted, max_snap_m, stable=False, every_generation=True)
    ref = np.unique(np.stack([sr, gr], axis=1), axis=0)
    is_ref = (pd.MultiIndex.from_arrays([table["site"], table["geom"]])
              .isin(pd.MultiIndex.from_arrays([ref[:, 0], ref[:, 1]])))
    if not is_ref.all():
        table["access_s"] = _no_shortcuts(network, geoms, site_ids, table, ~is_ref, ref, lifted, direction,
                                          access_speed_kph)
    return table


def _no_shortcuts(network: RoadNetwork, geoms: np.ndarray, site_ids: tuple[str, ...], table: pd.DataFrame,
                  extra: np.ndarray, ref: np.ndarray, lifted: SpeedProfile, direction: str,
                  access_speed_kph: float) -> np.ndarray:
    """Access times of the extra legs raised to the road time through the reference access (see :func:`snap_sites`)."""
    sites = np.unique(table["site"].to_numpy()[extra])
    keep = np.isin(ref[:, 0], sites)
    ref_snaps = Snaps(table=_legs_table(network, geoms, ref[keep, 0], ref[keep, 1], access_speed_kph),
                      site_ids=tuple(site_ids), site_geoms=geoms)
    node_t, _ = node_travel_times(network, ref_snaps, profile=lifted, direction=direction, sites=sites)
    w = network.travel_time(lifted)
    access = table["access_s"].to_numpy().copy()
    rows = np.flatnonzero(extra)
    # all extra legs at once, each on its site's row of node_t; an extra leg's road is never one of its
    # site's reference roads (those are not extra), so the direct way along a reference road never applies
    k = np.searchsorted(sites, table["site"].to_numpy()[rows])
    t, _ = point_times(network, w, node_t, table["geom"].to_numpy()[rows], table["frac"].to_numpy()[rows],
                       direction=direction, node_rows=k)
    finite = np.isfinite(t)
    access[rows[finite]] = np.maximum(access[rows[finite]], t[finite])
    return access


def _source_arcs(
    network: RoadNetwork, w: np.ndarray, snaps: Snaps, direction: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Virtual source arcs of all sites: site position, target node and weight of each (four per access point).

    Kept on ``snaps`` per network, travel times and direction (the batches of one question reuse them).
    """
    key = ("source_arcs", id(network), id(w), direction)
    hit = snaps.memo.get(key)
    if hit is not None and hit[0] is network and hit[1] is w:
        return hit[2]
    arcs = _source_arcs_of(network, w, snaps, direction)
    snaps.memo[key] = (network, w, arcs)
    return arcs


def _source_arcs_of(network: RoadNetwork, w: np.ndarray, snaps: Snaps,
                    direction: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    fwd, bwd = network.geometry_arcs()
    cols = snaps.columns
    a = fwd[cols["geom"]]
    b = bwd[cols["geom"]]
    f = cols["frac"]
    acc = cols["access_s"]
    run, leave, enter = network.time_parts(w)
    ra, la, ea = _arc_parts(a, run, leave, enter)  # a few rows per site: every part
    rb, lb, eb = _arc_parts(b, run, leave, enter)
    with np.errstate(invalid="ignore"):
        return _source_targets(network, cols["site"], a, b, (ra, la, ea), (rb, lb, eb), f, acc, direction)


def _arc_parts(arcs: np.ndarray, run: np.ndarray, leave: np.ndarray | None,
               enter: np.ndarray | None) -> tuple[np.ndarray, Any, Any]:
    """Driving time (``inf`` where there is no arc) and the junction delays behind/ahead of each arc (0 if none)."""
    i = np.maximum(arcs, 0)
    return (np.where(arcs >= 0, run[i], np.inf), 0.0 if leave is None else leave[i],
            0.0 if enter is None else enter[i])


def _delays_needed(run: np.ndarray, leave: np.ndarray, enter: np.ndarray,
                   direction: str) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The delay arrays a direction reads (``None`` when all zero: no gather on the hot path)."""
    need_leave, need_enter = (False, True) if direction == "to_site" else (True, False)
    has = bool(leave.any()) if len(leave) else False
    return (leave if need_leave and has else None), (enter if need_enter and has else None)


def _source_targets(network: RoadNetwork, site: np.ndarray, a: np.ndarray, b: np.ndarray,
                    pa: tuple[np.ndarray, ...], pb: tuple[np.ndarray, ...], f: np.ndarray, acc: np.ndarray,
                    direction: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ra, la, ea = pa
    rb, lb, eb = pb
    if direction == "to_site":
        # reversed graph: virtual arcs site -> start (via fwd arc), site -> end (via bwd arc); the travel they
        # stand for leaves the arc's start node (its junction delay) and drives part of the arc
        n1, w1 = network.arc_u[np.maximum(a, 0)], acc + la + f * ra
        n2, w2 = network.arc_u[np.maximum(b, 0)], acc + lb + (1 - f) * rb
    else:
        n1, w1 = network.arc_v[np.maximum(a, 0)], acc + (1 - f) * ra + ea
        n2, w2 = network.arc_v[np.maximum(b, 0)], acc + f * rb + eb
    # a snap exactly at a segment end is at that node whatever the arcs' directions
    start = np.where(a >= 0, network.arc_u[np.maximum(a, 0)], network.arc_v[np.maximum(b, 0)])
    end = np.where(a >= 0, network.arc_v[np.maximum(a, 0)], network.arc_u[np.maximum(b, 0)])
    w3 = np.where(f <= 1e-12, acc, np.inf)
    w4 = np.where(f >= 1 - 1e-12, acc, np.inf)
    return (np.concatenate([site, site, site, site]), np.concatenate([n1, n2, start, end]),
            np.concatenate([w1, w2, w3, w4]))


def _with_sources(base: Any, site: np.ndarray, target: np.ndarray, weight: np.ndarray,
                  sites: np.ndarray) -> Any:
    """``base`` with one virtual source row per entry of ``sites`` (row ``n + i``), arcs to the targets.

    Per row: the finite arcs, one per target node with the least weight, targets ascending; built in one
    vectorised pass.
    """
    n, k = base.shape[0], len(sites)
    row = np.full(int(max(site.max(initial=-1), sites.max(initial=-1))) + 1, -1, dtype=np.int64)
    row[sites] = np.arange(k)
    r = row[site]
    ok = (r >= 0) & np.isfinite(weight)
    r, t, wt = r[ok], target[ok].astype(np.int64), weight[ok]
    order = np.lexsort((wt, t, r))
    r, t, wt = r[order], t[order], wt[order]
    keep = np.ones(len(r), dtype=bool)
    keep[1:] = (r[1:] != r[:-1]) | (t[1:] != t[:-1])  # same node twice (two snaps): the least weight
    r, t, wt = r[keep], t[keep], wt[keep]
    counts = np.bincount(r, minlength=k)
    nnz = len(base.indices) + len(t)
    idx_type = np.int32 if max(nnz, n + k) < np.iinfo(np.int32).max else np.int64
    indptr = np.empty(n + k + 1, dtype=idx_type)
    indptr[:n + 1] = base.indptr
    np.cumsum(counts, out=indptr[n + 1:])
    indptr[n + 1:] += base.indptr[-1]
    indices = np.concatenate([base.indices.astype(idx_type, copy=False), t.astype(idx_type)])
    data = np.concatenate([base.data, np.maximum(wt, MIN_TRAVEL_TIME_S)])
    return sparse.csr_array((data, indices, indptr), shape=(n + k, n + k))




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
    network
        The road network.
    snaps
        Access points of the sites on the network.
    profile
        Season profile name or :class:`~jokkgeo.network.profiles.SpeedProfile`.
    direction
        ``"to_site"`` (travel towards the sites) or ``"from_site"``.
    sites
        Positions of the sites to search from (default: all).
    """
    check_direction(direction)
    prof = get_profile(profile)
    w = network.travel_time(prof)
    base = network.csr(prof, reverse=direction == "to_site")
    site, target, weight = _source_arcs(network, w, snaps, direction)
    n = network.n_nodes
    if sites is None:
        sites = np.arange(snaps.n_sites)
    mat = _with_sources(base, site, target, weight, np.asarray(sites, dtype=np.int64))
    idx = n + np.arange(len(sites))
    if nearest:
        dist, _, src = dijkstra(mat, directed=True, indices=idx, limit=limit_s, min_only=True, return_predecessors=True)
        owner = np.where(src[:n] >= n, np.asarray(sites)[np.clip(src[:n] - n, 0, len(sites) - 1)], -1)
        return dist[:n], owner
    dist = dijkstra(mat, directed=True, indices=idx, limit=limit_s)
    return np.atleast_2d(dist)[:, :n], None


def _via_ends(network: RoadNetwork, node_t: np.ndarray, a: np.ndarray, b: np.ndarray, pa: tuple[np.ndarray, ...],
              pb: tuple[np.ndarray, ...], frac: np.ndarray, direction: str, offset: Any = 0) -> tuple[np.ndarray, ...]:
    ra, la, ea = pa
    rb, lb, eb = pb
    if direction == "to_site":  # from the point on along the arc, into the junction ahead, then the node's time
        na, nb = network.arc_v[np.maximum(a, 0)], network.arc_v[np.maximum(b, 0)]
        return node_t[na + offset] + (1 - frac) * ra + ea, node_t[nb + offset] + frac * rb + eb, na, nb
    na, nb = network.arc_u[np.maximum(a, 0)], network.arc_u[np.maximum(b, 0)]
    return node_t[na + offset] + la + frac * ra, node_t[nb + offset] + lb + (1 - frac) * rb, na, nb


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
    node_rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Travel time (s) at points on segments (``geom``, ``frac``), from node times.

    A point at fraction ``p`` of segment ``g`` is reached through either end,
    along the arcs that exist (one-way streets only one way), assuming uniform
    speed along the segment; the junction delays of an arc are paid at its ends
    (:meth:`~jokkgeo.network.arrays.RoadNetwork.time_parts`), so a point is
    reached at the same time however finely the road is split into arcs.
    Points on a site's own segment also get the direct way to/from the
    snapped point (``snaps`` rows of the sites concerned).
    Returns times and, with ``node_owner``, the site position giving the minimum.

    Parameters
    ----------
    network
        The road network.
    w
        Travel time (s) per arc.
    node_t
        Travel time (s) at every node.
    geom, frac
        Segment index and position along it (0..1) of each point.
    direction
        ``"to_site"`` or ``"from_site"``.
    snaps
        Access-point rows of the sites concerned (direct way along their own segments).
    node_owner
        Site position that gave each node its time (returns the owner of each point too).
    node_rows
        With a 2-D ``node_t`` (one row of node times per site): the row of each point.
    """
    if node_rows is not None:  # point i reads node_t[node_rows[i], node] (a flat view: one gather per end)
        n_nodes = node_t.shape[1]
        node_t = np.ascontiguousarray(node_t).ravel()
        offset = np.asarray(node_rows, dtype=np.int64) * n_nodes
    else:
        offset = 0
    fwd, bwd = network.geometry_arcs()
    a, b = fwd[geom], bwd[geom]
    run, leave, enter = network.time_parts(w)
    leave_n, enter_n = _delays_needed(run, leave, enter, direction)
    pa = _arc_parts(a, run, leave_n, enter_n)
    pb = _arc_parts(b, run, leave_n, enter_n)
    with np.errstate(invalid="ignore"):
        ta, tb, na, nb = _via_ends(network, node_t, a, b, pa, pb, frac, direction, offset)
    ta = np.where(np.isnan(ta), np.inf, ta)  # 0 * inf where an arc is missing or closed
    tb = np.where(np.isnan(tb), np.inf, tb)
    use_b = tb < ta
    t = np.where(use_b, tb, ta)
    nearest_node = np.where(use_b, nb, na)
    # a point at a segment end is that node (whatever the arcs' directions)
    g_start, g_end = network.geometry_nodes()
    for at_end, nodes in ((frac <= 1e-12, g_start[geom]), (frac >= 1 - 1e-12, g_end[geom])):
        if at_end.any():
            tn = np.where(at_end, node_t[nodes + offset], np.inf)
            better = tn < t
            t = np.where(better, tn, t)
            nearest_node = np.where(better, nodes, nearest_node)
    owner = None
    if node_owner is not None:
        owner = np.where(np.isfinite(t), node_owner[nearest_node], -1)
    if snaps is not None and len(snaps):
        _direct_way(network, run, geom, frac, snaps, direction, t, owner)
    return t, owner


def _sample_plan(network: RoadNetwork, prof: SpeedProfile, step_m: float, direction: str) -> dict[str, Any]:
    """The site-independent part of :func:`point_times` for the network's sample points (cached).

    Per point: the node behind each end's arc and the time added to that node's time (the same
    arithmetic, in the same order, as :func:`point_times`), and the points lying at a segment end.
    """
    key = ("sample_plan", prof.key, float(step_m), direction)
    if key not in network._cache:
        geom, frac, _, _ = network.samples(step_m)
        w = network.travel_time(prof)
        fwd, bwd = network.geometry_arcs()
        a, b = fwd[geom], bwd[geom]
        run, leave, enter = network.time_parts(w)
        leave_n, enter_n = _delays_needed(run, leave, enter, direction)
        ra, la, ea = _arc_parts(a, run, leave_n, enter_n)
        rb, lb, eb = _arc_parts(b, run, leave_n, enter_n)
        with np.errstate(invalid="ignore"):
            if direction == "to_site":  # node_t[n] + along + delay ahead
                ends = ((network.arc_v[np.maximum(a, 0)], (1 - frac) * ra, ea),
                        (network.arc_v[np.maximum(b, 0)], frac * rb, eb))
            else:  # node_t[n] + delay behind + along
                ends = ((network.arc_u[np.maximum(a, 0)], la, frac * ra),
                        (network.arc_u[np.maximum(b, 0)], lb, (1 - frac) * rb))
        parts = []
        for node, first, second in ends:
            # a NaN term (0 * inf: no arc) gives NaN whatever the node time, which point_times turns into inf
            first = np.asarray(first, dtype=float)
            second = np.asarray(second, dtype=float)
            bad = np.isnan(first + second) if first.ndim or second.ndim else np.zeros(len(geom), bool)
            if first.ndim:
                first = np.where(bad, np.inf, first)
            if second.ndim:
                second = np.where(bad, np.inf, second)
            parts.append((node, first if first.ndim and first.any() else None,
                          second if second.ndim and second.any() else None))
        g_start, g_end = network.geometry_nodes()
        at_start = np.flatnonzero(frac <= 1e-12)
        at_end = np.flatnonzero(frac >= 1 - 1e-12)
        network._cache[key] = {"ends": parts, "at_end": ((at_start, g_start[geom[at_start]]),
                                                         (at_end, g_end[geom[at_end]])),
                               "run": run, "geom": geom, "frac": frac}
    return network._cache[key]


def sample_times(network: RoadNetwork, node_t: np.ndarray, *, profile: str | SpeedProfile | None, step_m: float,
                 direction: str, snaps: pd.DataFrame | None = None) -> np.ndarray:
    """Travel time (s) at the network's sample points (:meth:`RoadNetwork.samples` of ``step_m``) for one site.

    The same values as :func:`point_times` on those points, with everything that does not depend on
    the node times computed once per network, profile, step and direction (cached): per call two
    gathers, two additions and a minimum per point.

    Parameters
    ----------
    network
        The road network.
    node_t
        Travel time (s) at every node (one site).
    profile
        Season profile of ``node_t``.
    step_m
        Sample spacing (m) of :meth:`~jokkgeo.network.arrays.RoadNetwork.samples`.
    direction
        ``"to_site"`` or ``"from_site"``.
    snaps
        Access-point rows of the site (direct way along its own segments).
    """
    plan = _sample_plan(network, get_profile(profile), step_m, direction)
    t = None
    for node, first, second in plan["ends"]:
        te = node_t[node]
        if first is not None:
            te += first
        if second is not None:
            te += second
        t = te if t is None else np.minimum(t, te, out=t)
    assert t is not None
    for idx, nodes in plan["at_end"]:
        if idx.size:
            t[idx] = np.minimum(t[idx], node_t[nodes])
    if snaps is not None and len(snaps):
        _direct_way(network, plan["run"], plan["geom"], plan["frac"], snaps, direction, t, None)
    return t


def _direct_way(network: RoadNetwork, run: np.ndarray, geom: np.ndarray, frac: np.ndarray, snaps: pd.DataFrame,
                direction: str, t: np.ndarray, owner: np.ndarray | None) -> None:
    """Points on a segment that has access points: also the direct way along it to/from the snapped point.

    Updates ``t`` (and ``owner``) in place. ``run`` is the driving time per arc: the direct way between two
    points of one segment passes no junction.
    """
    sg = snaps["geom"].to_numpy()
    order = np.argsort(sg, kind="stable")
    sg = sg[order]
    # only points on a segment with access points (a mask lookup, then searchsorted on those few)
    on_site_seg = np.zeros(len(network.geometries), dtype=bool)
    on_site_seg[sg] = True
    pos = np.flatnonzero(on_site_seg[geom])
    if pos.size:
        lo_p = np.searchsorted(sg, geom[pos], side="left")
        c = np.searchsorted(sg, geom[pos], side="right") - lo_p
        pt = np.repeat(pos, c)
        row = order[np.repeat(lo_p - (np.cumsum(c) - c), c) + np.arange(int(c.sum()))]
        rf = snaps["frac"].to_numpy()[row]
        acc = snaps["access_s"].to_numpy()[row]
        p = frac[pt]
        fwd, bwd = network.geometry_arcs()
        wa_p = _arc_parts(fwd[geom[pt]], run, None, None)[0]
        wb_p = _arc_parts(bwd[geom[pt]], run, None, None)[0]
        with np.errstate(invalid="ignore"):
            if direction == "to_site":
                d = np.where(p <= rf, acc + (rf - p) * wa_p, acc + (p - rf) * wb_p)
            else:
                d = np.where(p >= rf, acc + (p - rf) * wa_p, acc + (rf - p) * wb_p)
        d = np.where(np.isnan(d), np.inf, d)
        first = np.lexsort((d, pt))  # per point, the fastest access point first
        keep = np.ones(len(first), dtype=bool)
        keep[1:] = pt[first[1:]] != pt[first[:-1]]
        best = first[keep]
        sel, direct = pt[best], d[best]
        better = direct < t[sel]
        t[sel[better]] = direct[better]
        if owner is not None:
            owner[sel[better]] = snaps["site"].to_numpy()[row[best]][better]
