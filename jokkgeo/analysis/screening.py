"""Housing-land screening: one sortable table per candidate housing area.

For each housing area (a polygon of the ``housing_land`` layer) the table combines

* its conflicts (from :func:`jokkgeo.analysis.conflicts.conflicts`, the rows where the
  housing layer is the development layer): count, worst severity, rules, sensitive
  layers, samebyar affected, nearest distance to a reindeer-herding feature, and the
  sum of the affected zone areas (zones of several rules overlap: a pressure indicator,
  not an area);
* influence-surface statistics inside the area (from
  :func:`jokkgeo.analysis.surfaces.influence_surfaces`): mean and maximum of the
  *other* developments' nearest and cumulative influence (the housing surfaces
  themselves are left out, or every area would score its own influence) and the
  linear-infrastructure density;
* travel times to the main employers when given: any DataFrame indexed like the
  housing areas, one column per employer site (minutes), e.g. from the catchments
  analysis.

``screening_rank`` orders the areas: fewest and mildest conflicts first, then the
lowest added influence, then the shortest travel time. It is a convenience; planners
sort by any column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from jokkgeo.analysis._common import feature_ids
from jokkgeo.config.rules import SEVERITY_RANK
from jokkgeo.crs import check_working_crs
from jokkgeo.errors import AnalysisError
from jokkgeo.results import Provenance, ProvenanceFields

_SEVERITY_NAME = {0: "none", **{v: k for k, v in SEVERITY_RANK.items()}}


@dataclass
class ScreeningResult(ProvenanceFields):
    """The screening table (indexed like the housing areas, with geometry) and its provenance.

    ``params``, ``citations``, ``caveats`` and ``warnings`` read ``provenance``.
    """

    table: gpd.GeoDataFrame
    provenance: Provenance = field(default_factory=Provenance)






def screen_housing(
    housing: gpd.GeoDataFrame,
    *,
    conflicts: Any | None = None,
    surfaces: Any | None = None,
    travel_times: pd.DataFrame | None = None,
    housing_layer: str | None = None,
    exclude_surfaces: Sequence[str] = ("housing",),
) -> ScreeningResult:
    """Screen candidate housing areas for conflicts, influence and travel times.

    Parameters
    ----------
    housing
        Housing areas (polygons, EPSG:3006). The output keeps its index and columns.
    conflicts
        A :class:`~jokkgeo.analysis.conflicts.ConflictResult` computed with the housing layer
        as ``housing_layer`` (optional).
    surfaces
        A :class:`~jokkgeo.analysis.surfaces.SurfaceResult` (optional).
    travel_times
        Minutes to each employer: index like ``housing`` (any subset), one column per site.
        Columns become ``travel_time_<site>_minutes``; ``travel_time_min_minutes`` is the minimum.
    housing_layer
        Layer id of the housing areas in the conflict table (e.g. ``"housing_land"``); required
        with ``conflicts``.
    exclude_surfaces
        Surface ids left out of the influence statistics (the housing surface itself).

    Returns
    -------
    ScreeningResult

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import box
    >>> housing = gpd.GeoDataFrame({"area_id": ["a", "b"]}, geometry=[box(0, 0, 1, 1), box(5, 0, 6, 1)],
    ...                            crs="EPSG:3006")
    >>> tt = pd.DataFrame({"mine": [40.0, 25.0]}, index=housing.index)
    >>> screen_housing(housing, travel_times=tt).table["screening_rank"].tolist()
    [2, 1]
    """
    check_working_crs(housing, f"layer '{housing_layer or 'housing'}'")
    if conflicts is not None and housing_layer is None:
        raise AnalysisError("screen_housing: key 'housing_layer': missing; with conflicts= name the layer id of "
                            "the housing areas in the conflict table, e.g. housing_layer='housing_land'")
    table = housing.copy()
    ids, _ = feature_ids(housing)
    citations: dict[str, str] = {}
    caveats: list[str] = []
    warnings: list[str] = []
    sort_cols: list[str] = []
    if conflicts is not None:
        ct = conflicts.table
        ct = ct[ct["dev_layer"] == housing_layer]
        g = ct.groupby("dev_id")
        rein = ct[ct["sens_theme"] == "reindeer_herding"]
        per = pd.DataFrame(
            {
                "n_conflicts": g.size(),
                "worst_severity_rank": g["severity_rank"].max(),
                "conflict_rules": g["rule_id"].agg(lambda s: ", ".join(sorted(set(s)))),
                "conflict_layers": g["sens_layer"].agg(lambda s: ", ".join(sorted(set(s)))),
                "zoi_area_sum_m2": g["zoi_area_m2"].sum(),
                "references": g["reference"].agg(lambda s: ", ".join(sorted(set(s)))),
            }
        )
        per["affected_sameby"] = rein.groupby("dev_id")["sens_label"].agg(lambda s: ", ".join(sorted(set(s))))
        per["reindeer_distance_m"] = rein.groupby("dev_id")["distance_m"].min()
        joined = per.reindex(ids.to_numpy())
        joined.index = housing.index
        table["n_conflicts"] = joined["n_conflicts"].fillna(0).astype("int64")
        table["worst_severity_rank"] = joined["worst_severity_rank"].fillna(0).astype("int64")
        table["worst_severity"] = table["worst_severity_rank"].map(_SEVERITY_NAME)
        for col in ("conflict_rules", "conflict_layers", "affected_sameby", "references"):
            table[col] = joined[col].fillna("")
        table["zoi_area_sum_m2"] = joined["zoi_area_sum_m2"].fillna(0.0)
        table["reindeer_distance_m"] = joined["reindeer_distance_m"]
        used_refs = set(ct["reference"])
        citations.update({k: v for k, v in conflicts.citations.items() if k in used_refs})
        caveats += list(conflicts.caveats)
        warnings += list(getattr(conflicts, "warnings", ()))
        sort_cols += ["worst_severity_rank", "n_conflicts"]
    if surfaces is not None:
        from jokkgeo.analysis.surfaces import zonal_stats

        s = surfaces.surfaces
        excluded = tuple(f"{e}_" for e in exclude_surfaces)
        near = [n for n in s if n.endswith("_nearest") and not n.startswith(("combined", *excluded))]
        cum = [n for n in s if n.endswith("_cumulative") and not n.startswith(("combined", *excluded))]
        nodata = surfaces.nodata
        shape = surfaces.grid.shape
        other_near = np.max([s[n] for n in near], axis=0) if near else np.zeros(shape, "float32")
        other_cum = np.sum([s[n] for n in cum], axis=0) if cum else np.zeros(shape, "float32")
        anyname = next(iter(s))
        mask = s[anyname] == nodata
        other_near = np.where(mask, nodata, other_near)
        other_cum = np.where(mask, nodata, other_cum)
        stats_in = {"influence_nearest": other_near, "influence_cumulative": other_cum}
        if "linear_density_km_per_km2" in s:
            stats_in["linear_density_km_per_km2"] = s["linear_density_km_per_km2"]
        zs = zonal_stats(housing, stats_in, surfaces.grid, nodata=nodata)
        for col in zs.columns:
            table[col if col != "area_km2" else "grid_area_km2"] = zs[col]
        citations.update(surfaces.citations)
        caveats += [c for c in surfaces.caveats if c not in caveats]
        warnings += [w for w in getattr(surfaces, "warnings", ()) if w not in warnings]
        sort_cols += ["influence_nearest_mean"]
    if travel_times is not None:
        if not isinstance(travel_times, pd.DataFrame):
            raise AnalysisError(f"travel_times must be a DataFrame indexed like the housing areas, got "
                                f"{type(travel_times).__name__}")
        unknown = travel_times.index.difference(housing.index)
        if len(unknown):
            raise AnalysisError(
                f"travel_times has {len(unknown)} index values not among the housing areas "
                f"(e.g. {list(unknown[:3])}); index it like the '{housing_layer}' layer"
            )
        tt = travel_times.reindex(housing.index)
        cols = []
        for c in tt.columns:
            name = f"travel_time_{c}_minutes"
            table[name] = pd.to_numeric(tt[c], errors="coerce")
            cols.append(name)
        if cols:
            table["travel_time_min_minutes"] = table[cols].min(axis=1)
            sort_cols += ["travel_time_min_minutes"]
    if sort_cols:
        order = table.sort_values(sort_cols, kind="stable", na_position="last").index
        table["screening_rank"] = pd.Series(np.arange(1, len(order) + 1), index=order).reindex(table.index)
    params = {"housing_layer": housing_layer, "exclude_surfaces": list(exclude_surfaces), "sort_by": sort_cols,
              "with_travel_times": travel_times is not None}
    inputs = (housing_layer,) if housing_layer else ()
    return ScreeningResult(table=table, provenance=Provenance(
        parameters=params, inputs=inputs, caveats=tuple(caveats), citations=citations, warnings=tuple(warnings)))
