"""Page arithmetic of print figures: target sizes in millimetres, font sizes, map boxes.

A figure is laid out for the width it is printed at (a report column, 160 mm by default,
or a full A4/A3 page), so that every text is at least :data:`MIN_TEXT_PT` at that size.
Pure functions of numbers (no matplotlib), so the layout is tested on its own.

Examples
--------
>>> page_size_mm("column", width_mm=160)
(160.0, None)
>>> page_size_mm("a4_landscape")
(297.0, 210.0)
>>> round(mm_to_pt(25.4), 1)
72.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MM_PER_IN = 25.4
PT_PER_IN = 72.0

MIN_TEXT_PT = 7.0
"""Smallest text on a figure at its target size (legend, labels, ticks, footnote)."""
LABEL_PT = 7.0
TICK_PT = 7.0
LEGEND_PT = 7.0
FOOT_PT = 7.0
SUBTITLE_PT = 8.0
PANEL_TITLE_PT = 8.0
TITLE_PT = 10.5

PAGES_MM: dict[str, tuple[float, float]] = {
    "a4_portrait": (210.0, 297.0),
    "a4_landscape": (297.0, 210.0),
    "a3_landscape": (420.0, 297.0),
}
"""Full pages, width × height in millimetres."""

MARGIN_MM = 3.0
AXIS_LEFT_MM = 10.0
"""Room left of a map for the rotated northing ticks and the axis title."""
AXIS_BOTTOM_MM = 9.0
"""Room under a map for the easting ticks and the axis title."""
GAP_MM = 2.5
LEGEND_COLUMN_MM = 50.0
"""Width of one legend column when the legend sits under the map."""
SIDE_LEGEND_MM = 72.0
"""Width of the legend column beside the map on landscape pages."""
INSET_MM = 30.0
"""Width of the locator (inset) map."""
NORTH_MM = 12.0
"""Width kept for the north arrow beside the locator map."""
CHAR_EM = 0.56
"""Mean advance of a character of DejaVu Sans in em (mixed Swedish text), for wrapping."""


def mm_to_in(mm: float) -> float:
    """Millimetres to inches.

    Parameters
    ----------
    mm
        Length in millimetres.
    """
    return mm / MM_PER_IN


def mm_to_pt(mm: float) -> float:
    """Millimetres to typographic points (1/72 inch).

    Parameters
    ----------
    mm
        Length in millimetres.
    """
    return mm / MM_PER_IN * PT_PER_IN


def pt_to_mm(pt: float) -> float:
    """Points (1/72 inch) to millimetres.

    Parameters
    ----------
    pt
        Length in points.
    """
    return pt / PT_PER_IN * MM_PER_IN


def page_size_mm(page: str, *, width_mm: float = 160.0,
                 size_in: tuple[float, float] | None = None) -> tuple[float, float | None]:
    """Width and height (mm) of the figure; height ``None`` means "from the map" (a column).

    Parameters
    ----------
    page
        ``column``, a key of :data:`PAGES_MM`, or ``custom`` (then ``size_in`` is used).
    width_mm
        Width of a ``column`` figure.
    size_in
        Explicit size in inches (``custom`` pages, or any page when given).
    """
    if page == "column" and size_in is None:
        return float(width_mm), None
    if size_in is not None:
        return size_in[0] * MM_PER_IN, size_in[1] * MM_PER_IN
    if page not in PAGES_MM:
        raise ValueError(f"page must be 'column' or one of {sorted(PAGES_MM)}, got {page!r}")
    return PAGES_MM[page]


def chars_per_line(width_mm: float, font_pt: float) -> int:
    """How many characters of running text fit on a line ``width_mm`` wide at ``font_pt``.

    Parameters
    ----------
    width_mm
        Line width in millimetres.
    font_pt
        Font size in points.
    """
    return max(8, int(mm_to_pt(width_mm) / (CHAR_EM * font_pt)))


def legend_columns(width_mm: float, *, column_mm: float = LEGEND_COLUMN_MM) -> int:
    """Number of legend columns that fit in ``width_mm`` (at least one).

    Parameters
    ----------
    width_mm
        Width available to the legend.
    column_mm
        Width of one column.
    """
    return max(1, int(width_mm // column_mm))


def legend_wrap_chars(column_mm: float, font_pt: float = LEGEND_PT) -> int:
    """Characters per legend label line in a column ``column_mm`` wide (after the symbol).

    Parameters
    ----------
    column_mm
        Width of one legend column.
    font_pt
        Legend font size.
    """
    return chars_per_line(column_mm - 9.0, font_pt)


def map_height_mm(map_width_mm: float, aspect: float, *, low: float = 0.55, high: float = 1.25) -> float:
    """Height of a column figure's map: the extent's shape, kept between ``low`` and ``high`` × width.

    Parameters
    ----------
    map_width_mm
        Width of the map box.
    aspect
        Width / height of the extent.
    low, high
        Limits of height / width.
    """
    return map_width_mm * min(max(1.0 / aspect, low), high)


@dataclass(frozen=True)
class Box:
    """A rectangle in millimetres from the figure's lower-left corner."""

    x: float
    y: float
    w: float
    h: float

    def fraction(self, fig_w_mm: float, fig_h_mm: float) -> tuple[float, float, float, float]:
        """The box as figure fractions ``(left, bottom, width, height)`` for ``fig.add_axes``.

        Parameters
        ----------
        fig_w_mm, fig_h_mm
            Figure size in millimetres.
        """
        return (self.x / fig_w_mm, self.y / fig_h_mm, self.w / fig_w_mm, self.h / fig_h_mm)


@dataclass(frozen=True)
class Layout:
    """Where everything goes on a figure (mm from the lower-left corner)."""

    width_mm: float
    height_mm: float
    maps: tuple[Box, ...]
    legend: Box
    inset: Box | None
    north: Box
    footer: Box
    title_top_mm: float
    """Top of the title block."""
    side_legend: bool


@dataclass(frozen=True)
class Parts:
    """Measured heights (mm) of what surrounds the maps."""

    header_mm: float
    """Title and subtitle (0 without a title)."""
    panel_title_mm: float
    """A title strip over each map (0 for one map)."""
    legend_mm: tuple[float, float]
    """The legend's width and height."""
    footer_mm: float
    """The footnote."""


def layout(*, width_mm: float, height_mm: float | None, n_maps: int, aspect: float, parts: Parts,
           inset: bool = True, side_legend: bool = False) -> Layout:
    """Place maps, legend, locator map, north arrow and footnote on the page.

    Column figures (``height_mm is None``) stack header, map(s), legend (with the locator map
    and north arrow to its right) and footnote; the map is as wide as the page and as tall as
    its extent wants (:func:`map_height_mm`). Full pages give the maps what is left after the
    header, legend and footnote; with ``side_legend`` (landscape pages) the legend, locator
    and north arrow stand in a column right of the maps.

    Parameters
    ----------
    width_mm
        Figure width.
    height_mm
        Page height, or ``None`` for a column figure.
    n_maps
        Maps side by side (1, or 2 for a comparison).
    aspect
        Width / height of the map extent.
    parts
        Measured header, panel titles, legend and footnote.
    inset
        Reserve room for a locator map.
    side_legend
        Legend beside the maps (landscape pages) instead of under them; its column is as wide
        as the measured legend (at least :data:`SIDE_LEGEND_MM`) and the footnote stands under
        the maps only.
    """
    m, gap = MARGIN_MM, GAP_MM
    header_mm, panel_title_mm, legend_mm, footer_mm = parts.header_mm, parts.panel_title_mm, parts.legend_mm, \
        parts.footer_mm
    side_w = max(SIDE_LEGEND_MM, legend_mm[0]) if side_legend else 0.0
    maps_w = width_mm - 2 * m - side_w - (gap if side_legend else 0.0)
    one_w = (maps_w - AXIS_LEFT_MM * n_maps - gap * (n_maps - 1)) / n_maps
    inset_w = INSET_MM if inset else 0.0
    north_h = 12.0
    if side_legend:
        legend_h_below = 0.0
        side_needed = (inset_w * 0.9 + gap if inset else 0.0) + north_h + legend_mm[1]
    else:
        legend_h_below = max(legend_mm[1], (inset_w * 0.9 if inset else 0.0) + north_h) + gap
        side_needed = 0.0
    fixed = m + header_mm + panel_title_mm + AXIS_BOTTOM_MM + legend_h_below + footer_mm + m
    if height_mm is None:
        map_h = map_height_mm(one_w, aspect)
        if side_legend:
            map_h = max(map_h, side_needed - panel_title_mm - AXIS_BOTTOM_MM)
        height = fixed + map_h
    else:
        height = height_mm
        map_h = max(20.0, height - fixed)
    top = height - m
    map_top = top - header_mm - panel_title_mm
    map_y = map_top - map_h
    maps = tuple(Box(m + AXIS_LEFT_MM + j * (one_w + AXIS_LEFT_MM + gap), map_y, one_w, map_h)
                 for j in range(n_maps))
    footer = Box(m, m, maps_w if side_legend else width_mm - 2 * m, footer_mm)
    if side_legend:
        col_x = width_mm - m - side_w
        inset_box = Box(col_x, top - header_mm - inset_w * 0.9, inset_w, inset_w * 0.9) if inset else None
        if inset_box is not None:  # the north arrow right of the locator map, tops aligned
            north = Box(col_x + inset_w + gap, inset_box.y + inset_box.h - north_h, 10.0, north_h)
            legend_top = inset_box.y - gap
        else:
            north = Box(col_x, top - header_mm - north_h, 10.0, north_h)
            legend_top = north.y - gap
        legend = Box(col_x, legend_top - legend_mm[1], side_w, legend_mm[1])
    else:
        row_top = map_y - AXIS_BOTTOM_MM - gap
        legend = Box(m, row_top - legend_mm[1], below_legend_width(width_mm, inset=inset), legend_mm[1])
        inset_box = Box(width_mm - m - inset_w, row_top - inset_w * 0.9, inset_w, inset_w * 0.9) if inset else None
        north_x = (inset_box.x - 12.0) if inset_box else width_mm - m - 10.0
        north = Box(north_x, row_top - north_h, 10.0, north_h)
    return Layout(width_mm=width_mm, height_mm=height, maps=maps, legend=legend, inset=inset_box, north=north,
                  footer=footer, title_top_mm=top, side_legend=side_legend)


def side_room_mm(height_mm: float, header_mm: float, *, inset: bool = True) -> float:
    """Height left for a legend beside the maps on a page ``height_mm`` tall (under the locator map).

    Parameters
    ----------
    height_mm
        Page height.
    header_mm
        Title block height.
    inset
        A locator map heads the column.
    """
    return height_mm - 2 * MARGIN_MM - header_mm - ((INSET_MM * 0.9 + GAP_MM) if inset else 12.0 + GAP_MM)


def below_legend_width(width_mm: float, *, inset: bool = True) -> float:
    """Width of a legend under the map: the page less margins, locator map and north arrow.

    Parameters
    ----------
    width_mm
        Figure width.
    inset
        A locator map stands right of the legend.
    """
    return width_mm - 2 * MARGIN_MM - (INSET_MM + GAP_MM if inset else 0.0) - NORTH_MM


def fit_extent(extent: tuple[float, float, float, float], aspect: float) -> tuple[float, float, float, float]:
    """Grow ``extent`` (keeping its centre) so that width / height equals ``aspect``.

    Parameters
    ----------
    extent
        ``(xmin, ymin, xmax, ymax)``.
    aspect
        Wanted width / height.

    Examples
    --------
    >>> fit_extent((0, 0, 10, 10), 2.0)
    (-5.0, 0.0, 15.0, 10.0)
    """
    xmin, ymin, xmax, ymax = extent
    w, h = xmax - xmin, ymax - ymin
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def grow_extent(extent: tuple[float, float, float, float], boxes: list[tuple[float, float, float, float]],
                *, margin_fraction: float = 0.06) -> tuple[float, float, float, float]:
    """The smallest box holding ``extent`` and every box of ``boxes`` with a margin around them.

    Parameters
    ----------
    extent
        The recipe's extent.
    boxes
        Bounds of the features the figure is about.
    margin_fraction
        Margin around ``boxes``, as a fraction of the larger side of the result.

    Examples
    --------
    >>> grow_extent((0, 0, 100, 100), [(90, 50, 110, 60)], margin_fraction=0.1)
    (0.0, 0.0, 121.0, 100.0)
    """
    if not boxes:
        return tuple(float(v) for v in extent)  # type: ignore[return-value]
    xs0 = min(b[0] for b in boxes)
    ys0 = min(b[1] for b in boxes)
    xs1 = max(b[2] for b in boxes)
    ys1 = max(b[3] for b in boxes)
    span = max(max(extent[2], xs1) - min(extent[0], xs0), max(extent[3], ys1) - min(extent[1], ys0))
    pad = span * margin_fraction
    return (float(min(extent[0], xs0 - pad)), float(min(extent[1], ys0 - pad)),
            float(max(extent[2], xs1 + pad)), float(max(extent[3], ys1 + pad)))


def wrap_lines(text: str, width_chars: int) -> list[str]:
    """``text`` wrapped to ``width_chars`` (no shortening: every word is kept).

    Parameters
    ----------
    text
        Running text.
    width_chars
        Characters per line.
    """
    import textwrap

    return textwrap.wrap(text, width_chars) or [""]


def text_block_mm(n_lines: int, font_pt: float, linespacing: float = 1.3) -> float:
    """Height in millimetres of ``n_lines`` lines of text at ``font_pt``.

    Parameters
    ----------
    n_lines
        Number of lines.
    font_pt
        Font size.
    linespacing
        Line spacing as a multiple of the font size.
    """
    return pt_to_mm(n_lines * font_pt * linespacing) if n_lines else 0.0


def ceil_div(a: int, b: int) -> int:
    """``ceil(a / b)`` for non-negative integers.

    Parameters
    ----------
    a, b
        Numerator and denominator.
    """
    return int(math.ceil(a / b))


__all__ = ["Box", "Layout", "Parts", "layout", "page_size_mm", "fit_extent", "grow_extent", "chars_per_line",
           "legend_columns", "legend_wrap_chars", "map_height_mm", "mm_to_in", "mm_to_pt", "pt_to_mm",
           "wrap_lines", "text_block_mm", "MIN_TEXT_PT", "PAGES_MM"]
