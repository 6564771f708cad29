"""``jokkgeo services`` on the toy project with people and services (tests/workflows/helpers_services.py)."""

from __future__ import annotations

import json

import pyogrio
import pytest
from workflows.helpers_services import project_options  # tests/ is on sys.path (pytest's prepend import mode)


@pytest.fixture
def project(make_project):
    return make_project("svc", **project_options())


def test_writes_layers_and_prints_lines(project, run_cli, tmp_path):
    out = tmp_path / "svc.gpkg"
    res = run_cli("services", "--catalog", project / "layers", "--out", out, "--kinds", "school,health_centre",
                  "--season", "summer", "--minutes", "15,30", "--lang", "en")
    assert res.exit_code == 0, res.output
    names = {row[0] for row in pyogrio.list_layers(out)}
    assert {"residents", "service_load", "service_bands", "service_summary", "service_worst", "parameters"} <= names
    load = pyogrio.read_dataframe(out, layer="service_load")
    assert dict(zip(load["service_id"], load["residents"], strict=True)) == {
        "j_school": 3126, "v_school": 623, "j_health": 3749}
    params = pyogrio.read_dataframe(out, layer="parameters", read_geometry=False)
    values = dict(zip(params["key"], params["value"], strict=True))
    assert json.loads(values["kinds"]) == ["school", "health_centre"]
    assert json.loads(values["seasons"]) == ["summer"]
    assert "school, summer:" in res.stdout and "health centre, summer:" in res.stdout


def test_overwrite(project, run_cli, tmp_path):
    out = tmp_path / "svc.gpkg"
    args = ("services", "--catalog", project / "layers", "--out", out, "--season", "summer")
    assert run_cli(*args).exit_code == 0
    again = run_cli(*args)
    assert again.exit_code == 2 and "--overwrite" in again.stderr
    assert run_cli(*args, "--overwrite").exit_code == 0


def test_bad_kinds_is_a_clear_error(project, run_cli, tmp_path):
    out = tmp_path / "svc.gpkg"
    res = run_cli("services", "--catalog", project / "layers", "--out", out, "--kinds", "scool")
    assert res.exit_code == 2
    assert "unknown kind(s) 'scool' (did you mean 'school'?)" in res.stderr
    assert not out.exists()


def test_bad_season_and_out(project, run_cli, tmp_path):
    res = run_cli("services", "--catalog", project / "layers", "--out", tmp_path / "a.gpkg", "--season", "monsoon")
    assert res.exit_code == 2 and "not a season profile" in res.stderr
    res = run_cli("services", "--catalog", project / "layers", "--out", tmp_path / "a.csv")
    assert res.exit_code == 2 and ".gpkg" in res.stderr


def test_missing_kind_stated_in_output(project, run_cli, tmp_path):
    out = tmp_path / "svc.gpkg"
    res = run_cli("services", "--catalog", project / "layers", "--out", out, "--kinds", "school,hospital",
                  "--season", "summer")
    assert res.exit_code == 0
    assert "sjukhus: ingen enhet i servicelagret" in res.stdout
    warnings = pyogrio.read_dataframe(out, layer="warnings", read_geometry=False)
    assert warnings["warning"].str.contains("hospital").any()


def test_scenario_and_newcomers(project, run_cli, tmp_path):
    out = tmp_path / "svc.gpkg"
    res = run_cli("services", "--catalog", project / "layers", "--out", out, "--scenario", "growth_e",
                  "--season", "summer")
    assert res.exit_code == 0, res.output
    load = pyogrio.read_dataframe(out, layer="service_load").set_index("service_id")
    assert load.loc["j_school", "residents_after"] == 3166
    assert "newcomers" in {row[0] for row in pyogrio.list_layers(out)}


@pytest.mark.slow
def test_dask_engine_gives_the_same_file(project, run_cli, tmp_path):
    args = ("services", "--catalog", project / "layers", "--season", "summer", "--minutes", "15,30")
    assert run_cli(*args, "--out", tmp_path / "here.gpkg").exit_code == 0
    res = run_cli(*args, "--out", tmp_path / "there.gpkg", "--engine", "dask", "--workers", "2")
    assert res.exit_code == 0, res.output
    for layer in ("residents", "service_load", "service_bands"):
        here = pyogrio.read_dataframe(tmp_path / "here.gpkg", layer=layer)
        there = pyogrio.read_dataframe(tmp_path / "there.gpkg", layer=layer)
        assert here.equals(there), layer


def test_engine_options_are_checked(project, run_cli, tmp_path):
    args = ("services", "--catalog", project / "layers", "--out", tmp_path / "s.gpkg")
    res = run_cli(*args, "--scheduler", "tcp://127.0.0.1:1")
    assert res.exit_code == 2 and "--scheduler needs --engine dask" in res.output
    res = run_cli(*args, "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1")
    assert res.exit_code == 2 and "no dask scheduler answered" in res.stderr
    assert "Traceback" not in res.output
