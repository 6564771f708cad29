"""Layer styles as plain data shared by the web and the static renderer.

A layer spec's ``style`` mapping (keys in :data:`jokkgeo.config.styles.STYLE_KEYS`) is
turned into a frozen :class:`LayerStyle`: colours (as ``#rrggbb``), widths,
opacities, the per-feature colour rule (categorical or graduated) and the legend
entries. Both renderers read the same object, so an HTML map and a print figure
made from one recipe show the same colours and the same legend.

Style keys (all optional)::

    style:
      color: "#1f77b4"          # outline / line / point colour
      fill_color: "#aec7e8"     # polygon and point fill (default: color)
      weight: 2                 # line width in pixels (points: outline width)
      opacity: 1.0              # line opacity
      fill_opacity: 0.4         # fill opacity
      radius: 5                 # point radius in pixels
      dash_array: "6 4"         # dashed lines (Leaflet/SVG syntax)
      marker: circle            # circle | square | triangle | diamond | star (static figure)
      label_field: name         # labels on print figures, default tooltip
      popup: [name, {field: area_m2, format: area_km2}]   # popup rows (jokkgeo.config.styles)
      tooltip: name             # field shown on hover
      z_order: 30               # drawing order (higher on top)
      legend: Tätorter          # legend label for single-symbol layers (default: title)
      legend_en: Settlements
      categorical:              # colour by a text field
        field: kind
        values:                 # value: colour, or value: {color, label, label_en}
          tatort: "#d62728"
          by: {color: "#ff7f0e", label: By, label_en: Village}
        other: "#7f7f7f"        # features whose value is not listed (default grey)
      graduated:                # colour by a number field, classes split at bins
        field: population
        bins: [500, 1000, 2000] # n bins give n + 1 classes
        colors: ["#fee5d9", "#fcae91", "#fb6a4a", "#cb181d"]   # or cmap: Reds
      cmap: viridis             # colour map for graduated classes and rasters

Errors name the spec file and the key (``style.categorical.values``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jokkgeo.config.styles import check_style, parse_popup
from jokkgeo.errors import CatalogueError
from jokkgeo.i18n import format_number
from jokkgeo.render.palettes import palette

KINDS: tuple[str, ...] = ("point", "line", "polygon", "raster")
MARKERS: dict[str, str] = {"circle": "o", "square": "s", "triangle": "^", "diamond": "D", "star": "*"}

THEME_COLORS: dict[str, str] = {
    "boundary": "#444444",
    "settlements": "#d62728",
    "population": "#9467bd",
    "roads": "#8c564b",
    "rail": "#222222",
    "power": "#ff7f0e",
    "hydropower": "#1f77b4",
    "investment_sites": "#e377c2",
    "reindeer_herding": "#2ca02c",
    "protected_areas": "#17becf",
    "housing_land": "#bcbd22",
    "other": "#7f7f7f",
}
"""Fallback colour per theme when a layer spec gives none."""

OTHER_COLOR = "#9a9a9a"

LEGEND_DIGITS = 2
"""Decimals kept at most in legend labels; numbers use :func:`jokkgeo.i18n.format_number`
(thin grouping and decimal comma in Swedish)."""

_GEOMETRY_KIND = {"Point": "point", "LineString": "line", "Polygon": "polygon", "Raster": "raster"}


def kind_from_geometry_type(geometry_type: str) -> str:
    """Map a catalogue geometry type (``Point``, ``MultiPolygon``…) to a style kind.

    Parameters
    ----------
    geometry_type
        A geometry type name of a catalogue spec.
    """
    base = geometry_type.replace("Multi", "")
    if base not in _GEOMETRY_KIND:
        raise ValueError(f"geometry type {geometry_type!r} has no style kind; use one of {list(_GEOMETRY_KIND)}")
    return _GEOMETRY_KIND[base]


@dataclass(frozen=True)
class LegendEntry:
    """One legend row: a symbol and its label."""

    label: str
    kind: str
    color: str
    fill_color: str
    weight: float = 2.0
    fill_opacity: float = 0.4
    dash_array: str | None = None
    radius: float = 5.0
    marker: str = "circle"


@dataclass(frozen=True)
class CategoryClass:
    value: Any
    color: str
    label: str


@dataclass(frozen=True)
class Categorical:
    """Colour by the value of a text field."""

    field: str
    classes: tuple[CategoryClass, ...]
    other_color: str = OTHER_COLOR
    other_label: str = "Övrigt"


@dataclass(frozen=True)
class Graduated:
    """Colour by a numeric field split at ``bins`` (``len(colors) == len(bins) + 1``)."""

    field: str
    bins: tuple[float, ...]
    colors: tuple[str, ...]
    labels: tuple[str, ...]


@dataclass(frozen=True)
class LayerStyle:
    """Resolved style of one layer (plain data; see the module docstring for keys)."""

    kind: str
    title: str
    color: str
    fill_color: str
    weight: float = 2.0
    opacity: float = 1.0
    fill_opacity: float = 0.35
    radius: float = 5.0
    dash_array: str | None = None
    marker: str = "circle"
    label_field: str | None = None
    popup: tuple[Any, ...] = ()
    """Popup rows: :class:`jokkgeo.config.styles.PopupField` entries or ``(column, label)`` pairs."""
    tooltip: str | None = None
    z_order: int = 0
    cmap: str | None = None
    categorical: Categorical | None = None
    graduated: Graduated | None = None
    legend_label: str | None = None

    def legend_entries(self) -> list[LegendEntry]:
        """Legend rows: one per class for categorical/graduated styles, else one."""
        base: dict[str, Any] = dict(
            kind=self.kind,
            weight=self.weight,
            fill_opacity=self.fill_opacity,
            dash_array=self.dash_array,
            radius=self.radius,
            marker=self.marker,
        )
        if self.categorical is not None:
            rows = [self._entry(c.label, c.color, base) for c in self.categorical.classes]
            return rows
        if self.graduated is not None:
            graduated = self.graduated
            return [self._entry(lab, col, base) for lab, col in zip(graduated.labels, graduated.colors, strict=False)]
        return [
            LegendEntry(label=self.legend_label or self.title, color=self.color, fill_color=self.fill_color, **base)
        ]

    def _entry(self, label: str, colour: str, base: dict[str, Any]) -> LegendEntry:
        # classed polygons/points are filled with the class colour; lines are drawn in it
        outline = colour if self.kind in ("line", "raster") else self.color
        return LegendEntry(label=label, color=outline, fill_color=colour, **base)

    @property
    def varies(self) -> bool:
        """True when features get individual colours (categorical or graduated)."""
        return self.categorical is not None or self.graduated is not None

    def feature_colors(self, frame: pd.DataFrame) -> np.ndarray:
        """Colour (``#rrggbb``) of every row of ``frame``, in row order (vectorised).

        Categorical values not listed get ``other_color``; graduated rows with a
        missing value get :data:`OTHER_COLOR`. Single-symbol styles return the
        fill colour (lines: the line colour) for every row.

        Parameters
        ----------
        frame
            The layer's attribute table.
        """
        n = len(frame)
        single = self.color if self.kind == "line" else self.fill_color
        if self.categorical is not None:
            cat = self.categorical
            if cat.field not in frame.columns:
                return np.full(n, cat.other_color, dtype=object)
            lookup = {c.value: c.color for c in cat.classes}
            values = frame[cat.field].map(lookup)
            return values.fillna(cat.other_color).to_numpy(dtype=object)
        if self.graduated is not None:
            grad = self.graduated
            if grad.field not in frame.columns:
                return np.full(n, OTHER_COLOR, dtype=object)
            return classify_colors(frame[grad.field].to_numpy(), grad)
        return np.full(n, single, dtype=object)

    def with_title(self, title: str) -> LayerStyle:
        """A copy of the style with another title.

        Parameters
        ----------
        title
            The new title.
        """
        return replace(self, title=title)


def classify_colors(values: np.ndarray, graduated: Graduated) -> np.ndarray:
    """Class colours for numeric ``values`` (NaN/None -> :data:`OTHER_COLOR`).

    Class ``i`` holds ``bins[i-1] <= v < bins[i]`` (``np.digitize``, right-open).

    Parameters
    ----------
    values
        Numbers (NaN/None allowed).
    graduated
        The class limits and colours.
    """
    numbers = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    idx = np.digitize(numbers, np.asarray(graduated.bins, dtype=float), right=False)
    palette = np.asarray(graduated.colors, dtype=object)
    out = palette[np.clip(idx, 0, len(palette) - 1)]
    out[np.isnan(numbers)] = OTHER_COLOR
    return out


def graduated_labels(bins: Sequence[float], *, unit: str = "", language: str = "sv") -> tuple[str, ...]:
    """Labels for ``len(bins) + 1`` classes: ``< b0``, ``b0–b1``, …, ``≥ bn``.

    Parameters
    ----------
    bins
        Class limits, increasing.
    unit
        Unit appended to every label.
    language
        ``"sv"`` (thin grouping, decimal comma) or ``"en"``.
    """
    fmt = [format_number(b, language, digits=LEGEND_DIGITS) for b in bins]
    suffix = f" {unit}" if unit else ""
    labels = [f"< {fmt[0]}{suffix}"]
    labels += [f"{a}–{b}{suffix}" for a, b in zip(fmt[:-1], fmt[1:], strict=True)]
    labels.append(f"≥ {fmt[-1]}{suffix}")
    return tuple(labels)


def cmap_colors(name: str, n: int, *, origin: str = "cmap", low: float = 0.15,
                high: float = 0.95) -> tuple[str, ...]:
    """``n`` evenly spaced colours (hex) from a matplotlib colour map.

    Parameters
    ----------
    name
        Matplotlib colour map name.
    n
        Number of colours.
    origin
        File and key named in the error for an unknown map.
    low, high
        Part of the colour map used (0..1).
    """
    import matplotlib
    from matplotlib.colors import to_hex

    try:
        cmap = matplotlib.colormaps[name]
    except KeyError:
        raise CatalogueError(f"{origin}: '{name}' is not a matplotlib colour map "
                             "(e.g. viridis, Reds, YlOrRd)") from None
    if n == 1:
        return (to_hex(cmap(0.7)),)
    return tuple(to_hex(cmap(low + (high - low) * i / (n - 1))) for i in range(n))


def _hex(value: Any) -> str:
    from matplotlib.colors import to_hex

    return str(to_hex(value))


def _split_origin(origin: str) -> tuple[str | None, str]:
    """``"layers/x.yaml: key 'style'"`` (or ``"layers/x.yaml: style"``) -> file and key path."""
    head, sep, tail = origin.rpartition(": ")
    if not sep:
        return None, origin
    if tail.startswith("key '") and tail.endswith("'"):
        tail = tail[len("key '"):-1]
    return head, tail


def _parse_categorical(raw: Mapping[str, Any], language: str) -> Categorical:
    values = raw.get("values", raw.get("colors"))
    classes = []
    for value, entry in values.items():
        if isinstance(entry, Mapping):
            colour = _hex(entry.get("color"))
            label = entry.get("label_en") if language == "en" and entry.get("label_en") else entry.get("label")
            label = str(label) if label is not None else str(value)
        else:
            colour = _hex(entry)
            label = str(value)
        classes.append(CategoryClass(value=value, color=colour, label=label))
    other = _hex(raw["other"]) if raw.get("other") is not None else OTHER_COLOR
    return Categorical(
        field=str(raw["field"]),
        classes=tuple(classes),
        other_color=other,
        other_label="Other" if language == "en" else "Övrigt",
    )


def _parse_graduated(raw: Mapping[str, Any], language: str, cmap: str | None) -> Graduated:
    numbers = tuple(float(b) for b in raw["bins"])
    if raw.get("colors") is not None:
        palette = tuple(_hex(c) for c in raw["colors"])
    else:
        palette = cmap_colors(raw.get("cmap") or cmap or "viridis", len(numbers) + 1)
    labels = raw.get("labels_en") if language == "en" and raw.get("labels_en") else raw.get("labels")
    if labels is not None:
        labels = tuple(str(x) for x in labels)
    else:
        labels = graduated_labels(numbers, unit=str(raw.get("unit", "")), language=language)
    return Graduated(field=str(raw["field"]), bins=numbers, colors=palette, labels=labels)


def style_from_mapping(
    style: Mapping[str, Any],
    *,
    kind: str,
    title: str,
    theme: str = "other",
    language: str = "sv",
    origin: str = "style",
) -> LayerStyle:
    """Resolve a ``style`` mapping into a :class:`LayerStyle`.

    The mapping is validated by :func:`jokkgeo.config.styles.check_style` (one message
    format: ``<file>: key 'style.color': …``); this function only resolves it.

    Parameters
    ----------
    style
        The mapping from a layer spec or recipe (keys in the module docstring).
    kind
        ``point``, ``line``, ``polygon`` or ``raster``.
    title
        Layer title, the legend label of single-symbol layers.
    theme
        Theme whose fallback colour is used when ``color`` is missing.
    language
        ``sv`` or ``en`` (class labels and legend text).
    origin
        File and key of the mapping for error messages, e.g. ``"layers/roads.yaml: key 'style'"``.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    path, key = _split_origin(origin)
    check_style(style, path, key)
    colour = _hex(style["color"]) if style.get("color") else THEME_COLORS.get(theme, OTHER_COLOR)
    fill = _hex(style["fill_color"]) if style.get("fill_color") else colour
    kwargs: dict[str, Any] = {}
    for name in ("weight", "radius", "opacity", "fill_opacity"):
        if style.get(name) is not None:
            kwargs[name] = float(style[name])
    if style.get("z_order") is not None:
        kwargs["z_order"] = int(style["z_order"])
    marker = str(style.get("marker") or "circle")
    cmap = str(style["cmap"]) if style.get("cmap") else None
    categorical = _parse_categorical(style["categorical"], language) if style.get("categorical") else None
    graduated = _parse_graduated(style["graduated"], language, cmap) if style.get("graduated") else None
    legend_label = style.get("legend_en") if language == "en" and style.get("legend_en") else style.get("legend")
    label_field = str(style["label_field"]) if style.get("label_field") else None
    tooltip = style.get("tooltip", label_field)
    if kind == "polygon":
        kwargs.setdefault("weight", 1.5)
    if kind == "point":
        kwargs.setdefault("weight", 1.0)
        kwargs.setdefault("fill_opacity", 0.9)
    if kind == "raster":
        kwargs.setdefault("fill_opacity", 0.7)
    return LayerStyle(
        kind=kind,
        title=title,
        color=colour,
        fill_color=fill,
        dash_array=str(style["dash_array"]) if style.get("dash_array") else None,
        marker=marker,
        label_field=label_field,
        popup=parse_popup(style.get("popup")),
        tooltip=str(tooltip) if tooltip else None,
        cmap=cmap,
        categorical=categorical,
        graduated=graduated,
        legend_label=str(legend_label) if legend_label else None,
        **kwargs,
    )


def layer_style(spec: Any, *, language: str = "sv", overrides: Mapping[str, Any] | None = None) -> LayerStyle:
    """The :class:`LayerStyle` of a :class:`jokkgeo.config.layers.LayerSpec` (plus recipe overrides).

    Parameters
    ----------
    spec
        The catalogue layer spec (``style``, ``geometry_type``, ``theme``, title).
    language
        ``"sv"`` or ``"en"`` (title and legend text).
    overrides
        Style keys of the recipe merged over the spec's.
    """
    merged = dict(spec.style)
    if overrides:
        merged.update(overrides)
    origin = f"{getattr(spec, 'spec_path', Path(spec.id))}: key 'style'"
    return style_from_mapping(
        merged,
        kind=kind_from_geometry_type(spec.geometry_type),
        title=spec.label(language),
        theme=spec.theme,
        language=language,
        origin=origin,
    )


# --- analysis results -------------------------------------------------------------

SEVERITY_COLORS: dict[str, str] = dict(zip(("major", "moderate", "minor", "none"), palette("severity", 4),
                                           strict=True))
"""Conflict severity classes of :mod:`jokkgeo.config.rules` (``major``/``moderate``/``minor``) and
``none`` (screened, no conflict): colour-blind safe (:func:`jokkgeo.render.palettes.palette`)."""


def band_style(minutes: Sequence[float], *, title: str, language: str = "sv") -> LayerStyle:
    """Graduated style for catchment bands keyed by their ``minutes`` upper limit.

    Band ``m_i`` covers travel times up to ``m_i`` minutes; darker = closer.

    Parameters
    ----------
    minutes
        Upper limits of the bands in minutes.
    title
        Legend title.
    language
        ``"sv"`` or ``"en"``.
    """
    ordered = sorted({float(m) for m in minutes})
    colors = palette("sequential_bands", len(ordered))
    unit = "min"
    labels = tuple(f"≤ {format_number(m, language, digits=LEGEND_DIGITS)} {unit}" for m in ordered)
    # classes at the band limits: value m_i falls in class i (bins between limits)
    bins = tuple((a + b) / 2 for a, b in zip(ordered[:-1], ordered[1:], strict=True))
    if not bins:
        bins = (ordered[0] + 1.0,)
        colors = (colors[0], colors[0])
        labels = (labels[0], labels[0])
    grad = Graduated(field="minutes", bins=bins, colors=colors, labels=labels)
    return LayerStyle(
        kind="polygon", title=title, color="#20114b", fill_color=colors[0], weight=1.0,
        fill_opacity=0.35, graduated=grad, popup=(), tooltip=None, z_order=5,
    )


def severity_style(*, title: str, field: str = "severity", language: str = "sv",
                   kind: str = "polygon") -> LayerStyle:
    """Categorical major/moderate/minor style used for conflict areas (polygons or lines).

    Parameters
    ----------
    title
        Legend title.
    field
        Column holding ``major``/``moderate``/``minor``.
    language
        ``"sv"`` or ``"en"``.
    kind
        ``"polygon"`` or ``"line"``.
    """
    names = {"sv": {"major": "Stor konflikt", "moderate": "Måttlig konflikt", "minor": "Liten konflikt"},
             "en": {"major": "Major conflict", "moderate": "Moderate conflict", "minor": "Minor conflict"}}[language]
    classes = tuple(CategoryClass(value=k, color=SEVERITY_COLORS[k], label=names[k]) for k in names)
    return LayerStyle(
        kind=kind, title=title, color="#3f0000", fill_color=SEVERITY_COLORS["major"],
        weight=1.0 if kind != "line" else 4.0, fill_opacity=0.55, radius=6.0,
        categorical=Categorical(field=field, classes=classes, other_label="Other" if language == "en" else "Övrigt"),
        z_order=20,
    )


def raster_style(*, title: str, bins: Sequence[float] = (0.2, 0.4, 0.6, 0.8), cmap: str = "YlOrRd",
                 unit: str = "", language: str = "sv", labels: Sequence[str] | None = None,
                 floor: bool = False) -> LayerStyle:
    """Graduated style for an influence raster (classes at ``bins``, colours from ``cmap``).

    With ``floor=True`` values below ``bins[0]`` are not a class (the caller masks them
    as no data, shown transparent): classes are ``bins[0]–bins[1]`` … ``≥ bins[-1]``.

    Parameters
    ----------
    title
        Legend title.
    bins
        Class limits, increasing.
    cmap
        Matplotlib colour map name.
    unit
        Unit appended to the labels.
    language
        ``"sv"`` or ``"en"``.
    labels
        Class labels (default: from ``bins``).
    floor
        Values below ``bins[0]`` are no class.
    """
    bins = tuple(float(b) for b in bins)
    if floor:
        colors = cmap_colors(cmap, len(bins), low=0.3)
        text_labels = graduated_labels(bins, unit=unit, language=language)[1:]
        class_bins = bins[1:] if len(bins) > 1 else (bins[0],)
    else:
        colors = cmap_colors(cmap, len(bins) + 1)
        text_labels = graduated_labels(bins, unit=unit, language=language)
        class_bins = bins
    grad = Graduated(field="value", bins=class_bins, colors=colors,
                     labels=tuple(labels) if labels else text_labels)
    return LayerStyle(kind="raster", title=title, color=colors[-1], fill_color=colors[-1], fill_opacity=0.65,
                      cmap=cmap, graduated=grad, z_order=1)


def simple_style(kind: str, *, title: str, color: str, fill_color: str | None = None, **kwargs: Any) -> LayerStyle:
    """A single-symbol style built in code (sites, crossings).

    Parameters
    ----------
    kind
        ``"point"``, ``"line"`` or ``"polygon"``.
    title
        Legend title.
    color
        Line/marker colour (``#rrggbb``).
    fill_color
        Fill colour (default ``color``).
    **kwargs
        Other :class:`LayerStyle` fields.
    """
    return LayerStyle(kind=kind, title=title, color=color, fill_color=fill_color or color, **kwargs)


__all__ = [
    "LegendEntry",
    "LayerStyle",
    "Categorical",
    "CategoryClass",
    "Graduated",
    "style_from_mapping",
    "layer_style",
    "band_style",
    "severity_style",
    "raster_style",
    "simple_style",
    "classify_colors",
    "graduated_labels",
    "kind_from_geometry_type",
    "THEME_COLORS",
]
