"""``jokkgeo catchments``: travel-time catchments of investment sites and the places they reach.

Writes one GeoPackage with the layers

``catchments``
    polygons per site and band (each site on its own; approximate, see the README);
``catchments_nearest``
    polygons per band split by the nearest site;
``site_access``
    the off-road access leg of each site to the road network;
``places_<layer>``
    each places layer (default: settlements and housing land) with ``minutes_nearest``,
    ``nearest_site_id``, ``band_minutes`` and ``minutes_<site_id>`` per site;
``band_totals``
    population, dwellings, housing-land area and number of places per band
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

from jokkgeo.cli.options import allow_outside_option, catalog_option, make_settings, overwrite_option

log = logging.getLogger(__name__)

DEFAULT_PLACES = ("settlements", "housing_land")


def _csv(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def parse_minutes(value: str) -> list[float]:
    """``"15,30,60"`` -> ``[15.0, 30.0, 60.0]`` (a usage error names the bad item)."""
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


def _roads_spec(catalogue: Any, roads: str | None) -> Any:
    from jokkgeo.errors import CatalogueError

    if roads is not None:
        if roads not in set(catalogue):
            raise CatalogueError(f"--roads '{roads}' is not a layer of the catalogue; layers: {', '.join(sorted(catalogue))}")
        return catalogue[roads]
    candidates = [spec for spec in catalogue.values() if spec.theme == "roads" and spec.geometry_type == "LineString"]
    if len(candidates) == 1:
        return candidates[0]
    if "roads" in set(catalogue):
        return catalogue["roads"]
    raise CatalogueError(
        "no single roads-theme layer in the catalogue; choose one with --roads LAYER "
        f"(roads-theme layers: {', '.join(s.id for s in candidates) or 'none'})"
    )


@click.command(name="catchments")
@click.option("--sites", "sites_layer", default="investment_sites", show_default=True,
              help="Layer of sites (points or polygons) with a 'site_id' field.")
@click.option("--site-ids", default=None, help="Only these sites (comma-separated site_id values).")
@click.option("--minutes", "minutes_text", default="15,30,60,90", show_default=True,
              help="Cut-offs in minutes, comma-separated.")
@click.option("--season", default="summer", show_default=True,
              help="Speed profile: summer, winter (forest tracks closed) or winter_open_tracks.")
@click.option("--roads", "roads_layer", default=None, help="Road layer (default: the catalogue's roads-theme layer).")
@click.option("--places", "places_text", default=None,
              help="Place layers to rate, comma-separated (default: settlements,housing_land; 'none' for none).")
@click.option("--direction", type=click.Choice(["to_site", "from_site"]), default="to_site", show_default=True,
              help="Travel from places to the site (commuting) or from the site outwards.")
@click.option("--access-speed", "access_speed_kph", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Speed (km/h) of the straight off-road leg from a site or place to the nearest road.")
@click.option("--max-snap-m", type=click.FloatRange(min=0), default=10_000.0, show_default=True,
              help="A site farther than this (m) from an open road is an error.")
@click.option("--buffer-m", type=click.FloatRange(min=0), default=250.0, show_default=True,
              help="Half-width (m) of the catchment corridor around reached roads.")
@click.option("--cell-m", type=click.FloatRange(min=1), default=50.0, show_default=True,
              help="Grid cell (m) of the approximate polygons.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Output GeoPackage (.gpkg).")
@catalog_option
@overwrite_option
@allow_outside_option
def command(sites_layer: str, site_ids: str | None, minutes_text: str, season: str, roads_layer: str | None,
            places_text: str | None, direction: str, access_speed_kph: float, max_snap_m: float, buffer_m: float,
            cell_m: float, out_path: Path, catalog_dir: Path | None, overwrite: bool, allow_outside: bool) -> None:
    """Travel-time catchments of sites, and the people and housing land inside them."""
    import geopandas as gpd
    import pandas as pd

    from jokkgeo.analysis.accessibility import accessibility
    from jokkgeo.analysis.catchments import catchments
    from jokkgeo.catalogue import Catalogue
    from jokkgeo.errors import CatalogueError, DataLayerError, DataSourceError, OutputExistsError
    from jokkgeo.io.roadgraph import read_road_network
    from jokkgeo.io.vector import read_layer
    from jokkgeo.io.write import write_gpkg_layers
    from jokkgeo.network.profiles import get_profile

    minutes = parse_minutes(minutes_text)
    if out_path.suffix.lower() != ".gpkg":
        raise DataSourceError(f"--out {out_path}: catchments are written as a GeoPackage; give a .gpkg path")
    if out_path.exists() and not overwrite:
        raise OutputExistsError(f"{out_path} exists; pass --overwrite to replace it")
    profile = get_profile(season)
    settings, catalog = make_settings(catalog_dir, overwrite=overwrite, allow_outside=allow_outside)
    catalogue = Catalogue.from_dir(catalog, root=settings.project_root, allow_outside=allow_outside)
    layer_ids = set(catalogue)
    if sites_layer not in layer_ids:
        raise CatalogueError(f"--sites '{sites_layer}' is not a layer of the catalogue; layers: {', '.join(sorted(catalogue))}")
    sites = read_layer(catalogue[sites_layer]).gdf
    if "site_id" not in sites.columns:
        raise DataLayerError(f"layer '{sites_layer}' has no 'site_id' field; columns: {', '.join(map(str, sites.columns))}")
    wanted = _csv(site_ids)
    if wanted:
        unknown = sorted(set(wanted) - set(sites["site_id"].astype(str)))
        if unknown:
            raise DataLayerError(
                f"--site-ids: {', '.join(unknown)} not in layer '{sites_layer}'; available: "
                f"{', '.join(sites['site_id'].astype(str))}"
            )
        sites = sites[sites["site_id"].astype(str).isin(wanted)]
    if places_text is None:
        place_ids = [p for p in DEFAULT_PLACES if p in layer_ids]
    elif places_text.strip().lower() == "none":
        place_ids = []
    else:
        place_ids = _csv(places_text)
        missing = [p for p in place_ids if p not in layer_ids]
        if missing:
            raise CatalogueError(f"--places: {', '.join(missing)} not in the catalogue; layers: {', '.join(sorted(catalogue))}")

    roads_spec = _roads_spec(catalogue, roads_layer)
    click.echo(f"Building the road network from layer '{roads_spec.id}'…", err=True)
    network = read_road_network(roads_spec)
    click.echo(f"{network.n_nodes:,} nodes, {network.n_arcs:,} road arcs; {len(sites)} site(s), "
               f"season '{profile.name}', bands {', '.join(f'{m:g}' for m in minutes)} min", err=True)
    options = dict(minutes=minutes, profile=profile, direction=direction, access_speed_kph=access_speed_kph,
                   max_snap_m=max_snap_m)
    result = catchments(network, sites, buffer_m=buffer_m, cell_m=cell_m, **options)
    names = dict(zip(sites["site_id"].astype(str), sites["name"].astype(str))) if "name" in sites else {}

    def with_names(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        out = gdf.copy()
        out.insert(1, "site_name", out["site_id"].map(names))
        out.insert(3, "season", profile.name)
        out["area_km2"] = out["area_m2"] / 1e6
        return out

    layers: dict[str, Any] = {
        "catchments": with_names(result.polygons),
        "catchments_nearest": with_names(result.nearest),
        "site_access": result.snaps,
    }
    totals = []
    warnings = list(result.warnings)
    for pid in place_ids:
        places = read_layer(catalogue[pid]).gdf
        acc = accessibility(network, sites, places, **options)
        layers[f"places_{pid}"] = acc.places
        totals.append(acc.totals.assign(layer=pid, season=profile.name))
        warnings.extend(f"{pid}: {w}" for w in acc.warnings)
    if totals:
        table = pd.concat(totals, ignore_index=True)
        layers["band_totals"] = table[["layer", "season", "scope", "site_id", "minutes",
                                       *[c for c in table.columns if c not in ("layer", "season", "scope", "site_id", "minutes")]]]
    params = {**result.params, "sites_layer": sites_layer, "roads_layer": roads_spec.id, "places_layers": place_ids,
              "warnings": warnings}
    layers["parameters"] = pd.DataFrame({"key": list(params), "value": [json.dumps(v, ensure_ascii=False, default=str)
                                                                         for v in params.values()]})
    write_gpkg_layers(layers, out_path, overwrite=overwrite)
    click.echo(f"Wrote {out_path} ({', '.join(layers)})", err=True)
    _print_summary(result.polygons, totals, names)


def _print_summary(polygons: Any, totals: list[Any], names: dict[str, str]) -> None:
    """One line per site and band: area and population/dwellings reached (stdout)."""
    import pandas as pd

    reach = pd.concat(totals, ignore_index=True) if totals else None
    for row in polygons.itertuples():
        parts = [f"{row.site_id} {row.minutes:g} min: {row.area_m2 / 1e6:,.0f} km²" if row.status == "ok"
                 else f"{row.site_id} {row.minutes:g} min: empty"]
        if reach is not None:
            sel = reach[(reach["scope"] == "site") & (reach["site_id"] == row.site_id) & (reach["minutes"] == row.minutes)]
            for r in sel.itertuples():
                bits = [f"{int(r.n_places)} {r.layer}"]
                if "population" in sel and pd.notna(getattr(r, "population", None)) and r.population:
                    bits.append(f"population {r.population:,.0f}")
                if "dwellings" in sel and pd.notna(getattr(r, "dwellings", None)) and r.dwellings:
                    bits.append(f"dwellings {r.dwellings:,.0f}")
                parts.append(", ".join(bits))
        click.echo(" | ".join(parts))
