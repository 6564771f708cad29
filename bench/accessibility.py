"""Benchmark accessibility (100,000 places to the nearest of 50 sites) against KD-tree + one Dijkstra.

Issue 16's targets, per synthetic network (10k, 100k, 1M directed edges; the networks, sites and
places of ``bench/catchments.py``):

* **index build**: :func:`jokkgeo.analysis.accessibility.prepare_snapping` (both snapping indexes:
  all open roads and the roads no season closes; the road points ``network.samples`` are built
  first and timed apart) — target at most 5 s at 1M edges;
* **warm call** (index built, site snaps kept, as in a loop of questions on one network):
  :func:`~jokkgeo.analysis.accessibility.accessibility` (``per_site=False``) against the
  baseline with the **same threads** — jokkgeo ``SnapOptions(threads=1)`` against a KD-tree query
  with ``workers=1``, and jokkgeo on all cores against ``workers=-1`` — target at most 1.3×;
* **cold call**: the first call on a network whose routing arrays exist but that has no snapping
  structure yet (no index, no road points, no STR-trees, no site snaps), default options —
  target at most 3× the baseline; also the **one-off** call with only the index missing (road
  points, STR-trees and site snaps kept, as after a catchment run on the same network).

Baseline: ``scipy.spatial.cKDTree`` over all nodes (built in every call), places and sites snapped
to their nearest node, one multi-source ``scipy.sparse.csgraph.dijkstra(min_only=True)`` on the
reversed graph (the place and site coordinates are handed to it ready-made: the baseline's
timing leaves out reading them from the GeoDataFrames, jokkgeo's includes it).

Baseline and jokkgeo run in interleaved rounds in one process; medians are reported, with the load
average before and after. Checks: jokkgeo's cold, warm one-thread, warm all-cores and STR-tree
(``SnapOptions(index="tree")``) calls give the same minutes on every place (max |difference|), and
the median |difference| to the baseline's node-snapped minutes.

Run (PYTHONPATH = repository root)::

    PYTHONPATH=$PWD .venv/bin/python bench/accessibility.py                 # 10k, 100k, 1M (a few minutes)
    PYTHONPATH=$PWD .venv/bin/python bench/accessibility.py --edges 10000 100000 --rounds 3
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

sys.path.insert(0, str(Path(__file__).resolve().parent))

from catchments import pick_sites, random_places, synthetic_roads  # noqa: E402

from jokkgeo.analysis.accessibility import SnapOptions, accessibility, prepare_snapping  # noqa: E402
from jokkgeo.network.graph import graph_from_lines  # noqa: E402

MINUTES = (15, 30, 60, 90)
SNAP_CACHE = ("piece_grid", "piece_tree", "strtree", "samples", "node_tree", "snap_sites")
"""Cache entries of a network that belong to snapping (dropped for a cold call)."""


def load() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def drop_snapping(net, keys: tuple[str, ...] = SNAP_CACHE) -> None:
    """Forget the network's snapping structures (index, road points, STR-trees, site snaps)."""
    for k in list(net._cache):
        name = k[0] if isinstance(k, tuple) else k
        if name in keys:
            del net._cache[k]


def baseline(net, rcsr, pxy: np.ndarray, sxy: np.ndarray, workers: int) -> np.ndarray:
    """KD-tree snapping to nodes + one multi-source Dijkstra on the reversed graph: minutes per place."""
    tree = cKDTree(np.column_stack([net.node_x, net.node_y]))
    _, pn = tree.query(pxy, workers=workers)
    _, sn = tree.query(sxy, workers=workers)
    d = dijkstra(rcsr, directed=True, indices=sn, min_only=True)
    return d[pn] / 60.0


def clock(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def run(n_edges: int, n_places: int, n_sites: int, rounds: int, build_rounds: int) -> dict:
    t_net, net = clock(graph_from_lines, synthetic_roads(n_edges))
    sites = pick_sites(net, n_sites)
    places = random_places(net, n_places)
    print(f"\n== synthetic {n_edges:,}: {net.n_arcs:,} directed edges, {net.n_nodes:,} nodes "
          f"(built in {t_net:.1f} s); {n_places:,} places, {n_sites} sites; load {load()}", flush=True)
    rcsr = net.csr("summer", reverse=True)  # routing arrays exist in every scenario (the baseline gets them too)
    net.travel_time("summer")
    pxy = np.column_stack([places.geometry.x, places.geometry.y])
    sxy = np.column_stack([sites.geometry.x, sites.geometry.y])
    kw = dict(minutes=MINUTES, per_site=False)
    one = SnapOptions(index="grid", threads=1)
    allc = SnapOptions(index="grid", threads=-1)

    # index build: road points once, then both indexes (dropped and rebuilt per round)
    t_samples, _ = clock(net.samples, 200.0)
    builds = []
    for _ in range(build_rounds):
        drop_snapping(net, ("piece_grid",))
        gc.collect()
        builds.append(clock(prepare_snapping, net, "summer")[0])
    t_build = float(np.median(builds))

    # warm up both sides (site snaps, node KD-tree of the baseline's first call, etc.)
    accessibility(net, sites, places, snap_options=one, **kw)
    baseline(net, rcsr, pxy, sxy, 1)
    times: dict[str, list[float]] = {k: [] for k in ("base1", "ours1", "base_all", "ours_all", "cold", "base_cold",
                                                     "oneoff")}
    results = {}
    for _ in range(rounds):  # interleaved: baseline, jokkgeo, baseline, jokkgeo, ...
        t, base = clock(baseline, net, rcsr, pxy, sxy, 1)
        times["base1"].append(t)
        t, results["warm_1"] = clock(accessibility, net, sites, places, snap_options=one, **kw)
        times["ours1"].append(t)
        times["base_all"].append(clock(baseline, net, rcsr, pxy, sxy, -1)[0])
        t, results["warm_all"] = clock(accessibility, net, sites, places, snap_options=allc, **kw)
        times["ours_all"].append(t)
    for _ in range(rounds):  # cold: no snapping structure at all, default options
        times["base_cold"].append(clock(baseline, net, rcsr, pxy, sxy, -1)[0])
        saved = dict(net._cache)
        drop_snapping(net)
        gc.collect()
        t, results["cold"] = clock(accessibility, net, sites, places, **kw)
        times["cold"].append(t)
        net._cache.clear()
        net._cache.update(saved)
        drop_snapping(net, ("piece_grid",))  # one-off: only the index missing (road points, trees, site snaps kept)
        gc.collect()
        t, results["oneoff"] = clock(accessibility, net, sites, places, **kw)
        times["oneoff"].append(t)
        net._cache.clear()
        net._cache.update(saved)
    results["tree"] = accessibility(net, sites, places, snap_options=SnapOptions(index="tree"), **kw)
    med = {k: float(np.median(v)) for k, v in times.items()}

    ref = results["warm_1"].places["minutes_nearest"].to_numpy()
    diffs = {k: np.abs(r.places["minutes_nearest"].to_numpy() - ref) for k, r in results.items()}
    same = {k: float(np.nanmax(v, initial=0.0)) for k, v in diffs.items()}
    n_differ = {k: int((v > 1e-9).sum()) for k, v in diffs.items()}
    nan_same = all(np.array_equal(np.isnan(r.places["minutes_nearest"].to_numpy()), np.isnan(ref))
                   for r in results.values())
    both = np.isfinite(base) & np.isfinite(ref)
    med_diff = float(np.median(np.abs(ref[both] - base[both])))
    row = {
        "edges": net.n_arcs, "samples_s": t_samples, "build_s": t_build, "builds": builds,
        **{f"{k}_s": v for k, v in med.items()},
        "ratio_1thread": med["ours1"] / med["base1"], "ratio_all": med["ours_all"] / med["base_all"],
        "ratio_cold": med["cold"] / med["base_cold"], "max_diff_between_jokkgeo_runs_min": max(same.values()),
        "unreachable_same": nan_same, "n_places_differ": max(n_differ.values()),
        "median_diff_vs_baseline_min": med_diff,
    }
    print(f"  road points (network.samples, 200 m) {t_samples:.2f} s; both snapping indexes (prepare_snapping) "
          f"median {t_build:.2f} s of {', '.join(f'{b:.2f}' for b in builds)}")
    print(f"  warm, one thread : jokkgeo {med['ours1']:.3f} s | baseline {med['base1']:.3f} s | "
          f"ratio {row['ratio_1thread']:.2f}")
    print(f"  warm, all cores  : jokkgeo {med['ours_all']:.3f} s | baseline {med['base_all']:.3f} s | "
          f"ratio {row['ratio_all']:.2f}")
    print(f"  cold (no index)  : jokkgeo {med['cold']:.3f} s | baseline {med['base_cold']:.3f} s | "
          f"ratio {row['ratio_cold']:.2f} | one-off with only the index missing (as after a catchment run): "
          f"{med['oneoff']:.3f} s, ratio {med['oneoff'] / med['base_cold']:.2f}")
    print(f"  same minutes in every jokkgeo run (cold, warm 1 / all threads, STR-tree): max |diff| "
          f"{row['max_diff_between_jokkgeo_runs_min']:.2g} min on {n_differ} places (ties: a place exactly as near "
          f"to two roads meeting at a node), same unreachable places: {nan_same}; "
          f"median |diff| to the node-snapped baseline {med_diff:.2f} min; load {load()}", flush=True)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edges", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--places", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds per measurement (medians)")
    parser.add_argument("--build-rounds", type=int, default=3)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    warnings.simplefilter("ignore")
    print(f"load average (1, 5, 15 min) at start: {load()}; cores: {os.cpu_count()}", flush=True)
    rows = [run(n, args.places, args.sites, args.rounds, args.build_rounds) for n in args.edges]
    print("\n| edges | index build (both) | warm 1 thread: jokkgeo / baseline | warm all cores | cold | one-off | "
          "same minutes | median diff vs baseline |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['edges']:,} | {r['build_s']:.2f} s | {r['ours1_s']:.3f} / {r['base1_s']:.3f} s = "
              f"**{r['ratio_1thread']:.2f}** | {r['ours_all_s']:.3f} / {r['base_all_s']:.3f} s = "
              f"**{r['ratio_all']:.2f}** | {r['cold_s']:.3f} / {r['base_cold_s']:.3f} s = **{r['ratio_cold']:.2f}** | "
              f"{r['oneoff_s']:.3f} s = {r['oneoff_s'] / r['base_cold_s']:.2f} | "
              f"{r['max_diff_between_jokkgeo_runs_min']:.1g} min | {r['median_diff_vs_baseline_min']:.2f} min |")
    print(f"load average (1, 5, 15 min) at end: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
