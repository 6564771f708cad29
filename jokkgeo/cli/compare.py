"""``jokkgeo compare``: run a baseline and a scenario and report their differences.

Prints the written summary. With ``--out FILE.gpkg`` it also writes, next to the
GeoPackage (layers ``catchment_changes``, ``conflict_changes``, ``crossing_changes``,
``catchments_baseline``, ``catchments_scenario``; EPSG:3006):

* ``FILE__<table>.csv`` — ``catchment_totals``, ``access_changes``, ``conflict_changes``,
  ``sameby_changes``, ``crossing_changes``, ``layer_changes``, ``growth_changes``,
  ``service_changes``, ``service_load_changes`` (UTF-8);
* ``FILE__summary.txt`` — the written summary;
* ``FILE__map.html`` — the offline difference map: baseline and scenario side by side, two
  synchronised maps; ``FILE__map.png`` — the matching two-panel figure.

Nothing is written when any of these exists, unless ``--overwrite``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click
import pandas as pd

from jokkgeo import i18n
from jokkgeo.cli.options import (
    allow_outside_option,
    catalog_option,
    language_option,
    make_settings,
    overwrite_option,
    read_scenario_set,
    scenarios_dir_option,
    step_echo,
    verbosity_options,
)
from jokkgeo.errors import DataSourceError, OutputExistsError

log = logging.getLogger(__name__)

TABLES: tuple[str, ...] = (
    "catchment_totals",
    "access_changes",
    "conflict_changes",
    "sameby_changes",
    "crossing_changes",
    "layer_changes",
    "growth_changes",
    "service_changes", "service_load_changes",
)


def output_paths(out: Path, *, figure: bool = True) -> dict[str, Path]:
    """Every file ``write_comparison`` writes for ``out`` (a ``.gpkg`` path).

    Parameters
    ----------
    out
        The ``.gpkg`` path given with ``--out``.
    figure
        Include the print figure files.
    """
    if out.suffix.lower() != ".gpkg":
        raise DataSourceError(f"{out}: --out must be a GeoPackage path ending in .gpkg")
    stem = out.with_suffix("")
    paths = {"gpkg": out}
    paths.update({name: Path(f"{stem}__{name}.csv") for name in TABLES})
    paths["summary"] = Path(f"{stem}__summary.txt")
    paths["map"] = Path(f"{stem}__map.html")
    if figure:
        paths["figure"] = Path(f"{stem}__map.png")
    return paths


def write_comparison(comp: Any, out: Path, *, language: str = "sv", overwrite: bool = False,
                     figure: bool = True, summary: str | None = None) -> dict[str, Path]:
    """Write the layers, tables, summary, map and figure of a comparison (atomic per file).

    Parameters
    ----------
    comp
        The :class:`~jokkgeo.workflows.comparison.Comparison` to write.
    out
        The ``.gpkg`` path; the other files are written next to it.
    language
        ``"sv"`` or ``"en"``.
    overwrite
        Replace existing files.
    figure
        Also write the print figure.
    summary
        Summary text (default: built from ``comp``).
    """
    from jokkgeo.io.write import write_figure, write_gpkg_layers, write_table, write_text
    from jokkgeo.present.comparison import comparison_document, pane_titles, result_layers, summary_text
    from jokkgeo.present.metadata import command_metadata, comparison_specs
    from jokkgeo.render.compare import comparison_figure_of, comparison_html

    paths = output_paths(out, figure=figure)
    existing = [str(p) for p in paths.values() if p.exists()]
    if existing and not overwrite:
        raise OutputExistsError(f"{', '.join(existing)} already exist(s); pass --overwrite to replace")
    layers = {name: gdf for name, gdf in result_layers(comp).items()}
    metadata = command_metadata("compare", specs=comparison_specs(comp), provenance=comp, language=language)
    write_gpkg_layers(layers, paths["gpkg"], overwrite=overwrite, metadata=metadata)
    for name in TABLES:
        write_table(pd.DataFrame(comp.tables[name]), paths[name], overwrite=overwrite, metadata=metadata)
    write_text(paths["summary"], summary or summary_text(comp, language=language), overwrite=overwrite)
    doc = comparison_document(comp, language=language)
    from jokkgeo.present.context import map_context  # background water, place labels, tiles

    doc.context = map_context(comp.baseline.study.store, language=language, exclude=[lay.id for lay in doc.layers])
    titles = pane_titles(comp, language)
    write_text(paths["map"], comparison_html(doc, titles=titles), overwrite=overwrite)  # side by side, synced
    if figure:
        study = comp.baseline.study  # the municipal outline for the locator map, as in the report
        locator = study.layer("boundary") if "boundary" in study else None
        fig, _axes = comparison_figure_of(doc, titles=titles, locator=locator)
        write_figure(fig, paths["figure"].with_suffix(""), formats=("png",), dpi=150, overwrite=overwrite)
        import matplotlib.pyplot as plt

        plt.close(fig)
    return paths


@click.command(name="compare")
@click.option("--baseline", default="baseline", show_default=True,
              help="Scenario to compare against ('baseline' = the study without changes).")
@click.option("--scenario", required=True, help="Scenario name (a file scenarios/NAME.yaml).")
@scenarios_dir_option
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Output GeoPackage; tables, summary, map and figure are written next to it.")
@click.option("--no-figure", is_flag=True, help="Skip the static PNG figure.")
@catalog_option
@overwrite_option
@allow_outside_option
@language_option
@verbosity_options
def command(baseline: str, scenario: str, scenarios_dir: Path | None, out_path: Path | None, no_figure: bool,
            catalog_dir: Path | None, overwrite: bool, allow_outside: bool, language: str) -> None:
    """Compare a scenario with the baseline (or another scenario) and print the differences."""
    from jokkgeo.io.configs import read_catalogue
    from jokkgeo.io.write import check_output_path
    from jokkgeo.present.comparison import summary_text
    from jokkgeo.workflows.comparison import run_comparison

    settings, catalog_dir = make_settings(catalog_dir, overwrite=overwrite, allow_outside=allow_outside,
                                          language=language)
    if out_path is not None:
        paths = output_paths(out_path, figure=not no_figure)
        check_output_path(out_path, overwrite=True, kind="file")  # name, folder: before any other look at it
        existing = [str(p) for p in paths.values() if p.exists()]
        if existing and not overwrite:  # fail before the (long) run
            raise OutputExistsError(f"{', '.join(existing)} already exist(s); pass --overwrite to replace")
        for path in paths.values():  # read-only folder, newline or too-long name: now, not after the run
            check_output_path(path, overwrite=overwrite, kind="file")
    catalogue = read_catalogue(catalog_dir, allow_outside=allow_outside)
    scenarios = read_scenario_set(settings, scenarios_dir, catalogue, allow_outside=allow_outside)
    comp, _base, _scen = run_comparison(catalogue, scenarios, scenario=scenario, baseline=baseline,
                                        root=settings.project_root, language=language, allow_outside=allow_outside,
                                        on_step=step_echo())
    text = summary_text(comp, language=language)
    if out_path is not None:
        written = write_comparison(comp, out_path, language=language, overwrite=overwrite,
                                   figure=not no_figure, summary=text)
        text += "\n" + i18n.text("cli.written", language) + "\n"
        text += "\n".join(f"- {p}" for p in written.values()) + "\n"
    click.echo(text, nl=False)
