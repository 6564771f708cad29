"""Travel-time catchments of sites, and the places they reach: the one workflow.

Used by ``jokkgeo catchments`` (with places), the report's ``catchments`` recipe type
(without places) and the scenario comparison's network. Layers come from one
:class:`~jokkgeo.study.store.LayerStore`; the road network of a layer is built once per run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from jokkgeo.errors import CatalogueError, DataLayerError
from jokkgeo.study.store import LayerStore

log = logging.getLogger(__name__)

DEFAULT_PLACES = ("settlements", "housing_land")
"""Place layers rated by default (those present in the catalogue), after every population-theme layer."""


@dataclass(frozen=True)
class CatchmentOptions:
    """What a catchment run computes (defaults as :func:`jokkgeo.analysis.catchments.catchments`)."""

    minutes: tuple[float, ...] = (15.0, 30.0, 60.0, 90.0)
    season: str = "summer"
    sites_layer: str = "investment_sites"
    site_ids: tuple[str, ...] | None = None
    """Only these sites (``None``: all)."""
    sites_where: Mapping[str, Sequence[Any]] | None = None
    """Extra equality/membership filter on the site layer."""
    roads_layer: str | None = None
    """``None``: the catalogue's one roads-theme line layer (else ``roads``)."""
    place_layers: tuple[str, ...] | None = ()
    """Place layers to rate with :func:`~jokkgeo.analysis.accessibility.accessibility`.

    ``None``: :data:`DEFAULT_PLACES`.
    """
    direction: str = "to_site"
    access_speed_kph: float = 30.0
    max_snap_m: float = 10_000.0
    buffer_m: float = 250.0
    cell_m: float = 50.0
    language: str = "sv"
    """Language of the progress messages."""
    engine: Any = None
    """:class:`jokkgeo.analysis.parallel.NetworkEngine` for the per-site work (``None``: this process)."""


@dataclass
class CatchmentRun:
    """The result of :func:`run_catchments`."""

    result: Any
    """:class:`jokkgeo.analysis.catchments.CatchmentResult`."""
    sites: gpd.GeoDataFrame
    network: Any
    roads_layer: str
    options: CatchmentOptions
    places: dict[str, Any] = field(default_factory=dict)
    """Place layer id -> :class:`~jokkgeo.analysis.accessibility.AccessibilityResult`."""
    totals: list[pd.DataFrame] = field(default_factory=list)
    """Band totals per place layer (``layer`` and ``season`` columns added)."""
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """How population layers were built (grid cells, columns summed, spreading), per layer."""

    @property
    def names(self) -> dict[str, str]:
        """Site id -> site name (the id when the layer has no ``name``)."""
        ids = self.sites["site_id"].astype(str)
        names = self.sites["name"].astype(str) if "name" in self.sites.columns else ids
        return dict(zip(ids, names, strict=True))


def roads_layer(store: LayerStore, roads: str | None = None) -> str:
    """The road layer of a run: ``roads`` if given, else the one roads-theme line layer, else ``roads``.

    Parameters
    ----------
    store
        The layers of the run.
    roads
        Road layer id given by the user.
    """
    catalogue = store.catalogue
    if roads is not None:
        if not store.has(roads):
            raise CatalogueError(f"--roads '{roads}' is not a layer of the catalogue; "
                                 f"layers: {', '.join(sorted(catalogue))}")
        return roads
    candidates = [spec for spec in catalogue.values() if spec.theme == "roads" and spec.geometry_type == "LineString"]
    if len(candidates) == 1:
        return candidates[0].id
    if store.has("roads"):
        return "roads"
    raise CatalogueError(
        "no single roads-theme layer in the catalogue; choose one with --roads LAYER "
        f"(roads-theme layers: {', '.join(s.id for s in candidates) or 'none'})"
    )


def road_network(store: LayerStore, roads_id: str) -> Any:
    """The road network of a catalogue layer, built once per run (OSM files through their readers).

    Parameters
    ----------
    store
        The layers of the run.
    roads_id
        Catalogue id of the road layer.
    """
    key = f"network:{roads_id}"
    if key not in store.shared:
        from jokkgeo.io.roadgraph import OSM_PBF_SUFFIXES, OSM_XML_SUFFIXES, read_road_network
        from jokkgeo.network.graph import graph_from_lines

        spec = store.catalogue[roads_id]
        path = Path(spec.source.path)
        if path.suffix.lower() in OSM_XML_SUFFIXES + OSM_PBF_SUFFIXES:
            store.used[roads_id] = spec
            store.shared[key] = read_road_network(spec)
        else:
            store.shared[key] = graph_from_lines(store.layer(roads_id), layer_name=f"layer '{roads_id}' ({path.name})")
    return store.shared[key]


def select_sites(store: LayerStore, options: CatchmentOptions) -> gpd.GeoDataFrame:
    """The sites of a run (``site_id`` required; ``site_ids`` must exist).

    Parameters
    ----------
    store
        The layers of the run.
    options
        Site layer and ids of the run.
    """
    if not store.has(options.sites_layer):
        raise CatalogueError(f"--sites '{options.sites_layer}' is not a layer of the catalogue; "
                             f"layers: {', '.join(sorted(store.catalogue))}")
    sites = store.layer(options.sites_layer, options.sites_where)
    if "site_id" not in sites.columns:
        raise DataLayerError(f"layer '{options.sites_layer}' has no 'site_id' field; "
                             f"columns: {', '.join(map(str, sites.columns))}")
    if options.site_ids:
        wanted = [str(s) for s in options.site_ids]
        unknown = sorted(set(wanted) - set(sites["site_id"].astype(str)))
        if unknown:
            raise DataLayerError(
                f"site ids {', '.join(unknown)} not in layer '{options.sites_layer}'; available: "
                f"{', '.join(sites['site_id'].astype(str))}"
            )
        sites = sites[sites["site_id"].astype(str).isin(wanted)]
    return sites


def place_layers(store: LayerStore, options: CatchmentOptions) -> list[str]:
    """The place layers a run rates (unknown ids are an error).

    By default: every population-theme layer of the catalogue (people, working age and age
    groups per band), then :data:`DEFAULT_PLACES` (those present).

    Parameters
    ----------
    store
        The layers of the run.
    options
        Place layer ids of the run.
    """
    if options.place_layers is None:
        return [*population_layers(store), *(p for p in DEFAULT_PLACES if store.has(p))]
    missing = [p for p in options.place_layers if not store.has(p)]
    if missing:
        raise CatalogueError(f"--places: {', '.join(missing)} not in the catalogue; "
                             f"layers: {', '.join(sorted(store.catalogue))}")
    return list(options.place_layers)


def population_layers(store: LayerStore) -> list[str]:
    """Ids of the catalogue's population-theme vector layers (catalogue order; restricted ones skipped in public runs).

    Parameters
    ----------
    store
        The layers of the run.
    """
    ids = [lid for lid, spec in store.catalogue.items()
           if getattr(spec, "theme", None) == "population" and getattr(spec, "geometry_type", None) != "Raster"]
    return [lid for lid in ids if store.allowed(lid)]


def run_catchments(store: LayerStore, options: CatchmentOptions, *,
                   on_step: Callable[[str], None] | None = None) -> CatchmentRun:
    """Catchment polygons per site and band, nearest-site split, and (optionally) places reached.

    Parameters
    ----------
    store
        The layers of the run.
    options
        Sites, bands, season, road layer, places and the catchment knobs.
    on_step
        Called with a one-line message per step (the CLI echoes it to stderr).
    """
    from jokkgeo.analysis.accessibility import accessibility
    from jokkgeo.analysis.catchments import catchments

    sites = select_sites(store, options)
    places = place_layers(store, options)
    roads_id = roads_layer(store, options.roads_layer)
    from jokkgeo.i18n import format_number, text

    lang = options.language
    step = on_step or log.info
    step(text("step.building_network", lang, layer=roads_id))
    network = road_network(store, roads_id)
    step(text("step.network_summary", lang, nodes=format_number(network.n_nodes, lang),
              arcs=format_number(network.n_arcs, lang), sites=len(sites), season=options.season,
              bands=", ".join(format_number(m, lang, digits=2) for m in options.minutes)))
    common: dict[str, Any] = dict(minutes=[float(m) for m in options.minutes], profile=options.season,
                                  direction=options.direction, access_speed_kph=options.access_speed_kph,
                                  max_snap_m=options.max_snap_m)
    if options.engine is None:
        result = catchments(network, sites, buffer_m=options.buffer_m, cell_m=options.cell_m, site_id_col="site_id",
                            **common)
    else:
        from jokkgeo.analysis.parallel import catchments_by_batches

        result = catchments_by_batches(network, sites, engine=options.engine, buffer_m=options.buffer_m,
                                       cell_m=options.cell_m, site_id_col="site_id", **common)
    run = CatchmentRun(result=result, sites=sites, network=network, roads_layer=roads_id, options=options,
                       warnings=list(result.warnings))
    for pid in places:
        acc = accessibility(network, sites, store.layer(pid), **common)
        run.places[pid] = acc
        run.totals.append(acc.totals.assign(layer=pid, season=options.season))
        run.warnings.extend(f"{pid}: {w}" for w in acc.warnings)
        notes = list(store.layer(pid).attrs.get("population_notes", []))  # how the people were placed
        if notes:
            from dataclasses import replace

            acc.provenance = replace(acc.provenance, parameters={**acc.provenance.parameters,
                                                                 "population_notes": notes})
            run.notes.extend(f"{pid}: {note}" for note in notes)
    return run


__all__ = ["DEFAULT_PLACES", "CatchmentOptions", "CatchmentRun", "place_layers", "population_layers", "road_network",
           "roads_layer", "run_catchments", "select_sites"]
