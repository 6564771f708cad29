"""Layer specs (``layers/*.yaml``): schema, frozen dataclasses, the :class:`Catalogue` mapping.

One YAML file per layer. Example::

    id: settlements
    title: Tätorter och byar          # Swedish, shown to planners
    title_en: Settlements and villages
    theme: settlements
    source:
      path: data/jokkmokk.gpkg        # relative to the project root, or absolute
      layer: settlements              # required when the file holds several layers
      # crs: EPSG:3006                # only for files that lack a CRS
      # encoding: cp1252              # Shapefile/CSV text encoding
      # x: X / y: Y, or lon: / lat:, or wkt:   (CSV geometry columns)
      # delimiter: ";"  decimal: ","  (CSV)
    geometry_type: Point              # Point | LineString | Polygon | Raster
    attributes:
      rename: {befolkning: population}
      keep: [name, population]
      where: {kind: [tatort, by]}     # equality / membership filters, never evaluated
    style: {color: "#d62728", radius: 5, label_field: name}
    provenance: SCB Tätorter 2020 (centre points)
    licence: CC0 1.0
    attribution: © SCB
    accuracy_m: 500
    sensitivity: public               # public | restricted
    illustrative: false
    consent: null                     # consent/permission note for sensitive data
    caveat: null

Parsing reads no file: the source path is resolved by a ``resolve`` callable the
caller passes (:func:`jokkgeo.io.configs.read_catalogue` passes the path guard
:func:`jokkgeo.io.paths.resolve_path`). Every key is documented in ``docs/config.md``.

Examples
--------
>>> spec = parse_layer_spec({"id": "a", "title": "A", "theme": "roads", "source": "a.gpkg",
...     "geometry_type": "LineString", "provenance": "p", "licence": "CC0", "attribution": "x",
...     "accuracy_m": 10}, "a.yaml")
>>> cat = Catalogue({"a": spec})
>>> "a" in cat, cat.get("b"), list(cat)
(True, None, ['a'])
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jokkgeo.config import _validate as v
from jokkgeo.config.styles import STYLE_KEYS
from jokkgeo.errors import CatalogueError

THEMES: tuple[str, ...] = (
    "boundary",
    "settlements",
    "population",
    "roads",
    "rail",
    "power",
    "hydropower",
    "investment_sites",
    "reindeer_herding",
    "protected_areas",
    "housing_land",
    "services",
    "context",
    "other",
)
"""Layer themes; rules and analyses select layers by theme."""
GEOMETRY_TYPES: tuple[str, ...] = ("Point", "LineString", "Polygon", "Raster")
SENSITIVITIES: tuple[str, ...] = ("public", "restricted")

SOURCE_KEYS: frozenset[str] = frozenset(
    {"path", "layer", "crs", "encoding", "x", "y", "lon", "lat", "wkt", "delimiter", "decimal", "band"}
)
"""Keys of ``source``."""
ATTRIBUTE_KEYS: frozenset[str] = frozenset({"rename", "keep", "where"})
"""Keys of ``attributes``."""
REQUIRED_KEYS: tuple[str, ...] = (
    "id", "title", "theme", "source", "geometry_type", "provenance", "licence", "attribution", "accuracy_m",
)
OPTIONAL_KEYS: tuple[str, ...] = (
    "title_en", "description", "description_en", "attributes", "style", "sensitivity", "illustrative",
    "consent", "caveat", "caveat_en", "population",
)
LAYER_KEYS: frozenset[str] = frozenset(REQUIRED_KEYS + OPTIONAL_KEYS)
"""Top-level keys of a layer spec."""

POPULATION_KEYS: frozenset[str] = frozenset(
    {"count", "working_age", "age_groups", "grid", "spread", "disclosure_threshold"}
)
"""Keys of ``population`` (population-theme layers; see ``docs/population.md``)."""
GRID_KEYS: frozenset[str] = frozenset({"id", "x", "y", "cell_m", "corner"})
"""Keys of ``population.grid``."""
SPREAD_KEYS: frozenset[str] = frozenset({"onto", "method", "weight", "step_m"})
"""Keys of ``population.spread``."""
AGE_GROUPS: tuple[str, ...] = ("age_1_5", "age_6_15", "age_65_plus")
"""Standard age-group columns of a population layer (preschool, school, 65 and over)."""
GRID_CORNERS: tuple[str, ...] = ("lower_left", "centre")
SPREAD_METHODS: tuple[str, ...] = ("road_length", "equal", "weight")
"""``road_length``: onto a line layer, by road length inside each polygon; ``equal`` / ``weight``: onto points."""
DEFAULT_DISCLOSURE_THRESHOLD = 5
"""Counts of 1 to 4 people are not shown exactly in public bundles (SCB's grid statistics adjust values under 4)."""

Resolver = Callable[[str, str], Path]
"""``resolve(raw_path, key_path) -> Path``: resolves (and checks) a path written in a spec."""


@dataclass(frozen=True)
class SourceSpec:
    """Where a layer's data lives and how to read it."""

    path: Path
    layer: str | None = None
    crs: str | None = None
    encoding: str | None = None
    x: str | None = None
    y: str | None = None
    lon: str | None = None
    lat: str | None = None
    wkt: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    band: int | None = None


@dataclass(frozen=True)
class GridSpec:
    """How grid cells are built from a table: SCB grid ids, or corner/centre coordinates (SWEREF 99 TM)."""

    id: str | None = None
    x: str | None = None
    y: str | None = None
    cell_m: float | None = None
    corner: str = "lower_left"


@dataclass(frozen=True)
class SpreadSpec:
    """How polygon counts are spread onto another layer (roads or points)."""

    onto: str
    method: str
    weight: str | None = None
    step_m: float = 1000.0


@dataclass(frozen=True)
class PopulationSpec:
    """The ``population:`` block of a population-theme layer: which columns hold what, and how to place them.

    ``working_age`` and each age group are one column or several columns that are summed
    (SCB's five-year classes).
    """

    count: str | None = None
    working_age: tuple[str, ...] = ()
    age_groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    grid: GridSpec | None = None
    spread: SpreadSpec | None = None
    disclosure_threshold: int = DEFAULT_DISCLOSURE_THRESHOLD


@dataclass(frozen=True)
class LayerSpec:
    """One validated layer definition. ``spec_path`` is the YAML file it came from."""

    id: str
    title: str
    theme: str
    source: SourceSpec
    geometry_type: str
    provenance: str
    licence: str
    attribution: str
    accuracy_m: float
    spec_path: Path
    title_en: str | None = None
    description: str | None = None
    description_en: str | None = None
    rename: Mapping[str, str] = field(default_factory=dict)
    keep: tuple[str, ...] | None = None
    where: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    style: Mapping[str, Any] = field(default_factory=dict)
    sensitivity: str = "public"
    illustrative: bool = False
    consent: str | None = None
    caveat: str | None = None
    caveat_en: str | None = None
    population: PopulationSpec | None = None

    @property
    def restricted(self) -> bool:
        """True for ``sensitivity: restricted``."""
        return self.sensitivity == "restricted"

    def label(self, language: str = "sv") -> str:
        """Title in the requested language (Swedish default, English when given).

        Parameters
        ----------
        language
            ``sv`` or ``en``.
        """
        return self.title_en if language == "en" and self.title_en else self.title

    def caveat_text(self, language: str = "sv") -> str | None:
        """Caveat in the requested language (falls back to Swedish).

        Parameters
        ----------
        language
            ``sv`` or ``en``.
        """
        return self.caveat_en if language == "en" and self.caveat_en else self.caveat


def _check_crs(value: str, path: v.Origin, key: str) -> None:
    from pyproj import CRS
    from pyproj.exceptions import CRSError as ProjCRSError

    try:
        CRS.from_user_input(value)
    except ProjCRSError:
        raise v.fail(path, key, f"'{value}' is not a known CRS", "use e.g. EPSG:3006") from None


def _source(raw: Any, path: v.Origin, key: str, resolve: Resolver | None) -> SourceSpec:
    if isinstance(raw, str):
        raw = {"path": raw}
    v.mapping(raw, path, key, "a path or a mapping with 'path'")
    v.check_keys(raw, SOURCE_KEYS, path, key)
    v.require(raw, ("path",), path, key)
    raw_path = v.text_value(raw["path"], path, v.join(key, "path"), nonempty=True)
    kwargs: dict[str, Any] = {
        "path": resolve(raw_path, v.join(key, "path")) if resolve is not None else Path(raw_path)
    }
    for k in sorted(SOURCE_KEYS - {"path", "band"}):
        value = raw.get(k)
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, (str, int)):
                raise v.fail(path, v.join(key, k), f"expected text, got {v.short(value)}")
            kwargs[k] = str(value)
    if raw.get("band") is not None:
        kwargs["band"] = v.integer(raw["band"], path, v.join(key, "band"), low=1)
    if kwargs.get("crs"):
        _check_crs(kwargs["crs"], path, v.join(key, "crs"))
    return SourceSpec(**kwargs)


def _columns(value: Any, path: v.Origin, key: str) -> tuple[str, ...]:
    cols = v.text_list(value, path, key, single=True)
    if not cols or not all(cols):
        raise v.fail(path, key, f"expected a column name or a list of column names, got {v.short(value)}")
    return cols


def _population(raw: Any, path: v.Origin, key: str, gtype: str) -> PopulationSpec:
    v.mapping(raw, path, key)
    v.check_keys(raw, POPULATION_KEYS, path, key)
    k = lambda name: v.join(key, name)  # noqa: E731
    count = v.opt_text(raw.get("count"), path, k("count"), nonempty=True)
    working = _columns(raw["working_age"], path, k("working_age")) if raw.get("working_age") is not None else ()
    groups_raw = raw.get("age_groups") or {}
    v.mapping(groups_raw, path, k("age_groups"), "a mapping standard_name: column(s)")
    groups = {}
    for name, cols in groups_raw.items():
        v.choice(name, AGE_GROUPS, path, v.join(k("age_groups"), name), "a standard age group")
        groups[str(name)] = _columns(cols, path, v.join(k("age_groups"), name))
    grid = None
    if raw.get("grid") is not None:
        g = v.mapping(raw["grid"], path, k("grid"))
        v.check_keys(g, GRID_KEYS, path, k("grid"))
        gk = lambda name: v.join(k("grid"), name)  # noqa: E731
        ident = v.opt_text(g.get("id"), path, gk("id"), nonempty=True)
        x, y = (v.opt_text(g.get(c), path, gk(c), nonempty=True) for c in ("x", "y"))
        if ident is None and (x is None or y is None):
            raise v.fail(path, k("grid"), "needs 'id' (SCB grid ids) or both 'x' and 'y' (corner coordinates)",
                         "e.g. grid: {id: Ruta, cell_m: 1000} or grid: {x: X, y: Y, cell_m: 250}")
        if ident is not None and (x is not None or y is not None):
            raise v.fail(path, k("grid"), "give either 'id' or 'x'/'y', not both")
        cell = None if g.get("cell_m") is None else v.positive(g["cell_m"], path, gk("cell_m"), "metres")
        if cell is None and ident is None:
            raise v.fail(path, gk("cell_m"), "missing (required with x/y)", "the cell size in metres, e.g. 1000 or 250")
        corner = v.choice(g.get("corner", "lower_left"), GRID_CORNERS, path, gk("corner"), "a corner")
        if gtype != "Polygon":
            raise v.fail(path, k("grid"), f"grid cells are polygons but geometry_type is {gtype}",
                         "set geometry_type: Polygon")
        grid = GridSpec(id=ident, x=x, y=y, cell_m=cell, corner=corner)
    spread = None
    if raw.get("spread") is not None:
        sp = v.mapping(raw["spread"], path, k("spread"))
        v.check_keys(sp, SPREAD_KEYS, path, k("spread"))
        v.require(sp, ("onto", "method"), path, k("spread"))
        sk = lambda name: v.join(k("spread"), name)  # noqa: E731
        method = v.choice(sp["method"], SPREAD_METHODS, path, sk("method"), "a spread method")
        weight = v.opt_text(sp.get("weight"), path, sk("weight"), nonempty=True)
        if (method == "weight") != (weight is not None):
            raise v.fail(path, sk("weight"), "is required with method: weight and only allowed with it",
                         "name the numeric column of the target points, e.g. weight: dwellings")
        if gtype != "Polygon":
            raise v.fail(path, k("spread"), f"only polygon counts are spread, but geometry_type is {gtype}",
                         "remove spread, or use polygons (DeSO, RegSO, grid cells)")
        step = 1000.0 if sp.get("step_m") is None else v.positive(sp["step_m"], path, sk("step_m"), "metres")
        spread = SpreadSpec(onto=v.ident(sp["onto"], path, sk("onto")), method=method, weight=weight, step_m=step)
    threshold = v.integer(raw.get("disclosure_threshold", DEFAULT_DISCLOSURE_THRESHOLD), path,
                          k("disclosure_threshold"), low=1)
    return PopulationSpec(count=count, working_age=working, age_groups=groups, grid=grid, spread=spread,
                          disclosure_threshold=threshold)


def parse_layer_spec(
    data: Any,
    spec_path: str | Path,
    *,
    resolve: Resolver | None = None,
    key_prefix: str = "",
) -> LayerSpec:
    """Validate one parsed layer document and return a :class:`LayerSpec`.

    Parameters
    ----------
    data
        The YAML document (a mapping).
    spec_path
        The file it came from (named in errors, kept as ``LayerSpec.spec_path``).
    resolve
        Resolves ``source.path`` (``resolve(raw, key_path) -> Path``); ``None`` keeps
        the path as written. :mod:`jokkgeo.io.configs` passes the project's path guard.
    key_prefix
        Key path of the spec inside its file (``add_layers[0]`` for a layer inlined in
        a scenario), prepended to every key in messages.

    Raises
    ------
    jokkgeo.errors.CatalogueError
        Naming the file and key that are wrong.
    """
    p, pre = spec_path, key_prefix
    v.mapping(data, p, pre)
    v.check_keys(data, LAYER_KEYS, p, pre)
    v.require(data, REQUIRED_KEYS, p, pre)
    k = lambda name: v.join(pre, name)  # noqa: E731
    ident = v.ident(data["id"], p, k("id"))
    theme = v.choice(data["theme"], THEMES, p, k("theme"), "a theme")
    gtype = v.choice(data["geometry_type"], GEOMETRY_TYPES, p, k("geometry_type"), "a geometry type")
    source = _source(data["source"], p, k("source"), resolve)
    accuracy = v.positive(data["accuracy_m"], p, k("accuracy_m"), "a number of metres")

    attrs = data.get("attributes") or {}
    v.mapping(attrs, p, k("attributes"))
    v.check_keys(attrs, ATTRIBUTE_KEYS, p, k("attributes"))
    rename = attrs.get("rename") or {}
    v.mapping(rename, p, k("attributes.rename"), "a mapping old: new")
    keep = attrs.get("keep")
    keep_t = None if keep is None else v.text_list(keep, p, k("attributes.keep"))
    where = v.value_filter(attrs.get("where"), p, k("attributes.where"))

    population = None
    if data.get("population") is not None:
        if theme != "population":
            raise v.fail(p, k("population"), f"only population-theme layers take a population block (theme is {theme})",
                         "set theme: population or remove the block")
        population = _population(data["population"], p, k("population"), gtype)
    style = data.get("style") or {}
    # keys only: values are checked by check_style when the layer is checked or drawn, so
    # `jokkgeo layers check` can report a bad style next to the data problems of the layer
    v.mapping(style, p, k("style"))
    v.check_keys(style, STYLE_KEYS, p, k("style"))
    sensitivity = v.choice(data.get("sensitivity") or "public", SENSITIVITIES, p, k("sensitivity"), "a sensitivity")
    illustrative = v.boolean(data.get("illustrative", False), p, k("illustrative"))
    texts = {key: v.text_value(data[key], p, k(key)) for key in ("title", "provenance", "licence", "attribution")}
    opt = {
        key: v.opt_text(data.get(key), p, k(key))
        for key in ("title_en", "description", "description_en", "consent", "caveat", "caveat_en")
    }
    return LayerSpec(
        id=ident,
        theme=theme,
        source=source,
        geometry_type=gtype,
        accuracy_m=accuracy,
        spec_path=Path(spec_path),
        rename={str(a): str(b) for a, b in rename.items()},
        keep=keep_t,
        where=where,
        style=dict(style),
        sensitivity=sensitivity,
        illustrative=illustrative,
        **texts,
        title_en=opt["title_en"],
        description=opt["description"],
        description_en=opt["description_en"],
        consent=opt["consent"],
        caveat=opt["caveat"],
        caveat_en=opt["caveat_en"],
        population=population,
    )


class Catalogue(Mapping[str, LayerSpec]):
    """All layer specs of a catalogue folder, keyed by id (a read-only mapping).

    ``"x" in cat`` and ``cat.get("x")`` work as for a dict; ``cat["missing"]`` raises
    :class:`CatalogueKeyError` (both a ``KeyError`` and a
    :class:`~jokkgeo.errors.CatalogueError`) listing the available ids.
    Build one with :func:`jokkgeo.io.configs.read_catalogue`.

    Parameters
    ----------
    specs
        Layer specs by id.
    directory
        The catalogue folder (named in messages).
    root
        The project folder relative source paths resolved against.
    """

    def __init__(self, specs: Mapping[str, LayerSpec], directory: Path | None = None,
                 root: Path | None = None) -> None:
        self._specs = dict(specs)
        self.directory = directory
        self.root = root

    def __getitem__(self, layer_id: str) -> LayerSpec:
        try:
            return self._specs[layer_id]
        except KeyError:
            where = self.directory if self.directory is not None else "catalogue"
            raise CatalogueKeyError(
                f"{where}: no layer with id '{layer_id}'; available: {', '.join(sorted(self._specs))}"
            ) from None

    def __contains__(self, layer_id: object) -> bool:
        return layer_id in self._specs

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def by_theme(self, theme: str) -> list[LayerSpec]:
        """Specs of one theme, in catalogue (file) order.

        Parameters
        ----------
        theme
            One of :data:`THEMES`.
        """
        if theme not in THEMES:
            raise CatalogueError(f"'{theme}' is not a theme; use one of: {', '.join(THEMES)}")
        return [s for s in self._specs.values() if s.theme == theme]


class CatalogueKeyError(CatalogueError, KeyError):
    """No layer with that id: a :class:`KeyError` (mapping protocol) and a user error."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""
