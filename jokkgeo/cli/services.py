"""``jokkgeo services``: travel time from every resident to the nearest service of each kind.

Writes one GeoPackage with the layers

``residents``
    the population layer(s) with ``minutes_<kind>_<season>`` and ``nearest_<kind>_<season>``;
``service_load``
    every service per season: ``residents`` for whom it is the nearest of its kind, ``per_capacity``
    (and ``newcomers``, ``residents_after``, ``per_capacity_after`` with newcomers);
``newcomers``
    the newcomers with their times (with ``--newcomers``, ``--growth-year`` or a scenario's ``newcomers_layer``);
``service_bands``, ``service_summary``, ``service_worst``
    people per band (per band and cumulative), per kind/season summary, worst-served places;
``warnings``, ``parameters``
    missing kinds and unreachable places; the run's parameters (key/value rows).
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
    engine_options,
    is_quiet,
    language_option,
    make_settings,
    network_engine,
    overwrite_option,
    read_scenario_set,
    scenarios_dir_option,
    step_echo,
    verbosity_options,
)
from jokkgeo.i18n import text

log = logging.getLogger(__name__)


def _csv(values: tuple[str, ...] | str | None) -> list[str]:
    if values is None:
        return []
    items = [values] if isinstance(values, str) else list(values)
    return [v.strip() for item in items for v in item.split(",") if v.strip()]


def _seasons(values: tuple[str, ...]) -> tuple[str, ...] | None:
    from jokkgeo.network.profiles import available_profiles

    chosen = _csv(values)
    if not chosen:
        return None
    known = list(available_profiles())
    bad = [s for s in chosen if s not in known]
    if bad:
        raise click.BadParameter(f"{', '.join(bad)}: not a season profile; choose from {', '.join(known)}",
                                 param_hint="--season")
    return tuple(dict.fromkeys(chosen))


@click.command(name="services")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Output GeoPackage (.gpkg).")
@click.option("--season", "seasons", multiple=True,
              help="Season profile(s): repeat or comma-separate (default: summer and winter).")
@click.option("--kinds", "kinds_text", default=None,
              help="Service kinds, comma-separated (default: every kind in the services layer).")
@click.option("--minutes", "minutes_text", default=None, help="Band cut-offs in minutes (default: 10,20,30,45,60).")
@click.option("--scenario", default=None, help="Apply scenarios/NAME.yaml first (services and people it changes).")
@scenarios_dir_option
@click.option("--newcomers", "newcomers_layer", default=None,
              help="Layer of newcomers (points with 'population') added for the 'after growth' load.")
@click.option("--growth-year", "growth_year", type=int, default=None,
              help="Add the newcomers of the in-migration model in this year (the 'after growth' load).")
@click.option("--population", "population_text", default=None,
              help="Population layers, comma-separated (default: every population-theme layer).")
@click.option("--services", "services_text", default=None,
              help="Services layers, comma-separated (default: every services-theme layer).")
@click.option("--roads", "roads_layer", default=None, help="Road layer (default: the catalogue's roads-theme layer).")
@engine_options("Where the kinds and seasons are routed: here, or on a dask cluster (same results).")
@catalog_option
@overwrite_option
@allow_outside_option
@language_option
@verbosity_options
def command(out_path: Path, seasons: tuple[str, ...], kinds_text: str | None, minutes_text: str | None,
            scenario: str | None, scenarios_dir: Path | None, newcomers_layer: str | None, growth_year: int | None,
            population_text: str | None, services_text: str | None, roads_layer: str | None, engine: str,
            scheduler: str | None, n_workers: int,
            catalog_dir: Path | None, overwrite: bool, allow_outside: bool, language: str) -> None:
    """Travel time from every resident to the nearest school, health centre, shop … (summer and winter)."""
    import pandas as pd

    from jokkgeo.cli.catchments import parse_minutes
    from jokkgeo.errors import DataSourceError
    from jokkgeo.io.configs import read_catalogue
    from jokkgeo.io.write import check_output_path, write_gpkg_layers
    from jokkgeo.present.metadata import command_metadata
    from jokkgeo.present.services import missing_kind_notes, service_summary_lines, service_tables
    from jokkgeo.study.store import LayerStore
    from jokkgeo.workflows.services import ServiceOptions, run_services

    minutes = tuple(parse_minutes(minutes_text)) if minutes_text is not None else None
    cluster = network_engine(engine, scheduler, n_workers)
    season_list = _seasons(seasons)
    if out_path.suffix.lower() != ".gpkg":
        raise DataSourceError(f"--out {out_path}: services are written as a GeoPackage; give a .gpkg path")
    check_output_path(out_path, overwrite=overwrite, kind="file")  # a bad --out fails now, not after the run
    settings, catalog = make_settings(catalog_dir, overwrite=overwrite, allow_outside=allow_outside)
    catalogue = read_catalogue(catalog, root=settings.project_root, allow_outside=allow_outside)
    scen = None
    if scenario is not None:
        scen = read_scenario_set(settings, scenarios_dir, catalogue, allow_outside=allow_outside)[scenario]
    options = ServiceOptions(
        kinds=tuple(_csv(kinds_text)) or None, seasons=season_list, minutes=minutes,
        population_layers=tuple(_csv(population_text)) or None, services_layers=tuple(_csv(services_text)) or None,
        newcomers_layer=newcomers_layer, growth_year=growth_year, roads_layer=roads_layer, language=language,
        engine=cluster)
    store = LayerStore(catalogue)
    run = run_services(store, options, scenario=scen, root_path=settings.project_root, on_step=step_echo())
    result = run.result
    tables = service_tables(result, language, headers=False)
    layers: dict[str, Any] = {"residents": result.residents, "service_load": result.load}
    if result.newcomers is not None:
        layers["newcomers"] = result.newcomers
    layers.update({name: tables[name] for name in ("service_bands", "service_summary", "service_worst")})
    params = {**result.params, "scenario": scenario or "baseline", "services_layers": run.services_layers,
              "population_layers": run.population_layers, "roads_layer": run.roads_layer,
              "warnings": result.warnings}
    if result.warnings:  # missing kinds and unreachable places: in the GeoPackage, not only on stderr
        layers["warnings"] = pd.DataFrame({"warning": result.warnings})
    layers["parameters"] = pd.DataFrame({"key": list(params), "value": [json.dumps(v, ensure_ascii=False, default=str)
                                                                         for v in params.values()]})
    specs = [run.study.spec(lid) for lid in run.inputs if lid in run.study]
    metadata = command_metadata("services", specs=specs, provenance=result.provenance, language=language)
    write_gpkg_layers(layers, out_path, overwrite=overwrite, metadata=metadata)
    if not is_quiet():
        click.echo(text("cli.wrote_layers", language, path=out_path, layers=", ".join(layers)), err=True)
        for note in missing_kind_notes(result, language):
            click.echo(note, err=True)
    for line in service_summary_lines(result, language):
        click.echo(line)
