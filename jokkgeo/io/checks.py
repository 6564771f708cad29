"""Geometry checks on entry: drop null/empty, drop Z/M, repair invalid, enforce the declared type.

Every action is counted in a :class:`GeometryCheck`; nothing is dropped or repaired
silently (the loaders copy the counts into their :class:`~jokkgeo.io.vector.LoadReport`
and log them). All operations are vectorised with shapely 2.

Decisions
---------
* A declared ``Point``/``LineString``/``Polygon`` also accepts the Multi- variant
  (e.g. an island municipality is a MultiPolygon). Any other type is an error naming
  the counts of every type found; nothing is coerced.
* Invalid geometries are repaired with ``shapely.make_valid(method="structure")``
  (polygons) and only parts of the declared dimension are kept (a bow-tie stays a
  polygon, a collapsed sliver line is discarded); a feature whose repair leaves no
  part of that dimension is dropped and counted as ``n_unrepairable_dropped``.
* Z and M values are dropped (analyses are 2-D) and counted.
* A feature with a NaN or infinite coordinate is dropped (no vertex can be trusted to
  be "the" intended one) and counted in ``n_nonfinite_dropped``; its index label is
  listed in ``nonfinite_ids`` and in the note.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely

from jokkgeo.errors import GeometryError

log = logging.getLogger(__name__)

DECLARED_TYPES: dict[str, tuple[str, ...]] = {
    "Point": ("Point", "MultiPoint"),
    "LineString": ("LineString", "MultiLineString"),
    "Polygon": ("Polygon", "MultiPolygon"),
}
_DIMENSION = {"Point": 0, "LineString": 1, "Polygon": 2}


@dataclass
class GeometryCheck:
    """Counts of what :func:`check_geometries` did."""

    n_in: int = 0
    n_null_dropped: int = 0
    n_empty_dropped: int = 0
    n_z_dropped: int = 0
    n_m_dropped: int = 0
    n_repaired: int = 0
    n_unrepairable_dropped: int = 0
    n_nonfinite_dropped: int = 0
    nonfinite_ids: list = field(default_factory=list)
    unrepairable_ids: list = field(default_factory=list)
    geometry_types: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def n_out(self) -> int:
        return (self.n_in - self.n_null_dropped - self.n_empty_dropped - self.n_unrepairable_dropped
                - self.n_nonfinite_dropped)


def geometry_type_counts(geoms: np.ndarray | gpd.GeoSeries) -> dict[str, int]:
    """``{"Point": 3, ...}`` for non-missing geometries, sorted by type name.

    Parameters
    ----------
    geoms
        Shapely geometries (array or GeoSeries); missing ones are not counted.
    """
    values = np.asarray(geoms, dtype=object)
    values = values[~shapely.is_missing(values)]
    if len(values) == 0:
        return {}
    names, counts = np.unique(shapely.get_type_id(values), return_counts=True)
    lookup = {int(t): shapely.GeometryType(int(t)).name for t in names}
    pretty = {
        "POINT": "Point",
        "LINESTRING": "LineString",
        "LINEARRING": "LinearRing",
        "POLYGON": "Polygon",
        "MULTIPOINT": "MultiPoint",
        "MULTILINESTRING": "MultiLineString",
        "MULTIPOLYGON": "MultiPolygon",
        "GEOMETRYCOLLECTION": "GeometryCollection",
    }
    return dict(sorted((pretty.get(lookup[int(t)], lookup[int(t)]), int(c))
                       for t, c in zip(names, counts, strict=True)))


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


def _format_counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {name}" for name, n in counts.items()) or "none"


def _keep_dimension(geoms: np.ndarray, dimension: int) -> np.ndarray:
    """Keep only parts of ``dimension`` (0/1/2) of each geometry; ``None`` where nothing is left."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    # nested collections (GeometryCollection of MultiPolygons) are flattened once more
    parts, sub = shapely.get_parts(parts, return_index=True)
    index = index[sub]
    keep = shapely.get_dimensions(parts) == dimension
    parts, index = parts[keep], index[keep]
    out = np.full(len(geoms), None, dtype=object)
    if len(parts) == 0:
        return out
    present, group = np.unique(index, return_inverse=True)
    build = {0: shapely.multipoints, 1: shapely.multilinestrings, 2: shapely.multipolygons}[dimension]
    merged = build(parts, indices=group)
    single = np.bincount(group) == 1
    # a single part stays a simple geometry (Polygon, not MultiPolygon)
    merged = np.where(single, shapely.get_geometry(merged, 0), merged)
    out[present] = merged
    return out


def check_geometries(
    gdf: gpd.GeoDataFrame,
    *,
    geometry_type: str | None = None,
    origin: str = "data",
) -> tuple[gpd.GeoDataFrame, GeometryCheck]:
    """Drop null/empty geometries, drop Z/M, repair invalid ones and check the type.

    Parameters
    ----------
    gdf
        Input (not modified). Any CRS; repairs do not depend on units.
    geometry_type
        Declared type (``"Point"``, ``"LineString"``, ``"Polygon"``) or ``None``
        (no type check; a mix of dimensions is then noted).
    origin
        File/layer name for messages.

    Returns
    -------
    (GeoDataFrame, GeometryCheck)
        A new frame keeping the input index for the surviving rows, and the counts.

    Raises
    ------
    GeometryError
        When geometries do not match ``geometry_type`` (message names the counts).
    """
    if geometry_type is not None and geometry_type not in DECLARED_TYPES:
        raise GeometryError(f"{origin}: geometry_type '{geometry_type}' is not one of {', '.join(DECLARED_TYPES)}")
    report = GeometryCheck(n_in=len(gdf))
    geoms = np.asarray(gdf.geometry.array, dtype=object)

    null = shapely.is_missing(geoms)
    empty = ~null & shapely.is_empty(geoms)
    report.n_null_dropped = int(null.sum())
    report.n_empty_dropped = int(empty.sum())
    keep = ~(null | empty)
    nonfinite = np.zeros(len(geoms), dtype=bool)
    # numpy's stubs reject None as a where() branch; at run time it gives an object array with None
    kept = np.where(keep, geoms, None)  # type: ignore[call-overload]
    coords, owner = shapely.get_coordinates(kept, include_z=False, return_index=True)
    bad_rows = ~np.isfinite(coords).all(axis=1)
    if bad_rows.any():
        nonfinite[np.unique(owner[bad_rows])] = True
        keep &= ~nonfinite
        report.n_nonfinite_dropped = int(nonfinite.sum())
        report.nonfinite_ids = [_plain(v) for v in gdf.index[nonfinite]]
        shown = ", ".join(f"#{v}" for v in report.nonfinite_ids[:10])
        more = f" and {len(report.nonfinite_ids) - 10} more" if len(report.nonfinite_ids) > 10 else ""
        report.notes.append(
            f"dropped {report.n_nonfinite_dropped} feature(s) with NaN/infinite coordinates (feature {shown}{more})"
        )
    geoms = geoms[keep]
    if report.n_null_dropped:
        report.notes.append(f"dropped {report.n_null_dropped} feature(s) without geometry")
    if report.n_empty_dropped:
        report.notes.append(f"dropped {report.n_empty_dropped} feature(s) with empty geometry")

    has_z = shapely.has_z(geoms)
    has_m = shapely.has_m(geoms) if hasattr(shapely, "has_m") else np.zeros(len(geoms), bool)
    report.n_z_dropped = int(has_z.sum())
    report.n_m_dropped = int(has_m.sum())
    if report.n_z_dropped or report.n_m_dropped:
        geoms = shapely.force_2d(geoms)
        what = " and ".join(
            t for t, n in (("Z (height)", report.n_z_dropped), ("M (measure)", report.n_m_dropped)) if n
        )
        report.notes.append(
            f"dropped {what} values of {max(report.n_z_dropped, report.n_m_dropped)} feature(s); analyses are 2-D"
        )

    report.geometry_types = geometry_type_counts(geoms)
    if geometry_type is not None:
        allowed = DECLARED_TYPES[geometry_type]
        wrong = {k: v for k, v in report.geometry_types.items() if k not in allowed}
        if wrong:
            raise GeometryError(
                f"{origin}: declared geometry_type {geometry_type} but found "
                f"{_format_counts(report.geometry_types)}; {sum(wrong.values())} feature(s) are "
                f"{_format_counts(wrong)}. Split the layer by geometry type or fix geometry_type in the spec"
            )
    elif len({_DIMENSION.get(k.removeprefix('Multi'), -1) for k in report.geometry_types}) > 1:
        report.notes.append(f"mixed geometry types: {_format_counts(report.geometry_types)}")

    invalid = ~shapely.is_valid(geoms)
    n_invalid = int(invalid.sum())
    if n_invalid:
        bad = geoms[invalid]
        dims = shapely.get_dimensions(bad)
        fixed = shapely.make_valid(bad, method="structure", keep_collapsed=False)
        fixed = np.where(dims == 2, fixed, shapely.make_valid(bad))
        # keep each feature's own dimension (the declared one when given)
        fixed_kept = np.full(len(bad), None, dtype=object)
        for dim in np.unique(dims):  # at most 3 iterations, vectorised inside
            sel = dims == dim
            fixed_kept[sel] = _keep_dimension(fixed[sel], int(dim))
        lost = shapely.is_missing(fixed_kept) | shapely.is_empty(fixed_kept)
        geoms = geoms.copy()
        geoms[invalid] = fixed_kept
        report.n_repaired = int((~lost).sum())
        report.n_unrepairable_dropped = int(lost.sum())
        report.unrepairable_ids = [_plain(v) for v in gdf.index[np.flatnonzero(keep)[invalid][lost]]]
        if report.n_repaired:
            noun = "geometry" if report.n_repaired == 1 else "geometries"
            report.notes.append(f"repaired {report.n_repaired} invalid {noun} (make_valid)")
        if report.n_unrepairable_dropped:
            report.notes.append(
                f"dropped {report.n_unrepairable_dropped} invalid feature(s) that collapsed to nothing of their type "
                f"(feature {', '.join(f'#{v}' for v in report.unrepairable_ids[:10])})"
            )
        keep_after = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    else:
        keep_after = np.ones(len(geoms), bool)

    out = gdf.loc[keep].copy()
    out[gdf.geometry.name] = gpd.GeoSeries(geoms, index=out.index, crs=gdf.crs)
    out = out.loc[keep_after]
    if n_invalid:
        report.geometry_types = geometry_type_counts(out.geometry)
    for note in report.notes:
        log.info("%s: %s", origin, note)
    return out, report
