"""``jokkgeo influence``: zone-of-influence and linear-density rasters (GeoTIFF) plus sameby shares.

Writes into OUT: one GeoTIFF per surface (``<theme>_nearest.tif``, ``<theme>_cumulative.tif``,
``combined_nearest.tif``, ``combined_cumulative.tif``, ``linear_density_km_per_km2.tif``;
EPSG:3006, float32, tiled, deflate-compressed, nodata -9999 outside the study area),
``sameby_shares.csv`` and ``influence.json`` (parameters, citations, caveats).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from jokkgeo.cli.options import (
    allow_outside_option,
    catalog_option,
    is_quiet,
    language_option,
    make_settings,
    overwrite_option,
    verbosity_options,
)
from jokkgeo.i18n import format_number, text


@click.command(name="influence")
@click.option("--rules", "rules_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Rules YAML whose 'surfaces' section lists the sources (default: packaged rules).")
@click.option("--resolution-m", type=click.FloatRange(min=1.0, max=10_000.0), default=100.0, show_default=True,
              help="Cell size in metres.")
@click.option("--levels", default="0.25,0.5,0.75", show_default=True,
              help="Influence levels (0–1, comma-separated) for the sameby shares.")
@click.option("--density-window-m", type=click.FloatRange(min=1.0), default=2000.0, show_default=True,
              help="Side of the square window for linear-infrastructure density (m).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Output folder for the GeoTIFFs and tables.")
@catalog_option
@overwrite_option
@allow_outside_option
@language_option
@verbosity_options
def command(rules_path: Path | None, resolution_m: float, levels: str, density_window_m: float, out_dir: Path,
            catalog_dir: Path | None, overwrite: bool, allow_outside: bool, language: str) -> None:
    """Rasterise zones of influence (nearest and cumulative) and linear-infrastructure density."""
    from jokkgeo.errors import OutputExistsError
    from jokkgeo.io.configs import read_catalogue
    from jokkgeo.io.write import check_output_path, write_raster, write_table, write_text
    from jokkgeo.present.metadata import command_metadata
    from jokkgeo.study.store import LayerStore
    from jokkgeo.workflows.influence import InfluenceOptions, run_influence
    from jokkgeo.workflows.rules import resolve_rules

    try:
        level_values = tuple(float(v) for v in levels.split(",") if v.strip())
    except ValueError:
        raise click.BadParameter(f"'{levels}' is not a comma-separated list of numbers",
                                 param_hint="--levels") from None
    if not level_values or any(not 0 < v <= 1 for v in level_values):
        raise click.BadParameter("levels must lie in (0, 1]", param_hint="--levels")
    # a bad --out (read-only, newline, too long, a file in the way) fails now, not after the run
    check_output_path(out_dir / "influence.json", overwrite=True, kind="file")
    if (out_dir / "influence.json").exists() and not overwrite:
        raise OutputExistsError(f"{out_dir} already holds influence results; pass --overwrite to replace them")
    settings, catalog = make_settings(catalog_dir, overwrite=overwrite, allow_outside=allow_outside,
                                      language=language)
    rules = resolve_rules(rules_path)
    catalogue = read_catalogue(catalog, root=settings.project_root, allow_outside=allow_outside)
    store = LayerStore(catalogue, language=language)
    run = run_influence(store, rules, InfluenceOptions(resolution_m=resolution_m, levels=level_values,
                                                       density_window_m=density_window_m, language=language))
    res = run.result
    for note in run.notes:
        click.echo(note, err=True)
    h, w = res.grid.shape
    if not is_quiet():
        click.echo(text("cli.influence.grid", language, w=w, h=h, res=format_number(resolution_m, language, digits=2),
                        bounds=tuple(round(b) for b in res.grid.bounds)), err=True)
    metadata = command_metadata("influence", specs=[catalogue[lid] for lid in run.layer_ids if lid in catalogue],
                                provenance=res.provenance, language=language)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, arr in res.surfaces.items():
        path = write_raster(arr, out_dir / f"{name}.tif", transform=res.grid.transform, crs=res.grid.crs,
                            nodata=res.nodata, overwrite=overwrite, metadata=metadata)
        written.append(path.name)
    if not res.zonal.empty:
        write_table(res.zonal, out_dir / "sameby_shares.csv", overwrite=overwrite, metadata=metadata)
        written.append("sameby_shares.csv")
    meta = {"params": {**res.params, "bounds": list(res.grid.bounds), "shape": list(res.grid.shape)},
            "nodata": res.nodata, "files": written, "citations": res.citations, "caveats": res.caveats}
    write_text(out_dir / "influence.json", json.dumps(meta, ensure_ascii=False, indent=2, default=str),
               overwrite=overwrite)
    click.echo(text("cli.influence.wrote", language, n=len(written), dir=out_dir, files=", ".join(written)))
    if not res.zonal.empty and "sameby" in res.zonal.columns:
        col = f"share_combined_nearest_ge_{level_values[0]:g}"
        level = format_number(level_values[0], language, digits=2)
        click.echo(text("cli.influence.shares", language, level=level))
        for _, row in res.zonal.iterrows():
            click.echo(text("cli.influence.share", language, sameby=row["sameby"],
                            share=format_number(100 * row[col], language, digits=1),
                            area=format_number(row["area_km2"], language)))
    click.echo(text("cli.references", language))
    for key, value in res.citations.items():
        click.echo(f"  [{key}] {value}")
    click.echo(text("cli.caveats", language))
    for value in res.caveats:
        click.echo(f"  ! {value}")
