"""Layer styles: the schema of a ``style`` mapping (in layer specs and recipe layers).

This module only validates; :mod:`jokkgeo.render.styles` turns a valid mapping into
the colours and legend both renderers draw. Keys (all optional)::

    style:
      color: "#1f77b4"          # outline / line / point colour
      fill_color: "#aec7e8"     # polygon and point fill (default: color)
      weight: 2                 # line width in pixels
      opacity: 1.0              # line opacity, 0–1
      fill_opacity: 0.4         # fill opacity, 0–1
      radius: 5                 # point radius in pixels
      dash_array: "6 4"         # dashed lines (Leaflet/SVG syntax)
      marker: circle            # circle | square | triangle | diamond | star
      label_field: name         # labels on print figures, default tooltip
      popup:                    # fields shown in the popup (default: labelled columns)
        - name                  # a column, with its default label/unit/format
        - {field: population, label: Invånare, label_en: Inhabitants, format: count}
        - {field: area_m2, format: area_km2}        # shown in km² (m² below 0.1 km²)
        - {field: site_id, hidden: true}            # listed but not shown
      tooltip: name             # field shown on hover
      z_order: 30               # drawing order (higher on top)
      legend: Tätorter          # legend label (legend_en: English)
      categorical: {field: kind, values: {tatort: "#d62728"}, other: grey}
      graduated: {field: population, bins: [500, 1000], colors: [...] | cmap: Reds}
      cmap: viridis             # colour map for graduated classes and rasters

Examples
--------
>>> spec = check_style({"color": "red", "categorical": {"field": "kind", "values": {"a": "blue"}}}, "x.yaml")
>>> spec.categorical.field, spec.graduated
('kind', None)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jokkgeo.config import _validate as v

STYLE_KEYS: frozenset[str] = frozenset(
    {
        "color", "fill_color", "weight", "opacity", "fill_opacity", "radius", "dash_array", "marker",
        "label_field", "categorical", "graduated", "legend", "legend_en", "popup", "tooltip", "z_order", "cmap",
    }
)
"""Keys a ``style`` mapping may use."""
CATEGORICAL_KEYS: frozenset[str] = frozenset({"field", "values", "colors", "other"})
"""Keys of ``style.categorical``."""
CATEGORY_KEYS: frozenset[str] = frozenset({"color", "label", "label_en"})
"""Keys of one ``style.categorical.values.<value>`` mapping."""
GRADUATED_KEYS: frozenset[str] = frozenset({"field", "bins", "colors", "cmap", "labels", "labels_en", "unit"})
"""Keys of ``style.graduated``."""
MARKER_NAMES: tuple[str, ...] = ("circle", "square", "triangle", "diamond", "star")
POPUP_KEYS: frozenset[str] = frozenset({"field", "label", "label_en", "unit", "format", "hidden"})
"""Keys of one ``style.popup`` entry given as a mapping."""
POPUP_FORMATS: tuple[str, ...] = ("number", "count", "year", "area_km2", "length_km", "percent", "text")
"""Formats of a popup value: ``number`` (decimals by size), ``count`` (whole number), ``year`` (no
separator), ``area_km2`` (m² shown as km², or m² below 0.1 km²), ``length_km`` (m shown as km from
1 km), ``percent`` (a 0–1 share as %), ``text`` (as given)."""


@dataclass(frozen=True)
class PopupField:
    """One field of a popup: the column and how it is shown (``None``: the default for the column).

    Parameters
    ----------
    field
        Column name.
    label, label_en
        Swedish and English label.
    unit
        Unit written after the value.
    format
        One of :data:`POPUP_FORMATS`.
    hidden
        Listed but not shown.
    """

    field: str
    label: str | None = None
    label_en: str | None = None
    unit: str | None = None
    format: str | None = None
    hidden: bool = False

    def label_in(self, language: str) -> str | None:
        """The label in ``language`` (English falls back to the Swedish label).

        Parameters
        ----------
        language
            ``"sv"`` or ``"en"``.
        """
        if language == "en" and self.label_en:
            return self.label_en
        return self.label


def parse_popup(raw: Any, path: v.Origin = None, key: str = "style.popup") -> tuple[PopupField, ...]:
    """Validate a ``style.popup`` value and return its fields in order.

    Accepts a field name, a list of field names and/or mappings (keys in :data:`POPUP_KEYS`), or
    a mapping ``{field: label}``.

    Parameters
    ----------
    raw
        The value (``None``: no fields).
    path
        The file it came from.
    key
        Key path for error messages.

    Examples
    --------
    >>> [f.field for f in parse_popup(["name", {"field": "area_m2", "format": "area_km2"}])]
    ['name', 'area_m2']
    """
    if raw is None:
        return ()
    if isinstance(raw, str):
        return (PopupField(field=v.text_value(raw, path, key, nonempty=True)),)
    if isinstance(raw, Mapping):
        return tuple(PopupField(field=str(f), label=None if lab is None else str(lab)) for f, lab in raw.items())
    if not isinstance(raw, list):
        raise v.fail(path, key, f"expected a list of field names or a mapping field: label, got {v.short(raw)}")
    out = []
    for i, item in enumerate(raw):
        where = f"{key}[{i}]"
        if isinstance(item, str):
            out.append(PopupField(field=v.text_value(item, path, where, nonempty=True)))
            continue
        if not isinstance(item, Mapping):
            raise v.fail(path, where, f"expected a field name or a mapping with 'field', got {v.short(item)}")
        v.check_keys(item, POPUP_KEYS, path, where)
        v.require(item, ("field",), path, where)
        fmt = item.get("format")
        if fmt is not None:
            v.choice(fmt, POPUP_FORMATS, path, v.join(where, "format"), "a format")
        hidden = item.get("hidden", False)
        if not isinstance(hidden, bool):
            raise v.fail(path, v.join(where, "hidden"), f"expected true or false, got {v.short(hidden)}")
        texts = {k: (None if item.get(k) is None else str(item[k])) for k in ("label", "label_en", "unit")}
        out.append(PopupField(field=str(item["field"]), format=fmt, hidden=hidden, **texts))
    return tuple(out)


@dataclass(frozen=True)
class ColourRule:
    """A per-feature colour rule of a style (categorical or graduated): the field it reads."""

    field: str
    kind: str


@dataclass(frozen=True)
class StyleSpec:
    """A validated ``style`` mapping: the mapping itself and the fields its colour rules read."""

    style: Mapping[str, Any]
    categorical: ColourRule | None = None
    graduated: ColourRule | None = None


def _cmap(value: Any, path: v.Origin, key: str) -> str:
    import matplotlib

    name = v.text_value(value, path, key, nonempty=True)
    if name not in matplotlib.colormaps:
        raise v.fail(path, key, f"'{name}' is not a matplotlib colour map", "use e.g. viridis, Reds, YlOrRd")
    return name


def _categorical(raw: Any, path: v.Origin, key: str) -> ColourRule:
    v.mapping(raw, path, key, "a mapping with 'field' and 'values'")
    v.check_keys(raw, CATEGORICAL_KEYS, path, key)
    v.require(raw, ("field",), path, key)
    values = raw.get("values", raw.get("colors"))
    vkey = v.join(key, "values")
    if not isinstance(values, Mapping) or not values:
        raise v.fail(path, vkey, f"expected a mapping value: colour, got {v.short(values)}")
    for value, entry in values.items():
        where = v.join(vkey, value)
        if isinstance(entry, Mapping):
            v.check_keys(entry, CATEGORY_KEYS, path, where)
            v.colour(entry.get("color"), path, v.join(where, "color"))
        else:
            v.colour(entry, path, where)
    if raw.get("other") is not None:
        v.colour(raw["other"], path, v.join(key, "other"))
    return ColourRule(field=str(raw["field"]), kind="categorical")


def _graduated(raw: Any, path: v.Origin, key: str) -> ColourRule:
    v.mapping(raw, path, key, "a mapping with 'field' and 'bins'")
    v.check_keys(raw, GRADUATED_KEYS, path, key)
    v.require(raw, ("field", "bins"), path, key)
    bkey = v.join(key, "bins")
    bins = raw["bins"]
    if not isinstance(bins, list) or not bins:
        raise v.fail(path, bkey, f"expected a list of numbers, got {v.short(bins)}")
    nums = [v.number(b, path, bkey) for b in bins]
    if any(b <= a for a, b in zip(nums, nums[1:], strict=False)):
        raise v.fail(path, bkey, f"{v.short(bins)} is not strictly increasing", "list the class limits in order")
    if raw.get("colors") is not None:
        colors = raw["colors"]
        if not isinstance(colors, list) or len(colors) != len(nums) + 1:
            raise v.fail(path, v.join(key, "colors"), f"{len(nums)} bins need {len(nums) + 1} colours, "
                         f"got {v.short(colors)}")
        for c in colors:
            v.colour(c, path, v.join(key, "colors"))
    if raw.get("cmap") is not None:
        _cmap(raw["cmap"], path, v.join(key, "cmap"))
    for lk in ("labels", "labels_en"):
        if raw.get(lk) is not None:
            labels = raw[lk]
            if not isinstance(labels, list) or len(labels) != len(nums) + 1:
                raise v.fail(path, v.join(key, lk), f"need {len(nums) + 1} labels, got {v.short(labels)}")
    return ColourRule(field=str(raw["field"]), kind="graduated")


def check_style(style: Any, path: v.Origin, key: str = "style") -> StyleSpec:
    """Validate a ``style`` mapping (keys, colours, numbers, colour rules).

    Parameters
    ----------
    style
        The mapping from a layer spec or a recipe layer (``None`` counts as empty).
    path
        The file it came from.
    key
        Key path of the mapping (``style``, ``layers[2].style``).

    Raises
    ------
    jokkgeo.errors.CatalogueError
        Naming the file and key, e.g. ``style.categorical.values.a``.
    """
    style = {} if style is None else style
    v.mapping(style, path, key)
    v.check_keys(style, STYLE_KEYS, path, key)
    k = lambda name: v.join(key, name)  # noqa: E731
    for ck in ("color", "fill_color"):
        if style.get(ck):
            v.colour(style[ck], path, k(ck))
    for nk, high in (("weight", None), ("radius", None), ("opacity", 1.0), ("fill_opacity", 1.0)):
        if style.get(nk) is not None:
            v.number(style[nk], path, k(nk), low=0, high=high)
    if style.get("z_order") is not None:
        v.number(style["z_order"], path, k("z_order"))
    if style.get("marker") is not None:
        v.choice(style["marker"], MARKER_NAMES, path, k("marker"), "a marker")
    if style.get("cmap"):
        _cmap(style["cmap"], path, k("cmap"))
    parse_popup(style.get("popup"), path, k("popup"))
    categorical = _categorical(style["categorical"], path, k("categorical")) if style.get("categorical") else None
    graduated = _graduated(style["graduated"], path, k("graduated")) if style.get("graduated") else None
    if categorical is not None and graduated is not None:
        raise v.fail(path, key, "has both 'categorical' and 'graduated'", "use one of them")
    return StyleSpec(style=dict(style), categorical=categorical, graduated=graduated)


def check_layer_style(spec: Any, *, language: str = "sv", overrides: Mapping[str, Any] | None = None) -> StyleSpec:
    """Validate the style of a :class:`~jokkgeo.config.layers.LayerSpec` (plus overrides).

    Parameters
    ----------
    spec
        A layer spec (``style`` and ``spec_path`` are read).
    language
        Unused (kept for the signature of :func:`jokkgeo.render.styles.layer_style`).
    overrides
        Per-map style keys merged over the spec's.
    """
    merged = dict(spec.style)
    if overrides:
        merged.update(overrides)
    return check_style(merged, getattr(spec, "spec_path", spec.id), "style")
