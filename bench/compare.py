"""Benchmark ``jokkgeo compare``: shared work versus two independent runs, same process.

For each default scenario (``scenarios/*.yaml``) against ``baseline`` (and ``kallak_road``
against ``kallak_rail``) on the default Jokkmokk study, times:

* **shared** — what ``jokkgeo compare`` does: one :class:`~jokkgeo.workflows.comparison.StudyRunner`
  runs the baseline, then the scenario, reusing everything the scenario does not change (the
  road network is built once and edited; unchanged layers, catchments, conflict layer pairs,
  surfaces are not recomputed), then the differences;
* **separate** — the same two studies, each analysed by its own fresh runner (its own layer
  loading, network build and analyses), then the same differences.

Both paths give identical difference tables (checked). Each figure is the median of
``--repeats`` runs after one warm-up run (imports and file cache). Layer loading is included
in both paths (separate runs load the layers twice). Prints seconds and the speed-up ratio.

Run::

    .venv/bin/python bench/compare.py              # all default scenarios, 3 repeats
    .venv/bin/python bench/compare.py --repeats 1 --scenarios winter
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jokkgeo.config.layers import Catalogue  # noqa: E402
from jokkgeo.config.scenarios import ScenarioSet  # noqa: E402
from jokkgeo.io.configs import read_catalogue, read_scenarios  # noqa: E402
from jokkgeo.study.scenario import prepare_studies  # noqa: E402
from jokkgeo.workflows.comparison import StudyRunner, compare_results  # noqa: E402

PAIRS = [("baseline", "kallak_mine"), ("baseline", "kallak_road"), ("baseline", "kallak_rail"),
         ("baseline", "jokkmokk_housing"), ("baseline", "winter"), ("kallak_road", "kallak_rail")]


def shared(cat: Catalogue, scen: ScenarioSet, base_name: str, scen_name: str):
    base, other = prepare_studies(cat, scen, baseline=base_name, scenario=scen_name)
    return StudyRunner(root=ROOT).compare(base, other)


def separate(cat: Catalogue, scen: ScenarioSet, base_name: str, scen_name: str):
    base, _ = prepare_studies(cat, scen, baseline=base_name, scenario=base_name)
    other, _ = prepare_studies(cat, scen, baseline=scen_name, scenario=scen_name)
    b = StudyRunner(root=ROOT).run(base)
    s = StudyRunner(root=ROOT).run(other)
    return compare_results(b, s)


def timed(fn, *args) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t0, out


def same_tables(a, b) -> bool:
    for name in a.tables:
        x, y = a.tables[name].reset_index(drop=True), b.tables[name].reset_index(drop=True)
        try:
            pd.testing.assert_frame_equal(x, y, check_dtype=False, check_exact=False, rtol=1e-9)
        except AssertionError:
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scenarios", nargs="*", default=None, help="scenario names (default: all pairs)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    cat = read_catalogue(ROOT / "layers")
    scen = read_scenarios(ROOT / "scenarios", catalogue=cat)
    pairs = [p for p in PAIRS if args.scenarios is None or p[1] in args.scenarios]
    shared(cat, scen, *pairs[0])  # warm-up: imports, file cache, profile tables
    print(f"{'baseline':<12} {'scenario':<17} {'shared s':>9} {'separate s':>11} {'speed-up':>9}  same result")
    rows = []
    for base_name, scen_name in pairs:
        t_sh, t_se = [], []
        for _ in range(args.repeats):
            dt, a = timed(shared, cat, scen, base_name, scen_name)
            t_sh.append(dt)
            dt, b = timed(separate, cat, scen, base_name, scen_name)
            t_se.append(dt)
        sh, se = statistics.median(t_sh), statistics.median(t_se)
        ok = same_tables(a, b)
        rows.append((sh, se))
        print(f"{base_name:<12} {scen_name:<17} {sh:9.2f} {se:11.2f} {se / sh:8.2f}x  {'yes' if ok else 'NO'}")
    tot_sh, tot_se = sum(r[0] for r in rows), sum(r[1] for r in rows)
    print(f"{'total':<30} {tot_sh:9.2f} {tot_se:11.2f} {tot_se / tot_sh:8.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
