"""Run independent network jobs in this process or on a dask ``distributed`` cluster.

Network analyses split into jobs that share one large input (the road network) and do not depend
on each other: one service kind and season of :func:`jokkgeo.analysis.services.service_access`,
one batch of sites of :func:`catchments_by_batches`. :func:`map_jobs` runs them here (in order)
or on a cluster, where the shared input is sent once to every worker (``scatter(broadcast=True)``)
and each job travels as a small task. Results do not depend on the engine.

When to use the cluster: the jobs of one call are few (10 for five kinds and two seasons) and each
is seconds long on a county network, so worker processes on one machine add start-up and a copy of
the network per worker (memory) and gain little on two cores; on a Sweden-size network with many
kinds, seasons or sites, or on several machines, they share out work that takes minutes.
docs/benchmarks.md ("Scale") has the measurements.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd

from jokkgeo._optional import import_optional
from jokkgeo.errors import AnalysisError, JokkgeoError

S = TypeVar("S")
J = TypeVar("J")
R = TypeVar("R")

ENGINE_KINDS: tuple[str, ...] = ("local", "dask")
"""Kinds of :class:`NetworkEngine`."""


class SchedulerUnreachableError(JokkgeoError, ConnectionError):
    """No dask scheduler answered at the given address within the connect timeout."""


@dataclass(frozen=True)
class NetworkEngine:
    """Where the jobs of a network analysis run.

    Parameters
    ----------
    kind
        ``"local"`` (this process, one job after the other) or ``"dask"``.
    scheduler
        Address of a running dask scheduler (``tcp://host:8786``); ``None`` with ``"dask"`` starts
        a ``distributed.LocalCluster`` of ``n_workers`` processes for the call.
    n_workers
        Worker processes of the local cluster (one thread each).
    connect_timeout_s
        Seconds to wait for ``scheduler`` to answer.

    Examples
    --------
    >>> NetworkEngine("dask", n_workers=2).kind
    'dask'
    >>> NetworkEngine("spark")
    Traceback (most recent call last):
    ...
    jokkgeo.errors.AnalysisError: engine: key 'kind': unknown engine 'spark'; use one of: local, dask
    """

    kind: str = "local"
    scheduler: str | None = None
    n_workers: int = 2
    connect_timeout_s: float = 5.0

    def __post_init__(self) -> None:
        if self.kind not in ENGINE_KINDS:
            raise AnalysisError(f"engine: key 'kind': unknown engine {self.kind!r}; use one of: "
                                f"{', '.join(ENGINE_KINDS)}")
        n = self.n_workers
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise AnalysisError(f"engine: key 'n_workers': must be a positive integer, got {n!r}")
        if not (isinstance(self.connect_timeout_s, (int, float)) and 0 < self.connect_timeout_s <= 600):
            raise AnalysisError(f"engine: key 'connect_timeout_s': must be seconds in (0, 600], got "
                                f"{self.connect_timeout_s!r}; the default is 5")


def dask_client(scheduler: str | None, *, timeout_s: float = 5.0, n_workers: int = 2, purpose: str = "engine dask"
                ) -> Any:
    """A ``distributed.Client`` on ``scheduler``, or on a new local cluster of ``n_workers`` processes.

    Parameters
    ----------
    scheduler
        Scheduler address, or ``None`` for a local cluster (closed with the client).
    timeout_s
        Seconds to wait for ``scheduler``.
    n_workers
        Processes of the local cluster (one thread each, no dashboard).
    purpose
        What needs the cluster, for the message when ``distributed`` is missing.

    Raises
    ------
    SchedulerUnreachableError
        When nothing answers at ``scheduler`` within ``timeout_s``.
    """
    distributed = import_optional("distributed", extra="dask", purpose=purpose)
    if scheduler is None:
        cluster = distributed.LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                           dashboard_address=None)
        client = distributed.Client(cluster)
        client._jokkgeo_cluster = cluster  # closed by _close
        return client
    try:
        return distributed.Client(scheduler, timeout=timeout_s)
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerUnreachableError(
            f"scheduler '{scheduler}': no dask scheduler answered within {timeout_s:g} s "
            f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'no answer'}); start one "
            "(`dask scheduler`) and pass its address (tcp://host:8786), or use engine 'local'"
        ) from None


def _close(client: Any) -> None:
    client.close()
    cluster = getattr(client, "_jokkgeo_cluster", None)
    if cluster is not None:
        cluster.close()


def map_jobs(fn: Callable[[S, J], R], shared: S, jobs: Sequence[J], engine: NetworkEngine | None = None) -> list[R]:
    """``[fn(shared, job) for job in jobs]``, here or on a dask cluster (same results, same order).

    Parameters
    ----------
    fn
        A module-level function (it is pickled to the workers).
    shared
        The large input every job reads (sent once to each worker).
    jobs
        Small job descriptions.
    engine
        Where to run (default: local).

    Examples
    --------
    >>> map_jobs(pow, 2, [3, 10])
    [8, 1024]
    """
    engine = engine or NetworkEngine()
    if engine.kind == "local" or not jobs:
        return [fn(shared, job) for job in jobs]
    client = dask_client(engine.scheduler, timeout_s=engine.connect_timeout_s, n_workers=engine.n_workers)
    try:
        [shared_f] = client.scatter([shared], broadcast=True)
        futures = [client.submit(fn, shared_f, job, pure=False) for job in jobs]
        return list(client.gather(futures))
    finally:
        _close(client)


def _catchment_batch(shared: tuple[Any, gpd.GeoDataFrame, dict[str, Any]], batch: np.ndarray) -> Any:
    from jokkgeo.analysis.catchments import catchments

    network, sites, kwargs = shared
    return catchments(network, sites.iloc[batch], **{**kwargs, "per_site": True, "nearest": False})


def catchments_by_batches(network: Any, sites: gpd.GeoDataFrame, *, engine: NetworkEngine | None = None,
                          sites_per_job: int = 10, **kwargs: Any) -> Any:
    """:func:`jokkgeo.analysis.catchments.catchments` with the per-site work split into batches of sites.

    Each batch runs as one job (:func:`map_jobs`); the nearest-site split, which needs every site,
    runs once in this process. The result equals one ``catchments`` call: per-site polygons, times
    and access legs do not depend on the other sites.

    Parameters
    ----------
    network, sites
        As :func:`~jokkgeo.analysis.catchments.catchments`.
    engine
        Where the batches run.
    sites_per_job
        Sites per batch.
    **kwargs
        Other arguments of ``catchments`` (``per_site``/``nearest`` as there).

    Returns
    -------
    jokkgeo.analysis.catchments.CatchmentResult
    """
    from jokkgeo.analysis.catchments import (
        DEFAULT_BUFFER_M,
        DEFAULT_CELL_M,
        PREPARE_MIN_SITES,
        catchments,
        prepare_catchments,
    )

    if isinstance(sites_per_job, bool) or not isinstance(sites_per_job, (int, np.integer)) or sites_per_job < 1:
        raise AnalysisError(f"catchments: key 'sites_per_job': must be a positive integer, got {sites_per_job!r}")
    per_site = kwargs.pop("per_site", True)
    if per_site and len(sites) >= PREPARE_MIN_SITES:  # as one call would: every batch (and worker) uses the grid
        prepare_catchments(network, cell_m=kwargs.get("cell_m", DEFAULT_CELL_M),
                           buffer_m=kwargs.get("buffer_m", DEFAULT_BUFFER_M))
    whole = catchments(network, sites, **{**kwargs, "per_site": False})
    if not per_site or not len(sites):
        return whole
    batches = [np.arange(i, min(i + sites_per_job, len(sites))) for i in range(0, len(sites), sites_per_job)]
    parts = map_jobs(_catchment_batch, (network, sites, kwargs), batches, engine)
    polygons = pd.concat([p.polygons for p in parts], ignore_index=True)
    per_site_cols = [p.node_times.drop(columns=["minutes_nearest", "nearest_site_id"]) for p in parts]
    node_times = pd.concat([*per_site_cols, whole.node_times], axis=1)
    params = {**whole.provenance.parameters,
              "batches": {"sites_per_job": int(sites_per_job), "n_jobs": len(batches),
                          "engine": (engine or NetworkEngine()).kind}}
    warnings = tuple(w for p in parts for w in p.provenance.warnings)
    return replace(whole, polygons=gpd.GeoDataFrame(polygons, geometry="geometry", crs=whole.polygons.crs),
                   node_times=node_times,
                   provenance=replace(whole.provenance, parameters=params).with_warnings(*warnings))
