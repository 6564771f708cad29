"""Per-site catchment time of this checkout against another git revision, side by side in one process.

The other revision's ``jokkgeo/analysis/catchments.py`` is loaded from git (``git show REF:...``)
next to this checkout's; both run the ``bench/catchments.py`` workload (synthetic network, bands
15/30/60/90 min, ``direction="from_site"``, 250 m on the 50 m grid, per-site polygons only) in
interleaved rounds, so that a busy machine slows both alike. Prints medians, their ratio, and how
far the polygons differ (relative area, symmetric difference over area).

Run::

    PYTHONPATH=$PWD .venv/bin/python bench/catchments_side_by_side.py --ref main --edges 10000 --sites 50 --rounds 5
    PYTHONPATH=$PWD .venv/bin/python bench/catchments_side_by_side.py --ref main --edges 100000 --sites 12 --rounds 3
    PYTHONPATH=$PWD .venv/bin/python bench/catchments_side_by_side.py --ref main --edges 100000 --cell 100

The first call on a network (one site) and this checkout's ``prepare_catchments`` (the per-network
nearest-piece grid, built once per network and grid) are not timed in the rounds; their times are printed.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent))

from catchments import BUFFER_M, CELL_M, MINUTES, pick_sites, synthetic_roads  # noqa: E402

from jokkgeo.analysis import catchments as current  # noqa: E402
from jokkgeo.network.graph import graph_from_lines  # noqa: E402


def load_revision(ref: str):
    """``jokkgeo.analysis.catchments`` as it is at git revision ``ref`` (a module of its own)."""
    root = Path(__file__).resolve().parents[1]
    text = subprocess.run(["git", "show", f"{ref}:jokkgeo/analysis/catchments.py"], cwd=root, check=True,
                          capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "catchments_at_ref.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location("catchments_at_ref", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ref", default="main", help="git revision to compare with")
    parser.add_argument("--edges", type=int, default=10_000)
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cell", type=float, default=CELL_M, help="cell_m for both (default: the bench's)")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    logging.basicConfig(level=logging.ERROR)
    other = load_revision(args.ref)
    print("load average (1, 5, 15 min) at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)
    net = graph_from_lines(synthetic_roads(args.edges))
    sites = pick_sites(net, args.sites)
    kw = dict(minutes=MINUTES, direction="from_site", cell_m=args.cell, buffer_m=BUFFER_M, nearest=False)
    t0 = time.perf_counter()
    current.catchments(net, sites.iloc[:1], **kw)  # warm the cached arrays
    t_first = time.perf_counter() - t0
    t0 = time.perf_counter()
    other.catchments(net, sites.iloc[:1], **kw)
    t_first_other = time.perf_counter() - t0
    t0 = time.perf_counter()
    if hasattr(current, "prepare_catchments"):
        current.prepare_catchments(net, cell_m=args.cell, buffer_m=BUFFER_M)
    print(f"first (warm-up) call, one site: {args.ref} {t_first_other:.2f} s | this checkout {t_first:.2f} s; "
          f"prepare_catchments (this checkout, once per network and grid): {time.perf_counter() - t0:.2f} s",
          flush=True)
    t_other, t_now = [], []
    for r in range(args.rounds):
        t0 = time.perf_counter()
        res_other = other.catchments(net, sites, **kw)
        t_other.append((time.perf_counter() - t0) / args.sites)
        t0 = time.perf_counter()
        res_now = current.catchments(net, sites, **kw)
        t_now.append((time.perf_counter() - t0) / args.sites)
        print(f"round {r}: {args.ref} {t_other[-1]:.4f} s/site | this checkout {t_now[-1]:.4f} s/site", flush=True)
    a, b = res_other.polygons.area_m2.to_numpy(), res_now.polygons.area_m2.to_numpy()
    old_geoms, new_geoms = res_other.polygons.geometry.values, res_now.polygons.geometry.values
    sym = shapely.area(shapely.symmetric_difference(old_geoms, new_geoms))
    m_other, m_now = np.median(t_other), np.median(t_now)
    print(f"{net.n_arcs:,} edges, {args.sites} sites, cell_m {args.cell:g}: median {args.ref} {m_other:.4f} s/site, "
          f"this checkout {m_now:.4f} s/site, ratio {m_other / m_now:.2f}")
    print(f"polygons: largest relative area difference {np.max(np.abs(b / a - 1)):.2e}, "
          f"largest symmetric difference / area {np.max(sym / a):.2e}")
    print("load average (1, 5, 15 min) at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
