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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from jokkgeo.study.store import LayerStore
from jokkgeo.workflows.service_inputs import (
    PARAMETER_OPTIONS,
    ServiceOptions,
    default_seasons,
    resident_layers,
    service_layers,
    services_of_study,
)

log = logging.getLogger(__name__)

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
    from jokkgeo.workflows.comparison import study_network

    network = study_network(study, store, roads_id, root_path=root_path)
    from jokkgeo.analysis.services import DEFAULT_SEASONS, resolve_kinds

    opts = options.resolved(study.parameters.get("services"))
    residents, _ = resident_layers(study, opts)
    services, _ = service_layers(study, opts)
    kinds, _ = resolve_kinds(services, opts.kinds)  # a mistyped kind fails here, before the routing
    people = pd.to_numeric(residents["population"], errors="coerce").fillna(0).sum()
    step(text("services.step.kinds", lang, kinds=", ".join(kinds),
              seasons=", ".join(opts.seasons or default_seasons(study, DEFAULT_SEASONS)),
              people=format_number(people, lang), places=format_number(len(residents), lang)))
    if newcomers is None and opts.newcomers_layer is None and opts.growth_year is not None:
        from jokkgeo.workflows.growth import GrowthOptions, newcomers_of, run_growth

        grow = GrowthOptions(season=study.season, language=lang).with_scenario(
            study.parameters.get("growth", {}))
        grow = dataclasses.replace(grow, years=(int(opts.growth_year),))
        newcomers = newcomers_of(run_growth(study, grow, network=network, on_step=step), int(opts.growth_year))
    result, info = services_of_study(study, network, options, newcomers=newcomers)
    return ServiceRun(result=result, study=study, options=info["options"], population_layers=info["population_layers"],
                      services_layers=info["services_layers"], roads_layer=roads_id, services=info["services"])


__all__ = ["PARAMETER_OPTIONS", "ServiceOptions", "ServiceRun", "resident_layers", "run_services",
           "service_layers", "services_of_study"]
