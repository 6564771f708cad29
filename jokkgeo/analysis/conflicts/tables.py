"""Conflict and zone tables: ids, labels and measures of each pair, ordered by their keys.

Every engine returns raw pair tables (row positions and cumulative measures); :func:`assemble`
turns them into the conflict table and the long zone table of
:class:`~jokkgeo.analysis.conflicts.result.ConflictResult`, with stable text ids and labels taken
from the layers (:func:`jokkgeo.analysis._common.feature_ids`), band measures, weights and shares,
and sorts all rows by :data:`~jokkgeo.analysis.conflicts.result.KEY_COLUMNS` (ids compared as text
within one layer), so every engine and every chunking gives identical tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from jokkgeo.analysis._common import InputLayer, feature_ids, feature_labels
from jokkgeo.analysis.conflicts.jobs import Job
from jokkgeo.analysis.conflicts.pairs import LINE
from jokkgeo.analysis.conflicts.result import KEY_COLUMNS, ZONE_COLUMNS
from jokkgeo.analysis.decay import band_mean_influence, decay
from jokkgeo.config.rules import SEVERITY_RANK


@dataclass(frozen=True)
class LayerLookup:
    """Per-layer arrays indexed by row position: ids, labels, measures and the string order of the ids."""

    ids: np.ndarray
    labels: np.ndarray
    area: np.ndarray
    length: np.ndarray
    rank: np.ndarray
    id_column: str
    ids_text: pd.api.extensions.ExtensionArray  # ids and labels as pandas text arrays: tables take rows
    labels_text: pd.api.extensions.ExtensionArray  # from them without converting Python strings


def layer_lookup(gdf: gpd.GeoDataFrame) -> LayerLookup:
    """Ids, labels, whole-feature measures (area m², line length m) and id text order of a layer.

    Parameters
    ----------
    gdf
        The input layer (EPSG:3006).
    """
    ids, id_column = feature_ids(gdf)
    ids_a = ids.to_numpy(dtype=object)
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    is_line = np.isin(shapely.get_type_id(geoms), LINE)
    area = shapely.area(geoms)
    length = np.zeros(len(geoms))
    length[is_line] = shapely.length(geoms[is_line])  # only lines have a length measure
    rank = np.empty(len(ids_a), dtype=np.int64)
    rank[np.argsort(ids_a.astype(str), kind="stable")] = np.arange(len(ids_a))
    labels = feature_labels(gdf, ids)
    return LayerLookup(ids=ids_a, labels=labels.to_numpy(dtype=object), area=area, length=length, rank=rank,
                       id_column=id_column, ids_text=pd.array(ids, dtype="str"),
                       labels_text=pd.array(labels, dtype="str"))


def _assemble(job: Job, raw: pd.DataFrame, inputs: Mapping[str, InputLayer], want_geometry: bool,
              lookups: dict[str, LayerLookup]) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray]:
    """Conflict table and zone table of one job, and the string order (rank) of its dev and sens ids."""
    rule = job.rule
    k = len(rule.zones_m)
    for lid in (job.dev_layer, job.sens_layer):
        if lid not in lookups:
            lookups[lid] = layer_lookup(inputs[lid].gdf)
    dl, sl = lookups[job.dev_layer], lookups[job.sens_layer]
    n = len(raw)
    dev_row = raw["dev_row"].to_numpy(dtype=np.int64) if n else np.zeros(0, np.int64)
    sens_row = raw["sens_row"].to_numpy(dtype=np.int64) if n else np.zeros(0, np.int64)
    # rows in the string order of (dev_id, sens_id), so one job's table needs no re-sorting (pairs are unique)
    order = np.argsort(dl.rank[dev_row] * max(len(sl.rank), 1) + sl.rank[sens_row], kind="stable")
    dev_row, sens_row = dev_row[order], sens_row[order]
    a = raw[[f"a{c}" for c in range(k + 1)]].to_numpy()[order] if n else np.zeros((0, k + 1))
    ln = raw[[f"l{c}" for c in range(k + 1)]].to_numpy()[order] if n else np.zeros((0, k + 1))
    bands_a = np.diff(a, axis=1, prepend=0.0)  # overlap, (0,z1], (z1,z2] …
    bands_l = np.diff(ln, axis=1, prepend=0.0)
    limits = (0.0, 0.0, *rule.zones_m)
    weights = np.array(
        [1.0] + [band_mean_influence(limits[c], limits[c + 1], shape=rule.decay, radius_m=rule.radius_m)
                 for c in range(1, k + 1)]
    )
    dev_spec, sens_spec = inputs[job.dev_layer].spec, inputs[job.sens_layer].spec
    dist = raw["distance_m"].to_numpy()[order] if n else np.zeros(0)
    if n:  # text columns taken from the layers' text arrays (no object conversion)
        dev_id, sens_id = dl.ids_text.take(dev_row), sl.ids_text.take(sens_row)
        dev_label, sens_label = dl.labels_text.take(dev_row), sl.labels_text.take(sens_row)
    else:
        dev_id, sens_id, dev_label, sens_label = dl.ids[dev_row], sl.ids[sens_row], dl.labels[dev_row], \
            sl.labels[sens_row]
    table = pd.DataFrame(
        {
            "rule_id": rule.id,
            "dev_layer": job.dev_layer,
            "dev_id": dev_id,
            "sens_layer": job.sens_layer,
            "sens_id": sens_id,
            "dev_label": dev_label,
            "sens_label": sens_label,
            "dev_theme": inputs[job.dev_layer].theme,
            "sens_theme": inputs[job.sens_layer].theme,
            "distance_m": dist,
            "influence": decay(dist, shape=rule.decay, radius_m=rule.radius_m),
            "overlap_area_m2": a[:, 0],
            "zoi_area_m2": a[:, k],
            "weighted_area_m2": bands_a @ weights,
            "overlap_length_m": ln[:, 0],
            "zoi_length_m": ln[:, k],
            "weighted_length_m": bands_l @ weights,
            "severity": rule.severity,
            "severity_rank": SEVERITY_RANK[rule.severity],
            "decay": rule.decay,
            "zoi_radius_m": rule.radius_m,
            "reference": rule.reference,
            "citation": rule.citation,
            "illustrative": bool((dev_spec is not None and dev_spec.illustrative)
                                 or (sens_spec is not None and sens_spec.illustrative)),
            "sens_area_m2": sl.area[sens_row],
            "sens_length_m": sl.length[sens_row],
        }
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(table["sens_area_m2"] > 0, table["zoi_area_m2"] / table["sens_area_m2"],
                         np.where(table["sens_length_m"] > 0, table["zoi_length_m"] / table["sens_length_m"], np.nan))
    table["zoi_share"] = share
    if want_geometry:
        table["geometry"] = raw["geometry"].to_numpy()[order] if n else np.empty(0, object)
    # zone bands (long): K + 1 rows per conflict, in band order
    names = np.array(["overlap"] + [f"z{c}" for c in range(1, k + 1)], dtype=object)
    rep = np.repeat(np.arange(n), k + 1)
    if n:
        zones = pd.DataFrame({"rule_id": rule.id, "dev_layer": job.dev_layer, "dev_id": dev_id.take(rep),
                              "sens_layer": job.sens_layer, "sens_id": sens_id.take(rep)})
        zones["band"] = pd.array(names, dtype="str").take(np.tile(np.arange(k + 1), n))
    else:
        zones = pd.DataFrame({col: table[col].take(rep).reset_index(drop=True) for col in KEY_COLUMNS})
        zones["band"] = pd.Series(np.tile(names, n), dtype="str")
    zones["zone_inner_m"] = np.tile(np.asarray(limits[:-1], dtype=float), n)
    zones["zone_outer_m"] = np.tile(np.asarray(limits[1:], dtype=float), n)
    zones["area_m2"] = bands_a.reshape(-1)
    zones["length_m"] = bands_l.reshape(-1)
    zones["mean_influence"] = np.tile(weights, n)
    return table, zones, dl.rank[dev_row], sl.rank[sens_row]



def _move_zone_rows(zone_table: pd.DataFrame, order: np.ndarray, jobs: list[Job], n_rows: np.ndarray
                    ) -> pd.DataFrame:
    """Reorder the zone table like the conflict table (``order``); each conflict has K + 1 zone rows."""
    per_row = np.repeat([len(j.rule.zones_m) + 1 for j in jobs], n_rows)
    start = np.cumsum(per_row) - per_row
    counts = per_row[order]
    first = np.repeat(start[order], counts)
    offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return zone_table.take(first + offset).reset_index(drop=True)


def _zones_empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=float if c.endswith("_m") or c.endswith("_m2") or c == "mean_influence"
                                      else object) for c in ZONE_COLUMNS})


def _assemble_empty(want_geometry: bool) -> pd.DataFrame:
    cols = [*KEY_COLUMNS, "dev_label", "sens_label", "dev_theme", "sens_theme", "distance_m", "influence",
            "overlap_area_m2", "zoi_area_m2", "weighted_area_m2", "overlap_length_m", "zoi_length_m",
            "weighted_length_m", "severity", "severity_rank", "decay", "zoi_radius_m", "reference", "citation",
            "illustrative", "sens_area_m2", "sens_length_m", "zoi_share"]
    if want_geometry:
        cols.append("geometry")
    return pd.DataFrame(columns=cols)


def assemble(jobs: list[Job], raws: list[pd.DataFrame], inputs: Mapping[str, InputLayer], want_geometry: bool,
             lookups: dict[str, LayerLookup]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The conflict table and the zone table of every job, sorted by :data:`KEY_COLUMNS`.

    Parameters
    ----------
    jobs
        The rule jobs, in rule order.
    raws
        One raw pair table per job (from the engines).
    inputs
        The input layers (ids, labels, themes, specs).
    want_geometry
        Keep a ``geometry`` column (the affected pieces) in the conflict table.
    lookups
        Per-layer lookups already computed (filled in for the other layers).

    Returns
    -------
    table, zones : pandas.DataFrame
    """
    tables, zones, dev_rank, sens_rank = [], [], [], []
    for job, raw in zip(jobs, raws, strict=False):
        t, z, dr, sr = _assemble(job, raw, inputs, want_geometry, lookups)
        tables.append(t)
        zones.append(z)
        dev_rank.append(dr)
        sens_rank.append(sr)
    if not tables:
        return _assemble_empty(want_geometry), _zones_empty()
    if len(tables) == 1:  # one job's rows are already in the order of its (dev_id, sens_id)
        return tables[0], zones[0]
    table = pd.concat(tables, ignore_index=True)
    zone_table = pd.concat(zones, ignore_index=True)
    # sort by KEY_COLUMNS on integer ranks: ids are compared only within one layer
    n_rows = np.array([len(t) for t in tables])
    code = {}
    for attr in ("rule", "dev_layer", "sens_layer"):
        names = [j.rule.id if attr == "rule" else getattr(j, attr) for j in jobs]
        rank = {v: r for r, v in enumerate(sorted(set(names)))}
        code[attr] = np.repeat([rank[v] for v in names], n_rows)
    order = np.lexsort((np.concatenate(sens_rank), code["sens_layer"], np.concatenate(dev_rank),
                        code["dev_layer"], code["rule"]))
    if not np.array_equal(order, np.arange(len(order))):
        table = table.take(order).reset_index(drop=True)
        zone_table = _move_zone_rows(zone_table, order, jobs, n_rows)
    return table, zone_table
