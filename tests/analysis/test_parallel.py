"""Jobs here or on a dask cluster (:mod:`jokkgeo.analysis.parallel`): same results either way.

A 4 × 4 km lattice of 60 km/h roads (1 km spacing) with three sites and a few places; the
expected results are those of one plain call (``catchments``, ``service_access``), which the
batched and distributed runs must reproduce exactly.
"""

from __future__ import annotations

import socket

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

from jokkgeo.analysis.catchments import catchments
from jokkgeo.analysis.parallel import (
    NetworkEngine,
    SchedulerUnreachableError,
    catchments_by_batches,
    map_jobs,
)
from jokkgeo.analysis.services import ServiceAccessOptions, service_access
from jokkgeo.errors import AnalysisError
from jokkgeo.network.graph import graph_from_lines

CRS = "EPSG:3006"
X0, Y0 = 740_000.0, 7_370_000.0


@pytest.fixture(scope="module")
def network():
    lines = [LineString([(X0, Y0 + k * 1000), (X0 + 4000, Y0 + k * 1000)]) for k in range(5)]
    lines += [LineString([(X0 + k * 1000, Y0), (X0 + k * 1000, Y0 + 4000)]) for k in range(5)]
    roads = gpd.GeoDataFrame({"highway": ["primary"] * 10, "maxspeed": ["60"] * 10}, geometry=lines, crs=CRS)
    return graph_from_lines(roads)


@pytest.fixture(scope="module")
def sites():
    return gpd.GeoDataFrame({"site_id": ["a", "b", "c"]},
                            geometry=[Point(X0, Y0), Point(X0 + 4000, Y0 + 4000), Point(X0 + 2000, Y0 + 1500)], crs=CRS)


def test_map_jobs_runs_in_order_here():
    assert map_jobs(divmod, 7, [1, 2, 3]) == [(7, 0), (3, 1), (2, 1)]
    assert map_jobs(divmod, 7, []) == []


@pytest.mark.parametrize("kw", [{"kind": "spark"}, {"n_workers": 0}, {"n_workers": True}, {"connect_timeout_s": 0}])
def test_engine_refuses_bad_keys(kw):
    with pytest.raises(AnalysisError, match="engine: key"):
        NetworkEngine(**kw)


def _same_catchments(one, other):
    pd.testing.assert_frame_equal(one.node_times, other.node_times)
    assert list(one.polygons["site_id"]) == list(other.polygons["site_id"])
    assert list(one.polygons["minutes"]) == list(other.polygons["minutes"])
    assert np.array_equal(one.polygons["area_m2"].to_numpy(), other.polygons["area_m2"].to_numpy())
    for mine, theirs in ((one.polygons, other.polygons), (one.nearest, other.nearest)):
        assert all((a is None and b is None) or a.equals_exact(b, 0)
                   for a, b in zip(mine.geometry, theirs.geometry, strict=True))


@pytest.mark.parametrize("per_job", [1, 2, 5])
def test_batches_give_the_one_call_result(network, sites, per_job):
    one = catchments(network, sites, minutes=[2, 4])
    batched = catchments_by_batches(network, sites, minutes=[2, 4], sites_per_job=per_job)
    _same_catchments(one, batched)
    assert batched.params["batches"]["n_jobs"] == -(-3 // per_job)


def test_batches_refuse_a_bad_batch_size(network, sites):
    with pytest.raises(AnalysisError, match="sites_per_job"):
        catchments_by_batches(network, sites, sites_per_job=0)


def _people():
    return gpd.GeoDataFrame({"population": [10, 20, 30, 40]},
                            geometry=[Point(X0 + 500, Y0), Point(X0 + 3000, Y0 + 4000), Point(X0 + 2000, Y0 + 2500),
                                      Point(X0 + 4000, Y0 + 1000)], crs=CRS)


def _services():
    return gpd.GeoDataFrame({"service_id": ["s1", "s2", "g1"], "kind": ["school", "school", "grocery"]},
                            geometry=[Point(X0, Y0), Point(X0 + 4000, Y0 + 4000), Point(X0 + 2000, Y0 + 2000)],
                            crs=CRS)


@pytest.mark.slow
def test_dask_cluster_gives_the_same_results(network, sites):
    engine = NetworkEngine("dask", n_workers=2)
    here = service_access(network, _services(), _people(), minutes=[2, 4])
    there = service_access(network, _services(), _people(), minutes=[2, 4],
                           options=ServiceAccessOptions(engine=engine))
    pd.testing.assert_frame_equal(here.residents.drop(columns="geometry"), there.residents.drop(columns="geometry"))
    pd.testing.assert_frame_equal(here.bands, there.bands)
    _same_catchments(catchments(network, sites, minutes=[2, 4]),
                     catchments_by_batches(network, sites, minutes=[2, 4], sites_per_job=2, engine=engine))


def test_unreachable_scheduler_is_a_clear_error(network):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    engine = NetworkEngine("dask", scheduler=f"tcp://127.0.0.1:{port}", connect_timeout_s=1)
    with pytest.raises(SchedulerUnreachableError, match=f"127.0.0.1:{port}.*within 1 s"):
        map_jobs(divmod, 7, [1], engine)


def test_batches_of_many_sites_share_the_network_grid(network):
    """With 16+ sites one call builds the per-network grid; the batches (fewer sites each) must use it too."""
    rng = np.random.default_rng(7)
    many = gpd.GeoDataFrame({"site_id": [f"s{i}" for i in range(20)]},
                            geometry=[Point(X0 + x, Y0 + y) for x, y in rng.uniform(0, 4000, (20, 2))], crs=CRS)
    one = catchments(network, many, minutes=[2, 4])
    network._cache.clear()  # the batched run builds its own grid
    _same_catchments(one, catchments_by_batches(network, many, minutes=[2, 4], sites_per_job=5))
