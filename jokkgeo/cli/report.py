"""``jokkgeo report``: run the map recipes and write the report bundle (the README's main job)."""

from __future__ import annotations

from pathlib import Path

import click

from jokkgeo.cli.options import (
    allow_outside_option,
    catalog_option,
    language_option,
    make_settings,
    overwrite_option,
    step_echo,
    verbosity_options,
)
from jokkgeo.i18n import text


@click.command(name="report")
@click.option("--recipes", "recipes_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of map recipes (maps/*.yaml) or one recipe file (default: maps/ of the project).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Report folder to write (index.html, maps/, figures/, results.gpkg, tables/, manifest.json).")
@click.option("--public", is_flag=True, help="Leave out restricted layers (and results derived from them).")
@click.option("--no-figures", is_flag=True, help="Skip the print figures (PNG/SVG/PDF).")
@catalog_option
@overwrite_option
@allow_outside_option
@language_option
@verbosity_options
def command(recipes_dir: Path | None, out_dir: Path, public: bool, no_figures: bool, catalog_dir: Path | None,
            overwrite: bool, allow_outside: bool, language: str) -> None:
    """Run the map recipes and write maps, figures, results and a manifest to OUT."""
    from jokkgeo.io.configs import read_catalogue
    from jokkgeo.io.write import check_output_path
    from jokkgeo.report import build_report

    check_output_path(out_dir, overwrite=overwrite, kind="dir")  # before any work: a bad --out fails in a second
    settings, catalog = make_settings(catalog_dir, overwrite=overwrite, allow_outside=allow_outside,
                                      language=language)
    catalogue = read_catalogue(catalog, root=settings.project_root, allow_outside=allow_outside)
    manifest = build_report(out_dir, settings=settings, catalogue=catalogue, recipes_dir=recipes_dir,
                            public=public, figures=not no_figures, on_step=step_echo())
    n_maps = len(manifest["recipes"])
    omitted = manifest["omitted_restricted"]
    click.echo(text("cli.report.wrote", language, path=f"{out_dir}/index.html", maps=n_maps,
                    figures=sum(len(r["figures"]) for r in manifest["recipes"]),
                    layers=len(manifest["results_gpkg_layers"])))
    if omitted:
        click.echo(text("cli.report.omitted", language, layers=", ".join(o["layer"] for o in omitted)))
    for rec in manifest["recipes"]:
        for a in rec["analyses"]:
            for note in a["notes"]:
                click.echo(text("cli.report.note", language, recipe=rec["id"], type=a["type"], note=note))
