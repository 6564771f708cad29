"""The services workflow on the toy project: layers by theme, scenario-applied services and people."""

from __future__ import annotations

import pytest

from jokkgeo.errors import AnalysisError, CatalogueError
from jokkgeo.io.configs import read_catalogue, read_scenarios
from jokkgeo.study.store import LayerStore
from jokkgeo.workflows.services import ServiceOptions, run_services

from .helpers_services import project_options


@pytest.fixture(scope="module")
def project(project_factory):
    return project_factory("services", **project_options())


def _run(project, scenario=None, **options):
    catalogue = read_catalogue(project / "layers", root=project)
    scen = read_scenarios(project / "scenarios", root=project, catalogue=catalogue)[scenario] if scenario else None
    store = LayerStore(catalogue)
    return run_services(store, ServiceOptions(**options), scenario=scen, root_path=project), store


def _load(run, season="summer"):
    load = run.result.load
    return load[load["season"] == season].set_index("service_id")["residents"].to_dict()


def test_residents_and_services_come_from_their_themes(project):
    run, store = _run(project)
    assert run.population_layers == ["population"] and run.services_layers == ["services"]
    assert run.result.kinds == ("school", "health_centre")
    assert run.result.seasons == ("summer", "winter")
    # nearest school: J for J, S and E; V for V (see helpers_services)
    assert _load(run) == {"j_school": 2766 + 265 + 95, "v_school": 623, "j_health": 3749}
    assert _load(run, "winter") == _load(run)
    assert run.result.residents["nearest_school_summer"].tolist() == ["j_school", "v_school", "j_school", "j_school"]
    # winter never faster
    r = run.result.residents
    assert (r["minutes_school_winter"] >= r["minutes_school_summer"] - 1e-9).all()
    assert {"population", "services", "roads"} <= set(store.used)


def test_scenario_adds_a_service(project):
    run, _ = _run(project, "new_school", kinds=("school",), seasons=("summer",))
    assert _load(run) == {"j_school": 2766 + 265, "v_school": 623, "e_school": 95}
    assert run.result.residents.loc[3, "minutes_school_summer"] == pytest.approx(0.0, abs=1e-9)


def test_scenario_removes_a_service(project):
    run, _ = _run(project, "no_v_school", kinds=("school",), seasons=("summer",))
    assert _load(run) == {"j_school": 3749}


def test_scenario_road_change_uses_the_edited_network(project):
    base, _ = _run(project, kinds=("school",), seasons=("summer",))
    slow, _ = _run(project, "slow_east", kinds=("school",), seasons=("summer",))
    b = base.result.residents["minutes_school_summer"].to_numpy()
    s = slow.result.residents["minutes_school_summer"].to_numpy()
    # only E (35 km, on the slowed eastern E45) is farther from its school: 15 km now at 30 km/h
    assert s[3] > b[3] and s[:3] == pytest.approx(b[:3])
    assert "compare_runner" in slow.study.store.shared  # the comparison runner's edited network


def test_scenario_newcomers_from_its_parameters(project):
    run, _ = _run(project, "growth_e", seasons=("summer",))
    assert run.result.kinds == ("school",)  # parameters.services.kinds
    assert run.population_layers == ["population"]  # the newcomers layer is not counted as residents
    load = run.result.load.set_index("service_id")
    assert load.loc["j_school", "newcomers"] == 40 and load.loc["j_school", "residents"] == 3126
    assert load.loc["j_school", "residents_after"] == 3166
    assert "newcomers" in run.inputs


def test_options_given_win_over_scenario_parameters(project):
    run, _ = _run(project, "growth_e", seasons=("summer",), kinds=("health_centre",))
    assert run.result.kinds == ("health_centre",)


def test_missing_kind_stated(project):
    run, _ = _run(project, kinds=("school", "pharmacy"), seasons=("summer",))
    assert run.result.missing_kinds == ("pharmacy",)


NO_SERVICES = ["boundary", "settlements", "roads", "investment_sites", "investment_areas", "housing_land",
               "reindeer_samebyar", "reindeer_calving_land", "reindeer_migration_routes", "power_lines", "population"]


def test_bad_kind_and_missing_layers(project, make_project):
    with pytest.raises(AnalysisError, match="unknown kind"):
        _run(project, kinds=("scool",))
    bare = make_project("bare", only=NO_SERVICES)  # the toy project without its services layer
    with pytest.raises(CatalogueError, match="no (services|population)-theme layer"):
        _run(bare)


def test_scenario_parameter_keys_are_the_workflow_options():
    from jokkgeo.config.scenarios import PARAMETER_KEYS
    from jokkgeo.workflows.services import PARAMETER_OPTIONS

    assert PARAMETER_KEYS["services"] == frozenset(PARAMETER_OPTIONS)


def test_comparison_shows_service_changes(project):
    from jokkgeo.present.comparison import summary_text
    from jokkgeo.workflows.comparison import run_comparison

    catalogue = read_catalogue(project / "layers", root=project)
    scenarios = read_scenarios(project / "scenarios", root=project, catalogue=catalogue)
    comp, _, _ = run_comparison(catalogue, scenarios, scenario="new_school", root=project)
    load = comp.tables["service_load_changes"].set_index("service_id")
    assert load.loc["j_school", "residents_change"] == -95 and load.loc["e_school", "status"] == "new"
    assert load.loc["e_school", "residents_scenario"] == 95 and load.loc["j_health", "residents_change"] == 0
    bands = comp.tables["service_changes"]
    base_e = comp.baseline.services.residents.loc[3, "minutes_school_summer"]  # E: 15 km from J on the toy E45
    first = bands[(bands["kind"] == "school")].sort_values("minutes").iloc[0]
    assert first["people_within_change"] == (95 if base_e > first["minutes"] else 0)
    assert comp.n_differences > 0
    text = summary_text(comp, language="en")
    assert "Access to services:" in text
    assert "E skola (school): 0 → 95 residents nearest to it (+95)" in text
    assert "J skola (school): 3,126 → 3,031 residents nearest to it (−95)" in text


def test_comparison_without_services_layers_has_empty_tables(make_project):
    from jokkgeo.workflows.comparison import run_comparison

    bare = make_project("bare_cmp", only=NO_SERVICES)
    catalogue = read_catalogue(bare / "layers", root=bare)
    scenarios = read_scenarios(bare / "scenarios", root=bare, catalogue=catalogue)
    comp, _, _ = run_comparison(catalogue, scenarios, scenario="slow", root=bare)
    assert comp.baseline.services is None
    assert comp.tables["service_changes"].empty and comp.tables["service_load_changes"].empty


def test_growth_year_adds_the_in_area_newcomers_of_the_growth_model(toy_project):
    """``growth_year`` routes exactly the new residents the growth model puts inside the study area."""
    from jokkgeo.workflows.catchments import road_network
    from jokkgeo.workflows.growth import GrowthOptions, run_growth

    run, store = _run(toy_project, growth_year=2030, kinds=("school",))
    grow = run_growth(store, GrowthOptions(years=(2030,)), network=road_network(store, "roads"))
    rows = grow.result.settlements
    inside = rows[(rows["year"] == 2030) & rows["in_study_area"].astype(bool)]
    assert inside["new_residents"].sum() > 0
    newcomers = run.result.newcomers
    assert newcomers["population"].sum() == pytest.approx(inside["new_residents"].sum())
    load = run.result.load[run.result.load["season"] == "summer"]
    assert load["newcomers"].sum() == pytest.approx(inside["new_residents"].sum())


def test_newcomers_of_one_year_inside_the_study_area():
    from types import SimpleNamespace

    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    from jokkgeo.workflows.growth import newcomers_of

    settlements = gpd.GeoDataFrame({"settlement_id": ["a", "b", "c"]},
                                   geometry=[Point(0, 0), Point(1000, 0), Point(2000, 0)], crs="EPSG:3006")
    rows = pd.DataFrame({"settlement_id": ["a", "b", "c", "a"], "name": ["A", "B", "C", "A"],
                         "year": [2030, 2030, 2030, 2035], "new_residents": [10.0, 5.0, 0.0, 7.0],
                         "children_1_5": [1.0, 0.5, 0.0, 0.7], "children_6_15": [2.0, 1.0, 0.0, 1.4],
                         "in_study_area": [True, False, True, True]})
    run = SimpleNamespace(result=SimpleNamespace(settlements=rows, years=(2030, 2035)), settlements=settlements)
    got = newcomers_of(run, 2030)   # b lies outside the study area, c gets nobody
    assert got["name"].tolist() == ["A"] and got["population"].tolist() == [10.0]
    assert got["age_6_15"].tolist() == [2.0] and got.geometry.iloc[0].equals(Point(0, 0))
    assert newcomers_of(run, 2030, study_area_only=False)["name"].tolist() == ["A", "B"]
    with pytest.raises(AnalysisError, match="2040 is not one of the years run"):
        newcomers_of(run, 2040)
