"""Benchmark the conflict overlay engine against buffer-then-``geopandas.overlay``.

Workloads (EPSG:3006 coordinates, metres):

* ``10k x 1k``  : 10,000 small development polygons against 1,000 sensitive polygons;
* ``100k x 10k``: 100,000 against 10,000, with sensitive boundaries at 10 m, 5 m and 2.5 m vertex
  spacing (~800, ~1,600, ~3,200 vertices per polygon: the speed-up grows with the detail);
* ``default``   : the default Jokkmokk study (``data/jokkmokk.gpkg``, ``layers/``), if built.

Synthetic data: sensitive polygons are a Voronoi tessellation of random seeds over a
square whose size keeps ~1 km² per polygon; development polygons are random squares
(10–60 m) with a zone of influence of 25 m. Baseline, in the same run: buffer the
development polygons by the zone and ``geopandas.overlay(how="intersection")``.
The baseline runs in one thread (``geopandas.overlay`` is single-threaded). The jokkgeo local
engine (:func:`jokkgeo.analysis.conflicts.conflicts`, one process) is timed twice: with one thread
(``n_jobs=1``) and with its default threads (``n_jobs=None``: a thread per available core; shapely 2
releases the GIL, so the threads share the CPU-bound GEOS work); the Dask engine runs on 2 worker
processes. Both ratios are printed, each against its target from issue #16 (one thread ≥ 5×,
default threads ≥ 10×) in a closing row per workload: the one-thread ratio compares like with
like, the default-thread ratio is what a user of ``jokkgeo conflicts`` gets on this machine. All
must give the same pieces and the same total intersection area (1e-6 relative). The engine call
computes its full default output — the pieces (geometries) plus distances, overlap with the
development feature, zone bands and the conflict table — not only what overlay returns.

Reference rows time ``shapely.buffer`` alone (paid by both methods) and the intersections of the
buffers that cross a sensitive boundary alone (pairs found outside the timing): buffer + these
intersections is GEOS work this method cannot skip, and the overlay time divided by it bounds the
ratios. Under each local-engine row, a ``steps`` row splits the engine's time
(``params["step_seconds"]`` of the median run): buffer, classify (STR-tree queries), intersect (cut
pairs), measure (distances, inner zones), summed over threads, then the serial table assembly. For
the one-thread run, buffer + classify + intersect are GEOS work this method cannot skip, so the
overlay time divided by their sum bounds the one-thread ratio. The load average is printed before
and after every workload: the machine has 2 cores shared with other jobs, so compare ratios
measured in the same run.

Run::

    .venv/bin/python bench/conflicts.py            # all workloads
    .venv/bin/python bench/conflicts.py --quick    # 10k x 1k only
    .venv/bin/python bench/conflicts.py --only "100k x 10k" --repeat 5   # one workload
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from jokkgeo.analysis._common import available_cores
from jokkgeo.analysis.conflicts import conflicts
from jokkgeo.config.rules import parse_rules

ZONE_M = 25.0
SENS_SIDE_M = 2000.0  # sensitive polygons average 4 km² (Nellemann et al.'s cell size)
VERTEX_SPACING_M = 10.0


def synthetic(n_dev: int, n_sens: int, seed: int = 0, spacing_m: float | None = None
              ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    rng = np.random.default_rng(seed)
    side = np.sqrt(n_sens) * SENS_SIDE_M
    x0, y0 = 600_000.0, 7_300_000.0
    seeds = shapely.points(rng.uniform(x0, x0 + side, n_sens), rng.uniform(y0, y0 + side, n_sens))
    extent = shapely.box(x0, y0, x0 + side, y0 + side)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=extent))
    cells = shapely.intersection(cells, extent)
    # digitised-boundary detail: 50 m vertex spacing, displaced by a smooth wiggle (±12 m) that is a
    # function of position, so shared edges stay shared (real sensitive layers have hundreds of
    # vertices per polygon; straight Voronoi edges would flatter the overlay baseline)
    dense = shapely.segmentize(cells, spacing_m or VERTEX_SPACING_M)

    def wiggle(xy: np.ndarray) -> np.ndarray:
        return xy + 12.0 * np.sin(xy[:, ::-1] / np.array([37.0, 53.0]))

    cells = shapely.make_valid(shapely.transform(dense, wiggle))
    sens = gpd.GeoDataFrame({"id": np.arange(len(cells))}, geometry=cells, crs="EPSG:3006")
    cx = rng.uniform(x0, x0 + side, n_dev)
    cy = rng.uniform(y0, y0 + side, n_dev)
    half = rng.uniform(5.0, 30.0, n_dev)
    dev = gpd.GeoDataFrame({"id": np.arange(n_dev)}, geometry=shapely.box(cx - half, cy - half, cx + half, cy + half),
                           crs="EPSG:3006")
    return dev, sens


RULES = parse_rules({
    "references": {"bench": "synthetic benchmark rule"},
    "rules": [{"id": "bench", "development": {"layer": "dev"}, "sensitive": {"layer": "sens"},
               "zones_m": [ZONE_M], "decay": "step", "severity": "major", "reference": "bench"}],
}, "bench")


def baseline(dev: gpd.GeoDataFrame, sens: gpd.GeoDataFrame) -> tuple[float, float, int]:
    t0 = time.perf_counter()
    buf = gpd.GeoDataFrame({"dev_id": dev["id"]}, geometry=dev.geometry.buffer(ZONE_M, quad_segs=16), crs=dev.crs)
    out = gpd.overlay(buf, sens, how="intersection")
    sec = time.perf_counter() - t0
    return sec, float(out.geometry.area.sum()), len(out)


def buffer_only(dev: gpd.GeoDataFrame) -> tuple[float]:
    t0 = time.perf_counter()
    shapely.buffer(dev.geometry.values, ZONE_M, quad_segs=16)
    return (time.perf_counter() - t0,)


def cut_intersections_only(dev: gpd.GeoDataFrame, sens: gpd.GeoDataFrame) -> tuple[float, int]:
    """Seconds of the intersections the method cannot skip: the buffers that cross a sensitive boundary.

    The pairs are found outside the timing (STR-tree query of the buffers with the prepared boundaries)
    and taken in the engine's order (development features along the Hilbert curve); only
    ``shapely.intersection`` of those pairs is timed. Buffer + these intersections is the GEOS work
    every run of this method pays, whatever it does to classify and measure.
    """
    buf = shapely.buffer(dev.geometry.values, ZONE_M, quad_segs=16)
    boundary = shapely.boundary(sens.geometry.values)
    shapely.prepare(boundary)
    j, i = shapely.STRtree(buf).query(boundary, predicate="intersects")
    rank = np.argsort(np.argsort(dev.geometry.hilbert_distance().to_numpy(), kind="stable"))
    order = np.lexsort((j, rank[i]))
    a, b = buf[i[order]], sens.geometry.values[j[order]]
    t0 = time.perf_counter()
    shapely.intersection(a, b)
    return time.perf_counter() - t0, len(i)


TARGETS = {"local1": 5.0, "localN": 10.0}  # issue #16: speed-up over the one-thread overlay


def load_average() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # not available on this platform
        return "n/a"


CORES = available_cores()
# method -> (engine, n_jobs, label); the local engine once with one thread, once with all cores
ENGINES = {
    "local1": ("local", 1, "jokkgeo local engine, 1 thread (n_jobs=1, all outputs)"),
    "localN": ("local", None, f"jokkgeo local engine, default threads: {CORES} in one process (n_jobs=None, "
                              "all outputs)"),
    "dask": ("dask", 1, "jokkgeo dask engine (2 worker processes, 1 thread each)"),
}


def engine(dev, sens, kind: str) -> tuple[float, float, int, dict[str, float]]:
    which, n_jobs, _ = ENGINES[kind]
    t0 = time.perf_counter()
    res = conflicts({"dev": dev, "sens": sens}, rules=RULES, engine=which, n_workers=2, n_jobs=n_jobs,
                    with_crossings=False, with_summaries=False)
    sec = time.perf_counter() - t0
    return sec, float(res.table["zoi_area_m2"].sum()), len(res.table), res.params.get("step_seconds", {})


STEPS = ("buffer", "classify", "intersect", "measure")


def step_rows(name: str, kind: str, steps: dict[str, float], overlay_sec: float) -> list[str]:
    """Where the local engine's time went (``params["step_seconds"]`` of the median run)."""
    if not steps or kind == "dask":
        return []
    threads = ENGINES[kind][1] or CORES
    per = ", ".join(f"{k} {steps.get(k, 0.0):.2f}" for k in STEPS)
    unit = "s" if threads == 1 else f"thread-s over {threads} threads"
    rows = [f"|   | steps ({unit}): {per}; then tables {steps.get('tables', 0.0):.2f} s, selecting features "
            f"{steps.get('prepare', 0.0):.2f} s | | | | | |"]
    if threads == 1:
        # buffer, STR-tree classification and the cut-pair intersections are GEOS calls every run of this method
        # pays; their sum bounds the one-thread ratio whatever the rest costs
        core = sum(steps.get(k, 0.0) for k in ("buffer", "classify", "intersect"))
        rows.append(f"|   | (buffer + classify + intersect = {core:.2f} s in GEOS: one-thread ratio at most "
                    f"{overlay_sec / core:.2f} with this method) | | | | | |")
    return rows


def median_run(fn, repeat: int):
    runs = [fn() for _ in range(repeat)]
    secs = sorted(r[0] for r in runs)
    return (secs[len(secs) // 2], *runs[0][1:])


def run_workload(name: str, dev, sens, repeat: int) -> list[str]:
    # rounds interleave the methods, so a burst of load from other jobs hits all of them alike
    methods = {"overlay": lambda: baseline(dev, sens), "buffer": lambda: buffer_only(dev),
               "cut": lambda: cut_intersections_only(dev, sens)}
    methods.update({kind: (lambda kind=kind: engine(dev, sens, kind)) for kind in ENGINES})
    runs: dict[str, list[tuple]] = {m: [] for m in methods}
    for _ in range(repeat):
        for m, fn in methods.items():
            runs[m].append(fn())

    def med(m: str) -> tuple:  # the run with the median time
        by_time = sorted(runs[m], key=lambda r: r[0])
        return by_time[len(by_time) // 2]

    rows = []
    b_sec, b_area, b_n = med("overlay")
    rows.append(f"| {name} | buffer + geopandas.overlay (1 thread) | {b_sec:.2f} | 1.00 | {b_n} | {b_area:.6e} | – |")
    (buf_sec,) = med("buffer")
    rows.append(f"| {name} | (reference: shapely.buffer alone, paid by both) | {buf_sec:.2f} | | | | |")
    cut_sec, n_cut = med("cut")
    floor = buf_sec + cut_sec
    rows.append(f"| {name} | (reference: intersections of the {n_cut} buffers that cross a boundary, alone) | "
                f"{cut_sec:.2f} | | | | |")
    rows.append(f"|   | (buffer + these intersections = {floor:.2f} s of GEOS work this method cannot skip: at most "
                f"{b_sec / floor:.1f}× on one thread, {CORES * b_sec / floor:.1f}× on {CORES} threads if they "
                f"scaled perfectly and classification, measures and tables were free) | | | | | |")
    ratios = {}
    for kind in ENGINES:
        sec, area, n, steps = med(kind)
        rel = abs(area - b_area) / b_area
        label = ENGINES[kind][2]
        rows.append(f"| {name} | {label} | {sec:.2f} | {b_sec / sec:.2f} | {n} | {area:.6e} | {rel:.1e} |")
        if rel > 1e-6 or n != b_n:
            rows.append(f"|   | MISMATCH: {kind} differs from overlay (pieces {n} vs {b_n}, rel {rel:.2e}) | | | | | |")
        rows += step_rows(name, kind, steps, b_sec)
        ratios[kind] = b_sec / sec
    verdict = "; ".join(
        f"{'one thread' if kind == 'local1' else f'default threads ({CORES})'} {ratios[kind]:.2f}× "
        f"(target ≥ {TARGETS[kind]:g}×: {'met' if ratios[kind] >= TARGETS[kind] else 'NOT met'})" for kind in TARGETS)
    rows.append(f"|   | **{name}: {verdict}** | | | | | |")
    return rows


def default_study(repeat: int) -> list[str]:
    root = Path(__file__).resolve().parents[1]
    if not (root / "data" / "jokkmokk.gpkg").exists():
        return ["| default | (data/jokkmokk.gpkg not built; skipped) | | | | | |"]
    from jokkgeo.io.configs import load_rules, read_catalogue
    from jokkgeo.workflows.conflicts import load_rule_layers

    rules = load_rules()
    cat = read_catalogue(root / "layers")
    layers = load_rule_layers(cat, rules)
    # baseline: per rule and layer pair, buffer the development features by the outer zone + overlay
    from jokkgeo.analysis._common import as_inputs, select

    inputs = as_inputs(layers)
    themes = {k: v.theme or "" for k, v in inputs.items()}
    def base() -> tuple[float, float]:
        t0 = time.perf_counter()
        total = 0.0
        for rule in rules.rules:
            for dl in rule.development.layer_ids(themes):
                dev = select(inputs[dl], rule.development.where)
                if dev.empty:
                    continue
                buf = gpd.GeoDataFrame(geometry=dev.geometry.buffer(rule.radius_m, quad_segs=16), crs=dev.crs)
                for sl in rule.sensitive.layer_ids(themes):
                    sens = select(inputs[sl], rule.sensitive.where)
                    sens = sens[sens.geom_type.isin(["Polygon", "MultiPolygon"])]
                    if sens.empty:
                        continue
                    out = gpd.overlay(buf, sens[[sens.geometry.name]], how="intersection")
                    total += float(out.geometry.area.sum())
        return time.perf_counter() - t0, total

    b_sec, b_area = median_run(base, repeat)
    rows = [f"| default | buffer + geopandas.overlay (polygon layers, outer zone, 1 thread) | {b_sec:.2f} | 1.00 | | "
            f"{b_area:.6e} | – |"]
    for kind in ENGINES:
        which, n_jobs, label = ENGINES[kind]

        def run(which=which, n_jobs=n_jobs):
            t0 = time.perf_counter()
            res = conflicts(layers, rules=rules, engine=which, n_workers=2, n_jobs=n_jobs, with_crossings=False,
                            with_summaries=False)
            return time.perf_counter() - t0, res

        sec, res = median_run(run, repeat)
        # same measure as the baseline: polygon sensitive features, outermost zone
        poly = res.table[res.table["sens_area_m2"] > 0]
        area = float(poly["zoi_area_m2"].sum())
        rel = abs(area - b_area) / b_area if b_area else 0.0
        label = label.replace("all outputs", "all rules, all outputs")
        rows.append(f"| default | {label} | {sec:.2f} | {b_sec / sec:.2f} | {len(res.table)} | {area:.6e} | "
                    f"{rel:.1e} |")
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="only the 10k x 1k workload")
    ap.add_argument("--repeat", type=int, default=3, help="runs per method; the median is printed (default 3)")
    ap.add_argument("--only", default=None, help="run only the workload with this name (e.g. '100k x 10k')")
    args = ap.parse_args(argv)
    print(f"load average (1/5/15 min) at start: {load_average()}; {os.cpu_count()} CPUs, {CORES} available to "
          f"this process; medians of {args.repeat} interleaved runs\n")
    print("| workload | method | seconds (median) | speed-up vs overlay | pieces | total intersection area m² "
          "| rel. diff |")
    print("|---|---|---|---|---|---|---|")
    workloads = [("10k x 1k", 10_000, 1_000, None)]
    if not args.quick:
        workloads += [("100k x 10k", 100_000, 10_000, None), ("100k x 10k, 5 m vertex spacing", 100_000, 10_000, 5.0),
                      ("100k x 10k, 2.5 m vertex spacing", 100_000, 10_000, 2.5)]
    if args.only:
        workloads = [w for w in workloads if w[0] == args.only]
        if not workloads and args.only != "default":
            ap.error(f"--only {args.only!r}: no such workload")
    for name, nd, ns, spacing in workloads:
        dev, sens = synthetic(nd, ns, spacing_m=spacing)
        nv = float(np.mean(shapely.get_num_coordinates(sens.geometry.values)))
        print(f"| {name} | ({nd} development, {len(sens)} sensitive polygons, {nv:.0f} vertices each on average; "
              f"load average before: {load_average()}) | | | | | |", flush=True)
        for row in run_workload(name, dev, sens, args.repeat):
            print(row, flush=True)
        print(f"|   | (load average after: {load_average()}) | | | | | |", flush=True)
    if not args.quick and args.only in (None, "default"):
        for row in default_study(args.repeat):
            print(row, flush=True)
    print(f"\nload average (1/5/15 min) at end: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
