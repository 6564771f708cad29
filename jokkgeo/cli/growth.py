"""``jokkgeo growth``: where newcomers could live — the in-migration model of a study or scenario.

Writes one GeoPackage with the layers

``growth_settlements``
    settlement points, one row per settlement and year: new residents, households, dwellings
    needed and wanted, housing capacity, shortfall/surplus, children 1–5 and 6–15;
``growth_sites``
    site points, one row per site with new jobs and year: jobs, local hires, long-distance
    commuters, in-migrant workers, housed and unhoused households, share in the municipality;
``growth_flows``
    lines settlement -> site per year: where each site's in-migrant households would live;
``jobs_by_year``
    jobs per site and year (construction, operation);
``parameters`` and ``warnings``
    every parameter with its source ("assumption" where none), and what went wrong.

Not a forecast: every figure follows from the scenario's parameters (``docs/growth.md``).
Years are given as ``--years 2026 2030 2035`` (or ``--years 2026,2030``).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import click

from jokkgeo.cli.options import (
    allow_outside_option,
    catalog_option,
    is_quiet,
    language_option,
    make_settings,
    overwrite_option,
    read_scenario_set,
    scenarios_dir_option,
    season_option,
    step_echo,
    verbosity_options,
)
from jokkgeo.i18n import text

log = logging.getLogger(__name__)


def parse_years(first: str | None, more: tuple[str, ...]) -> list[int] | None:
    """``--years 2026 2030`` / ``--years 2026,2030`` -> ``[2026, 2030]`` (``None`` when not given).

    Parameters
    ----------
    first
        The value right after ``--years``.
    more
        Further years typed after it (``--years 2026 2030 2035``).
    """
    from jokkgeo.errors import AnalysisError
    from jokkgeo.workflows.growth import check_years

    if first is None:
        if more:
            raise click.UsageError(f"unexpected argument(s) {' '.join(more)}; years go after --years "
                                   "(e.g. --years 2026 2030)")
        return None
    items = [p for piece in (first, *more) for p in piece.replace(",", " ").split()]
    try:
        return check_years(items)
    except AnalysisError as exc:
        raise click.BadParameter(str(exc).removeprefix("--years: "), param_hint="--years") from None


@click.command(name="growth")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Output GeoPackage (.gpkg).")
@click.option("--scenario", default=None,
              help="Scenario name (a file scenarios/NAME.yaml): its jobs, years, housing land, roads and "
                   "parameters.growth apply.")
@scenarios_dir_option
@click.option("--years", "years_text", default=None,
              help="Years to evaluate, e.g. --years 2026 2030 2035 (default: 2026 2028 2030 2035).")
@click.argument("more_years", nargs=-1, metavar="")
@click.option("--site-ids", default=None, help="Only these sites (comma-separated site_id values).")
@season_option
@catalog_option
@overwrite_option
@allow_outside_option
@language_option
@verbosity_options
def command(out_path: Path, scenario: str | None, scenarios_dir: Path | None, years_text: str | None,
            more_years: tuple[str, ...], site_ids: str | None, season: str, catalog_dir: Path | None,
            overwrite: bool, allow_outside: bool, language: str) -> None:
    """Where newcomers could live: new jobs -> in-migrants -> settlements and dwellings (not a forecast)."""
    import pandas as pd

    from jokkgeo.errors import DataSourceError
    from jokkgeo.io.configs import read_catalogue
    from jokkgeo.io.write import check_output_path, write_gpkg_layers
    from jokkgeo.present.growth import growth_frames, growth_summary_lines
    from jokkgeo.present.metadata import command_metadata
    from jokkgeo.study.store import LayerStore
    from jokkgeo.workflows.growth import GrowthOptions, run_growth

    years = parse_years(years_text, more_years)
    if out_path.suffix.lower() != ".gpkg":
        raise DataSourceError(f"--out {out_path}: growth results are written as a GeoPackage; give a .gpkg path")
    check_output_path(out_path, overwrite=overwrite, kind="file")  # a bad --out fails now, not after the run
    settings, catalog = make_settings(catalog_dir, overwrite=overwrite, allow_outside=allow_outside,
                                      language=language)
    catalogue = read_catalogue(catalog, root=settings.project_root, allow_outside=allow_outside)
    store = LayerStore(catalogue)
    options = GrowthOptions(season=season, language=language,
                            site_ids=tuple(s.strip() for s in (site_ids or "").split(",") if s.strip()) or None)
    network = None
    source: Any = store
    if scenario is not None:
        from jokkgeo.study.scenario import prepare_studies
        from jokkgeo.workflows.catchments import roads_layer
        from jokkgeo.workflows.comparison import study_network

        scenarios = read_scenario_set(settings, scenarios_dir, catalogue, allow_outside=allow_outside)
        _base, study = prepare_studies(catalogue, scenarios, scenario=scenario, store=store)
        ctx = click.get_current_context()
        if ctx.get_parameter_source("season") == click.core.ParameterSource.DEFAULT:
            options = GrowthOptions(season=study.season, language=language, site_ids=options.site_ids)
        origin = str(study.scenario.spec_path or scenario)
        options = options.with_scenario(study.parameters.get("growth", {}), origin=origin)
        network = study_network(study, store, roads_layer(store, None), root_path=settings.project_root)
        source = study
    if years is not None:
        from dataclasses import replace

        options = replace(options, years=tuple(years))
    run = run_growth(source, options, network=network, on_step=step_echo())
    result = run.result
    layers: dict[str, Any] = dict(growth_frames(run))
    params = {**result.params, "scenario": scenario or "baseline", "warnings": result.warnings}
    if result.warnings:
        layers["warnings"] = pd.DataFrame({"warning": result.warnings})
    layers["parameters"] = pd.DataFrame({"key": list(params), "value": [
        json.dumps(v, ensure_ascii=False, default=str) for v in params.values()]})
    specs = [catalogue[lid] for lid in run.inputs if lid in catalogue]
    metadata = command_metadata("growth", specs=specs, provenance=result.provenance, language=language)
    write_gpkg_layers(layers, out_path, overwrite=overwrite, metadata=metadata)
    if not is_quiet():
        click.echo(text("cli.wrote_layers", language, path=out_path, layers=", ".join(layers)), err=True)
    for line in growth_summary_lines(result, language=language):
        click.echo(line)
    click.echo(text("cli.caveats", language))
    for c in result.caveats:
        click.echo(f"- {c}")
