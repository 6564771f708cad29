"""What :func:`jokkgeo.analysis.conflicts.conflicts` returns: :class:`ConflictResult` and its key columns."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from jokkgeo.results import Provenance, ProvenanceFields

KEY_COLUMNS: list[str] = ["rule_id", "dev_layer", "dev_id", "sens_layer", "sens_id"]
"""Columns that identify a conflict; stable between runs (used to diff baseline and scenario)."""

ZONE_COLUMNS: list[str] = [*KEY_COLUMNS, "band", "zone_inner_m", "zone_outer_m", "area_m2", "length_m",
                           "mean_influence"]
"""Columns of the long zone table (one row per conflict and distance band)."""


def _no_skipped() -> pd.DataFrame:
    return pd.DataFrame(columns=["rule_id", "reason", "detail"])


@dataclass
class ConflictResult(ProvenanceFields):
    """Everything :func:`~jokkgeo.analysis.conflicts.conflicts` computed, with its provenance.

    Attributes
    ----------
    table
        One row per conflict (keys :data:`KEY_COLUMNS`), EPSG:3006 measures in m / m²:
        ``distance_m``, ``influence`` (decay at the nearest point), ``overlap_area_m2``,
        ``zoi_area_m2`` (inside the outermost zone, overlap included), ``weighted_area_m2``,
        the same ``*_length_m`` for line features, ``sens_area_m2``, ``zoi_share``,
        ``severity``, ``severity_rank``, ``reference``, ``citation``, ``illustrative``.
    geometries
        ``table`` plus the affected part of each sensitive feature (inside the outermost zone).
    zones
        Long table (:data:`ZONE_COLUMNS`): keys, ``band`` (``overlap`` or ``z1``…),
        ``zone_inner_m``, ``zone_outer_m``, ``area_m2``, ``length_m``, ``mean_influence``.
    summaries
        ``"sameby"``, ``"protected_area"``, ``"investment_site"``: area and share affected,
        worst severity and count of conflicts (see :func:`~jokkgeo.analysis.conflicts.summarise`).
    crossings, crossing_counts
        From :func:`jokkgeo.analysis.crossings.crossings` when the rules define crossings.
    skipped_rules
        One row per rule that had nothing to run on: ``rule_id``, ``reason``
        (:data:`~jokkgeo.analysis.conflicts.jobs.SKIP_REASONS`) and ``detail`` (readable text,
        also in ``provenance.warnings``).
    provenance
        Parameters (engine, rules file, quad_segs, layers and id columns, timings), input layers,
        caveats, citations (reference key -> full citation of every rule that produced a result)
        and warnings (skipped rules).

    ``params``, ``citations``, ``caveats`` and ``warnings`` read the provenance (kept for callers).
    """

    table: pd.DataFrame
    geometries: gpd.GeoDataFrame
    zones: pd.DataFrame
    summaries: dict[str, pd.DataFrame] = field(default_factory=dict)
    crossings: gpd.GeoDataFrame | None = None
    crossing_counts: pd.DataFrame | None = None
    skipped_rules: pd.DataFrame = field(default_factory=_no_skipped)
    provenance: Provenance = field(default_factory=Provenance)




