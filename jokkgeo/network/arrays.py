"""The compressed-array road network every analysis runs on (:class:`RoadNetwork`).

A road network is converted *once* (from OSM, a line layer or an osmnx graph,
see :mod:`jokkgeo.network.graph`) into flat numpy arrays of nodes and directed
arcs. Speed profiles and scenario edits only produce new weight arrays; the
sparse matrices (CSR) are built from the arc arrays keeping the *minimum*
weight per node pair (``networkx.to_scipy_sparse_array`` would *sum* parallel
edges) and cached per profile.

Conventions follow osmnx: ``length_m`` in metres, ``speed_kph`` in km/h,
``travel_time`` in seconds, node ``x``/``y`` in the network CRS (EPSG:3006).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely
from scipy import sparse

from jokkgeo.errors import AnalysisError
from jokkgeo.network.profiles import SpeedProfile, get_profile
from jokkgeo.network.speeds import ROAD_CLASSES, SpeedReport, built_up_mask, operating_speed_kph

log = logging.getLogger(__name__)

MIN_TRAVEL_TIME_S = 1e-6
"""Zero-length arcs get this weight so sparse matrices keep them as edges."""


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """A directed road network as flat arrays (nodes, arcs, arc geometries).

    Build it with :func:`jokkgeo.network.graph.graph_from_osm`,
    :func:`~jokkgeo.network.graph.graph_from_lines` or
    :func:`~jokkgeo.network.graph.graph_from_networkx`; convert back with
    :meth:`to_networkx`. Instances are immutable: edits
    (:meth:`with_speeds`, :meth:`with_closed`) return new networks that share
    the unchanged arrays.

    Attributes
    ----------
    crs
        CRS of coordinates and geometries (always EPSG:3006 in jokkgeo).
    node_id, node_x, node_y
        Original node ids and coordinates (metres).
    arc_u, arc_v
        Tail and head node *positions* (0..n_nodes-1) of each directed arc.
    arc_length_m, arc_speed_kph, arc_speed_source
        Length (m), base (summer) speed (km/h) and where the speed came from
        (see :mod:`jokkgeo.network.speeds`).
    arc_class, arc_surface
        Normalised road class and surface (``paved``/``unpaved``/``unknown``).
    arc_closed
        Arcs closed by an edit (independent of season profiles).
    arc_geom, arc_forward
        Index into ``geometries`` and whether the arc runs in the geometry's
        digitised direction (two arcs of a two-way road share one geometry).
    geometries
        LineStrings (metres), one per road segment.
    arc_attrs
        Extra attributes aligned with the arcs (e.g. ``osmid``, ``name``, ``ref``, ``highway``, ``maxspeed``).
    speed_report
        Counts of speed sources and replaced implausible limits.
    """

    crs: str
    node_id: np.ndarray
    node_x: np.ndarray
    node_y: np.ndarray
    arc_u: np.ndarray
    arc_v: np.ndarray
    arc_length_m: np.ndarray
    arc_speed_kph: np.ndarray
    arc_speed_source: np.ndarray
    arc_class: np.ndarray
    arc_surface: np.ndarray
    arc_closed: np.ndarray
    arc_geom: np.ndarray
    arc_forward: np.ndarray
    geometries: np.ndarray
    arc_attrs: pd.DataFrame
    speed_report: SpeedReport
    edits: tuple[str, ...] = ()
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Unpickle (e.g. on a dask worker): the travel-time arrays get new ids, so :meth:`time_parts` is re-keyed."""
        self.__dict__.update(state)
        delays = self._cache.get("tt_delays")
        if delays:
            self._cache["tt_delays"] = {id(entry[0]): entry for entry in delays.values()}

    # ------------------------------------------------------------------ sizes
    @property
    def n_nodes(self) -> int:
        return int(len(self.node_id))

    @property
    def n_arcs(self) -> int:
        return int(len(self.arc_u))

    def __repr__(self) -> str:
        return f"RoadNetwork({self.n_nodes} nodes, {self.n_arcs} arcs, {len(self.geometries)} segments, {self.crs})"

    # ------------------------------------------------------------- geometry
    def geometry_arcs(self) -> tuple[np.ndarray, np.ndarray]:
        """Per geometry: the arc running along it (or -1) and the arc running against it (or -1)."""
        key = ("geom_arcs",)
        if key not in self._cache:
            n = len(self.geometries)
            fwd = np.full(n, -1, dtype=np.int64)
            bwd = np.full(n, -1, dtype=np.int64)
            arcs = np.arange(self.n_arcs)
            fwd[self.arc_geom[self.arc_forward]] = arcs[self.arc_forward]
            bwd[self.arc_geom[~self.arc_forward]] = arcs[~self.arc_forward]
            self._cache[key] = (fwd, bwd)
        return self._cache[key]

    def geometry_nodes(self) -> tuple[np.ndarray, np.ndarray]:
        """Per geometry: node positions at its digitised start and end."""
        key = ("geom_nodes",)
        if key not in self._cache:
            fwd, bwd = self.geometry_arcs()
            a, b = np.maximum(fwd, 0), np.maximum(bwd, 0)
            start = np.where(fwd >= 0, self.arc_u[a], self.arc_v[b])
            end = np.where(fwd >= 0, self.arc_v[a], self.arc_u[b])
            self._cache[key] = (start, end)
        return self._cache[key]

    def geometry_generation(self) -> np.ndarray:
        """Per geometry: 0 for the roads the network was built with, ``k`` for the k-th added road layer.

        Roads added by :func:`jokkgeo.network.graph.add_lines` are appended
        (geometries and arcs) and their arcs carry the layer's label in
        ``arc_attrs["scenario"]``; each run of added geometries with one label
        is one generation. Snapping keeps the access that sites and places had
        before each addition (see :func:`jokkgeo.network.routing.snap_sites`).
        """
        key = ("geom_gen",)
        if key not in self._cache:
            n = len(self.geometries)
            gen = np.zeros(n, dtype=np.int64)
            if self.edits and "scenario" in self.arc_attrs.columns and n:
                label = np.full(n, None, dtype=object)
                lab = self.arc_attrs["scenario"].to_numpy(dtype=object)
                added_arc = pd.notna(lab)
                label[self.arc_geom[added_arc]] = lab[added_arc]
                added = pd.notna(label)
                change = added.copy()
                change[1:] &= label[1:] != label[:-1]
                gen = np.where(added, np.cumsum(change), 0).astype(np.int64)
            gen.setflags(write=False)
            self._cache[key] = gen
        return self._cache[key]

    def samples(self, step_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Points along every geometry: all its vertices plus extra points so no gap exceeds ``step_m``.

        Returns ``(geom_index, fraction, x, y)`` ordered by geometry and
        position; ``fraction`` is the distance along the geometry divided by
        its length (0 at the digitised start). Consecutive points of one
        geometry are joined by straight pieces of it, so the points describe
        the geometry exactly. Cached per step.

        Parameters
        ----------
        step_m
            Longest gap (m) between consecutive points along a geometry.
        """
        key = ("samples", float(step_m))
        if key not in self._cache:
            dense = shapely.segmentize(self.geometries, step_m)
            xy, geom = shapely.get_coordinates(dense, return_index=True)
            same = np.zeros(len(geom), dtype=bool)
            same[1:] = geom[1:] == geom[:-1]
            piece = np.zeros(len(geom))
            piece[1:] = np.hypot(np.diff(xy[:, 0]), np.diff(xy[:, 1]))
            piece[~same] = 0.0
            cum = np.cumsum(piece)
            first = np.flatnonzero(~same)
            counts = np.diff(np.append(first, len(geom)))
            cum -= np.repeat(cum[first], counts)
            last = first + counts - 1
            total = np.repeat(cum[last], counts)
            frac = np.divide(cum, total, out=np.zeros_like(cum), where=total > 0)
            self._cache[key] = (geom.astype(np.int64), frac, xy[:, 0].copy(), xy[:, 1].copy())
        return self._cache[key]

    # --------------------------------------------------------------- weights
    def built_up(self, max_kph: float) -> np.ndarray:
        """Boolean per arc: a built-up street (signed limit ``<= max_kph`` or a residential class).

        See :func:`jokkgeo.network.speeds.built_up_mask`. Cached per ``max_kph``.

        Parameters
        ----------
        max_kph
            Highest signed limit counted as built-up.
        """
        key = ("built_up", float(max_kph))
        if key not in self._cache:
            mask = built_up_mask(self.arc_speed_kph, self.arc_speed_source, self.arc_class, max_kph)
            mask.setflags(write=False)
            self._cache[key] = mask
        return self._cache[key]

    def junction_share(self) -> np.ndarray:
        """Per arc: the share of one junction delay it carries (0, 0.5 or 1).

        A **junction** is a node where three or more road segments meet (every
        segment counts, whatever a season closes, so closing forest tracks in
        winter never removes a delay). Its **main road** is the segments of the
        highest road class there when at most two of them meet (a road going
        through); where three or more share the highest class (a grid of
        equal streets) there is none. A movement pays half a delay for
        entering a junction on an arc that is not on its main road and half for
        leaving it on such an arc: straight along the main road costs nothing,
        turning onto or off it half a delay, crossing it or any movement
        between equal streets a whole delay. The shares sit on the arcs, so
        Dijkstra stays exact.

        Roads added with :func:`jokkgeo.network.graph.add_lines` never change
        the shares of the arcs that were there before (each road generation is
        judged on the network as it was when it was added), so adding a road
        never lengthens a travel time. Cached.
        """
        leave, enter = self.junction_shares()
        key = ("junction_share",)
        if key not in self._cache:
            share = leave + enter
            share.setflags(write=False)
            self._cache[key] = share
        return self._cache[key]

    def junction_shares(self) -> tuple[np.ndarray, np.ndarray]:
        """Per arc: the share of a junction delay paid on leaving its start node and on entering its end node.

        Each is 0 or 0.5; their sum is :meth:`junction_share`. Cached.
        """
        key = ("junction_shares",)
        if key not in self._cache:
            self._cache[key] = self._junction_shares()
        return self._cache[key]

    def _junction_shares(self) -> tuple[np.ndarray, np.ndarray]:
        rank_of = {c: i for i, c in enumerate(ROAD_CLASSES)}  # 0 = most important
        n_geom = len(self.geometries)
        leave_share = np.zeros(self.n_arcs)
        enter_share = np.zeros(self.n_arcs)
        if not n_geom:
            leave_share.setflags(write=False)
            enter_share.setflags(write=False)
            return leave_share, enter_share
        start, end = self.geometry_nodes()
        fwd, bwd = self.geometry_arcs()
        arc = np.where(fwd >= 0, fwd, bwd)
        geom_rank = pd.Series(self.arc_class[arc]).map(rank_of).fillna(len(ROAD_CLASSES)).to_numpy(dtype=np.int64)
        arc_rank = geom_rank[self.arc_geom]
        geom_gen = self.geometry_generation()
        arc_gen = geom_gen[self.arc_geom]
        for gen in np.unique(geom_gen):  # a few road generations, not features
            present = geom_gen <= gen
            ends = np.concatenate([start[present], end[present]])
            ranks = np.concatenate([geom_rank[present], geom_rank[present]])
            degree = np.bincount(ends, minlength=self.n_nodes)
            top = np.full(self.n_nodes, len(ROAD_CLASSES) + 1, dtype=np.int64)
            np.minimum.at(top, ends, ranks)
            n_top = np.bincount(ends[ranks == top[ends]], minlength=self.n_nodes)
            main_at = np.where(n_top <= 2, top, -1)  # the main road's class at each node (-1: none)
            mine = arc_gen == gen
            u, v, r = self.arc_u[mine], self.arc_v[mine], arc_rank[mine]
            enter_share[mine] = 0.5 * ((degree[v] >= 3) & (r != main_at[v]))
            leave_share[mine] = 0.5 * ((degree[u] >= 3) & (r != main_at[u]))
        leave_share.setflags(write=False)
        enter_share.setflags(write=False)
        return leave_share, enter_share

    def speed_kph(self, profile: str | SpeedProfile | None = "summer") -> np.ndarray:
        """Average driving speed (km/h) per arc under ``profile`` (before closures and junction delays).

        The base speed (signed limit or class fallback) goes through the
        profile's speed model (rural ``operating_speed`` table, or
        ``built_up_factor`` on built-up streets; see
        :class:`~jokkgeo.network.speeds.SpeedModel`), then times the smaller of
        the profile's class and surface factors. Cached per profile.

        Parameters
        ----------
        profile
            Season profile name or :class:`~jokkgeo.network.profiles.SpeedProfile`.
        """
        prof = get_profile(profile)
        key = ("speed", prof.key)
        if key not in self._cache:
            model = prof.speed_model
            speed = self.arc_speed_kph.astype(float)
            if model.operating_speed or model.built_up_factor != 1.0:
                rural = operating_speed_kph(speed, model.operating_speed)
                if model.built_up_factor != 1.0:
                    speed = np.where(self.built_up(model.built_up_max_kph), speed * model.built_up_factor, rural)
                else:
                    speed = rural
            factor = np.ones(self.n_arcs)
            if prof.factors:
                factor = pd.Series(self.arc_class).map(dict(prof.factors)).fillna(1.0).to_numpy(dtype=float)
            if prof.surface_factors:
                sf = pd.Series(self.arc_surface).map(dict(prof.surface_factors)).fillna(1.0).to_numpy(dtype=float)
                factor = np.minimum(factor, sf)
            speed = speed * factor
            speed.setflags(write=False)
            self._cache[key] = speed
        return self._cache[key]

    def travel_time(self, profile: str | SpeedProfile | None = "summer") -> np.ndarray:
        """Travel time (s) per arc under ``profile``; ``inf`` for closed arcs.

        ``length_m / (speed / 3.6) + junction_share * junction_delay_s`` with the
        speed of :meth:`speed_kph` (speed model, then season factors) and the
        junction shares of :meth:`junction_share`. Cached per profile.

        Parameters
        ----------
        profile
            Season profile name or :class:`~jokkgeo.network.profiles.SpeedProfile` (``None``: summer).
        """
        prof = get_profile(profile)
        key = ("tt", prof.key)
        if key not in self._cache:
            tt = self.arc_length_m / (self.speed_kph(prof) / 3.6)
            delay = prof.speed_model.junction_delay_s
            if delay > 0:
                leave_share, enter_share = self.junction_shares()
                leave_s, enter_s = leave_share * delay, enter_share * delay
            else:  # no junction delays: no need to find the junctions
                leave_s, enter_s = np.zeros(self.n_arcs), np.zeros(self.n_arcs)
            tt = tt + leave_s + enter_s
            closed = self.arc_closed.copy()
            if prof.closed:
                closed |= np.isin(self.arc_class, list(prof.closed))
            tt = np.where(closed, np.inf, np.maximum(tt, MIN_TRAVEL_TIME_S))
            tt.setflags(write=False)
            leave_s.setflags(write=False)
            enter_s.setflags(write=False)
            self._cache[key] = tt
            run = tt - leave_s - enter_s
            run.setflags(write=False)
            self._cache.setdefault("tt_delays", {})[id(tt)] = (tt, run, leave_s, enter_s)
        return self._cache[key]

    def time_parts(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Split per-arc travel times ``w`` into (driving, delay leaving the start, delay entering the end), s.

        ``w`` must be an array returned by :meth:`travel_time` of this network
        (its junction delays are known); any other array is taken as driving
        time only. Used to place points *between* nodes exactly: a point
        along an arc is reached after the delay at the junction behind it and
        before the one ahead.

        Parameters
        ----------
        w
            Travel time (s) per arc.
        """
        entry = self._cache.get("tt_delays", {}).get(id(w))
        if entry is not None and entry[0] is w:
            return entry[1], entry[2], entry[3]
        zero = np.zeros(len(w))
        return w, zero, zero

    def csr(self, profile: str | SpeedProfile | None = "summer", *, reverse: bool = False) -> sparse.csr_array:
        """Sparse travel-time matrix (s), minimum weight per node pair, closed arcs left out.

        ``reverse=True`` gives the transposed graph (travel *to* a node).

        Parameters
        ----------
        profile
            Season profile name or :class:`~jokkgeo.network.profiles.SpeedProfile`.
        reverse
            Transpose the graph (for travel towards a node).
        """
        prof = get_profile(profile)
        key = ("csr", prof.key, reverse)
        if key not in self._cache:
            w = self.travel_time(prof)
            u, v = (self.arc_v, self.arc_u) if reverse else (self.arc_u, self.arc_v)
            self._cache[key] = csr_from_arcs(self.n_nodes, u, v, w)
        return self._cache[key]

    def open_geometries(self, profile: str | SpeedProfile | None = "summer") -> np.ndarray:
        """Boolean per geometry: at least one of its arcs is open under ``profile``.

        Parameters
        ----------
        profile
            Season profile name or :class:`~jokkgeo.network.profiles.SpeedProfile`.
        """
        w = self.travel_time(profile)
        out = np.zeros(len(self.geometries), dtype=bool)
        out[self.arc_geom[np.isfinite(w)]] = True
        return out

    # ----------------------------------------------------------------- edits
    def _replace(self, edit: str, **changes: Any) -> RoadNetwork:
        return dataclasses.replace(self, edits=(*self.edits, edit), _cache={}, **changes)

    def arc_index(self, arcs: Any) -> np.ndarray:
        """Normalise an arc selection (boolean mask or integer positions) to positions.

        Parameters
        ----------
        arcs
            Boolean mask over the arcs or integer arc positions.
        """
        arr = np.asarray(arcs)
        if arr.dtype == bool:
            if arr.shape != (self.n_arcs,):
                raise AnalysisError(f"arc mask has {arr.shape[0]} values; the network has {self.n_arcs} arcs")
            return np.flatnonzero(arr)
        arr = arr.astype(np.int64).ravel()
        if arr.size and (arr.min() < 0 or arr.max() >= self.n_arcs):
            raise AnalysisError(f"arc positions must be in 0..{self.n_arcs - 1}")
        return arr

    def with_speeds(self, arcs: Any, speed_kph: float | np.ndarray, *, label: str = "speed change") -> RoadNetwork:
        """A copy where the selected arcs have a new base speed (km/h), source ``"scenario"``.

        Parameters
        ----------
        arcs
            Boolean mask over arcs or arc positions (see :meth:`edges`).
        speed_kph
            New speed, scalar or one value per selected arc; must be in (0, 150].
        label
            Text recorded in :attr:`edits`.
        """
        idx = self.arc_index(arcs)
        values = np.broadcast_to(np.asarray(speed_kph, dtype=float), idx.shape)
        if values.size and (not np.all(values > 0) or not np.all(values <= 150)):
            raise AnalysisError(f"scenario speeds must be in (0, 150] km/h, got {np.unique(values)[:5]}")
        speed = self.arc_speed_kph.copy()
        speed[idx] = values
        source = self.arc_speed_source.copy()
        source[idx] = "scenario"
        return self._replace(f"{label}: {idx.size} arcs", arc_speed_kph=speed, arc_speed_source=source)

    def with_closed(self, arcs: Any, *, label: str = "closure") -> RoadNetwork:
        """A copy where the selected arcs are closed (no travel, no snapping).

        Parameters
        ----------
        arcs
            Boolean mask over the arcs or integer arc positions.
        label
            Name of the change in the network's history.
        """
        idx = self.arc_index(arcs)
        closed = self.arc_closed.copy()
        closed[idx] = True
        return self._replace(f"{label}: {idx.size} arcs", arc_closed=closed)

    # ------------------------------------------------------------ conversion
    def edges(self, profile: str | SpeedProfile | None = "summer") -> Any:
        """All arcs as a GeoDataFrame (index = arc position) in the osmnx vocabulary.

        Columns: ``u``, ``v`` (original node ids), ``length`` (m), ``speed_kph``
        (average driving speed after the profile's speed model and factors),
        ``travel_time`` (s, inf when closed; includes ``junction_delay_s``),
        ``speed_source``, ``road_class``, ``surface``, ``closed`` and the extra
        attributes, geometry oriented from ``u`` to ``v``.

        Parameters
        ----------
        profile
            Season profile name or :class:`~jokkgeo.network.profiles.SpeedProfile`.
        """
        import geopandas as gpd

        prof = get_profile(profile)
        tt = self.travel_time(prof)
        geoms = self.geometries[self.arc_geom]
        geoms = np.where(self.arc_forward, geoms, shapely.reverse(geoms))
        speed = np.where(np.isfinite(tt), self.speed_kph(prof), 0.0)
        _, leave_s, enter_s = self.time_parts(tt)
        delay = leave_s + enter_s
        df = pd.DataFrame(
            {
                "u": self.node_id[self.arc_u],
                "v": self.node_id[self.arc_v],
                "length": self.arc_length_m,
                "speed_kph": speed,
                "travel_time": tt,
                "junction_delay_s": np.where(np.isfinite(tt), delay, 0.0),
                "speed_source": self.arc_speed_source,
                "road_class": self.arc_class,
                "surface": self.arc_surface,
                "closed": ~np.isfinite(tt),
            }
        )
        extra = self.arc_attrs.reset_index(drop=True)
        df = pd.concat([df, extra[[c for c in extra.columns if c not in df.columns]]], axis=1)
        return gpd.GeoDataFrame(df, geometry=geoms, crs=self.crs)

    def nodes(self) -> Any:
        """Nodes as a GeoDataFrame indexed by original node id, with ``x``, ``y`` (m)."""
        import geopandas as gpd

        return gpd.GeoDataFrame(
            {"x": self.node_x, "y": self.node_y},
            index=pd.Index(self.node_id, name="osmid"),
            geometry=shapely.points(self.node_x, self.node_y),
            crs=self.crs,
        )

    def street_count(self, profile: str | SpeedProfile | None = "summer") -> np.ndarray:
        """Per node: the physical road segments (open under ``profile``) ending there, as osmnx counts them.

        A two-way road counts once, a loop twice at its node (osmnx's
        ``stats.count_streets_per_node``).

        Parameters
        ----------
        profile
            Season profile; segments it closes are not counted.
        """
        start, end = self.geometry_nodes()
        is_open = self.open_geometries(profile)
        return np.bincount(np.concatenate([start[is_open], end[is_open]]), minlength=self.n_nodes)

    def to_networkx(self, profile: str | SpeedProfile | None = "summer") -> Any:
        """An osmnx-style ``networkx.MultiDiGraph`` (``length``, ``speed_kph``, ``travel_time``, ``geometry``).

        Closed arcs are left out; node ``x``/``y`` in the network CRS and
        ``street_count`` (:meth:`street_count`), so ``osmnx.stats.basic_stats`` works.

        Parameters
        ----------
        profile
            Season profile for speeds, travel times and closures.
        """
        import networkx as nx

        edges = self.edges(profile)
        edges = edges[~edges["closed"]]
        G = nx.MultiDiGraph(crs=self.crs)
        count = self.street_count(profile).tolist()
        G.add_nodes_from((nid, {"x": x, "y": y, "street_count": c})
                         for nid, x, y, c in zip(self.node_id.tolist(), self.node_x.tolist(), self.node_y.tolist(),
                                                 count, strict=False))
        cols = [c for c in edges.columns if c not in ("u", "v", "closed")]
        records = edges[cols].to_dict("records")
        G.add_edges_from(zip(edges["u"].tolist(), edges["v"].tolist(), records, strict=False))
        return G


def csr_from_arcs(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> sparse.csr_array:
    """CSR matrix ``n × n`` from arc arrays keeping the MINIMUM weight per ``(u, v)``.

    Infinite weights (closed arcs) and self-loops are left out (a self-loop
    never shortens a path). Weights below :data:`MIN_TRAVEL_TIME_S` are raised
    to it so zero-length arcs stay edges.

    Parameters
    ----------
    n
        Number of nodes.
    u, v
        Start and end node of each arc.
    w
        Weight (travel time, s) of each arc.
    """
    ok = np.isfinite(w) & (u != v)
    u, v, w = u[ok], v[ok], w[ok]
    order = np.lexsort((w, v, u))
    u, v, w = u[order], v[order], w[order]
    first = np.ones(len(u), dtype=bool)
    first[1:] = (u[1:] != u[:-1]) | (v[1:] != v[:-1])
    u, v, w = u[first], v[first], w[first]
    indptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(u, minlength=n), out=indptr[1:])
    return sparse.csr_array(
        (np.maximum(w, MIN_TRAVEL_TIME_S), v.astype(np.int32), indptr), shape=(n, n)
    )
