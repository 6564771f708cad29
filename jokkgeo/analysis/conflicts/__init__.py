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
are approximate: 0.16 % below a true circle at the default 16); features whose
bounding box does not come within the outer zone of any sensitive feature's bounding
box have no pair and are not buffered (one bounding-box query). Pairs are
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
one thread task; small jobs are one task each. With one thread, jobs of at least
``EngineOptions.min_chunk`` features also run in Hilbert order (nearby features in a row
keep the same sensitive polygons in the CPU caches); row order never changes results. Prepared geometries are never
shared between threads: shapely 2.2 / GEOS 3.14 crashed (segfault) when two
threads used the same prepared geometries, e.g. in ``contains_properly``. Each
task prepares only the boundaries it computed itself, and input geometries that
arrive prepared are replaced by unprepared copies
(:func:`jokkgeo.analysis.conflicts.jobs.unprepared`). How large a chunk is, and how many
chunks each thread gets, are :class:`EngineOptions` (``engine_options=``).

``params["step_seconds"]`` of the result records where the time went: selecting features, then
(local engine, summed over its threads) buffer, classify (the STR-tree queries), intersect (the cut
pairs) and measure (distances, inner zones), the threads' elapsed time and the table assembly.
Buffer, classification and the cut-pair intersections are GEOS calls the method cannot skip; they
take most of a one-thread run (``bench/conflicts.py`` prints the split).

``engine="dask"`` splits the development features of each rule into partitions
(dask-geopandas) and runs the same per-partition function in worker
*processes* (the ``"processes"`` scheduler, or a distributed scheduler at
``scheduler`` address; a scheduler that does not answer within
``EngineOptions.connect_timeout_s`` raises :class:`SchedulerUnreachableError`). Results are
sorted by their keys, so every engine and every ``n_jobs`` returns identical tables.

Rules that had nothing to run on (no development or sensitive layer among the inputs, or no
feature passing the rule's filter) are listed in ``ConflictResult.skipped_rules`` with the reason,
and named in ``provenance.warnings``.

Modules
-------
:mod:`~jokkgeo.analysis.conflicts.pairs` the pair kernel (:func:`rule_pairs`);
:mod:`~jokkgeo.analysis.conflicts.jobs` the features each rule runs on and the skipped rules;
:mod:`~jokkgeo.analysis.conflicts.engines` local threads and dask;
:mod:`~jokkgeo.analysis.conflicts.tables` conflict and zone tables;
:mod:`~jokkgeo.analysis.conflicts.summaries` per sameby / protected area / investment site;
:mod:`~jokkgeo.analysis.conflicts.result` :class:`ConflictResult`.

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
import time
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from jokkgeo.analysis._common import InputLayer, as_inputs, available_cores, caveats_for, feature_ids
from jokkgeo.analysis.conflicts.engines import (
    ENGINES,
    EngineOptions,
    run_dask,
    run_local,
)
from jokkgeo.analysis.conflicts.jobs import SKIP_REASONS, rule_jobs
from jokkgeo.analysis.conflicts.pairs import rule_pairs
from jokkgeo.analysis.conflicts.result import KEY_COLUMNS, ZONE_COLUMNS, ConflictResult
from jokkgeo.analysis.conflicts.summaries import summarise
from jokkgeo.analysis.conflicts.tables import LayerLookup, assemble, layer_lookup
from jokkgeo.analysis.crossings import crossings_for_rules
from jokkgeo.analysis.parallel import SchedulerUnreachableError
from jokkgeo.config.layers import LayerSpec
from jokkgeo.config.rules import RuleSet
from jokkgeo.errors import AnalysisError
from jokkgeo.i18n import text
from jokkgeo.results import Provenance
from jokkgeo.settings import WORKING_CRS

__all__ = [
    "ENGINES",
    "KEY_COLUMNS",
    "SKIP_REASONS",
    "ZONE_COLUMNS",
    "ConflictResult",
    "EngineOptions",
    "SchedulerUnreachableError",
    "conflicts",
    "rule_pairs",
    "summarise",
]

log = logging.getLogger(__name__)


def _check_options(rules: Any, engine: str, quad_segs: int, n_workers: int, n_jobs: Any) -> int:
    """Validate the options of :func:`conflicts`; return the thread count of the local engine."""
    if not isinstance(rules, RuleSet):
        raise AnalysisError(f"rules: expected a jokkgeo.config.rules.RuleSet, got {type(rules).__name__}; "
                            "read the packaged rules with jokkgeo.io.configs.load_rules() or parse a dict "
                            "with jokkgeo.config.rules.parse_rules(data)")
    if engine not in ENGINES:
        raise AnalysisError(f"engine '{engine}' is not one of: {', '.join(ENGINES)}")
    if quad_segs < 1:
        raise AnalysisError(f"quad_segs must be a positive integer, got {quad_segs}")
    if n_workers < 1:
        raise AnalysisError(f"n_workers must be at least 1, got {n_workers}")
    if n_jobs is None:
        return available_cores()
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or n_jobs < 1:
        raise AnalysisError(f"n_jobs must be a positive integer (threads of the local engine) or None for all "
                            f"cores, got {n_jobs!r}")
    return int(n_jobs)


def conflicts(
    layers: Mapping[str, Any],
    rules: RuleSet,
    *,
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
    sameby_layer: str | None = None,
    sameby_field: str = "sameby",
    language: str = "sv",
    engine_options: EngineOptions | None = None,
) -> ConflictResult:
    """Land-use conflicts between development and sensitive layers under ``rules``.

    Parameters
    ----------
    layers
        Layer id -> GeoDataFrame or :class:`jokkgeo.io.vector.LoadedLayer`, in EPSG:3006.
        Themes come from the layers' specs (LoadedLayer.spec or ``specs``).
    rules
        Validated rules (:func:`jokkgeo.config.rules.parse_rules`; the packaged ones from
        :func:`jokkgeo.io.configs.load_rules`).
    specs
        Layer specs for layers given as bare GeoDataFrames (e.g. a :class:`~jokkgeo.config.layers.Catalogue`).
    engine
        ``"local"`` (one process, ``n_jobs`` threads) or ``"dask"`` (dask-geopandas partitions in
        worker processes; needs ``pip install 'jokkgeo[dask]'``).
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
        The layer of sameby polygons (``None``: no sameby areas in the summary) and the field
        naming the sameby (see :func:`summarise`).
    language
        ``"sv"`` or ``"en"`` for caveats and warnings.
    engine_options
        Tuning knobs of the engines (chunk sizes, scheduler connect timeout): :class:`EngineOptions`.

    Returns
    -------
    ConflictResult

    Raises
    ------
    jokkgeo.errors.AnalysisError
        On bad options, a missing filter column or invalid geometries.
    jokkgeo.errors.CRSError
        When a layer is not in EPSG:3006.
    SchedulerUnreachableError
        When ``scheduler`` does not answer within ``engine_options.connect_timeout_s``.

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
    >>> res = conflicts({"dev": dev, "sens": sens}, rules)
    >>> round(float(res.table["zoi_area_m2"].iloc[0]))  # 64-gon of radius 100 m
    31365
    >>> conflicts({"dev": dev}, rules, language="en").skipped_rules["reason"].tolist()
    ['no_sensitive_layer']
    """
    n_jobs = _check_options(rules, engine, quad_segs, n_workers, n_jobs)
    options = engine_options or EngineOptions()
    inputs = as_inputs(layers, specs)
    t0 = time.perf_counter()
    jobs, skipped = rule_jobs(inputs, rules, language=language)
    lookups: dict[str, LayerLookup] = {}

    def fill_lookups() -> None:  # ids and labels of the layers, while the threads overlay
        for lid in sorted({j.dev_layer for j in jobs} | {j.sens_layer for j in jobs}):
            lookups[lid] = layer_lookup(inputs[lid].gdf)

    steps: dict[str, float] = {"prepare": time.perf_counter() - t0}
    t1 = time.perf_counter()
    if engine == "local":
        raws = run_local(jobs, quad_segs=quad_segs, want_geometry=want_geometry, n_jobs=n_jobs, options=options,
                         meanwhile=fill_lookups, steps=steps)
    else:
        raws = run_dask(jobs, quad_segs=quad_segs, want_geometry=want_geometry, scheduler=scheduler,
                        n_workers=n_workers, partition_size=partition_size, options=options)
    steps["overlay_wall"] = time.perf_counter() - t1
    t_overlay = time.perf_counter() - t0
    t2 = time.perf_counter()
    table, zone_table = assemble(jobs, raws, inputs, want_geometry, lookups)
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
    params = {
        "engine": engine,
        "scheduler": scheduler,
        "n_workers": n_workers if engine == "dask" else 1,
        "n_jobs": n_jobs if engine == "local" else 1,
        "rules_path": str(rules.path) if rules.path else None,
        "quad_segs": quad_segs,
        "rules": [r.id for r in rules.rules],
        "rules_without_features": skipped["rule_id"].tolist(),
        "layers": used_layers,
        "id_columns": {lid: lookups[lid].id_column if lid in lookups else feature_ids(inputs[lid].gdf)[1]
                       for lid in used_layers},
        "crs": WORKING_CRS,
        "overlay_seconds": round(t_overlay, 3),
        # seconds per step: prepare (select features), buffer, classify (STR-tree queries), intersect
        # (cut pairs), measure (distances, inner zones) summed over the threads (local engine only);
        # overlay_wall (the threads' elapsed time) and tables (ids, labels, conflict and zone tables)
        "step_seconds": {k: round(v, 3) for k, v in steps.items()},
    }
    result = ConflictResult(table=table, geometries=geoms, zones=zone_table, skipped_rules=skipped)
    warnings = skipped["detail"].tolist()
    if with_crossings and rules.crossings is not None:
        used_layers, warnings = _add_crossings(result, inputs, rules, citations, used_layers, warnings, language)
    if with_summaries and len(table):
        result.summaries = summarise(result, inputs, sameby_layer=sameby_layer, sameby_field=sameby_field)
    result.provenance = Provenance(
        parameters=params,
        inputs=tuple(used_layers),
        caveats=tuple(caveats_for(inputs, used_layers, language) + rules.caveat_texts(language)),
        citations=citations,
        warnings=tuple(warnings),
    )
    log.info("conflicts: %d pairs from %d rules, %d rules skipped (%s engine, %d thread(s), %.2f s)", len(table),
             len(used_rules), len(skipped), engine, n_jobs if engine == "local" else 1, t_overlay)
    return result


def _add_crossings(result: ConflictResult, inputs: Mapping[str, InputLayer], rules: RuleSet,
                   citations: dict[str, str], used_layers: list[str], warnings: list[str], language: str
                   ) -> tuple[list[str], list[str]]:
    """Put the crossings of the rules' ``crossings`` section on ``result``; the layers used and warnings."""
    assert rules.crossings is not None
    cr = crossings_for_rules(inputs, rules, language=language)
    if cr is None:
        return used_layers, [*warnings, text("skipped.crossings_no_routes", language,
                                             selector=rules.crossings.routes.describe())]
    result.crossings, result.crossing_counts = cr.points, cr.counts
    if len(cr.points):
        citations[rules.crossings.reference] = rules.crossings.citation
    return sorted(set(used_layers) | set(cr.layers)), [*warnings, *cr.warnings]
