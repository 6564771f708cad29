"""Build a :class:`~jokkgeo.network.arrays.RoadNetwork` from a line layer or an osmnx graph.

``<target>_from_<source>`` converters (files are opened in :mod:`jokkgeo.io.roadgraph`):

- :func:`graph_from_lines` — a LineString layer with NVDB- or OSM-style
  attributes (speed limit, road class, one-way, surface).
- :func:`graph_from_networkx` — an osmnx-style ``MultiDiGraph`` a user already has.
- :func:`add_lines` — a scenario's new roads added to an existing network.

All keep every connected component (never only the largest one: a site on a
road island would otherwise snap kilometres away).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import shapely

from jokkgeo.crs import check_working_crs
from jokkgeo.errors import CRSError, DataLayerError, GeometryError
from jokkgeo.network.arrays import RoadNetwork
from jokkgeo.network.speeds import assign_speeds, normalise_class, normalise_surface
from jokkgeo.settings import WORKING_CRS

log = logging.getLogger(__name__)

CLASS_COLUMNS = ("highway", "road_class", "funktionell_vagklass", "funktionell_vägklass", "vagklass", "vägklass",
                 "klass")
SPEED_COLUMNS = ("maxspeed", "speed_limit", "hastighetsgrans", "hastighetsgräns", "hastighet", "speed_kph")
ONEWAY_COLUMNS = ("oneway", "korriktning", "körriktning")
SURFACE_COLUMNS = ("surface", "slitlager")
ATTR_COLUMNS = ("osmid", "name", "ref", "highway", "maxspeed", "key")

ONEWAY_VALUES: Mapping[str, str] = {
    # OSM (and osmnx) conventions
    "yes": "forward", "true": "forward", "1": "forward",
    "-1": "backward", "reverse": "backward",
    "no": "both", "false": "both", "0": "both", "reversible": "both", "alternating": "both",
    # QGIS / Esri direction fields: FT = from-to (digitised direction), TF = to-from, B = both ways
    "ft": "forward", "tf": "backward", "b": "both", "forward": "forward", "backward": "backward",
    "both": "both",
    # NVDB Körriktning (relative to the digitised direction)
    "med": "forward", "med digitaliseringsriktningen": "forward",
    "mot": "backward", "mot digitaliseringsriktningen": "backward",
    "med och mot": "both", "båda": "both", "båda riktningarna": "both",
}
"""Accepted one-way values (lower-case text) -> ``forward`` (only in the digitised direction),
``backward`` (only against it) or ``both``. Missing values mean both ways (one-way for motorways,
as in OSM); any other value is refused with the counts of the unknown values."""


def _check_crs(crs: Any, what: str) -> None:
    """Refuse a networkx graph whose ``graph['crs']`` is missing or not EPSG:3006."""
    from pyproj import CRS

    if crs is None:
        raise CRSError(f"{what} has no CRS; set G.graph['crs'] or project it: "
                       "osmnx.projection.project_graph(G, to_crs='EPSG:3006')")
    if CRS.from_user_input(crs) != CRS.from_user_input(WORKING_CRS):
        raise CRSError(
            f"{what} is in {CRS.from_user_input(crs).to_string()}, not {WORKING_CRS} (SWEREF 99 TM); "
            "reproject first: osmnx.projection.project_graph(G, to_crs='EPSG:3006')"
        )


def _pick(columns: Any, wanted: str | None, candidates: tuple[str, ...], what: str) -> str | None:
    """Column for ``what``: the one given, or the first candidate present (case-insensitive)."""
    if wanted is not None and wanted != "auto":
        if wanted not in columns:
            raise DataLayerError(f"road layer has no column '{wanted}' for {what}; "
                                 f"columns are: {', '.join(map(str, columns))}")
        return wanted
    lower = {str(c).lower(): c for c in columns}
    for cand in candidates:
        if cand in lower:
            return lower[cand]
    return None


def _oneway_text(v: Any) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, float, np.integer, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v).strip().lower()


def _oneway(values: Any, road_class: np.ndarray, *, what: str = "road layer", column: str = "oneway") -> np.ndarray:
    """'both' / 'forward' / 'backward' per line (see :data:`ONEWAY_VALUES`); motorways without a value are one-way.

    Unknown values raise :class:`~jokkgeo.errors.DataLayerError` listing them with their counts.
    """
    out = np.full(len(road_class), "both", dtype=object)
    if values is not None:
        codes, uniques = pd.factorize(pd.Series(list(values), dtype=object), use_na_sentinel=True)
        distinct = np.array([_oneway_text(v) for v in uniques] + [""], dtype=object)  # one call per value
        text = pd.Series(distinct[codes], dtype=object)  # code -1 (missing) picks the trailing ""
        missing = text.isin(["", "nan", "none", "<na>"]).to_numpy()
        mapped = text.map(ONEWAY_VALUES)
        unknown = mapped.isna().to_numpy() & ~missing
        if unknown.any():
            counts = pd.Series(list(pd.Series(list(values), dtype=object)[unknown].map(str))).value_counts()
            listed = ", ".join(f"'{k}' ×{n}" for k, n in counts.head(10).items())
            raise DataLayerError(
                f"{what}: key '{column}': unknown one-way value(s) {listed}; allowed: yes/true/1/FT/Med "
                "(digitised direction only), -1/reverse/TF/Mot (against it), no/false/0/B/'Med och mot' "
                "(both ways), or empty; pass oneway_col=None to treat every road as two-way"
            )
        out[~missing] = mapped.to_numpy(dtype=object)[~missing]
    else:
        missing = np.ones(len(road_class), dtype=bool)
    out[missing & (road_class == "motorway")] = "forward"
    return out


def _build(
    *,
    node_id: np.ndarray,
    node_x: np.ndarray,
    node_y: np.ndarray,
    arc_u: np.ndarray,
    arc_v: np.ndarray,
    arc_length_m: np.ndarray,
    arc_geom: np.ndarray,
    arc_forward: np.ndarray,
    geometries: np.ndarray,
    raw_maxspeed: Any,
    raw_class: Any,
    raw_surface: Any,
    arc_attrs: pd.DataFrame,
    fallback_kph: Mapping[str, float] | None,
    max_kph: float,
) -> RoadNetwork:
    road_class = normalise_class(raw_class) if raw_class is not None else np.full(len(arc_u), "unknown", dtype=object)
    keep = road_class != "excluded"
    if not keep.all():
        log.info("left out %d non-drivable arc(s) (footway, path, cycleway, ...)", int((~keep).sum()))
    surface = (normalise_surface(raw_surface) if raw_surface is not None
               else np.full(len(arc_u), "unknown", dtype=object))
    raw_list = None if raw_maxspeed is None else pd.Series(list(raw_maxspeed), dtype=object)[keep].tolist()
    speed, source, report = assign_speeds(raw_list, road_class[keep], fallback_kph=fallback_kph, max_kph=max_kph)
    # re-index geometries to those still used
    used = np.unique(arc_geom[keep])
    remap = np.full(len(geometries), -1, dtype=np.int64)
    remap[used] = np.arange(len(used))
    bad_len = ~np.isfinite(arc_length_m[keep]) | (arc_length_m[keep] < 0)
    if bad_len.any():
        raise GeometryError(f"{int(bad_len.sum())} road edge(s) have a missing or negative length")
    return RoadNetwork(
        crs=WORKING_CRS,
        node_id=np.asarray(node_id),
        node_x=np.asarray(node_x, dtype=float),
        node_y=np.asarray(node_y, dtype=float),
        arc_u=np.asarray(arc_u[keep], dtype=np.int64),
        arc_v=np.asarray(arc_v[keep], dtype=np.int64),
        arc_length_m=np.asarray(arc_length_m[keep], dtype=float),
        arc_speed_kph=speed,
        arc_speed_source=source,
        arc_class=road_class[keep],
        arc_surface=surface[keep],
        arc_closed=np.zeros(int(keep.sum()), dtype=bool),
        arc_geom=remap[arc_geom[keep]],
        arc_forward=np.asarray(arc_forward[keep], dtype=bool),
        geometries=geometries[used],
        arc_attrs=arc_attrs.loc[keep].reset_index(drop=True),
        speed_report=report,
    )


def _unique_rows(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct rows of a two-column integer array: ``(rows, first index of each, inverse)``.

    As ``np.unique(keys, axis=0, return_index=True, return_inverse=True)`` (rows in lexicographic
    order, first occurrences), computed on one packed int64 per row with one stable argsort
    (several times faster on millions of rows).

    Examples
    --------
    >>> u, first, inv = _unique_rows(np.array([[2, 1], [0, 5], [2, 1], [0, -3]]))
    >>> u.tolist(), first.tolist(), inv.tolist()
    ([[0, -3], [0, 5], [2, 1]], [3, 1, 0], [2, 1, 2, 0])
    """
    if len(keys) == 0:
        return keys.reshape(0, 2), np.zeros(0, np.int64), np.zeros(0, np.int64)
    lo = keys.min(axis=0)
    span = keys.max(axis=0) - lo + 1
    if float(span[0]) * float(span[1]) >= 2.0**62:  # too wide to pack: numpy's row-wise unique
        rows, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
        return rows, first, inverse.ravel()
    packed = (keys[:, 0] - lo[0]) * span[1] + (keys[:, 1] - lo[1])
    order = np.argsort(packed, kind="stable")
    ordered = packed[order]
    new = np.ones(len(ordered), dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    inverse = np.empty(len(ordered), dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    first = order[new]
    return keys[first], first, inverse


def _split_at_shared_vertices(lines: np.ndarray, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """Split lines at vertices shared with another line (OSM-style junctions).

    Returns ``(segments, parent_line_index)``. Fully vectorised.
    """
    coords, line_idx = shapely.get_coordinates(lines, return_index=True)
    if len(coords) == 0:
        return np.empty(0, dtype=object), np.empty(0, dtype=np.int64)
    keys = np.round(coords / tolerance).astype(np.int64)
    _, _, vid = _unique_rows(keys)
    pairs, _, _ = _unique_rows(np.stack([vid, line_idx], axis=1))
    n_lines_at = np.bincount(pairs[:, 0], minlength=vid.max() + 1)
    first = np.ones(len(coords), dtype=bool)
    first[1:] = line_idx[1:] != line_idx[:-1]
    last = np.ones(len(coords), dtype=bool)
    last[:-1] = line_idx[1:] != line_idx[:-1]
    interior_split = (n_lines_at[vid] > 1) & ~first & ~last
    rep = 1 + interior_split.astype(np.int64)
    coords_r = np.repeat(coords, rep, axis=0)
    line_r = np.repeat(line_idx, rep)
    # a row starts a segment if it is a line's first coordinate or the 2nd copy of an interior split
    start = np.repeat(first, rep)
    second_copy = np.zeros(len(coords_r), dtype=bool)
    pos = np.cumsum(rep) - 1  # last copy of each original row
    second_copy[pos[interior_split]] = True
    start |= second_copy
    seg = np.cumsum(start) - 1
    segments = shapely.linestrings(coords_r, indices=seg)
    parent = line_r[start]
    return segments, parent


def graph_from_lines(
    lines: Any,
    *,
    class_col: str | None = "auto",
    speed_col: str | None = "auto",
    oneway_col: str | None = "auto",
    surface_col: str | None = "auto",
    split_at_shared_vertices: bool = True,
    node_tolerance_m: float = 0.5,
    fallback_kph: Mapping[str, float] | None = None,
    max_kph: float = 150.0,
    layer_name: str = "road layer",
) -> RoadNetwork:
    """Road network from a LineString layer (NVDB- or OSM-style attributes), EPSG:3006.

    Line ends closer than ``node_tolerance_m`` become one node. Edge lengths are
    the planar lengths of the geometries in EPSG:3006 (the one length definition
    of jokkgeo, also for OSM and networkx input). With
    ``split_at_shared_vertices`` lines are also split where they share a vertex
    with another line (OSM ways are joined that way; NVDB links already end at
    junctions, so splitting does nothing there).

    Parameters
    ----------
    lines
        GeoDataFrame of (Multi)LineStrings in EPSG:3006.
    class_col, speed_col, oneway_col, surface_col
        Attribute columns; ``"auto"`` looks for OSM/NVDB names (``highway``,
        ``funktionell_vagklass``; ``maxspeed``, ``hastighetsgrans``; ``oneway``,
        ``korriktning``; ``surface``, ``slitlager``); ``None`` means absent.
        One-way values (:data:`ONEWAY_VALUES`, any case): ``yes``/``true``/``1``/``FT``/``Med``
        (only in the digitised direction), ``-1``/``reverse``/``TF``/``Mot`` (only against it),
        ``no``/``false``/``0``/``B``/``Med och mot`` (both ways; ``B`` as in QGIS), empty (both
        ways; motorways one-way). Other values are refused with their counts.
    fallback_kph, max_kph
        Speed model options (see :func:`jokkgeo.network.speeds.assign_speeds`).
    layer_name
        Named in error messages.
    split_at_shared_vertices
        Also split lines where they share an inner vertex with another line.
    node_tolerance_m
        Line ends closer than this (m) become one node.

    Returns
    -------
    RoadNetwork

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> roads = gpd.GeoDataFrame({"highway": ["primary"], "maxspeed": ["70"]},
    ...     geometry=[shapely.LineString([(0, 0), (1000, 0)])], crs="EPSG:3006")
    >>> net = graph_from_lines(roads)
    >>> net.n_arcs, float(net.travel_time("signed_limits")[0]), float(net.travel_time("summer")[0])  # 70, 68 km/h
    (2, 51.42857142857143, 52.94117647058823)
    """
    check_working_crs(lines, layer_name)
    if len(lines) == 0:
        raise DataLayerError(f"{layer_name} has no features; a road network needs at least one line")
    gtypes = set(shapely.get_type_id(lines.geometry.values[~lines.geometry.isna().to_numpy()]).tolist())
    if not gtypes <= {1, 5}:
        raise GeometryError(f"{layer_name} must hold LineStrings; found geometry type ids {sorted(gtypes)}")
    present = lines[~lines.geometry.isna() & ~lines.geometry.is_empty]
    exploded = present.explode(index_parts=False).reset_index(drop=True)
    n_dropped = len(lines) - int((~lines.geometry.isna() & ~lines.geometry.is_empty).sum())
    if n_dropped:
        log.warning("%s: left out %d feature(s) with missing or empty geometry", layer_name, n_dropped)
    geoms = shapely.force_2d(exploded.geometry.values)
    if split_at_shared_vertices:
        segments, parent = _split_at_shared_vertices(np.asarray(geoms), node_tolerance_m)
    else:
        segments, parent = np.asarray(geoms), np.arange(len(exploded))
    lengths = shapely.length(segments)
    ok = lengths > 0
    if not ok.all():
        log.info("%s: left out %d zero-length segment(s)", layer_name, int((~ok).sum()))
    segments, parent, lengths = segments[ok], parent[ok], lengths[ok]
    cols = exploded.columns
    c_class = _pick(cols, class_col, CLASS_COLUMNS, "road class")
    c_speed = _pick(cols, speed_col, SPEED_COLUMNS, "speed limit")
    c_one = _pick(cols, oneway_col, ONEWAY_COLUMNS, "one-way")
    c_surf = _pick(cols, surface_col, SURFACE_COLUMNS, "surface")
    attrs = exploded.iloc[parent].reset_index(drop=True)
    raw_class = attrs[c_class].to_numpy(dtype=object) if c_class else None
    road_class = normalise_class(raw_class) if raw_class is not None else np.full(len(parent), "unknown", dtype=object)
    direction = _oneway(attrs[c_one].to_numpy(dtype=object) if c_one else None, road_class, what=layer_name,
                        column=str(c_one))

    ends = np.concatenate([shapely.get_coordinates(shapely.get_point(segments, 0)),
                           shapely.get_coordinates(shapely.get_point(segments, -1))])
    keys = np.round(ends / node_tolerance_m).astype(np.int64)
    _, first_idx, inverse = _unique_rows(keys)
    node_xy = ends[first_idx]
    n = len(segments)
    start_node, end_node = inverse[:n], inverse[n:]

    fwd = direction != "backward"
    bwd = direction != "forward"
    geom_index = np.arange(n)
    arc_geom = np.concatenate([geom_index[fwd], geom_index[bwd]])
    arc_forward = np.concatenate([np.ones(int(fwd.sum()), bool), np.zeros(int(bwd.sum()), bool)])
    arc_u = np.where(arc_forward, start_node[arc_geom], end_node[arc_geom])
    arc_v = np.where(arc_forward, end_node[arc_geom], start_node[arc_geom])
    keep_cols = [c for c in attrs.columns if c != attrs.geometry.name]
    arc_attrs = pd.DataFrame(attrs[keep_cols]).iloc[arc_geom].reset_index(drop=True)
    arc_attrs["oneway"] = direction[arc_geom] != "both"
    return _build(
        node_id=np.arange(len(node_xy), dtype=np.int64),
        node_x=node_xy[:, 0],
        node_y=node_xy[:, 1],
        arc_u=arc_u,
        arc_v=arc_v,
        arc_length_m=lengths[arc_geom],
        arc_geom=arc_geom,
        arc_forward=arc_forward,
        geometries=segments,
        raw_maxspeed=attrs[c_speed].to_numpy(dtype=object)[arc_geom] if c_speed else None,
        raw_class=raw_class[arc_geom] if raw_class is not None else None,
        raw_surface=attrs[c_surf].to_numpy(dtype=object)[arc_geom] if c_surf else None,
        arc_attrs=arc_attrs,
        fallback_kph=fallback_kph,
        max_kph=max_kph,
    )


def _pair_opposite_arcs(u: np.ndarray, v: np.ndarray, geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Let the two directions of a two-way road share one geometry.

    osmnx stores a two-way road as arcs ``u->v`` and ``v->u`` with reversed
    copies of one geometry. Pairing them (same end nodes, same geometric
    length to 1 cm) halves the sample points and lets a point on the road be
    reached through either end.
    """
    n = len(u)
    glen = np.round(shapely.length(geoms), 2)
    df = pd.DataFrame({"a": np.arange(n), "u": u, "v": v, "len": glen})
    fwd = df[df["u"] < df["v"]]
    bwd = df[df["u"] > df["v"]].rename(columns={"u": "v", "v": "u", "a": "b"})
    pairs = fwd.merge(bwd, on=["u", "v", "len"], how="inner")
    pairs = pairs.drop_duplicates("a").drop_duplicates("b")
    arc_geom = np.arange(n)
    arc_forward = np.ones(n, dtype=bool)
    arc_geom[pairs["b"].to_numpy()] = pairs["a"].to_numpy()
    arc_forward[pairs["b"].to_numpy()] = False
    return arc_geom, arc_forward


def _refuse_simplified(G: Any, maxspeed: list[Any]) -> None:
    """Refuse osmnx's simplified graphs: their list-valued tags lost which piece had which speed limit."""
    fix = ("build the graph unsimplified, e.g. ox.graph_from_place(..., simplify=False) or "
           "ox.graph_from_xml(path, simplify=False), or read the OSM file with jokkgeo.io.roadgraph.graph_from_osm")
    if G.graph.get("simplified"):
        raise DataLayerError(
            f"the networkx graph: key 'graph.simplified': osmnx's simplified graphs merge the speed limits of "
            f"joined road pieces into lists without their lengths, so travel times would be wrong; {fix}"
        )
    mixed = [m for m in maxspeed if isinstance(m, (list, tuple)) and len({str(x) for x in m}) > 1]
    if mixed:
        raise DataLayerError(
            f"the networkx graph: key 'maxspeed': {len(mixed)} edge(s) carry several speed limits "
            f"(e.g. {mixed[0]!r}) without the length of each; {fix}"
        )


def graph_from_networkx(
    G: Any,
    *,
    speeds: str = "model",
    fallback_kph: Mapping[str, float] | None = None,
    max_kph: float = 150.0,
) -> RoadNetwork:
    """Road network from an osmnx-style ``networkx.MultiDiGraph`` projected to EPSG:3006.

    Uses edge ``highway``, ``maxspeed``, ``surface`` and ``geometry`` (straight
    line between the nodes when absent), and node ``x``/``y``. Every component
    is kept. **Lengths** are the planar lengths of the geometries in EPSG:3006,
    as for line layers (:func:`graph_from_lines`); the graph's ``length``
    attribute (osmnx: great-circle metres on a sphere, 0.3–0.6 % shorter over
    Jokkmokk) is not used, so one road gives one travel time whatever the input
    format. osmnx's *simplified* graphs are refused (their list-valued speed
    limits cannot be weighted by length): build them with ``simplify=False``.

    Parameters
    ----------
    G
        ``networkx.MultiDiGraph`` with ``G.graph["crs"]`` equal to EPSG:3006.
    speeds
        ``"model"`` (default) re-derives speeds from ``maxspeed`` and the class
        fallbacks; ``"graph"`` takes the graph's ``speed_kph`` as the limit
        (still checked for plausibility; missing ones fall back by class).
    fallback_kph, max_kph
        Speed model options (see :func:`jokkgeo.network.speeds.assign_speeds`).

    Returns
    -------
    RoadNetwork

    Raises
    ------
    jokkgeo.errors.DataLayerError
        For a simplified osmnx graph (``G.graph["simplified"]``) or edges with
        several different speed limits.
    """
    if speeds not in ("model", "graph"):
        raise ValueError(f"speeds must be 'model' or 'graph', got {speeds!r}")
    _check_crs(G.graph.get("crs"), "the networkx graph")
    node_ids = list(G.nodes)
    index = {nid: i for i, nid in enumerate(node_ids)}
    xs = np.array([G.nodes[n]["x"] for n in node_ids], dtype=float)
    ys = np.array([G.nodes[n]["y"] for n in node_ids], dtype=float)
    us, vs, geoms, maxspeed, highway, surface = [], [], [], [], [], []
    extra: dict[str, list[Any]] = {c: [] for c in ATTR_COLUMNS}
    for u, v, k, d in G.edges(keys=True, data=True):
        us.append(index[u])
        vs.append(index[v])
        geoms.append(d.get("geometry"))
        maxspeed.append(d.get("speed_kph") if speeds == "graph" else d.get("maxspeed"))
        highway.append(d.get("highway"))
        surface.append(d.get("surface"))
        for c in ATTR_COLUMNS:
            extra[c].append(k if c == "key" else d.get(c))
    _refuse_simplified(G, maxspeed)
    arc_u = np.array(us, dtype=np.int64)
    arc_v = np.array(vs, dtype=np.int64)
    geom_arr = np.array(geoms, dtype=object)
    missing = np.array([g is None for g in geoms], dtype=bool)
    if missing.any():
        coords = np.stack([xs[arc_u[missing]], ys[arc_u[missing]], xs[arc_v[missing]], ys[arc_v[missing]]], axis=1)
        geom_arr[missing] = shapely.linestrings(coords.reshape(-1, 2, 2))
    geom_arr = shapely.force_2d(geom_arr.astype(object))
    # orient every geometry from u to v
    start = shapely.get_coordinates(shapely.get_point(geom_arr, 0))
    d_u = np.hypot(start[:, 0] - xs[arc_u], start[:, 1] - ys[arc_u])
    d_v = np.hypot(start[:, 0] - xs[arc_v], start[:, 1] - ys[arc_v])
    flip = d_v < d_u
    geom_arr[flip] = shapely.reverse(geom_arr[flip])
    length = shapely.length(geom_arr)  # planar EPSG:3006 metres: the one length definition
    arc_geom, arc_forward = _pair_opposite_arcs(arc_u, arc_v, geom_arr)
    return _build(
        node_id=np.array(node_ids),
        node_x=xs,
        node_y=ys,
        arc_u=arc_u,
        arc_v=arc_v,
        arc_length_m=length,
        arc_geom=arc_geom,
        arc_forward=arc_forward,
        geometries=geom_arr,
        raw_maxspeed=maxspeed,
        raw_class=np.array(highway + [None], dtype=object)[:-1],
        raw_surface=np.array(surface + [None], dtype=object)[:-1],
        arc_attrs=pd.DataFrame(extra),
        fallback_kph=fallback_kph,
        max_kph=max_kph,
    )


def add_lines(
    network: RoadNetwork,
    lines: Any,
    *,
    connect_m: float = 50.0,
    label: str = "new roads",
    **options: Any,
) -> RoadNetwork:
    """A copy of ``network`` with the roads in ``lines`` added (scenario: a new road).

    The new lines become a small network (:func:`graph_from_lines` with
    ``options``); each of its nodes within ``connect_m`` of an existing node is
    merged into that node, others become new nodes (ids ``-1, -2, …``). Existing
    edges are not split: end a new road at an existing junction or node.

    Parameters
    ----------
    network
        The network to extend (not modified).
    lines
        GeoDataFrame of the new roads (EPSG:3006), read as by :func:`graph_from_lines`.
    connect_m
        Largest distance (m) at which an end of a new road joins an existing node.
    label
        Recorded in ``arc_attrs["scenario"]`` and the network's edits.
    **options
        Passed to :func:`graph_from_lines`.
    """
    from scipy.spatial import cKDTree

    new = graph_from_lines(lines, layer_name=label, **options)
    tree = cKDTree(np.column_stack([network.node_x, network.node_y]))
    dist, nearest = tree.query(np.column_stack([new.node_x, new.node_y]), distance_upper_bound=connect_m)
    merged = np.isfinite(dist)
    n_old = network.n_nodes
    new_pos = np.where(merged, nearest, 0)
    fresh = np.flatnonzero(~merged)
    new_pos[fresh] = n_old + np.arange(len(fresh))
    if not merged.any():
        log.warning("%s: no end of the new roads lies within %.0f m of the network; they are not connected",
                    label, connect_m)
    new_ids = -(np.arange(len(fresh), dtype=np.int64) + 1)
    node_id = np.concatenate([network.node_id, new_ids]) if len(fresh) else network.node_id
    g0 = len(network.geometries)
    attrs = pd.concat([network.arc_attrs, new.arc_attrs.assign(scenario=label)], ignore_index=True)
    from jokkgeo.network.speeds import SpeedReport

    report = SpeedReport(
        n_edges=network.speed_report.n_edges + new.speed_report.n_edges,
        counts={k: network.speed_report.counts.get(k, 0) + new.speed_report.counts.get(k, 0)
                for k in set(network.speed_report.counts) | set(new.speed_report.counts)},
        invalid_values={**network.speed_report.invalid_values, **new.speed_report.invalid_values},
        max_kph=network.speed_report.max_kph,
    )
    return network._replace(
        f"{label}: {new.n_arcs} arcs, {int(merged.sum())} of {new.n_nodes} ends connected",
        node_id=node_id,
        node_x=np.concatenate([network.node_x, new.node_x[fresh]]),
        node_y=np.concatenate([network.node_y, new.node_y[fresh]]),
        arc_u=np.concatenate([network.arc_u, new_pos[new.arc_u]]),
        arc_v=np.concatenate([network.arc_v, new_pos[new.arc_v]]),
        arc_length_m=np.concatenate([network.arc_length_m, new.arc_length_m]),
        arc_speed_kph=np.concatenate([network.arc_speed_kph, new.arc_speed_kph]),
        arc_speed_source=np.concatenate([network.arc_speed_source, new.arc_speed_source]),
        arc_class=np.concatenate([network.arc_class, new.arc_class]),
        arc_surface=np.concatenate([network.arc_surface, new.arc_surface]),
        arc_closed=np.concatenate([network.arc_closed, new.arc_closed]),
        arc_geom=np.concatenate([network.arc_geom, new.arc_geom + g0]),
        arc_forward=np.concatenate([network.arc_forward, new.arc_forward]),
        geometries=np.concatenate([network.geometries, new.geometries]),
        arc_attrs=attrs,
        speed_report=report,
    )
