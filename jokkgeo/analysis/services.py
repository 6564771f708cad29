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


def service_access(
    network: RoadNetwork,
    services: gpd.GeoDataFrame,
    residents: gpd.GeoDataFrame,
    *,
    kinds: Sequence[str] | None = None,
    seasons: Sequence[str] = DEFAULT_SEASONS,
    minutes: Sequence[float] = DEFAULT_SERVICE_MINUTES,
    newcomers: gpd.GeoDataFrame | None = None,
    population_col: str = "population",
    kind_col: str = "kind",
    service_id_col: str = "service_id",
    n_worst: int = 10,
    access_speed_kph: float = DEFAULT_ACCESS_SPEED_KPH,
    max_snap_m: float = DEFAULT_MAX_SNAP_M,
    place_max_snap_m: float | None = None,
) -> ServiceAccessResult:
    """Travel time from every resident to the nearest service of each kind, per season; bands, worst, loads.

    Parameters
    ----------
    network
        Road network (EPSG:3006).
    services
        Service points/polygons with ``service_id_col`` (unique) and ``kind_col``; optional
        ``name``, ``locality`` and ``capacity`` (people a service is dimensioned for).
    residents
        Population features (EPSG:3006) with ``population_col`` (people; floats allowed);
        optional :data:`GROUP_COLUMNS`. Not modified.
    kinds
        Kinds to analyse (default: those present); see :func:`resolve_kinds`.
    seasons
        Speed profiles (packaged names), default summer and winter.
    minutes
        Band cut-offs in minutes.
    newcomers
        Optional extra people (points with ``population_col``), e.g. a growth scenario's new
        residents per settlement: routed like residents, reported as the ``growth`` scenario.
    population_col, kind_col, service_id_col
        Column names.
    n_worst
        Worst-served places listed per kind and season.
    access_speed_kph, max_snap_m, place_max_snap_m
        As :func:`jokkgeo.analysis.accessibility.accessibility` (a service farther than
        ``max_snap_m`` from a road is an error; a resident farther than ``place_max_snap_m``
        is unreachable).

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
    mins = validate_minutes(minutes)
    seasons = tuple(dict.fromkeys(str(s) for s in seasons))
    if not seasons:
        raise AnalysisError("services: key 'seasons': empty; give at least one season, e.g. summer")
    for s in seasons:
        get_profile(s)
    if not isinstance(n_worst, (int, np.integer)) or isinstance(n_worst, bool) or n_worst < 0:
        raise AnalysisError(f"services: key 'n_worst': got {n_worst!r}; give a whole number >= 0")
    check_option("access_speed_kph", access_speed_kph, what="services")
    check_option("max_snap_m", max_snap_m, what="services")
    _check_people(residents, "residents", population_col)
    if newcomers is not None:
        _check_people(newcomers, "newcomers", population_col)
    if not isinstance(services, gpd.GeoDataFrame):
        raise AnalysisError("services must be a GeoDataFrame of points or polygons in EPSG:3006")
    check_working_crs(services, "services")
    for col in (service_id_col, kind_col):
        if col not in services.columns:
            raise AnalysisError(f"services: key '{col}': no such column (columns: "
                                f"{', '.join(map(str, services.columns))}); the services layer needs it")
    ids_all = services[service_id_col].astype(str)
    dup = ids_all[ids_all.duplicated()].unique()
    if len(dup):
        raise AnalysisError(f"services: key '{service_id_col}': duplicate ids {', '.join(dup)}; ids must be unique")
    chosen, missing = resolve_kinds(services, kinds, kind_col=kind_col)
    warnings: list[str] = []
    for k in missing:
        msg = f"no service of kind '{k}' in the services layer: its residents are counted as unreachable"
        warnings.append(msg)
        log.warning(msg)

    # residents and newcomers routed together: one snapping per kind and season
    n_res = len(residents)
    people_cols = [population_col, *[c for c in GROUP_COLUMNS if c in residents.columns]]
    parts = [gpd.GeoDataFrame({c: _weights(residents, c) for c in people_cols},
                              geometry=np.asarray(residents.geometry.values, dtype=object), crs=residents.crs)]
    if newcomers is not None and len(newcomers):
        parts.append(gpd.GeoDataFrame({c: _weights(newcomers, c) for c in people_cols},
                                      geometry=np.asarray(newcomers.geometry.values, dtype=object),
                                      crs=newcomers.crs))
    places = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=residents.crs)
    n_all = len(places)
    is_new = np.arange(n_all) >= n_res
    pop = places[population_col].to_numpy(dtype=float)
    groups = {c: places[c].to_numpy(dtype=float) for c in people_cols[1:]}
    from jokkgeo.analysis._common import feature_ids, feature_labels

    place_ids, _ = feature_ids(residents)
    place_labels = feature_labels(residents, place_ids)

    cut = np.array(mins)
    nb = len(cut)
    res_cols: dict[str, object] = {}
    new_cols: dict[str, object] = {}
    band_rows: list[pd.DataFrame] = []
    summary_rows: list[dict] = []
    worst_rows: list[pd.DataFrame] = []
    load_rows: list[pd.DataFrame] = []
    n_unreachable: dict[str, int] = {}
    snap_kw = dict(access_speed_kph=access_speed_kph, max_snap_m=max_snap_m, place_max_snap_m=place_max_snap_m)
    for kind in chosen:
        sel = (services[kind_col].astype(str) == kind).to_numpy()
        svc = services.loc[sel]
        svc_ids = svc[service_id_col].astype(str).to_numpy()
        for season in seasons:
            if len(svc):
                acc = accessibility(network, svc, places, minutes=mins, profile=season, site_id_col=service_id_col,
                                    per_site=False, value_columns=(), **snap_kw)
                t = acc.places["minutes_nearest"].to_numpy(dtype=float)
                nearest = acc.places["nearest_site_id"]
                owner = pd.Index(svc_ids).get_indexer(nearest.astype(object)).astype(np.int64)
                owner_id = nearest.astype(object).where(nearest.notna(), None).to_numpy()
            else:
                t = np.full(n_all, np.nan)
                owner_id = np.full(n_all, None, dtype=object)
                owner = np.full(n_all, -1, dtype=np.int64)
            reach = np.isfinite(t)
            n_unreachable[f"{kind}/{season}"] = int((~reach[~is_new]).sum())
            col = f"{kind}_{season}"
            res_cols[f"minutes_{col}"] = t[~is_new]
            res_cols[f"nearest_{col}"] = owner_id[~is_new]
            new_cols[f"minutes_{col}"] = t[is_new]
            new_cols[f"nearest_{col}"] = owner_id[is_new]
            # people per band (both scenarios), vectorised with bincount over the band index
            band = np.searchsorted(cut, np.nan_to_num(t, nan=np.inf), side="left")  # nb: beyond / unreachable
            for scen, mask in ((TODAY, ~is_new), (GROWTH, np.ones(n_all, dtype=bool))):
                if scen == GROWTH and newcomers is None:
                    continue
                w = np.where(mask, pop, 0.0)
                in_band = np.bincount(band, weights=w, minlength=nb + 1)[:nb]
                total = float(w.sum())
                frame = pd.DataFrame({"kind": kind, "season": season, "scenario": scen, "minutes": cut,
                                      "people_in_band": in_band, "people_within": np.cumsum(in_band)})
                frame["share_within"] = frame["people_within"] / total if total > 0 else np.nan
                for g, gv in groups.items():
                    gw = np.where(mask, gv, 0.0)
                    frame[f"{g}_within"] = np.cumsum(np.bincount(band, weights=gw, minlength=nb + 1)[:nb])
                band_rows.append(frame)
                reach_w = w[reach]
                summary_rows.append({
                    "kind": kind, "season": season, "scenario": scen, "n_services": len(svc),
                    "people": total,
                    "people_beyond": float(w[reach & (band >= nb)].sum()),
                    "people_unreachable": float(w[~reach].sum()),
                    "mean_minutes": float((t[reach] * reach_w).sum() / reach_w.sum()) if reach_w.sum() > 0 else np.nan,
                    "max_minutes": float(t[reach & (w > 0)].max()) if (reach & (w > 0)).any() else np.nan,
                })
            # worst-served residents: unreachable first, then the longest times (people > 0 only)
            tr = t[~is_new]
            pr = pop[~is_new]
            cand = np.flatnonzero(pr > 0)
            order = cand[np.lexsort((-np.nan_to_num(tr[cand], nan=0.0), np.isfinite(tr[cand])))][:n_worst]
            worst_rows.append(pd.DataFrame({
                "kind": kind, "season": season, "rank": np.arange(1, len(order) + 1),
                "place_id": place_ids.to_numpy()[order], "place": place_labels.to_numpy()[order],
                "minutes": tr[order], "nearest_service": owner_id[~is_new][order], "people": pr[order]}))
            # load per service: people for whom it is the nearest of its kind
            if len(svc):
                valid = owner >= 0
                today = np.bincount(owner[valid & ~is_new], weights=pop[valid & ~is_new], minlength=len(svc))
                places_n = np.bincount(owner[valid & ~is_new], minlength=len(svc))
                added = np.bincount(owner[valid & is_new], weights=pop[valid & is_new], minlength=len(svc))
                cap = (pd.to_numeric(svc["capacity"], errors="coerce").to_numpy(dtype=float)
                       if "capacity" in svc.columns else np.full(len(svc), np.nan))
                cap = np.where(cap > 0, cap, np.nan)
                frame = pd.DataFrame({
                    "service_id": svc_ids,
                    "name": svc["name"].astype(str).to_numpy() if "name" in svc.columns else svc_ids,
                    "kind": kind,
                    "locality": svc["locality"].to_numpy() if "locality" in svc.columns else None,
                    "capacity": cap, "season": season, "residents": today, "n_places": places_n,
                    "newcomers": added, "residents_after": today + added,
                    "per_capacity": today / cap, "per_capacity_after": (today + added) / cap,
                    "geometry": np.asarray(svc.geometry.values, dtype=object)})
                load_rows.append(frame)
    for key, n in n_unreachable.items():
        if n:
            kind, season = key.split("/")
            if kind in missing:
                continue
            msg = f"{kind}, {season}: {n} of {n_res} resident place(s) reach no service (too far from a road)"
            warnings.append(msg)
            log.warning(msg)

    base = residents.drop(columns=[c for c in res_cols if c in residents.columns])
    out = pd.concat([base, pd.DataFrame(res_cols, index=residents.index)], axis=1)
    out = gpd.GeoDataFrame(out, geometry=residents.geometry.name, crs=residents.crs)
    new_out = None
    if newcomers is not None:
        nbase = newcomers.drop(columns=[c for c in new_cols if c in newcomers.columns])
        new_out = gpd.GeoDataFrame(pd.concat([nbase, pd.DataFrame(new_cols, index=newcomers.index)], axis=1),
                                   geometry=newcomers.geometry.name, crs=newcomers.crs)
    load_cols = ["service_id", "name", "kind", "locality", "capacity", "season", "residents", "n_places",
                 "newcomers", "residents_after", "per_capacity", "per_capacity_after", "geometry"]
    load = (gpd.GeoDataFrame(pd.concat(load_rows, ignore_index=True), geometry="geometry", crs=services.crs)
            if load_rows else gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in load_cols[:-1]},
                                               geometry=gpd.GeoSeries([], crs=services.crs), crs=services.crs))
    bands = pd.concat(band_rows, ignore_index=True) if band_rows else pd.DataFrame(
        columns=["kind", "season", "scenario", "minutes", "people_in_band", "people_within", "share_within"])
    worst = pd.concat(worst_rows, ignore_index=True) if worst_rows else pd.DataFrame(
        columns=["kind", "season", "rank", "place_id", "place", "minutes", "nearest_service", "people"])
    summary = pd.DataFrame(summary_rows, columns=["kind", "season", "scenario", "n_services", "people",
                                                  "people_beyond", "people_unreachable", "mean_minutes",
                                                  "max_minutes"])
    params = {
        "kinds": list(chosen), "missing_kinds": list(missing), "seasons": list(seasons), "minutes": list(mins),
        "population_col": population_col, "n_residents": n_res,
        "people": float(pop[~is_new].sum()), "newcomers": float(pop[is_new].sum()) if newcomers is not None else None,
        "n_services": int(len(services)), "n_worst": int(n_worst), "access_speed_kph": float(access_speed_kph),
        "max_snap_m": float(max_snap_m), "place_max_snap_m": float(place_max_snap_m or max_snap_m),
        "method": "nearest service of each kind by road travel time (jokkgeo.analysis.accessibility)",
    }
    return ServiceAccessResult(residents=out, bands=bands, summary=summary, worst=worst, load=load,
                               kinds=chosen, missing_kinds=missing, newcomers=new_out,
                               provenance=Provenance(parameters=params, warnings=tuple(warnings)))


__all__ = ["DEFAULT_SEASONS", "DEFAULT_SERVICE_MINUTES", "GROUP_COLUMNS", "GROWTH", "SERVICE_KINDS", "TODAY",
           "ServiceAccessResult", "resolve_kinds", "service_access"]
