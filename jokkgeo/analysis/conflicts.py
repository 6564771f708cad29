"""Land-use conflicts: development features against sensitive features, by rule.

For every rule of a :class:`~jokkgeo.config.rules.RuleSet` and every pair of a
development feature (mine, wind area, road, power line, housing area …) and a
sensitive feature (sameby, calving land, migration route, national park …)
within the rule's zone of influence, :func:`conflicts` reports the distance, the
overlap, the area (or, for line features, the length) of the sensitive feature
inside each distance band, an influence-weighted area, the severity and the
citation. All in EPSG:3006, metres and square metres.

Engine
------
Per rule the development features are buffered to each zone distance
(``shapely.buffer``, ``quad_segs`` segments per quarter circle, so buffer areas
are approximate: 0.16 % below a true circle at the default 16). Pairs are
classified by two STR-tree queries with prepared predicates, without any per-pair
intersection: the outer buffers that meet the *boundary* of a sensitive polygon
(cut pairs), and the first vertex of each development feature that lies in a
sensitive polygon. A (single-part) buffer that does not meet the boundary lies
wholly inside the polygon exactly when that vertex does, and its piece is the
buffer itself; multi-part buffers get the exact ``contains_properly`` test. Only
the cut pairs are intersected. This gives the same pieces as
``geopandas.overlay(how="intersection")`` of the buffers, faster (see
``bench/conflicts.py``). Inner zones, the overlap and the distance of the cut
pairs are measured on the small piece instead of the large sensitive feature
(every inner zone lies inside the outer buffer), and an inner zone that meets the
polygon but not its boundary takes its own area; distances within 0.12 % of the
radius, where the buffer polygon falls short of the circle, are recomputed
against the whole feature. A feature whose nearest point lies in that sliver and
that does not reach into the buffer polygon is not reported (as with any buffer
overlay).

The local engine runs in one process with ``n_jobs`` threads (default: every
available core). shapely 2 releases the GIL inside GEOS, so rule jobs with many
development features are split into spatially compact chunks (Hilbert order,
each with only the sensitive features within reach) and every chunk runs the
whole pipeline — buffer, queries, classification, intersections, measures — as
one thread task; small jobs are one task each. Prepared geometries are never
shared between threads: shapely 2.2 / GEOS 3.14 crashed (segfault) when two
threads used the same prepared geometries, e.g. in ``contains_properly``. Each
task prepares only the boundaries it computed itself, and input geometries that
arrive prepared are replaced by unprepared copies (:func:`_unprepared`).

``params["step_seconds"]`` of the result records where the time went: selecting features, then
(local engine, summed over its threads) buffer, classify (the STR-tree queries), intersect (the cut
pairs) and measure (distances, inner zones), the threads' elapsed time and the table assembly.
Buffer, classification and the cut-pair intersections are GEOS calls the method cannot skip; they
take most of a one-thread run (``bench/conflicts.py`` prints the split).

``engine="dask"`` splits the development features of each rule into partitions
(dask-geopandas) and runs the same per-partition function in worker
*processes* (the ``"processes"`` scheduler, or a distributed scheduler at
``scheduler`` address). Results are sorted by their keys, so every engine and
every ``n_jobs`` returns identical tables.

Distance bands
--------------
Zones ``zones_m = [z1, …, zK]`` give the bands ``overlap`` (inside a polygonal
development feature), ``(0, z1]``, ``(z1, z2]`` … ``(zK-1, zK]``. The measure of
band k is ``measure(S ∩ buffer(D, zk)) - measure(S ∩ buffer(D, zk-1))``. The
weighted area is the sum of band areas times the band's mean influence
(:func:`jokkgeo.analysis.decay.band_mean_influence`; the overlap band weighs 1) —
an approximation of the integral of the decay over the area.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from jokkgeo._progress import progress
from jokkgeo.analysis._common import (
    InputLayer,
    as_inputs,
    available_cores,
    caveats_for,
    feature_ids,
    feature_labels,
    select_mask,
)
from jokkgeo.config.rules import SEVERITY_RANK, ConflictRule, LayerSelector, RuleSet
from jokkgeo.analysis.decay import band_mean_influence, decay
from jokkgeo.io.configs import load_rules
from jokkgeo.catalogue import LayerSpec
from jokkgeo.errors import AnalysisError
from jokkgeo.settings import WORKING_CRS

log = logging.getLogger(__name__)

ENGINES: tuple[str, ...] = ("local", "dask")
KEY_COLUMNS: list[str] = ["rule_id", "dev_layer", "dev_id", "sens_layer", "sens_id"]
"""Columns that identify a conflict; stable between runs (used to diff baseline and scenario)."""

_MIN_CHUNK = 2000
"""Fewest development features per thread task of the local engine (rule jobs below twice this run whole)."""
_CHUNKS_PER_THREAD = 2
"""Thread tasks per thread and rule job (spatial chunks), so one slow chunk does not idle the others."""

_POLY = (3, 6)  # Polygon, MultiPolygon
_LINE = (1, 2, 5)  # LineString, LinearRing, MultiLineString


@dataclass
class ConflictResult:
    """Everything :func:`conflicts` computed, with the parameters and sources to report it.

    Attributes
    ----------
    table
        One row per conflict (keys :data:`KEY_COLUMNS`), EPSG:3006 measures in m / m²:
        ``distance_m``, ``influence`` (decay at the nearest point), ``overlap_area_m2``,
        ``zoi_area_m2`` (inside the outermost zone, overlap included), ``weighted_area_m2``,
        the same ``*_length_m`` for line features, ``sens_area_m2``, ``zoi_share``,
        ``severity``, ``severity_rank``, ``reference``, ``citation``, ``illustrative``.
    geometries
        ``table`` plus the affected part of each sensitive feature (inside the outermost zone).
    zones
        Long table: keys, ``band`` (``overlap`` or ``z1``…), ``zone_inner_m``, ``zone_outer_m``,
        ``area_m2``, ``length_m``, ``mean_influence``.
    summaries
        ``"sameby"``, ``"protected_area"``, ``"investment_site"``: area and share affected,
        worst severity and count of conflicts (see :func:`summarise`).
    crossings, crossing_counts
        From :func:`jokkgeo.analysis.crossings.crossings` when the rules define crossings.
    citations
        Reference key -> full citation, for every rule that produced a result.
    caveats
        Texts every output using this result must show (illustrative / reindeer data).
    params
        Engine, rules file, quad_segs, layers and id columns used, timings.
    """

    table: pd.DataFrame
    geometries: gpd.GeoDataFrame
    zones: pd.DataFrame
    summaries: dict[str, pd.DataFrame] = field(default_factory=dict)
    crossings: gpd.GeoDataFrame | None = None
    crossing_counts: pd.DataFrame | None = None
    citations: dict[str, str] = field(default_factory=dict)
    caveats: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)


# ----------------------------------------------------------------------------- engine
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


def _candidate_pairs(
    dev: np.ndarray, outer: np.ndarray, sens: np.ndarray, s_type: np.ndarray, boundary: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (dev position, sens position) whose outer buffer may meet the sensitive feature.

    Returns ``i``, ``j`` (sorted by i, then j) and ``inside``: the buffer lies in the
    interior of the sensitive polygon, so its piece is the buffer itself. The other pairs
    must be intersected (some of them only touch or miss, giving an empty piece).

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
    is_poly = np.isin(s_type, _POLY)
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
    outer = shapely.buffer(dev, zones[-1], quad_segs=quad_segs)
    clock.lap("buffer")
    s_type = shapely.get_type_id(sens)
    s_poly = np.isin(s_type, _POLY)
    boundary = np.full(len(sens), None, dtype=object)
    boundary[s_poly] = shapely.boundary(sens[s_poly])
    shapely.prepare(boundary)  # kept for the queries below and the inner-zone tests
    i, j, inside = _candidate_pairs(dev, outer, sens, s_type, boundary)
    clock.lap("classify")
    if len(i) == 0:
        return empty
    is_poly_s = s_poly[j]
    is_line_s = np.isin(s_type, _LINE)[j]
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
    same_kind = np.where(is_poly_s[cutp], np.isin(p_type, _POLY), np.isin(p_type, _LINE))
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
            is_poly_d = np.isin(d_type, _POLY)[i]
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


def _rule_partition(
    dev: gpd.GeoDataFrame, sens: gpd.GeoDataFrame, zones_m: tuple[float, ...], quad_segs: int, want_geometry: bool,
    steps: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Unit of work of both engines: one rule, a partition of development features.

    ``dev`` and ``sens`` carry ``_row`` columns (row positions in their input layers); returns
    one row per pair (``dev_row``, ``sens_row``) with the raw cumulative measures (columns
    ``a0…aK``, ``l0…lK``). ``steps`` (optional) collects the seconds per step.
    """
    try:
        res = rule_pairs(dev.geometry.values, sens.geometry.values, zones_m, quad_segs=quad_segs,
                          want_geometry=want_geometry, steps=steps)
    except shapely.errors.GEOSException as exc:
        raise AnalysisError(
            f"geometry error in the overlay ({exc}); repair the input geometries, e.g. "
            "gdf.geometry = shapely.make_valid(gdf.geometry.values), or load layers with "
            "jokkgeo.io.vector.read_layer (which repairs and counts them)"
        ) from None
    k = len(zones_m)
    cols: dict[str, Any] = {
        "dev_row": dev["_row"].to_numpy()[res["dev_pos"]],
        "sens_row": sens["_row"].to_numpy()[res["sens_pos"]],
        "distance_m": res["distance_m"],
    }
    for c in range(k + 1):
        cols[f"a{c}"] = res["area_m2"][:, c]
        cols[f"l{c}"] = res["length_m"][:, c]
    if want_geometry:
        cols["geometry"] = res["geometry"]
    return pd.DataFrame(cols)


@dataclass(frozen=True)
class _Job:
    rule: ConflictRule
    dev_layer: str
    sens_layer: str
    dev: gpd.GeoDataFrame
    sens: gpd.GeoDataFrame


def _unprepared(geoms: np.ndarray) -> np.ndarray:
    """``geoms`` with every *prepared* geometry replaced by an unprepared copy (exact, via WKB).

    Threads of the local engine share the input geometries. GEOS prepared geometries build their
    indexes lazily and are not safe to use from two threads at once (shapely 2.2 / GEOS 3.14 crashed),
    so the engine never shares a prepared geometry: it prepares only geometries each task creates
    itself, and inputs that arrive prepared (``shapely.prepare`` by the caller) are copied here.
    """
    prepared = shapely.is_prepared(geoms)
    if not prepared.any():
        return geoms
    out = geoms.copy()
    out[prepared] = shapely.from_wkb(shapely.to_wkb(geoms[prepared], output_dimension=3))
    return out


def _prepare_layer(layer: InputLayer, selector: LayerSelector) -> gpd.GeoDataFrame:
    geoms = layer.gdf.geometry
    mask = select_mask(layer, selector.where) & (geoms.notna() & ~geoms.is_empty).to_numpy()
    values = _unprepared(np.asarray(geoms.values[mask], dtype=object))
    return gpd.GeoDataFrame({"_row": np.flatnonzero(mask)}, geometry=values, crs=layer.gdf.crs)


def _jobs(inputs: Mapping[str, InputLayer], rules: RuleSet) -> tuple[list[_Job], list[str]]:
    themes = {lid: (lay.theme or "") for lid, lay in inputs.items()}
    jobs: list[_Job] = []
    empty_rules: list[str] = []
    cache: dict[tuple[str, str], gpd.GeoDataFrame] = {}

    def prepared(lid: str, sel: LayerSelector) -> gpd.GeoDataFrame:
        key = (lid, repr(sorted(sel.where.items())))
        if key not in cache:
            cache[key] = _prepare_layer(inputs[lid], sel)
        return cache[key]

    for rule in rules.rules:
        n = 0
        for dl in rule.development.layer_ids(themes):
            dev = prepared(dl, rule.development)
            if dev.empty:
                continue
            for sl in rule.sensitive.layer_ids(themes):
                if sl == dl:
                    continue
                sens = prepared(sl, rule.sensitive)
                if sens.empty:
                    continue
                jobs.append(_Job(rule, dl, sl, dev, sens))
                n += 1
        if n == 0:
            empty_rules.append(rule.id)
            log.info("rule %s: no development or sensitive features in the given layers", rule.id)
    return jobs, empty_rules


def _spatial_chunks(job: _Job, n_parts: int) -> Iterator[tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]]:
    """Split a job's development features into ``n_parts`` spatially compact chunks (Hilbert order).

    Each chunk comes with only the sensitive features within reach: those whose bounding box meets
    the chunk's bounding box grown by the rule's radius (every outer buffer lies in it). Chunks are
    yielded one by one, so the first thread task can start while the next chunk is cut.
    """
    dev = job.dev
    order = np.argsort(dev.geometry.hilbert_distance().to_numpy(), kind="stable")
    bounds = dev.geometry.bounds.to_numpy()  # minx, miny, maxx, maxy per feature (never empty here)
    tree = shapely.STRtree(job.sens.geometry.values)
    r = job.rule.radius_m
    for part in np.array_split(order, n_parts):
        b = bounds[part]
        minx, miny = np.nanmin(b[:, 0]), np.nanmin(b[:, 1])
        maxx, maxy = np.nanmax(b[:, 2]), np.nanmax(b[:, 3])
        near = np.sort(tree.query(shapely.box(minx - r, miny - r, maxx + r, maxy + r)))
        yield dev.iloc[part], job.sens.iloc[near]


def _run_local(jobs: list[_Job], quad_segs: int, want_geometry: bool, n_jobs: int = 1,
               meanwhile: Callable[[], None] | None = None, steps: dict[str, float] | None = None
               ) -> list[pd.DataFrame]:
    """Run every job in this process; ``n_jobs`` threads share the work when above 1.

    With threads, each job with at least ``2 * _MIN_CHUNK`` development features is split into
    spatial chunks (:func:`_spatial_chunks`) and every chunk runs the whole pipeline (buffer, queries,
    classification, intersections, measures) in one thread task; smaller jobs are one task each, so
    separate rules also run side by side. shapely 2 releases the GIL inside GEOS. Each task prepares
    only geometries it created (its sensitive boundaries); shared inputs are never prepared (see
    :func:`_unprepared`). Pairs and their measures do not depend on the chunking, and
    :func:`_assemble` orders rows by their ids, so results equal the single-threaded run.
    ``meanwhile`` runs in the calling thread while the tasks run (threaded path only). ``steps``
    collects the seconds per step (buffer, classify, intersect, measure), summed over the tasks.
    """
    if n_jobs <= 1:
        out = []
        for job in progress(jobs, total=len(jobs), desc="conflicts"):
            out.append(_rule_partition(job.dev, job.sens, job.rule.zones_m, quad_segs, want_geometry, steps))
        return out
    task_steps: list[dict[str, float]] = []  # one dict per task: no two threads write the same dict
    with ThreadPoolExecutor(max_workers=n_jobs, thread_name_prefix="jokkgeo-conflicts") as pool:
        futures: list[list[Future]] = []
        try:
            for job in jobs:
                n_parts = int(min(n_jobs * _CHUNKS_PER_THREAD, len(job.dev) // _MIN_CHUNK))
                chunks = _spatial_chunks(job, n_parts) if n_parts > 1 else [(job.dev, job.sens)]
                parts = []
                for dev, sens in chunks:
                    task_steps.append({})
                    parts.append(pool.submit(_rule_partition, dev, sens, job.rule.zones_m, quad_segs, want_geometry,
                                             task_steps[-1]))
                futures.append(parts)
            if meanwhile is not None:
                meanwhile()
            out = []
            for parts in progress(futures, total=len(futures), desc="conflicts"):
                results = [f.result() for f in parts]
                out.append(results[0] if len(results) == 1 else pd.concat(results, ignore_index=True))
            if steps is not None:
                for d in task_steps:
                    for name, sec in d.items():
                        steps[name] = steps.get(name, 0.0) + sec
            return out
        except BaseException:
            for f in (f for parts in futures for f in parts):
                f.cancel()
            raise


def _run_dask(
    jobs: list[_Job], quad_segs: int, want_geometry: bool, *, scheduler: str | None, n_workers: int,
    partition_size: int,
) -> list[pd.DataFrame]:
    import dask
    import dask_geopandas

    tasks: list[list[Any]] = []
    for job in jobs:
        n = len(job.dev)
        nparts = int(min(n, max(n_workers, np.ceil(n / partition_size))))
        dev = job.dev
        if nparts > 1:  # spatially compact partitions (Hilbert order), so each needs few sensitive features
            order = np.argsort(dev.geometry.hilbert_distance().to_numpy(), kind="stable")
            dev = dev.iloc[order]
        dev = dev.reset_index(drop=True)
        ddf = dask_geopandas.from_geopandas(dev, npartitions=nparts)
        divisions = ddf.divisions
        tree = shapely.STRtree(job.sens.geometry.values)
        parts = []
        for k, part in enumerate(ddf.to_delayed()):
            lo, hi = int(divisions[k]), int(divisions[k + 1])
            rows = dev.iloc[lo:hi + 1] if k == len(divisions) - 2 else dev.iloc[lo:hi]
            minx, miny, maxx, maxy = rows.total_bounds
            r = job.rule.radius_m
            near = np.sort(tree.query(shapely.box(minx - r, miny - r, maxx + r, maxy + r)))
            parts.append(dask.delayed(_rule_partition)(part, job.sens.iloc[near], job.rule.zones_m, quad_segs,
                                                       want_geometry))
        tasks.append(parts)
    flat = [t for parts in tasks for t in parts]
    if scheduler:
        from distributed import Client

        with Client(scheduler) as client:
            results = client.compute(flat, sync=True)
    else:
        results = dask.compute(*flat, scheduler="processes", num_workers=n_workers)
    out: list[pd.DataFrame] = []
    pos = 0
    for parts in tasks:
        chunk = list(results[pos:pos + len(parts)])
        pos += len(parts)
        out.append(pd.concat(chunk, ignore_index=True) if chunk else pd.DataFrame())
    return out


@dataclass(frozen=True)
class _LayerLookup:
    """Per-layer arrays indexed by row position: ids, labels, measures and the string order of the ids."""

    ids: np.ndarray
    labels: np.ndarray
    area: np.ndarray
    length: np.ndarray
    rank: np.ndarray
    id_column: str
    ids_text: pd.api.extensions.ExtensionArray  # ids and labels as pandas text arrays: tables take rows
    labels_text: pd.api.extensions.ExtensionArray  # from them without converting Python strings


def _lookup(gdf: gpd.GeoDataFrame) -> _LayerLookup:
    ids, id_column = feature_ids(gdf)
    ids_a = ids.to_numpy(dtype=object)
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    is_line = np.isin(shapely.get_type_id(geoms), _LINE)
    area = shapely.area(geoms)
    length = np.zeros(len(geoms))
    length[is_line] = shapely.length(geoms[is_line])  # only lines have a length measure
    rank = np.empty(len(ids_a), dtype=np.int64)
    rank[np.argsort(ids_a.astype(str), kind="stable")] = np.arange(len(ids_a))
    labels = feature_labels(gdf, ids)
    return _LayerLookup(ids=ids_a, labels=labels.to_numpy(dtype=object), area=area, length=length, rank=rank,
                        id_column=id_column, ids_text=pd.array(ids, dtype="str"),
                        labels_text=pd.array(labels, dtype="str"))


ZONE_COLUMNS: list[str] = [*KEY_COLUMNS, "band", "zone_inner_m", "zone_outer_m", "area_m2", "length_m",
                           "mean_influence"]


def _assemble(job: _Job, raw: pd.DataFrame, inputs: Mapping[str, InputLayer], want_geometry: bool,
              lookups: dict[str, _LayerLookup]) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray]:
    """Conflict table and zone table of one job, and the string order (rank) of its dev and sens ids."""
    rule = job.rule
    k = len(rule.zones_m)
    for lid in (job.dev_layer, job.sens_layer):
        if lid not in lookups:
            lookups[lid] = _lookup(inputs[lid].gdf)
    dl, sl = lookups[job.dev_layer], lookups[job.sens_layer]
    n = len(raw)
    dev_row = raw["dev_row"].to_numpy(dtype=np.int64) if n else np.zeros(0, np.int64)
    sens_row = raw["sens_row"].to_numpy(dtype=np.int64) if n else np.zeros(0, np.int64)
    # rows in the string order of (dev_id, sens_id), so one job's table needs no re-sorting (pairs are unique)
    order = np.argsort(dl.rank[dev_row] * max(len(sl.rank), 1) + sl.rank[sens_row], kind="stable")
    dev_row, sens_row = dev_row[order], sens_row[order]
    a = raw[[f"a{c}" for c in range(k + 1)]].to_numpy()[order] if n else np.zeros((0, k + 1))
    ln = raw[[f"l{c}" for c in range(k + 1)]].to_numpy()[order] if n else np.zeros((0, k + 1))
    bands_a = np.diff(a, axis=1, prepend=0.0)  # overlap, (0,z1], (z1,z2] …
    bands_l = np.diff(ln, axis=1, prepend=0.0)
    limits = (0.0, 0.0, *rule.zones_m)
    weights = np.array(
        [1.0] + [band_mean_influence(limits[c], limits[c + 1], shape=rule.decay, radius_m=rule.radius_m)
                 for c in range(1, k + 1)]
    )
    dev_spec, sens_spec = inputs[job.dev_layer].spec, inputs[job.sens_layer].spec
    dist = raw["distance_m"].to_numpy()[order] if n else np.zeros(0)
    if n:  # text columns taken from the layers' text arrays (no object conversion)
        dev_id, sens_id = dl.ids_text.take(dev_row), sl.ids_text.take(sens_row)
        dev_label, sens_label = dl.labels_text.take(dev_row), sl.labels_text.take(sens_row)
    else:
        dev_id, sens_id, dev_label, sens_label = dl.ids[dev_row], sl.ids[sens_row], dl.labels[dev_row], \
            sl.labels[sens_row]
    table = pd.DataFrame(
        {
            "rule_id": rule.id,
            "dev_layer": job.dev_layer,
            "dev_id": dev_id,
            "sens_layer": job.sens_layer,
            "sens_id": sens_id,
            "dev_label": dev_label,
            "sens_label": sens_label,
            "dev_theme": inputs[job.dev_layer].theme,
            "sens_theme": inputs[job.sens_layer].theme,
            "distance_m": dist,
            "influence": decay(dist, shape=rule.decay, radius_m=rule.radius_m),
            "overlap_area_m2": a[:, 0],
            "zoi_area_m2": a[:, k],
            "weighted_area_m2": bands_a @ weights,
            "overlap_length_m": ln[:, 0],
            "zoi_length_m": ln[:, k],
            "weighted_length_m": bands_l @ weights,
            "severity": rule.severity,
            "severity_rank": SEVERITY_RANK[rule.severity],
            "decay": rule.decay,
            "zoi_radius_m": rule.radius_m,
            "reference": rule.reference,
            "citation": rule.citation,
            "illustrative": bool((dev_spec is not None and dev_spec.illustrative)
                                 or (sens_spec is not None and sens_spec.illustrative)),
            "sens_area_m2": sl.area[sens_row],
            "sens_length_m": sl.length[sens_row],
        }
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(table["sens_area_m2"] > 0, table["zoi_area_m2"] / table["sens_area_m2"],
                         np.where(table["sens_length_m"] > 0, table["zoi_length_m"] / table["sens_length_m"], np.nan))
    table["zoi_share"] = share
    if want_geometry:
        table["geometry"] = raw["geometry"].to_numpy()[order] if n else np.empty(0, object)
    # zone bands (long): K + 1 rows per conflict, in band order
    names = np.array(["overlap"] + [f"z{c}" for c in range(1, k + 1)], dtype=object)
    rep = np.repeat(np.arange(n), k + 1)
    if n:
        zones = pd.DataFrame({"rule_id": rule.id, "dev_layer": job.dev_layer, "dev_id": dev_id.take(rep),
                              "sens_layer": job.sens_layer, "sens_id": sens_id.take(rep)})
        zones["band"] = pd.array(names, dtype="str").take(np.tile(np.arange(k + 1), n))
    else:
        zones = pd.DataFrame({col: table[col].take(rep).reset_index(drop=True) for col in KEY_COLUMNS})
        zones["band"] = pd.Series(np.tile(names, n), dtype="str")
    zones["zone_inner_m"] = np.tile(np.asarray(limits[:-1], dtype=float), n)
    zones["zone_outer_m"] = np.tile(np.asarray(limits[1:], dtype=float), n)
    zones["area_m2"] = bands_a.reshape(-1)
    zones["length_m"] = bands_l.reshape(-1)
    zones["mean_influence"] = np.tile(weights, n)
    return table, zones, dl.rank[dev_row], sl.rank[sens_row]


def conflicts(
    layers: Mapping[str, Any],
    *,
    rules: RuleSet | None = None,
    specs: Mapping[str, LayerSpec] | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    n_workers: int = 2,
    partition_size: int = 5000,
    n_jobs: int | None = None,
    quad_segs: int = 16,
    want_geometry: bool = True,
    with_crossings: bool = True,
    with_summaries: bool = True,
    sameby_layer: str = "reindeer_samebyar",
    sameby_field: str = "sameby",
    language: str = "sv",
) -> ConflictResult:
    """Land-use conflicts between development and sensitive layers under ``rules``.

    Parameters
    ----------
    layers
        Layer id -> GeoDataFrame or :class:`jokkgeo.io.vector.LoadedLayer`, in EPSG:3006.
        Themes come from the layers' specs (LoadedLayer.spec or ``specs``).
    rules
        Validated rules (default: the packaged :func:`~jokkgeo.io.configs.load_rules`).
    specs
        Layer specs for layers given as bare GeoDataFrames (e.g. a :class:`~jokkgeo.catalogue.Catalogue`).
    engine
        ``"local"`` (one process, ``n_jobs`` threads) or ``"dask"`` (dask-geopandas partitions in
        worker processes).
    scheduler
        Address of a running dask distributed scheduler (``"tcp://host:8786"``); default: a local
        process pool of ``n_workers``.
    n_workers
        Worker processes for ``engine="dask"`` without ``scheduler``.
    partition_size
        Development features per dask partition (at least ``n_workers`` partitions per rule). Partitions
        follow the Hilbert curve, and each carries only the sensitive features within reach.
    n_jobs
        Threads of the local engine (default ``None``: every core this process may use, see
        :func:`jokkgeo.analysis._common.available_cores`; 1 runs single-threaded). Large rule jobs are
        split into spatial chunks of development features; the result is identical for every value.
    quad_segs
        Buffer segments per quarter circle (buffer areas are approximate).
    want_geometry
        Keep the affected geometries (``geometries``); off saves memory for big runs.
    with_crossings, with_summaries
        Also compute migration-route crossings (if the rules define them) and summaries.
    sameby_layer, sameby_field
        The layer of sameby polygons and the field naming the sameby (for the sameby summary).
    language
        ``"sv"`` or ``"en"`` for caveats.

    Returns
    -------
    ConflictResult

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point, box
    >>> from jokkgeo.config.rules import parse_rules
    >>> rules = parse_rules({"references": {"ref": "A study"}, "rules": [{"id": "r",
    ...     "development": {"layer": "dev"}, "sensitive": {"layer": "sens"}, "zones_m": [100],
    ...     "decay": "step", "severity": "major", "reference": "ref"}]})
    >>> dev = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs="EPSG:3006")
    >>> sens = gpd.GeoDataFrame(geometry=[box(-1000, -1000, 1000, 1000)], crs="EPSG:3006")
    >>> res = conflicts({"dev": dev, "sens": sens}, rules=rules)
    >>> round(float(res.table["zoi_area_m2"].iloc[0]))  # 64-gon of radius 100 m
    31365
    """
    if engine not in ENGINES:
        raise AnalysisError(f"engine '{engine}' is not one of: {', '.join(ENGINES)}")
    if quad_segs < 1:
        raise AnalysisError(f"quad_segs must be a positive integer, got {quad_segs}")
    if n_workers < 1:
        raise AnalysisError(f"n_workers must be at least 1, got {n_workers}")
    if n_jobs is None:
        n_jobs = available_cores()
    elif isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or n_jobs < 1:
        raise AnalysisError(f"n_jobs must be a positive integer (threads of the local engine) or None for all "
                            f"cores, got {n_jobs!r}")
    n_jobs = int(n_jobs)
    rules = rules if rules is not None else load_rules()
    inputs = as_inputs(layers, specs)
    t0 = time.perf_counter()
    jobs, empty_rules = _jobs(inputs, rules)
    lookups: dict[str, _LayerLookup] = {}

    def fill_lookups() -> None:  # ids and labels of the layers, while the threads overlay
        for lid in sorted({j.dev_layer for j in jobs} | {j.sens_layer for j in jobs}):
            lookups[lid] = _lookup(inputs[lid].gdf)

    steps: dict[str, float] = {"prepare": time.perf_counter() - t0}
    t1 = time.perf_counter()
    if engine == "local":
        raws = _run_local(jobs, quad_segs, want_geometry, n_jobs, meanwhile=fill_lookups, steps=steps)
    else:
        raws = _run_dask(jobs, quad_segs, want_geometry, scheduler=scheduler, n_workers=n_workers,
                         partition_size=partition_size)
    steps["overlay_wall"] = time.perf_counter() - t1
    t_overlay = time.perf_counter() - t0
    t2 = time.perf_counter()
    tables, zones, dev_rank, sens_rank = [], [], [], []
    for job, raw in zip(jobs, raws):
        t, z, dr, sr = _assemble(job, raw, inputs, want_geometry, lookups)
        tables.append(t)
        zones.append(z)
        dev_rank.append(dr)
        sens_rank.append(sr)
    if len(tables) == 1:  # one job's rows are already in the order of its (dev_id, sens_id)
        table, zone_table = tables[0], zones[0]
    elif tables:
        table = pd.concat(tables, ignore_index=True)
        zone_table = pd.concat(zones, ignore_index=True)
        # sort by KEY_COLUMNS on integer ranks: ids are compared only within one layer
        n_rows = np.array([len(t) for t in tables])
        code = {}
        for attr in ("rule", "dev_layer", "sens_layer"):
            names = [j.rule.id if attr == "rule" else getattr(j, attr) for j in jobs]
            rank = {v: r for r, v in enumerate(sorted(set(names)))}
            code[attr] = np.repeat([rank[v] for v in names], n_rows)
        order = np.lexsort((np.concatenate(sens_rank), code["sens_layer"], np.concatenate(dev_rank),
                            code["dev_layer"], code["rule"]))
        if not np.array_equal(order, np.arange(len(order))):
            table = table.take(order).reset_index(drop=True)
            zone_table = _move_zone_rows(zone_table, order, jobs, n_rows)
    else:
        table, zone_table = _assemble_empty(want_geometry), _zones_empty()
    if want_geometry:
        geoms = gpd.GeoDataFrame(table, geometry="geometry", crs=WORKING_CRS)
        table = pd.DataFrame(table.drop(columns="geometry"))
    else:
        geoms = gpd.GeoDataFrame(table.copy(), geometry=gpd.GeoSeries([], crs=WORKING_CRS).reindex(table.index),
                                 crs=WORKING_CRS)
    used_rules = table["rule_id"].unique().tolist() if len(table) else []
    citations = {r.reference: r.citation for r in rules.rules if r.id in used_rules}
    used_layers = sorted({j.dev_layer for j in jobs} | {j.sens_layer for j in jobs})
    steps["tables"] = time.perf_counter() - t2
    result = ConflictResult(
        table=table,
        geometries=geoms,
        zones=zone_table,
        citations=citations,
        params={
            "engine": engine,
            "scheduler": scheduler,
            "n_workers": n_workers if engine == "dask" else 1,
            "n_jobs": n_jobs if engine == "local" else 1,
            "rules_path": str(rules.path) if rules.path else None,
            "quad_segs": quad_segs,
            "rules": [r.id for r in rules.rules],
            "rules_without_features": empty_rules,
            "layers": used_layers,
            "id_columns": {lid: lookups[lid].id_column if lid in lookups else feature_ids(inputs[lid].gdf)[1]
                           for lid in used_layers},
            "crs": WORKING_CRS,
            "overlay_seconds": round(t_overlay, 3),
            # seconds per step: prepare (select features), buffer, classify (STR-tree queries), intersect
            # (cut pairs), measure (distances, inner zones) summed over the threads (local engine only);
            # overlay_wall (the threads' elapsed time) and tables (ids, labels, conflict and zone tables)
            "step_seconds": {k: round(v, 3) for k, v in steps.items()},
        },
    )
    if with_crossings and rules.crossings is not None:
        from jokkgeo.analysis.crossings import crossings_for_rules

        cr = crossings_for_rules(inputs, rules, language=language)
        if cr is not None:
            result.crossings, result.crossing_counts = cr.points, cr.counts
            if len(cr.points):
                result.citations[rules.crossings.reference] = rules.crossings.citation
            used_layers = sorted(set(used_layers) | set(cr.layers))
    if with_summaries and len(table):
        result.summaries = summarise(result, inputs, sameby_layer=sameby_layer, sameby_field=sameby_field)
    result.caveats = caveats_for(inputs, used_layers, language) + rules.caveat_texts(language)
    log.info("conflicts: %d pairs from %d rules (%s engine, %d thread(s), %.2f s)", len(table), len(used_rules),
             engine, n_jobs if engine == "local" else 1, t_overlay)
    return result


def _move_zone_rows(zone_table: pd.DataFrame, order: np.ndarray, jobs: list[_Job], n_rows: np.ndarray
                    ) -> pd.DataFrame:
    """Reorder the zone table like the conflict table (``order``); each conflict has K + 1 zone rows."""
    per_row = np.repeat([len(j.rule.zones_m) + 1 for j in jobs], n_rows)
    start = np.cumsum(per_row) - per_row
    counts = per_row[order]
    first = np.repeat(start[order], counts)
    offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return zone_table.take(first + offset).reset_index(drop=True)


def _zones_empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=float if c.endswith("_m") or c.endswith("_m2") or c == "mean_influence"
                                      else object) for c in ZONE_COLUMNS})


def _assemble_empty(want_geometry: bool) -> pd.DataFrame:
    cols = [*KEY_COLUMNS, "dev_label", "sens_label", "dev_theme", "sens_theme", "distance_m", "influence",
            "overlap_area_m2", "zoi_area_m2", "weighted_area_m2", "overlap_length_m", "zoi_length_m",
            "weighted_length_m", "severity", "severity_rank", "decay", "zoi_radius_m", "reference", "citation",
            "illustrative", "sens_area_m2", "sens_length_m", "zoi_share"]
    if want_geometry:
        cols.append("geometry")
    return pd.DataFrame(columns=cols)


# ----------------------------------------------------------------------------- summaries
def _union_area(geoms: np.ndarray) -> float:
    polys = geoms[np.isin(shapely.get_type_id(geoms), _POLY)]
    if len(polys) == 0:
        return 0.0
    return float(shapely.area(shapely.union_all(polys)))


def _group_summary(g: gpd.GeoDataFrame, have_geometry: bool) -> dict[str, Any]:
    worst = int(g["severity_rank"].max())
    row: dict[str, Any] = {
        "n_conflicts": int(len(g)),
        "worst_severity": {v: k for k, v in SEVERITY_RANK.items()}[worst],
        "worst_severity_rank": worst,
        "rules": ", ".join(sorted(g["rule_id"].unique())),
        "references": ", ".join(sorted(g["reference"].unique())),
    }
    if have_geometry:
        geoms = g.geometry.to_numpy()
        row["affected_area_m2"] = _union_area(geoms)
        row["affected_area_major_m2"] = _union_area(geoms[(g["severity"] == "major").to_numpy()])
    return row


def summarise(
    result: ConflictResult,
    layers: Mapping[str, Any],
    *,
    sameby_layer: str = "reindeer_samebyar",
    sameby_field: str = "sameby",
) -> dict[str, pd.DataFrame]:
    """Summaries per sameby, per protected area and per investment site.

    ``affected_area_m2`` is the area of the *union* of the affected pieces (zones of
    several developments overlap; they are not double counted). Shares divide it by the
    feature's area. ``worst_severity`` is the worst class of any conflict in the group.

    * ``sameby``: conflicts with any reindeer-herding feature whose ``sameby_field`` names the
      sameby; areas from the pieces of the ``sameby_layer`` polygons.
    * ``protected_area``: per feature of the ``protected_areas`` theme.
    * ``investment_site``: per development feature of the ``investment_sites`` theme; the
      affected area is the union of all sensitive polygon pieces it touches.
    """
    inputs = as_inputs(layers)
    g = result.geometries if len(result.geometries) else None
    have_geom = g is not None and g.geometry.notna().any()
    frame = result.geometries if have_geom else result.table
    out: dict[str, pd.DataFrame] = {}
    # sameby
    rein = frame[frame["sens_theme"] == "reindeer_herding"]
    if len(rein):
        names = rein["sens_label"]
        if sameby_layer in inputs and sameby_field in inputs[sameby_layer].gdf.columns:
            label_by_id: dict[tuple[str, str], str] = {}
            for lid in rein["sens_layer"].unique():
                gdf = inputs[lid].gdf
                if sameby_field in gdf.columns:
                    ids, _ = feature_ids(gdf)
                    for fid, name in zip(ids, gdf[sameby_field].astype(str)):
                        label_by_id[(lid, fid)] = name
            names = pd.Series([label_by_id.get((lay, fid), lab) for lay, fid, lab in
                               zip(rein["sens_layer"], rein["sens_id"], rein["sens_label"])], index=rein.index)
        rows = []
        for name, grp in rein.groupby(names, sort=True):
            row = {"sameby": name, **_group_summary(grp, False)}
            row["sens_layers"] = ", ".join(sorted(grp["sens_layer"].unique()))
            if have_geom and sameby_layer in inputs:
                sb = inputs[sameby_layer].gdf
                polys = grp[grp["sens_layer"] == sameby_layer]
                total = float(sb.loc[sb[sameby_field].astype(str) == name].geometry.union_all().area) \
                    if sameby_field in sb.columns else np.nan
                row["sameby_area_m2"] = total
                row["affected_area_m2"] = _union_area(polys.geometry.to_numpy())
                row["affected_area_major_m2"] = _union_area(
                    polys.geometry.to_numpy()[(polys["severity"] == "major").to_numpy()])
                row["affected_share"] = row["affected_area_m2"] / total if total else np.nan
            rows.append(row)
        out["sameby"] = pd.DataFrame(rows)
    # protected areas
    prot = frame[frame["sens_theme"] == "protected_areas"]
    if len(prot):
        rows = []
        for (lay, fid), grp in prot.groupby(["sens_layer", "sens_id"], sort=True):
            row = {"sens_layer": lay, "sens_id": fid, "name": grp["sens_label"].iloc[0],
                   **_group_summary(grp, have_geom)}
            row["area_m2"] = float(grp["sens_area_m2"].iloc[0])
            if have_geom:
                row["affected_share"] = row["affected_area_m2"] / row["area_m2"] if row["area_m2"] else np.nan
            rows.append(row)
        out["protected_area"] = pd.DataFrame(rows)
    # investment sites
    inv = frame[frame["dev_theme"] == "investment_sites"]
    if len(inv):
        rows = []
        for (lay, fid), grp in inv.groupby(["dev_layer", "dev_id"], sort=True):
            row = {"dev_layer": lay, "dev_id": fid, "name": grp["dev_label"].iloc[0],
                   **_group_summary(grp, have_geom)}
            row["sens_layers"] = ", ".join(sorted(grp["sens_layer"].unique()))
            row["affected_sameby"] = ", ".join(sorted(grp.loc[grp["sens_theme"] == "reindeer_herding",
                                                              "sens_label"].unique()))
            row["affected_length_m"] = float(grp["zoi_length_m"].sum())
            rows.append(row)
        out["investment_site"] = pd.DataFrame(rows)
    return out
