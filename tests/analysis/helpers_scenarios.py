"""A toy study for scenario tests (tests/analysis/test_comparison.py, tests/cli/test_compare.py).

Metres, moved into Jokkmokk so the loaders accept the CRS:

* site ``s`` at (0, 0); village ``v`` (500 inhabitants) at (6000, 0);
* baseline roads: a detour (0,0)-(0,3000)-(6000,3000)-(6000,0), 12 km at 60 km/h = 12 min;
* a sameby polygon (0..10 km × -5..-1 km) crossed by a power line at x = 3000 (y from -6 to 0 km)
  and a migration route along y = -3000 (x from 1 to 9 km): one conflict, one crossing.

Scenarios: ``shortcut`` (a 6 km road straight from s to v), ``no_power`` (power line removed),
``slow`` (the middle road at 30 km/h).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import yaml
from shapely.geometry import LineString, Point, box

CRS = "EPSG:3006"
X0, Y0 = 700_000, 7_400_000
META = {"provenance": "toy", "licence": "CC0 1.0", "attribution": "test", "accuracy_m": 1}
RULES = {
    "version": 1,
    "references": {"toy": "Toy reference (hand-made test rule)."},
    "rules": [{"id": "power_reindeer", "development": {"theme": "power"}, "sensitive": {"layer": "reindeer_samebyar"},
               "zones_m": [1000], "decay": "step", "severity": "major", "reference": "toy"}],
    "surfaces": [{"id": "power", "development": {"theme": "power"}, "radius_m": 1000, "decay": "step",
                  "reference": "toy"}],
    "crossings": {"infrastructure": [{"layer": "power_lines"}, {"layer": "roads"}],
                  "routes": {"layer": "reindeer_migration_routes"}, "reference": "toy"},
}


def gdf(data, geoms):
    return gpd.GeoDataFrame(data, geometry=geoms, crs=CRS).pipe(lambda f: f.set_geometry(f.geometry.translate(X0, Y0)))


def write_yaml(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def build_toy_project(root: Path, *, far_site: bool = False) -> Path:
    """Write the toy study (data, layers/, scenarios/, rules.yaml) into ``root``.

    ``far_site`` adds a second site ``far`` at (60 km, 0) on its own 6 km road, out of
    reach of every edit of the scenarios.
    """
    gpkg = root / "data" / "toy.gpkg"
    gpkg.parent.mkdir()
    layers = {
        "roads": ("roads", "LineString", gdf(
            {"osmid": [1, 2, 3], "highway": ["primary"] * 3, "maxspeed": ["60"] * 3, "ref": ["1", "1", "1"]},
            [LineString([(0, 0), (0, 3000)]), LineString([(0, 3000), (6000, 3000)]),
             LineString([(6000, 3000), (6000, 0)])])),
        "investment_sites": ("investment_sites", "Point", gdf(
            {"site_id": ["s", "far"][:1 + far_site], "name": ["Site", "Far"][:1 + far_site]},
            [Point(0, 0), Point(60000, 0)][:1 + far_site])),
        "settlements": ("settlements", "Point", gdf({"name": ["v"], "population": [500]}, [Point(6000, 0)])),
        "housing_land": ("housing_land", "Polygon", gdf({"area_id": ["h"], "dwellings": [10]},
                                                        [box(-100, 3100, 100, 3300)])),
        "reindeer_samebyar": ("reindeer_herding", "Polygon", gdf({"sameby": ["Toy sameby"]},
                                                                 [box(0, -5000, 10000, -1000)])),
        "reindeer_migration_routes": ("reindeer_herding", "LineString", gdf(
            {"route_id": ["r1"], "sameby": ["Toy sameby"]}, [LineString([(1000, -3000), (9000, -3000)])])),
        "power_lines": ("power", "LineString", gdf({"name": ["p"], "voltage_kv": [130]},
                                                   [LineString([(3000, -6000), (3000, 0)])])),
    }
    if far_site:
        roads = layers["roads"][2]
        far = gdf({"osmid": [4], "highway": ["primary"], "maxspeed": ["60"], "ref": ["9"]},
                  [LineString([(60000, 0), (66000, 0)])])
        layers["roads"] = ("roads", "LineString", gpd.GeoDataFrame(
            [*roads.to_dict("records"), *far.to_dict("records")], geometry="geometry", crs=CRS))
    for lid, (theme, gtype, frame) in layers.items():
        frame.to_file(gpkg, layer=lid)
        write_yaml(root / "layers" / f"{lid}.yaml", {"id": lid, "title": lid, "theme": theme, "geometry_type": gtype,
                                                     "source": {"path": "data/toy.gpkg", "layer": lid}, **META})
    shortcut = gdf({"osmid": [99], "highway": ["primary"], "maxspeed": ["60"], "ref": ["2"]},
                   [LineString([(0, 0), (6000, 0)])])
    shortcut.to_file(root / "data" / "scen.gpkg", layer="shortcut")
    write_yaml(root / "rules.yaml", RULES)
    sdir = root / "scenarios"
    write_yaml(sdir / "shortcut.yaml", {"title": "Genväg", "add_layers": [{
        "id": "shortcut", "title": "Genväg", "theme": "roads", "geometry_type": "LineString",
        "source": {"path": "data/scen.gpkg", "layer": "shortcut"}, "illustrative": True, **META,
        "append_to": "roads"}]})
    write_yaml(sdir / "no_power.yaml", {"title": "Utan kraftledning", "remove_layers": ["power_lines"]})
    write_yaml(sdir / "slow.yaml", {"title": "Långsamt", "road_changes": [
        {"select": {"osmid": 2}, "set": {"maxspeed": 30}}]})
    return root


