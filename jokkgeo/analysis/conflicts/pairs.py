"""The pair kernel: measures of every (development, sensitive) pair of one rule within its largest zone.

:func:`rule_pairs` is a pure array function over shapely geometries (EPSG:3006) and the unit of
work of both engines (:mod:`jokkgeo.analysis.conflicts.engines`). How pairs are classified without
per-pair intersections is described in :mod:`jokkgeo.analysis.conflicts`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np
import shapely

POLY = (3, 6)  # Polygon, MultiPolygon
LINE = (1, 2, 5)  # LineString, LinearRing, MultiLineString


def _measure(geoms: np.ndarray, is_poly: np.ndarray, is_line: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    area = np.zeros(len(geoms))
    length = np.zeros(len(geoms))
    if is_poly.any():
        area[is_poly] = shapely.area(geoms[is_poly])
    if is_line.any():
        length[is_line] = shapely.length(geoms[is_line])
    return area, length


def _first_points(geoms: np.ndarray) -> np.ndarray:
    """One point of each geometry (its first vertex; ``None`` for empty or missing geometries)."""
    coords = shapely.get_coordinates(geoms)
    n = shapely.get_num_coordinates(geoms)
    out = np.full(len(geoms), None, dtype=object)
    has = n > 0
    start = np.cumsum(n) - n
    out[has] = shapely.points(coords[start[has]])
    return out


def _pair_key(i: np.ndarray, j: np.ndarray, n_j: int) -> np.ndarray:
    return i.astype(np.int64) * max(n_j, 1) + j.astype(np.int64)


def _within_reach(dev: np.ndarray, sens: np.ndarray, zone_m: float) -> np.ndarray:
    """Whether each feature's bounding box meets a sensitive feature's bounding box grown by ``zone_m``.

    Features out of reach have no pair: their buffer (inscribed in the offset curve, so inside the
    grown box; a micrometre absorbs rounding) meets no sensitive feature. One bounding-box query.
    """
    b = shapely.bounds(sens)
    ok = ~np.isnan(b).any(axis=1)
    r = zone_m * (1 + 1e-9) + 1e-6
    grown = shapely.box(b[ok, 0] - r, b[ok, 1] - r, b[ok, 2] + r, b[ok, 3] + r)
    reach = np.zeros(len(dev), dtype=bool)
    reach[shapely.STRtree(grown).query(dev)[0]] = True  # row 0: positions in dev
    return reach


def _candidate_pairs(
    dev: np.ndarray, outer: np.ndarray, sens: np.ndarray, s_type: np.ndarray, boundary: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (dev position, sens position) whose outer buffer may meet the sensitive feature.

    ``outer`` is ``None`` for features out of reach (no pair). Returns ``i``, ``j`` (sorted by i,
    then j) and ``inside``: the buffer lies in the interior of the sensitive polygon, so its piece
    is the buffer itself. The other pairs must be intersected (some of them only touch or miss,
    giving an empty piece).

    Polygonal sensitive features are classified by two STR-tree queries with prepared
    predicates (each sensitive feature, or its boundary, is prepared once) and no per-pair
    intersection:

    * *cut*: the outer buffer meets the boundary of the sensitive polygon (``intersects``);
    * *probe*: the first vertex of the development feature lies in the sensitive polygon.

    A single-part buffer that does not meet the boundary is connected, so it lies wholly in
    the interior or wholly outside; it contains the probe vertex, so it lies inside exactly
    when the probe does. Multi-part buffers get the exact ``contains_properly`` test.
    Line, point and mixed sensitive features are queried with ``intersects``.
    """
    n_s = len(sens)
    tree_o = shapely.STRtree(outer)
    is_poly = np.isin(s_type, POLY)
    poly = np.flatnonzero(is_poly)
    other = np.flatnonzero(~is_poly & (s_type >= 0))
    found_i: list[np.ndarray] = []
    found_j: list[np.ndarray] = []
    found_in: list[np.ndarray] = []
    if len(poly):
        jc, ic = tree_o.query(boundary[poly], predicate="intersects")
        jc = poly[jc]
        cut_keys = _pair_key(ic, jc, n_s)
        single = shapely.get_type_id(outer) == 3
        probe = _first_points(dev)
        probe[~single] = None
        jt, it = shapely.STRtree(probe).query(sens[poly], predicate="intersects")
        jt = poly[jt]
        keep = ~np.isin(_pair_key(it, jt, n_s), cut_keys)
        found_i += [it[keep], ic]
        found_j += [jt[keep], jc]
        found_in += [np.ones(int(keep.sum()), dtype=bool), np.zeros(len(ic), dtype=bool)]
        multi = np.flatnonzero(~single & ~shapely.is_missing(outer))
        if len(multi):
            jm, im = shapely.STRtree(outer[multi]).query(sens[poly])
            im, jm = multi[im], poly[jm]
            keep = ~np.isin(_pair_key(im, jm, n_s), cut_keys)
            im, jm = im[keep], jm[keep]
            found_i.append(im)
            found_j.append(jm)
            found_in.append(shapely.contains_properly(sens[jm], outer[im]))
    if len(other):
        jo, io = tree_o.query(sens[other], predicate="intersects")
        found_i.append(io)
        found_j.append(other[jo])
        found_in.append(np.zeros(len(io), dtype=bool))
    if not found_i:
        return np.empty(0, "int64"), np.empty(0, "int64"), np.empty(0, dtype=bool)
    i = np.concatenate(found_i).astype("int64")
    j = np.concatenate(found_j).astype("int64")
    inside = np.concatenate(found_in)
    order = np.lexsort((j, i))
    return i[order], j[order], inside[order]


class _StepClock:
    """Adds the seconds (``time.perf_counter``) since the previous lap to ``steps[name]``; off when ``None``.

    Each thread task of the local engine fills its own dict, so no lock is needed.
    """

    def __init__(self, steps: dict[str, float] | None) -> None:
        self.steps = steps
        self.t = time.perf_counter()

    def lap(self, name: str) -> None:
        if self.steps is None:
            return
        now = time.perf_counter()
        self.steps[name] = self.steps.get(name, 0.0) + now - self.t
        self.t = now


def rule_pairs(
    dev: np.ndarray,
    sens: np.ndarray,
    zones_m: Sequence[float],
    *,
    quad_segs: int = 16,
    want_geometry: bool = True,
    steps: dict[str, float] | None = None,
) -> dict[str, np.ndarray]:
    """Measures of every (development, sensitive) pair within the largest zone.

    Pure array function (the unit of work of both engines).

    Parameters
    ----------
    dev, sens
        Arrays of shapely geometries (EPSG:3006).
    zones_m
        Ascending zone distances in metres.
    quad_segs
        Buffer segments per quarter circle.
    want_geometry
        Return the affected part of each sensitive feature (inside the outermost zone).
    steps
        Optional dict that collects the seconds of each step (buffer, classify, intersect, measure).

    Returns
    -------
    dict
        ``dev_pos``, ``sens_pos`` (positions into the inputs, sorted), ``distance_m``,
        ``area_m2`` and ``length_m`` of shape (n_pairs, K + 1) — cumulative measures
        inside the development feature itself (column 0) and inside each zone — and
        ``geometry`` when asked.

    Examples
    --------
    >>> import numpy as np
    >>> from shapely.geometry import Point, box
    >>> res = rule_pairs(np.array([Point(0, 0)]), np.array([box(-1000, -1000, 1000, 1000)]), [50, 100])
    >>> res["dev_pos"].tolist(), res["sens_pos"].tolist()
    ([0], [0])
    >>> [round(float(a)) for a in res["area_m2"][0]]  # itself, 64-gons of radius 50 and 100 m
    [0, 7841, 31365]
    """
    zones = [float(z) for z in zones_m]
    k = len(zones)
    dev = np.asarray(dev, dtype=object)
    sens = np.asarray(sens, dtype=object)
    empty = {
        "dev_pos": np.empty(0, "int64"),
        "sens_pos": np.empty(0, "int64"),
        "distance_m": np.empty(0),
        "area_m2": np.empty((0, k + 1)),
        "length_m": np.empty((0, k + 1)),
    }
    if want_geometry:
        empty["geometry"] = np.empty(0, dtype=object)
    if len(dev) == 0 or len(sens) == 0:
        return empty
    clock = _StepClock(steps)
    # buffer only the features within reach of a sensitive feature (most, or few in sparse layers)
    reach = _within_reach(dev, sens, zones[-1])
    outer = np.full(len(dev), None, dtype=object)
    outer[reach] = shapely.buffer(dev[reach], zones[-1], quad_segs=quad_segs)
    clock.lap("buffer")
    s_type = shapely.get_type_id(sens)
    s_poly = np.isin(s_type, POLY)
    boundary = np.full(len(sens), None, dtype=object)
    boundary[s_poly] = shapely.boundary(sens[s_poly])
    shapely.prepare(boundary)  # kept for the queries below and the inner-zone tests
    i, j, inside = _candidate_pairs(dev, outer, sens, s_type, boundary)
    clock.lap("classify")
    if len(i) == 0:
        return empty
    is_poly_s = s_poly[j]
    is_line_s = np.isin(s_type, LINE)[j]
    # buffer wholly inside a sensitive polygon: the piece is the buffer itself; intersect the rest
    piece = np.full(len(i), None, dtype=object)
    piece[inside] = outer[i[inside]]
    rest = np.flatnonzero(~inside)
    piece[rest] = shapely.intersection(outer[i[rest]], sens[j[rest]])
    clock.lap("intersect")
    a_out, l_out = _measure(piece, is_poly_s, is_line_s)
    is_point_s = ~(is_poly_s | is_line_s)
    keep = (a_out > 0) | (l_out > 0) | (is_point_s & ~(shapely.is_missing(piece) | shapely.is_empty(piece)))
    i, j, inside, piece = i[keep], j[keep], inside[keep], piece[keep]
    is_poly_s, is_line_s = is_poly_s[keep], is_line_s[keep]
    n = len(i)
    area = np.zeros((n, k + 1))
    length = np.zeros((n, k + 1))
    area[:, k], length[:, k] = a_out[keep], l_out[keep]
    # For pairs cut by the outer buffer B, everything inside B can be measured on the small piece
    # B ∩ S instead of the (large) sensitive feature S: inner ∩ S = inner ∩ piece for inner ⊂ B.
    # Pieces that are mixed collections fall back to S.
    ref = sens[j].copy()
    cutp = np.flatnonzero(~inside)
    p_type = shapely.get_type_id(piece[cutp])
    same_kind = np.where(is_poly_s[cutp], np.isin(p_type, POLY), np.isin(p_type, LINE))
    ref[cutp[same_kind]] = piece[cutp[same_kind]]
    distance = np.zeros(n)
    distance[cutp] = shapely.distance(dev[i[cutp]], ref[cutp])
    # the buffer polygon is inscribed in the true circle: a nearest point in the thin sliver between
    # them is not in the piece, so pairs this close to the radius get the exact distance to S
    edge = cutp[distance[cutp] > zones[-1] * math.cos(math.pi / (4 * quad_segs)) - 1e-9]
    distance[edge] = shapely.distance(dev[i[edge]], sens[j[edge]])
    # inner zones (cumulative), then the development feature itself (column 0)
    d_type = shapely.get_type_id(dev)
    for col in range(k - 1, -1, -1):
        if col == 0:
            is_poly_d = np.isin(d_type, POLY)[i]
            within = (distance <= 0.0) & is_poly_d
        else:
            within = distance <= zones[col - 1]
        idx_in = np.flatnonzero(within & inside)
        idx_cut = np.flatnonzero(within & ~inside)
        if len(idx_in) + len(idx_cut) == 0:
            continue
        if col == 0:
            inner = dev
        else:  # buffer only the features with a pair this close
            used = np.unique(i[np.flatnonzero(within)])
            inner = np.full(len(dev), None, dtype=object)
            inner[used] = shapely.buffer(dev[used], zones[col - 1], quad_segs=quad_segs)
        if len(idx_cut):
            # a single-part inner zone that meets the polygon (the feature itself does: distance 0)
            # but not its boundary lies wholly inside: its measure is its own area, no intersection
            g = inner[i[idx_cut]]
            whole = (is_poly_s[idx_cut] & (distance[idx_cut] <= 0.0) & (shapely.get_type_id(g) == 3))
            cand = np.flatnonzero(whole)
            whole[cand] = ~shapely.intersects(boundary[j[idx_cut[cand]]], g[cand])
            idx_in = np.concatenate([idx_in, idx_cut[whole]])  # disjoint sets; the order does not matter
            idx_cut = idx_cut[~whole]
        if len(idx_in):
            area[idx_in, col] = shapely.area(inner[i[idx_in]])
        if len(idx_cut):
            cut = shapely.intersection(inner[i[idx_cut]], ref[idx_cut])
            a, ln = _measure(cut, is_poly_s[idx_cut], is_line_s[idx_cut])
            area[idx_cut, col], length[idx_cut, col] = a, ln
    out = {"dev_pos": i, "sens_pos": j, "distance_m": distance, "area_m2": area, "length_m": length}
    if want_geometry:
        out["geometry"] = piece
    clock.lap("measure")
    return out

