"""Scenario application: a :class:`Study` is the layers of one run; :func:`apply_scenario` edits it.

The scenario *schema* (:func:`jokkgeo.config.scenarios.parse_scenario`, :class:`~jokkgeo.config.scenarios.Scenario`)
lives with the configuration; this module applies a parsed scenario to loaded layers.
:func:`apply_scenario` returns a new study that shares every unchanged layer (same
object, same :meth:`Study.layer_token`) with its base, so later steps can skip work
for layers a scenario does not touch. Layers are read through one
:class:`~jokkgeo.study.store.LayerStore` (one cache for the whole run).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from jokkgeo.config.layers import LayerSpec
from jokkgeo.config.scenarios import (
    BASELINE,
    BASELINE_SCENARIO,
    FeatureChange,
    LayerFilter,
    RoadChange,
    Scenario,
    ScenarioSet,
    select_mask,
    validate_scenario,
)
from jokkgeo.errors import CatalogueError, DataLayerError
from jokkgeo.study.store import LayerStore, Loader, spec_token

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LayerChange:
    """What a scenario did to one layer (for reports and caching)."""

    layer: str
    kind: str  # added | appended | filtered | roads_changed | features_changed | removed
    detail: str
    n_features: int | None = None


class Study:
    """The layers of one run: specs, lazily loaded data, season and analysis parameters.

    Use :meth:`from_catalogue` for the baseline and :func:`apply_scenario` for scenarios.
    ``layer(id)`` returns the (shared, never to be mutated) GeoDataFrame in EPSG:3006.
    """

    def __init__(
        self,
        *,
        name: str,
        specs: Mapping[str, LayerSpec],
        store: LayerStore,
        season: str = "summer",
        parameters: Mapping[str, Mapping[str, Any]] | None = None,
        scenario: Scenario = BASELINE_SCENARIO,
        transforms: Mapping[str, tuple[Callable[[Any], Any], ...]] | None = None,
        tokens: Mapping[str, str] | None = None,
        extra_specs: Mapping[str, tuple[LayerSpec, ...]] | None = None,
        changes: Sequence[LayerChange] = (),
        base: Study | None = None,
    ) -> None:
        self.name = name
        self.specs = dict(specs)
        self.store = store
        self.season = season
        self.parameters = {k: dict(v) for k, v in (parameters or {}).items()}
        self.scenario = scenario
        self._transforms = dict(transforms or {})
        self._tokens = {lid: tokens[lid] if tokens and lid in tokens else spec_token(s)
                        for lid, s in self.specs.items()}
        self.extra_specs = dict(extra_specs or {})
        self.changes = tuple(changes)
        self.base = base
        self._frames: dict[str, Any] = {}

    @classmethod
    def from_catalogue(
        cls,
        catalogue: Mapping[str, LayerSpec],
        *,
        store: LayerStore | None = None,
        loader: Loader | None = None,
        season: str = "summer",
        parameters: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> Study:
        """The baseline study: every catalogue layer, nothing changed.

        Parameters
        ----------
        catalogue
            Layer id -> spec.
        store
            Loaded layers shared with the rest of the run (default: a new store).
        loader
            Reads a spec's data (default: the store's reader).
        season
            Speed profile of the study.
        parameters
            Analysis keyword arguments by analysis name.
        """
        return cls(
            name=BASELINE,
            specs=catalogue,
            store=store if store is not None else LayerStore(loader=loader),
            season=season,
            parameters=parameters,
        )

    def __contains__(self, layer_id: str) -> bool:
        return layer_id in self.specs

    @property
    def layer_ids(self) -> list[str]:
        return list(self.specs)

    def spec(self, layer_id: str) -> LayerSpec:
        """The spec of layer ``layer_id``; an unknown id is a :class:`~jokkgeo.errors.CatalogueError`.

        Parameters
        ----------
        layer_id
            A layer id of the study.
        """
        if layer_id not in self.specs:
            raise CatalogueError(
                f"study '{self.name}': no layer with id '{layer_id}'; available: {', '.join(self.specs)}"
            )
        return self.specs[layer_id]

    def layer(self, layer_id: str) -> Any:
        """The layer's data; unchanged layers are the very object the base study returns.

        Parameters
        ----------
        layer_id
            A layer id of the study.
        """
        spec = self.spec(layer_id)
        if layer_id in self._frames:
            return self._frames[layer_id]
        if self.base is not None and self.base._tokens.get(layer_id) == self._tokens[layer_id]:
            frame = self.base.layer(layer_id)
        else:
            frame = self.store.get(spec)
            for fn in self._transforms.get(layer_id, ()):
                frame = fn(frame)
        self._frames[layer_id] = frame
        return frame

    def layer_token(self, layer_id: str) -> str:
        """Fingerprint of a layer's content recipe: equal tokens mean identical data.

        Parameters
        ----------
        layer_id
            A layer id of the study.
        """
        self.spec(layer_id)
        return self._tokens[layer_id]

    def layers_of_theme(self, theme: str) -> list[str]:
        """Ids of the study's layers of one theme, in catalogue order.

        Parameters
        ----------
        theme
            Theme id (``roads``, ``reindeer`` …).
        """
        return [lid for lid, s in self.specs.items() if s.theme == theme]

    def changed_layers(self, other: Study) -> set[str]:
        """Layer ids whose content differs from ``other`` (including added/removed ones).

        Parameters
        ----------
        other
            The study to compare with (usually the baseline).
        """
        ids = set(self.specs) | set(other.specs)
        return {lid for lid in ids if self._tokens.get(lid) != other._tokens.get(lid)}

    @property
    def illustrative_layers(self) -> set[str]:
        """Layers that are illustrative themselves or contain illustrative scenario features."""
        out = {lid for lid, s in self.specs.items() if s.illustrative}
        out |= {lid for lid, extra in self.extra_specs.items() if any(s.illustrative for s in extra)}
        return out

    def __repr__(self) -> str:
        return f"Study({self.name!r}, {len(self.specs)} layers, season={self.season!r})"


def _filter_fn(flt: LayerFilter, origin: str) -> Callable[[Any], Any]:
    def apply(frame: Any) -> Any:
        keep = pd.Series(True, index=frame.index)
        if flt.where:
            keep &= select_mask(frame, flt.where, origin=f"{origin}: key '{flt.key}.where")
        if flt.exclude:
            keep &= ~select_mask(frame, flt.exclude, origin=f"{origin}: key '{flt.key}.exclude")
        n_drop = int((~keep).sum())
        log.info("%s: filter on layer %s drops %d of %d features", origin, flt.layer, n_drop, len(frame))
        return frame.loc[keep.to_numpy()].copy()

    return apply


def _set_fn(change: FeatureChange, origin: str) -> Callable[[Any], Any]:
    """Set ``change.set`` on the selected features (and close them for a closing road change)."""
    close = isinstance(change, RoadChange) and change.close

    def apply(frame: Any) -> Any:
        mask = change.mask(frame, origin=origin)
        n = int(mask.sum())
        if n == 0:
            raise DataLayerError(
                f"{origin}: key '{change.key}.select': no feature of layer '{change.layer}' matches "
                f"{dict(change.select)}; check the values (e.g. ref '805', site_id 'kallak')"
            )
        out = frame.copy()
        sel = mask.to_numpy()
        for column, value in change.set.items():
            if column not in out.columns:
                out[column] = pd.Series([None] * len(out), index=out.index, dtype=object)
            numeric_value = isinstance(value, (int, float)) and not isinstance(value, bool)
            if not (numeric_value and pd.api.types.is_numeric_dtype(out[column])):
                out[column] = out[column].astype(object)  # e.g. a text maxspeed column given a number
            out.loc[sel, column] = value
        if close:
            closed = (out["closed"].fillna(False).astype(bool) if "closed" in out.columns
                      else pd.Series(False, index=out.index))
            closed = closed.copy()
            closed.loc[sel] = True
            out["closed"] = closed.to_numpy()
        log.info("%s: %s changes %d features of layer %s", origin, change.key, n, change.layer)
        return out

    return apply


def _append_fn(spec: LayerSpec, store: LayerStore, scenario_name: str) -> Callable[[Any], Any]:
    def apply(frame: Any) -> Any:
        import geopandas as gpd

        extra = store.get(spec).copy()
        extra["scenario_layer"] = spec.id
        extra["scenario"] = scenario_name
        extra["illustrative"] = spec.illustrative
        if extra.crs is not None and frame.crs is not None and extra.crs != frame.crs:
            extra = extra.to_crs(frame.crs)
        # new index values after the existing ones so the base rows keep their index
        start = (int(frame.index.max()) + 1) if len(frame) and pd.api.types.is_integer_dtype(frame.index) else 0
        if pd.api.types.is_integer_dtype(frame.index) or not len(frame):
            extra.index = pd.RangeIndex(start, start + len(extra))
        else:
            extra.index = [f"{spec.id}:{i}" for i in range(len(extra))]
        merged = pd.concat([frame, extra], axis=0)
        return gpd.GeoDataFrame(merged, geometry=frame.geometry.name, crs=frame.crs)

    return apply


def apply_scenario(study: Study, scenario: Scenario) -> Study:
    """Return the study ``scenario`` describes, built on ``study`` (usually the baseline).

    Order: add layers, filter layers, change roads, change features, remove layers; then season and
    parameters (scenario values override the base's, per keyword). Unchanged layers are
    shared with ``study`` (not copied, not reloaded). Nothing is loaded until a layer is
    asked for; column errors then name the scenario file and key.

    Parameters
    ----------
    study
        The study to change.
    scenario
        The parsed scenario.

    Examples
    --------
    >>> base = Study.from_catalogue(catalogue)                 # doctest: +SKIP
    >>> winter = apply_scenario(base, scenarios["winter"])       # doctest: +SKIP
    >>> winter.changed_layers(base)                              # doctest: +SKIP
    set()
    """
    validate_scenario(scenario, study.specs)
    origin = str(scenario.spec_path) if scenario.spec_path is not None else "<scenario>"
    specs = dict(study.specs)
    transforms: dict[str, list[Callable[[Any], Any]]] = {lid: list(fns) for lid, fns in study._transforms.items()}
    tokens = dict(study._tokens)
    extra_specs = {k: list(v) for k, v in study.extra_specs.items()}
    changes: list[LayerChange] = []

    for added in scenario.add_layers:
        if added.append_to is None:
            specs[added.spec.id] = added.spec
            tokens[added.spec.id] = spec_token(added.spec)
            changes.append(LayerChange(added.spec.id, "added", added.spec.title))
        else:
            target = added.append_to
            transforms.setdefault(target, []).append(_append_fn(added.spec, study.store, scenario.name))
            tokens[target] = f"{tokens[target]}|append:{spec_token(added.spec)}"
            extra_specs.setdefault(target, []).append(added.spec)
            changes.append(LayerChange(target, "appended", f"{added.spec.id}: {added.spec.title}"))
    for flt in scenario.filter_layers:
        transforms.setdefault(flt.layer, []).append(_filter_fn(flt, origin))
        tokens[flt.layer] = f"{tokens[flt.layer]}|filter:{flt!r}"
        changes.append(LayerChange(flt.layer, "filtered", f"where={dict(flt.where)} exclude={dict(flt.exclude)}"))
    for change in scenario.road_changes:
        transforms.setdefault(change.layer, []).append(_set_fn(change, origin))
        tokens[change.layer] = f"{tokens[change.layer]}|roads:{change!r}"
        what = ", ".join(f"{k}={v}" for k, v in change.set.items())
        if change.close:
            what = f"{what}, closed" if what else "closed"
        changes.append(LayerChange(change.layer, "roads_changed", f"{dict(change.select)}: {what}"))
    for fchange in scenario.feature_changes:
        transforms.setdefault(fchange.layer, []).append(_set_fn(fchange, origin))
        tokens[fchange.layer] = f"{tokens[fchange.layer]}|features:{fchange!r}"
        what = ", ".join(f"{k}={v}" for k, v in fchange.set.items())
        changes.append(LayerChange(fchange.layer, "features_changed", f"{dict(fchange.select)}: {what}"))
    for layer_id in scenario.remove_layers:
        specs.pop(layer_id, None)
        tokens.pop(layer_id, None)
        transforms.pop(layer_id, None)
        changes.append(LayerChange(layer_id, "removed", ""))

    params = {k: dict(v) for k, v in study.parameters.items()}
    for section, values in scenario.parameters.items():
        params.setdefault(section, {}).update(values)
    return Study(
        name=scenario.name,
        specs=specs,
        store=study.store,
        season=scenario.season or study.season,
        parameters=params,
        scenario=scenario,
        transforms={k: tuple(v) for k, v in transforms.items()},
        tokens=tokens,
        extra_specs={k: tuple(v) for k, v in extra_specs.items()},
        changes=changes,
        base=study,
    )


def prepare_studies(
    catalogue: Mapping[str, LayerSpec],
    scenarios: ScenarioSet,
    *,
    baseline: str = BASELINE,
    scenario: str,
    loader: Loader | None = None,
    store: LayerStore | None = None,
) -> tuple[Study, Study]:
    """The two studies of a comparison, both built on one root study (so they share loaded layers).

    ``baseline`` may itself be any scenario name (e.g. compare ``kallak_road`` with ``kallak_rail``).
    ``store`` shares loaded layers with the rest of a run (e.g. the other recipes of a report).

    Parameters
    ----------
    catalogue
        Layer id -> spec.
    scenarios
        The parsed scenarios.
    baseline
        Name of the scenario compared against (default: the unchanged catalogue).
    scenario
        Name of the scenario to compare.
    loader
        Reads a spec's data (default: the store's reader).
    store
        Loaded layers shared with the rest of the run.
    """
    root = Study.from_catalogue(catalogue, store=store, loader=loader)
    base = root if baseline == BASELINE else apply_scenario(root, scenarios[baseline])
    scen = root if scenario == BASELINE else apply_scenario(root, scenarios[scenario])
    return base, scen


__all__ = ["LayerChange", "Study", "apply_scenario", "prepare_studies", "spec_token"]
