"""Layer catalogue: parse and validate ``layers/*.yaml`` (touches no geodata).

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

Paths are confined to the project root (the parent of the catalogue folder):
a relative path that climbs out of it, or an absolute path outside it, is an
error unless the user opts in (``allow_outside=True``, CLI ``--allow-outside``).
URLs, ``/vsi…`` prefixes and formats outside :data:`ALLOWED_SUFFIXES` are refused,
because GDAL formats such as VRT can read arbitrary local files.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from jokkgeo.errors import CatalogueError, DataSourceError

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
    "other",
)
GEOMETRY_TYPES: tuple[str, ...] = ("Point", "LineString", "Polygon", "Raster")
SENSITIVITIES: tuple[str, ...] = ("public", "restricted")

ALLOWED_SUFFIXES: tuple[str, ...] = (
    ".gpkg",
    ".geojson",
    ".json",
    ".shp",
    ".zip",
    ".fgb",
    ".csv",
    ".txt",
    ".osm",
    ".xml",
    ".pbf",
    ".tif",
    ".tiff",
)
"""File types jokkgeo opens. Anything else (VRT, URLs, /vsi paths) is refused."""

STYLE_KEYS: frozenset[str] = frozenset(
    {
        "color",
        "fill_color",
        "weight",
        "opacity",
        "fill_opacity",
        "radius",
        "dash_array",
        "marker",
        "label_field",
        "categorical",
        "graduated",
        "legend",
        "legend_en",
        "popup",
        "tooltip",
        "z_order",
        "cmap",
    }
)
"""Keys a layer ``style`` may use; :mod:`jokkgeo.render.styles` interprets them."""

_SOURCE_KEYS = frozenset(
    {"path", "layer", "crs", "encoding", "x", "y", "lon", "lat", "wkt", "delimiter", "decimal", "band"}
)
_ATTRIBUTE_KEYS = frozenset({"rename", "keep", "where"})
_REQUIRED = ("id", "title", "theme", "source", "geometry_type", "provenance", "licence", "attribution", "accuracy_m")
_OPTIONAL = (
    "title_en",
    "description",
    "description_en",
    "attributes",
    "style",
    "sensitivity",
    "illustrative",
    "consent",
    "caveat",
    "caveat_en",
)
_KEYS = frozenset(_REQUIRED + _OPTIONAL)


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

    @property
    def restricted(self) -> bool:
        return self.sensitivity == "restricted"

    def label(self, language: str = "sv") -> str:
        """Title in the requested language (Swedish default, English when given)."""
        return self.title_en if language == "en" and self.title_en else self.title

    def caveat_text(self, language: str = "sv") -> str | None:
        return self.caveat_en if language == "en" and self.caveat_en else self.caveat


def _fail(spec_path: Path, key: str, problem: str) -> CatalogueError:
    return CatalogueError(f"{spec_path}: key '{key}': {problem}")


def _expect(spec_path: Path, key: str, value: Any, types: type | tuple[type, ...], what: str) -> Any:
    if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
        raise _fail(spec_path, key, f"expected {what}, got {value!r}")
    if not isinstance(value, types):
        raise _fail(spec_path, key, f"expected {what}, got {type(value).__name__} {value!r}")
    return value


def _check_keys(spec_path: Path, prefix: str, mapping: Mapping[str, Any], allowed: frozenset[str]) -> None:
    for key in mapping:
        if key not in allowed:
            raise _fail(
                spec_path,
                f"{prefix}{key}",
                f"unknown key; allowed keys are: {', '.join(sorted(allowed))}",
            )


def resolve_path(
    raw: str,
    *,
    root: Path,
    origin: str,
    allow_outside: bool = False,
) -> Path:
    """Resolve a path from a config file against ``root`` and check it is allowed.

    Refuses URLs, GDAL virtual paths (``/vsi…``), unknown formats (e.g. ``.vrt``)
    and paths outside ``root`` (after following symlinks) unless ``allow_outside``.
    ``origin`` names the file and key for the error message.
    """
    text = str(raw).strip()
    lowered = text.lower()
    if "://" in lowered or lowered.startswith(("/vsi", "vsi", "http:", "https:", "ftp:")):
        raise CatalogueError(f"{origin}: '{text}' is a URL or GDAL virtual path; give a local file path")
    path = Path(text).expanduser()
    if not path.is_absolute():
        path = root / path
    resolved = path.resolve()
    suffix = resolved.suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise CatalogueError(
            f"{origin}: '{text}' has format '{suffix or '(none)'}' which jokkgeo does not open; "
            f"allowed: {', '.join(ALLOWED_SUFFIXES)}"
        )
    root_resolved = root.resolve()
    if not allow_outside and not resolved.is_relative_to(root_resolved):
        raise CatalogueError(
            f"{origin}: '{text}' resolves to {resolved}, outside the project folder {root_resolved}; "
            "move the file into the project or pass --allow-outside"
        )
    return resolved


def parse_layer_spec(
    data: Any, spec_path: Path, *, root: Path, allow_outside: bool = False, check_exists: bool = True
) -> LayerSpec:
    """Validate one parsed YAML document and return a :class:`LayerSpec`."""
    if not isinstance(data, Mapping):
        raise CatalogueError(f"{spec_path}: expected a mapping of keys, got {type(data).__name__}")
    _check_keys(spec_path, "", data, _KEYS)
    for key in _REQUIRED:
        if key not in data or data[key] is None:
            raise _fail(spec_path, key, "missing (required)")
    ident = _expect(spec_path, "id", data["id"], str, "a text id")
    if not ident.replace("_", "").replace("-", "").isalnum():
        raise _fail(spec_path, "id", f"'{ident}' must use letters, digits, '_' or '-' only")
    theme = _expect(spec_path, "theme", data["theme"], str, "a theme name")
    if theme not in THEMES:
        raise _fail(spec_path, "theme", f"'{theme}' is not a theme; use one of: {', '.join(THEMES)}")
    gtype = _expect(spec_path, "geometry_type", data["geometry_type"], str, "a geometry type")
    if gtype not in GEOMETRY_TYPES:
        raise _fail(spec_path, "geometry_type", f"'{gtype}' is not one of: {', '.join(GEOMETRY_TYPES)}")

    raw_source = data["source"]
    if isinstance(raw_source, str):
        raw_source = {"path": raw_source}
    _expect(spec_path, "source", raw_source, Mapping, "a path or a mapping with 'path'")
    _check_keys(spec_path, "source.", raw_source, _SOURCE_KEYS)
    if "path" not in raw_source:
        raise _fail(spec_path, "source.path", "missing (required)")
    path = resolve_path(
        _expect(spec_path, "source.path", raw_source["path"], str, "a file path"),
        root=root,
        origin=f"{spec_path}: key 'source.path'",
        allow_outside=allow_outside,
    )
    if check_exists and not path.exists():
        raise DataSourceError(
            f"{spec_path}: key 'source.path': file {path} does not exist; check the path "
            "(relative paths are resolved against the project folder)"
        )
    source_kwargs: dict[str, Any] = {"path": path}
    for key in _SOURCE_KEYS - {"path", "band"}:
        if raw_source.get(key) is not None:
            source_kwargs[key] = str(_expect(spec_path, f"source.{key}", raw_source[key], (str, int), "text"))
    if raw_source.get("band") is not None:
        source_kwargs["band"] = _expect(spec_path, "source.band", raw_source["band"], int, "a band number")
    if source_kwargs.get("crs"):
        from pyproj import CRS
        from pyproj.exceptions import CRSError as ProjCRSError

        try:
            CRS.from_user_input(source_kwargs["crs"])
        except ProjCRSError:
            raise _fail(spec_path, "source.crs", f"'{source_kwargs['crs']}' is not a known CRS; use e.g. EPSG:3006")

    accuracy = _expect(spec_path, "accuracy_m", data["accuracy_m"], (int, float), "a number of metres")
    if accuracy <= 0:
        raise _fail(spec_path, "accuracy_m", f"must be positive metres, got {accuracy}")

    attrs = data.get("attributes") or {}
    _expect(spec_path, "attributes", attrs, Mapping, "a mapping")
    _check_keys(spec_path, "attributes.", attrs, _ATTRIBUTE_KEYS)
    rename = attrs.get("rename") or {}
    _expect(spec_path, "attributes.rename", rename, Mapping, "a mapping old: new")
    keep = attrs.get("keep")
    if keep is not None:
        _expect(spec_path, "attributes.keep", keep, list, "a list of column names")
    where_raw = attrs.get("where") or {}
    _expect(spec_path, "attributes.where", where_raw, Mapping, "a mapping column: value or [values]")
    where = {str(k): tuple(v) if isinstance(v, list) else (v,) for k, v in where_raw.items()}

    style = data.get("style") or {}
    _expect(spec_path, "style", style, Mapping, "a mapping")
    _check_keys(spec_path, "style.", style, STYLE_KEYS)

    sensitivity = data.get("sensitivity", "public") or "public"
    if sensitivity not in SENSITIVITIES:
        raise _fail(spec_path, "sensitivity", f"'{sensitivity}' must be 'public' or 'restricted'")
    illustrative = data.get("illustrative", False)
    _expect(spec_path, "illustrative", illustrative, bool, "true or false")

    def opt_text(key: str) -> str | None:
        value = data.get(key)
        return None if value is None else _expect(spec_path, key, value, str, "text")

    for key in ("title", "provenance", "licence", "attribution"):
        _expect(spec_path, key, data[key], str, "text")
    return LayerSpec(
        id=ident,
        title=data["title"],
        theme=theme,
        source=SourceSpec(**source_kwargs),
        geometry_type=gtype,
        provenance=data["provenance"],
        licence=data["licence"],
        attribution=data["attribution"],
        accuracy_m=float(accuracy),
        spec_path=spec_path,
        title_en=opt_text("title_en"),
        description=opt_text("description"),
        description_en=opt_text("description_en"),
        rename={str(k): str(v) for k, v in rename.items()},
        keep=tuple(str(c) for c in keep) if keep is not None else None,
        where=where,
        style=dict(style),
        sensitivity=sensitivity,
        illustrative=illustrative,
        consent=opt_text("consent"),
        caveat=opt_text("caveat"),
        caveat_en=opt_text("caveat_en"),
    )


def load_yaml(path: Path) -> Any:
    """Read a YAML file with the safe loader; syntax errors name the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataSourceError(f"{path}: file does not exist")
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"{path}: not UTF-8 text ({exc.reason}); save the file as UTF-8")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise CatalogueError(f"{path}: invalid YAML{where}: {getattr(exc, 'problem', exc)}")


class Catalogue(Mapping[str, LayerSpec]):
    """All layer specs of a catalogue folder, keyed by id (a read-only mapping)."""

    def __init__(self, specs: Mapping[str, LayerSpec], directory: Path, root: Path) -> None:
        self._specs = dict(specs)
        self.directory = directory
        self.root = root

    @classmethod
    def from_dir(
        cls,
        directory: str | Path,
        *,
        root: str | Path | None = None,
        allow_outside: bool = False,
        check_exists: bool = True,
    ) -> "Catalogue":
        """Load every ``*.yaml``/``*.yml`` in ``directory``.

        ``root`` (default: the folder's parent) is the project folder that
        relative source paths resolve against.
        """
        directory = Path(directory)
        if not directory.is_dir():
            raise DataSourceError(f"{directory}: catalogue folder does not exist; pass --catalog DIR with layers/*.yaml")
        root_path = Path(root) if root is not None else directory.resolve().parent
        files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
        if not files:
            raise DataSourceError(f"{directory}: no *.yaml layer specs found")
        specs: dict[str, LayerSpec] = {}
        for file in files:
            spec = parse_layer_spec(
                load_yaml(file), file, root=root_path, allow_outside=allow_outside, check_exists=check_exists
            )
            if spec.id in specs:
                raise _fail(file, "id", f"'{spec.id}' is already used by {specs[spec.id].spec_path}")
            specs[spec.id] = spec
        return cls(specs, directory, root_path)

    def __getitem__(self, layer_id: str) -> LayerSpec:
        try:
            return self._specs[layer_id]
        except KeyError:
            raise CatalogueError(
                f"{self.directory}: no layer with id '{layer_id}'; available: {', '.join(sorted(self._specs))}"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def by_theme(self, theme: str) -> list[LayerSpec]:
        """Specs of one theme, in id order."""
        if theme not in THEMES:
            raise CatalogueError(f"'{theme}' is not a theme; use one of: {', '.join(THEMES)}")
        return [s for s in self._specs.values() if s.theme == theme]
