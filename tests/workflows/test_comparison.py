"""Baseline vs scenario runs on the scenario study of tests/conftest.py, differences worked out by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from jokkgeo.config.scenarios import BASELINE
from jokkgeo.io.configs import read_catalogue, read_scenarios, scenario_from_data
from jokkgeo.study.scenario import Study, apply_scenario, prepare_studies
from jokkgeo.workflows.comparison import StudyRunner


@pytest.fixture(scope="module")
def project(scenario_study) -> Path:
    return scenario_study("toy")


def _studies(project: Path):
    cat = read_catalogue(project / "layers")
    scenarios = read_scenarios(project / "scenarios", catalogue=cat)
    # the minutes below are solved by hand at the signed limits (profile signed_limits)
    base = Study.from_catalogue(cat, season="signed_limits", parameters={"catchments": {"minutes": [10, 20]},
                                                                         "surfaces": {"resolution_m": 100}})
    runner = StudyRunner(root=project, rules_path=project / "rules.yaml")
    return base, scenarios, runner


def test_new_road_shortens_the_path(project):
    base, scenarios, runner = _studies(project)
    comp = runner.compare(base, apply_scenario(base, scenarios["shortcut"]))
    # village v: 12 km detour at 60 km/h = 12 min; the 6 km shortcut gives 6 min
    places = comp.baseline.places.set_index("place")
    assert places.loc["v", "minutes"] == pytest.approx(12.0, abs=0.01)
    assert comp.scenario.places.set_index("place").loc["v", "minutes"] == pytest.approx(6.0, abs=0.01)
    acc = comp.tables["access_changes"]
    assert acc[["place", "band_minutes", "change"]].values.tolist() == [["v", 10.0, "gained"]]
    totals = comp.tables["catchment_totals"].set_index("minutes")
    assert totals.loc[10.0, "population_change"] == 500 and totals.loc[20.0, "population_change"] == 0
    areas = comp.layers["catchment_changes"]
    # nothing is lost; both bands gain the shortcut's corridor (the 20-min band already held
    # the whole detour, so it gains exactly the new road: about 6 km x 2 x 250 m buffer, less the ends)
    assert set(areas["change"]) == {"gained"} and set(areas["minutes"]) == {10.0, 20.0}
    gained20 = areas.loc[areas["minutes"] == 20.0, "area_m2"].sum()
    assert 5500 * 500 * 0.9 < gained20 < 6000 * 500 * 1.1
    # the shortcut does not touch the sameby or the route: no conflict or crossing changes
    assert comp.tables["conflict_changes"].empty and comp.tables["crossing_changes"].empty


def test_road_change_slows_the_path(project):
    base, scenarios, runner = _studies(project)
    comp = runner.compare(base, apply_scenario(base, scenarios["slow"]))
    # middle 6 km at 30 km/h instead of 60: 3 + 12 + 3 = 18 min (still inside 20)
    assert comp.scenario.places.set_index("place").loc["v", "minutes"] == pytest.approx(18.0, abs=0.01)
    assert comp.tables["access_changes"].empty
    assert set(comp.layers["catchment_changes"]["change"]) == {"lost"}


def test_removed_layer_removes_conflicts_and_crossings(project):
    base, scenarios, runner = _studies(project)
    comp = runner.compare(base, apply_scenario(base, scenarios["no_power"]))
    cc = comp.tables["conflict_changes"]
    assert cc[["rule_id", "dev_layer", "sens_layer", "status", "severity_baseline"]].values.tolist() == [
        ["power_reindeer", "power_lines", "reindeer_samebyar", "removed", "major"]]
    xc = comp.tables["crossing_changes"]
    assert xc[["route_id", "infra_layer", "status"]].values.tolist() == [["r1", "power_lines", "removed"]]
    # the power line was the only influence source: the influenced share drops to exactly 0
    sb = comp.tables["sameby_changes"].set_index("sameby")
    assert sb.loc["Toy sameby", "influenced_share_baseline"] > 0
    assert sb.loc["Toy sameby", "influenced_share_scenario"] == 0
    # travel times are untouched and were not recomputed
    assert comp.tables["access_changes"].empty and comp.layers["catchment_changes"].empty
    assert comp.scenario.network is comp.baseline.network
    assert comp.scenario.catchments is comp.baseline.catchments


def test_identical_scenario_reports_no_differences(project):
    base, scenarios, runner = _studies(project)
    same = apply_scenario(base, scenarios[BASELINE])
    comp = runner.compare(base, same)
    assert comp.n_differences == 0
    for name in ("access_changes", "conflict_changes", "crossing_changes", "layer_changes"):
        assert comp.tables[name].empty, name
    assert comp.layers["catchment_changes"].empty
    for name in ("catchment_totals", "sameby_changes"):
        change = comp.tables[name].filter(like="_change")
        assert (change.to_numpy() == 0).all(), name
    # everything of the second run came from the cache: the very same result objects
    assert comp.scenario.network is comp.baseline.network
    assert comp.scenario.catchments is comp.baseline.catchments
    assert comp.scenario.conflicts.equals(comp.baseline.conflicts)


def test_winter_profile_is_applied(project):
    base, _, runner = _studies(project)
    winter = apply_scenario(
        base, scenario_from_data({"name": "w", "title": "w", "season": "winter_signed_limits"}, None, root=project))
    comp = runner.compare(base, winter)
    # primary roads at 0.9 of summer speed: 12 min / 0.9 = 13.33 min
    assert comp.scenario.places.set_index("place").loc["v", "minutes"] == pytest.approx(12 / 0.9, abs=0.01)
    assert comp.scenario.network is comp.baseline.network  # a season never rebuilds the network
    assert np.isfinite(comp.tables["catchment_totals"]["area_m2_change"]).all()


def test_scenario_against_scenario(project):
    _, scenarios, runner = _studies(project)
    cat = read_catalogue(project / "layers")
    slow, short = prepare_studies(cat, scenarios, baseline="slow", scenario="shortcut")
    comp = runner.compare(slow, short)
    # default speed model (summer, operating speeds): limit 60 -> 58 km/h on the rural roads; the slowed
    # middle road (limit 30, a built-up limit) at 0.9 * 30 = 27 km/h; no junctions on the way
    # slow: 3 km + 3 km at 58 km/h and 6 km at 27 km/h = 6.21 + 13.33 min; shortcut: 6 km at 58 km/h
    slow_min = 6 / 58 * 60 + 6 / 27 * 60
    assert comp.baseline.places.set_index("place").loc["v", "minutes"] == pytest.approx(slow_min, abs=0.01)
    assert comp.scenario.places.set_index("place").loc["v", "minutes"] == pytest.approx(6 / 58 * 60, abs=0.01)
    kinds = comp.tables["layer_changes"][["change", "only_in"]].values.tolist()
    assert sorted(kinds) == [["appended", "scenario"], ["roads_changed", "baseline"]]
    same = runner.compare(short, prepare_studies(cat, scenarios, baseline="shortcut", scenario="shortcut")[1])
    assert same.n_differences == 0


def test_sites_out_of_reach_of_the_edits_are_not_recomputed(scenario_study):
    project = scenario_study("far", far_site=True)
    cat = read_catalogue(project / "layers")
    scenarios = read_scenarios(project / "scenarios", catalogue=cat)
    base, short = prepare_studies(cat, scenarios, scenario="shortcut")
    base.parameters["catchments"] = short.parameters["catchments"] = {"minutes": [10, 20]}
    runner = StudyRunner(root=project, rules_path=project / "rules.yaml")
    comp = runner.compare(base, short)
    b, s = comp.baseline.catchments, comp.scenario.catchments
    far_b, far_s = b[b["site_id"] == "far"], s[s["site_id"] == "far"]
    # the far site's bands are the very same polygons (reused), site s's were recomputed
    assert len(far_s) == 2 and all(x is y for x, y in zip(far_b.geometry.values, far_s.geometry.values, strict=True))
    near_b, near_s = b[b["site_id"] == "s"], s[s["site_id"] == "s"]
    assert not any(x is y for x, y in zip(near_b.geometry.values, near_s.geometry.values, strict=True))
    assert set(comp.layers["catchment_changes"]["site_id"]) == {"s"}


def test_band_totals_count_people_from_population_layers_only():
    import pandas as pd

    from jokkgeo.workflows.comparison import StudyRunner

    long = pd.DataFrame({
        "site_id": ["a"] * 4,
        "place_layer": ["population", "population", "settlements", "housing_land"],
        "minutes": [10.0, 40.0, 10.0, 20.0],
        "population": [100.0, 50.0, 100.0, 0.0],     # the tätort is in both layers: count it once
        "dwellings": [0.0, 0.0, 0.0, 30.0],
        "area_m2": [0.0, 0.0, 0.0, 5000.0],
    })
    totals = StudyRunner._totals(long, ["a"], [15.0, 60.0], ["housing_land"], ["population"])
    assert totals["population"].tolist() == [100.0, 150.0]
    assert totals["dwellings"].tolist() == [0.0, 30.0] and totals["housing_area_m2"].tolist() == [0.0, 5000.0]
    without = StudyRunner._totals(long, ["a"], [15.0, 60.0], ["housing_land"])   # no population layer
    assert without["population"].tolist() == [200.0, 250.0]
