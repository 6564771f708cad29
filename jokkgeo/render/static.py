"""Print figures with matplotlib from the same :class:`MapDocument` as the web map.

Same layers, colours and legend entries as :mod:`jokkgeo.render.web` (both read
:class:`~jokkgeo.render.styles.LayerStyle`), drawn in EPSG:3006 with SWEREF 99 TM
coordinate ticks, a scale bar (matplotlib-scalebar), a north arrow that points to
true north (rotated by the meridian convergence at the map centre), a locator map,
title, caveats and sources. No browser needed.

A figure is laid out for the width it is printed at (:class:`~jokkgeo.config.recipes.FigureSpec`:
a 160 mm report column by default, or a full A4/A3 page; :mod:`jokkgeo.render.static_layout`):
every text is at least 7 pt at that size, the map takes the width of the page and the legend,
locator map and footnote go under it (beside it on landscape pages). Map labels are placed
without overlaps (:mod:`jokkgeo.render.static_labels`) and drawn as text with a white box, so
SVG output keeps them editable; PDF embeds TrueType fonts (Type 42).

Figures are returned, not saved: :func:`figure_bytes` encodes PNG/SVG/PDF with fixed
metadata (the same inputs give the same bytes) and :func:`jokkgeo.io.write.write_figure`
writes them atomically. Renderers never write files.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from jokkgeo.config.recipes import FIGURE_SIZES, FigureSpec
from jokkgeo.i18n import format_number
from jokkgeo.render import static_labels as sl
from jokkgeo.render import static_layout as sz
from jokkgeo.render.document import MapDocument, MapLayer, text
from jokkgeo.render.styles import MARKERS, LegendEntry

A4_LANDSCAPE_IN: tuple[float, float] = FIGURE_SIZES["a4_landscape"]
"""A4 landscape, inches."""
DEFAULT_DPI = 300
FORMATS: tuple[str, ...] = ("png", "svg", "pdf")
CONTEXT_GROUPS: tuple[str, ...] = ("context", "Kontext", "Context")
"""Layer groups drawn first, under everything else (theme ``context``: water, coast, relief)."""

LABEL_GID = "jokkgeo-label"
"""SVG id prefix of map labels (``jokkgeo-label-<map>-<n>``), measured by the browser test."""
FRAME_GID = "jokkgeo-frame"
"""SVG id prefix of map frames (``jokkgeo-frame-<map>``)."""
_HALO = {"boxstyle": "square,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.75}


def mpl_text(value: str) -> str:
    """Text as matplotlib must receive it to print it literally: every ``$`` escaped.

    matplotlib reads text between two ``$`` as math (``Pris $5 och $10`` would print as
    "Pris 5och10", and ``Kalle's $ $ bod`` fails to draw). Every label, title, caveat and
    legend entry passes through here on its way into matplotlib.

    Parameters
    ----------
    value
        Planner-facing text.

    Examples
    --------
    >>> print(mpl_text("Pris $5 och $10"))
    Pris \\$5 och \\$10
    """
    return str(value).replace("\\$", "$").replace("$", "\\$")


def _rgba(colours: Sequence[str] | np.ndarray, alpha: float) -> np.ndarray:
    from matplotlib.colors import to_rgba_array

    arr = to_rgba_array(list(colours)) if len(colours) else np.zeros((0, 4))
    arr[:, 3] = alpha
    return arr


def _dashes(dash_array: str | None) -> Any:
    if not dash_array:
        return "solid"
    parts = [float(p) for p in dash_array.replace(",", " ").split()]
    return (0, tuple(p * 0.75 for p in parts)) if parts else "solid"


def _px_to_pt(px: float) -> float:
    return px * 0.75


def _is_context(layer: MapLayer) -> bool:
    return layer.group in CONTEXT_GROUPS or layer.id.startswith("context")


def context_of(doc: MapDocument) -> list[MapLayer]:
    """Background layers of a document, bottom first: its ``context`` (water, sea, coast — the
    :class:`~jokkgeo.render.context.MapContext` the report attaches) and any of its own layers of
    theme ``context``. Drawn before everything else, and on the locator map.

    Parameters
    ----------
    doc
        The map document.
    """
    ctx = getattr(doc, "context", None)
    layers = list(getattr(ctx, "layers", None) or []) + [lay for lay in doc.layers if _is_context(lay)]
    rank = {"raster": 0, "polygon": 1, "line": 2, "point": 3}
    order = sorted(range(len(layers)), key=lambda i: (rank.get(layers[i].style.kind, 1), layers[i].style.z_order, i))
    return [layers[i] for i in order]


def containers(geoms: np.ndarray, classes: np.ndarray | None = None, *, share: float = 0.9) -> np.ndarray:
    """Which polygons hold most (``share``) of a polygon of another class of the same layer (vectorised).

    On a print figure such a polygon (Laponia around the national parks) is drawn hatched
    without a fill, so the fills under it keep the colours the legend gives them instead
    of mixing into a colour the legend does not explain.

    Parameters
    ----------
    geoms
        Polygons of one layer.
    classes
        Class (colour) of each polygon; a polygon holding one of its own class is not a container.
    share
        Part of the smaller polygon's area that must lie inside the larger one.
    """
    import shapely

    n = len(geoms)
    out = np.zeros(n, dtype=bool)
    if n < 2:
        return out
    tree = shapely.STRtree(geoms)
    i, j = tree.query(geoms, predicate="intersects")
    keep = i != j
    i, j = i[keep], j[keep]
    if not len(i):
        return out
    area = shapely.area(geoms)
    big_i = area[i] > area[j]
    inter = shapely.area(shapely.intersection(geoms[i], geoms[j]))
    holds = big_i & (inter >= share * area[j])
    if classes is not None:
        cls = np.asarray(classes, dtype=object)
        holds &= cls[i] != cls[j]
    out[np.unique(i[holds])] = True
    return out


def _draw_vector(ax: Any, layer: MapLayer, zorder: float, min_size_m: float = 0.0) -> np.ndarray:
    """Draw one vector layer; returns the map positions of its point symbols (n, 2) (obstacles to labels)."""
    import shapely
    from matplotlib.collections import LineCollection, PatchCollection
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    gdf = layer.data
    assert gdf is not None
    style = layer.style
    if gdf.empty:
        return np.zeros((0, 2))
    colours = style.feature_colors(gdf)
    geoms = gdf.geometry.to_numpy()
    if style.kind == "point":
        pts = shapely.get_coordinates(shapely.centroid(geoms))
        size = (2 * _px_to_pt(style.radius)) ** 2
        ax.scatter(pts[:, 0], pts[:, 1], s=size, c=_rgba(colours, style.fill_opacity),
                   edgecolors=style.color, linewidths=_px_to_pt(style.weight), marker=MARKERS[style.marker],
                   zorder=zorder)
        return pts
    if style.kind == "line":
        parts, owners = shapely.get_parts(geoms, return_index=True)
        segments = [np.asarray(shapely.get_coordinates(p)) for p in parts]
        lc = LineCollection(segments, colors=_rgba(colours[owners], style.opacity),
                            linewidths=_px_to_pt(style.weight), linestyles=_dashes(style.dash_array), zorder=zorder)
        ax.add_collection(lc)
        return np.zeros((0, 2))
    # polygons: one compound path per part (exterior + holes)
    parts, owners = shapely.get_parts(geoms, return_index=True)
    patches = []
    for poly in parts:
        rings = [poly.exterior, *poly.interiors]
        verts = np.concatenate([np.asarray(r.coords)[:, :2] for r in rings])
        codes = np.concatenate([
            [MplPath.MOVETO] + [MplPath.LINETO] * (len(r.coords) - 2) + [MplPath.CLOSEPOLY] for r in rings
        ])
        patches.append(PathPatch(MplPath(verts, codes)))
    hatched = containers(geoms, colours)[owners] if style.varies else np.zeros(len(parts), dtype=bool)
    face = _rgba(colours[owners], style.fill_opacity)
    face[hatched, 3] = 0.0
    pc = PatchCollection(patches, facecolors=face,
                         edgecolors=style.color if not style.varies or style.kind != "line" else None,
                         linewidths=_px_to_pt(style.weight), linestyles=_dashes(style.dash_array), zorder=zorder)
    ax.add_collection(pc)
    if hatched.any():  # an area holding others of its layer: hatched in its class colour, no fill
        hp = PatchCollection([p for p, h in zip(patches, hatched, strict=True) if h], facecolors="none",
                             edgecolors=_rgba(colours[owners][hatched], 0.9), linewidths=0.0, hatch="//",
                             zorder=zorder)
        ax.add_collection(hp)
    if min_size_m > 0:
        # polygons too small to see at print scale also get a square marker in their class colour
        b = shapely.bounds(parts)
        small = np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]) < min_size_m
        if small.any():
            pts = shapely.get_coordinates(shapely.point_on_surface(parts[small]))
            ax.scatter(pts[:, 0], pts[:, 1], s=30, marker="s", c=_rgba(colours[owners][small], 0.95),
                       edgecolors=style.color, linewidths=0.6, zorder=zorder + 0.05)
            return pts
    return np.zeros((0, 2))


def _draw_raster(ax: Any, layer: MapLayer, zorder: float) -> None:
    from matplotlib.colors import to_rgba_array

    raster = layer.raster
    assert raster is not None
    style = layer.style
    values = np.asarray(raster.values, dtype=float)
    grad = style.graduated
    palette = list(grad.colors) if grad else [style.fill_color]
    idx = np.digitize(values, np.asarray(grad.bins, dtype=float)) if grad else np.zeros(values.shape, dtype=int)
    rgba = to_rgba_array(palette)[np.clip(idx, 0, len(palette) - 1)]
    rgba[..., 3] = np.where(np.isnan(values), 0.0, style.fill_opacity)
    xmin, ymin, xmax, ymax = raster.bounds
    ax.imshow(rgba, extent=(xmin, xmax, ymin, ymax), origin="upper", interpolation="nearest", zorder=zorder)


def _legend_handle(entry: LegendEntry, *, hatched: bool = False) -> Any:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if entry.kind == "line":
        return Line2D([0], [0], color=entry.color, linewidth=_px_to_pt(max(entry.weight, 1.0)),
                      linestyle=_dashes(entry.dash_array))
    if entry.kind == "point":
        return Line2D([0], [0], linestyle="none", marker=MARKERS.get(entry.marker, "o"), markersize=6,
                      markerfacecolor=entry.fill_color, markeredgecolor=entry.color)
    alpha = 0.8 if entry.kind == "raster" else entry.fill_opacity
    if hatched:
        return Patch(facecolor="none", edgecolor=_rgba([entry.fill_color], 0.9)[0], hatch="//", linewidth=0.8)
    return Patch(facecolor=_rgba([entry.fill_color], alpha)[0],
                 edgecolor=entry.color if entry.kind == "polygon" else "none", linewidth=1.0,
                 linestyle=_dashes(entry.dash_array) if entry.kind == "polygon" else "solid")


def _other_entry(layer: MapLayer) -> LegendEntry | None:
    """A legend row for the 'other' colour when features of a categorical layer fall outside its classes."""
    cat = layer.style.categorical
    if cat is None or layer.data is None or layer.data.empty:
        return None
    if cat.field in layer.data.columns:
        listed = {c.value for c in cat.classes}
        if layer.data[cat.field].isin(listed).all():
            return None
    base = layer.style.legend_entries()[0]
    outline = cat.other_color if layer.style.kind in ("line", "raster") else layer.style.color
    return replace(base, label=cat.other_label, color=outline, fill_color=cat.other_color)


LEGEND_FULL_CLASSES = 3
"""Categorical keys up to this many classes are always listed whole."""
FLAG_MARKS: dict[str, str] = {"illustrative": "*", "restricted": "†"}
"""Marks after a legend heading: illustrative/schematic layer, sensitive data (explained in the last row)."""


Group = tuple[str | None, list[tuple[str, Any]]]
"""One legend section: a heading (``None`` for a layer drawn with one symbol) and its ``(label, handle)`` rows."""


def legend_items(doc: MapDocument, *, wrap: int = 42) -> list[tuple[str, Any | None]]:
    """``(label, handle)`` rows of the figure legend; ``handle is None`` marks a layer heading.

    Parameters
    ----------
    doc
        The map document.
    wrap
        Characters per label line.
    """
    rows: list[tuple[str, Any | None]] = []
    for heading, entries in legend_groups(doc, wrap=wrap):
        if heading is not None:
            rows.append((heading, None))
        rows.extend(entries)
    return rows


def legend_groups(doc: MapDocument, *, wrap: int = 42) -> list[Group]:
    """The legend as sections: one per layer (its heading and class rows), then the marks explained.

    Every colour drawn is in the legend (a categorical layer with features outside its
    classes gets a row for the 'other' colour); a categorical layer with more than
    :data:`LEGEND_FULL_CLASSES` classes lists only the classes its features have (a short key
    such as gained/lost stays complete). Illustrative and sensitive layers carry a mark
    (:data:`FLAG_MARKS`) explained in a last row.

    Parameters
    ----------
    doc
        The map document.
    wrap
        Characters per label line.
    """
    lang = doc.language
    rows: list[Group] = []
    used: dict[str, None] = {}
    for lay in doc.layers:
        marks = ""
        for flag in ("illustrative", "restricted"):
            if getattr(lay, flag):
                marks += FLAG_MARKS[flag]
                used[flag] = None
        heading = textwrap.fill(lay.title + (f"\u00a0{marks}" if marks else ""), wrap)  # the mark never alone
        entries = lay.style.legend_entries()
        cat = lay.style.categorical
        if (cat is not None and len(cat.classes) > LEGEND_FULL_CLASSES and lay.data is not None
                and cat.field in lay.data.columns and not lay.data.empty):
            present = set(lay.data[cat.field].dropna().tolist())
            entries = [e for e, c in zip(entries, cat.classes, strict=True) if c.value in present] or entries
        hatched_values: set[Any] = set()
        if (cat is not None and lay.style.kind == "polygon" and lay.data is not None and not lay.data.empty
                and cat.field in lay.data.columns):
            held = containers(lay.data.geometry.to_numpy(), lay.style.feature_colors(lay.data))
            hatched_values = set(lay.data[cat.field][held].tolist())
        other = _other_entry(lay)
        if other is not None:
            entries.append(other)
        if len(entries) == 1 and entries[0].label == lay.title:
            rows.append((None, [(heading, _legend_handle(entries[0]))]))
            continue
        labels_hatched = {c.label for c in cat.classes if c.value in hatched_values} if cat is not None else set()
        rows.append((heading, [(textwrap.fill(e.label, wrap - 2), _legend_handle(e, hatched=e.label in labels_hatched))
                               for e in entries]))
    if used:
        note = "   ".join(f"{FLAG_MARKS[f]} {text(f, lang)}" for f in used)
        rows.append((textwrap.fill(note, wrap), []))
    return rows


def _north_arrow(ax: Any, extent: tuple[float, float, float, float], language: str) -> float:
    """Draw a north arrow in its own small axes pointing to true north; returns the angle (deg)."""
    from pyproj import Transformer

    cx, cy = (extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2
    to_ll = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)
    to_xy = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
    lon, lat = to_ll.transform(cx, cy)
    nx, ny = to_xy.transform(lon, lat + 0.05)
    angle = math.degrees(math.atan2(nx - cx, ny - cy))  # clockwise from grid north
    dx, dy = math.sin(math.radians(angle)) * 0.5, math.cos(math.radians(angle)) * 0.5
    x0, y0 = 0.5, 0.4
    ax.annotate("", xy=(x0 + dx / 2, y0 + dy / 2), xytext=(x0 - dx / 2, y0 - dy / 2), xycoords="axes fraction",
                arrowprops=dict(arrowstyle="-|>,head_width=0.35,head_length=0.8", color="black", lw=1.2))
    ax.text(x0 + dx * 0.6, y0 + dy * 0.6 + 0.04, mpl_text(text("north", language)), transform=ax.transAxes,
            ha="center", va="bottom", fontsize=sz.SUBTITLE_PT, fontweight="bold")
    return angle


def _first_sentence(value: str) -> str:
    m = re.match(r"(.+?[.!?])(\s|$)", value.strip())
    return m.group(1) if m else value.strip()


def footer_lines(doc: MapDocument, *, caveats: str, width_chars: int) -> list[str]:
    """Footnote lines: caveats (``short``, ``full`` or ``off``) and the sources, wrapped.

    ``short`` keeps the flags (illustrative, sensitive) and the first sentence of the map's
    own caveats (at most two) and says how many more are in the report's caveat section;
    ``full`` prints every caveat; ``off`` none. Sources are always printed.

    Parameters
    ----------
    doc
        The map document.
    caveats
        ``short``, ``full`` or ``off``.
    width_chars
        Characters per line.
    """
    lang = doc.language
    every = doc.caveat_lines()
    analysed = any(lay.is_raster or lay.id.startswith(("catchment", "conflict")) for lay in doc.layers)
    if analysed and text("approximate", lang) not in every:
        every.append(text("approximate", lang))
    if caveats == "full":
        shown = every
    elif caveats == "short":
        own = [_first_sentence(c) for c in doc.caveats[:2]]
        if analysed:
            own.append(text("approximate", lang))
        shown = list(dict.fromkeys(own))
        rest = len(every) - len(shown)
        if rest > 0:
            shown.append(text("fig.more_caveats", lang, n=rest))
    else:
        shown = []
    lines = []
    if shown:
        lines.extend(textwrap.wrap(f"{text('caveats', lang)}: " + " ".join(
            c if c.endswith((".", "!", "?")) else c + "." for c in shown), width_chars))
    attributions = doc.attribution_lines()
    sources = f"{text('sources', lang)}: " + "; ".join(attributions) + ". " if attributions else ""
    lines.extend(textwrap.wrap(f"{sources}{text('crs', lang)}. {text('made_with', lang)}.", width_chars))
    return lines


def _format_coord(value: float, _pos: Any = None) -> str:
    # SWEREF 99 TM metres grouped the Swedish way (as on Lantmäteriet maps) whatever the language
    return format_number(value, "sv")


def _draw_map(ax: Any, doc: MapDocument, extent: tuple[float, float, float, float], *, y_label: bool = True,
              size_mm: tuple[float, float] = (150.0, 120.0)) -> np.ndarray:
    """Layers (context first), SWEREF 99 TM ticks, grid and scale bar; returns the point symbols (n, 3): x, y, r_pt."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator
    from matplotlib_scalebar.scalebar import ScaleBar

    lang = doc.language
    ax.set_facecolor("#f4f1ea")
    order = context_of(doc) + [lay for lay in doc.drawing_order() if not _is_context(lay)]
    symbols = [np.zeros((0, 3))]
    for z, lay in enumerate(order):
        if lay.is_raster:
            _draw_raster(ax, lay, zorder=2 + z)
            continue
        pts = _draw_vector(ax, lay, zorder=2 + z, min_size_m=(extent[2] - extent[0]) / 200)
        r = _px_to_pt(lay.style.radius) if lay.style.kind == "point" else 3.0
        symbols.append(np.column_stack([pts, np.full(len(pts), r)]))
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal", adjustable="box")
    fmt = FuncFormatter(_format_coord)
    ax.xaxis.set_major_formatter(fmt)
    ax.yaxis.set_major_formatter(fmt)
    # about one tick per 35 mm: coordinate labels at 7 pt never run into each other
    ax.xaxis.set_major_locator(MaxNLocator(max(2, int(size_mm[0] // 35))))
    # the lowest northing tick is dropped: rotated, it would run into the first easting at the corner
    ax.yaxis.set_major_locator(MaxNLocator(max(2, int(size_mm[1] // 35)), prune="lower"))
    ax.tick_params(labelsize=sz.TICK_PT, length=2, pad=1.5)
    for label in ax.get_yticklabels():
        label.set_rotation(90)
        label.set_va("center")
    ax.set_xlabel(mpl_text(text("easting", lang)), fontsize=sz.TICK_PT, labelpad=1)
    if y_label:
        ax.set_ylabel(mpl_text(text("northing", lang)), fontsize=sz.TICK_PT, labelpad=1)
    ax.grid(True, color="#bbbbbb", linewidth=0.3, zorder=1)
    ax.add_artist(ScaleBar(1.0, units="m", location="lower left", length_fraction=0.2, box_alpha=0.8,
                           font_properties={"size": sz.TICK_PT}, scale_loc="top", border_pad=0.4, pad=0.3))
    return np.concatenate(symbols)


def _draw_labels(ax: Any, doc: MapDocument, extent: tuple[float, float, float, float], symbols: np.ndarray, *,
                 renderer: Any, change_groups: Sequence[str], map_index: int) -> list[Any]:
    """Place and draw the labels of one map; returns the text artists drawn."""
    from matplotlib.lines import Line2D

    fig = ax.figure
    px_per_pt = fig.dpi / 72.0
    radii = {lay.id: _px_to_pt(lay.style.radius) for lay in doc.layers if lay.style.kind == "point"}
    requests = sl.collect_labels([lay for lay in doc.layers if not _is_context(lay)], extent,
                                 change_groups=change_groups, point_radius_pt=radii)
    if not requests:
        return []
    texts = []
    sizes = np.zeros((len(requests), 2))
    for i, req in enumerate(requests):
        t = ax.text(0, 0, mpl_text(req.text), fontsize=sz.LABEL_PT, ha="center", va="center", zorder=60,
                    fontweight="bold" if req.style == "bold" else "normal",
                    fontstyle="italic" if req.style == "italic" else "normal", color="#111111",
                    bbox=dict(_HALO))
        bb = t.get_window_extent(renderer)
        sizes[i] = (bb.width, bb.height)
        texts.append(t)
    frame = ax.get_window_extent(renderer)
    xy = ax.transData.transform(symbols[:, :2]) if len(symbols) else np.zeros((0, 2))
    r = (symbols[:, 2:3] + 0.5) * px_per_pt if len(symbols) else np.zeros((0, 1))
    obstacles = np.hstack([xy - r, xy + r]) if len(xy) else np.zeros((0, 4))
    # the scale bar (lower left) is reserved
    sb = np.array([[frame.x0, frame.y0, frame.x0 + 0.2 * frame.width + 16 * px_per_pt, frame.y0 + 24 * px_per_pt]])
    obstacles = np.vstack([obstacles, sb])
    placed = sl.arrange_labels(requests, to_px=ax.transData.transform, sizes_px=sizes,
                             frame_px=(frame.x0, frame.y0, frame.x1, frame.y1), obstacles_px=obstacles,
                             px_per_pt=px_per_pt)
    by_request = {id(p.request): p for p in placed}
    inv = ax.transData.inverted()
    drawn = []
    for i, (req, t) in enumerate(zip(requests, texts, strict=True)):
        p = by_request.get(id(req))
        if p is None:
            t.remove()
            continue
        x0, y0, x1, y1 = p.box
        cx, cy = inv.transform(((x0 + x1) / 2, (y0 + y1) / 2))
        t.set_position((cx, cy))
        t.set_gid(f"{LABEL_GID}-{map_index}-{i}")
        drawn.append(t)
        if p.leader:
            ax_, ay_ = p.anchor_px
            tx = min(max(ax_, x0), x1)
            ty = min(max(ay_, y0), y1)
            (lx0, ly0), (lx1, ly1) = inv.transform([(ax_, ay_), (tx, ty)])
            ax.add_line(Line2D([lx0, lx1], [ly0, ly1], color="#333333", linewidth=0.5, zorder=59))
    return drawn


def _draw_inset(iax: Any, locator: Any, context: Sequence[MapLayer], extent: tuple[float, float, float, float],
                language: str) -> None:
    """Locator map: the boundary layer (study area darker), context water, and the figure's frame in red."""
    import shapely
    from matplotlib.patches import Rectangle

    boxes = [extent]
    iax.set_facecolor("#ffffff")
    if locator is not None and not locator.empty:
        study = locator["is_study_area"].astype(bool).to_numpy() if "is_study_area" in locator.columns \
            else np.zeros(len(locator), dtype=bool)
        geoms = shapely.simplify(locator.geometry.to_numpy(), 500)
        for flag, face in ((False, "#e4e4e4"), (True, "#b8b8b8")):
            sel = geoms[study == flag]
            for g in sel:
                for part in shapely.get_parts(g):
                    xy = np.asarray(part.exterior.coords)
                    iax.fill(xy[:, 0], xy[:, 1], facecolor=face, edgecolor="#777777", linewidth=0.3)
        b = locator.total_bounds
        boxes.append((float(b[0]), float(b[1]), float(b[2]), float(b[3])))
    for z, lay in enumerate(context):  # water and sea over the land
        if lay.data is not None and not lay.data.empty and lay.style.kind == "polygon":
            _draw_vector(iax, replace(lay, style=replace(lay.style, weight=0.0)), zorder=3 + z)
    arr = np.asarray(boxes)
    big = (arr[:, 0].min(), arr[:, 1].min(), arr[:, 2].max(), arr[:, 3].max())
    span = max(big[2] - big[0], big[3] - big[1])
    pad = span * 0.35
    box = sz.fit_extent((big[0] - pad, big[1] - pad, big[2] + pad, big[3] + pad), 1 / 0.9)
    iax.add_patch(Rectangle((extent[0], extent[1]), extent[2] - extent[0], extent[3] - extent[1], fill=False,
                            edgecolor="#c00000", linewidth=1.0))
    iax.set_xlim(box[0], box[2])
    iax.set_ylim(box[1], box[3])
    iax.set_aspect("equal", adjustable="box")
    iax.set_xticks([])
    iax.set_yticks([])
    for spine in iax.spines.values():
        spine.set_linewidth(0.5)


def _subject_boxes(docs: Sequence[MapDocument],
                   change_groups: Sequence[str]) -> list[tuple[float, float, float, float]]:
    """Bounds of what the figure is about: its sites, and the changed routes/crossings of a comparison."""
    out = []
    for doc in docs:
        for lay in doc.layers:
            if lay.is_raster or lay.data is None or lay.data.empty:
                continue
            subject = lay.id in sl.SUBJECT_LAYERS or lay.id == "diff_crossings"
            change = lay.group in change_groups and (lay.style.kind in ("line", "point") or not lay.style.varies)
            if subject or change:
                b = lay.bounds()
                if b is not None:
                    out.append(b)
    return out


def legend_sections(groups: list[Group], ncol: int) -> list[list[Group]]:
    """Legend sections split into ``ncol`` columns; a section (heading and its rows) is never split.

    Sections are filled in order; a column is closed when the next section would take it past
    an even share of the lines.

    Parameters
    ----------
    groups
        Sections from :func:`legend_groups`.
    ncol
        Number of columns.
    """
    def lines(group: Group) -> int:
        heading, rows = group
        return (heading.count("\n") + 1 if heading is not None else 0) + sum(lab.count("\n") + 1 for lab, _ in rows)

    total = sum(lines(g) for g in groups)
    share = total / max(ncol, 1)
    columns: list[list[Group]] = [[]]
    used = 0
    for group in groups:
        n = lines(group)
        if columns[-1] and used + n > share * 1.05 and len(columns) < ncol:
            columns.append([])
            used = 0
        columns[-1].append(group)
        used += n
    return columns


class _LegendColumns:
    """The legend of a figure: a title and, per column, one small legend per layer section."""

    def __init__(self, title: Any, texts: list[Any]):
        self.title = title
        self.texts = texts

    def get_texts(self) -> list[Any]:
        """Every heading and class label, in legend order."""
        return list(self.texts)


_LEGEND_TITLE_MM = sz.text_block_mm(1, sz.SUBTITLE_PT, 1.5)
_SECTION_GAP_MM = 1.0


def _stack_column(fig: Any, groups: list[Group], *, x_mm: float, top_mm: float,
                  size_mm: tuple[float, float], renderer: Any) -> tuple[float, float, list[Any]]:
    """Draw one legend column from ``top_mm`` down; returns its height and width (mm) and its texts."""
    fw, fh = size_mm
    y = top_mm
    width = 0.0
    texts: list[Any] = []
    for heading, entries in groups:
        leg = _legend(fig, entries, heading=heading, anchor=(x_mm / fw, y / fh))
        bb = leg.get_window_extent(renderer)
        h_mm = sz.pt_to_mm(bb.height * 72.0 / fig.dpi)
        width = max(width, sz.pt_to_mm(bb.width * 72.0 / fig.dpi))
        y -= h_mm + _SECTION_GAP_MM
        if heading is not None:
            texts.append(leg.get_title())
        texts.extend(leg.get_texts())
    return top_mm - y - _SECTION_GAP_MM, width, texts


def _measure_legend(columns: list[list[Group]], col_mm: float | None) -> tuple[float, float]:
    """Width and height (mm) of the legend (title and columns), measured on a scratch figure."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    scratch = Figure(figsize=(20, 20), dpi=72)
    renderer = FigureCanvasAgg(scratch).get_renderer()
    heights, widths = [0.0], [0.0]
    for col in columns:
        h, w, _ = _stack_column(scratch, col, x_mm=0.0, top_mm=500.0, size_mm=(508.0, 508.0), renderer=renderer)
        heights.append(h)
        widths.append(w)
    width = col_mm * len(columns) if col_mm else max(widths)
    return width, _LEGEND_TITLE_MM + max(heights)


def _legend(fig: Any, items: list[tuple[str, Any]], *, heading: str | None, anchor: tuple[float, float]) -> Any:
    """One layer's section: its heading (bold, flush left) over its class rows."""
    leg = fig.legend([h for _, h in items], [mpl_text(label) for label, _ in items], loc="upper left",
                     bbox_to_anchor=anchor, frameon=False, fontsize=sz.LEGEND_PT, ncol=1, handlelength=1.8,
                     handleheight=0.9, borderaxespad=0, borderpad=0, labelspacing=0.3, handletextpad=0.5,
                     title=mpl_text(heading) if heading is not None else None, alignment="left",
                     title_fontproperties={"weight": "bold", "size": sz.LEGEND_PT})
    return leg


def _draw_legend(fig: Any, columns: list[list[Group]], box: sz.Box, col_mm: float,
                 title: str, size_mm: tuple[float, float], renderer: Any) -> _LegendColumns:
    fw, fh = size_mm
    top = box.y + box.h
    head = fig.text(box.x / fw, top / fh, mpl_text(title), fontsize=sz.SUBTITLE_PT, fontweight="bold", va="top")
    texts: list[Any] = []
    for j, col in enumerate(columns):
        _h, _w, col_texts = _stack_column(fig, col, x_mm=box.x + j * col_mm, top_mm=top - _LEGEND_TITLE_MM,
                                          size_mm=size_mm, renderer=renderer)
        texts.extend(col_texts)
    return _LegendColumns(head, texts)


@dataclass(frozen=True)
class _Page:
    width_mm: float
    height_mm: float | None
    title: bool
    caveats: str
    dpi: int


def _page(figure: FigureSpec | None, size_in: tuple[float, float] | None, dpi: int | None) -> _Page:
    spec = figure or FigureSpec()
    if size_in is not None:  # an explicit size wins (older callers)
        w, h = size_in[0] * sz.MM_PER_IN, size_in[1] * sz.MM_PER_IN
        return _Page(w, h, spec.title, spec.caveats, dpi or spec.dpi)
    width, height = sz.page_size_mm(spec.page, width_mm=spec.width_mm, size_in=spec.size_in)
    return _Page(width, height, spec.title, spec.caveats, dpi or spec.dpi)


def _compose(docs: Sequence[MapDocument], *, title: str, description: str, panel_titles: Sequence[str] | None,
             page: _Page, locator: Any, change_groups: Sequence[str]) -> tuple[Any, list[Any]]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from jokkgeo.render.web import merge_documents

    n = len(docs)
    extents = np.asarray([d.full_extent() for d in docs])
    union = (float(extents[:, 0].min()), float(extents[:, 1].min()),
             float(extents[:, 2].max()), float(extents[:, 3].max()))
    union = sz.grow_extent(union, _subject_boxes(docs, change_groups))
    combined = docs[0] if n == 1 else merge_documents(docs, title=title, description=description,
                                                      extent=union)[0]
    lang = combined.language
    W, H = page.width_mm, page.height_mm
    m = sz.MARGIN_MM
    # header: title and the whole subtitle, wrapped (never shortened)
    title_lines = sz.wrap_lines(title, sz.chars_per_line(W - 2 * m, sz.TITLE_PT)) if page.title else []
    sub_lines = sz.wrap_lines(description, sz.chars_per_line(W - 2 * m, sz.SUBTITLE_PT)) \
        if page.title and description else []
    header_mm = (sz.text_block_mm(len(title_lines), sz.TITLE_PT, 1.2) + sz.text_block_mm(len(sub_lines), sz.SUBTITLE_PT)
                 + (2.0 if title_lines else 0.0))
    # legend: beside the map on landscape pages (one column, else two), or in columns under it
    groups_of: dict[int, list[Group]] = {}
    options: list[tuple[bool, int, float]] = []
    if H is not None and W > H * 1.2:
        options = [(True, 1, sz.SIDE_LEGEND_MM), (True, 2, sz.SIDE_LEGEND_MM * 0.8)]
    # a locator map needs something to locate the frame on: the boundary layer or context layers
    has_inset = locator is not None or bool(context_of(docs[0]))
    below_w = sz.below_legend_width(W, inset=has_inset)
    options.append((False, sz.legend_columns(below_w), below_w / sz.legend_columns(below_w)))
    for side, ncol, col_mm in options:
        wrap = sz.legend_wrap_chars(col_mm)
        groups_of[wrap] = groups_of.get(wrap) or legend_groups(combined, wrap=wrap)
        columns = legend_sections(groups_of[wrap], ncol)
        legend_mm = _measure_legend(columns, col_mm if (ncol > 1 or not side) else None)
        if not side or legend_mm[1] <= sz.side_room_mm(H or 0.0, header_mm, inset=has_inset):
            break
    maps_w = W - 2 * m - (max(sz.SIDE_LEGEND_MM, legend_mm[0]) + sz.GAP_MM if side else 0.0)
    foot_w = maps_w if side else W - 2 * m
    foot = footer_lines(combined, caveats=page.caveats, width_chars=sz.chars_per_line(foot_w, sz.FOOT_PT))
    footer_mm = sz.text_block_mm(len(foot), sz.FOOT_PT) + 1.0
    ptitles = list(panel_titles) if panel_titles is not None else []
    one_w = (maps_w - sz.AXIS_LEFT_MM * n - sz.GAP_MM * (n - 1)) / n
    ptitle_lines = [sz.wrap_lines(t, sz.chars_per_line(one_w, sz.PANEL_TITLE_PT)) for t in ptitles]
    panel_mm = sz.text_block_mm(max((len(x) for x in ptitle_lines), default=0), sz.PANEL_TITLE_PT, 1.2)
    panel_mm += 1.5 if ptitle_lines else 0.0
    aspect = (union[2] - union[0]) / (union[3] - union[1])
    lay = sz.layout(width_mm=W, height_mm=H, n_maps=n, aspect=aspect, inset=has_inset, side_legend=side,
                    parts=sz.Parts(header_mm=header_mm, panel_title_mm=panel_mm, legend_mm=legend_mm,
                                   footer_mm=footer_mm))
    FW, FH = lay.width_mm, lay.height_mm
    fig = Figure(figsize=(sz.mm_to_in(FW), sz.mm_to_in(FH)), dpi=page.dpi)
    renderer = FigureCanvasAgg(fig).get_renderer()
    box0 = lay.maps[0]
    extent = sz.fit_extent(union, box0.w / box0.h)
    axes = []
    for j, (doc, box) in enumerate(zip(docs, lay.maps, strict=True)):
        ax = fig.add_axes(box.fraction(FW, FH))
        ax.patch.set_gid(f"{FRAME_GID}-{j}")
        symbols = _draw_map(ax, doc, extent, y_label=(j == 0), size_mm=(box.w, box.h))
        if ptitle_lines:
            ax.set_title(mpl_text("\n".join(ptitle_lines[j])), fontsize=sz.PANEL_TITLE_PT, fontweight="bold",
                         loc="left", pad=3, linespacing=1.2)
        _draw_labels(ax, doc, extent, symbols, renderer=renderer, change_groups=change_groups, map_index=j)
        axes.append(ax)
    nax = fig.add_axes(lay.north.fraction(FW, FH))
    nax.set_axis_off()
    angle = _north_arrow(nax, extent, lang)
    for ax in axes:
        ax.jokkgeo_north_angle = angle  # type: ignore[attr-defined]  # tag read by tests
    if lay.inset is not None:
        iax = fig.add_axes(lay.inset.fraction(FW, FH))
        iax.set_gid("jokkgeo-locator")
        context = context_of(docs[0])
        _draw_inset(iax, locator, context, extent, lang)
    y = lay.title_top_mm
    if title_lines:
        fig.text(m / FW, y / FH, mpl_text("\n".join(title_lines)), fontsize=sz.TITLE_PT, fontweight="bold",
                 va="top", linespacing=1.2)
        y -= sz.text_block_mm(len(title_lines), sz.TITLE_PT, 1.2) + 1.0
    if sub_lines:
        fig.text(m / FW, y / FH, mpl_text("\n".join(sub_lines)), fontsize=sz.SUBTITLE_PT, va="top", color="#333333",
                 linespacing=1.3)
    leg = _draw_legend(fig, columns, lay.legend, col_mm, text("legend", lang), (FW, FH), renderer)
    fig.jokkgeo_legend = leg  # type: ignore[attr-defined]  # tag read by tests
    fig.jokkgeo_layout = lay  # type: ignore[attr-defined]  # tag read by tests
    fig.text(m / FW, (lay.footer.y + lay.footer.h) / FH, mpl_text("\n".join(foot)), fontsize=sz.FOOT_PT, va="top",
             color="#222222", linespacing=1.3)
    return fig, axes


def _locator_of(docs: Sequence[MapDocument], locator: Any) -> Any:
    if locator is not None:
        return locator
    for d in docs:
        for lay in d.layers:
            if lay.id == "boundary" and lay.data is not None:
                return lay.data
    return None


def static_figure(doc: MapDocument, *, figure: FigureSpec | None = None,
                  size_in: tuple[float, float] | None = None, dpi: int | None = None,
                  locator: Any = None) -> tuple[Any, Any]:
    """Draw ``doc`` as a print figure laid out for its target width.

    Parameters
    ----------
    doc
        The map document (layers in EPSG:3006). Layers with ``show=False`` (off when
        the web map opens) are not drawn.
    figure
        Page, target width, title and caveat options (default: a 160 mm column, short caveats).
    size_in
        Explicit figure size in inches (overrides ``figure``'s page).
    dpi
        Resolution used for raster output (PNG); default ``figure.dpi`` (300).
    locator
        Outline layer (EPSG:3006 GeoDataFrame, optional ``is_study_area``) for the locator map;
        default: the document's ``boundary`` layer.

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes)
        The figure and its map axes (``ax.jokkgeo_north_angle`` holds the
        north-arrow rotation in degrees). Save with :func:`jokkgeo.io.write.write_figure`.
    """
    loc = _locator_of([doc], locator)
    doc = replace(doc, layers=[lay for lay in doc.layers if lay.show])
    fig, axes = _compose([doc], title=doc.title, description=doc.description, panel_titles=None,
                         page=_page(figure, size_in, dpi), locator=loc, change_groups=())
    return fig, axes[0]


def panel_figure(docs: Sequence[MapDocument], *, title: str, description: str = "",
                 panel_titles: Sequence[str] | None = None, figure: FigureSpec | None = None,
                 dpi: int | None = None, locator: Any = None,
                 change_groups: Sequence[str] = ()) -> tuple[Any, list[Any]]:
    """Draw several documents as panels side by side with one legend and one footnote.

    The print counterpart of :func:`jokkgeo.render.web.synced_maps_html`: every panel
    shows the same extent (the union of the documents' extents, grown to hold the changed
    features, EPSG:3006) with its own title, ticks and scale bar; one north arrow and
    locator map; the legend lists the layers of all panels (identical sections once) in
    the same styles as the web page. Layers with ``show=False`` are not drawn.

    Parameters
    ----------
    docs
        One document per panel, left to right.
    title
        Title over the panels.
    description
        Subtitle.
    panel_titles
        One title per panel (default: the documents' titles).
    figure
        Page, target width, title and caveat options (default: a 160 mm column; a size in
        inches: ``FigureSpec(size_in=(w, h))``).
    dpi
        Resolution of raster output (default ``figure.dpi``).
    locator
        Outline layer for the locator map (default: a ``boundary`` layer of the documents).
    change_groups
        Layer groups that are the change shown (their lines are labelled and kept in the frame).

    Returns
    -------
    (matplotlib.figure.Figure, list of matplotlib.axes.Axes)
        The figure and the panel axes, left to right.
    """
    loc = _locator_of(docs, locator)
    docs = [replace(d, layers=[lay for lay in d.layers if lay.show]) for d in docs]
    titles = list(panel_titles) if panel_titles is not None else [d.title for d in docs]
    if len(titles) != len(docs):
        raise ValueError("give one panel title per document")
    page = _page(figure, None, dpi)
    if not page.title:
        title, description = "", ""
    return _compose(docs, title=title, description=description, panel_titles=titles, page=page, locator=loc,
                    change_groups=change_groups)


def figure_bytes(fig: Any, fmt: str, *, dpi: int = DEFAULT_DPI) -> bytes:
    """Encode ``fig`` as ``png``, ``svg`` or ``pdf`` with fixed metadata (reproducible).

    Parameters
    ----------
    fig
        A matplotlib figure.
    fmt
        ``"png"``, ``"svg"`` or ``"pdf"``.
    dpi
        Resolution of PNG output.
    """
    import matplotlib

    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    metadata: dict[str, Any] = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
                                "pdf": {"CreationDate": None, "ModDate": None, "Creator": None,
                                        "Producer": None}}[fmt]
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "jokkgeo", "pdf.compression": 6, "svg.fonttype": "none",
                                  "pdf.fonttype": 42}):
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=metadata)
    return buf.getvalue()


__all__ = ["context_of", "containers", "static_figure", "panel_figure", "figure_bytes", "legend_items", "legend_groups",
           "legend_sections",
           "footer_lines", "A4_LANDSCAPE_IN", "DEFAULT_DPI", "LABEL_GID", "FRAME_GID"]


