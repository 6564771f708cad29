"""The inputs of an access-to-services run on a study: options, residents, services, newcomers.

Shared by :mod:`jokkgeo.workflows.services` (the CLI and the report) and
:mod:`jokkgeo.workflows.comparison` (the scenario comparison), so both read the same layers the
same way. See :mod:`jokkgeo.workflows.services`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from jokkgeo.errors import CatalogueError, DataLayerError

PARAMETER_OPTIONS: tuple[str, ...] = (
    "kinds", "seasons", "minutes", "population_layers", "services_layers", "newcomers_layer", "growth_year",
    "n_worst", "access_speed_kph", "max_snap_m", "place_max_snap_m",
)
"""Options a scenario may set under ``parameters.services`` (see :data:`jokkgeo.config.scenarios.PARAMETER_KEYS`)."""


@dataclass(frozen=True)
class ServiceOptions:
    """What a services run computes; ``None`` = the scenario's ``parameters.services`` value, else the default."""

    kinds: tuple[str, ...] | None = None
    seasons: tuple[str, ...] | None = None
    minutes: tuple[float, ...] | None = None
    population_layers: tuple[str, ...] | None = None
    """Residents (default: every population-theme layer but the newcomers layer)."""
    services_layers: tuple[str, ...] | None = None
    """Services (default: every services-theme layer)."""
    newcomers_layer: str | None = None
    """A layer of newcomers (points with ``population``) for the ``growth`` figures."""
    growth_year: int | None = None
    """Newcomers from the in-migration model in this year (:func:`jokkgeo.workflows.growth.run_growth`
    on the same layers); ignored when a newcomers layer or frame is given."""
    roads_layer: str | None = None
    n_worst: int | None = None
    access_speed_kph: float | None = None
    max_snap_m: float | None = None
    place_max_snap_m: float | None = None
    language: str = "sv"
    engine: Any = None
    """:class:`jokkgeo.analysis.parallel.NetworkEngine` for the routing (``None``: this process)."""

    def resolved(self, parameters: Mapping[str, Any] | None) -> ServiceOptions:
        """These options with unset ones taken from ``parameters`` (a scenario's ``parameters.services``).

        Parameters
        ----------
        parameters
            ``parameters.services`` of a study (keys of :data:`PARAMETER_OPTIONS`).
        """
        values: dict[str, Any] = {}
        for key, value in (parameters or {}).items():
            if key in PARAMETER_OPTIONS and getattr(self, key) is None:
                values[key] = tuple(value) if isinstance(value, (list, tuple)) else value
        return dataclasses.replace(self, **values)


def _ids_of_theme(study: Any, theme: str, given: Sequence[str] | None, what: str, key: str) -> list[str]:
    if given is not None:
        missing = [lid for lid in given if lid not in study]
        if missing:
            raise CatalogueError(f"services: key '{key}': no layer(s) {', '.join(missing)} in the study; "
                                 f"layers: {', '.join(study.layer_ids)}")
        return list(given)
    ids = study.layers_of_theme(theme)
    if not ids:
        raise CatalogueError(f"services: key '{key}': the catalogue has no {theme}-theme layer ({what}); add one "
                             f"(layers/<id>.yaml with 'theme: {theme}') or name layers with '{key}'")
    return ids


def _concat(study: Any, ids: Sequence[str]) -> gpd.GeoDataFrame:
    frames = []
    for lid in ids:
        gdf = study.layer(lid)
        frames.append(gdf.assign(layer=lid) if len(ids) > 1 else gdf)
    if len(frames) == 1:
        return frames[0]
    geom = frames[0].geometry.name
    merged = pd.concat([f.rename_geometry(geom) if f.geometry.name != geom else f for f in frames],
                       ignore_index=True)
    return gpd.GeoDataFrame(merged, geometry=geom, crs=frames[0].crs)


def service_layers(study: Any, options: ServiceOptions) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The services of a study (all services layers, one frame) and their layer ids.

    Parameters
    ----------
    study
        The study.
    options
        Resolved options (``services_layers``).
    """
    ids = _ids_of_theme(study, "services", options.services_layers, "service points", "services_layers")
    services = _concat(study, ids)
    for col in ("service_id", "kind"):
        if col not in services.columns:
            raise DataLayerError(f"layer '{ids[0] if len(ids) == 1 else ', '.join(ids)}': key '{col}': no such "
                                 f"column; a services layer needs 'service_id' and 'kind' (see docs/services.md)")
    return services, ids


def resident_layers(study: Any, options: ServiceOptions) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The residents of a study (population layers but the newcomers layer, one frame) and their ids.

    Parameters
    ----------
    study
        The study.
    options
        Resolved options (``population_layers``, ``newcomers_layer``).
    """
    ids = _ids_of_theme(study, "population", options.population_layers, "people", "population_layers")
    ids = [lid for lid in ids if lid != options.newcomers_layer] or ids
    residents = _concat(study, ids)
    if "population" not in residents.columns:
        raise DataLayerError(f"layer '{', '.join(ids)}': key 'population': no such column; a population layer "
                             "needs the number of people per feature (see docs/population.md)")
    return residents, ids


def default_seasons(study: Any, defaults: Sequence[str]) -> tuple[str, ...]:
    """Summer and winter (``defaults``); a study with its own season (e.g. a winter scenario) gets that season only.

    Parameters
    ----------
    study
        The study.
    defaults
        The seasons of a study in summer.
    """
    return tuple(defaults) if study.season in (None, "summer") else (study.season,)


def services_of_study(study: Any, network: Any, options: ServiceOptions, *,
                      newcomers: gpd.GeoDataFrame | None = None) -> tuple[Any, dict[str, Any]]:
    """Run :func:`~jokkgeo.analysis.services.service_access` on a study's layers (options resolved here).

    Returns ``(result, info)``; ``info`` holds the layer ids used, the resolved options and the services.

    Parameters
    ----------
    study
        The study (scenario applied).
    network
        Its road network.
    options
        The options (unset ones from ``study.parameters['services']``).
    newcomers
        Extra people (overrides ``newcomers_layer``).
    """
    from jokkgeo.analysis.services import ServiceAccessOptions, service_access

    opts = options.resolved(study.parameters.get("services"))
    services, svc_ids = service_layers(study, opts)
    residents, pop_ids = resident_layers(study, opts)
    if newcomers is None and opts.newcomers_layer:
        if opts.newcomers_layer not in study:
            raise CatalogueError(f"services: key 'newcomers_layer': no layer '{opts.newcomers_layer}' in the "
                                 f"study; layers: {', '.join(study.layer_ids)}")
        newcomers = study.layer(opts.newcomers_layer)
    kwargs: dict[str, Any] = {k: getattr(opts, k) for k in ("kinds", "seasons", "minutes")
                              if getattr(opts, k) is not None}
    if opts.seasons is None:
        from jokkgeo.analysis.services import DEFAULT_SEASONS

        kwargs["seasons"] = default_seasons(study, DEFAULT_SEASONS)
    knobs = {k: getattr(opts, k) for k in ("n_worst", "access_speed_kph", "max_snap_m", "place_max_snap_m")
             if getattr(opts, k) is not None}
    kwargs["options"] = ServiceAccessOptions(**knobs, engine=opts.engine)
    result = service_access(network, services, residents, newcomers=newcomers, **kwargs)
    return result, {"services_layers": svc_ids, "population_layers": pop_ids, "options": opts, "services": services}


__all__ = ["PARAMETER_OPTIONS", "ServiceOptions", "default_seasons", "resident_layers", "service_layers",
           "services_of_study"]
