"""Map labels of print figures: which features get a label, and where it goes.

Labels are placed greedily in priority order (the features a figure is about first, then
settlements by size, areas, stations and the like, road numbers last). Each label tries
candidate positions around its symbol (right, upper right, lower right, left, …), then a
second ring further out joined to the symbol by a thin leader line; a position is taken when
its box (with a small pad) stays inside the map frame and overlaps no symbol, no label
already placed and no reserved box (scale bar). A label with no free position is left out
rather than drawn on top of another. The box tests are vectorised over candidates × placed
boxes (numpy); only the loop over labels is Python, which is inherent to greedy placement.

Labels are drawn as text with a white box behind them (not a stroke path effect), so SVG
output keeps every label as editable text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from jokkgeo.i18n import SAMI_NAME_COLUMNS, place_name

SUBJECT_LAYERS: tuple[str, ...] = ("investment_sites", "catchment_sites")
"""Point layers whose labels come first (the sites a figure is about)."""

LOW_PRIORITY_LAYERS: tuple[str, ...] = ("boundary",)

# candidate positions around a point: E, NE, SE, W, NW, SW, N, S (horizontal side, vertical side,
# vertical distance as a fraction of the ring distance, vertical shift in label heights)
_SX = np.array([1, 1, 1, -1, -1, -1, 0, 0], dtype=float)
_SY = np.array([0, 1, -1, 0, 1, -1, 1, -1], dtype=float)
_DY = np.array([0, 0.3, 0.3, 0, 0.3, 0.3, 1, 1], dtype=float)
_SHIFT = np.array([0.1, 0, 0, 0.1, 0, 0, 0, 0], dtype=float)


@dataclass(frozen=True)
class LabelRequest:
    """One label to place.

    Parameters
    ----------
    text
        The label.
    anchors
        Candidate anchor points in map coordinates, shape (k, 2).
    mode
        ``point``: boxes around ``anchors[0]`` (symbol of ``radius_pt``); ``centre``: a box centred
        on each anchor (areas, lines).
    priority
        Lower is placed first.
    radius_pt
        Half the symbol size (points) for ``point`` labels.
    style
        ``normal``, ``bold`` (subjects) or ``italic`` (areas).
    far
        Also try positions further away, joined by a leader line.
    """

    text: str
    anchors: np.ndarray
    mode: str
    priority: tuple[Any, ...]
    radius_pt: float = 3.0
    style: str = "normal"
    far: bool = False
    """May move further from its anchors, with a leader line (the change a figure shows)."""


@dataclass(frozen=True)
class PlacedLabel:
    """A label's chosen box (display pixels) and whether it needs a leader line."""

    request: LabelRequest
    box: tuple[float, float, float, float]
    anchor_px: tuple[float, float]
    leader: bool


def _texts(gdf: Any, field: str) -> list[str | None]:
    names = gdf[field].tolist()
    cols = [c for c in SAMI_NAME_COLUMNS if c in gdf.columns] if field == "name" else []
    if not cols:
        return [place_name(n) for n in names]
    sami = gdf[cols].to_numpy(dtype=object)
    return [place_name(n, list(s)) for n, s in zip(names, sami, strict=True)]


def _size_rank(gdf: Any) -> np.ndarray:
    """Larger places first: minus population when there is one, else 0."""
    if "population" in gdf.columns:
        pop = np.nan_to_num(np.asarray(gdf["population"], dtype=float), nan=0.0)
        return -pop
    return np.zeros(len(gdf))


def _tier(layer_id: str, kind: str, is_change: bool) -> float:
    if is_change:
        return 0.5
    if layer_id in SUBJECT_LAYERS:
        return 0.0
    if layer_id in LOW_PRIORITY_LAYERS:
        return 6.0
    return {"point": 1.0, "polygon": 3.0, "line": 4.0}.get(kind, 5.0)


def _point_requests(gdf: Any, field: str | None, frame: Any, rank: tuple[float, int],
                    radius_pt: float) -> list[LabelRequest]:
    import shapely

    pts = shapely.get_coordinates(shapely.centroid(gdf.geometry.to_numpy()))
    texts = _texts(gdf, field) if field else [None] * len(gdf)
    inside = shapely.contains_xy(frame, pts[:, 0], pts[:, 1])
    size = _size_rank(gdf)
    return [LabelRequest(str(texts[i]), pts[i:i + 1], "point", (*rank, size[i], i), radius_pt=radius_pt,
                         style="bold" if rank[0] == 0.0 else "normal")
            for i in np.flatnonzero(inside) if texts[i]]


def _area_requests(gdf: Any, field: str | None, frame: Any, rank: tuple[float, int], *,
                   title: str | None = None) -> list[LabelRequest]:
    """Area names (italic); with ``title`` a changed area named once by its layer (bold, may move off)."""
    import shapely

    clipped = shapely.intersection(gdf.geometry.to_numpy(), frame)
    texts: list[str | None] = _texts(gdf, field) if field else [None] * len(gdf)
    if title is not None and len(texts):
        texts = [title] + [None] * (len(texts) - 1)
    area = shapely.area(clipped)
    ok = ~shapely.is_empty(clipped) & (area > 0)
    out = []
    for i in np.flatnonzero(ok):
        if texts[i]:
            part = max(shapely.get_parts(clipped[i]), key=lambda g: g.area)
            out.append(LabelRequest(str(texts[i]), area_anchors(part), "centre", (*rank, -area[i], i),
                                    style="bold" if title is not None else "italic", far=title is not None))
    return out


def _line_requests(gdf: Any, values: list[Any], frame: Any, rank: tuple[float, int],
                   is_change: bool) -> list[LabelRequest]:
    """One label per distinct value, on its longest piece inside the frame (five anchors along it)."""
    import shapely

    clipped = shapely.intersection(gdf.geometry.to_numpy(), frame)
    groups: dict[str, list[Any]] = {}
    for v, g in zip(values, clipped, strict=True):
        if not (place_name(v) is None or g is None or g.is_empty):
            groups.setdefault(str(v), []).extend(shapely.get_parts(g))
    out = []
    for j, (value, parts) in enumerate(groups.items()):
        longest = max(parts, key=lambda g: g.length)
        if longest.length > 0:
            anchors = shapely.get_coordinates(
                shapely.line_interpolate_point(longest, np.array([0.5, 0.3, 0.7, 0.15, 0.85]), normalized=True))
            out.append(LabelRequest(value, anchors, "centre", (*rank, -longest.length, j),
                                    style="bold" if is_change else "normal", far=is_change))
    return out


def collect_labels(layers: Sequence[Any], extent: tuple[float, float, float, float], *,
                   change_groups: Sequence[str] = (), point_radius_pt: dict[str, float] | None = None
                   ) -> list[LabelRequest]:
    """Label requests of the visible layers of a map, within ``extent`` (EPSG:3006).

    Point layers with a ``label_field`` label their points; polygon layers label each
    feature inside the frame (centred); line layers with a ``label_field`` label each
    distinct value once on its longest piece in the frame (road numbers); line layers of a
    ``change_groups`` group without a label field are labelled with their title (the changed
    route of a scenario). Settlement names carry their Sámi name where the data has one.

    Parameters
    ----------
    layers
        :class:`~jokkgeo.render.document.MapLayer` objects in legend order.
    extent
        The frame ``(xmin, ymin, xmax, ymax)``.
    change_groups
        Layer groups whose lines are the change a figure shows (labelled with the layer title).
    point_radius_pt
        Symbol half-size in points per layer id.
    """
    import shapely

    frame = shapely.box(*extent)
    radii = point_radius_pt or {}
    out: list[LabelRequest] = []
    for rank, lay in enumerate(layers):
        style, gdf = lay.style, lay.data
        if gdf is None or gdf.empty:
            continue
        field = style.label_field if style.label_field in gdf.columns else None
        is_change = lay.group in change_groups
        # a changed feature (new route, new housing area) is named by its layer title
        named_change = is_change and field is None and style.kind in ("line", "polygon") and not style.varies
        if field is None and not named_change:
            continue
        title = re.sub(r"\s*\([^)]*\)$", "", lay.title)  # without the "(illustrative)" tail the legend carries
        tier = _tier(lay.id, style.kind, is_change)
        if style.kind == "point":
            out.extend(_point_requests(gdf, field, frame, (tier, rank), radii.get(lay.id, 3.0)))
        elif style.kind == "polygon":
            out.extend(_area_requests(gdf, field, frame, (tier, rank), title=None if field else title))
        elif style.kind == "line":
            values = gdf[field].tolist() if field else [title] * len(gdf)
            out.extend(_line_requests(gdf, values, frame, (tier, rank), is_change))
    out.sort(key=lambda r: r.priority)
    return out


def area_anchors(polygon: Any) -> np.ndarray:
    """Points inside ``polygon`` to centre its label on: a point on its surface, its centroid when
    inside, and a point on the surface of each quarter of its bounding box (vectorised), shape (k, 2).

    Parameters
    ----------
    polygon
        A shapely polygon (already clipped to the frame).
    """
    import shapely

    x0, y0, x1, y1 = polygon.bounds
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    quarters = shapely.box(np.array([x0, mx, x0, mx]), np.array([y0, y0, my, my]),
                           np.array([mx, x1, mx, x1]), np.array([my, my, y1, y1]))
    pieces = shapely.intersection(polygon, quarters)
    pieces = pieces[~shapely.is_empty(pieces) & (shapely.area(pieces) > 0)]
    points = [shapely.point_on_surface(polygon), shapely.centroid(polygon), *shapely.point_on_surface(pieces)]
    coords = shapely.get_coordinates(np.asarray(points, dtype=object))
    inside = shapely.contains_xy(polygon, coords[:, 0], coords[:, 1])
    inside[0] = True
    return coords[inside]


def _overlaps(cands: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """For candidate boxes (k, 4) and boxes (m, 4) (x0, y0, x1, y1): does candidate i hit any box."""
    if len(boxes) == 0:
        return np.zeros(len(cands), dtype=bool)
    hit = ((cands[:, None, 0] < boxes[None, :, 2]) & (cands[:, None, 2] > boxes[None, :, 0])
           & (cands[:, None, 1] < boxes[None, :, 3]) & (cands[:, None, 3] > boxes[None, :, 1]))
    return np.asarray(hit.any(axis=1))


def candidate_boxes(request: LabelRequest, anchor_px: np.ndarray, size_px: tuple[float, float], *,
                    px_per_pt: float, pad_pt: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Candidate boxes (k, 4) in display pixels and whether each needs a leader line.

    Parameters
    ----------
    request
        The label.
    anchor_px
        Its anchors in display pixels, shape (a, 2).
    size_px
        Width and height of the label text in pixels.
    px_per_pt
        Display pixels per point.
    pad_pt
        Space kept around the text (the white box behind it).
    """
    w, h = size_px
    pad = pad_pt * px_per_pt
    if request.mode == "point":
        x, y = anchor_px[0]
        out: list[np.ndarray] = []
        rings: list[np.ndarray] = []
        for ring, dist in ((0, request.radius_pt + 1.5), (1, request.radius_pt + 9.0)):
            d = dist * px_per_pt
            cx = x + _SX * (d * np.abs(_SX) + w / 2)
            cy = y + _SY * (d * _DY + h / 2) + _SHIFT * h
            out.append(np.column_stack([cx - w / 2 - pad, cy - h / 2 - pad, cx + w / 2 + pad, cy + h / 2 + pad]))
            rings.append(np.full(len(_SX), ring == 1))
        return np.concatenate(out), np.concatenate(rings)
    # centred on each anchor, then shifted up and down by one and two label heights
    shifts = np.array([0.0, 0.8, -0.8, 1.6, -1.6]) * h
    cx = np.tile(anchor_px[:, 0], len(shifts))
    cy = (anchor_px[None, :, 1] + shifts[:, None]).ravel()
    leaders = np.zeros(len(cx), dtype=bool)
    if request.far:
        # further away: up to six label heights above/below, half a label width aside, with a leader
        dy = np.array([2.5, -2.5, 4.0, -4.0, 6.0, -6.0]) * h
        dx = np.array([0.0, 0.5, -0.5]) * w
        gx, gy = np.meshgrid(dx, dy)
        fx = (anchor_px[:, 0][:, None] + gx.ravel()[None, :]).ravel()
        fy = (anchor_px[:, 1][:, None] + gy.ravel()[None, :]).ravel()
        cx, cy = np.concatenate([cx, fx]), np.concatenate([cy, fy])
        leaders = np.concatenate([leaders, np.ones(len(fx), dtype=bool)])
    boxes = np.column_stack([cx - w / 2 - pad, cy - h / 2 - pad, cx + w / 2 + pad, cy + h / 2 + pad])
    return boxes, leaders


def _anchor_of(k: int, n_anchors: int, far: bool) -> int:
    """The anchor a candidate of a ``centre`` label belongs to (see :func:`candidate_boxes`' order)."""
    near = 5 * n_anchors
    if k < near:
        return k % n_anchors
    return (k - near) // 18 if far else 0


def arrange_labels(requests: Sequence[LabelRequest], *, to_px: Any, sizes_px: np.ndarray,
                 frame_px: tuple[float, float, float, float], obstacles_px: np.ndarray,
                 px_per_pt: float) -> list[PlacedLabel]:
    """Greedy placement: the first free candidate of each label in priority order, or none.

    Parameters
    ----------
    requests
        Labels in priority order (:func:`collect_labels`).
    to_px
        Maps an (n, 2) array of map coordinates to display pixels (``ax.transData.transform``).
    sizes_px
        Width and height of each label's text in pixels, shape (n, 2).
    frame_px
        The map frame in display pixels; boxes must stay inside it.
    obstacles_px
        Boxes no label may cover (symbols, scale bar), shape (m, 4).
    px_per_pt
        Display pixels per point.
    """
    fx0, fy0, fx1, fy1 = frame_px
    inset = 1.0 * px_per_pt
    placed_boxes = np.zeros((0, 4))
    obstacles = np.asarray(obstacles_px, dtype=float).reshape(-1, 4)
    out: list[PlacedLabel] = []
    named: dict[str, list[np.ndarray]] = {}
    for req, size in zip(requests, sizes_px, strict=True):
        anchor_px = np.asarray(to_px(req.anchors), dtype=float)
        # one name once per neighbourhood: a station or power plant named after a place it stands in
        base = req.text.split(" / ")[0].strip().casefold()
        near = named.get(base, [])
        if near and np.min(np.hypot(*(np.asarray(near) - anchor_px[0]).T)) < 60 * px_per_pt:
            continue
        cands, leaders = candidate_boxes(req, anchor_px, (float(size[0]), float(size[1])), px_per_pt=px_per_pt)
        if req.far:  # far candidates slide sideways into the frame rather than fail at its edge
            w = cands[:, 2] - cands[:, 0]
            x0 = np.clip(cands[:, 0], fx0 + inset, fx1 - inset - w)
            cands = np.column_stack([x0, cands[:, 1], x0 + w, cands[:, 3]])
        ok = ((cands[:, 0] >= fx0 + inset) & (cands[:, 2] <= fx1 - inset)
              & (cands[:, 1] >= fy0 + inset) & (cands[:, 3] <= fy1 - inset))
        if req.mode == "point":
            # its own symbol is not an obstacle to the label (the candidates keep clear of it)
            own = np.array([[anchor_px[0, 0] - 0.5, anchor_px[0, 1] - 0.5, anchor_px[0, 0] + 0.5,
                             anchor_px[0, 1] + 0.5]])
            mask = ~((obstacles[:, 0] <= own[0, 0]) & (obstacles[:, 2] >= own[0, 2])
                     & (obstacles[:, 1] <= own[0, 1]) & (obstacles[:, 3] >= own[0, 3]))
            obs = obstacles[mask]
        else:
            obs = obstacles
        ok &= ~_overlaps(cands, obs) & ~_overlaps(cands, placed_boxes)
        free = np.flatnonzero(ok)
        if len(free) == 0:
            continue
        k = int(free[0])
        box = cands[k]
        placed_boxes = np.vstack([placed_boxes, box])
        named.setdefault(base, []).append(anchor_px[0])
        a = anchor_px[0] if req.mode == "point" else anchor_px[_anchor_of(k, len(anchor_px), req.far)]
        out.append(PlacedLabel(req, (float(box[0]), float(box[1]), float(box[2]), float(box[3])),
                               (float(a[0]), float(a[1])), bool(leaders[k])))
    return out


__all__ = ["area_anchors", "LabelRequest", "PlacedLabel", "collect_labels", "arrange_labels", "candidate_boxes"]
