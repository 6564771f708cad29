"""Where newcomers could live: jobs over time and an in-migration (destination-choice) model.

Pure and vectorised: in-memory tables in, a :class:`GrowthResult` out; nothing is read from disk.
It is **not a forecast**: every number follows from scenario parameters (:class:`GrowthParameters`),
each either sourced or flagged as an assumption (see ``docs/growth.md``).

The chain, for every site ``s`` and year ``y``:

1. **Jobs** (:func:`jobs_by_year`): construction jobs from ``start_year`` until
   ``full_operation_year - 1``, operation jobs from ``full_operation_year``; cancelled sites 0;
   paused sites ``paused_share`` of their jobs (default 0); operating sites are existing jobs and
   bring no newcomers unless ``include_operating``.
2. **Who fills them**: a share from the existing labour pool within reach (``local_share``,
   optionally capped at ``local_cap_share`` of the working-age people within ``reach_minutes`` of
   the site), a share by long-distance or weekly commuting (``long_distance_share_construction``,
   ``long_distance_share_operation``; Öhman & Lindgren 2003 as the basis), and the rest are
   in-migrant workers.
3. **Households**: in-migrant workers / ``workers_per_household`` households of
   ``persons_per_household`` persons, each needing ``dwellings_per_household`` dwellings.
4. **Where they live** (destination choice, a singly constrained gravity model): household
   shares ``P[s, j] = k[j]·A[j]·f(t[s, j]) / Σ_i k[i]·A[i]·f(t[s, i])`` over the destinations with
   ``t[s, j] <= max_commute_minutes``, where the attractiveness is
   ``A[j] = population[j]^population_exponent · (1 + services[j])^services_exponent
   · (1 + capacity[j])^housing_exponent`` (unknown capacity: the last factor is 1) and ``f`` is
   :func:`jokkgeo.analysis.decay.commuting_decay` (logistic, flat below and steep beyond ~45 min,
   after Sandow & Westin 2010; to be calibrated).
5. **Housing capacity** (dwellings per destination; unknown = unlimited): shadow prices ``k[j]``
   (Furness-type balancing, per year over all sites) are scaled by ``capacity / demand`` for
   over-full destinations (and relaxed back towards 1 where there is room) until every allocation
   fits; households that still do not fit (all reachable destinations full) are **unhoused** and
   reported, never dropped: housed + unhoused = in-migrant households, per site and year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from jokkgeo import i18n
from jokkgeo.analysis.decay import COMMUTING_SHAPES, commuting_decay
from jokkgeo.errors import AnalysisError
from jokkgeo.results import Provenance, ProvenanceFields

STATUSES: tuple[str, ...] = ("planned", "under_construction", "operating", "paused", "cancelled")
"""Site statuses of the investment inventory."""
JOB_FIELDS: tuple[str, ...] = ("jobs_construction", "jobs_operation", "start_year", "full_operation_year")

CITATIONS: dict[str, str] = {
    "Sandow & Westin 2010": "Sandow, E. & Westin, K. (2010). Preferences for commuting in sparsely populated "
                            "areas: the case of Sweden. Journal of Transport and Land Use 2(3/4): 87–107.",
    "Öhman & Lindgren 2003": "Öhman, M. & Lindgren, U. (2003). Who are the long-distance commuters? Patterns "
                             "and driving forces in Sweden. Cybergeo 243.",
}


@dataclass(frozen=True)
class GrowthParameters:
    """Scenario parameters of the in-migration model (see ``docs/growth.md`` for each source).

    Parameters
    ----------
    local_share
        Share of new jobs filled from the existing labour pool within reach (assumption).
    local_cap_share
        Local hires are at most this share of the working-age people within ``reach_minutes`` of the
        site, where that number is known (assumption; ``None``: no cap).
    reach_minutes
        Travel time (minutes) that defines a site's local labour pool (Sandow & Westin 2010: ~45 min).
    long_distance_share_construction, long_distance_share_operation
        Share of construction / operation jobs filled by long-distance or weekly commuters who do not
        move (assumptions; Öhman & Lindgren 2003 describe who commutes long distances, not the share).
    workers_per_household
        In-migrant workers per household (assumption).
    persons_per_household
        Persons per in-migrant household (assumption near the Swedish average household size).
    dwellings_per_household
        Dwellings each household needs (1).
    share_age_1_5, share_age_6_15
        Shares of the new residents aged 1–5 (preschool) and 6–15 (school) (assumptions).
    population_exponent, services_exponent, housing_exponent
        Exponents of the attractiveness ``population^a · (1 + services)^b · (1 + capacity)^c``.
    min_population
        Population used for destinations without a figure (0: they attract nobody).
    decay_shape, decay_midpoint_minutes, decay_steepness_per_minute
        Commuting decay (:func:`jokkgeo.analysis.decay.commuting_decay`).
    max_commute_minutes
        Destinations farther than this from the site are excluded.
    paused_share
        Share of a paused site's jobs counted (0: paused sites bring no jobs).
    include_operating
        Count the jobs of operating sites as new jobs (default: they exist already).
    unknown_capacity_dwellings
        Capacity of destinations without housing land (``None``: unlimited).
    max_iterations, tolerance
        Balancing stops when every destination is within ``tolerance`` (relative) of its capacity.
    """

    local_share: float = 0.25
    local_cap_share: float | None = 0.05
    reach_minutes: float = 45.0
    long_distance_share_construction: float = 0.7
    long_distance_share_operation: float = 0.2
    workers_per_household: float = 1.3
    persons_per_household: float = 2.2
    dwellings_per_household: float = 1.0
    share_age_1_5: float = 0.06
    share_age_6_15: float = 0.12
    population_exponent: float = 1.0
    services_exponent: float = 0.5
    housing_exponent: float = 0.0
    min_population: float = 0.0
    decay_shape: str = "logistic"
    decay_midpoint_minutes: float = 55.0
    decay_steepness_per_minute: float = 0.15
    max_commute_minutes: float = 90.0
    paused_share: float = 0.0
    include_operating: bool = False
    unknown_capacity_dwellings: float | None = None
    max_iterations: int = 500
    tolerance: float = 1e-9

    def __post_init__(self) -> None:
        shares = ("local_share", "long_distance_share_construction", "long_distance_share_operation",
                  "share_age_1_5", "share_age_6_15", "paused_share")
        for name in shares:
            _check(name, getattr(self, name), 0.0, 1.0)
        if self.local_cap_share is not None:
            _check("local_cap_share", self.local_cap_share, 0.0, 1.0)
        for name in ("long_distance_share_construction", "long_distance_share_operation"):
            if self.local_share + getattr(self, name) > 1.0 + 1e-12:
                raise AnalysisError(f"growth parameters: key '{name}': local_share + {name} = "
                                    f"{self.local_share + getattr(self, name):g} > 1; lower one of them")
        for name in ("workers_per_household", "persons_per_household", "reach_minutes", "max_commute_minutes",
                     "decay_steepness_per_minute"):
            if not float(getattr(self, name)) > 0:
                raise AnalysisError(f"growth parameters: key '{name}': got {getattr(self, name)!r}; "
                                    "give a positive number")
        for name in ("dwellings_per_household", "min_population", "population_exponent", "services_exponent",
                     "housing_exponent"):
            if not float(getattr(self, name)) >= 0:
                raise AnalysisError(f"growth parameters: key '{name}': got {getattr(self, name)!r}; "
                                    "give a number >= 0")
        if self.decay_shape not in COMMUTING_SHAPES:
            raise AnalysisError(f"growth parameters: key 'decay_shape': got {self.decay_shape!r}; "
                                f"allowed: {', '.join(COMMUTING_SHAPES)}")
        if self.unknown_capacity_dwellings is not None and not float(self.unknown_capacity_dwellings) >= 0:
            raise AnalysisError("growth parameters: key 'unknown_capacity_dwellings': give a number >= 0 or "
                                "leave it out (unlimited)")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, origin: str = "growth parameters") -> GrowthParameters:
        """Parameters from a mapping (a scenario's ``parameters.growth``); unknown keys are an error.

        Parameters
        ----------
        values
            Key -> value (keys of :class:`GrowthParameters`).
        origin
            Where the values come from, for messages.
        """
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(values) - known)
        if unknown:
            raise AnalysisError(f"{origin}: key '{unknown[0]}': not a growth parameter; "
                                f"allowed: {', '.join(sorted(known))}")
        try:
            return cls(**dict(values))
        except TypeError as exc:
            raise AnalysisError(f"{origin}: {exc}") from None

    def decay(self, minutes: Any) -> np.ndarray:
        """The commuting decay ``f(minutes)`` of these parameters.

        Parameters
        ----------
        minutes
            Travel times (minutes; NaN = unreachable).
        """
        return commuting_decay(minutes, shape=self.decay_shape, midpoint_minutes=self.decay_midpoint_minutes,
                               steepness_per_minute=self.decay_steepness_per_minute,
                               max_minutes=self.max_commute_minutes)


PARAMETER_SOURCES: dict[str, str] = {
    "local_share": "assumption",
    "local_cap_share": "assumption",
    "reach_minutes": "Sandow & Westin 2010 (inclination to commute falls fast beyond ~45 min)",
    "long_distance_share_construction": "assumption (basis: Öhman & Lindgren 2003)",
    "long_distance_share_operation": "assumption (basis: Öhman & Lindgren 2003)",
    "workers_per_household": "assumption",
    "persons_per_household": "assumption (near the Swedish average household size, SCB)",
    "dwellings_per_household": "assumption (one dwelling per household)",
    "share_age_1_5": "assumption (about the Swedish population's share; check SCB age tables)",
    "share_age_6_15": "assumption (about the Swedish population's share; check SCB age tables)",
    "population_exponent": "assumption (gravity model form)",
    "services_exponent": "assumption (gravity model form)",
    "housing_exponent": "assumption (gravity model form)",
    "min_population": "assumption",
    "decay_shape": "shape after Sandow & Westin 2010; to be calibrated",
    "decay_midpoint_minutes": "assumption after Sandow & Westin 2010; to be calibrated",
    "decay_steepness_per_minute": "assumption; to be calibrated",
    "max_commute_minutes": "assumption",
    "paused_share": "scenario choice",
    "include_operating": "scenario choice",
    "unknown_capacity_dwellings": "scenario choice (None: unlimited)",
}
"""Where each default of :class:`GrowthParameters` comes from ("assumption" where none)."""


def _check(name: str, value: Any, lo: float, hi: float) -> None:
    try:
        ok = lo <= float(value) <= hi
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise AnalysisError(f"growth parameters: key '{name}': got {value!r}; give a share from {lo:g} to {hi:g}")


# ------------------------------------------------------------------------------------------ jobs


def _numeric(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def jobs_by_year(sites: pd.DataFrame, years: Sequence[int], *, paused_share: float = 0.0,
                 include_operating: bool = True, warnings: list[str] | None = None) -> pd.DataFrame:
    """Jobs per site and year from the investment inventory (construction and operation phases).

    Construction jobs count from ``start_year`` until ``full_operation_year - 1``, operation jobs from
    ``full_operation_year`` on. ``cancelled`` sites have 0 jobs; ``paused`` sites ``paused_share`` of
    them; ``operating`` sites their operation jobs in every year (0 when ``include_operating`` is
    false); a site without ``full_operation_year`` has no operation jobs (said in ``warnings``).
    A missing ``status`` counts as ``planned``; an unknown status is an error. Empty job figures are 0.
    A layer with the old ``jobs`` column and no ``jobs_operation`` uses ``jobs`` as operation jobs.

    Parameters
    ----------
    sites
        Table (or GeoDataFrame) with ``site_id``, ``status``, ``jobs_construction``,
        ``jobs_operation``, ``start_year``, ``full_operation_year``.
    years
        Years to evaluate.
    paused_share
        Share (0–1) of a paused site's jobs counted.
    include_operating
        Count operating sites' jobs (they are existing jobs, not new ones).
    warnings
        A list that receives one text per site whose jobs cannot be placed in time.

    Returns
    -------
    pandas.DataFrame
        ``site_id, year, status, jobs_construction, jobs_operation, jobs`` (one row per site and year).

    Examples
    --------
    >>> sites = pd.DataFrame({"site_id": ["a"], "status": ["planned"], "jobs_construction": [100],
    ...                       "jobs_operation": [40], "start_year": [2026], "full_operation_year": [2028]})
    >>> jobs_by_year(sites, [2025, 2026, 2027, 2028])["jobs"].tolist()
    [0.0, 100.0, 100.0, 40.0]
    """
    if "site_id" not in sites.columns:
        raise AnalysisError(f"sites: no 'site_id' column; columns: {', '.join(map(str, sites.columns))}")
    _check("paused_share", paused_share, 0.0, 1.0)
    yrs = np.asarray(sorted({int(y) for y in years}), dtype=np.int64)
    if not len(yrs):
        raise AnalysisError("years: give at least one year")
    ids = sites["site_id"].astype(str).to_numpy()
    status = (sites["status"].astype("string").str.strip().str.lower().fillna("planned").to_numpy(dtype=object)
              if "status" in sites.columns else np.full(len(sites), "planned", dtype=object))
    bad = sorted({s for s in status if s not in STATUSES})
    if bad:
        raise AnalysisError(f"sites: key 'status': unknown value(s) {', '.join(map(repr, bad))}; "
                            f"allowed: {', '.join(STATUSES)}")
    construction = np.nan_to_num(_numeric(sites, "jobs_construction"))
    operation_raw = _numeric(sites, "jobs_operation") if "jobs_operation" in sites.columns else _numeric(sites, "jobs")
    operation = np.nan_to_num(operation_raw)
    start = _numeric(sites, "start_year")
    full = _numeric(sites, "full_operation_year")
    y = yrs[None, :].astype(float)
    in_construction = (start[:, None] <= y) & ((y < full[:, None]) | np.isnan(full)[:, None])
    operating_now = status == "operating"
    in_operation = (full[:, None] <= y) | operating_now[:, None]
    cons = np.where(in_construction, construction[:, None], 0.0)
    oper = np.where(in_operation, operation[:, None], 0.0)
    factor = np.select([status == "cancelled", status == "paused", operating_now & (not include_operating)],
                       [0.0, float(paused_share), 0.0], 1.0)
    cons, oper = cons * factor[:, None], oper * factor[:, None]
    if warnings is not None:
        for i in np.flatnonzero(~operating_now & (status != "cancelled") & (operation > 0) & np.isnan(full)):
            warnings.append(i18n.text("growth.warn.no_operation_year", "en", site=ids[i]))
        for i in np.flatnonzero(~operating_now & (status != "cancelled") & (construction > 0) & np.isnan(start)):
            warnings.append(i18n.text("growth.warn.no_start_year", "en", site=ids[i]))
    n_y = len(yrs)
    return pd.DataFrame({
        "site_id": np.repeat(ids, n_y),
        "year": np.tile(yrs, len(ids)),
        "status": np.repeat(status, n_y),
        "jobs_construction": cons.ravel(),
        "jobs_operation": oper.ravel(),
        "jobs": (cons + oper).ravel(),
    })


# ------------------------------------------------------------------------------------------ model


@dataclass
class GrowthResult(ProvenanceFields):
    """What the in-migration model gives, per settlement and year and per site and year.

    Attributes
    ----------
    settlements
        One row per destination and year: ``settlement_id``, ``name``, ``in_study_area``, ``year``,
        ``new_workers``, ``households``, ``new_residents``, ``dwellings_needed`` (after balancing),
        ``dwellings_wanted`` (the gravity model's demand before capacity), ``housing_capacity``
        (dwellings; NaN = unknown, unlimited), ``shortfall_dwellings`` (wanted beyond capacity),
        ``surplus_dwellings`` (capacity left after the allocation; NaN when unlimited),
        ``children_1_5``, ``children_6_15``.
    sites
        One row per site and year: ``jobs``, ``local_hires``, ``long_distance_commuters``,
        ``in_migrant_workers``, ``households``, ``housed_households``, ``unhoused_households``,
        ``unhoused_residents``, ``share_in_municipality`` (of the housed households, those in
        settlements with ``in_study_area``), ``working_age_within_reach``.
    flows
        Where each site's in-migrant households live: ``site_id``, ``settlement_id``, ``year``,
        ``households``, ``residents``, ``minutes`` (rows with households > 0).
    jobs
        :func:`jobs_by_year` of the run.
    provenance
        Parameters (with their sources), citations, caveats ("not a forecast") and warnings.
    """

    settlements: pd.DataFrame
    sites: pd.DataFrame
    flows: pd.DataFrame
    jobs: pd.DataFrame
    provenance: Provenance = field(default_factory=Provenance)

    @property
    def years(self) -> list[int]:
        """Years of the run."""
        return sorted({int(y) for y in self.sites["year"]}) if len(self.sites) else []


def attractiveness(population: Any, services: Any, capacity: Any, params: GrowthParameters) -> np.ndarray:
    """``A = population^a · (1 + services)^b · (1 + capacity)^c`` (unknown capacity: factor 1).

    Parameters
    ----------
    population
        Population per destination (NaN: ``params.min_population``).
    services
        Number of services per destination (NaN: 0).
    capacity
        Housing capacity in dwellings (NaN: unknown, factor 1).
    params
        The exponents and ``min_population``.
    """
    pop = np.asarray(population, dtype=float)
    pop = np.where(np.isfinite(pop), np.maximum(pop, 0.0), float(params.min_population))
    srv = np.nan_to_num(np.asarray(services, dtype=float), nan=0.0)
    cap = np.asarray(capacity, dtype=float)
    with np.errstate(divide="ignore"):
        a = np.where(pop > 0, pop ** params.population_exponent, 0.0) if params.population_exponent else \
            np.ones_like(pop)
    a = a * (1.0 + np.maximum(srv, 0.0)) ** params.services_exponent
    a = a * np.where(np.isfinite(cap), (1.0 + np.maximum(cap, 0.0)) ** params.housing_exponent, 1.0)
    return a


def balance(demand: np.ndarray, weights: np.ndarray, capacity: np.ndarray, *, max_iterations: int = 500,
            tolerance: float = 1e-9) -> tuple[np.ndarray, np.ndarray]:
    """Allocate ``demand`` over destinations by ``weights`` within ``capacity`` (shadow-price balancing).

    For each year (first axis) the households ``demand[y, s]`` of origin ``s`` go to destination ``j``
    in proportion to ``k[y, j]·weights[s, j]``; ``k`` starts at 1 and is multiplied by
    ``capacity / allocated`` where a destination is over-full (and relaxed back towards 1 where
    there is room), until all fit. What still exceeds a capacity then (every reachable destination
    full) is taken back proportionally and returned as unhoused, so ``allocated.sum(-1) + unhoused
    == demand`` exactly.

    Parameters
    ----------
    demand
        ``(years, origins)`` households to place.
    weights
        ``(origins, destinations)`` ``A[j]·f(t[s, j])`` (0: not a choice).
    capacity
        ``(destinations,)`` or ``(years, destinations)`` in households (``inf``: unlimited).
    max_iterations, tolerance
        Stop rule of the balancing.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``allocated`` ``(years, origins, destinations)`` and ``unhoused`` ``(years, origins)``.
    """
    dem = np.asarray(demand, dtype=float)
    w = np.asarray(weights, dtype=float)
    n_y, n_s = dem.shape
    cap = np.broadcast_to(np.asarray(capacity, dtype=float), (n_y, w.shape[1]))
    k = np.ones((n_y, w.shape[1]))

    def allocate(k: np.ndarray) -> np.ndarray:
        kw = k[:, None, :] * w[None, :, :]
        tot = kw.sum(axis=2, keepdims=True)
        share = np.divide(kw, tot, out=np.zeros_like(kw), where=tot > 0)
        return dem[:, :, None] * share

    alloc = allocate(k)
    for _ in range(int(max_iterations)):
        load = alloc.sum(axis=1)
        over = load > cap * (1.0 + tolerance)
        room = (load < cap * (1.0 - tolerance)) & (k < 1.0)
        if not (over.any() or room.any()):
            break
        ratio = np.divide(cap, load, out=np.ones_like(load), where=load > 0)
        k = np.where(over | room, np.minimum(np.maximum(k * ratio, 1e-300), 1.0), k)
        alloc = allocate(k)
    load = alloc.sum(axis=1)
    fit = np.where(load > cap, np.divide(cap, load, out=np.zeros_like(load), where=load > 0), 1.0)
    housed = alloc * fit[:, None, :]
    unhoused = dem - housed.sum(axis=2)  # exact residual: housed + unhoused == demand
    return housed, np.where(np.abs(unhoused) <= 1e-9 * np.maximum(dem, 1.0), 0.0, unhoused)


def in_migration(jobs: pd.DataFrame, destinations: pd.DataFrame, minutes: pd.DataFrame, *,
                 working_age_within_reach: Mapping[str, float] | None = None,
                 params: GrowthParameters | None = None, language: str = "sv",
                 warnings: Sequence[str] = ()) -> GrowthResult:
    """New jobs -> local hires, long-distance commuters and in-migrant households placed in settlements.

    Parameters
    ----------
    jobs
        :func:`jobs_by_year` output (``site_id``, ``year``, ``jobs_construction``, ``jobs_operation``).
    destinations
        One row per settlement: ``settlement_id``, ``name``, ``population``, ``services`` (count),
        ``housing_capacity`` (dwellings; NaN = unknown), ``in_study_area`` (bool).
    minutes
        Travel minutes from each destination to each site: index ``settlement_id`` (the order of
        ``destinations``), one column per ``site_id`` (NaN: unreachable). Sites of ``jobs`` without a
        column reach no destination (their in-migrants are all unhoused).
    working_age_within_reach
        ``site_id -> working-age people within params.reach_minutes`` (caps the local hires where given).
    params
        :class:`GrowthParameters` (default: the documented defaults).
    language
        Language of the caveats (``"sv"`` or ``"en"``).
    warnings
        Warnings of earlier steps, kept in the provenance.

    Returns
    -------
    GrowthResult

    Examples
    --------
    >>> jobs = pd.DataFrame({"site_id": ["s"], "year": [2030], "jobs_construction": [0.0],
    ...                      "jobs_operation": [130.0]})
    >>> dest = pd.DataFrame({"settlement_id": ["a"], "name": ["A"], "population": [100.0], "services": [0],
    ...                      "housing_capacity": [float("nan")], "in_study_area": [True]})
    >>> tt = pd.DataFrame({"s": [10.0]}, index=["a"])
    >>> p = GrowthParameters(local_share=0.0, long_distance_share_operation=0.0, local_cap_share=None)
    >>> float(in_migration(jobs, dest, tt, params=p).settlements["households"].iloc[0])
    100.0
    """
    p = params or GrowthParameters()
    need = {"site_id", "year", "jobs_construction", "jobs_operation"}
    if not need <= set(jobs.columns):
        raise AnalysisError(f"jobs: missing column(s) {', '.join(sorted(need - set(jobs.columns)))}")
    for col in ("settlement_id", "population"):
        if col not in destinations.columns:
            raise AnalysisError(f"destinations: no '{col}' column")
    dest_ids = destinations["settlement_id"].astype(str).to_numpy()
    if pd.Series(dest_ids).duplicated().any():
        raise AnalysisError("destinations: settlement_id values must be unique")
    site_ids = np.asarray(list(dict.fromkeys(jobs["site_id"].astype(str))), dtype=object)
    years = np.asarray(sorted({int(y) for y in jobs["year"]}), dtype=np.int64)
    n_y, n_s, n_j = len(years), len(site_ids), len(dest_ids)

    # jobs (Y, S)
    jy = jobs.assign(site_id=jobs["site_id"].astype(str), year=jobs["year"].astype(int))
    grid = pd.MultiIndex.from_product([years, site_ids], names=["year", "site_id"])
    jy = jy.set_index(["year", "site_id"])[["jobs_construction", "jobs_operation"]].astype(float)
    jy = jy.groupby(level=[0, 1]).sum().reindex(grid, fill_value=0.0)
    cons = jy["jobs_construction"].to_numpy().reshape(n_y, n_s)
    oper = jy["jobs_operation"].to_numpy().reshape(n_y, n_s)
    total = cons + oper
    long_distance = cons * p.long_distance_share_construction + oper * p.long_distance_share_operation
    local = total * p.local_share
    wa = np.full(n_s, np.nan)
    if working_age_within_reach:
        wa = np.array([float(working_age_within_reach.get(s, np.nan)) for s in site_ids])
    if p.local_cap_share is not None:
        cap_local = np.where(np.isfinite(wa), wa * p.local_cap_share, np.inf)
        local = np.minimum(local, cap_local[None, :])
    migrants = np.maximum(total - local - long_distance, 0.0)
    households = migrants / p.workers_per_household

    # travel times (S, J) and weights
    tt = minutes.copy()
    tt.index = tt.index.astype(str)
    tt.columns = tt.columns.astype(str)
    tt = tt.reindex(index=dest_ids, columns=site_ids)
    t = tt.to_numpy(dtype=float).T  # (S, J)
    population = _numeric(destinations, "population")
    services = _numeric(destinations, "services") if "services" in destinations.columns else np.zeros(n_j)
    capacity = _numeric(destinations, "housing_capacity") if "housing_capacity" in destinations.columns \
        else np.full(n_j, np.nan)
    if p.unknown_capacity_dwellings is not None:
        capacity = np.where(np.isfinite(capacity), capacity, float(p.unknown_capacity_dwellings))
    attr = attractiveness(population, services, capacity, p)
    decay = p.decay(t)
    weights = attr[None, :] * decay
    cap_households = np.where(np.isfinite(capacity), capacity / p.dwellings_per_household
                              if p.dwellings_per_household > 0 else np.inf, np.inf)
    wanted, _ = balance(households, weights, np.full(n_j, np.inf))
    housed, unhoused = balance(households, weights, cap_households, max_iterations=p.max_iterations,
                               tolerance=p.tolerance)

    # per settlement and year
    hh_j = housed.sum(axis=1)  # (Y, J)
    wanted_j = wanted.sum(axis=1)
    residents = hh_j * p.persons_per_household
    dw_needed = hh_j * p.dwellings_per_household
    dw_wanted = wanted_j * p.dwellings_per_household
    cap_b = np.broadcast_to(capacity, (n_y, n_j))
    in_area = (destinations["in_study_area"].fillna(False).astype(bool).to_numpy()
               if "in_study_area" in destinations.columns else np.ones(n_j, dtype=bool))
    names = destinations["name"].astype(str).to_numpy() if "name" in destinations.columns else dest_ids
    settlements = pd.DataFrame({
        "settlement_id": np.tile(dest_ids, n_y),
        "name": np.tile(names, n_y),
        "in_study_area": np.tile(in_area, n_y),
        "year": np.repeat(years, n_j),
        "new_workers": (hh_j * p.workers_per_household).ravel(),
        "households": hh_j.ravel(),
        "new_residents": residents.ravel(),
        "dwellings_needed": dw_needed.ravel(),
        "dwellings_wanted": dw_wanted.ravel(),
        "housing_capacity": cap_b.ravel(),
        "shortfall_dwellings": np.where(np.isfinite(cap_b), np.maximum(dw_wanted - cap_b, 0.0), 0.0).ravel(),
        "surplus_dwellings": np.where(np.isfinite(cap_b), cap_b - dw_needed, np.nan).ravel(),
        "children_1_5": (residents * p.share_age_1_5).ravel(),
        "children_6_15": (residents * p.share_age_6_15).ravel(),
    })

    # per site and year
    housed_s = housed.sum(axis=2)  # (Y, S)
    inside = (housed * in_area[None, None, :]).sum(axis=2)
    site_names = {}
    if "name" in jobs.columns:
        site_names = dict(zip(jobs["site_id"].astype(str), jobs["name"].astype(str), strict=False))
    sites = pd.DataFrame({
        "site_id": np.tile(site_ids, n_y).astype(str),
        "name": [site_names.get(s, s) for s in np.tile(site_ids, n_y)],
        "year": np.repeat(years, n_s),
        "jobs": total.ravel(),
        "local_hires": local.ravel(),
        "long_distance_commuters": long_distance.ravel(),
        "in_migrant_workers": migrants.ravel(),
        "households": households.ravel(),
        "housed_households": housed_s.ravel(),
        "unhoused_households": unhoused.ravel(),
        "unhoused_residents": (unhoused * p.persons_per_household).ravel(),
        "share_in_municipality": np.divide(inside, housed_s, out=np.full_like(inside, np.nan),
                                           where=housed_s > 0).ravel(),
        "working_age_within_reach": np.tile(wa, n_y),
    })

    # flows (Y, S, J) -> long table of the non-zero ones
    yy, ss, jj = np.nonzero(housed > 0)
    flows = pd.DataFrame({
        "site_id": site_ids[ss].astype(str),
        "settlement_id": dest_ids[jj],
        "settlement": names[jj],
        "year": years[yy],
        "households": housed[yy, ss, jj],
        "residents": housed[yy, ss, jj] * p.persons_per_household,
        "minutes": t[ss, jj],
    })

    lang = i18n.lang(language)
    warn = list(warnings)
    no_reach = [s for i, s in enumerate(site_ids) if households[:, i].sum() > 0 and not (weights[i] > 0).any()]
    if no_reach:
        warn.append(i18n.text("growth.warn.no_destination", "en", sites=", ".join(no_reach),
                              minutes=f"{p.max_commute_minutes:g}"))
    if unhoused.sum() > 1e-9:
        warn.append(i18n.text("growth.warn.unhoused", "en", households=f"{unhoused.sum(axis=1).max():.1f}"))
    caveats = (i18n.text("growth.caveat.not_forecast", lang), i18n.text("growth.caveat.decay", lang),
               i18n.text("growth.caveat.capacity", lang), i18n.text("growth.caveat.pools", lang))
    parameters = {**asdict(p), "sources": dict(PARAMETER_SOURCES), "years": [int(y) for y in years],
                  "attractiveness": "population^a * (1 + services)^b * (1 + capacity)^c",
                  "decay": f"{p.decay_shape}: (1+exp(-k*m))/(1+exp(k*(t-m))), m={p.decay_midpoint_minutes:g} min, "
                           f"k={p.decay_steepness_per_minute:g}/min, 0 beyond {p.max_commute_minutes:g} min"}
    return GrowthResult(settlements=settlements, sites=sites, flows=flows, jobs=jobs.copy(),
                        provenance=Provenance(parameters=parameters, caveats=caveats, citations=dict(CITATIONS),
                                              warnings=tuple(dict.fromkeys(warn))))


def growth_changes(base: Any, scen: Any) -> pd.DataFrame:
    """Per settlement and year: new residents and dwelling shortfall in two growth results, and the change.

    When both results exist, only the years both ran are compared (a scenario that runs other
    years would otherwise show every settlement of a missing year as changed).

    Parameters
    ----------
    base, scen
        :class:`~jokkgeo.analysis.growth.GrowthResult` of the baseline and the scenario (or ``None``).
    """
    keys = ["settlement_id", "name", "year"]
    values = ["new_residents", "dwellings_needed", "shortfall_dwellings"]

    def part(res: Any) -> pd.DataFrame:
        if res is None:
            return pd.DataFrame(columns=[*keys, *values])
        return res.settlements[[*keys, *values]]

    b, s = part(base), part(scen)
    if base is not None and scen is not None:
        common = set(b["year"]) & set(s["year"])
        b, s = b[b["year"].isin(common)], s[s["year"].isin(common)]
    out = b.merge(s, on=keys, how="outer", suffixes=("_baseline", "_scenario"))
    for v in values:
        out[f"{v}_baseline"] = pd.to_numeric(out[f"{v}_baseline"], errors="coerce").fillna(0.0)
        out[f"{v}_scenario"] = pd.to_numeric(out[f"{v}_scenario"], errors="coerce").fillna(0.0)
        out[f"{v}_change"] = out[f"{v}_scenario"] - out[f"{v}_baseline"]
    return out.sort_values(["year", "settlement_id"], kind="stable").reset_index(drop=True)


__all__ = ["CITATIONS", "PARAMETER_SOURCES", "STATUSES", "GrowthParameters", "GrowthResult", "attractiveness",
           "balance", "growth_changes", "in_migration", "jobs_by_year"]
