"""Print figures with matplotlib from the same :class:`MapDocument` as the web map.

Same layers, colours and legend entries as :mod:`jokkgeo.render.web` (both read
:class:`~jokkgeo.render.styles.LayerStyle`), drawn in EPSG:3006 with SWEREF 99 TM
coordinate ticks, a scale bar (matplotlib-scalebar), a north arrow that points to
true north (rotated by the meridian convergence at the map centre), title,
caveats and attribution. A4 landscape by default. No browser needed.

Figures are returned, not saved: :func:`figure_bytes` encodes PNG/SVG/PDF with fixed
metadata (the same inputs give the same bytes) and :func:`jokkgeo.io.write.write_figure`
writes them atomically. Renderers never write files.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np

from jokkgeo.i18n import format_number
from jokkgeo.render.document import MapDocument, MapLayer, text
from jokkgeo.render.styles import MARKERS, LegendEntry

A4_LANDSCAPE_IN: tuple[float, float] = (11.69, 8.27)
"""A4 landscape, inches."""
DEFAULT_DPI = 300
FORMATS: tuple[str, ...] = ("png", "svg", "pdf")

# figure layout (fractions of the figure): map on the left, legend panel on the right
_MAP_BOX = (0.075, 0.17, 0.63, 0.72)
_LEGEND_BOX = (0.725, 0.17, 0.26, 0.72)
_MAX_LABELS = 40


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


def _fit_extent(extent: tuple[float, float, float, float], aspect: float) -> tuple[float, float, float, float]:
    """Grow ``extent`` so width/height equals ``aspect`` (keeps the centre)."""
    xmin, ymin, xmax, ymax = extent
    w, h = xmax - xmin, ymax - ymin
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def _draw_vector(ax: Any, layer: MapLayer, zorder: float, min_size_m: float = 0.0) -> None:
    import shapely
    from matplotlib.collections import LineCollection, PatchCollection
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    gdf = layer.data
    assert gdf is not None
    style = layer.style
    if gdf.empty:
        return
    colours = style.feature_colors(gdf)
    geoms = gdf.geometry.to_numpy()
    if style.kind == "point":
        pts = shapely.get_coordinates(shapely.centroid(geoms))
        size = (2 * _px_to_pt(style.radius)) ** 2
        ax.scatter(pts[:, 0], pts[:, 1], s=size, c=_rgba(colours, style.fill_opacity),
                   edgecolors=style.color, linewidths=_px_to_pt(style.weight), marker=MARKERS[style.marker],
                   zorder=zorder)
        if style.label_field and style.label_field in gdf.columns and len(gdf) <= _MAX_LABELS:
            import matplotlib.patheffects as pe

            for (x, y), label in zip(pts, gdf[style.label_field].tolist(), strict=False):
                if label is None or (isinstance(label, float) and math.isnan(label)):
                    continue
                ann = ax.annotate(mpl_text(str(label)), (x, y), xytext=(4, 3), textcoords="offset points", fontsize=6.5,
                                  zorder=zorder + 0.1, annotation_clip=True,
                                  path_effects=[pe.withStroke(linewidth=2, foreground="white")])
                ann.set_clip_path(ax.patch)  # long names are cut at the map frame
        return
    if style.kind == "line":
        parts, owners = shapely.get_parts(geoms, return_index=True)
        segments = [np.asarray(shapely.get_coordinates(p)) for p in parts]
        lc = LineCollection(segments, colors=_rgba(colours[owners], style.opacity),
                            linewidths=_px_to_pt(style.weight), linestyles=_dashes(style.dash_array), zorder=zorder)
        ax.add_collection(lc)
        return
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
    pc = PatchCollection(patches, facecolors=_rgba(colours[owners], style.fill_opacity),
                         edgecolors=style.color if not style.varies or style.kind != "line" else None,
                         linewidths=_px_to_pt(style.weight), linestyles=_dashes(style.dash_array), zorder=zorder)
    ax.add_collection(pc)
    if min_size_m > 0:
        # polygons too small to see at print scale also get a square marker in their class colour
        b = shapely.bounds(parts)
        small = np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]) < min_size_m
        if small.any():
            pts = shapely.get_coordinates(shapely.point_on_surface(parts[small]))
            ax.scatter(pts[:, 0], pts[:, 1], s=30, marker="s", c=_rgba(colours[owners][small], 0.95),
                       edgecolors=style.color, linewidths=0.6, zorder=zorder + 0.05)


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


def _legend_handle(entry: LegendEntry) -> Any:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if entry.kind == "line":
        return Line2D([0], [0], color=entry.color, linewidth=_px_to_pt(max(entry.weight, 1.0)),
                      linestyle=_dashes(entry.dash_array))
    if entry.kind == "point":
        return Line2D([0], [0], linestyle="none", marker=MARKERS.get(entry.marker, "o"), markersize=6,
                      markerfacecolor=entry.fill_color, markeredgecolor=entry.color)
    alpha = 0.8 if entry.kind == "raster" else entry.fill_opacity
    return Patch(facecolor=_rgba([entry.fill_color], alpha)[0],
                 edgecolor=entry.color if entry.kind == "polygon" else "none", linewidth=1.0,
                 linestyle=_dashes(entry.dash_array) if entry.kind == "polygon" else "solid")


def legend_items(doc: MapDocument) -> list[tuple[str, Any | None]]:
    """``(label, handle)`` rows of the figure legend; ``handle is None`` marks a layer heading.

    Parameters
    ----------
    doc
        The map document.
    """
    lang = doc.language
    rows: list[tuple[str, Any | None]] = []
    for lay in doc.layers:
        flags = []
        if lay.illustrative:
            flags.append(text("illustrative", lang))
        if lay.restricted:
            flags.append(text("restricted", lang))
        heading = textwrap.fill(lay.title, 42) + (f"\n({', '.join(flags)})" if flags else "")
        entries = lay.style.legend_entries()
        if len(entries) == 1 and entries[0].label == lay.title:
            rows.append((heading, _legend_handle(entries[0])))
            continue
        rows.append((heading, None))
        rows.extend((textwrap.fill(e.label, 42), _legend_handle(e)) for e in entries)
    return rows


def _north_arrow(ax: Any, extent: tuple[float, float, float, float], language: str) -> float:
    """Draw a north arrow (top right of the map) pointing to true north; returns the angle (deg)."""
    from pyproj import Transformer

    cx, cy = (extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2
    to_ll = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)
    to_xy = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
    lon, lat = to_ll.transform(cx, cy)
    nx, ny = to_xy.transform(lon, lat + 0.05)
    angle = math.degrees(math.atan2(nx - cx, ny - cy))  # clockwise from grid north
    dx, dy = math.sin(math.radians(angle)) * 0.07, math.cos(math.radians(angle)) * 0.07
    x0, y0 = 0.93, 0.83
    ax.annotate("", xy=(x0 + dx / 2, y0 + dy / 2), xytext=(x0 - dx / 2, y0 - dy / 2), xycoords="axes fraction",
                arrowprops=dict(arrowstyle="-|>,head_width=0.5,head_length=1.0", color="black", lw=1.5), zorder=50)
    ax.text(x0 + dx * 0.75, y0 + dy * 0.75, mpl_text(text("north", language)), transform=ax.transAxes, ha="center",
            va="bottom", fontsize=11, fontweight="bold", zorder=50)
    return angle


def _footer_text(doc: MapDocument, *, width_chars: int) -> str:
    """Caveats and sources for the figure foot, wrapped to ``width_chars``."""
    lang = doc.language
    caveats = doc.caveat_lines()
    analysed = any(lay.is_raster or lay.id.startswith(("catchment", "conflict")) for lay in doc.layers)
    if analysed and text("approximate", lang) not in caveats:
        caveats.append(text("approximate", lang))
    lines = [f"{text('caveats', lang)}:"] if caveats else []
    for c in caveats:
        lines.extend(textwrap.wrap("• " + c, width_chars, subsequent_indent="  "))
    sources = f"{text('sources', lang)}: " + "; ".join(doc.attribution_lines())
    lines.extend(textwrap.wrap(f"{sources}. {text('crs', lang)}. {text('made_with', lang)}.", width_chars))
    return "\n".join(lines)


def _format_coord(value: float, _pos: Any = None) -> str:
    # SWEREF 99 TM metres grouped the Swedish way (as on Lantmäteriet maps) whatever the language
    return format_number(value, "sv")


def _draw_map(ax: Any, doc: MapDocument, extent: tuple[float, float, float, float], *,
              tick_size: float = 7) -> None:
    """Layers, SWEREF 99 TM ticks, grid and scale bar of ``doc`` on ``ax`` (north arrow not included)."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator
    from matplotlib_scalebar.scalebar import ScaleBar

    lang = doc.language
    ax.set_facecolor("#f4f1ea")
    for z, lay in enumerate(doc.drawing_order()):
        if lay.is_raster:
            _draw_raster(ax, lay, zorder=2 + z)
        else:
            _draw_vector(ax, lay, zorder=2 + z, min_size_m=(extent[2] - extent[0]) / 200)
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal", adjustable="box")
    fmt = FuncFormatter(_format_coord)
    ax.xaxis.set_major_formatter(fmt)
    ax.yaxis.set_major_formatter(fmt)
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.yaxis.set_major_locator(MaxNLocator(6))
    ax.tick_params(labelsize=tick_size)
    for label in ax.get_yticklabels():
        label.set_rotation(90)
        label.set_va("center")
    ax.set_xlabel(mpl_text(text("easting", lang)), fontsize=tick_size)
    ax.set_ylabel(mpl_text(text("northing", lang)), fontsize=tick_size)
    ax.grid(True, color="#bbbbbb", linewidth=0.3, zorder=1)
    ax.add_artist(ScaleBar(1.0, units="m", location="lower left", length_fraction=0.25, box_alpha=0.8,
                           font_properties={"size": tick_size}, scale_loc="top", border_pad=0.6))


def static_figure(doc: MapDocument, *, size_in: tuple[float, float] = A4_LANDSCAPE_IN,
                  dpi: int = DEFAULT_DPI) -> tuple[Any, Any]:
    """Draw ``doc`` as a print figure.

    Parameters
    ----------
    doc
        The map document (layers in EPSG:3006). Layers with ``show=False`` (off when
        the web map opens) are not drawn.
    size_in
        Figure size in inches (default A4 landscape, 11.69 × 8.27).
    dpi
        Resolution used for raster output (PNG), default 300.

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes)
        The figure and its map axes (``ax.jokkgeo_north_angle`` holds the
        north-arrow rotation in degrees). Save with :func:`jokkgeo.io.write.write_figure`.
    """
    from dataclasses import replace

    from matplotlib.figure import Figure

    # a print figure shows what the web map shows when it opens: layers with show=False are left out
    doc = replace(doc, layers=[lay for lay in doc.layers if lay.show])
    lang = doc.language
    fig = Figure(figsize=size_in, dpi=dpi)
    for footer_size, max_lines in ((6.3, 9), (5.5, 18), (4.6, 10_000)):
        # characters per line grow as the font shrinks (about 15.5 characters per inch at 6.3 pt)
        footer = _footer_text(doc, width_chars=int(size_in[0] * 0.85 * 18.5 * 6.3 / footer_size))
        footer_lines = footer.count("\n") + 1
        if footer_lines <= max_lines:
            break
    footer_h = footer_lines * footer_size * 1.4 / 72 / size_in[1]
    bottom = 0.035 + footer_h + 0.075
    top = 0.89 if doc.description else 0.91
    # legend rows (wrapped labels count as several lines) decide the font and the columns
    items = legend_items(doc)
    n_lines = sum(label.count("\n") + 1 for label, _ in items) + 2
    panel_pt = (top - bottom) * size_in[1] * 72
    fontsize = min(7.0, panel_pt / (n_lines * 1.55))
    ncol = 1
    map_w, legend_x, legend_w = _MAP_BOX[2], _LEGEND_BOX[0], _LEGEND_BOX[2]
    if fontsize < 5.5:  # too many rows: two legend columns and a narrower map
        ncol = 2
        fontsize = min(5.5, panel_pt / (math.ceil(n_lines / 2) * 1.55))
        map_w, legend_x, legend_w = 0.5, 0.6, 0.39
    fontsize = max(fontsize, 4.0)
    map_box = (_MAP_BOX[0], bottom, map_w, top - bottom)
    ax = fig.add_axes(map_box)
    box_w, box_h = map_box[2] * size_in[0], map_box[3] * size_in[1]
    extent = _fit_extent(doc.full_extent(), box_w / box_h)
    _draw_map(ax, doc, extent)
    ax.jokkgeo_north_angle = _north_arrow(ax, extent, lang)  # type: ignore[attr-defined]  # tag read by tests

    fig.text(0.075, 0.955, mpl_text(doc.title), fontsize=15, fontweight="bold", va="top")
    if doc.description:
        fig.text(0.075, 0.915, mpl_text(textwrap.shorten(doc.description, 170, placeholder="…")), fontsize=9, va="top",
                 color="#333333")

    lax = fig.add_axes((legend_x, bottom, legend_w, top - bottom))
    lax.set_axis_off()
    handles, labels = [], []
    from matplotlib.lines import Line2D

    for label, handle in items:
        handles.append(handle if handle is not None else Line2D([], [], linestyle="none"))
        labels.append(mpl_text(label))
    leg = lax.legend(handles, labels, loc="upper left", frameon=False, fontsize=fontsize, ncol=ncol,
                     title=mpl_text(text("legend", lang)), title_fontproperties={"weight": "bold", "size": 9},
                     handlelength=2.0 if ncol == 1 else 1.6, borderaxespad=0, labelspacing=0.35,
                     columnspacing=0.8)
    leg._legend_box.align = "left"  # type: ignore[attr-defined]  # private matplotlib attribute, not in its stubs
    for (_label, handle), txt in zip(items, leg.get_texts(), strict=False):
        if handle is None:
            txt.set_fontweight("bold")
    fig.jokkgeo_legend = leg  # type: ignore[attr-defined]  # tag read by tests

    fig.text(_MAP_BOX[0], 0.035 + footer_h, mpl_text(footer), fontsize=footer_size, va="top", color="#222222",
             linespacing=1.4)
    return fig, ax


def panel_figure(docs: Sequence[MapDocument], *, title: str, description: str = "",
                 panel_titles: Sequence[str] | None = None, size_in: tuple[float, float] = A4_LANDSCAPE_IN,
                 dpi: int = DEFAULT_DPI) -> tuple[Any, list[Any]]:
    """Draw several documents as panels side by side with one legend and one caveat foot.

    The print counterpart of :func:`jokkgeo.render.web.synced_maps_html`: every panel
    shows the same extent (the union of the documents' extents, EPSG:3006) with its own
    title, ticks, scale bar and north arrow; the legend lists the layers of all panels
    (identical sections once) in the same styles as the web page. Layers with
    ``show=False`` are not drawn.

    Parameters
    ----------
    docs
        One document per panel, left to right.
    title
        Title over the panels.
    description
        Subtitle line.
    panel_titles
        One title per panel (default: the documents' titles).
    size_in
        Figure size (width, height) in inches.
    dpi
        Resolution of raster output.

    Returns
    -------
    (matplotlib.figure.Figure, list of matplotlib.axes.Axes)
        The figure and the panel axes, left to right.
    """
    from dataclasses import replace

    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from jokkgeo.render.web import merge_documents

    docs = [replace(d, layers=[lay for lay in d.layers if lay.show]) for d in docs]
    titles = list(panel_titles) if panel_titles is not None else [d.title for d in docs]
    if len(titles) != len(docs):
        raise ValueError("give one panel title per document")
    extents = np.asarray([d.full_extent() for d in docs])
    union = (float(extents[:, 0].min()), float(extents[:, 1].min()),
             float(extents[:, 2].max()), float(extents[:, 3].max()))
    combined, _keys = merge_documents(docs, title=title, description=description, extent=union)
    lang = combined.language
    fig = Figure(figsize=size_in, dpi=dpi)
    for footer_size, max_lines in ((6.3, 9), (5.5, 18), (4.6, 10_000)):
        footer = _footer_text(combined, width_chars=int(size_in[0] * 0.85 * 18.5 * 6.3 / footer_size))
        footer_lines = footer.count("\n") + 1
        if footer_lines <= max_lines:
            break
    footer_h = footer_lines * footer_size * 1.4 / 72 / size_in[1]
    bottom = 0.035 + footer_h + 0.06
    top = 0.86 if description else 0.88
    items = legend_items(combined)
    n_lines = sum(label.count("\n") + 1 for label, _ in items) + 2
    panel_pt = (top - bottom) * size_in[1] * 72
    legend_x, legend_w = 0.775, 0.215
    fontsize = max(min(6.5, panel_pt / (n_lines * 1.55)), 4.0)
    left, gap = 0.065, 0.055
    width = (legend_x - 0.02 - left - gap * (len(docs) - 1)) / len(docs)
    box_w, box_h = width * size_in[0], (top - bottom) * size_in[1]
    extent = _fit_extent(union, box_w / box_h)
    axes = []
    for j, (doc, panel_title) in enumerate(zip(docs, titles, strict=False)):
        ax = fig.add_axes((left + j * (width + gap), bottom, width, top - bottom))
        _draw_map(ax, doc, extent, tick_size=6)
        ax.jokkgeo_north_angle = _north_arrow(ax, extent, lang)  # type: ignore[attr-defined]  # tag read by tests
        ax.set_title(mpl_text(textwrap.shorten(panel_title, 70, placeholder="…")), fontsize=9.5, fontweight="bold",
                     loc="left", pad=4)
        axes.append(ax)

    fig.text(left, 0.965, mpl_text(title), fontsize=14, fontweight="bold", va="top")
    if description:
        fig.text(left, 0.925, mpl_text(textwrap.shorten(description, 180, placeholder="…")), fontsize=8.5, va="top",
                 color="#333333")
    lax = fig.add_axes((legend_x, bottom, legend_w, top - bottom))
    lax.set_axis_off()
    handles = [h if h is not None else Line2D([], [], linestyle="none") for _, h in items]
    leg = lax.legend(handles, [mpl_text(label) for label, _ in items], loc="upper left", frameon=False,
                     fontsize=fontsize,
                     title=mpl_text(text("legend", lang)), title_fontproperties={"weight": "bold", "size": 9},
                     handlelength=2.0, borderaxespad=0, labelspacing=0.35)
    leg._legend_box.align = "left"  # type: ignore[attr-defined]  # private matplotlib attribute, not in its stubs
    for (_label, handle), txt in zip(items, leg.get_texts(), strict=False):
        if handle is None:
            txt.set_fontweight("bold")
    fig.jokkgeo_legend = leg  # type: ignore[attr-defined]  # tag read by tests
    fig.text(left, 0.035 + footer_h, mpl_text(footer), fontsize=footer_size, va="top", color="#222222", linespacing=1.4)
    return fig, axes


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
    with matplotlib.rc_context({"svg.hashsalt": "jokkgeo", "pdf.compression": 6, "svg.fonttype": "none"}):
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=metadata)
    return buf.getvalue()


__all__ = ["static_figure", "panel_figure", "figure_bytes", "legend_items", "A4_LANDSCAPE_IN", "DEFAULT_DPI"]


