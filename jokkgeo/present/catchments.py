"""Catchment results -> map layers and the frames the bundle writes (no analysis, no I/O)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import geopandas as gpd
import pandas as pd

from jokkgeo import i18n
from jokkgeo.present.conflicts import analysis_group
from jokkgeo.render.document import MapLayer
from jokkgeo.render.styles import band_style, simple_style

_SEASONS = ("summer", "winter", "spring", "autumn")


def catchments_title(season: str, language: str) -> str:
    """Default title: travel time to the nearest workplace in ``season``.

    Parameters
    ----------
    season
        The season of the run; a known season (summer, winter, spring, autumn) is translated,
        any other name is shown as it is.
    language
        ``"sv"`` or ``"en"``.
    """
    shown = i18n.text(f"report.season.{season}", language) if season in _SEASONS else season
    return i18n.text("report.travel_time_nearest", language, season=shown)


def site_names(sites: gpd.GeoDataFrame) -> dict[str, str]:
    """``site_id -> name`` of a sites layer (the id where it has no ``name`` column).

    Parameters
    ----------
    sites
        The sites layer (a ``site_id`` column, optionally ``name``).
    """
    ids = sites["site_id"].astype(str)
    return dict(zip(ids, sites["name"].astype(str) if "name" in sites.columns else ids, strict=True))


def labelled_bands(frame: gpd.GeoDataFrame, names: Mapping[str, str], language: str = "sv") -> gpd.GeoDataFrame:
    """Band polygons with ``site_name``, ``area_km2`` and ``label`` (``"<site> ≤ 30 min"``), widest first.

    Missing and empty geometries are left out; nearer bands come later, so they are drawn on top.

    Parameters
    ----------
    frame
        Band polygons with ``site_id``, ``minutes`` and ``area_m2`` (a split of a catchments result).
    names
        ``site_id -> name`` (see :func:`site_names`).
    language
        ``"sv"`` (default) or ``"en"`` (the minutes unit of the label).
    """
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty].copy()
    frame["site_name"] = frame["site_id"].astype(str).map(names)
    frame["area_km2"] = (frame["area_m2"] / 1e6).round(1)
    frame["label"] = (frame["site_name"].astype(str) + " ≤ " + frame["minutes"].map(lambda m: f"{m:g}")
                      + " " + i18n.text("report.minutes_unit", language))
    return frame.sort_values(["minutes", "site_id"], ascending=[False, True], kind="stable")


def catchment_layers(nearest: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, *, minutes: Sequence[float],
                     language: str, title: str) -> list[MapLayer]:
    """The sites (on top) and the nearest-site bands of a catchments run.

    Parameters
    ----------
    nearest
        :func:`labelled_bands` of the result's ``nearest`` split.
    sites
        The sites layer (points with ``name``, ``type``, ``jobs_operation``).
    minutes
        The band limits (legend classes).
    language
        ``"sv"`` or ``"en"``.
    title
        Title of the band layer (see :func:`catchments_title`).
    """
    lang = language
    group = analysis_group(lang)
    style = band_style(sorted({float(m) for m in minutes}), title=title, language=lang)
    # the nearest-site split: people counted at the workplace they reach fastest
    people = tuple((c, i18n.text("population.nearest_label", lang, label=i18n.text(f"population.{c}", lang)))
                   for c in PEOPLE_COLUMNS if c in nearest.columns)
    style = replace(style, popup=(("site_name", i18n.text("report.workplace", lang)),
                                  ("minutes", i18n.text("report.within_minutes", lang)),
                                  ("area_km2", i18n.text("report.area_km", lang)), *people),
                    tooltip="label")
    site_title = i18n.text("report.workplaces", lang)
    site_layer = MapLayer(
        id="catchment_sites", title=site_title, group=group,
        style=simple_style("point", title=site_title, color="#000000", fill_color="#e7298a", radius=7.0, weight=2.0,
                           fill_opacity=1.0, label_field="name", tooltip="name", z_order=50,
                           popup=(("name", i18n.text("report.name", lang)),
                                  ("type", i18n.text("report.type", lang)),
                                  ("jobs_operation", i18n.text("report.jobs", lang)))),
        data=sites)
    return [site_layer, MapLayer(id="catchment_bands", title=title, group=group, style=style, data=nearest)]


PEOPLE_COLUMNS: tuple[str, ...] = ("population", "working_age", "age_1_5", "age_6_15", "age_65_plus")
"""Band totals of people shown per site and band (those a population layer has)."""


def people_by_band(totals: Sequence[pd.DataFrame], names: Mapping[str, str], *,
                   scope: str = "site") -> pd.DataFrame:
    """People within reach per layer, site, band and season (cumulative: a band includes the nearer ones).

    Parameters
    ----------
    totals
        Band totals of population layers (:attr:`jokkgeo.workflows.catchments.CatchmentRun.totals`:
        ``layer``, ``season``, ``scope``, ``site_id``, ``minutes`` and the counts).
    names
        ``site_id -> name``.
    scope
        ``"site"`` (each site on its own), ``"nearest"`` (people counted at their nearest site)
        or ``"any"`` (any site; ``site_id`` empty).
    """
    frames = [t for t in totals if "population" in t.columns]
    if not frames:
        return pd.DataFrame(columns=["layer", "season", "site_id", "site_name", "minutes", "population"])
    table = pd.concat(frames, ignore_index=True)
    table = table[table["scope"] == scope]
    people = [c for c in PEOPLE_COLUMNS if c in table.columns]
    out = table[["layer", "season", "site_id", "minutes", *people]].copy()
    out.insert(3, "site_name", out["site_id"].map(lambda s: names.get(str(s), s) if isinstance(s, str) else None))
    return out.sort_values(["layer", "site_id", "minutes"], kind="stable").reset_index(drop=True)


def with_people(bands: gpd.GeoDataFrame, people: pd.DataFrame) -> gpd.GeoDataFrame:
    """Band polygons (or their table) with the people reached per site and band joined on (first population layer).

    Parameters
    ----------
    bands
        Labelled bands (:func:`labelled_bands`) with ``site_id`` and ``minutes``.
    people
        :func:`people_by_band` of the matching scope.
    """
    if people.empty:
        return bands
    first = people[people["layer"] == people["layer"].iloc[0]]
    cols = [c for c in PEOPLE_COLUMNS if c in first.columns]
    keyed = first.set_index(["site_id", "minutes"])[cols]
    idx = pd.MultiIndex.from_arrays([bands["site_id"].astype(str), bands["minutes"].astype(float)])
    out = bands.copy()
    for c in cols:
        out[c] = keyed[c].reindex(idx).to_numpy()
    return out


__all__ = ["PEOPLE_COLUMNS", "catchment_layers", "catchments_title", "labelled_bands", "people_by_band", "site_names",
           "with_people"]
