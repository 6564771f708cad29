"""People within reach in the report's catchments recipe, and disclosure control in public bundles.

A toy project of its own (built in code): a site on a road, and four population points along the roads —
2 people 500 m from the site, 3 at the road crossing 6 km away, 4 and 120 farther out. Within 2 minutes
only the 2 people are reached (500 m by road); within 90 minutes all 129 (at most ~26 km by road).
"""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely import affinity
from shapely.geometry import Point

from jokkgeo.report import build_report
from jokkgeo.settings import Settings

X0, Y0 = 740_000.0, 7_370_000.0  # the toy project's origin (tests/conftest.py): toy metres moved into Jokkmokk


def _frame(data, geoms):
    return gpd.GeoDataFrame(data, geometry=[affinity.translate(g, X0, Y0) for g in geoms], crs="EPSG:3006")


def _layers():
    return {
        "investment_sites": (
            {"title": "Platser", "theme": "investment_sites", "geometry_type": "Point",
             "style": {"color": "#e377c2", "popup": ["name"]}},
            _frame({"site_id": ["s1"], "name": ["Gruvan"], "type": ["mine"]}, [Point(20_000, 26_000)])),
        "population": (
            {"title": "Befolkning", "theme": "population", "geometry_type": "Point", "illustrative": True,
             "style": {"color": "#542788", "popup": ["name", "population", "working_age"]}},
            _frame({"name": ["Stugan", "Korset", "Västby", "Östby"], "population": [2.0, 3.0, 4.0, 120.0],
                    "working_age": [1.0, 2.0, 3.0, 70.0], "kind": ["village"] * 4, "modelled": [True] * 4},
                   [Point(20_000, 26_500), Point(20_000, 20_000), Point(5_000, 20_000), Point(35_000, 20_000)])),
    }


RECIPES = {"people": {
    "title": "Befolkning inom räckhåll", "layers": ["roads", "population"],
    "analyses": [{"type": "catchments", "sites": "investment_sites", "minutes": [2, 90], "cell_m": 200}],
    "figure": {"formats": ["png"], "dpi": 60},
}}


@pytest.fixture(scope="module")
def project(project_factory):
    return project_factory("popproj", layers=_layers(), only=["roads", "investment_sites", "population", "boundary"],
                           recipes=RECIPES, scenarios={})


@pytest.fixture(scope="module")
def bundles(project, tmp_path_factory):
    root = tmp_path_factory.mktemp("bundles")
    settings = Settings(project_root=project)
    internal = build_report(root / "internal", settings=settings, figures=False)
    public = build_report(root / "public", settings=settings, public=True, figures=False)
    return root, internal, public


def _people(path):
    return pd.read_csv(path, dtype=str, encoding="utf-8-sig", sep=None, engine="python")


def test_people_and_working_age_per_site_band_and_season(bundles):
    root, internal, _ = bundles
    table = _people(root / "internal" / "tables" / "people__people_within_reach.csv")
    assert table["layer"].tolist() == ["population", "population"]
    assert table["season"].tolist() == ["summer", "summer"] and table["site_name"].tolist() == ["Gruvan"] * 2
    assert table["minutes"].astype(float).tolist() == [2, 90]
    assert table["population"].astype(float).tolist() == [2, 129]
    assert table["working_age"].astype(float).tolist() == [1, 76]
    per_site = _people(root / "internal" / "tables" / "people__catchments_per_site.csv")
    assert per_site["population"].astype(float).tolist() == [2, 129]
    rec = internal["recipes"][0]["analyses"][0]
    assert rec["parameters"]["places"] == ["population"]
    assert internal["disclosure"] is None


def test_public_bundle_never_shows_small_counts(bundles):
    root, _, public = bundles
    table = _people(root / "public" / "tables" / "people__people_within_reach.csv")
    assert table["population"].tolist() == ["< 5", "129"]  # 2 people within 2 min: not shown exactly
    assert table["working_age"].tolist() == ["< 5", "76"]
    bands = pyogrio.read_dataframe(root / "public" / "results.gpkg", layer="people__catchments_per_site")
    small = bands[bands["minutes"] == 2]
    assert small["population"].isna().all() and bands.loc[bands["minutes"] == 90, "population"].tolist() == [129]
    assert public["disclosure"]["threshold"] == 5 and public["disclosure"]["n_hidden"] >= 4
    html = (root / "public" / "maps" / "people.html").read_text(encoding="utf-8")
    assert "&lt; 5" in html and "Röjandeskydd" in html  # the popups and the caveat box
    assert any("Röjandeskydd" in c for c in public["caveats"])
    index = (root / "public" / "index.html").read_text(encoding="utf-8")
    assert "Röjandeskydd" in index


def test_disclose_runs_does_not_modify_the_runs(tmp_path):
    from jokkgeo.config.recipes import Recipe
    from jokkgeo.render.document import MapDocument, MapLayer
    from jokkgeo.render.styles import simple_style
    from jokkgeo.report.bundle import disclose_runs
    from jokkgeo.report.runners import AnalysisOutput, RecipeRun

    cells = _frame({"population": [1.0, 7.0], "working_age": [0.0, 4.0]}, [Point(0, 0), Point(1000, 0)])
    style = simple_style("point", title="Rutor", color="#000000")
    layer = MapLayer(id="cells", title="Rutor", group="g", style=style, data=cells)
    out = AnalysisOutput(results={"cells": cells}, tables={"t": pd.DataFrame({"population": [3, 50]})})
    run = RecipeRun(recipe=Recipe(id="r", title="R", path=tmp_path / "r.yaml"),
                    document=MapDocument(id="r", title="R", layers=[layer]), outputs=[(None, out)])
    [safe], hidden = disclose_runs([run], 5, "en")
    assert hidden == 2 + 2 + 1  # map layer: 1 person and 4 of working age; the same in the result; 3 in the table
    assert safe.document.layers[0].data["population"].tolist() == ["< 5", 7]
    assert safe.outputs[0][1].tables["t"]["population"].tolist() == ["< 5", 50]
    res = safe.outputs[0][1].results["cells"]
    assert pd.isna(res["population"].iloc[0]) and res["population"].iloc[1] == 7
    assert any("Disclosure control" in c for c in safe.document.caveats)
    assert any("Disclosure control" in c for c in safe.outputs[0][1].caveats)
    # the run given is unchanged (an internal bundle of the same run still shows exact values)
    assert run.document.layers[0].data["population"].tolist() == [1.0, 7.0] and run.document.caveats == []
    assert out.tables["t"]["population"].tolist() == [3, 50] and out.caveats == []


def test_manifest_lists_the_population_layer_as_input(bundles):
    _, internal, _ = bundles
    assert "population" in {rec["layer"] for rec in internal["inputs"]}
    json.dumps(internal)
