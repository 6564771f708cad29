"""Population and services layers for the toy project (toy metres, moved like the toy project's layers).

The toy roads run along y = 20 km (E45, trunk) and x = 20 km (97, primary), crossing at J (20 km, 20 km).
Residents: J 2766, V (5 km, 20 km) 623, S (20 km, 8 km) 265, E (35 km, 20 km) 95 people.
Services: schools at J and V, a health centre at J; nearest school by road: J for J, S and E
(12 and 15 km against 27 and 30 km to V), V for V.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
from shapely import affinity
from shapely.geometry import Point

X0, Y0 = 740_000.0, 7_370_000.0


def frame(data: dict[str, list[Any]], xy: list[tuple[float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(data, geometry=[affinity.translate(Point(x, y), X0, Y0) for x, y in xy], crs="EPSG:3006")


def service_layers() -> dict[str, tuple[dict[str, Any], gpd.GeoDataFrame]]:
    """``layers=`` for ``make_project``: ``population`` and ``services`` (theme population/services)."""
    return {
        "population": (
            {"title": "Befolkning", "theme": "population", "geometry_type": "Point"},
            frame({"name": ["J", "V", "S", "E"], "population": [2766, 623, 265, 95],
                   "age_6_15": [300, 60, 20, 5], "kind": ["tatort", "village", "village", "village"],
                   "modelled": [False, True, True, True]},
                  [(20_000, 20_000), (5_000, 20_000), (20_000, 8_000), (35_000, 20_000)]),
        ),
        "services": (
            {"title": "Service", "theme": "services", "geometry_type": "Point", "illustrative": True},
            frame({"service_id": ["j_school", "v_school", "j_health"], "name": ["J skola", "V skola", "J vc"],
                   "kind": ["school", "school", "health_centre"], "locality": ["J", "V", "J"],
                   "capacity": [400, 80, None], "source": ["toy"] * 3, "accuracy_m": [10] * 3,
                   "illustrative": [True] * 3},
                  [(20_000, 20_000), (5_000, 20_000), (20_000, 20_000)]),
        ),
    }


NEW_SCHOOL = frame({"service_id": ["e_school"], "name": ["E skola"], "kind": ["school"], "locality": ["E"],
                    "capacity": [50]}, [(35_000, 20_000)])
NEWCOMERS = frame({"name": ["E"], "population": [40.0]}, [(35_000, 20_000)])

SCENARIOS: dict[str, dict[str, Any]] = {
    "new_school": {"title": "Ny skola i E", "add_layers": [{
        "id": "new_school", "title": "Ny skola", "theme": "services", "geometry_type": "Point",
        "source": {"path": "data/scen.gpkg", "layer": "new_school"}, "illustrative": True,
        "provenance": "toy", "licence": "CC0", "attribution": "test", "accuracy_m": 10, "append_to": "services"}]},
    "no_v_school": {"title": "V skola stänger",
                    "filter_layers": {"services": {"exclude": {"service_id": ["v_school"]}}}},
    "slow_east": {"title": "Långsam E45 österut", "road_changes": [{"select": {"osmid": 2}, "set": {"maxspeed": 30}}]},
    "growth_e": {"title": "Inflyttning till E", "add_layers": [{
        "id": "newcomers", "title": "Nyinflyttade", "theme": "population", "geometry_type": "Point",
        "source": {"path": "data/scen.gpkg", "layer": "newcomers"}, "illustrative": True,
        "provenance": "toy", "licence": "CC0", "attribution": "test", "accuracy_m": 10}],
        "parameters": {"services": {"newcomers_layer": "newcomers", "kinds": ["school"]}}},
}


def project_options() -> dict[str, Any]:
    """``make_project(**project_options())``: the toy project with people, services and the scenarios above."""
    return {"layers": service_layers(), "scenarios": SCENARIOS,
            "data": {"scen.gpkg": {"new_school": NEW_SCHOOL, "newcomers": NEWCOMERS}}}
