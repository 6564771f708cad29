"""Map tools and geographic context of the web maps (wiring for :mod:`jokkgeo.render.web`).

Everything here keeps the maps' guarantees: no network needed (the tools are plain Leaflet code
written for jokkgeo in ``assets/jokkgeo-tools.js``/``.css`` and inlined like Leaflet), data only as
escaped JSON inside ``<script>``, text HTML-escaped in Python, the same bytes for the same inputs.

* **Context** (``doc.context``, :mod:`jokkgeo.render.context`): background layers drawn in their
  own pane under every analysis layer and listed under *Bakgrund* (not in the legend); permanent
  place labels (main places always, villages from zoom 9); tile backgrounds from the recipe's
  ``basemap:`` (none shown by default; OpenStreetMap offered; a background that cannot load is
  switched off with a note, so the page stays usable offline).
* **Tools**: fullscreen, scale bar, coordinate readout in SWEREF 99 TM (Lantmäteriet's
  Gauss-Krüger series in JavaScript, mm-exact; checked against pyproj in the tests), measuring
  distance and area (planar in SWEREF 99 TM), searching the named features of the map's layers and
  the place labels, an overview map, a link that restores the view (URL hash ``#zoom/lat/lon``),
  printing the current view on one page, and raster layers (influence surfaces) that answer a click
  with their value (a coarse value grid in EPSG:3006 beside the image).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from jokkgeo.i18n import text
from jokkgeo.render.context import LABEL_MIN_ZOOM, context_layers

_ASSETS = Path(__file__).resolve().parent / "assets"
OSM_TILES: dict[str, Any] = {
    "id": "osm",
    "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "attribution": "&copy; OpenStreetMap contributors (ODbL)",
    "maxZoom": 19,
}
"""OpenStreetMap's standard tiles (offered, not shown, unless the recipe says ``basemap: {osm: false}``)."""
TOOLS: tuple[str, ...] = ("fullscreen", "search", "measure", "minimap", "hash", "print", "coordinates")
"""Tools of a single map (side-by-side panes leave out the overview map; only the first keeps the link)."""
RASTER_GRID_CELLS = 160
"""Largest side (cells) of the value grid kept for raster click values."""
MINIMAP_OPEN_WIDTH = 1000
"""The overview map opens by itself in windows at least this wide (px); narrower: behind its button."""


@lru_cache(maxsize=1)
def tool_assets() -> tuple[str, str]:
    """``(css, js)`` of the map tools, ready to inline after Leaflet and the jokkgeo runtime."""
    css = (_ASSETS / "jokkgeo-tools.css").read_text(encoding="utf-8")
    js = (_ASSETS / "jokkgeo-tools.js").read_text(encoding="utf-8")
    return css, js


def _escape(value: Any) -> str:
    import html

    return html.escape(str(value), quote=True)


Encode = Callable[[Any], str]
"""``value -> JSON safe inside <script>`` (:func:`jokkgeo.render.web.script_json`, passed in by ``web``)."""


def context_scripts(doc: Any, map_name: str, *, encode: Encode, geometries: Callable[..., Any],
                    style: Callable[[Any], dict[str, Any]], prefix: str = "c") -> list[str]:
    """JS adding the document's context layers to ``map_name`` (bottom first, before any layer).

    Geometry only (no attributes), simplified like the document's layers (at least 100 m).
    :mod:`jokkgeo.render.web` passes its encoder, display geometries and style conversion.

    Parameters
    ----------
    doc
        The map document (its ``context``).
    map_name
        JavaScript variable of the Leaflet map.
    encode
        JSON encoder safe inside ``<script>``.
    geometries
        ``(gdf, simplify_m=...) -> GeoSeries`` in EPSG:4326 for display.
    style
        ``LayerStyle -> dict`` of Leaflet path options.
    prefix
        Prefix of the context layer keys.
    """
    _json, display_geometries, _style_json = encode, geometries, style
    out = []
    for i, lay in enumerate(context_layers(doc)):
        if lay.data is None or lay.data.empty:
            continue
        geoms = display_geometries(lay.data, simplify_m=max(doc.simplify_m, 100.0))
        keep = ~(geoms.is_empty | geoms.isna()).to_numpy()
        features = [{"type": "Feature", "geometry": json.loads(g), "properties": {}}
                    for g in shapely.to_geojson(geoms.to_numpy()[keep])]
        cfg = {"id": f"{prefix}{i}", "title": lay.title, "style": _style_json(lay.style)}
        out.append(f"jokkgeo.context({map_name},{_json(cfg)},"
                   f"{_json({'type': 'FeatureCollection', 'features': features})});")
    return out


def labels_script(doc: Any, map_name: str, *, encode: Encode) -> str | None:
    """JS writing the document's place labels on ``map_name`` (escaped text), or ``None`` without labels.

    Parameters
    ----------
    doc
        The map document (its ``context.labels``).
    map_name
        JavaScript variable of the Leaflet map.
    encode
        JSON encoder safe inside ``<script>``.
    """
    labels = doc.context.labels
    if not labels:
        return None
    from pyproj import Transformer

    tr = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)
    lons, lats = tr.transform([lab.x for lab in labels], [lab.y for lab in labels])
    items = [[round(float(la), 5), round(float(lo), 5), _escape(lab.text), int(min(lab.rank, len(LABEL_MIN_ZOOM) - 1))]
             for lab, la, lo in zip(labels, np.atleast_1d(lats), np.atleast_1d(lons), strict=True)]
    cfg = {"items": items, "minZoom": list(LABEL_MIN_ZOOM), "title": text("tools.place_labels", doc.language)}
    return f"jokkgeo.labels({map_name},{encode(cfg)});"


def tile_sources(doc: Any) -> tuple[list[dict[str, Any]], str]:
    """The tile backgrounds offered (``[{id, title, url, attribution, maxZoom}]``) and the one shown first.

    The attribution of a recipe's tile source is HTML-escaped (Leaflet writes it as HTML);
    OpenStreetMap's is fixed text. Without ``doc.online_basemaps`` no tiles are offered.

    Parameters
    ----------
    doc
        The map document (``online_basemaps``, ``context.basemap``).
    """
    lang = doc.language
    spec = doc.context.basemap
    if not doc.online_basemaps:
        return [], "none"
    tiles: list[dict[str, Any]] = []
    if spec.osm:
        tiles.append({**OSM_TILES, "title": text("osm", lang)})
    for t in spec.tiles:
        tiles.append({"id": t.id, "title": t.label(lang), "url": t.url, "attribution": _escape(t.attribution),
                      "maxZoom": t.max_zoom})
    ids = {t["id"] for t in tiles}
    return tiles, spec.default if spec.default in ids else "none"


def _significant(values: np.ndarray, digits: int = 3) -> np.ndarray:
    """Round to ``digits`` significant digits (NaN stays NaN)."""
    out = np.array(values, dtype=float)
    finite = np.isfinite(out) & (out != 0)
    mags = np.floor(np.log10(np.abs(out[finite])))
    scale = 10.0 ** (digits - 1 - mags)
    out[finite] = np.round(out[finite] * scale) / scale
    return out


def raster_grid(raster: Any, *, max_cells: int = RASTER_GRID_CELLS, language: str = "sv") -> dict[str, Any]:
    """A coarse value grid of a raster for click values: every k-th cell so no side exceeds ``max_cells``.

    Returns ``{x0, y1, dx, dy, cols, rows, v, digits, note}`` in EPSG:3006 (``v`` row-major from the
    north edge, 3 significant digits, ``null`` for no data); the value of a click is the cell's
    centre sample, said in ``note``.

    Parameters
    ----------
    raster
        A :class:`~jokkgeo.render.document.RasterImage` in EPSG:3006.
    max_cells
        Largest number of cells along a side.
    language
        ``"sv"`` or ``"en"`` (the note).
    """
    values = np.asarray(raster.values, dtype=float)
    rows, cols = values.shape
    xmin, ymin, xmax, ymax = raster.bounds
    step = max(1, int(np.ceil(max(rows, cols) / max_cells)))
    # the centre cell of each k x k block stands for the block
    off = step // 2
    sample = values[off::step, off::step]
    srows, scols = sample.shape
    dx = (xmax - xmin) / cols * step
    dy = (ymax - ymin) / rows * step
    rounded = _significant(sample)
    flat = [None if not np.isfinite(v) else (int(v) if float(v).is_integer() else float(v))
            for v in rounded.ravel().tolist()]
    cell_km = max(dx, dy) / 1000.0
    from jokkgeo.i18n import format_number

    return {"x0": round(float(xmin), 3), "y1": round(float(ymax), 3), "dx": round(float(dx), 3),
            "dy": round(float(dy), 3), "cols": int(scols), "rows": int(srows), "v": flat, "digits": 2,
            "note": text("tools.value_note", language, cell=format_number(cell_km, language, digits=1))}


def raster_scripts(doc: Any, map_name: str, *, encode: Encode, prefix: str = "l") -> list[str]:
    """JS giving each raster layer of ``doc`` its click-value grid (keys as :func:`jokkgeo.render.web.layer_scripts`).

    Parameters
    ----------
    doc
        The map document.
    map_name
        JavaScript variable of the Leaflet map.
    encode
        JSON encoder safe inside ``<script>``.
    prefix
        Prefix of the layer keys.
    """
    out = []
    for i, lay in enumerate(doc.layers):
        if lay.raster is not None:
            grid = raster_grid(lay.raster, language=doc.language)
            out.append(f"jokkgeo.rasterValues({map_name},{encode(f'{prefix}{i}')},{encode(grid)});")
    return out


def tools_config(doc: Any, *, tools: tuple[str, ...] = TOOLS) -> dict[str, Any]:
    """The part of ``jokkgeo.finish``'s configuration the tools read: tiles, texts, language, tools on.

    Parameters
    ----------
    doc
        The map document.
    tools
        The tools to put on the map (names from :data:`TOOLS`).
    """
    lang = doc.language
    tiles, default = tile_sources(doc)
    keys = {
        "tilesFailed": "tools.tiles_failed", "fullscreen": "tools.fullscreen", "print": "tools.print",
        "link": "tools.link", "linkCopied": "tools.link_copied", "measure": "tools.measure",
        "measureHint": "tools.measure_hint", "measureClear": "tools.measure_clear", "distance": "tools.distance",
        "area": "tools.area", "search": "tools.search", "searchNone": "tools.search_none",
        "minimap": "tools.minimap", "coordinates": "tools.coordinates", "value": "tools.value",
        "noValue": "tools.no_value",
    }
    return {
        "tiles": tiles,
        "defaultBase": default,
        "lang": lang,
        "tools": {name: name in tools for name in TOOLS},
        "minimapOpenWidth": MINIMAP_OPEN_WIDTH,
        "toolText": {k: text(v, lang) for k, v in keys.items()},
    }


__all__ = ["Encode", "MINIMAP_OPEN_WIDTH", "OSM_TILES", "RASTER_GRID_CELLS", "TOOLS", "context_scripts",
           "labels_script", "raster_grid", "raster_scripts", "tile_sources", "tool_assets", "tools_config"]
