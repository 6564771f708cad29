"""Check whole layers and catalogues: what ``jokkgeo layers check`` and ``jokkgeo inspect`` print.

Each layer becomes a :class:`LayerCheck` holding counts, CRS, bounds, warnings and
errors. Errors (user mistakes: bad YAML, missing file, wrong CRS …) are caught *per
layer* so one broken spec does not hide the others; the CLI exits 2 when any layer
has an error.

Metadata rules (decisions): ``provenance``, ``licence``, ``attribution`` must not be
blank or a placeholder (:data:`PLACEHOLDERS`) — that is an error, because every
dataset must record source and licence. Restricted layers without a ``consent``
note and restricted/illustrative layers without a ``caveat`` get a warning; their
caveat is always shown. ``accuracy_m`` is validated by the catalogue (required, > 0).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jokkgeo.config.layers import LayerSpec
from jokkgeo.config.styles import parse_popup
from jokkgeo.errors import DataSourceError, JokkgeoError

log = logging.getLogger(__name__)

PLACEHOLDERS = frozenset({"", "unknown", "okänd", "okand", "todo", "tbd", "?", "n/a", "na", "none", "-", "xxx"})
"""Values that count as a missing licence/provenance/attribution."""


@dataclass
class LayerCheck:
    """Outcome of checking one layer (or one file)."""

    name: str
    path: Path | None = None
    kind: str = "vector"
    n_features: int | None = None
    geometry_types: dict[str, int] = field(default_factory=dict)
    crs: str | None = None
    bounds: tuple[float, float, float, float] | None = None
    repairs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    caveat: str | None = None
    raster: dict[str, Any] | None = None
    report: Any = None
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _repairs(report: Any) -> list[str]:
    parts = []
    for attr, text in (
        ("n_null_dropped", "null dropped"),
        ("n_empty_dropped", "empty dropped"),
        ("n_repaired", "repaired"),
        ("n_unrepairable_dropped", "unrepairable dropped"),
        ("n_malformed_dropped", "malformed dropped"),
        ("n_nonfinite_dropped", "NaN/infinite coordinates dropped"),
        ("n_z_dropped", "Z dropped"),
        ("n_m_dropped", "M dropped"),
        ("n_filtered", "filtered (where)"),
    ):
        n = getattr(report, attr, 0)
        if n:
            parts.append(f"{n} {text}")
    return parts


def inspect_vector(path: Path, result: LayerCheck, **kwargs: Any) -> LayerCheck:
    """Fill ``result`` from :func:`jokkgeo.io.vector.read_vector` (errors recorded, not raised).

    Parameters
    ----------
    path
        Vector file to read.
    result
        The check to fill (modified and returned).
    **kwargs
        Passed to :func:`jokkgeo.io.vector.read_vector` (``layer``, ``crs``, ``encoding`` …).
    """
    from jokkgeo.io.vector import read_vector

    try:
        loaded = read_vector(path, **kwargs)
    except JokkgeoError as exc:
        result.errors.append(str(exc))
        return result
    _fill_vector(result, loaded)
    return result


def _fill_vector(result: LayerCheck, loaded: Any) -> None:
    rep = loaded.report
    result.report = rep
    result.n_features = rep.n_features
    result.geometry_types = dict(rep.geometry_types)
    result.crs = rep.declared_crs or rep.source_crs
    result.bounds = rep.bounds
    result.repairs = _repairs(rep)
    result.warnings.extend(rep.warnings)
    geom = loaded.gdf.geometry.name
    result.columns = {str(c): str(t) for c, t in loaded.gdf.dtypes.items() if c != geom}


def inspect_raster(path: Path, result: LayerCheck, *, band: int | None = None, crs: str | None = None) -> LayerCheck:
    """Fill ``result`` from :func:`jokkgeo.io.raster.read_raster`.

    Parameters
    ----------
    path
        GeoTIFF to read.
    result
        The check to fill (modified and returned).
    band
        1-based band number; ``None`` reads all bands.
    crs
        CRS to assume when the file has none.
    """
    from jokkgeo.io.raster import read_raster

    result.kind = "raster"
    try:
        data = read_raster(path, band=band, crs=crs)
    except JokkgeoError as exc:
        result.errors.append(str(exc))
        return result
    shape = data.array.shape
    bands = 1 if data.array.ndim == 2 else shape[0]
    result.crs = data.source_crs
    result.bounds = data.bounds
    result.raster = {
        "width": int(shape[-1]),
        "height": int(shape[-2]),
        "bands": int(bands),
        "dtype": str(data.array.dtype),
        "nodata": data.nodata,
        "cell_size_m": float(abs(data.transform.a)),
    }
    if data.nodata is None:
        result.warnings.append("no nodata value set; every cell counts as data")
    result.warnings.extend(data.warnings)
    return result


def inspect_file(
    path: str | Path,
    *,
    layer: str | None = None,
    crs: str | None = None,
    encoding: str | None = None,
    geometry_type: str | None = None,
    band: int | None = None,
) -> LayerCheck:
    """Check one file (vector or GeoTIFF) without a catalogue.

    Parameters
    ----------
    path
        The file (vector format or GeoTIFF).
    layer
        Layer name in a multi-layer file (GeoPackage).
    crs
        CRS to assume when the file has none.
    encoding
        Text encoding of attribute values (Shapefile/CSV).
    geometry_type
        Expected geometry type (``Point``, ``LineString``, ``Polygon``).
    band
        1-based band number of a raster; ``None`` reads all bands.
    """
    path = Path(path)
    result = LayerCheck(name=path.name + (f":{layer}" if layer else ""), path=path)
    if path.suffix.lower() in (".tif", ".tiff"):
        return inspect_raster(path, result, band=band, crs=crs)
    return inspect_vector(path, result, layer=layer, crs=crs, encoding=encoding, geometry_type=geometry_type)


def _metadata_problems(spec: LayerSpec, result: LayerCheck, language: str) -> None:
    for key in ("provenance", "licence", "attribution"):
        value = getattr(spec, key)
        if str(value).strip().lower() in PLACEHOLDERS:
            result.errors.append(f"{spec.spec_path}: key '{key}' is '{value}'; record the real {key} of this dataset")
    if spec.restricted and not spec.consent:
        result.warnings.append("restricted layer without a consent note (key 'consent')")
    if (spec.restricted or spec.illustrative) and not spec.caveat_text(language):
        result.warnings.append("restricted/illustrative layer without a caveat (key 'caveat')")
    if spec.restricted or spec.illustrative:
        flags = [f for f, on in (("restricted", spec.restricted), ("illustrative", spec.illustrative)) if on]
        result.caveat = f"[{', '.join(flags)}] " + (spec.caveat_text(language) or "")


def check_spec(spec: LayerSpec, *, language: str = "sv") -> LayerCheck:
    """Load one layer of a catalogue and check its data and metadata.

    Parameters
    ----------
    spec
        The catalogue layer spec.
    language
        ``"sv"`` or ``"en"`` (labels and style text).
    """
    result = LayerCheck(name=spec.id, path=spec.source.path)
    _metadata_problems(spec, result, language)
    from jokkgeo.config.styles import check_layer_style  # validates the style (no renderer imported)

    try:
        style = check_layer_style(spec, language=language)
    except JokkgeoError as exc:
        result.errors.append(str(exc))
        style = None
    if spec.geometry_type == "Raster":
        return inspect_raster(spec.source.path, result, band=spec.source.band, crs=spec.source.crs)
    from jokkgeo.io.population import read_population
    from jokkgeo.io.vector import read_layer

    try:
        loaded = read_population(spec) if spec.theme == "population" else read_layer(spec)
        if spec.theme == "population":  # the standard columns (spreading needs the catalogue: checked on use)
            from jokkgeo.analysis.population import standard_columns

            loaded.gdf, _ = standard_columns(loaded.gdf, spec.population, origin=f"{spec.spec_path} (layer "
                                             f"'{spec.id}')", available_in=spec.source.path.name)
    except JokkgeoError as exc:
        result.errors.append(str(exc))
        return result
    _fill_vector(result, loaded)
    fields = {c.field for c in (getattr(style, "categorical", None), getattr(style, "graduated", None)) if c}
    fields |= {f for f in (spec.style.get("label_field"), spec.style.get("tooltip")) if f}
    fields |= {f.field for f in parse_popup(spec.style.get("popup"), spec.spec_path)}
    for name in sorted(fields - set(loaded.gdf.columns)):
        result.errors.append(f"{spec.spec_path}: key 'style' names column '{name}', which the data lacks; "
                             f"columns: {', '.join(c for c in loaded.gdf.columns if c != 'geometry')}")
    return result


def check_catalogue(
    directory: str | Path,
    *,
    root: str | Path | None = None,
    allow_outside: bool = False,
    language: str = "sv",
) -> list[LayerCheck]:
    """Check every ``*.yaml``/``*.yml`` layer spec in ``directory`` (one result per file).

    A spec that fails to parse gives a result named after its file with the error.
    Duplicate ids are errors.

    Parameters
    ----------
    directory
        Folder of layer specs.
    root
        Project folder data paths are resolved against (default: the parent of ``directory``).
    allow_outside
        Allow data paths outside ``root``.
    language
        ``"sv"`` or ``"en"``.
    """
    from jokkgeo._progress import progress
    from jokkgeo.io.configs import read_layer_spec

    directory = Path(directory)
    if not directory.is_dir():
        raise DataSourceError(f"{directory}: catalogue folder does not exist; pass --catalog DIR with layers/*.yaml")
    root_path = Path(root) if root is not None else directory.resolve().parent
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    if not files:
        raise DataSourceError(f"{directory}: no *.yaml layer specs found")
    results: list[LayerCheck] = []
    seen: dict[str, Path] = {}
    for file in progress(files, total=len(files), desc="layers"):
        try:
            spec = read_layer_spec(file, root=root_path, allow_outside=allow_outside)
        except JokkgeoError as exc:
            results.append(LayerCheck(name=file.stem, path=file, errors=[str(exc)]))
            continue
        result = check_spec(spec, language=language)
        if spec.id in seen:
            result.errors.append(f"{file}: key 'id': '{spec.id}' is already used by {seen[spec.id]}")
        seen.setdefault(spec.id, file)
        results.append(result)
    return results
