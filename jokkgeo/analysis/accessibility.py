"""Accessibility of places: travel time to the nearest site (and to each site), totals per band.

Places (settlements, housing land, population cells; points or polygons in
EPSG:3006) are snapped to the nearest point of the nearest open road segment —
exactly (:func:`snap_places`: shapely's STR-tree for a few places, a bucket-grid index
of candidate road pieces built once per network for many,
:class:`jokkgeo.network.nearest.PieceIndex`) — and travel the off-road leg at
``access_speed_kph``.
Like sites (:func:`jokkgeo.network.routing.snap_sites`) they also get an
access point on the nearest road no season closes, and on networks with added
road layers they keep the access they had before each addition, so adding
roads never lengthens a place's time. Polygons are represented by a point on their surface.
Times are in minutes; a place farther than ``max_snap_m`` from any open road,
or on a road island without a site, is *unreachable* (NaN) and counted.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from jokkgeo.analysis._common import available_cores
from jokkgeo.analysis.catchments import (
    DEFAULT_ACCESS_SPEED_KPH,
    DEFAULT_MAX_SNAP_M,
    DEFAULT_MINUTES,
    check_option,
    site_table,
    validate_minutes,
)
from jokkgeo.crs import check_working_crs
from jokkgeo.errors import AnalysisError
from jokkgeo.network.arrays import RoadNetwork
from jokkgeo.network.nearest import PieceIndex
from jokkgeo.network.profiles import SpeedProfile, get_profile, seasonal_classes
from jokkgeo.network.routing import (
    _open_tree,
    check_direction,
    lifted_profile,
    n_generations,
    node_travel_times,
    open_mask,
    point_times,
    snap_sites,
)
from jokkgeo.results import Provenance, ProvenanceFields

log = logging.getLogger(__name__)

VALUE_COLUMNS: tuple[str, ...] = ("population", "working_age", "age_1_5", "age_6_15", "age_65_plus", "dwellings")
"""Columns summed per band when a place layer has them (people, by age where known, and dwellings)."""


@dataclass
class AccessibilityResult(ProvenanceFields):
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
        ``working_age``, ``age_1_5``, ``age_6_15``, ``age_65_plus``, ``dwellings``
        (when the columns exist, :data:`VALUE_COLUMNS`) and ``area_m2`` (polygon places).
    n_unreachable
        Places with no time (too far from a road or on an island without a site).
    provenance
        :class:`jokkgeo.results.Provenance` (parameters and warnings); ``params``
        and ``warnings`` read from it.
    """

    places: gpd.GeoDataFrame
    totals: pd.DataFrame
    n_unreachable: int = 0
    provenance: Provenance = field(default_factory=Provenance)




SNAP_INDEXES = ("auto", "tree", "grid", "quadtree")


@dataclass(frozen=True)
class SnapOptions:
    """How places are snapped to roads (speed settings only: every choice gives the exact nearest road).

    Parameters
    ----------
    index
        ``"tree"``: shapely's STR-tree of road segments (no set-up; best for a
        few places). ``"grid"`` (``"quadtree"`` is the same, its former name):
        a :class:`~jokkgeo.network.nearest.PieceIndex` (bucket grids) of the
        open roads cut into pieces of at most ``step_m``, built once per
        network and profile and cached (best for many places, and for loops of
        calls on one network; :func:`prepare_snapping` builds it ahead).
        ``"auto"`` (default): the grid index when :func:`prepare_snapping`
        built it for the network and profile (an index an earlier call built
        on its own does not count), or when there are at least ``index_places_per_segment`` places per road
        segment, where building it costs less than STR-tree snapping; else the
        STR-tree.
        Distances and snapped points are the same either way (ties between
        equally near roads may go to another of them).
    threads
        Threads for snapping many places with the grid index (-1: every core this process may use; 1: none).
    thread_min_places
        Snap in parallel chunks from this many places on.
    index_places_per_segment
        The ``"auto"`` threshold (building the index, road points included,
        costs about as much as STR-tree snapping of 0.1–0.3 places per road
        segment; counting segments costs nothing, unlike counting road points).
    cell_m
        Grid index tuning: its fine cell (m; default about the median road
        piece, see :meth:`jokkgeo.network.nearest.PieceIndex.build`).
    """

    index: str = "auto"
    threads: int = -1
    thread_min_places: int = 20_000
    index_places_per_segment: float = 0.15
    cell_m: float | None = None

    def __post_init__(self) -> None:
        if self.index not in SNAP_INDEXES:
            raise AnalysisError(f"snap options: key 'index': got {self.index!r}; allowed: {', '.join(SNAP_INDEXES)}")
        if not (self.threads == -1 or self.threads >= 1):
            raise AnalysisError(f"snap options: key 'threads': got {self.threads!r}; "
                                "allowed: -1 (all cores) or 1, 2, ...")
        if self.cell_m is not None and not self.cell_m > 0:
            raise AnalysisError(f"snap options: key 'cell_m': got {self.cell_m!r}; allowed: None or above 0")

    def n_threads(self) -> int:
        """Threads to use (``-1`` resolved to the cores available)."""
        return available_cores() if self.threads == -1 else max(1, int(self.threads))


DEFAULT_SNAP = SnapOptions()


def _piece_tree_key(prof: SpeedProfile, step_m: float, stable: bool, max_generation: int | None,
                    opts: SnapOptions = DEFAULT_SNAP) -> tuple:
    return ("piece_grid", prof.key, float(step_m), stable, max_generation, opts.cell_m)


def _piece_tree(network: RoadNetwork, prof: SpeedProfile, step_m: float, stable: bool = False,
                max_generation: int | None = None,
                opts: SnapOptions = DEFAULT_SNAP) -> tuple[PieceIndex | None, np.ndarray, np.ndarray, np.ndarray]:
    """Exact nearest-piece index over the open roads cut into straight pieces of at most ``step_m``.

    Returns ``(index, geom, frac0, frac_step)``: piece ``k`` of the index lies on
    segment ``geom[k]`` from fraction ``frac0[k]`` to ``frac0[k] + frac_step[k]``
    (consecutive points of ``network.samples(step_m)``); the index is ``None``
    when no road is open. Cached per profile and variant.
    """
    key = _piece_tree_key(prof, step_m, stable, max_generation, opts)
    if key not in network._cache:
        geom, frac, x, y = network.samples(step_m)
        is_open = open_mask(network, prof, stable=stable, max_generation=max_generation)
        a = np.flatnonzero(is_open[geom[:-1]] & (geom[1:] == geom[:-1])) if len(geom) > 1 else np.zeros(0, np.int64)
        index = PieceIndex.build(x[a], y[a], x[a + 1], y[a + 1], cell_m=opts.cell_m) if len(a) else None
        network._cache[key] = (index, geom[a], frac[a], frac[a + 1] - frac[a])
    return network._cache[key]


def prepare_snapping(network: RoadNetwork, profile: str | SpeedProfile | None = "summer", *,
                     step_m: float = 200.0, snap_options: SnapOptions | None = None) -> None:
    """Build the grid snapping indexes now (cached on ``network``).

    For loops of :func:`accessibility` calls on one network with
    ``snap_options=SnapOptions(index="grid")``: the index is then built
    here, once, rather than in the first call.

    Parameters
    ----------
    network
        The road network.
    profile
        Season profile: the index covers the roads open under it, and the roads no season closes.
    step_m
        Longest straight road piece (m), as in :func:`accessibility`.
    snap_options
        Grid index tuning (:class:`SnapOptions`).
    """
    prof = get_profile(profile)
    opts = snap_options or DEFAULT_SNAP
    for stable in (False, True):
        _piece_tree(network, prof, step_m, stable, opts=opts)
        network._cache[("snapping_prepared", *_piece_tree_key(prof, step_m, stable, None, opts))] = True


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
    """x/y of each place (a point on a polygon's surface, a line's midpoint; NaN if empty) and geometry type ids.

    Parameters
    ----------
    places
        Place features (points, lines or polygons) in EPSG:3006.
    """
    geoms = np.asarray(places.geometry.values, dtype=object)
    xy = np.full((len(geoms), 2), np.nan)
    kinds = shapely.get_type_id(geoms)  # -1 for missing
    points = kinds == 0
    if points.all():  # the common case: all points (an empty point has no coordinates)
        coords = shapely.get_coordinates(geoms)
        if len(coords) == len(geoms):
            return coords, kinds
    empty = shapely.is_empty(geoms)
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
    stable: bool = False, max_generation: int | None = None, snap_options: SnapOptions | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Snap points to open roads: ``(segment index or -1, fraction along it, distance m)``.

    Exact: the result is the nearest open segment and the nearest point on it,
    as ``shapely.STRtree.query_nearest`` gives (ties between equally near
    segments may be broken differently). The method is chosen by
    ``snap_options.index`` from this call's inputs only (see
    :class:`SnapOptions`): shapely's STR-tree, or a cached
    :class:`~jokkgeo.network.nearest.PieceIndex` of the open roads cut into
    straight pieces of at most ``step_m`` (points outside the index's square
    still go through the STR-tree).

    Parameters
    ----------
    network
        The road network.
    xy
        ``(n, 2)`` coordinates (EPSG:3006); rows with NaN get ``-1``.
    profile
        Season profile: only roads open under it.
    max_snap_m
        Points farther than this from every open road get ``-1``.
    step_m
        Longest straight piece of the grid index; ``0`` snaps to the nearest *node* instead (coarser).
    stable
        Snap only to roads of classes no packaged season closes.
    max_generation
        Snap only to roads the network had before later road layers were added
        (see :func:`jokkgeo.network.routing.open_mask`).
    snap_options
        Method and speed settings (:class:`SnapOptions`).
    """
    prof = get_profile(profile)
    opts = snap_options or DEFAULT_SNAP
    geom = np.full(len(xy), -1, dtype=np.int64)
    frac = np.zeros(len(xy))
    dist = np.full(len(xy), np.inf)
    ok = np.isfinite(xy).all(axis=1)
    if step_m == 0:  # snap to the nearest node
        tree, node_geom, node_frac = _node_tree(network, prof, stable, max_generation)
        if tree.n and ok.any():
            d, i = tree.query(xy[ok], distance_upper_bound=max_snap_m, workers=opts.n_threads())
            hit = np.isfinite(d)
            pos = np.flatnonzero(ok)[hit]
            geom[pos], frac[pos], dist[pos] = node_geom[i[hit]], node_frac[i[hit]], d[hit]
        return geom, frac, dist
    g = np.full(len(xy), -1, dtype=np.int64)
    f = np.zeros(len(xy))
    d = np.full(len(xy), np.inf)
    method = opts.index
    if method == "auto":  # the index prepare_snapping built is used; else: does building it pay in this call?
        # (an index an earlier call built on its own does not count: results must not depend on call history)
        built = ("snapping_prepared", *_piece_tree_key(prof, step_m, stable, max_generation, opts)) in network._cache
        many = int(ok.sum()) >= opts.index_places_per_segment * len(network.geometries)
        method = "grid" if built or many else "tree"
    if method in ("grid", "quadtree"):
        index, piece_geom, piece_f0, piece_df = _piece_tree(network, prof, step_m, stable, max_generation, opts=opts)
        if index is None:
            return geom, frac, dist
        n_threads = opts.n_threads() if len(xy) >= opts.thread_min_places else 1
        if n_threads > 1:  # numpy releases the GIL in the index's array work: chunks run side by side
            with ThreadPoolExecutor(n_threads) as pool:
                parts = list(pool.map(lambda c: index.nearest(c[:, 0], c[:, 1]), np.array_split(xy, n_threads)))
            piece, t, d = (np.concatenate(p) for p in zip(*parts, strict=False))
        else:
            piece, t, d = index.nearest(xy[:, 0], xy[:, 1])
        a = np.maximum(piece, 0)
        g = np.take(piece_geom, a)
        f = np.take(piece_f0, a)
        f += t * np.take(piece_df, a)
        rest = np.flatnonzero(ok & (piece < 0))  # beyond the index's square (far from every road)
    else:
        rest = np.flatnonzero(ok)
    if rest.size:  # shapely's STR-tree
        stree, sgeoms = _open_tree(network, prof, stable=stable, max_generation=max_generation)
        q = shapely.points(xy[rest])
        (qi, ti), qd = stree.query_nearest(q, return_distance=True, all_matches=False)
        g[rest[qi]] = sgeoms[ti]
        f[rest[qi]] = shapely.line_locate_point(network.geometries[sgeoms[ti]], q[qi], normalized=True)
        d[rest[qi]] = qd
    within = ok & (d <= max_snap_m)
    geom[within] = g[within]
    frac[within] = np.clip(f[within], 0.0, 1.0)
    dist[within] = d[within]
    return geom, frac, dist


def _seasonal_geometries(network: RoadNetwork) -> np.ndarray:
    """Boolean per geometry: its road class is one a packaged season closes (cached per network)."""
    key = ("seasonal_geom",)
    if key not in network._cache:
        fwd_arc, bwd_arc = network.geometry_arcs()
        first_arc = np.where(fwd_arc >= 0, fwd_arc, bwd_arc)
        network._cache[key] = np.isin(network.arc_class[first_arc], list(seasonal_classes()))
    return network._cache[key]


def _place_access(network: RoadNetwork, xy: np.ndarray, *, prof: SpeedProfile, max_snap_m: float,
                  step_m: float, stable: bool = True, snap_options: SnapOptions | None = None,
                  tagged: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[np.ndarray, ...]]]:
    """Access points of places: the nearest open road, and extra candidates ``(place positions, geom, frac, dist)``.

    With ``tagged`` each candidate tuple ends with ``True`` for a stable-class road, ``False`` for an
    older generation's road.

    Extra access points (the same rule as for sites, :func:`jokkgeo.network.routing.snap_sites`): the
    nearest road of a class no season closes (only needed where the nearest road is of a seasonal
    class, e.g. a forest track), and, on networks with added road layers, the nearest roads as they
    were before each addition (only needed where the nearest road is a newer one).
    """
    g1, f1, d1 = snap_places(network, xy, profile=prof, max_snap_m=max_snap_m, step_m=step_m,
                             snap_options=snap_options)
    seasonal_geom = _seasonal_geometries(network)
    gen_of = network.geometry_generation()
    cands: list[tuple[Any, ...]] = []  # (places, arcs, fractions, distances_m, stable)
    last = n_generations(network) - 1
    cur = g1.copy()  # per place: nearest road of the current generation prefix (-1: none)
    cur_stable = np.full(len(xy), -1, dtype=np.int64)  # nearest stable-class road found so far (-1: none yet)
    for gen in range(last, -1, -1):
        if gen < last:  # re-snap the places whose nearest road is newer than this prefix
            sub = np.flatnonzero((cur >= 0) & (gen_of[np.maximum(cur, 0)] > gen))
            if sub.size:
                g, f, d = snap_places(network, xy[sub], profile=prof, max_snap_m=max_snap_m, step_m=step_m,
                                      max_generation=gen, snap_options=snap_options)
                cur[sub] = g
                keep = g >= 0
                cands.append((sub[keep], g[keep], f[keep], d[keep], False))
        seasonal_near = (cur >= 0) & seasonal_geom[np.maximum(cur, 0)]
        stale = (cur_stable < 0) | (gen_of[np.maximum(cur_stable, 0)] > gen)
        ss = np.flatnonzero(seasonal_near & stale)
        if ss.size and stable:
            g2, f2, d2 = snap_places(network, xy[ss], profile=prof, max_snap_m=max_snap_m, step_m=step_m,
                                     stable=True, max_generation=None if gen == last else gen,
                                     snap_options=snap_options)
            cur_stable[ss] = g2
            keep = g2 >= 0
            cands.append((ss[keep], g2[keep], f2[keep], d2[keep], True))
    return g1, f1, d1, (cands if tagged else [c[:4] for c in cands])


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
    snap_options: SnapOptions | None = None,
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
        Longest straight road piece (m) of the index used to find each place's
        nearest segment (a speed setting: the result is exact for any value).
    snap
        ``"edge"`` (default): nearest point on the nearest road segment.
        ``"node"``: nearest network node (as ``osmnx.distance.nearest_nodes``;
        faster, but in sparse rural networks the nearest node can be far along
        the road).
    per_site
        Also compute ``minutes_<site_id>`` per site and per-site totals.
    value_columns
        Numeric columns summed per band when present (e.g. ``population``, ``dwellings``).
    snap_options
        How places are snapped (:class:`SnapOptions`: STR-tree, grid index or
        ``"auto"`` by this call's inputs; threads). Results are the same.
    site_id_col
        Column of unique site ids (``None``: ids are the row positions).

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
    [6.21]
    """
    mins = validate_minutes(minutes)
    check_direction(direction)
    if snap not in ("edge", "node"):
        raise AnalysisError(f"snap must be 'edge' or 'node', got {snap!r}")
    step_m = 0.0 if snap == "node" else step_m
    if snap == "edge":
        check_option("step_m", step_m, what="accessibility")
    if not isinstance(places, gpd.GeoDataFrame):
        raise AnalysisError("places must be a GeoDataFrame of points or polygons in EPSG:3006")
    check_working_crs(places, "places")
    check_option("access_speed_kph", access_speed_kph, what="accessibility")
    check_option("max_snap_m", max_snap_m, what="accessibility")
    if place_max_snap_m is not None:
        check_option("max_snap_m", place_max_snap_m, what="accessibility (place_max_snap_m)")
    prof = get_profile(profile)
    ids, geoms = site_table(sites, site_id_col)
    snaps = snap_sites(network, geoms, ids, profile=prof, max_snap_m=max_snap_m, access_speed_kph=access_speed_kph,
                       direction=direction)
    w = network.travel_time(prof)
    xy, kinds = place_points(places)
    max_place = place_max_snap_m or max_snap_m
    speed_ms = access_speed_kph / 3.6
    lifted = lifted_profile(prof)
    # no off-road leg is a shortcut (the rule of jokkgeo.network.routing.snap_sites): a place with a leg to a
    # farther road never gets a shorter time than the roads offer from its reference access (its nearest road
    # as if no season closed one, and before each road addition), with the profile's speeds and the closures
    # lifted.
    no_closures = lifted.key == prof.key
    if no_closures:
        # The reference access is the place's own access (nearest open road, and the nearest roads before each
        # road addition) and the lifted roads are the roads: the rule reduces to "the time through those roads
        # wherever they reach a site; a leg to the nearest stable-class road only where they reach none". So
        # no second snapping or Dijkstra; the stable-class legs are snapped only for the places left
        # unreached (all places when per-site times are asked, as any site may leave them unreached).
        g1, f1, d1, tagged = _place_access(network, xy, prof=prof, max_snap_m=max_place, step_m=step_m,
                                           stable=per_site, snap_options=snap_options, tagged=True)
        cands = [c[:4] for c in tagged if not c[4]]
        fallback = [c[:4] for c in tagged if c[4]]
        ref_sub = np.zeros(0, np.int64)
    else:
        g1, f1, d1, cands = _place_access(network, xy, prof=prof, max_snap_m=max_place, step_m=step_m,
                                          snap_options=snap_options)
        fallback = []
        # the nearest open road may differ from the reference one: every place
        ref_sub = np.flatnonzero(np.isfinite(xy).all(axis=1))
    snapped = g1 >= 0
    if ref_sub.size:
        snaps_l = snap_sites(network, geoms, ids, profile=lifted, max_snap_m=max_snap_m,
                             access_speed_kph=access_speed_kph, direction=direction)
        # reference access of the places: nearest road with closures lifted, and before each road addition
        ref_g, ref_f, ref_d, ref_c = _place_access(network, xy[ref_sub], prof=lifted, max_snap_m=max_place,
                                                   step_m=step_m, stable=False, snap_options=snap_options)
        w_l = network.travel_time(lifted)

        def bound_of(node_t_l: np.ndarray, site_snaps_l: Any) -> np.ndarray:
            t_r, _ = point_times(network, w_l, node_t_l, np.maximum(ref_g, 0), ref_f, direction=direction,
                                 snaps=site_snaps_l)
            out = np.where(ref_g >= 0, t_r + ref_d / speed_ms, np.inf)
            for sub, g2, f2, d2 in ref_c:
                t2, _ = point_times(network, w_l, node_t_l, g2, f2, direction=direction, snaps=site_snaps_l)
                out[sub] = np.minimum(out[sub], t2 + d2 / speed_ms)
            return out

    def take_better(best: np.ndarray, best_owner: np.ndarray, best_dist: np.ndarray, extra: list,
                    node_t: np.ndarray, node_owner: np.ndarray | None, site_snaps: Any) -> None:
        for sub, g2, f2, d2 in extra:
            t2, o2 = point_times(network, w, node_t, g2, f2, direction=direction, snaps=site_snaps,
                                 node_owner=node_owner)
            tot2 = t2 + d2 / speed_ms
            better = tot2 < best[sub]
            best[sub[better]] = tot2[better]
            best_dist[sub[better]] = d2[better]
            if o2 is not None:
                best_owner[sub[better]] = o2[better]

    def place_time(node_t: np.ndarray, node_owner: np.ndarray | None, site_snaps: Any,
                   bound: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
        t, o = point_times(network, w, node_t, np.maximum(g1, 0), f1, direction=direction, snaps=site_snaps,
                           node_owner=node_owner)
        best = np.where(snapped, t + d1 / speed_ms, np.inf)
        best_owner = o if o is not None else np.full(len(xy), -1, dtype=np.int64)
        best_dist = np.where(snapped, d1, np.nan)
        take_better(best, best_owner, best_dist, cands, node_t, node_owner, site_snaps)
        if bound is not None:
            raise_to = np.isfinite(bound) & (bound > best[ref_sub])
            best[ref_sub[raise_to]] = bound[raise_to]
        if fallback:  # stable-class legs where the reference access reaches no site
            unreached = ~np.isfinite(best)
            extra = [tuple(v[unreached[c[0]]] for v in c) for c in fallback]
            take_better(best, best_owner, best_dist, [c for c in extra if len(c[0])], node_t, node_owner,
                        site_snaps)
        return best, best_owner, best_dist

    node_t, owner = node_travel_times(network, snaps, profile=prof, direction=direction, nearest=True)
    bound = None
    if ref_sub.size:
        node_t_l, _ = node_travel_times(network, snaps_l, profile=lifted, direction=direction, nearest=True)
        bound = bound_of(node_t_l, snaps_l.table)
    total, t_owner, snap_dist = place_time(node_t, owner, snaps.table, bound)
    if no_closures and not per_site:  # stable-class legs of the places the reference access leaves unreached
        need = np.flatnonzero(snapped & ~np.isfinite(total))
        if need.size:
            _, _, _, tagged = _place_access(network, xy[need], prof=prof, max_snap_m=max_place, step_m=step_m,
                                            snap_options=snap_options, tagged=True)
            take_better(total, t_owner, snap_dist, [(need[c[0]], *c[1:4]) for c in tagged if c[4]], node_t,
                        owner, snaps.table)
    reachable = np.isfinite(total)
    minutes_nearest = np.where(reachable, total / 60.0, np.nan)
    cut = np.array(mins)
    band_idx = np.searchsorted(cut, minutes_nearest, side="left")
    cols: dict[str, Any] = {
        "minutes_nearest": minutes_nearest,
        # taken from a text array of the site ids (no Python string per place); missing where unreachable
        "nearest_site_id": pd.array(list(ids), dtype="str").take(np.where(reachable, t_owner, -1), allow_fill=True),
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
            times_l = (node_travel_times(network, snaps_l, profile=lifted, direction=direction, sites=batch)[0]
                       if ref_sub.size else None)
            for row, s in enumerate(batch):
                bound_s = (bound_of(times_l[row], snaps_l.table[snaps_l.table["site"] == s])
                           if times_l is not None else None)
                tot, _, _ = place_time(times[row], None, snaps.table[snaps.table["site"] == s], bound_s)
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
        "snap_index": (snap_options or DEFAULT_SNAP).index,
        "place_point": "points as given; polygons by a point on their surface",
        "n_places": len(places),
        "n_unreachable": n_unreachable,
    }
    return AccessibilityResult(places=out, totals=totals, n_unreachable=n_unreachable,
                               provenance=Provenance(parameters=params, warnings=tuple(warnings)))


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

    def sums_of(n_groups: int, group: np.ndarray | None, t: np.ndarray) -> dict[str, np.ndarray]:
        """Per weight: sums per group and band, ``(n_groups, nb)`` (NaN times sort beyond the last band)."""
        band = np.searchsorted(cut, t, side="left")  # nb = beyond the last band (and NaN)
        pick: Any = slice(None) if group is None else group >= 0
        key = band if group is None else group[pick] * (nb + 1) + band[pick]
        return {name: np.bincount(key, weights=wgt[pick], minlength=n_groups * (nb + 1))
                .reshape(n_groups, nb + 1)[:, :nb] for name, wgt in weights.items()}

    def table(scope: str, labels: list[str | None], sums: dict[str, np.ndarray]) -> pd.DataFrame:
        cols = {name: np.cumsum(v, axis=1).ravel() for name, v in sums.items()}
        df = pd.DataFrame({"scope": scope, "site_id": np.repeat(np.array(labels, dtype=object), nb),
                           "minutes": np.tile(cut, len(labels)), **cols})
        df["n_places"] = df["n_places"].round().astype(np.int64)
        return df

    parts = []
    for sid, t in per_site.items():
        parts.append(table("site", [sid], sums_of(1, None, t)))
    nearest_t = out["minutes_nearest"].to_numpy(dtype=float)
    by_site = sums_of(len(ids), nearest_pos.astype(np.int64), nearest_t)
    parts.append(table("nearest", list(ids), by_site))
    # any site: a reached place is counted at its nearest site, so the sums over the sites
    parts.append(table("any", [None], {name: v.sum(axis=0, keepdims=True) for name, v in by_site.items()}))
    return pd.concat(parts, ignore_index=True)
