"""Housing screening: conflicts, influence statistics and travel times in one sortable table."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, box

from jokkgeo.analysis.conflicts import conflicts
from jokkgeo.analysis.screening import screen_housing
from jokkgeo.analysis.surfaces import influence_surfaces
from jokkgeo.config.rules import parse_rules
from jokkgeo.errors import AnalysisError

from .helpers_conflicts import spec

CRS = "EPSG:3006"

RULES = parse_rules({"references": {"n": "Niebuhr et al. 2022", "e": "Eftestøl et al. 2021"}, "rules": [
    {"id": "housing_reindeer", "development": {"theme": "housing_land"}, "sensitive": {"theme": "reindeer_herding"},
     "zones_m": [100, 200], "decay": "linear", "severity": "moderate", "reference": "n"}],
    "surfaces": [
        {"id": "roads", "development": {"theme": "roads"}, "radius_m": 200, "decay": "step", "reference": "e"},
        {"id": "housing", "development": {"theme": "housing_land"}, "radius_m": 200, "decay": "step",
         "reference": "n"}]}, "r.yaml")


@pytest.fixture
def study():
    housing = gpd.GeoDataFrame(
        {"area_id": ["h1", "h2", "h3"], "name": ["Norra", "Södra", "Östra"], "dwellings": [10, 20, 30]},
        geometry=[box(0, 0, 100, 100), box(1000, 0, 1100, 100), box(2000, 900, 2100, 1000)], crs=CRS,
        index=[10, 11, 12])
    # calving land next to h1 (50 m away) and overlapping h2
    calving = gpd.GeoDataFrame({"sameby": ["Udtja", "Slakka"]},
                               geometry=[box(150, 0, 400, 100), box(1050, 0, 1300, 100)], crs=CRS)
    roads = gpd.GeoDataFrame({"ref": ["97"]}, geometry=[LineString([(2050, 0), (2050, 1000)])], crs=CRS)
    specs = {"housing_land": spec("housing_land", "housing_land", illustrative=True),
             "calving": spec("calving", "reindeer_herding", restricted=True, illustrative=True),
             "roads": spec("roads", "roads", "LineString")}
    return {"housing_land": housing, "calving": calving, "roads": roads}, specs


def test_screening_combines_conflicts_surfaces_and_travel_times(study):
    layers, specs = study
    res_c = conflicts(layers, rules=RULES, specs=specs)
    res_s = influence_surfaces(layers, rules=RULES, specs=specs, resolution_m=100, bounds=(0, 0, 2200, 1000))
    tt = pd.DataFrame({"kallak": [30.0, 45.0], "boden_stegra": [90.0, 60.0]}, index=[10, 12])
    out = screen_housing(layers["housing_land"], conflicts=res_c, surfaces=res_s, travel_times=tt,
                         housing_layer="housing_land")
    t = out.table
    assert list(t.index) == [10, 11, 12] and list(t["name"]) == ["Norra", "Södra", "Östra"]
    assert t.loc[10, "n_conflicts"] == 1 and t.loc[10, "reindeer_distance_m"] == pytest.approx(50.0)
    assert t.loc[11, "n_conflicts"] == 1 and t.loc[11, "reindeer_distance_m"] == 0
    assert t.loc[12, "n_conflicts"] == 0 and t.loc[12, "worst_severity"] == "none"
    assert t.loc[10, "affected_sameby"] == "Udtja" and t.loc[11, "worst_severity"] == "moderate"
    # influence of the *other* developments: only h3 lies on the road; the housing surface is left out
    assert t.loc[12, "influence_nearest_max"] == 1 and t.loc[10, "influence_nearest_max"] == 0
    assert t.loc[10, "travel_time_kallak_minutes"] == 30 and np.isnan(t.loc[11, "travel_time_kallak_minutes"])
    assert t.loc[12, "travel_time_min_minutes"] == 45
    # rank: no conflicts first (h3), then the two moderate ones by influence (equal, 0) -> index order
    assert t["screening_rank"].to_dict() == {12: 1, 10: 2, 11: 3}
    assert "n" in out.citations and any("samråd" in c.lower() for c in out.caveats)
    assert layers["housing_land"].columns.tolist() == ["area_id", "name", "dwellings", "geometry"]


def test_screening_without_extras_keeps_the_housing_table(study):
    layers, _ = study
    out = screen_housing(layers["housing_land"])
    assert list(out.table.columns) == ["area_id", "name", "dwellings", "geometry"]


def test_travel_times_must_be_indexed_like_housing(study):
    layers, _ = study
    with pytest.raises(AnalysisError, match="index values not among the housing areas"):
        screen_housing(layers["housing_land"], travel_times=pd.DataFrame({"kallak": [1.0]}, index=[99]))


def test_screening_needs_the_housing_layer_id_with_conflicts_and_carries_provenance(study):
    layers, specs = study
    res_c = conflicts(layers, RULES, specs=specs)
    with pytest.raises(AnalysisError, match="housing_layer"):
        screen_housing(layers["housing_land"], conflicts=res_c)
    out = screen_housing(layers["housing_land"], conflicts=res_c, housing_layer="housing_land")
    assert out.provenance.inputs == ("housing_land",) and out.params["housing_layer"] == "housing_land"
    assert out.caveats == list(out.provenance.caveats) and out.citations == {"n": "Niebuhr et al. 2022"}
