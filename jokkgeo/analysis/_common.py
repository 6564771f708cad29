"""Shared helpers of the conflict analyses: input layers, CRS check, ids, labels, caveats.

Analyses take layers as a mapping ``layer id -> GeoDataFrame`` or ``layer id ->
LoadedLayer`` (from :func:`jokkgeo.io.vector.read_layer`, which carries the
layer spec). Specs give themes (for theme selectors), and the illustrative and
restricted flags that decide which caveats a result carries.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from jokkgeo.config.layers import LayerSpec
from jokkgeo.errors import AnalysisError, CRSError
from jokkgeo.settings import WORKING_CRS

ID_FIELDS: tuple[str, ...] = ("site_id", "area_id", "route_id", "osmid", "id", "fid")
"""Columns tried, in order, as a layer's stable feature id (first unique, non-null one)."""
LABEL_FIELDS: tuple[str, ...] = ("sameby", "name", "ref", "site_id", "area_id", "route_id")
"""Columns tried, in order, as a human-readable label of a feature."""

REINDEER_CAVEAT = {
    "sv": (
        "Renskötselns markanvändningsdata beskriver ett idealiserat normalår; områden som inte visas "
        "kan vara avgörande vissa år. Underlaget ska användas i dialog med samebyn och samråd med "
        "berörd sameby krävs alltid (Sametinget, RiM)."
    ),
    "en": (
        "Reindeer-husbandry land-use data describe an idealised normal year; areas not shown can be "
        "decisive in some years. Use the data in dialogue with the sameby; consultation (samråd) with "
        "the sameby concerned is always required (Sametinget, RiM)."
    ),
}
ILLUSTRATIVE_CAVEAT = {
    "sv": "Illustrativa (schematiska) data, inte verkliga gränser eller leder: {layers}.",
    "en": "Illustrative (schematic) data, not real boundaries or routes: {layers}.",
}


@dataclass(frozen=True)
class InputLayer:
    """One analysis input: features in EPSG:3006 with their spec (may be ``None``)."""

    id: str
    gdf: gpd.GeoDataFrame
    spec: LayerSpec | None

    @property
    def theme(self) -> str | None:
        return self.spec.theme if self.spec is not None else None


def available_cores() -> int:
    """CPU cores this process may run on (``os.sched_getaffinity``, else ``os.cpu_count()``; at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not available on this platform
        return max(1, os.cpu_count() or 1)


def check_crs(gdf: gpd.GeoDataFrame, what: str) -> None:
    """Refuse a GeoDataFrame whose CRS is missing, geographic or not EPSG:3006."""
    if gdf.crs is None:
        raise CRSError(
            f"{what}: the layer has no CRS; analyses need {WORKING_CRS} (SWEREF 99 TM). "
            f"Set it with gdf.set_crs(...) and reproject with gdf.to_crs('{WORKING_CRS}')."
        )
    crs = CRS.from_user_input(gdf.crs)
    if crs.is_geographic or not crs.equals(CRS.from_user_input(WORKING_CRS)):
        raise CRSError(
            f"{what}: CRS is {crs.to_string()}, analyses need {WORKING_CRS} (SWEREF 99 TM, metres); "
            f"reproject with gdf.to_crs('{WORKING_CRS}') or load it with jokkgeo.io.vector.read_layer."
        )


def as_inputs(
    layers: Mapping[str, Any], specs: Mapping[str, LayerSpec] | None = None
) -> dict[str, InputLayer]:
    """Normalise a mapping of GeoDataFrames or LoadedLayers into :class:`InputLayer` objects."""
    out: dict[str, InputLayer] = {}
    for lid, value in layers.items():
        if isinstance(value, gpd.GeoDataFrame):
            gdf, spec = value, None
        elif hasattr(value, "gdf"):
            gdf, spec = value.gdf, getattr(value, "spec", None)
        else:
            raise AnalysisError(
                f"layer '{lid}': expected a GeoDataFrame or a LoadedLayer, got {type(value).__name__}"
            )
        if spec is None and specs is not None and lid in specs:
            spec = specs[lid]
        check_crs(gdf, f"layer '{lid}'")
        out[str(lid)] = InputLayer(str(lid), gdf, spec)
    return out


def feature_ids(gdf: gpd.GeoDataFrame) -> tuple[pd.Series, str]:
    """Stable text ids of a layer's features and the column they came from.

    The first of :data:`ID_FIELDS` that is present, complete and unique is used
    (so ids survive re-ordering between a baseline and a scenario run); otherwise
    the index (``"index"``), or the row position when the index has duplicates (``"position"``).
    """
    for col in ID_FIELDS:
        if col in gdf.columns:
            values = gdf[col]
            if values.notna().all() and values.is_unique:
                return values.astype(str).set_axis(gdf.index), col
    if gdf.index.is_unique:
        return pd.Series(gdf.index.astype(str), index=gdf.index), "index"
    return pd.Series(np.arange(len(gdf)).astype(str), index=gdf.index), "position"


def feature_labels(gdf: gpd.GeoDataFrame, ids: pd.Series) -> pd.Series:
    """A readable label per feature: the first of :data:`LABEL_FIELDS` present, else the id."""
    label = pd.Series(np.asarray(ids, dtype=object), index=gdf.index)
    for col in reversed(LABEL_FIELDS):
        if col in gdf.columns:
            vals = gdf[col]
            label = vals.astype(object).where(vals.notna(), label)
    return label.astype(str)


def select(layer: InputLayer, where: Mapping[str, tuple[Any, ...]]) -> gpd.GeoDataFrame:
    """Features of ``layer`` passing the equality/membership filter ``where`` (never evaluated)."""
    return layer.gdf[select_mask(layer, where)]


def select_mask(layer: InputLayer, where: Mapping[str, tuple[Any, ...]]) -> np.ndarray:
    """Boolean mask of the features of ``layer`` passing ``where``."""
    gdf = layer.gdf
    mask = np.ones(len(gdf), dtype=bool)
    for col, values in where.items():
        if col not in gdf.columns:
            raise AnalysisError(
                f"layer '{layer.id}': rule filter column '{col}' does not exist; "
                f"available columns: {', '.join(map(str, gdf.columns))}"
            )
        mask &= gdf[col].isin(list(values)).to_numpy()
    return mask


def caveats_for(inputs: Mapping[str, InputLayer], used: list[str], language: str = "sv") -> list[str]:
    """Caveats every output that used the layers ``used`` must carry.

    Each layer's own caveat, one line naming the illustrative layers, and the
    reindeer-data caveat whenever a restricted or reindeer-herding layer was used.
    """
    lang = "en" if language == "en" else "sv"
    out: list[str] = []
    illustrative: list[str] = []
    reindeer = False
    for lid in sorted(set(used)):
        spec = inputs[lid].spec if lid in inputs else None
        if spec is None:
            continue
        text = spec.caveat_text(lang)
        if text and text not in out:
            out.append(text)
        if spec.illustrative:
            illustrative.append(spec.label(lang))
        if spec.restricted or spec.theme == "reindeer_herding":
            reindeer = True
    if illustrative:
        out.append(ILLUSTRATIVE_CAVEAT[lang].format(layers=", ".join(illustrative)))
    if reindeer and not any(("samråd" in c.lower() or "consultation" in c.lower()) for c in out):
        out.append(REINDEER_CAVEAT[lang])
    return out
