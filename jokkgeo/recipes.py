"""Map recipes: parse and validate ``maps/*.yaml`` (touches no geodata).

One recipe drives both renderers (HTML map and print figure). Example::

    id: kallak_reindeer                  # default: the file name without .yaml
    title: Kallak/Gállok och rennäringen
    title_en: Kallak/Gállok and reindeer herding
    description: Konflikter mellan gruvprojektet och renskötselns områden
    description_en: Conflicts between the mine project and reindeer-herding land
    layers:                              # legend order, first on top
      - investment_areas
      - {id: roads, show: false, style: {weight: 1}}   # per-map overrides
    analyses:                            # run in order; their layers join the map
      - {type: conflicts, development: [investment_areas], sensitive: [reindeer_calving_land]}
    extent: kallak                       # a site_id, a layer id, study_area, or [xmin, ymin, xmax, ymax] (EPSG:3006)
    extent_buffer_m: 20000
    legend_order: [conflicts, investment_areas]   # optional: ids listed first, the rest keep their order
    caveats: [Text som alltid visas]
    caveats_en: [Text always shown]
    simplify_m: 25                       # display simplification of the HTML map, metres
    figure: {size: a4_landscape, dpi: 300, formats: [png, svg, pdf]}

Analysis sections are declarative: ``type`` picks a runner from
:data:`jokkgeo.report.runners.RECIPE_TYPES` (explicit table, checked by the report); the other keys are that
runner's parameters and are checked by it. Errors name the file and the key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jokkgeo.catalogue import STYLE_KEYS, load_yaml
from jokkgeo.errors import CatalogueError, DataSourceError

_KEYS = frozenset({
    "id", "title", "title_en", "description", "description_en", "layers", "analyses", "extent",
    "extent_buffer_m", "legend_order", "caveats", "caveats_en", "simplify_m", "figure",
})
_LAYER_KEYS = frozenset({"id", "show", "style", "title", "title_en", "where"})
_FIGURE_KEYS = frozenset({"size", "dpi", "formats"})
FIGURE_SIZES: dict[str, tuple[float, float]] = {
    "a4_landscape": (11.69, 8.27),
    "a4_portrait": (8.27, 11.69),
    "a3_landscape": (16.54, 11.69),
}
FIGURE_FORMATS: tuple[str, ...] = ("png", "svg", "pdf")


@dataclass(frozen=True)
class RecipeLayer:
    """A catalogue layer on a map, with optional per-map overrides."""

    id: str
    show: bool = True
    style: Mapping[str, Any] = field(default_factory=dict)
    title: str | None = None
    title_en: str | None = None
    where: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class AnalysisSpec:
    """One ``analyses`` entry: its ``type`` and the rest of its keys as parameters."""

    type: str
    params: Mapping[str, Any]
    origin: str
    """``<file>: key 'analyses[i]'`` for error messages."""

    def get(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)

    def fail(self, key: str, problem: str) -> CatalogueError:
        return CatalogueError(f"{self.origin}.{key}: {problem}")


@dataclass(frozen=True)
class FigureSpec:
    size_in: tuple[float, float] = FIGURE_SIZES["a4_landscape"]
    dpi: int = 300
    formats: tuple[str, ...] = FIGURE_FORMATS


@dataclass(frozen=True)
class Recipe:
    """A validated map recipe."""

    id: str
    title: str
    path: Path
    layers: tuple[RecipeLayer, ...] = ()
    analyses: tuple[AnalysisSpec, ...] = ()
    title_en: str | None = None
    description: str = ""
    description_en: str | None = None
    extent: str | tuple[float, float, float, float] | None = None
    extent_buffer_m: float = 0.0
    legend_order: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()
    caveats_en: tuple[str, ...] = ()
    simplify_m: float = 25.0
    figure: FigureSpec = field(default_factory=FigureSpec)

    def label(self, language: str = "sv") -> str:
        return self.title_en if language == "en" and self.title_en else self.title

    def description_text(self, language: str = "sv") -> str:
        return self.description_en if language == "en" and self.description_en else self.description

    def caveat_texts(self, language: str = "sv") -> list[str]:
        return list(self.caveats_en if language == "en" and self.caveats_en else self.caveats)


def _fail(path: Path, key: str, problem: str) -> CatalogueError:
    return CatalogueError(f"{path}: key '{key}': {problem}")


def _text(path: Path, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, key, f"expected non-empty text, got {value!r}")
    return value


def _texts(path: Path, key: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, Sequence):
        raise _fail(path, key, f"expected a list of text, got {value!r}")
    return tuple(_text(path, f"{key}[{i}]", v) for i, v in enumerate(value))


def _number(path: Path, key: str, value: Any, *, low: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low:
        raise _fail(path, key, f"expected a number ≥ {low:g}, got {value!r}")
    return float(value)


def _layer(path: Path, key: str, raw: Any, known: Iterable[str] | None) -> RecipeLayer:
    if isinstance(raw, str):
        raw = {"id": raw}
    if not isinstance(raw, Mapping) or "id" not in raw:
        raise _fail(path, key, f"expected a layer id or a mapping with 'id', got {raw!r}")
    for k in raw:
        if k not in _LAYER_KEYS:
            raise _fail(path, f"{key}.{k}", f"unknown key; allowed: {', '.join(sorted(_LAYER_KEYS))}")
    ident = _text(path, f"{key}.id", raw["id"])
    if known is not None and ident not in known:
        raise _fail(path, f"{key}.id", f"no layer '{ident}' in the catalogue; available: {', '.join(sorted(known))}")
    style = raw.get("style") or {}
    if not isinstance(style, Mapping):
        raise _fail(path, f"{key}.style", f"expected a mapping, got {style!r}")
    for k in style:
        if k not in STYLE_KEYS:
            raise _fail(path, f"{key}.style.{k}", f"unknown style key; allowed: {', '.join(sorted(STYLE_KEYS))}")
    show = raw.get("show", True)
    if not isinstance(show, bool):
        raise _fail(path, f"{key}.show", f"expected true or false, got {show!r}")
    where_raw = raw.get("where") or {}
    if not isinstance(where_raw, Mapping):
        raise _fail(path, f"{key}.where", f"expected a mapping field: value(s), got {where_raw!r}")
    where = {str(k): tuple(v) if isinstance(v, (list, tuple)) else (v,) for k, v in where_raw.items()}
    return RecipeLayer(
        id=ident, show=show, style=dict(style), where=where,
        title=_text(path, f"{key}.title", raw["title"]) if raw.get("title") else None,
        title_en=_text(path, f"{key}.title_en", raw["title_en"]) if raw.get("title_en") else None,
    )


def _extent(path: Path, raw: Any) -> str | tuple[float, float, float, float] | None:
    if raw is None or isinstance(raw, str):
        return raw
    if isinstance(raw, Sequence) and len(raw) == 4:
        nums = tuple(_number(path, "extent", v, low=-1e12) for v in raw)
        if not (nums[0] < nums[2] and nums[1] < nums[3]):
            raise _fail(path, "extent", f"{list(raw)} must be [xmin, ymin, xmax, ymax] with min < max (EPSG:3006)")
        if not (-1e6 < nums[0] < 2e6 and 5e6 < nums[1] < 9e6):
            raise _fail(path, "extent", f"{list(raw)} does not look like SWEREF 99 TM metres (EPSG:3006)")
        return nums  # type: ignore[return-value]
    raise _fail(path, "extent", f"expected a site/layer id, 'study_area' or [xmin, ymin, xmax, ymax], got {raw!r}")


def _figure(path: Path, raw: Any) -> FigureSpec:
    if raw is None:
        return FigureSpec()
    if not isinstance(raw, Mapping):
        raise _fail(path, "figure", f"expected a mapping, got {raw!r}")
    for k in raw:
        if k not in _FIGURE_KEYS:
            raise _fail(path, f"figure.{k}", f"unknown key; allowed: {', '.join(sorted(_FIGURE_KEYS))}")
    size = raw.get("size", "a4_landscape")
    if isinstance(size, str):
        if size not in FIGURE_SIZES:
            raise _fail(path, "figure.size", f"'{size}' is not one of {', '.join(FIGURE_SIZES)} (or [w_in, h_in])")
        size_in = FIGURE_SIZES[size]
    elif isinstance(size, Sequence) and len(size) == 2:
        size_in = (_number(path, "figure.size", size[0], low=1), _number(path, "figure.size", size[1], low=1))
    else:
        raise _fail(path, "figure.size", f"expected a name or [width, height] in inches, got {size!r}")
    dpi = raw.get("dpi", 300)
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 50 <= dpi <= 1200:
        raise _fail(path, "figure.dpi", f"expected a whole number between 50 and 1200, got {dpi!r}")
    formats = _texts(path, "figure.formats", raw.get("formats", list(FIGURE_FORMATS)))
    for f in formats:
        if f not in FIGURE_FORMATS:
            raise _fail(path, "figure.formats", f"'{f}' is not one of {', '.join(FIGURE_FORMATS)}")
    return FigureSpec(size_in=size_in, dpi=dpi, formats=formats)


def parse_recipe(data: Any, path: Path, *, layer_ids: Iterable[str] | None = None,
                 analysis_types: Iterable[str] | None = None) -> Recipe:
    """Validate one parsed recipe document.

    Parameters
    ----------
    data
        The YAML document (a mapping).
    path
        The file it came from (named in errors; its stem is the default id).
    layer_ids
        Catalogue layer ids the recipe may use (unchecked when ``None``).
    analysis_types
        Allowed ``analyses[].type`` values (any when ``None``; the report checks its own table).
    """
    if not isinstance(data, Mapping):
        raise CatalogueError(f"{path}: expected a mapping of recipe keys, got {type(data).__name__}")
    for k in data:
        if k not in _KEYS:
            raise _fail(path, str(k), f"unknown key; allowed: {', '.join(sorted(_KEYS))}")
    types = set(analysis_types) if analysis_types is not None else None
    known = set(layer_ids) if layer_ids is not None else None
    ident = data.get("id", path.stem)
    if not isinstance(ident, str) or not ident.replace("_", "").replace("-", "").isalnum():
        raise _fail(path, "id", f"{ident!r} must use letters, digits, '_' or '-' only")
    if "title" not in data:
        raise _fail(path, "title", "missing (required)")
    raw_layers = data.get("layers") or []
    if not isinstance(raw_layers, Sequence) or isinstance(raw_layers, str):
        raise _fail(path, "layers", f"expected a list of layer ids, got {raw_layers!r}")
    layers = tuple(_layer(path, f"layers[{i}]", raw, known) for i, raw in enumerate(raw_layers))
    raw_analyses = data.get("analyses") or []
    if not isinstance(raw_analyses, Sequence) or isinstance(raw_analyses, str):
        raise _fail(path, "analyses", f"expected a list of analysis sections, got {raw_analyses!r}")
    analyses = []
    for i, raw in enumerate(raw_analyses):
        key = f"analyses[{i}]"
        if not isinstance(raw, Mapping) or "type" not in raw:
            raise _fail(path, key, f"expected a mapping with 'type', got {raw!r}")
        if types is not None and raw["type"] not in types:
            raise _fail(path, f"{key}.type", f"'{raw['type']}' is not an analysis type; use one of: {', '.join(sorted(types))}")
        params = {str(k): v for k, v in raw.items() if k != "type"}
        analyses.append(AnalysisSpec(type=str(raw["type"]), params=params, origin=f"{path}: key '{key}"))
    if not layers and not analyses:
        raise _fail(path, "layers", "a recipe needs at least one layer or analysis")
    legend_order = _texts(path, "legend_order", data.get("legend_order"))
    return Recipe(
        id=ident,
        title=_text(path, "title", data["title"]),
        title_en=_text(path, "title_en", data["title_en"]) if data.get("title_en") else None,
        description=_text(path, "description", data["description"]) if data.get("description") else "",
        description_en=_text(path, "description_en", data["description_en"]) if data.get("description_en") else None,
        path=path,
        layers=layers,
        analyses=tuple(analyses),
        extent=_extent(path, data.get("extent")),
        extent_buffer_m=_number(path, "extent_buffer_m", data.get("extent_buffer_m", 0)),
        legend_order=legend_order,
        caveats=_texts(path, "caveats", data.get("caveats")),
        caveats_en=_texts(path, "caveats_en", data.get("caveats_en")),
        simplify_m=_number(path, "simplify_m", data.get("simplify_m", 25)),
        figure=_figure(path, data.get("figure")),
    )


def load_recipe(path: str | Path, **kwargs: Any) -> Recipe:
    """Read and validate one recipe file (``yaml.safe_load``)."""
    path = Path(path)
    return parse_recipe(load_yaml(path), path, **kwargs)


def load_recipes(directory: str | Path, **kwargs: Any) -> list[Recipe]:
    """All ``*.yaml``/``*.yml`` recipes of a folder, sorted by file name; ids must be unique."""
    directory = Path(directory)
    if directory.is_file():
        return [load_recipe(directory, **kwargs)]
    if not directory.is_dir():
        raise DataSourceError(f"{directory}: recipe folder does not exist; pass --recipes DIR with maps/*.yaml")
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    if not files:
        raise DataSourceError(f"{directory}: no *.yaml map recipes found")
    recipes: list[Recipe] = []
    seen: dict[str, Path] = {}
    for file in files:
        recipe = load_recipe(file, **kwargs)
        if recipe.id in seen:
            raise _fail(file, "id", f"'{recipe.id}' is already used by {seen[recipe.id]}")
        seen[recipe.id] = file
        recipes.append(recipe)
    return recipes
