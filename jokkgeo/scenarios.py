"""Scenarios: a named future = the baseline study plus changes (parse, validate, apply).

One YAML file per scenario in ``scenarios/`` (or a mapping in a ``compare`` section of a
map recipe, see :mod:`jokkgeo.report.runners`). ``baseline`` is a built-in scenario with
no changes. Example::

    name: kallak_road                 # optional; defaults to the file name, must match it
    title: Kallak-gruvan, malmtransport på väg
    title_en: Kallak mine, ore transport by road
    description: ...                  # optional, Swedish (description_en: English)
    extends: kallak_mine              # optional: start from another scenario's changes
    season: winter                    # summer (default) | winter | winter_open_tracks
    add_layers:                       # new layers: a path to a layer YAML ...
      - spec: scenarios/layers/kallak_access_road.yaml
      - id: new_housing               # ... or an inline layer spec (same keys as layers/*.yaml)
        title: Nytt bostadsområde
        theme: housing_land
        source: {path: data/scenarios.gpkg, layer: jokkmokk_new_housing}
        geometry_type: Polygon
        provenance: ...
        licence: CC0 1.0
        attribution: jokkgeo
        accuracy_m: 100
        illustrative: true
        append_to: housing_land       # optional: add its features to an existing layer
    remove_layers: [power_lines]
    filter_layers:                    # keep rows matching ``where``, drop rows matching ``exclude``
      investment_areas: {exclude: {type: wind}}
    road_changes:                     # change road attributes selected by value
      - layer: roads                  # default: roads
        select: {ref: ["805", "97"]}  # equality/membership; ';'-lists and osmnx list cells match any
        bbox: [650000, 7390000, 760000, 7420000]   # optional: only features intersecting (EPSG:3006 m)
        set: {maxspeed: 70, traffic: ore_trucks}
        close: false                  # true: the selected roads are closed to traffic
    parameters:                       # keyword arguments per analysis (PARAMETER_KEYS)
      catchments: {minutes: [15, 30, 60]}

Examples
--------
>>> from pathlib import Path
>>> s = parse_scenario({"name": "w", "title": "Vinter", "season": "winter"}, None, root=Path("."))
>>> s.season, s.is_baseline
('winter', False)

Every reference to a layer is checked against the catalogue; errors name the
file and the key (``scenarios/x.yaml: key 'remove_layers[1]': ...``) and say
how to fix them. Nothing here is evaluated: filters are equality/membership tests.

Applying a scenario to loaded layers (``Study``, ``apply_scenario``, ``prepare_studies``)
is :mod:`jokkgeo.study.scenario`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jokkgeo.catalogue import Catalogue, LayerSpec, load_yaml, parse_layer_spec
from jokkgeo.errors import CatalogueError, DataLayerError, DataSourceError, JokkgeoError

logger = logging.getLogger(__name__)

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
}
"""Keyword arguments a scenario may set under ``parameters``, per analysis
(see :mod:`jokkgeo.workflows.comparison` for their meaning and defaults)."""
PARAMETER_SECTIONS: tuple[str, ...] = tuple(PARAMETER_KEYS)

_KEYS = frozenset(
    {
        "name",
        "title",
        "title_en",
        "description",
        "description_en",
        "extends",
        "illustrative",
        "season",
        "add_layers",
        "remove_layers",
        "filter_layers",
        "road_changes",
        "parameters",
    }
)
_ROAD_CHANGE_KEYS = frozenset({"layer", "select", "bbox", "set", "close", "description"})
_FILTER_KEYS = frozenset({"where", "exclude"})
_SPEC_ITEM_KEYS = frozenset({"spec", "append_to"})
_ROAD_THEMES = ("roads",)

Selector = Mapping[str, tuple[Any, ...]]


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
class RoadChange:
    """Set attributes on (or close) the road features that match ``select``.

    ``set`` values are written into the layer's columns (``maxspeed`` in km/h);
    ``close`` sets the boolean column ``closed``. The same selection is applied to
    the edges of a road graph by :func:`select_mask` (osmnx edge attributes).
    """

    layer: str
    select: Selector
    set: Mapping[str, Any] = field(default_factory=dict)
    close: bool = False
    description: str | None = None
    key: str = "road_changes"
    bbox: tuple[float, float, float, float] | None = None

    def mask(self, frame: Any, *, origin: str = "road_changes") -> pd.Series:
        """Rows of ``frame`` (a road layer or osmnx-style edge table) this change selects."""
        mask = select_mask(frame, self.select, origin=f"{origin}: key '{self.key}.select")
        if self.bbox is not None:
            import shapely

            mask &= np.asarray(shapely.intersects(frame.geometry.to_numpy(), shapely.box(*self.bbox)), dtype=bool)
        return mask


@dataclass(frozen=True)
class Scenario:
    """One validated scenario. Changes apply in order: add, filter, road changes, remove."""

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
    parameters: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def label(self, language: str = "sv") -> str:
        """Title in the requested language (Swedish default)."""
        return self.title_en if language == "en" and self.title_en else self.title

    def description_text(self, language: str = "sv") -> str | None:
        return self.description_en if language == "en" and self.description_en else self.description

    @property
    def is_baseline(self) -> bool:
        """True when the scenario changes nothing."""
        return not (
            self.add_layers
            or self.remove_layers
            or self.filter_layers
            or self.road_changes
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
def _origin(path: Path | str | None) -> str:
    return str(path) if path is not None else "<scenario>"


def _fail(path: Path | str | None, key: str, problem: str) -> CatalogueError:
    return CatalogueError(f"{_origin(path)}: key '{key}': {problem}")


def _expect(path: Path | str | None, key: str, value: Any, types: type | tuple[type, ...], what: str) -> Any:
    allowed = types if isinstance(types, tuple) else (types,)
    if (isinstance(value, bool) and bool not in allowed) or not isinstance(value, allowed):
        raise _fail(path, key, f"expected {what}, got {type(value).__name__} {value!r}")
    return value


def _selector(path: Path | str | None, key: str, raw: Any) -> dict[str, tuple[Any, ...]]:
    _expect(path, key, raw, Mapping, "a mapping column: value or [values]")
    out: dict[str, tuple[Any, ...]] = {}
    for column, values in raw.items():
        vals = tuple(values) if isinstance(values, list) else (values,)
        if not vals:
            raise _fail(path, f"{key}.{column}", "empty list of values; give at least one value")
        for v in vals:
            if isinstance(v, (Mapping, list)):
                raise _fail(path, f"{key}.{column}", f"values must be plain text or numbers, got {v!r}")
        out[str(column)] = vals
    return out


def _rewrite_origin(exc: JokkgeoError, path: Path | str | None, prefix: str) -> JokkgeoError:
    """Turn ``file: key 'source.path': …`` from the layer parser into ``file: key 'add_layers[0].source.path'``."""
    text = str(exc)
    head = f"{_origin(path)}: key '"
    if text.startswith(head):
        text = f"{head}{prefix}.{text[len(head):]}"
    elif text.startswith(f"{_origin(path)}: "):
        text = f"{_origin(path)}: key '{prefix}': {text[len(_origin(path)) + 2:]}"
    else:
        text = f"{_origin(path)}: key '{prefix}': {text}"
    return type(exc)(text)


def _resolve_yaml_path(raw: str, *, root: Path, origin: str, allow_outside: bool) -> Path:
    text = str(raw).strip()
    if "://" in text or text.lower().startswith(("/vsi", "http:", "https:", "ftp:")):
        raise CatalogueError(f"{origin}: '{text}' is a URL; give a local path to a layer YAML file")
    path = Path(text).expanduser()
    if not path.is_absolute():
        path = root / path
    resolved = path.resolve()
    if resolved.suffix.lower() not in (".yaml", ".yml"):
        raise CatalogueError(f"{origin}: '{text}' is not a .yaml layer spec")
    if not allow_outside and not resolved.is_relative_to(root.resolve()):
        raise CatalogueError(
            f"{origin}: '{text}' resolves to {resolved}, outside the project folder {root.resolve()}; "
            "move the file into the project or pass --allow-outside"
        )
    if not resolved.exists():
        raise DataSourceError(f"{origin}: layer spec {resolved} does not exist")
    return resolved


def parse_scenario(
    data: Any,
    spec_path: Path | str | None,
    *,
    root: Path,
    name: str | None = None,
    allow_outside: bool = False,
    check_exists: bool = True,
) -> Scenario:
    """Validate one parsed scenario document and return a :class:`Scenario`.

    Parameters
    ----------
    data
        The parsed YAML mapping.
    spec_path
        The file it came from (used in error messages and as provenance).
    root
        Project folder that relative paths resolve against.
    name
        Expected name (the file stem); a ``name`` key that differs is an error.
    allow_outside, check_exists
        As for :func:`jokkgeo.catalogue.parse_layer_spec`.

    Layer ids are checked against a catalogue later, by :func:`validate_scenario`.
    """
    if not isinstance(data, Mapping):
        raise CatalogueError(f"{_origin(spec_path)}: expected a mapping of keys, got {type(data).__name__}")
    for key in data:
        if key not in _KEYS:
            raise _fail(spec_path, str(key), f"unknown key; allowed keys are: {', '.join(sorted(_KEYS))}")
    raw_name = data.get("name", name)
    if raw_name is None:
        raise _fail(spec_path, "name", "missing (required for a scenario that is not a file)")
    scen_name = _expect(spec_path, "name", raw_name, str, "a scenario name")
    if not scen_name.replace("_", "").replace("-", "").isalnum():
        raise _fail(spec_path, "name", f"'{scen_name}' must use letters, digits, '_' or '-' only")
    if name is not None and scen_name != name:
        raise _fail(spec_path, "name", f"'{scen_name}' differs from the file name '{name}'; make them equal")
    if scen_name == BASELINE:
        raise _fail(spec_path, "name", f"'{BASELINE}' is the built-in scenario without changes; choose another name")
    if data.get("title") is None:
        raise _fail(spec_path, "title", "missing (required)")
    title = _expect(spec_path, "title", data["title"], str, "text")

    def opt_text(key: str) -> str | None:
        value = data.get(key)
        return None if value is None else _expect(spec_path, key, value, str, "text")

    extends = opt_text("extends")
    season = data.get("season")
    if season is not None:
        _expect(spec_path, "season", season, str, "a season name")
        from jokkgeo.network.profiles import get_profile

        try:
            get_profile(season)
        except JokkgeoError as exc:
            raise _fail(spec_path, "season", f"'{season}' is not a season profile ({exc})") from None

    added: list[AddedLayer] = []
    raw_add = data.get("add_layers") or []
    _expect(spec_path, "add_layers", raw_add, list, "a list of layer specs (inline) or {spec: path}")
    for i, item in enumerate(raw_add):
        key = f"add_layers[{i}]"
        _expect(spec_path, key, item, Mapping, "an inline layer spec or {spec: path/to/layer.yaml}")
        item = dict(item)
        append_to = item.pop("append_to", None)
        if append_to is not None:
            _expect(spec_path, f"{key}.append_to", append_to, str, "a layer id")
        if "spec" in item:
            for k in item:
                if k not in _SPEC_ITEM_KEYS:
                    raise _fail(spec_path, f"{key}.{k}", "not allowed next to 'spec'; put layer keys into the spec file")
            spec_file = _resolve_yaml_path(
                _expect(spec_path, f"{key}.spec", item["spec"], str, "a path to a layer YAML"),
                root=root,
                origin=f"{_origin(spec_path)}: key '{key}.spec'",
                allow_outside=allow_outside,
            )
            spec = parse_layer_spec(
                load_yaml(spec_file), spec_file, root=root, allow_outside=allow_outside, check_exists=check_exists
            )
        else:
            try:
                spec = parse_layer_spec(
                    item, Path(_origin(spec_path)), root=root, allow_outside=allow_outside, check_exists=check_exists
                )
            except JokkgeoError as exc:
                raise _rewrite_origin(exc, spec_path, key) from None
        if any(a.spec.id == spec.id for a in added):
            raise _fail(spec_path, f"{key}.id", f"layer id '{spec.id}' is added twice")
        added.append(AddedLayer(spec=spec, append_to=append_to, key=key))

    raw_remove = data.get("remove_layers") or []
    _expect(spec_path, "remove_layers", raw_remove, list, "a list of layer ids")
    removed = tuple(_expect(spec_path, f"remove_layers[{i}]", r, str, "a layer id") for i, r in enumerate(raw_remove))

    filters: list[LayerFilter] = []
    raw_filters = data.get("filter_layers") or {}
    _expect(spec_path, "filter_layers", raw_filters, Mapping, "a mapping layer_id: {where: ..., exclude: ...}")
    for layer_id, spec in raw_filters.items():
        key = f"filter_layers.{layer_id}"
        _expect(spec_path, key, spec, Mapping, "a mapping with 'where' and/or 'exclude'")
        for k in spec:
            if k not in _FILTER_KEYS:
                raise _fail(spec_path, f"{key}.{k}", f"unknown key; allowed keys are: {', '.join(sorted(_FILTER_KEYS))}")
        if not spec:
            raise _fail(spec_path, key, "empty filter; give 'where' and/or 'exclude'")
        filters.append(
            LayerFilter(
                layer=str(layer_id),
                where=_selector(spec_path, f"{key}.where", spec.get("where") or {}),
                exclude=_selector(spec_path, f"{key}.exclude", spec.get("exclude") or {}),
                key=key,
            )
        )

    road_changes: list[RoadChange] = []
    raw_roads = data.get("road_changes") or []
    _expect(spec_path, "road_changes", raw_roads, list, "a list of {layer, select, set, close}")
    for i, item in enumerate(raw_roads):
        key = f"road_changes[{i}]"
        _expect(spec_path, key, item, Mapping, "a mapping with 'select' and 'set' and/or 'close'")
        for k in item:
            if k not in _ROAD_CHANGE_KEYS:
                raise _fail(spec_path, f"{key}.{k}", f"unknown key; allowed keys are: {', '.join(sorted(_ROAD_CHANGE_KEYS))}")
        if not item.get("select"):
            raise _fail(spec_path, f"{key}.select", "missing (required): which roads, e.g. {ref: ['805', '97']}")
        select = _selector(spec_path, f"{key}.select", item["select"])
        set_values = item.get("set") or {}
        _expect(spec_path, f"{key}.set", set_values, Mapping, "a mapping column: value")
        for col, value in set_values.items():
            if isinstance(value, (Mapping, list)):
                raise _fail(spec_path, f"{key}.set.{col}", f"expected one plain value, got {value!r}")
            if col == "maxspeed":
                _expect(spec_path, f"{key}.set.maxspeed", value, (int, float), "a speed in km/h")
                if not 5 <= value <= 130:
                    raise _fail(spec_path, f"{key}.set.maxspeed", f"{value} km/h is outside 5–130 km/h")
            if col == "closed":
                raise _fail(spec_path, f"{key}.set.closed", "use 'close: true' to close roads")
        close = item.get("close", False)
        _expect(spec_path, f"{key}.close", close, bool, "true or false")
        if not set_values and not close:
            raise _fail(spec_path, key, "changes nothing; give 'set' and/or 'close: true'")
        bbox = item.get("bbox")
        if bbox is not None:
            _expect(spec_path, f"{key}.bbox", bbox, list, "[xmin, ymin, xmax, ymax] in EPSG:3006 metres")
            if len(bbox) != 4 or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in bbox):
                raise _fail(spec_path, f"{key}.bbox", f"expected four numbers [xmin, ymin, xmax, ymax], got {bbox!r}")
            if not (bbox[0] < bbox[2] and bbox[1] < bbox[3]):
                raise _fail(spec_path, f"{key}.bbox", f"need xmin < xmax and ymin < ymax, got {bbox!r}")
            if not (1e5 <= abs(bbox[0]) <= 1.2e6 and 6e6 <= abs(bbox[1]) <= 8e6):
                raise _fail(spec_path, f"{key}.bbox", f"{bbox!r} does not look like EPSG:3006 metres (Sweden)")
            bbox = tuple(float(v) for v in bbox)
        layer = _expect(spec_path, f"{key}.layer", item.get("layer", "roads"), str, "a layer id")
        desc = item.get("description")
        if desc is not None:
            _expect(spec_path, f"{key}.description", desc, str, "text")
        road_changes.append(
            RoadChange(
                layer=layer, select=select, set=dict(set_values), close=close, description=desc, key=key, bbox=bbox
            )
        )

    params_raw = data.get("parameters") or {}
    _expect(spec_path, "parameters", params_raw, Mapping, "a mapping analysis: {keyword: value}")
    parameters: dict[str, dict[str, Any]] = {}
    for section, values in params_raw.items():
        if section not in PARAMETER_SECTIONS:
            raise _fail(
                spec_path, f"parameters.{section}", f"unknown analysis; use one of: {', '.join(PARAMETER_SECTIONS)}"
            )
        _expect(spec_path, f"parameters.{section}", values, Mapping, "a mapping keyword: value")
        for key in values:
            if key not in PARAMETER_KEYS[section]:
                raise _fail(
                    spec_path, f"parameters.{section}.{key}",
                    f"unknown parameter; allowed: {', '.join(sorted(PARAMETER_KEYS[section]))}",
                )
        parameters[str(section)] = dict(values)

    illustrative = data.get("illustrative")
    if illustrative is None:
        illustrative = any(a.spec.illustrative for a in added) or bool(road_changes)
    _expect(spec_path, "illustrative", illustrative, bool, "true or false")
    return Scenario(
        name=scen_name,
        title=title,
        spec_path=Path(spec_path) if spec_path is not None else None,
        title_en=opt_text("title_en"),
        description=opt_text("description"),
        description_en=opt_text("description_en"),
        extends=extends,
        illustrative=illustrative,
        season=season,
        add_layers=tuple(added),
        remove_layers=removed,
        filter_layers=tuple(filters),
        road_changes=tuple(road_changes),
        parameters=parameters,
    )


def read_scenario(path: str | Path, *, root: Path, allow_outside: bool = False, check_exists: bool = True) -> Scenario:
    """Read and validate one scenario YAML file (its name is the file stem)."""
    path = Path(path)
    return parse_scenario(
        load_yaml(path), path, root=root, name=path.stem, allow_outside=allow_outside, check_exists=check_exists
    )


class ScenarioSet(Mapping[str, Scenario]):
    """Scenarios by name (``baseline`` always present), with ``extends`` resolved on lookup."""

    def __init__(self, scenarios: Mapping[str, Scenario], directory: Path | None = None) -> None:
        self._scenarios = {BASELINE: BASELINE_SCENARIO, **dict(scenarios)}
        self.directory = directory

    @classmethod
    def from_dir(
        cls,
        directory: str | Path,
        *,
        root: str | Path | None = None,
        catalogue: Catalogue | None = None,
        allow_outside: bool = False,
        check_exists: bool = True,
    ) -> "ScenarioSet":
        """Load ``directory/*.yaml``; a missing folder gives only ``baseline``.

        With ``catalogue`` every scenario is validated against it (:func:`validate_scenario`).
        """
        directory = Path(directory)
        root_path = Path(root) if root is not None else directory.resolve().parent
        scenarios: dict[str, Scenario] = {}
        if directory.is_dir():
            for file in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]):
                if file.stem == BASELINE:
                    raise _fail(file, "name", f"'{BASELINE}' is built in (no changes); rename the file")
                scen = read_scenario(file, root=root_path, allow_outside=allow_outside, check_exists=check_exists)
                scenarios[scen.name] = scen
        out = cls(scenarios, directory)
        for name in scenarios:
            resolved = out[name]
            if catalogue is not None:
                validate_scenario(resolved, catalogue)
        return out

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
            raise _fail(scen.spec_path, "extends", f"cycle: {' -> '.join((*chain, name, scen.extends))}")
        if scen.extends not in self._scenarios:
            raise _fail(
                scen.spec_path, "extends",
                f"no scenario named '{scen.extends}'; available: {', '.join(sorted(self._scenarios))}",
            )
        return merge_scenarios(self._resolve(scen.extends, (*chain, name)), scen)

    def raw(self, name: str) -> Scenario:
        """The scenario as written (``extends`` not resolved)."""
        return self._scenarios[name]

    def __contains__(self, name: object) -> bool:
        return name in self._scenarios

    def __iter__(self) -> Iterator[str]:
        return iter(self._scenarios)

    def __len__(self) -> int:
        return len(self._scenarios)


def merge_scenarios(base: Scenario, child: Scenario) -> Scenario:
    """The changes of ``base`` followed by those of ``child`` (child wins for season/parameters)."""
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
        parameters=params,
    )


def validate_scenario(scenario: Scenario, catalogue: Mapping[str, LayerSpec]) -> None:
    """Check every layer a scenario refers to exists (in the catalogue or added earlier).

    Raises :class:`~jokkgeo.errors.CatalogueError` naming the scenario file and key.
    """
    path = scenario.spec_path
    known = {lid: catalogue[lid] for lid in list(catalogue)}  # plain dict: Catalogue lookups raise
    original = set(known)

    def need(layer_id: str, key: str) -> LayerSpec:
        if layer_id not in known:
            raise _fail(path, key, f"no layer with id '{layer_id}'; available: {', '.join(sorted(known))}")
        return known[layer_id]

    for added in scenario.add_layers:
        if added.append_to is not None:
            target = need(added.append_to, f"{added.key}.append_to")
            if target.geometry_type != added.spec.geometry_type:
                raise _fail(
                    path, f"{added.key}.append_to",
                    f"layer '{added.append_to}' holds {target.geometry_type} features, "
                    f"'{added.spec.id}' holds {added.spec.geometry_type}; add it as its own layer instead",
                )
        elif added.spec.id in original:
            raise _fail(
                path, f"{added.key}.id",
                f"layer id '{added.spec.id}' already exists in the catalogue; choose a new id or use append_to",
            )
        else:
            known[added.spec.id] = added.spec
    for flt in scenario.filter_layers:
        need(flt.layer, flt.key)
    for change in scenario.road_changes:
        spec = need(change.layer, f"{change.key}.layer")
        if spec.theme not in _ROAD_THEMES or spec.geometry_type != "LineString":
            raise _fail(
                path, f"{change.key}.layer",
                f"layer '{change.layer}' is theme '{spec.theme}' ({spec.geometry_type}); road changes need a "
                "LineString layer of theme 'roads'",
            )
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

    Matching compares text: ``805`` matches ``"805"``, ``"E 45;97"`` and osmnx list cells
    such as ``[123, 456]`` match when any element matches. Missing columns raise
    :class:`~jokkgeo.errors.DataLayerError` naming ``origin``.
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
