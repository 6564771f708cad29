"""Map recipes (``maps/*.yaml``): schema and frozen dataclasses (touches no geodata, reads no file).

One recipe drives both renderers (HTML map and print figure). Example::

    id: kallak_reindeer                  # default: the file name without .yaml
    title: Kallak/Gállok och rennäringen
    title_en: Kallak/Gállok and reindeer herding
    description: Konflikter mellan gruvprojektet och renskötselns områden
    layers:                              # legend order, first on top
      - investment_areas
      - {id: roads, show: false, style: {weight: 1}}   # per-map overrides
    analyses:                            # run in order; their layers join the map
      - {type: conflicts, development: [investment_areas], sensitive: [reindeer_calving_land]}
    extent: kallak                       # a site_id, a layer id, study_area, or [xmin, ymin, xmax, ymax] (EPSG:3006)
    extent_buffer_m: 20000
    legend_order: [conflicts, investment_areas]
    caveats: [Text som alltid visas]
    simplify_m: 25                       # display simplification of the HTML map, metres
    figure: {size: a4_landscape, dpi: 300, formats: [png, svg, pdf]}
    basemap:                             # web map backgrounds (default: none shown, OpenStreetMap offered)
      osm: true
      default: none                      # none, osm or a tiles id shown when the map opens
      tiles:
        - {id: topo, title: Topografisk, url: "https://example.org/{z}/{x}/{y}.png", attribution: "© Example"}

Analysis sections stay generic here (``type`` + parameters + origin): the report checks
``type`` against its explicit table of recipe types and each runner checks its keys.
Pass ``known_types`` to :func:`parse_recipe` to check the types while parsing.

Examples
--------
>>> r = parse_recipe({"title": "T", "layers": ["roads", {"id": "rail", "show": False}]}, "maps/m.yaml")
>>> r.id, [layer.id for layer in r.layers], r.layers[1].show
('m', ['roads', 'rail'], False)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jokkgeo.config import _validate as v
from jokkgeo.config.styles import STYLE_KEYS
from jokkgeo.errors import CatalogueError

RECIPE_KEYS: frozenset[str] = frozenset({
    "id", "title", "title_en", "description", "description_en", "layers", "analyses", "extent",
    "extent_buffer_m", "legend_order", "caveats", "caveats_en", "simplify_m", "figure", "basemap",
    "title_public", "title_public_en",
})
"""Top-level keys of a recipe."""
RECIPE_LAYER_KEYS: frozenset[str] = frozenset({"id", "show", "style", "title", "title_en", "where"})
"""Keys of one ``layers`` entry."""
FIGURE_KEYS: frozenset[str] = frozenset({"size", "dpi", "formats", "page", "width_mm", "title", "caveats"})
"""Keys of ``figure``."""
FIGURE_PAGES: tuple[str, ...] = ("column", "a4_portrait", "a4_landscape", "a3_landscape")
"""``figure.page`` values: a report column (``width_mm`` wide, height from the map) or a full page."""
FIGURE_CAVEATS: tuple[str, ...] = ("short", "full", "off")
"""``figure.caveats`` values: a short footnote, every caveat, or none (the report's caption carries them)."""
COLUMN_WIDTH_MM = 160.0
"""Default target width of a figure: a report's text column."""
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
    """``<file>: key 'analyses[i]`` (no closing quote) for error messages."""

    def get(self, key: str, default: Any = None) -> Any:
        """A parameter, or ``default``.

        Parameters
        ----------
        key
            Parameter name.
        default
            Returned when absent.
        """
        return self.params.get(key, default)

    def fail(self, key: str, problem: str) -> CatalogueError:
        """An error naming the file and ``analyses[i].<key>`` (to ``raise``).

        Parameters
        ----------
        key
            Parameter name.
        problem
            What was wrong (and what is allowed).
        """
        text = f"{self.origin}.{key}': {problem}"
        return CatalogueError(text if len(text) <= v.MAX_MESSAGE else text[: v.MAX_MESSAGE - 1] + "…")

    def check_keys(self, allowed: Collection[str]) -> None:
        """Refuse a parameter that the section's ``type`` does not know.

        Parameters
        ----------
        allowed
            The keys this analysis type accepts.
        """
        for key in self.params:
            if key not in allowed:
                raise self.fail(key, f"unknown key for type {self.type}; allowed: {', '.join(sorted(allowed))}")


@dataclass(frozen=True)
class FigureSpec:
    """Print-figure settings of a recipe.

    ``page="column"`` (default) lays the figure out for ``width_mm`` (a report column) with
    the height taken from the map; a named page uses its full size (``size_in``). Every text
    is at least 7 pt at that size.
    """

    size_in: tuple[float, float] | None = None
    """Full-page size in inches (``None``: a column ``width_mm`` wide)."""
    dpi: int = 300
    formats: tuple[str, ...] = FIGURE_FORMATS
    page: str = "column"
    width_mm: float = COLUMN_WIDTH_MM
    title: bool = True
    caveats: str = "short"


# --- basemap (web maps: switchable tile backgrounds) ---------------------------------------------------

BASEMAP_KEYS: frozenset[str] = frozenset({"osm", "tiles", "default"})
"""Keys of ``basemap``."""
TILE_KEYS: frozenset[str] = frozenset({"id", "title", "title_en", "url", "attribution", "max_zoom"})
"""Keys of one ``basemap.tiles`` entry."""


@dataclass(frozen=True)
class TileSource:
    """An XYZ (or WMTS in the GoogleMapsCompatible grid) tile URL template with its attribution."""

    id: str
    title: str
    url: str
    attribution: str
    title_en: str | None = None
    max_zoom: int = 19

    def label(self, language: str = "sv") -> str:
        """Title in ``language`` (falls back to Swedish).

        Parameters
        ----------
        language
            ``sv`` or ``en``.
        """
        return self.title_en if language == "en" and self.title_en else self.title


@dataclass(frozen=True)
class BasemapSpec:
    """Tile backgrounds a web map offers (``basemap:`` of a recipe).

    The map always opens usable offline: ``default`` is ``none`` unless the recipe names a tile
    source; OpenStreetMap is offered (not shown) unless ``osm: false``.
    """

    osm: bool = True
    tiles: tuple[TileSource, ...] = ()
    default: str = "none"


def _tile(raw: Any, path: v.Origin, key: str) -> TileSource:
    v.mapping(raw, path, key, "a mapping with id, title, url and attribution")
    v.check_keys(raw, TILE_KEYS, path, key)
    v.require(raw, ("id", "title", "url", "attribution"), path, key)
    url = v.text_value(raw["url"], path, v.join(key, "url"), nonempty=True)
    if not url.startswith(("https://", "http://")) or not all(p in url for p in ("{z}", "{x}", "{y}")):
        raise v.fail(path, v.join(key, "url"), f"got {v.short(url)}",
                     "give an http(s) tile URL template with {z}, {x} and {y} (WMTS: TileMatrix={z}, "
                     "TileCol={x}, TileRow={y} of the GoogleMapsCompatible grid)")
    return TileSource(
        id=v.ident(raw["id"], path, v.join(key, "id")),
        title=v.text_value(raw["title"], path, v.join(key, "title"), nonempty=True),
        title_en=_opt_nonempty(raw.get("title_en"), path, v.join(key, "title_en")),
        url=url,
        attribution=v.text_value(raw["attribution"], path, v.join(key, "attribution"), nonempty=True),
        max_zoom=v.integer(raw.get("max_zoom", 19), path, v.join(key, "max_zoom"), low=1, high=24),
    )


def _basemap(raw: Any, path: v.Origin) -> BasemapSpec:
    if raw is None:
        return BasemapSpec()
    v.mapping(raw, path, "basemap", "a mapping with osm, tiles and default")
    v.check_keys(raw, BASEMAP_KEYS, path, "basemap")
    raw_tiles = raw.get("tiles") or []
    if not isinstance(raw_tiles, list):
        raise v.fail(path, "basemap.tiles", f"expected a list of tile sources, got {v.short(raw_tiles)}")
    tiles = tuple(_tile(t, path, f"basemap.tiles[{i}]") for i, t in enumerate(raw_tiles))
    osm = v.boolean(raw.get("osm", True), path, "basemap.osm")
    ids = ["none", *(["osm"] if osm else []), *(t.id for t in tiles)]
    if len(set(ids)) != len(ids):
        raise v.fail(path, "basemap.tiles", "two tile sources share an id", "give each its own id (not none/osm)")
    default = v.choice(raw.get("default", "none"), ids, path, "basemap.default", "an offered background")
    return BasemapSpec(osm=osm, tiles=tiles, default=default)


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
    basemap: BasemapSpec = field(default_factory=BasemapSpec)
    title_public: str | None = None
    title_public_en: str | None = None

    def public_label(self, language: str = "sv") -> str | None:
        """Title of the map in a public bundle that left restricted layers out (``None``: not given).

        Parameters
        ----------
        language
            ``sv`` or ``en``.
        """
        return self.title_public_en if language == "en" and self.title_public_en else self.title_public

    def label(self, language: str = "sv") -> str:
        """Title in ``language`` (falls back to Swedish).

        Parameters
        ----------
        language
            ``sv`` or ``en``.
        """
        return self.title_en if language == "en" and self.title_en else self.title

    def description_text(self, language: str = "sv") -> str:
        """Description in ``language`` (falls back to Swedish).

        Parameters
        ----------
        language
            ``sv`` or ``en``.
        """
        return self.description_en if language == "en" and self.description_en else self.description

    def caveat_texts(self, language: str = "sv") -> list[str]:
        """Caveats in ``language`` (falls back to Swedish).

        Parameters
        ----------
        language
            ``sv`` or ``en``.
        """
        return list(self.caveats_en if language == "en" and self.caveats_en else self.caveats)


def _opt_nonempty(value: Any, path: v.Origin, key: str) -> str | None:
    return v.text_value(value, path, key, nonempty=True) if value else None


def _layer(raw: Any, path: v.Origin, key: str, known: set[str] | None) -> RecipeLayer:
    if isinstance(raw, str):
        raw = {"id": raw}
    v.mapping(raw, path, key, "a layer id or a mapping with 'id'")
    v.check_keys(raw, RECIPE_LAYER_KEYS, path, key)
    v.require(raw, ("id",), path, key)
    ident = v.text_value(raw["id"], path, v.join(key, "id"), nonempty=True)
    if known is not None and ident not in known:
        raise v.fail(path, v.join(key, "id"), f"no layer '{ident}' in the catalogue",
                     f"available: {', '.join(sorted(known))}")
    style = raw.get("style") or {}
    v.mapping(style, path, v.join(key, "style"))
    v.check_keys(style, STYLE_KEYS, path, v.join(key, "style"))  # values: checked when drawn
    return RecipeLayer(
        id=ident,
        show=v.boolean(raw.get("show", True), path, v.join(key, "show")),
        style=dict(style),
        where=v.value_filter(raw.get("where"), path, v.join(key, "where")),
        title=_opt_nonempty(raw.get("title"), path, v.join(key, "title")),
        title_en=_opt_nonempty(raw.get("title_en"), path, v.join(key, "title_en")),
    )


def _extent(raw: Any, path: v.Origin) -> str | tuple[float, float, float, float] | None:
    if raw is None or isinstance(raw, str):
        return raw
    if isinstance(raw, list):
        return v.bbox(raw, path, "extent")
    raise v.fail(path, "extent", f"got {v.short(raw)}",
                 "give a site/layer id, 'study_area' or [xmin, ymin, xmax, ymax]")


def _figure(raw: Any, path: v.Origin) -> FigureSpec:
    if raw is None:
        return FigureSpec()
    v.mapping(raw, path, "figure")
    v.check_keys(raw, FIGURE_KEYS, path, "figure")
    page = v.choice(raw.get("page", "column"), FIGURE_PAGES, path, "figure.page", "a page")
    size_in: tuple[float, float] | None = FIGURE_SIZES.get(page)
    size = raw.get("size")
    if isinstance(size, str):  # the older key: a named page
        page = v.choice(size, tuple(FIGURE_SIZES), path, "figure.size", "a figure size")
        size_in = FIGURE_SIZES[page]
    elif isinstance(size, list) and len(size) == 2:
        size_in = tuple(v.number(s, path, "figure.size", low=1, high=100) for s in size)  # type: ignore[assignment]
        page = "custom"
    elif size is not None:
        raise v.fail(path, "figure.size", f"got {v.short(size)}",
                     f"give one of {', '.join(FIGURE_SIZES)} or [width, height] in inches")
    width_mm = v.number(raw.get("width_mm", COLUMN_WIDTH_MM), path, "figure.width_mm", low=60, high=600)
    caveats = v.choice(raw.get("caveats", "short"), FIGURE_CAVEATS, path, "figure.caveats", "a caveat mode")
    dpi = v.integer(raw.get("dpi", 300), path, "figure.dpi", low=50, high=1200)
    formats = v.text_list(raw.get("formats", list(FIGURE_FORMATS)), path, "figure.formats", single=True)
    for i, f in enumerate(formats):
        v.choice(f, FIGURE_FORMATS, path, f"figure.formats[{i}]", "a figure format")
    return FigureSpec(size_in=size_in, dpi=dpi, formats=formats, page=page, width_mm=width_mm,
                      title=v.boolean(raw.get("title", True), path, "figure.title"), caveats=caveats)


def parse_recipe(
    data: Any,
    path: str | Path,
    *,
    layer_ids: Iterable[str] | None = None,
    known_types: Iterable[str] | None = None,
    analysis_types: Iterable[str] | None = None,
) -> Recipe:
    """Validate one parsed recipe document.

    Parameters
    ----------
    data
        The YAML document (a mapping).
    path
        The file it came from (named in errors; its stem is the default id).
    layer_ids
        Catalogue layer ids the recipe may use (unchecked when ``None``).
    known_types
        Allowed ``analyses[].type`` values (unchecked when ``None``: the report checks
        them against its table of recipe types).
    analysis_types
        Old name of ``known_types``.
    """
    path = Path(path)
    v.mapping(data, path, "", "a mapping of recipe keys")
    v.check_keys(data, RECIPE_KEYS, path)
    types = known_types if known_types is not None else analysis_types
    type_set = set(types) if types is not None else None
    known = set(layer_ids) if layer_ids is not None else None
    ident = v.ident(data.get("id", path.stem), path, "id")
    v.require(data, ("title",), path)
    raw_layers = data.get("layers") or []
    if not isinstance(raw_layers, list):
        raise v.fail(path, "layers", f"expected a list of layer ids, got {v.short(raw_layers)}")
    layers = tuple(_layer(raw, path, f"layers[{i}]", known) for i, raw in enumerate(raw_layers))
    raw_analyses = data.get("analyses") or []
    if not isinstance(raw_analyses, list):
        raise v.fail(path, "analyses", f"expected a list of analysis sections, got {v.short(raw_analyses)}")
    analyses = []
    for i, raw in enumerate(raw_analyses):
        key = f"analyses[{i}]"
        v.mapping(raw, path, key, "a mapping with 'type'")
        v.require(raw, ("type",), path, key)
        atype = v.text_value(raw["type"], path, f"{key}.type", nonempty=True)
        if type_set is not None:
            v.choice(atype, sorted(type_set), path, f"{key}.type", "an analysis type")
        params = {str(k): val for k, val in raw.items() if k != "type"}
        analyses.append(AnalysisSpec(type=atype, params=params, origin=f"{path}: key '{key}"))
    if not layers and not analyses:
        raise v.fail(path, "layers", "a recipe needs at least one layer or analysis")
    return Recipe(
        id=ident,
        title=v.text_value(data["title"], path, "title", nonempty=True),
        title_en=_opt_nonempty(data.get("title_en"), path, "title_en"),
        description=_opt_nonempty(data.get("description"), path, "description") or "",
        description_en=_opt_nonempty(data.get("description_en"), path, "description_en"),
        path=path,
        layers=layers,
        analyses=tuple(analyses),
        extent=_extent(data.get("extent"), path),
        extent_buffer_m=v.number(data.get("extent_buffer_m", 0), path, "extent_buffer_m", low=0, high=1e6),
        legend_order=v.text_list(data.get("legend_order"), path, "legend_order", single=True),
        caveats=v.text_list(data.get("caveats"), path, "caveats", single=True),
        caveats_en=v.text_list(data.get("caveats_en"), path, "caveats_en", single=True),
        simplify_m=v.number(data.get("simplify_m", 25), path, "simplify_m", low=0, high=10_000),
        figure=_figure(data.get("figure"), path),
        basemap=_basemap(data.get("basemap"), path),
        title_public=_opt_nonempty(data.get("title_public"), path, "title_public"),
        title_public_en=_opt_nonempty(data.get("title_public_en"), path, "title_public_en"),
    )


def check_unique_ids(recipes: Iterable[Recipe]) -> list[Recipe]:
    """Refuse two recipes with one id (the message names both files).

    Parameters
    ----------
    recipes
        Parsed recipes, in file order.
    """
    out: list[Recipe] = []
    seen: dict[str, Path] = {}
    for recipe in recipes:
        if recipe.id in seen:
            raise v.fail(recipe.path, "id", f"'{recipe.id}' is already used by {seen[recipe.id]}",
                         "give each recipe its own id")
        seen[recipe.id] = recipe.path
        out.append(recipe)
    return out
