"""Check that the outputs of every command are unchanged against a baseline folder.

Usage::

    python bench/outputs_unchanged.py BASELINE_DIR NEW_DIR [BASELINE_PROJECT NEW_PROJECT]

(the project folders, when they differ, are replaced in ``manifest.json`` before comparing)

Both folders hold what these commands wrote (run from the project folder)::

    jokkgeo report --out DIR/report                 > DIR/report.log 2>&1
    jokkgeo report --lang en --no-figures --out DIR/report_en > DIR/report_en.log 2>&1
    jokkgeo catchments --out DIR/catch.gpkg          > DIR/catch.txt 2>&1
    jokkgeo catchments --season winter --out DIR/catch_w.gpkg > DIR/catch_w.txt 2>&1
    jokkgeo conflicts --out DIR/conf.gpkg            > DIR/conf.txt 2>&1
    jokkgeo influence --out DIR/infl                 > DIR/infl.txt 2>&1
    jokkgeo compare --scenario kallak_road --out DIR/cmp.gpkg > DIR/cmp.txt 2>&1
    jokkgeo compare --scenario jokkmokk_housing --out DIR/cmp2.gpkg > DIR/cmp2.txt 2>&1

GeoPackage layers are compared as tables (geometry as WKB), GeoTIFFs as arrays, CSV and
text after replacing the folder names, ``manifest.json`` without ``created_utc`` and checksums;
HTML and figures byte for byte. Prints one line per difference, or ``ALL SAME``.
"""
import json
import sys
from pathlib import Path
import pandas as pd, pyogrio, numpy as np
B, O = Path(sys.argv[1]), Path(sys.argv[2])
RA, RB = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else ("\0", "\0")
bad = []
def gpkg(a, b):
    la = [n for n, _ in pyogrio.list_layers(a)]; lb = [n for n, _ in pyogrio.list_layers(b)]
    if la != lb: bad.append(f"{b}: layers {la} != {lb}"); 
    for n in la:
        if n not in lb: continue
        x = pyogrio.read_dataframe(a, layer=n); y = pyogrio.read_dataframe(b, layer=n)
        try:
            if "geometry" in x:
                gx, gy = x.geometry.to_wkb(), y.geometry.to_wkb()
                if not (gx.values == gy.values).all(): bad.append(f"{b}:{n}: geometry differs")
                x, y = pd.DataFrame(x.drop(columns="geometry")), pd.DataFrame(y.drop(columns="geometry"))
            pd.testing.assert_frame_equal(x, y)
        except Exception as e:
            bad.append(f"{b}:{n}: {str(e)[:300]}")
def text(a, b):
    import re
    strip = lambda t: re.sub(r" in [0-9.]+ s ", " in T s ", re.sub(r"\n(real|user|sys)\t.*", "", t)).rstrip()
    ta = strip(a.read_text().replace(str(B), "X")); tb = strip(b.read_text().replace(str(O), "X"))
    if ta != tb:
        import difflib
        bad.append(f"{b}: text differs\n" + "".join(list(difflib.unified_diff(ta.splitlines(1), tb.splitlines(1), n=0))[:40]))
for f in sorted(B.iterdir()):
    g = O / f.name
    if f.is_dir(): continue
    if not g.exists(): bad.append(f"missing {g}"); continue
    if f.suffix == ".gpkg": gpkg(f, g)
    elif f.suffix in (".txt", ".log", ".csv"): text(f, g)
    elif f.suffix == ".html":
        if f.read_bytes() != g.read_bytes(): bad.append(f"{g}: html bytes differ")
for d in ("infl",):
    for f in sorted((B / d).iterdir()):
        g = O / d / f.name
        if not g.exists(): bad.append(f"missing {g}"); continue
        if f.suffix == ".tif":
            import rasterio
            with rasterio.open(f) as r1, rasterio.open(g) as r2:
                if not np.array_equal(r1.read(), r2.read(), equal_nan=True) or r1.transform != r2.transform: bad.append(f"{g}: raster differs")
        else: text(f, g)
for d in ("report", "report_en"):
    if not (O / d).exists(): bad.append(f"missing {O/d}"); continue
    for f in sorted((B / d).rglob("*")):
        if f.is_dir(): continue
        rel = f.relative_to(B / d); g = O / d / rel
        if not g.exists(): bad.append(f"missing {g}"); continue
        if f.suffix == ".gpkg": gpkg(f, g)
        elif f.suffix == ".csv": text(f, g)
        elif f.name == "manifest.json":
            a = json.loads(f.read_text().replace(RA, "/R")); b = json.loads(g.read_text().replace(RB, "/R"))
            for k in ("created_utc", "outputs_sha256"): a.pop(k, None); b.pop(k, None)
            if a != b:
                for k in a:
                    if a[k] != b.get(k): bad.append(f"{g}: manifest key {k} differs")
        elif f.suffix in (".html", ".tif", ".png", ".svg", ".pdf"):
            if f.read_bytes() != g.read_bytes(): bad.append(f"{g}: bytes differ")
    for g in sorted((O / d).rglob("*")):
        if not (B / d / g.relative_to(O / d)).exists(): bad.append(f"extra {g}")
print("\n".join(bad) or "ALL SAME")
