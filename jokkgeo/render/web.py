"""Self-contained interactive maps (folium + plain Leaflet, no network).

:func:`web_map` turns a :class:`~jokkgeo.render.document.MapDocument` into a
``folium.Map`` whose HTML (``map.get_root().render()`` or :func:`render_html`)
opens with no network at all:

* Leaflet 1.9.4 (BSD-2, vendored in ``jokkgeo/render/assets/leaflet``) and the
  small jokkgeo runtime are inlined; folium's CDN links (jQuery, Bootstrap,
  Font Awesome, awesome-markers) are not used. Points are circle markers, so no
  marker images are fetched; the Leaflet CSS images are inlined as data URIs.
* The map's own layers are the offline basemap. Online tiles (OpenStreetMap) are
  an optional background in the layer control, off by default.
* Data reaches the page only as JSON inside ``<script>`` (``<``, ``>``, ``&``,
  ``'`` escaped) and popup/tooltip/legend text is HTML-escaped in Python.
  The page is assembled from raw strings, never through a Jinja template, so
  a value such as ``{{ 7*7 }}`` stays literal. (branca renders the output of a
  ``MacroElement`` macro a second time as a template; our elements bypass that.)
* Element ids are deterministic, so the same inputs give the same bytes.

:func:`synced_maps_html` puts several documents side by side in one such page:
one Leaflet map per document (same layer scripts as :func:`web_map`), kept on the
same view by ``jokkgeo.sync`` (plain Leaflet events), with one shared legend and
caveat box. Used for scenario comparisons (:mod:`jokkgeo.render.compare`).

Geometry is simplified in EPSG:3006 (``MapDocument.simplify_m``) and
coordinates are rounded to 5 decimals (about 1 m) in EPSG:4326 for display.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from jokkgeo.i18n import format_number
from jokkgeo.render.document import MapDocument, MapLayer, RasterImage, text
from jokkgeo.render.popups import column_strings, shown_fields
from jokkgeo.render.styles import LayerStyle, LegendEntry
from jokkgeo.render.web_tools import (  # noqa: F401 (OSM_TILES re-exported)
    OSM_TILES,
    TOOLS,
    context_scripts,
    labels_script,
    raster_scripts,
    tool_assets,
    tools_config,
)

ASSETS = Path(__file__).resolve().parent / "assets"
DISPLAY_DECIMALS = 5
"""Decimals of longitude/latitude kept in the HTML (1e-5 degrees is about 1 m)."""



# --- assets -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def inline_assets() -> tuple[str, str]:
    """``(css, js)``: Leaflet and the jokkgeo runtime, ready to inline (images as data URIs)."""
    leaflet = ASSETS / "leaflet"
    css = (leaflet / "leaflet.css").read_text(encoding="utf-8")
    for png in sorted((leaflet / "images").glob("*.png")):
        data = base64.b64encode(png.read_bytes()).decode("ascii")
        css = css.replace(f"url(images/{png.name})", f"url(data:image/png;base64,{data})")
    css += "\n" + (ASSETS / "jokkgeo.css").read_text(encoding="utf-8")
    js = (leaflet / "leaflet.js").read_text(encoding="utf-8")
    js += "\n" + (ASSETS / "jokkgeo.js").read_text(encoding="utf-8")
    tools_css, tools_js = tool_assets()  # map tools and background (jokkgeo.render.web_tools)
    css += "\n" + tools_css
    js += "\n" + tools_js
    js = js.replace("</script", "<\\/script")
    css = css.replace("</style", "<\\/style")
    return css, js


def script_json(value: Any) -> str:
    """JSON safe to place inside ``<script>``: no ``<``, ``>``, ``&``, ``'`` or line separators.

    Parameters
    ----------
    value
        A JSON-serialisable value.
    """
    return (
        json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def escape(value: Any) -> str:
    """HTML-escape any value (quotes too). ``None``/NaN become an empty string.

    Parameters
    ----------
    value
        Any value.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


# --- folium elements that bypass Jinja for data --------------------------------------


def _folium() -> Any:
    import folium

    return folium


class _Raw:
    """Factory for a branca Element that renders a fixed string (no template pass)."""

    @staticmethod
    def make(content: str) -> Any:
        from branca.element import Element

        class RawElement(Element):
            def render(self, **kwargs: Any) -> str:  # noqa: D401 - branca API
                return content

        el = RawElement()
        el._name = "raw"
        return el


def _element_class() -> Any:
    from branca.element import MacroElement

    class JokkgeoElement(MacroElement):
        """A map part given as ready-made header/html/script strings (already escaped)."""

        def __init__(self, name: str, *, header: str = "", body: str = "", script: str = "") -> None:
            super().__init__()
            self._name = name
            self.header_part = header
            self.body_part = body
            self.script_part = script

        # branca's stubs give Element.render() -> str; MacroElement.render() returns None, as here
        def render(self, **kwargs: Any) -> None:  # type: ignore[override]
            figure: Any = self.get_root()  # the branca Figure (header/html/script)
            if self.header_part:
                figure.header.add_child(_Raw.make(self.header_part), name=self.get_name())
            if self.body_part:
                figure.html.add_child(_Raw.make(self.body_part), name=self.get_name())
            if self.script_part:
                figure.script.add_child(_Raw.make(self.script_part), name=self.get_name())
            for child in self._children.values():
                child.render(**kwargs)

    return JokkgeoElement


def _offline_map_class() -> Any:
    folium = _folium()
    folium_map: Any = folium.Map  # folium is imported lazily (a value here, not a module)

    class OfflineMap(folium_map):
        """folium.Map without CDN links (Leaflet is inlined by :func:`web_map`)."""

        default_js: list[tuple[str, str]] = []
        default_css: list[tuple[str, str]] = []

    return OfflineMap


# --- geometry and properties ---------------------------------------------------------


def display_geometries(gdf: gpd.GeoDataFrame, *, simplify_m: float) -> gpd.GeoSeries:
    """Geometries for display: simplified in EPSG:3006, in EPSG:4326, rounded to ~1 m.

    Empty results (features that vanish when simplified) stay empty; callers drop them.

    Parameters
    ----------
    gdf
        A layer in EPSG:3006.
    simplify_m
        Simplification tolerance (m).
    """
    geoms = gdf.geometry.to_numpy()
    if simplify_m > 0:
        lines_or_polys = ~np.isin(shapely.get_type_id(geoms), (0, 4))  # not (Multi)Point
        if lines_or_polys.any():
            geoms = geoms.copy()
            geoms[lines_or_polys] = shapely.simplify(geoms[lines_or_polys], simplify_m, preserve_topology=True)
    series = gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs).to_crs("EPSG:4326")
    rounded = shapely.transform(series.to_numpy(), lambda xy: np.round(xy, DISPLAY_DECIMALS))
    return gpd.GeoSeries(rounded, index=gdf.index, crs="EPSG:4326")


def _display_values(series: pd.Series, language: str) -> list[str]:
    """Escaped display strings for one column (numbers formatted, missing -> '')."""
    if pd.api.types.is_bool_dtype(series):
        yes, no = ("ja", "nej") if language == "sv" else ("yes", "no")
        return [yes if v is True else no if v is False else "" for v in series.tolist()]
    if pd.api.types.is_numeric_dtype(series):
        out = []
        for v in series.tolist():
            if v is None or (isinstance(v, float) and not math.isfinite(v)):
                out.append("")
            else:
                out.append(escape(format_number(v, language, digits=2)))
        return out
    return [escape(v) if not (v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))) else ""
            for v in series.tolist()]


def popup_fields(layer: MapLayer) -> list[tuple[str, str]]:
    """``(field, label)`` pairs shown in popups (see :func:`jokkgeo.render.popups.shown_fields`).

    Parameters
    ----------
    layer
        A vector map layer.
    """
    assert layer.data is not None
    return [(f.field, f.label) for f in shown_fields(layer.style.popup, layer.data, "sv")]


def feature_collection(layer: MapLayer, *, simplify_m: float, language: str = "sv") -> tuple[dict, list[str]]:
    """GeoJSON FeatureCollection (as dict) for one vector layer and the escaped popup labels.

    Properties per feature: ``p`` (escaped popup values, aligned with the labels),
    ``t`` (escaped tooltip) and ``c`` (class colour when the style varies).

    Parameters
    ----------
    layer
        A vector map layer.
    simplify_m
        Simplification tolerance (m).
    language
        ``"sv"`` or ``"en"`` (number format, yes/no).
    """
    assert layer.data is not None
    gdf = layer.data
    geoms = display_geometries(gdf, simplify_m=simplify_m)
    keep = ~(geoms.is_empty | geoms.isna()).to_numpy()
    fields = shown_fields(layer.style.popup, gdf, language)
    cat = layer.style.categorical
    values = [column_strings(gdf, f, language,
                             class_labels={c.value: c.label for c in cat.classes}
                             if cat is not None and cat.field == f.field else None)
              for f in fields]
    tooltip_field = layer.style.tooltip if layer.style.tooltip in gdf.columns else None
    tips = _display_values(gdf[tooltip_field], language) if tooltip_field else None
    colors = layer.style.feature_colors(gdf) if layer.style.varies else None
    geo_json = shapely.to_geojson(geoms.to_numpy()[keep])
    positions = np.flatnonzero(keep)
    features = []
    for geo, i in zip(geo_json, positions, strict=False):
        props: dict[str, Any] = {}
        if fields:
            props["p"] = [col[i] for col in values]
        if tips is not None and tips[i]:
            props["t"] = tips[i]
        if colors is not None:
            props["c"] = colors[i]
        features.append({"type": "Feature", "geometry": json.loads(geo), "properties": props})
    labels = [escape(f.label) for f in fields]
    return {"type": "FeatureCollection", "features": features}, labels


def raster_png(raster: RasterImage, style: LayerStyle) -> tuple[bytes, list[list[float]]]:
    """Classified RGBA PNG of a raster reprojected to Web Mercator, and its lat/lon bounds.

    Classes come from the style's graduated bins, so colours match the legend
    and the static figure. NaN cells are transparent. Returns
    ``(png_bytes, [[south, west], [north, east]])``.

    Parameters
    ----------
    raster
        The raster in EPSG:3006.
    style
        Its graduated style.
    """
    from PIL import Image
    from pyproj import Transformer
    from rasterio.transform import from_bounds
    from rasterio.warp import Resampling, calculate_default_transform, reproject

    values = np.asarray(raster.values, dtype=float)
    rows, cols = values.shape
    grad = style.graduated
    palette = np.asarray(grad.colors if grad else (style.fill_color,), dtype=object)
    if grad is not None:
        idx = np.digitize(values, np.asarray(grad.bins, dtype=float)).astype(np.int16) + 1
    else:
        idx = np.ones(values.shape, dtype=np.int16)
    idx[np.isnan(values)] = 0
    src_transform = from_bounds(*raster.bounds, cols, rows)
    dst_transform, width, height = calculate_default_transform(
        raster.crs, "EPSG:3857", cols, rows, *raster.bounds
    )
    dst = np.zeros((height, width), dtype=np.int16)
    reproject(idx, dst, src_transform=src_transform, src_crs=raster.crs, dst_transform=dst_transform,
              dst_crs="EPSG:3857", resampling=Resampling.nearest, src_nodata=0, dst_nodata=0)
    from matplotlib.colors import to_rgba_array

    lut = np.zeros((len(palette) + 1, 4), dtype=np.uint8)
    lut[1:] = np.round(to_rgba_array(list(palette)) * 255).astype(np.uint8)
    lut[1:, 3] = 255
    rgba = lut[np.clip(dst, 0, len(palette))]
    buf = io.BytesIO()
    Image.fromarray(rgba, mode="RGBA").save(buf, format="PNG", optimize=True)
    west, north = dst_transform.c, dst_transform.f
    east, south = west + dst_transform.a * width, north + dst_transform.e * height
    to_ll = Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)
    (lon0, lon1), (lat0, lat1) = to_ll.transform([west, east], [south, north])
    return buf.getvalue(), [[round(lat0, 6), round(lon0, 6)], [round(lat1, 6), round(lon1, 6)]]


# --- legend and caveat HTML (escaped here) ---------------------------------------------


def _swatch(entry: LegendEntry) -> str:
    c, f = escape(entry.color), escape(entry.fill_color)
    if entry.kind == "line":
        dash = f' stroke-dasharray="{escape(entry.dash_array)}"' if entry.dash_array else ""
        w = min(max(entry.weight, 1.0), 6.0)
        body = f'<line x1="1" y1="8" x2="23" y2="8" stroke="{c}" stroke-width="{w:g}"{dash}/>'
    elif entry.kind == "point":
        body = f'<circle cx="12" cy="8" r="5" fill="{f}" stroke="{c}" stroke-width="1"/>'
    elif entry.kind == "raster":
        body = f'<rect x="1" y="2" width="22" height="12" fill="{f}" fill-opacity="0.8"/>'
    else:
        dash = f' stroke-dasharray="{escape(entry.dash_array)}"' if entry.dash_array else ""
        body = (f'<rect x="1" y="2" width="22" height="12" fill="{f}" fill-opacity="{entry.fill_opacity:g}"'
                f' stroke="{c}" stroke-width="1.5"{dash}/>')
    return f'<svg width="24" height="16" aria-hidden="true">{body}</svg>'


def _unlisted_entries(lay: MapLayer, lang: str) -> list[LegendEntry]:
    """Legend rows for colours the classes do not explain: unlisted categories, missing numbers."""
    style, data = lay.style, lay.data
    if data is None or not len(data):
        return []
    from dataclasses import replace as _replace

    from jokkgeo.render.styles import OTHER_COLOR

    base = style.legend_entries()[0]
    if style.categorical is not None and style.categorical.field in data.columns:
        cat = style.categorical
        listed = data[cat.field].isin([c.value for c in cat.classes])
        if not bool(listed.all()):
            colour = cat.other_color
            outline = colour if style.kind in ("line", "raster") else base.color
            return [_replace(base, label=cat.other_label, color=outline, fill_color=colour)]
    if style.graduated is not None and style.graduated.field in data.columns:
        missing = pd.to_numeric(data[style.graduated.field], errors="coerce").isna()
        if bool(missing.any()):
            outline = OTHER_COLOR if style.kind in ("line", "raster") else base.color
            return [_replace(base, label=text("popup.no_value", lang), color=outline,
                             fill_color=OTHER_COLOR)]
    return []


def layer_key(index: int) -> str:
    """The id used in HTML for the ``index``-th layer (never derived from data).

    Parameters
    ----------
    index
        Position of the layer in legend order.
    """
    return f"l{index}"


def legend_html(doc: MapDocument, element_id: str, *, keys: Sequence[str] | None = None,
                hidden: bool = True) -> str:
    """The legend box: one section per layer in legend order, entries from the styles.

    ``keys`` (default ``l0, l1, ...``) are the ``data-jg-layer`` values of the sections; a
    space-separated list ties one section to several layers (shown while any of them is on).
    ``hidden`` boxes are shown by the runtime once placed on the map.

    Parameters
    ----------
    doc
        The map document.
    element_id
        HTML id of the box.
    keys
        Layer key per legend section.
    hidden
        Start hidden until the runtime places the box.
    """
    lang = doc.language
    display = ' style="display:none"' if hidden else ""
    parts = [f'<div class="jg-box jg-legend" id="{element_id}"{display}>',
             f'<div class="jg-h">{escape(text("legend", lang))}</div><div class="jg-body">']
    _, refs = caveat_items(doc)
    for i, lay in enumerate(doc.layers):
        flags = ""
        layer_refs = refs.get(i, {})
        for flag in ("illustrative", "restricted"):
            if getattr(lay, flag):
                target = layer_refs.get(flag)
                ref = f' data-jg-caveat="jg-cav-{target}" href="#jg-cav-{target}"' if target is not None else ""
                flags += (f'<a class="jg-flag jg-flag-{flag}"{ref} role="button">'
                          f'{escape(text(flag, lang))}<span class="jg-i" aria-hidden="true">i</span></a>')
        key = layer_key(i) if keys is None else keys[i]
        parts.append(f'<div class="jg-legend-layer" data-jg-layer="{escape(key)}">')
        entries = lay.style.legend_entries()
        if len(entries) == 1 and entries[0].label == lay.title:
            # single symbol named like the layer: one row, symbol beside the title
            parts.append(f'<div class="jg-row jg-legend-title">{_swatch(entries[0])}'
                         f'<span>{escape(lay.title)}{flags}</span></div></div>')
            continue
        parts.append(f'<div class="jg-legend-title">{escape(lay.title)}{flags}</div>')
        for entry in [*entries, *_unlisted_entries(lay, lang)]:
            parts.append(f'<div class="jg-row">{_swatch(entry)}<span>{escape(entry.label)}</span></div>')
        parts.append("</div>")
    parts.append("</div></div>")
    return "".join(parts)


def caveat_items(doc: MapDocument) -> tuple[list[str], dict[int, dict[str, int]]]:
    """The caveat lines of a map (each once) and, per layer, the line its badges open.

    Returns ``(lines, refs)``: ``lines`` as :meth:`MapDocument.caveat_lines`; ``refs[i]`` maps
    ``"illustrative"``/``"restricted"`` of layer ``i`` to the index of its own caveat, else of
    the general illustrative/restricted note.

    Parameters
    ----------
    doc
        The map document.
    """
    lines = doc.caveat_lines()
    lang = doc.language
    index = {line: k for k, line in enumerate(lines)}

    def note(flag: str) -> int | None:
        head = f"{text(flag, lang)}: "
        return next((k for k, line in enumerate(lines) if line.startswith(head)), None)

    refs: dict[int, dict[str, int]] = {}
    for i, lay in enumerate(doc.layers):
        own = index.get(lay.caveat) if lay.caveat else None
        entry = {}
        for flag in ("illustrative", "restricted"):
            if getattr(lay, flag):
                target = own if own is not None else note(flag)
                if target is not None:
                    entry[flag] = target
        if entry:
            refs[i] = entry
    return lines, refs


def caveat_html(doc: MapDocument, element_id: str, *, hidden: bool = True) -> str:
    """The caveat and attribution box (always shown; folds to its heading).

    Every caveat appears once, as ``<li id="jg-cav-<n>">``; the legend's badges open it.

    Parameters
    ----------
    doc
        The map document.
    element_id
        HTML id of the box.
    hidden
        Start hidden until the runtime places the box.
    """
    lang = doc.language
    display = ' style="display:none"' if hidden else ""
    lines, _ = caveat_items(doc)
    items = "".join(f'<li id="jg-cav-{k}">{escape(line)}</li>' for k, line in enumerate(lines))
    sources = "; ".join(escape(a) for a in doc.attribution_lines())
    count = f'<span class="jg-count"> ({len(lines)})</span>' if lines else ""
    return (
        f'<div class="jg-box jg-caveats" id="{element_id}"{display}>'
        f'<div class="jg-h">{escape(text("caveats", lang))}{count}</div><div class="jg-body"><ul>{items}</ul>'
        f'<div class="jg-sources"><b>{escape(text("sources", lang))}:</b> {sources}. '
        f'{escape(text("crs", lang))}. {escape(text("made_with", lang))}.</div></div></div>'
    )


def summary_html(lines: Sequence[str], language: str) -> str:
    """The "what changed" box of a comparison page (empty when there is nothing to say).

    Parameters
    ----------
    lines
        One change per line (escaped here).
    language
        ``"sv"`` or ``"en"``.
    """
    if not lines:
        return ""
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return (f'<div class="jg-box jg-summary" id="jg-summary"><div class="jg-h">'
            f'{escape(text("popup.what_changed", language))}</div><div class="jg-body"><ul>{items}</ul></div></div>')


def title_html(doc: MapDocument, element_id: str) -> str:
    """The title box (title and description) of a map, hidden until placed.

    Parameters
    ----------
    doc
        The map document.
    element_id
        HTML id of the box.
    """
    sub = f'<div class="jg-sub">{escape(doc.description)}</div>' if doc.description else ""
    return f'<div class="jg-box jg-title" id="{element_id}" style="display:none">{escape(doc.title)}{sub}</div>'


# --- the map -------------------------------------------------------------------------


def _bounds_latlon(extent: tuple[float, float, float, float]) -> list[list[float]]:
    from pyproj import Transformer

    xmin, ymin, xmax, ymax = extent
    tr = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)
    xs = [xmin, xmax, xmin, xmax, (xmin + xmax) / 2, (xmin + xmax) / 2]
    ys = [ymin, ymin, ymax, ymax, ymin, ymax]
    lons, lats = tr.transform(xs, ys)
    return [[round(min(lats), 5), round(min(lons), 5)], [round(max(lats), 5), round(max(lons), 5)]]


def _style_json(style: LayerStyle) -> dict[str, Any]:
    return {
        "color": style.color,
        "fillColor": style.fill_color,
        "weight": style.weight,
        "opacity": style.opacity,
        "fillOpacity": style.fill_opacity if style.kind != "line" else 0.0,
        "radius": style.radius,
        "dashArray": style.dash_array,
    }


def _tool_helpers() -> dict[str, Any]:
    """What :mod:`jokkgeo.render.web_tools` needs from this module (it does not import it)."""
    return {"encode": script_json, "geometries": display_geometries, "style": _style_json}


def _assign_ids(root: Any) -> None:
    """Replace branca's random element ids with a deterministic sequence (tree order)."""
    counter = 0

    def walk(el: Any) -> None:
        nonlocal counter
        el._id = str(counter)
        counter += 1
        for child in el._children.values():
            walk(child)

    walk(root)


def layer_scripts(doc: MapDocument, map_name: str, *, prefix: str = "l") -> list[tuple[str, str]]:
    """``(key, script)`` per layer, bottom first: the JS that adds each layer to ``map_name``.

    Keys are ``f"{prefix}{legend index}"`` (deterministic, never derived from data).

    Parameters
    ----------
    doc
        The map document.
    map_name
        JavaScript variable of the Leaflet map.
    prefix
        Prefix of the layer keys.
    """
    lang = doc.language
    legend_index = {id(lay): i for i, lay in enumerate(doc.layers)}
    out = []
    for lay in doc.drawing_order():  # bottom first; the control lists them in legend order
        i = legend_index[id(lay)]
        key = f"{prefix}{i}"
        cfg: dict[str, Any] = {
            "id": key,
            "order": i,
            "layerId": lay.id,
            "title": lay.title,
            "titleHtml": escape(lay.title),
            "group": lay.group,
            "show": bool(lay.show),
            "kind": lay.style.kind,
        }
        if lay.raster is not None:
            png, ll_bounds = raster_png(lay.raster, lay.style)
            cfg.update(url="data:image/png;base64," + base64.b64encode(png).decode("ascii"),
                       bounds=ll_bounds, opacity=lay.style.fill_opacity)
            script = f"jokkgeo.image({map_name},{script_json(cfg)});"
        else:
            data, labels = feature_collection(lay, simplify_m=doc.simplify_m, language=lang)
            cfg.update(style=_style_json(lay.style), fields=labels)
            script = f"jokkgeo.vector({map_name},{script_json(cfg)},{script_json(data)});"
        out.append((key, script))
    return out


def _finish_config(doc: MapDocument, bounds: list[list[float]], *, legend_id: str | None,
                   caveat_id: str | None, title_id: str | None, tools: tuple[str, ...] = TOOLS) -> dict[str, Any]:
    lang = doc.language
    tool_cfg = tools_config(doc, tools=tools)  # tiles, tools and their texts (jokkgeo.render.web_tools)
    tool_text = tool_cfg.pop("toolText")
    return {
        "bounds": bounds,
        "legendId": legend_id,
        "caveatId": caveat_id,
        "titleId": title_id,
        "prefix": "Leaflet | jokkgeo",
        "layersOpen": False,
        **tool_cfg,
        "text": {
            "layers": text("layers", lang),
            "background": text("background", lang),
            "noBackground": text("no_background", lang),
            **tool_text,
            "here": text("popup.here", lang),
        },
    }


def web_map(doc: MapDocument) -> Any:
    """Build a self-contained folium map from a :class:`MapDocument`.

    Parameters
    ----------
    doc
        Title, layers (EPSG:3006), extent, caveats and language.

    Returns
    -------
    folium.Map
        Render with :func:`render_html` (or ``m.get_root().render()``) and save
        with :func:`save_html`. Layers are grouped by ``MapLayer.group`` in the
        layer control; only the map's own layers are on when it opens.

    Examples
    --------
    >>> html = render_html(web_map(doc))  # doctest: +SKIP
    """
    folium = _folium()
    element_cls = _element_class()
    bounds = _bounds_latlon(doc.full_extent())
    centre = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    figure = folium.Figure(title=escape(doc.title))
    fmap = _offline_map_class()(location=centre, zoom_start=7, tiles=None, prefer_canvas=True,
                                control_scale=False)
    figure.add_child(fmap)
    fmap._id = "jokkgeo"
    css, js = inline_assets()
    figure.header.add_child(_Raw.make(f"<style>{css}</style>\n<script>{js}</script>"), name="jokkgeo_assets")
    map_name = "map_jokkgeo"

    # background first (own pane under every layer), then the layers, their raster values, the labels
    for i, script in enumerate(context_scripts(doc, map_name, **_tool_helpers())):
        fmap.add_child(element_cls(f"context_{i}", script=script), name=f"context_{i}")
    for key, script in layer_scripts(doc, map_name):
        fmap.add_child(element_cls(f"layer_{key}", script=script), name=f"layer_{key}")
    extra = [*raster_scripts(doc, map_name, encode=script_json), labels_script(doc, map_name, encode=script_json)]
    fmap.add_child(element_cls("context_labels", script="\n".join(s for s in extra if s)), name="context_labels")

    finish = _finish_config(doc, bounds, legend_id="jg-legend", caveat_id="jg-caveats", title_id="jg-title")
    body = title_html(doc, "jg-title") + legend_html(doc, "jg-legend") + caveat_html(doc, "jg-caveats")
    fmap.add_child(element_cls("chrome", body=body, script=f"jokkgeo.finish({map_name},{script_json(finish)});"),
                   name="chrome")
    _assign_ids(figure)
    fmap._id = "jokkgeo"
    return fmap


def _legend_key(lay: MapLayer) -> str:
    return repr((lay.title, lay.illustrative, lay.restricted, lay.style.legend_entries()))


def merge_documents(docs: Sequence[MapDocument], *, title: str, description: str = "",
                    extent: tuple[float, float, float, float] | None = None) -> tuple[MapDocument, list[list[str]]]:
    """One document for the shared legend and caveat box of several maps.

    Layers with the same title, flags and legend entries are listed once. Returns the
    document and, per layer, the keys ``p{pane}l{index}`` of the layers it stands for.
    Caveats are the documents' caveats in order without repeats; language follows
    the first document.

    Parameters
    ----------
    docs
        The documents of the maps, in pane order.
    title
        Title of the merged document.
    description
        Its description.
    extent
        Its extent (default: the union of the documents' extents).
    """
    shared: list[MapLayer] = []
    keys: list[list[str]] = []
    seen: dict[str, int] = {}
    for j, doc in enumerate(docs):
        for i, lay in enumerate(doc.layers):
            k = _legend_key(lay)
            if k not in seen:
                seen[k] = len(shared)
                shared.append(lay)
                keys.append([])
            keys[seen[k]].append(f"p{j}l{i}")
    combined = MapDocument(id="panes", title=title, layers=shared, extent=extent, description=description,
                           caveats=list(dict.fromkeys(c for d in docs for c in d.caveats)),
                           language=docs[0].language)
    return combined, keys


def synced_maps_html(docs: Sequence[MapDocument], *, title: str, description: str = "",
                     pane_titles: Sequence[str] | None = None, summary: Sequence[str] = ()) -> str:
    """One self-contained page with the documents side by side as synchronised Leaflet maps.

    Each document becomes a pane (left to right) with its own title strip
    (``pane_titles``, default each document's title) and layer control; moving or
    zooming one map moves the others (``jokkgeo.sync``, plain Leaflet events with a
    guard against feedback loops). One legend (layers of all panes, identical
    sections listed once) and one caveat box sit in a column beside the maps. Same
    guarantees as :func:`web_map`: offline (Leaflet inlined), data only as escaped
    JSON, text HTML-escaped, no template pass, deterministic ids (``jokkgeo_p0``,
    ``jokkgeo_p1``, ...; layer keys ``p0l0``, ...). All panes open on the union of
    the documents' extents. Language, simplification and online basemaps follow
    the first document.

    Parameters
    ----------
    docs
        Two or more map documents (layers in EPSG:3006).
    title, description
        Page heading (escaped here).
    pane_titles
        Title strip of each pane.
    summary
        What changed, one line each: a box above the legend (escaped here).

    Returns
    -------
    str
        The complete HTML page.
    """
    if len(docs) < 2:
        raise ValueError("synced_maps_html needs at least two documents; use web_map for one")
    titles = list(pane_titles) if pane_titles is not None else [d.title for d in docs]
    if len(titles) != len(docs):
        raise ValueError("give one pane title per document")
    extents = np.asarray([d.full_extent() for d in docs])
    extent = (float(extents[:, 0].min()), float(extents[:, 1].min()),
              float(extents[:, 2].max()), float(extents[:, 3].max()))
    bounds = _bounds_latlon(extent)

    combined, keys = merge_documents(docs, title=title, description=description, extent=extent)
    css, js = inline_assets()
    panes, scripts = [], []
    for j, (doc, pane_title) in enumerate(zip(docs, titles, strict=True)):
        container, name = f"jokkgeo_p{j}", f"map_p{j}"
        panes.append(f'<section class="jg-pane"><div class="jg-pane-title" id="jg-pane-title-{j}"'
                     f' title="{escape(pane_title)}">'
                     f'{escape(pane_title)}</div><div class="jg-pane-map folium-map" id="{container}"></div></section>')
        centre = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
        opts = {"center": centre, "zoom": 7, "preferCanvas": True, "zoomControl": True}
        scripts.append(f"var {name} = L.map({script_json(container)},{script_json(opts)});")
        scripts.extend(context_scripts(doc, name, prefix=f"p{j}c", **_tool_helpers()))
        scripts.extend(script for _, script in layer_scripts(doc, name, prefix=f"p{j}l"))
        scripts.extend(s for s in (*raster_scripts(doc, name, prefix=f"p{j}l", encode=script_json),
                                   labels_script(doc, name, encode=script_json)) if s)
        pane_tools = tuple(t for t in TOOLS if t != "minimap" and (t != "hash" or j == 0))
        finish = {**_finish_config(doc, bounds, legend_id=None, caveat_id=None, title_id=None, tools=pane_tools),
                  "animate": False}
        scripts.append(f"jokkgeo.finish({name},{script_json(finish)});")
    scripts.append(f"jokkgeo.sync([{','.join(f'map_p{j}' for j in range(len(docs)))}]);")
    scripts.append("jokkgeo.page();")
    sub = f'<div class="jg-sub">{escape(description)}</div>' if description else ""
    body = (
        f'<div class="jg-page"><header class="jg-page-title" id="jg-title">{escape(title)}{sub}</header>'
        f'<div class="jg-panes">{"".join(panes)}<aside class="jg-side">'
        f'{summary_html(summary, docs[0].language)}'
        f'{legend_html(combined, "jg-legend", keys=[" ".join(k) for k in keys], hidden=False)}'
        f'{caveat_html(combined, "jg-caveats", hidden=False)}</aside></div></div>'
    )
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        '<meta http-equiv="content-type" content="text/html; charset=UTF-8" />\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0" />\n'
        f"<title>{escape(title)}</title>\n<style>{css}</style>\n<script>{js}</script>\n</head>\n"
        f'<body class="jg-panes-page">\n{body}\n<script>\n' + "\n".join(scripts) + "\n</script>\n</body>\n</html>\n"
    )


def with_back_link(page: str, href: str, label: str) -> str:
    """The page with a link back (e.g. to the report's front page) at the top of ``<body>``.

    Parameters
    ----------
    page
        A complete HTML page (:func:`render_html`, :func:`synced_maps_html`).
    href
        Target of the link (relative, e.g. ``"../index.html"``).
    label
        Link text (escaped here).
    """
    import re

    link = f'<a class="jg-back" href="{escape(href)}">{escape(label)}</a>'
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + link, page, count=1)


def render_html(fmap: Any) -> str:
    """The complete HTML page of a map built by :func:`web_map`.

    Parameters
    ----------
    fmap
        The folium map.
    """
    return fmap.get_root().render()
