"""Access to services on a study: the one workflow (``jokkgeo services``, the report, the comparison).

Reads from a :class:`~jokkgeo.study.scenario.Study` (the catalogue's layers, or a scenario's:
services added or removed with ``add_layers``/``filter_layers``, people changed) through the
run's :class:`~jokkgeo.study.store.LayerStore`:

* residents: the population-theme layers (or ``population_layers``), one feature per place with
  ``population`` (and optional age groups);
* services: the services-theme layers (or ``services_layers``) with ``service_id`` and ``kind``;
* newcomers (optional): a layer named by ``newcomers_layer`` (e.g. a scenario's new residents per
  settlement, points with ``population``), or a frame passed in;
* the road network: :func:`jokkgeo.workflows.catchments.road_network` (built once per run); a
  scenario that changes roads gets the comparison runner's edited network.

Options left ``None`` take the scenario's ``parameters.services`` values, then the defaults of
:func:`jokkgeo.analysis.services.service_access`.
"""

from __future__ import annotations

import dataclasses
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

PARAMETER_OPTIONS: tuple[str, ...] = (
    "kinds", "seasons", "minutes", "population_layers", "services_layers", "newcomers_layer", "n_worst",
    "access_speed_kph", "max_snap_m", "place_max_snap_m",
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
    roads_layer: str | None = None
    n_worst: int | None = None
    access_speed_kph: float | None = None
    max_snap_m: float | None = None
    place_max_snap_m: float | None = None
    language: str = "sv"

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


@dataclass
class ServiceRun:
    """The result of :func:`run_services`."""

    result: Any
    """:class:`jokkgeo.analysis.services.ServiceAccessResult`."""
    study: Any
    """The :class:`~jokkgeo.study.scenario.Study` the layers came from."""
    options: ServiceOptions
    population_layers: list[str] = field(default_factory=list)
    services_layers: list[str] = field(default_factory=list)
    roads_layer: str = "roads"
    services: gpd.GeoDataFrame | None = None
    """The services analysed (all kinds, scenario applied)."""

    @property
    def inputs(self) -> list[str]:
        """Layer ids the run used."""
        extra = [self.options.newcomers_layer] if self.options.newcomers_layer else []
        return [*self.services_layers, *self.population_layers, *extra, self.roads_layer]


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


def study_network(study: Any, store: LayerStore, roads_id: str, *, root_path: Path | None = None) -> Any:
    """The road network of a study: the run's shared network, or the scenario's edited one.

    Parameters
    ----------
    study
        The study.
    store
        The run's layers (the network is built once per run).
    roads_id
        The road layer of the catalogue.
    root_path
        Project folder (for the comparison runner a road-changing scenario needs).
    """
    from jokkgeo.workflows.catchments import road_network

    root = study
    while root.base is not None:
        root = root.base
    road_ids = set(study.layers_of_theme("roads")) | set(root.layers_of_theme("roads"))
    if study is root or not (study.changed_layers(root) & road_ids):
        return road_network(store, roads_id)
    from jokkgeo.workflows.comparison import StudyRunner

    runner = store.shared.get("compare_runner")
    if runner is None:
        runner = store.shared["compare_runner"] = StudyRunner(root=root_path or Path.cwd())
    return runner.network(study)


def _default_seasons(study: Any, defaults: Sequence[str]) -> tuple[str, ...]:
    """Summer and winter; a scenario with its own season (e.g. winter) gets that season only."""
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
    from jokkgeo.analysis.services import service_access

    opts = options.resolved(study.parameters.get("services"))
    services, svc_ids = service_layers(study, opts)
    residents, pop_ids = resident_layers(study, opts)
    if newcomers is None and opts.newcomers_layer:
        if opts.newcomers_layer not in study:
            raise CatalogueError(f"services: key 'newcomers_layer': no layer '{opts.newcomers_layer}' in the "
                                 f"study; layers: {', '.join(study.layer_ids)}")
        newcomers = study.layer(opts.newcomers_layer)
    kwargs = {k: getattr(opts, k) for k in ("kinds", "seasons", "minutes", "n_worst", "access_speed_kph",
                                            "max_snap_m", "place_max_snap_m") if getattr(opts, k) is not None}
    if opts.seasons is None:
        from jokkgeo.analysis.services import DEFAULT_SEASONS

        kwargs["seasons"] = _default_seasons(study, DEFAULT_SEASONS)
    result = service_access(network, services, residents, newcomers=newcomers, **kwargs)
    return result, {"services_layers": svc_ids, "population_layers": pop_ids, "options": opts, "services": services}


def run_services(store: LayerStore, options: ServiceOptions, *, scenario: Any = None, study: Any = None,
                 newcomers: gpd.GeoDataFrame | None = None, root_path: Path | None = None,
                 on_step: Callable[[str], None] | None = None) -> ServiceRun:
    """Access to services on the catalogue's layers, or on a scenario's.

    Parameters
    ----------
    store
        The layers of the run.
    options
        Kinds, seasons, bands, layers.
    scenario
        A :class:`~jokkgeo.config.scenarios.Scenario` applied to the catalogue first (``None``: none).
    study
        A ready study instead (e.g. from a comparison); ``scenario`` is then ignored.
    newcomers
        Extra people (points with ``population``), e.g. the new residents of a growth run.
    root_path
        Project folder (resolves paths of a road-changing scenario's runner).
    on_step
        Called with a one-line message per step.
    """
    from jokkgeo.i18n import format_number, text
    from jokkgeo.study.scenario import Study, apply_scenario
    from jokkgeo.workflows.catchments import roads_layer

    lang = options.language
    step = on_step or log.info
    if study is None:
        study = Study.from_catalogue(store.catalogue, store=store)
        if scenario is not None and not scenario.is_baseline:
            study = apply_scenario(study, scenario)
    roads_id = roads_layer(store, options.roads_layer)
    step(text("step.building_network", lang, layer=roads_id))
    network = study_network(study, store, roads_id, root_path=root_path)
    from jokkgeo.analysis.services import DEFAULT_SEASONS, resolve_kinds

    opts = options.resolved(study.parameters.get("services"))
    residents, _ = resident_layers(study, opts)
    services, _ = service_layers(study, opts)
    kinds, _ = resolve_kinds(services, opts.kinds)  # a mistyped kind fails here, before the routing
    people = pd.to_numeric(residents["population"], errors="coerce").fillna(0).sum()
    step(text("services.step.kinds", lang, kinds=", ".join(kinds),
              seasons=", ".join(opts.seasons or _default_seasons(study, DEFAULT_SEASONS)),
              people=format_number(people, lang), places=format_number(len(residents), lang)))
    result, info = services_of_study(study, network, options, newcomers=newcomers)
    return ServiceRun(result=result, study=study, options=info["options"], population_layers=info["population_layers"],
                      services_layers=info["services_layers"], roads_layer=roads_id, services=info["services"])


__all__ = ["PARAMETER_OPTIONS", "ServiceOptions", "ServiceRun", "resident_layers", "run_services",
           "service_layers", "services_of_study", "study_network"]
