"""Does the data fit its CRS? Coordinate plausibility checks and the working-CRS guard.

The working CRS is :data:`jokkgeo.settings.WORKING_CRS` (EPSG:3006, SWEREF 99 TM,
metres). Loaders call :func:`check_coordinates` with the data's bounds in the CRS
the file claims (or the spec declares) *before* reprojecting, so common labelling
mistakes are caught with a message that says what the data looks like:

* SWEREF 99 TM metres labelled as WGS84 (EPSG:4326),
* longitude/latitude swapped (x≈55–69, y≈10–25 over Sweden),
* degrees labelled as a projected CRS such as EPSG:3006,
* easting/northing swapped in EPSG:3006,
* anything else entirely outside the CRS's area of use (error) or partly outside (warning).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError as ProjCRSError

from jokkgeo.errors import CRSError
from jokkgeo.settings import WORKING_CRS

Bounds = Sequence[float]

# Sweden (with a margin) in the units of each CRS.
SWEDEN_LONLAT = (10.0, 55.0, 25.0, 69.5)
"""lon/lat box of Sweden with a margin (degrees)."""
SWEREF99TM_BOX = (200_000.0, 6_100_000.0, 1_000_000.0, 7_700_000.0)
"""x/y box of SWEREF 99 TM metres covering Sweden with a margin."""

AREA_MARGIN_DEG = 1.0
"""Tolerance (degrees) around a CRS's area of use before data counts as outside."""


def _inside(bounds: Bounds, box: Sequence[float]) -> bool:
    minx, miny, maxx, maxy = bounds
    return box[0] <= minx and maxx <= box[2] and box[1] <= miny and maxy <= box[3]


def _fmt(bounds: Bounds) -> str:
    return "(" + ", ".join(f"{v:.6g}" for v in bounds) + ")"


def describe_coordinates(bounds: Bounds) -> str | None:
    """Say what a bounding box looks like, or ``None`` when it matches no known pattern.

    Parameters
    ----------
    bounds
        (minx, miny, maxx, maxy) of the raw coordinates.
    """
    minx, miny, maxx, maxy = bounds
    if _inside(bounds, SWEREF99TM_BOX):
        return "SWEREF 99 TM metres (EPSG:3006)"
    if _inside((miny, minx, maxy, maxx), SWEREF99TM_BOX):
        return "SWEREF 99 TM metres with easting and northing swapped"
    if _inside(bounds, SWEDEN_LONLAT):
        return "longitude/latitude degrees over Sweden (EPSG:4326)"
    if _inside((miny, minx, maxy, maxx), SWEDEN_LONLAT):
        return "latitude/longitude degrees over Sweden in swapped order (x is latitude, y is longitude)"
    if -180 <= minx and maxx <= 180 and -90 <= miny and maxy <= 90:
        return "degrees (longitude/latitude)"
    return None


def parse_crs(value: Any, *, origin: str = "") -> CRS:
    """Parse a CRS given as text/EPSG code/pyproj CRS; unknown values raise :class:`CRSError`.

    Parameters
    ----------
    value
        ``"EPSG:3006"``, an integer EPSG code, WKT/PROJ text or a :class:`pyproj.CRS`.
    origin
        File or layer named in the error message.
    """
    try:
        return CRS.from_user_input(value)
    except (ProjCRSError, TypeError, ValueError):
        where = f"{origin}: " if origin else ""
        raise CRSError(f"{where}'{value}' is not a known CRS; use e.g. EPSG:3006 (SWEREF 99 TM)") from None


def check_coordinates(bounds: Bounds, crs: Any, *, origin: str) -> list[str]:
    """Check that coordinates with ``bounds`` are plausible for ``crs``.

    Parameters
    ----------
    bounds
        (minx, miny, maxx, maxy) in the units of ``crs`` (before any reprojection).
    crs
        The CRS the data is labelled with (file or declared).
    origin
        File/layer name used in messages.

    Returns
    -------
    list of str
        Warnings (data partly outside the CRS's area of use).

    Raises
    ------
    CRSError
        When the coordinates cannot be in ``crs``; the message says what they look like
        and which CRS to declare.
    """
    if bounds is None or not all(math.isfinite(v) for v in bounds):
        return []
    crs_obj = parse_crs(crs, origin=origin)
    label = crs_obj.to_string()
    looks = describe_coordinates(bounds)
    minx, miny, maxx, maxy = bounds
    if crs_obj.is_geographic:
        if looks == "SWEREF 99 TM metres (EPSG:3006)":
            raise CRSError(
                f"{origin}: coordinates {_fmt(bounds)} look like SWEREF 99 TM metres labelled as {label} "
                "(degrees); declare crs: EPSG:3006 (spec source.crs, CLI --crs EPSG:3006)"
            )
        if looks and "swapped order" in looks:
            raise CRSError(
                f"{origin}: coordinates {_fmt(bounds)} look like latitude/longitude with the axes swapped "
                "(x holds latitude 55–69, y holds longitude 10–25); swap the x/lon and y/lat columns"
            )
        if not (-180 <= minx and maxx <= 180 and -90 <= miny and maxy <= 90):
            guess = f"; they look like {looks}" if looks else "; they look like projected metres"
            raise CRSError(
                f"{origin}: coordinates {_fmt(bounds)} are outside the degree range of {label}{guess}; "
                "declare the CRS the data was made in (e.g. crs: EPSG:3006)"
            )
    else:
        if looks and looks.startswith(("longitude/latitude", "latitude/longitude", "degrees")):
            is_3006 = crs_obj == CRS.from_user_input(WORKING_CRS)
            name = "SWEREF 99 TM" if is_3006 else label
            raise CRSError(
                f"{origin}: coordinates {_fmt(bounds)} look like degrees ({looks}) but the data is labelled "
                f"{label} ({name}, metres); declare crs: EPSG:4326"
            )
        if looks == "SWEREF 99 TM metres with easting and northing swapped":
            raise CRSError(
                f"{origin}: coordinates {_fmt(bounds)} look like SWEREF 99 TM with easting and northing "
                "swapped (x ≈ 6.1–7.7 million, y ≈ 0.2–1 million); swap the x and y columns"
            )
    return _check_area_of_use(bounds, crs_obj, origin=origin, looks=looks)


def _check_area_of_use(bounds: Bounds, crs_obj: CRS, *, origin: str, looks: str | None) -> list[str]:
    area = crs_obj.area_of_use
    if area is None:
        return []
    try:
        to_lonlat = Transformer.from_crs(crs_obj, "EPSG:4326", always_xy=True)
        xmin, ymin, xmax, ymax = bounds
        west, south, east, north = to_lonlat.transform_bounds(xmin, ymin, xmax, ymax)
    except Exception:  # noqa: BLE001 - an impossible transform means the label is wrong
        west = south = east = north = math.inf
    label = crs_obj.to_string()
    finite = all(math.isfinite(v) for v in (west, south, east, north))
    m = AREA_MARGIN_DEG
    disjoint = (
        not finite
        or east < area.west - m
        or west > area.east + m
        or north < area.south - m
        or south > area.north + m
    )
    if disjoint:
        guess = f"; they look like {looks}" if looks else ""
        raise CRSError(
            f"{origin}: coordinates {_fmt(bounds)} lie outside the area where {label} is used "
            f"({area.name}){guess}; the CRS label is probably wrong — declare the right one (e.g. crs: EPSG:3006)"
        )
    within = west >= area.west - m and east <= area.east + m and south >= area.south - m and north <= area.north + m
    if not within:
        return [
            f"{origin}: data extends outside the area of use of {label} ({area.name}); "
            f"lon/lat extent ({west:.2f}, {south:.2f}, {east:.2f}, {north:.2f})"
        ]
    return []


def check_working_crs(gdf: Any, what: str) -> None:
    """Refuse a (Geo)DataFrame whose CRS is missing or is not the working CRS (EPSG:3006).

    The one working-CRS guard of jokkgeo: analyses call it on entry.

    Parameters
    ----------
    gdf
        A GeoDataFrame or GeoSeries.
    what
        Names the input in the message (e.g. ``"layer 'roads'"``).

    Raises
    ------
    jokkgeo.errors.CRSError
        With the fix (``gdf.to_crs('EPSG:3006')`` or loading through jokkgeo's readers).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> check_working_crs(gpd.GeoDataFrame(geometry=[Point(0, 0)], crs="EPSG:3006"), "layer 'sites'")
    >>> check_working_crs(gpd.GeoDataFrame(geometry=[Point(19.8, 66.6)], crs="EPSG:4326"), "layer 'sites'")
    Traceback (most recent call last):
    ...
    jokkgeo.errors.CRSError: layer 'sites': CRS is EPSG:4326, analyses need EPSG:3006 (SWEREF 99 TM, metres); ...
    """
    if gdf.crs is None:
        raise CRSError(
            f"{what}: the layer has no CRS; analyses need {WORKING_CRS} (SWEREF 99 TM). "
            f"Set it with gdf.set_crs(...) and reproject with gdf.to_crs('{WORKING_CRS}')."
        )
    crs = CRS.from_user_input(gdf.crs)
    if crs.is_geographic or not crs.equals(CRS.from_user_input(WORKING_CRS)):
        raise CRSError(
            f"{what}: CRS is {crs.to_string()}, analyses need {WORKING_CRS} (SWEREF 99 TM, metres); "
            f"reproject with gdf.to_crs('{WORKING_CRS}') or load it with jokkgeo.io.vector.read_layer."
        )
