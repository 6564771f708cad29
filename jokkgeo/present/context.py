"""The geographic context of a study's maps: background layers and place labels from the catalogue.

:func:`map_context` gathers, for one run's :class:`~jokkgeo.study.store.LayerStore`:

* every catalogue layer of theme ``context`` (default study: Natural Earth lakes, sea and coast;
  a user's Lantmäteriet or OSM water layer with ``theme: context`` takes their place), drawn
  under the analysis layers of every map and not listed in the legend;
* permanent place labels from the point layers of theme ``settlements`` (column ``name``):
  tätorter and regional centres always, villages at closer zooms, with the Sámi name where the
  layer has one (``name_smj``, ``name_sme``, ``name_sju``, ``name_sma``: "Jokkmokk / Jåhkåmåhkke");
* the recipe's tile backgrounds (:class:`~jokkgeo.config.recipes.BasemapSpec`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from jokkgeo.config.recipes import BasemapSpec
from jokkgeo.i18n import SAMI_NAME_COLUMNS
from jokkgeo.render.context import MapContext, PlaceLabel
from jokkgeo.render.document import layer_from_spec

MAIN_PLACE_KINDS: frozenset[str] = frozenset({"tatort", "regional_centre", "town", "city"})
"""``kind`` values labelled at every zoom (other places from zoom 9)."""


def place_labels(gdf: Any) -> list[PlaceLabel]:
    """Labels of a settlements layer (EPSG:3006 points with ``name``; ``kind`` and Sámi names optional).

    Places without ``kind`` count as main places. Rows without a name are skipped; a name is
    labelled once.

    Parameters
    ----------
    gdf
        The settlements GeoDataFrame.
    """
    if gdf is None or gdf.empty or "name" not in gdf.columns:
        return []
    points = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    points = points[points.geometry.geom_type == "Point"]
    names = points["name"].astype("string").fillna("").str.strip()
    local = pd.Series([""] * len(points), index=points.index, dtype="string")
    for col in SAMI_NAME_COLUMNS:
        if col in points.columns:
            vals = points[col].astype("string").fillna("").str.strip()
            local = local.where(local != "", vals)
    kinds = points["kind"].astype("string").fillna("") if "kind" in points.columns else None
    rank = np.zeros(len(points), dtype=int) if kinds is None else np.where(
        kinds.isin(MAIN_PLACE_KINDS) | (kinds == ""), 0, 1)
    xs, ys = points.geometry.x.to_numpy(), points.geometry.y.to_numpy()
    out: list[PlaceLabel] = []
    seen: set[str] = set()
    for i, name in enumerate(names.tolist()):
        if not name or name in seen:
            continue
        seen.add(name)
        out.append(PlaceLabel.of(name, local.iloc[i] or None, xs[i], ys[i], int(rank[i])))
    return out


def map_context(store: Any, *, language: str = "sv", basemap: BasemapSpec | None = None,
                exclude: Iterable[str] = ()) -> MapContext:
    """Context layers, place labels and tile backgrounds for the maps of one run.

    Restricted layers are skipped in public runs (``store.allowed``); layers in ``exclude``
    (already on the map as ordinary layers) are not repeated as context layers (settlements
    on the map still give the labels).

    Parameters
    ----------
    store
        The run's :class:`~jokkgeo.study.store.LayerStore`.
    language
        ``"sv"`` or ``"en"`` (layer titles in the layer control).
    basemap
        The recipe's tile backgrounds (default: none shown, OpenStreetMap offered).
    exclude
        Layer ids not to draw as context.
    """
    skip = set(exclude)
    layers = []
    labels: list[PlaceLabel] = []
    for lid in store.catalogue:
        spec = store.catalogue[lid]
        if spec.geometry_type == "Raster":
            continue
        if spec.theme == "context" and lid not in skip and store.allowed(lid):
            layers.append(layer_from_spec(spec, store.layer(lid), language=language))
        elif spec.theme == "settlements" and spec.geometry_type == "Point" and store.allowed(lid):
            known = {lab.text.split(" / ")[0] for lab in labels}
            labels.extend(lab for lab in place_labels(store.layer(lid)) if lab.text.split(" / ")[0] not in known)
    return MapContext(layers=layers, labels=labels, basemap=basemap or BasemapSpec())


__all__ = ["MAIN_PLACE_KINDS", "map_context", "place_labels"]
