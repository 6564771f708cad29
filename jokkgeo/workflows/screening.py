"""Housing-land screening against conflicts and other developments' influence: the one workflow.

Used by the report's ``screening`` recipe type; ``jokkgeo conflicts`` screens housing land
through :func:`jokkgeo.workflows.conflicts.run_conflicts` (``screen_housing=True``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jokkgeo.study.store import LayerStore
from jokkgeo.workflows.conflicts import ConflictOptions, ConflictRun, run_conflicts
from jokkgeo.workflows.influence import InfluenceOptions, InfluenceRun, run_influence


@dataclass
class ScreeningRun:
    """The result of :func:`run_screening`."""

    result: Any
    """:class:`jokkgeo.analysis.screening.ScreeningResult`."""
    conflicts: ConflictRun | None
    """``None`` without sensitive layers; ``.result`` is ``None`` when no rule applies."""
    surfaces: InfluenceRun | None


def run_screening(store: LayerStore, rules: Any, *, candidates: str, sensitive: Mapping[str, Any],
                  influence_layers: Mapping[str, Any] | None = None, resolution_m: float = 250.0,
                  language: str = "sv") -> ScreeningRun:
    """Screen the ``candidates`` layer against ``sensitive`` layers (rules) and ``influence_layers``.

    Parameters
    ----------
    store
        The layers of the run.
    rules
        A :class:`~jokkgeo.config.rules.RuleSet`.
    candidates
        Catalogue id of the housing-land layer.
    sensitive, influence_layers
        Layer id -> GeoDataFrame.
    resolution_m
        Cell size of the influence surfaces.
    language
        ``"sv"`` or ``"en"``.
    """
    from jokkgeo.analysis.screening import screen_housing

    housing = store.layer(candidates)
    conf = None
    if sensitive:
        conf = run_conflicts(store, rules, ConflictOptions(language=language, with_crossings=False),
                             layers={candidates: housing, **sensitive})
    surf = None
    if influence_layers:
        surf = run_influence(store, rules, InfluenceOptions(resolution_m=resolution_m, language=language),
                             layers=influence_layers)
    result = screen_housing(housing, conflicts=conf.result if conf is not None else None,
                            surfaces=surf.result if surf is not None else None, housing_layer=candidates)
    return ScreeningRun(result=result, conflicts=conf, surfaces=surf)


__all__ = ["ScreeningRun", "run_screening"]
