"""``jokkgeo catchments``: travel-time catchments of investment sites and the places they reach.

Writes one GeoPackage with the layers

``catchments``
    polygons per site and band (each site on its own; approximate, see the README);
``catchments_nearest``
    polygons per band split by the nearest site;
``site_access``
    the off-road access leg of each site to the road network;
``places_<layer>``
    each places layer (default: the population-theme layers, settlements and housing land) with ``minutes_nearest``,
    ``nearest_site_id``, ``band_minutes`` and ``minutes_<site_id>`` per site;
``band_totals``
    people (population, working_age and age groups where known), dwellings, housing-land area and
    number of places per band
    (``scope``: ``site`` each site alone, ``nearest``, ``any``);
``parameters``
    the run's parameters (minutes, season profile, speeds, snapping, grid) as key/value rows.
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
    season_option,
    step_echo,
    verbosity_options,
)
from jokkgeo.i18n import text

log = logging.getLogger(__name__)

# Ranges checked before any work (extreme values ended in "Internal error" after minutes of work)
MAX_SNAP_M = 200_000.0
"""Largest --max-snap-m: an off-road leg longer than 200 km is no catchment."""
MAX_BUFFER_M = 10_000.0
"""Largest --buffer-m (corridor half-width around reached roads)."""
MIN_CELL_M, MAX_CELL_M = 5.0, 5_000.0
"""--cell-m range: finer grids do not fit in memory on a municipality, coarser ones say nothing."""



def _csv(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def parse_minutes(value: str) -> list[float]:
    """``"15,30,60"`` -> ``[15.0, 30.0, 60.0]`` (a usage error names the bad item).

    Parameters
    ----------
    value
        Comma-separated cut-offs in minutes, as typed after ``--minutes``.
    """
    out = []
    for item in _csv(value):
        try:
            out.append(float(item))
        except ValueError:
            raise click.BadParameter(f"'{item}' is not a number of minutes (e.g. --minutes 15,30,60,90)",
                                     param_hint="--minutes") from None
    if not out:
        raise click.BadParameter("give at least one cut-off, e.g. --minutes 30,60", param_hint="--minutes")
    return out


@click.command(name="catchments")
@click.option("--sites", "sites_layer", default="investment_sites", show_default=True,
              help="Layer of sites (points or polygons) with a 'site_id' field.")
@click.option("--site-ids", default=None, help="Only these sites (comma-separated site_id values).")
@click.option("--minutes", "minutes_text", default="15,30,60,90", show_default=True,
              help="Cut-offs in minutes, comma-separated.")
@season_option
@click.option("--roads", "roads_layer", default=None, help="Road layer (default: the catalogue's roads-theme layer).")
@click.option("--places", "places_text", default=None,
              help="Place layers to rate, comma-separated (default: population-theme layers, settlements, "
                   "housing_land; 'none' for none).")
@click.option("--direction", type=click.Choice(["to_site", "from_site"]), default="to_site", show_default=True,
              help="Travel from places to the site (commuting) or from the site outwards.")
@click.option("--access-speed", "access_speed_kph", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Speed (km/h) of the straight off-road leg from a site or place to the nearest road.")
@click.option("--max-snap-m", type=click.FloatRange(min=0, max=MAX_SNAP_M, min_open=True), default=10_000.0,
              show_default=True,
              help="A site farther than this (m) from an open road is an error.")
@click.option("--buffer-m", type=click.FloatRange(min=0, max=MAX_BUFFER_M), default=250.0, show_default=True,
              help="Half-width (m) of the catchment corridor around reached roads.")
@click.option("--cell-m", type=click.FloatRange(min=MIN_CELL_M, max=MAX_CELL_M), default=50.0, show_default=True,
              help="Grid cell (m) of the approximate polygons.")
@engine_options("Where the sites' catchments are computed: here, or in batches of sites on a dask cluster "
                "(same results).")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Output GeoPackage (.gpkg).")
@catalog_option
@overwrite_option
@allow_outside_option
@language_option
@verbosity_options
def command(sites_layer: str, site_ids: str | None, minutes_text: str, season: str, roads_layer: str | None,
            places_text: str | None, direction: str, access_speed_kph: float, max_snap_m: float, buffer_m: float,
            cell_m: float, engine: str, scheduler: str | None, n_workers: int, out_path: Path,
            catalog_dir: Path | None, overwrite: bool, allow_outside: bool,
            language: str) -> None:
    """Travel-time catchments of sites, and the people and housing land inside them."""
    import geopandas as gpd
    import pandas as pd

    from jokkgeo.errors import DataSourceError
    from jokkgeo.io.configs import read_catalogue
    from jokkgeo.io.write import check_output_path, write_gpkg_layers
    from jokkgeo.present.metadata import command_metadata
    from jokkgeo.study.store import LayerStore
    from jokkgeo.workflows.catchments import CatchmentOptions, run_catchments

    minutes = parse_minutes(minutes_text)
    cluster = network_engine(engine, scheduler, n_workers)
    if out_path.suffix.lower() != ".gpkg":
        raise DataSourceError(f"--out {out_path}: catchments are written as a GeoPackage; give a .gpkg path")
    check_output_path(out_path, overwrite=overwrite, kind="file")  # a bad --out fails now, not after the run
    settings, catalog = make_settings(catalog_dir, overwrite=overwrite, allow_outside=allow_outside)
    catalogue = read_catalogue(catalog, root=settings.project_root, allow_outside=allow_outside)
    if places_text is None:
        places: tuple[str, ...] | None = None
    elif places_text.strip().lower() == "none":
        places = ()
    else:
        places = tuple(_csv(places_text))
    options = CatchmentOptions(
        minutes=tuple(minutes), season=season, sites_layer=sites_layer, site_ids=tuple(_csv(site_ids)) or None,
        roads_layer=roads_layer, place_layers=places, direction=direction, access_speed_kph=access_speed_kph,
        max_snap_m=max_snap_m, buffer_m=buffer_m, cell_m=cell_m, language=language,
        engine=cluster)
    store = LayerStore(catalogue)
    run = run_catchments(store, options, on_step=step_echo())
    result, names = run.result, run.names

    def with_names(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        out = gdf.copy()
        out.insert(1, "site_name", out["site_id"].map(names if "name" in run.sites else {}))
        out.insert(3, "season", season)
        out["area_km2"] = out["area_m2"] / 1e6
        return out

    layers: dict[str, Any] = {
        "catchments": with_names(result.polygons),
        "catchments_nearest": with_names(result.nearest),
        "site_access": result.snaps,
    }
    for pid, acc in run.places.items():
        layers[f"places_{pid}"] = acc.places
    if run.totals:
        table = pd.concat(run.totals, ignore_index=True)
        first = ["layer", "season", "scope", "site_id", "minutes"]
        layers["band_totals"] = table[[*first, *[c for c in table.columns if c not in first]]]
    params = {**result.params, "sites_layer": sites_layer, "roads_layer": run.roads_layer,
              "places_layers": list(run.places), "warnings": run.warnings}
    if run.warnings:  # unreachable places and empty bands: in the GeoPackage, not only on stderr
        layers["warnings"] = pd.DataFrame({"warning": run.warnings})
    layers["parameters"] = pd.DataFrame({"key": list(params), "value": [json.dumps(v, ensure_ascii=False, default=str)
                                                                         for v in params.values()]})
    used = [sites_layer, run.roads_layer, *run.places]
    metadata = command_metadata("catchments", specs=[catalogue[lid] for lid in used if lid in catalogue],
                                provenance=result.provenance, language=language)
    write_gpkg_layers(layers, out_path, overwrite=overwrite, metadata=metadata)
    if not is_quiet():
        click.echo(text("cli.wrote_layers", language, path=out_path, layers=", ".join(layers)), err=True)
    for line in summary_lines(result.polygons, run.totals, {pid: catalogue[pid].label(language) for pid in run.places},
                              language):
        click.echo(line)


def summary_lines(polygons: Any, totals: list[Any], labels: dict[str, str], language: str) -> list[str]:
    """One line per site and band: area and places, population and dwellings reached.

    Parameters
    ----------
    polygons
        Band polygons of the run (``site_id``, ``minutes``, ``area_m2``, ``status``).
    totals
        Band totals of each place layer (``scope``, ``site_id``, ``minutes``, ``layer``,
        ``n_places``, ``population``, ``dwellings``).
    labels
        Site id -> name shown.
    language
        ``"sv"`` or ``"en"``.
    """
    import pandas as pd

    from jokkgeo.i18n import format_number

    lang = language
    reach = pd.concat(totals, ignore_index=True) if totals else None
    lines = []
    for row in polygons.itertuples():
        minutes = format_number(row.minutes, lang, digits=2)
        parts = [text("cli.catchments.band", lang, site=row.site_id, minutes=minutes,
                      area=format_number(row.area_m2 / 1e6, lang)) if row.status == "ok"
                 else text("cli.catchments.empty", lang, site=row.site_id, minutes=minutes)]
        if reach is not None:
            sel = reach[(reach["scope"] == "site") & (reach["site_id"] == row.site_id)
                        & (reach["minutes"] == row.minutes)]
            for r in sel.itertuples():
                bits = [text("cli.catchments.places", lang, layer=labels.get(r.layer, r.layer), n=int(r.n_places))]
                if "population" in sel and pd.notna(getattr(r, "population", None)) and r.population:
                    bits.append(text("cli.catchments.population", lang, value=format_number(r.population, lang)))
                    if pd.notna(getattr(r, "working_age", None)) and r.working_age:
                        bits.append(text("population.cli_working_age", lang,
                                         value=format_number(r.working_age, lang)))
                if "dwellings" in sel and pd.notna(getattr(r, "dwellings", None)) and r.dwellings:
                    bits.append(text("cli.catchments.dwellings", lang, value=format_number(r.dwellings, lang)))
                parts.append(", ".join(bits))
        lines.append(" | ".join(parts))
    return lines
