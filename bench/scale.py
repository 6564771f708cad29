"""Scale workload: a Sweden-size synthetic network, a national 1 km population grid, 1,000 services.

At three sizes (``--sizes``, directed edges; default 0.5M, 1.6M and 5M) the benchmark builds:

* a synthetic road layer (the jittered 300 m lattice of curved roads of ``bench/catchments.py``:
  road classes, messy ``maxspeed`` tags, one-way streets, gaps) — not timed as jokkgeo work;
* a 1 km population grid over the network's extent: every cell whose centre lies within 2 km of a
  road is populated (log-normal counts, a few town clusters), cell centres as points with
  ``population``; 100k+ cells at 5M edges, proportionally fewer at the smaller sizes;
* services of 5 kinds (school, preschool, health_centre, grocery, pharmacy), 200 of each at 5M
  edges (1,000 in all), proportionally fewer at the smaller sizes, at random points near roads;
* 100 catchment sites at random points near roads of the largest connected part.

and times, with the peak memory (resident set of this process and its children, sampled every
10 ms, above the level at the start of the step):

1. building the network (:func:`jokkgeo.network.graph.graph_from_lines`);
2. the snapping indexes for summer and winter (:func:`jokkgeo.analysis.accessibility.prepare_snapping`);
3. accessibility of every cell to the nearest service of each kind, summer and winter
   (:func:`jokkgeo.analysis.services.service_access`: 5 kinds × 2 seasons);
4. catchments for 100 sites, bands 15/30/60/90 min, per site and nearest-site split
   (:func:`jokkgeo.analysis.parallel.catchments_by_batches`, 10 sites per job, here).

With ``--dask`` steps 3 and 4 also run on a local ``distributed`` cluster (``--workers`` processes,
one thread each; the network is sent once to each worker), timed the same way, and the results are
compared with the local ones (every minute value and every polygon must be identical).

The machine's core count and the load average before and after each size are printed. Run::

    PYTHONPATH=$PWD .venv/bin/python bench/scale.py                      # 0.5M, 1.6M, 5M edges (~25 min)
    PYTHONPATH=$PWD .venv/bin/python bench/scale.py --sizes 500000 --dask
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import psutil
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent))
from catchments import pick_sites, synthetic_roads  # noqa: E402  (bench/ is run as scripts)

from jokkgeo.analysis.accessibility import prepare_snapping  # noqa: E402
from jokkgeo.analysis.parallel import NetworkEngine, catchments_by_batches  # noqa: E402
from jokkgeo.analysis.services import ServiceAccessOptions, service_access  # noqa: E402
from jokkgeo.network.graph import graph_from_lines  # noqa: E402

KINDS = ("school", "preschool", "health_centre", "grocery", "pharmacy")
MINUTES = (15.0, 30.0, 60.0, 90.0)
SERVICE_MINUTES = (10.0, 20.0, 30.0, 45.0, 60.0)
CELL_M = 1000.0


class PeakMemory:
    """Peak resident set (bytes) of this process and its children while the block runs, above its start."""

    def __init__(self, every_s: float = 0.01) -> None:
        self.every_s = every_s
        self.proc = psutil.Process()

    def _rss(self) -> int:
        total = self.proc.memory_info().rss
        for child in self.proc.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return total

    def __enter__(self) -> PeakMemory:
        gc.collect()
        self.start = self._rss()
        self.peak = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._stop.wait(self.every_s):
            self.peak = max(self.peak, self._rss())

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())

    @property
    def extra_gib(self) -> float:
        return (self.peak - self.start) / 2**30

    @property
    def peak_gib(self) -> float:
        return self.peak / 2**30


def step(name: str, fn: Callable[[], Any], rows: list[dict[str, Any]], size: str) -> Any:
    with PeakMemory() as mem:
        t0 = time.perf_counter()
        out = fn()
        sec = time.perf_counter() - t0
    rows.append({"size": size, "step": name, "seconds": sec, "peak_extra_gib": mem.extra_gib,
                 "peak_rss_gib": mem.peak_gib})
    print(f"  {name:<58} {sec:8.1f} s   peak +{mem.extra_gib:5.2f} GiB (process tree {mem.peak_gib:5.2f} GiB)",
          flush=True)
    return out


def population_grid(net: Any, seed: int = 3) -> gpd.GeoDataFrame:
    """1 km cells (centre points) within 2 km of a network node, with log-normal counts and town clusters."""
    rng = np.random.default_rng(seed)
    x0, y0 = np.floor(net.node_x.min() / CELL_M) * CELL_M, np.floor(net.node_y.min() / CELL_M) * CELL_M
    nx_ = int(np.ceil((net.node_x.max() - x0) / CELL_M)) + 1
    ny_ = int(np.ceil((net.node_y.max() - y0) / CELL_M)) + 1
    near = np.zeros((ny_, nx_), dtype=bool)
    ci = ((net.node_x - x0) // CELL_M).astype(int)
    cj = ((net.node_y - y0) // CELL_M).astype(int)
    for dj in (-2, -1, 0, 1, 2):  # cells within two cells of one with a node
        for di in (-2, -1, 0, 1, 2):
            near[np.clip(cj + dj, 0, ny_ - 1), np.clip(ci + di, 0, nx_ - 1)] = True
    jj, ii = np.nonzero(near)
    cx, cy = x0 + (ii + 0.5) * CELL_M, y0 + (jj + 0.5) * CELL_M
    pop = np.maximum(1, rng.lognormal(2.0, 1.2, len(cx))).round()
    towns = rng.choice(len(cx), size=max(1, len(cx) // 2000), replace=False)
    for t in towns:  # a town of ~5 km radius around a few cells
        d = np.hypot(cx - cx[t], cy - cy[t])
        pop += np.where(d < 5000, rng.lognormal(6.0, 0.8) * np.exp(-d / 1500), 0).round()
    ids = [f"{int(x - 500):06d}{int(y - 500):07d}" for x, y in zip(cx, cy, strict=True)]
    return gpd.GeoDataFrame({"place_id": ids, "population": pop}, geometry=shapely.points(cx, cy), crs="EPSG:3006")


def service_points(net: Any, n_per_kind: int, seed: int = 4) -> gpd.GeoDataFrame:
    sites = pick_sites(net, n_per_kind * len(KINDS), seed=seed)
    kinds = np.repeat(KINDS, n_per_kind)
    return gpd.GeoDataFrame({"service_id": [f"{k}_{i}" for i, k in enumerate(kinds)], "kind": kinds},
                            geometry=sites.geometry.values, crs="EPSG:3006")


def same_access(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame) -> bool:
    cols = [c for c in a.columns if c.startswith(("minutes_", "nearest_"))]
    return all(a[c].equals(b[c]) for c in cols)


def same_catchments(a: Any, b: Any) -> bool:
    pa, pb = a.polygons, b.polygons
    return (a.node_times.equals(b.node_times) and len(pa) == len(pb)
            and bool(np.array_equal(pa["area_m2"].to_numpy(), pb["area_m2"].to_numpy()))
            and bool(shapely.equals_exact(pa.geometry.values, pb.geometry.values, 0).all()))


def run_size(n_edges: int, args: argparse.Namespace, rows: list[dict[str, Any]]) -> None:
    size = f"{n_edges / 1e6:g}M"
    print(f"\n## {n_edges:,} directed edges requested; load average before: "
          + " / ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)
    t0 = time.perf_counter()
    roads = synthetic_roads(n_edges)
    print(f"  (synthetic road layer: {len(roads):,} lines in {time.perf_counter() - t0:.1f} s, not timed below)")
    net = step("build network (graph_from_lines)", lambda: graph_from_lines(roads), rows, size)
    roads = None  # only the network from here on
    gc.collect()
    cells = population_grid(net)
    n_per_kind = max(10, round(200 * n_edges / 5e6))
    services = service_points(net, n_per_kind)
    sites = pick_sites(net, args.sites, seed=5)
    print(f"  network: {net.n_nodes:,} nodes, {net.n_arcs:,} directed arcs; {len(cells):,} populated 1 km cells "
          f"({cells['population'].sum():,.0f} people); {len(services):,} services ({n_per_kind} of each of "
          f"{len(KINDS)} kinds); {len(sites)} catchment sites", flush=True)
    step("snapping indexes, summer and winter (prepare_snapping)",
         lambda: [prepare_snapping(net, s) for s in ("summer", "winter")], rows, size)
    acc = step(f"access: {len(cells):,} cells x {len(KINDS)} kinds x 2 seasons (here)",
               lambda: service_access(net, services, cells, minutes=SERVICE_MINUTES), rows, size)
    if args.no_catchments:
        print("  load average after: " + " / ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)
        return
    cat = step(f"catchments: {len(sites)} sites x {len(MINUTES)} bands + nearest split (here)",
               lambda: catchments_by_batches(net, sites, minutes=MINUTES, direction="from_site"), rows, size)
    if args.dask:
        engine = NetworkEngine("dask", n_workers=args.workers)
        acc_d = step(f"access on a local cluster ({args.workers} workers)",
                     lambda: service_access(net, services, cells, minutes=SERVICE_MINUTES,
                                            options=ServiceAccessOptions(engine=engine)), rows, size)
        cat_d = step(f"catchments on a local cluster ({args.workers} workers)",
                     lambda: catchments_by_batches(net, sites, minutes=MINUTES, direction="from_site",
                                                   engine=engine), rows, size)
        print(f"  identical to the local run: access {same_access(acc.residents, acc_d.residents)}, "
              f"catchments {same_catchments(cat, cat_d)}", flush=True)
    print("  load average after: " + " / ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[500_000, 1_600_000, 5_000_000],
                    help="directed edges of the synthetic networks")
    ap.add_argument("--sites", type=int, default=100, help="catchment sites")
    ap.add_argument("--dask", action="store_true", help="also run access and catchments on a local cluster")
    ap.add_argument("--workers", type=int, default=2, help="worker processes of the local cluster")
    ap.add_argument("--csv", type=Path, help="write the rows to this CSV")
    ap.add_argument("--no-catchments", action="store_true", help="stop after the access step")
    args = ap.parse_args(argv)
    for name in ("jokkgeo", "distributed"):  # unreachable cells and worker start-up are not the point here
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    print(f"# scale workload: {os.cpu_count()} cores ({psutil.cpu_count(logical=False)} physical), "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB memory; wall seconds, one run per step")
    rows: list[dict[str, Any]] = []
    for n in args.sizes:
        run_size(n, args, rows)
    table = pd.DataFrame(rows)
    print("\n" + table.pivot(index="step", columns="size", values="seconds").round(1).to_string())
    if args.csv:
        table.to_csv(args.csv, index=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
