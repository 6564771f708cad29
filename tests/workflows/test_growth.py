"""The growth workflow on a toy project: layers -> travel times -> in-migration model.

Travel minutes are never hard-coded (the speed model may change): the test takes them from
:func:`jokkgeo.analysis.accessibility.accessibility` on the same network and checks that the workflow
feeds the model what the layers say (capacity by locality, services, in_study_area, scenario changes).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from tests.conftest import _frame

NAN = float("nan")


def growth_layers() -> dict[str, tuple[dict[str, Any], Any]]:
    """Toy layers in the contract's shape (sites with phases, settlements, housing land, people, services)."""
    return {
        "investment_sites": (
            {"title": "Investeringsplatser", "theme": "investment_sites", "geometry_type": "Point"},
            _frame({"site_id": ["kallak", "gone"], "name": ["Kallak/Gállok", "Inställt"],
                    "type": ["mine", "mine"], "status": ["planned", "cancelled"],
                    "jobs_construction": [200, 50], "jobs_operation": [250, 40],
                    "start_year": [2026, 2026], "full_operation_year": [2028, 2028]},
                   [Point(25_000, 25_000), Point(21_000, 21_000)]),
        ),
        "settlements": (
            {"title": "Orter", "theme": "settlements", "geometry_type": "Point"},
            _frame({"name": ["Jokk", "Väst", "Öst", "Norr"], "kind": ["tatort", "by", "regional_centre", "by"],
                    "population": [2766, 623, 9500, NAN], "in_study_area": [True, True, False, True]},
                   [Point(20_000, 20_000), Point(5_000, 20_000), Point(35_000, 20_000), Point(20_000, 36_000)]),
        ),
        "housing_land": (
            {"title": "Bostadsmark", "theme": "housing_land", "geometry_type": "Polygon", "illustrative": True},
            _frame({"area_id": ["h1", "h2"], "name": ["A", "B"], "locality": ["Jokk", "Väst"], "dwellings": [10, 5]},
                   [box(19_000, 21_000, 19_500, 21_500), box(5_000, 21_000, 5_500, 21_500)]),
        ),
        "population": (
            {"title": "Befolkning", "theme": "population", "geometry_type": "Point", "illustrative": True},
            _frame({"population": [2766.0, 623.0, 40.0, 20.0], "working_age": [1500.0, 300.0, 25.0, 10.0],
                    "kind": ["tatort", "village", "modelled_road", "modelled_road"],
                    "modelled": [False, True, True, True]},
                   [Point(20_000, 20_000), Point(5_000, 20_000), Point(20_000, 37_000), Point(20_000, 34_000)]),
        ),
        "services": (
            {"title": "Service", "theme": "services", "geometry_type": "Point", "illustrative": True},
            _frame({"service_id": ["s1", "s2"], "name": ["Skola", "Affär"], "kind": ["school", "grocery"],
                    "locality": ["Jokk", "Jokk"], "source": ["toy", "toy"], "accuracy_m": [10, 10],
                    "illustrative": [True, True]}, [Point(20_100, 20_000), Point(20_200, 20_000)]),
        ),
    }


GROWTH_SCENARIOS: dict[str, dict[str, Any]] = {
    "fewer_jobs": {"title": "Färre jobb", "parameters": {"growth": {"long_distance_share_operation": 0.5}}},
    "no_housing": {"title": "Ingen bostadsmark", "remove_layers": ["housing_land"]},
}


@pytest.fixture(scope="module")
def growth_project(project_factory: Callable[..., Path]) -> Path:
    return project_factory("growth", layers=growth_layers(), scenarios=GROWTH_SCENARIOS, recipes={})


def _store(root: Path) -> Any:
    from jokkgeo.io.configs import read_catalogue
    from jokkgeo.study.store import LayerStore

    return LayerStore(read_catalogue(root / "layers", root=root))


def test_workflow_feeds_the_model_what_the_layers_say(growth_project: Path) -> None:
    from jokkgeo.analysis.accessibility import accessibility
    from jokkgeo.analysis.growth import GrowthParameters, in_migration, jobs_by_year
    from jokkgeo.workflows.catchments import road_network
    from jokkgeo.workflows.growth import GrowthOptions, run_growth

    store = _store(growth_project)
    params = GrowthParameters(local_cap_share=0.05)
    run = run_growth(store, GrowthOptions(years=(2027, 2030), parameters=params))
    res = run.result
    assert res.years == [2027, 2030]
    sett = run.settlements.set_index("settlement_id")
    assert sett.loc["Jokk", "housing_capacity"] == 10 and sett.loc["Väst", "housing_capacity"] == 5
    assert np.isnan(sett.loc["Öst", "housing_capacity"])  # no housing land: unknown = unlimited
    assert sett.loc["Jokk", "services"] == 2 and sett.loc["Väst", "services"] == 0
    assert list(run.sites["site_id"]) == ["kallak"]  # the cancelled site has no jobs
    # the same model fed by hand: minutes from accessibility on the same network, working age within 45 min
    net = road_network(store, "roads")
    sites, places = store.layer("investment_sites"), store.layer("settlements")
    kallak = sites[sites["site_id"] == "kallak"]
    t = accessibility(net, kallak, places, minutes=[90]).places["minutes_kallak"].to_numpy()
    tp = accessibility(net, kallak, store.layer("population"), minutes=[45]).places["minutes_kallak"].to_numpy()
    wa = float(np.where(tp <= 45, [1500.0, 300.0, 25.0, 10.0], 0.0).sum())
    assert res.sites["working_age_within_reach"].iloc[0] == pytest.approx(wa)
    jobs = jobs_by_year(sites, [2027, 2030], include_operating=False)
    # Norr has no figure: the two modelled points 1 and 2 km from it (nearer to it than to any other place)
    assert sett.loc["Norr", "population"] == 40.0 + 20.0 and sett.loc["Jokk", "population"] == 2766
    dest = pd.DataFrame({"settlement_id": ["Jokk", "Väst", "Öst", "Norr"], "name": ["Jokk", "Väst", "Öst", "Norr"],
                         "population": [2766, 623, 9500, 60], "services": [2, 0, 0, 0],
                         "housing_capacity": [10, 5, NAN, NAN], "in_study_area": [True, True, False, True]})
    by_hand = in_migration(jobs, dest, pd.DataFrame({"kallak": t}, index=dest["settlement_id"]),
                           working_age_within_reach={"kallak": wa}, params=params)
    cols = ["new_residents", "dwellings_needed", "shortfall_dwellings"]
    assert res.settlements[cols].to_numpy() == pytest.approx(by_hand.settlements[cols].to_numpy())
    # 2027: construction (200 jobs), 2030: operation (250 jobs)
    kal = res.sites[res.sites["site_id"] == "kallak"]
    assert kal.set_index("year")["jobs"].to_dict() == {2027: 200.0, 2030: 250.0}
    assert res.sites.loc[res.sites["site_id"] == "gone", "jobs"].sum() == 0  # cancelled
    assert set(run.inputs) >= {"investment_sites", "settlements", "housing_land", "services", "population"}


def test_scenario_layers_and_parameters_reach_the_model(growth_project: Path) -> None:
    from jokkgeo.io.configs import read_scenarios
    from jokkgeo.study.scenario import Study, apply_scenario
    from jokkgeo.workflows.catchments import road_network
    from jokkgeo.workflows.growth import GrowthOptions, run_growth

    store = _store(growth_project)
    scenarios = read_scenarios(growth_project / "scenarios", root=growth_project, catalogue=store.catalogue)
    net = road_network(store, "roads")
    base = Study.from_catalogue(store.catalogue, store=store)
    opts = GrowthOptions(years=(2030,))
    b = run_growth(base, opts, network=net).result
    fewer = apply_scenario(base, scenarios["fewer_jobs"])
    f = run_growth(fewer, opts.with_scenario(fewer.parameters.get("growth", {})), network=net).result
    assert f.sites["in_migrant_workers"].sum() < b.sites["in_migrant_workers"].sum()
    assert (f.settlements["new_residents"].to_numpy() <= b.settlements["new_residents"].to_numpy() + 1e-9).all()
    nohouse = apply_scenario(base, scenarios["no_housing"])
    n = run_growth(nohouse, opts, network=net)
    assert n.settlements["housing_capacity"].isna().all()  # without housing land every place is unlimited


def test_scenario_growth_keys_are_checked() -> None:
    from dataclasses import fields

    from jokkgeo.analysis.growth import GrowthParameters
    from jokkgeo.config.scenarios import PARAMETER_KEYS
    from jokkgeo.errors import AnalysisError, CatalogueError
    from jokkgeo.workflows.growth import OPTION_KEYS, GrowthOptions

    assert PARAMETER_KEYS["growth"] == {f.name for f in fields(GrowthParameters)} | OPTION_KEYS
    with pytest.raises(CatalogueError, match="parameters.growth.bogus"):
        GrowthOptions().with_scenario({"bogus": 1})
    with pytest.raises(AnalysisError, match="years"):
        GrowthOptions().with_scenario({"years": ["soon"]})
    assert GrowthOptions().with_scenario({"years": [2031, 2029], "local_share": 0.1}).years == (2029, 2031)


def test_compare_shows_growth_changes(growth_project: Path) -> None:
    from jokkgeo.io.configs import read_catalogue, read_scenarios
    from jokkgeo.present.comparison import summary_text
    from jokkgeo.workflows.comparison import run_comparison

    catalogue = read_catalogue(growth_project / "layers", root=growth_project)
    scenarios = read_scenarios(growth_project / "scenarios", root=growth_project, catalogue=catalogue)
    comp, _b, _s = run_comparison(catalogue, scenarios, scenario="fewer_jobs", root=growth_project, language="en")
    table = comp.tables["growth_changes"]
    assert set(table["year"]) == {2026, 2028, 2030, 2035}
    # more long-distance commuting in operation: fewer newcomers in operating years, nowhere more
    assert (table["new_residents_change"] <= 1e-9).all()
    assert (table.loc[table["year"] == 2030, "new_residents_change"] < 0).any()
    assert comp.n_differences > 0
    text = summary_text(comp, language="en")
    assert "New residents per settlement (in-migration model, year 2035)" in text
    assert "Not a forecast" in " ".join(comp.caveats)


def test_report_growth_recipe(growth_project: Path, tmp_path: Path) -> None:
    from jokkgeo.io.configs import read_recipe
    from jokkgeo.report import build_report
    from jokkgeo.settings import Settings
    from tests.conftest import write_yaml

    recipe = write_yaml(tmp_path / "maps" / "growth.yaml", {
        "title": "Var kan nyinflyttade bo?", "title_en": "Where could newcomers live?", "layers": ["roads"],
        "analyses": [{"type": "growth", "years": [2027, 2030], "year": 2030,
                      "parameters": {"local_share": 0.2}}]})
    manifest = build_report(tmp_path / "rep", settings=Settings(project_root=growth_project),
                            recipes=[read_recipe(recipe)], figures=False)
    rec = manifest["recipes"][0]
    assert any("Inte en prognos" in c for c in rec["caveats"])
    table = pd.read_csv(next((tmp_path / "rep" / "tables").glob("*growth_settlements.csv")), sep=None,
                        engine="python", encoding="utf-8-sig")
    assert {"Namn", "År", "Nyinflyttade", "Bostadskapacitet", "Underskott bostäder"} <= set(table.columns)
    assert set(table["År"]) == {2027, 2030}
    html = (tmp_path / "rep" / rec["map"]).read_text(encoding="utf-8")
    assert "Nyinflyttade 2030" in html and "Arbetsplatser med nya jobb" in html
    bad = write_yaml(tmp_path / "maps" / "bad.yaml", {"title": "x", "analyses": [{"type": "growth", "year": 2040}]})
    from jokkgeo.errors import CatalogueError

    with pytest.raises(CatalogueError, match="analyses\\[0\\].year"):
        build_report(tmp_path / "rep2", settings=Settings(project_root=growth_project),
                     recipes=[read_recipe(bad)], figures=False)


@pytest.mark.slow
def test_default_kallak_jobs_scenario_brings_more_newcomers_nowhere_fewer() -> None:
    """The default study's kallak_jobs (more Kallak jobs, earlier) changes only Kallak's figures:
    in every year both run, no settlement gets fewer newcomers and the total grows."""
    from jokkgeo.io.configs import read_catalogue, read_scenarios
    from jokkgeo.workflows.comparison import run_comparison

    root = Path(__file__).resolve().parents[2]
    catalogue = read_catalogue(root / "layers", root=root)
    scenarios = read_scenarios(root / "scenarios", root=root, catalogue=catalogue)
    comp, _, _ = run_comparison(catalogue, scenarios, scenario="kallak_jobs", baseline="kallak_mine", root=root)
    table = comp.tables["growth_changes"]
    assert len(table) and (table["new_residents_change"] >= -1e-6).all()
    by_year = table.groupby("year")["new_residents_change"].sum()
    assert by_year.loc[2028] > 0   # construction with 400 instead of 300 jobs (2027-2028 in the scenario)
