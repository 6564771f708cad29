"""Zone-of-influence surfaces, linear-infrastructure density and sameby shares: the one workflow.

Used by ``jokkgeo influence`` (every layer the rules' surfaces select) and the report's
``influence`` and ``screening`` recipe types (chosen layers). The study area is the
``boundary`` layer when the catalogue has one; without it the grid covers all layers
(and the run says so in :attr:`InfluenceRun.notes`); without a sameby layer there are no
sameby shares.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jokkgeo.study.store import LayerStore
from jokkgeo.workflows.conflicts import load_rule_layers
from jokkgeo.workflows.rules import ZONES_LAYER

log = logging.getLogger(__name__)

STUDY_AREA_LAYER = "boundary"


@dataclass(frozen=True)
class InfluenceOptions:
    """Grid and summary knobs (as :func:`jokkgeo.analysis.surfaces.influence_surfaces`)."""

    resolution_m: float = 100.0
    levels: tuple[float, ...] = (0.25, 0.5, 0.75)
    density_window_m: float = 2000.0
    language: str = "sv"


@dataclass
class InfluenceRun:
    """The result of :func:`run_influence`."""

    result: Any
    """:class:`jokkgeo.analysis.surfaces.SurfaceResult`."""
    layer_ids: list[str]
    notes: list[str] = field(default_factory=list)
    """Things the reader must know (no study area, no sameby layer)."""


def run_influence(store: LayerStore, rules: Any, options: InfluenceOptions = InfluenceOptions(), *,
                  layers: Mapping[str, Any] | None = None) -> InfluenceRun:
    """Influence surfaces of the given layers (default: every layer the rules select, plus samebyar).

    Parameters
    ----------
    store
        The layers of the run.
    rules
        A :class:`~jokkgeo.config.rules.RuleSet` whose ``surfaces`` section lists the sources.
    options
        Cell size, levels, density window, language.
    layers
        Layer id -> GeoDataFrame (e.g. chosen by a recipe); ``None`` reads the rules' layers.
    """
    from jokkgeo.analysis.surfaces import influence_surfaces, study_area_of
    from jokkgeo.i18n import text

    if layers is None:
        chosen: dict[str, Any] = load_rule_layers(store, rules, extra=(STUDY_AREA_LAYER, ZONES_LAYER))
    else:
        chosen = dict(layers)
        if store.has(STUDY_AREA_LAYER) and STUDY_AREA_LAYER not in chosen:
            chosen[STUDY_AREA_LAYER] = store.layer(STUDY_AREA_LAYER)
    notes = []
    if STUDY_AREA_LAYER not in chosen:
        notes.append(text("influence.no_study_area", options.language, layer=STUDY_AREA_LAYER))
    if layers is None and ZONES_LAYER not in chosen:
        notes.append(text("influence.no_zones", options.language, layer=ZONES_LAYER))
    for note in notes:
        log.info("%s", note)
    area = chosen.get(STUDY_AREA_LAYER)
    result = influence_surfaces(chosen, rules, specs=store.catalogue, resolution_m=options.resolution_m,
                                levels=options.levels, density_window_m=options.density_window_m,
                                study_area=study_area_of(getattr(area, "gdf", area)) if area is not None else None,
                                zones_layer=ZONES_LAYER if ZONES_LAYER in chosen else None,
                                zones_field="sameby" if ZONES_LAYER in chosen else None,
                                language=options.language)
    return InfluenceRun(result=result, layer_ids=list(chosen), notes=notes)


__all__ = ["InfluenceOptions", "InfluenceRun", "run_influence"]
