"""Compare two jokkgeo output folders (or files): tables and GeoPackage layers.

Used to show that a refactoring left results unchanged::

    python scripts/compare_outputs.py OLD NEW [--atol 1e-9]

where OLD and NEW each hold what these commands wrote (run from the project folder, once
with the old code and once with the new)::

    jokkgeo report --out DIR/report
    jokkgeo report --lang en --no-figures --out DIR/report_en
    jokkgeo catchments --out DIR/catch.gpkg
    jokkgeo catchments --season winter --out DIR/catch_w.gpkg
    jokkgeo conflicts --out DIR/conf.gpkg
    jokkgeo influence --out DIR/infl
    jokkgeo compare --scenario kallak_road --out DIR/cmp.gpkg

For every ``.gpkg`` (each layer), ``.csv`` and ``.tif`` present in OLD it reports
whether NEW holds the same rows, columns, values (numbers within ``--atol``
relative tolerance) and geometries (exactly equal after normalisation, or within
``--geom-tol`` metres Hausdorff distance). Exit status 0 when everything matches,
1 otherwise (each difference printed on one line).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd


def _frame_diff(a: pd.DataFrame, b: pd.DataFrame, rtol: float) -> list[str]:
    out: list[str] = []
    if list(a.columns) != list(b.columns):
        missing = [c for c in a.columns if c not in b.columns]
        extra = [c for c in b.columns if c not in a.columns]
        out.append(f"columns differ: missing {missing}, extra {extra}")
    if len(a) != len(b):
        out.append(f"{len(a)} rows before, {len(b)} after")
        return out
    for col in [c for c in a.columns if c in b.columns and c != "geometry"]:
        x, y = a[col], b[col]
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            xv, yv = x.to_numpy(dtype=float), y.to_numpy(dtype=float)
            ok = np.isclose(xv, yv, rtol=rtol, atol=rtol, equal_nan=True)
            if not ok.all():
                i = int(np.flatnonzero(~ok)[0])
                out.append(f"column {col}: {int((~ok).sum())} values differ (row {i}: {xv[i]!r} -> {yv[i]!r})")
        else:
            xs = np.array([("<NA>" if pd.isna(v) else str(v)) for v in x], dtype=object)
            ys = np.array([("<NA>" if pd.isna(v) else str(v)) for v in y], dtype=object)
            bad = xs != ys
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                out.append(f"column {col}: {int(bad.sum())} values differ (row {i}: {xs[i]!r} -> {ys[i]!r})")
    return out


def _geom_diff(a, b, tol: float) -> list[str]:
    import shapely

    ga, gb = np.asarray(a.geometry.array), np.asarray(b.geometry.array)
    if len(ga) != len(gb):
        return []
    same = shapely.equals_exact(shapely.normalize(ga), shapely.normalize(gb), tolerance=1e-6)
    same |= shapely.is_empty(ga) & shapely.is_empty(gb)
    if same.all():
        return []
    idx = np.flatnonzero(~same)
    d = shapely.hausdorff_distance(ga[idx], gb[idx])
    worst = float(np.nanmax(d)) if len(d) else 0.0
    if worst <= tol:
        return []
    return [f"geometry: {len(idx)} features differ, Hausdorff up to {worst:.3g} m"]


def compare_gpkg(old: Path, new: Path, rtol: float, tol: float) -> list[str]:
    import geopandas as gpd
    import pyogrio

    out: list[str] = []
    la = {n for n, _ in pyogrio.list_layers(old)}
    lb = {n for n, _ in pyogrio.list_layers(new)}
    for name in sorted(la - lb):
        out.append(f"layer {name}: missing")
    for name in sorted(lb - la):
        out.append(f"layer {name}: new")
    for name in sorted(la & lb):
        a = gpd.read_file(old, layer=name)
        b = gpd.read_file(new, layer=name)
        diffs = _frame_diff(a, b, rtol)
        if "geometry" in a.columns and "geometry" in b.columns and isinstance(a, gpd.GeoDataFrame):
            diffs += _geom_diff(a, b, tol)
        out += [f"layer {name}: {d}" for d in diffs]
    return out


def compare_tif(old: Path, new: Path, rtol: float) -> list[str]:
    import rasterio

    with rasterio.open(old) as a, rasterio.open(new) as b:
        if a.shape != b.shape or a.transform != b.transform:
            return [f"grid differs: {a.shape} {a.transform} -> {b.shape} {b.transform}"]
        x, y = a.read(), b.read()
    if not np.allclose(x, y, rtol=rtol, atol=rtol, equal_nan=True):
        return [f"values differ (max abs {float(np.nanmax(np.abs(x - y))):.3g})"]
    return []


def _read_csv(path: Path) -> pd.DataFrame:
    """A jokkgeo CSV table, comma- or semicolon-separated (with or without a BOM)."""
    first = path.read_text(encoding="utf-8-sig").split("\n", 1)[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    return pd.read_csv(path, sep=sep, encoding="utf-8-sig", decimal="," if sep == ";" else ".")


def compare(old: Path, new: Path, rtol: float = 1e-9, tol: float = 0.0) -> list[str]:
    """Differences between two output files or folders, one line each."""
    pairs = [(old, new)] if old.is_file() else [
        (p, new / p.relative_to(old)) for p in sorted(old.rglob("*")) if p.suffix in (".gpkg", ".csv", ".tif")
    ]
    out: list[str] = []
    for a, b in pairs:
        rel = a.name if old.is_file() else a.relative_to(old).as_posix()
        if not b.exists():
            out.append(f"{rel}: missing in {new}")
            continue
        if a.suffix == ".gpkg":
            diffs = compare_gpkg(a, b, rtol, tol)
        elif a.suffix == ".csv":
            diffs = _frame_diff(_read_csv(a), _read_csv(b), rtol)
        else:
            diffs = compare_tif(a, b, rtol)
        out += [f"{rel}: {d}" for d in diffs]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("--atol", type=float, default=1e-9, help="relative tolerance of numbers")
    ap.add_argument("--geom-tol", type=float, default=0.0, help="Hausdorff tolerance of geometries (m)")
    args = ap.parse_args(argv)
    diffs = compare(args.old, args.new, args.atol, args.geom_tol)
    for d in diffs:
        print(d)
    print(f"{len(diffs)} difference(s)" if diffs else "identical")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
