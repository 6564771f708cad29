"""Shared helpers of the conflict analyses: input layers, ids, labels, feature filters, caveats.

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

from jokkgeo.config.layers import LayerSpec
from jokkgeo.crs import check_working_crs
from jokkgeo.errors import AnalysisError
from jokkgeo.i18n import lang as _lang
from jokkgeo.i18n import text

ID_FIELDS: tuple[str, ...] = ("site_id", "area_id", "route_id", "osmid", "id", "fid")
"""Columns tried, in order, as a layer's stable feature id (first unique, non-null one)."""
LABEL_FIELDS: tuple[str, ...] = ("sameby", "name", "ref", "site_id", "area_id", "route_id")
"""Columns tried, in order, as a human-readable label of a feature."""


@dataclass(frozen=True)
class InputLayer:
    """One analysis input: features in EPSG:3006 with their spec (may be ``None``)."""

    id: str
    gdf: gpd.GeoDataFrame
    spec: LayerSpec | None

    @property
    def theme(self) -> str | None:
        """The layer's theme (from its spec), ``None`` without a spec."""
        return self.spec.theme if self.spec is not None else None


def available_cores() -> int:
    """CPU cores this process may run on (``os.sched_getaffinity``, else ``os.cpu_count()``; at least 1).

    Examples
    --------
    >>> available_cores() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not available on this platform
        return max(1, os.cpu_count() or 1)


def as_inputs(
    layers: Mapping[str, Any], specs: Mapping[str, LayerSpec] | None = None
) -> dict[str, InputLayer]:
    """Normalise a mapping of GeoDataFrames or LoadedLayers into :class:`InputLayer` objects.

    Parameters
    ----------
    layers
        Layer id -> GeoDataFrame, or an object with ``gdf`` (and optionally ``spec``) such as
        :class:`jokkgeo.io.vector.LoadedLayer` or :class:`InputLayer`.
    specs
        Specs for layers that do not carry one (e.g. a catalogue).

    Raises
    ------
    jokkgeo.errors.CRSError
        When a layer is not in EPSG:3006 (:func:`jokkgeo.crs.check_working_crs`).
    jokkgeo.errors.AnalysisError
        When a value is neither.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> inputs = as_inputs({"sites": gpd.GeoDataFrame(geometry=[Point(0, 0)], crs="EPSG:3006")})
    >>> inputs["sites"].id, inputs["sites"].theme
    ('sites', None)
    """
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
        check_working_crs(gdf, f"layer '{lid}'")
        out[str(lid)] = InputLayer(str(lid), gdf, spec)
    return out


def feature_ids(gdf: gpd.GeoDataFrame) -> tuple[pd.Series, str]:
    """Stable text ids of a layer's features and the column they came from.

    The first of :data:`ID_FIELDS` that is present, complete and unique is used
    (so ids survive re-ordering between a baseline and a scenario run); otherwise
    the index (``"index"``), or the row position when the index has duplicates (``"position"``).

    Parameters
    ----------
    gdf
        The layer.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> ids, col = feature_ids(gpd.GeoDataFrame({"site_id": [7, 9]}, geometry=[Point(0, 0)] * 2))
    >>> ids.tolist(), col
    (['7', '9'], 'site_id')
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
    """A readable label per feature: the first of :data:`LABEL_FIELDS` present and set, else the id.

    Parameters
    ----------
    gdf
        The layer.
    ids
        Its feature ids (:func:`feature_ids`).
    """
    label = pd.Series(np.asarray(ids, dtype=object), index=gdf.index)
    for col in reversed(LABEL_FIELDS):
        if col in gdf.columns:
            vals = gdf[col]
            label = vals.astype(object).where(vals.notna(), label)
    return label.astype(str)


def select(layer: InputLayer, where: Mapping[str, tuple[Any, ...]]) -> gpd.GeoDataFrame:
    """Features of ``layer`` passing the equality/membership filter ``where`` (never evaluated).

    Parameters
    ----------
    layer
        The input layer.
    where
        Column -> accepted values (see :func:`where_mask`).
    """
    return layer.gdf[where_mask(layer, where)]


def where_mask(layer: InputLayer, where: Mapping[str, tuple[Any, ...]]) -> np.ndarray:
    """Boolean mask of the features of ``layer`` passing a rule's ``where`` filter.

    Parameters
    ----------
    layer
        The input layer.
    where
        Column -> accepted values (equality / membership; never evaluated).

    Raises
    ------
    jokkgeo.errors.AnalysisError
        When a filter column does not exist (the message lists the columns).
    """
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
    reindeer-data caveat (samråd with the sameby and the municipality's duty to consult under
    Lag (2022:66)) whenever a restricted or reindeer-herding layer was used, unless a layer's
    own caveat already names that Act.

    Parameters
    ----------
    inputs
        The input layers (their specs hold caveats and flags; layers without a spec add nothing).
    used
        Ids of the layers the result used.
    language
        ``"sv"`` or ``"en"``.

    Returns
    -------
    list of str
        Caveats without duplicates, in the run's language.
    """
    lang = _lang(language)
    out: list[str] = []
    illustrative: list[str] = []
    reindeer = False
    for lid in sorted(set(used)):
        spec = inputs[lid].spec if lid in inputs else None
        if spec is None:
            continue
        own = spec.caveat_text(lang)
        if own and own not in out:
            out.append(own)
        if spec.illustrative:
            illustrative.append(spec.label(lang))
        if spec.restricted or spec.theme == "reindeer_herding":
            reindeer = True
    if illustrative:
        out.append(text("caveat.illustrative", lang, layers=", ".join(illustrative)))
    if reindeer and not any("2022:66" in c for c in out):
        out.append(text("caveat.reindeer", lang))
    return out
