"""``jokkgeo growth``: output written, --overwrite, --years, --scenario and clear errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyogrio
import pytest

from tests.workflows.test_growth import GROWTH_SCENARIOS, growth_layers


@pytest.fixture(scope="module")
def project(project_factory: Callable[..., Path]) -> Path:
    return project_factory("growth_cli", layers=growth_layers(), scenarios=GROWTH_SCENARIOS, recipes={})


def test_growth_writes_layers_and_prints_years(project: Path, tmp_path: Path, run_cli) -> None:
    out = tmp_path / "g.gpkg"
    res = run_cli("growth", "--catalog", project / "layers", "--out", out, "--years", "2027", "2030", "--lang", "en")
    assert res.exit_code == 0, res.output
    names = {row[0] for row in pyogrio.list_layers(out)}
    assert {"growth_settlements", "growth_sites", "growth_flows", "jobs_by_year", "parameters"} <= names
    sett = pyogrio.read_dataframe(out, layer="growth_settlements")
    assert sorted(set(sett["year"])) == [2027, 2030]
    assert "2030: 250 new jobs" in res.stdout
    assert "Not a forecast" in res.stdout
    # an existing output needs --overwrite
    again = run_cli("growth", "--catalog", project / "layers", "--out", out)
    assert again.exit_code == 2 and "--overwrite" in again.stderr
    ok = run_cli("growth", "--catalog", project / "layers", "--out", out, "--years", "2031,2032", "--overwrite")
    assert ok.exit_code == 0, ok.output
    assert sorted(set(pyogrio.read_dataframe(out, layer="growth_settlements")["year"])) == [2031, 2032]


@pytest.mark.parametrize("years, message", [(["soon"], "'soon' is not a year"), (["20300"], "out of range")])
def test_bad_years_is_a_clear_error(project: Path, tmp_path: Path, run_cli, years: list[str], message: str) -> None:
    out = tmp_path / "g.gpkg"
    res = run_cli("growth", "--catalog", project / "layers", "--out", out, "--years", *years)
    assert res.exit_code == 2
    assert "--years" in res.stderr and message in res.stderr
    assert not out.exists()


def test_years_without_option_and_bad_scenario(project: Path, tmp_path: Path, run_cli) -> None:
    res = run_cli("growth", "--catalog", project / "layers", "--out", tmp_path / "g.gpkg", "2030")
    assert res.exit_code == 2 and "--years" in res.stderr
    res = run_cli("growth", "--catalog", project / "layers", "--out", tmp_path / "g.gpkg", "--scenario", "nope")
    assert res.exit_code == 2 and "fewer_jobs" in res.stderr


def test_scenario_applies(project: Path, tmp_path: Path, run_cli) -> None:
    base, scen = tmp_path / "b.gpkg", tmp_path / "s.gpkg"
    assert run_cli("growth", "--catalog", project / "layers", "--out", base, "--years", "2030").exit_code == 0
    res = run_cli("growth", "--catalog", project / "layers", "--out", scen, "--years", "2030",
                  "--scenario", "fewer_jobs")
    assert res.exit_code == 0, res.output
    b = pyogrio.read_dataframe(base, layer="growth_sites")
    s = pyogrio.read_dataframe(scen, layer="growth_sites")
    assert s["long_distance_commuters"].sum() > b["long_distance_commuters"].sum()
    assert s["in_migrant_workers"].sum() < b["in_migrant_workers"].sum()
