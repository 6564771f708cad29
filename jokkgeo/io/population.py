"""Reading population layers: SCB grid tables (grid ids or corner coordinates) become cell polygons.

A layer spec with ``population.grid`` names a *table* (CSV, or a GeoPackage/Shapefile/... whose
geometry, if any, is ignored): the grid id column (SCB ``rutid_scb``, ``Ruta``, ``RutID``) or the
coordinate columns and the cell size give each row its square (EPSG:3006). Any other population layer
(SCB grid polygons, DeSO/RegSO polygons, tätort points, addresses) is read like every vector layer
(:func:`jokkgeo.io.vector.read_layer`). The standard columns, spreading and the notes saying every
conversion are added by :func:`jokkgeo.analysis.population.population_layer` (called by the store).

CSV tables are read as text (so 13-digit ids keep every digit), UTF-8 or Windows-1252, delimiter
sniffed; counts with a decimal comma or spaces as thousands separators are accepted.
"""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from jokkgeo.analysis.population import cells_from_coordinates, cells_from_grid_ids
from jokkgeo.config.layers import LayerSpec
from jokkgeo.errors import DataLayerError, DataSourceError
from jokkgeo.io.vector import CSV_SUFFIXES, LoadedLayer, LoadReport, check_input_path, read_layer
from jokkgeo.settings import WORKING_CRS

log = logging.getLogger(__name__)


def read_grid_table(path: str | Path, *, layer: str | None = None, encoding: str | None = None,
                    delimiter: str | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Read a table of grid cells without interpreting any geometry (CSV as text; other formats by GDAL).

    Parameters
    ----------
    path
        ``.csv``/``.txt`` or a vector file (GeoPackage, Shapefile, ...) whose attributes are the table.
    layer
        Layer of a multi-layer file.
    encoding, delimiter
        CSV text options (else detected).

    Returns
    -------
    tuple
        The table and notes (encoding fallbacks, ignored geometry).
    """
    from jokkgeo.io.csvfile import read_text_table

    p = check_input_path(path)
    notes: list[str] = []
    if p.suffix.lower() in CSV_SUFFIXES:
        frame, _enc, _sep = read_text_table(p, encoding=encoding, delimiter=delimiter, notes=notes)
        return frame, notes
    if p.suffix.lower() == ".zip":
        raise DataSourceError(f"{p}: grid tables are read from CSV or an unzipped GeoPackage/Shapefile; unzip it")
    import pyogrio

    from jokkgeo.io.sniff import gdal_guard

    try:
        with gdal_guard():
            frame = pyogrio.read_dataframe(p, layer=layer, read_geometry=False, encoding=encoding)
    except Exception as exc:  # pyogrio raises its own DataSourceError/DataLayerError types
        raise DataSourceError(f"{p}: cannot read the table ({exc})") from None
    notes.append("the file's own geometry (if any) is ignored: cells are built from population.grid")
    return pd.DataFrame(frame), notes


def read_population(spec: LayerSpec) -> LoadedLayer:
    """Read a population layer: grid tables become cell polygons, anything else is read as a vector layer.

    ``attributes.rename`` and ``attributes.where`` apply to grid tables as to other layers.
    The standard columns and spreading are added by the store
    (:func:`jokkgeo.analysis.population.population_layer`).

    Parameters
    ----------
    spec
        A population-theme layer spec.

    Raises
    ------
    jokkgeo.errors.DataLayerError
        A grid column missing or bad grid ids (the spec file, key and rows named).
    """
    grid = spec.population.grid if spec.population is not None else None
    if grid is None:
        return read_layer(spec)
    src = spec.source
    origin = f"{spec.spec_path} (layer '{spec.id}')"
    frame, notes = read_grid_table(src.path, layer=src.layer, encoding=src.encoding, delimiter=src.delimiter)
    report = LoadReport(path=Path(src.path), layer=src.layer, format="table", n_read=len(frame))
    report.notes.extend(notes)
    if frame.empty:
        raise DataLayerError(f"{origin}: {Path(src.path).name} has no rows")
    missing = [c for c in spec.rename if c not in frame.columns]
    if missing:
        raise DataLayerError(f"{spec.spec_path}: key 'attributes.rename': column(s) {', '.join(missing)} not in "
                             f"{Path(src.path).name}; available: {', '.join(map(str, frame.columns))}")
    frame = frame.rename(columns=dict(spec.rename))
    if spec.where:
        mask = np.ones(len(frame), dtype=bool)
        for column, values in spec.where.items():
            if column not in frame.columns:
                raise DataLayerError(f"{spec.spec_path}: key 'attributes.where': column '{column}' not in "
                                     f"{Path(src.path).name}; available: {', '.join(map(str, frame.columns))}")
            mask &= frame[column].astype(str).isin([str(x) for x in values]).to_numpy()
        report.n_filtered = int((~mask).sum())
        frame = frame.loc[mask].reset_index(drop=True)
    needed = [c for c in (grid.id, grid.x, grid.y) if c is not None]
    absent = [c for c in needed if c not in frame.columns]
    if absent:
        key = "population.grid.id" if grid.id is not None else "population.grid.x/y"
        raise DataLayerError(f"{origin}: key '{key}': column(s) {', '.join(absent)} not in {Path(src.path).name}; "
                             f"available: {', '.join(map(str, frame.columns))}")
    if grid.id is not None:
        geoms = cells_from_grid_ids(frame[grid.id], cell_m=grid.cell_m, origin=origin)
        report.notes.append(f"{len(frame)} cell(s) built from SCB grid ids in '{grid.id}' "
                            "(lower-left corner, SWEREF 99 TM)")
    else:
        assert grid.x is not None and grid.y is not None and grid.cell_m is not None
        x = frame[grid.x].astype(str).str.replace(",", ".", regex=False).str.replace(r"\s", "", regex=True)
        y = frame[grid.y].astype(str).str.replace(",", ".", regex=False).str.replace(r"\s", "", regex=True)
        geoms = cells_from_coordinates(x, y, cell_m=grid.cell_m, corner=grid.corner, origin=origin)
        report.notes.append(f"{len(frame)} cell(s) of {grid.cell_m:g} m built from {grid.corner.replace('_', '-')} "
                            f"coordinates in '{grid.x}'/'{grid.y}' (SWEREF 99 TM)")
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, index=frame.index), crs=WORKING_CRS)
    if spec.keep is not None:
        absent = [c for c in spec.keep if c not in gdf.columns]
        if absent:
            raise DataLayerError(f"{spec.spec_path}: key 'attributes.keep': column(s) {', '.join(absent)} not in "
                                 f"{Path(src.path).name}")
        gdf = gdf[[*(c for c in spec.keep if c != "geometry"), "geometry"]]
    report.n_features = len(gdf)
    report.geometry_types = {"Polygon": len(gdf)}
    report.bounds = tuple(float(v) for v in gdf.total_bounds) if len(gdf) else None  # type: ignore[assignment]
    for note in report.notes:
        log.info("%s: %s", origin, note)
    return LoadedLayer(gdf, report, spec)


__all__ = ["read_grid_table", "read_population"]
