"""Where newcomers could live: the one growth workflow (``jokkgeo growth``, the report, ``jokkgeo compare``).

Layers come from a :class:`~jokkgeo.study.store.LayerStore` (the catalogue as it is) or a
:class:`~jokkgeo.study.scenario.Study` (a scenario applied: changed jobs, years, statuses, housing land
and roads all come through its layers):

* ``investment_sites`` -> :func:`jokkgeo.analysis.growth.jobs_by_year` (new jobs per site and year);
* ``settlements`` -> destinations (``name``, ``population``, ``in_study_area``), with
  housing capacity = the sum of ``housing_land.dwellings`` grouped by ``housing_land.locality ==
  settlements.name`` (a housing layer without ``locality``: each area counts for its nearest
  settlement within 10 km), the number of services per ``services.locality`` when that layer exists, and
  missing settlement populations filled from the population layer (:func:`fill_population`);
* the road network (:func:`jokkgeo.workflows.catchments.road_network`, or the study's network) ->
  travel minutes settlements × sites (:func:`jokkgeo.analysis.accessibility.accessibility`, per site);
* ``population`` (when present, with ``working_age``) -> working-age people within
  ``reach_minutes`` of each site, which caps the local hires;
* :func:`jokkgeo.analysis.growth.in_migration` -> the result.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from jokkgeo.analysis.growth import GrowthParameters, GrowthResult, in_migration, jobs_by_year
from jokkgeo.errors import AnalysisError, CatalogueError, DataLayerError

log = logging.getLogger(__name__)

DEFAULT_YEARS: tuple[int, ...] = (2026, 2028, 2030, 2035)
"""Years evaluated when none are given."""
HOUSING_NEAREST_M = 10_000.0
"""A housing area without ``locality`` counts for the nearest settlement within this distance (m)."""
POPULATION_NEAREST_M = 5_000.0
"""A settlement without a population figure gets the population-layer points nearest to it within this distance (m)."""
OPTION_KEYS: frozenset[str] = frozenset({"years", "site_ids", "sites_layer", "settlements_layer", "housing_layer",
                                         "population_layer", "services_layer"})
"""Keys of a scenario's ``parameters.growth`` that choose inputs (the rest are :class:`GrowthParameters`)."""


@dataclass(frozen=True)
class GrowthOptions:
    """What a growth run uses (layer ids, years, season, model parameters)."""

    years: tuple[int, ...] = DEFAULT_YEARS
    season: str = "summer"
    sites_layer: str = "investment_sites"
    site_ids: tuple[str, ...] | None = None
    settlements_layer: str = "settlements"
    housing_layer: str | None = "housing_land"
    population_layer: str | None = "population"
    services_layer: str | None = "services"
    roads_layer: str | None = None
    parameters: GrowthParameters = field(default_factory=GrowthParameters)
    access_speed_kph: float = 30.0
    max_snap_m: float = 10_000.0
    language: str = "sv"

    def with_scenario(self, values: Mapping[str, Any], *, origin: str = "parameters.growth") -> GrowthOptions:
        """These options with a scenario's ``parameters.growth`` applied (unknown keys are an error).

        Parameters
        ----------
        values
            The scenario's ``parameters.growth`` mapping.
        origin
            The scenario file, for messages.
        """
        from jokkgeo.config.scenarios import PARAMETER_KEYS

        allowed = PARAMETER_KEYS["growth"]
        unknown = sorted(set(values) - allowed)
        if unknown:
            raise CatalogueError(f"{origin}: key 'parameters.growth.{unknown[0]}': not a growth parameter; "
                                 f"allowed: {', '.join(sorted(allowed))}")
        opts = {k: v for k, v in values.items() if k in OPTION_KEYS}
        model = {k: v for k, v in values.items() if k not in OPTION_KEYS}
        if "years" in opts:
            opts["years"] = tuple(check_years(opts["years"], origin=f"{origin}: key 'parameters.growth.years'"))
        if "site_ids" in opts and opts["site_ids"] is not None:
            opts["site_ids"] = tuple(str(s) for s in opts["site_ids"])
        params = replace(self.parameters, **model) if model else self.parameters
        try:
            return replace(self, parameters=params, **opts)
        except AnalysisError as exc:
            raise AnalysisError(f"{origin}: {exc}") from None


def check_years(years: Any, *, origin: str = "--years") -> list[int]:
    """Years as sorted unique integers from 1900 to 2200; anything else is an error that names ``origin``.

    Parameters
    ----------
    years
        A sequence of years (ints or digit strings).
    origin
        Where they came from, for the message.
    """
    if isinstance(years, (str, int)) or not isinstance(years, Sequence) or not len(years):
        raise AnalysisError(f"{origin}: expected a list of years such as 2026 2030, got {years!r}")
    out = []
    for y in years:
        try:
            value = int(str(y).strip())
        except ValueError:
            raise AnalysisError(f"{origin}: '{y}' is not a year; give years such as 2026 2030") from None
        if not 1900 <= value <= 2200:
            raise AnalysisError(f"{origin}: {value} is out of range; give years from 1900 to 2200")
        out.append(value)
    return sorted(set(out))


@dataclass
class GrowthRun:
    """The result of :func:`run_growth` and the layers it came from."""

    result: GrowthResult
    sites: gpd.GeoDataFrame
    """The sites of the run (with ``name``)."""
    settlements: gpd.GeoDataFrame
    """The destinations with ``settlement_id``, ``services``, ``housing_capacity``, ``in_study_area``."""
    minutes: pd.DataFrame
    """Travel minutes: index ``settlement_id``, one column per ``site_id`` (NaN: unreachable)."""
    options: GrowthOptions
    inputs: list[str] = field(default_factory=list)
    """Layer ids used."""

    @property
    def warnings(self) -> list[str]:
        """The result's warnings."""
        return self.result.warnings


class _Source:
    """Layers from a LayerStore or a Study (``has(id)``, ``layer(id)``)."""

    def __init__(self, source: Any) -> None:
        self.source = source
        self.is_store = hasattr(source, "catalogue")
        self.used: list[str] = []

    def has(self, lid: str | None) -> bool:
        if lid is None:
            return False
        return bool(self.source.has(lid)) if self.is_store else lid in self.source

    def layer(self, lid: str) -> gpd.GeoDataFrame:
        if not self.has(lid):
            avail = sorted(self.source.catalogue) if self.is_store else self.source.layer_ids
            raise CatalogueError(f"growth: layer '{lid}' is not in the catalogue; layers: {', '.join(avail)}")
        if lid not in self.used:
            self.used.append(lid)
        return self.source.layer(lid)

    def optional(self, lid: str | None) -> gpd.GeoDataFrame | None:
        """The layer when the run has it (and may use it: restricted layers stay out of public runs)."""
        if lid is None or not self.has(lid) or (self.is_store and not self.source.allowed(lid)):
            return None
        return self.layer(lid)


def _settlement_ids(settlements: gpd.GeoDataFrame) -> pd.Series:
    if "settlement_id" in settlements.columns and settlements["settlement_id"].notna().all() \
            and settlements["settlement_id"].is_unique:
        return settlements["settlement_id"].astype(str)
    names = settlements["name"].astype(str) if "name" in settlements.columns else \
        pd.Series([f"settlement_{i}" for i in range(len(settlements))], index=settlements.index)
    dup = names.duplicated(keep=False)
    if dup.any():  # e.g. two villages of one name: keep them apart
        names = names.where(~dup, names + "#" + pd.Series(np.arange(len(names)), index=names.index).astype(str))
    return names


def housing_capacity(settlements: gpd.GeoDataFrame, housing: gpd.GeoDataFrame | None) -> np.ndarray:
    """Dwellings per settlement: ``housing_land.dwellings`` summed by ``locality == name`` (NaN: unknown).

    A housing layer without ``locality`` gives each area to its nearest settlement within
    :data:`HOUSING_NEAREST_M`. Settlements that no area names have unknown (unlimited) capacity.

    Parameters
    ----------
    settlements
        Destinations with ``name``.
    housing
        Housing land with ``dwellings`` (and ``locality``), or ``None``.
    """
    out = np.full(len(settlements), np.nan)
    if housing is None or not len(housing) or "dwellings" not in housing.columns:
        return out
    dwellings = pd.to_numeric(housing["dwellings"], errors="coerce").fillna(0.0).to_numpy()
    names = settlements["name"].astype(str).to_numpy() if "name" in settlements.columns else np.array([])
    if "locality" in housing.columns and len(names):
        loc = housing["locality"].astype("string").fillna("").to_numpy(dtype=object)
        pos = pd.Index(names).get_indexer(loc)
    else:
        import shapely

        pts = shapely.point_on_surface(np.asarray(housing.geometry.values, dtype=object))
        tree = shapely.STRtree(np.asarray(settlements.geometry.values, dtype=object))
        (qi, ti), dist = tree.query_nearest(pts, return_distance=True, all_matches=False,
                                            max_distance=HOUSING_NEAREST_M)
        pos = np.full(len(housing), -1)
        pos[qi] = ti
    ok = pos >= 0
    sums = np.bincount(pos[ok], weights=dwellings[ok], minlength=len(settlements))
    has = np.bincount(pos[ok], minlength=len(settlements)) > 0
    out[has] = sums[has]
    return out


def _services_count(settlements: gpd.GeoDataFrame, services: gpd.GeoDataFrame | None) -> np.ndarray:
    if services is None or not len(services) or "locality" not in services.columns:
        return np.zeros(len(settlements))
    names = settlements["name"].astype(str) if "name" in settlements.columns else pd.Series([], dtype=str)
    counts = services["locality"].astype(str).value_counts()
    return names.map(counts).fillna(0).to_numpy(dtype=float)


def _in_study_area(settlements: gpd.GeoDataFrame, src: _Source) -> np.ndarray:
    if "in_study_area" in settlements.columns:
        return settlements["in_study_area"].fillna(False).astype(bool).to_numpy()
    if src.has("boundary"):
        import shapely

        b = src.layer("boundary")
        if "is_study_area" in b.columns:
            b = b[b["is_study_area"].fillna(False).astype(bool)]
        if len(b):
            area = shapely.union_all(np.asarray(b.geometry.values, dtype=object))
            return np.asarray(shapely.covers(area, np.asarray(settlements.geometry.values, dtype=object)), bool)
    return np.ones(len(settlements), dtype=bool)


def _reachable_sites(network: Any, sites: gpd.GeoDataFrame, max_snap_m: float) -> np.ndarray:
    """Sites within ``max_snap_m`` of a road of the network (others cannot be routed)."""
    import shapely

    geoms = np.asarray(sites.geometry.values, dtype=object)
    tree = shapely.STRtree(np.asarray(network.geometries, dtype=object))
    (qi, _), _ = tree.query_nearest(geoms, return_distance=True, all_matches=False, max_distance=max_snap_m)
    ok = np.zeros(len(sites), dtype=bool)
    ok[qi] = True
    return ok


def _destinations(src: _Source, opts: GrowthOptions) -> tuple[gpd.GeoDataFrame, Any, Any]:
    """Settlements with ``settlement_id``, ``housing_capacity``, ``services``, ``in_study_area``, ``population``."""
    settlements = src.layer(opts.settlements_layer).copy()
    settlements["settlement_id"] = _settlement_ids(settlements).to_numpy()
    housing = src.optional(opts.housing_layer)
    services = src.optional(opts.services_layer)
    settlements["housing_capacity"] = housing_capacity(settlements, housing)
    settlements["services"] = _services_count(settlements, services)
    settlements["in_study_area"] = _in_study_area(settlements, src)
    if "population" not in settlements.columns:
        settlements["population"] = np.nan
    settlements["population"] = fill_population(settlements, src.optional(opts.population_layer))
    return settlements, housing, services


def fill_population(settlements: gpd.GeoDataFrame, population: gpd.GeoDataFrame | None) -> np.ndarray:
    """Settlement populations; missing figures filled from the population layer where it has points near them.

    Every population point counts for its nearest settlement within :data:`POPULATION_NEAREST_M`;
    only settlements without a figure of their own take the sum (e.g. villages with modelled
    population points). Figures the settlements layer has are kept.

    Parameters
    ----------
    settlements
        Destinations (points) with ``population`` (NaN: no figure).
    population
        The population layer (``population`` per feature), or ``None``.
    """
    own = pd.to_numeric(settlements["population"], errors="coerce").to_numpy(dtype=float)
    missing = ~np.isfinite(own)
    if population is None or not len(population) or "population" not in population.columns or not missing.any():
        return own
    import shapely

    pts = shapely.point_on_surface(np.asarray(population.geometry.values, dtype=object))
    tree = shapely.STRtree(np.asarray(settlements.geometry.values, dtype=object))
    (qi, ti), _ = tree.query_nearest(pts, return_distance=True, all_matches=False, max_distance=POPULATION_NEAREST_M)
    values = pd.to_numeric(population["population"], errors="coerce").fillna(0.0).to_numpy()
    sums = np.bincount(ti, weights=values[qi], minlength=len(settlements))
    hit = np.bincount(ti, minlength=len(settlements)) > 0
    return np.where(missing & hit, sums, own)


def _travel_minutes(src: _Source, network: Any, run_sites: gpd.GeoDataFrame, settlements: gpd.GeoDataFrame,
                    opts: GrowthOptions, warnings: list[str],
                    step: Callable[[str], None]) -> tuple[pd.DataFrame, dict[str, float]]:
    """Minutes settlements × sites (NaN: unreachable) and the working-age people within reach of each site."""
    from jokkgeo.analysis.accessibility import accessibility
    from jokkgeo.i18n import text

    p = opts.parameters
    minutes = pd.DataFrame(index=settlements["settlement_id"].to_numpy())
    working_age: dict[str, float] = {}
    if not len(run_sites):
        return minutes, working_age
    ok = _reachable_sites(network, run_sites, opts.max_snap_m)
    for sid in run_sites["site_id"].astype(str)[~ok]:
        warnings.append(text("growth.warn.site_far", "en", site=sid, km=f"{opts.max_snap_m / 1000:g}"))
    routed = run_sites[ok]
    step(f"growth: {len(routed)} site(s) x {len(settlements)} settlement(s), season {opts.season}")
    if not len(routed):
        return minutes, working_age
    common: dict[str, Any] = dict(profile=opts.season, direction="to_site", access_speed_kph=opts.access_speed_kph,
                                  max_snap_m=opts.max_snap_m)
    acc = accessibility(network, routed, settlements, minutes=[p.max_commute_minutes], **common)
    ids = routed["site_id"].astype(str).tolist()
    for sid in ids:
        minutes[sid] = acc.places[f"minutes_{sid}"].to_numpy(dtype=float)
    pop = src.optional(opts.population_layer)
    if pop is None or not len(pop):
        return minutes, working_age
    if "working_age" not in pop.columns:
        warnings.append(f"layer '{opts.population_layer}' has no 'working_age' column: local hires are not capped "
                        "by the labour pool within reach")
        return minutes, working_age
    pacc = accessibility(network, routed, pop, minutes=[p.reach_minutes], value_columns=(), **common)
    wa = pd.to_numeric(pop["working_age"], errors="coerce").fillna(0.0).to_numpy()
    for sid in ids:
        t = np.nan_to_num(pacc.places[f"minutes_{sid}"].to_numpy(dtype=float), nan=np.inf)
        working_age[sid] = float(wa[t <= p.reach_minutes].sum())
    return minutes, working_age


def _select_sites(src: _Source, opts: GrowthOptions) -> gpd.GeoDataFrame:
    sites = src.layer(opts.sites_layer)
    if "site_id" not in sites.columns:
        raise DataLayerError(f"layer '{opts.sites_layer}': no 'site_id' field; columns: "
                             f"{', '.join(map(str, sites.columns))}")
    if opts.site_ids:
        unknown = sorted(set(opts.site_ids) - set(sites["site_id"].astype(str)))
        if unknown:
            raise DataLayerError(f"layer '{opts.sites_layer}': no site(s) {', '.join(unknown)}; available: "
                                 f"{', '.join(sites['site_id'].astype(str))}")
        sites = sites[sites["site_id"].astype(str).isin(opts.site_ids)]
    return sites


def run_growth(source: Any, options: GrowthOptions | None = None, *, network: Any = None,
               on_step: Callable[[str], None] | None = None) -> GrowthRun:
    """Jobs -> in-migrants -> settlements, on the layers of a store or a (scenario) study.

    Parameters
    ----------
    source
        A :class:`~jokkgeo.study.store.LayerStore` or a :class:`~jokkgeo.study.scenario.Study`.
    options
        Layers, years, season and model parameters (default :class:`GrowthOptions`).
    network
        The road network to route on (required for a study: its scenario's roads; a store builds
        its roads layer's network once per run).
    on_step
        Called with a one-line message per step.
    """
    from jokkgeo.i18n import text

    opts = options or GrowthOptions()
    step = on_step or log.info
    src = _Source(source)
    if network is None:
        if not src.is_store:
            raise AnalysisError("run_growth: pass the study's road network (network=...)")
        from jokkgeo.workflows.catchments import road_network, roads_layer

        rid = roads_layer(source, opts.roads_layer)
        step(text("step.building_network", opts.language, layer=rid))
        network = road_network(source, rid)
        src.used.append(rid)
    warnings: list[str] = []
    sites = _select_sites(src, opts)
    p = opts.parameters
    try:
        jobs = jobs_by_year(sites, list(opts.years), paused_share=p.paused_share,
                            include_operating=p.include_operating, warnings=warnings)
    except AnalysisError as exc:
        raise DataLayerError(f"layer '{opts.sites_layer}': {exc}") from None
    names = dict(zip(sites["site_id"].astype(str),
                     sites["name"].astype(str) if "name" in sites.columns else sites["site_id"].astype(str),
                     strict=True))
    jobs["name"] = jobs["site_id"].map(names)
    active = sorted(set(jobs.loc[jobs["jobs"] > 0, "site_id"]))
    run_sites = sites[sites["site_id"].astype(str).isin(active)]

    settlements, housing, services = _destinations(src, opts)
    minutes, working_age = _travel_minutes(src, network, run_sites, settlements, opts, warnings, step)
    dest = pd.DataFrame(settlements.drop(columns=settlements.geometry.name))
    result = in_migration(jobs, dest, minutes, working_age_within_reach=working_age or None, params=p,
                          language=opts.language, warnings=warnings)
    params = {**result.provenance.parameters, "season": opts.season, "sites_layer": opts.sites_layer,
              "settlements_layer": opts.settlements_layer, "housing_layer": opts.housing_layer if housing is not None
              else None, "services_layer": opts.services_layer if services is not None else None,
              "population_layer": opts.population_layer if working_age else None}
    result.provenance = replace(result.provenance, parameters=params, inputs=tuple(src.used))
    return GrowthRun(result=result, sites=run_sites, settlements=settlements, minutes=minutes, options=opts,
                     inputs=list(src.used))


def newcomers_of(run: GrowthRun, year: int, *, study_area_only: bool = True) -> gpd.GeoDataFrame:
    """The in-migrants of one year as points at the settlements they move to.

    Columns ``name``, ``population`` (new residents), ``age_1_5`` and ``age_6_15`` (their children),
    ``kind = "newcomers"``: the extra people of an access-to-services run after growth.

    Parameters
    ----------
    run
        A growth run that includes ``year``.
    year
        One of the run's years.
    study_area_only
        Only the settlements inside the study area (``in_study_area``): newcomers who settle in
        Luleå or Boden use those towns' services, which a municipality's services layer does not hold.
    """
    res = run.result
    if year not in res.years:
        raise AnalysisError(f"growth year {year} is not one of the years run: {', '.join(map(str, res.years))}")
    keep = (res.settlements["year"] == year) & (res.settlements["new_residents"] > 0)
    if study_area_only and "in_study_area" in res.settlements.columns:
        keep &= res.settlements["in_study_area"].fillna(True).astype(bool)
    rows = res.settlements[keep]
    where = run.settlements.set_index(run.settlements["settlement_id"].astype(str)).geometry
    ids = rows["settlement_id"].astype(str)
    return gpd.GeoDataFrame({
        "name": rows["name"].to_numpy(),
        "population": rows["new_residents"].to_numpy(dtype=float),
        "age_1_5": rows["children_1_5"].to_numpy(dtype=float),
        "age_6_15": rows["children_6_15"].to_numpy(dtype=float),
        "kind": "newcomers",
    }, geometry=where.reindex(ids).to_numpy(), crs=run.settlements.crs)


__all__ = ["DEFAULT_YEARS", "HOUSING_NEAREST_M", "OPTION_KEYS", "POPULATION_NEAREST_M", "GrowthOptions", "GrowthRun",
           "check_years", "fill_population", "housing_capacity", "newcomers_of", "run_growth"]
