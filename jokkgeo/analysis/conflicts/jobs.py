"""Rule jobs: the development and sensitive features each rule runs on, and the rules that had none.

One :class:`Job` is one rule applied to one development layer and one sensitive layer, with the
selected features (rule filter applied, missing and empty geometries dropped) and their row
positions in the input layers. A rule that yields no job is reported in the result's
``skipped_rules`` with the reason (:data:`SKIP_REASONS`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from jokkgeo.analysis._common import InputLayer, where_mask
from jokkgeo.config.rules import ConflictRule, LayerSelector, RuleSet
from jokkgeo.i18n import text

log = logging.getLogger(__name__)

SKIP_REASONS: tuple[str, ...] = (
    "no_development_layer",
    "no_sensitive_layer",
    "no_development_features",
    "no_sensitive_features",
    "same_layer",
)
"""Why a rule ran on nothing: no layer matches its development / sensitive selector, the selected
layers hold no feature its ``where`` filter matches (or no features at all), or the only candidate
pair is a layer with itself."""

SKIPPED_COLUMNS: list[str] = ["rule_id", "reason", "detail"]
"""Columns of ``ConflictResult.skipped_rules``: rule id, a reason of :data:`SKIP_REASONS`, readable text."""


@dataclass(frozen=True)
class Job:
    """One rule on one (development layer, sensitive layer) pair, with the selected features.

    ``dev`` and ``sens`` hold the selected geometries and a ``_row`` column: their row positions
    in the input layers.
    """

    rule: ConflictRule
    dev_layer: str
    sens_layer: str
    dev: gpd.GeoDataFrame
    sens: gpd.GeoDataFrame


def unprepared(geoms: np.ndarray) -> np.ndarray:
    """``geoms`` with every *prepared* geometry replaced by an unprepared copy (exact, via WKB).

    Threads of the local engine share the input geometries. GEOS prepared geometries build their
    indexes lazily and are not safe to use from two threads at once (shapely 2.2 / GEOS 3.14 crashed),
    so the engine never shares a prepared geometry: it prepares only geometries each task creates
    itself, and inputs that arrive prepared (``shapely.prepare`` by the caller) are copied here.

    Parameters
    ----------
    geoms
        Object array of shapely geometries (left unchanged).

    Examples
    --------
    >>> import numpy as np, shapely
    >>> g = np.array([shapely.box(0, 0, 1, 1)])
    >>> _ = shapely.prepare(g)
    >>> bool(shapely.is_prepared(unprepared(g))[0]), bool(shapely.is_prepared(g)[0])
    (False, True)
    """
    prepared = shapely.is_prepared(geoms)
    if not prepared.any():
        return geoms
    out = geoms.copy()
    out[prepared] = shapely.from_wkb(shapely.to_wkb(geoms[prepared], output_dimension=3))
    return out


def _selected(layer: InputLayer, selector: LayerSelector) -> gpd.GeoDataFrame:
    geoms = layer.gdf.geometry
    mask = where_mask(layer, selector.where) & (geoms.notna() & ~geoms.is_empty).to_numpy()
    values = unprepared(np.asarray(geoms.values[mask], dtype=object))
    return gpd.GeoDataFrame({"_row": np.flatnonzero(mask)}, geometry=values, crs=layer.gdf.crs)


def rule_jobs(inputs: Mapping[str, InputLayer], rules: RuleSet, *, language: str = "sv"
              ) -> tuple[list[Job], pd.DataFrame]:
    """The jobs of every rule, and the rules that had nothing to run on.

    Parameters
    ----------
    inputs
        Layer id -> input layer (themes come from its spec).
    rules
        The rule set; rules run in its order, layers in id order.
    language
        ``"sv"`` or ``"en"`` for the ``detail`` texts.

    Returns
    -------
    jobs : list of Job
    skipped : pandas.DataFrame
        One row per rule without a job: :data:`SKIPPED_COLUMNS`.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from jokkgeo.analysis._common import as_inputs
    >>> from jokkgeo.config.rules import parse_rules
    >>> rules = parse_rules({"references": {"r": "A study"}, "rules": [{"id": "x",
    ...     "development": {"layer": "mine"}, "sensitive": {"layer": "calving"}, "zones_m": [100],
    ...     "decay": "step", "severity": "major", "reference": "r"}]})
    >>> mine = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs="EPSG:3006")
    >>> jobs, skipped = rule_jobs(as_inputs({"mine": mine}), rules, language="en")
    >>> jobs, skipped["reason"].tolist()
    ([], ['no_sensitive_layer'])
    """
    themes = {lid: (lay.theme or "") for lid, lay in inputs.items()}
    jobs: list[Job] = []
    skipped: list[dict[str, str]] = []
    cache: dict[tuple[str, str], gpd.GeoDataFrame] = {}

    def selected(lid: str, sel: LayerSelector) -> gpd.GeoDataFrame:
        key = (lid, repr(sorted(sel.where.items())))
        if key not in cache:
            cache[key] = _selected(inputs[lid], sel)
        return cache[key]

    for rule in rules.rules:
        dev_ids = rule.development.layer_ids(themes)
        sens_ids = rule.sensitive.layer_ids(themes)
        n = 0
        any_dev = any_pair = False
        for dl in dev_ids:
            dev = selected(dl, rule.development)
            if dev.empty:
                continue
            any_dev = True
            for sl in sens_ids:
                if sl == dl:
                    continue
                any_pair = True
                sens = selected(sl, rule.sensitive)
                if sens.empty:
                    continue
                jobs.append(Job(rule, dl, sl, dev, sens))
                n += 1
        if n:
            continue
        if not dev_ids:
            reason, sel = "no_development_layer", rule.development
        elif not sens_ids:
            reason, sel = "no_sensitive_layer", rule.sensitive
        elif not any_dev:
            reason, sel = "no_development_features", rule.development
        elif not any_pair:
            reason, sel = "same_layer", rule.development
        else:
            reason, sel = "no_sensitive_features", rule.sensitive
        detail = text(f"skipped.{reason}", language, rule=rule.id, selector=sel.describe())
        skipped.append({"rule_id": rule.id, "reason": reason, "detail": detail})
        log.info("rule %s skipped: %s", rule.id, reason)
    return jobs, pd.DataFrame(skipped, columns=SKIPPED_COLUMNS)
