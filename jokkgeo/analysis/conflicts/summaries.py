"""Summaries of a conflict result per sameby, per protected area and per investment site."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from jokkgeo.analysis._common import InputLayer, as_inputs, feature_ids
from jokkgeo.analysis.conflicts.pairs import POLY
from jokkgeo.analysis.conflicts.result import ConflictResult
from jokkgeo.config.rules import SEVERITY_RANK

_SEVERITY_NAME = {v: k for k, v in SEVERITY_RANK.items()}


def _union_area(geoms: np.ndarray) -> float:
    polys = geoms[np.isin(shapely.get_type_id(geoms), POLY)]
    if len(polys) == 0:
        return 0.0
    return float(shapely.area(shapely.union_all(polys)))


def _group_summary(g: gpd.GeoDataFrame, have_geometry: bool) -> dict[str, Any]:
    worst = int(g["severity_rank"].max())
    row: dict[str, Any] = {
        "n_conflicts": int(len(g)),
        "worst_severity": _SEVERITY_NAME[worst],
        "worst_severity_rank": worst,
        "rules": ", ".join(sorted(g["rule_id"].unique())),
        "references": ", ".join(sorted(g["reference"].unique())),
    }
    if have_geometry:
        geoms = g.geometry.to_numpy()
        row["affected_area_m2"] = _union_area(geoms)
        row["affected_area_major_m2"] = _union_area(geoms[(g["severity"] == "major").to_numpy()])
    return row


def _sameby_names(rein: pd.DataFrame, inputs: Mapping[str, InputLayer], sameby_field: str) -> pd.Series:
    """The sameby of each reindeer conflict: the sensitive feature's ``sameby_field``, else its label."""
    label_by_id: dict[tuple[str, str], str] = {}
    for lid in rein["sens_layer"].unique():
        gdf = inputs[lid].gdf
        if sameby_field in gdf.columns:
            ids, _ = feature_ids(gdf)
            for fid, name in zip(ids, gdf[sameby_field].astype(str), strict=False):
                label_by_id[(lid, fid)] = name
    return pd.Series([label_by_id.get((lay, fid), lab) for lay, fid, lab in
                      zip(rein["sens_layer"], rein["sens_id"], rein["sens_label"], strict=True)], index=rein.index)


def _by_sameby(frame: pd.DataFrame, inputs: Mapping[str, InputLayer], have_geom: bool, sameby_layer: str | None,
               sameby_field: str) -> pd.DataFrame | None:
    rein = frame[frame["sens_theme"] == "reindeer_herding"]
    if not len(rein):
        return None
    names = rein["sens_label"]
    sameby_input = inputs.get(sameby_layer) if sameby_layer is not None else None
    if sameby_input is not None and sameby_field in sameby_input.gdf.columns:
        names = _sameby_names(rein, inputs, sameby_field)
    rows = []
    for name, grp in rein.groupby(names, sort=True):
        row = {"sameby": name, **_group_summary(grp, False)}
        row["sens_layers"] = ", ".join(sorted(grp["sens_layer"].unique()))
        if have_geom and sameby_input is not None:
            sb = sameby_input.gdf
            polys = grp[grp["sens_layer"] == sameby_layer]
            total = float(sb.loc[sb[sameby_field].astype(str) == name].geometry.union_all().area) \
                if sameby_field in sb.columns else np.nan
            row["sameby_area_m2"] = total
            row["affected_area_m2"] = _union_area(polys.geometry.to_numpy())
            row["affected_area_major_m2"] = _union_area(
                polys.geometry.to_numpy()[(polys["severity"] == "major").to_numpy()])
            row["affected_share"] = row["affected_area_m2"] / total if total else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def _by_protected_area(frame: pd.DataFrame, have_geom: bool) -> pd.DataFrame | None:
    prot = frame[frame["sens_theme"] == "protected_areas"]
    if not len(prot):
        return None
    rows = []
    for (lay, fid), grp in prot.groupby(["sens_layer", "sens_id"], sort=True):
        row = {"sens_layer": lay, "sens_id": fid, "name": grp["sens_label"].iloc[0],
               **_group_summary(grp, have_geom)}
        row["area_m2"] = float(grp["sens_area_m2"].iloc[0])
        if have_geom:
            row["affected_share"] = row["affected_area_m2"] / row["area_m2"] if row["area_m2"] else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def _by_investment_site(frame: pd.DataFrame, have_geom: bool) -> pd.DataFrame | None:
    inv = frame[frame["dev_theme"] == "investment_sites"]
    if not len(inv):
        return None
    rows = []
    for (lay, fid), grp in inv.groupby(["dev_layer", "dev_id"], sort=True):
        row = {"dev_layer": lay, "dev_id": fid, "name": grp["dev_label"].iloc[0],
               **_group_summary(grp, have_geom)}
        row["sens_layers"] = ", ".join(sorted(grp["sens_layer"].unique()))
        row["affected_sameby"] = ", ".join(sorted(grp.loc[grp["sens_theme"] == "reindeer_herding",
                                                          "sens_label"].unique()))
        row["affected_length_m"] = float(grp["zoi_length_m"].sum())
        rows.append(row)
    return pd.DataFrame(rows)


def summarise(
    result: ConflictResult,
    layers: Mapping[str, Any],
    *,
    sameby_layer: str | None = None,
    sameby_field: str = "sameby",
) -> dict[str, pd.DataFrame]:
    """Summaries per sameby, per protected area and per investment site.

    ``affected_area_m2`` is the area of the *union* of the affected pieces (zones of
    several developments overlap; they are not double counted). Shares divide it by the
    feature's area. ``worst_severity`` is the worst class of any conflict in the group.

    * ``sameby``: conflicts with any reindeer-herding feature, grouped by the feature's
      ``sameby_field`` when ``sameby_layer`` is given (else by its label); with ``sameby_layer``
      also the sameby's area and the affected area and share from the pieces of its polygons.
    * ``protected_area``: per feature of the ``protected_areas`` theme.
    * ``investment_site``: per development feature of the ``investment_sites`` theme; the
      affected area is the union of all sensitive polygon pieces it touches.

    Parameters
    ----------
    result
        A conflict result (with ``geometries`` for the area columns).
    layers
        The layers it was computed from (layer id -> GeoDataFrame or LoadedLayer).
    sameby_layer
        Id of the layer of sameby polygons (e.g. ``"reindeer_samebyar"``); ``None``: no sameby areas.
    sameby_field
        Column naming the sameby in the reindeer-herding layers.

    Returns
    -------
    dict of str to pandas.DataFrame
        Only the summaries that have rows.
    """
    inputs = as_inputs(layers)
    g = result.geometries if len(result.geometries) else None
    have_geom = g is not None and g.geometry.notna().any()
    frame = result.geometries if have_geom else result.table
    parts = {
        "sameby": _by_sameby(frame, inputs, have_geom, sameby_layer, sameby_field),
        "protected_area": _by_protected_area(frame, have_geom),
        "investment_site": _by_investment_site(frame, have_geom),
    }
    return {name: df for name, df in parts.items() if df is not None}
