"""Access to services: travel time from every resident to the nearest service of each kind.

Residents are the features of a population layer (points or polygons in EPSG:3006,
weighted by ``population``); services are points (or polygons) with a ``kind``
(:data:`SERVICE_KINDS`: preschool, school, …) and a unique ``service_id``. For each
kind and season the services of that kind are the "sites" of
:func:`jokkgeo.analysis.accessibility.accessibility`, which gives every resident its
minutes to the nearest one and which one that is. From those:

* **people per band** — residents (population-weighted) whose nearest service of the kind is
  within each band (``people_in_band``: between the previous cut-off and this one;
  ``people_within``: up to this one, cumulative);
* **the worst-served places** — the places with the longest times (unreachable first), with the
  people living there;
* **the load on each service** — the residents for whom it is the nearest of its kind, and per
  unit of ``capacity`` where the layer gives one; *today* and *after growth* when a frame of
  newcomers (points with ``population``, e.g. the new residents per settlement of a growth
  run) is given: newcomers are routed like residents and add to the load of their nearest
  service.

A kind asked for that has no service in the layer is not an error: it is listed in
:attr:`ServiceAccessResult.missing_kinds` and in the warnings. Times are minutes by car on the
road network (off-road legs at ``access_speed_kph``); nothing is said about opening hours,
catchment rules of schools or public transport.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from jokkgeo.analysis.accessibility import accessibility
from jokkgeo.analysis.catchments import (
    DEFAULT_ACCESS_SPEED_KPH,
    DEFAULT_MAX_SNAP_M,
    check_option,
    validate_minutes,
)
from jokkgeo.analysis.parallel import NetworkEngine, map_jobs
from jokkgeo.crs import check_working_crs
from jokkgeo.errors import AnalysisError
from jokkgeo.network.arrays import RoadNetwork
from jokkgeo.network.profiles import get_profile
from jokkgeo.results import Provenance, ProvenanceFields

log = logging.getLogger(__name__)

SERVICE_KINDS: tuple[str, ...] = (
    "preschool", "school", "upper_secondary", "health_centre", "hospital", "pharmacy", "grocery", "fuel",
)
"""The service kinds jokkgeo knows (the ``kind`` column of a services layer); others are accepted when present."""

DEFAULT_SERVICE_MINUTES: tuple[float, ...] = (10.0, 20.0, 30.0, 45.0, 60.0)
"""Default band cut-offs (minutes by car)."""

DEFAULT_SEASONS: tuple[str, ...] = ("summer", "winter")
"""Seasons analysed by default (packaged speed profiles)."""

GROUP_COLUMNS: tuple[str, ...] = ("working_age", "age_1_5", "age_6_15", "age_65_plus")
"""Optional population columns also summed per band (where the population layer has them)."""

TODAY, GROWTH = "today", "growth"
"""Values of the ``scenario`` column: residents only, and residents plus newcomers."""


@dataclass
class ServiceAccessResult(ProvenanceFields):
    """Travel times from residents to the nearest service of each kind, per season.

    Attributes
    ----------
    residents
        The residents (same index, CRS and columns as the input) plus, per kind and
        season, ``minutes_<kind>_<season>`` (NaN when unreachable) and
        ``nearest_<kind>_<season>`` (the nearest service's id).
    newcomers
        The newcomers frame with the same columns (``None`` without newcomers).
    bands
        One row per ``kind``, ``season``, ``scenario`` (``today``; ``growth`` = residents and
        newcomers) and band ``minutes``: ``people_in_band`` (previous cut-off < t ≤ cut-off),
        ``people_within`` (t ≤ cut-off), ``share_within`` (of all people) and
        ``<group>_within`` for the :data:`GROUP_COLUMNS` present.
    summary
        One row per kind, season and scenario: ``n_services``, ``people``,
        ``people_beyond`` (beyond the last band but reachable), ``people_unreachable``,
        ``mean_minutes`` (population-weighted, reachable people) and ``max_minutes``.
    worst
        The ``n_worst`` places with the longest times per kind and season (unreachable first):
        ``rank``, ``place_id``, ``place``, ``minutes``, ``nearest_service``, ``people``.
    load
        One row per service and season (service geometry, EPSG:3006): ``service_id``,
        ``name``, ``kind``, ``locality``, ``capacity``, ``season``, ``residents`` (people for
        whom it is the nearest of its kind), ``n_places``, ``newcomers``,
        ``residents_after`` (residents + newcomers), ``per_capacity`` and
        ``per_capacity_after`` (NaN without a capacity).
    kinds
        The kinds analysed (in :data:`SERVICE_KINDS` order, then others).
    missing_kinds
        Kinds asked for that have no service in the layer (their people are all unreachable).
    provenance
        Parameters, warnings (unreachable places, missing kinds).
    """

    residents: gpd.GeoDataFrame
    bands: pd.DataFrame
    summary: pd.DataFrame
    worst: pd.DataFrame
    load: gpd.GeoDataFrame
    kinds: tuple[str, ...] = ()
    missing_kinds: tuple[str, ...] = ()
    newcomers: gpd.GeoDataFrame | None = None
    provenance: Provenance = field(default_factory=Provenance)

    @property
    def seasons(self) -> tuple[str, ...]:
        """The seasons analysed."""
        return tuple(self.params.get("seasons", ()))


def resolve_kinds(services: gpd.GeoDataFrame, kinds: Sequence[str] | None, *, kind_col: str = "kind") -> tuple[
        tuple[str, ...], tuple[str, ...]]:
    """The kinds to analyse and those of them without a service.

    ``None``: the kinds present in ``services``. A kind neither known (:data:`SERVICE_KINDS`)
    nor present in the layer is an error (a typo); a known kind without a service is returned
    in the second tuple.

    Parameters
    ----------
    services
        The services layer.
    kinds
        The kinds asked for (``None``: all present).
    kind_col
        Column with the kind.

    Examples
    --------
    >>> import geopandas as gpd
    >>> s = gpd.GeoDataFrame({"kind": ["school"]}, geometry=gpd.points_from_xy([0], [0]), crs="EPSG:3006")
    >>> resolve_kinds(s, ["school", "hospital"])
    (('school', 'hospital'), ('hospital',))
    """
    present = [str(k) for k in pd.unique(services[kind_col].dropna().astype(str))] if kind_col in services else []
    order = {k: i for i, k in enumerate(SERVICE_KINDS)}
    if kinds is None:
        chosen = sorted(present, key=lambda k: (order.get(k, len(order)), k))
    else:
        chosen = list(dict.fromkeys(str(k) for k in kinds))
        known = set(SERVICE_KINDS) | set(present)
        bad = [k for k in chosen if k not in known]
        if bad:
            hints = {k: difflib.get_close_matches(k, sorted(known), n=1) for k in bad}
            said = ", ".join(f"'{k}'" + (f" (did you mean '{hints[k][0]}'?)" if hints[k] else "") for k in bad)
            raise AnalysisError(f"services: key 'kinds': unknown kind(s) {said}; "
                                f"use one of: {', '.join(sorted(known, key=lambda k: (order.get(k, 99), k)))}")
    missing = tuple(k for k in chosen if k not in set(present))
    return tuple(chosen), missing


@dataclass(frozen=True)
class ServiceAccessOptions:
    """Column names and routing knobs of :func:`service_access` (defaults fit the standard layers).

    Parameters
    ----------
    population_col, kind_col, service_id_col
        Columns of people (residents and newcomers), of the service kind and of the unique service id.
    n_worst
        Worst-served places listed per kind and season.
    access_speed_kph, max_snap_m, place_max_snap_m
        As :func:`jokkgeo.analysis.accessibility.accessibility`: speed of the off-road legs; a
        service farther than ``max_snap_m`` from a road is an error; a resident farther than
        ``place_max_snap_m`` (default ``max_snap_m``) is unreachable.
    engine
        Where the kinds and seasons are routed: here (default) or on a dask cluster
        (:class:`jokkgeo.analysis.parallel.NetworkEngine`); the results are the same.
    """

    population_col: str = "population"
    kind_col: str = "kind"
    service_id_col: str = "service_id"
    n_worst: int = 10
    access_speed_kph: float = DEFAULT_ACCESS_SPEED_KPH
    max_snap_m: float = DEFAULT_MAX_SNAP_M
    place_max_snap_m: float | None = None
    engine: NetworkEngine | None = None

    def __post_init__(self) -> None:
        n = self.n_worst
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 0:
            raise AnalysisError(f"services: key 'n_worst': got {n!r}; give a whole number >= 0")
        check_option("access_speed_kph", self.access_speed_kph, what="services")
        check_option("max_snap_m", self.max_snap_m, what="services")
        if self.place_max_snap_m is not None:
            check_option("max_snap_m", self.place_max_snap_m, what="services (place_max_snap_m)")


def _weights(frame: gpd.GeoDataFrame, col: str) -> np.ndarray:
    if col not in frame.columns:
        return np.zeros(len(frame))
    return pd.to_numeric(frame[col], errors="coerce").fillna(0.0).to_numpy(dtype=float)


def _check_people(frame: gpd.GeoDataFrame, what: str, population_col: str) -> None:
    if not isinstance(frame, gpd.GeoDataFrame):
        raise AnalysisError(f"{what} must be a GeoDataFrame of points or polygons in EPSG:3006")
    check_working_crs(frame, what)
    if population_col not in frame.columns:
        raise AnalysisError(f"{what}: key '{population_col}': no such column (columns: "
                            f"{', '.join(map(str, frame.columns))}); give the number of people per feature")
    values = pd.to_numeric(frame[population_col], errors="coerce")
    if (values < 0).any():
        raise AnalysisError(f"{what}: key '{population_col}': negative numbers of people; fix the layer")


def _check_services(services: gpd.GeoDataFrame, opts: ServiceAccessOptions) -> None:
    if not isinstance(services, gpd.GeoDataFrame):
        raise AnalysisError("services must be a GeoDataFrame of points or polygons in EPSG:3006")
    check_working_crs(services, "services")
    for col in (opts.service_id_col, opts.kind_col):
        if col not in services.columns:
            raise AnalysisError(f"services: key '{col}': no such column (columns: "
                                f"{', '.join(map(str, services.columns))}); the services layer needs it")
    ids = services[opts.service_id_col].astype(str)
    dup = ids[ids.duplicated()].unique()
    if len(dup):
        raise AnalysisError(f"services: key '{opts.service_id_col}': duplicate ids {', '.join(dup)}; "
                            "ids must be unique")


def _check_seasons(seasons: Sequence[str]) -> tuple[str, ...]:
    out = tuple(dict.fromkeys(str(s) for s in seasons))
    if not out:
        raise AnalysisError("services: key 'seasons': empty; give at least one season, e.g. summer")
    for s in out:
        get_profile(s)
    return out


@dataclass
class _People:
    """Residents then newcomers in one frame (routed together: one snapping per kind and season)."""

    places: gpd.GeoDataFrame
    is_new: np.ndarray
    pop: np.ndarray
    groups: dict[str, np.ndarray]
    has_newcomers: bool

    @classmethod
    def of(cls, residents: gpd.GeoDataFrame, newcomers: gpd.GeoDataFrame | None, population_col: str) -> _People:
        cols = [population_col, *[c for c in GROUP_COLUMNS if c in residents.columns]]
        frames = [f for f in (residents, newcomers) if f is not None]
        parts = [gpd.GeoDataFrame({c: _weights(f, c) for c in cols},
                                  geometry=np.asarray(f.geometry.values, dtype=object), crs=residents.crs)
                 for f in frames]
        places = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=residents.crs)
        is_new = np.arange(len(places)) >= len(residents)
        return cls(places, is_new, places[population_col].to_numpy(dtype=float),
                   {c: places[c].to_numpy(dtype=float) for c in cols[1:]}, newcomers is not None)

    def masks(self) -> list[tuple[str, np.ndarray]]:
        """``(scenario, rows)``: today (residents) and, with newcomers, growth (everyone)."""
        out = [(TODAY, ~self.is_new)]
        if self.has_newcomers:
            out.append((GROWTH, np.ones(len(self.is_new), dtype=bool)))
        return out


def _route(network: RoadNetwork, svc: gpd.GeoDataFrame, people: _People, mins: tuple[float, ...], season: str,
           opts: ServiceAccessOptions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Minutes to the nearest service of ``svc`` (NaN unreachable), its position (-1) and its id (None)."""
    n = len(people.places)
    if not len(svc):
        return np.full(n, np.nan), np.full(n, -1, dtype=np.int64), np.full(n, None, dtype=object)
    acc = accessibility(network, svc, people.places, minutes=mins, profile=season, site_id_col=opts.service_id_col,
                        per_site=False, value_columns=(), access_speed_kph=opts.access_speed_kph,
                        max_snap_m=opts.max_snap_m, place_max_snap_m=opts.place_max_snap_m)
    nearest = acc.places["nearest_site_id"].astype(object)
    owner = pd.Index(svc[opts.service_id_col].astype(str)).get_indexer(nearest).astype(np.int64)
    return (acc.places["minutes_nearest"].to_numpy(dtype=float), owner,
            nearest.where(nearest.notna(), None).to_numpy())


def _of_kind(services: gpd.GeoDataFrame, kind: str, opts: ServiceAccessOptions) -> gpd.GeoDataFrame:
    return services.loc[(services[opts.kind_col].astype(str) == kind).to_numpy()]


def _route_job(shared: tuple[RoadNetwork, gpd.GeoDataFrame, _People, tuple[float, ...], ServiceAccessOptions],
               job: tuple[str, str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One kind and season (a job of :func:`jokkgeo.analysis.parallel.map_jobs`)."""
    network, services, people, mins, opts = shared
    kind, season = job
    return _route(network, _of_kind(services, kind, opts), people, mins, season, opts)


def _bands(kind: str, season: str, t: np.ndarray, people: _People, cut: np.ndarray,
           n_services: int) -> tuple[list[pd.DataFrame], list[dict[str, Any]]]:
    """People per band (bincount over the band index) and the summary row, per scenario."""
    nb = len(cut)
    band = np.searchsorted(cut, np.nan_to_num(t, nan=np.inf), side="left")  # nb: beyond or unreachable
    reach = np.isfinite(t)
    frames, rows = [], []
    for scen, mask in people.masks():
        w = np.where(mask, people.pop, 0.0)
        in_band = np.bincount(band, weights=w, minlength=nb + 1)[:nb]
        total = float(w.sum())
        frame = pd.DataFrame({"kind": kind, "season": season, "scenario": scen, "minutes": cut,
                              "people_in_band": in_band, "people_within": np.cumsum(in_band)})
        frame["share_within"] = frame["people_within"] / total if total > 0 else np.nan
        for g, gv in people.groups.items():
            frame[f"{g}_within"] = np.cumsum(np.bincount(band, weights=np.where(mask, gv, 0.0), minlength=nb + 1)[:nb])
        frames.append(frame)
        rw = w[reach]
        served = reach & (w > 0)
        rows.append({
            "kind": kind, "season": season, "scenario": scen, "n_services": n_services, "people": total,
            "people_beyond": float(w[reach & (band >= nb)].sum()), "people_unreachable": float(w[~reach].sum()),
            "mean_minutes": float((t[reach] * rw).sum() / rw.sum()) if rw.sum() > 0 else np.nan,
            "max_minutes": float(t[served].max()) if served.any() else np.nan,
        })
    return frames, rows


def _worst(kind: str, season: str, t: np.ndarray, owner_id: np.ndarray, pop: np.ndarray, ids: np.ndarray,
           labels: np.ndarray, n_worst: int) -> pd.DataFrame:
    """The places with people, unreachable first, then by the longest time."""
    cand = np.flatnonzero(pop > 0)
    order = cand[np.lexsort((-np.nan_to_num(t[cand], nan=0.0), np.isfinite(t[cand])))][:n_worst]
    return pd.DataFrame({"kind": kind, "season": season, "rank": np.arange(1, len(order) + 1),
                         "place_id": ids[order], "place": labels[order], "minutes": t[order],
                         "nearest_service": owner_id[order], "people": pop[order]})


def _load(kind: str, season: str, svc: gpd.GeoDataFrame, owner: np.ndarray, people: _People,
          opts: ServiceAccessOptions) -> pd.DataFrame:
    """Residents (and newcomers) for whom each service is the nearest of its kind; per capacity."""
    n = len(svc)
    ok = owner >= 0
    today = np.bincount(owner[ok & ~people.is_new], weights=people.pop[ok & ~people.is_new], minlength=n)
    added = np.bincount(owner[ok & people.is_new], weights=people.pop[ok & people.is_new], minlength=n)
    cap = (pd.to_numeric(svc["capacity"], errors="coerce").to_numpy(dtype=float)
           if "capacity" in svc.columns else np.full(n, np.nan))
    cap = np.where(cap > 0, cap, np.nan)
    ids = svc[opts.service_id_col].astype(str).to_numpy()
    return pd.DataFrame({
        "service_id": ids, "name": svc["name"].astype(str).to_numpy() if "name" in svc.columns else ids,
        "kind": kind, "locality": svc["locality"].to_numpy() if "locality" in svc.columns else None,
        "capacity": cap, "season": season, "residents": today,
        "n_places": np.bincount(owner[ok & ~people.is_new], minlength=n), "newcomers": added,
        "residents_after": today + added, "per_capacity": today / cap, "per_capacity_after": (today + added) / cap,
        "geometry": np.asarray(svc.geometry.values, dtype=object)})


LOAD_COLUMNS: tuple[str, ...] = ("service_id", "name", "kind", "locality", "capacity", "season", "residents",
                                 "n_places", "newcomers", "residents_after", "per_capacity", "per_capacity_after")
"""Columns of :attr:`ServiceAccessResult.load` (plus the service geometry)."""


def _with_columns(frame: gpd.GeoDataFrame, cols: dict[str, Any]) -> gpd.GeoDataFrame:
    base = frame.drop(columns=[c for c in cols if c in frame.columns])
    out = pd.concat([base, pd.DataFrame(cols, index=frame.index)], axis=1)
    return gpd.GeoDataFrame(out, geometry=frame.geometry.name, crs=frame.crs)


def service_access(
    network: RoadNetwork,
    services: gpd.GeoDataFrame,
    residents: gpd.GeoDataFrame,
    *,
    kinds: Sequence[str] | None = None,
    seasons: Sequence[str] = DEFAULT_SEASONS,
    minutes: Sequence[float] = DEFAULT_SERVICE_MINUTES,
    newcomers: gpd.GeoDataFrame | None = None,
    options: ServiceAccessOptions | None = None,
) -> ServiceAccessResult:
    """Travel time from every resident to the nearest service of each kind, per season; bands, worst, loads.

    Parameters
    ----------
    network
        Road network (EPSG:3006).
    services
        Service points/polygons with a unique ``service_id`` and a ``kind``; optional ``name``,
        ``locality`` and ``capacity`` (people a service is dimensioned for).
    residents
        Population features (EPSG:3006) with ``population`` (people; floats allowed); optional
        :data:`GROUP_COLUMNS`. Not modified.
    kinds
        Kinds to analyse (default: those present); see :func:`resolve_kinds`.
    seasons
        Speed profiles (packaged names), default summer and winter.
    minutes
        Band cut-offs in minutes.
    newcomers
        Optional extra people (points with ``population``), e.g. a growth scenario's new
        residents per settlement: routed like residents, reported as the ``growth`` scenario.
    options
        Column names, number of worst-served places, snapping and off-road speed
        (:class:`ServiceAccessOptions`).

    Returns
    -------
    ServiceAccessResult

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from jokkgeo.network.graph import graph_from_lines
    >>> roads = gpd.GeoDataFrame({"maxspeed": ["60"]},
    ...     geometry=[shapely.LineString([(0, 0), (10000, 0)])], crs="EPSG:3006")
    >>> svc = gpd.GeoDataFrame({"service_id": ["s"], "kind": ["school"]},
    ...     geometry=[shapely.Point(0, 0)], crs="EPSG:3006")
    >>> people = gpd.GeoDataFrame({"population": [100]}, geometry=[shapely.Point(5000, 0)], crs="EPSG:3006")
    >>> res = service_access(graph_from_lines(roads), svc, people, seasons=["summer"], minutes=[10])
    >>> res.load["residents"].tolist()
    [100.0]
    """
    opts = options or ServiceAccessOptions()
    mins = validate_minutes(minutes)
    seasons = _check_seasons(seasons)
    _check_people(residents, "residents", opts.population_col)
    if newcomers is not None:
        _check_people(newcomers, "newcomers", opts.population_col)
    _check_services(services, opts)
    chosen, missing = resolve_kinds(services, kinds, kind_col=opts.kind_col)
    warnings = [f"no service of kind '{k}' in the services layer: its residents are counted as unreachable"
                for k in missing]
    people = _People.of(residents, newcomers, opts.population_col)
    new = people.is_new
    from jokkgeo.analysis._common import feature_ids, feature_labels

    place_ids, _ = feature_ids(residents)
    place_labels = feature_labels(residents, place_ids).to_numpy()
    cut = np.array(mins)
    res_cols: dict[str, Any] = {}
    new_cols: dict[str, Any] = {}
    bands: list[pd.DataFrame] = []
    summary: list[dict[str, Any]] = []
    worst: list[pd.DataFrame] = []
    load: list[pd.DataFrame] = []
    jobs = [(kind, season) for kind in chosen for season in seasons]
    routes = iter(map_jobs(_route_job, (network, services, people, mins, opts), jobs, opts.engine))
    for kind in chosen:
        svc = _of_kind(services, kind, opts)
        for season in seasons:
            t, owner, owner_id = next(routes)
            for cols, sel in ((res_cols, ~new), (new_cols, new)):
                cols[f"minutes_{kind}_{season}"] = t[sel]
                cols[f"nearest_{kind}_{season}"] = owner_id[sel]
            frames, rows = _bands(kind, season, t, people, cut, len(svc))
            bands.extend(frames)
            summary.extend(rows)
            worst.append(_worst(kind, season, t[~new], owner_id[~new], people.pop[~new], place_ids.to_numpy(),
                                place_labels, opts.n_worst))
            if len(svc):
                load.append(_load(kind, season, svc, owner, people, opts))
                n_out = int((~np.isfinite(t[~new])).sum())
                if n_out:
                    warnings.append(f"{kind}, {season}: {n_out} of {len(residents)} resident place(s) reach no "
                                    "service (too far from a road, or on roads not connected to one)")
    for w in warnings:
        log.warning(w)
    empty_load = gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in LOAD_COLUMNS},
                                  geometry=gpd.GeoSeries([], crs=services.crs), crs=services.crs)
    params = {
        "kinds": list(chosen), "missing_kinds": list(missing), "seasons": list(seasons), "minutes": list(mins),
        "population_col": opts.population_col, "n_residents": len(residents),
        "people": float(people.pop[~new].sum()),
        "newcomers": float(people.pop[new].sum()) if newcomers is not None else None,
        "n_services": len(services), "n_worst": int(opts.n_worst), "access_speed_kph": float(opts.access_speed_kph),
        "max_snap_m": float(opts.max_snap_m), "place_max_snap_m": float(opts.place_max_snap_m or opts.max_snap_m),
        "method": "nearest service of each kind by road travel time (jokkgeo.analysis.accessibility)",
    }
    return ServiceAccessResult(
        residents=_with_columns(residents, res_cols),
        bands=pd.concat(bands, ignore_index=True) if bands else pd.DataFrame(
            columns=["kind", "season", "scenario", "minutes", "people_in_band", "people_within", "share_within"]),
        summary=pd.DataFrame(summary, columns=["kind", "season", "scenario", "n_services", "people", "people_beyond",
                                               "people_unreachable", "mean_minutes", "max_minutes"]),
        worst=pd.concat(worst, ignore_index=True) if worst else pd.DataFrame(
            columns=["kind", "season", "rank", "place_id", "place", "minutes", "nearest_service", "people"]),
        load=gpd.GeoDataFrame(pd.concat(load, ignore_index=True), geometry="geometry", crs=services.crs)
        if load else empty_load,
        kinds=chosen, missing_kinds=missing,
        newcomers=_with_columns(newcomers, new_cols) if newcomers is not None else None,
        provenance=Provenance(parameters=params, warnings=tuple(warnings)))


__all__ = ["DEFAULT_SEASONS", "DEFAULT_SERVICE_MINUTES", "GROUP_COLUMNS", "GROWTH", "LOAD_COLUMNS", "SERVICE_KINDS",
           "TODAY", "ServiceAccessOptions", "ServiceAccessResult", "resolve_kinds", "service_access"]
