"""``jokkgeo inspect PATH``: load one file with the same checks as ``layers check`` (no catalogue)."""

from __future__ import annotations

from pathlib import Path

import click

from jokkgeo.cli.options import verbosity_options
from jokkgeo.errors import JokkgeoError


@click.command(name="inspect")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--layer", default=None, help="Layer (GeoPackage layer, zip member, OSM kind roads/rail/places).")
@click.option("--crs", default=None, help="CRS of the data when the file has none or is mislabelled, e.g. EPSG:3006.")
@click.option("--encoding", default=None, help="Text encoding (Shapefile/CSV), e.g. cp1252.")
@click.option("--geometry-type", type=click.Choice(["Point", "LineString", "Polygon"]), default=None,
              help="Declared geometry type to check against.")
@verbosity_options
def command(path: Path, layer: str | None, crs: str | None, encoding: str | None, geometry_type: str | None) -> None:
    """Check one vector file or GeoTIFF and print what was found, repaired and dropped."""
    from jokkgeo.io.inspection import inspect_file

    result = inspect_file(path, layer=layer, crs=crs, encoding=encoding, geometry_type=geometry_type)
    if result.errors:
        raise JokkgeoError("; ".join(result.errors))
    rep = result.report
    lines = [f"file:       {path}"]
    if rep is not None:
        lines += [f"format:     {rep.format}" + (f" (layer {rep.layer})" if rep.layer else ""),
                  f"encoding:   {rep.encoding or '-'}",
                  f"features:   {rep.n_features} of {rep.n_read} read",
                  "geometry:   " + (", ".join(f"{k} {v}" for k, v in result.geometry_types.items()) or "-")]
    if result.raster:
        r = result.raster
        lines += [f"raster:     {r['width']} x {r['height']} cells, {r['bands']} band(s), {r['dtype']}",
                  f"cell size:  {r['cell_size_m']:.6g} m (EPSG:3006)", f"nodata:     {r['nodata']}"]
    lines.append(f"CRS:        {result.crs or '-'} -> EPSG:3006")
    if result.bounds:
        lines.append("bounds:     " + " ".join(f"{v:.1f}" for v in result.bounds) + " (EPSG:3006, m)")
    lines.append("repairs:    " + (", ".join(result.repairs) or "none"))
    if result.columns:
        lines.append("columns:    " + ", ".join(f"{c} ({t})" for c, t in result.columns.items()))
    if rep is not None:
        lines += [f"note:       {n}" for n in rep.notes]
    lines += [f"warning:    {w}" for w in result.warnings]
    click.echo("\n".join(lines))
