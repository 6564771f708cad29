"""Scenarios (``scenarios/*.yaml``): schema, frozen dataclasses, ``extends`` and catalogue checks.

A scenario is a named future = the baseline study plus changes. One YAML file per
scenario (or a mapping in a ``compare`` section of a map recipe). ``baseline`` is a
built-in scenario with no changes. Example::

    name: kallak_road                 # optional; defaults to the file name, must match it
    title: Kallak-gruvan, malmtransport på väg
    title_en: Kallak mine, ore transport by road
    extends: kallak_mine              # optional: start from another scenario's changes
    season: winter                    # a season profile (summer by default)
    add_layers:                       # new layers: a path to a layer YAML ...
      - spec: scenarios/layers/kallak_access_road.yaml
      - id: new_housing               # ... or an inline layer spec (same keys as layers/*.yaml)
        ...
        append_to: housing_land       # optional: add its features to an existing layer
    remove_layers: [power_lines]
    filter_layers:                    # keep rows matching ``where``, drop rows matching ``exclude``
      investment_areas: {exclude: {type: wind}}
    road_changes:
      - layer: roads                  # default: roads
        select: {ref: ["805", "97"]}  # equality/membership; ';'-lists and osmnx list cells match any
        bbox: [650000, 7390000, 760000, 7420000]   # optional (EPSG:3006 m)
        set: {maxspeed: 70, traffic: ore_trucks}
        close: false
    feature_changes:                  # set attributes of selected features of any layer
      - layer: investment_sites
        select: {site_id: kallak}
        set: {jobs_operation: 400, full_operation_year: 2031}
    parameters:                       # keyword arguments per analysis (PARAMETER_KEYS)
      catchments: {minutes: [15, 30, 60]}

Parsing reads no file: layer specs named by ``spec:`` are read by a callable the
caller passes (:func:`jokkgeo.io.configs.read_scenario` does). Applying a scenario to a
study is :mod:`jokkgeo.study.scenario`'s job.

Examples
--------
>>> s = parse_scenario({"name": "w", "title": "Vinter", "season": "winter"}, None)
>>> s.season, s.is_baseline
('winter', False)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jokkgeo.config import _validate as v
from jokkgeo.config.layers import LayerSpec, Resolver, parse_layer_spec
from jokkgeo.errors import CatalogueError, DataLayerError

BASELINE = "baseline"
"""Name of the built-in scenario without changes."""

SEASONS: tuple[str, ...] = ("summer", "winter")
"""Usual seasons; any profile of ``jokkgeo/network/seasons.yaml`` is accepted."""
PARAMETER_KEYS: dict[str, frozenset[str]] = {
    "network": frozenset({"connect_m"}),
    "catchments": frozenset(
        {"minutes", "sites", "site_layer", "cell_m", "buffer_m", "access_speed_kph", "max_snap_m", "direction"}
    ),
    "accessibility": frozenset({"place_layers", "step_m", "place_max_snap_m"}),
    "conflicts": frozenset({"rules", "extra_rules", "quad_segs"}),
    "surfaces": frozenset({"resolution_m", "share_level", "density_window_m"}),
    "growth": frozenset({"years", "site_ids", "sites_layer", "settlements_layer", "housing_layer", "population_layer", "services_layer", "local_share", "local_cap_share", "reach_minutes", "long_distance_share_construction", "long_distance_share_operation", "workers_per_household", "persons_per_household", "dwellings_per_household", "share_age_1_5", "share_age_6_15", "population_exponent", "services_exponent", "housing_exponent", "min_population", "decay_shape", "decay_midpoint_minutes", "decay_steepness_per_minute", "max_commute_minutes", "paused_share", "include_operating", "unknown_capacity_dwellings", "max_iterations", "tolerance"}),  # noqa: E501 - one line (jokkgeo.workflows.growth)
    "services": frozenset({"kinds", "seasons", "minutes", "population_layers", "services_layers", "newcomers_layer",
                           "growth_year", "n_worst", "access_speed_kph", "max_snap_m", "place_max_snap_m"}),
}
"""Keyword arguments a scenario may set under ``parameters``, per analysis."""
PARAMETER_SECTIONS: tuple[str, ...] = tuple(PARAMETER_KEYS)

SCENARIO_KEYS: frozenset[str] = frozenset(
    {
        "name", "title", "title_en", "description", "description_en", "extends", "illustrative", "season",
        "add_layers", "remove_layers", "filter_layers", "road_changes", "feature_changes", "parameters",
    }
)
"""Top-level keys of a scenario."""
ROAD_CHANGE_KEYS: frozenset[str] = frozenset({"layer", "select", "bbox", "set", "close", "description"})
"""Keys of one ``road_changes`` entry."""
FEATURE_CHANGE_KEYS: frozenset[str] = frozenset({"layer", "select", "bbox", "set", "description"})
"""Keys of one ``feature_changes`` entry."""
FILTER_KEYS: frozenset[str] = frozenset({"where", "exclude"})
"""Keys of one ``filter_layers`` entry."""
SPEC_ITEM_KEYS: frozenset[str] = frozenset({"spec", "append_to"})
"""Keys of an ``add_layers`` entry that names a layer YAML file."""
ROAD_THEMES: tuple[str, ...] = ("roads",)
MAXSPEED_RANGE: tuple[float, float] = (5.0, 130.0)
"""Allowed ``set.maxspeed`` values, km/h."""

Selector = Mapping[str, tuple[Any, ...]]
SpecReader = Callable[[str, str], LayerSpec]
"""``read_spec(raw_path, key_path) -> LayerSpec``: reads a layer YAML named by ``spec:``."""


@dataclass(frozen=True)
class AddedLayer:
    """A layer a scenario adds: its full spec, optionally appended to an existing layer."""

    spec: LayerSpec
    append_to: str | None = None
    key: str = "add_layers"


@dataclass(frozen=True)
class LayerFilter:
    """Keep rows matching ``where`` and drop rows matching ``exclude`` (both may be empty)."""

    layer: str
    where: Selector = field(default_factory=dict)
    exclude: Selector = field(default_factory=dict)
    key: str = "filter_layers"


@dataclass(frozen=True)
class FeatureChange:
    """Set attributes on the features of one layer that match ``select`` (and ``bbox``).

    ``feature_changes`` entries are these; a scenario uses them to change jobs, years or
    status of an investment site, the dwellings of housing land, the capacity of a service.
    """

    layer: str
    select: Selector
    set: Mapping[str, Any] = field(default_factory=dict)
    description: str | None = None
    key: str = "feature_changes"
    bbox: tuple[float, float, float, float] | None = None

    def mask(self, frame: Any, *, origin: str = "feature_changes") -> pd.Series:
        """Rows of ``frame`` (a layer or osmnx-style edge table) this change selects.

        Parameters
        ----------
        frame
            A layer or an osmnx-style edge table (needs ``geometry`` with ``bbox``).
        origin
            The scenario file, for messages.
        """
        mask = select_mask(frame, self.select, origin=f"{origin}: key '{self.key}.select")
        if self.bbox is not None:
            import shapely

            mask &= np.asarray(shapely.intersects(frame.geometry.to_numpy(), shapely.box(*self.bbox)), dtype=bool)
        return mask


@dataclass(frozen=True)
class RoadChange(FeatureChange):
    """A :class:`FeatureChange` on a road layer that may also close the roads.

    ``set`` values are written into the layer's columns (``maxspeed`` in km/h);
    ``close`` sets the boolean column ``closed``. The same selection is applied to
    the edges of a road graph by :func:`select_mask` (osmnx edge attributes).
    """

    close: bool = False
    key: str = "road_changes"


@dataclass(frozen=True)
class Scenario:
    """One validated scenario. Changes apply in order: add, filter, road changes, feature changes, remove."""

    name: str
    title: str
    spec_path: Path | None = None
    title_en: str | None = None
    description: str | None = None
    description_en: str | None = None
    extends: str | None = None
    illustrative: bool = False
    season: str | None = None
    add_layers: tuple[AddedLayer, ...] = ()
    remove_layers: tuple[str, ...] = ()
    filter_layers: tuple[LayerFilter, ...] = ()
    road_changes: tuple[RoadChange, ...] = ()
    feature_changes: tuple[FeatureChange, ...] = ()
    parameters: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def label(self, language: str = "sv") -> str:
        """Title in the requested language (Swedish default).

        Parameters
        ----------
        language
            ``sv`` or ``en``.
        """
        return self.title_en if language == "en" and self.title_en else self.title

    def description_text(self, language: str = "sv") -> str | None:
        """Description in ``language`` (falls back to Swedish).

        Parameters
        ----------
        language
            ``sv`` or ``en``.
        """
        return self.description_en if language == "en" and self.description_en else self.description

    @property
    def is_baseline(self) -> bool:
        """True when the scenario changes nothing."""
        return not (
            self.add_layers
            or self.remove_layers
            or self.filter_layers
            or self.road_changes
            or self.feature_changes
            or self.parameters
            or (self.season not in (None, "summer"))
        )


BASELINE_SCENARIO = Scenario(
    name=BASELINE,
    title="Nuläge (basscenario)",
    title_en="Baseline (current situation)",
    description="Studien som den är, utan förändringar.",
    description_en="The study as it is, without changes.",
)


# --------------------------------------------------------------------------- parsing
def _added_layer(item: Any, i: int, path: v.Origin, resolve: Resolver | None,
                 read_spec: SpecReader | None) -> AddedLayer:
    key = f"add_layers[{i}]"
    v.mapping(item, path, key, "an inline layer spec or {spec: path/to/layer.yaml}")
    item = dict(item)
    append_to = item.pop("append_to", None)
    if append_to is not None:
        v.ident(append_to, path, f"{key}.append_to")
    if "spec" in item:
        v.check_keys(item, SPEC_ITEM_KEYS, path, key)
        raw = v.text_value(item["spec"], path, f"{key}.spec", nonempty=True)
        if read_spec is None:
            raise v.fail(path, f"{key}.spec", "layer spec files cannot be read here",
                         "read the scenario with jokkgeo.io.configs.read_scenario")
        spec = read_spec(raw, f"{key}.spec")
    else:
        spec = parse_layer_spec(item, v.origin_text(path), resolve=resolve, key_prefix=key)
    return AddedLayer(spec=spec, append_to=append_to, key=key)


def _set_values(item: Mapping[str, Any], path: v.Origin, key: str) -> dict[str, Any]:
    set_values = item.get("set") or {}
    v.mapping(set_values, path, f"{key}.set", "a mapping column: value")
    for col, value in set_values.items():
        if isinstance(value, (Mapping, list)):
            raise v.fail(path, f"{key}.set.{col}", f"expected one plain value, got {v.short(value)}")
    return dict(set_values)


def _select(item: Mapping[str, Any], path: v.Origin, key: str, example: str) -> Selector:
    if not item.get("select"):
        raise v.fail(path, f"{key}.select", "missing (required)", f"say which features, e.g. {example}")
    return v.value_filter(item["select"], path, f"{key}.select")


def _feature_change(item: Any, i: int, path: v.Origin) -> FeatureChange:
    key = f"feature_changes[{i}]"
    v.mapping(item, path, key, "a mapping with 'layer', 'select' and 'set'")
    v.check_keys(item, FEATURE_CHANGE_KEYS, path, key)
    if item.get("layer") is None:
        raise v.fail(path, f"{key}.layer", "missing (required)", "name the layer whose features change")
    select = _select(item, path, key, "{site_id: kallak}")
    set_values = _set_values(item, path, key)
    if not set_values:
        raise v.fail(path, f"{key}.set", "changes nothing", "give column: value pairs, e.g. {jobs_operation: 400}")
    bbox = item.get("bbox")
    return FeatureChange(
        layer=v.ident(item["layer"], path, f"{key}.layer"),
        select=select,
        set=set_values,
        description=v.opt_text(item.get("description"), path, f"{key}.description"),
        key=key,
        bbox=None if bbox is None else v.bbox(bbox, path, f"{key}.bbox"),
    )


def _road_change(item: Any, i: int, path: v.Origin) -> RoadChange:
    key = f"road_changes[{i}]"
    v.mapping(item, path, key, "a mapping with 'select' and 'set' and/or 'close'")
    v.check_keys(item, ROAD_CHANGE_KEYS, path, key)
    select = _select(item, path, key, "{ref: ['805', '97']}")
    set_values = _set_values(item, path, key)
    for col, value in set_values.items():
        if col == "maxspeed":
            lo, hi = MAXSPEED_RANGE
            speed = v.number(value, path, f"{key}.set.maxspeed", what="a speed in km/h")
            if not lo <= speed <= hi:
                raise v.fail(path, f"{key}.set.maxspeed", f"{v.short(value)} km/h is outside {lo:g}–{hi:g} km/h",
                             "give a signed speed limit")
        if col == "closed":
            raise v.fail(path, f"{key}.set.closed", "'closed' cannot be set", "use 'close: true' to close roads")
    close = v.boolean(item.get("close", False), path, f"{key}.close")
    if not set_values and not close:
        raise v.fail(path, key, "changes nothing", "give 'set' and/or 'close: true'")
    bbox = item.get("bbox")
    return RoadChange(
        layer=v.ident(item.get("layer", "roads"), path, f"{key}.layer"),
        select=select,
        set=set_values,
        close=close,
        description=v.opt_text(item.get("description"), path, f"{key}.description"),
        key=key,
        bbox=None if bbox is None else v.bbox(bbox, path, f"{key}.bbox"),
    )


def _parameters(raw: Any, path: v.Origin) -> dict[str, dict[str, Any]]:
    raw = raw or {}
    v.mapping(raw, path, "parameters", "a mapping analysis: {keyword: value}")
    out: dict[str, dict[str, Any]] = {}
    for section, values in raw.items():
        if section not in PARAMETER_KEYS:
            raise v.fail(path, f"parameters.{section}", f"unknown analysis {v.short(section)}",
                         f"use one of: {', '.join(PARAMETER_SECTIONS)}")
        v.mapping(values, path, f"parameters.{section}", "a mapping keyword: value")
        for k in values:
            if k not in PARAMETER_KEYS[section]:
                raise v.fail(path, f"parameters.{section}.{k}", f"unknown parameter {v.short(k)}",
                             f"allowed: {', '.join(sorted(PARAMETER_KEYS[section]))}")
        out[str(section)] = dict(values)
    return out


def parse_scenario(
    data: Any,
    spec_path: str | Path | None,
    *,
    name: str | None = None,
    resolve: Resolver | None = None,
    read_spec: SpecReader | None = None,
    seasons: Iterable[str] | None = None,
) -> Scenario:
    """Validate one parsed scenario document and return a :class:`Scenario`.

    Parameters
    ----------
    data
        The parsed YAML mapping.
    spec_path
        The file it came from (messages and provenance); ``None`` for an inline scenario.
    name
        Expected name (the file stem); a ``name`` key that differs is an error.
    resolve
        Resolves ``source.path`` of inline layer specs (see
        :func:`jokkgeo.config.layers.parse_layer_spec`).
    read_spec
        Reads a layer YAML named by an ``add_layers[i].spec`` key.
    seasons
        Known season profile names (unchecked when ``None``).

    Layer ids are checked against a catalogue later, by :func:`validate_scenario`.
    """
    p = spec_path if spec_path is not None else "<scenario>"
    v.mapping(data, p, "")
    v.check_keys(data, SCENARIO_KEYS, p)
    raw_name = data.get("name", name)
    if raw_name is None:
        raise v.fail(p, "name", "missing (required for a scenario that is not a file)")
    scen_name = v.ident(raw_name, p, "name")
    if name is not None and scen_name != name:
        raise v.fail(p, "name", f"'{scen_name}' differs from the file name '{name}'", "make them equal")
    if scen_name == BASELINE:
        raise v.fail(p, "name", f"'{BASELINE}' is the built-in scenario without changes", "choose another name")
    v.require(data, ("title",), p)
    season = data.get("season")
    if season is not None:
        if seasons is not None:
            v.choice(season, tuple(seasons), p, "season", "a season profile")
        else:
            v.ident(season, p, "season")

    raw_add = data.get("add_layers") or []
    if not isinstance(raw_add, list):
        raise v.fail(p, "add_layers", f"got {v.short(raw_add)}", "give a list of layer specs or {spec: path}")
    added: list[AddedLayer] = []
    for i, item in enumerate(raw_add):
        layer = _added_layer(item, i, p, resolve, read_spec)
        if any(a.spec.id == layer.spec.id for a in added):
            raise v.fail(p, f"{layer.key}.id", f"layer id '{layer.spec.id}' is added twice", "use another id")
        added.append(layer)

    removed = v.text_list(data.get("remove_layers"), p, "remove_layers")
    for i, r in enumerate(removed):
        v.ident(r, p, f"remove_layers[{i}]")

    filters: list[LayerFilter] = []
    raw_filters = data.get("filter_layers") or {}
    v.mapping(raw_filters, p, "filter_layers", "a mapping layer_id: {where: ..., exclude: ...}")
    for layer_id, spec in raw_filters.items():
        key = f"filter_layers.{layer_id}"
        v.mapping(spec, p, key, "a mapping with 'where' and/or 'exclude'")
        v.check_keys(spec, FILTER_KEYS, p, key)
        if not spec:
            raise v.fail(p, key, "empty filter", "give 'where' and/or 'exclude'")
        filters.append(LayerFilter(
            layer=str(layer_id),
            where=v.value_filter(spec.get("where"), p, f"{key}.where"),
            exclude=v.value_filter(spec.get("exclude"), p, f"{key}.exclude"),
            key=key,
        ))

    raw_roads = data.get("road_changes") or []
    if not isinstance(raw_roads, list):
        raise v.fail(p, "road_changes", f"got {v.short(raw_roads)}", "give a list of {layer, select, set, close}")
    road_changes = [_road_change(item, i, p) for i, item in enumerate(raw_roads)]
    raw_features = data.get("feature_changes") or []
    if not isinstance(raw_features, list):
        raise v.fail(p, "feature_changes", f"got {v.short(raw_features)}", "give a list of {layer, select, set}")
    feature_changes = [_feature_change(item, i, p) for i, item in enumerate(raw_features)]

    illustrative = data.get("illustrative")
    if illustrative is None:
        illustrative = any(a.spec.illustrative for a in added) or bool(road_changes) or bool(feature_changes)
    return Scenario(
        name=scen_name,
        title=v.text_value(data["title"], p, "title"),
        spec_path=Path(spec_path) if spec_path is not None else None,
        title_en=v.opt_text(data.get("title_en"), p, "title_en"),
        description=v.opt_text(data.get("description"), p, "description"),
        description_en=v.opt_text(data.get("description_en"), p, "description_en"),
        extends=None if data.get("extends") is None else v.ident(data["extends"], p, "extends"),
        illustrative=v.boolean(illustrative, p, "illustrative"),
        season=season,
        add_layers=tuple(added),
        remove_layers=removed,
        filter_layers=tuple(filters),
        road_changes=tuple(road_changes),
        feature_changes=tuple(feature_changes),
        parameters=_parameters(data.get("parameters"), p),
    )


class ScenarioSet(Mapping[str, Scenario]):
    """Scenarios by name (``baseline`` always present), with ``extends`` resolved on lookup.

    Parameters
    ----------
    scenarios
        Parsed scenarios by name (as written, ``extends`` unresolved).
    directory
        The scenario folder (named in messages).
    """

    def __init__(self, scenarios: Mapping[str, Scenario], directory: Path | None = None) -> None:
        self._scenarios = {BASELINE: BASELINE_SCENARIO, **dict(scenarios)}
        self.directory = directory

    def __getitem__(self, name: str) -> Scenario:
        return self._resolve(name, ())

    def _resolve(self, name: str, chain: tuple[str, ...]) -> Scenario:
        if name not in self._scenarios:
            where = f"{self.directory}: " if self.directory is not None else ""
            raise CatalogueError(
                f"{where}no scenario named '{name}'; available: {', '.join(sorted(self._scenarios))}"
            )
        scen = self._scenarios[name]
        if scen.extends is None:
            return scen
        if scen.extends in chain or scen.extends == name:
            raise v.fail(scen.spec_path, "extends", f"cycle: {' -> '.join((*chain, name, scen.extends))}")
        if scen.extends not in self._scenarios:
            raise v.fail(
                scen.spec_path, "extends",
                f"no scenario named '{scen.extends}'; available: {', '.join(sorted(self._scenarios))}",
            )
        return merge_scenarios(self._resolve(scen.extends, (*chain, name)), scen)

    def raw(self, name: str) -> Scenario:
        """The scenario as written (``extends`` not resolved).

        Parameters
        ----------
        name
            Scenario name.
        """
        return self._scenarios[name]

    def __contains__(self, name: object) -> bool:
        return name in self._scenarios

    def __iter__(self) -> Iterator[str]:
        return iter(self._scenarios)

    def __len__(self) -> int:
        return len(self._scenarios)



def merge_scenarios(base: Scenario, child: Scenario) -> Scenario:
    """The changes of ``base`` followed by those of ``child`` (child wins for season/parameters).

    Parameters
    ----------
    base
        The scenario ``child`` extends (already resolved).
    child
        The extending scenario.
    """
    params: dict[str, dict[str, Any]] = {k: dict(v) for k, v in base.parameters.items()}
    for section, values in child.parameters.items():
        params.setdefault(section, {}).update(values)
    child_ids = {a.spec.id for a in child.add_layers}
    return replace(
        child,
        extends=None,
        illustrative=child.illustrative or base.illustrative,
        season=child.season if child.season is not None else base.season,
        add_layers=tuple(a for a in base.add_layers if a.spec.id not in child_ids) + child.add_layers,
        remove_layers=base.remove_layers + child.remove_layers,
        filter_layers=base.filter_layers + child.filter_layers,
        road_changes=base.road_changes + child.road_changes,
        feature_changes=base.feature_changes + child.feature_changes,
        parameters=params,
    )


def validate_scenario(scenario: Scenario, catalogue: Mapping[str, LayerSpec]) -> None:
    """Check every layer a scenario refers to exists (in the catalogue or added earlier).

    Parameters
    ----------
    scenario
        A parsed (resolved) scenario.
    catalogue
        The layer specs by id.

    Raises
    ------
    jokkgeo.errors.CatalogueError
        Naming the scenario file and key.
    """
    path = scenario.spec_path if scenario.spec_path is not None else "<scenario>"
    known = {lid: catalogue[lid] for lid in list(catalogue)}  # plain dict: Catalogue lookups raise
    original = set(known)

    def need(layer_id: str, key: str) -> LayerSpec:
        if layer_id not in known:
            raise v.fail(path, key, f"no layer with id '{layer_id}'; available: {', '.join(sorted(known))}")
        return known[layer_id]

    for added in scenario.add_layers:
        if added.append_to is not None:
            target = need(added.append_to, f"{added.key}.append_to")
            if target.geometry_type != added.spec.geometry_type:
                raise v.fail(
                    path, f"{added.key}.append_to",
                    f"layer '{added.append_to}' holds {target.geometry_type} features, "
                    f"'{added.spec.id}' holds {added.spec.geometry_type}; add it as its own layer instead",
                )
        elif added.spec.id in original:
            raise v.fail(
                path, f"{added.key}.id",
                f"layer id '{added.spec.id}' already exists in the catalogue; choose a new id or use append_to",
            )
        else:
            known[added.spec.id] = added.spec
    for flt in scenario.filter_layers:
        need(flt.layer, flt.key)
    for change in scenario.road_changes:
        spec = need(change.layer, f"{change.key}.layer")
        if spec.theme not in ROAD_THEMES or spec.geometry_type != "LineString":
            raise v.fail(
                path, f"{change.key}.layer",
                f"layer '{change.layer}' is theme '{spec.theme}' ({spec.geometry_type}); road changes need a "
                "LineString layer of theme 'roads'",
            )
    for fchange in scenario.feature_changes:
        spec = need(fchange.layer, f"{fchange.key}.layer")
        if spec.geometry_type == "Raster":
            raise v.fail(path, f"{fchange.key}.layer", f"layer '{fchange.layer}' is a raster; feature changes need "
                         "a vector layer")
        if spec.theme in ROAD_THEMES:
            raise v.fail(path, f"{fchange.key}.layer", f"layer '{fchange.layer}' is a road layer",
                         "change roads with road_changes (they also update the road network)")
    for i, layer_id in enumerate(scenario.remove_layers):
        need(layer_id, f"remove_layers[{i}]")


# --------------------------------------------------------------------------- selection
def _tokens(value: Any) -> list[str]:
    """Normalise a cell to comparable text tokens (lists and ';'-separated text give several)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, np.ndarray)):
        return [t for v in value for t in _tokens(v)]
    if isinstance(value, float):
        if np.isnan(value):
            return []
        if value.is_integer():
            return [str(int(value))]
    if isinstance(value, (bool, np.bool_)):
        return [str(bool(value)).lower()]
    if isinstance(value, (np.integer,)):
        return [str(int(value))]
    if isinstance(value, np.floating):
        return _tokens(float(value))
    text = str(value)
    return [p.strip() for p in text.split(";")] if ";" in text else [text.strip()]


def select_mask(frame: pd.DataFrame, select: Selector, *, origin: str = "select") -> pd.Series:
    """Boolean Series (aligned to ``frame``): rows where every column matches one of its values.

    This is what a ``select``/``where``/``exclude`` filter of the schema means (no I/O).

    Matching compares text: ``805`` matches ``"805"``, ``"E 45;97"`` and osmnx list cells
    such as ``[123, 456]`` match when any element matches. Missing columns raise
    :class:`~jokkgeo.errors.DataLayerError` naming ``origin``.

    Parameters
    ----------
    frame
        A table (GeoDataFrame or osmnx-style edge table).
    select
        Column -> accepted values.
    origin
        Prefix for error messages.

    Examples
    --------
    >>> import pandas as pd
    >>> select_mask(pd.DataFrame({"ref": ["97", "805;97", None]}), {"ref": (97,)}).tolist()
    [True, True, False]
    """
    mask = pd.Series(True, index=frame.index)
    for column, values in select.items():
        if column not in frame.columns:
            raise DataLayerError(
                f"{origin}.{column}: column '{column}' not in the layer; columns: {', '.join(map(str, frame.columns))}"
            )
        wanted = {t for v in values for t in _tokens(v)}
        col = frame[column]
        # fast path for plain scalar columns: compare once per distinct value
        try:
            codes, uniques = pd.factorize(col, use_na_sentinel=True)
        except TypeError:  # unhashable cells (osmnx list attributes): compare per row
            codes, uniques = np.arange(len(col)), col.to_numpy(dtype=object)
        hit_unique = np.array([bool(wanted.intersection(_tokens(u))) for u in uniques], dtype=bool)
        hits = np.zeros(len(frame), dtype=bool)
        valid = codes >= 0
        hits[valid] = hit_unique[codes[valid]]
        mask &= hits
    return mask
