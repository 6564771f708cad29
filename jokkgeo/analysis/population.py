"""Population layers: SCB grid cells from ids or coordinates, spreading polygon counts, disclosure control.

Pure functions on in-memory data (EPSG:3006); reading files is :mod:`jokkgeo.io.population`'s job
and the store (:mod:`jokkgeo.study.store`) calls :func:`population_layer` on every population-theme
layer, so analyses always see the standard columns :data:`POPULATION_COLUMNS`.

Decisions
---------
* **SCB grid ids** (``rutid_scb``, often named ``Ruta`` or ``RutID``): 13 digits, the 6-digit easting
  followed by the 7-digit northing of the cell's **lower-left corner** in SWEREF 99 TM
  (``3940006133000`` is the cell with corner E 394 000, N 6 133 000). The INSPIRE form SCB ships beside
  it (``SE_CRS3006RES1000mN6133000E394000``) carries the cell size and is read too. A corner that is not
  a multiple of the cell size, or lies outside Sweden's SWEREF 99 TM range, is a bad id (an error naming
  the rows).
* **Spreading** polygon counts (DeSO, RegSO, municipal totals) is a stated model, never silent:
  ``road_length`` gives each polygon's people to points along the roads inside it in proportion to road
  length (one point per piece of at most ``step_m``); ``equal``/``weight`` split them over the target
  points inside the polygon (equally or by a column). A polygon with no road/point inside keeps its
  people at a point on its surface (counted in the notes): totals are conserved exactly.
* **Disclosure**: SCB adjusts grid values under 4 and its totals are not the sum of the published cells.
  Public bundles show counts from 1 to ``threshold - 1`` as ``"< 5"`` (text) or leave them empty
  (numbers), and round the rest to whole people (:func:`disclose`).

Examples
--------
>>> geoms = cells_from_grid_ids(["3940006133000"], cell_m=1000)
>>> geoms[0].bounds
(394000.0, 6133000.0, 395000.0, 6134000.0)
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from jokkgeo.errors import DataLayerError

log = logging.getLogger(__name__)

POPULATION_COLUMNS: tuple[str, ...] = ("population", "working_age", "age_1_5", "age_6_15", "age_65_plus")
"""Standard columns of a population layer (people in total, aged 20–64, 1–5, 6–15, 65 and over)."""
EASTING_RANGE: tuple[float, float] = (200_000.0, 1_000_000.0)
"""SWEREF 99 TM eastings a Swedish grid cell may have (m)."""
NORTHING_RANGE: tuple[float, float] = (6_000_000.0, 7_800_000.0)
"""SWEREF 99 TM northings a Swedish grid cell may have (m)."""
_SCB_ID = r"^(\d{6})(\d{7})$"
_INSPIRE_ID = r"^(?:SE_)?CRS3006RES(\d+)mN(\d+)E(\d+)$"


def _rows(mask: np.ndarray, values: Sequence[Any] | None = None, limit: int = 5) -> str:
    idx = np.flatnonzero(mask)
    shown = [f"row {i + 1}" + (f" ({values[i]!r})" if values is not None else "") for i in idx[:limit]]
    more = f" and {len(idx) - limit} more" if len(idx) > limit else ""
    return ", ".join(shown) + more


def grid_id_text(ids: Sequence[Any] | pd.Series) -> pd.Series:
    """Grid ids as text: numbers (ids read as integers or floats by a spreadsheet) become digit strings.

    Parameters
    ----------
    ids
        Grid ids as read (text, integers or floats).
    """
    s = pd.Series(ids).reset_index(drop=True)
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        num = s.astype(float)
        whole = np.isfinite(num) & (num == np.round(num))
        out = pd.Series(np.where(whole, np.round(np.where(whole, num, 0)).astype(np.int64).astype(str), ""),
                        dtype=object)
        return out.where(whole, s.astype(str))
    return s.astype("string").str.strip().str.replace(r"\.0+$", "", regex=True).fillna("").astype(object)


def corners_from_grid_ids(ids: Sequence[Any] | pd.Series, *, cell_m: float | None = None,
                          origin: str = "grid", key: str = "population.grid.id"
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lower-left corners and cell sizes of SCB grid ids (vectorised).

    Parameters
    ----------
    ids
        ``rutid_scb`` ids (13 digits: easting(6) + northing(7) of the lower-left corner, SWEREF 99 TM)
        or INSPIRE ids ``SE_CRS3006RES<size>mN<northing>E<easting>``.
    cell_m
        Cell size (m); required for 13-digit ids, checked against INSPIRE ids.
    origin, key
        Named in error messages (the layer spec and key).

    Returns
    -------
    tuple of numpy.ndarray
        Eastings, northings (m) and cell sizes (m).

    Raises
    ------
    jokkgeo.errors.DataLayerError
        Ids that are neither form, corners off the grid or outside Sweden (rows named).
    """
    text = grid_id_text(ids)
    values = text.tolist()
    scb = text.str.extract(_SCB_ID)
    ins = text.str.extract(_INSPIRE_ID)
    is_scb, is_ins = scb[0].notna().to_numpy(), ins[0].notna().to_numpy()
    bad = ~(is_scb | is_ins)
    if bad.any():
        raise DataLayerError(
            f"{origin}: key '{key}': {int(bad.sum())} value(s) are not SCB grid ids: {_rows(bad, values)}; "
            "expected 13 digits (6-digit easting + 7-digit northing of the lower-left corner, "
            "e.g. 3940006133000) or an INSPIRE id such as SE_CRS3006RES1000mN6133000E394000")
    east = np.where(is_scb, pd.to_numeric(scb[0]), pd.to_numeric(ins[2])).astype(float)
    north = np.where(is_scb, pd.to_numeric(scb[1]), pd.to_numeric(ins[1])).astype(float)
    size = np.where(is_ins, pd.to_numeric(ins[0]), np.nan).astype(float)
    if cell_m is not None:
        clash = is_ins & (size != float(cell_m))
        if clash.any():
            raise DataLayerError(
                f"{origin}: key 'population.grid.cell_m': {cell_m:g} m but the ids say otherwise at "
                f"{_rows(clash, values)}; remove cell_m (INSPIRE ids carry the size) or correct it")
        size = np.full(len(text), float(cell_m))
    elif (~is_ins).any():
        raise DataLayerError(
            f"{origin}: key 'population.grid.cell_m': missing; 13-digit SCB grid ids do not carry the cell size: "
            "give it (cell_m: 1000 for SCB's 1 km squares, 250 for 250 m squares)")
    _check_cells(east, north, size, values, origin, key)
    return east, north, size


def _check_cells(east: np.ndarray, north: np.ndarray, size: np.ndarray, values: list[Any] | None,
                 origin: str, key: str) -> None:
    outside = ~((east >= EASTING_RANGE[0]) & (east < EASTING_RANGE[1])
                & (north >= NORTHING_RANGE[0]) & (north < NORTHING_RANGE[1]))
    if outside.any():
        raise DataLayerError(
            f"{origin}: key '{key}': {int(outside.sum())} cell(s) outside Sweden in SWEREF 99 TM "
            f"(easting {EASTING_RANGE[0]:.0f}–{EASTING_RANGE[1]:.0f}, northing {NORTHING_RANGE[0]:.0f}–"
            f"{NORTHING_RANGE[1]:.0f} m): {_rows(outside, values)}; check the id/coordinate columns "
            "(easting first in SCB ids) and that the coordinates are SWEREF 99 TM metres")
    off = (np.mod(east, size) != 0) | (np.mod(north, size) != 0)
    if off.any():
        raise DataLayerError(
            f"{origin}: key '{key}': {int(off.sum())} corner(s) not on the {size[np.argmax(off)]:g} m grid: "
            f"{_rows(off, values)}; check cell_m (1000 or 250) and, for coordinates, grid.corner "
            "(lower_left or centre)")


def cells_from_grid_ids(ids: Sequence[Any] | pd.Series, *, cell_m: float | None = None,
                        origin: str = "grid", key: str = "population.grid.id") -> np.ndarray:
    """Square cell polygons (EPSG:3006) of SCB grid ids (vectorised).

    Parameters
    ----------
    ids
        Grid ids (see :func:`corners_from_grid_ids`).
    cell_m
        Cell size in metres (1000 or 250 for SCB); taken from INSPIRE ids when ``None``.
    origin, key
        Named in error messages.

    Examples
    --------
    >>> cells_from_grid_ids(["7320007390000"], cell_m=1000)[0].bounds
    (732000.0, 7390000.0, 733000.0, 7391000.0)
    """
    east, north, size = corners_from_grid_ids(ids, cell_m=cell_m, origin=origin, key=key)
    return shapely.box(east, north, east + size, north + size)


def cells_from_coordinates(x: Sequence[float], y: Sequence[float], *, cell_m: float, corner: str = "lower_left",
                           origin: str = "grid", key: str = "population.grid") -> np.ndarray:
    """Square cell polygons from corner or centre coordinates (SWEREF 99 TM metres, vectorised).

    Parameters
    ----------
    x, y
        Eastings and northings of each cell's lower-left corner (``corner="lower_left"``) or centre.
    cell_m
        Cell size in metres.
    corner
        ``"lower_left"`` or ``"centre"``.
    origin, key
        Named in error messages.

    Examples
    --------
    >>> cells_from_coordinates([394125.0], [6133125.0], cell_m=250, corner="centre")[0].bounds
    (394000.0, 6133000.0, 394250.0, 6133250.0)
    """
    xs = np.asarray(pd.to_numeric(pd.Series(x), errors="coerce"), dtype=float)
    ys = np.asarray(pd.to_numeric(pd.Series(y), errors="coerce"), dtype=float)
    bad = ~(np.isfinite(xs) & np.isfinite(ys))
    if bad.any():
        raise DataLayerError(f"{origin}: key '{key}': coordinates that are not numbers at {_rows(bad)}; "
                             "fix or remove those rows (decimal comma: source.decimal)")
    if corner == "centre":
        xs, ys = xs - cell_m / 2.0, ys - cell_m / 2.0
    elif corner != "lower_left":
        raise DataLayerError(f"{origin}: key '{key}.corner': {corner!r}; use lower_left or centre")
    size = np.full(len(xs), float(cell_m))
    _check_cells(xs, ys, size, None, origin, key)
    return shapely.box(xs, ys, xs + size, ys + size)


def _numeric(frame: pd.DataFrame, columns: Sequence[str], origin: str, key: str, notes: list[str]) -> np.ndarray:
    """Sum of ``columns`` as floats; text that is not a number is an error, blanks count as 0 (noted)."""
    total = np.zeros(len(frame))
    for col in columns:
        raw = frame[col]
        if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
            num = raw.astype(float)
            blank = num.isna().to_numpy()
        else:
            text = raw.astype("string").str.strip().str.replace(r"[\s\u00a0]", "", regex=True)
            text = text.str.replace(",", ".", regex=False)
            num = pd.to_numeric(text, errors="coerce")
            blank = (text.isna() | (text == "")).to_numpy(dtype=bool, na_value=True)
            wrong = num.isna().to_numpy() & ~blank
            if wrong.any():
                raise DataLayerError(f"{origin}: key '{key}': column '{col}' holds text that is not a number at "
                                     f"{_rows(wrong, raw.tolist())}; fix the file or name another column")
        arr = num.to_numpy(dtype=float, na_value=np.nan)
        if (arr < 0).any():
            raise DataLayerError(f"{origin}: key '{key}': column '{col}' has negative counts at "
                                 f"{_rows(arr < 0, raw.tolist())}; counts of people cannot be negative")
        if blank.any():
            notes.append(f"{int(blank.sum())} feature(s) without a value in '{col}' counted as 0")
        total += np.nan_to_num(arr)
    return total


def standard_columns(frame: pd.DataFrame, spec: Any = None, *, origin: str = "population layer",
                     available_in: str = "") -> tuple[pd.DataFrame, list[str]]:
    """The frame with the standard population columns (:data:`POPULATION_COLUMNS` where known), and notes.

    Parameters
    ----------
    frame
        The layer as read (any columns).
    spec
        The layer's :class:`~jokkgeo.config.layers.PopulationSpec` (``None``: standard names already).
    origin
        The layer spec file and id, named in errors.
    available_in
        The data file name, named in errors.

    Raises
    ------
    jokkgeo.errors.DataLayerError
        A named column missing, non-numeric or negative counts (rows named).
    """
    notes: list[str] = []
    count = getattr(spec, "count", None) or "population"
    wanted: dict[str, tuple[str, tuple[str, ...]]] = {"population": ("population.count", (count,))}
    working = tuple(getattr(spec, "working_age", ()) or ())
    if working:
        wanted["working_age"] = ("population.working_age", working)
    elif "working_age" in frame.columns:
        wanted["working_age"] = ("population.working_age", ("working_age",))
    groups = dict(getattr(spec, "age_groups", {}) or {})
    for name in POPULATION_COLUMNS[2:]:
        if name in groups:
            wanted[name] = (f"population.age_groups.{name}", tuple(groups[name]))
        elif name in frame.columns:
            wanted[name] = (f"population.age_groups.{name}", (name,))
    geom = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    out = frame.copy()
    for target, (key, cols) in wanted.items():
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            where = f" in {available_in}" if available_in else ""
            hint = ("name the count column with population.count" if target == "population"
                    else "correct the column name(s)")
            raise DataLayerError(
                f"{origin}: key '{key}': column(s) {', '.join(missing)} not found{where}; {hint}; available: "
                f"{', '.join(str(c) for c in frame.columns if c != geom)}")
        values = _numeric(frame, cols, origin, key, notes)
        if target in frame.columns and cols != (target,):
            notes.append(f"column '{target}' replaced by {'+'.join(cols)}")
        elif cols != (target,):
            notes.append(f"'{target}' = {' + '.join(cols)}")
        out[target] = values
    return out, notes


def _spread_frame(values: Mapping[str, np.ndarray], geoms: np.ndarray, extra: Mapping[str, Any],
                  crs: Any) -> gpd.GeoDataFrame:
    data = {**values, **extra}
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms, crs=crs), crs=crs)


def spread_onto_points(polygons: gpd.GeoDataFrame, points: gpd.GeoDataFrame, *, method: str = "equal",
                       weight: str | None = None, columns: Sequence[str] = POPULATION_COLUMNS,
                       origin: str = "population layer") -> tuple[gpd.GeoDataFrame, list[str]]:
    """Split each polygon's counts over the points inside it (equally or by a weight column).

    Parameters
    ----------
    polygons
        Polygons with count columns (EPSG:3006).
    points
        Target points (EPSG:3006), e.g. settlements or addresses.
    method
        ``"equal"`` or ``"weight"``.
    weight
        With ``"weight"``: the numeric column of ``points`` (a polygon whose points all weigh 0 is split equally).
    columns
        Count columns to spread (those present).
    origin
        Named in messages.

    Returns
    -------
    tuple
        Points (``source_index`` = the polygon's index label, the points' ``name`` if any,
        ``kind = "spread_points"``, ``modelled = True``), and notes. Totals are conserved:
        a polygon with no point inside keeps its people at a point on its surface.

    Examples
    --------
    >>> import shapely
    >>> polys = gpd.GeoDataFrame({"population": [9.0]}, geometry=[shapely.box(0, 0, 10, 10)], crs="EPSG:3006")
    >>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([1, 2, 3], [1, 1, 1]), crs="EPSG:3006")
    >>> spread_onto_points(polys, pts)[0]["population"].tolist()
    [3.0, 3.0, 3.0]
    """
    if method not in ("equal", "weight"):
        raise DataLayerError(f"{origin}: key 'population.spread.method': {method!r} spreads onto lines; "
                             "onto points use equal or weight")
    cols = [c for c in columns if c in polygons.columns]
    pgeoms = np.asarray(polygons.geometry.values, dtype=object)
    tgeoms = np.asarray(points.geometry.values, dtype=object)
    if len(tgeoms) and not np.all(np.isin(shapely.get_type_id(tgeoms), (0, 4))):
        raise DataLayerError(f"{origin}: key 'population.spread.onto': the target layer is not points; "
                             "spread onto a point layer (equal/weight) or a line layer (road_length)")
    tgeoms_pt = shapely.point_on_surface(tgeoms) if len(tgeoms) else tgeoms
    tree = shapely.STRtree(pgeoms)
    pt_idx, poly_idx = tree.query(tgeoms_pt, predicate="within") if len(tgeoms_pt) else (np.array([], int),) * 2
    # a point on the border of two polygons goes to the first of them
    first = np.unique(pt_idx, return_index=True)[1]
    pt_idx, poly_idx = pt_idx[first], poly_idx[first]
    if method == "weight":
        if weight not in points.columns:
            raise DataLayerError(f"{origin}: key 'population.spread.weight': column '{weight}' not in the target "
                                 f"layer; columns: {', '.join(map(str, points.columns))}")
        w = pd.to_numeric(points[weight], errors="coerce").fillna(0).clip(lower=0).to_numpy(dtype=float)[pt_idx]
    else:
        w = np.ones(len(pt_idx))
    n_poly = len(pgeoms)
    wsum = np.bincount(poly_idx, weights=w, minlength=n_poly)
    count = np.bincount(poly_idx, minlength=n_poly)
    zero = (wsum[poly_idx] <= 0)
    share = np.where(zero, 1.0 / np.maximum(count[poly_idx], 1), w / np.where(wsum[poly_idx] > 0, wsum[poly_idx], 1))
    notes = [f"spread {len(pgeoms)} polygon(s) onto {len(pt_idx)} point(s) inside them "
             f"({'equal shares' if method == 'equal' else f'shares by {weight}'})"]
    if method == "weight" and (wsum[count > 0] <= 0).any():
        notes.append(f"{int((wsum[count > 0] <= 0).sum())} polygon(s) whose points all have weight 0 split equally")
    return _with_leftovers(polygons, cols, (poly_idx, share, tgeoms_pt[pt_idx]), count == 0,
                           {"name": points["name"].to_numpy(dtype=object)[pt_idx]} if "name" in points else {},
                           "spread_points", notes)


def _with_leftovers(polygons: gpd.GeoDataFrame, cols: Sequence[str],
                    placed: tuple[np.ndarray, np.ndarray, np.ndarray], empty: np.ndarray,
                    extra: Mapping[str, np.ndarray], kind: str, notes: list[str]) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Points with each polygon's share (``placed`` = polygon positions, shares, points) plus the polygons
    with nothing inside (``empty``) at a point on their surface."""
    poly_idx, share, geoms = placed
    pgeoms = np.asarray(polygons.geometry.values, dtype=object)
    labels = polygons.index.to_numpy(dtype=object)
    left = np.flatnonzero(empty)
    values = {c: np.concatenate([pd.to_numeric(polygons[c], errors="coerce").fillna(0).to_numpy(float)[poly_idx]
                                 * share,
                                 pd.to_numeric(polygons[c], errors="coerce").fillna(0).to_numpy(float)[left]])
              for c in cols}
    all_geoms = np.concatenate([geoms, shapely.point_on_surface(pgeoms[left])])
    extra_all = {k: np.concatenate([np.asarray(v, dtype=object), np.full(len(left), None, dtype=object)])
                 for k, v in extra.items()}
    out = _spread_frame(values, all_geoms, {
        **extra_all,
        "kind": np.array([kind] * len(poly_idx) + ["polygon_point"] * len(left), dtype=object),
        "modelled": np.ones(len(all_geoms), dtype=bool),
        "source_index": np.concatenate([labels[poly_idx], labels[left]]),
    }, polygons.crs)
    if len(left):
        lost = float(values["population"][len(poly_idx):].sum()) if "population" in values else 0.0
        notes.append(f"{len(left)} polygon(s) with nothing to spread onto keep their {lost:,.0f} people "
                     "at a point on the polygon")
    return out, notes


def spread_onto_lines(polygons: gpd.GeoDataFrame, lines: gpd.GeoDataFrame, *, step_m: float = 1000.0,
                      columns: Sequence[str] = POPULATION_COLUMNS,
                      origin: str = "population layer") -> tuple[gpd.GeoDataFrame, list[str]]:
    """Spread each polygon's counts along the roads inside it, in proportion to road length.

    Each road's part inside a polygon is cut into equal pieces of at most ``step_m``; a point at the
    middle of each piece gets ``count × piece length / road length inside the polygon``.

    Parameters
    ----------
    polygons
        Polygons with count columns (EPSG:3006).
    lines
        Road lines (EPSG:3006).
    step_m
        Longest piece (m) carried by one point.
    columns
        Count columns to spread (those present).
    origin
        Named in messages.

    Returns
    -------
    tuple
        Points (``kind = "modelled_road"``, ``modelled = True``, ``source_index``) and notes; totals
        are conserved (a polygon without roads keeps its people at a point on its surface).

    Examples
    --------
    >>> import shapely
    >>> polys = gpd.GeoDataFrame({"population": [30.0]}, geometry=[shapely.box(0, -5, 3000, 5)], crs="EPSG:3006")
    >>> road = gpd.GeoDataFrame(geometry=[shapely.LineString([(0, 0), (6000, 0)])], crs="EPSG:3006")
    >>> spread_onto_lines(polys, road, step_m=1000)[0]["population"].tolist()
    [10.0, 10.0, 10.0]
    """
    if step_m <= 0:
        raise DataLayerError(f"{origin}: key 'population.spread.step_m': must be > 0")
    cols = [c for c in columns if c in polygons.columns]
    pgeoms = np.asarray(polygons.geometry.values, dtype=object)
    lgeoms = np.asarray(lines.geometry.values, dtype=object)
    if len(lgeoms) and not np.all(np.isin(shapely.get_type_id(lgeoms), (1, 5))):
        raise DataLayerError(f"{origin}: key 'population.spread.onto': method road_length needs a line layer; "
                             "use equal or weight to spread onto points")
    tree = shapely.STRtree(lgeoms)
    poly_idx, line_idx = tree.query(pgeoms, predicate="intersects") if len(lgeoms) else (np.array([], int),) * 2
    pieces = shapely.intersection(lgeoms[line_idx], pgeoms[poly_idx])
    length = shapely.length(pieces)
    keep = length > 0
    poly_idx, pieces, length = poly_idx[keep], pieces[keep], length[keep]
    n = np.maximum(1, np.ceil(length / step_m)).astype(np.int64)
    owner = np.repeat(np.arange(len(pieces)), n)
    k = np.arange(len(owner)) - np.repeat(np.cumsum(n) - n, n)
    dist = (k + 0.5) / n[owner]
    pts = shapely.line_interpolate_point(pieces[owner], dist, normalized=True)
    total = np.bincount(poly_idx, weights=length, minlength=len(pgeoms))
    share = (length / n)[owner] / total[poly_idx[owner]]
    notes = [f"spread {len(pgeoms)} polygon(s) along {float(length.sum()) / 1000:,.1f} km of road inside them, "
             f"in proportion to road length ({len(pts)} points, one per piece of at most {step_m:g} m)"]
    return _with_leftovers(polygons, cols, (poly_idx[owner], share, pts), total <= 0, {}, "modelled_road", notes)


def population_layer(frame: pd.DataFrame, spec: Any = None, *, origin: str = "population layer",
                     onto: gpd.GeoDataFrame | None = None, available_in: str = ""
                     ) -> tuple[gpd.GeoDataFrame, list[str]]:
    """A population layer with the standard columns, spread onto ``onto`` when the spec says so.

    Parameters
    ----------
    frame
        The layer as read (points or polygons, EPSG:3006).
    spec
        The layer's :class:`~jokkgeo.config.layers.PopulationSpec` (or ``None``).
    origin
        The spec file and layer id (named in errors).
    onto
        The spread target's data (required when ``spec.spread`` is set).
    available_in
        The data file name (named in errors).

    Returns
    -------
    tuple
        The layer and notes saying every conversion (columns summed, blanks, spreading).
    """
    out, notes = standard_columns(frame, spec, origin=origin, available_in=available_in)
    spread = getattr(spec, "spread", None)
    if spread is not None:
        if onto is None:
            raise DataLayerError(f"{origin}: key 'population.spread.onto': the target layer '{spread.onto}' "
                                 "was not given")
        before = float(out["population"].sum())
        if spread.method == "road_length":
            out, more = spread_onto_lines(out, onto, step_m=spread.step_m, origin=origin)
        else:
            out, more = spread_onto_points(out, onto, method=spread.method, weight=spread.weight, origin=origin)
        notes.extend(n.replace("spread ", f"spread onto '{spread.onto}': ", 1) for n in more)
        after = float(out["population"].sum())
        if not np.isclose(before, after, rtol=1e-9, atol=1e-6):  # pragma: no cover - conservation is by design
            raise DataLayerError(f"{origin}: spreading changed the total from {before} to {after}")
    return out, notes


def disclosure_columns(frame: pd.DataFrame) -> list[str]:
    """The columns of ``frame`` that hold counts of people (:data:`POPULATION_COLUMNS` present).

    Parameters
    ----------
    frame
        Any table or layer.
    """
    return [c for c in POPULATION_COLUMNS if c in frame.columns]


def disclose(frame: pd.DataFrame, threshold: int = 5, *, columns: Sequence[str] | None = None,
             as_text: bool = False) -> tuple[pd.DataFrame, int]:
    """Counts of people made safe to publish: 1 to ``threshold - 1`` hidden, the rest whole people.

    Parameters
    ----------
    frame
        A layer or table (not modified).
    threshold
        Smallest count shown exactly (SCB adjusts grid values under 4; the default hides 1–4).
    columns
        Count columns (default: :func:`disclosure_columns`).
    as_text
        ``True`` (tables, popups): hidden values become the text ``"< 5"`` and the others whole
        numbers; ``False`` (GeoPackage layers): hidden values become empty (NaN).

    Returns
    -------
    tuple
        The new frame and how many values were hidden.

    Examples
    --------
    >>> t = pd.DataFrame({"population": [0, 3, 4.6, 12.4]})
    >>> disclose(t, as_text=True)[0]["population"].tolist()
    [0, '< 5', 5, 12]
    >>> disclose(t)[0]["population"].tolist()
    [0.0, nan, 5.0, 12.0]
    """
    cols = list(columns) if columns is not None else disclosure_columns(frame)
    out = frame.copy()
    hidden = 0
    for col in cols:
        if col not in out.columns:
            continue
        num = pd.to_numeric(out[col], errors="coerce").to_numpy(dtype=float)
        shown = np.round(num)
        small = (num > 0) & (shown < threshold)
        hidden += int(small.sum())
        if as_text:
            vals = pd.array(np.where(np.isfinite(shown), shown, np.nan), dtype="Float64").astype("Int64")
            out[col] = pd.Series(vals, index=out.index, dtype=object).where(~small, f"< {threshold}")
        else:
            out[col] = np.where(small, np.nan, shown)
    return out, hidden


__all__ = [
    "EASTING_RANGE",
    "NORTHING_RANGE",
    "POPULATION_COLUMNS",
    "cells_from_coordinates",
    "cells_from_grid_ids",
    "corners_from_grid_ids",
    "disclose",
    "disclosure_columns",
    "grid_id_text",
    "population_layer",
    "spread_onto_lines",
    "spread_onto_points",
    "standard_columns",
]
