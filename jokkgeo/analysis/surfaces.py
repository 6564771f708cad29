"""Influence surfaces, linear-infrastructure density and zonal shares on a raster grid.

Everything is computed on a north-up grid in EPSG:3006 (cell size ``resolution_m``,
default 100 m). Features are rasterised with :func:`rasterio.features.rasterize`
(``all_touched=True``: every cell a feature touches is a source cell).

Zone-of-influence surfaces (after NINA's *oneimpact*; shapes in
:mod:`jokkgeo.config.rules`):

* **nearest** — the influence of the nearest source cell:
  ``f(d_min)`` with ``d_min`` the Euclidean distance between cell centres
  (:func:`scipy.ndimage.distance_transform_edt`); equals the maximum over features.
* **cumulative** — the sum over source cells of ``f(d)``: the grid of source counts
  (a point counts 1 per point; a line or polygon counts 1 in every cell it touches,
  overlapping features add up) convolved with the decay kernel
  (:func:`scipy.signal.fftconvolve`). So a long road weighs more than a short one,
  as in oneimpact's cumulative zone of influence; values are *not* bounded by 1.

Both are approximate at the scale of one cell (distances between cell centres).
The grid is padded by the largest radius before computing, so features just
outside the study area still act on it, then cropped.

Linear-infrastructure density (km/km²): line length per cell (lines split into
pieces no longer than a quarter cell, each counted in the cell of its midpoint),
summed over a square moving window of ``density_window_m`` (default 2 km, i.e.
4 km² cells as in Nellemann et al. 2001) and divided by the window area. The
thresholds 0.8 and 1.3 km/km² are from Nellemann et al. 2001.

Zonal statistics: zones (e.g. sameby polygons) are rasterised by cell centre and
counted with :func:`numpy.bincount`; areas are cell counts × cell area (approximate).
Overlapping zones are put on separate label grids so each is counted in full.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from affine import Affine
from rasterio.features import MergeAlg, rasterize
from scipy.ndimage import distance_transform_edt, uniform_filter
from scipy.signal import fftconvolve

from jokkgeo._progress import progress
from jokkgeo.analysis._common import InputLayer, as_inputs, caveats_for, select
from jokkgeo.analysis.decay import decay
from jokkgeo.config.layers import LayerSpec
from jokkgeo.config.rules import RuleSet, SurfaceRule
from jokkgeo.errors import AnalysisError
from jokkgeo.i18n import text
from jokkgeo.results import Provenance, ProvenanceFields
from jokkgeo.settings import WORKING_CRS

log = logging.getLogger(__name__)

NODATA = -9999.0
"""Nodata value of the surfaces (cells outside the study area)."""
DENSITY_THRESHOLDS_KM_PER_KM2: tuple[float, ...] = (0.8, 1.3)
"""Nellemann et al. 2001: 1.1 % of reindeer above 0.8 km/km², none above 1.3 km/km²."""
DENSITY_CITATION = (
    "Nellemann, C. et al. (2001). Polar Biology. (No reindeer in 4 km² cells above 1.3 km/km² of "
    "linear infrastructure; 1.1 % of reindeer above 0.8 km/km².)"
)
LINEAR_THEMES: tuple[str, ...] = ("roads", "rail", "power")


@dataclass(frozen=True)
class Grid:
    """A north-up raster grid in EPSG:3006: ``transform``, ``height`` × ``width`` cells of ``resolution_m``."""

    transform: Affine
    width: int
    height: int
    resolution_m: float
    crs: str = WORKING_CRS

    @classmethod
    def from_bounds(cls, bounds: Sequence[float], *, resolution_m: float = 100.0) -> Grid:
        """Grid covering ``(minx, miny, maxx, maxy)``, snapped outwards to multiples of the cell size.

        Parameters
        ----------
        bounds
            ``(minx, miny, maxx, maxy)`` in EPSG:3006 metres.
        resolution_m
            Cell size in metres.

        Examples
        --------
        >>> g = Grid.from_bounds((50, 0, 420, 180), resolution_m=100)
        >>> g.bounds, g.shape
        ((0.0, 0.0, 500.0, 200.0), (2, 5))
        """
        if not resolution_m > 0:
            raise AnalysisError(f"resolution_m must be positive metres, got {resolution_m}")
        minx, miny, maxx, maxy = (float(b) for b in bounds)
        if not (maxx > minx and maxy > miny):
            raise AnalysisError(f"grid bounds are empty: {bounds}")
        r = float(resolution_m)
        x0, y1 = math.floor(minx / r) * r, math.ceil(maxy / r) * r
        width = int(math.ceil((maxx - x0) / r))
        height = int(math.ceil((y1 - miny) / r))
        return cls(Affine(r, 0.0, x0, 0.0, -r, y1), width, height, r)

    @property
    def shape(self) -> tuple[int, int]:
        """``(height, width)`` in cells (numpy order)."""
        return (self.height, self.width)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(minx, miny, maxx, maxy)`` of the grid's outer cell edges."""
        x0, y1 = self.transform.c, self.transform.f
        return (x0, y1 - self.height * self.resolution_m, x0 + self.width * self.resolution_m, y1)

    @property
    def cell_area_m2(self) -> float:
        """Area of one cell in m²."""
        return self.resolution_m**2

    def padded(self, cells: int) -> Grid:
        """The grid grown by ``cells`` on every side.

        Parameters
        ----------
        cells
            Cells added on each side.
        """
        r = self.resolution_m
        t = Affine(r, 0.0, self.transform.c - cells * r, 0.0, -r, self.transform.f + cells * r)
        return Grid(t, self.width + 2 * cells, self.height + 2 * cells, r, self.crs)


@dataclass
class SurfaceResult(ProvenanceFields):
    """Influence surfaces and zonal shares, with the grid and provenance.

    ``surfaces`` maps names to float32 arrays on ``grid`` (``NODATA`` outside the study area):
    ``<id>_nearest``, ``<id>_cumulative`` per surface rule, ``combined_nearest`` (max over
    themes), ``combined_cumulative`` (sum over themes) and ``linear_density_km_per_km2``.
    ``zonal`` has one row per zone (e.g. sameby) with ``area_km2`` and ``share_<surface>_ge_<level>``.
    ``provenance`` holds the parameters, input layers, caveats, citations and warnings (surface
    rules without features); ``params``, ``citations``, ``caveats`` and ``warnings`` read it.
    """

    surfaces: dict[str, np.ndarray]
    grid: Grid
    zonal: pd.DataFrame = field(default_factory=pd.DataFrame)
    provenance: Provenance = field(default_factory=Provenance)
    nodata: float = NODATA






# ----------------------------------------------------------------------------- building blocks
def source_counts(geoms: Sequence[Any] | np.ndarray, grid: Grid, *, all_touched: bool = True) -> np.ndarray:
    """Number of features touching each cell (float64 grid; lines/polygons: every touched cell).

    Parameters
    ----------
    geoms
        Shapely geometries in the grid's CRS (missing and empty ones are skipped).
    grid
        The raster grid.
    all_touched
        Count every cell a feature touches (else only cells whose centre it covers).

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> source_counts([Point(50, 50), Point(60, 60)], Grid.from_bounds((0, 0, 200, 100), resolution_m=100))
    array([[2., 0.]])
    """
    geoms = [g for g in np.asarray(geoms, dtype=object) if g is not None and not g.is_empty]
    if not geoms:
        return np.zeros(grid.shape)
    return rasterize(
        ((g, 1) for g in geoms), out_shape=grid.shape, transform=grid.transform, fill=0,
        all_touched=all_touched, merge_alg=MergeAlg.add, dtype="float64",
    )


def nearest_influence(sources: np.ndarray, *, resolution_m: float, shape: str, radius_m: float) -> np.ndarray:
    """Influence of the nearest source cell (maximum over features), 0–1.

    ``sources`` is a grid whose non-zero cells hold features. Distances are between cell
    centres (0 in a source cell).

    Parameters
    ----------
    sources
        Grid of source counts (:func:`source_counts`).
    resolution_m
        Cell size in metres.
    shape, radius_m
        Decay shape and zone-of-influence radius (:func:`jokkgeo.analysis.decay.decay`).

    Examples
    --------
    >>> import numpy as np
    >>> nearest_influence(np.array([[1.0, 0, 0]]), resolution_m=100, shape="linear", radius_m=400)
    array([[1.  , 0.75, 0.5 ]])
    """
    mask = np.asarray(sources) > 0
    if not mask.any():
        return np.zeros(mask.shape)
    dist = distance_transform_edt(~mask) * float(resolution_m)
    return decay(dist, shape=shape, radius_m=radius_m)


def kernel(*, resolution_m: float, shape: str, radius_m: float) -> np.ndarray:
    """Decay kernel on the grid: ``f(distance between cell centres)`` out to ``radius_m``.

    Parameters
    ----------
    resolution_m
        Cell size in metres.
    shape, radius_m
        Decay shape and radius (m).

    Examples
    --------
    >>> kernel(resolution_m=100, shape="step", radius_m=100).astype(int).tolist()
    [[0, 1, 0], [1, 1, 1], [0, 1, 0]]
    """
    n = int(math.floor(radius_m / resolution_m))
    off = np.arange(-n, n + 1) * float(resolution_m)
    d = np.hypot(off[:, None], off[None, :])
    return decay(d, shape=shape, radius_m=radius_m)


def cumulative_influence(sources: np.ndarray, *, resolution_m: float, shape: str, radius_m: float) -> np.ndarray:
    """Sum over source cells of the decay of their distance (oneimpact's cumulative ZOI).

    ``sources`` holds the number of features per cell (:func:`source_counts`). Computed as an
    FFT convolution; round-off below 1e-9 is set to 0.

    Parameters
    ----------
    sources
        Grid of source counts.
    resolution_m
        Cell size in metres.
    shape, radius_m
        Decay shape and radius (m).

    Examples
    --------
    >>> import numpy as np
    >>> cumulative_influence(np.array([[1.0, 0, 1.0]]), resolution_m=100, shape="step", radius_m=100).round(6)
    array([[1., 2., 1.]])
    """
    src = np.asarray(sources, dtype="float64")
    if not src.any():
        return np.zeros(src.shape)
    k = kernel(resolution_m=resolution_m, shape=shape, radius_m=radius_m)
    out = fftconvolve(src, k, mode="same")
    out[np.abs(out) < 1e-9] = 0.0
    return out


def line_length_grid(geoms: Sequence[Any] | np.ndarray, grid: Grid) -> np.ndarray:
    """Length of lines (metres) per cell, each piece (≤ a quarter cell) counted at its midpoint.

    Polygons count with their boundary.

    Parameters
    ----------
    geoms
        Line or polygon geometries in the grid's CRS.
    grid
        The raster grid.

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> line_length_grid([LineString([(0, 50), (200, 50)])], Grid.from_bounds((0, 0, 200, 100), resolution_m=100))
    array([[100., 100.]])
    """
    geoms = np.asarray([g for g in np.asarray(geoms, dtype=object) if g is not None and not g.is_empty],
                       dtype=object)
    out = np.zeros(grid.shape)
    if len(geoms) == 0:
        return out
    lines = shapely.get_parts(shapely.boundary(geoms[np.isin(shapely.get_type_id(geoms), (3, 6))]))
    lines = np.concatenate([shapely.get_parts(geoms[np.isin(shapely.get_type_id(geoms), (1, 2, 5))]), lines])
    if len(lines) == 0:
        return out
    dense = shapely.segmentize(lines, grid.resolution_m / 4.0)
    coords, idx = shapely.get_coordinates(dense, return_index=True)
    same = idx[1:] == idx[:-1]
    a, b = coords[:-1][same], coords[1:][same]
    mid = (a + b) / 2.0
    seg = np.hypot(*(b - a).T)
    t = grid.transform
    col = np.floor((mid[:, 0] - t.c) / t.a).astype("int64")
    row = np.floor((mid[:, 1] - t.f) / t.e).astype("int64")
    ok = (col >= 0) & (col < grid.width) & (row >= 0) & (row < grid.height)
    flat = np.bincount(row[ok] * grid.width + col[ok], weights=seg[ok], minlength=grid.width * grid.height)
    return flat.reshape(grid.shape)


def linear_density(length_m: np.ndarray, *, resolution_m: float, window_m: float = 2000.0) -> np.ndarray:
    """Density in km/km² over a square moving window of side ``window_m`` (centred on each cell).

    Parameters
    ----------
    length_m
        Line length per cell in metres (:func:`line_length_grid`).
    resolution_m
        Cell size in metres.
    window_m
        Side of the window in metres (rounded to whole cells).

    Examples
    --------
    >>> import numpy as np
    >>> linear_density(np.full((3, 3), 1000.0), resolution_m=1000, window_m=1000)[1, 1]
    np.float64(1.0)
    """
    cells = max(1, int(round(window_m / resolution_m)))
    window_km2 = (cells * resolution_m / 1000.0) ** 2
    total_km = uniform_filter(np.asarray(length_m, dtype="float64"), size=cells, mode="constant") * cells**2 / 1000.0
    return total_km / window_km2


def _layers_of_zones(geoms: np.ndarray) -> list[np.ndarray]:
    """Split zones into groups without overlaps (greedy), so each group fits one label grid."""
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="intersects")
    sel = a < b
    a, b = a[sel], b[sel]
    if len(a):
        ov = shapely.area(shapely.intersection(geoms[a], geoms[b])) > 0
        a, b = a[ov], b[ov]
    neighbours: dict[int, set[int]] = {}
    for x, y in zip(a.tolist(), b.tolist(), strict=False):
        neighbours.setdefault(x, set()).add(y)
        neighbours.setdefault(y, set()).add(x)
    group = np.full(len(geoms), -1)
    for z in range(len(geoms)):
        taken = {group[n] for n in neighbours.get(z, ())}
        g = 0
        while g in taken:
            g += 1
        group[z] = g
    return [np.flatnonzero(group == g) for g in range(group.max() + 1)] if len(geoms) else []


def zone_labels(zones: gpd.GeoDataFrame, grid: Grid) -> list[tuple[np.ndarray, np.ndarray]]:
    """Label grids (0 = no zone, k+1 = zone at position k) and the zone positions each holds.

    Overlapping zones go to separate grids; zones are burnt in by cell centre.

    Parameters
    ----------
    zones
        Zone polygons in the grid's CRS.
    grid
        The raster grid.
    """
    geoms = np.asarray(zones.geometry.values, dtype=object)
    out = []
    for members in _layers_of_zones(geoms):
        lab = rasterize(((geoms[m], int(m) + 1) for m in members), out_shape=grid.shape, transform=grid.transform,
                        fill=0, all_touched=False, dtype="int32")
        out.append((lab, members))
    return out


def zonal_stats(
    zones: gpd.GeoDataFrame,
    surfaces: Mapping[str, np.ndarray],
    grid: Grid,
    *,
    levels: Mapping[str, Sequence[float]] | None = None,
    stats: Sequence[str] = ("mean", "max"),
    nodata: float = NODATA,
) -> pd.DataFrame:
    """Per zone: cell-count area, mean/max of each surface and the share of cells at or above levels.

    Returns a DataFrame indexed like ``zones`` with ``area_km2`` (cells × cell area), ``<name>_mean``,
    ``<name>_max`` and ``share_<name>_ge_<level>`` (0–1, of the zone's cells). Cells at ``nodata``
    are left out. Zones smaller than a cell may get no cell (NaN statistics).

    Parameters
    ----------
    zones
        Zone polygons (EPSG:3006).
    surfaces
        Name -> array on ``grid``.
    grid
        The grid of the surfaces.
    levels
        Name -> levels for the ``share_<name>_ge_<level>`` columns.
    stats
        Which of ``"mean"`` and ``"max"`` to compute.
    nodata
        Cells with this value are left out.

    Examples
    --------
    >>> import geopandas as gpd, numpy as np
    >>> from shapely.geometry import box
    >>> grid = Grid.from_bounds((0, 0, 200, 100), resolution_m=100)
    >>> zones = gpd.GeoDataFrame(geometry=[box(0, 0, 200, 100)], crs="EPSG:3006")
    >>> zonal_stats(zones, {"s": np.array([[0.2, 1.0]])}, grid, levels={"s": [0.5]}).iloc[0].tolist()
    [0.02, 0.6, 1.0, 0.5]
    """
    n = len(zones)
    out = pd.DataFrame(index=zones.index)
    counts = np.zeros(n)
    acc: dict[str, np.ndarray] = {}
    levels = levels or {}
    for lab, _members in zone_labels(zones, grid):
        flat = lab.ravel()
        counts += np.bincount(flat, minlength=n + 1)[1:]
        for name, arr in surfaces.items():
            vals = np.asarray(arr, dtype="float64").ravel()
            valid = (vals != nodata) & (flat > 0)
            fl, v = flat[valid], vals[valid]
            s = acc.setdefault(f"{name}__sum", np.zeros(n))
            s += np.bincount(fl, weights=v, minlength=n + 1)[1:]
            c = acc.setdefault(f"{name}__n", np.zeros(n))
            c += np.bincount(fl, minlength=n + 1)[1:]
            m = acc.setdefault(f"{name}__max", np.full(n, -np.inf))
            if len(fl):
                mx = np.full(n + 1, -np.inf)
                np.maximum.at(mx, fl, v)
                m[:] = np.maximum(m, mx[1:])
            for lev in levels.get(name, ()):
                key = f"share_{name}_ge_{lev:g}"
                a = acc.setdefault(key, np.zeros(n))
                a += np.bincount(fl[v >= lev], minlength=n + 1)[1:]
    out["area_km2"] = counts * grid.cell_area_m2 / 1e6
    for name in surfaces:
        nn = acc.get(f"{name}__n", np.zeros(n))
        with np.errstate(invalid="ignore", divide="ignore"):
            if "mean" in stats:
                out[f"{name}_mean"] = np.where(nn > 0, acc.get(f"{name}__sum", np.zeros(n)) / nn, np.nan)
            if "max" in stats:
                out[f"{name}_max"] = np.where(nn > 0, acc.get(f"{name}__max", np.zeros(n)), np.nan)
            for lev in levels.get(name, ()):
                key = f"share_{name}_ge_{lev:g}"
                out[key] = np.where(nn > 0, acc[key] / nn, np.nan)
    return out


# ----------------------------------------------------------------------------- the analysis
def study_area_of(boundary: gpd.GeoDataFrame | None, *, flag: str = "is_study_area") -> Any | None:
    """The study-area polygon of a boundary layer: the union of its features flagged ``flag``.

    Without a ``flag`` column every feature counts; ``None`` when there is no feature.

    Parameters
    ----------
    boundary
        Polygons in EPSG:3006 (e.g. the municipality boundary layer), or ``None``.
    flag
        Boolean column marking the features that make up the study area.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> b = gpd.GeoDataFrame({"is_study_area": [True, False]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
    ...                      crs="EPSG:3006")
    >>> study_area_of(b).bounds
    (0.0, 0.0, 1.0, 1.0)
    """
    if boundary is None:
        return None
    gdf = boundary
    if flag in gdf.columns:
        gdf = gdf[gdf[flag].astype(bool)]
    if gdf.empty:
        return None
    return shapely.union_all(gdf.geometry.values)


def _grid(inputs: Mapping[str, InputLayer], study_area: Any | None, bounds: Sequence[float] | None,
          resolution_m: float) -> Grid:
    """The output grid: ``bounds``, else the study area's bounds, else the extent of every input layer."""
    if bounds is None:
        if study_area is not None:
            bounds = shapely.bounds(study_area)
        else:
            allb = np.array([lay.gdf.total_bounds for lay in inputs.values() if len(lay.gdf)])
            if len(allb) == 0:
                raise AnalysisError("no features to build a grid from; pass bounds= or study_area=")
            bounds = (allb[:, 0].min(), allb[:, 1].min(), allb[:, 2].max(), allb[:, 3].max())
    grid = Grid.from_bounds(bounds, resolution_m=resolution_m)
    if grid.width * grid.height > 200_000_000:
        raise AnalysisError(f"grid of {grid.width}×{grid.height} cells is too large; use a coarser --resolution-m")
    return grid


def _check_study_area(study_area: Any) -> None:
    if study_area is None:
        return
    if not isinstance(study_area, shapely.Geometry) or shapely.get_type_id(study_area) not in (3, 6) \
            or study_area.is_empty:
        raise AnalysisError(
            f"study_area: expected a (Multi)Polygon in EPSG:3006 or None, got "
            f"{getattr(study_area, 'geom_type', type(study_area).__name__)}; build one from a boundary layer "
            "with jokkgeo.analysis.surfaces.study_area_of(gdf)"
        )


def _levels_by_surface(names: Sequence[str], levels: Sequence[float], cumulative_levels: Sequence[float]
                       ) -> dict[str, Sequence[float]]:
    lev: dict[str, Sequence[float]] = {}
    for name in names:
        if name.endswith("_nearest"):
            lev[name] = levels
        elif name.endswith("_cumulative"):
            lev[name] = cumulative_levels
        else:
            lev[name] = DENSITY_THRESHOLDS_KM_PER_KM2
    return lev


def _zonal(zgdf: gpd.GeoDataFrame, zones_field: str | None, surfaces: Mapping[str, np.ndarray], grid: Grid,
           levels: Mapping[str, Sequence[float]]) -> pd.DataFrame:
    """Zonal statistics of ``surfaces`` per zone; zones dissolved by ``zones_field`` when it is a column."""
    field_ok = zones_field is not None and zones_field in zgdf.columns
    if field_ok:
        zgdf = zgdf[[zones_field, zgdf.geometry.name]].dissolve(by=zones_field, as_index=False)
    zonal = zonal_stats(zgdf, surfaces, grid, levels=levels)
    if field_ok:
        zonal.insert(0, zones_field, zgdf[zones_field].to_numpy())
    return zonal


def influence_surfaces(
    layers: Mapping[str, Any],
    rules: RuleSet,
    *,
    specs: Mapping[str, LayerSpec] | None = None,
    resolution_m: float = 100.0,
    bounds: Sequence[float] | None = None,
    study_area: Any | None = None,
    levels: Sequence[float] = (0.25, 0.5, 0.75),
    cumulative_levels: Sequence[float] = (1.0, 5.0),
    density_window_m: float = 2000.0,
    zones_layer: str | None = None,
    zones_field: str | None = None,
    language: str = "sv",
) -> SurfaceResult:
    """Zone-of-influence surfaces per development theme and combined, density and zonal shares.

    Parameters
    ----------
    layers
        Layer id -> GeoDataFrame or LoadedLayer (EPSG:3006); themes from their specs or ``specs``.
    rules
        Rule set whose ``surfaces`` section lists the sources (:func:`jokkgeo.io.configs.load_rules`).
    specs
        Layer specs for layers given as bare GeoDataFrames.
    resolution_m
        Cell size in metres (default 100).
    bounds
        Grid extent ``(minx, miny, maxx, maxy)``; default: the bounds of ``study_area``, else the
        extent of every given layer (sources, linear layers and zones).
    study_area
        A (Multi)Polygon (EPSG:3006) that masks the output: cells it does not touch get
        :data:`NODATA`. ``None`` (default): no mask; every cell of the grid is computed. Build it
        from a boundary layer with :func:`study_area_of`.
    levels
        Influence levels (0–1) for the shares of nearest surfaces.
    cumulative_levels
        Levels for the shares of cumulative surfaces (sums, not bounded by 1).
    density_window_m
        Side of the square window for linear-infrastructure density (m).
    zones_layer, zones_field
        Layer of polygons to summarise (e.g. ``"reindeer_samebyar"``; ``None``: no zonal table)
        and the column to dissolve them by (e.g. ``"sameby"``; ``None``: one row per feature).
    language
        ``"sv"`` or ``"en"`` for caveats and warnings.

    Returns
    -------
    SurfaceResult

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> from jokkgeo.config.rules import parse_rules
    >>> rules = parse_rules({"references": {"r": "A study"}, "rules": [{"id": "x", "development": {"layer": "a"},
    ...     "sensitive": {"layer": "b"}, "zones_m": [1], "decay": "step", "severity": "minor", "reference": "r"}],
    ...     "surfaces": [{"id": "roads", "development": {"layer": "roads"}, "radius_m": 200, "decay": "step",
    ...     "reference": "r"}]})
    >>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1000, 0)])], crs="EPSG:3006")
    >>> res = influence_surfaces({"roads": roads}, rules, bounds=(0, -500, 1000, 500))
    >>> res.grid.shape, float(res.surfaces["roads_nearest"].max())
    ((10, 10), 1.0)
    """
    if not resolution_m > 0:
        raise AnalysisError(f"resolution_m must be positive metres, got {resolution_m}")
    for lev in levels:
        if not 0 < lev <= 1:
            raise AnalysisError(f"levels must lie in (0, 1], got {lev}")
    if not isinstance(rules, RuleSet):
        raise AnalysisError(f"rules: expected a jokkgeo.config.rules.RuleSet, got {type(rules).__name__}; "
                            "read the packaged rules with jokkgeo.io.configs.load_rules()")
    _check_study_area(study_area)
    inputs = as_inputs(layers, specs)
    themes = {lid: (lay.theme or "") for lid, lay in inputs.items()}
    grid = _grid(inputs, study_area, bounds, resolution_m)
    max_r = max((s.radius_m for s in rules.surfaces), default=0.0)
    pad = int(math.ceil(max(max_r, density_window_m) / resolution_m)) + 1
    work = grid.padded(pad)
    crop = (slice(pad, pad + grid.height), slice(pad, pad + grid.width))
    surfaces: dict[str, np.ndarray] = {}
    used: list[str] = []
    citations: dict[str, str] = {}
    warnings: list[str] = []
    combined_near = np.zeros(grid.shape)
    combined_cum = np.zeros(grid.shape)
    surf_params = []
    for srule in progress(rules.surfaces, total=len(rules.surfaces), desc="influence"):
        geoms = _geoms(inputs, themes, srule)
        if len(geoms) == 0:
            log.info("surface %s: no features", srule.id)
            warnings.append(text("skipped.surface_no_features", language, rule=srule.id,
                                 selector=srule.development.describe()))
            continue
        used += srule.development.layer_ids(themes)
        src = source_counts(geoms, work)
        kw: dict[str, Any] = {"resolution_m": resolution_m, "shape": srule.decay, "radius_m": srule.radius_m}
        near = nearest_influence(src, **kw)[crop]
        cum = cumulative_influence(src, **kw)[crop]
        surfaces[f"{srule.id}_nearest"] = near
        surfaces[f"{srule.id}_cumulative"] = cum
        combined_near = np.maximum(combined_near, near)
        combined_cum = combined_cum + cum
        citations[srule.reference] = srule.citation
        surf_params.append({"id": srule.id, "decay": srule.decay, "radius_m": srule.radius_m,
                            "reference": srule.reference, "n_features": int(len(geoms))})
    surfaces["combined_nearest"] = combined_near
    surfaces["combined_cumulative"] = combined_cum
    lin_ids = sorted(lid for lid, th in themes.items() if th in LINEAR_THEMES)
    lin = [g for lid in lin_ids for g in inputs[lid].gdf.geometry.values]
    surfaces["linear_density_km_per_km2"] = linear_density(
        line_length_grid(lin, work), resolution_m=resolution_m, window_m=density_window_m)[crop]
    if lin:
        citations["nellemann2001"] = rules.references.get("nellemann2001", DENSITY_CITATION)
        used += lin_ids
    # mask outside the study area
    if study_area is not None:
        inside = rasterize([(study_area, 1)], out_shape=grid.shape, transform=grid.transform, fill=0,
                           all_touched=True, dtype="uint8").astype(bool)
    else:
        inside = np.ones(grid.shape, dtype=bool)
    for name in list(surfaces):
        arr = surfaces[name].astype("float32")
        arr[~inside] = NODATA
        surfaces[name] = arr
    zonal = pd.DataFrame()
    if zones_layer is not None and zones_layer in inputs and len(inputs[zones_layer].gdf):
        zonal = _zonal(inputs[zones_layer].gdf, zones_field, surfaces, grid,
                       _levels_by_surface(list(surfaces), levels, cumulative_levels))
        used.append(zones_layer)
    params = {
        "resolution_m": resolution_m,
        "bounds": grid.bounds,
        "shape": grid.shape,
        "crs": WORKING_CRS,
        "study_area": study_area is not None,
        "surfaces": surf_params,
        "levels": list(levels),
        "cumulative_levels": list(cumulative_levels),
        "density_window_m": density_window_m,
        "density_thresholds_km_per_km2": list(DENSITY_THRESHOLDS_KM_PER_KM2),
        "linear_layers": lin_ids,
        "zones_layer": zones_layer if not zonal.empty else None,
        "layers": sorted(set(used)),
    }
    caveats = caveats_for(inputs, used, language) + rules.caveat_texts(language) + [text("caveat.surface_cells",
                                                                                         language)]
    return SurfaceResult(surfaces=surfaces, grid=grid, zonal=zonal, provenance=Provenance(
        parameters=params, inputs=tuple(sorted(set(used))), caveats=tuple(caveats), citations=citations,
        warnings=tuple(warnings)))


def _geoms(inputs: Mapping[str, InputLayer], themes: Mapping[str, str], srule: SurfaceRule) -> np.ndarray:
    parts = []
    for lid in srule.development.layer_ids(themes):
        gdf = select(inputs[lid], srule.development.where)
        parts.append(np.asarray(gdf.geometry.values, dtype=object))
    if not parts:
        return np.empty(0, dtype=object)
    geoms = np.concatenate(parts)
    return geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
