"""The two engines that run rule jobs: local threads, or dask partitions in worker processes.

Both call :func:`rule_partition` (the pair kernel :func:`~jokkgeo.analysis.conflicts.pairs.rule_pairs`
on one slice of development features) and return, per job, one raw table of pairs; the pairs and
their measures do not depend on how the work was split, so every engine and every thread count
gives identical results once :mod:`~jokkgeo.analysis.conflicts.tables` has ordered the rows.

Tuning knobs (chunk sizes, the scheduler connect timeout) are an :class:`EngineOptions` value
passed to :func:`jokkgeo.analysis.conflicts.conflicts` as ``engine_options``; they change speed,
never results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from jokkgeo._optional import import_optional
from jokkgeo._progress import progress
from jokkgeo.analysis.conflicts.jobs import Job
from jokkgeo.analysis.conflicts.pairs import rule_pairs
from jokkgeo.analysis.parallel import dask_client
from jokkgeo.errors import AnalysisError

ENGINES: tuple[str, ...] = ("local", "dask")
"""Engines of :func:`jokkgeo.analysis.conflicts.conflicts`."""


@dataclass(frozen=True)
class EngineOptions:
    """Tuning knobs of the engines; they change speed, never results.

    Parameters
    ----------
    min_chunk
        Fewest development features per thread task of the local engine; rule jobs with fewer
        than twice this run as one task.
    chunks_per_thread
        Thread tasks per thread and rule job (spatial chunks), so one slow chunk does not idle
        the other threads.
    connect_timeout_s
        Seconds to wait for a dask distributed scheduler (``scheduler=``) to answer.

    Examples
    --------
    >>> EngineOptions(min_chunk=500).chunks_per_thread
    2
    >>> EngineOptions(min_chunk=0)
    Traceback (most recent call last):
    ...
    jokkgeo.errors.AnalysisError: engine_options: key 'min_chunk': must be a positive integer, got 0; ...
    """

    min_chunk: int = 2000
    chunks_per_thread: int = 2
    connect_timeout_s: float = 5.0

    def __post_init__(self) -> None:
        for key in ("min_chunk", "chunks_per_thread"):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise AnalysisError(f"engine_options: key '{key}': must be a positive integer, got {value!r}; "
                                    f"the default is {getattr(EngineOptions, key)}")
        if not (isinstance(self.connect_timeout_s, (int, float)) and 0 < self.connect_timeout_s <= 600):
            raise AnalysisError(f"engine_options: key 'connect_timeout_s': must be seconds in (0, 600], got "
                                f"{self.connect_timeout_s!r}; the default is 5")

    def n_chunks(self, n_features: int, n_jobs: int) -> int:
        """Thread tasks for a rule job of ``n_features`` development features on ``n_jobs`` threads.

        Parameters
        ----------
        n_features
            Development features of the job.
        n_jobs
            Threads of the local engine.

        Examples
        --------
        >>> EngineOptions().n_chunks(10_000, 2), EngineOptions().n_chunks(3_000, 2)
        (4, 1)
        """
        return int(min(n_jobs * self.chunks_per_thread, n_features // self.min_chunk))


def rule_partition(
    dev: gpd.GeoDataFrame, sens: gpd.GeoDataFrame, zones_m: tuple[float, ...], quad_segs: int, want_geometry: bool,
    steps: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Unit of work of both engines: one rule, a slice of its development features.

    Parameters
    ----------
    dev, sens
        Selected features with a ``_row`` column (row positions in their input layers).
    zones_m
        The rule's ascending zone distances (m).
    quad_segs
        Buffer segments per quarter circle.
    want_geometry
        Keep each pair's affected piece.
    steps
        Optional dict collecting the seconds per step.

    Returns
    -------
    pandas.DataFrame
        One row per pair: ``dev_row``, ``sens_row``, ``distance_m``, the raw cumulative measures
        ``a0…aK`` (m²) and ``l0…lK`` (m), and ``geometry`` when asked.

    Raises
    ------
    jokkgeo.errors.AnalysisError
        On invalid geometries (with the fix).
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


def _near(tree: shapely.STRtree, sens: gpd.GeoDataFrame, bounds: np.ndarray, radius_m: float) -> gpd.GeoDataFrame:
    """The sensitive features whose box meets ``bounds`` (minx, miny, maxx, maxy) grown by ``radius_m``."""
    minx, miny, maxx, maxy = bounds
    r = radius_m
    return sens.iloc[np.sort(tree.query(shapely.box(minx - r, miny - r, maxx + r, maxy + r)))]


def spatial_chunks(job: Job, n_parts: int) -> Iterator[tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]]:
    """Split a job's development features into ``n_parts`` spatially compact chunks (Hilbert order).

    Each chunk comes with only the sensitive features within reach: those whose bounding box meets
    the chunk's bounding box grown by the rule's radius (every outer buffer lies in it). Chunks are
    yielded one by one, so the first thread task can start while the next chunk is cut.

    Parameters
    ----------
    job
        The rule job.
    n_parts
        Number of chunks (at most the number of development features).
    """
    dev = job.dev
    order = np.argsort(dev.geometry.hilbert_distance().to_numpy(), kind="stable")
    bounds = dev.geometry.bounds.to_numpy()  # minx, miny, maxx, maxy per feature (never empty here)
    tree = shapely.STRtree(job.sens.geometry.values)
    for part in np.array_split(order, n_parts):
        b = bounds[part]
        box = np.array([np.nanmin(b[:, 0]), np.nanmin(b[:, 1]), np.nanmax(b[:, 2]), np.nanmax(b[:, 3])])
        yield dev.iloc[part], _near(tree, job.sens, box, job.rule.radius_m)


def _parts(job: Job, n_parts: int, options: EngineOptions) -> Iterable[tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]]:
    """The (development, sensitive) parts of one job for ``n_parts`` thread tasks.

    A job of at least ``options.min_chunk`` features is one Hilbert-ordered part even when it is not
    split: nearby features in a row keep the same sensitive polygons in the CPU caches (about 10 % off
    the STR-tree classification and the intersections of a random-order layer). Row order never
    changes results: the tables sort the pairs by their keys.
    """
    if n_parts > 1 or len(job.dev) >= options.min_chunk:
        return spatial_chunks(job, max(n_parts, 1))
    return [(job.dev, job.sens)]


def run_local(jobs: list[Job], *, quad_segs: int, want_geometry: bool, n_jobs: int = 1,
              options: EngineOptions | None = None, meanwhile: Callable[[], None] | None = None,
              steps: dict[str, float] | None = None) -> list[pd.DataFrame]:
    """Run every job in this process; ``n_jobs`` threads share the work when above 1.

    With threads, each job with at least ``2 * options.min_chunk`` development features is split into
    spatial chunks (:func:`spatial_chunks`) and every chunk runs the whole pipeline (buffer, queries,
    classification, intersections, measures) in one thread task; smaller jobs are one task each, so
    separate rules also run side by side. Jobs of at least ``options.min_chunk`` features run in Hilbert
    order also when not split (:func:`_parts`). shapely 2 releases the GIL inside GEOS. Each task prepares
    only geometries it created (its sensitive boundaries); shared inputs are never prepared (see
    :func:`jokkgeo.analysis.conflicts.jobs.unprepared`).

    Parameters
    ----------
    jobs
        The rule jobs.
    quad_segs, want_geometry
        As for :func:`rule_partition`.
    n_jobs
        Threads (1: run in the calling thread).
    options
        Chunking knobs (default :class:`EngineOptions`).
    meanwhile
        Runs in the calling thread while the tasks run (threaded path only).
    steps
        Collects the seconds per step (buffer, classify, intersect, measure), summed over the tasks.

    Returns
    -------
    list of pandas.DataFrame
        One raw pair table per job (:func:`rule_partition`), chunks concatenated in chunk order.
    """
    options = options or EngineOptions()
    if n_jobs <= 1:
        out = []
        for job in progress(jobs, total=len(jobs), desc="conflicts"):
            results = [rule_partition(dev, sens, job.rule.zones_m, quad_segs, want_geometry, steps)
                       for dev, sens in _parts(job, 1, options)]
            out.append(results[0] if len(results) == 1 else pd.concat(results, ignore_index=True))
        return out
    task_steps: list[dict[str, float]] = []  # one dict per task: no two threads write the same dict
    with ThreadPoolExecutor(max_workers=n_jobs, thread_name_prefix="jokkgeo-conflicts") as pool:
        futures: list[list[Future]] = []
        try:
            for job in jobs:
                parts = []
                for dev, sens in _parts(job, options.n_chunks(len(job.dev), n_jobs), options):
                    task_steps.append({})
                    parts.append(pool.submit(rule_partition, dev, sens, job.rule.zones_m, quad_segs, want_geometry,
                                             task_steps[-1]))
                futures.append(parts)
            if meanwhile is not None:
                meanwhile()
            out = []
            for parts in progress(futures, total=len(futures), desc="conflicts"):
                results = [f.result() for f in parts]
                out.append(results[0] if len(results) == 1 else pd.concat(results, ignore_index=True))
        except BaseException:
            for f in (f for parts in futures for f in parts):
                f.cancel()
            raise
    if steps is not None:
        for d in task_steps:
            for name, sec in d.items():
                steps[name] = steps.get(name, 0.0) + sec
    return out


def _dask_tasks(dask: Any, dask_geopandas: Any, job: Job, *, quad_segs: int, want_geometry: bool, n_workers: int,
                partition_size: int) -> list[Any]:
    """Delayed :func:`rule_partition` calls of one job: Hilbert-ordered partitions with the sensitive features near."""
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
        near = _near(tree, job.sens, rows.total_bounds, job.rule.radius_m)
        parts.append(dask.delayed(rule_partition)(part, near, job.rule.zones_m, quad_segs, want_geometry))
    return parts


def _compute_on_scheduler(flat: list[Any], scheduler: str, timeout_s: float) -> list[Any]:
    client = dask_client(scheduler, timeout_s=timeout_s, purpose="--engine dask --scheduler")
    with client:
        return list(client.compute(flat, sync=True))


def run_dask(
    jobs: list[Job], *, quad_segs: int, want_geometry: bool, scheduler: str | None, n_workers: int,
    partition_size: int, options: EngineOptions | None = None,
) -> list[pd.DataFrame]:
    """Run every job as dask-geopandas partitions in worker processes.

    Parameters
    ----------
    jobs
        The rule jobs.
    quad_segs, want_geometry
        As for :func:`rule_partition`.
    scheduler
        Address of a running dask distributed scheduler, or ``None`` for a local process pool.
    n_workers
        Worker processes of the local pool (and the fewest partitions per job).
    partition_size
        Development features per partition.
    options
        ``connect_timeout_s`` for ``scheduler`` (default :class:`EngineOptions`).

    Returns
    -------
    list of pandas.DataFrame
        One raw pair table per job.

    Raises
    ------
    jokkgeo._optional.MissingDependencyError
        When dask, dask-geopandas or distributed are not installed (``pip install 'jokkgeo[dask]'``).
    SchedulerUnreachableError
        When no scheduler answers at ``scheduler`` within ``options.connect_timeout_s``.
    """
    options = options or EngineOptions()
    dask = import_optional("dask", extra="dask", purpose="--engine dask")
    dask_geopandas = import_optional("dask_geopandas", extra="dask", purpose="--engine dask")
    tasks = [_dask_tasks(dask, dask_geopandas, job, quad_segs=quad_segs, want_geometry=want_geometry,
                         n_workers=n_workers, partition_size=partition_size) for job in jobs]
    flat = [t for parts in tasks for t in parts]
    if scheduler:
        results = _compute_on_scheduler(flat, scheduler, options.connect_timeout_s)
    else:
        results = list(dask.compute(*flat, scheduler="processes", num_workers=n_workers))
    out: list[pd.DataFrame] = []
    pos = 0
    for parts in tasks:
        chunk = results[pos:pos + len(parts)]
        pos += len(parts)
        out.append(pd.concat(chunk, ignore_index=True) if chunk else pd.DataFrame())
    return out
