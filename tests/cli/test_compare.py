"""``jokkgeo compare`` on the scenario study of tests/conftest.py (via CliRunner)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from click.testing import CliRunner

from jokkgeo.cli.main import cli


@pytest.fixture(scope="module")
def project(scenario_study) -> Path:
    return scenario_study("toy_cli")


def run(*args: str):
    return CliRunner().invoke(cli, ["compare", *args])


def test_compare_writes_tables_layers_summary_and_map(project, tmp_path):
    out = tmp_path / "slow.gpkg"
    res = run("--scenario", "slow", "--catalog", str(project / "layers"), "--out", str(out))
    assert res.exit_code == 0, res.output
    # middle 6 km at 30 instead of 60 km/h (default speed model: 27 and 58 km/h average): village v
    # 12.4 -> 19.5 min, out of the 15-min band
    assert "Scenariojämförelse: Långsamt jämfört med Nuläge" in res.output
    assert "v når inte längre Site inom 15 min (12,4 → 19,5 min)" in res.output
    access = pd.read_csv(tmp_path / "slow__access_changes.csv")
    assert access[["place", "band_minutes", "change"]].values.tolist() == [["v", 15.0, "lost"]]
    layers = {name for name, _ in pyogrio.list_layers(out)}
    assert {"catchment_changes", "conflict_changes", "crossing_changes"} <= layers
    lost = gpd.read_file(out, layer="catchment_changes")
    assert set(lost["change"]) == {"lost"} and lost.crs == "EPSG:3006"
    html = (tmp_path / "slow__map.html").read_text(encoding="utf-8")
    assert "Skillnader" in html and "<script src=\"http" not in html
    assert (tmp_path / "slow__map.png").stat().st_size > 10_000
    assert (tmp_path / "slow__summary.txt").read_text(encoding="utf-8") in res.output


def test_removed_power_line_in_english_and_no_overwrite(project, tmp_path):
    out = tmp_path / "np.gpkg"
    res = run("--scenario", "no_power", "--catalog", str(project / "layers"), "--out", str(out), "--lang", "en",
              "--no-figure")
    assert res.exit_code == 0, res.output
    assert "Scenario comparison: Utan kraftledning against Baseline" in res.output
    assert "0 new and 1 removed crossings." in res.output  # the power line crossed route r1 once
    crossings = pd.read_csv(tmp_path / "np__crossing_changes.csv")
    assert crossings[["route_id", "infra_layer", "status"]].values.tolist() == [["r1", "power_lines", "removed"]]
    again = run("--scenario", "no_power", "--catalog", str(project / "layers"), "--out", str(out), "--no-figure")
    assert again.exit_code == 2 and "--overwrite" in again.output and "Traceback" not in again.output
    assert run("--scenario", "no_power", "--catalog", str(project / "layers"), "--out", str(out), "--no-figure",
               "--overwrite").exit_code == 0


def test_identical_scenario_prints_no_differences(project):
    res = run("--scenario", "baseline", "--catalog", str(project / "layers"), "--lang", "en")
    assert res.exit_code == 0, res.output
    assert "The scenario gives no differences at all" in res.output
    assert "No new, removed or changed conflicts." in res.output


def test_unknown_scenario_and_bad_file_exit_2(project, tmp_path):
    res = run("--scenario", "nope", "--catalog", str(project / "layers"))
    assert res.exit_code == 2
    assert "no scenario named 'nope'; available: baseline, no_power, shortcut, slow" in res.output
    bad = tmp_path / "scen"
    bad.mkdir()
    (bad / "broken.yaml").write_text("title: x\nremove_layers: [powerlines]\n", encoding="utf-8")
    res = run("--scenario", "broken", "--catalog", str(project / "layers"), "--scenarios", str(bad))
    assert res.exit_code == 2
    assert f"{bad / 'broken.yaml'}: key 'remove_layers[0]': no layer with id 'powerlines'" in res.output
    assert "Traceback" not in res.output
