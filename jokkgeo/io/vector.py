"""Read vector data into GeoDataFrames in EPSG:3006 (SWEREF 99 TM).

PROVISIONAL minimal version: the foundation work replaces the body with the full
loaders (zip, CSV, OSM, encodings, CRS traps, geometry repair) keeping these
signatures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from jokkgeo.catalogue import LayerSpec
from jokkgeo.settings import WORKING_CRS


@dataclass
class LoadReport:
    """What happened while loading one layer: counts of every drop and repair."""

    path: Path
    layer: str | None = None
    source_crs: str | None = None
    n_read: int = 0
    n_null_dropped: int = 0
    n_empty_dropped: int = 0
    n_repaired: int = 0
    n_filtered: int = 0
    z_dropped: bool = False
    geometry_types: dict[str, int] = field(default_factory=dict)
    bounds: tuple[float, float, float, float] | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class LoadedLayer:
    """A loaded layer: data in EPSG:3006 plus its load report (and spec if any)."""

    gdf: gpd.GeoDataFrame
    report: LoadReport
    spec: LayerSpec | None = None


def read_vector(path: str | Path, *, layer: str | None = None, crs: str | None = None) -> LoadedLayer:
    """Read one vector file into EPSG:3006."""
    path = Path(path)
    gdf = gpd.read_file(path, layer=layer)
    if gdf.crs is None and crs:
        gdf = gdf.set_crs(crs)
    report = LoadReport(path=path, layer=layer, source_crs=str(gdf.crs), n_read=len(gdf))
    gdf = gdf.to_crs(WORKING_CRS)
    return LoadedLayer(gdf, report)


def read_layer(spec: LayerSpec) -> LoadedLayer:
    """Read the layer a spec describes, apply renames/filters, return it in EPSG:3006."""
    loaded = read_vector(spec.source.path, layer=spec.source.layer, crs=spec.source.crs)
    gdf = loaded.gdf.rename(columns=dict(spec.rename))
    for column, values in spec.where.items():
        gdf = gdf[gdf[column].isin(values)]
    loaded.gdf = gdf
    loaded.spec = spec
    return loaded
