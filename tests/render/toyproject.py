"""A tiny jokkgeo project built in code: GeoPackage + layers/*.yaml + maps/*.yaml.

Shared by the render, recipe, report and browser tests. Attribute values include
injection attempts (script tags, event handlers, Jinja expressions) that must be
shown literally on every map.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import yaml
from shapely.geometry import LineString, Point, box

INJECTIONS = (
    "{{ 7*7 }}",
    "<img src=x onerror=alert(1)>",
    "<script>window.__pwned=1</script>",
)

# Jokkmokk is around E 760 000, N 7 390 000 (SWEREF 99 TM)
X0, Y0 = 740_000.0, 7_370_000.0


def _layers() -> dict[str, gpd.GeoDataFrame]:
    boundary = gpd.GeoDataFrame(
        {"code": ["2510", "2523"], "name": ["Jokkmokk", "Gällivare"], "is_study_area": [True, False]},
        geometry=[box(X0, Y0, X0 + 40_000, Y0 + 40_000), box(X0, Y0 + 40_000, X0 + 40_000, Y0 + 60_000)],
        crs="EPSG:3006",
    )
    settlements = gpd.GeoDataFrame(
        {
            "name": ["Jåhkåmåhkke", INJECTIONS[0], INJECTIONS[1], INJECTIONS[2]],
            "kind": ["tatort", "by", "by", "tatort"],
            "population": [2766, 623, 265, 95],
        },
        geometry=[Point(X0 + 20_000, Y0 + 20_000), Point(X0 + 5_000, Y0 + 30_000), Point(X0 + 30_000, Y0 + 8_000),
                  Point(X0 + 12_000, Y0 + 12_000)],
        crs="EPSG:3006",
    )
    roads = gpd.GeoDataFrame(
        {"ref": ["E45", "97"], "highway": ["trunk", "primary"], "name": [INJECTIONS[2], "Riksväg 97"]},
        geometry=[LineString([(X0, Y0 + 20_000), (X0 + 40_000, Y0 + 20_000)]),
                  LineString([(X0 + 20_000, Y0), (X0 + 20_000, Y0 + 40_000)])],
        crs="EPSG:3006",
    )
    areas = gpd.GeoDataFrame(
        {"site_id": ["kallak"], "name": ["Kallak/Gállok"], "type": ["mine"], "status": ["concession"], "jobs": [250],
         "source": ["toy"]},
        geometry=[box(X0 + 24_000, Y0 + 24_000, X0 + 26_000, Y0 + 26_000)],
        crs="EPSG:3006",
    )
    calving = gpd.GeoDataFrame(
        {"sameby": [INJECTIONS[1]], "kind": ["kalvningsland"]},
        geometry=[box(X0 + 22_000, Y0 + 22_000, X0 + 32_000, Y0 + 32_000)],
        crs="EPSG:3006",
    )
    return {"boundary": boundary, "settlements": settlements, "roads": roads, "investment_areas": areas,
            "reindeer_calving_land": calving}


_SPECS = {
    "boundary": dict(title="Kommungränser", theme="boundary", geometry_type="Polygon",
                     style={"color": "#444444", "fill_opacity": 0.0, "weight": 2, "popup": ["name", "code"]}),
    "settlements": dict(title="Orter", title_en="Settlements", theme="settlements", geometry_type="Point",
                        style={"categorical": {"field": "kind", "values": {
                            "tatort": {"color": "#d62728", "label": "Tätort", "label_en": "Urban area"},
                            "by": {"color": "#ff7f0e", "label": "By", "label_en": "Village"}}},
                            "popup": {"name": "Namn", "kind": "<b>Typ</b>", "population": "Invånare"},
                            "tooltip": "name", "label_field": "name"}),
    "roads": dict(title="Vägar", theme="roads", geometry_type="LineString",
                  style={"color": "#8c564b", "weight": 3, "popup": ["ref", "name"], "tooltip": "ref"}),
    "investment_areas": dict(title="Investeringsområden", theme="investment_sites", geometry_type="Polygon",
                             style={"color": "#e377c2", "popup": ["name", "type"]}),
    "reindeer_calving_land": dict(
        title="Kalvningsland", theme="reindeer_herding", geometry_type="Polygon", sensitivity="restricted",
        illustrative=True, consent="toy data",
        caveat="Idealiserat normalår; samråd med samebyn krävs.",
        style={"color": "#2ca02c", "fill_opacity": 0.3, "popup": ["sameby"]}),
}

RECIPES = {
    "overview": {
        "title": "Översikt",
        "title_en": "Overview",
        "description": "Alla teman",
        "layers": ["boundary", "reindeer_calving_land", "investment_areas", "roads", "settlements"],
        "extent": "study_area",
        "extent_buffer_m": 2000,
        "caveats": ["Testdata"],
        "figure": {"formats": ["png"], "dpi": 100},
    },
    "kallak": {
        "title": "Kallak och rennäringen",
        "layers": ["investment_areas", "reindeer_calving_land", "roads"],
        "analyses": [{"type": "conflicts", "development": [{"layer": "investment_areas",
                                                            "where": {"site_id": ["kallak"]}}],
                      "sensitive": ["reindeer_calving_land"]}],
        "extent": "kallak",
        "extent_buffer_m": 10000,
        "legend_order": ["conflicts_polygon"],
        "figure": {"formats": ["png", "svg"], "dpi": 100},
    },
}


def build_toy_project(root: Path, *, recipes: dict | None = None) -> Path:
    """Write the toy project under ``root`` and return ``root``."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "layers").mkdir(exist_ok=True)
    (root / "maps").mkdir(exist_ok=True)
    gpkg = root / "data" / "toy.gpkg"
    for name, gdf in _layers().items():
        gdf.to_file(gpkg, layer=name, driver="GPKG")
    for lid, spec in _SPECS.items():
        doc = {
            "id": lid,
            "source": {"path": "data/toy.gpkg", "layer": lid},
            "provenance": "Toy data built in tests",
            "licence": "CC0 1.0",
            "attribution": f"© test {lid}",
            "accuracy_m": 10,
            **spec,
        }
        (root / "layers" / f"{lid}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    for rid, recipe in (recipes or RECIPES).items():
        (root / "maps" / f"{rid}.yaml").write_text(yaml.safe_dump(recipe, allow_unicode=True), encoding="utf-8")
    return root
