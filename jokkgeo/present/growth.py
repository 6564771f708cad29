"""In-migration results -> map layers, GeoPackage frames, tables with planner headers and text (no analysis, no I/O).

:func:`growth_frames` gives the layers ``jokkgeo growth`` and the report write (settlement and site
points per year, flow lines from settlement to site); :func:`growth_layers` the map layers of one year
(settlements sized by their new residents in classes, the sites with new jobs); :func:`growth_tables`
the tables with Swedish (or English) headers; :func:`growth_summary_lines` what the CLI prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from jokkgeo import i18n
from jokkgeo.i18n import format_number
from jokkgeo.render.document import MapLayer
from jokkgeo.render.styles import simple_style
from jokkgeo.settings import WORKING_CRS

NEWCOMER_CLASSES: tuple[tuple[float, float, str, float], ...] = (
    (0.5, 10.0, "#fee391", 5.0),
    (10.0, 50.0, "#fec44f", 8.0),
    (50.0, 200.0, "#fe9929", 11.0),
    (200.0, float("inf"), "#cc4c02", 15.0),
)
"""``(from, to, fill colour, radius px)`` of the newcomer classes on the map (fewer than 0.5: not drawn)."""

SETTLEMENT_COLUMNS: tuple[str, ...] = (
    "settlement_id", "name", "in_study_area", "year", "new_residents", "households", "new_workers",
    "dwellings_needed", "dwellings_wanted", "housing_capacity", "shortfall_dwellings", "surplus_dwellings",
    "children_1_5", "children_6_15")
SITE_COLUMNS: tuple[str, ...] = (
    "site_id", "name", "year", "jobs", "local_hires", "long_distance_commuters", "in_migrant_workers",
    "households", "housed_households", "unhoused_households", "unhoused_residents", "share_in_municipality",
    "working_age_within_reach")


def _points(frame: pd.DataFrame, geoms: pd.Series, key: str) -> gpd.GeoDataFrame:
    g = frame[key].astype(str).map(geoms)
    return gpd.GeoDataFrame(frame.reset_index(drop=True), geometry=list(g.to_numpy()), crs=WORKING_CRS)


def _site_points(run: Any) -> pd.Series:
    geoms = np.asarray(run.sites.geometry.values, dtype=object)
    pts = shapely.point_on_surface(geoms) if len(geoms) else geoms
    return pd.Series(list(pts), index=run.sites["site_id"].astype(str).to_numpy(), dtype=object)


def growth_frames(run: Any) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
    """The layers of a growth run for a GeoPackage (EPSG:3006).

    ``growth_settlements`` (points, one row per settlement and year), ``growth_sites`` (points, one
    row per site with new jobs and year), ``growth_flows`` (lines settlement -> site per year with
    ``households`` and ``residents``), ``jobs_by_year`` (table).

    Parameters
    ----------
    run
        A :class:`~jokkgeo.workflows.growth.GrowthRun`.
    """
    res = run.result
    sett_geom = pd.Series(list(run.settlements.geometry.values), index=run.settlements["settlement_id"].astype(str),
                          dtype=object)
    site_geom = _site_points(run)
    settlements = _points(res.settlements[list(SETTLEMENT_COLUMNS)], sett_geom, "settlement_id")
    active = set(run.sites["site_id"].astype(str))
    sites = res.sites[res.sites["site_id"].astype(str).isin(active)][list(SITE_COLUMNS)]
    flows = res.flows
    lines = [shapely.LineString([sett_geom[s], site_geom[t]]) if t in site_geom.index else None
             for s, t in zip(flows["settlement_id"].astype(str), flows["site_id"].astype(str), strict=True)]
    return {
        "growth_settlements": settlements,
        "growth_sites": _points(sites, site_geom, "site_id"),
        "growth_flows": gpd.GeoDataFrame(flows.reset_index(drop=True), geometry=lines, crs=WORKING_CRS),
        "jobs_by_year": pd.DataFrame(res.jobs),
    }


def default_year(result: Any) -> int | None:
    """The year shown on a map: the year with the most new residents (the latest of ties).

    Parameters
    ----------
    result
        A :class:`~jokkgeo.analysis.growth.GrowthResult`.
    """
    if not len(result.settlements):
        return None
    per_year = result.settlements.groupby("year")["new_residents"].sum()
    best = per_year[per_year == per_year.max()]
    return int(best.index.max())


def growth_layers(run: Any, *, year: int | None = None, language: str = "sv", title: str | None = None,
                  illustrative: bool = False) -> list[MapLayer]:
    """Map layers of one year: the sites with new jobs, and settlements sized by their new residents.

    Parameters
    ----------
    run
        A :class:`~jokkgeo.workflows.growth.GrowthRun`.
    year
        The year shown (default :func:`default_year`).
    language
        ``"sv"`` or ``"en"``.
    title
        Title of the settlement layers (default "Nyinflyttade <year>").
    illustrative
        Flag the layers as illustrative (when an input is).
    """
    lang = i18n.lang(language)
    year = default_year(run.result) if year is None else int(year)
    group = i18n.text("growth.map.group", lang)
    frames = growth_frames(run)
    sett = frames["growth_settlements"]
    sett = sett[sett["year"] == year].copy() if year is not None else sett.iloc[0:0].copy()
    for col in ("new_residents", "dwellings_needed", "housing_capacity", "shortfall_dwellings", "children_1_5",
                "children_6_15"):
        sett[col] = sett[col].round(1)
    popup = tuple((c, i18n.text(f"growth.col.{c}", lang)) for c in (
        "name", "year", "new_residents", "dwellings_needed", "housing_capacity", "shortfall_dwellings",
        "children_1_5", "children_6_15"))
    base_title = title or i18n.text("growth.map.newcomers", lang, year=i18n.format_year(year))
    layers: list[MapLayer] = []
    sites = frames["growth_sites"]
    sites = sites[sites["year"] == year].copy() if year is not None else sites.iloc[0:0]
    if len(sites):
        t = i18n.text("growth.map.sites", lang)
        layers.append(MapLayer(
            id="growth_sites", title=t, group=group, illustrative=illustrative,
            style=simple_style("point", title=t, color="#000000", fill_color="#e7298a", radius=7.0, weight=2.0,
                               fill_opacity=1.0, label_field="name", tooltip="name", z_order=50,
                               popup=tuple((c, i18n.text(f"growth.col.{c}", lang)) for c in (
                                   "name", "year", "jobs", "local_hires", "long_distance_commuters",
                                   "in_migrant_workers", "unhoused_residents"))),
            data=sites))
    for i, (lo, hi, colour, radius) in enumerate(reversed(NEWCOMER_CLASSES)):
        part = sett[(sett["new_residents"] >= lo) & (sett["new_residents"] < hi)]
        if not len(part):
            continue
        label = (f"≥ {format_number(lo, lang)}" if not np.isfinite(hi)
                 else f"{format_number(lo, lang, digits=1)}–{format_number(hi, lang)}")
        t = f"{base_title}: {i18n.text('growth.map.class', lang, label=label)}"
        layers.append(MapLayer(
            id=f"growth_newcomers_{len(NEWCOMER_CLASSES) - 1 - i}", title=t, group=group, illustrative=illustrative,
            style=simple_style("point", title=t, color="#7f2704", fill_color=colour, radius=radius, weight=1.5,
                               fill_opacity=0.9, label_field="name", tooltip="name", z_order=40 - i, popup=popup),
            data=part))
    return layers


def translated(frame: pd.DataFrame, language: str = "sv") -> pd.DataFrame:
    """``frame`` with planner headers (``growth.col.<column>``; unknown columns keep their names).

    Parameters
    ----------
    frame
        A table of the growth result.
    language
        ``"sv"`` or ``"en"``.
    """
    names = {}
    for c in frame.columns:
        try:
            names[c] = i18n.text(f"growth.col.{c}", language)
        except KeyError:
            names[c] = c
    return frame.rename(columns=names)


def growth_tables(result: Any, *, language: str = "sv", digits: int = 1) -> dict[str, pd.DataFrame]:
    """The tables of a growth result with planner headers: per settlement, per site, flows.

    Settlements and years without newcomers and without capacity figures are left out of
    ``growth_settlements``; sites without jobs in a year are left out of ``growth_sites``.

    Parameters
    ----------
    result
        A :class:`~jokkgeo.analysis.growth.GrowthResult`.
    language
        ``"sv"`` or ``"en"``.
    digits
        Decimals kept (the figures are scenario results, not counts of real people).
    """
    sett = result.settlements[list(SETTLEMENT_COLUMNS)]
    sett = sett[(sett["new_residents"] > 0.05) | sett["housing_capacity"].notna()]
    sites = result.sites[result.sites["jobs"] > 0][list(SITE_COLUMNS)]
    flows = result.flows[result.flows["households"] > 0.005]
    return {name: translated(frame.round(digits), language)
            for name, frame in (("growth_settlements", sett), ("growth_sites", sites), ("growth_flows", flows))}


def growth_summary_lines(result: Any, *, language: str = "sv", top: int = 6) -> list[str]:
    """Per year: jobs, in-migrant workers, new residents and unhoused; then the settlements with most newcomers.

    Parameters
    ----------
    result
        A :class:`~jokkgeo.analysis.growth.GrowthResult`.
    language
        ``"sv"`` or ``"en"``.
    top
        Settlements listed per year.
    """
    lang = i18n.lang(language)
    lines: list[str] = []
    for year in result.years:
        s = result.sites[result.sites["year"] == year]
        lines.append(i18n.text("growth.cli.year", lang, year=i18n.format_year(year),
                               jobs=format_number(s["jobs"].sum(), lang),
                               migrants=format_number(s["in_migrant_workers"].sum(), lang),
                               residents=format_number(
                                   result.settlements.loc[result.settlements["year"] == year, "new_residents"].sum(),
                                   lang),
                               unhoused=format_number(s["unhoused_residents"].sum(), lang)))
        st = result.settlements[(result.settlements["year"] == year) & (result.settlements["new_residents"] >= 0.5)]
        for row in st.sort_values("new_residents", ascending=False).head(top).itertuples():
            cap = (format_number(row.housing_capacity, lang) if np.isfinite(row.housing_capacity)
                   else i18n.text("growth.unlimited", lang))
            lines.append(i18n.text("growth.cli.settlement", lang, name=row.name,
                                   residents=format_number(row.new_residents, lang),
                                   dwellings=format_number(row.dwellings_needed, lang), capacity=cap,
                                   shortfall=format_number(row.shortfall_dwellings, lang)))
    return lines


def unhoused_by_year(result: Any) -> dict[int, float]:
    """Unhoused persons per year (all sites).

    Parameters
    ----------
    result
        A :class:`~jokkgeo.analysis.growth.GrowthResult` (or ``None``: no years).
    """
    if result is None:
        return {}
    return {int(y): float(v) for y, v in result.sites.groupby("year")["unhoused_residents"].sum().items()}


def growth_summary_points(table: pd.DataFrame, unhoused: Sequence[tuple[int, float, float]], *,
                          language: str = "sv", top: int = 6) -> tuple[str, list[str]]:
    """Heading and points of the comparison summary's growth section (the last year of the table).

    Parameters
    ----------
    table
        :func:`jokkgeo.analysis.growth.growth_changes` of the two studies.
    unhoused
        ``(year, baseline persons, scenario persons)``.
    language
        ``"sv"`` or ``"en"``.
    top
        Settlements listed.
    """
    lang = i18n.lang(language)
    if not len(table):
        return i18n.text("growth.summary.head", lang, year="–"), [i18n.text("growth.summary.none", lang)]
    year = int(table["year"].max())
    t = table[table["year"] == year]
    changed = t[(t["new_residents_change"].abs() > 0.05) | (t["shortfall_dwellings_change"].abs() > 0.05)]
    changed = changed.reindex(changed["new_residents_change"].abs().sort_values(ascending=False).index)
    points = [i18n.text("growth.summary.row", lang, name=r.name, r0=format_number(r.new_residents_baseline, lang),
                        r1=format_number(r.new_residents_scenario, lang),
                        dr=format_number(r.new_residents_change, lang, signed=True),
                        s0=format_number(r.shortfall_dwellings_baseline, lang),
                        s1=format_number(r.shortfall_dwellings_scenario, lang))
              for r in changed.head(top).itertuples()]
    for y, u0, u1 in unhoused:
        if int(y) == year and abs(u1 - u0) > 0.05:
            points.append(i18n.text("growth.summary.unhoused", lang, u0=format_number(u0, lang),
                                    u1=format_number(u1, lang)))
    if not points:
        points = [i18n.text("growth.summary.none", lang)]
    return i18n.text("growth.summary.head", lang, year=i18n.format_year(year)), points


__all__ = ["NEWCOMER_CLASSES", "SETTLEMENT_COLUMNS", "SITE_COLUMNS", "default_year", "growth_frames",
           "growth_layers", "growth_summary_lines", "growth_summary_points", "growth_tables", "translated",
           "unhoused_by_year"]
