"""Crossings of reindeer migration routes by linear infrastructure (roads, rail, power lines).

Railways and roads are barriers for reindeer migration; no consensus distance exists,
so crossings are mapped and counted. :func:`crossings` returns one point per
crossing, carrying the route, the infrastructure and its type/traffic attributes,
and counts per route. EPSG:3006.

A crossing is a point where a route line and an infrastructure line intersect.
Points closer than ``snap_m`` on the same route and infrastructure layer are one
crossing (roads split into segments at the crossing node would otherwise count
twice). Where the lines run together (a shared stretch, not a point) the
crossing is placed at the middle of the shared stretch and flagged ``shared_stretch``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from jokkgeo.analysis._common import InputLayer, as_inputs, caveats_for, feature_ids, feature_labels, select
from jokkgeo.config.rules import RuleSet
from jokkgeo.errors import AnalysisError
from jokkgeo.results import Provenance, ProvenanceFields
from jokkgeo.settings import WORKING_CRS

log = logging.getLogger(__name__)

INFRA_FIELDS: tuple[str, ...] = ("ref", "name", "highway", "maxspeed", "line", "status", "voltage_kv", "kind", "type")
"""Infrastructure attributes copied to each crossing (prefixed ``infra_``) when present."""
_TYPE_FIELDS: tuple[str, ...] = ("highway", "voltage_kv", "line", "kind", "type", "status")


@dataclass
class CrossingResult(ProvenanceFields):
    """Crossing points and counts per route of a rule set's ``crossings`` section, with provenance.

    Attributes
    ----------
    points
        One point per crossing (see :func:`crossings`), with ``reference`` and ``citation``.
    counts
        Per route layer and route: ``n_crossings``, ``n_<layer>``, ``crossed_by``, ``reference``.
    provenance
        Parameters (route and infrastructure layers, ``snap_m``), input layers, caveats, the
        citation and warnings.

    ``layers``, ``citation``, ``citations``, ``caveats``, ``params`` and ``warnings`` read the provenance.
    """

    points: gpd.GeoDataFrame
    counts: pd.DataFrame
    provenance: Provenance = field(default_factory=Provenance)

    @property
    def layers(self) -> list[str]:
        """Ids of the route and infrastructure layers used (``provenance.inputs``)."""
        return list(self.provenance.inputs)


    @property
    def citation(self) -> str | None:
        """The full citation of the crossing rule, if any."""
        return next(iter(self.provenance.citations.values()), None)





def _infra_type(gdf: gpd.GeoDataFrame) -> pd.Series:
    out = pd.Series([""] * len(gdf), index=gdf.index, dtype=object)
    for col in reversed(_TYPE_FIELDS):
        if col in gdf.columns:
            vals = gdf[col]
            text = vals.astype(str) + (" kV" if col == "voltage_kv" else "")
            out = text.where(vals.notna(), out)
    return out


def crossings(
    routes: gpd.GeoDataFrame,
    infrastructure: Mapping[str, gpd.GeoDataFrame],
    *,
    route_layer: str = "routes",
    route_field: str = "route_id",
    snap_m: float = 1.0,
    specs: Mapping[str, Any] | None = None,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Crossing points of ``routes`` by each layer of ``infrastructure``, and counts per route.

    Parameters
    ----------
    routes
        Migration routes (LineString/MultiLineString, EPSG:3006).
    infrastructure
        Layer id -> linear infrastructure (EPSG:3006).
    route_layer
        Name of the routes layer, written into the output.
    route_field
        Column grouping route features into routes for the counts (a route may have
        several segments); the feature id when absent.
    snap_m
        Crossings of the same route and layer closer than this (metres) are one.
    specs
        Layer specs by id (for ``infra_theme``), optional.

    Returns
    -------
    points : geopandas.GeoDataFrame
        ``route_layer``, ``route_id``, ``route_feature``, ``route_label``, ``infra_layer``,
        ``infra_id``, ``infra_label``, ``infra_type``, ``infra_<field>`` …, ``shared_stretch``,
        point geometry.
    counts : pandas.DataFrame
        Per route: ``n_crossings`` and ``n_<layer>`` per infrastructure layer, ``crossed_by``.

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> r = gpd.GeoDataFrame({"route_id": ["A"]}, geometry=[LineString([(0, 0), (10, 0)])], crs="EPSG:3006")
    >>> road = gpd.GeoDataFrame({"ref": ["E45"]}, geometry=[LineString([(5, -5), (5, 5)])], crs="EPSG:3006")
    >>> pts, counts = crossings(r, {"roads": road})
    >>> int(counts.loc[0, "n_crossings"])
    1
    """
    if snap_m <= 0:
        raise AnalysisError(f"snap_m must be positive metres, got {snap_m}")
    inputs = as_inputs({route_layer: routes, **dict(infrastructure)}, specs)
    routes = inputs[route_layer].gdf
    routes = routes[routes.geometry.notna() & ~routes.geometry.is_empty]
    r_ids, _ = feature_ids(routes)
    r_group = routes[route_field].astype(str) if route_field in routes.columns else r_ids
    r_label = feature_labels(routes, r_ids)
    rgeom = routes.geometry.to_numpy()
    frames = []
    for lid in infrastructure:
        infra = inputs[lid].gdf
        infra = infra[infra.geometry.notna() & ~infra.geometry.is_empty]
        if infra.empty or routes.empty:
            continue
        i_ids, _ = feature_ids(infra)
        i_label = feature_labels(infra, i_ids)
        if "ref" in infra.columns and "name" in infra.columns:  # roads: "E 45 Inlandsvägen"
            both = (infra["ref"].notna() & infra["name"].notna()
                    & (infra["ref"].astype(str) != infra["name"].astype(str)))
            i_label = i_label.where(~both, infra["ref"].astype(str) + " " + infra["name"].astype(str))
        i_type = _infra_type(infra)
        igeom = infra.geometry.to_numpy()
        tree = shapely.STRtree(igeom)
        ri, ii = tree.query(rgeom, predicate="intersects")
        if len(ri) == 0:
            continue
        inter = shapely.intersection(rgeom[ri], igeom[ii])
        parts, pidx = shapely.get_parts(inter, return_index=True)
        if len(parts) == 0:
            continue
        is_point = shapely.get_type_id(parts) == 0
        pts = parts.copy()
        if (~is_point).any():  # shared stretch: its midpoint
            pts[~is_point] = shapely.line_interpolate_point(parts[~is_point], 0.5, normalized=True)
        df = pd.DataFrame(
            {
                "route_layer": route_layer,
                "route_id": r_group.to_numpy()[ri[pidx]],
                "route_feature": r_ids.to_numpy()[ri[pidx]],
                "route_label": r_label.to_numpy()[ri[pidx]],
                "infra_layer": lid,
                "infra_theme": inputs[lid].theme,
                "infra_id": i_ids.to_numpy()[ii[pidx]],
                "infra_label": i_label.to_numpy()[ii[pidx]],
                "infra_type": i_type.to_numpy()[ii[pidx]],
                "shared_stretch": ~is_point,
            }
        )
        for col in INFRA_FIELDS:
            if col in infra.columns:
                df[f"infra_{col}"] = infra[col].to_numpy()[ii[pidx]]
        df["x"] = shapely.get_x(pts)
        df["y"] = shapely.get_y(pts)
        # one crossing per route, layer and snapped location
        df["_kx"] = np.floor(df["x"] / snap_m).astype("int64")
        df["_ky"] = np.floor(df["y"] / snap_m).astype("int64")
        df = df.sort_values(["route_id", "_kx", "_ky", "infra_id"], kind="stable")
        n0 = len(df)
        df = df.drop_duplicates(["route_id", "infra_layer", "_kx", "_ky"]).drop(columns=["_kx", "_ky"])
        if n0 != len(df):
            log.info("crossings %s × %s: %d duplicate points at segment joints merged", route_layer, lid, n0 - len(df))
        frames.append(df)
    if frames:
        table = pd.concat(frames, ignore_index=True)
    else:
        table = pd.DataFrame(columns=["route_layer", "route_id", "route_feature", "route_label", "infra_layer",
                                      "infra_theme", "infra_id", "infra_label", "infra_type", "shared_stretch",
                                      "x", "y"])
    table = table.sort_values(["route_id", "infra_layer", "x", "y"], kind="stable").reset_index(drop=True)
    points = gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(table["x"].astype(float),
                                                                 table["y"].astype(float)), crs=WORKING_CRS)
    # counts per route (every route listed, also those not crossed)
    label_of = pd.Series(r_label.to_numpy(), index=r_group.to_numpy())
    label_of = label_of[~label_of.index.duplicated()]
    counts = pd.DataFrame({"route_id": sorted(label_of.index)})
    counts["route_label"] = label_of.loc[counts["route_id"]].to_numpy()
    counts["n_crossings"] = counts["route_id"].map(table.groupby("route_id").size()).fillna(0).astype("int64")
    for lid in infrastructure:
        sub = table[table["infra_layer"] == lid]
        counts[f"n_{lid}"] = counts["route_id"].map(sub.groupby("route_id").size()).fillna(0).astype("int64")
    crossed = table.assign(_w=table["infra_label"].astype(str)).groupby("route_id")["_w"].agg(
        lambda s: ", ".join(sorted(set(s))))
    counts["crossed_by"] = counts["route_id"].map(crossed).astype(object).fillna("")
    return points, counts


def crossings_for_rules(inputs: Mapping[str, Any], rules: RuleSet, *, language: str = "sv") -> CrossingResult | None:
    """Run :func:`crossings` for the ``crossings`` section of a rule set.

    Parameters
    ----------
    inputs
        Layer id -> GeoDataFrame, LoadedLayer or InputLayer (EPSG:3006); themes from their specs.
    rules
        The rule set; its ``crossings`` section names the route and infrastructure selectors.
    language
        ``"sv"`` or ``"en"`` for caveats.

    Returns
    -------
    CrossingResult or None
        ``None`` when the rules define no crossings or no route layer is among the inputs.
    """
    rule = rules.crossings
    if rule is None:
        return None
    layers: dict[str, InputLayer] = as_inputs(inputs)
    themes = {lid: (lay.theme or "") for lid, lay in layers.items()}
    route_ids = rule.routes.layer_ids(themes)
    if not route_ids:
        log.info("crossings: no migration-route layer among the inputs")
        return None
    infra: dict[str, gpd.GeoDataFrame] = {}
    for sel in rule.infrastructure:
        for lid in sel.layer_ids(themes):
            sub = select(layers[lid], sel.where)
            infra[lid] = gpd.GeoDataFrame(sub, geometry=sub.geometry.name, crs=sub.crs)
    pts_all, counts_all = [], []
    for rid in route_ids:
        routes = select(layers[rid], rule.routes.where)
        pts, counts = crossings(routes, infra, route_layer=rid,
                                 specs={k: v.spec for k, v in layers.items() if v.spec is not None})
        counts.insert(0, "route_layer", rid)
        pts_all.append(pts)
        counts_all.append(counts)
    points = gpd.GeoDataFrame(pd.concat(pts_all, ignore_index=True), crs=WORKING_CRS)
    counts = pd.concat(counts_all, ignore_index=True)
    points["reference"] = rule.reference
    points["citation"] = rule.citation
    counts["reference"] = rule.reference
    used = [*route_ids, *infra]
    return CrossingResult(points=points, counts=counts, provenance=Provenance(
        parameters={"routes": route_ids, "infrastructure": list(infra), "snap_m": 1.0},
        inputs=tuple(used),
        caveats=tuple(caveats_for(layers, used, language)),
        citations={rule.reference: rule.citation},
    ))
